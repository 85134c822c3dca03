"""Grade one submission file with the kata's hidden checks.

The file runs in a separate, resource-limited process; only its return values come
back. Without --kata, the kata is picked from the function the file defines.

Exit status: 0 every check passed, 1 a check failed or the file could not run,
2 bad usage (unknown kata, missing file), 3 internal error.

Examples:
  kata check softmax.py
  kata check softmax.py --kata softmax --seed 42 --json
  kata check mine.py --kata all      # a file defining several kata functions
  kata check softmax.py --examples   # only the visible examples from the statement
  kata check their.py --no-record    # grade without adding it to your progress
  kata check /autograder/submission/softmax.py --kata softmax --format gradescope \
      --out /autograder/results/results.json --no-record   # a Gradescope autograder

Formats: text (the table), json (the report), and the results a platform reads:
gradescope, prairielearn, exercism, github-classroom (the base64 its grading reporter
takes). With --out the report is written there (atomically) and the table still goes
to stdout. --points FILE sets what each check is worth (see `kata grade --help`).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from kata.commands._options import (
    REPORT_FORMATS,
    given,
    add_limit_options,
    add_points_option,
    language,
    limits_from,
    points_from,
)
from kata.commands._signals import stopped_by_signals
from kata.grader.text import clean_line

NAME = "check"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", type=given("the .py file to grade"), help="the .py file to grade")
    parser.add_argument("--kata", metavar="ID", type=given("a kata id, or `all`"), help="kata id, or `all` for every kata the file defines (default: detect)")
    parser.add_argument("--json", action="store_true", help="print one JSON report instead of a table (--format json)")
    parser.add_argument("--format", choices=REPORT_FORMATS,
                        help="text (default), json, or a platform's results: gradescope, prairielearn, exercism, "
                        "github-classroom")
    parser.add_argument("--out", metavar="FILE", type=given("the file to write the report to"), help="write the report here instead of stdout (default format: json)")
    parser.add_argument("--examples", action="store_true", help="run only the statement's visible examples")
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="do not add the result to your progress (for checking someone else's file)",
    )
    add_limit_options(parser)
    add_points_option(parser)


def report_format(args: argparse.Namespace) -> str:
    """--format, --json or --out's default; --json with another --format is a usage error."""
    from kata.errors import UsageError

    if args.json and args.format not in (None, "json"):
        raise UsageError(f"--json and --format {args.format} ask for two formats: give one")
    if args.json:
        return "json"
    return args.format or ("json" if args.out else "text")


def choose_katas(path: Path, kata_arg: str | None, source: str):
    """The katas to grade ``path`` against, and a note saying how they were chosen.
    Raises ``NoKata`` (a usage error) when the file names no single kata."""
    from kata.exercises import NoKata, catalog, detect_all, get_kata, pick

    if kata_arg and kata_arg != "all":
        return [get_kata(kata_arg)], None
    if kata_arg == "all":
        found = detect_all(source)
        if not found:
            raise NoKata("missing-function", f"{path} defines none of the kata functions ({_functions(catalog())})")
        return found, "checking against every kata it defines: " + ", ".join(k.id for k in found)
    try:
        kata = pick(source, path.name)
    except NoKata as err:
        raise NoKata(err.kind, f"{path} {err}") from None
    return [kata], f"checking {path} as `{kata.id}` (it defines {kata.function})"


def _functions(katas) -> str:
    return ", ".join(k.function for k in katas.values())


