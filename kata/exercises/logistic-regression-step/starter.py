"""Kata: logistic-regression-step. Read the statement with `kata show logistic-regression-step`;
check with `kata check <this file>`."""

import numpy as np


def logistic_regression_step(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, lr: float, lam: float):
    """One gradient-descent step on mean logistic loss + (lam/2)·||w||² (bias not
    regularised), from logits z = X @ w + b. Return (w_new, b_new, loss), the loss at the
    given (w, b). Stable for any |z|; do not modify the arguments."""
    raise NotImplementedError("write logistic_regression_step here")
