"""Kata: conv2d. Read the statement with `kata show conv2d`;
check with `kata check <this file>`."""

import numpy as np


def conv2d(x: np.ndarray, weight: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """(N, C, H, W) inputs, (F, C, KH, KW) weights -> (N, F, H_out, W_out), cross-correlation
    with zero padding on every side, in the dtype of x. Do not modify the arguments."""
    raise NotImplementedError("write conv2d here")
