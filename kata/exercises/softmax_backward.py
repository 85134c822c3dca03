"""Kata `softmax-backward`: ``softmax_backward(dy, y)`` returns dL/dx for y = softmax(x)."""

from __future__ import annotations

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.exercises.softmax import reference as softmax
from kata.grader.checks import Check, CheckContext, CheckFailed, Text, describe, expect_array, expect_close
from kata.grader.compare import all_close
from kata.grader.rng import InputRng
from kata.grader.static import hand_written_check

FN = "softmax_backward"


def reference(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dx = y ⊙ (dy − Σ_j dy_j y_j), row by row: the Jacobian-vector product without the matrix."""
    dy = np.asarray(dy, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))


CORE_HINT = (
    "∂y_i/∂x_j = y_i(δ_ij − y_j), so dx_j = Σ_i dy_i·y_i(δ_ij − y_j) = y_j·(dy_j − Σ_i dy_i·y_i). "
    "Per row: dx = y * (dy - (dy * y).sum(axis=-1, keepdims=True))."
)


def _diagnose(got: np.ndarray, dy: np.ndarray, y: np.ndarray, what: Text) -> None:
    """Recognise the classic wrong answers and say what each one misses."""
    if got.shape != y.shape or not np.all(np.isfinite(got)):
        return
    want = reference(dy, y)
    if all_close(got, want, 1e-7, 1e-4):
        return
    wrong = [
        (-want, "the sign is flipped: dx = y ⊙ (dy − Σ dy·y), not y ⊙ (Σ dy·y − dy)."),
        (dy * y * (1 - y), "you used only the diagonal of the Jacobian, y_i(1 − y_i). Softmax couples "
         "every output to every input of its row, so the off-diagonal terms −y_i·y_j matter."),
        (y * (1 - y), "the result ignores dy: the backward pass multiplies the upstream gradient by the "
         "Jacobian; y(1 − y) alone is (the diagonal of) the Jacobian itself."),
        (dy * y, "you multiplied dy by y but forgot to subtract the weighted mean Σ dy·y."),
        (dy - np.sum(dy * y, axis=-1, keepdims=True), "you forgot the final multiplication by y."),
    ]
    if y.ndim >= 2:
        total = np.sum(dy * y)
        wrong.append((y * (dy - total), "Σ dy·y must be taken per row (axis=-1, keepdims=True), not over the whole batch."))
    for candidate, explanation in wrong:
        if candidate.shape == got.shape and all_close(got, candidate, 1e-7, 1e-4):
            raise CheckFailed(f"{what}\n  got      {c.fmt(got)}\n  expected {c.fmt(want)}", explanation)


def _cases(rng: InputRng, shapes, dtype=np.float64) -> list[tuple[np.ndarray, np.ndarray]]:
    cases = []
    for shape in shapes:
        y = softmax(rng.normal(0, 1.5, size=shape)).astype(dtype)
        dy = rng.normal(0, 1, size=shape).astype(dtype)
        cases.append((dy, y))
    return cases


def _judge(ctx: CheckContext, cases: list[tuple[np.ndarray, np.ndarray]]) -> None:
    results = ctx.call_many([c.call(dy, y) for dy, y in cases])
    for (dy, y), res in zip(cases, results, strict=True):
        what = describe(FN, dy=dy, y=y)
        got = expect_array(res, what, shape=y.shape)
        _diagnose(got, dy, y, what)
        expect_close(got, reference(dy, y), what, tol_dtype=y.dtype, hint=CORE_HINT)


def check_basic(ctx: CheckContext) -> None:
    y = softmax(np.array([1.0, 2.0, 3.0]))
    cases = [
        (np.array([1.0, 0.0, 0.0]), y),
        (np.ones(3), y),  # a constant upstream gradient gives exactly zero
        (np.array([0.5, -1.0, 2.0, 0.0]), softmax(np.array([0.1, 0.2, -0.3, 1.0]))),
    ]
    cases += _cases(ctx.rng, [(2,), (5,), (8,)])
    _judge(ctx, cases)


def check_shape(ctx: CheckContext) -> None:
    shapes = [(5,), (3, 5), (5, 3), (4, 4), (2, 3, 4), (3, 1), (1,), (1, 6)]
    _judge(ctx, _cases(ctx.rng, shapes))
    dy, y = _cases(ctx.rng, [(4, 3)])[0]
    res = ctx.call_many([c.call(dy, y, fortran=True)])[0]
    what = describe(FN, dy=dy, y=y) + " in Fortran order"
    expect_close(expect_array(res, what, shape=y.shape), reference(dy, y), what)


def check_dtype(ctx: CheckContext) -> None:
    cases = _cases(ctx.rng, [(6,), (3, 4)], np.float32) + _cases(ctx.rng, [(6,), (2, 5)])
    c.check_dtype_kept(
        ctx,
        FN,
        cases,
        reference,
        names=("dy", "y"),
        hint="keep the inputs' precision: avoid astype(np.float64) and float64 temporaries.",
    )


def check_no_mutation(ctx: CheckContext) -> None:
    c.check_inputs_unchanged(ctx, FN, ("dy", "y"), _cases(ctx.rng, [(5,), (3, 4)]) + _cases(ctx.rng, [(4,)], np.float32))


def check_gradient(ctx: CheckContext) -> None:
    """Against the numerical vector-Jacobian product of the grader's own softmax."""
    points = [ctx.rng.normal(0, 1.5, size=s) for s in ((4,), (6,), (2, 4), (3, 3))]
    c.check_backward_gradient(ctx, softmax, "softmax", points, CORE_HINT)


KATA = Kata(
    id="softmax-backward",
    function=FN,
    params=("dy", "y"),
    difficulty=3,
    time_limit=15,
    reference=reference,
    checks=(
        Check("basic", check_basic),
        Check("shape", check_shape),
        Check("dtype", check_dtype),
        Check("no-mutation", check_no_mutation),
        Check("gradient", check_gradient),
        hand_written_check(("softmax", "log_softmax")),
    ),
    examples=(
        Example((np.array([1.0, 0.0, 0.0]), softmax(np.array([1.0, 2.0, 3.0])))),
        Example((np.array([1.0, 1.0, 1.0]), softmax(np.array([1.0, 2.0, 3.0])))),
        Example((np.array([[0.5, -1.0], [2.0, 0.0]]), softmax(np.array([[0.0, 1.0], [3.0, 3.0]])))),
    ),
    order=20,
)
