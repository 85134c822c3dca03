"""Reference solution: the logistic function, element by element, stable for any input."""

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    # Two algebraically equal forms, each used only where its exponent is <= 0:
    #   x >= 0:  1 / (1 + exp(-x))       exp(-x) is in (0, 1]
    #   x <  0:  exp(x) / (1 + exp(x))   exp(x) is in (0, 1), and tiny results stay accurate
    # np.where(x >= 0, a, b) would evaluate both forms on every element and overflow, so
    # each half is computed on its own slice. empty_like keeps the shape and the dtype,
    # and writes into a new array, so the caller's x is untouched.
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out
