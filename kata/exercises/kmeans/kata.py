"""Kata `kmeans`: ``kmeans(X, centroids, max_iter=100)`` runs Lloyd's algorithm from the given
initial centroids and returns ``(centroids, labels)``: squared Euclidean distance, ties to
the lower index, an empty cluster keeps its centroid, at most ``max_iter`` updates, and
the labels always the nearest of the returned centroids."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Arrays, Budget, Case, Cases, Example, Group, Kata, Mistake
from kata.harness.compare import tolerance_for


def distances(X, C):
    """Squared Euclidean distances, (N, K), by broadcasting the differences (exact for ties)."""
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=-1)


def nearest(X, C, last=False):
    """The nearest centroid of each point; ties to the lower index (``last``: the higher)."""
    d = distances(X, C)
    if last:
        return d.shape[1] - 1 - np.argmin(d[:, ::-1], axis=1)
    return np.argmin(d, axis=1)


def means(X, labels, C, empty="keep"):
    """Each centroid the mean of its points; an empty cluster keeps its centroid (``empty``:
    "zero" makes it 0, as sums / max(counts, 1) does)."""
    K, D = C.shape
    counts = np.bincount(labels, minlength=K).astype(np.float64)
    sums = np.stack([np.bincount(labels, weights=X[:, j], minlength=K) for j in range(D)], axis=1).reshape(K, D)
    fill = C if empty == "keep" else np.zeros_like(C)
    return np.where(counts[:, None] > 0, sums / np.maximum(counts, 1.0)[:, None], fill)


def lloyd(X, centroids, max_iter=100, *, last=False, empty="keep"):
    """Lloyd's iterations as the contract states them: assign, then up to max_iter times
    update and assign again, stopping once an assignment equals the one before it. Returns
    the centroids, the labels (nearest of those centroids), the labels before the last
    update, and whether the assignment stopped changing."""
    X = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    C = np.asarray(centroids, dtype=np.float64).reshape(len(centroids), -1)
    labels = nearest(X, C, last)
    before, done = labels, False
    for _ in range(max_iter):
        C = means(X, labels, C, empty)
        new = nearest(X, C, last)
        before = labels
        if np.array_equal(new, labels):
            done = True
            break
        labels = new
    return C, labels, before, done


def answer(X, centroids, max_iter=100):
    """The grader's own k-means, in float64."""
    C, labels, _, _ = lloyd(X, centroids, max_iter)
    return C, labels


def trajectory(X, centroids, max_iter=100):
    """Over every assignment the reference makes: the smallest gap between a point's
    nearest and second-nearest squared distance, relative to the data's scale, and
    whether some cluster was ever empty."""
    X = np.asarray(X, dtype=np.float64)
    C = np.asarray(centroids, dtype=np.float64)
    scale = 1.0 + float(np.max(np.sum(X**2, axis=1))) + float(np.max(np.sum(C**2, axis=1)))
    gap, empty, labels = np.inf, False, None
    for _ in range(max_iter + 1):
        d = distances(X, C)
        if C.shape[0] > 1:
            two = np.partition(d, 1, axis=1)
            gap = min(gap, float(np.min(two[:, 1] - two[:, 0])))
        new = np.argmin(d, axis=1)
        empty = empty or len(np.unique(new)) < C.shape[0]
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        C = means(X, labels, C)
    return gap / scale, empty


# ---------------------------------------------------------------- classic wrong answers


def stale_labels(X, centroids, max_iter=100):
    """The labels of the assignment before the last update (the loop stopped by max_iter)."""
    C, labels, before, done = lloyd(X, centroids, max_iter)
    return None, before


def off_by_one(X, centroids, max_iter=100):
    return [answer(X, centroids, m) for m in (max_iter - 1, max_iter + 1) if m >= 1]


def one_update(X, centroids, max_iter=100):
    return answer(X, centroids, 1)


def unconverged(X, centroids, max_iter=100):
    return not lloyd(X, centroids, max_iter)[3]


