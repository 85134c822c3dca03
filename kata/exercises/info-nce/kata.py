"""Kata `info-nce`: ``nt_xent(z, tau=0.5)`` returns (the NT-Xent loss of SimCLR over the 2N views in z, dz).

Rows i and i + N of ``z`` are the two views of example i. Each row is L2-normalised,
s_ij = u_i·u_j / τ, and anchor i is scored against its positive (i + N) mod 2N among
the 2N − 1 other rows (its own similarity left out). The loss is the mean over the 2N
anchors; the gradient goes back through the normalisation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Case, Cases, Example, Group, Kata, LossAndGrad, LossGradient, Mistake, normal
from kata.harness.compare import tolerance_for

TAU = 0.5


def ntxent(z, tau=TAU, *, normalise=True, self_in=False, anchors="all", grad="full"):
    """NT-Xent and its gradient, in float64, with the switches the classic mistakes flip:
    ``normalise`` (cosine or raw dot products), ``self_in`` (the diagonal kept in the
    denominator), ``anchors`` ("all" 2N, or "first": only the N rows of the first view),
    ``grad`` ("full"; "rows": only the anchors' side of s_ij; "unit": dL/du taken for dL/dz)."""
    z = np.asarray(z, dtype=np.float64)
    n2 = z.shape[0]
    half = n2 // 2
    norm = np.sqrt(np.sum(z * z, axis=1, keepdims=True)) if normalise else np.ones((n2, 1))
    u = z / norm
    s = u @ u.T / tau
    if not self_in:
        np.fill_diagonal(s, -np.inf)
    rows = np.arange(n2)
    pos = (rows + half) % n2
    m = s.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(s - m), axis=1))
    per = lse - s[rows, pos]
    used = rows < half if anchors == "first" else np.ones(n2, dtype=bool)
    count = int(used.sum())
    loss = float(per[used].sum() / count)
    p = np.exp(s - lse[:, None])
    p[rows, pos] -= 1.0
    g = p * used[:, None] / count  # dL/ds
    du = (g @ u if grad == "rows" else (g + g.T) @ u) / tau
    if grad == "unit" or not normalise:
        dz = du
    else:
        dz = (du - u * np.sum(u * du, axis=1, keepdims=True)) / norm
    return loss, dz


def nt_xent(z, tau=TAU):
    """The grader's own answer: mean over the 2N anchors of −log(exp(s_i,pos) / Σ_{j≠i} exp(s_ij))."""
    return ntxent(z, tau)


def tau_of(case):
    if len(case.args) > 1:
        return float(case.args[1])
    return float(case.kwargs.get("tau", TAU))


def tolerance(case, dtype):
    """The dtype's tolerance, plus rounding that grows with 1/τ: the similarities are cosines
    divided by τ, so a float32 cosine off by one ulp moves a logit by eps/τ, and the gradient
    (a sum of 2N such terms, times 1/τ) by eps/τ² per row of the batch."""
    atol, rtol = tolerance_for(dtype)
    eps = float(np.finfo(dtype).eps)
    inv = 1.0 / tau_of(case)
    return max(atol, 8 * eps * inv * max(inv, 1.0)), rtol


