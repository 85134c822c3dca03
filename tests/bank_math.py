"""Reference implementations for the bank checks, written independently of the banks
(shared by tests/test_bank_facts.py and tests/topic_facts.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out if out.ndim else float(out)


def dsigmoid(x):
    s = sigmoid(x)
    return s * (1 - s)


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    z = x - x.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def logsumexp(x, axis=-1):
    x = np.asarray(x, dtype=float)
    m = x.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.exp(x - m).sum(axis=axis))


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    return x - np.expand_dims(logsumexp(x, axis), axis)


def cross_entropy(z, y):
    """Mean softmax cross-entropy of logits z (N, K) against target distributions y."""
    z = np.atleast_2d(np.asarray(z, float))
    y = np.atleast_2d(np.asarray(y, float))
    return float(-(y * log_softmax(z)).sum(axis=-1).mean())


def onehot(k: int, n: int) -> np.ndarray:
    v = np.zeros(n)
    v[k] = 1.0
    return v


def num_grad(f: Callable[[np.ndarray], float], x, h: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar function."""
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        g[idx] = (f(xp) - f(xm)) / (2 * h)
    return g


def num_jacobian(f, x, h: float = 1e-6) -> np.ndarray:
    """J[i, j] = d f_i / d x_j by central differences."""
    x = np.array(x, dtype=float)
    cols = []
    for j in range(x.size):
        xp, xm = x.copy(), x.copy()
        xp[j] += h
        xm[j] -= h
        cols.append((f(xp) - f(xm)) / (2 * h))
    return np.stack(cols, axis=1)


def bce_naive(x, y):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s = 1.0 / (1.0 + np.exp(-np.asarray(x, float)))
        return -(y * np.log(s) + (1 - y) * np.log(1 - s))


def bce_reference(x, y):
    """log(1 + e^x) − x·y via numpy's logaddexp: a third, independent formulation."""
    return np.logaddexp(0.0, np.asarray(x, float)) - np.asarray(x, float) * y


def bce_stable(x, y):
    x = np.asarray(x, float)
    return np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))


def entropy(p) -> float:
    p = np.asarray(p, float)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def kl(p, q) -> float:
    p, q = np.asarray(p, float), np.asarray(q, float)
    return float((p * np.log(p / q)).sum())


def normal_cdf(x):
    return 0.5 * (1.0 + np.vectorize(math.erf)(np.asarray(x, float) / math.sqrt(2.0)))


def silu_minimum() -> tuple[float, float]:
    """Bisection on SiLU'(x) = σ(x)(1 + x(1 − σ(x))) over [-3, 0]."""
    def d(x):
        return 1 + x * (1 - sigmoid(x))
    lo, hi = -3.0, 0.0  # d(-3) < 0 < d(0)
    assert d(lo) < 0 < d(hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if d(mid) < 0 else (lo, mid)
    x = 0.5 * (lo + hi)
    return x, x * sigmoid(x)


def distill_grad(student, teacher, temperature):
    """d/dz of KL(softmax(v/T) || softmax(z/T)) with respect to the student logits z."""
    def loss(z):
        return kl(softmax(np.asarray(teacher) / temperature), softmax(z / temperature))
    return num_grad(loss, student, h=1e-5)
