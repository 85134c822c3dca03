"""Kata `sigmoid-backward`: ``sigmoid_backward(dy, y)`` returns dL/dx for y = sigmoid(x)."""

from __future__ import annotations

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.exercises.sigmoid import reference as sigmoid
from kata.grader.checks import Check, CheckContext, CheckFailed, Text, describe, expect_array, expect_close
from kata.grader.compare import all_close
from kata.grader.rng import InputRng
from kata.grader.static import hand_written_check

FN = "sigmoid_backward"


def reference(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dx = dy ⊙ y ⊙ (1 − y): sigmoid is elementwise, so its Jacobian is diagonal."""
    dy = np.asarray(dy, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return dy * y * (1.0 - y)


CORE_HINT = (
    "σ'(x) = σ(x)(1 − σ(x)) = y(1 − y), written with the forward OUTPUT y, so no exp is needed. "
    "The chain rule multiplies it by the upstream gradient, element by element: dx = dy * y * (1 - y)."
)


def _diagnose(got: np.ndarray, dy: np.ndarray, y: np.ndarray, what: Text) -> None:
    """Recognise the classic wrong answers and say what each one misses."""
    if got.shape != y.shape or not np.all(np.isfinite(got)):
        return
    want = reference(dy, y)
    if all_close(got, want, 1e-7, 1e-4):
        return
    sy = sigmoid(y)
    wrong = [
        (-want, "the sign is flipped: σ is increasing, so σ' = y(1 − y) > 0 and dx has the sign of dy."),
        (y * (1 - y), "the result ignores dy: y(1 − y) is the local derivative σ'(x); the backward "
         "pass must multiply it by the upstream gradient, dx = dy * y * (1 - y)."),
        (dy * sy * (1 - sy), "you applied sigmoid to y again. y is already σ(x), the forward OUTPUT, and "
         "σ'(x) = y(1 − y) directly; σ(y)(1 − σ(y)) is the derivative at a different point."),
        (dy * y, "dy * y is missing the factor (1 − y): σ'(x) = y(1 − y)."),
        (dy * (1 - y), "dy * (1 − y) is missing the factor y: σ'(x) = y(1 − y)."),
        (y * dy * (1 - dy), "the arguments are swapped: the signature is sigmoid_backward(dy, y), "
         "upstream gradient first, forward output second."),
        (y * (dy - np.sum(dy * y, axis=-1, keepdims=True)), "that is the softmax backward pass. Sigmoid "
         "acts on each element alone, so its Jacobian is diagonal and there is no Σ dy·y term."),
    ]
    for candidate, explanation in wrong:
        if candidate.shape == got.shape and all_close(got, candidate, 1e-7, 1e-4):
            raise CheckFailed(f"{what}\n  got      {c.fmt(got)}\n  expected {c.fmt(want)}", explanation)


def _cases(rng: InputRng, shapes, dtype=np.float64) -> list[tuple[np.ndarray, np.ndarray]]:
    cases = []
    for shape in shapes:
        y = sigmoid(rng.normal(0, 2, size=shape)).astype(dtype)
        dy = rng.normal(0, 1, size=shape).astype(dtype)
        cases.append((dy, y))
    return cases


def _judge(ctx: CheckContext, cases: list[tuple[np.ndarray, np.ndarray]], hint: str = CORE_HINT) -> None:
    results = ctx.call_many([c.call(dy, y) for dy, y in cases])
    for (dy, y), res in zip(cases, results, strict=True):
        what = describe(FN, dy=dy, y=y)
        try:
            got = expect_array(res, what, shape=y.shape)
        except CheckFailed as failed:
            if res.ok or "\nHint: " in str(failed):
                raise
            raise CheckFailed(str(failed), hint) from None  # an exception: say what works instead
        _diagnose(got, dy, y, what)
        expect_close(got, reference(dy, y), what, tol_dtype=y.dtype, hint=hint)


def check_basic(ctx: CheckContext) -> None:
    cases = [
        (np.array([1.0, 1.0, 1.0]), sigmoid(np.array([0.0, 2.0, -2.0]))),
        (np.array([0.5, -2.0, 3.0, 0.0]), np.array([0.5, 0.9, 0.1, 0.3])),
        # Saturated units pass almost nothing back: the vanishing gradient.
        (np.array([2.0, -1.0, 4.0]), sigmoid(np.array([-30.0, 0.0, 30.0]))),
    ]
    cases += _cases(ctx.rng, [(2,), (5,), (8,)])
    _judge(ctx, cases)


def check_shape(ctx: CheckContext) -> None:
    shapes = [(5,), (3, 5), (5, 3), (4, 4), (2, 3, 4), (3, 1), (1,), (1, 6), (2, 1, 3, 2)]
    _judge(
        ctx,
        _cases(ctx.rng, shapes),
        hint=CORE_HINT + " Elementwise products work for any shape; a matrix product with "
        "np.diag(...) only works for a single 1-D vector (np.diag of a 2-D array extracts its diagonal).",
    )
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
        _diagnose,
        names=("dy", "y"),
        hint=(
            "keep the inputs' precision: avoid astype(np.float64), np.ones(y.shape) (float64) "
            "and float64 constant arrays; 1 - y with the Python number 1 keeps y's dtype."
        ),
    )


def check_no_mutation(ctx: CheckContext) -> None:
    cases = _cases(ctx.rng, [(5,), (3, 4)]) + _cases(ctx.rng, [(4,)], np.float32)
    c.check_inputs_unchanged(ctx, FN, ("dy", "y"), cases)


def check_gradient(ctx: CheckContext) -> None:
    """Against the numerical gradient of L = Σ dy·sigmoid(x), with the grader's own sigmoid."""
    points = [ctx.rng.normal(0, 2, size=s) for s in ((4,), (6,), (2, 4), (3, 2, 2))]
    c.check_backward_gradient(ctx, sigmoid, "sigmoid", points, CORE_HINT, diagnose=_diagnose)


KATA = Kata(
    id="sigmoid-backward",
    function=FN,
    params=("dy", "y"),
    difficulty=1,
    time_limit=8,
    reference=reference,
    checks=(
        Check("basic", check_basic),
        Check("shape", check_shape),
        Check("dtype", check_dtype),
        Check("no-mutation", check_no_mutation),
        Check("gradient", check_gradient),
        hand_written_check(("expit", "sigmoid", "logistic", "sigmoid_backward")),
    ),
    examples=(
        Example((np.array([1.0, 1.0, 1.0]), sigmoid(np.array([0.0, 2.0, -2.0])))),
        Example((np.array([0.5, -2.0, 3.0]), np.array([0.5, 0.9, 0.1]))),
        Example((np.array([[1.0, -1.0], [2.0, 0.5]]), sigmoid(np.array([[0.0, 1.0], [-30.0, 3.0]])))),
    ),
    order=35,
)
