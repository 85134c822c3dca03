"""Check building blocks shared by the katas: dtype, mutation, gradients, diagnoses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from kata.grader.checks import CheckContext, CheckFailed, Lazy, Text, describe, expect_array, expect_close, expect_no_fp_warnings
from kata.grader.compare import close_mask, fmt, tolerance_for
from kata.grader.protocol import Call, CallResult

__all__ = ["fmt"]

# gradcheck-style tolerance for finite differences: |analytic - numeric| <= atol + rtol*|numeric|
GRAD_ATOL = 1e-5
GRAD_RTOL = 1e-3
GRAD_EPS = 1e-6


def call(*args: Any, fortran: bool = False, return_args: bool = False, **kwargs: Any) -> Call:
    return Call(args=args, kwargs=kwargs, fortran=fortran, return_args=return_args)


def expect_quiet(res: CallResult, what: Text, hint: str) -> None:
    expect_no_fp_warnings(res, what, hint)


def diagnose_normalisation(got: np.ndarray, x: np.ndarray, what: Text) -> None:
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


DTYPE_HINT = (
    "keep the caller's precision: float32 halves memory and is what GPUs use. "
    "Avoid astype(np.float64), np.float64(...) and float64 constant arrays; "
    "np.exp(x - x.max(...)) keeps x's dtype."
)


def check_dtype_kept(
    ctx: CheckContext,
    fn: str,
    cases: Sequence[np.ndarray | tuple[np.ndarray, ...]],
    reference: Callable[..., np.ndarray],
    diagnose: Callable[..., None] | None = None,
    *,
    names: Sequence[str] = ("x",),
    hint: str = DTYPE_HINT,
    tolerance: Callable[[np.ndarray], tuple[float, float]] | None = None,
) -> None:
    """The result has the shape and dtype of the last argument (``x``, or ``y`` in a
    backward pass), with values right to that dtype's tolerance (or ``tolerance(arg)``).
    A case is one array or a tuple of arguments; ``diagnose(got, *args, what)`` may name a
    kata-specific mistake once the dtype is right."""
    arg_tuples = [case if isinstance(case, tuple) else (case,) for case in cases]
    results = ctx.call_many([call(*args) for args in arg_tuples])
    for args, res in zip(arg_tuples, results, strict=True):
        like = args[-1]
        what = describe(fn, **dict(zip(names, args, strict=True)))
        got = expect_array(res, what, shape=like.shape)
        if got.dtype != like.dtype:
            raise CheckFailed(
                f"{what} returned {got.dtype}; {like.dtype} inputs must give a {like.dtype} result", hint
            )
        if diagnose is not None:
            diagnose(got, *args, what)
        tol = tolerance(like) if tolerance is not None else None
        expect_close(got, reference(*args), what, tol_dtype=like.dtype, tolerance=tol)


def check_inputs_unchanged(
    ctx: CheckContext,
    fn: str,
    names: Sequence[str],
    cases: Sequence[tuple[np.ndarray, ...]],
    validate_result: Callable[[CallResult, str, tuple[np.ndarray, ...]], object] | None = None,
) -> None:
    """Every argument is bit-for-bit unchanged after the call. ``validate_result(res, what,
    args)`` checks the return value first (default: an ndarray)."""
    results = ctx.call_many([call(*args, return_args=True) for args in cases])
    for args, res in zip(cases, results, strict=True):
        what = describe(fn, **dict(zip(names, args, strict=True)))
        if validate_result is None:
            expect_array(res, what)
        else:
            validate_result(res, what, args)
        after = res.args_after
        if after is None or len(after) != len(args):
            raise CheckFailed(f"{what}: the grader could not read the arguments back after the call")
        for name, before, returned in zip(names, args, after, strict=True):
            now = returned.array
            if now is None or now.shape != before.shape or not np.array_equal(now, before, equal_nan=True):
                shown = fmt(now) if now is not None else returned.describe()
                raise CheckFailed(
                    f"{what} changed its argument `{name}`:\n  before {fmt(before)}\n  after  {shown}",
                    "the caller still owns its arrays and reads them again after your call (to log "
                    "metrics, or in the next step). In-place operations on an argument (x -= ..., "
                    "x /= ..., np.exp(x, out=x)) overwrite it: compute into a new array instead, "
                    "e.g. z = x - x.max(axis=-1, keepdims=True).",
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
    point = x.copy()
    what = Lazy(lambda: f"{ctx.function}(x) near x = {fmt(point)}")
    for k in range(x.size):
        plus, minus = results[2 * k], results[2 * k + 1]
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


def expect_gradient(numeric: np.ndarray, analytic: np.ndarray, what: Text, formula: str, hint: str) -> None:
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


# ---------------------------------------------------------------- (loss, gradient) returns
# Used by the loss katas (softmax-cross-entropy, bce-with-logits), whose functions return
# a tuple `(loss, dlogits)`: the loss a real scalar, the gradient an array shaped like the logits.


def expect_loss_and_grad(
    res: CallResult, what: Text, grad_shape: tuple[int, ...], grad_name: str = "dlogits"
) -> tuple[np.ndarray, np.ndarray]:
    """The loss (as a 0-d array, in the dtype returned) and the gradient array of a `(loss, grad)`
    answer, or ``CheckFailed`` naming what is wrong with its form."""
    from kata.grader.checks import expect_value  # here, so this section only appends to the module

    value = expect_value(res, what)
    form = f"(loss, {grad_name})"
    if value.kind != "tuple":
        arr = value.array
        if value.kind == "none":
            hint = f"did you forget the return statement? End with `return loss, {grad_name}`."
        elif value.kind == "scalar" or (arr is not None and arr.shape == ()):
            hint = f"that looks like the loss alone: return both, `return loss, {grad_name}`."
        elif arr is not None and arr.shape == tuple(grad_shape):
            hint = f"an array shaped like the logits looks like the gradient alone: `return loss, {grad_name}`."
        elif value.type_name == "list":
            hint = f"return a tuple, `return loss, {grad_name}`, not a list."
        else:
            hint = f"return the tuple {form}."
        raise CheckFailed(f"{what} returned {value.describe()}; expected a tuple {form}", hint)
    if len(value.items) != 2:
        raise CheckFailed(
            f"{what} returned a tuple of {len(value.items)}; expected 2 items, {form}",
            f"return exactly the loss and its gradient: `return loss, {grad_name}`.",
        )
    loss, grad = value.items
    if _is_number(grad) and loss.kind == "array" and loss.array is not None and loss.array.shape == tuple(grad_shape):
        raise CheckFailed(
            f"{what} returned (an array of shape {loss.array.shape}, a number): the order is swapped",
            f"the contract is {form}: the loss first, then the gradient.",
        )
    if not _is_number(loss):
        shape = loss.array.shape if loss.array is not None and loss.kind == "array" else None
        if shape == (1,):
            hint = (
                "the loss must be a scalar: a Python float, a numpy scalar or a 0-d array. Shape (1,) "
                "comes from np.array([loss]), keepdims=True or x[[i]]: return float(loss) or loss.item(), "
                "or reduce without keepdims (np.mean(v) is already a scalar)."
            )
        elif shape is not None:
            hint = (
                "one loss value per element or per example: the loss is a single number, the MEAN "
                "over all of them (np.mean(v), without axis)."
            )
        else:
            hint = "the loss is a single real number: a Python float or a 0-d numpy value."
        raise CheckFailed(f"{what} returned a loss that is {loss.describe()}, not a scalar", hint)
    if grad.kind != "array" or grad.array is None:
        raise CheckFailed(
            f"{what} returned a {grad_name} that is {grad.describe()}; expected an ndarray of shape "
            f"{tuple(grad_shape)}",
            "the gradient has one entry per logit: ∂loss/∂logits, shaped like the logits.",
        )
    if grad.array.shape != tuple(grad_shape):
        raise CheckFailed(
            f"{what} returned a {grad_name} of shape {grad.array.shape}; expected {tuple(grad_shape)}, "
            "the logits' shape",
            "the gradient has one entry per logit: ∂loss/∂logits[i, ...] for every position.",
        )
    if grad.array.dtype.kind not in "biuf":
        raise CheckFailed(f"{what} returned a {grad_name} of dtype {grad.array.dtype}; expected real floats")
    return loss.array, grad.array


def _is_number(value: Any) -> bool:
    """A returned value (``protocol.Returned``) that is a real scalar: a Python or numpy number,
    or a 0-d array."""
    arr = value.array
    return (
        value.kind in ("scalar", "array")
        and arr is not None
        and arr.shape == ()
        and arr.dtype.kind in "biuf"
    )


def judge_loss_gradient(
    ctx: CheckContext,
    names: tuple[str, str],
    cases: Sequence[tuple[np.ndarray, np.ndarray]],
    reference: Callable[[np.ndarray, np.ndarray], tuple[Any, np.ndarray]],
    formula: str,
    hint: str,
    eps: float = GRAD_EPS,
) -> None:
    """The returned gradient must match (1) central differences of the RETURNED loss, computed
    by calling the submission at perturbed logits, and (2) the reference gradient ``formula``.
    ``cases`` are (logits, second argument) pairs of float64 logits."""
    calls = []
    for x, other in cases:
        calls.append(call(x, other))
        for k in range(x.size):
            step = np.zeros(x.size)
            step[k] = eps
            step = step.reshape(x.shape)
            calls += [call(x + step, other), call(x - step, other)]
    results = iter(ctx.call_many(calls))
    fn = ctx.function
    for x, other in cases:
        what = describe(fn, **{names[0]: x, names[1]: other})
        _, grad = expect_loss_and_grad(next(results), what, x.shape)
        numeric = np.empty(x.size)
        near = Lazy(lambda x=x: f"{fn} near {names[0]} = {fmt(x)}")
        for k in range(x.size):
            plus, _ = expect_loss_and_grad(next(results), near, x.shape)
            minus, _ = expect_loss_and_grad(next(results), near, x.shape)
            numeric[k] = (float(plus) - float(minus)) / (2 * eps)
        numeric = numeric.reshape(x.shape)
        grad = grad.astype(np.float64)
        want = np.asarray(reference(x, other)[1], dtype=np.float64)
        own = close_mask(grad, numeric, GRAD_ATOL, GRAD_RTOL)
        if not np.all(own):
            idx = tuple(int(i) for i in np.argwhere(~own)[0])
            if np.all(close_mask(grad, want, GRAD_ATOL, GRAD_RTOL)):
                verdict = "the gradient matches the formula, so the loss is what is off"
            elif np.all(close_mask(numeric, want, GRAD_ATOL, GRAD_RTOL)):
                verdict = "the loss has the right derivative, so the returned gradient is what is off"
            else:
                verdict = "neither matches the formula " + formula
            raise CheckFailed(
                f"{what}: the returned gradient is not the derivative of the returned loss "
                f"(central differences, step {eps:g}):\n"
                f"  returned  {fmt(grad)}\n  numerical {fmt(numeric)}\n"
                f"  at index {list(idx)}: {grad[idx]:.6g} returned, {numeric[idx]:.6g} numerically; {verdict}",
                hint,
            )
        expect_close(grad, want, f"{what}: the gradient against {formula}", hint=hint)


def check_loss_inputs_unchanged(
    ctx: CheckContext, names: Sequence[str], cases: Sequence[tuple[np.ndarray, ...]]
) -> None:
    """``check_inputs_unchanged`` for functions that return ``(loss, dlogits)``."""
    check_inputs_unchanged(
        ctx, ctx.function, names, cases, lambda res, what, args: expect_loss_and_grad(res, what, args[0].shape)
    )


def scaled_tolerance(x: np.ndarray) -> tuple[float, float]:
    """The dtype's tolerance, plus 4·eps·max|x|. Log-space results (a loss, logsumexp − x,
    max(x, 0) − x·t) subtract numbers as large as the inputs, so they carry a rounding error
    of a few ulps of max|x| (about 1e-5 for float32 logits of 100), whatever the method."""
    atol, rtol = tolerance_for(x.dtype)
    return max(atol, 4 * float(np.finfo(x.dtype).eps) * float(np.max(np.abs(x)))), rtol


def judge_loss_cases(
    ctx: CheckContext,
    names: tuple[str, str],
    cases: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    reference: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]],
    diagnose: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str], None],
    loss_hint: str,
    grad_hint: str,
    hint: str | None = None,
    warnings_hint: str | None = None,
    fortran: bool = False,
) -> None:
    """Judge ``(loss, dlogits)`` answers for (logits, second argument) cases against the
    reference, after ``diagnose`` has had a chance to name a classic mistake."""
    results = ctx.call_many([call(x, y, fortran=fortran) for x, y in cases])
    for (x, y), res in zip(cases, results, strict=True):
        what = describe(ctx.function, **{names[0]: x, names[1]: y}) + (" in Fortran order" if fortran else "")
        loss, grad = expect_loss_and_grad(res, what, x.shape)
        diagnose(loss, grad, x, y, what)
        want_loss, want_grad = reference(x, y)
        tol = scaled_tolerance(x)
        expect_close(
            np.asarray(loss, dtype=np.float64),
            np.asarray(want_loss),
            f"{what}: the loss",
            tolerance=tol,
            hint=hint or loss_hint,
        )
        expect_close(grad, want_grad, f"{what}: dlogits", tolerance=tol, hint=hint or grad_hint)
        if warnings_hint:
            expect_quiet(res, what, warnings_hint)


def numerical_vjp(
    forward: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dy: np.ndarray, eps: float = GRAD_EPS
) -> np.ndarray:
    """∂/∂x of L = Σ dy·forward(x), by central differences of the grader's own ``forward``."""
    numeric = np.zeros(x.size)
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        step = step.reshape(x.shape)
        numeric[k] = (np.sum(dy * forward(x + step)) - np.sum(dy * forward(x - step))) / (2 * eps)
    return numeric.reshape(x.shape)


