"""Kata `sigmoid-backward`: ``sigmoid_backward(dy, y)`` returns dL/dx for y = sigmoid(x)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import VJP, Arg, Example, Kata, Like, Mistake, normal, reference, through

sigmoid = reference.sigmoid


def backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dx = dy ⊙ y ⊙ (1 − y): sigmoid is elementwise, so its Jacobian is diagonal."""
    dy, y = np.asarray(dy, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return dy * y * (1.0 - y)


KATA = Kata(
    id="sigmoid-backward",
    function="sigmoid_backward",
    args=(Arg("dy", normal(1.0)), Arg("y", through(sigmoid, normal(2.0)))),
    reference=backward,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=1,
    time_limit=8,
    order=35,
    result=Like("y"),
    basic=((np.array([1.0, 1.0, 1.0]), sigmoid(np.array([0.0, 2.0, -2.0]))),
           (np.array([0.5, -2.0, 3.0, 0.0]), np.array([0.5, 0.9, 0.1, 0.3])),
           # Saturated units pass almost nothing back: the vanishing gradient.
           (np.array([2.0, -1.0, 4.0]), sigmoid(np.array([-30.0, 0.0, 30.0])))),
    basic_shapes=((2,), (5,), (8,)),
    shapes=((5,), (3, 5), (5, 3), (4, 4), (2, 3, 4), (3, 1), (1,), (1, 6), (2, 1, 3, 2)),
    check_hints={"basic": "hint.core", "shape": "hint.shape", "dtype": "hint.dtype"},
    mistakes=(
        Mistake("sign", lambda dy, y: -backward(dy, y)),
        Mistake("no-dy", lambda dy, y: y * (1 - y)),
        Mistake("again", lambda dy, y: dy * sigmoid(y) * (1 - sigmoid(y))),
        Mistake("no-one-minus", lambda dy, y: dy * y),
        Mistake("no-y", lambda dy, y: dy * (1 - y)),
        Mistake("swapped", lambda dy, y: y * dy * (1 - dy)),
        Mistake("softmax", lambda dy, y: y * (dy - np.sum(dy * y, axis=-1, keepdims=True))),
    ),
    gradient=VJP(sigmoid, "sigmoid", "hint.core", points=((4,), (6,), (2, 4), (3, 2, 2)), scale=2.0),
    hand_written=("expit", "sigmoid", "logistic", "sigmoid_backward"),
    examples=(Example((np.array([1.0, 1.0, 1.0]), sigmoid(np.array([0.0, 2.0, -2.0])))),
              Example((np.array([0.5, -2.0, 3.0]), np.array([0.5, 0.9, 0.1]))),
              Example((np.array([[1.0, -1.0], [2.0, 0.5]]), sigmoid(np.array([[0.0, 1.0], [-30.0, 3.0]]))))),
)