# ---------------------------------------------------------------- inputs


def blobs(rng, n, k, d, spread=1.2):
    """n points around k centres in [-5, 5]^d, and k distinct points of them as centroids."""
    centres = rng.uniform(-5.0, 5.0, size=(k, d))
    X = centres[rng.integers(0, k, size=n)] + rng.normal(0.0, spread, size=(n, d))
    return X, X[rng.permutation(n)[:k]].copy()


def joint(rng, shape, *, clear=1e-5):
    """A case of shape (N, K, D): points and initial centroids whose every assignment is
    clear of near-ties (a gap of ``clear`` relative to the squared scale) and has no empty
    cluster, so that any right way of computing it takes the same path."""
    n, k, d = shape
    while True:
        X, C = blobs(rng, n, k, d)
        gap, empty = trajectory(X, C)
        if gap >= clear and not empty:
            return X, C


def drawn(n, k, d, dtype=np.float64, **kwargs):
    def make(rng):
        X, C = joint(rng, (n, k, d))
        return Case((X.astype(dtype), C.astype(dtype)), dict(kwargs))

    return make


# One tie at the first assignment (the point (1, 0) is as far from (0, 0) as from (2, 0)),
# then clear: cluster 0 ends at (0.5, 0) by the rule, at (0, 0) if ties went to 1.
FIXED = (np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [5.0, 5.0], [6.0, 5.0]]),
         np.array([[0.0, 0.0], [2.0, 0.0], [5.0, 5.0]]))
SMALL = (np.array([[1.0, 1.0], [1.5, 2.0], [3.0, 4.0], [5.0, 7.0], [3.5, 5.0], [4.5, 5.0], [3.5, 4.5]]),
         np.array([[1.0, 1.0], [5.0, 7.0]]))


def ties(rng):
    """Exact ties (small integers: every distance is exact in any formula) at the first
    assignment, clear afterwards."""
    a = (np.array([[1.0, 2.0], [6.0, 3.0], [6.0, 1.0], [5.0, 6.0], [0.0, 1.0], [1.0, 1.0]]),
         np.array([[2.0, 0.0], [6.0, 1.0], [6.0, 5.0]]))
    b = (np.array([[5.0, 0.0], [2.0, 1.0], [1.0, 3.0], [0.0, 2.0], [4.0, 5.0], [3.0, 4.0]]),
         np.array([[2.0, 6.0], [1.0, 5.0], [0.0, 4.0]]))
    return [Case(FIXED), Case(a), Case(b), Case(tuple(v.astype(np.float32) for v in b))]


def empty(rng):
    """A centroid no point is near; more centroids than points; a cluster that loses its
    points after an update; two equal initial centroids (every point ties, the second is
    empty at first and gets points later)."""
    X = blobs(rng, 12, 2, 2)[0]
    far = (X, np.vstack([X[:2], [[100.0, 100.0]]]))
    few = (np.array([[0.0, 1.0], [3.0, 2.0]]), np.array([[0.0, 0.0], [3.0, 3.0], [9.0, 9.0], [-4.0, 5.0]]))
    emptied = (np.array([[4.0, 0.0], [5.0, 0.0], [9.0, 0.0], [10.0, 0.0], [10.0, 0.0], [11.0, 0.0]]),
               np.array([[10.0, 0.0], [0.0, 0.0], [9.0, 0.0]]))
    twins = (np.array([[4.0, 3.0], [5.0, 1.0], [4.0, 5.0], [6.0, 1.0], [3.0, 0.0], [0.0, 0.0]]),
             np.array([[3.0, 1.0], [3.0, 1.0], [5.0, 1.0]]))
    return [Case(far), Case(few), Case(emptied), Case(twins), Case(tuple(v.astype(np.float32) for v in emptied))]


