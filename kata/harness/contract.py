"""A kata as data: its contract, from which the standard checks are made.

A kata declares its function's arguments (how to draw a random one of a given shape),
what it returns (``results``), the grader's reference, the classic wrong answers
(``Mistake``: what each computes, named in its ``texts.yaml``), and whatever checks
are its own (``Cases`` of unusual inputs, or a function). From that come, in order:

    basic, <the kata's own checks>, shape, dtype, no-mutation, gradient, hand-written

``basic`` judges fixed and random inputs; ``shape`` every batch shape and a Fortran-
ordered input; ``dtype`` float32 and float64 inputs; ``no-mutation`` that no argument
changed; ``gradient`` the derivative, as the kata's ``Gradient`` says; ``hand-written``
that no library did the work. A check whose inputs are unusual only gives its own hint
once ``basic`` has passed: a wrong formula is wrong everywhere, and says so in basic.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from kata.harness import messages
from kata.harness.calls import Call
from kata.harness.checks import (
    Check,
    CheckContext,
    CheckFailed,
    describe,
    expect_no_fp_warnings,
    expect_ok,
    in_fortran_order,
)
from kata.harness.messages import Msg
from kata.harness.rng import InputRng

NO_DEFAULT = object()
HINTED_CHECKS = ("basic", "shape", "dtype")  # the standard checks whose hint a kata may name in check_hints
Maker = Callable[[InputRng, tuple[int, ...]], Any]


# ---------------------------------------------------------------- arguments


@dataclass(frozen=True)
class Arg:
    """One parameter. ``make(rng, shape)`` draws a random value for a case of ``shape``
    (float64 for arrays; the check casts it to the case's dtype when ``cast``). ``default``:
    a keyword parameter with a default (``threshold=0.5``), shown in the signature."""

    name: str
    make: Maker | None = None
    cast: bool = True
    default: Any = NO_DEFAULT

    @property
    def shown(self) -> str:
        return self.name if self.default is NO_DEFAULT else f"{self.name}={self.default!r}"


def normal(scale: float = 2.0, loc: float = 0.0) -> Maker:
    return lambda rng, shape: rng.normal(loc, scale, size=shape)


def through(fn: Callable[[np.ndarray], np.ndarray], maker: Maker) -> Maker:
    """Values of ``fn`` applied to ``maker``'s (``y = softmax(x)`` for a backward pass)."""
    return lambda rng, shape: fn(maker(rng, shape))


_NOT_YET = object()


@dataclass(frozen=True)
class Case:
    """One call: arguments (and keywords), in the dtype the case is about."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)

    def astype(self, dtype: Any, kata: Kata) -> Case:
        cast = tuple(
            a.astype(dtype) if isinstance(a, np.ndarray) and spec.cast else a
            for a, spec in zip(self.args, kata.args, strict=False)
        )
        return Case(cast, dict(self.kwargs))

    def call(self, *, fortran: bool = False, return_args: bool = False, cpu_budget: float | None = None) -> Call:
        return Call(args=self.args, kwargs=dict(self.kwargs), fortran=fortran, return_args=return_args,
                    max_size=answer_bound(self.args, self.kwargs), cpu_budget=cpu_budget)


def answer_bound(args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """The most values any array of an answer may have, from the arguments' sizes: room
    for every answer a kata's contract can ask for (an n×n Jacobian of n inputs, say) and
    for the usual wrong shapes, which are then judged with their hints; anything larger
    is described by its shape, not sent."""
    n = sum(int(v.size) for v in (*args, *kwargs.values()) if isinstance(v, np.ndarray))
    return max(1 << 16, 64 * n, n * n)


def as_case(value: Any) -> Case:
    if isinstance(value, Case):
        return value
    return Case(value if isinstance(value, tuple) else (value,))


# ---------------------------------------------------------------- what can go wrong


@dataclass(frozen=True)
class Mistake:
    """A classic wrong answer: ``wrong(*args)`` is what it computes; ``key`` names its
    explanation in the kata's messages (``mistake.<key>``); ``when(*args)`` limits it to
    the inputs where it can be told apart."""

    key: str
    wrong: Callable[..., Any]
    when: Callable[..., bool] | None = None
    many: bool = False  # ``wrong`` returns several candidates (one per common ε, say)

    def candidates(self, case: Case) -> list[Any]:
        if self.when is not None and not self.when(*case.args, **case.kwargs):
            return []
        with np.errstate(all="ignore"):
            found = self.wrong(*case.args, **case.kwargs)
        return list(found) if self.many else [found]


@dataclass(frozen=True)
class Group:
    """Inputs of one kind (``make(rng)`` returns them) judged with one hint: ``hint`` a key
    of the kata's messages; ``quiet``: floating-point warnings fail too, with that key."""

    make: Callable[[InputRng], Sequence[Any]]
    hint: str | None = None
    quiet: str | None = None
    dtype_tolerance: bool = True  # compare to the tolerance of each input's own dtype


@dataclass(frozen=True)
class Cases:
    """A check of the kata's own made of groups of unusual inputs (overflow, masks...)."""

    id: str
    groups: tuple[Group, ...]
    then: Callable[[CheckContext, Kata], None] | None = None  # a further property to check


@dataclass(frozen=True)
class Budget:
    """A check of the kata's own that the function is vectorised: each case ``make(rng)``
    returns (large inputs) is one call that may use ``cpu`` seconds of CPU time. The
    grader measures that from outside the child (its processes' CPU time in /proc, which
    a busy machine does not inflate) and stops it as soon as it uses more; the check then
    fails with the kata's message ``message`` (the classic slow way, and the fast one),
    and the checks after it run in a fresh child. An answer within the budget is judged
    like any other. Choose ``cpu`` ten times or more above what a vectorised solution
    needs and far below a Python loop over the elements."""

    id: str
    make: Callable[[InputRng], Sequence[Any]]
    cpu: float
    message: str
    hint: str | None = None  # for a wrong answer within the budget (default: the check's plain messages)


# ---------------------------------------------------------------- the kata


@dataclass(frozen=True)
class Example:
    """A visible example: arguments; the expected result comes from the reference."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Kata:
    id: str
    function: str
    args: tuple[Arg, ...]
    reference: Callable[..., Any]  # the grader's own implementation, in float64
    folder: Path  # the kata's folder: texts.yaml and starter.py
    topic: str
    difficulty: int  # 1 (warm-up) .. 5
    time_limit: int  # minutes, the default for timed practice
    order: int  # position in its topic
    result: Any = None  # a ``results`` kind; default ``Like(args[0])``
    basic: tuple[Any, ...] = ()  # fixed cases (argument tuples, one array each, or rng -> case)
    basic_shapes: tuple[tuple[int, ...], ...] = ((2,), (5,), (10,))
    basic_then: Callable[[CheckContext, Kata], None] | None = None  # a property basic also checks
    own: tuple[Cases | Budget | Check, ...] = ()  # the kata's own checks, after basic
    later: tuple[Cases | Budget | Check, ...] = ()  # the kata's own checks, after no-mutation
    instead: tuple[Check, ...] = ()  # the kata's own version of a standard check (same id)
    shapes: tuple[tuple[int, ...], ...] = ((5,), (3, 5), (5, 3), (4, 4), (1, 6), (2, 3, 4), (3, 1), (1,))
    fortran_shape: tuple[int, ...] | None = (4, 3)
    dtype_shapes: tuple[tuple[int, ...], ...] = ((6,), (3, 4))
    mutation_shapes: tuple[tuple[int, ...], ...] = ((5,), (3, 4))
    check_hints: dict[str, str] = field(default_factory=dict)  # check id -> the key of its hint in the messages
    loose: tuple[str, ...] = ()  # checks that compare at float32's tolerance (they are about something else)
    mistakes: tuple[Mistake, ...] = ()
    diagnoses: tuple[Callable[..., None], ...] = ()  # generic: (ctx, kata, got, case, what) -> raise or not
    gradient: Any = None  # a ``gradients`` kind, or None
    hand_written: tuple[str, ...] = ()  # library names the file must not call
    examples: tuple[Example, ...] = ()
    exact: bool = False  # results compared exactly (boolean masks), not to a float tolerance
    tolerance: Callable[[Case, np.dtype], tuple[float, float]] | None = None
    raised: Callable[[Any], Any] | None = None  # (CallResult) -> a hint for an exception this kata knows
    solution: str = ""  # file name in solutions/ (default: the id with underscores)
    # Arguments that must be drawn together (k-means' points and initial centroids, kept
    # clear of near-ties): ``joint(rng, shape)`` returns the values of the arguments that
    # have a ``make``, in order, in float64, and ``draw`` uses it instead of each ``make``.
    joint: Callable[[InputRng, tuple[int, ...]], Sequence[Any]] | None = None
    # What each check is worth (check id -> points, a number >= 0); a check not named
    # weighs 1. A teacher's ``--points FILE`` overrides these (``kata.grader.points``).
    points: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        bad = [k for k, v in self.points.items() if isinstance(v, bool) or not isinstance(v, (int, float))
               or not math.isfinite(v) or v < 0]
        if bad:
            raise ValueError(f"kata {self.id}: points of {', '.join(bad)} must be numbers >= 0")
        unknown = set(self.check_hints) - set(HINTED_CHECKS)
        if unknown:
            raise ValueError(f"kata {self.id}: check_hints names {', '.join(sorted(unknown))}; only "
                             f"{', '.join(HINTED_CHECKS)} take a hint there (a Cases group, a gradient and a "
                             "result kind carry their own)")
        messages.register(self.id, self.texts_path)
        if self.result is None:
            from kata.harness.results import Like

            object.__setattr__(self, "result", Like(self.args[0].name))
        if not self.solution:
            object.__setattr__(self, "solution", self.id.replace("-", "_") + ".py")

    # -- names and files

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(a.shown for a in self.args)

    @property
    def signature(self) -> str:
        return f"{self.function}({', '.join(self.params)})"

    @property
    def texts_path(self) -> Path:
        return self.folder / "texts.yaml"

    @property
    def starter_path(self) -> Path:
        return self.folder / "starter.py"

    @property
    def solution_path(self) -> Path:
        from kata import paths

        return paths.solutions_dir() / self.solution

    @property
    def file_name(self) -> str:
        return self.solution

    def msg(self, key: str, /, **params: Any) -> Msg:
        """One of this kata's messages (``texts.yaml``, section ``messages``)."""
        return Msg(f"{self.id}.{key}", **params)

    def message_keys(self) -> list[str]:
        """Every key of its own messages the contract names: each mistake's explanation,
        the check hints, its groups' hints, and the keys its result kind and gradient
        check carry (fields named ``*hint*``, ``quiet`` or ``formula``, a key or a dict of
        keys). ``kata dev check`` and the suite require each in every language, before a
        candidate meets a gap."""
        keys = [f"mistake.{m.key}" for m in self.mistakes]
        keys += [k for k in self.check_hints.values() if k]
        for part in (*self.own, *self.later):
            for group in getattr(part, "groups", ()):
                keys += [k for k in (group.hint, group.quiet) if k]
            if isinstance(part, Budget):
                keys += [k for k in (part.message, part.hint) if k]
        for part in (self.result, self.gradient):
            if part is None or not dataclasses.is_dataclass(part):
                continue
            for f in dataclasses.fields(part):
                value = getattr(part, f.name)
                named = "hint" in f.name or f.name in ("quiet", "formula")
                if isinstance(value, str) and value and named:
                    keys.append(value)
                elif isinstance(value, dict) and named:  # one key per item (``Arrays.hints``)
                    keys += [v for v in value.values() if isinstance(v, str) and v]
        return list(dict.fromkeys(keys))

    def missing_messages(self) -> dict[str, list[str]]:
        """The keys of ``message_keys`` that some language lacks, with those languages."""
        from kata.lang import LANGS

        missing: dict[str, list[str]] = {}
        for key in self.message_keys():
            for lang in LANGS:
                try:
                    messages.template(f"{self.id}.{key}", lang, strict=True)
                except messages.MessageError:
                    missing.setdefault(key, []).append(lang)
        return missing

    # -- texts (statement, hints), read on first use

    @functools.cached_property
    def texts(self) -> Any:
        from kata.harness.statement import load_texts

        return load_texts(self.texts_path)

    def title(self, lang: str = "en") -> str:
        from kata.lang import pick

        return pick(self.texts.title, lang)

    def summary(self, lang: str = "en") -> str:
        from kata.lang import pick

        return pick(self.texts.summary, lang)

    def hints(self, lang: str = "en") -> list[str]:
        from kata.lang import pick

        return [pick(h, lang) for h in self.texts.hints]

    # -- inputs

    def draw(self, rng: InputRng, shape: tuple[int, ...], dtype: Any = np.float64) -> Case:
        """Random arguments for a case of ``shape``, in ``dtype``: each argument's ``make``,
        or the kata's ``joint`` for all of them at once."""
        values = []
        drawn = iter(self.joint(rng, shape)) if self.joint is not None else None
        for spec in self.args:
            if spec.make is None:
                continue
            value = next(drawn) if drawn is not None else spec.make(rng, shape)
            if spec.cast and isinstance(value, np.ndarray) and value.dtype.kind == "f":
                value = value.astype(dtype)
            values.append(value)
        return Case(tuple(values))

    def named(self, case: Case) -> dict[str, Any]:
        """The case's arguments by parameter name, for messages."""
        shown = dict(zip((a.name for a in self.args), case.args, strict=False))
        shown.update(case.kwargs)
        return shown

    def describe(self, case: Any) -> Any:
        """The call of ``case`` (a ``Case``, an argument tuple or one array), for messages."""
        return describe(self.function, **self.named(as_case(case)))

    # -- judging

    def judge(
        self,
        ctx: CheckContext,
        cases: Sequence[Any],
        *,
        hint: Any = None,
        quiet: Any = None,
        fortran: bool = False,
        loose: bool = False,
        budget: Budget | None = None,
    ) -> list[Any]:
        """Call the function on ``cases`` and judge each answer against the reference:
        its form (``result``), the classic mistakes, then the values. ``quiet``: a hint
        for floating-point warnings, which then fail too. ``loose``: compare to float32's
        tolerance whatever the dtype (for checks about something else than precision).
        ``budget``: each call may use that much CPU time (``Budget``)."""
        cases = [as_case(c) for c in cases]
        cpu = budget.cpu if budget is not None else None
        results = ctx.call_many([case.call(fortran=fortran, cpu_budget=cpu) for case in cases])
        answers = []
        for case, res in zip(cases, results, strict=True):
            what = self.describe(case)
            if fortran:
                what = in_fortran_order(what)
            if res.over_budget and budget is not None:
                raise CheckFailed(Msg("over-budget", what=what, budget=f"{budget.cpu:g}"),
                                  self.msg(budget.message), tried=what, cause=("over-budget", ctx.check_id))
            expect_ok(res, what, (self.raised(res) if self.raised else None) or hint)  # else this check's hint
            got = self.result.accept(self, res, what, case)
            self.result.compare(ctx, self, got, case, what, hint, loose=loose)
            if quiet is not None:
                expect_no_fp_warnings(res, what, quiet)
            answers.append(got)
        return answers

    def expected(self, case: Case) -> Any:
        """The reference's answer for ``case``, worked out once per case: an answer is
        compared, diagnosed and matched against mistakes, each of which needs it. An
        array is kept read-only, so that no use of it can change it for the next."""
        cached = case.__dict__.get("_expected", _NOT_YET)
        if cached is _NOT_YET:
            cached = self.reference(*case.args, **case.kwargs)
            if isinstance(cached, np.ndarray):
                cached.setflags(write=False)
            object.__setattr__(case, "_expected", cached)
        return cached

    def tolerance_for(self, case: Case, dtype: Any) -> tuple[float, float] | None:
        return self.tolerance(case, np.dtype(dtype)) if self.tolerance else None

    def hint_for(self, ctx: CheckContext, key: str | None) -> Any:
        """The kata's hint ``key`` for a check about unusual inputs, given only once the
        basics are right (else: fix basic first)."""
        if key is None:
            return None
        if ctx.check_id in ("basic", "") or ctx.passed("basic") or "basic" not in ctx.earlier:
            return self.msg(key)
        return Msg("hint-basic-first")

    def wrong_answer(self, got: np.ndarray, case: Case, what: Any) -> None:
        """Raise the explanation of the first classic mistake ``got`` matches."""
        from kata.harness.compare import all_close, fmt

        want = np.asarray(self.expected(case))
        if got.shape == want.shape and got.dtype.kind in "biuf" and all_close(got, want, 1e-7, 1e-4):
            return
        for mistake in self.mistakes:
            for candidate in map(np.asarray, mistake.candidates(case)):
                if candidate.shape == got.shape and all_close(got, candidate, 1e-7, 1e-4):
                    raise CheckFailed(Msg("values-differ", what=what, got=fmt(got), want=fmt(want)),
                                      self.msg(f"mistake.{mistake.key}"), tried=what, got=fmt(got),
                                      expected=fmt(want), cause=("mistake", mistake.key))

    # -- the checks

    @functools.cached_property
    def checks(self) -> tuple[Check, ...]:
        from kata.harness import standard

        def made(checks: tuple[Cases | Budget | Check, ...]) -> list[Check]:
            return [c if isinstance(c, Check) else standard.budget_check(self, c) if isinstance(c, Budget)
                    else standard.cases_check(self, c) for c in checks]

        ordered = [standard.basic(self), *made(self.own), standard.shape(self), standard.dtype(self),
                   standard.no_mutation(self), *made(self.later)]
        if self.gradient is not None:
            ordered.append(self.gradient.check(self))
        ordered.append(standard.hand_written(self))
        mine = {c.id: c for c in self.instead}
        return tuple(mine.get(c.id, c) for c in ordered if c is not None)

    def weights(self) -> dict[str, float]:
        """The points of every check, in check order: ``points`` or 1. A check id in
        ``points`` that is no check of this kata is a ``ValueError``."""
        ids = [c.id for c in self.checks]
        unknown = sorted(set(self.points) - set(ids))
        if unknown:
            raise ValueError(f"kata {self.id}: points names {', '.join(unknown)}, which are not its checks "
                             f"({', '.join(ids)})")
        return {i: float(self.points.get(i, 1)) for i in ids}

    def example_results(self) -> list[tuple[Example, Any]]:
        return [(ex, self.reference(*ex.args, **ex.kwargs)) for ex in self.examples]

    def example_checks(self) -> tuple[Check, ...]:
        """One check per visible example, for "run the examples" before submitting."""
        from kata.harness import standard

        return tuple(standard.example(self, i, ex) for i, ex in enumerate(self.examples, start=1))

    def with_(self, **changes: Any) -> Kata:
        return replace(self, **changes)
