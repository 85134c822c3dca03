"""Kata `attention`: ``attention(q, k, v, mask)`` is masked scaled dot-product attention,
softmax(q·kᵀ/√d_k, masked) · v over any batch of heads; a fully masked row gives zeros."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Case, Cases, Example, Group, Kata, Like, Mistake
from kata.harness.results import scaled_tolerance


def dims(shape: tuple[int, ...]) -> tuple[tuple[int, ...], int, int, int, int]:
    """A case of ``shape`` (..., Lq, Lk) has batch dims ..., and d_k, d_v fixed by it, so
    that q, k, v and the mask, drawn one at a time, agree."""
    *batch, lq, lk = shape
    return tuple(batch), lq, lk, 2 + (lq + 2 * lk) % 4, 1 + (lq * lk) % 3


def draw_q(rng, shape):
    batch, lq, _, d, _ = dims(shape)
    return rng.normal(0.0, 1.0, size=(*batch, lq, d))


def draw_k(rng, shape):
    batch, _, lk, d, _ = dims(shape)
    return rng.normal(0.0, 1.0, size=(*batch, lk, d))


def draw_v(rng, shape):
    batch, _, lk, _, dv = dims(shape)
    return rng.normal(0.0, 1.0, size=(*batch, lk, dv))


def draw_mask(rng, shape):
    """About a third of the keys masked; every query keeps at least one key (the fully
    masked rows have a check of their own)."""
    mask = rng.random(shape) < 0.65
    keep = rng.integers(0, shape[-1], size=shape[:-1])
    np.put_along_axis(mask, keep[..., None], True, axis=-1)
    return mask


def _scores(q, k, scale=True):
    q = np.asarray(q, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    s = q @ np.swapaxes(k, -1, -2)
    return s / np.sqrt(q.shape[-1]) if scale else s


def _softmax(s, axis=-1):
    """Softmax of scores where -inf means masked; a row with nothing left gives zeros."""
    top = np.max(s, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.exp(s - top)
    total = np.sum(e, axis=axis, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


def answer(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The grader's own attention, in float64: masked keys get -inf before the softmax,
    and a query with every key masked gets a row of zeros."""
    s = _scores(q, k)
    mask = np.broadcast_to(np.asarray(mask, dtype=bool), s.shape)
    return _softmax(np.where(mask, s, -np.inf)) @ np.asarray(v, dtype=np.float64)


def _masked(s, mask):
    return np.where(np.broadcast_to(np.asarray(mask, dtype=bool), s.shape), s, -np.inf)


def no_scale(q, k, v, mask):
    return _softmax(_masked(_scores(q, k, scale=False), mask)) @ np.asarray(v, dtype=np.float64)


def scale_by_d(q, k, v, mask):
    return _softmax(_masked(_scores(q, k, scale=False) / np.shape(q)[-1], mask)) @ np.asarray(v, dtype=np.float64)


def mask_after(q, k, v, mask):
    """The softmax over every key, then the masked weights zeroed (rows no longer sum to 1)."""
    p = _softmax(_scores(q, k)) * np.asarray(mask, dtype=np.float64)
    return p @ np.asarray(v, dtype=np.float64)


