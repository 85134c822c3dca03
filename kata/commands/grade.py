"""Grade many submissions at once and write a gradebook (for teachers and CI).

Each PATH is a .py file, or a folder holding .py files and/or one sub-folder per
student (the student's .py file that defines a kata function is graded). A
submission's id is its path relative to the folder given. Every submission gets the
same checks, limits and isolation as `kata check`, in a fresh process forked from a
warm worker; -j of them run at once. With --seed the results are reproducible.

Gradebook formats: json (the `kata check --json` reports with "id" and "sha256"),
csv (one row per submission, one column per check, score = points earned / points
possible), junit (XML for CI systems). The default format follows the --out suffix
(.json, .csv, .xml), else json. The platforms' formats, gradescope, prairielearn,
exercism and github-classroom, write one JSON object mapping each submission id to the
results that platform reads for it (what `kata check --format X` writes for that file).

Points: every check is worth 1 unless the kata says otherwise; --points FILE (YAML or
JSON) overrides it per kata and check:
  softmax:
    basic: 2
    overflow: 3

Sharding: --shard I/N grades every N-th submission from the I-th; --shard auto takes I
(and N) from the engine running it: JOB_COMPLETION_INDEX (a Kubernetes Indexed Job,
count given as --shard auto/N), AWS_BATCH_JOB_ARRAY_INDEX/_SIZE, CI_NODE_INDEX/TOTAL
(GitLab), BUILDKITE_PARALLEL_JOB/_COUNT, or KATA_SHARD_INDEX/COUNT (1-based, for a CI
matrix). --write-manifest FILE freezes the batch (files and their sha256, seed, kata,
limits) and grades nothing; --manifest FILE grades exactly that batch, so every shard
sees the same one: a file changed or gone since is refused, never graded as another.

Exit status: 0 every submission passed, 1 some did not, 2 bad usage, 3 internal
error, 130 interrupted (what was finished is written; rerun with --resume).

Examples:
  kata grade submissions/ --kata softmax --out grades.csv
  kata grade class/ --seed 7 --format junit --out report.xml -j 8
  kata grade class/ --seed 7 --shard 2/4 --out part2.json    # one job of a CI matrix
  kata grade class/ --seed 7 --out grades.json --resume      # only new or changed files
  kata grade class/ --seed 7 --write-manifest m.json         # freeze the batch, then per job:
  kata grade --manifest m.json --shard auto/8 --out part.json  # in a Kubernetes Indexed Job
  kata grade class/ --kata softmax --points points.yaml --format gradescope --out class.json
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from kata.commands._options import (
    GRADEBOOK_FORMATS,
    given,
    add_limit_options,
    add_points_option,
    language,
    limits_from,
    points_from,
)
from kata.commands import _sharding
from kata.commands._signals import stopped_by_signals
from kata.grader.text import clean_line

NAME = "grade"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", type=given("a submission file or folder"), help="submission files or folders (none with --manifest)")
    parser.add_argument("--kata", metavar="ID", default=None, type=given("a kata id, or `auto`"), help="kata id, or `auto` to detect per file (default)")
    parser.add_argument("-j", "--jobs", metavar="N", default=None, help="submissions graded at once (default: cores)")
    parser.add_argument("--format", choices=GRADEBOOK_FORMATS, help="gradebook format (default: from --out)")
    parser.add_argument("--out", metavar="FILE", type=given("the file to write the gradebook to"), help="write the gradebook here (default: stdout)")
    parser.add_argument("--resume", action="store_true", help="keep the --out entries of unchanged files")
    parser.add_argument("--shard", metavar="I/N|auto[/N]",
                        help="grade only the I-th of N deterministic slices; auto: the index (and count) "
                        "from the engine running it (Kubernetes, AWS Batch, GitLab, Buildkite, $KATA_SHARD_INDEX)")
    add_limit_options(parser)
    add_points_option(parser)
    _sharding.add_arguments(parser)


def _jobs(text: str | None) -> int:
    from kata.errors import UsageError
    from kata.grader.batch import default_jobs

    if text is None:
        return default_jobs()
    try:
        jobs = int(text)
    except ValueError:
        raise UsageError(f"-j takes a number of parallel jobs, got {text!r}") from None
    if not 1 <= jobs <= 256:
        raise UsageError(f"-j takes a number between 1 and 256, got {text}")
    return jobs


def write_output(text: str, out: str | None) -> None:
    """To stdout, or atomically to ``out``: the old file, or the whole new one, never
    a half-written one, and no temporary file left behind whatever happens."""
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from kata.fileio import atomic_write

    atomic_write(Path(out), text.encode("utf-8", errors="backslashreplace"), label="--out")


def check_writable(out: str) -> None:
    """Refuse an --out that cannot be written, before anything is graded."""
    from kata.fileio import check_writable as check

    check(Path(out), label="--out")


def _previous_entries(out: Path) -> list[dict]:
    """What --resume continues: the gradebook, then what a killed run journalled."""
    from kata.grader import gradebook
    from kata.grader.journal import journal_path, read_journal

    entries = gradebook.read_file(out, f"--out {out}") if out.exists() else []
    return entries + read_journal(journal_path(out))


def _seed_of(entries) -> int | None:
    """The seed an earlier run used, so that --resume alone continues it."""
    seeds = Counter(e.run.get("seed") for e in entries if e.run is not None)
    seed = seeds.most_common(1)[0][0] if seeds else None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def _sandbox_gaps(entries) -> dict[str, str]:
    """Protections missing for any submission that ran, with the first reason given."""
    from kata.grader.sandbox import required_gaps

    gaps: dict[str, str] = {}
    for entry in entries:
        for name, reason in required_gaps(entry.sandbox_missing).items():
            gaps.setdefault(name, reason)
    return gaps


def run(args: argparse.Namespace) -> int:
    from kata.errors import EXIT_FAIL, EXIT_INTERNAL, EXIT_OK, KataError, UsageError
    from kata.grader import gradebook
    from kata.grader.batch import Discovered, Progress, discover, reusable, run_batch, shard
    from kata.grader.journal import Journal, journal_path, run_key
    from kata.grader.shards import resolve_shard

    _sharding.check_combination(args)
    given = _sharding.fill_defaults(args)
    part = resolve_shard(args.shard, os.environ)
    which = part.pair if part else None
    jobs = _jobs(args.jobs)
    lang = language(args)
    import kata.exercises as katas  # the catalog the runner is handed (it never imports it)

    plan = _sharding.frozen(args, given, lang, katas) if args.manifest else None
    if plan is not None:
        lang = plan.run["lang"]
    kata_id = None if args.kata in (None, "auto") else args.kata
    if kata_id:
        katas.get_kata(kata_id)  # an unknown id is a usage error before any work
    if args.write_manifest:
        return _sharding.write(args, katas, kata_id, lang)
    if args.resume and not args.out:
        raise UsageError("--resume needs --out FILE: the gradebook to continue")
    fmt = gradebook.format_for(args.out, args.format)
    if args.resume and fmt not in gradebook.FORMATS:
        raise UsageError(f"--resume reads the --out gradebook back, and {fmt} results cannot be read back: grade to "
                         f"json, then write {fmt} with `kata merge grades.json --format {fmt}`")
    points = points_from(args, katas)  # a bad --points file is refused before any grading
    if args.out:
        check_writable(args.out)  # before any grading: a result is never graded to be lost
    if plan is not None:
        found = Discovered(plan.submissions)
        for sub in found.submissions:
            sub.sha256 = sub.frozen  # what --resume compares: an entry graded from these bytes stands
    else:
        found = discover(args.paths, katas, kata_id, hashes=args.resume)
    if not found.submissions:
        raise UsageError(f"{', '.join(args.paths)}: no submissions (no .py files and no student folders"
                         f"{f'; {found.skipped} other entries skipped' if found.skipped else ''})")
    submissions = shard(found.submissions, which)
    if part is not None and part.source:
        print(f"kata grade: shard {part.index}/{part.count} ({clean_line(str(part.source), None)}): {len(submissions)} of "
              f"{len(found.submissions)} submissions", file=sys.stderr)
    out = Path(args.out) if args.out else None
    previous = _previous_entries(out) if args.resume else []
    seed = args.seed if args.seed is not None else _seed_of(previous)
    if seed is None:
        from kata.grader import new_seed

        seed = new_seed()
    limits = limits_from(args)
    if limits.sandbox == "strict":  # refuse before any submission runs
        from kata.grader.engine import probe_sandbox
        from kata.grader.sandbox import require

        require(probe_sandbox(limits), "strict")
    key = run_key(kata_id, seed, limits, lang)
    reuse, stale = reusable(previous, submissions, key, strict=limits.sandbox == "strict")
    if stale:
        reasons = Counter(stale.values())
        said = "; ".join(f"{n} because {why}" for why, n in reasons.most_common(3))
        print(f"kata grade: grading {len(stale)} earlier entries again: {clean_line(said, None)}", file=sys.stderr)
    journal = Journal(journal_path(out), keep=args.resume) if out else None

    def finished(entry) -> None:
        entry.run = key
        if journal is not None:
            journal.add(entry)
        progress.update(entry)

    progress = Progress(len(submissions) - len(reuse))
    with stopped_by_signals() as stopped:
        result = run_batch(
            submissions, katas=katas, kata_id=kata_id, seed=seed, lang=lang, limits=limits, jobs=jobs,
            reuse=reuse, on_entry=finished,
        )
    progress.finish()
    points.weigh(result.entries, katas)
    try:
        write_output(gradebook.write(result.entries, fmt, lang), args.out)
    except KataError:
        if journal is not None and journal.failed is None:
            journal.close()
            print(f"kata grade: every finished result is kept in {clean_line(str(journal.path), None)}; "
                  "free some space and rerun with --resume", file=sys.stderr)
        raise
    if journal is not None:
        if journal.failed:
            print(f"kata grade: warning: the journal could not be written ({clean_line(str(journal.failed), None)}); "
                  "the gradebook is complete", file=sys.stderr)
        journal.remove()
    statuses = [e.status for e in result.entries]
    refused = sum(e.error_kind == "refused" for e in result.entries)
    summary = (
        f"kata grade: {len(result.entries)} of {len(submissions)} submissions"
        f" ({result.graded - refused} graded, {result.reused} unchanged and kept, {refused} refused"
        f", {found.skipped} other entries skipped): "
        f"{statuses.count('pass')} pass, {statuses.count('fail')} fail, {statuses.count('error')} error"
        f" (seed {seed})"
    )
    print(summary, file=sys.stderr)
    if plan is not None:
        _sharding.say_unfrozen(result.entries, args.manifest)
    gaps = _sandbox_gaps(result.entries)
    if gaps:
        from kata.grader.sandbox import describe_gaps

        print(f"kata grade: graded without {describe_gaps(gaps)} (see the README's security section)",
              file=sys.stderr)
    if result.interrupted:
        print("kata grade: interrupted; the gradebook holds what was finished (rerun with --resume)",
              file=sys.stderr)
        return 128 + (stopped.signal or signal.SIGINT)
    if any(e.error_kind == "internal" for e in result.entries):
        return EXIT_INTERNAL
    return EXIT_OK if all(s == "pass" for s in statuses) else EXIT_FAIL
