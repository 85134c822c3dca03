"""The checks of the banks added for issue 15 (attention, likelihood, contrastive,
detection, calibration), merged into the tables of tests/test_bank_facts.py:

- ``NUMERIC``: numeric question id -> its answer, computed independently;
- ``TRUE_FALSE``: true-false question id -> its truth, computed;
- ``TRUE_FALSE_NOT_COMPUTABLE``: true-false question id -> why no code can decide it;
- ``CHOICES``: question id -> {fragment of an option's English text -> is it correct};
- ``SHORT``: short question id -> (answers to accept, answers to reject);
- ``QUOTED``: question id -> [(number as quoted, computed value, tolerance)].

Claims that need more than one value are tested by name in tests/test_bank_topics.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from bank_math import num_grad, sigmoid, softmax

SEED = 1515


def _standard_normal_moment(power: int) -> float:
    x = np.linspace(-12, 12, 240_001)
    pdf = np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi)
    return float(np.trapezoid(x**power * pdf, x))


# --- attention -------------------------------------------------------------------------


def stable_softmax_rows(scores: np.ndarray) -> np.ndarray:
    """The hand-written recipe: subtract the row max, exponentiate, divide by the row sum."""
    with np.errstate(all="ignore"):
        z = scores - scores.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)


def online_sum(x, update: Callable[[float, float, float, float], float]) -> tuple[float, float]:
    """Running max and running sum with a given update d' = update(d, m, m', x)."""
    m, d = -math.inf, 0.0
    for value in x:
        new_m = max(m, value)
        with np.errstate(all="ignore"):
            d = update(d, m, new_m, value) if math.isfinite(m) else math.exp(value - new_m)
        m = new_m
    return m, d


def _online_update_checks() -> dict[str, Callable[[], bool]]:
    rng = np.random.default_rng(SEED)
    samples = [rng.normal(scale=4, size=n) for n in (3, 7, 20)]
    samples.append(np.array([1.0, 3.0, 2.0]))

    def check(update) -> Callable[[], bool]:
        def run() -> bool:
            for x in samples:
                m, d = online_sum(x, update)
                if not (m == x.max() and math.isclose(d, float(np.exp(x - x.max()).sum()))):
                    return False
            return True
        return run

    return {
        "d·e^(m′ − m) + e^(x − m′)": check(lambda d, m, m2, x: d * math.exp(m2 - m) + math.exp(x - m2)),
        "d + e^(x − m′)": check(lambda d, m, m2, x: d + math.exp(x - m2)),
        "d·e^(m − m′) + e^(x − m′)": check(lambda d, m, m2, x: d * math.exp(m - m2) + math.exp(x - m2)),
        "(d + e^x)·e^(−m′)": check(lambda d, m, m2, x: (d + math.exp(x)) * math.exp(-m2)),
    }


def tiled_attention(q, k, v, block: int) -> np.ndarray:
    """FlashAttention's forward pass in numpy: keys in blocks, running max, sum and output."""
    n_q = q.shape[0]
    m = np.full(n_q, -np.inf)
    d = np.zeros(n_q)
    o = np.zeros((n_q, v.shape[1]))
    for start in range(0, k.shape[0], block):
        s = q @ k[start:start + block].T / math.sqrt(q.shape[1])
        new_m = np.maximum(m, s.max(axis=1))
        scale = np.exp(m - new_m)
        p = np.exp(s - new_m[:, None])
        d = d * scale + p.sum(axis=1)
        o = o * scale[:, None] + p @ v[start:start + block]
        m = new_m
    return o / d[:, None]


def full_attention(q, k, v) -> np.ndarray:
    return softmax(q @ k.T / math.sqrt(q.shape[1])) @ v


def _flash_differs() -> bool:
    rng = np.random.default_rng(SEED)
    q, k, v = rng.normal(size=(16, 8)), rng.normal(scale=3, size=(50, 8)), rng.normal(size=(50, 4))
    return not all(np.allclose(tiled_attention(q, k, v, b), full_attention(q, k, v), rtol=1e-12, atol=1e-12)
                   for b in (1, 7, 16, 50))


def _masked_rows():
    rng = np.random.default_rng(SEED)
    scores = rng.normal(size=(6, 5))
    mask = np.tril(np.ones((6, 5), dtype=bool))
    return scores, mask


def _mask_multiply_same() -> bool:
    scores, mask = _masked_rows()
    before = np.where(mask, scores, -np.inf)
    return bool(np.allclose(softmax(scores) * mask, stable_softmax_rows(before)))


def _masked_score_gets_gradient() -> bool:
    scores, mask = _masked_rows()
    g = np.random.default_rng(SEED + 1).normal(size=scores.shape)
    y = stable_softmax_rows(np.where(mask, scores, -np.inf))
    dx = y * (g - (g * y).sum(axis=-1, keepdims=True))
    # the same by finite differences with a float64 mask of −1e4 (e^(−1e4) is exactly 0)
    row = np.where(mask[2], scores[2], -1e4)
    fd = num_grad(lambda v: float(g[2] @ softmax(v)), row)
    return bool(np.any(dx[~mask] != 0) or np.any(fd[~mask[2]] != 0))


