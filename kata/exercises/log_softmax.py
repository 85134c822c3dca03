"""Kata `log-softmax`: ``log_softmax(x)`` along the last axis, computed in log space."""

from __future__ import annotations

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.exercises.softmax import reference as softmax
from kata.grader.checks import Check, CheckContext, CheckFailed, Lazy, Text, describe, expect_array, expect_close
from kata.grader.compare import all_close, tolerance_for
from kata.grader.static import hand_written_check

FN = "log_softmax"


def reference(x: np.ndarray) -> np.ndarray:
    """x − logsumexp(x) per row, float64. -inf entries (masks) stay -inf; rows of only -inf give NaN."""
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = x - np.where(np.isfinite(m), m, 0.0)
        return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def _logsumexp(v: np.ndarray, axis: int | None) -> np.ndarray:
    m = np.max(v, axis=axis, keepdims=True)
    return np.squeeze(m + np.log(np.sum(np.exp(v - m), axis=axis, keepdims=True)), axis=axis)


LSE_HINT = (
    "exp() overflows to inf above ~709.78 in float64 (~88.72 in float32) and underflows to 0 below "
    "about -745 (-103), so log Σ exp(x) turns into log(inf) = inf or log(0) = -inf. Pull out the row "
    "max m: logsumexp(x) = m + log Σ exp(x − m). Every exponent is then ≤ 0 and one is exactly 0, so "
    "the sum lies between 1 and n and its log is finite; the answer is (x − m) − log Σ exp(x − m)."
)
LOG_OF_SOFTMAX_HINT = (
    "np.log(softmax(x)) fails even when the softmax itself is stable: for x = [0, 1000], softmax gives "
    "exp(-1000) = 0 (it underflows: float64 stops at about exp(-745), float32 at about exp(-103)), and "
    "log(0) = -inf with a divide-by-zero warning, while the true answer is -1000. Stay in log space: "
    "(x − m) − log Σ exp(x − m) subtracts instead of dividing, so the small entry keeps its exact value."
)
ROWWISE_HINT = (
    "each row needs its own max and its own log-sum-exp: x.max(axis=-1, keepdims=True) and "
    "np.exp(z).sum(axis=-1, keepdims=True). One max for the whole batch sends a row of small values "
    "to exp(-1000) = 0, and its log-sum to log(0) = -inf."
)
MASK_HINT = (
    "-inf marks a masked position: its log-probability is exactly -inf, and it must not disturb the "
    "others. With a finite row max m, (-inf) − m = -inf and exp(-inf) = 0 exactly, with no warning. "
    "Do not replace -inf by a large negative number, and do not multiply by a 0/1 mask (0·inf = NaN)."
)


def _diagnose(got: np.ndarray, x: np.ndarray, what: Text, *, precise: bool = True) -> None:
    """Name the classic wrong answers when the values are wrong (to float32 precision if not ``precise``)."""
    if got.shape != x.shape or got.dtype.kind not in "biuf":
        return
    want = reference(x)
    if all_close(got, want, *tolerance(x, precise=precise)):
        return
    shown = f"{what}\n  got      {c.fmt(got)}\n  expected {c.fmt(want)}"
    if x.dtype == np.float64 and all_close(got, want, *tolerance(x, precise=False)):
        raise CheckFailed(
            f"{shown}\n  the values agree only to float32 precision (about 7 significant digits)",
            "a float64 input must be computed in float64: look for astype(np.float32), "
            "np.float32(...) constants or float32 arrays mixed into the computation.",
        )
    if all_close(got, want, 1e-7, 1e-4):
        return
    with np.errstate(all="ignore"):
        m = np.max(x, axis=-1, keepdims=True)
        e = np.exp(x - m)  # in x's dtype, as a candidate computes it
        wrong = [
            (np.log(e / np.sum(e, axis=-1, keepdims=True)), LOG_OF_SOFTMAX_HINT),
            (softmax(x), "these are the probabilities softmax(x); the kata asks for their log."),
            (x - m, "you subtracted the row max but stopped there: also subtract log Σ exp(x − m)."),
            (x - np.log(np.sum(e, axis=-1, keepdims=True)),
             "you dropped the max from the log-sum-exp: logsumexp(x) = m + log Σ exp(x − m), so the "
             "answer is (x − m) − log Σ exp(x − m), not x − log Σ exp(x − m)."),
            (x - m - np.sum(e, axis=-1, keepdims=True), "you subtracted Σ exp(x − m) itself; subtract its log."),
        ]
        if x.ndim == 2 and x.shape[0] == x.shape[1]:
            z = x - np.max(x, axis=-1)
            wrong.append((
                z - np.log(np.sum(np.exp(z), axis=-1)),
                "without keepdims=True the row maxima (shape (N,)) line up with the columns of an "
                "(N, N) batch instead of its rows: x.max(axis=-1, keepdims=True) has shape (N, 1).",
            ))
    for candidate, explanation in wrong:
        if candidate.shape == got.shape and all_close(got, candidate, 1e-7, 1e-4):
            raise CheckFailed(shown, explanation)
    if x.ndim >= 2 and np.all(np.isfinite(got)):
        with np.errstate(all="ignore"):
            if np.allclose(_logsumexp(got, axis=-1), 0.0, atol=1e-4):
                return
            if abs(float(_logsumexp(got, axis=None))) <= 1e-4:
                raise CheckFailed(
                    f"{shown}\n  exp(output) sums to 1 over the whole array, not per row",
                    "you normalised the whole batch at once. Each row is its own distribution: "
                    "reduce over axis=-1 with keepdims=True.",
                )
            if np.allclose(_logsumexp(got, axis=0), 0.0, atol=1e-4):
                raise CheckFailed(
                    f"{shown}\n  exp(output) sums to 1 down the columns, not along the rows",
                    "you normalised along axis 0. The contract normalises along the LAST axis (axis=-1).",
                )


