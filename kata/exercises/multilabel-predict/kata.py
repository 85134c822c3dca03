"""Kata `multilabel-predict`: ``predict_labels(logits, threshold=0.5)`` turns (N, C) logits
into an (N, C) boolean mask, class k on when sigmoid(logit) > threshold."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from kata.harness import Arg, Case, Cases, Example, Group, Kata, Mask, Mistake, reference

sigmoid, softmax = reference.sigmoid, reference.softmax


def predict(logits: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """σ(logit) > threshold, strictly, each class on its own; σ in float64, stable."""
    return sigmoid(logits) > threshold


def boundary(t: float) -> float:
    """The logit whose probability is exactly ``t``: log(t / (1 − t))."""
    return math.log(t) - math.log1p(-t)


def away(x: np.ndarray, t: float, gap: float = 0.05) -> np.ndarray:
    """Logits within ``gap`` of the decision boundary moved out to ±gap, so that every
    correct way of deciding (probabilities or log-odds, float32 or float64) agrees."""
    d = x - boundary(t)
    return np.where(np.abs(d) < gap, boundary(t) + np.where(d >= 0, gap, -gap), x)


def logits(rng, shape, t=0.5, scale=3.0, dtype=np.float64):
    return away(rng.normal(0, scale, size=shape), t).astype(dtype)


def probe(t: float) -> np.ndarray:
    """A row that tells the classic mistakes apart for this threshold: values on both sides
    of the right boundary and of the wrong ones (0, t itself, −log(t / (1 − t))), between 0
    and t, and tied large logits, which an argmax splits but a softmax does not."""
    b = boundary(t)
    row = [b - 1.0, b + 1.0, abs(b) + 1.0, abs(b) + 1.0, t / 2, 2.0, 2.0, 1.5, 1.5]
    for edge in (b, 0.0, t, -b):
        row += [edge - 0.1, edge + 0.1]
    return away(np.array([row]), t)


def threshold_of(x, threshold=0.5):
    return threshold


def called(x, t, how):
    return Case((x,)) if how == "default" else Case((x,), {"threshold": t}) if how == "keyword" else Case((x, t))


def explain(idx, case, got, want):
    i, j = idx
    logit = float(case.args[0][i, j])
    return KATA.msg("difference", i=i, j=j, logit=f"{logit:.9g}", p=f"{float(sigmoid(np.array(logit))):.9g}",
                    t=f"{threshold_of(*case.args, **case.kwargs):g}", want=bool(want[i, j]), got=bool(got[i, j]))


def one_hot(x, threshold=0.5):
    hot = np.zeros(x.shape, dtype=bool)
    np.put_along_axis(hot, np.argmax(x, axis=-1)[:, None], True, axis=-1)
    return hot


def thresholds(rng):
    plan = [(0.3, "keyword"), (0.9, "keyword"), (0.05, "positional"), (0.7, "positional"), (0.999, "keyword"),
            (0.5, "keyword")]
    cases = [c for t, how in plan for c in (called(probe(t), t, how), called(logits(rng, (4, 5), t, 4.0), t, how))]
    return [*cases, called(logits(rng, (3, 4), 0.2, dtype=np.float32), 0.2, "keyword")]


def extreme(rng):
    x = np.array([[1e4, -1e4, 1000.0, -1000.0], [800.0, -800.0, 710.0, -710.0], [0.5, -0.5, 745.0, -745.0]])
    return [called(x, None, "default"), called(x, 0.9, "keyword"),
            called(away(rng.uniform(-1e4, 1e4, size=(4, 5)), 0.3), 0.3, "keyword"),
            Case((np.array([[100.0, -100.0, 89.0, -89.0, 88.8, -88.8]], dtype=np.float32),)),
            called(away(rng.uniform(-1e4, 1e4, size=(3, 4)), 0.7).astype(np.float32), 0.7, "positional")]


def raised(res):
    if res.exc_type == "TypeError" and "threshold" in res.exc_msg:
        return KATA.msg("hint.threshold-name")
    return None


FIXED = np.array([[2.0, -1.0, 0.25], [-0.2, 0.0, 5.0], [2.0, 2.0, -1.0], [-3.0, -0.5, -2.0]])

KATA = Kata(
    id="multilabel-predict",
    function="predict_labels",
    args=(Arg("logits", logits), Arg("threshold", default=0.5)),
    reference=predict,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=2,
    time_limit=10,
    order=80,
    result=Mask("logits", shape_hints=lambda got, case: KATA.msg(
        "shape.argmax" if got == case.args[0].shape[:1] else "shape.other"),
        probabilities=lambda x, threshold=0.5: sigmoid(x), explain=explain),
    basic=(FIXED, FIXED.astype(np.float32), probe(0.5)),
    basic_shapes=((5, 3), (8, 4), (1, 6)),
    own=(Cases("threshold", (Group(thresholds, hint="hint.threshold"),)),
         Cases("overflow", (Group(extreme, hint="hint.overflow", quiet="hint.overflow"),))),
    shapes=((1, 1), (1, 5), (6, 1), (4, 3), (32, 10)),
    fortran_shape=(5, 3),
    dtype_shapes=((4, 3), (1, 1)),
    mutation_shapes=((3, 4), (2, 3)),
    check_hints={"basic": "hint.core", "shape": "hint.core", "dtype": "hint.dtype"},
    raised=raised,
    mistakes=(
        Mistake("at-threshold", lambda x, threshold=0.5: sigmoid(x) >= threshold),
        Mistake("raw-logits", lambda x, threshold=0.5: x > threshold),
        Mistake("default-only", lambda x, threshold=0.5: sigmoid(x) > 0.5),
        Mistake("odds-inverted", lambda x, threshold=0.5: x > boundary(1 - threshold)),
        Mistake("argmax", one_hot),
        Mistake("softmax", lambda x, threshold=0.5: softmax(x) > threshold),
        Mistake("reversed", lambda x, threshold=0.5: sigmoid(x) < threshold),
    ),
    hand_written=("expit", "sigmoid", "logistic", "softmax"),
    exact=True,
    examples=(Example((np.array([[2.0, -1.0, 0.25], [-0.2, 0.0, 5.0]]),)),
              Example((np.array([[2.0, -1.0, 0.25], [-0.2, 0.0, 5.0]]),), {"threshold": 0.3}),
              Example((np.array([[1000.0, -1000.0], [3.0, 2.0]]),), {"threshold": 0.9})),
)
