"""Merge gradebooks (from `kata grade --shard`) into one.

Each FILE is a JSON, CSV or JUnit gradebook (told apart by its content). Entries are
merged by submission id and sorted; an id in several files keeps the last one given,
with a warning. Merging CSV files keeps verdicts only (CSV has no messages): shard to
JSON or JUnit to keep everything.

Exit status: 0 every submission passed, 1 some did not, 2 bad usage or unreadable file.

Examples:
  kata merge part1.json part2.json part3.json --out grades.json
  kata merge part*.json --format csv --out grades.csv
  kata merge grades.json --format prairielearn --out class-prairielearn.json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kata.commands._options import GRADEBOOK_FORMATS, given, language
from kata.grader.text import clean_line

NAME = "merge"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", type=given("a gradebook file"), help="gradebooks to merge")
    parser.add_argument("--format", choices=GRADEBOOK_FORMATS,
                        help="output format (default: from --out); a platform's format (gradescope, prairielearn, "
                        "exercism, github-classroom) maps each id to that platform's results")
    parser.add_argument("--out", metavar="FILE", type=given("the file to write the merged gradebook to"), help="write the merged gradebook here (default: stdout)")


def run(args: argparse.Namespace) -> int:
    from kata.commands.grade import write_output
    from kata.errors import EXIT_FAIL, EXIT_OK
    from kata.grader import gradebook

    if args.out:
        from kata.commands.grade import check_writable

        check_writable(args.out)
    merged: dict[str, gradebook.Entry] = {}
    for name in args.files:
        for entry in gradebook.read_file(Path(name)):
            if entry.id in merged:
                print(f"kata merge: warning: {clean_line(entry.id, None)} is in several gradebooks; keeping the one in {clean_line(name, None)}",
                      file=sys.stderr)
            merged[entry.id] = entry
    fmt = gradebook.format_for(args.out, args.format)
    write_output(gradebook.write(list(merged.values()), fmt, language(args)), args.out)
    return EXIT_OK if all(e.status == "pass" for e in merged.values()) else EXIT_FAIL
