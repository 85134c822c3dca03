"""Reference solution: mean sigmoid focal loss from logits, and its gradient."""

import numpy as np


def focal_loss(logits: np.ndarray, targets: np.ndarray, alpha=0.25, gamma=2.0):
    # z is the logit of the true class: x where t = 1, -x where t = 0, so p_t = σ(z).
    sign = 2 * targets - 1
    z = sign * logits
    e = np.exp(-np.abs(z))  # at most 1: nothing overflows
    # -log p_t = softplus(-z) = max(-z, 0) + log(1 + e^-|z|), never the log of a rounded σ.
    nll = np.maximum(-z, 0) + np.log1p(e)
    # q = 1 - p_t = σ(-z) and p_t = σ(z), both from e, so neither is 1 - (something that rounded to 1).
    q = np.where(z >= 0, e, 1) / (1 + e)
    p = np.where(z >= 0, 1, e) / (1 + e)
    a = 1 if alpha is None else alpha * targets + (1 - alpha) * (1 - targets)
    loss = np.mean(a * q**gamma * nll)
    # d/dz [q^γ · softplus(-z)] = -q^γ (γ · p_t · softplus(-z) + q), since dq/dz = -q p_t:
    # no q^(γ-1), so γ = 0 gives exactly the BCE gradient (σ(x) - t) even where q is 0.
    dz = -(q**gamma) * (gamma * p * nll + q)
    return float(loss), (sign * a * dz / logits.size).astype(logits.dtype, copy=False)
