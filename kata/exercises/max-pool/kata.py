"""Kata `max-pool`: ``max_pool2d(x, dy, kernel_size, stride=None)`` returns ``(y, dx)``: 2-D max
pooling of (N, C, H, W) inputs and, for the upstream gradient dy, the gradient with respect to x."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kata.harness import Arg, Arrays, Case, Cases, Example, ForwardBackward, Group, Kata, Mistake
from kata.harness.compare import tolerance_for


def out_size(size: int, kernel: int, stride: int) -> int:
    return (size - kernel) // stride + 1


def output_shape(x, dy=None, kernel_size=1, stride=None):
    n, c, h, w = np.shape(x)
    s = kernel_size if stride is None else stride
    return n, c, out_size(h, kernel_size, s), out_size(w, kernel_size, s)


def windows(x, k, s):
    """(N, C, H_out, W_out, k·k): every window, flattened in row-major order."""
    n, c = x.shape[:2]
    win = sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s]
    return win.reshape(n, c, win.shape[2], win.shape[3], k * k)


def scatter(x, dy, k, s, picked, *, assign=None):
    """dx from ``picked[n, c, i, j, p]``, the share of window (i, j)'s dy that goes to its
    position p. Shares are added (``assign=None``), or written over one another in
    row-major window order (``"last"`` wins) or the reverse (``"first"`` wins)."""
    n, c, ho, wo, _ = picked.shape
    dx = np.zeros(x.shape)
    order = [(i, j) for i in range(ho) for j in range(wo)]
    if assign == "first":
        order.reverse()
    for i, j in order:
        for p in range(k * k):
            share = picked[:, :, i, j, p] * dy[:, :, i, j]
            u, v = i * s + p // k, j * s + p % k
            if assign is None:
                dx[:, :, u, v] += share
            else:
                chosen = picked[:, :, i, j, p] != 0
                dx[:, :, u, v] = np.where(chosen, share, dx[:, :, u, v])
    return dx


def first_max(win):
    return np.eye(win.shape[-1])[np.argmax(win, axis=-1)] if win.size else np.zeros(win.shape)


def pool(x, dy, kernel_size, stride=None, *, picks=first_max, assign=None):
    x, dy = np.asarray(x, dtype=np.float64), np.asarray(dy, dtype=np.float64)
    k = int(kernel_size)
    s = k if stride is None else int(stride)
    win = windows(x, k, s)
    y = win.max(axis=-1) if win.size else np.zeros(win.shape[:-1])
    return y, scatter(x, dy, k, s, picks(win), assign=assign)


def answer(x, dy, kernel_size, stride=None):
    """The grader's own max pooling, in float64: windows k × k every ``stride`` (default
    k) positions, no padding, the last partial windows dropped; each window's dy goes to
    its FIRST maximum in row-major order, and overlapping windows add up."""
    return pool(x, dy, kernel_size, stride)


def every_max(win):
    return (win == win.max(axis=-1, keepdims=True)).astype(np.float64)


def split_max(win):
    mask = every_max(win)
    return mask / mask.sum(axis=-1, keepdims=True)


def last_max(win):
    flipped = np.argmax(win[..., ::-1], axis=-1)
    return np.eye(win.shape[-1])[win.shape[-1] - 1 - flipped]


def ties_all(x, dy, kernel_size, stride=None):
    return [(None, pool(x, dy, kernel_size, stride, picks=p)[1]) for p in (every_max, split_max)]


def ties_last(x, dy, kernel_size, stride=None):
    return None, pool(x, dy, kernel_size, stride, picks=last_max)[1]


def overlap_assigned(x, dy, kernel_size, stride=None):
    return [(None, pool(x, dy, kernel_size, stride, assign=a)[1]) for a in ("last", "first")]


def overlapping(x, dy, kernel_size, stride=None):
    return stride is not None and stride < kernel_size


def tolerance(case, dtype):
    """y is a maximum, exact in any dtype; dx adds up to ⌈k/s⌉² shares of dy per input
    value: 8 ulps of that many times max|dy|."""
    x, dy, k = case.args[:3]
    s = case.kwargs.get("stride", case.args[3] if len(case.args) > 3 else None) or k
    atol, rtol = tolerance_for(dtype)
    shares = (-(-k // s)) ** 2  # ⌈k / s⌉²
    top = float(np.abs(np.asarray(dy, dtype=np.float64)).max(initial=0.0))
    return [(atol, rtol), (max(atol, 8 * float(np.finfo(dtype).eps) * shares * top), rtol)]


# A case's shape is (N, C, H, W, kernel_size, stride).
def draw_x(rng, shape):
    return rng.normal(0.0, 1.0, size=shape[:4])


def draw_dy(rng, shape):
    n, c, h, w, k, s = shape
    return rng.normal(0.0, 1.0, size=(n, c, out_size(h, k, s), out_size(w, k, s)))


def case(rng, shape, x=None, dtype=np.float64, stride="given"):
    """A call of ``shape``; ``stride`` given by position (default), by keyword, or left out."""
    xs = draw_x(rng, shape) if x is None else np.asarray(x, dtype=np.float64)
    args = (xs.astype(dtype), draw_dy(rng, shape).astype(dtype), int(shape[4]))
    if stride == "given":
        return Case((*args, int(shape[5])))
    if stride == "keyword":
        return Case(args, {"stride": int(shape[5])})
    return Case(args)


FIXED_X = np.array([[[[1.0, 3.0, 2.0, 0.0],
                      [4.0, -1.0, 5.0, 6.0],
                      [0.5, 2.5, -3.0, 1.5],
                      [7.0, 0.0, 1.0, -2.0]]]])
FIXED_DY = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
# The centre is the largest value of all four 2 × 2 windows at stride 1.
PEAK = np.array([[[[1.0, 2.0, 0.0], [3.0, 9.0, 4.0], [0.0, 5.0, 6.0]]]])
PEAK_DY = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])


def overlap(rng):
    """stride < kernel_size: one input can be the maximum of several windows, and then
    receives the sum of their dy."""
    return [Case((PEAK, PEAK_DY, 2, 1)),
            Case((PEAK.astype(np.float32), PEAK_DY.astype(np.float32), 2, 1)),
            case(rng, (2, 2, 6, 6, 3, 1)),
            case(rng, (1, 3, 7, 5, 3, 2)),
            case(rng, (2, 1, 8, 8, 4, 2), stride="keyword"),
            case(rng, (1, 2, 5, 6, 2, 1), x=rng.integers(0, 3, size=(1, 2, 5, 6)))]  # overlaps and ties


def ties(rng):
    """Equal maxima in a window: the whole dy goes to the first one, in row-major order;
    windows of -inf are ties too."""
    flat = np.array([[[[1.0, 1.0, 0.0, 2.0], [0.0, 1.0, 2.0, 2.0]]]])
    low = np.full((1, 1, 4, 4), -np.inf)
    low[0, 0, 2:, 2:] = [[0.0, -np.inf], [0.0, 3.0]]
    return [Case((flat, np.array([[[[5.0, -2.0]]]]), 2, 2)),
            Case((np.zeros((2, 2, 4, 4)), rng.normal(0.0, 1.0, size=(2, 2, 2, 2)), 2, 2)),
            case(rng, (2, 3, 6, 6, 3, 3), x=rng.integers(-1, 2, size=(2, 3, 6, 6))),
            case(rng, (1, 2, 6, 4, 2, 2), x=rng.integers(0, 2, size=(1, 2, 6, 4)), dtype=np.float32),
            Case((low, rng.normal(0.0, 1.0, size=(1, 1, 2, 2)), 2, 2))]


def sizes(rng):
    """stride left out (it defaults to kernel_size) or given by keyword, and sizes where
    the last windows do not fit: they are dropped, H_out = (H − k) // stride + 1."""
    return [case(rng, (2, 3, 6, 6, 2, 2), stride="omitted"),
            case(rng, (1, 2, 7, 9, 3, 3), stride="omitted"),
            case(rng, (2, 1, 5, 5, 2, 2), stride="keyword"),
            case(rng, (1, 2, 7, 6, 2, 3)),
            case(rng, (3, 1, 4, 7, 4, 4)),
            Case((FIXED_X, FIXED_DY, 2), {"stride": None})]