def tolerance(x: np.ndarray, *, precise: bool = True) -> tuple[float, float]:
    """The dtype's tolerance, plus an absolute slack of a few ulps of the largest |x|.

    log_softmax(x) = x − logsumexp(x) subtracts numbers as large as x itself, so even an exact
    algorithm may be off by about eps·max|x| (x − (m + log Σ) in float32 with m = 100 is off by
    ~1e-6 near 0). That is rounding of the input's scale, not a bug. With ``precise=False`` the
    float32 tolerance applies whatever the dtype: for checks about something else (shape, dtype)
    that should not fail on precision, which basic, overflow and underflow judge.
    """
    dtype = x.dtype if precise else np.dtype(np.float32)
    atol, rtol = tolerance_for(dtype)
    finite = np.abs(x[np.isfinite(x)])
    scale = float(finite.max()) if finite.size else 0.0
    return max(atol, 4 * float(np.finfo(dtype).eps) * scale), rtol


def _judge(
    ctx: CheckContext,
    cases: list[np.ndarray],
    *,
    hint: str | None = None,
    warnings_hint: str | None = None,
    precise: bool = True,
) -> None:
    results = ctx.call_many([c.call(x) for x in cases])
    for x, res in zip(cases, results, strict=True):
        what = describe(FN, x=x)
        got = expect_array(res, what, shape=x.shape)
        _diagnose(got, x, what, precise=precise)
        expect_close(got, reference(x), what, tolerance=tolerance(x, precise=precise), hint=hint)
        if warnings_hint:
            c.expect_quiet(res, what, warnings_hint)


def check_basic(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        np.array([1.0, 2.0, 3.0]),
        np.array([0.0, 0.0]),
        np.array([-1.5, 0.25, 4.0, 0.25]),
        np.array([[1.0, 2.0, 3.0], [0.5, 0.5, -2.0]]),
    ]
    cases += [rng.normal(0, 2, size=n) for n in (2, 5, 10)]
    _judge(ctx, cases, hint=LSE_HINT)
    # exp(output) sums to 1, and a constant shift changes nothing.
    x = rng.normal(0, 2, size=7)
    shift = float(rng.uniform(-40, 40))
    plain, shifted = ctx.call_many([c.call(x), c.call(x + shift)])
    got = expect_array(plain, describe(FN, x=x), shape=x.shape)
    moved = expect_array(shifted, describe(FN, x=x + shift), shape=x.shape)
    total = float(np.sum(np.exp(got)))
    if not abs(total - 1.0) <= 1e-9:
        raise CheckFailed(
            f"{describe(FN, x=x)}: exp of the result sums to {total!r}, not 1",
            "log-probabilities of a distribution exponentiate to probabilities that sum to 1. "
            "float64 rounding alone stays far below 1e-9 here: is part of the work done in float32?",
        )
    expect_close(
        moved,
        got,
        Lazy(lambda: f"log_softmax(x + c) should equal log_softmax(x) (c = {shift:.3f}, x = {c.fmt(x)})"),
        hint="adding c to every logit adds c to x and to logsumexp(x), so it cancels in x − logsumexp(x).",
    )


def check_overflow(ctx: CheckContext) -> None:
    """Large logits whose gaps stay small: only a missing max shift fails here."""
    rng = ctx.rng
    vectors = [
        np.array([123.0, 456.0, 789.0]),
        np.array([1000.0, 1001.0, 1002.0]),
        1e4 + rng.normal(0, 3, size=5),
        rng.uniform(800.0, 1300.0, size=6),
        np.array([89.0, 90.0, 100.0], dtype=np.float32),
        rng.uniform(88.8, 140.0, size=5).astype(np.float32),
    ]
    _judge(ctx, vectors, hint=LSE_HINT, warnings_hint=LSE_HINT)
    scales = rng.permutation([0.0, 1e2, 1e3, 1e4])
    batch = np.stack([s + rng.normal(0, 3, size=5) for s in scales])
    fixed = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]])
    _judge(ctx, [fixed, batch], hint=ROWWISE_HINT, warnings_hint=ROWWISE_HINT)


