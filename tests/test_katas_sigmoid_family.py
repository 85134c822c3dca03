"""Unit tests for the sigmoid family of katas: the grader's reference functions against
plain math, and the hidden inputs that must keep the katas' diagnoses unambiguous.

(The known-good and known-bad submissions live in tests/fixtures/submissions/.)
"""

from __future__ import annotations

import math
import numpy as np
import pytest

from kata.exercises import get_kata, module_of
from kata.harness import Case

ml = module_of("multilabel-predict")
sb, tc = get_kata("sigmoid-backward"), get_kata("two-class-softmax")


def explain(mask, x, t):
    """The explanation of the classic mistake the multilabel kata recognises in ``mask``."""
    kata = ml.KATA
    for mistake in kata.mistakes:
        if any(np.array_equal(mask, w) for w in mistake.candidates(Case((x,), {"threshold": t}))):
            return str(kata.msg(f"mistake.{mistake.key}"))
    return None
from kata.harness.reference import sigmoid, softmax


def _math_sigmoid(v: float) -> float:
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


# ---------------------------------------------------------------- sigmoid


@pytest.mark.parametrize("v", [0.0, 1e-8, -1e-8, 0.5, -2.0, 20.0, -20.0, 36.0, -36.0, 300.0, -300.0])
def test_sigmoid_reference_matches_math(v: float) -> None:
    assert sigmoid(np.array([v]))[0] == pytest.approx(_math_sigmoid(v), rel=1e-15, abs=0)


def test_sigmoid_reference_is_quiet_and_finite_at_the_extremes() -> None:
    x = np.array([-1e308, -1e4, -1000.0, -745.2, -709.8, 709.8, 1000.0, 1e4, 1e308])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        s = sigmoid(x)
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0 and s[-1] == 1.0
    assert np.all(np.diff(s) >= 0)


def test_sigmoid_reference_keeps_the_negative_tail_relatively_accurate() -> None:
    # exp(x)/(1 + exp(x)) for x < 0: tiny values are right to the last bits, not just below atol.
    for v in (-40.0, -300.0, -700.0):
        assert sigmoid(np.array([v]))[0] == pytest.approx(math.exp(v), rel=1e-14)


def test_sigmoid_reference_symmetry_shape_and_empty_input() -> None:
    x = np.random.default_rng(0).normal(0, 5, size=(3, 4, 2))
    s = sigmoid(x)
    assert s.shape == x.shape and s.dtype == np.float64
    np.testing.assert_allclose(sigmoid(-x), 1 - s, rtol=0, atol=1e-15)
    assert sigmoid(np.zeros((2, 0))).shape == (2, 0)


# ---------------------------------------------------------------- sigmoid-backward


def test_sigmoid_backward_reference_is_the_chain_rule() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0, 2, size=(3, 4))
    dy = rng.normal(0, 1, size=x.shape)
    eps = 1e-6
    numeric = dy * (sigmoid(x + eps) - sigmoid(x - eps)) / (2 * eps)
    np.testing.assert_allclose(sb.reference(dy, sigmoid(x)), numeric, rtol=1e-6, atol=1e-10)


def test_sigmoid_backward_diagnoses_are_distinct_on_random_inputs() -> None:
    """Every named mistake must differ from the right answer and from each other."""
    rng = np.random.default_rng(2)
    y = sigmoid(rng.normal(0, 2, size=(3, 5)))
    dy = rng.normal(0, 1, size=y.shape)
    want = sb.reference(dy, y)
    sy = sigmoid(y)
    wrong = [-want, y * (1 - y), dy * sy * (1 - sy), dy * y, dy * (1 - y), y * dy * (1 - dy),
             y * (dy - np.sum(dy * y, axis=-1, keepdims=True))]
    for i, a in enumerate([want, *wrong]):
        for b in [want, *wrong][i + 1 :]:
            assert not np.allclose(a, b, rtol=1e-4, atol=1e-7)


# ---------------------------------------------------------------- two-class-softmax


def test_binary_logit_reference_is_the_logit_of_the_softmax() -> None:
    z = np.random.default_rng(3).normal(0, 4, size=(50, 2))
    d = tc.reference(z)
    assert d.shape == (50,)
    np.testing.assert_allclose(sigmoid(d), softmax(z)[:, 1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sigmoid(-d), softmax(z)[:, 0], rtol=1e-12, atol=1e-15)


def test_binary_logit_reference_only_sees_the_difference() -> None:
    z = np.array([[1e4, 1e4 + 0.5], [-1e4, 1e4]])
    np.testing.assert_array_equal(tc.reference(z), [0.5, 2e4])
    assert tc.reference(z.astype(np.float32)).dtype == np.float64  # the grader judges in float64


# ---------------------------------------------------------------- multilabel-predict


def test_predict_labels_reference_is_strict_at_the_boundary() -> None:
    mask = ml.predict(np.array([[0.0, 1e-12, -1e-12]]))
    assert mask.dtype == np.bool_
    assert mask.tolist() == [[False, True, False]]
    assert ml.predict(np.array([[0.0]]), threshold=0.5).tolist() == [[False]]


@pytest.mark.parametrize("t", [0.5, 0.3, 0.9, 0.05, 0.7, 0.999, 0.2])
def test_hidden_logits_keep_probability_and_log_odds_comparisons_in_agreement(t: float) -> None:
    rng = np.random.default_rng(4)
    for dtype in (np.float64, np.float32):
        x = ml.logits(rng, (40, 10), t, scale=4.0, dtype=dtype)
        assert np.min(np.abs(x.astype(np.float64) - ml.boundary(t))) >= 0.05 * 0.999
        by_prob = ml.predict(x, t)
        by_logit = x > np.log(t / (1 - t))
        e = np.exp(-np.abs(x))
        by_float32_prob = np.where(x >= 0, 1 / (1 + e), e / (1 + e)) > t
        np.testing.assert_array_equal(by_prob, by_logit)
        np.testing.assert_array_equal(by_prob, by_float32_prob)


@pytest.mark.parametrize("t", [0.3, 0.9, 0.05, 0.7, 0.999, 0.2])
def test_probe_row_tells_every_named_mistake_apart(t: float) -> None:
    x = ml.probe(t)
    p = sigmoid(x)
    onehot = np.zeros(x.shape, dtype=bool)
    onehot[0, np.argmax(x)] = True
    masks = {
        "right": ml.predict(x, t),
        "raw logits": x > t,
        "ignored threshold": p > 0.5,
        "flipped log-odds": x > ml.boundary(1 - t),
        "argmax": onehot,
        "softmax": softmax(x) > t,
        "reversed": p < t,
    }
    names = list(masks)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not np.array_equal(masks[a], masks[b]), (a, b)
    # ... so each mistake gets its own explanation.
    keywords = {
        "raw logits": "raw logits",
        "ignored threshold": "was ignored",
        "flipped log-odds": "1 − threshold",
        "argmax": "multi-CLASS",
        "softmax": "compete",
        "reversed": "reversed",
    }
    for name, keyword in keywords.items():
        assert keyword in (explain(masks[name], x, t) or ""), name


def test_examples_show_keyword_thresholds() -> None:
    from kata.harness.statement import render_statement

    text = render_statement(get_kata("multilabel-predict"), "en")
    assert "threshold=0.3)" in text and "threshold=0.9)" in text
