"""Reference solution: the softmax Jacobian diag(y) - y yᵀ for every row of a batch."""

import numpy as np


def softmax_jacobian(y: np.ndarray) -> np.ndarray:
    # ∂y_i/∂x_j = y_i (δ_ij − y_j). Broadcasting builds it for any batch shape (..., n):
    #   y[..., :, None]                      column: y_i along the rows of each matrix
    #   np.eye(n) - y[..., None, :]          δ_ij − y_j, one n×n matrix per row
    # np.eye gets y's dtype so a float32 input gives a float32 result.
    n = y.shape[-1]
    return y[..., :, None] * (np.eye(n, dtype=y.dtype) - y[..., None, :])