def run(args: argparse.Namespace) -> int:
    # The child is usually started already (kata.cli starts it before parsing); its
    # interpreter and numpy import overlap ours below.
    from kata.grader.spawn import prestart

    prestarted = getattr(args, "prestarted", None) or prestart()
    limits = limits_from(args)
    from kata.errors import EXIT_FAIL, EXIT_INTERNAL, EXIT_OK
    from kata.exercises import NoKata
    from kata.grader import grade, new_seed
    from kata.grader.source import read_source

    path = Path(args.file)
    try:
        fmt = report_format(args)
        import kata.exercises as catalog

        points = points_from(args, catalog)  # a bad --points file is refused before any grading
        if args.out:
            from kata.commands.grade import check_writable

            check_writable(args.out)
        raw = read_source(path)
        try:
            katas, note = choose_katas(path, args.kata, raw.decode("utf-8", errors="replace"))
        except NoKata as err:
            if err.kind != "syntax":
                raise
            # No kata to name, but the file's own problem is worth a full report.
            prestarted.discard()
            return _syntax_report(path, raw, args, fmt, points)
        if limits.sandbox == "strict":  # refuse before anything, whatever the file holds
            from kata.grader.engine import probe_sandbox
            from kata.grader.sandbox import require

            require(probe_sandbox(limits), "strict")
    except BaseException:
        prestarted.discard()
        raise
    if note and fmt == "text":
        print(clean_line(note, None), file=sys.stderr)
    seed = new_seed() if args.seed is None else args.seed
    reports = []
    with stopped_by_signals() as stopped:
        try:
            for kata in katas:
                checks = kata.example_checks() if args.examples else None
                reports.append(grade(path, kata, seed=seed, limits=limits, checks=checks, prestarted=prestarted,
                                     raw=raw))
                prestarted = None
        except KeyboardInterrupt:  # grade() has ended the child and removed its folder
            if prestarted is not None:
                prestarted.discard()
            print("kata: interrupted", file=sys.stderr)
            return 128 + (stopped.signal or signal.SIGINT)
    for report in reports:
        report.file = str(path)
    _show(reports, path, raw, args, fmt, points)
    if not args.examples and not args.no_record:
        _record(reports, raw, getattr(args, "data_dir", None))
    if any(r.error is not None and r.error.kind == "internal" for r in reports):
        return EXIT_INTERNAL
    return EXIT_OK if all(r.status == "pass" for r in reports) else EXIT_FAIL


def _show(reports, path: Path, raw: bytes, args: argparse.Namespace, fmt: str, points) -> None:
    """The reports in ``fmt``, to stdout or to ``--out`` (then the table to stdout)."""
    import hashlib

    import kata.exercises as catalog
    from kata.grader.entry import Entry
    from kata.grader.report import print_report, render_text

    lang = language(args)
    shown = [r.in_lang(lang) for r in reports]
    sha = hashlib.sha256(raw).hexdigest()
    entries = [Entry.from_report(r, id=str(path), sha256=sha, file=str(path)) for r in shown]
    points.weigh(entries, catalog)
    if fmt == "text":
        text = "\n".join(render_text(r, file_label=str(path), lang=lang) for r in reports) + "\n"
    elif fmt == "json":
        payloads = [_with_points(r.to_dict(), e) for r, e in zip(shown, entries, strict=True)]
        if len(payloads) == 1:
            payload = payloads[0]
        else:
            payload = {
                "file": str(path),
                "status": "pass" if all(r.status == "pass" for r in reports) else "fail",
                "reports": payloads,
            }
        text = json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    else:
        from kata.grader import reports as platforms

        text = platforms.write_one(fmt, entries, lang)
    if args.out is None:
        if fmt == "text":
            for report in reports:
                print_report(report, sys.stdout, file_label=str(path), lang=lang)
        else:
            sys.stdout.write(text)
        return
    from kata.commands.grade import write_output

    write_output(text, args.out)
    if fmt != "text":
        for report in reports:
            print_report(report, sys.stdout, file_label=str(path), lang=lang)


def _with_points(payload: dict, entry) -> dict:
    """The JSON report with what each check is worth and what it earned."""
    for check, weighed in zip(payload["checks"], entry.checks, strict=True):
        check["points"], check["max_points"] = weighed.to_json()["points"], weighed.to_json()["max_points"]
    whole = entry.to_json()
    payload.update(points=whole["points"], max_points=whole["max_points"], score=whole["score"])
    return payload


def _syntax_report(path: Path, raw: bytes, args: argparse.Namespace, fmt: str, points) -> int:
    """A file that does not parse and whose name names no kata: its syntax error, as a
    report (``--json`` too), exit status 1."""
    from kata.errors import EXIT_FAIL
    from kata.grader.engine import parse_source
    from kata.grader.report import Report

    _, _, problem = parse_source(raw)
    report = Report(kata="", seed=0 if args.seed is None else args.seed, error=problem)
    report.file = str(path)
    _show([report], path, raw, args, fmt, points)
    return EXIT_FAIL


def _record(reports, raw: bytes, data_dir: str | None) -> None:
    """Add the results to the user's progress, each rating its kata's review card (untimed:
    a pass is Good, a failure Again); a store problem is a warning, not a failure."""
    from kata.errors import KataError
    from kata.exercises import catalog
    from kata.quiz.katas import KataReviewer
    from kata.store import Store

    katas = catalog()
    try:
        with Store.open(data_dir) as store:
            reviewer = KataReviewer(store)
            for report in reports:
                kata = katas.get(report.kata)
                review = None if kata is None else reviewer.plan(
                    kata.id, report.status, time_limit_s=kata.time_limit * 60.0)
                store.record_graded(report, raw, review=review)
    except KataError as err:
        print(f"kata: warning: the result was not saved to your progress: {clean_line(str(err), None)}", file=sys.stderr)
