"""Tolerances, comparisons and the short array renderings used in messages."""

from __future__ import annotations

import numpy as np

# |got - want| <= atol + rtol * |want|, by the dtype of the input.
TOLERANCES: dict[np.dtype, tuple[float, float]] = {
    np.dtype(np.float64): (1e-12, 1e-6),
    np.dtype(np.float32): (1e-7, 1e-4),
}


def tolerance_for(dtype: np.dtype) -> tuple[float, float]:
    return TOLERANCES.get(np.dtype(dtype), TOLERANCES[np.dtype(np.float64)])


def close_mask(got: np.ndarray, want: np.ndarray, atol: float, rtol: float) -> np.ndarray:
    """Elementwise closeness. NaN never matches; an infinite ``want`` needs the same infinity."""
    got = np.asarray(got, dtype=np.float64) if got.dtype.kind != "c" else got
    want = np.asarray(want, dtype=np.float64)
    with np.errstate(all="ignore"):
        finite_ok = np.abs(got - want) <= atol + rtol * np.abs(want)
        inf_ok = got == want
    return np.where(np.isinf(want), inf_ok, finite_ok) & ~np.isnan(got)


def all_close(got: np.ndarray, want: np.ndarray, atol: float, rtol: float) -> bool:
    return got.shape == want.shape and bool(np.all(close_mask(got, want, atol, rtol)))


def fmt(value: object, limit: int = 160) -> str:
    """A one-line, length-limited rendering of an array for messages."""
    arr = np.asarray(value)
    with np.printoptions(precision=6, threshold=12, edgeitems=3, linewidth=10_000, suppress=False):
        text = np.array2string(arr, separator=", ") if arr.ndim else repr(arr.item())
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 5] + " ...]"
    return text


def first_mismatch(got: np.ndarray, want: np.ndarray, atol: float, rtol: float) -> tuple[int, ...] | None:
    bad = np.argwhere(~close_mask(got, want, atol, rtol))
    return tuple(int(i) for i in bad[0]) if len(bad) else None
