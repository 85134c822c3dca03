"""Kata `iou`: ``box_iou(boxes1, boxes2)`` is the (N, M) matrix of intersection over union
of every box of boxes1 (N, 4) with every box of boxes2 (M, 4), corners (x1, y1, x2, y2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Budget, Case, Cases, Example, Group, Kata, Like, Mistake


def _parts(boxes1, boxes2, plus=0.0):
    a = np.asarray(boxes1, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(boxes2, dtype=np.float64).reshape(-1, 4)
    area_a = (a[:, 2] - a[:, 0] + plus) * (a[:, 3] - a[:, 1] + plus)
    area_b = (b[:, 2] - b[:, 0] + plus) * (b[:, 3] - b[:, 1] + plus)
    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]) + plus
    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]) + plus
    return area_a, area_b, w, h


def _ratio(inter, union):
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def answer(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """The grader's own box_iou, in float64: continuous coordinates (no +1), the overlap
    clamped at zero on each axis, and 0 where the union is empty."""
    area_a, area_b, w, h = _parts(boxes1, boxes2)
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    return _ratio(inter, area_a[:, None] + area_b[None, :] - inter)


def no_clamp(boxes1, boxes2):
    area_a, area_b, w, h = _parts(boxes1, boxes2)
    return [_ratio(inter, area_a[:, None] + area_b[None, :] - inter)
            for inter in (w * h, np.clip(w * h, 0, None))]  # not clamped, or clamped after the product


def plus_one(boxes1, boxes2):
    area_a, area_b, w, h = _parts(boxes1, boxes2, plus=1.0)
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    return _ratio(inter, area_a[:, None] + area_b[None, :] - inter)


def union_as_sum(boxes1, boxes2):
    area_a, area_b, w, h = _parts(boxes1, boxes2)
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    return _ratio(inter, area_a[:, None] + area_b[None, :])


def as_xywh(boxes1, boxes2):
    def corners(boxes):
        boxes = np.asarray(boxes, dtype=np.float64)
        return np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]], axis=1)

    return answer(corners(boxes1), corners(boxes2))


def random_boxes(rng, n: int, span: float = 10.0) -> np.ndarray:
    """``n`` boxes with corners in [0, span + 5]: many overlap, many are apart on both axes."""
    corner = rng.uniform(0.0, span, size=(n, 2))
    size = rng.uniform(0.5, 5.0, size=(n, 2))
    return np.concatenate([corner, corner + size], axis=1)


def first(rng, shape):
    return random_boxes(rng, shape[0])


def second(rng, shape):
    return random_boxes(rng, shape[-1])


FIXED = (
    np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 4.0], [5.0, 5.0, 6.0, 6.0]]),
    np.array([[1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 2.0, 2.0], [3.0, 3.0, 4.0, 4.0], [-1.0, 0.5, 0.5, 1.5]]),
)


def degenerate(rng):
    """Zero-width and zero-height boxes, points, boxes that only touch: the union of two
    empty boxes is 0, and their IoU is 0 by the contract, with no warning."""
    flat = np.array([[1.0, 1.0, 1.0, 3.0], [0.0, 2.0, 4.0, 2.0], [2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 2.0, 2.0]])
    touching = np.array([[2.0, 0.0, 4.0, 2.0], [0.0, 2.0, 2.0, 4.0], [2.0, 2.0, 2.0, 2.0], [1.0, 1.0, 1.0, 3.0]])
    points = np.repeat(rng.uniform(0, 5, size=(3, 2)), 2, axis=0).reshape(3, 4)
    return [Case((flat, touching)), Case((points, points.copy())),
            Case((flat.astype(np.float32), touching.astype(np.float32)))]


def empty(rng):
    some = random_boxes(rng, 3)
    return [Case((np.zeros((0, 4)), some)), Case((some, np.zeros((0, 4)))), Case((np.zeros((0, 4)), np.zeros((0, 4))))]


def large(rng):
    return [Case((random_boxes(rng, 1000, 100.0), random_boxes(rng, 1000, 100.0)))]


KATA = Kata(
    id="iou",
    function="box_iou",
    args=(Arg("boxes1", first), Arg("boxes2", second)),
    reference=answer,
    folder=Path(__file__).parent,
    topic="detection",
    difficulty=2,
    time_limit=12,
    order=10,
    result=Like("boxes1", shape=lambda boxes1, boxes2: (len(boxes1), len(boxes2))),
    basic=(FIXED, (FIXED[0].astype(np.float32), FIXED[1].astype(np.float32)), (FIXED[1], FIXED[0])),
    basic_shapes=((3, 4), (6, 5), (10, 12)),
    own=(Cases("degenerate", (Group(degenerate, hint="hint.degenerate", quiet="hint.degenerate"),)),
         Cases("empty", (Group(empty, hint="hint.empty"),)),
         Budget("vectorised", large, cpu=0.3, message="hint.vectorise")),
    shapes=((1, 1), (1, 7), (8, 1), (5, 5), (20, 30)),
    fortran_shape=(6, 5),
    dtype_shapes=((4, 3), (1, 1)),
    mutation_shapes=((3, 4), (2, 5)),
    check_hints={"basic": "hint.core", "shape": "hint.core"},
    mistakes=(
        Mistake("no-clamp", no_clamp, many=True),
        Mistake("plus-one", plus_one),
        Mistake("union-as-sum", union_as_sum),
        Mistake("xywh", as_xywh),
    ),
    hand_written=("box_iou", "bbox_overlaps", "box_area", "generalized_box_iou"),
    examples=(Example(FIXED),
              Example((np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 1.0, 1.0]]),
                       np.array([[2.0, 0.0, 4.0, 2.0], [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 2.0, 2.0]]))),
              Example((np.zeros((0, 4)), np.array([[0.0, 0.0, 1.0, 1.0]])))),
)
