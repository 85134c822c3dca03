"""Kata: sigmoid. Read the statement with `kata show sigmoid`; check with `kata check <this file>`."""

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-x)), element by element.

    x is a float32 or float64 array of any shape (ndim >= 1). Return a new array of the
    same shape and dtype; do not modify x. No overflow warnings for any input, e.g. -1000.
    """
    raise NotImplementedError("write sigmoid here")
