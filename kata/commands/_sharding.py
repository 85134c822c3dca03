"""`kata grade`'s options for grading one batch as many jobs: --shard auto, --manifest,
--write-manifest (standard library only at import time)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kata.commands._options import given
from kata.grader.text import clean_line

# The limit options' defaults, applied in ``fill_defaults``: the parser's own default is
# None, so that an option given alongside --manifest can be told from one left out.
_LIMITS = ("timeout", "memory", "sandbox")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """After ``add_limit_options``: the manifest options, and limits that default to None."""
    parser.add_argument("--manifest", metavar="FILE", type=given("the manifest file"),
                        help="grade exactly the batch frozen in FILE (its files, seed, kata and limits)")
    parser.add_argument("--write-manifest", metavar="FILE", type=given("the manifest file to write"),
                        help="freeze the batch of PATHs in FILE and grade nothing")
    parser.set_defaults(_limit_defaults={name: parser.get_default(name) for name in _LIMITS})
    parser.set_defaults(**dict.fromkeys(_LIMITS))


def fill_defaults(args: argparse.Namespace) -> set[str]:
    """Apply the limits' defaults; returns the limit options given on the command line."""
    given = {name for name in _LIMITS if getattr(args, name) is not None}
    for name, value in args._limit_defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return given


def check_combination(args: argparse.Namespace) -> None:
    from kata.errors import UsageError

    if args.write_manifest:
        for flag, value in (("--manifest", args.manifest), ("--out", args.out), ("--resume", args.resume),
                            ("--shard", args.shard), ("--format", args.format)):
            if value:
                raise UsageError(f"--write-manifest writes the manifest and grades nothing: drop {flag} "
                                 "(then grade with kata grade --manifest FILE)")
        if getattr(args, "points", None):
            raise UsageError("--write-manifest does not freeze --points (points weigh verdicts, they do not "
                             "change them): drop it here and give the same --points to every shard")
    if args.manifest and args.paths:
        raise UsageError(f"--manifest {args.manifest} already lists the submissions: give no PATH "
                         f"(here: {args.paths[0]})")
    if not args.manifest and not args.paths:
        raise UsageError("give the PATHs to grade (files or folders), or --manifest FILE")


def frozen(args: argparse.Namespace, given: set[str], current_lang: str, katas):
    """The batch of ``--manifest``; the run's options become the manifest's. An option
    given that disagrees with the manifest is a usage error: shards must not differ."""
    from kata.errors import UsageError
    from kata.grader import manifest
    from kata.grader.journal import checks_version

    path = Path(args.manifest)
    plan = manifest.read_file(path)
    run = plan.run
    where = f"--manifest {path}"
    if run["version"] != checks_version():
        raise UsageError(f"{where} was written by kata {run['version']} and this is kata {checks_version()}: "
                         "their checks differ, so shards would not agree; grade every shard with the same kata, "
                         "or write the manifest again")
    if plan.kata is not None:
        try:
            katas.get_kata(plan.kata)
        except UsageError as err:
            raise UsageError(f"{where}: {err}") from None
    said = {
        "--kata": (args.kata, run["kata"]),
        "--seed": (args.seed, run["seed"]),
        "--timeout": (args.timeout if "timeout" in given else None, run["timeout"]),
        "--memory": (args.memory if "memory" in given else None, run["memory_mb"]),
        "--sandbox": (args.sandbox if "sandbox" in given else None, run["sandbox"]),
        "--lang": (getattr(args, "lang", None), run["lang"]),
    }
    for flag, (value, kept) in said.items():
        if value is not None and value != kept:
            raise UsageError(f"{flag} {value} differs from the manifest's {kept!r} ({path}); drop {flag}, "
                             "or write the manifest again")
    args.kata, args.seed = run["kata"], run["seed"]
    args.timeout, args.memory, args.sandbox = run["timeout"], run["memory_mb"], run["sandbox"]
    if current_lang != run["lang"]:
        print(f"kata grade: messages in {run['lang']!r}, the manifest's language", file=sys.stderr)
    return plan


def write(args: argparse.Namespace, katas, kata_id: str | None, lang: str) -> int:
    """``--write-manifest FILE``: find the submissions, hash them, write the manifest."""
    from kata.commands._options import limits_from
    from kata.errors import EXIT_OK, UsageError
    from kata.fileio import atomic_write, check_writable
    from kata.grader import manifest
    from kata.grader.batch import discover
    from kata.grader.journal import run_key

    target = Path(args.write_manifest)
    check_writable(target, label="--write-manifest")
    found = discover(args.paths, katas, kata_id)
    if not found.submissions:
        raise UsageError(f"{', '.join(args.paths)}: no submissions (no .py files and no student folders)")
    seed = args.seed
    if seed is None:
        from kata.grader import new_seed

        seed = new_seed()
    rows = manifest.entries(found.submissions, target.parent)
    text = manifest.dumps(run_key(kata_id, seed, limits_from(args), lang), rows)
    atomic_write(target, text.encode("ascii"), label="--write-manifest")
    gradable = sum("sha256" in row for row in rows)
    shown_target = clean_line(str(target), None)
    print(f"kata grade: wrote {shown_target}: {len(rows)} submissions ({gradable} to grade, {len(rows) - gradable} that "
          f"cannot be, {found.skipped} other entries skipped), seed {seed}; grade it with "
          f"kata grade --manifest {shown_target} [--shard I/N|auto]", file=sys.stderr)
    return EXIT_OK


def say_unfrozen(entries, manifest_path: str) -> None:
    """One line on stderr when files of the manifest changed or went missing."""
    from kata.grader.batch import unfrozen

    ids = [e.id for e in entries if unfrozen(e)]
    if ids:
        shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
        print(f"kata grade: {len(ids)} files changed or missing since {clean_line(str(manifest_path), None)} were refused, not graded "
              f"({clean_line(shown, None)}); write the manifest again to grade what is there now", file=sys.stderr)
