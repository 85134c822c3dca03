"""Kata `bce-with-logits`: ``bce_with_logits(logits, targets)`` returns (mean BCE, dlogits), stable."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Cases, Example, Group, Kata, LossAndGrad, LossGradient, Mistake, normal, reference

sigmoid = reference.sigmoid


def bce(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean over ALL elements of max(x, 0) − x·t + log(1 + e^−|x|), and (σ(logits) − targets) / size."""
    x, t = np.asarray(logits, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    terms = np.maximum(x, 0.0) - x * t + np.log1p(np.exp(-np.abs(x)))
    return float(np.mean(terms)), (sigmoid(x) - t) / x.size


def soft(rng, shape):
    return rng.uniform(0, 1, size=shape)


def hard(shape, scale=2.0):
    return lambda rng: (rng.normal(0, scale, size=shape), rng.integers(0, 2, size=shape).astype(np.float64))


def clipped(x, t):
    """The probability-space formula with the usual ε guards, for several common ε."""
    s, x, t = sigmoid(x), np.asarray(x, dtype=np.float64), np.asarray(t, dtype=np.float64)
    for eps in (1e-7, 1e-8, 1e-10, 1e-12, 1e-15, 1e-6):
        p = np.clip(s, eps, 1 - eps)
        yield float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))))
        yield float(np.mean(-(t * np.log(s + eps) + (1 - t) * np.log(1 - s + eps))))


def extreme(rng):
    return [(np.array([1000.0, -1000.0]), np.array([0.0, 1.0])),  # confidently wrong: loss 1000 each
            (np.array([1e4, -1e4, 0.0, 1000.0]), np.array([1.0, 0.0, 0.5, 1.0])),  # confidently right
            (np.array([[800.0, -750.0], [-1e4, 30.0]]), np.array([[0.3, 0.9], [0.5, 0.0]])),
            (rng.uniform(-1e4, 1e4, size=(3, 4)), rng.uniform(0, 1, size=(3, 4))),
            (np.array([100.0, -100.0, 50.0], dtype=np.float32), np.array([0.0, 1.0, 0.3], dtype=np.float32)),
            (rng.uniform(-300, 300, size=6).astype(np.float32), rng.integers(0, 2, size=6).astype(np.float32))]


def rows(x):
    return x.size / x.shape[0]


KATA = Kata(
    id="bce-with-logits",
    function="bce_with_logits",
    args=(Arg("logits", normal(2.0)), Arg("targets", soft)),
    reference=bce,
    folder=Path(__file__).parent,
    topic="losses",
    difficulty=3,
    time_limit=15,
    order=60,
    result=LossAndGrad("logits", loss_hint="hint.loss", grad_hint="hint.grad"),
    basic=((np.array([0.0]), np.array([1.0])),  # log 2
           (np.array([2.0, -1.0, 0.5]), np.array([1.0, 0.0, 1.0])),
           (np.array([[1.0, -2.0], [0.0, 3.0]]), np.array([[0.25, 0.5], [1.0, 0.0]])),  # soft targets
           hard((6,)), hard((2, 5))),
    basic_shapes=((3, 4),),
    own=(Cases("overflow", (Group(extreme, hint="hint.overflow", quiet="hint.warnings"),)),),
    shapes=((1,), (7,), (3, 4), (1, 6), (6, 1), (2, 3, 4), (64,)),
    dtype_shapes=((6,), (3, 4)),
    mutation_shapes=((5,), (3, 4)),
    check_hints={"dtype": "hint.dtype"},
    mistakes=(
        Mistake("sum", lambda x, t: bce(x, t)[0] * x.size),
        Mistake("sign", lambda x, t: -bce(x, t)[0]),
        Mistake("row-mean", lambda x, t: bce(x, t)[0] * rows(x), when=lambda x, t: x.ndim >= 2),
        Mistake("clipped", clipped, many=True),
        Mistake("grad-no-mean", lambda x, t: bce(x, t)[1] * x.size),
        Mistake("grad-sign", lambda x, t: -bce(x, t)[1]),
        Mistake("grad-no-targets", lambda x, t: sigmoid(x) / x.size),
        Mistake("grad-sigmoid-derivative", lambda x, t: sigmoid(x) * (1 - sigmoid(x)) / x.size),
        Mistake("grad-row-mean", lambda x, t: bce(x, t)[1] * rows(x), when=lambda x, t: x.ndim >= 2),
    ),
    gradient=LossGradient("formula.grad", "hint.grad", draw=lambda rng: [
        (rng.normal(0, 1.5, size=s), rng.uniform(0, 1, size=s)) for s in ((5,), (2, 3), (3, 2))]),
    # Library attributes only: a candidate's own `sigmoid` helper is fine (and torch.sigmoid or
    # scipy.special.expit are caught by the import checks anyway).
    hand_written=("binary_cross_entropy_with_logits", "binary_cross_entropy", "sigmoid_cross_entropy_with_logits",
                  "expit", "log_expit", "logsigmoid", "log_sigmoid"),
    examples=(Example((np.array([2.0, -1.0, 0.0]), np.array([1.0, 0.0, 1.0]))),
              Example((np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([[0.25, 0.5], [1.0, 0.0]]))),
              Example((np.array([1000.0, -1000.0]), np.array([0.0, 1.0])))),
)
