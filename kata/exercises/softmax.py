"""Kata `softmax`: ``softmax(x)`` along the last axis, stable, any shape, float32/64."""

from __future__ import annotations

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.grader.checks import Check, CheckContext, CheckFailed, Lazy, describe, expect_array, expect_close
from kata.grader.static import hand_written_check

FN = "softmax"


def reference(x: np.ndarray) -> np.ndarray:
    """The grader's softmax: float64, max-shifted, rows of only -inf give NaN."""
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        e = np.exp(x - np.where(np.isfinite(m), m, 0.0))
        return e / np.sum(e, axis=-1, keepdims=True)


OVERFLOW_HINT = (
    "exp() overflows for arguments above ~709.78 in float64 (~88.72 in float32), and "
    "inf/inf = NaN. Softmax does not change when you add a constant to a row, so subtract "
    "each row's max first: z = x - x.max(axis=-1, keepdims=True); the largest exponent is then exp(0) = 1."
)
ROWWISE_HINT = (
    "each row needs its own max and its own sum: x.max(axis=-1, keepdims=True) and "
    "e.sum(axis=-1, keepdims=True). One global max sends rows of small values to exp(-1000) = 0, "
    "and their sum to 0/0 = NaN."
)


def _judge(ctx: CheckContext, cases: list[np.ndarray], *, hint: str | None = None, warnings_hint: str | None = None) -> None:
    results = ctx.call_many([c.call(x) for x in cases])
    for x, res in zip(cases, results, strict=True):
        what = describe(FN, x=x)
        got = expect_array(res, what, shape=x.shape)
        want = reference(x)
        c.diagnose_normalisation(got, x, what)
        expect_close(got, want, what, tol_dtype=x.dtype, hint=hint)
        if warnings_hint:
            c.expect_quiet(res, what, warnings_hint)


def check_basic(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0]), np.array([-1.5, 0.25, 4.0, 0.25])]
    cases += [rng.normal(0, 2, size=n) for n in (2, 5, 10)]
    _judge(ctx, cases)
    # Rows sum to 1 and a constant shift changes nothing.
    x = rng.normal(0, 2, size=7)
    shift = float(rng.uniform(-40, 40))
    plain, shifted = ctx.call_many([c.call(x), c.call(x + shift)])
    got = expect_array(plain, describe(FN, x=x), shape=x.shape)
    moved = expect_array(shifted, describe(FN, x=x + shift), shape=x.shape)
    total = float(np.sum(got))
    if not abs(total - 1.0) <= 1e-9:
        raise CheckFailed(
            f"{describe(FN, x=x)} sums to {total!r}; probabilities must sum to 1",
            "float64 rounding alone stays far below 1e-9 here: is part of the computation done in "
            "float32 or with rounded values?",
        )
    expect_close(
        moved,
        got,
        Lazy(lambda: f"softmax(x + c) should equal softmax(x) (c = {shift:.3f}, x = {c.fmt(x)})"),
        hint="softmax is invariant to adding a constant to every logit, because e^(x+c) = e^c·e^x "
        "and e^c cancels between numerator and denominator.",
    )


def check_overflow(ctx: CheckContext) -> None:
    rng = ctx.rng
    vectors = [
        np.array([123.0, 456.0, 789.0]),
        np.array([1000.0, 1001.0, 1002.0]),
        np.array([-1e4, 0.0, 1e4]),
        rng.uniform(-1e4, 1e4, size=6),
        1e4 + rng.normal(0, 3, size=5),
        np.array([89.0, 90.0, 100.0], dtype=np.float32),
        rng.uniform(88.8, 300.0, size=5).astype(np.float32),
    ]
    _judge(ctx, vectors, hint=OVERFLOW_HINT, warnings_hint=OVERFLOW_HINT)
    scales = rng.permutation([1.0, 1e2, 1e3, 1e4])
    batch = np.stack([rng.normal(0, 1, size=5) * s + s for s in scales])
    fixed = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]])
    _judge(ctx, [fixed, batch], hint=ROWWISE_HINT, warnings_hint=ROWWISE_HINT)


