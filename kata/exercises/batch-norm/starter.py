"""Kata: batch-norm. Read the statement with `kata show batch-norm`;
check with `kata check <this file>`."""

import numpy as np


def batch_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, running_mean: np.ndarray,
               running_var: np.ndarray, training: bool = True, momentum: float = 0.1,
               eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x of shape (N, C, ...), the others of shape (C,) -> (y, new_running_mean,
    new_running_var), each in the dtype of x. Do not modify the arguments."""
    raise NotImplementedError("write batch_norm here")
