"""Which slice of a batch this run grades: ``--shard I/N``, or ``--shard auto`` from the
engine that runs it (standard library only).

``--shard I/N`` (1 <= I <= N) names the slice. ``--shard auto`` reads it from the
environment the engine sets for each of its parallel jobs, and ``--shard auto/N`` also
gives the count, for an engine that does not export it:

=======================  ===========================  ================================  =====
engine                   index variable               count variable                    base
=======================  ===========================  ================================  =====
Kubernetes Indexed Job   ``JOB_COMPLETION_INDEX``     none: ``auto/N``, N = completions  0
AWS Batch array job      ``AWS_BATCH_JOB_ARRAY_INDEX``  ``AWS_BATCH_JOB_ARRAY_SIZE``     0
GitLab CI ``parallel``   ``CI_NODE_INDEX``            ``CI_NODE_TOTAL``                  1
Buildkite parallelism    ``BUILDKITE_PARALLEL_JOB``   ``BUILDKITE_PARALLEL_JOB_COUNT``   0
anything else            ``KATA_SHARD_INDEX``         ``KATA_SHARD_COUNT``               1
=======================  ===========================  ================================  =====

``KATA_SHARD_INDEX``/``KATA_SHARD_COUNT`` are kata's own, for an engine with no index
of its own (a GitHub Actions matrix: ``KATA_SHARD_INDEX: ${{ matrix.shard }}``); they
count from 1, as ``--shard I/N`` does. ``KATA_SHARD_COUNT`` also gives the count to an
engine that has none. Every value found must agree: two engines' variables naming
different slices, or a count that differs from ``auto/N``, is an error, as is a value
that is not a whole number in range. An engine's count variable without its index
variable is ignored (GitLab sets ``CI_NODE_TOTAL=1`` in every job).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kata.errors import UsageError

_FORM = "--shard takes I/N with 1 <= I <= N (like 2/4), auto or auto/N"


@dataclass(frozen=True)
class Engine:
    name: str
    index: str  # the variable holding this job's index
    count: str | None  # the variable holding the number of jobs, if the engine sets one
    base: int  # what the first job's index is (0 or 1)


ENGINES = (
    Engine("a Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", None, 0),
    Engine("an AWS Batch array job", "AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE", 0),
    Engine("a GitLab CI parallel job", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1),
    Engine("a Buildkite parallel job", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0),
    Engine("KATA_SHARD_INDEX", "KATA_SHARD_INDEX", "KATA_SHARD_COUNT", 1),
)
GENERIC_COUNT = "KATA_SHARD_COUNT"
MAX_SHARDS = 100_000  # Kubernetes' own bound on an Indexed Job's completions


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as in --shard I/N
    count: int
    source: str = ""  # where it came from, for the run's stderr ("" for --shard I/N)

    @property
    def pair(self) -> tuple[int, int]:
        return self.index, self.count


def _number(text: str, what: str) -> int:
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(what)
    return int(text)


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``--shard I/N`` as ``(I, N)``; None without ``--shard``."""
    if text is None:
        return None
    index, slash, count = text.partition("/")
    try:
        i, n = _number(index, "I"), _number(count, "N")
    except ValueError:
        raise UsageError(f"{_FORM}, got {text!r}") from None
    if not slash or not 1 <= i <= n:
        raise UsageError(f"{_FORM}, got {text!r}")
    if n > MAX_SHARDS:
        raise UsageError(f"--shard: at most {MAX_SHARDS} shards, got {text!r}")
    return i, n


