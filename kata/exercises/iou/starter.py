"""Kata: iou. Read the statement with `kata show iou`;
check with `kata check <this file>`."""

import numpy as np


def box_iou(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """Pairwise IoU of (N, 4) and (M, 4) boxes (x1, y1, x2, y2): an (N, M) array in the
    inputs' dtype, 0 where the union is empty. Do not modify the arguments."""
    raise NotImplementedError("write box_iou here")
