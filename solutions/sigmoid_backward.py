"""Reference solution: the backward pass of an elementwise sigmoid."""

import numpy as np


def sigmoid_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    # σ'(x) = σ(x)(1 - σ(x)) = y(1 - y): the forward output is all we need, no exp.
    # Sigmoid acts on each element alone, so its Jacobian is diagonal and the chain rule
    # is an elementwise product with the upstream gradient, for any shape.
    # `1 - y` with a Python 1 keeps y's dtype; the result is a new array.
    return dy * y * (1 - y)
