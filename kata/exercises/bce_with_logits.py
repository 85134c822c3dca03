"""Kata `bce-with-logits`: ``bce_with_logits(logits, targets)`` returns (mean BCE, dlogits), stable."""

from __future__ import annotations

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.grader.checks import Check, CheckContext, CheckFailed, Text, describe
from kata.grader.compare import all_close
from kata.grader.rng import InputRng
from kata.grader.static import hand_written_check

FN = "bce_with_logits"
NAMES = ("logits", "targets")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """Stable σ(x) in float64: e = exp(−|x|) ≤ 1 never overflows."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _terms(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per-element BCE from logits: max(x, 0) − x·t + log(1 + e^−|x|)."""
    return np.maximum(x, 0.0) - x * t + np.log1p(np.exp(-np.abs(x)))


def reference(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean over ALL elements of the stable BCE, and its gradient (σ(logits) − targets) / size."""
    x = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets, dtype=np.float64)
    return float(np.mean(_terms(x, t))), (_sigmoid(x) - t) / x.size


LOSS_HINT = (
    "per element, −[t·log σ(x) + (1 − t)·log(1 − σ(x))] simplifies to max(x, 0) − x·t + log(1 + e^(−|x|)) "
    "(use np.log1p). The loss is the mean over ALL elements: np.mean(...) with no axis."
)
GRAD_HINT = (
    "d/dx of max(x, 0) − x·t + log(1 + e^(−|x|)) is σ(x) − t, and the mean over all elements divides it by "
    "logits.size: dlogits = (σ(logits) − targets) / logits.size."
)
OVERFLOW_HINT = (
    "two things break at |x| = 1000: exp(1000) overflows to inf, so log(1 + exp(x)) is inf; and σ(x) rounds "
    "to exactly 1 or 0, so log(1 − σ(x)) or log σ(x) is log(0) = −inf, and 0·(−inf) = NaN. Clipping σ to "
    "[ε, 1 − ε] keeps the loss finite but caps each element near −log ε ≈ 16, while x = 1000 with target 0 "
    "truly costs 1000. Work from the logits and only ever exponentiate −|x|: "
    "max(x, 0) − x·t + log1p(exp(−|x|))."
)
WARNINGS_HINT = (
    "exp() of a large positive number overflows to inf, with a warning, even when the final value comes out "
    "right: 1/(1 + np.exp(−x)) computes exp(1000) for x = −1000, and np.where(cond, a, b) evaluates BOTH "
    "a and b on every element. Build everything from e = np.exp(−np.abs(x)), which is at most 1: "
    "softplus = max(x, 0) + log1p(e), and σ = np.where(x >= 0, 1, e) / (1 + e)."
)


tolerance = c.scaled_tolerance


def _clipped_losses(x: np.ndarray, t: np.ndarray) -> list[float]:
    """The probability-space formula with the usual ε guards, for several common ε."""
    s = _sigmoid(x)
    out = []
    with np.errstate(all="ignore"):
        for eps in (1e-7, 1e-8, 1e-10, 1e-12, 1e-15, 1e-6):
            p = np.clip(s, eps, 1 - eps)
            out.append(float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)))))
            out.append(float(np.mean(-(t * np.log(s + eps) + (1 - t) * np.log(1 - s + eps)))))
    return out


def _diagnose(loss: np.ndarray, grad: np.ndarray, x: np.ndarray, t: np.ndarray, what: Text) -> None:
    """Name the classic wrong losses and gradients."""
    want_loss, want_grad = reference(x, t)
    xf, tf = x.astype(np.float64), t.astype(np.float64)
    got_loss = np.asarray(loss, dtype=np.float64)
    if np.isfinite(got_loss) and not all_close(got_loss, np.asarray(want_loss), *tolerance(x)):
        shown = f"{what}: the loss is {float(got_loss)!r}, expected {want_loss!r}"
        wrong = [
            (want_loss * x.size, "this is the SUM over the elements; the contract asks for the mean: divide by "
             "logits.size (and the gradient too)."),
            (-want_loss, "the sign is flipped: binary cross-entropy is −[t·log σ(x) + (1 − t)·log(1 − σ(x))], "
             "a positive number."),
        ]
        if x.ndim >= 2:
            wrong.append((want_loss * x.size / x.shape[0], "you averaged over the rows only (sum over each row, "
                          "divide by N). The mean is over ALL elements: divide by logits.size."))
        for candidate, explanation in wrong:
            if all_close(got_loss, np.asarray(candidate), 1e-9, 1e-6):
                raise CheckFailed(shown, explanation)
        if any(abs(float(got_loss) - v) <= 1e-4 * abs(v) + 1e-7 for v in _clipped_losses(xf, tf)):
            raise CheckFailed(
                shown,
                "clipping the probability to [ε, 1 − ε] (or adding ε inside the log) caps each element's loss "
                "at −log ε, about 16 for ε = 1e-7, so confidently wrong logits are under-penalised: x = 1000 "
                "with target 0 costs 1000, not 16. Compute from the logits instead: "
                "max(x, 0) − x·t + log1p(exp(−|x|)), which needs no ε.",
            )
    g = np.asarray(grad, dtype=np.float64)
    if grad.shape != x.shape or not np.all(np.isfinite(g)) or all_close(g, want_grad, 1e-7, 1e-4):
        return
    s = _sigmoid(xf)
    wrong = [
        (want_grad * x.size, "the gradient lacks the 1/size of the mean: dlogits = (σ(x) − t) / logits.size."),
        (-want_grad, "the sign is flipped: dlogits = σ(x) − t (prediction minus target), not t − σ(x)."),
        (s / x.size, "you forgot the targets: dlogits = (σ(x) − t) / logits.size."),
        (s * (1 - s) / x.size, "σ(x)(1 − σ(x)) is the derivative of σ alone; the log in the loss cancels it, "
         "leaving σ(x) − t."),
    ]
    if x.ndim >= 2:
        wrong.append((want_grad * x.size / x.shape[0], "you divided by the number of rows; the mean is over all "
                      "logits.size elements."))
    for candidate, explanation in wrong:
        if all_close(g, candidate, 1e-9, 1e-6):
            raise CheckFailed(f"{what}: dlogits\n  got      {c.fmt(g)}\n  expected {c.fmt(want_grad)}", explanation)


def _judge(
    ctx: CheckContext,
    cases: list[tuple[np.ndarray, np.ndarray]],
    *,
    hint: str | None = None,
    warnings_hint: str | None = None,
    fortran: bool = False,
) -> None:
    c.judge_loss_cases(
        ctx, NAMES, cases, reference=reference, diagnose=_diagnose, loss_hint=LOSS_HINT,
        grad_hint=GRAD_HINT, hint=hint, warnings_hint=warnings_hint, fortran=fortran,
    )


def _random(rng: InputRng, shape: tuple[int, ...], *, scale: float = 2.0, hard: bool = False,
            dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(0, scale, size=shape)
    t = rng.integers(0, 2, size=shape).astype(np.float64) if hard else rng.uniform(0, 1, size=shape)
    return x.astype(dtype), t.astype(dtype)


def check_basic(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        (np.array([0.0]), np.array([1.0])),  # log 2
        (np.array([2.0, -1.0, 0.5]), np.array([1.0, 0.0, 1.0])),
        (np.array([[1.0, -2.0], [0.0, 3.0]]), np.array([[0.25, 0.5], [1.0, 0.0]])),  # soft targets
        _random(rng, (6,), hard=True),
        _random(rng, (3, 4)),
        _random(rng, (2, 5), hard=True),
    ]
    _judge(ctx, cases)


def check_overflow(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        (np.array([1000.0, -1000.0]), np.array([0.0, 1.0])),  # confidently wrong: loss 1000 each
        (np.array([1e4, -1e4, 0.0, 1000.0]), np.array([1.0, 0.0, 0.5, 1.0])),  # confidently right
        (np.array([[800.0, -750.0], [-1e4, 30.0]]), np.array([[0.3, 0.9], [0.5, 0.0]])),
        (rng.uniform(-1e4, 1e4, size=(3, 4)), rng.uniform(0, 1, size=(3, 4))),
        (np.array([100.0, -100.0, 50.0], dtype=np.float32), np.array([0.0, 1.0, 0.3], dtype=np.float32)),
        (rng.uniform(-300, 300, size=6).astype(np.float32), rng.integers(0, 2, size=6).astype(np.float32)),
    ]
    _judge(ctx, cases, hint=OVERFLOW_HINT, warnings_hint=WARNINGS_HINT)


def check_shape(ctx: CheckContext) -> None:
    rng = ctx.rng
    shapes = [(1,), (7,), (3, 4), (1, 6), (6, 1), (2, 3, 4), (64,)]
    _judge(ctx, [_random(rng, s) for s in shapes])
    _judge(ctx, [_random(rng, (4, 3))], fortran=True)


def check_dtype(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [_random(rng, (6,), dtype=np.float32), _random(rng, (3, 4), dtype=np.float32), _random(rng, (5,))]
    results = ctx.call_many([c.call(x, t) for x, t in cases])
    for (x, t), res in zip(cases, results, strict=True):
        what = describe(FN, logits=x, targets=t)
        _, grad = c.expect_loss_and_grad(res, what, x.shape)
        if grad.dtype != x.dtype:
            raise CheckFailed(
                f"{what} returned dlogits of dtype {grad.dtype}; {x.dtype} logits must give {x.dtype} "
                "dlogits (the loss may be any float)",
                "the gradient flows back into float32 weights. Look for float64 intermediates: "
                "astype(float), np.zeros(shape) or np.ones(shape) without dtype=logits.dtype.",
            )
    _judge(ctx, cases)


def check_no_mutation(ctx: CheckContext) -> None:
    rng = ctx.rng
    c.check_loss_inputs_unchanged(ctx, NAMES, [
        _random(rng, (5,)),
        _random(rng, (3, 4), hard=True),
        _random(rng, (4,), dtype=np.float32),
    ])


def check_gradient(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [_random(rng, s, scale=1.5) for s in ((5,), (2, 3), (3, 2))]
    c.judge_loss_gradient(ctx, NAMES, cases, reference, "(σ(logits) − targets) / logits.size", GRAD_HINT)


KATA = Kata(
    id="bce-with-logits",
    function=FN,
    params=NAMES,
    difficulty=3,
    time_limit=15,
    reference=reference,
    checks=(
        Check("basic", check_basic),
        Check("overflow", check_overflow),
        Check("shape", check_shape),
        Check("dtype", check_dtype),
        Check("no-mutation", check_no_mutation),
        Check("gradient", check_gradient),
        # Library attributes only: a candidate's own `sigmoid` helper is fine (and torch.sigmoid or
        # scipy.special.expit are caught by the import checks anyway).
        hand_written_check((
            "binary_cross_entropy_with_logits",
            "binary_cross_entropy",
            "sigmoid_cross_entropy_with_logits",
            "expit",
            "log_expit",
            "logsigmoid",
            "log_sigmoid",
        )),
    ),
    examples=(
        Example((np.array([2.0, -1.0, 0.0]), np.array([1.0, 0.0, 1.0]))),
        Example((np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([[0.25, 0.5], [1.0, 0.0]]))),
        Example((np.array([1000.0, -1000.0]), np.array([0.0, 1.0]))),
    ),
    order=60,
)
