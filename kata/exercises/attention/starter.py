"""Kata: attention. Read the statement with `kata show attention`;
check with `kata check <this file>`."""

import numpy as np


def attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """softmax(q·kᵀ/√d_k where mask, else −∞) · v over the last two axes; shape (..., Lq, d_v)
    in q's dtype; a query with every key masked gets zeros; the arguments are not modified."""
    raise NotImplementedError("write attention here")
