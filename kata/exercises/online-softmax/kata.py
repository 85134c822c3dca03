"""Kata `online-softmax`: ``online_softmax_merge(m1, s1, acc1, m2, s2, acc2)`` merges the running
softmax states (max, sum of exponentials, weighted accumulator) of two blocks of scores into
the state of their concatenation, as FlashAttention does; a fully masked block is
(−inf, 0, 0)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Arrays, Case, Cases, Example, Group, Kata, Mistake
from kata.harness.compare import tolerance_for


def state(x, v):
    """The state of one block: scores x (*B, n), values v (*B, n, D), in float64:
    m = max x, s = Σ exp(x − m), acc = Σ exp(x − m)·v; (−inf, 0, 0) where every score is −inf."""
    x = np.asarray(x, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    m = np.max(x, axis=-1)
    safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(invalid="ignore"):
        e = np.exp(x - safe[..., None])
    return m, e.sum(axis=-1), np.einsum("...n,...nd->...d", e, v)


def _scales(m1, m2):
    """m = max(m1, m2) and the factors exp(m1 − m), exp(m2 − m), with exp(−inf − (−inf)) taken as 0."""
    m1, m2 = np.asarray(m1, dtype=np.float64), np.asarray(m2, dtype=np.float64)
    m = np.maximum(m1, m2)
    safe = np.where(np.isfinite(m), m, 0.0)
    return m1, m2, m, np.exp(m1 - safe), np.exp(m2 - safe)


def answer(m1, s1, acc1, m2, s2, acc2):
    """The grader's own merge, in float64."""
    m1, m2, m, a1, a2 = _scales(m1, m2)
    s = a1 * np.asarray(s1, dtype=np.float64) + a2 * np.asarray(s2, dtype=np.float64)
    acc = a1[..., None] * np.asarray(acc1, dtype=np.float64) + a2[..., None] * np.asarray(acc2, dtype=np.float64)
    return m, s, acc


# ---------------------------------------------------------------- classic wrong answers


def old_not_rescaled(m1, s1, acc1, m2, s2, acc2):
    """Only the second (new) block rescaled, or neither: the sum of the first kept as it was."""
    m1, m2, m, a1, a2 = _scales(m1, m2)
    return [(None, s1 + a2 * s2, None), (None, s1 + s2, None)]


def acc_not_rescaled(m1, s1, acc1, m2, s2, acc2):
    m1, m2, m, a1, a2 = _scales(m1, m2)
    return [(None, None, acc1 + a2[..., None] * acc2), (None, None, acc1 + acc2)]


def inverted(m1, s1, acc1, m2, s2, acc2):
    """exp(m − m_i) instead of exp(m_i − m)."""
    m1, m2, m, a1, a2 = _scales(m1, m2)
    with np.errstate(all="ignore"):
        b1, b2 = 1.0 / a1, 1.0 / a2
    return None, b1 * s1 + b2 * s2, b1[..., None] * acc1 + b2[..., None] * acc2


def normalised(m1, s1, acc1, m2, s2, acc2):
    """The accumulator divided by the merged sum (the attention output, not the state)."""
    m, s, acc = answer(m1, s1, acc1, m2, s2, acc2)
    with np.errstate(all="ignore"):
        return None, None, acc / s[..., None]


def _unequal(m1, s1, acc1, m2, s2, acc2):
    return bool(np.any(np.asarray(m1) != np.asarray(m2)))


# ---------------------------------------------------------------- inputs


def blocks(rng, batch, d, n1=None, n2=None, scale=2.0, shift=(0.0, 0.0)):
    """Two blocks of scores (lengths n1, n2) and values for each row of ``batch``, and their states."""
    n1 = n1 or int(rng.integers(1, 9))
    n2 = n2 or int(rng.integers(1, 9))
    x1 = rng.normal(shift[0], scale, size=(*batch, n1))
    x2 = rng.normal(shift[1], scale, size=(*batch, n2))
    v1 = rng.normal(0.0, 1.0, size=(*batch, n1, d))
    v2 = rng.normal(0.0, 1.0, size=(*batch, n2, d))
    return (x1, v1, x2, v2), (*state(x1, v1), *state(x2, v2))


def joint(rng, shape):
    """The six arguments for an accumulator of ``shape`` (*B, D): the states of two random
    blocks of scores, one row per batch entry, their maxima often far apart."""
    *batch, d = shape
    shift = (float(rng.normal(0.0, 3.0)), float(rng.normal(0.0, 3.0)))
    return blocks(rng, tuple(batch), d, shift=shift)[1]


def case_of(*states, dtype=np.float64):
    return Case(tuple(np.asarray(a, dtype=dtype) for a in states))


# One row of scores [1, 3] | [2, 5] with values [[1], [0]] | [[2], [4]]: the merged state
# describes softmax([1, 3, 2, 5]) over the values [1, 0, 2, 4].
X1, V1 = np.array([[1.0, 3.0]]), np.array([[[1.0], [0.0]]])
X2, V2 = np.array([[2.0, 5.0]]), np.array([[[2.0], [4.0]]])
FIXED = tuple(np.asarray(a) for a in (*state(X1, V1), *state(X2, V2)))


