"""Argument types shared by several commands: each rejects bad values with one clear line."""

from __future__ import annotations

import argparse

from kata.grader.sandbox import MODES


def given(what: str):
    """An argument type for a path or an id: an empty value (``--out ""``, a shell variable
    left unset) is a usage error, never taken for the option left out or for ``.``."""

    def check(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"is empty: give {what}")
        return text

    check.__name__ = "value"  # argparse names the type in some messages
    return check


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 3600 seconds, got {text}")
    return value


def seed(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**63 - 1, got {text}")
    return value


def memory_mb(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of MiB, got {text!r}") from None
    if not 256 <= value <= 1 << 20:
        raise argparse.ArgumentTypeError(f"must be at least 256 MiB (numpy needs room to import), got {text}")
    return value


def language(args: argparse.Namespace) -> str:
    """The language a command speaks in: ``--lang``, else ``$KATA_LANG``, else English."""
    import os

    from kata.lang import DEFAULT, LANGS

    chosen = getattr(args, "lang", None) or os.environ.get("KATA_LANG", "")
    return chosen if chosen in LANGS else DEFAULT


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=seed, help="seed for the hidden inputs (default: random; the report shows it)")
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=10.0,
        metavar="S",
        help="wall-clock seconds for all checks of one submission (default: 10)",
    )
    parser.add_argument(
        "--memory", type=memory_mb, default=1024, metavar="MB", help="memory limit of the child process (default: 1024)"
    )
    parser.add_argument(
        "--sandbox",
        choices=MODES,
        default="auto",
        help="auto: confine the submission with every kernel protection available and report "
        "any that is missing (default); strict: refuse to grade (exit 3) unless all are in force",
    )


def limits_from(args: argparse.Namespace):  # stdlib only: runs before numpy is imported
    from kata.grader.limits import Limits

    return Limits(
        timeout=args.timeout, check_timeout=min(args.timeout, 5.0), memory_mb=args.memory, sandbox=args.sandbox
    )


# What `kata grade --format` and `kata merge --format` write: the gradebooks, then the
# platforms' results (kata.grader.gradebook.ALL_FORMATS; a test holds the two equal, so
# that parsing arguments imports no grader module).
GRADEBOOK_FORMATS = ("json", "csv", "junit", "gradescope", "prairielearn", "exercism", "github-classroom")
# What `kata check --format` writes: the table, its JSON report, or a platform's results.
REPORT_FORMATS = ("text", "json", "gradescope", "prairielearn", "exercism", "github-classroom")


def add_points_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--points", metavar="FILE", type=given("the points file (YAML or JSON)"),
        help="what each check is worth: a YAML or JSON file of `kata-id: {check-id: points}` "
        "(default: the kata's own points, else 1 a check)",
    )


def points_from(args: argparse.Namespace, katas):
    """The points to weigh entries with: the kata's own, with ``--points FILE`` on top."""
    from kata.grader.points import Points, load

    return load(args.points, katas) if getattr(args, "points", None) else Points()
