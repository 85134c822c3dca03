"""Kata `sigmoid`: ``sigmoid(x)``, the elementwise logistic function, stable, any shape."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Cases, Example, Group, Jacobian, Kata, Mistake, expect_close, normal, reference
from kata.harness.compare import fmt

sigmoid = reference.sigmoid


def mirrored(ctx, kata):
    """σ(−x) = 1 − σ(x), from the submission's own outputs. Near σ = 1 this asks for
    float64 precision: 1 − σ(16) ≈ 1.1e-7 must come out right to ~1e-13."""
    x = np.concatenate([[0.5, 3.0, 8.0, 16.0, 25.0], ctx.rng.normal(0, 4, size=6)])
    got, flipped = kata.judge(ctx, [x, -x], hint=kata.msg("hint.symmetry"))
    expect_close(flipped, 1.0 - got.astype(np.float64), kata.msg("mirror", x=fmt(x)), hint=kata.msg("hint.mirror"))


KATA = Kata(
    id="sigmoid",
    function="sigmoid",
    args=(Arg("x", normal(3.0)),),
    reference=sigmoid,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=1,
    time_limit=8,
    order=30,
    basic=(np.array([0.0, 1.0, -1.0, 2.0, -2.0]), np.array([-3.5, 0.25, 4.0, 10.0, -10.0]),
           np.array([30.0, -30.0, 35.0])),
    basic_shapes=((1,), (4,), (9,)),
    basic_then=mirrored,
    own=(Cases("overflow", (Group(lambda rng: [
        np.array([-1000.0, -800.0, -710.0, -2.5, 0.0, 2.5, 710.0, 800.0, 1000.0]),
        np.array([-1e4, -745.5, -40.0, 40.0, 745.5, 1e4]), rng.uniform(-1e4, 1e4, size=8),
        -rng.uniform(710.0, 1e4, size=5), rng.uniform(-1e4, 1e4, size=(3, 4)),
        np.array([-100.0, -89.0, -88.8, 88.8, 89.0, 100.0], dtype=np.float32),
        -rng.uniform(88.8, 1e4, size=5).astype(np.float32), rng.uniform(-1e4, 1e4, size=6).astype(np.float32),
    ], hint="hint.overflow", quiet="hint.overflow"),)),),
    shapes=((1,), (6,), (3, 4), (4, 3), (1, 5), (5, 1), (2, 3, 4), (2, 1, 3, 2), (0,), (3, 0)),
    dtype_shapes=((6,), (3, 4)),
    mutation_shapes=((6,), (3, 4)),
    check_hints={"basic": "hint.symmetry", "shape": "hint.shape", "dtype": "hint.dtype"},
    mistakes=(
        Mistake("flipped", lambda x: sigmoid(-x)),
        Mistake("tanh-scale", lambda x: 0.5 * (1 + np.tanh(x))),
        Mistake("tanh", np.tanh),
        Mistake("derivative", lambda x: sigmoid(x) * (1 - sigmoid(x))),
    ),
    gradient=Jacobian(lambda x: np.diag((s := sigmoid(x).ravel()) * (1 - s)), "formula.jacobian", "hint.gradient",
                      points=((3,), (5,), (2, 3)), scale=2.0, rows=False),
    hand_written=("expit", "sigmoid", "logistic"),
    examples=(Example((np.array([0.0, 2.0, -2.0]),)), Example((np.array([[1.0, -1.0], [4.0, -4.0]]),)),
              Example((np.array([-1000.0, 1000.0]),))),
)
