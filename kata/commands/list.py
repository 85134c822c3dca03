"""List the katas with their difficulty and suggested time.

Examples:
  kata list
  kata list --json
"""

from __future__ import annotations

import argparse
import json

NAME = "list"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the catalog as JSON")


def run(args: argparse.Namespace) -> int:
    from kata.exercises import catalog

    lang = getattr(args, "lang", None) or "en"
    katas = list(catalog().values())
    if args.json:
        rows = [
            {
                "id": k.id,
                "title": k.title(lang),
                "function": k.signature,
                "difficulty": k.difficulty,
                "time_limit_min": k.time_limit,
                "checks": [c.id for c in k.checks],
            }
            for k in katas
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    width = max(len(k.id) for k in katas)
    sig_width = max(len(k.signature) for k in katas)
    for k in katas:
        stars = "★" * k.difficulty + "☆" * (5 - k.difficulty)
        print(f"{k.id:<{width}}  {stars}  {k.time_limit:>3} min  {k.signature:<{sig_width}}  {k.title(lang)}")
    return 0
