"""Kata: softmax. Read the statement with `kata show softmax`; check with `kata check <this file>`."""

import numpy as np


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax of x along its last axis. Same shape and dtype as x; x is not modified."""
    raise NotImplementedError("write softmax here")
