"""Mistakes that many katas share, recognised from the answer alone.

Each is ``diagnose(kata, got, case, what, loose)`` for a kata's ``diagnoses``: it raises
a ``CheckFailed`` that names the mistake, or returns when it does not apply. ``loose``:
the check is about something else than precision (shape, dtype).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from kata.harness.checks import CheckFailed
from kata.harness.compare import all_close, fmt, tolerance_for
from kata.harness.messages import Msg

if TYPE_CHECKING:
    from kata.harness.contract import Case, Kata

Diagnose = Callable[["Kata", np.ndarray, "Case", Any, bool], None]


def normalised_rows(to_probabilities: Callable[[np.ndarray], np.ndarray] | None = None) -> Diagnose:
    """For answers that are a distribution per row (after ``to_probabilities``, e.g. exp
    for log-probabilities): name a normalisation over the whole batch or down the columns."""

    def diagnose(kata: Kata, got: np.ndarray, case: Case, what: Any, loose: bool) -> None:
        x = np.asarray(case.args[0])
        if x.ndim < 2 or got.shape != x.shape or not np.all(np.isfinite(got)):
            return
        with np.errstate(all="ignore"):
            p = to_probabilities(got.astype(np.float64)) if to_probabilities else got.astype(np.float64)
        rows = p.sum(axis=-1)
        if np.allclose(rows, 1.0, rtol=0, atol=1e-4):
            return
        if abs(float(p.sum()) - 1.0) <= 1e-4:
            key = "rows-batch-normalised"
        elif np.allclose(p.sum(axis=0), 1.0, rtol=0, atol=1e-4):
            key = "rows-column-normalised"
        else:
            key = "rows-not-normalised"
        said = key + ("-exp" if to_probabilities else "")
        raise CheckFailed(Msg(said, what=what, rows=fmt(rows)), Msg(f"hint-{key}"), tried=what,
                          cause=("normalised", key))

    return diagnose


def float32_precision(kata: Kata, got: np.ndarray, case: Case, what: Any, loose: bool) -> None:
    """A float64 answer right only to float32's precision: float32 somewhere inside."""
    x = np.asarray(case.args[0])
    if loose or x.dtype != np.float64 or got.dtype.kind != "f":
        return
    want = np.asarray(kata.expected(case), dtype=np.float64)
    if got.shape != want.shape:
        return
    precise = kata.tolerance_for(case, np.float64) or tolerance_for(np.float64)
    rough = kata.tolerance_for(case, np.float32) or tolerance_for(np.float32)
    if not all_close(got, want, *precise) and all_close(got, want, *rough):
        raise CheckFailed(Msg("only-float32-precise", what=what, got=fmt(got), want=fmt(want)),
                          Msg("hint-only-float32-precise"), tried=what, got=fmt(got), expected=fmt(want))
