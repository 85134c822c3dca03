"""Kata: info-nce. Read the statement with `kata show info-nce`;
check with `kata check <this file>`."""

import numpy as np


def nt_xent(z: np.ndarray, tau: float = 0.5):
    """NT-Xent (SimCLR's InfoNCE) over the 2N views in z and its gradient.

    z: (2N, D) float32 or float64; rows i and i + N are the two views of example i.
    Rows are L2-normalised, s = u uᵀ / tau, each anchor i is scored against its positive
    (i + N) mod 2N among the 2N − 1 other rows (never itself). Return (loss, dz): loss a
    scalar, the mean over the 2N anchors; dz = dloss/dz, (2N, D) in z's dtype.
    z is not modified.
    """
    raise NotImplementedError("write nt_xent here")
