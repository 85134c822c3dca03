"""Reference solution: multi-label decisions, one independent sigmoid per class."""

import math

import numpy as np


def predict_labels(logits: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    # σ is increasing, so σ(x) > t  <=>  x > σ⁻¹(t) = log(t / (1 - t)). Comparing the logits
    # with that single number needs no exp, so nothing can overflow, and the comparison is
    # strict as the contract asks (logit 0.0 at t = 0.5 stays off).
    # log(t) - log1p(-t) is the same log-odds, accurate even for t close to 0 or 1.
    boundary = math.log(threshold) - math.log1p(-threshold)
    # Each class decided on its own: an (N, C) bool array, any number of labels per row.
    return logits > boundary
