"""Kata `two-class-softmax`: ``binary_logit(z)`` turns (N, 2) logits into the one logit d
with sigmoid(d) == softmax(z)[:, 1]."""

from __future__ import annotations

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.exercises.sigmoid import reference as sigmoid
from kata.exercises.softmax import reference as softmax
from kata.grader.checks import Check, CheckContext, CheckFailed, Text, describe, expect_array, expect_close
from kata.grader.compare import all_close
from kata.grader.rng import InputRng
from kata.grader.static import hand_written_check

FN = "binary_logit"


def reference(z: np.ndarray) -> np.ndarray:
    """d = z1 − z0, in float64: softmax(z)[:, 1] = e^z1/(e^z0 + e^z1) = 1/(1 + e^−(z1 − z0))."""
    z = np.asarray(z, dtype=np.float64)
    return z[:, 1] - z[:, 0]


CORE_HINT = (
    "divide the numerator and the denominator of softmax(z)[:, 1] = e^z1 / (e^z0 + e^z1) by e^z1: "
    "it is 1 / (1 + e^−(z1 − z0)) = σ(z1 − z0). So d = z[:, 1] - z[:, 0]: no exp, no log."
)
OVERFLOW_HINT = (
    "only the difference z1 − z0 matters: softmax is unchanged when both logits move by the same "
    "amount. Going through probabilities fails at this scale: exp(1000) overflows, and after a "
    "max shift the smaller probability underflows to 0, so log(p1/p0) = log(1/0) = inf. "
    "d = z[:, 1] - z[:, 0] is exact for any magnitude."
)

PRECISION_HINT = (
    "a probability near 1 cannot hold its own complement: for d = 35, p1 = 1 − 6.3e-16 rounds to "
    "1 − 6.7e-16, so 1 − p1 is already 6% off; for d = 40 p1 rounds to exactly 1 and "
    "log(p1 / (1 − p1)) = inf. Do not go through probabilities: d = z[:, 1] - z[:, 0] is exact."
)


def _diagnose(got: np.ndarray, z: np.ndarray, what: Text) -> None:
    """Name the classic wrong answers."""
    n = z.shape[0]
    if got.shape != (n,) or not np.all(np.isfinite(got)):
        return
    want = reference(z)
    if all_close(got, want, 1e-7, 1e-4):
        return
    p = softmax(z)
    wrong = [
        (-want, "the sign is flipped: z[:, 0] - z[:, 1] is the logit of class 0. The contract asks for "
         "class 1: σ(d) = softmax(z)[:, 1], so d = z[:, 1] - z[:, 0]."),
        (p[:, 1], "you returned the probability softmax(z)[:, 1]; the kata asks for the LOGIT d whose "
         "sigmoid is that probability. A logit is any real number, a probability lies in (0, 1)."),
        (sigmoid(want), "you returned σ(d), the probability; the kata asks for d itself, before the sigmoid."),
        (p[:, 0], "you returned the probability of class 0; the kata asks for the logit of class 1."),
    ]
    if n == 2:
        wrong.append((z[1] - z[0], "z[1] - z[0] subtracts two ROWS (examples); the classes are the "
                      "columns: z[:, 1] - z[:, 0]."))
    for candidate, explanation in wrong:
        if candidate.shape == got.shape and all_close(got, candidate, 1e-7, 1e-4):
            raise CheckFailed(f"{what}\n  got      {c.fmt(got)}\n  expected {c.fmt(want)}", explanation)


def _expect_logits(res, z: np.ndarray, what: Text) -> np.ndarray:
    """The call returned an (N,) array; say why if it did not."""
    n = z.shape[0]
    got = expect_array(res, what)
    if got.shape != (n,):
        if got.shape == (n, 1):
            hint = "a 2-D column is not what the contract asks: return shape (N,), e.g. z[:, 1] - z[:, 0]."
        elif got.ndim == 0:
            hint = (".squeeze() also removes the batch axis when N = 1; index the column instead: "
                    "np.diff(z, axis=1)[:, 0] or z[:, 1] - z[:, 0].")
        elif got.shape == (2,):
            hint = "z[1] - z[0] subtracts two rows (examples); the classes are the columns: z[:, 1] - z[:, 0]."
        elif got.shape == z.shape:
            hint = "one logit per example: the result has shape (N,), not (N, 2)."
        else:
            hint = "one logit per example (row of z): the result has shape (N,)."
        raise CheckFailed(f"{what} returned shape {got.shape}; expected {(n,)}", hint)
    return got


def _judge(ctx: CheckContext, cases: list[np.ndarray], *, hint: str = CORE_HINT, quiet: bool = False) -> None:
    results = ctx.call_many([c.call(z) for z in cases])
    for z, res in zip(cases, results, strict=True):
        what = describe(FN, z=z)
        got = _expect_logits(res, z, what)
        _diagnose(got, z, what)
        expect_close(got, reference(z), what, tol_dtype=z.dtype, hint=hint)
        if quiet:
            c.expect_quiet(res, what, hint)


