"""Kata: sigmoid-backward. Read the statement with `kata show sigmoid-backward`;
check with `kata check <this file>`."""

import numpy as np


def sigmoid_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Given y = sigmoid(x) (the forward OUTPUT) and the upstream gradient dy = dL/dy,
    return dL/dx. Any shape; same shape and dtype as y; dy and y are not modified."""
    raise NotImplementedError("write sigmoid_backward here")
