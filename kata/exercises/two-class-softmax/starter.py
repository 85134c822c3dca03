"""Kata: two-class-softmax. Read the statement with `kata show two-class-softmax`;
check with `kata check <this file>`."""

import numpy as np


def binary_logit(z: np.ndarray) -> np.ndarray:
    """z: (N, 2) logits of classes 0 and 1. Return the (N,) logits d with
    sigmoid(d) == softmax(z, axis=1)[:, 1]. Same dtype as z; z is not modified;
    finite and accurate for |z| up to 1e4."""
    raise NotImplementedError("write binary_logit here")
