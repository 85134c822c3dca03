"""Kata `softmax-backward`: ``softmax_backward(dy, y)`` returns dL/dx for y = softmax(x)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import VJP, Arg, Example, Kata, Like, Mistake, normal, reference, through


def backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dx = y ⊙ (dy − Σ_j dy_j y_j), row by row: the Jacobian-vector product without the matrix."""
    dy, y = np.asarray(dy, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))


softmax = reference.softmax
y_of = softmax(np.array([1.0, 2.0, 3.0]))

KATA = Kata(
    id="softmax-backward",
    function="softmax_backward",
    args=(Arg("dy", normal(1.0)), Arg("y", through(softmax, normal(1.5)))),
    reference=backward,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=3,
    time_limit=15,
    order=20,
    result=Like("y"),
    basic=((np.array([1.0, 0.0, 0.0]), y_of), (np.ones(3), y_of),  # a constant dy gives exactly zero
           (np.array([0.5, -1.0, 2.0, 0.0]), softmax(np.array([0.1, 0.2, -0.3, 1.0])))),
    basic_shapes=((2,), (5,), (8,)),
    shapes=((5,), (3, 5), (5, 3), (4, 4), (2, 3, 4), (3, 1), (1,), (1, 6)),
    check_hints={"basic": "hint.core", "shape": "hint.core", "dtype": "hint.dtype"},
    mistakes=(
        Mistake("sign", lambda dy, y: -backward(dy, y)),
        Mistake("diagonal", lambda dy, y: dy * y * (1 - y)),
        Mistake("no-dy", lambda dy, y: y * (1 - y)),
        Mistake("no-mean", lambda dy, y: dy * y),
        Mistake("no-y", lambda dy, y: dy - np.sum(dy * y, axis=-1, keepdims=True)),
        Mistake("batch-sum", lambda dy, y: y * (dy - np.sum(dy * y)), when=lambda dy, y: y.ndim >= 2),
    ),
    gradient=VJP(softmax, "softmax", "hint.core"),
    hand_written=("softmax", "log_softmax"),
    examples=(Example((np.array([1.0, 0.0, 0.0]), y_of)), Example((np.array([1.0, 1.0, 1.0]), y_of)),
              Example((np.array([[0.5, -1.0], [2.0, 0.0]]), softmax(np.array([[0.0, 1.0], [3.0, 3.0]]))))),
)
