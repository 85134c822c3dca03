"""Kata `nms`: ``nms(boxes, scores, iou_threshold, labels=None)`` is greedy non-maximum
suppression: the indices of the boxes kept, in descending score order; with ``labels``,
boxes only suppress boxes of their own class (the batched, per-class variant)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Case, Cases, Example, Group, Indices, Kata, Mistake


def pairwise_iou(boxes: np.ndarray) -> np.ndarray:
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    wh = np.clip(np.minimum(b[:, None, 2:], b[None, :, 2:]) - np.maximum(b[:, None, :2], b[None, :, :2]), 0, None)
    inter = wh[..., 0] * wh[..., 1]
    union = area[:, None] + area[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def greedy(boxes, scores, iou_threshold, labels=None, *, order=None, suppress=None, classes=True,
           suppressed_suppress=False):
    scores = np.asarray(scores, dtype=np.float64)
    n = scores.shape[0]
    iou = pairwise_iou(boxes)
    if order is None:
        order = np.argsort(-scores, kind="stable")  # ties: the lower index first
    same = np.ones((n, n), dtype=bool)
    if labels is not None and classes:
        labels = np.asarray(labels)
        same = labels[:, None] == labels[None, :]
    hit = (iou > iou_threshold) if suppress is None else suppress(iou, iou_threshold)
    keep, gone = [], np.zeros(n, dtype=bool)
    for i in order:
        if gone[i]:
            if suppressed_suppress:
                gone |= hit[i] & same[i]
            continue
        keep.append(int(i))
        gone |= hit[i] & same[i]
    return np.array(keep, dtype=np.int64)


def answer(boxes, scores, iou_threshold, labels=None):
    """The grader's own NMS: boxes by descending score (ties: lower index first); a box is
    kept unless a kept box of its class overlaps it with IoU > iou_threshold, strictly."""
    return greedy(boxes, scores, iou_threshold, labels)


def random_boxes(rng, n: int) -> np.ndarray:
    """Boxes around a few centres, so that many overlap, with sizes that vary."""
    centres = rng.uniform(0, 20, size=(max(1, n // 3), 2))
    at = centres[rng.integers(0, len(centres), size=n)] + rng.normal(0, 1.0, size=(n, 2))
    half = rng.uniform(1.0, 3.0, size=(n, 2))
    return np.concatenate([at - half, at + half], axis=1)


def clear_of(boxes, threshold, gap=1e-3):
    iou = pairwise_iou(boxes)
    return not np.any(np.abs(iou - threshold) < gap)


def draw_case(rng, n, threshold=0.5, labels=False, dtype=np.float64):
    while True:
        boxes = random_boxes(rng, n)
        if clear_of(boxes, threshold):
            break
    scores = rng.permutation(n) / max(n, 1) + 0.01 * rng.uniform(size=n) / max(n, 1)
    args = (boxes.astype(dtype), scores.astype(dtype), threshold)
    if labels:
        return Case(args, {"labels": rng.integers(0, 3, size=n)})
    return Case(args)


def boxes_arg(rng, shape):
    return draw_case(rng, shape[0]).args[0]


def scores_arg(rng, shape):
    return rng.permutation(shape[0]) / max(shape[0], 1) + 0.5


FIXED = (np.array([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0], [20.0, 20.0, 30.0, 30.0],
                   [0.5, 0.0, 10.5, 10.0], [21.0, 21.0, 29.0, 29.0]]),
         np.array([0.6, 0.9, 0.8, 0.3, 0.7]), 0.5)

# IoU exactly 0.5 (in float32 and float64): [0, 0, 4, 1] and [0, 0, 2, 1] share 2 of 4.
AT = np.array([[0.0, 0.0, 4.0, 1.0], [0.0, 0.0, 2.0, 1.0], [2.0, 0.0, 4.0, 1.0], [10.0, 0.0, 12.0, 1.0]])


def at_threshold(rng):
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    return [Case((AT, scores, 0.5)), Case((AT.astype(np.float32), scores.astype(np.float32), 0.5)),
            Case((AT, scores[::-1].copy(), 0.5)), Case((AT, scores, 0.49))]


def ties(rng):
    same = np.array([[0.0, 0.0, 2.0, 2.0], [0.1, 0.0, 2.1, 2.0], [0.0, 0.1, 2.0, 2.1], [5.0, 5.0, 6.0, 6.0]])
    boxes = random_boxes(rng, 8)
    return [Case((same, np.full(4, 0.5), 0.3)), Case((same[::-1].copy(), np.array([0.5, 0.5, 0.9, 0.5]), 0.3)),
            Case((boxes, np.round(rng.uniform(0, 1, size=8), 1), 0.4))]


def per_class(rng):
    labels = np.array([0, 1, 0, 1, 2])
    return [Case(FIXED, {"labels": labels}), Case(FIXED, {"labels": np.zeros(5, dtype=np.int64)}),
            draw_case(rng, 12, 0.4, labels=True), draw_case(rng, 20, 0.6, labels=True),
            draw_case(rng, 9, 0.5, labels=True, dtype=np.float32)]


def empty(rng):
    return [Case((np.zeros((0, 4)), np.zeros(0), 0.5)),
            Case((np.zeros((0, 4)), np.zeros(0), 0.5), {"labels": np.zeros(0, dtype=np.int64)}),
            Case((np.array([[0.0, 0.0, 1.0, 1.0]]), np.array([0.3]), 0.5))]


KATA = Kata(
    id="nms",
    function="nms",
    args=(Arg("boxes", boxes_arg), Arg("scores", scores_arg), Arg("iou_threshold", lambda rng, shape: 0.5),
          Arg("labels", default=None)),
    reference=answer,
    folder=Path(__file__).parent,
    topic="detection",
    difficulty=3,
    time_limit=15,
    order=20,
    result=Indices(),
    basic=(FIXED, lambda rng: draw_case(rng, 10), lambda rng: draw_case(rng, 25, 0.3)),
    basic_shapes=((6,), (15,)),
    own=(Cases("threshold", (Group(at_threshold, hint="hint.threshold"),)),
         Cases("ties", (Group(ties, hint="hint.ties"),)),
         Cases("per-class", (Group(per_class, hint="hint.per-class"),)),
         Cases("empty", (Group(empty, hint="hint.empty"),))),
    shapes=((1,), (2,), (7,), (30,)),
    fortran_shape=(8,),
    dtype_shapes=((6,), (12,)),
    mutation_shapes=((6,), (10,)),
    check_hints={"basic": "hint.core", "shape": "hint.core", "dtype": "hint.dtype"},
    mistakes=(
        Mistake("unsorted", lambda b, s, t, labels=None: greedy(b, s, t, labels, order=np.arange(len(s)))),
        Mistake("at-threshold", lambda b, s, t, labels=None: greedy(b, s, t, labels, suppress=lambda i, t: i >= t)),
        Mistake("across-classes", lambda b, s, t, labels=None: greedy(b, s, t, labels, classes=False),
                when=lambda b, s, t, labels=None: labels is not None),
        Mistake("ties-reversed", lambda b, s, t, labels=None: greedy(b, s, t, labels,
                                                                      order=np.argsort(s, kind="stable")[::-1])),
        Mistake("suppressed-suppress", lambda b, s, t, labels=None: greedy(b, s, t, labels,
                                                                            suppressed_suppress=True)),
    ),
    hand_written=("nms", "batched_nms", "NMSBoxes", "non_max_suppression", "box_iou"),
    examples=(Example(FIXED), Example(FIXED, {"labels": np.array([0, 1, 0, 1, 2])}),
              Example((AT, np.array([0.9, 0.8, 0.7, 0.6]), 0.5))),
)
