"""Kata: softmax-cross-entropy. Read the statement with `kata show softmax-cross-entropy`; check with `kata check <this file>`."""

import numpy as np


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray):
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    logits: (N, C) float32 or float64. labels: (N,) int64 class ids in [0, C).
    Return (loss, dlogits): loss a Python float or 0-d array, the mean over the N
    examples of -log softmax(logits[i])[labels[i]]; dlogits the (N, C) gradient of
    that loss, in logits' dtype. Neither argument is modified.
    """
    raise NotImplementedError("write softmax_cross_entropy here")