def check_underflow(ctx: CheckContext) -> None:
    """Rows with large gaps (probabilities that underflow to 0) and -inf masks."""
    rng = ctx.rng
    gaps = [
        np.array([0.0, 1000.0]),
        np.array([-1000.0, 0.0, -5.0]),
        np.array([-1000.3, -1000.0, -1001.7]),
        np.array([0.0, 200.0], dtype=np.float32),
        np.array([-1e4, 0.0, 1e4]),
        np.full(3, -1000.0),
        np.full(4, -1000.0, dtype=np.float32),
        rng.uniform(-2000, -1500, size=5),
        rng.uniform(-1e4, 1e4, size=6),
    ]
    _judge(ctx, gaps, hint=LSE_HINT, warnings_hint=LOG_OF_SOFTMAX_HINT)
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
    _judge(ctx, masked, hint=MASK_HINT, warnings_hint=MASK_HINT)


def check_shape(ctx: CheckContext) -> None:
    rng = ctx.rng
    shapes = [(5,), (3, 5), (5, 3), (4, 4), (1, 6), (2, 3, 4), (3, 1), (1,), (2, 1, 3)]
    _judge(ctx, [rng.normal(0, 2, size=s) for s in shapes], hint=ROWWISE_HINT, precise=False)
    x = rng.normal(0, 2, size=(4, 3))
    res = ctx.call_many([c.call(x, fortran=True)])[0]
    what = describe(FN, x=x) + " in Fortran order"
    got = expect_array(res, what, shape=x.shape)
    expect_close(got, reference(x), what, tolerance=tolerance(x, precise=False))


def check_dtype(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        rng.normal(0, 2, size=6).astype(np.float32),
        rng.normal(0, 2, size=(3, 4)).astype(np.float32),
        rng.normal(0, 2, size=6),
        rng.normal(0, 2, size=(2, 5)),
    ]
    c.check_dtype_kept(
        ctx,
        FN,
        cases,
        reference,
        lambda got, x, what: _diagnose(got, x, what, precise=False),
        hint=(
            "keep the caller's precision: avoid astype(np.float64) and float64 temporaries; "
            "x - x.max(...), np.exp and np.log all keep float32."
        ),
        tolerance=lambda x: tolerance(x, precise=False),
    )


def check_no_mutation(ctx: CheckContext) -> None:
    rng = ctx.rng
    c.check_inputs_unchanged(ctx, FN, ("x",), [
        (rng.normal(0, 2, size=5),),
        (rng.normal(0, 2, size=(3, 4)),),
        (rng.normal(0, 2, size=4).astype(np.float32),),
    ])


def log_softmax_jacobian(s: np.ndarray) -> np.ndarray:
    """∂ log s_i / ∂ x_j = δ_ij − s_j, one block I − 1 sᵀ per row, over flattened indices."""
    rows = s.reshape(-1, s.shape[-1])
    n = rows.shape[1]
    full = np.zeros((s.size, s.size))
    for r, row in enumerate(rows):
        full[r * n : (r + 1) * n, r * n : (r + 1) * n] = np.eye(n) - np.outer(np.ones(n), row)
    return full


def check_gradient(ctx: CheckContext) -> None:
    rng = ctx.rng
    points = [rng.normal(0, 1.5, size=n) for n in (3, 4, 6)] + [rng.normal(0, 1.5, size=(2, 4))]
    for x in points:
        numeric = c.numerical_jacobian(ctx, x)
        c.expect_gradient(
            numeric,
            log_softmax_jacobian(softmax(x)),
            Lazy(lambda x=x: f"the Jacobian of your log_softmax at x = {c.fmt(x)}"),
            "I − 1 sᵀ per row (∂ log s_i/∂x_j = δ_ij − s_j)",
            hint="the derivative of x_i − logsumexp(x) is δ_ij − softmax(x)_j: each output moves 1-for-1 "
            "with its own logit, minus the softmax weight of every logit in its row. A result that is "
            "right at a point can still have a noisy or wrong derivative: computing in float32, rounding, "
            "or clipping all show up here.",
        )


KATA = Kata(
    id="log-softmax",
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
        hand_written_check(("log_softmax", "logsumexp", "softmax")),
    ),
    examples=(
        Example((np.array([1.0, 2.0, 3.0]),)),
        Example((np.array([0.0, 1000.0]),)),
        Example((np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]),)),
    ),
    order=40,
)
