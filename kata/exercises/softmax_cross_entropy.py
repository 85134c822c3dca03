"""Kata `softmax-cross-entropy`: ``softmax_cross_entropy(logits, labels)`` returns (mean NLL, dlogits)."""

from __future__ import annotations

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.grader.checks import Check, CheckContext, CheckFailed, Text, describe
from kata.grader.compare import all_close
from kata.grader.rng import InputRng
from kata.grader.static import hand_written_check

FN = "softmax_cross_entropy"
NAMES = ("logits", "labels")


def _log_probs(logits: np.ndarray) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64)
    z = x - np.max(x, axis=1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))


def reference(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of −log softmax(logits)[i, labels[i]] over the N rows, and (softmax − onehot) / N."""
    logp = _log_probs(logits)
    n = logp.shape[0]
    rows = np.arange(n)
    loss = -float(np.mean(logp[rows, labels]))
    grad = np.exp(logp)
    grad[rows, labels] -= 1.0
    return loss, grad / n


LOSS_HINT = (
    "loss = (1/N) Σ_i −log softmax(logits_i)[labels_i] = (1/N) Σ_i (logsumexp(logits_i) − logits_i[labels_i]). "
    "In numpy: z = logits − logits.max(axis=1, keepdims=True); log_probs = z − np.log(np.exp(z).sum(axis=1, "
    "keepdims=True)); loss = −log_probs[np.arange(N), labels].mean()."
)
GRAD_HINT = (
    "for one example, the derivative of logsumexp(x) − x_y is softmax(x) − onehot(y): the softmax "
    "Jacobian and the log cancel to p − y. The loss is a mean over N examples, so the 1/N carries into "
    "the gradient: dlogits = (p − onehot) / N, where onehot[i, labels[i]] = 1."
)
OVERFLOW_HINT = (
    "exp(1e4) overflows to inf, and after the max shift exp(−1e4) underflows to 0: a softmax computed "
    "first and then logged gives log(0) = −inf (an infinite loss) as soon as the true class's probability "
    "underflows. Stay in log space: the loss of example i is logsumexp(logits_i) − logits_i[labels_i], "
    "with logsumexp(x) = m + log Σ exp(x − m), m = max(x); both terms are finite for any finite logits."
)
ROWWISE_HINT = (
    "exp() overflows above ~709.78 (float64), so subtract a max before exponentiating, and each example "
    "(row) needs its own: logits.max(axis=1, keepdims=True). A max over the whole batch sends a row of "
    "small logits to exp(−1000) = 0 and its log-sum to log(0) = −inf."
)


tolerance = c.scaled_tolerance


def _diagnose(loss: np.ndarray, grad: np.ndarray, x: np.ndarray, labels: np.ndarray, what: Text) -> None:
    """Name the classic wrong losses and gradients."""
    want_loss, want_grad = reference(x, labels)
    n = x.shape[0]
    rows = np.arange(n)
    got_loss = np.asarray(loss, dtype=np.float64)
    if np.isfinite(got_loss) and not all_close(got_loss, np.asarray(want_loss), *tolerance(x)):
        logp = _log_probs(x)
        wrong = [
            (want_loss * n, "this is the SUM over the batch; the contract asks for the mean: divide by N "
             "(and the gradient by N too)."),
            (-want_loss, "the sign is flipped: the negative log-likelihood is −log p, a positive number."),
            (-np.mean(logp[:, labels]), "logp[:, labels] picks whole columns, an N×N block that scores every "
             "example on every label. Take one entry per row: logp[np.arange(N), labels]."),
            (-np.mean(logp), "you averaged −log p over every class; only the true class of each example counts: "
             "logp[np.arange(N), labels]."),
            (-np.mean(np.exp(logp)[rows, labels]), "this is the mean probability of the true class (negated); "
             "the loss takes its log: −log p."),
        ]
        if labels.max() < n:
            wrong.append((-np.mean(logp[labels]), "logp[labels] picks ROWS (examples) by label id. Take one "
                          "entry per row: logp[np.arange(N), labels]."))
        for candidate, explanation in wrong:
            if all_close(got_loss, np.asarray(candidate), 1e-9, 1e-6):
                raise CheckFailed(f"{what}: the loss is {float(got_loss)!r}, expected {want_loss!r}", explanation)
    g = np.asarray(grad, dtype=np.float64)
    if grad.shape != x.shape or not np.all(np.isfinite(g)) or all_close(g, want_grad, 1e-7, 1e-4):
        return
    p = np.exp(_log_probs(x))
    columns = p.copy()
    columns[:, labels] -= 1.0  # the wrong-axis one-hot: whole columns
    wrong = [
        (want_grad * n, "the gradient lacks the 1/N of the mean: dlogits = (p − onehot) / N."),
        (-want_grad, "the sign is flipped: dlogits = p − onehot (probability minus target), not onehot − p."),
        (p / n, "you forgot to subtract the one-hot target: dlogits = (p − onehot) / N."),
        (p, "this is softmax(logits) alone: subtract the one-hot target, then divide by N."),
        (columns / n, "the one-hot went down whole columns (p[:, labels] -= 1). Subtract 1 at one entry "
         "per row: p[np.arange(N), labels] -= 1."),
    ]
    for candidate, explanation in wrong:
        if all_close(g, candidate, 1e-9, 1e-6):
            raise CheckFailed(
                f"{what}: dlogits\n  got      {c.fmt(g)}\n  expected {c.fmt(want_grad)}", explanation
            )


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


def _random(rng: InputRng, n: int, k: int, scale: float = 2.0, dtype=np.float64):
    return rng.normal(0, scale, size=(n, k)).astype(dtype), rng.integers(0, k, size=n)


def check_basic(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [
        (np.array([[2.0, 1.0, 0.1]]), np.array([0])),
        (np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), np.array([2, 0])),
        (np.zeros((2, 2)), np.array([0, 1])),  # uniform: loss = log 2
        (np.array([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, -2.0, 1.0], [0.0, 0.0, 0.0, 5.0]]), np.array([3, 0, 3])),
    ]
    cases += [_random(rng, n, k) for n, k in ((4, 3), (5, 6), (8, 10))]
    _judge(ctx, cases)


def check_overflow(ctx: CheckContext) -> None:
    rng = ctx.rng
    scales = rng.permutation([0.0, 1e2, 1e3, 1e4])
    batch = np.stack([s + rng.normal(0, 3, size=5) for s in scales])
    fixed = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]])
    rowwise = [(fixed, np.array([0, 1, 2])), (batch, rng.integers(0, 5, size=4))]
    _judge(ctx, rowwise, hint=ROWWISE_HINT, warnings_hint=ROWWISE_HINT)
    big = [
        (np.array([[1000.0, 1001.0, 1002.0]]), np.array([0])),
        (np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]]), np.array([2, 0])),
        (rng.uniform(-1e4, 1e4, size=(4, 5)), rng.integers(0, 5, size=4)),
        (1e4 + rng.normal(0, 3, size=(3, 4)), rng.integers(0, 4, size=3)),
        (np.array([[100.0, 0.0, -100.0], [90.0, 95.0, 0.0]], dtype=np.float32), np.array([1, 2])),
        (rng.uniform(-300, 300, size=(3, 4)).astype(np.float32), rng.integers(0, 4, size=3)),
    ]
    _judge(ctx, big, hint=OVERFLOW_HINT, warnings_hint=OVERFLOW_HINT)


def check_shape(ctx: CheckContext) -> None:
    rng = ctx.rng
    sizes = [(1, 2), (1, 5), (7, 2), (2, 3), (3, 1000), (64, 10), (5, 5)]
    _judge(ctx, [_random(rng, n, k) for n, k in sizes])
    _judge(ctx, [_random(rng, 4, 3)], fortran=True)


def check_dtype(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [_random(rng, 4, 3, dtype=np.float32), _random(rng, 2, 5, dtype=np.float32), _random(rng, 3, 4)]
    results = ctx.call_many([c.call(x, labels) for x, labels in cases])
    for (x, labels), res in zip(cases, results, strict=True):
        what = describe(FN, logits=x, labels=labels)
        _, grad = c.expect_loss_and_grad(res, what, x.shape)
        if grad.dtype != x.dtype:
            raise CheckFailed(
                f"{what} returned dlogits of dtype {grad.dtype}; {x.dtype} logits must give {x.dtype} "
                "dlogits (the loss may be any float)",
                "the gradient flows back into the model's float32 weights. np.eye(C) and np.zeros((N, C)) "
                "are float64 by default and float32 − float64 is float64: build the one-hot with "
                "dtype=logits.dtype, or subtract 1 in place on your own probability array.",
            )
    _judge(ctx, cases)


def check_no_mutation(ctx: CheckContext) -> None:
    rng = ctx.rng
    c.check_loss_inputs_unchanged(ctx, NAMES, [
        _random(rng, 3, 4),
        _random(rng, 5, 2),
        _random(rng, 2, 6, dtype=np.float32),
    ])


def check_gradient(ctx: CheckContext) -> None:
    rng = ctx.rng
    cases = [_random(rng, n, k, scale=1.5) for n, k in ((3, 4), (2, 5), (1, 3))]
    c.judge_loss_gradient(ctx, NAMES, cases, reference, "(softmax(logits) − onehot(labels)) / N", GRAD_HINT)


KATA = Kata(
    id="softmax-cross-entropy",
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
        hand_written_check((
            "cross_entropy",
            "log_softmax",
            "softmax",
            "logsumexp",
            "nll_loss",
            "softmax_cross_entropy",
            "softmax_cross_entropy_with_logits",
            "sparse_softmax_cross_entropy_with_logits",
        )),
    ),
    examples=(
        Example((np.array([[2.0, 1.0, 0.1]]), np.array([0]))),
        Example((np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), np.array([2, 0]))),
        Example((np.array([[1000.0, 0.0], [0.0, 0.0]]), np.array([1, 0]))),
    ),
    order=50,
)
