"""Kata `focal-loss`: ``focal_loss(logits, targets, alpha=0.25, gamma=2.0)`` returns (mean sigmoid focal loss, dlogits)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Case, Cases, Example, Group, Kata, LossAndGrad, LossGradient, Mistake, normal, reference

sigmoid = reference.sigmoid


def parts(logits, targets):
    """z = ±x (the logit of the true class), softplus(−z) = −log p_t and q = 1 − p_t = σ(−z), all stable."""
    x, t = np.asarray(logits, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    sign = 2.0 * t - 1.0
    z = sign * x
    nll = np.maximum(-z, 0.0) + np.log1p(np.exp(-np.abs(z)))  # −log σ(z)
    return x, t, sign, z, nll, sigmoid(-z)


def weights(t, alpha):
    return np.ones_like(t) if alpha is None else alpha * t + (1.0 - alpha) * (1.0 - t)


def focal(logits, targets, alpha=0.25, gamma=2.0):
    """Mean over all elements of α_t (1 − p_t)^γ (−log p_t), and its gradient."""
    x, t, sign, z, nll, q = parts(logits, targets)
    a = weights(t, alpha)
    loss = a * q**gamma * nll
    p = 1.0 - q if gamma == 0 else sigmoid(z)
    # d/dz [q^γ · softplus(−z)] = −q^γ (γ · p_t · softplus(−z) + q), with dq/dz = −q p_t
    dz = -(q**gamma) * (gamma * p * nll + q)
    return float(np.mean(loss)), sign * a * dz / x.size


def bce_like(logits, targets, alpha=0.25, gamma=2.0):
    """Weighted BCE, the focal loss with γ = 0."""
    return focal(logits, targets, alpha, 0.0)


def binary(rng, shape):
    return rng.integers(0, 2, size=shape).astype(np.float64)


def prob_space(logits, targets, alpha=0.25, gamma=2.0):
    """From p = σ(x) with the usual ε guards, for several common ε."""
    x, t = np.asarray(logits, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    a = weights(t, alpha)
    p = sigmoid(x)
    for eps in (1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15):
        for pt in (np.clip(np.where(t == 1, p, 1 - p), eps, 1 - eps), np.where(t == 1, p, 1 - p) + eps):
            yield float(np.mean(-a * (1 - pt) ** gamma * np.log(pt)))


def same_alpha(logits, targets, alpha=0.25, gamma=2.0):
    """α multiplies every element, positive or negative."""
    return focal(logits, targets, None, gamma)[0] * (1.0 if alpha is None else alpha)


def swapped_alpha(logits, targets, alpha=0.25, gamma=2.0):
    return focal(logits, targets, None if alpha is None else 1.0 - alpha, gamma)[0]


def frozen_factor(logits, targets, alpha=0.25, gamma=2.0):
    """The gradient of weighted BCE times α_t (1 − p_t)^γ, as if the factor were a constant."""
    x, t, sign, z, nll, q = parts(logits, targets)
    return weights(t, alpha) * q**gamma * (sigmoid(x) - t) / x.size


def no_alpha_grad(logits, targets, alpha=0.25, gamma=2.0):
    return focal(logits, targets, None, gamma)[1] if alpha is not None else None


def with_(alpha=0.25, gamma=2.0):
    return lambda rng, shape=(3, 4): Case((rng.normal(0, 2.0, size=shape), binary(rng, shape)),
                                          {"alpha": alpha, "gamma": gamma})


def extreme(rng):
    return [Case((np.array([1000.0, -1000.0]), np.array([0.0, 1.0]))),  # confidently wrong
            Case((np.array([1e4, -1e4, 800.0, -750.0]), np.array([1.0, 0.0, 1.0, 0.0]))),  # confidently right
            Case((np.array([[800.0, -750.0], [-1e4, 30.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])), {"gamma": 0.5}),
            Case((rng.uniform(-1e4, 1e4, size=(3, 4)), binary(rng, (3, 4))), {"alpha": 0.75}),
            Case((np.array([100.0, -100.0, 50.0], dtype=np.float32), np.array([0.0, 0.0, 1.0], dtype=np.float32))),
            Case((rng.uniform(-300, 300, size=6).astype(np.float32), binary(rng, (6,)).astype(np.float32)),
                 {"gamma": 1.0})]


def gamma_zero(rng):
    """γ = 0 is weighted BCE, and with alpha=None plain BCE, at ordinary and saturated logits."""
    sure = np.array([40.0, -40.0, 60.0, -60.0, 1.5])  # σ(40) rounds to exactly 1.0: 1 − σ(40) is 0
    return [Case((sure, np.array([1.0, 0.0, 1.0, 0.0, 1.0])), {"alpha": None, "gamma": 0.0}),
            Case((sure, np.array([1.0, 1.0, 0.0, 0.0, 0.0])), {"alpha": 0.25, "gamma": 0.0}),
            Case((np.array([20.0, -20.0, 100.0], dtype=np.float32), np.array([1.0, 0.0, 1.0], dtype=np.float32)),
                 {"alpha": None, "gamma": 0.0}),
            with_(None, 0.0)(rng, (2, 5)), with_(0.6, 0.0)(rng, (7,))]


def draw_grad(rng):
    return [(rng.normal(0, 1.5, size=s), binary(rng, s)) for s in ((5,), (2, 3), (3, 2))]


KATA = Kata(
    id="focal-loss",
    function="focal_loss",
    args=(Arg("logits", normal(2.0)), Arg("targets", binary), Arg("alpha", default=0.25), Arg("gamma", default=2.0)),
    reference=focal,
    folder=Path(__file__).parent,
    topic="losses",
    difficulty=4,
    time_limit=20,
    order=70,
    result=LossAndGrad("logits", loss_hint="hint.loss", grad_hint="hint.grad"),
    basic=((np.array([0.0]), np.array([1.0])),  # 0.25 · 0.5² · log 2
           (np.array([2.0, -1.0, 0.5, -3.0]), np.array([1.0, 0.0, 0.0, 1.0])),
           Case((np.array([[1.0, -2.0], [0.0, 3.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])), {"alpha": 0.75}),
           Case((np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, 1.0])), {"alpha": None, "gamma": 1.0}),
           with_(0.25, 2.0), with_(0.5, 3.0), with_(None, 1.5), with_(0.9, 0.5)),
    basic_shapes=((3, 4), (10,)),
    own=(Cases("overflow", (Group(extreme, hint="hint.overflow", quiet="hint.warnings"),)),
         Cases("gamma-zero", (Group(gamma_zero, hint="hint.gamma-zero", quiet="hint.gamma-zero"),))),
    shapes=((1,), (7,), (3, 4), (1, 6), (6, 1), (2, 3, 4), (64,)),
    dtype_shapes=((6,), (3, 4)),
    mutation_shapes=((5,), (3, 4)),
    check_hints={"dtype": "hint.dtype"},
    mistakes=(
        Mistake("sum", lambda x, t, alpha=0.25, gamma=2.0: focal(x, t, alpha, gamma)[0] * x.size),
        Mistake("sign", lambda x, t, alpha=0.25, gamma=2.0: -focal(x, t, alpha, gamma)[0]),
        Mistake("alpha-same", same_alpha, when=lambda x, t, alpha=0.25, gamma=2.0: alpha not in (None, 0.5)),
        Mistake("alpha-swapped", swapped_alpha, when=lambda x, t, alpha=0.25, gamma=2.0: alpha not in (None, 0.5)),
        Mistake("bce", lambda x, t, alpha=0.25, gamma=2.0: bce_like(x, t, alpha)[0],
                when=lambda x, t, alpha=0.25, gamma=2.0: gamma != 0),
        Mistake("probabilities", prob_space, many=True),
        Mistake("grad-constant-factor", frozen_factor, when=lambda x, t, alpha=0.25, gamma=2.0: gamma != 0),
        Mistake("grad-no-mean", lambda x, t, alpha=0.25, gamma=2.0: focal(x, t, alpha, gamma)[1] * x.size),
        Mistake("grad-sign", lambda x, t, alpha=0.25, gamma=2.0: -focal(x, t, alpha, gamma)[1]),
        Mistake("grad-bce", lambda x, t, alpha=0.25, gamma=2.0: bce_like(x, t, alpha)[1],
                when=lambda x, t, alpha=0.25, gamma=2.0: gamma != 0),
    ),
    gradient=LossGradient("formula.grad", "hint.grad", draw=draw_grad),
    hand_written=("sigmoid_focal_loss", "focal_loss", "binary_cross_entropy_with_logits", "binary_cross_entropy",
                  "sigmoid_cross_entropy_with_logits", "expit", "log_expit", "logsigmoid", "log_sigmoid"),
    examples=(Example((np.array([2.0, -1.0, 0.0]), np.array([1.0, 0.0, 1.0]))),
              Example((np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])),
                      {"alpha": None, "gamma": 0.0}),
              Example((np.array([1000.0, -1000.0]), np.array([0.0, 1.0])))),
)
