"""Show your progress: accuracy per bank and tag, review cards due, kata results.

Accuracy is the mean score of your answers (partial credit counts its fraction).
The forecast counts the review cards due on each of the next 14 days; katas you
submitted come back in review too, and their count is shown below it.

Examples:
  kata stats
  kata stats --json
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kata.quiz.stats import Accuracy, ProgressStats

NAME = "stats"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--bank",
        action="append",
        default=[],
        metavar="PATH",
        help="also count this bank file or folder (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    from kata.quiz.loader import default_bank_paths, load_catalog
    from kata.quiz.stats import collect_stats
    from kata.store import Store

    data_dir = getattr(args, "data_dir", None)
    catalog = load_catalog(default_bank_paths(data_dir, extra=args.bank))
    if catalog.problems:
        files = len({problem.path for problem in catalog.problems})
        print(
            f"kata: skipped {files} bank file{'s' if files > 1 else ''} with problems; "
            "run `kata validate` to see them",
            file=sys.stderr,
        )
    from kata.paths import data_dir as resolve_data_dir
    from kata.store import FILE_NAME

    # Only reading: a read-only data folder is fine, and no progress yet is nothing to show.
    exists = (resolve_data_dir(data_dir) / FILE_NAME).exists()
    with Store.open(data_dir, read_only=True) if exists else Store.empty() as store:
        from kata.exercises import catalog as katas

        stats = collect_stats(store, catalog, katas=katas())
        lang = getattr(args, "lang", None) or store.get_setting("lang") or "en"
    if args.json:
        print(json.dumps(stats.as_json(), ensure_ascii=False, indent=2))
        return 0
    titles = {bank.id: bank.title.get(lang) for bank in catalog.banks}
    _print_report(stats, titles)
    return 0


def _print_report(stats: ProgressStats, titles: dict[str, str]) -> None:
    _accuracy_table("Banks", stats.banks, titles)
    answered_tags = [row for row in stats.tags if row.answered]
    if answered_tags:
        print()
        _accuracy_table("Tags", answered_tags, {})
    print()
    print(f"Review: {stats.due_now} of {stats.cards} card{'s' if stats.cards != 1 else ''} due now")
    upcoming = [(day, n) for day, n in stats.forecast if n]
    if upcoming:
        for index, (day, n) in enumerate(stats.forecast):
            if n:
                label = "today" if index == 0 else day.strftime("%a %d %b")
                print(f"  {label:<10} {n:>4}")
    else:
        print(f"  nothing due in the next {len(stats.forecast)} days")
    if stats.kata_cards:
        due = f": {', '.join(stats.katas_due)}" if stats.katas_due else ""
        print(f"Katas in review: {len(stats.katas_due)} of {stats.kata_cards} due now{due}")
    print()
    if not stats.katas:
        print("Katas: no attempts yet (`kata list` shows them)")
        return
    width = max(len("Katas"), *(len(best.kata_id) for best in stats.katas))
    print(f"{'Katas':<{width}}  attempts  passes  best time  last")
    for best in stats.katas:
        time = "-" if best.best_elapsed_s is None else _clock(best.best_elapsed_s)
        print(
            f"{best.kata_id:<{width}}  {best.attempts:>8}  {best.passes:>6}  {time:>9}  {best.last_status}"
        )


def _accuracy_table(
    heading: str, rows: list[Accuracy] | tuple[Accuracy, ...], titles: dict[str, str]
) -> None:
    width = max(len(heading), *(len(row.key) for row in rows)) if rows else len(heading)
    print(f"{heading:<{width}}  answered  right  partial  wrong  accuracy")
    if not rows:
        print("  (no banks loaded)")
    for row in rows:
        accuracy = "-" if row.accuracy is None else f"{100 * row.accuracy:.1f}%"
        title = titles.get(row.key, "")
        print(
            f"{row.key:<{width}}  {row.answered:>8}  {row.right:>5}  {row.partial:>7}  "
            f"{row.wrong:>5}  {accuracy:>8}  {title}".rstrip()
        )


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"
