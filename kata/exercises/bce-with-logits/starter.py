"""Kata: bce-with-logits. Read the statement with `kata show bce-with-logits`; check with `kata check <this file>`."""

import numpy as np


def bce_with_logits(logits: np.ndarray, targets: np.ndarray):
    """Mean binary cross-entropy computed from logits, and its gradient.

    logits, targets: float32 or float64 arrays of the same shape; targets in [0, 1]
    (soft targets allowed). Return (loss, dlogits): loss a Python float or 0-d array,
    the mean over ALL elements of -[t log σ(x) + (1 - t) log(1 - σ(x))]; dlogits its
    gradient, shaped like logits and in logits' dtype. Neither argument is modified.
    """
    raise NotImplementedError("write bce_with_logits here")
