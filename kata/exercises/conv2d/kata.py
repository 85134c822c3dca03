"""Kata `conv2d`: ``conv2d(x, weight, stride=1, padding=0)`` is the 2-D convolution of deep
learning frameworks (a cross-correlation) of (N, C, H, W) inputs with (F, C, KH, KW) filters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kata.harness import Arg, Budget, Case, Cases, Example, Group, Kata, Like, Mistake
from kata.harness.compare import tolerance_for


def out_size(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _correlate(xp: np.ndarray, weight: np.ndarray, stride: int) -> np.ndarray:
    windows = sliding_window_view(xp, weight.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwij,fcij->nfhw", windows, weight, optimize=True)


def answer(x: np.ndarray, weight: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """The grader's own conv2d, in float64: zero padding on all four sides, then the
    weights slid over the input unflipped, every ``stride``-th position."""
    x = np.asarray(x, dtype=np.float64)
    weight = np.asarray(weight, dtype=np.float64)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return _correlate(xp, weight, stride)


def flipped(x, weight, stride=1, padding=0):
    return answer(x, np.asarray(weight)[:, :, ::-1, ::-1], stride, padding)


def one_side(x, weight, stride=1, padding=0):
    """Padding 2p before and none after (same size, shifted), or p before only."""
    x = np.asarray(x, dtype=np.float64)
    weight = np.asarray(weight, dtype=np.float64)
    return [_correlate(np.pad(x, ((0, 0), (0, 0), before, before)), weight, stride)
            for before in ((2 * padding, 0), (0, 2 * padding))]


def expected_shape(x, weight, stride=1, padding=0):
    (n, _, h, w), (f, _, kh, kw) = np.shape(x), np.shape(weight)
    return n, f, out_size(h, kh, stride, padding), out_size(w, kw, stride, padding)


def shape_hint(got, case):
    x, weight = case.args[:2]
    stride, padding = case.kwargs.get("stride", 1), case.kwargs.get("padding", 0)
    want = expected_shape(x, weight, stride, padding)
    if len(got) != 4 or got[:2] != want[:2]:
        return None
    h, w = x.shape[2:]
    kh, kw = weight.shape[2:]
    one = ((h + padding - kh) // stride + 1, (w + padding - kw) // stride + 1)
    if padding and tuple(got[2:]) == one:
        return KATA.msg("shape.one-side")
    if all(abs(g - s) <= 1 for g, s in zip(got[2:], want[2:], strict=True)):
        return KATA.msg("shape.off-by-one")
    return None


def tolerance(case, dtype):
    """The dtype's tolerance, plus the rounding of a sum of C · KH · KW products: a few
    ulps of the largest term times the number of terms (a difference of large sums)."""
    x, weight = (np.asarray(a, dtype=np.float64) for a in case.args[:2])
    atol, rtol = tolerance_for(dtype)
    terms = weight[0].size
    largest = float(np.abs(x).max(initial=0.0) * np.abs(weight).max(initial=0.0))
    return max(atol, 4 * float(np.finfo(dtype).eps) * terms * largest), rtol


def first(rng, shape):
    n, c, h, w = shape[:4]
    return rng.normal(0.0, 1.0, size=(n, c, h, w))


def second(rng, shape):
    c, f, kh, kw = shape[1], shape[4], shape[5], shape[6]
    return rng.normal(0.0, 1.0, size=(f, c, kh, kw))


def draw(rng, shape, **kwargs):
    return Case((first(rng, shape), second(rng, shape)), kwargs)


# Asymmetric weights, so that a flipped kernel gives other numbers.
FIXED = (np.arange(16.0).reshape(1, 1, 4, 4), np.array([[[[1.0, 2.0], [0.0, -1.0]]]]))


def strides_and_padding(rng):
    return [draw(rng, (2, 3, 7, 7, 4, 3, 3), stride=2),
            draw(rng, (1, 2, 6, 5, 3, 3, 3), padding=1),
            draw(rng, (2, 2, 8, 7, 2, 3, 2), stride=2, padding=1),
            draw(rng, (1, 3, 9, 10, 2, 4, 3), stride=3, padding=2),
            draw(rng, (1, 1, 5, 5, 1, 5, 5), padding=0),
            draw(rng, (2, 4, 6, 6, 3, 1, 1), stride=2),
            Case(FIXED, {"stride": 1, "padding": 1}),
            Case((FIXED[0].astype(np.float32), FIXED[1].astype(np.float32)), {"stride": 2, "padding": 1})]


def large(rng):
    return [draw(rng, (8, 4, 48, 48, 16, 3, 3), padding=1)]


KATA = Kata(
    id="conv2d",
    function="conv2d",
    args=(Arg("x", first), Arg("weight", second), Arg("stride", default=1), Arg("padding", default=0)),
    reference=answer,
    folder=Path(__file__).parent,
    topic="convolution",
    difficulty=3,
    time_limit=20,
    order=10,
    result=Like("x", shape=expected_shape, shape_hints=shape_hint),
    basic=(FIXED, (FIXED[0].astype(np.float32), FIXED[1].astype(np.float32))),
    basic_shapes=((1, 1, 5, 5, 1, 3, 3), (2, 3, 6, 5, 4, 3, 2)),
    own=(Cases("stride-padding", (Group(strides_and_padding, hint="hint.stride-padding"),)),
         Budget("vectorised", large, cpu=0.15, message="hint.vectorise")),
    shapes=((1, 1, 3, 3, 1, 3, 3), (3, 2, 4, 6, 1, 2, 2), (1, 5, 7, 4, 2, 1, 3), (2, 1, 1, 8, 3, 1, 4)),
    fortran_shape=(2, 3, 5, 5, 2, 3, 3),
    dtype_shapes=((2, 2, 5, 5, 3, 3, 3), (1, 1, 4, 4, 1, 2, 2)),
    mutation_shapes=((2, 2, 5, 5, 3, 3, 3), (1, 3, 4, 4, 2, 2, 2)),
    check_hints={"basic": "hint.core", "shape": "hint.core"},
    tolerance=tolerance,
    mistakes=(
        Mistake("flipped", flipped),
        Mistake("one-side", one_side, when=lambda x, weight, stride=1, padding=0: padding > 0, many=True),
    ),
    hand_written=("conv2d", "convolve", "convolve2d", "correlate", "correlate2d", "fftconvolve", "filter2D"),
    examples=(Example(FIXED), Example(FIXED, {"padding": 1}), Example(FIXED, {"stride": 2, "padding": 1})),
)