def _moe_topk_same() -> bool:
    rng = np.random.default_rng(SEED)
    ok = True
    for _ in range(20):
        z = rng.normal(scale=2, size=8)
        top = np.argsort(z)[-2:]
        kept = np.full(8, -np.inf)
        kept[top] = z[top]
        full = softmax(z)
        renorm = np.zeros(8)
        renorm[top] = full[top] / full[top].sum()
        ok &= bool(np.allclose(stable_softmax_rows(kept), renorm))
    return ok


def _mask_large_negative() -> dict[str, Callable[[], bool]]:
    scores, mask = _masked_rows()
    big = np.where(mask, scores, -1e9)
    inf = np.where(mask, scores, -np.inf)
    every = np.full((1, 4), -1e9)
    added = np.full((1, 4), -1e9) + np.array([[0.3, -0.2, 1.0, 0.0]])  # the explanation's aside
    assert np.allclose(softmax(added), softmax([0.3, -0.2, 1.0, 0.0]))
    return {
        "uniform weights instead of NaN": lambda: bool(np.allclose(softmax(every), 0.25)),
        "In float16, −1e9": lambda: bool(np.isneginf(np.float16(-1e9))
                                         and float(np.finfo(np.float16).max) == 65504),
        "weights of about 1e−9": lambda: bool(
            softmax(big.astype(np.float32))[~mask].min() > 1e-12),
        "change noticeably": lambda: not bool(np.array_equal(softmax(big), stable_softmax_rows(inf))),
    }


def _fully_masked_row() -> dict[str, Callable[[], bool]]:
    row = np.full((1, 4), -np.inf)

    def raises() -> bool:
        try:
            z = row - row.max(axis=-1, keepdims=True)  # default error state: a warning at most
            np.exp(z)
        except FloatingPointError:
            return True
        return False

    with np.errstate(all="ignore"):
        out = stable_softmax_rows(row)
    return {
        "NaN in every entry": lambda: bool(np.isnan(out).all()),
        "Zeros in every entry": lambda: bool((out == 0).all()),
        "A uniform row": lambda: bool(np.allclose(out, 0.25)),
        "floating-point exception": raises,
    }


def _online_value() -> float:
    return online_sum([1.0, 3.0, 2.0], lambda d, m, m2, x: d * math.exp(m - m2) + math.exp(x - m2))[1]


def _moe_balance(n: int = 8, alpha: float = 0.01) -> float:
    f = np.full(n, 1 / n)
    p = softmax(np.zeros(n))  # a router with equal logits
    return float(alpha * n * (f * p).sum())


def _causal_pairs(n: int = 5) -> float:
    scores = np.random.default_rng(SEED).normal(size=(n, n))
    causal = np.tril(np.ones((n, n), dtype=bool))
    weights = stable_softmax_rows(np.where(causal, scores, -np.inf))
    return float((weights > 0).sum())


NUMERIC: dict[str, Callable[[], float]] = {
    "att-sqrt-dk-variance": lambda: 64 * _standard_normal_moment(2) ** 2,
    "att-saturated-grad": lambda: float(num_grad(lambda v: float(softmax(v)[0]), [8.0, 0.0])[0]),
    "att-scaled-score-value": lambda: float(np.dot([1, 2, 0, 1], [2, 0, 1, 1]) / math.sqrt(4)),
    "att-causal-count": _causal_pairs,
    "att-online-value": _online_value,
    "att-moe-balance": _moe_balance,
}

TRUE_FALSE: dict[str, Callable[[], bool]] = {
    "att-temperature-sqrt": lambda: bool(np.allclose(
        softmax(np.arange(12.0).reshape(3, 4) / math.sqrt(64)),
        np.exp(np.arange(12.0).reshape(3, 4) / 8) / np.exp(np.arange(12.0).reshape(3, 4) / 8).sum(-1, keepdims=True))),
    "att-mask-multiply-after": _mask_multiply_same,
    "att-masked-grad": _masked_score_gets_gradient,
    "att-flash-exact": _flash_differs,
    "att-moe-topk": _moe_topk_same,
}

TRUE_FALSE_NOT_COMPUTABLE: dict[str, str] = {}

CHOICES: dict[str, dict[str, Callable[[], bool]]] = {
    "att-online-update": _online_update_checks(),
    "att-mask-large-negative": _mask_large_negative(),
    "att-fully-masked-row": _fully_masked_row(),
    "att-gates": {
        "single gate logit": lambda: not all(softmax([z])[0] == 1.0 for z in (-30.0, 0.0, 2.5, 40.0)),
    },
}

SHORT: dict[str, tuple[list[str], list[str]]] = {}

QUOTED: dict[str, list[tuple[str, float, float]]] = {
    "att-saturated-grad": [("0.197", float(sigmoid(1.0) * (1 - sigmoid(1.0))), 5e-4),
                           ("590", float(sigmoid(1.0) * (1 - sigmoid(1.0)) / (sigmoid(8.0) * (1 - sigmoid(8.0)))), 5)],
    "att-online-value": [("1.1353", math.exp(-2) + 1, 5e-5)],
    "att-mask-large-negative": [("65504", float(np.finfo(np.float16).max), 0)],
}