def drawn(batch, d, dtype=np.float64, **kwargs):
    return lambda rng: case_of(*blocks(rng, batch, d, **kwargs)[1], dtype=dtype)


def masked(rng):
    """Fully masked blocks, (−inf, 0, 0): one of the two, both, and a batch mixing them; the
    merged state of two empty blocks is (−inf, 0, 0) again, with no NaN and no warning."""
    (x1, v1, x2, v2), _ = blocks(rng, (4,), 3, 5, 6)
    x1[0], x2[1], x1[2], x2[2] = -np.inf, -np.inf, -np.inf, -np.inf  # row 3 has no masked block
    mixed = (*state(x1, v1), *state(x2, v2))
    one = blocks(rng, (2,), 2)[1]
    none = (np.full(2, -np.inf), np.zeros(2), np.zeros((2, 2)))
    return [case_of(*one[:3], *none), case_of(*none, *one[3:]), case_of(*none, *none),
            case_of(*mixed), case_of(*mixed, dtype=np.float32)]


def large(rng):
    """Maxima of ±1000 and more, far apart or equal: exp of a maximum overflows (exp(89) in
    float32, exp(710) in float64), exp of a difference does not."""
    cases = [drawn((3,), 2, scale=5.0, shift=(1000.0, 1000.0))(rng),
             drawn((3,), 2, scale=5.0, shift=(-1000.0, 900.0))(rng),
             drawn((2, 2), 3, scale=50.0, shift=(1e4, -1e4))(rng),
             drawn((4,), 2, scale=5.0, shift=(120.0, 100.0), dtype=np.float32)(rng),
             drawn((3,), 4, scale=5.0, shift=(-300.0, -300.0), dtype=np.float32)(rng)]
    return cases


def tolerance(case, dtype):
    """The dtype's tolerance, or 8 ulps of the largest |s| + |acc| if more (the merged sum and
    accumulator add two rescaled terms of that size)."""
    atol, rtol = tolerance_for(dtype)
    s1, acc1, s2, acc2 = (np.asarray(case.args[i], dtype=np.float64) for i in (1, 2, 4, 5))
    size = max(float(np.max(s1, initial=0.0)) + float(np.max(s2, initial=0.0)),
               float(np.max(np.abs(acc1), initial=0.0)) + float(np.max(np.abs(acc2), initial=0.0)), 1.0)
    return max(atol, 8 * float(np.finfo(dtype).eps) * size), rtol


def together(rng, shape):
    raise AssertionError("the six states are drawn together, by joint: each depends on the block's scores")


KATA = Kata(
    id="online-softmax",
    function="online_softmax_merge",
    args=tuple(Arg(name, together) for name in ("m1", "s1", "acc1", "m2", "s2", "acc2")),
    reference=answer,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=3,
    time_limit=15,
    order=50,
    result=Arrays((("m", "m1"), ("s", "s1"), ("acc", "acc1")), dtype_arg="m1",
                  hints={"m": "hint.max", "s": "hint.rescale", "acc": "hint.rescale"}),
    joint=joint,
    basic=(FIXED, tuple(FIXED[3:] + FIXED[:3]), drawn((1,), 1), drawn((5,), 3), drawn((2, 3), 4)),
    basic_shapes=((3, 2), (6, 8), (2, 2, 3)),
    own=(Cases("masked-blocks", (Group(masked, hint="hint.masked", quiet="hint.masked"),)),
         Cases("large-scores", (Group(large, hint="hint.large", quiet="hint.large"),))),
    shapes=((1, 1), (4, 1), (1, 6), (5, 3), (2, 3, 4), (2, 1, 2, 3), (64, 8)),
    fortran_shape=(6, 4),
    dtype_shapes=((4, 3), (2, 2, 5)),
    mutation_shapes=((4, 3), (2, 2, 2)),
    tolerance=tolerance,
    check_hints={"dtype": "hint.dtype"},
    mistakes=(
        Mistake("old-sum-not-rescaled", old_not_rescaled, many=True, when=_unequal),
        Mistake("acc-not-rescaled", acc_not_rescaled, many=True, when=_unequal),
        Mistake("inverted-scale", inverted, when=_unequal),
        Mistake("normalised-acc", normalised),
    ),
    hand_written=("softmax", "logsumexp", "scaled_dot_product_attention", "flash_attn_func"),
    examples=(Example(FIXED), Example(tuple(FIXED[3:] + FIXED[:3])),
              Example((np.array([2.0, -np.inf]), np.array([1.5, 0.0]), np.array([[3.0], [0.0]]),  # row 2: masked
                       np.array([-np.inf, 1.0]), np.array([0.0, 2.0]), np.array([[0.0], [-1.0]])))),  # row 1: masked
)