def _two_class(rng: InputRng, n: int, scale: float = 2.0) -> np.ndarray:
    return rng.normal(0, scale, size=(n, 2))


def check_basic(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        np.array([[0.0, 0.0], [1.0, 3.0], [2.0, -1.0]]),
        np.array([[0.5, 0.5], [-2.0, -1.0], [10.0, 4.0], [-3.0, 25.0]]),
    ]
    cases += [_two_class(rng, n) for n in (3, 6, 10)]
    _judge(ctx, cases)
    _judge(ctx, [np.array([[0.0, 35.0], [35.0, 0.0], [-20.0, 20.0]])], hint=PRECISION_HINT)
    # What the logit means: σ(d) is the probability of class 1, σ(−d) that of class 0.
    z = _two_class(rng, 8, 3.0)
    res = ctx.call_many([c.call(z)])[0]
    what = describe(FN, z=z)
    d = _expect_logits(res, z, what).astype(np.float64)
    p = softmax(z)
    expect_close(sigmoid(d), p[:, 1], f"sigmoid({FN}(z)) should equal softmax(z)[:, 1] (z = {c.fmt(z)})", hint=CORE_HINT)
    expect_close(sigmoid(-d), p[:, 0], f"sigmoid(-{FN}(z)) should equal softmax(z)[:, 0] (z = {c.fmt(z)})",
                 hint=CORE_HINT)


def check_overflow(ctx: CheckContext) -> None:
    rng = ctx.rng
    big = rng.uniform(-1e4, 1e4, size=(6, 2))
    shifted = rng.normal(0, 3, size=(5, 2)) + rng.uniform(-1e4, 1e4, size=(5, 1))
    cases = [
        np.array([[1000.0, 1001.0], [-1000.0, -1002.0], [0.0, 1000.0], [800.0, -800.0]]),
        np.array([[-1e4, 1e4], [1e4, -1e4], [1e4, 1e4 + 0.5], [-1e4, -1e4 - 2.0]]),
        big,
        shifted,  # huge logits, moderate differences: the common case in a trained network
        np.array([[89.0, 100.0], [-100.0, 0.0], [120.0, 90.0]], dtype=np.float32),
        rng.uniform(-1e4, 1e4, size=(5, 2)).astype(np.float32),
    ]
    _judge(ctx, cases, hint=OVERFLOW_HINT, quiet=True)


def check_shape(ctx: CheckContext) -> None:
    rng = ctx.rng
    _judge(ctx, [_two_class(rng, n) for n in (1, 2, 5, 64)])
    z = _two_class(rng, 4)
    res = ctx.call_many([c.call(z, fortran=True)])[0]
    what = describe(FN, z=z) + " in Fortran order"
    expect_close(_expect_logits(res, z, what), reference(z), what)


def check_dtype(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [_two_class(rng, 5).astype(np.float32), _two_class(rng, 3).astype(np.float32), _two_class(rng, 4)]
    results = ctx.call_many([c.call(z) for z in cases])
    for z, res in zip(cases, results, strict=True):
        what = describe(FN, z=z)
        got = _expect_logits(res, z, what)
        if got.dtype != z.dtype:
            raise CheckFailed(
                f"{what} returned {got.dtype}; a {z.dtype} input must give a {z.dtype} result",
                "keep the caller's precision: a float64 weight vector such as z @ np.array([-1.0, 1.0]) "
                "promotes float32 to float64; z[:, 1] - z[:, 0] keeps the dtype.",
            )
        _diagnose(got, z, what)
        expect_close(got, reference(z), what, tol_dtype=z.dtype)


def check_no_mutation(ctx: CheckContext) -> None:
    rng = ctx.rng
    c.check_inputs_unchanged(ctx, FN, ("z",), [
        (_two_class(rng, 4),),
        (_two_class(rng, 3).astype(np.float32),),
        (rng.uniform(-1e3, 1e3, size=(3, 2)),),
    ])


KATA = Kata(
    id="two-class-softmax",
    function=FN,
    params=("z",),
    difficulty=2,
    time_limit=8,
    reference=reference,
    checks=(
        Check("basic", check_basic),
        Check("overflow", check_overflow),
        Check("shape", check_shape),
        Check("dtype", check_dtype),
        Check("no-mutation", check_no_mutation),
        hand_written_check(("softmax", "log_softmax", "logsumexp", "expit", "logit", "sigmoid")),
    ),
    examples=(
        Example((np.array([[0.0, 0.0], [1.0, 3.0]]),)),
        Example((np.array([[2.0, -1.0], [0.5, 0.5], [-3.0, 4.0]]),)),
        Example((np.array([[1000.0, 1001.0], [-1e4, 1e4]]),)),
    ),
    order=70,
)
