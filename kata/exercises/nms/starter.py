"""Kata: nms. Read the statement with `kata show nms`;
check with `kata check <this file>`."""

import numpy as np


def nms(boxes, scores, iou_threshold, labels=None):
    """Indices (int64) of the boxes kept by greedy non-maximum suppression, by descending
    score; with labels, boxes only suppress boxes of their own label."""
    raise NotImplementedError("write nms here")
