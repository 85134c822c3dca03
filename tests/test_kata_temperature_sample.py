"""The softmax-temperature-sample kata: both samplers' references against the distributions they
claim, the rounding its comparison allows (and what it never allows), the power of its
distribution checks, and the numbers its texts state."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kata.exercises import get_kata
from kata.harness import Case
from kata.harness.checks import CheckFailed

KATA = get_kata("softmax-temperature-sample")
module = __import__(KATA.reference.__module__, fromlist=["*"])
sample, gumbel = module.sample, module.gumbel


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def test_both_samplers_draw_softmax_of_x_over_t() -> None:
    rng = np.random.default_rng(0)
    x = np.array([1.5, -np.inf, 0.0, 0.7, -1.0])
    draws = 200_000
    for t in (0.5, 1.0, 2.5):
        want = softmax(x / t)
        a = sample(np.tile(x, (draws, 1)), t, rng.random(draws))
        b = gumbel(np.tile(x, (draws, 1)), t, rng.random((draws, len(x))))
        for got in (a, b):
            freq = np.bincount(got, minlength=len(x)) / draws
            assert freq[1] == 0 and np.abs(freq - want).max() < 0.006


def test_inverse_cdf_is_the_interval_rule_on_exact_sums() -> None:
    x = np.repeat(module.ZERO_FIRST, 7, axis=0)  # p = [0, 1/4, 1/4, 0, 1/4, 1/4], exact
    u = np.array([0.0, 0.1, 0.25, 0.49, 0.5, 0.75, 0.999])
    assert sample(x, 1.0, u).tolist() == [1, 1, 2, 2, 4, 5, 5]
    assert sample(np.zeros((1, 10)), 1.0, np.array([module.BELOW_ONE])).tolist() == [9]
    assert sample(np.array([[1.0, 3.0, 3.0, -2.0]]), 0.0, np.array([0.9])).tolist() == [1]
    assert sample(np.array([[1.0, 3.0, -2.0, 3.0]] * 2), 1e-8, np.array([0.49, 0.51])).tolist() == [1, 3]


def test_the_boundary_slack_allows_a_neighbour_but_never_an_impossible_class() -> None:
    x = np.array([[0.3, 1.2, -0.4, 0.9]])
    p = softmax(x[0])
    edge = float(np.cumsum(p)[1])  # the boundary between classes 1 and 2
    for u, neighbour in ((edge - 1e-15, 2), (edge + 1e-15, 1)):
        case = Case((x, 1.0, np.array([u])))
        want = sample(*case.args)
        assert want.tolist() == [3 - neighbour]
        KATA.result.compare(None, KATA, np.array([neighbour]), case, "f", None)  # within rounding: right too
    far = Case((x, 1.0, np.array([edge - 1e-3])))
    with pytest.raises(CheckFailed):
        KATA.result.compare(None, KATA, np.array([2]), far, "f", None)
    zero = Case((np.repeat(module.ZERO_FIRST, 2, axis=0), 1.0, np.array([0.0, 0.5])))
    assert sample(*zero.args).tolist() == [1, 4]
    for wrong in ([0, 4], [1, 3], [1, 6]):  # a −inf class on the boundary, or out of range
        with pytest.raises(CheckFailed):
            KATA.result.compare(None, KATA, np.array(wrong), zero, "f", None)
    eps32 = float(np.finfo(np.float32).eps)
    assert module.slack(np.zeros((2, 5), dtype=np.float32), 1.0) == 8 * 5 * eps32  # "8·K·eps·(1 + max|logits|/T)"
    x32 = np.array([[-np.inf, 2.0, -3.0]], dtype=np.float32)
    assert math.isclose(module.slack(x32, 0.5), 8 * 3 * eps32 * (1 + 3.0 / 0.5))
    assert "8·K·eps·(1 + max|logits|/T)" in KATA.texts_path.read_text(encoding="utf-8")


def test_the_distribution_checks_have_the_stated_false_failure_rate_and_catch_t_after_softmax() -> None:
    k, tests, draws = 6, 2, module.DRAWS
    gap = module.hoeffding(draws, k, tests)
    assert math.isclose(2 * k * tests * math.exp(-2 * draws * gap**2), module.FALSE_FAILURE)
    for x, t in (module.SPREAD, module.MASKED):
        # T with no effect moves some class by more than twice the gap: then even a frequency at
        # the far end of what chance allows is caught.
        assert np.abs(softmax(x / t) - softmax(x)).max() > 2 * gap


def test_the_texts_numbers() -> None:
    text = KATA.texts_path.read_text(encoding="utf-8")
    assert "1 − 2⁻⁵³" in text and "ten 0.1" in text
    assert np.cumsum(np.full(10, 0.1))[-1] == 1 - 2.0**-53 == np.nextafter(1.0, 0.0) == module.BELOW_ONE
    assert "709.78" in text and "88.72" in text
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(709.78)) and np.isinf(np.exp(709.79))
        assert np.isfinite(np.exp(np.float32(88.72))) and np.isinf(np.exp(np.float32(88.73)))
        assert np.isinf(np.exp(3 / 1e-3))  # "logits of 3 at T = 1e-3"
    x = np.array([0.0, 0.5, 1.0, 0.2, -0.3])
    for t in (0.5, 2.0):
        renormalised = softmax(x) / t
        assert np.allclose(renormalised / renormalised.sum(), softmax(x))  # "softmax(x) / T, renormalised"
        power = softmax(x) ** (1 / t)
        assert np.allclose(power / power.sum(), softmax(x / t))  # "softmax(x)^(1/T) renormalised"
        assert math.isclose(np.cumsum(softmax(x) / t)[-1], 1 / t)  # "its cumulative sum ends at 1/T"
    assert not np.any(softmax(x) ** 1000)  # "underflows to 0/0 once T is small"
