"""Write a kata's starter file, ready to edit and check.

Without DIR the file goes to your workspace (<data dir>/workspace/), the same file the
app's editor uses, so you can switch between the app and your own editor.

Examples:
  kata start softmax            # -> <data dir>/workspace/softmax.py
  kata start softmax .          # -> ./softmax.py
  kata start softmax . --force  # overwrite an existing file
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kata.grader.text import clean_line

NAME = "start"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kata", metavar="ID", help="kata id (see `kata list`)")
    parser.add_argument("dir", metavar="DIR", nargs="?", help="folder to write into (default: your workspace)")
    parser.add_argument("--force", action="store_true", help="overwrite the file if it exists")


def run(args: argparse.Namespace) -> int:
    import sys

    from kata.errors import UsageError
    from kata.exercises import get_kata
    from kata.workspace import workspace_file

    kata = get_kata(args.kata)
    if args.dir is None:
        target = workspace_file(kata, getattr(args, "data_dir", None))
    else:
        folder = Path(args.dir)
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{folder} is a file; give a folder to write {kata.file_name} into")
        target = folder / kata.file_name
    if target.exists() and not args.force:
        raise UsageError(f"{target} already exists; keep working on it, or pass --force to start over")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(kata.starter_path.read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot write {target}: {err.strerror}") from None
    print(target)  # data for scripts: the path as it is
    print(f"Next: read `kata show {kata.id}`, edit the file, then run `kata check {clean_line(str(target), None)}`.", file=sys.stderr)
    return 0