def check_backward_gradient(
    ctx: CheckContext,
    forward: Callable[[np.ndarray], np.ndarray],
    name: str,
    points: Sequence[np.ndarray],
    hint: str,
    diagnose: Callable[[np.ndarray, np.ndarray, np.ndarray, str], None] | None = None,
) -> None:
    """A backward pass ``fn(dy, y)`` with y = forward(x) matches the numerical gradient of
    L = Σ dy·forward(x) at each point, for a random upstream gradient dy."""
    cases = []
    for x in points:
        dy = ctx.rng.normal(0, 1, size=x.shape)
        cases.append((x, dy, numerical_vjp(forward, x, dy)))
    results = ctx.call_many([call(dy, forward(x)) for x, dy, _ in cases])
    for (x, dy, numeric), res in zip(cases, results, strict=True):
        what = Lazy(lambda x=x, dy=dy: f"{ctx.function}(dy, {name}(x)) at x = {fmt(x)}, dy = {fmt(dy)}")
        got = expect_array(res, what, shape=x.shape)
        if diagnose is not None:
            diagnose(got, dy, forward(x), what)
        expect_close(
            got,
            numeric,
            f"{what} against the numerical gradient of L = Σ dy·{name}(x) "
            f"(central differences, step {GRAD_EPS:g})",
            tolerance=(GRAD_ATOL, GRAD_RTOL),
            hint=hint,
        )
