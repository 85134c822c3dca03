"""Kata: log-softmax. Read the statement with `kata show log-softmax`; check with `kata check <this file>`."""

import numpy as np


def log_softmax(x: np.ndarray) -> np.ndarray:
    """log(softmax(x)) along the last axis, computed without overflow or underflow.

    x is a float32 or float64 array with ndim >= 1. Return a new array of the same shape
    and dtype; x is not modified. -inf entries (masks) come back as -inf.
    """
    raise NotImplementedError("write log_softmax here")
