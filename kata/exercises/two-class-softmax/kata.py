"""Kata `two-class-softmax`: ``binary_logit(z)`` for (N, 2) logits returns the d with
σ(d) = softmax(z)[:, 1]: the two-class softmax is a sigmoid of the logit difference."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Cases, Example, Group, Kata, Like, Mistake, expect_close, normal, reference
from kata.harness.compare import fmt

softmax, sigmoid = reference.softmax, reference.sigmoid


def logit(z: np.ndarray) -> np.ndarray:
    """d = z1 − z0, in float64: softmax(z)[:, 1] = e^z1/(e^z0 + e^z1) = 1/(1 + e^−(z1 − z0))."""
    z = np.asarray(z, dtype=np.float64)
    return z[:, 1] - z[:, 0]


def shape_hint(got, case):
    z = case.args[0]
    n = z.shape[0]
    key = ("shape.column" if got == (n, 1) else "shape.squeezed" if len(got) == 0 else
           "shape.rows" if got == (2,) else "shape.both" if got == z.shape else "shape.other")
    return KATA.msg(key)


def precise_and_meaningful(ctx, kata):
    """Large logit differences, then what the logit means: σ(d) is the probability of
    class 1 and σ(−d) that of class 0."""
    kata.judge(ctx, [np.array([[0.0, 35.0], [35.0, 0.0], [-20.0, 20.0]])], hint=kata.msg("hint.precision"))
    z = ctx.rng.normal(0, 3.0, size=(8, 2))
    [d] = kata.judge(ctx, [z])
    p = softmax(z)
    d = d.astype(np.float64)
    expect_close(sigmoid(d), p[:, 1], kata.msg("sigmoid-is-p1", z=fmt(z)), hint=kata.msg("hint.core"))
    expect_close(sigmoid(-d), p[:, 0], kata.msg("sigmoid-is-p0", z=fmt(z)), hint=kata.msg("hint.core"))


def overflow(rng):
    return [np.array([[1000.0, 1001.0], [-1000.0, -1002.0], [0.0, 1000.0], [800.0, -800.0]]),
            np.array([[-1e4, 1e4], [1e4, -1e4], [1e4, 1e4 + 0.5], [-1e4, -1e4 - 2.0]]),
            rng.uniform(-1e4, 1e4, size=(6, 2)),
            rng.normal(0, 3, size=(5, 2)) + rng.uniform(-1e4, 1e4, size=(5, 1)),  # huge logits, moderate gaps
            np.array([[89.0, 100.0], [-100.0, 0.0], [120.0, 90.0]], dtype=np.float32),
            rng.uniform(-1e4, 1e4, size=(5, 2)).astype(np.float32)]


KATA = Kata(
    id="two-class-softmax",
    function="binary_logit",
    args=(Arg("z", normal(2.0)),),
    reference=logit,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=2,
    time_limit=8,
    order=70,
    result=Like("z", shape=lambda z: z.shape[:1], shape_hints=shape_hint),
    basic=(np.array([[0.0, 0.0], [1.0, 3.0], [2.0, -1.0]]), np.array([[0.5, 0.5], [-2.0, -1.0], [10.0, 4.0], [-3.0, 25.0]])),
    basic_shapes=((3, 2), (6, 2), (10, 2)),
    basic_then=precise_and_meaningful,
    own=(Cases("overflow", (Group(overflow, hint="hint.overflow", quiet="hint.overflow"),)),),
    shapes=((1, 2), (2, 2), (5, 2), (64, 2)),
    fortran_shape=(4, 2),
    dtype_shapes=((5, 2), (3, 2)),
    mutation_shapes=((4, 2), (3, 2)),
    check_hints={"basic": "hint.core", "shape": "hint.core", "dtype": "hint.dtype"},
    mistakes=(
        Mistake("sign", lambda z: -logit(z)),
        Mistake("p1", lambda z: softmax(z)[:, 1]),
        Mistake("sigmoid-of-d", lambda z: sigmoid(logit(z))),
        Mistake("p0", lambda z: softmax(z)[:, 0]),
        Mistake("rows", lambda z: z[1] - z[0], when=lambda z: z.shape[0] == 2),
    ),
    hand_written=("softmax", "log_softmax", "logsumexp", "expit", "logit", "sigmoid"),
    examples=(Example((np.array([[0.0, 0.0], [1.0, 3.0]]),)), Example((np.array([[2.0, -1.0], [0.5, 0.5], [-3.0, 4.0]]),)),
              Example((np.array([[1000.0, 1001.0], [-1e4, 1e4]]),))),
)
