"""Kata `softmax-jacobian`: ``softmax_jacobian(y)`` builds diag(y) − y yᵀ for every row of a batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Case, Check, CheckFailed, Example, Kata, Like, Mistake, expect_close, normal, reference, through
from kata.harness.compare import close_mask, fmt
from kata.harness.messages import Joined, Msg

probabilities = through(reference.softmax, normal(1.5))


def jacobian(y: np.ndarray) -> np.ndarray:
    """J[..., i, j] = y_i (δ_ij − y_j), in float64: one n×n matrix per row of y."""
    y = np.asarray(y, dtype=np.float64)
    return y[..., :, None] * (np.eye(y.shape[-1]) - y[..., None, :])


def parts(y):
    y = np.asarray(y, dtype=np.float64)
    eye = np.eye(y.shape[-1])
    col, row = y[..., :, None], y[..., None, :]
    return eye, col, row, col * eye, col * row


def shape_hint(got, case):
    y = case.args[0]
    n = y.shape[-1]
    if y.ndim >= 2 and got in ((n, n), (y.size, y.size)):
        return KATA.msg("hint.batch")
    if got == y.shape:
        return KATA.msg("shape.per-probability")
    return KATA.msg("hint.batch")


def judge_own(kata, ctx, cases):
    return [kata.result.accept(kata, res, kata.describe(y), kata_case(y))
            for y, res in zip(cases, ctx.call_many([kata_case(y).call() for y in cases]), strict=True)]


def kata_case(y):
    return Case((y,))


def check_shape(ctx):
    """Shapes, and batch consistency: each row's matrix is what the function gives for that
    row alone. The values are judged by basic; here a batch must agree with the
    submission's own single-row answers, so a wrong formula fails once, and a batch
    mistake fails here."""
    kata = KATA
    shapes = [(1,), (6,), (3, 4), (4, 3), (1, 5), (5, 1), (2, 3, 4), (1, 2, 2)]
    for y in [probabilities(ctx.rng, s) for s in shapes]:
        n = y.shape[-1]
        rows = list(y.reshape(-1, n)) if y.ndim >= 2 else []
        got, *alone = judge_own(kata, ctx, [y, *rows])
        for k, single in enumerate(alone):
            index = [int(i) for i in np.unravel_index(k, y.shape[:-1])]
            expect_close(got.reshape(-1, n, n)[k], single,
                         kata.msg("row-alone", fn=kata.function, index=index, y=fmt(y)), tol_dtype=y.dtype,
                         hint=Joined((kata.msg("hint.row-alone"), " ", kata.msg("hint.batch"))))
    y = probabilities(ctx.rng, (4, 3))
    plain, fortran = ctx.call_many([kata_case(y).call(), kata_case(y).call(fortran=True)])
    what = kata.describe(y)
    expect_close(kata.result.accept(kata, fortran, what, kata_case(y)), kata.result.accept(kata, plain, what, kata_case(y)),
                 kata.msg("fortran-equal", what=what), hint=kata.msg("hint.fortran-equal"))


def check_dtype(ctx):
    """float32 in, float32 out (single rows and batches), agreeing with the submission's
    own float64 answer for the same y."""
    kata = KATA
    cases = [probabilities(ctx.rng, s).astype(np.float32) for s in ((3,), (6,))] + [probabilities(ctx.rng, (5,))]
    answers = judge_own(kata, ctx, [v for y in cases for v in (y, y.astype(np.float64))])
    # Batches too; one the function cannot answer at all is the shape check's to judge.
    batches = [probabilities(ctx.rng, s).astype(np.float32) for s in ((2, 4), (3, 2, 3))]
    for y, res in zip(batches, ctx.call_many([Case((b,)).call() for b in batches]), strict=True):
        value = res.value.array if res.ok and res.value is not None else None
        if value is not None and value.shape == (*y.shape, y.shape[-1]):
            cases.append(y)
            answers += [value, value]  # compared with itself: only its dtype is in question here
    for y, got, wide in zip(cases, answers[::2], answers[1::2], strict=True):
        what = kata.describe(y)
        if got.dtype != y.dtype:
            raise CheckFailed(Msg("dtype-not-kept", what=what, got=str(got.dtype), want=str(y.dtype)),
                              kata.msg("hint.dtype"), tried=what)
        expect_close(got, wide, kata.msg("own-float64", what=what), tol_dtype=y.dtype, hint=kata.msg("hint.own-float64"))


def check_properties(ctx):
    """What every softmax Jacobian satisfies, checked on the returned matrices themselves."""
    kata = KATA
    cases = [probabilities(ctx.rng, (n,)) for n in (3, 4, 6)]
    for y, got in zip(cases, judge_own(kata, ctx, cases), strict=True):
        what = kata.describe(y)
        got = got.astype(np.float64)
        if not np.all(np.isfinite(got)):
            raise CheckFailed(kata.msg("not-finite", what=what, got=fmt(got)), kata.msg("hint.core"), tried=what)
        if not np.all(close_mask(got, got.T, 1e-12, 1e-9)):
            raise CheckFailed(kata.msg("not-symmetric", what=what, got=fmt(got)), kata.msg("hint.symmetric"), tried=what)
        sums = got.sum(axis=-1)
        if not np.all(np.abs(sums) <= 1e-10):
            raise CheckFailed(kata.msg("rows-not-zero", what=what, sums=fmt(sums)), kata.msg("hint.rows-zero"),
                              tried=what)
        v = ctx.rng.normal(0, 1, size=y.shape)
        quad = float(v @ got @ v)
        if quad < -1e-12:
            raise CheckFailed(kata.msg("negative-quadratic", what=what, quad=f"{quad:.6g}", v=fmt(v)),
                              kata.msg("hint.positive"), tried=what)


KATA = Kata(
    id="softmax-jacobian",
    function="softmax_jacobian",
    args=(Arg("y", probabilities),),
    reference=jacobian,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=2,
    time_limit=10,
    order=45,
    result=Like("y", shape=lambda y: (*y.shape, y.shape[-1]), shape_hints=shape_hint),
    basic=(np.array([0.2, 0.3, 0.5]), np.array([0.5, 0.5]), np.full(4, 0.25), reference.softmax(np.array([1.0, 2.0, 3.0])),
           reference.softmax(np.array([8.0, 0.0, -1.0]))),  # nearly one-hot: J is nearly 0
    basic_shapes=((2,), (5,), (8,)),
    instead=(Check("shape", check_shape), Check("dtype", check_dtype)),
    later=(Check("properties", check_properties),),
    mutation_shapes=((4,), (6,)),
    check_hints={"basic": "hint.core"},
    mistakes=(
        Mistake("diagonal", lambda y: (p := parts(y))[3] * (1 - p[1])),
        Mistake("sign", lambda y: (p := parts(y))[4] - p[3]),
        Mistake("plus", lambda y: (p := parts(y))[3] + p[4]),
        Mistake("no-diag", lambda y: -parts(y)[4]),
        Mistake("inner", lambda y: parts(y)[3] - np.sum(np.asarray(y, dtype=np.float64) ** 2, axis=-1)[..., None, None]),
        Mistake("row-broadcast", lambda y: (p := parts(y))[3] - p[2]),
        Mistake("column-broadcast", lambda y: (p := parts(y))[3] - p[1]),
        Mistake("log-softmax", lambda y: (p := parts(y))[0] - p[2]),
    ),
    hand_written=("softmax_jacobian", "jacobian", "jacrev", "jacfwd"),
    examples=(Example((np.array([0.2, 0.3, 0.5]),)), Example((np.array([0.5, 0.5]),)),
              Example((np.array([[0.5, 0.5], [0.2, 0.8]]),))),
)
