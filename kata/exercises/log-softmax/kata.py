"""Kata `log-softmax`: ``log_softmax(x)`` along the last axis, computed in log space."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Cases, CheckFailed, Example, Group, Jacobian, Kata, Mistake, expect_close, normal, reference
from kata.harness.compare import fmt
from kata.harness.diagnoses import float32_precision, normalised_rows
from kata.harness.results import scaled_tolerance


def jacobian(x: np.ndarray) -> np.ndarray:
    """∂ log s_i / ∂ x_j = δ_ij − s_j: one block I − 1 sᵀ per row, over flattened indices."""
    s = reference.softmax(x)
    rows = s.reshape(-1, s.shape[-1])
    n = rows.shape[1]
    full = np.zeros((s.size, s.size))
    for r, row in enumerate(rows):
        full[r * n : (r + 1) * n, r * n : (r + 1) * n] = np.eye(n) - np.outer(np.ones(n), row)
    return full


def tolerance(case, dtype):
    """log_softmax(x) = x − logsumexp(x) subtracts numbers as large as x: even an exact
    method is off by a few ulps of max|x| (rounding of the input's scale, not a bug)."""
    return scaled_tolerance(np.asarray(case.args[0]), dtype)


def in_dtype(fn):
    """A wrong formula as a submission computes it: in the input's own dtype."""
    def wrong(x):
        m = np.max(x, axis=-1, keepdims=True)
        return fn(x, m, np.exp(x - m))
    return wrong


def exp_sums_to_one_and_shifts(ctx, kata):
    x = ctx.rng.normal(0, 2, size=7)
    c = float(ctx.rng.uniform(-40, 40))
    got, moved = kata.judge(ctx, [x, x + c], hint=kata.msg("hint.lse"))
    total = float(np.sum(np.exp(got)))
    if not abs(total - 1.0) <= 1e-9:
        what = kata.describe(x)
        raise CheckFailed(kata.msg("exp-sums-to", what=what, total=repr(total)), kata.msg("hint.exp-sums-to"),
                          tried=what)
    expect_close(moved, got, kata.msg("shift", c=f"{c:.3f}", x=fmt(x)), hint=kata.msg("hint.shift"))


def masked(rng):
    x = rng.normal(0, 2, size=(3, 6))
    x[rng.random(x.shape) < 0.4] = -np.inf
    x[:, 0] = rng.normal(0, 2, size=3)  # keep one finite entry per row
    return [np.array([0.5, -np.inf, 1.25, -np.inf]), np.array([1000.0, -np.inf, 999.0]),
            np.array([2.0, -np.inf, 1.0], dtype=np.float32), np.array([[0.0, -np.inf, 1.0], [-np.inf, 2.0, 2.0]]), x]


KATA = Kata(
    id="log-softmax",
    function="log_softmax",
    args=(Arg("x", normal(2.0)),),
    reference=reference.log_softmax,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=2,
    time_limit=10,
    order=40,
    basic=(np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0]), np.array([-1.5, 0.25, 4.0, 0.25]),
           np.array([[1.0, 2.0, 3.0], [0.5, 0.5, -2.0]])),
    basic_then=exp_sums_to_one_and_shifts,
    own=(
        Cases("overflow", (  # large logits whose gaps stay small: only a missing max shift fails here
            Group(lambda rng: [np.array([123.0, 456.0, 789.0]), np.array([1000.0, 1001.0, 1002.0]),
                               1e4 + rng.normal(0, 3, size=5), rng.uniform(800.0, 1300.0, size=6),
                               np.array([89.0, 90.0, 100.0], dtype=np.float32),
                               rng.uniform(88.8, 140.0, size=5).astype(np.float32)],
                  hint="hint.lse", quiet="hint.lse"),
            Group(lambda rng: [np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]]),
                               np.stack([s + rng.normal(0, 3, size=5) for s in rng.permutation([0.0, 1e2, 1e3, 1e4])])],
                  hint="hint.rowwise", quiet="hint.rowwise"),
        )),
        Cases("underflow", (  # large gaps (probabilities that underflow to 0) and -inf masks
            Group(lambda rng: [np.array([0.0, 1000.0]), np.array([-1000.0, 0.0, -5.0]),
                               np.array([-1000.3, -1000.0, -1001.7]), np.array([0.0, 200.0], dtype=np.float32),
                               np.array([-1e4, 0.0, 1e4]), np.full(3, -1000.0), np.full(4, -1000.0, dtype=np.float32),
                               rng.uniform(-2000, -1500, size=5), rng.uniform(-1e4, 1e4, size=6)],
                  hint="hint.lse", quiet="hint.log-of-softmax"),
            Group(masked, hint="hint.mask", quiet="hint.mask"),
        )),
    ),
    shapes=((5,), (3, 5), (5, 3), (4, 4), (1, 6), (2, 3, 4), (3, 1), (1,), (2, 1, 3)),
    loose=("shape", "dtype"),
    check_hints={"basic": "hint.lse", "shape": "hint.rowwise", "dtype": "hint.dtype"},
    tolerance=tolerance,
    mistakes=(
        Mistake("log-of-softmax", in_dtype(lambda x, m, e: np.log(e / np.sum(e, axis=-1, keepdims=True)))),
        Mistake("probabilities", reference.softmax),
        Mistake("max-only", in_dtype(lambda x, m, e: x - m)),
        Mistake("no-max-in-lse", in_dtype(lambda x, m, e: x - np.log(np.sum(e, axis=-1, keepdims=True)))),
        Mistake("sum-not-log", in_dtype(lambda x, m, e: x - m - np.sum(e, axis=-1, keepdims=True))),
        Mistake("no-keepdims", lambda x: (z := x - np.max(x, axis=-1)) - np.log(np.sum(np.exp(z), axis=-1)),
                when=lambda x: x.ndim == 2 and x.shape[0] == x.shape[1]),
    ),
    diagnoses=(float32_precision, normalised_rows(np.exp)),
    gradient=Jacobian(jacobian, "formula.jacobian", "hint.gradient"),
    hand_written=("log_softmax", "logsumexp", "softmax"),
    examples=(Example((np.array([1.0, 2.0, 3.0]),)), Example((np.array([0.0, 1000.0]),)),
              Example((np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]),))),
)