def draw_grad(rng):
    return [case(rng, (1, 2, 4, 4, 2, 2)), case(rng, (1, 1, 5, 5, 3, 2)), case(rng, (1, 1, 4, 3, 2, 1))]


KATA = Kata(
    id="max-pool",
    function="max_pool2d",
    args=(Arg("x", draw_x), Arg("dy", draw_dy), Arg("kernel_size", lambda rng, shape: int(shape[4])),
          Arg("stride", lambda rng, shape: int(shape[5]), default=None)),
    reference=answer,
    folder=Path(__file__).parent,
    topic="convolution",
    difficulty=3,
    time_limit=20,
    order=20,
    result=Arrays((("y", output_shape), ("dx", "x")), dtype_arg="x",
                  hints={"y": "hint.forward", "dx": "hint.backward"}, tolerance=tolerance),
    basic=((FIXED_X, FIXED_DY, 2, 2), (FIXED_X.astype(np.float32), FIXED_DY.astype(np.float32), 2, 2),
           lambda rng: case(rng, (2, 3, 6, 4, 2, 2))),
    basic_shapes=((1, 1, 4, 4, 2, 2), (2, 3, 6, 9, 3, 3), (3, 2, 8, 6, 2, 2)),
    own=(Cases("overlap", (Group(overlap, hint="hint.overlap"),)),
         Cases("ties", (Group(ties, hint="hint.ties"),)),
         Cases("sizes", (Group(sizes, hint="hint.sizes"),))),
    shapes=((1, 1, 1, 1, 1, 1), (1, 1, 2, 2, 2, 2), (4, 1, 4, 4, 2, 2), (1, 5, 6, 3, 3, 3), (2, 2, 5, 7, 2, 2),
            (1, 3, 4, 6, 4, 4), (2, 1, 3, 8, 1, 1)),
    fortran_shape=(2, 3, 6, 6, 2, 2),
    dtype_shapes=((2, 2, 4, 4, 2, 2), (1, 3, 6, 6, 3, 3)),
    mutation_shapes=((2, 2, 4, 4, 2, 2), (1, 2, 6, 6, 3, 3)),
    mistakes=(
        Mistake("ties-all", ties_all, many=True),
        Mistake("ties-last", ties_last),
        Mistake("overlap-assigned", overlap_assigned, when=overlapping, many=True),
    ),
    gradient=ForwardBackward("y", "dy", (("dx", "x"),), "formula.backward", "hint.backward", draw=draw_grad),
    hand_written=("max_pool2d", "MaxPool2d", "max_pool2d_with_indices", "max_pool", "MaxPooling2D",
                  "adaptive_max_pool2d", "maximum_filter", "block_reduce", "max_unpool2d"),
    examples=(Example((FIXED_X, FIXED_DY, 2, 2)), Example((PEAK, PEAK_DY, 2, 1)),
              Example((np.array([[[[1.0, 1.0], [0.0, 1.0]]]]), np.array([[[[1.0]]]]), 2))),
)
