"""Claims the kata statements and hints make that code can check, checked."""

from __future__ import annotations

import numpy as np

from kata.exercises import get_kata
from kata.harness import reference


def _text(kata_id: str) -> str:
    kata = get_kata(kata_id)
    return kata.texts_path.read_text(encoding="utf-8")


def test_the_tanh_sigmoid_loses_the_left_tail():
    assert "x = −40 it gives exactly 0" in _text("sigmoid")
    x = np.float64(-40.0)
    assert 0.5 * (1 + np.tanh(x / 2)) == 0.0
    assert np.isclose(reference.sigmoid(np.array([x]))[0], 4.248354255291589e-18, rtol=1e-12)
    assert np.isclose(1 / (1 + np.exp(40.0)), 4e-18, rtol=0.07)  # "σ(−40) ≈ 4e−18"


def test_softmax_backward_of_all_ones_is_zero_up_to_rounding():
    assert "zero up to rounding" in _text("softmax-backward")
    rng = np.random.default_rng(0)
    worst = 0.0
    for n in (2, 3, 10, 100, 1000):
        y = reference.softmax(rng.normal(0, 3, size=(50, n)))
        dy = np.ones_like(y)
        s = (dy * y).sum(axis=-1, keepdims=True)
        worst = max(worst, float(np.abs(y * (dy - s)).max()))
    assert worst <= 5e-16  # "a few times 1e-16 at most in float64"


def test_softmax_outputs_are_in_the_open_interval_for_finite_logits_and_zero_when_masked():
    assert "exp(−1400) is 0 in" in _text("softmax")
    x = np.array([[-3.0, 0.0, 3.0], [0.0, -np.inf, 1.0], [-700.0, 0.0, 700.0]])
    out = reference.softmax(x)
    assert np.all((out[0] > 0) & (out[0] < 1))
    assert out[1, 1] == 0.0 and np.isclose(out[1].sum(), 1.0)
    assert np.exp(-1400.0) == 0.0 and out[2, 0] == 0.0  # a finite logit far below the max rounds to 0
    with np.errstate(invalid="ignore"):
        assert np.isnan(reference.softmax(np.array([-np.inf, -np.inf]))).all()  # "no distribution (0/0)"


def test_iou_claims_budget_sizes_and_the_classic_mistakes():
    from kata.harness import Budget
    from kata.harness.rng import InputRng

    kata = get_kata("iou")
    text = _text("iou")
    budget = next(part for part in kata.own if isinstance(part, Budget))
    (case,) = budget.make(InputRng(7, 1))
    n, m = len(case.args[0]), len(case.args[1])
    assert "`N = M = 1000` and allows 1 s" in text and (n, m) == (1000, 1000) and budget.cpu == 1.0
    assert "N · M pairs runs a million small steps" in text and n * m == 10**6
    box = np.array([[0.0, 0.0, 2.0, 3.0]])
    assert kata.reference(box, box)[0, 0] == 1.0
    assert "identical boxes get 0.5 instead of 1" in text
    wrong = {m.key: m.wrong for m in kata.mistakes}  # the mistakes as the kata computes them
    assert wrong["union-as-sum"](box, box)[0, 0] == 0.5
    apart = np.array([[5.0, 5.0, 6.0, 6.0]])  # apart on both axes: w = h = -3
    assert "two negatives give a" in text and kata.reference(box, apart)[0, 0] == 0.0
    assert wrong["no-clamp"](box, apart)[0][0, 0] > 0
    points = np.array([[1.0, 1.0, 1.0, 1.0]])
    with np.errstate(all="raise"):
        assert kata.reference(points, points)[0, 0] == 0.0  # "the IoU is 0, with no NaN and no warning"
