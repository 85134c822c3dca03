"""Kata `softmax-jacobian`: ``softmax_jacobian(y)`` builds diag(y) − y yᵀ for every row of a batch."""

from __future__ import annotations

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.exercises.softmax import reference as softmax
from kata.grader.checks import Check, CheckContext, CheckFailed, Text, describe, expect_array, expect_close, expect_value
from kata.grader.compare import all_close, close_mask
from kata.grader.protocol import CallResult
from kata.grader.rng import InputRng
from kata.grader.static import hand_written_check

FN = "softmax_jacobian"


def reference(y: np.ndarray) -> np.ndarray:
    """J[..., i, j] = y_i (δ_ij − y_j), in float64: one n×n matrix per row of y."""
    y = np.asarray(y, dtype=np.float64)
    n = y.shape[-1]
    return y[..., :, None] * (np.eye(n) - y[..., None, :])


CORE_HINT = (
    "y_i = exp(x_i)/Σ_k exp(x_k), so ∂y_i/∂x_j = y_i(δ_ij − y_j): y_i(1 − y_i) on the diagonal and "
    "−y_i·y_j off it. As matrices, J = diag(y) − y yᵀ, where y yᵀ is the OUTER product (n×n)."
)
BATCH_HINT = (
    "a batch y of shape (..., n) gives one n×n matrix per row, shape (..., n, n). np.diag of a 2-D "
    "array EXTRACTS its diagonal instead of building a matrix, and np.outer flattens its inputs, so "
    "both only work on a single vector. Broadcast instead: y[..., :, None] * np.eye(n) puts each row "
    "on a diagonal, and y[..., :, None] * y[..., None, :] is the batch of outer products."
)


