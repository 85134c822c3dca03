"""Kata `logistic-regression-step`: ``logistic_regression_step(X, y, w, b, lr, lam)`` takes one
gradient-descent step on the mean logistic loss plus (λ/2)·||w||² (the bias not regularised)
and returns ``(w_new, b_new, loss)``, the loss at the parameters before the step."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Arrays, Case, Cases, Example, Group, Kata, Mistake, reference
from kata.harness.compare import tolerance_for


def terms(X, y, w, b):
    """z = Xw + b, σ(z) and the mean of softplus(z) − y·z (= −log-likelihood), all stable, in float64."""
    X, y, w = (np.asarray(a, dtype=np.float64) for a in (X, y, w))
    b = float(b)
    z = X @ w + b
    softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
    return X, y, w, b, z, reference.sigmoid(z), float(np.mean(softplus - y * z))


def answer(X, y, w, b, lr, lam):
    """The grader's own step: dw = Xᵀ(σ(z) − y)/N + λ·w, db = mean(σ(z) − y), and the loss
    mean(softplus(z) − y·z) + (λ/2)·||w||² at the given (w, b)."""
    X, y, w, b, z, p, data = terms(X, y, w, b)
    r = p - y
    dw = X.T @ r / len(y) + lam * w
    db = float(np.mean(r))
    return w - lr * dw, b - lr * db, data + 0.5 * lam * float(w @ w)


# ---------------------------------------------------------------- classic wrong answers


def bias_regularised(X, y, w, b, lr, lam):
    """λ·b in the bias gradient (a column of ones appended to X, regularised with w),
    or λ/2·b² in the loss."""
    X, y, w, b, z, p, data = terms(X, y, w, b)
    db = float(np.mean(p - y))
    return [(None, b - lr * (db + lam * b), None), (None, None, data + 0.5 * lam * (float(w @ w) + b * b))]


def gradient_sign(X, y, w, b, lr, lam):
    """Ascent instead of descent: the whole step, or the data term's Xᵀ(y − σ(z))."""
    X, y, w, b, z, p, data = terms(X, y, w, b)
    r = p - y
    dw_data, db = X.T @ r / len(y), float(np.mean(r))
    return [(w + lr * (dw_data + lam * w), None, None), (w - lr * (-dw_data + lam * w), None, None),
            (None, b + lr * db, None)]


def summed(X, y, w, b, lr, lam):
    """The data gradient (and the loss) summed over the N samples instead of averaged."""
    X, y, w, b, z, p, data = terms(X, y, w, b)
    r = p - y
    n = len(y)
    return [(w - lr * (X.T @ r + lam * w), None, None), (w - lr * (X.T @ r + n * lam * w), None, None),
            (None, b - lr * float(np.sum(r)), None), (None, None, n * data + 0.5 * lam * float(w @ w))]


def lambda_convention(X, y, w, b, lr, lam):
    """The loss and the gradient of λ·||w||² (2λ·w), or λ·w/2: not the contract's (λ/2)·||w||²."""
    X, y, w, b, z, p, data = terms(X, y, w, b)
    dw_data = X.T @ (p - y) / len(y)
    return [(w - lr * (dw_data + 2 * lam * w), None, None), (w - lr * (dw_data + 0.5 * lam * w), None, None),
            (None, None, data + lam * float(w @ w))]


def loss_without_penalty(X, y, w, b, lr, lam):
    return None, None, terms(X, y, w, b)[-1]


def loss_after_step(X, y, w, b, lr, lam):
    w_new, b_new, _ = answer(X, y, w, b, lr, lam)
    return None, None, answer(X, y, w_new, b_new, lr, lam)[2]


def clipped(X, y, w, b, lr, lam):
    """The loss from probabilities clipped to [ε, 1 − ε], for the common ε."""
    X, y, w, b, z, p, data = terms(X, y, w, b)
    penalty = 0.5 * lam * float(w @ w)
    for eps in (1e-7, 1e-8, 1e-10, 1e-12, 1e-15):
        q = np.clip(p, eps, 1 - eps)
        yield None, None, float(np.mean(-(y * np.log(q) + (1 - y) * np.log(1 - q)))) + penalty


def bias_kept(X, y, w, b, lr, lam):
    return None, float(b), None


def _margin(X, y, w, b, lr, lam):
    return float(np.max(np.abs(terms(X, y, w, b)[4]))) > 20


# ---------------------------------------------------------------- inputs


def labels(rng, shape):
    return rng.integers(0, 2, size=shape[0]).astype(np.float64)


FIXED = (np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0]]), np.array([1.0, 0.0, 1.0]), np.array([0.5, -0.25]),
         0.1, 0.5, 0.1)
NO_PENALTY = (np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [-1.0, 1.0, 1.0], [2.0, 0.5, 0.0]]),
              np.array([0.0, 1.0, 1.0, 0.0]), np.array([0.2, -0.4, 0.1]), -0.3, 0.1, 0.0)
