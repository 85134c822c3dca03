"""Kata: multilabel-predict. Read the statement with `kata show multilabel-predict`;
check with `kata check <this file>`."""

import numpy as np


def predict_labels(logits: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """logits: (N, C), one independent logit per class. Return an (N, C) bool array,
    True where sigmoid(logit) > threshold (strictly). No overflow warnings for |logit|
    up to 1e4; logits is not modified."""
    raise NotImplementedError("write predict_labels here")