def _wrong_answers(y: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """The classic wrong formulas, computed per row, with what each one misses."""
    n = y.shape[-1]
    eye = np.eye(n)
    col, row = y[..., :, None], y[..., None, :]
    diag, outer = col * eye, col * row
    return [
        (diag * (1 - col), "you kept only the diagonal y_i(1 − y_i). Every output depends on every "
         "input of its row, so the off-diagonal entries −y_i·y_j are there too: J = diag(y) − y yᵀ."),
        (outer - diag, "the sign is flipped: J = diag(y) − y yᵀ, not y yᵀ − diag(y)."),
        (diag + outer, "y yᵀ enters with a minus sign: ∂y_i/∂x_j = y_i(δ_ij − y_j) = y_i·δ_ij − y_i·y_j."),
        (-outer, "you forgot the diag(y) term: the diagonal is y_i − y_i², not −y_i²."),
        (diag - np.sum(y * y, axis=-1)[..., None, None],
         "you subtracted the inner product Σ y_j² (a number) from every entry. For a 1-D y, y @ y.T and "
         "np.dot(y, y) are that inner product; the n×n outer product is np.outer(y, y)."),
        (diag - row, "diag(y) − y broadcasts the vector y over the rows; subtract the outer product y yᵀ."),
        (diag - col, "diag(y) − y[:, None] broadcasts y over the columns; subtract the outer product y yᵀ."),
        (eye - row, "I − 1 yᵀ is the Jacobian of log_softmax. Softmax's is diag(y)(I − 1 yᵀ) = diag(y) − y yᵀ."),
    ]


def _diagnose(got: np.ndarray, y: np.ndarray, what: Text) -> None:
    want = reference(y)
    if got.shape != want.shape or got.dtype.kind not in "biuf" or all_close(got, want, 1e-7, 1e-4):
        return
    for candidate, explanation in _wrong_answers(y.astype(np.float64)):
        if all_close(got, candidate, 1e-7, 1e-4):
            raise CheckFailed(f"{what}\n  got      {c.fmt(got)}\n  expected {c.fmt(want)}", explanation)


def _expect_jacobian(res: CallResult, y: np.ndarray, what: Text) -> np.ndarray:
    """The returned array, of shape y.shape + (n,), with messages that explain batch mistakes."""
    n = y.shape[-1]
    want_shape = (*y.shape, n)
    if not res.ok and y.ndim >= 2:
        message = f"{what} raised {res.exc_type}: {res.exc_msg}".rstrip(": ")
        if res.traceback.strip():
            message += "\n" + res.traceback.rstrip()
        raise CheckFailed(message, BATCH_HINT)
    value = expect_value(res, what)
    arr = value.array
    if value.kind == "array" and arr is not None and arr.shape != want_shape:
        if y.ndim >= 2 and arr.shape in ((n, n), (y.size, y.size)):
            kind = "one n×n matrix" if arr.shape == (n, n) else "one big matrix over the flattened batch"
            raise CheckFailed(
                f"{what} returned shape {arr.shape} ({kind}); expected {want_shape}, one {n}×{n} "
                f"Jacobian per row",
                BATCH_HINT,
            )
        if arr.shape == y.shape:
            raise CheckFailed(
                f"{what} returned shape {arr.shape}, one number per probability; expected {want_shape}",
                "the Jacobian is a matrix: entry [i, j] is ∂y_i/∂x_j, for every pair (i, j). " + CORE_HINT,
            )
        raise CheckFailed(f"{what} returned shape {arr.shape}; expected {want_shape}", BATCH_HINT)
    return expect_array(res, what, shape=want_shape, value=value)


def _judge(ctx: CheckContext, cases: list[np.ndarray], *, hint: str = CORE_HINT) -> None:
    results = ctx.call_many([c.call(y) for y in cases])
    for y, res in zip(cases, results, strict=True):
        what = describe(FN, y=y)
        got = _expect_jacobian(res, y, what)
        _diagnose(got, y, what)
        expect_close(got, reference(y), what, tol_dtype=y.dtype, hint=hint)


def _probabilities(rng: InputRng, shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
    return softmax(rng.normal(0, 1.5, size=shape)).astype(dtype)


def check_basic(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        np.array([0.2, 0.3, 0.5]),
        np.array([0.5, 0.5]),
        np.full(4, 0.25),
        softmax(np.array([1.0, 2.0, 3.0])),
        softmax(np.array([8.0, 0.0, -1.0])),  # nearly one-hot: J is nearly 0
    ]
    cases += [_probabilities(rng, (n,)) for n in (2, 5, 8)]
    _judge(ctx, cases)


def check_shape(ctx: CheckContext) -> None:
    """Shapes, and batch consistency: each row's matrix is what the function gives for that row alone.

    The values themselves are judged by `basic`; here a batch must agree with the submission's
    own single-row answers, so a wrong formula fails once, and a batch mistake fails here.
    """
    rng = ctx.rng
    shapes = [(1,), (6,), (3, 4), (4, 3), (1, 5), (5, 1), (2, 3, 4), (1, 2, 2)]
    cases = [_probabilities(rng, s) for s in shapes]
    calls = []
    for y in cases:
        calls.append(c.call(y))
        if y.ndim >= 2:
            calls += [c.call(row) for row in y.reshape(-1, y.shape[-1])]
    results = iter(ctx.call_many(calls))
    for y in cases:
        n = y.shape[-1]
        got = _expect_jacobian(next(results), y, describe(FN, y=y))
        if y.ndim < 2:
            continue
        singles = [next(results) for _ in range(y.size // n)]
        for k, (row, res) in enumerate(zip(y.reshape(-1, n), singles, strict=True)):
            index = [int(i) for i in np.unravel_index(k, y.shape[:-1])]
            alone = _expect_jacobian(res, row, describe(FN, y=row))
            expect_close(
                got.reshape(-1, n, n)[k],
                alone,
                f"{FN}(y){index} for the batch y = {c.fmt(y)} should equal {FN}(y{index}), the "
                f"Jacobian of that row alone",
                tol_dtype=y.dtype,
                hint="each row of the batch is its own softmax, so its Jacobian depends only on that row. "
                + BATCH_HINT,
            )
    y = _probabilities(rng, (4, 3))
    plain, fortran = ctx.call_many([c.call(y), c.call(y, fortran=True)])
    what = describe(FN, y=y)
    expect_close(
        _expect_jacobian(fortran, y, what + " in Fortran order"),
        _expect_jacobian(plain, y, what),
        what + " in Fortran (column-major) order should equal the result in C order",
        hint="the memory layout of y must not change the result: index by axes, never by raw offsets.",
    )


def check_dtype(ctx: CheckContext) -> None:
    """float32 in, float32 out, agreeing with the submission's own float64 answer."""
    rng = ctx.rng
    cases = [_probabilities(rng, (n,), np.float32) for n in (3, 6)] + [_probabilities(rng, (5,))]
    calls = []
    for y in cases:
        calls += [c.call(y), c.call(y.astype(np.float64))]
    results = ctx.call_many(calls)
    for k, y in enumerate(cases):
        what = describe(FN, y=y)
        got = _expect_jacobian(results[2 * k], y, what)
        if got.dtype != y.dtype:
            raise CheckFailed(
                f"{what} returned {got.dtype}; a {y.dtype} input must give a {y.dtype} result",
                "np.eye(n) and np.zeros((n, n)) are float64 by default, and float32 × float64 is "
                "float64: pass dtype=y.dtype when you build them.",
            )
        wide = _expect_jacobian(results[2 * k + 1], y.astype(np.float64), what + " cast to float64")
        expect_close(
            got,
            wide,
            f"{what} should agree with your own result for the same y in float64",
            tol_dtype=y.dtype,
            hint="float32 keeps about 7 significant digits; a larger difference means the float32 path "
            "computes something else (an integer or float16 step, or a different formula).",
        )


def check_no_mutation(ctx: CheckContext) -> None:
    rng = ctx.rng
    c.check_inputs_unchanged(ctx, FN, ("y",), [
        (_probabilities(rng, (4,)),),
        (_probabilities(rng, (6,)),),
        (_probabilities(rng, (3,), np.float32),),
    ])


def check_properties(ctx: CheckContext) -> None:
    """What every softmax Jacobian satisfies, checked on the returned matrices themselves."""
    rng = ctx.rng
    cases = [_probabilities(rng, (n,)) for n in (3, 4, 6)]
    results = ctx.call_many([c.call(y) for y in cases])
    for y, res in zip(cases, results, strict=True):
        what = describe(FN, y=y)
        got = _expect_jacobian(res, y, what).astype(np.float64)
        if not np.all(np.isfinite(got)):
            raise CheckFailed(f"{what} returned non-finite entries: {c.fmt(got)}", CORE_HINT)
        if not np.all(close_mask(got, got.T, 1e-12, 1e-9)):
            raise CheckFailed(
                f"{what} is not symmetric: J = {c.fmt(got)}",
                "y_i(δ_ij − y_j) = y_j(δ_ji − y_i), so J = Jᵀ: a one-sided term such as diag(y) − y "
                "(the vector, broadcast) breaks the symmetry.",
            )
        sums = got.sum(axis=-1)
        if not np.all(np.abs(sums) <= 1e-10):
            raise CheckFailed(
                f"{what}: the rows of J sum to {c.fmt(sums)}, not 0",
                "adding the same constant to every logit does not change softmax, so moving all x_j "
                "together changes nothing: Σ_j ∂y_i/∂x_j = y_i(1 − Σ_j y_j) = 0. A diagonal-only J, or "
                "one that misses diag(y), cannot sum to 0.",
            )
        v = rng.normal(0, 1, size=y.shape)
        quad = float(v @ got @ v)
        if quad < -1e-12:
            raise CheckFailed(
                f"{what}: vᵀJv = {quad:.6g} < 0 for v = {c.fmt(v)}",
                "vᵀJv = Σ y_i v_i² − (Σ y_i v_i)² is the variance of v under the distribution y, so it "
                "is never negative (J is the covariance of a one-hot sample). A negative value means "
                "the sign is flipped: J = diag(y) − y yᵀ.",
            )


KATA = Kata(
    id="softmax-jacobian",
    function=FN,
    params=("y",),
    difficulty=2,
    time_limit=10,
    reference=reference,
    checks=(
        Check("basic", check_basic),
        Check("shape", check_shape),
        Check("dtype", check_dtype),
        Check("no-mutation", check_no_mutation),
        Check("properties", check_properties),
        hand_written_check(("softmax_jacobian", "jacobian", "jacrev", "jacfwd")),
    ),
    examples=(
        Example((np.array([0.2, 0.3, 0.5]),)),
        Example((np.array([0.5, 0.5]),)),
        Example((np.array([[0.5, 0.5], [0.2, 0.8]]),)),
    ),
    order=45,
)
