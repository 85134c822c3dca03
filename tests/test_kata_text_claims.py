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
