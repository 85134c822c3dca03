"""Kata `softmax-cross-entropy`: ``softmax_cross_entropy(logits, labels)`` returns (mean NLL, dlogits)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Cases, Example, Group, Kata, LossAndGrad, LossGradient, Mistake, normal, reference

log_softmax = reference.log_softmax


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of −log softmax(logits)[i, labels[i]] over the N rows, and (softmax − onehot) / N."""
    logp = log_softmax(logits)
    rows = np.arange(logp.shape[0])
    grad = np.exp(logp)
    grad[rows, labels] -= 1.0
    return -float(np.mean(logp[rows, labels])), grad / logp.shape[0]


def labels_for(rng, shape):
    return rng.integers(0, shape[-1], size=shape[:-1])


def draw(rng, n, k, scale=2.0, dtype=np.float64):
    return rng.normal(0, scale, size=(n, k)).astype(dtype), rng.integers(0, k, size=n)


def columns(x, labels):
    p = np.exp(log_softmax(x))
    p[:, labels] -= 1.0
    return p / x.shape[0]


def big(rng):
    return [(np.array([[1000.0, 1001.0, 1002.0]]), np.array([0])),
            (np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]]), np.array([2, 0])),
            (rng.uniform(-1e4, 1e4, size=(4, 5)), rng.integers(0, 5, size=4)),
            (1e4 + rng.normal(0, 3, size=(3, 4)), rng.integers(0, 4, size=3)),
            (np.array([[100.0, 0.0, -100.0], [90.0, 95.0, 0.0]], dtype=np.float32), np.array([1, 2])),
            (rng.uniform(-300, 300, size=(3, 4)).astype(np.float32), rng.integers(0, 4, size=3))]


def rowwise(rng):
    batch = np.stack([s + rng.normal(0, 3, size=5) for s in rng.permutation([0.0, 1e2, 1e3, 1e4])])
    fixed = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]])
    return [(fixed, np.array([0, 1, 2])), (batch, rng.integers(0, 5, size=4))]


def mean_of(pick):
    return lambda x, labels: -np.mean(pick(log_softmax(x), labels))


KATA = Kata(
    id="softmax-cross-entropy",
    function="softmax_cross_entropy",
    args=(Arg("logits", normal(2.0)), Arg("labels", labels_for, cast=False)),
    reference=cross_entropy,
    folder=Path(__file__).parent,
    topic="losses",
    difficulty=3,
    time_limit=15,
    order=50,
    result=LossAndGrad("logits", loss_hint="hint.loss", grad_hint="hint.grad"),
    basic=((np.array([[2.0, 1.0, 0.1]]), np.array([0])), (np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), np.array([2, 0])),
           (np.zeros((2, 2)), np.array([0, 1])),  # uniform: loss = log 2
           (np.array([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, -2.0, 1.0], [0.0, 0.0, 0.0, 5.0]]), np.array([3, 0, 3]))),
    basic_shapes=((4, 3), (5, 6), (8, 10)),
    own=(Cases("overflow", (Group(rowwise, hint="hint.rowwise", quiet="hint.rowwise"),
                            Group(big, hint="hint.overflow", quiet="hint.overflow"))),),
    shapes=((1, 2), (1, 5), (7, 2), (2, 3), (3, 1000), (64, 10), (5, 5)),
    dtype_shapes=((4, 3), (2, 5)),
    mutation_shapes=((3, 4), (5, 2), (2, 6)),
    check_hints={"dtype": "hint.dtype"},
    mistakes=(
        Mistake("sum", lambda x, y: cross_entropy(x, y)[0] * x.shape[0]),
        Mistake("sign", lambda x, y: -cross_entropy(x, y)[0]),
        Mistake("columns", mean_of(lambda logp, y: logp[:, y])),
        Mistake("all-classes", mean_of(lambda logp, y: logp)),
        Mistake("probability", lambda x, y: -np.mean(np.exp(log_softmax(x))[np.arange(x.shape[0]), y])),
        Mistake("rows", mean_of(lambda logp, y: logp[y]), when=lambda x, y: y.max() < x.shape[0]),
        Mistake("grad-no-mean", lambda x, y: cross_entropy(x, y)[1] * x.shape[0]),
        Mistake("grad-sign", lambda x, y: -cross_entropy(x, y)[1]),
        Mistake("grad-no-onehot", lambda x, y: np.exp(log_softmax(x)) / x.shape[0]),
        Mistake("grad-softmax", lambda x, y: np.exp(log_softmax(x))),
        Mistake("grad-columns", columns),
    ),
    gradient=LossGradient("formula.grad", "hint.grad",
                          draw=lambda rng: [draw(rng, n, k, 1.5) for n, k in ((3, 4), (2, 5), (1, 3))]),
    hand_written=("cross_entropy", "log_softmax", "softmax", "logsumexp", "nll_loss", "softmax_cross_entropy",
                  "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits"),
    examples=(Example((np.array([[2.0, 1.0, 0.1]]), np.array([0]))),
              Example((np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), np.array([2, 0]))),
              Example((np.array([[1000.0, 0.0], [0.0, 0.0]]), np.array([1, 0])))),
)
