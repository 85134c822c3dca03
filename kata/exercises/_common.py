"""Check building blocks shared by the katas: dtype, mutation, gradients, diagnoses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kata.grader.checks import CheckContext, CheckFailed, describe, expect_array, expect_close, expect_no_fp_warnings
from kata.grader.compare import close_mask, fmt
from kata.grader.protocol import Call, CallResult

__all__ = ["fmt"]

# gradcheck-style tolerance for finite differences: |analytic - numeric| <= atol + rtol*|numeric|
GRAD_ATOL = 1e-5
GRAD_RTOL = 1e-3
GRAD_EPS = 1e-6


def call(*args: Any, fortran: bool = False, return_args: bool = False, **kwargs: Any) -> Call:
    return Call(args=args, kwargs=kwargs, fortran=fortran, return_args=return_args)


def expect_quiet(res: CallResult, what: str, hint: str) -> None:
    expect_no_fp_warnings(res, what, hint)


def diagnose_normalisation(got: np.ndarray, x: np.ndarray, what: str) -> None:
    """Name the classic axis mistakes when a batch's rows do not sum to 1."""
    if x.ndim < 2 or got.shape != x.shape or not np.all(np.isfinite(got)):
        return
    rows = got.sum(axis=-1)
    if np.allclose(rows, 1.0, rtol=0, atol=1e-4):
        return
    if abs(float(got.sum()) - 1.0) <= 1e-4:
        raise CheckFailed(
            f"{what}: the whole array sums to 1 but its rows do not (row sums {fmt(rows)})",
            "you normalised the whole batch at once. Each row is its own distribution: "
            "sum over axis=-1 with keepdims=True.",
        )
    if np.allclose(got.sum(axis=0), 1.0, rtol=0, atol=1e-4):
        raise CheckFailed(
            f"{what}: the columns sum to 1 but the rows do not (row sums {fmt(rows)})",
            "you normalised along axis 0. The contract normalises along the LAST axis "
            "(axis=-1), so one row of a batch is one example.",
        )
    raise CheckFailed(
        f"{what}: rows must each sum to 1, got row sums {fmt(rows)}",
        "reduce over the last axis with keepdims=True: without keepdims, x - x.max(axis=-1) "
        "lines the row maxima up with the columns instead of the rows.",
    )


def check_dtype_kept(
    ctx: CheckContext, fn: str, cases: Sequence[np.ndarray], reference: Callable[[np.ndarray], np.ndarray]
) -> None:
    results = ctx.call_many([call(x) for x in cases])
    for x, res in zip(cases, results, strict=True):
        what = describe(fn, x=x)
        got = expect_array(res, what, shape=x.shape)
        diagnose_normalisation(got, x, what)
        if got.dtype != x.dtype:
            raise CheckFailed(
                f"{what} returned {got.dtype}; a {x.dtype} input must give a {x.dtype} result",
                "keep the caller's precision: float32 halves memory and is what GPUs use. "
                "Avoid astype(np.float64), np.float64(...) and float64 constant arrays; "
                "np.exp(x - x.max(...)) keeps x's dtype.",
            )
        expect_close(got, reference(x), what, tol_dtype=x.dtype)


def check_inputs_unchanged(
    ctx: CheckContext, fn: str, names: Sequence[str], cases: Sequence[tuple[np.ndarray, ...]]
) -> None:
    results = ctx.call_many([call(*args, return_args=True) for args in cases])
    for args, res in zip(cases, results, strict=True):
        what = describe(fn, **dict(zip(names, args, strict=True)))
        expect_array(res, what)
        after = res.args_after
        if after is None or len(after) != len(args):
            raise CheckFailed(f"{what}: the grader could not read the arguments back after the call")
        for name, before, returned in zip(names, args, after, strict=True):
            now = returned.array
            if now is None or now.shape != before.shape or not np.array_equal(now, before, equal_nan=True):
                shown = fmt(now) if now is not None else returned.describe()
                raise CheckFailed(
                    f"{what} changed its argument `{name}`:\n  before {fmt(before)}\n  after  {shown}",
                    "the caller still owns its array and will use it after your call. In-place "
                    "operations (x -= ..., x /= ..., np.exp(x, out=x)) overwrite it: compute into a "
                    "new array instead, e.g. z = x - x.max(axis=-1, keepdims=True).",
                )


def numerical_jacobian(
    ctx: CheckContext, x: np.ndarray, *, extra: tuple[np.ndarray, ...] = (), eps: float = GRAD_EPS
) -> np.ndarray:
    """d f(x).ravel() / d x.ravel() by central differences of the SUBMITTED function."""
    calls = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        step = step.reshape(x.shape)
        calls += [call(x + step, *extra), call(x - step, *extra)]
    results = ctx.call_many(calls)
    columns = []
    for k in range(x.size):
        plus, minus = results[2 * k], results[2 * k + 1]
        what = f"{ctx.function}(x) near x = {fmt(x)}"
        fp = expect_array(plus, what, shape=None)
        fm = expect_array(minus, what, shape=fp.shape)
        columns.append((fp.astype(np.float64) - fm.astype(np.float64)).ravel() / (2 * eps))
    return np.stack(columns, axis=1)


def block_jacobian(s: np.ndarray) -> np.ndarray:
    """The Jacobian of softmax over flattened indices: one diag(s) - s sᵀ block per row."""
    rows = s.reshape(-1, s.shape[-1])
    n = rows.shape[1]
    full = np.zeros((s.size, s.size))
    for r, row in enumerate(rows):
        full[r * n : (r + 1) * n, r * n : (r + 1) * n] = np.diag(row) - np.outer(row, row)
    return full


def expect_gradient(numeric: np.ndarray, analytic: np.ndarray, what: str, formula: str, hint: str) -> None:
    if numeric.shape != analytic.shape:
        raise CheckFailed(f"{what} has shape {numeric.shape}; expected {analytic.shape}", hint)
    ok = close_mask(analytic, numeric, GRAD_ATOL, GRAD_RTOL)
    if np.all(ok):
        return
    i, j = (int(v) for v in np.argwhere(~ok)[0])
    raise CheckFailed(
        f"{what} (central differences, step {GRAD_EPS:g}) does not match {formula}: "
        f"entry [{i}, {j}] is {numeric[i, j]:.6g} numerically but {analytic[i, j]:.6g} analytically "
        f"(tolerance {GRAD_ATOL:g} + {GRAD_RTOL:g}·|numeric|)",
        hint,
    )
