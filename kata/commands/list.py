"""List the katas by topic, with their difficulty and suggested time.

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
    from kata.exercises import by_topic

    lang = getattr(args, "lang", None) or "en"
    groups = by_topic()
    katas = [k for _, group in groups for k in group]
    if args.json:
        rows = [
            {
                "id": k.id,
                "topic": k.topic,
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
    for n, (topic, group) in enumerate(groups):
        print(("\n" if n else "") + topic.name(lang))
        for k in group:
            stars = "★" * k.difficulty + "☆" * (5 - k.difficulty)
            print(f"  {k.id:<{width}}  {stars}  {k.time_limit:>3} min  {k.signature:<{sig_width}}  {k.title(lang)}")
    return 0
