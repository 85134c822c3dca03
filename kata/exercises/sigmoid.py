"""Kata `sigmoid`: ``sigmoid(x)``, the elementwise logistic function, stable, any shape."""

from __future__ import annotations

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.grader.checks import Check, CheckContext, CheckFailed, Lazy, Text, describe, expect_array, expect_close
from kata.grader.compare import all_close
from kata.grader.static import hand_written_check

FN = "sigmoid"


def reference(x: np.ndarray) -> np.ndarray:
    """The grader's sigmoid, in float64: 1/(1 + e^-x) for x >= 0, e^x/(1 + e^x) for x < 0.

    Each branch only ever exponentiates a non-positive number, so nothing overflows, and
    the negative tail keeps its relative accuracy down to the smallest subnormals.
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


OVERFLOW_HINT = (
    "exp() overflows above ~709.78 in float64 (~88.72 in float32): 1/(1 + exp(-x)) computes "
    "exp(1000) for x = -1000, and exp(x)/(1 + exp(x)) gives inf/inf = NaN for x = 1000. Use "
    "each form only where its exponent is ≤ 0: 1/(1 + exp(-x)) for x ≥ 0 and exp(x)/(1 + exp(x)) "
    "for x < 0. np.where(cond, a, b) evaluates BOTH a and b on every element, so it still "
    "overflows: compute the halves on masked slices (x[pos], x[~pos]), or build both from "
    "e = np.exp(-np.abs(x)), which never overflows."
)
SYMMETRY_HINT = (
    "σ(x) = 1/(1 + e^(−x)): large positive x gives values near 1, large negative x values near 0, "
    "and σ(−x) = 1 − σ(x). A flipped sign inside the exponential gives 1 − σ(x) instead."
)


def _diagnose(got: np.ndarray, x: np.ndarray, what: Text) -> None:
    """Name the classic wrong formulas when the values are wrong."""
    if got.shape != x.shape or not np.all(np.isfinite(got)):
        return
    want = reference(x)
    if all_close(got, want, 1e-7, 1e-4):
        return
    with np.errstate(all="ignore"):
        wrong = [
            (reference(-x), "this is σ(−x) = 1 − σ(x): the sign inside the exponential is flipped. "
             "σ(x) = 1/(1 + e^(−x)) — note the minus — so σ(2) ≈ 0.88, not 0.12."),
            (0.5 * (1 + np.tanh(x)), "0.5·(1 + tanh(x)) is σ(2x): the identity is σ(x) = 0.5·(1 + tanh(x/2)), "
             "with x/2 inside the tanh."),
            (np.tanh(x), "tanh(x) is a different activation, with values in (−1, 1); σ(x) = 0.5·(1 + tanh(x/2))."),
            (want * (1 - want), "this is the derivative σ(x)(1 − σ(x)), not σ(x) itself."),
        ]
    for candidate, explanation in wrong:
        if all_close(got, candidate, 1e-7, 1e-4):
            raise CheckFailed(f"{what}\n  got      {c.fmt(got)}\n  expected {c.fmt(want)}", explanation)


def _judge(
    ctx: CheckContext, cases: list[np.ndarray], *, hint: str | None = None, quiet_hint: str | None = None
) -> list[np.ndarray]:
    results = ctx.call_many([c.call(x) for x in cases])
    outputs = []
    for x, res in zip(cases, results, strict=True):
        what = describe(FN, x=x)
        got = expect_array(res, what, shape=x.shape)
        _diagnose(got, x, what)
        expect_close(got, reference(x), what, tol_dtype=x.dtype, hint=hint)
        if quiet_hint:
            c.expect_quiet(res, what, quiet_hint)
        outputs.append(got)
    return outputs


def check_basic(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        np.array([0.0, 1.0, -1.0, 2.0, -2.0]),
        np.array([-3.5, 0.25, 4.0, 10.0, -10.0]),
        np.array([30.0, -30.0, 35.0]),
    ]
    cases += [rng.normal(0, 3, size=n) for n in (1, 4, 9)]
    _judge(ctx, cases, hint=SYMMETRY_HINT)
    # σ(−x) = 1 − σ(x), from the submission's own outputs. Near σ = 1 this asks for
    # float64 precision: 1 − σ(16) ≈ 1.1e-7 must come out right to ~1e-13.
    x = np.concatenate([[0.5, 3.0, 8.0, 16.0, 25.0], rng.normal(0, 4, size=6)])
    got, mirrored = _judge(ctx, [x, -x], hint=SYMMETRY_HINT)
    expect_close(
        mirrored,
        1.0 - got.astype(np.float64),
        Lazy(lambda: f"sigmoid(-x) should equal 1 - sigmoid(x) (x = {c.fmt(x)})"),
        hint="σ(−x) = 1 − σ(x) exactly, and in float64 both sides agree to ~1e-16. A larger gap "
        "means precision is lost somewhere: a float32 temporary, a rounded constant, or an "
        "approximation of exp.",
    )


def check_overflow(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        np.array([-1000.0, -800.0, -710.0, -2.5, 0.0, 2.5, 710.0, 800.0, 1000.0]),
        np.array([-1e4, -745.5, -40.0, 40.0, 745.5, 1e4]),
        rng.uniform(-1e4, 1e4, size=8),
        -rng.uniform(710.0, 1e4, size=5),
        rng.uniform(-1e4, 1e4, size=(3, 4)),
        np.array([-100.0, -89.0, -88.8, 88.8, 89.0, 100.0], dtype=np.float32),
        -rng.uniform(88.8, 1e4, size=5).astype(np.float32),
        rng.uniform(-1e4, 1e4, size=6).astype(np.float32),
    ]
    _judge(ctx, cases, hint=OVERFLOW_HINT, quiet_hint=OVERFLOW_HINT)


def check_shape(ctx: CheckContext) -> None:
    rng = ctx.rng
    shapes = [(1,), (6,), (3, 4), (4, 3), (1, 5), (5, 1), (2, 3, 4), (2, 1, 3, 2), (0,), (3, 0)]
    _judge(
        ctx,
        [rng.normal(0, 3, size=s) for s in shapes],
        hint="sigmoid works element by element: the result has the input's shape. Vectorised numpy "
        "code does that for free; loops must visit every element (np.ndindex(x.shape)), not just rows.",
    )
    x = rng.normal(0, 3, size=(4, 3))
    res = ctx.call_many([c.call(x, fortran=True)])[0]
    what = describe(FN, x=x) + " in Fortran order"
    expect_close(expect_array(res, what, shape=x.shape), reference(x), what)


def check_dtype(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        rng.normal(0, 3, size=6).astype(np.float32),
        rng.normal(0, 3, size=(3, 4)).astype(np.float32),
        rng.normal(0, 3, size=6),
        rng.normal(0, 3, size=(2, 5)),
    ]
    c.check_dtype_kept(
        ctx,
        FN,
        cases,
        reference,
        _diagnose,
        hint=(
            "keep the caller's precision: float32 halves memory and is what GPUs use. Build the "
            "output with np.empty_like(x) or np.zeros_like(x) (np.zeros(x.shape) is float64), and "
            "avoid astype(np.float64) and np.float64(...) constants; Python floats like 1.0 keep "
            "the array's dtype."
        ),
    )


def check_no_mutation(ctx: CheckContext) -> None:
    rng = ctx.rng
    c.check_inputs_unchanged(ctx, FN, ("x",), [
        (rng.normal(0, 3, size=6),),
        (rng.normal(0, 3, size=(3, 4)),),
        (rng.normal(0, 3, size=5).astype(np.float32),),
    ])


def check_gradient(ctx: CheckContext) -> None:
    rng = ctx.rng
    points = [rng.normal(0, 2, size=n) for n in (3, 5)] + [rng.normal(0, 2, size=(2, 3))]
    for x in points:
        numeric = c.numerical_jacobian(ctx, x)
        s = reference(x).ravel()
        c.expect_gradient(
            numeric,
            np.diag(s * (1 - s)),
            Lazy(lambda x=x: f"the derivative of your sigmoid at x = {c.fmt(x)}"),
            "σ(x)(1 − σ(x)) on the diagonal",
            hint="σ'(x) = σ(x)(1 − σ(x)), and each output depends only on its own input. A function can "
            "be right at a point and still have the wrong derivative: computing in float32, rounding, "
            "or a piecewise approximation all show up here.",
        )


KATA = Kata(
    id="sigmoid",
    function=FN,
    params=("x",),
    difficulty=1,
    time_limit=8,
    reference=reference,
    checks=(
        Check("basic", check_basic),
        Check("overflow", check_overflow),
        Check("shape", check_shape),
        Check("dtype", check_dtype),
        Check("no-mutation", check_no_mutation),
        Check("gradient", check_gradient),
        hand_written_check(("expit", "sigmoid", "logistic")),
    ),
    examples=(
        Example((np.array([0.0, 2.0, -2.0]),)),
        Example((np.array([[1.0, -1.0], [4.0, -4.0]]),)),
        Example((np.array([-1000.0, 1000.0]),)),
    ),
    order=30,
)