# Margins from 30 to 800, right and wrong: σ(500) is 1.0 in float64, so log(1 − σ) is log 0.
LARGE = (np.array([[500.0, 300.0], [-500.0, -300.0], [20.0, 10.0], [-30.0, -5.0], [700.0, -200.0]]),
         np.array([1.0, 0.0, 0.0, 1.0, 0.0]), np.array([1.0, 1.0]), 0.5, 0.01, 0.01)


def draw(n, d, dtype=np.float64, scale=1.0, margin=0.0):
    """A case of n samples and d features; with ``margin``, every |z| is at least that."""

    def make(rng):
        while True:
            X = rng.normal(0.0, scale, size=(n, d))
            w = rng.normal(0.0, 0.7, size=d)
            b = rng.normal(0.0, 1.0)
            if np.min(np.abs(X @ w + b)) >= margin:
                break
        y = rng.integers(0, 2, size=n).astype(np.float64)
        lr, lam = rng.uniform(0.05, 0.5), rng.uniform(0.01, 0.2)
        return Case((X.astype(dtype), y.astype(dtype), w.astype(dtype), b, lr, lam))

    return make


def large(rng):
    """Logits of magnitude 20 to a few thousand, in float64 and float32 (where exp
    overflows above 88): the loss is large but finite, and nothing may warn."""
    as32 = tuple(a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in LARGE)
    f32 = (np.array([[60.0, -40.0], [-90.0, 10.0], [120.0, 5.0]], dtype=np.float32),
           np.array([0.0, 1.0, 1.0], dtype=np.float32), np.array([1.5, 0.5], dtype=np.float32), -1.0, 0.1, 0.05)
    return [Case(LARGE), Case(as32), Case(f32), draw(8, 3, scale=300.0, margin=20.0)(rng),
            draw(6, 2, np.float32, scale=200.0, margin=20.0)(rng)]


def tolerance(case, dtype):
    """The dtype's tolerance, or 8 ulps of the inputs' scale (the largest of 1, |X|, |w| and
    |x_i|·|w| + |b|), if more: z = Xw + b rounds to a few ulps of it, and so do the loss
    and the step built on z."""
    X, y, w, b = (np.asarray(a, dtype=np.float64) for a in case.args[:4])
    atol, rtol = tolerance_for(dtype)
    sizes = [1.0, float(np.abs(b))]
    if X.size:
        sizes += [float(np.max(np.abs(X) @ np.abs(w) + np.abs(b))), float(np.max(np.abs(X)))]
    if w.size:
        sizes.append(float(np.max(np.abs(w))))
    return max(atol, 8 * float(np.finfo(dtype).eps) * max(sizes)), rtol


KATA = Kata(
    id="logistic-regression-step",
    function="logistic_regression_step",
    args=(Arg("X", lambda rng, shape: rng.normal(0.0, 1.0, size=shape)), Arg("y", labels),
          Arg("w", lambda rng, shape: rng.normal(0.0, 0.7, size=shape[1])),
          Arg("b", lambda rng, shape: rng.normal(0.0, 1.0)),
          Arg("lr", lambda rng, shape: rng.uniform(0.05, 0.5)),
          Arg("lam", lambda rng, shape: rng.uniform(0.01, 0.2))),
    reference=answer,
    folder=Path(__file__).parent,
    topic="losses",
    difficulty=2,
    time_limit=15,
    order=90,
    result=Arrays((("w_new", "w"), ("b_new", None), ("loss", None)), dtype_arg="X",
                  hints={"w_new": "hint.grad", "b_new": "hint.bias", "loss": "hint.loss"}),
    basic=(FIXED, NO_PENALTY, draw(1, 3), draw(7, 2), draw(20, 4)),
    basic_shapes=((4, 2), (10, 3), (25, 5)),
    own=(Cases("large-margins", (Group(large, hint="hint.stable", quiet="hint.stable"),)),),
    shapes=((1, 1), (1, 4), (6, 1), (8, 3), (3, 8), (50, 10)),
    fortran_shape=(6, 3),
    dtype_shapes=((5, 2), (12, 4)),
    mutation_shapes=((4, 3), (6, 2)),
    tolerance=tolerance,
    check_hints={"dtype": "hint.dtype"},
    mistakes=(
        Mistake("bias-regularised", bias_regularised, many=True,
                when=lambda X, y, w, b, lr, lam: lam > 0 and b != 0),
        Mistake("gradient-sign", gradient_sign, many=True),
        Mistake("summed", summed, many=True, when=lambda X, y, w, b, lr, lam: len(y) > 1),
        Mistake("lambda-convention", lambda_convention, many=True, when=lambda X, y, w, b, lr, lam: lam > 0),
        Mistake("loss-without-penalty", loss_without_penalty, when=lambda X, y, w, b, lr, lam: lam > 0),
        Mistake("loss-after-step", loss_after_step),
        Mistake("clipped", clipped, many=True, when=_margin),
        Mistake("bias-kept", bias_kept),
    ),
    hand_written=("LogisticRegression", "SGDClassifier", "expit", "log_expit", "logsigmoid", "log_sigmoid",
                  "softplus", "binary_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits",
                  "log_loss"),
    examples=(Example(FIXED), Example(NO_PENALTY), Example(LARGE)),
)
