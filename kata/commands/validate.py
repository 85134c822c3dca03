"""Check question banks and print every problem as FILE:LINE:COL: message.

With no PATH, checks the built-in banks and your banks folder (<data dir>/banks).
A PATH is a bank file or a folder of them (*.yaml, *.yml). Ids must be unique across
all banks, so to check your own bank against the built-in ones, pass it with --bank
instead of as a PATH.

Problems go to standard output, one a line; the summary to standard error.
Exit status: 0 when every bank is valid, 1 when there are problems, 2 when a PATH
does not exist.

--lint also measures the answer cues a test-taker could exploit, for each bank and for
all of them together: how often the correct option is the longest, sits in the same
slot, or alone gives a reason; the share of true/false answers that are true; how many
options of multi questions are correct. Statistics outside their bounds are printed as
"warning:" lines with the questions behind them; they do not change the exit status.

Examples:
  kata validate
  kata validate questions/
  kata validate --bank my-banks/attention.yaml
  kata validate --lint my-banks/attention.yaml
"""

from __future__ import annotations

import argparse
import sys

from kata.grader.text import clean_line

NAME = "validate"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="bank files or folders to check")
    parser.add_argument(
        "--bank",
        action="append",
        default=[],
        metavar="PATH",
        help="also check this bank file or folder, together with the default banks "
        "when no PATH is given (repeatable)",
    )
    parser.add_argument(
        "--lint",
        action="store_true",
        help="also report answer cues (longest correct option, true/false balance, "
        "number of correct options) per bank, with the questions behind them",
    )


def run(args: argparse.Namespace) -> int:
    from kata.errors import UsageError
    from kata.quiz.loader import bank_files, default_bank_paths, validate

    if args.paths:
        files = bank_files([*args.paths, *args.bank])
        if not files:
            raise UsageError(f"no bank files (*.yaml) in {', '.join(args.paths)}")
    else:
        files = default_bank_paths(getattr(args, "data_dir", None), extra=args.bank)
    report = validate(files)
    for problem in report.problems:
        print(clean_line(str(problem), None))
    if args.lint:
        _lint(report, getattr(args, "lang", None) or "en")
    banks = _plural(report.banks, "bank")
    if report.ok:
        print(f"{banks}, {_plural(report.questions, 'question')}: OK")
        return 0
    sys.stdout.flush()
    print(
        f"kata: {_plural(len(report.problems), 'problem')} in "
        f"{report.files_with_problems} of {banks}",
        file=sys.stderr,
    )
    return 1


def _lint(report, lang: str) -> None:
    """Print the cue statistics of each valid bank, then of all of them together."""
    from kata.quiz.lint import lint

    scopes = [(bank.path, [bank]) for bank in report.loaded]
    if len(scopes) > 1:
        scopes.append(("所有题库" if lang == "zh" else "all banks", list(report.loaded)))
    for name, banks in scopes:
        stats = lint(banks)
        print(f"{clean_line(str(name), None)}:")
        for line in stats.summary(lang):
            print(f"  {clean_line(line, None)}")
        cues = stats.cues(lang)
        for cue in cues:
            print(f"  {'警告' if lang == 'zh' else 'warning'}: {clean_line(cue.message, None)}")
        if cues and len(banks) == 1:
            for flagged in stats.flagged:
                print(f"  {clean_line(flagged.describe(lang), None)}")


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