def views(rng, shape):
    """2N embeddings whose row i + N is a noisy copy of row i (the two views of example i),
    with norms far from 1, so that normalising matters."""
    n2, d = shape
    half = max(n2 // 2, 1)
    base = rng.normal(0, 1, size=(half, d))
    other = base + rng.normal(0, 0.7, size=(half, d))
    scale = rng.uniform(0.3, 4.0, size=(n2, 1))
    return np.concatenate([base, other])[:n2] * scale


def kw(z, tau):
    return Case((np.asarray(z, dtype=np.float64),), {"tau": tau})


def temperatures(rng):
    """τ read from the argument: a range of values, on random batches."""
    return [kw(views(rng, (6, 4)), t) for t in (0.05, 0.1, 0.2, 1.0, 2.0)] + [kw(views(rng, (4, 8)), 10.0)]


def small_tau(rng):
    """τ small enough that exp(s/τ) overflows (s = 1 is e^1000 at τ = 1e-3; e^100 is already past
    float32's largest number at τ = 0.01)."""
    return [kw(views(rng, (6, 3)), 1e-3), kw(views(rng, (8, 5)), 2e-3), kw(views(rng, (4, 2)), 0.005),
            Case((views(rng, (6, 4)).astype(np.float32),), {"tau": 0.01}),
            Case((views(rng, (4, 3)).astype(np.float32),), {"tau": 0.02})]


def edges(rng):
    """N = 1 (the positive is the only other row: loss 0, even when it points the other way),
    D = 1, identical views, all rows equal, and embeddings of very small or very large norm."""
    same = rng.normal(0, 1, size=(3, 4))
    row = rng.normal(0, 1, size=(1, 5))
    opposite = rng.uniform(0.5, 2.0, size=(2, 1)) * np.array([[1.0], [-1.0]])  # s = ±10: exp(−20) beside 1
    return [kw(rng.normal(0, 1, size=(2, 3)), 0.5), kw(opposite, 0.1),
            kw(rng.normal(0, 1, size=(6, 1)), 0.5), kw(np.concatenate([same, same]), 0.2),
            kw(np.repeat(row, 4, axis=0), 0.5), kw(views(rng, (4, 3)) * 1e-4, 0.3),
            kw(views(rng, (6, 3)) * 1e4, 0.3)]


def for_gradient(rng):
    return [(views(rng, (4, 3)), 0.5), (views(rng, (6, 2)), 0.2), (views(rng, (2, 3)), 1.0)]


def more_than_one(z, tau=TAU):
    return np.asarray(z).shape[0] >= 4


def mistake(part, **switches):
    index = 0 if part == "loss" else 1
    return lambda z, tau=TAU: ntxent(z, tau, **switches)[index]


KATA = Kata(
    id="info-nce",
    function="nt_xent",
    args=(Arg("z", views), Arg("tau", default=TAU)),
    reference=nt_xent,
    folder=Path(__file__).parent,
    topic="losses",
    difficulty=4,
    time_limit=25,
    order=90,
    result=LossAndGrad("z", grad_name="dz", loss_hint="hint.loss", grad_hint="hint.grad"),
    basic=(kw([[1.0, 0.0], [0.0, 1.0], [1.0, 0.2], [0.1, 1.0]], 0.5),
           kw([[3.0, 4.0, 0.0], [0.0, 0.0, 2.0], [6.0, 8.0, 1.0], [0.0, 1.0, 5.0], [1.0, 1.0, 1.0],
               [-1.0, 2.0, 0.0]], 0.5),
           lambda rng: kw(views(rng, (8, 6)), 0.1)),
    basic_shapes=((4, 3), (8, 5), (12, 16)),
    own=(Cases("temperature", (Group(temperatures, hint="hint.temperature"),)),
         Cases("overflow", (Group(small_tau, hint="hint.overflow", quiet="hint.overflow"),)),
         Cases("edges", (Group(edges, hint="hint.edges", quiet="hint.edges"),))),
    shapes=((2, 3), (4, 1), (6, 16), (8, 4), (16, 2), (10, 64), (2, 1)),
    fortran_shape=(6, 3),
    dtype_shapes=((4, 3), (8, 5)),
    mutation_shapes=((4, 3), (6, 2)),
    check_hints={"dtype": "hint.dtype"},
    tolerance=tolerance,
    mistakes=(
        Mistake("unnormalised", mistake("loss", normalise=False)),
        Mistake("self-in-denominator", mistake("loss", self_in=True)),
        Mistake("one-view", mistake("loss", anchors="first"), when=more_than_one),
        Mistake("grad-unnormalised", mistake("grad", normalise=False)),
        Mistake("grad-self-in-denominator", mistake("grad", self_in=True)),
        Mistake("grad-one-view", mistake("grad", anchors="first"), when=more_than_one),
        Mistake("grad-rows-only", mistake("grad", grad="rows")),
        Mistake("grad-through-unit", mistake("grad", grad="unit")),
    ),
    gradient=LossGradient("formula.grad", "hint.grad", draw=for_gradient),
    hand_written=("normalize", "cosine_similarity", "cross_entropy", "log_softmax", "softmax", "logsumexp",
                  "NTXentLoss", "InfoNCE", "info_nce", "nt_xent_loss"),
    examples=(Example((np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.2], [0.1, 1.0]]),), {"tau": 0.5}),
              Example((np.array([[3.0, 4.0], [1.0, 0.0]]),), {"tau": 0.1})),
)