def bounded(rng):
    """max_iter = 1, 2 and 3 on data the algorithm has not finished with by then."""
    cases = []
    for max_iter, dtype in ((1, np.float64), (2, np.float64), (3, np.float64), (2, np.float32)):
        while True:
            X = rng.uniform(0.0, 10.0, size=(30, 2))
            C = X[rng.permutation(30)[:3]].copy()
            gap, empty = trajectory(X, C, max_iter)
            if gap >= 1e-5 and not empty and not lloyd(X, C, max_iter)[3]:
                break
        cases.append(Case((X.astype(dtype), C.astype(dtype)), {"max_iter": max_iter}))
    return cases


def large(rng):
    """40,000 points spread evenly over a square and 4 clusters: Lloyd's algorithm takes
    more than 10 updates here, so all 10 are made, each followed by an assignment of
    every point."""
    X = rng.uniform(0.0, 10.0, size=(40_000, 2))
    return [Case((X, X[rng.permutation(len(X))[:4]].copy()), {"max_iter": 10})]


def tolerance(case, dtype):
    """The dtype's tolerance, or 8 ulps of the largest |x| if more (a centroid is a mean
    of points)."""
    atol, rtol = tolerance_for(dtype)
    X = np.asarray(case.args[0], dtype=np.float64)
    return max(atol, 8 * float(np.finfo(dtype).eps) * float(np.max(np.abs(X), initial=1.0))), rtol


def n_points(X, centroids, max_iter=100):
    return (len(X),)


KATA = Kata(
    id="kmeans",
    function="kmeans",
    args=(Arg("X", lambda rng, shape: blobs(rng, *shape)[0]),
          Arg("centroids", lambda rng, shape: blobs(rng, *shape)[1]),
          Arg("max_iter", default=100)),
    reference=answer,
    folder=Path(__file__).parent,
    topic="clustering",
    difficulty=3,
    time_limit=20,
    order=10,
    result=Arrays((("centroids", "centroids"), ("labels", n_points)), dtype_arg="X", integers=("labels",),
                  hints={"centroids": "hint.update", "labels": "hint.assign"}),
    joint=joint,
    basic=(SMALL, drawn(20, 3, 2), drawn(50, 4, 3)),
    basic_shapes=((10, 2, 2), (30, 3, 2), (60, 5, 3)),
    own=(Cases("ties", (Group(ties, hint="hint.ties"),)),
         Cases("empty-cluster", (Group(empty, hint="hint.empty", quiet="hint.empty"),)),
         Cases("max-iter", (Group(bounded, hint="hint.max-iter"),)),
         Budget("vectorised", large, cpu=0.4, message="hint.vectorise")),
    shapes=((1, 1, 1), (5, 1, 3), (8, 2, 1), (20, 5, 2), (40, 3, 6), (100, 8, 2)),
    fortran_shape=(12, 3, 2),
    dtype_shapes=((20, 3, 2), (9, 2, 4)),
    mutation_shapes=((10, 3, 2), (6, 2, 2)),
    tolerance=tolerance,
    check_hints={"dtype": "hint.dtype"},
    mistakes=(
        Mistake("empty-zero", lambda X, C, max_iter=100: lloyd(X, C, max_iter, empty="zero")[:2]),
        Mistake("ties-last", lambda X, C, max_iter=100: lloyd(X, C, max_iter, last=True)[:2]),
        Mistake("stale-labels", stale_labels, when=unconverged),
        Mistake("max-iter-off-by-one", off_by_one, many=True, when=unconverged),
        Mistake("one-update", one_update, when=lambda X, C, max_iter=100: max_iter > 1),
    ),
    hand_written=("KMeans", "MiniBatchKMeans", "k_means", "kmeans2", "vq", "cdist", "pairwise_distances",
                  "euclidean_distances", "pairwise_distances_argmin"),
    examples=(Example(SMALL), Example(FIXED),
              Example((np.array([[0.0, 1.0], [3.0, 2.0]]), np.array([[0.0, 0.0], [3.0, 3.0], [9.0, 9.0]]))),
              Example(SMALL, {"max_iter": 1})),
)
