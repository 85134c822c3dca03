"""Claims of the banks added for issue 15 that need more than one number, each test named
after the question that makes the claim (the tables are in tests/topic_facts.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bank_math import dsigmoid, num_jacobian, softmax
from topic_facts import full_attention, tiled_attention

SEED = 1515


# --- attention


def test_att_sqrt_dk_variance():
    """Var(q·k) = d_k by sampling, and dividing by √d_k gives unit variance."""
    rng = np.random.default_rng(SEED)
    q, k = rng.normal(size=(200_000, 64)), rng.normal(size=(200_000, 64))
    scores = (q * k).sum(axis=1)
    assert scores.var() == pytest.approx(64, rel=0.02)
    assert (scores / 8).var() == pytest.approx(1, rel=0.02)


def test_att_sqrt_dk_why():
    """Unscaled d_k = 64 scores make softmax rows peaked, with a smaller Jacobian on average."""
    rng = np.random.default_rng(SEED)
    q, k = rng.normal(size=(2000, 64)), rng.normal(size=(16, 64))
    raw = q @ k.T
    s = softmax(raw[0])
    assert np.allclose(num_jacobian(softmax, raw[0]), np.diag(s) - np.outer(s, s), atol=1e-6)

    def jacobian_norm(rows):
        return float(np.mean([np.linalg.norm(np.diag(r) - np.outer(r, r)) for r in rows]))

    assert softmax(raw).max(axis=1).mean() > 0.8 > 0.3 > softmax(raw / 8).max(axis=1).mean()
    assert jacobian_norm(softmax(raw)) < 0.6 * jacobian_norm(softmax(raw / 8))
    # the ±16 of the explanation: two standard deviations of the unscaled scores
    assert 2 * math.sqrt(64) == 16


def test_att_flash_memory_and_exact():
    """Tiled attention with a running max equals full attention for any block size."""
    rng = np.random.default_rng(SEED)
    q, k, v = rng.normal(size=(9, 16)), rng.normal(scale=4, size=(33, 16)), rng.normal(size=(33, 5))
    full = full_attention(q, k, v)
    for block in (1, 4, 10, 33):
        assert np.allclose(tiled_attention(q, k, v, block), full, rtol=1e-12, atol=1e-12)


def test_att_saturated_grad():
    assert dsigmoid(1.0) / dsigmoid(8.0) == pytest.approx(588, rel=0.01)


# --- likelihood


def test_lik_separable_direction():
    """The trend behind the excused true-false: w/‖w‖ approaches the max-margin direction."""
    # two points per class, symmetric: the max-margin direction is along (1, 0)
    x = np.array([[1.0, 2.0], [1.0, -1.0], [-1.0, -2.0], [-1.0, 1.0]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    w = np.zeros(2)
    from bank_math import sigmoid

    angles = []
    for t in range(1, 50_001):
        w -= 0.5 * x.T @ (sigmoid(x @ w) - y) / 4
        if t in (100, 5_000, 50_000):
            angles.append(abs(math.atan2(w[1], w[0])))
    assert angles[0] > angles[1] > angles[2] and np.linalg.norm(w) > 5


def test_lik_forward_reverse_fit():
    from topic_facts import fit_gaussian

    f_mu, f_sd = fit_gaussian("forward")
    assert abs(f_mu) < 0.2 and f_sd == pytest.approx(math.sqrt(9 + 0.25), abs=0.15)  # moment matching
    r_mu, r_sd = fit_gaussian("reverse")
    assert abs(r_mu) == pytest.approx(3, abs=0.2) and r_sd == pytest.approx(0.5, abs=0.15)


# --- contrastive


def test_con_hierarchical_cost():
    """A balanced tree of sigmoids over V = 16 leaves: log₂ V decisions and a proper distribution."""
    rng = np.random.default_rng(SEED)
    from bank_math import sigmoid

    depth, h = 4, rng.normal(size=8)
    nodes = rng.normal(size=(2**depth - 1, 8))  # inner nodes in heap order
    probs = []
    for leaf in range(2**depth):
        p, node, decisions = 1.0, 0, 0
        for bit in format(leaf, f"0{depth}b"):
            go_right = sigmoid(nodes[node] @ h)
            p *= go_right if bit == "1" else 1 - go_right
            node = 2 * node + 1 + int(bit)
            decisions += 1
        assert decisions == math.log2(16)
        probs.append(p)
    assert sum(probs) == pytest.approx(1.0)


def test_con_clip_loss_is_infonce_both_ways():
    from topic_facts import _unit, infonce

    rng = np.random.default_rng(SEED)
    img, txt = _unit(rng.normal(size=(6, 10))), _unit(rng.normal(size=(6, 10)))
    tau = 0.07
    s = img @ txt.T / tau
    from bank_math import cross_entropy

    rows, cols = cross_entropy(s, np.eye(6)), cross_entropy(s.T, np.eye(6))
    assert rows == pytest.approx(infonce(img, txt, tau)) and cols == pytest.approx(infonce(txt, img, tau))
    assert 1 / tau == pytest.approx(14.2857, abs=1e-4) and 1 / 0.01 == 100  # the clip at 100 is τ = 0.01


# --- detection


def test_det_alpha_positives():
    """α = 0.25 on positives, 0.75 on negatives: an equally hard positive weighs a third."""
    from topic_facts import focal

    alpha = 0.25
    for p_t in (0.3, 0.6, 0.95):
        pos, neg = focal(p_t, 2.0, alpha), focal(p_t, 2.0, 1 - alpha)
        assert pos / neg == pytest.approx(1 / 3)


def test_det_asl_margin_discards_easy_negatives():
    from topic_facts import asl_negative

    assert asl_negative(0.04) == 0.0 and asl_negative(0.05) == 0.0 and asl_negative(0.06) > 0
    assert float(asl_negative(0.3)) < -math.log(0.7) / 300


def test_det_pos_weight_optimum_inverts():
    """p* = wπ/(wπ + 1 − π), and π = p/(p + w(1 − p)) recovers the true rate."""
    from topic_facts import _pos_weight_optimum

    for w, pi in ((9.0, 0.1), (3.0, 0.25), (1.0, 0.4)):
        p = _pos_weight_optimum(w, pi)
        assert p == pytest.approx(w * pi / (w * pi + 1 - pi), abs=2e-6)
        assert p / (p + w * (1 - p)) == pytest.approx(pi, abs=1e-5)
