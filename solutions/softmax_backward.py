"""Reference solution: the softmax backward pass (a vector-Jacobian product)."""

import numpy as np


def softmax_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    # The Jacobian is diag(y) - y yᵀ per row, so dyᵀJ = y * (dy - <dy, y>).
    # No n×n matrix is ever built: O(n) memory and time per row.
    return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))
