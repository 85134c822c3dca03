"""Kata: focal-loss. Read the statement with `kata show focal-loss`; check with `kata check <this file>`."""

import numpy as np


def focal_loss(logits: np.ndarray, targets: np.ndarray, alpha=0.25, gamma=2.0):
    """Mean sigmoid focal loss of logits against 0/1 targets, and its gradient.

    logits: float32 or float64 array of any shape; targets: same shape and dtype, 0.0 or 1.0.
    alpha: weight of the positives (1 - alpha for the negatives), or None for no weighting.
    Return (loss, dlogits): loss a scalar, the mean over all elements of
    -alpha_t (1 - p_t)**gamma log p_t; dlogits its gradient, in logits' dtype.
    Neither argument is modified.
    """
    raise NotImplementedError("write focal_loss here")
