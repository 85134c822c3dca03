"""Kata: layer-norm. Read the statement with `kata show layer-norm`;
check with `kata check <this file>`."""

import numpy as np


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, dy: np.ndarray,
               eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x of shape (..., D), gamma and beta of shape (D,), dy shaped like x -> (y, dx, dgamma,
    dbeta): the layer norm over the last axis and the gradients of sum(dy * y), in the dtype
    of x. Do not modify the arguments."""
    raise NotImplementedError("write layer_norm here")
