"""Reference solution for the `info-nce` kata."""

import numpy as np


def nt_xent(z, tau=0.5):
    """NT-Xent of SimCLR over the 2N views in z (rows i and i + N are a pair), and dloss/dz."""
    n2 = z.shape[0]
    rows = np.arange(n2)
    pos = (rows + n2 // 2) % n2

    norm = np.linalg.norm(z, axis=1, keepdims=True)
    u = z / norm
    s = u @ u.T / tau
    np.fill_diagonal(s, -np.inf)  # an anchor is never its own candidate

    m = s.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(s - m).sum(axis=1, keepdims=True))
    loss = np.mean(lse[:, 0] - s[rows, pos])

    g = np.exp(s - lse)  # the softmax of each row, 0 on the diagonal
    g[rows, pos] -= 1
    g /= n2  # dloss/ds
    du = (g + g.T) @ u / tau  # s_ij depends on u_i and on u_j
    dz = (du - u * np.sum(u * du, axis=1, keepdims=True)) / norm
    return float(loss), dz
