"""Print a kata's statement: contract, tolerance, examples and, on request, hints.

Examples:
  kata show softmax
  kata show softmax --hints 2
  kata show softmax-backward --lang zh
"""

from __future__ import annotations

import argparse

NAME = "show"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kata", metavar="ID", help="kata id (see `kata list`)")
    parser.add_argument(
        "--hints", type=int, default=0, metavar="N", help="also show the first N progressive hints"
    )
    parser.add_argument("--solution", action="store_true", help="also print the reference solution")


def run(args: argparse.Namespace) -> int:
    from kata.errors import UsageError
    from kata.exercises import get_kata
    from kata.harness.statement import render_statement

    if args.hints < 0:
        raise UsageError("--hints takes a number >= 0")
    kata = get_kata(args.kata)
    print(render_statement(kata, getattr(args, "lang", None) or "en", hints=args.hints), end="")
    if args.solution:
        print(f"\n## Reference solution ({kata.file_name})\n\n```python\n{kata.solution_path.read_text(encoding='utf-8')}```")
    return 0