def check_underflow(ctx: CheckContext) -> None:
    rng = ctx.rng
    hint = (
        "exp(-1000) underflows to 0, so the plain sum is 0 and 0/0 = NaN. After subtracting the row "
        "max, the largest term is exp(0) = 1 and the sum can never be 0."
    )
    uniform = [
        np.full(3, -1000.0),
        np.full(4, -1000.0, dtype=np.float32),
        np.array([-1e4, -1e4 + 1.0]),
        rng.uniform(-2000, -1500, size=5),
    ]
    _judge(ctx, uniform, hint=hint, warnings_hint=hint)
    mask_hint = (
        "-inf marks a masked position: exp(-inf) = 0 exactly. Subtracting the (finite) row max keeps "
        "it -inf; do not replace -inf by a large negative number or compute -inf - (-inf)."
    )
    masked = [
        np.array([0.5, -np.inf, 1.25, -np.inf]),
        np.array([1000.0, -np.inf, 999.0]),
        np.array([2.0, -np.inf, 1.0], dtype=np.float32),
        np.array([[0.0, -np.inf, 1.0], [-np.inf, 2.0, 2.0]]),
    ]
    x = rng.normal(0, 2, size=(3, 6))
    x[rng.random(x.shape) < 0.4] = -np.inf
    x[:, 0] = rng.normal(0, 2, size=3)  # keep one finite entry per row
    masked.append(x)
    _judge(ctx, masked, hint=mask_hint, warnings_hint=mask_hint)
    results = ctx.call_many([c.call(x) for x in masked])
    for x, res in zip(masked, results, strict=True):
        got = expect_array(res, describe(FN, x=x), shape=x.shape)
        leaked = got[np.isneginf(x)]
        if np.any(leaked != 0):
            raise CheckFailed(
                f"{describe(FN, x=x)}: masked (-inf) positions must get probability exactly 0, "
                f"got {c.fmt(leaked)}",
                mask_hint,
            )


def check_shape(ctx: CheckContext) -> None:
    rng = ctx.rng
    shapes = [(5,), (3, 5), (5, 3), (4, 4), (1, 6), (2, 3, 4), (3, 1), (1,), (2, 1, 3)]
    cases = [rng.normal(0, 2, size=s) for s in shapes]
    _judge(ctx, cases, hint=ROWWISE_HINT)
    # The caller may pass a column-major (Fortran-ordered) array.
    x = rng.normal(0, 2, size=(4, 3))
    res = ctx.call_many([c.call(x, fortran=True)])[0]
    what = describe(FN, x=x) + " in Fortran order"
    expect_close(expect_array(res, what, shape=x.shape), reference(x), what)


def check_dtype(ctx: CheckContext) -> None:
    rng = ctx.rng
    c.check_dtype_kept(ctx, FN, [
        rng.normal(0, 2, size=6).astype(np.float32),
        rng.normal(0, 2, size=(3, 4)).astype(np.float32),
        rng.normal(0, 2, size=6),
        rng.normal(0, 2, size=(2, 5)),
    ], reference, diagnose=c.diagnose_normalisation)


def check_no_mutation(ctx: CheckContext) -> None:
    rng = ctx.rng
    c.check_inputs_unchanged(ctx, FN, ("x",), [
        (rng.normal(0, 2, size=5),),
        (rng.normal(0, 2, size=(3, 4)),),
        (rng.normal(0, 2, size=4).astype(np.float32),),
    ])


def check_gradient(ctx: CheckContext) -> None:
    rng = ctx.rng
    points = [rng.normal(0, 1.5, size=n) for n in (3, 4, 6)] + [rng.normal(0, 1.5, size=(2, 4))]
    for x in points:
        numeric = c.numerical_jacobian(ctx, x)
        s = reference(x)
        analytic = c.block_jacobian(s)
        c.expect_gradient(
            numeric,
            analytic,
            Lazy(lambda x=x: f"the Jacobian of your softmax at x = {c.fmt(x)}"),
            "diag(s) − s sᵀ",
            hint="a function can be right at a point and still have the wrong derivative: rounding, "
            "computing in float32, or a piecewise shortcut all show up here. Each output must depend "
            "smoothly on every input of its own row, and on nothing in other rows.",
        )


KATA = Kata(
    id="softmax",
    function=FN,
    params=("x",),
    difficulty=2,
    time_limit=10,
    reference=reference,
    checks=(
        Check("basic", check_basic),
        Check("overflow", check_overflow),
        Check("underflow", check_underflow),
        Check("shape", check_shape),
        Check("dtype", check_dtype),
        Check("no-mutation", check_no_mutation),
        Check("gradient", check_gradient),
        hand_written_check(("softmax", "log_softmax", "logsumexp")),
    ),
    examples=(
        Example((np.array([1.0, 2.0, 3.0]),)),
        Example((np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]),)),
        Example((np.array([123.0, 456.0, 789.0]),)),
    ),
    order=10,
)
