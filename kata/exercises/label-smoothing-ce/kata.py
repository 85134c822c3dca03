"""Kata `label-smoothing-ce`: ``label_smoothing_ce(logits, labels, epsilon=0.1, ignore_index=-100)`` returns
(mean smoothed cross-entropy over the rows that count, dlogits)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Case, Cases, Example, Group, Kata, LossAndGrad, LossGradient, Mistake, normal, reference

log_softmax = reference.log_softmax
IGNORE = -100


def targets(labels, k, epsilon, ignore_index, off=None):
    """The smoothed target rows: (1 − ε)·onehot + ε/K (``off``: the mass put on each other class instead)."""
    keep = labels != ignore_index
    rows = np.flatnonzero(keep)
    q = np.full((labels.shape[0], k), epsilon / k if off is None else off)
    q[rows, labels[rows]] = 1.0 - epsilon + (epsilon / k if off is None else 0.0)
    return q * keep[:, None], keep


def smoothed(logits, labels, epsilon=0.1, ignore_index=IGNORE, *, off=None, divide=None):
    x = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    q, keep = targets(labels, x.shape[1], epsilon, ignore_index, off)
    logp = log_softmax(x)
    n = max(int(keep.sum()), 1) if divide is None else divide
    loss = float(-(q * logp).sum() / n) + 0.0  # 0.0, not -0.0, when every row is ignored
    grad = (np.exp(logp) * keep[:, None] - q) / n
    return loss, grad


def label_smoothing(logits, labels, epsilon=0.1, ignore_index=IGNORE):
    """−Σ_k q_k log p_k with q = (1 − ε)·onehot + ε/K, averaged over the rows whose label is not ignore_index
    (0 and a zero gradient when every row is ignored)."""
    return smoothed(logits, labels, epsilon, ignore_index)


def labels_for(rng, shape):
    """Class ids with about one row in five ignored (at least one row kept)."""
    n, k = shape[0], shape[-1]
    labels = rng.integers(0, k, size=n)
    ignored = rng.random(n) < 0.2
    ignored[rng.integers(0, n)] = False
    return np.where(ignored, IGNORE, labels)


def some_ignored(x, y, epsilon=0.1, ignore_index=IGNORE):
    return bool(np.any(y == ignore_index)) and bool(np.any(y != ignore_index))


def smoothing_on(x, y, epsilon=0.1, ignore_index=IGNORE):
    return epsilon > 0 and bool(np.any(y != ignore_index))


def k_minus_1(x, y, epsilon=0.1, ignore_index=IGNORE):
    return smoothed(x, y, epsilon, ignore_index, off=epsilon / (x.shape[1] - 1))


def all_rows(x, y, epsilon=0.1, ignore_index=IGNORE):
    return smoothed(x, y, epsilon, ignore_index, divide=x.shape[0])


def ignored_rows_in_grad(x, y, epsilon=0.1, ignore_index=IGNORE):
    loss, grad = label_smoothing(x, y, epsilon, ignore_index)
    keep = y != ignore_index
    return grad + np.exp(log_softmax(x)) * ~keep[:, None] / max(int(keep.sum()), 1)


def draw(rng, n, k, scale=2.0, epsilon=0.1):
    return rng.normal(0, scale, size=(n, k)), labels_for(rng, (n, k))


def for_gradient(rng):
    """Small cases, the first with an ignored row whatever the seed."""
    cases = [draw(rng, n, k, 1.5) for n, k in ((4, 3), (3, 4), (1, 3))]
    cases[0][1][rng.integers(0, 4)] = IGNORE
    if np.all(cases[0][1] == IGNORE):
        cases[0][1][0] = 1
    return cases


def kw(x, y, epsilon=0.1, ignore_index=IGNORE):
    return Case((np.asarray(x, dtype=np.float64), np.asarray(y)), {"epsilon": epsilon, "ignore_index": ignore_index})


def parameters(rng):
    """ε = 0 is plain cross-entropy; other ε; an ignore_index that is a real class id."""
    x = rng.normal(0, 2, size=(6, 5))
    y = rng.integers(0, 5, size=6)
    y[[1, 4]] = 3
    y[2] = 0
    return [kw(x, y, 0.0), kw(x, y, 0.3), kw(x, y, 1.0), kw(x, y, 0.1, 3), kw(x, np.where(y == 3, -1, y), 0.2, -1),
            kw(rng.normal(0, 2, size=(4, 2)), np.array([0, 1, -100, 1]), 0.5)]


def all_ignored(rng):
    return [kw(rng.normal(0, 2, size=(3, 4)), np.full(3, IGNORE)),
            kw(rng.normal(0, 2, size=(2, 3)), np.array([2, 2]), 0.1, 2),
            kw(rng.normal(0, 2, size=(1, 5)).astype(np.float32), np.array([IGNORE]), 0.2)]


def big(rng):
    return [kw([[1000.0, 0.0, -1000.0]], [0]),
            kw([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]], [2, 0], 0.2),
            kw(rng.uniform(-1e4, 1e4, size=(4, 5)), [0, IGNORE, 3, 4]),
            kw(1e4 + rng.normal(0, 3, size=(3, 4)), rng.integers(0, 4, size=3)),
            Case((np.array([[100.0, 0.0, -100.0], [90.0, 95.0, 0.0]], dtype=np.float32), np.array([1, 2]))),
            Case((rng.uniform(-300, 300, size=(3, 4)).astype(np.float32), rng.integers(0, 4, size=3)),
                 {"epsilon": 0.05})]


KATA = Kata(
    id="label-smoothing-ce",
    function="label_smoothing_ce",
    args=(Arg("logits", normal(2.0)), Arg("labels", labels_for, cast=False), Arg("epsilon", default=0.1),
          Arg("ignore_index", default=IGNORE)),
    reference=label_smoothing,
    folder=Path(__file__).parent,
    topic="losses",
    difficulty=3,
    time_limit=15,
    order=80,
    result=LossAndGrad("logits", loss_hint="hint.loss", grad_hint="hint.grad"),
    basic=((np.array([[2.0, 1.0, 0.1]]), np.array([0])),
           (np.zeros((2, 4)), np.array([1, 3])),  # uniform logits: loss = log 4 whatever ε
           (np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [0.0, 5.0, -1.0]]), np.array([2, IGNORE, 1])),
           kw([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, -2.0, 1.0]], [3, 0], 0.25),
           lambda rng: kw(*draw(rng, 5, 6), 0.4)),
    basic_shapes=((4, 3), (5, 6), (8, 10)),
    own=(Cases("parameters", (Group(parameters, hint="hint.parameters"),)),
         Cases("overflow", (Group(big, hint="hint.overflow", quiet="hint.overflow"),)),
         Cases("all-ignored", (Group(all_ignored, hint="hint.all-ignored", quiet="hint.all-ignored"),))),
    shapes=((1, 2), (1, 5), (7, 2), (2, 3), (3, 1000), (64, 10), (5, 5)),
    dtype_shapes=((4, 3), (2, 5)),
    mutation_shapes=((3, 4), (5, 2), (2, 6)),
    check_hints={"dtype": "hint.dtype"},
    mistakes=(
        Mistake("k-minus-1", lambda *a, **k: k_minus_1(*a, **k)[0], when=smoothing_on),
        Mistake("all-rows", lambda *a, **k: all_rows(*a, **k)[0], when=some_ignored),
        Mistake("no-smoothing", lambda x, y, epsilon=0.1, ignore_index=IGNORE: smoothed(x, y, 0.0, ignore_index)[0],
                when=smoothing_on),
        Mistake("sum", lambda x, y, epsilon=0.1, ignore_index=IGNORE:
                label_smoothing(x, y, epsilon, ignore_index)[0] * max(int(np.sum(y != ignore_index)), 1)),
        Mistake("grad-k-minus-1", lambda *a, **k: k_minus_1(*a, **k)[1], when=smoothing_on),
        Mistake("grad-all-rows", lambda *a, **k: all_rows(*a, **k)[1], when=some_ignored),
        Mistake("grad-ignored-rows", ignored_rows_in_grad, when=some_ignored),
        Mistake("grad-no-smoothing", lambda x, y, epsilon=0.1, ignore_index=IGNORE:
                smoothed(x, y, 0.0, ignore_index)[1], when=smoothing_on),
    ),
    gradient=LossGradient("formula.grad", "hint.grad", draw=for_gradient),
    hand_written=("cross_entropy", "log_softmax", "softmax", "logsumexp", "nll_loss", "CrossEntropyLoss",
                  "softmax_cross_entropy", "softmax_cross_entropy_with_logits", "categorical_crossentropy"),
    examples=(Example((np.array([[2.0, 1.0, 0.1]]), np.array([0]))),
              Example((np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), np.array([2, -100])), {"epsilon": 0.2}),
              Example((np.array([[1000.0, 0.0], [0.0, 0.0]]), np.array([1, 0])))),
)
