"""Kata: kmeans. Read the statement with `kata show kmeans`;
check with `kata check <this file>`."""

import numpy as np


def kmeans(X: np.ndarray, centroids: np.ndarray, max_iter: int = 100):
    """Lloyd's k-means from the given initial centroids (K, D) on the points X (N, D).
    Return (centroids, labels): the final (K, D) centroids in the dtype of X and the (N,)
    integer labels, each the nearest returned centroid (ties: the lower index). An empty
    cluster keeps its centroid. Do not modify the arguments."""
    raise NotImplementedError("write kmeans here")
