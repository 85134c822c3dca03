"""Reference solution: cross-entropy against label-smoothed targets, with ignored rows, and its gradient."""

import numpy as np


def label_smoothing_ce(logits: np.ndarray, labels: np.ndarray, epsilon=0.1, ignore_index=-100):
    n, k = logits.shape
    keep = labels != ignore_index
    rows = np.flatnonzero(keep)
    # log-softmax with the max trick: finite for any finite logits, no probability is logged.
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    # Smoothed targets over all K classes: (1 - ε) on the true class plus ε/K on every class
    # (the true one too), so each row sums to 1. Ignored rows get no target at all.
    q = np.zeros_like(logits)
    q[rows] = epsilon / k
    q[rows, labels[rows]] += 1 - epsilon
    # The mean is over the rows that count; with none, the loss is 0 and so is the gradient.
    m = max(rows.size, 1)
    loss = -(q * log_probs).sum() / m
    grad = (np.exp(log_probs) * keep[:, None] - q) / m
    return float(loss), grad
