"""Kata: softmax-jacobian. Read the statement with `kata show softmax-jacobian`; check with `kata check <this file>`."""

import numpy as np


def softmax_jacobian(y: np.ndarray) -> np.ndarray:
    """The Jacobian of softmax, given its output y = softmax(x) of shape (..., n).

    Return an array of shape (..., n, n) and y's dtype: for every row, the matrix
    diag(y) - y yᵀ, whose entry [i, j] is ∂y_i/∂x_j. y is not modified.
    """
    raise NotImplementedError("write softmax_jacobian here")