def resolve_shard(text: str | None, env: Mapping[str, str]) -> Shard | None:
    """The slice this run grades: from ``--shard I/N``, or for ``--shard auto[/N]`` from
    ``env`` (the process environment). Raises ``UsageError`` with one line that names
    the variable at fault and what to do."""
    if text is None:
        return None
    word, slash, given = text.partition("/")
    if word.strip().lower() != "auto":
        pair = parse_shard(text)
        return Shard(*pair) if pair else None
    count_given = None
    if slash:
        try:
            count_given = _number(given, "N")
        except ValueError:
            raise UsageError(f"--shard auto/N takes the number of shards as N (like auto/8), got {text!r}") from None
        if not 1 <= count_given <= MAX_SHARDS:
            raise UsageError(f"--shard auto/N takes 1 <= N <= {MAX_SHARDS}, got {text!r}")
    found: list[Shard] = []
    uncounted: list[tuple[Engine, _NoCount]] = []
    for engine in (e for e in ENGINES if e.index in env):
        try:
            found.append(_from_engine(engine, env, count_given, f"--shard {text}"))
        except _NoCount as err:
            uncounted.append((engine, err))
    if uncounted and not found:
        raise uncounted[0][1]
    for engine, _ in uncounted:  # an engine with no count, beside one that gives it
        found.append(_from_engine(engine, env, found[0].count, f"{found[0].source}/{found[0].count}"))
    if not found:
        names = ", ".join(e.index for e in ENGINES)
        raise UsageError(f"--shard auto: no shard index in the environment (none of {names} is set); run it in a "
                         "Kubernetes Indexed Job, an AWS Batch array job or a CI parallel job, or set "
                         "KATA_SHARD_INDEX (1-based), or give --shard I/N")
    first = found[0]
    for other in found[1:]:
        if other.pair != first.pair:
            raise UsageError(f"--shard auto: {first.source} says shard {first.index}/{first.count} but "
                             f"{other.source} says {other.index}/{other.count}; unset one of them, or give --shard I/N")
    return first


class _NoCount(UsageError):
    """An engine's index is set, and nothing says how many shards there are."""


def _from_engine(engine: Engine, env: Mapping[str, str], count_given: int | None, given_by: str) -> Shard:
    raw = env[engine.index]
    try:
        index = _number(raw, engine.index)
    except ValueError:
        what = "negative" if raw.strip().startswith("-") and raw.strip()[1:].isdigit() else "not a whole number"
        raise UsageError(f"--shard auto: {engine.index}={raw!r} is {what} (it counts from "
                         f"{engine.base}); fix the variable, or give --shard I/N") from None
    counts: list[tuple[int, str]] = []  # (count, where it was said)
    if count_given is not None:
        counts.append((count_given, given_by))
    for var in dict.fromkeys(v for v in (engine.count, GENERIC_COUNT) if v is not None):
        if var in env:
            try:
                counts.append((_number(env[var], var), f"{var}={env[var].strip()}"))
            except ValueError:
                raise UsageError(f"--shard auto: {var}={env[var]!r} is not a whole number of shards; fix it, "
                                 f"or give the count as --shard auto/N") from None
    if not counts:
        by = "" if engine.name == engine.index else f" by {engine.name}"
        hint = (" (Kubernetes does not export the number of completions: give spec.completions as N)"
                if engine.count is None else f" ({engine.count} is not set)")
        raise _NoCount(f"--shard auto: {engine.index} is set{by}, but not how many shards there are"
                         f"{hint}; use --shard auto/N or set {GENERIC_COUNT}")
    count, said = counts[0]
    for other, where in counts[1:]:
        if other != count:
            raise UsageError(f"--shard auto: {said} but {where}: the number of shards disagrees; "
                             "make them the same")
    if not 1 <= count <= MAX_SHARDS:
        raise UsageError(f"--shard auto: {said} is not a number of shards between 1 and {MAX_SHARDS}")
    last = engine.base + count - 1
    if not engine.base <= index <= last:
        raise UsageError(f"--shard auto: {engine.index}={raw.strip()} is out of range for {count} shards "
                         f"({engine.base} to {last}, counting from {engine.base}); check the variable and the count")
    source = ("" if engine.name == engine.index else f"{engine.name}'s ") + f"{engine.index}={raw.strip()}"
    return Shard(index - engine.base + 1, count, source)
