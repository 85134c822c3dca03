"""Reference solution of the `batch-norm` kata."""

import numpy as np


def batch_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, running_mean: np.ndarray,
               running_var: np.ndarray, training: bool = True, momentum: float = 0.1,
               eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batch norm of (N, C, ...) inputs per channel: (y, new_running_mean, new_running_var),
    each in the dtype of x. The arguments are not modified; new arrays are returned."""
    axes = (0, *range(2, x.ndim))  # every axis but the channels
    per_channel = (1, -1) + (1,) * (x.ndim - 2)  # (C,) -> (1, C, 1, ...) to broadcast against x
    if training:
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)  # biased (divide by m): what the batch is normalised with
        m = x.size // x.shape[1]
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var + momentum * var * (m / (m - 1))  # unbiased estimate
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    xhat = (x - mean.reshape(per_channel)) / np.sqrt(var.reshape(per_channel) + eps)
    y = gamma.reshape(per_channel) * xhat + beta.reshape(per_channel)
    return y, new_mean, new_var
