"""The checks every kata gets from its contract (``contract.Kata.checks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from kata.harness.checks import Check, CheckContext, CheckFailed, describe_returned
from kata.harness.compare import fmt
from kata.harness.contract import Budget, Case, Cases, as_case
from kata.harness.messages import Msg

if TYPE_CHECKING:
    from kata.harness.contract import Example, Kata


def _hint(kata: Kata, ctx: CheckContext, check_id: str) -> Any:
    key = kata.check_hints.get(check_id) if kata.check_hints else None
    return kata.hint_for(ctx, key)


def basic(kata: Kata) -> Check:
    """Fixed cases and random ones of a few sizes, then the kata's own property of basic."""

    def run(ctx: CheckContext) -> None:
        fixed = [c(ctx.rng) if callable(c) else c for c in kata.basic]  # a callable draws its case
        cases = [as_case(c) for c in fixed] + [kata.draw(ctx.rng, s) for s in kata.basic_shapes]
        kata.judge(ctx, cases, hint=_hint(kata, ctx, "basic"))
        if kata.basic_then is not None:
            kata.basic_then(ctx, kata)

    return Check("basic", run)


def cases_check(kata: Kata, spec: Cases) -> Check:
    """The kata's own groups of unusual inputs, each with its hint."""

    def run(ctx: CheckContext) -> None:
        for group in spec.groups:
            cases = [as_case(c) for c in group.make(ctx.rng)]
            quiet = kata.msg(group.quiet) if group.quiet else None
            kata.judge(ctx, cases, hint=kata.hint_for(ctx, group.hint), quiet=quiet,
                       loose=not group.dtype_tolerance)
        if spec.then is not None:
            spec.then(ctx, kata)

    return Check(spec.id, run)


def budget_check(kata: Kata, spec: Budget) -> Check:
    """Large inputs, each call within a CPU budget measured by the grader (``Budget``)."""

    def run(ctx: CheckContext) -> None:
        cases = [as_case(c) for c in spec.make(ctx.rng)]
        kata.judge(ctx, cases, hint=kata.hint_for(ctx, spec.hint), budget=spec)

    return Check(spec.id, run)


def shape(kata: Kata) -> Check | None:
    """Every batch shape of the contract, and an argument in Fortran (column-major) order."""
    if not kata.shapes:
        return None

    def run(ctx: CheckContext) -> None:
        loose = "shape" in kata.loose
        kata.judge(ctx, [kata.draw(ctx.rng, s) for s in kata.shapes], hint=_hint(kata, ctx, "shape"), loose=loose)
        if kata.fortran_shape is not None:
            kata.judge(ctx, [kata.draw(ctx.rng, kata.fortran_shape)], fortran=True, loose=loose)

    return Check("shape", run)


def dtype(kata: Kata) -> Check | None:
    """float32 inputs give a float32 answer and float64 a float64 one, each right to
    its own precision."""
    if not kata.dtype_shapes:
        return None

    def run(ctx: CheckContext) -> None:
        cases = [kata.draw(ctx.rng, s, dt) for dt in (np.float32, np.float64) for s in kata.dtype_shapes]
        results = ctx.call_many([case.call() for case in cases])
        for case, res in zip(cases, results, strict=True):
            what = kata.describe(case)
            got = kata.result.accept(kata, res, what, case)
            have = kata.result.answer_dtype(got)
            want = kata.result.dtype_of(kata, case)
            if have != want:
                hint = kata.msg(kata.check_hints["dtype"]) if kata.check_hints.get("dtype") else Msg("hint-dtype")
                raise CheckFailed(kata.result.dtype_failure(what, have, want), hint, tried=what,
                                  cause=("dtype", str(have), str(want)))
        if kata.result.dtype_values:  # the values too, each to its own dtype's precision
            kata.judge(ctx, cases, loose="dtype" in kata.loose)

    return Check("dtype", run)


def no_mutation(kata: Kata) -> Check | None:
    """No array argument is changed by the call, bit for bit."""
    if not kata.mutation_shapes:
        return None

    def run(ctx: CheckContext) -> None:
        cases = [kata.draw(ctx.rng, s) for s in kata.mutation_shapes]
        cases.append(kata.draw(ctx.rng, kata.mutation_shapes[0], np.float32))
        results = ctx.call_many([case.call(return_args=True) for case in cases])
        for case, res in zip(cases, results, strict=True):
            what = kata.describe(case)
            kata.result.returned(kata, res, what, case)
            after = res.args_after
            if after is None or len(after) != len(case.args):
                raise CheckFailed(Msg("args-unreadable", what=what), tried=what)
            if res.threads:
                raise CheckFailed(Msg("args-threads", what=what), Msg("hint-args-threads"), tried=what)
            for spec, before, returned in zip(kata.args, case.args, after, strict=False):
                if not isinstance(before, np.ndarray):
                    continue
                now = returned.array
                if now is None or now.shape != before.shape or not np.array_equal(now, before, equal_nan=True):
                    shown = fmt(now) if now is not None else str(describe_returned(returned))
                    raise CheckFailed(Msg("changed-argument", what=what, name=spec.name, before=fmt(before),
                                          after=shown), Msg("hint-mutation"), tried=what)

    return Check("no-mutation", run)


def hand_written(kata: Kata) -> Check:
    from kata.harness.static import hand_written_check

    return hand_written_check(kata.hand_written)


def example(kata: Kata, i: int, ex: Example) -> Check:
    def run(ctx: CheckContext) -> None:
        kata.judge(ctx, [Case(ex.args, dict(ex.kwargs))])

    return Check(f"example-{i}", run)
