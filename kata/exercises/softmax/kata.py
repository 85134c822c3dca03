"""Kata `softmax`: ``softmax(x)`` along the last axis, stable, any shape, float32/64."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Cases, CheckFailed, Example, Group, Jacobian, Kata, expect_close, normal, reference
from kata.harness.compare import fmt
from kata.harness.diagnoses import normalised_rows


def masked(rng):
    x = rng.normal(0, 2, size=(3, 6))
    x[rng.random(x.shape) < 0.4] = -np.inf
    x[:, 0] = rng.normal(0, 2, size=3)  # keep one finite entry per row
    return [np.array([0.5, -np.inf, 1.25, -np.inf]), np.array([1000.0, -np.inf, 999.0]),
            np.array([2.0, -np.inf, 1.0], dtype=np.float32), np.array([[0.0, -np.inf, 1.0], [-np.inf, 2.0, 2.0]]), x]


def masked_are_zero(ctx, kata):
    cases = masked(ctx.rng)
    for x, got in zip(cases, kata.judge(ctx, cases), strict=True):
        if np.any(got[np.isneginf(x)] != 0):
            what = kata.describe(x)
            raise CheckFailed(kata.msg("masked-not-zero", what=what, leaked=fmt(got[np.isneginf(x)])),
                              kata.msg("hint.mask"), tried=what)


def sums_to_one_and_shifts(ctx, kata):
    """Rows sum to 1, and a constant shift changes nothing."""
    x = ctx.rng.normal(0, 2, size=7)
    c = float(ctx.rng.uniform(-40, 40))
    got, moved = kata.judge(ctx, [x, x + c])
    total = float(np.sum(got))
    if not abs(total - 1.0) <= 1e-9:
        what = kata.describe(x)
        raise CheckFailed(kata.msg("sums-to", what=what, total=repr(total)), kata.msg("hint.sums-to"), tried=what)
    expect_close(moved, got, kata.msg("shift", c=f"{c:.3f}", x=fmt(x)), hint=kata.msg("hint.shift"))


KATA = Kata(
    id="softmax",
    function="softmax",
    args=(Arg("x", normal(2.0)),),
    reference=reference.softmax,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=2,
    time_limit=10,
    order=10,
    basic=(np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0]), np.array([-1.5, 0.25, 4.0, 0.25])),
    basic_then=sums_to_one_and_shifts,
    own=(
        Cases("overflow", (
            Group(lambda rng: [np.array([123.0, 456.0, 789.0]), np.array([1000.0, 1001.0, 1002.0]),
                               np.array([-1e4, 0.0, 1e4]), rng.uniform(-1e4, 1e4, size=6), 1e4 + rng.normal(0, 3, size=5),
                               np.array([89.0, 90.0, 100.0], dtype=np.float32),
                               rng.uniform(88.8, 300.0, size=5).astype(np.float32)],
                  hint="hint.overflow", quiet="hint.overflow"),
            Group(lambda rng: [np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]]),
                               np.stack([rng.normal(0, 1, size=5) * s + s for s in rng.permutation([1.0, 1e2, 1e3, 1e4])])],
                  hint="hint.rowwise", quiet="hint.rowwise"),
        )),
        Cases("underflow", (
            Group(lambda rng: [np.full(3, -1000.0), np.full(4, -1000.0, dtype=np.float32),
                               np.array([-1e4, -1e4 + 1.0]), rng.uniform(-2000, -1500, size=5)],
                  hint="hint.underflow", quiet="hint.underflow"),
            # Rows far apart in scale: a max over the whole batch sends the small rows to 0/0.
            Group(lambda rng: [np.stack([rng.normal(0, 1, size=4) + s for s in rng.permutation([-3e3, -1e3, 0.0, 2e3])])],
                  hint="hint.rowwise", quiet="hint.rowwise"),
            Group(masked, hint="hint.mask", quiet="hint.mask"),
        ), then=masked_are_zero),
    ),
    check_hints={"shape": "hint.rowwise"},
    diagnoses=(normalised_rows(),),
    gradient=Jacobian(lambda x: reference.softmax_block_jacobian(reference.softmax(x)), "formula.jacobian",
                      "hint.gradient"),
    hand_written=("softmax", "log_softmax", "logsumexp"),
    examples=(Example((np.array([1.0, 2.0, 3.0]),)), Example((np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]),)),
              Example((np.array([123.0, 456.0, 789.0]),))),
)
