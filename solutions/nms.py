"""Reference solution of the `nms` kata."""

import numpy as np


def nms(boxes, scores, iou_threshold, labels=None):
    """Greedy NMS: indices of the kept boxes by descending score (ties: lower index first).
    A box is dropped when a kept box (of the same label, if labels are given) overlaps it
    with IoU > iou_threshold."""
    order = np.argsort(-scores, kind="stable")
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    while order.size:
        i, rest = order[0], order[1:]
        keep.append(i)
        wh = np.clip(np.minimum(boxes[i, 2:], boxes[rest, 2:]) - np.maximum(boxes[i, :2], boxes[rest, :2]), 0, None)
        inter = wh[:, 0] * wh[:, 1]
        union = area[i] + area[rest] - inter
        iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        drop = iou > iou_threshold
        if labels is not None:
            drop &= labels[rest] == labels[i]
        order = rest[~drop]
    return np.array(keep, dtype=np.int64)