def mask_as_numbers(q, k, v, mask):
    """The boolean mask used as 0/1 numbers: added to the scores, or multiplied into them."""
    s, m = _scores(q, k), np.asarray(mask, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    return [_softmax(s + m) @ v, _softmax(s * m) @ v, _softmax(s - m) @ v]


def wrong_axis(q, k, v, mask):
    return _softmax(_masked(_scores(q, k), mask), axis=-2) @ np.asarray(v, dtype=np.float64)


def finite_fill(q, k, v, mask):
    """Masked scores set to a large finite negative (-1e9): right, except that a query
    with every key masked averages all the values instead of giving zeros."""
    s = _scores(q, k)
    return _softmax(np.where(np.broadcast_to(np.asarray(mask, dtype=bool), s.shape), s, -1e9)) @ np.asarray(
        v, dtype=np.float64)


def any_row_empty(q, k, v, mask):
    m = np.broadcast_to(np.asarray(mask, dtype=bool), _scores(q, k).shape)
    return bool(np.any(~m.any(axis=-1)))


def broadcast(rng):
    """One mask for every batch and head: a causal (Lq, Lk) mask, and a key-padding mask
    of shape (B, 1, 1, Lk) against q of shape (B, H, Lq, d)."""
    b, h, lq, lk, d = 2, 3, 4, 4, 5
    q, k, v = (rng.normal(0, 1, size=(b, h, n, d)) for n in (lq, lk, lk))
    causal = np.tril(np.ones((lq, lk), dtype=bool))
    padding = np.ones((b, 1, 1, lk), dtype=bool)
    padding[0, ..., 3:] = False
    padding[1, ..., 2:] = False
    return [Case((q, k, v, causal)), Case((q, k, v, padding)),
            Case((q[0, 0], k[0, 0], v[0, 0], causal)), Case((q.astype(np.float32), k.astype(np.float32),
                                                             v.astype(np.float32), causal))]


def fully_masked(rng):
    """Queries that may attend to no key at all (a padding query): their rows are zeros."""
    q, k, v = rng.normal(0, 1, size=(2, 3, 4)), rng.normal(0, 1, size=(2, 5, 4)), rng.normal(0, 1, size=(2, 5, 3))
    mask = rng.random((2, 3, 5)) < 0.6
    mask[:, :, 0] = True
    mask[0, 1] = False
    mask[1, 2] = False
    none = np.zeros((2, 3, 5), dtype=bool)
    return [Case((q, k, v, mask)), Case((q, k, v, none)),
            Case((q[0].astype(np.float32), k[0].astype(np.float32), v[0].astype(np.float32), mask[0]))]


def large(rng):
    """Scores far above 709 (exp overflows float64) and above 88 (float32): q and k of
    size 40 give q·k/√d in the hundreds or thousands."""
    q, k, v = rng.normal(0, 40, size=(2, 3, 8)), rng.normal(0, 40, size=(2, 6, 8)), rng.normal(0, 1, size=(2, 6, 2))
    mask = draw_mask(rng, (2, 3, 6))
    big = np.array([[[30.0, 30.0], [-30.0, 10.0]]]), np.array([[[30.0, 30.0], [29.0, 30.0], [-30.0, -30.0]]])
    mask2 = np.array([[[True, True, False], [True, False, True]]])
    vv = np.array([[[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]])
    return [Case((q, k, v, mask)), Case((*big, vv, mask2)),
            Case((q.astype(np.float32), k.astype(np.float32), v.astype(np.float32), mask))]


def tolerance(case, dtype):
    """A weighted average of the values, so an error of a few ulps of max|v|."""
    return scaled_tolerance(np.asarray(case.args[2]), dtype)


Q = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
K = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]])
V = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
CAUSAL = np.tril(np.ones((3, 3), dtype=bool))
FIXED = (Q, K, V, CAUSAL)

KATA = Kata(
    id="attention",
    function="attention",
    args=(Arg("q", draw_q), Arg("k", draw_k), Arg("v", draw_v), Arg("mask", draw_mask, cast=False)),
    reference=answer,
    folder=Path(__file__).parent,
    topic="attention",
    difficulty=3,
    time_limit=15,
    order=10,
    result=Like("q", shape=lambda q, k, v, mask: (*np.shape(q)[:-1], np.shape(v)[-1])),
    basic=(FIXED, (Q, K, V, np.ones((3, 3), dtype=bool)), (Q[:2], K, V, np.array([[True, False, True],
                                                                                  [False, True, True]]))),
    basic_shapes=((3, 4), (2, 5, 3), (2, 2, 4, 6)),
    own=(Cases("broadcast-mask", (Group(broadcast, hint="hint.broadcast"),)),
         Cases("fully-masked", (Group(fully_masked, hint="hint.fully-masked", quiet="hint.fully-masked"),)),
         Cases("overflow", (Group(large, hint="hint.overflow", quiet="hint.overflow"),))),
    shapes=((1, 1), (1, 6), (6, 1), (4, 5), (2, 3, 4), (2, 2, 3, 5), (3, 1, 2, 2)),
    fortran_shape=(5, 4),
    dtype_shapes=((3, 4), (2, 2, 3, 3)),
    mutation_shapes=((3, 4), (2, 3, 5)),
    check_hints={"basic": "hint.core", "shape": "hint.axes"},
    tolerance=tolerance,
    mistakes=(
        Mistake("no-scale", no_scale),
        Mistake("scale-by-d", scale_by_d),
        Mistake("mask-after-softmax", mask_after),
        Mistake("mask-as-numbers", mask_as_numbers, many=True),
        Mistake("wrong-axis", wrong_axis),
        Mistake("finite-fill", finite_fill, when=any_row_empty),
    ),
    hand_written=("scaled_dot_product_attention", "multi_head_attention_forward", "softmax", "log_softmax"),
    examples=(Example(FIXED),
              Example((Q[:2], K[:2], V[:2], np.array([[True, False], [False, False]])))),
)
