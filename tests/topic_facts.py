"""The checks of the questions added for issue 15 (the attention, likelihood, contrastive,
detection and calibration banks, and new questions of the original four), merged into
the tables of tests/test_bank_facts.py:

- ``NUMERIC``: numeric question id -> its answer, computed independently;
- ``TRUE_FALSE``: true-false question id -> its truth, computed;
- ``TRUE_FALSE_NOT_COMPUTABLE``: true-false question id -> why no code can decide it;
- ``CHOICES``: question id -> {fragment of an option's English text -> is it correct};
- ``SHORT``: short question id -> (answers to accept, answers to reject);
- ``QUOTED``: question id -> [(number as quoted, computed value, tolerance)].

Claims that need more than one value are tested by name in tests/test_bank_topics.py.
"""

from __future__ import annotations

import functools
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


# --- likelihood ------------------------------------------------------------------------

from bank_math import cross_entropy, entropy, kl, onehot  # noqa: E402


def hinge(scores, y: int, margin: float = 1.0) -> float:
    s = np.asarray(scores, float)
    terms = np.maximum(0.0, s - s[y] + margin)
    terms[y] = 0.0
    return float(terms.sum())


@functools.cache
def fit_gaussian(direction: str) -> tuple[float, float]:
    """Grid search of the Gaussian (mean, std) minimising KL in one direction against a mixture
    of N(−3, 0.5²) and N(3, 0.5²), all densities on one grid."""
    x = np.linspace(-12, 12, 4801)
    dx = x[1] - x[0]

    def normal(mu, sd):
        return np.exp(-((x - mu) ** 2) / (2 * sd**2)) / (sd * math.sqrt(2 * math.pi))

    p = 0.5 * normal(-3, 0.5) + 0.5 * normal(3, 0.5)
    best = (math.inf, 0.0, 0.0)
    for mu in np.linspace(-4, 4, 81):
        for sd in np.linspace(0.3, 5, 48):
            q = normal(mu, sd)
            a, b = (p, q) if direction == "forward" else (q, p)
            keep = a > 1e-300
            with np.errstate(all="ignore"):
                value = float((a[keep] * (np.log(a[keep]) - np.log(np.maximum(b[keep], 1e-300)))).sum() * dx)
            best = min(best, (value, float(mu), float(sd)))
    return best[1], best[2]


def _logreg_data(separable: bool):
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(60, 2))
    if separable:
        y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
    else:
        y = (rng.uniform(size=60) < sigmoid(x[:, 0])).astype(float)
    return x, y


def logreg_nll(w, x, y) -> float:
    z = x @ w
    return float((np.logaddexp(0, z) - y * z).mean())


def _logreg_gd(steps: int = 4000, lr: float = 1.0):
    x, y = _logreg_data(separable=True)
    w = np.zeros(2)
    norms, losses, grads = [], [], []
    for t in range(steps):
        g = x.T @ (sigmoid(x @ w) - y) / len(y)
        w -= lr * g
        if t % 500 == 499:
            norms.append(float(np.linalg.norm(w)))
            losses.append(logreg_nll(w, x, y))
            grads.append(float(np.linalg.norm(g)))
    return norms, losses, grads


def _separable_checks() -> dict[str, Callable[[], bool]]:
    norms, losses, grads = _logreg_gd()
    growing = bool(np.all(np.diff(norms) > 0) and np.all(np.diff(losses) < 0) and losses[-1] > 0)
    return {
        "reaches zero at a finite w": lambda: bool(min(grads) == 0.0 and losses[-1] == 0.0),
        "grows without bound": lambda: growing,
        "gradient explodes": lambda: bool(grads[-1] > grads[0]),
        "oscillate around": lambda: not bool(np.all(np.diff(norms) > 0)),
    }


def _logreg_convex_violation() -> bool:
    rng = np.random.default_rng(SEED)
    x, y = _logreg_data(separable=False)
    for _ in range(3000):
        a, b = rng.normal(scale=4, size=2), rng.normal(scale=4, size=2)
        if logreg_nll((a + b) / 2, x, y) > (logreg_nll(a, x, y) + logreg_nll(b, x, y)) / 2 + 1e-12:
            return True
    return False


def _soft_target_checks() -> dict[str, Callable[[], bool]]:
    q = np.array([0.6, 0.3, 0.1])
    z = np.zeros(3)
    for _ in range(3000):
        z -= 0.5 * (softmax(z) - q)  # gradient of H(q, softmax(z)) is softmax(z) − q
    p, loss = softmax(z), cross_entropy(z, q)
    return {
        "one-hot vector on argmax q": lambda: bool(np.allclose(p, onehot(0, 3), atol=1e-3)),
        "the entropy H(q), which is above 0": lambda: bool(
            np.allclose(p, q, atol=1e-6) and math.isclose(loss, entropy(q), rel_tol=1e-9) and loss > 0),
        "exactly 0 as for one-hot targets": lambda: math.isclose(loss, 0.0, abs_tol=1e-9),
        "uniform vector 1/K": lambda: bool(np.allclose(p, 1 / 3, atol=1e-3)),
    }


def _perplexity_checks() -> dict[str, Callable[[], bool]]:
    rng = np.random.default_rng(SEED)
    sentences = [rng.uniform(0.02, 0.9, size=n) for n in (3, 12, 40)]  # p(token) per position
    nll = np.concatenate([-np.log(s) for s in sentences])
    corpus = math.exp(nll.mean())
    mean_of_sentences = float(np.mean([math.exp(-np.log(s).mean()) for s in sentences]))
    probs = rng.uniform(1e-6, 1.0, size=10_000)
    return {
        "NLL summed over all tokens, divided by the token count": lambda: math.isclose(
            corpus, math.exp(nll.sum() / nll.size)),
        "perplexity of 1 means": lambda: math.exp(-np.log(np.ones(5)).mean()) == 1.0,
        "below 1": lambda: bool(math.exp(-np.log(probs).mean()) < 1),
        "mean of the perplexities of its sentences": lambda: math.isclose(mean_of_sentences, corpus),
    }


def _kl_fact_checks() -> dict[str, Callable[[], bool]]:
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.4, 0.3, 0.3])
    teacher = softmax(np.array([2.0, 0.5, -1.0]))
    z = np.array([0.3, 0.1, 0.2])
    with np.errstate(divide="ignore"):
        reverse = float((q * (np.log(q) - np.log(p))).sum())  # q has mass where p = 0
        forward_zero = float((q * (np.log(q) - np.log(np.where(p > 0, p, 0.0)))).sum())
    return {
        "KL(q‖p) is infinite if q puts mass": lambda: math.isinf(reverse),
        "KL(p‖q) is infinite if q is 0": lambda: math.isinf(forward_zero),
        "Soft-target distillation minimises KL(student‖teacher)": lambda: math.isclose(
            cross_entropy(z, teacher) - entropy(teacher), kl(softmax(z), teacher)),
        "never changes its value": lambda: math.isclose(kl([0.5, 0.5], [0.9, 0.1]), kl([0.9, 0.1], [0.5, 0.5])),
        "tends to pick one mode": lambda: bool(abs(abs(fit_gaussian("reverse")[0]) - 3) < 0.3
                                               and fit_gaussian("reverse")[1] < 1.0),
    }


def _fit_checks() -> dict[str, Callable[[], bool]]:
    def fits():
        return fit_gaussian("forward"), fit_gaussian("reverse")

    def spreads_then_locks() -> bool:
        (f_mu, f_sd), (r_mu, r_sd) = fits()
        return abs(f_mu) < 0.2 and f_sd > 2.5 and abs(abs(r_mu) - 3) < 0.3 and r_sd < 1.0

    def locks_then_spreads() -> bool:
        (f_mu, _), (r_mu, _) = fits()
        return abs(abs(f_mu) - 3) < 0.3 and abs(r_mu) < 0.2

    return {
        "Both give the same q": lambda: fits()[0] == fits()[1],
        "KL(p‖q) locks onto one mode; KL(q‖p) spreads": locks_then_spreads,
        "KL(p‖q) spreads q over both modes; KL(q‖p) locks": spreads_then_locks,
    }


def _hinge_vs_softmax() -> dict[str, Callable[[], bool]]:
    far = np.array([9.0, 1.0, -2.0])  # the correct class 0 beats the others by more than 1
    hinge_grad = num_grad(lambda s: hinge(s, 0), far, 1e-6)
    ce_grad = softmax(far) - onehot(0, 3)
    return {
        "satisfied once the margin is met": lambda: bool(
            hinge(far, 0) == 0 and np.all(hinge_grad == 0) and np.all(ce_grad != 0)),
        "Cross-entropy ignores classes": lambda: bool(np.any(ce_grad[1:] == 0)),
    }


LIK_NUMERIC: dict[str, Callable[[], float]] = {
    "lik-perplexity-uniform": lambda: math.exp(cross_entropy(
        np.zeros((4, 50_000)), np.stack([onehot(k, 50_000) for k in (7, 99, 4000, 49_999)]))),
    "lik-perplexity-from-loss": lambda: math.exp(2.0),
    "lik-perplexity-bits": lambda: 2.0 / math.log(2.0),
    "lik-odds-ratio": lambda: float(
        (sigmoid(0.7 * 1.3 - 0.2 + 0.7) / (1 - sigmoid(0.7 * 1.3 - 0.2 + 0.7)))
        / (sigmoid(0.7 * 1.3 - 0.2) / (1 - sigmoid(0.7 * 1.3 - 0.2)))),
    "lik-kl-value": lambda: kl([0.7, 0.2, 0.1], [0.5, 0.3, 0.2]),
    "lik-hinge-value": lambda: hinge([3.2, 5.1, -1.7], 0),
    "lik-softmax-same-scores": lambda: cross_entropy([3.2, 5.1, -1.7], onehot(0, 3)),
}


def _ce_is_nll() -> bool:
    rng = np.random.default_rng(SEED)
    z = rng.normal(scale=2, size=(30, 5))
    y = rng.integers(0, 5, size=30)
    log_likelihood = float(np.log(softmax(z)[np.arange(30), y]).sum())
    return math.isclose(cross_entropy(z, np.eye(5)[y]), -log_likelihood / 30)


def _mle_is_reverse_kl() -> bool:
    data = np.array([0.5, 0.3, 0.2])
    model = softmax(np.array([0.1, -0.4, 0.9]))
    nll = float(-(data * np.log(model)).sum())
    assert math.isclose(nll - entropy(data), kl(data, model))  # the forward direction
    return math.isclose(nll - entropy(data), kl(model, data))


LIK_TRUE_FALSE: dict[str, Callable[[], bool]] = {
    "lik-ce-is-nll": _ce_is_nll,
    "lik-logreg-local-minima": _logreg_convex_violation,
    "lik-mle-kl-direction": _mle_is_reverse_kl,
    "lik-hinge-beyond-margin": lambda: bool(np.any(
        num_grad(lambda s: hinge(s, 0), np.array([6.0, 2.0, -3.0]), 1e-6) != 0)),
}

LIK_NOT_COMPUTABLE = {
    "lik-separable-direction": "a theorem about the limit t → ∞ (Soudry et al., 2018), reached "
    "at a rate of 1/log t: no finite run decides it; test_lik_separable_direction shows the trend",
}

_P_GRID = np.linspace(0.01, 0.99, 99)
LIK_CHOICES: dict[str, dict[str, Callable[[], bool]]] = {
    "lik-soft-target-minimum": _soft_target_checks(),
    "lik-perplexity-facts": _perplexity_checks(),
    "lik-logodds": {
        "The odds p / (1 − p)": lambda: bool(np.allclose(_P_GRID / (1 - _P_GRID),
                                                         np.log(_P_GRID / (1 - _P_GRID)))),
        "The log-odds log(p / (1 − p))": lambda: bool(np.allclose(
            np.log(sigmoid(np.linspace(-6, 6, 25)) / (1 - sigmoid(np.linspace(-6, 6, 25)))),
            np.linspace(-6, 6, 25))),
        "The log-probability log p": lambda: bool(np.allclose(
            np.log(sigmoid(np.linspace(-6, 6, 25))), np.linspace(-6, 6, 25))),
    },
    "lik-logreg-grad": {},  # filled below: every option evaluated on random data
    "lik-separable": _separable_checks(),
    "lik-forward-reverse-fit": _fit_checks(),
    "lik-kl-facts": _kl_fact_checks(),
    "lik-hinge-vs-softmax": _hinge_vs_softmax(),
}


def _logreg_grad_checks() -> dict[str, Callable[[], bool]]:
    x, y = _logreg_data(separable=False)
    w = np.array([0.4, -1.1])
    n = len(y)
    truth = num_grad(lambda v: logreg_nll(v, x, y), w)
    p = sigmoid(x @ w)
    candidates = {
        "Xᵀ(p − y) ⊙ p(1 − p) / N": lambda: x.T @ ((p - y) * p * (1 - p)) / n,
        "Xᵀ(y − p) / N": lambda: x.T @ (y - p) / n,
        "Xᵀ(p − y) / N": lambda: x.T @ (p - y) / n,
        "(p − y)ᵀ X w / N": lambda: np.atleast_1d((p - y) @ x @ w / n),
    }
    return {text: (lambda f=f: bool(np.shape(f()) == truth.shape and np.allclose(f(), truth, atol=1e-8)))
            for text, f in candidates.items()}


LIK_CHOICES["lik-logreg-grad"] = _logreg_grad_checks()

NUMERIC.update(LIK_NUMERIC)
TRUE_FALSE.update(LIK_TRUE_FALSE)
TRUE_FALSE_NOT_COMPUTABLE.update(LIK_NOT_COMPUTABLE)
CHOICES.update(LIK_CHOICES)
SHORT.update({
    "lik-glm-link": (["Logit", "log-odds", "the logit", "对数几率", "logit 函数"],
                     ["sigmoid", "probit", "log", "identity", "logistic"]),
})
QUOTED.update({
    "lik-kl-value": [("0.0920", kl([0.5, 0.3, 0.2], [0.7, 0.2, 0.1]), 5e-5),
                     ("0.2355", 0.7 * math.log(0.7 / 0.5), 5e-5), ("0.0811", -0.2 * math.log(0.2 / 0.3), 5e-5),
                     ("0.0693", -0.1 * math.log(0.1 / 0.2), 5e-5)],
    "lik-softmax-same-scores": [("5.2404", float(np.log(np.exp([3.2, 5.1, -1.7]).sum())), 5e-5)],
    "lik-perplexity-bits": [("1.4427", 1 / math.log(2), 5e-5), ("7.389", math.exp(2), 5e-4)],
    "lik-kl-facts": [("0.511", kl([0.5, 0.5], [0.9, 0.1]), 5e-4), ("0.368", kl([0.9, 0.1], [0.5, 0.5]), 5e-4)],
    "lik-perplexity-from-loss": [("7.4", math.exp(2), 0.05)],
    "lik-odds-ratio": [("2.014", math.exp(0.7), 5e-4)],
})


# --- contrastive -----------------------------------------------------------------------


def infonce(u, v, tau: float) -> float:
    """InfoNCE over rows: u_i's positive is v_i, the other v_j are its negatives."""
    logits = u @ v.T / tau
    return cross_entropy(logits, np.eye(len(u)))


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _infonce_is_ce() -> bool:
    rng = np.random.default_rng(SEED)
    u, v = _unit(rng.normal(size=(8, 16))), _unit(rng.normal(size=(8, 16)))
    tau = 0.1
    by_hand = np.mean([-(u[i] @ v[i] / tau) + np.log(np.exp(u[i] @ v.T / tau).sum()) for i in range(8)])
    return math.isclose(infonce(u, v, tau), float(by_hand))


def _ntxent_negatives(n: int = 256) -> float:
    views = 2 * n
    positive = np.roll(np.eye(views, dtype=bool), n, axis=1)  # view i pairs with i ± n
    negatives = ~np.eye(views, dtype=bool) & ~positive
    counts = negatives.sum(axis=1)
    assert np.all(counts == counts[0])
    return float(counts[0])


def _temperature_checks() -> dict[str, Callable[[], bool]]:
    sims = np.array([0.9, 0.7, 0.5, 0.1, -0.2, -0.6])  # the positive first, then negatives

    def hardest_share(tau: float) -> float:
        grads = softmax(sims / tau)[1:] / tau  # ∂L/∂s_j for the negatives
        return float(grads[0] / grads.sum())

    shares = [hardest_share(t) for t in (2.0, 0.5, 0.1, 0.02)]
    return {
        "spreads the gradient evenly": lambda: bool(np.all(np.diff(shares) < 0)),
        "concentrates the gradient on the hardest": lambda: bool(
            np.all(np.diff(shares) > 0) and shares[-1] > 0.99 and abs(shares[0] - 0.2) < 0.07),
        "invariant to shifts": lambda: math.isclose(hardest_share(0.1), hardest_share(1.0)),
    }


def _arcface(theta_deg: float, s: float = 64, m: float = 0.5) -> float:
    return s * math.cos(math.radians(theta_deg) + m)


def _neg_vs_nce() -> bool:
    """Optimal scores of negative sampling and of NCE for one context, word by word."""
    p = np.array([0.5, 0.25, 0.15, 0.1])  # data distribution of the words
    q = np.array([0.1, 0.2, 0.3, 0.4])  # noise distribution
    k = 5
    s_grid = np.linspace(-8, 8, 160_001)

    def argmax_per_word(shift):
        best = []
        for w in range(4):
            obj = p[w] * np.log(sigmoid(s_grid - shift[w])) + k * q[w] * np.log(sigmoid(-(s_grid - shift[w])))
            best.append(s_grid[np.argmax(obj)])
        return np.array(best)

    neg = argmax_per_word(np.zeros(4))
    nce = argmax_per_word(np.log(k * q))
    assert np.allclose(nce, np.log(p), atol=1e-3)  # NCE: the normalised log-probabilities
    assert np.allclose(neg, np.log(p / (k * q)), atol=1e-3)  # NEG: shifted PMI
    return bool(np.allclose(softmax(neg), p, atol=1e-3))


def _sampled_correction_checks() -> dict[str, Callable[[], bool]]:
    rng = np.random.default_rng(SEED)
    q = softmax(rng.normal(scale=1.5, size=30))  # a skewed proposal
    zs = [rng.normal(scale=2, size=30) for _ in range(3)]

    def unbiased(correct) -> bool:
        # E_{j∼Q}[e^(corrected z_j)] must equal Σ_j e^(z_j) for every z
        ratios = [float((q * np.exp(correct(z))).sum() / np.exp(z).sum()) for z in zs]
        return bool(np.allclose(ratios, 1.0))

    return {
        "z_j + log Q(j)": lambda: unbiased(lambda z: z + np.log(q)),
        "z_j − log Q(j)": lambda: unbiased(lambda z: z - np.log(q)),
        "z_j / Q(j)": lambda: unbiased(lambda z: z / q),
        "z_j, unchanged": lambda: unbiased(lambda z: z),
    }


def _clip_columns_differ() -> bool:
    rng = np.random.default_rng(SEED)
    s = rng.normal(scale=3, size=(6, 6))
    rows = cross_entropy(s, np.eye(6))
    cols = cross_entropy(s.T, np.eye(6))
    return not math.isclose(rows, cols)


def _scale_checks() -> dict[str, Callable[[], bool]]:
    k = 10_000
    best = np.r_[1.0, -np.ones(k - 1)]  # the most favourable cosines
    rng = np.random.default_rng(SEED)
    cos = np.clip(rng.normal(scale=0.4, size=(50, 20)), -1, 1)
    return {
        "no input can get a probability above 0.001": lambda: bool(softmax(best)[0] < 0.001),
        "inverse temperature": lambda: bool(np.allclose(softmax(30 * cos), softmax(cos / (1 / 30)))),
        "changes which class has the largest logit": lambda: not bool(np.array_equal(
            (30 * cos).argmax(axis=1), cos.argmax(axis=1))),
    }


def _unnormalised_bounded() -> bool:
    rng = np.random.default_rng(SEED)
    u, v = rng.normal(scale=3, size=(5, 8)), rng.normal(scale=3, size=(5, 8))
    assert np.all(np.abs(_unit(u) @ _unit(v).T) <= 1 + 1e-12)  # cosines are bounded
    return bool(np.all(np.abs(u @ v.T) <= 1))


NUMERIC.update({
    "con-infonce-bound": lambda: math.log(256),
    "con-ntxent-negatives": _ntxent_negatives,
    "con-clip-scale": lambda: 1 / 0.07,
    "con-arcface-value": lambda: _arcface(60.0),
    "con-cosface-value": lambda: 30 * (0.8 - 0.35),
    "con-unigram-power": lambda: float((np.array([900.0, 100.0]) ** 0.75
                                        / (np.array([900.0, 100.0]) ** 0.75).sum())[1]),
    "con-hierarchical-cost": lambda: float(math.ceil(math.log2(1_048_576))),
})
TRUE_FALSE.update({
    "con-infonce-is-ce": _infonce_is_ce,
    "con-unnormalised-bounded": _unnormalised_bounded,
    "con-neg-vs-nce": _neg_vs_nce,
})
TRUE_FALSE_NOT_COMPUTABLE.update({
    "con-clip-fixed-temp": "a fact about how CLIP was trained (Radford et al., 2021, section 2.5), "
    "not a computation",
})
CHOICES.update({
    "con-temperature-effect": _temperature_checks(),
    "con-clip-loss": {"since the columns would repeat the same terms": lambda: not _clip_columns_differ()},
    "con-scale-s": _scale_checks(),
    "con-sampled-correction": _sampled_correction_checks(),
})
QUOTED.update({
    "con-arcface-value": [("0.0236", math.cos(math.pi / 3 + 0.5), 5e-5), ("1.5472", math.pi / 3 + 0.5, 5e-5),
                          ("1.0472", math.pi / 3, 5e-5)],
    "con-unigram-power": [("31.62", 100**0.75, 5e-3), ("164.32", 900**0.75, 5e-3)],
    "con-scale-s": [("0.00074", math.e / (math.e + 9999 / math.e), 5e-6)],
    "con-cosface-value": [("24", 30 * 0.8, 1e-12)],
})


# --- detection -------------------------------------------------------------------------

from bank_math import bce_stable  # noqa: E402


def _logit(p: float) -> float:
    """Bisection on σ(b) = p, independent of the closed form log(p / (1 − p))."""
    lo, hi = -50.0, 50.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if sigmoid(mid) < p else (lo, mid)
    return 0.5 * (lo + hi)


def focal(p_t, gamma=2.0, alpha=1.0):
    return -alpha * (1 - p_t) ** gamma * np.log(p_t)


def asl_negative(p, gamma=4.0, m=0.05):
    p_m = np.maximum(np.asarray(p, float) - m, 0.0)
    return -(p_m**gamma) * np.log(1 - p_m)


def _pos_weight_optimum(w=9.0, pi=0.1) -> float:
    p = np.linspace(1e-4, 1 - 1e-4, 999_999)
    loss = -(w * pi * np.log(p) + (1 - pi) * np.log(1 - p))
    return float(p[np.argmin(loss)])


def average_precision(scores, labels) -> float:
    order = np.argsort(-np.asarray(scores))
    hits = np.asarray(labels)[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precision * hits).sum() / hits.sum())


def _threshold_keeps_ranking() -> bool:
    rng = np.random.default_rng(SEED)
    labels = rng.integers(0, 2, size=200)
    scores = sigmoid(rng.normal(size=200) + 1.5 * labels)
    ap = average_precision(scores, labels)
    predicted = [(scores > t).sum() for t in (0.3, 0.5, 0.7)]
    return bool(len(set(predicted)) == 3 and math.isclose(ap, average_precision(scores, labels)))


def _sigmoid_sum_bounded() -> bool:
    """Three labels each present with probability 0.9: the calibrated outputs sum to 2.7."""
    rng = np.random.default_rng(SEED)
    present = rng.uniform(size=(100_000, 3)) < 0.9
    p = np.full(3, 0.9)
    assert np.allclose(present.mean(axis=0), p, atol=0.005)  # each label calibrated
    return bool(p.sum() <= 1)


def _ovr_checks() -> dict[str, Callable[[], bool]]:
    rng = np.random.default_rng(SEED)
    centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    y = rng.integers(0, 3, size=600)
    x = centres[y] + rng.normal(scale=1.0, size=(600, 2))
    xb = np.c_[x, np.ones(600)]
    weights = []
    for k in range(3):  # one logistic regression per class, by gradient descent
        w = np.zeros(3)
        t = (y == k).astype(float)
        for _ in range(3000):
            w -= 0.5 * xb.T @ (sigmoid(xb @ w) - t) / 600
        weights.append(w)
    probs = sigmoid(xb @ np.array(weights).T)
    sums = probs.sum(axis=1)
    z = rng.normal(scale=3, size=(50, 4))
    return {
        "builds exclusivity into the model": lambda: bool(np.allclose(softmax(z).sum(axis=1), 1.0)),
        "all K classes a probability below 0.5": lambda: bool((probs.max(axis=1) < 0.5).any()),
        "always sum to 1": lambda: bool(np.allclose(sums, 1.0, atol=1e-3)),
        "can never match the softmax's accuracy": lambda: bool((probs.argmax(axis=1) == y).mean() < 0.8),
        "can say \"none of these\"": lambda: bool((softmax(z).max(axis=1) < 1 / 4).any()),
    }


NUMERIC.update({
    "det-prior-bias": lambda: _logit(0.01),
    "det-prior-negative-loss": lambda: float(bce_stable(_logit(0.01), 0.0)),
    "det-focal-alpha-value": lambda: float(focal(0.9, 2.0, 0.25)),
    "det-focal-easy-factor": lambda: float(focal(0.99) / -math.log(0.99)),
    "det-pos-weight": lambda: float((1000 - 100) / 100),
    "det-pos-weight-optimum": _pos_weight_optimum,
    "det-asl-value": lambda: float(asl_negative(0.3)),
})
TRUE_FALSE.update({
    "det-sigmoid-sum": _sigmoid_sum_bounded,
    "det-threshold-ranking": _threshold_keeps_ranking,
})
TRUE_FALSE_NOT_COMPUTABLE.update({
    "det-yolo-softmax": "a fact about YOLOv3's design (Redmon and Farhadi, 2018, section 2.2)",
    "det-alpha-positives": "an empirical finding of the RetinaNet paper (Lin et al., 2017, table 1b); "
    "test_det_alpha_positives checks the arithmetic of the weights",
})
CHOICES.update({
    "det-ovr-vs-softmax": _ovr_checks(),
    "det-background": {
        "close to 0 at once": lambda: bool(softmax(np.full(5, -30.0)).max() < 0.05),
        "negative logit for every class": lambda: not bool(np.allclose(
            softmax(np.array([1.0, 2.0, 0.5]) - 10), softmax(np.array([1.0, 2.0, 0.5])))),
    },
    "det-prior-why": {
        "sum to 1 at the start": lambda: math.isclose(100_000 * sigmoid(_logit(0.01)), 1.0),
    },
})
SHORT.update({
    "det-ovr-name": (["One-vs-Rest", "OvR", "一对其余", "one vs all", "OVA"],
                     ["one-vs-one", "OvO", "softmax", "一对一", "multi-label"]),
})
QUOTED.update({
    "det-prior-negative-loss": [("69", math.log(2) / -math.log(0.99), 0.5), ("0.693", math.log(2), 5e-4)],
    "det-focal-alpha-value": [("0.10536", -math.log(0.9), 5e-6), ("0.105", -math.log(0.9), 5e-4),
                              ("400", -math.log(0.9) / float(focal(0.9, 2.0, 0.25)), 0.5)],
    "det-focal-easy-factor": [("2,500", 0.25 / 1e-4, 1e-9)],
    "det-asl-value": [("0.2877", -math.log(0.75), 5e-5), ("0.357", -math.log(0.7), 5e-4),
                      ("0.00390625", 0.25**4, 1e-12)],
    "det-prior-why": [("1,000", 100_000 * 0.01, 1e-9)],
})


# --- calibration -----------------------------------------------------------------------

from bank_math import logsumexp  # noqa: E402


def ece(confidence, correct, bins: int = 10) -> float:
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, float)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return total


def isotonic(y) -> np.ndarray:
    """Pool-adjacent-violators: the non-decreasing least-squares fit of y (in score order)."""
    blocks = [[float(v), 1] for v in y]
    i = 0
    while i < len(blocks) - 1:
        if blocks[i][0] > blocks[i + 1][0]:
            v1, n1 = blocks[i]
            v2, n2 = blocks.pop(i + 1)
            blocks[i] = [(v1 * n1 + v2 * n2) / (n1 + n2), n1 + n2]
            i = max(i - 1, 0)
        else:
            i += 1
    return np.concatenate([[v] * n for v, n in blocks])


def _isotonic_reverses() -> bool:
    rng = np.random.default_rng(SEED)
    scores = np.sort(rng.uniform(size=300))
    labels = (rng.uniform(size=300) < scores).astype(float)
    fitted = isotonic(labels)
    assert len(np.unique(fitted)) < len(np.unique(scores))  # ties appear (the explanation)
    return bool(np.any(np.diff(fitted) < 0))


def _relu_far() -> bool:
    rng = np.random.default_rng(SEED)
    w1, b1 = rng.normal(size=(16, 5)), rng.normal(size=16)
    w2, b2 = rng.normal(size=(4, 16)), rng.normal(size=4)
    x = rng.normal(size=5)

    def msp(alpha):
        return float(softmax(w2 @ np.maximum(w1 @ (alpha * x) + b1, 0) + b2).max())

    values = [msp(a) for a in (1.0, 10.0, 100.0, 1000.0)]
    return bool(values[-1] > 0.999 and values[-1] >= values[0])


def _gumbel_max_exact() -> bool:
    rng = np.random.default_rng(SEED)
    pi = np.array([0.5, 0.3, 0.15, 0.05])
    u = rng.uniform(1e-12, 1 - 1e-12, size=(400_000, 4))
    picks = np.argmax(np.log(pi) - np.log(-np.log(u)), axis=1)
    freq = np.bincount(picks, minlength=4) / len(picks)
    return bool(np.allclose(freq, pi, atol=0.004))


def _straight_through_unbiased() -> bool:
    rng = np.random.default_rng(SEED)
    g = -np.log(-np.log(rng.uniform(1e-12, 1 - 1e-12, size=(400_000, 2))))
    s = sigmoid(g[:, 0] - g[:, 1])  # soft sample of class 1 with equal logits, τ = 1
    st_estimate = float((s * (1 - s)).mean())  # E[∂y_soft,1/∂θ₁]
    true_gradient = 0.5 * 0.5
    assert abs(st_estimate - 1 / 6) < 0.003
    return abs(st_estimate - true_gradient) < 0.01


def _gumbel_soft_samples(tau: float, n: int = 50_000):
    rng = np.random.default_rng(SEED)
    pi = np.array([0.6, 0.3, 0.1])
    g = -np.log(-np.log(rng.uniform(1e-12, 1 - 1e-12, size=(n, 3))))
    return pi, softmax((np.log(pi) + g) / tau)


def _gumbel_temp_checks() -> dict[str, Callable[[], bool]]:
    def one_hot_share(tau):
        return float((_gumbel_soft_samples(tau)[1].max(axis=1) > 0.99).mean())

    return {
        "uniform vectors and gradients vanish": lambda: bool(np.allclose(
            _gumbel_soft_samples(0.01)[1], 1 / 3, atol=0.05)),
        "one-hot, but gradients grow noisy": lambda: one_hot_share(0.01) > 0.95 > 0.5 > one_hot_share(1.0),
        "stop depending on π": lambda: bool(np.allclose(
            np.bincount(_gumbel_soft_samples(0.01)[1].argmax(axis=1), minlength=3) / 50_000, 1 / 3, atol=0.02)),
        "keep their expectation π": lambda: bool(np.allclose(
            _gumbel_soft_samples(1.0)[1].mean(axis=0), _gumbel_soft_samples(1.0)[0], atol=0.01)),
    }


def _straight_through_checks() -> dict[str, Callable[[], bool]]:
    """Each formula as a function of (θ, θ_sg): sg(·) is evaluated at the frozen θ_sg."""
    theta = np.array([0.4, -0.3, 1.1])
    g = np.array([0.2, 1.3, -0.5])

    def soft(t):
        return softmax(t + g)

    def hard(t):
        return onehot(int(np.argmax(t + g)), 3)

    formulas = {
        "y = y_soft − sg(y_hard) + y_hard": lambda t, f: soft(t) - hard(f) + hard(t),
        "y = sg(y_soft) + y_hard": lambda t, f: soft(f) + hard(t),
        "y = y_hard − sg(y_soft) + y_soft": lambda t, f: hard(t) - soft(f) + soft(t),
        "y = sg(y_hard − y_soft) − y_soft": lambda t, f: (hard(f) - soft(f)) - soft(t),
    }
    weights = np.array([1.0, -2.0, 0.5])  # a downstream linear loss

    def check(formula) -> Callable[[], bool]:
        def run() -> bool:
            forward_is_hard = np.allclose(formula(theta, theta), hard(theta))
            grad = num_grad(lambda t: float(weights @ formula(t, theta)), theta, 1e-6)
            soft_grad = num_grad(lambda t: float(weights @ soft(t)), theta, 1e-6)
            return bool(forward_is_hard and np.allclose(grad, soft_grad, atol=1e-7))
        return run

    return {text: check(f) for text, f in formulas.items()}


def _ece_pitfalls() -> dict[str, Callable[[], bool]]:
    rng = np.random.default_rng(SEED)
    conf = rng.uniform(0.5, 1.0, size=2000)
    correct = rng.uniform(size=2000) < conf**1.5  # somewhat over-confident
    base = np.full(5000, 0.3)
    outcome = np.r_[np.ones(1500), np.zeros(3500)]
    z = rng.normal(scale=3, size=(3000, 5))
    y = np.array([rng.choice(5, p=softmax(row / 2)) for row in z])

    def stats(t):
        p = softmax(z / t)
        return ece(p.max(axis=1), p.argmax(axis=1) == y, 15), float((p.argmax(axis=1) == y).mean())

    (ece1, acc1), (ece2, acc2) = stats(1.0), stats(2.0)
    return {
        "depends on the number of bins": lambda: not math.isclose(ece(conf, correct, 5), ece(conf, correct, 50)),
        "always predicts the base rate": lambda: ece(base, outcome) < 1e-12,
        "always means a higher accuracy": lambda: (ece2 < ece1) == (acc2 > acc1) and acc1 != acc2,
    }


NUMERIC.update({
    "cal-ece-value": lambda: ece(np.r_[np.full(10, 0.9), np.full(30, 0.6)],
                                 np.r_[np.ones(6), np.zeros(4), np.ones(18), np.zeros(12)]),
    "cal-energy-value": lambda: -float(logsumexp([2.0, 1.0, 0.0])),
    "cal-gumbel-noise": lambda: -math.log(-math.log(0.5)),
})
TRUE_FALSE.update({
    "cal-isotonic-order": _isotonic_reverses,
    "cal-energy-shift": lambda: bool(
        math.isclose(softmax([2.0, 1.0, 0.0]).max(), softmax([7.0, 6.0, 5.0]).max())
        and not math.isclose(logsumexp([2.0, 1.0, 0.0]), logsumexp([7.0, 6.0, 5.0]))),
    "cal-relu-far": _relu_far,
    "cal-gumbel-max": _gumbel_max_exact,
    "cal-st-unbiased": _straight_through_unbiased,
})
TRUE_FALSE_NOT_COMPUTABLE.update({
    "cal-modern-underconfident": "an empirical finding of Guo et al. (2017, section 3) about trained "
    "networks; temp-calibration and cal-ts-fit check the arithmetic of temperature scaling",
})
CHOICES.update({
    "cal-ece-pitfalls": _ece_pitfalls(),
    "cal-ts-fit": {"maximising accuracy": lambda: len({
        float((softmax(np.random.default_rng(SEED).normal(size=(200, 4)) / t).argmax(1)
               == np.arange(200) % 4).mean()) for t in (0.3, 1.0, 4.0)}) > 1},
    "cal-gumbel-temp": _gumbel_temp_checks(),
    "cal-straight-through": _straight_through_checks(),
    "cal-energy-why": {"bounded in (0, 1)": lambda: bool(0 < logsumexp([2.0, 1.0, 0.0]) < 1)},
})
QUOTED.update({
    "cal-energy-value": [("0.4076", math.log(1 + math.exp(-1) + math.exp(-2)), 5e-5),
                         ("0.665", float(softmax([2.0, 1.0, 0.0])[0]), 5e-4)],
    "cal-gumbel-noise": [("0.6931", math.log(2), 5e-5), ("0.5772", float(np.euler_gamma), 5e-5)],
    "cal-st-unbiased": [("0.25", 0.25, 0)],
})


# --- questions added to the original banks ---------------------------------------------


def _multi_hot_optimum() -> dict[str, Callable[[], bool]]:
    rng = np.random.default_rng(SEED)
    k = 6
    present = rng.uniform(size=(4000, k)) < np.array([0.9, 0.8, 0.5, 0.3, 0.1, 0.05])
    present[present.sum(axis=1) == 0, 0] = True
    q = present / present.sum(axis=1, keepdims=True)
    z = np.zeros(k)
    for _ in range(2000):
        z -= 2.0 * (softmax(z) - q.mean(axis=0))  # gradient of the mean H(q_n, softmax(z))
    p = softmax(z)
    return {
        "probability that the tag applies": lambda: bool(np.allclose(p, present.mean(axis=0), atol=0.02)),
        "expected share of the image's tags": lambda: bool(np.allclose(p, q.mean(axis=0), atol=1e-6)),
        "has no minimum": lambda: not bool(np.all(np.isfinite(z))),
    }


def _sum_is_64_times_mean() -> bool:
    rng = np.random.default_rng(SEED)
    z, y = rng.normal(size=(64, 5)), np.eye(5)[rng.integers(0, 5, size=64)]
    mean_grad = num_grad(lambda v: cross_entropy(v, y), z)
    sum_grad = num_grad(lambda v: 64 * cross_entropy(v, y), z)
    return bool(np.allclose(sum_grad, 64 * mean_grad))


NUMERIC.update({
    "ce-smoothing-floor": lambda: entropy(np.r_[0.91, np.full(9, 0.01)]),
    "act-swish-value": lambda: float(2 * sigmoid(2.0)),
})
TRUE_FALSE.update({
    "ss-ovr-renormalised": lambda: all(np.allclose(sigmoid(z) / sigmoid(z).sum(), softmax(z))
                                       for z in (np.array([2.0, 0.0]), np.array([0.5, -1.0, 3.0]))),
    "ce-sum-reduction": _sum_is_64_times_mean,
    "act-sigmoid-softplus": lambda: bool(np.allclose(
        [num_grad(lambda v: float(sigmoid(v[0])), [x])[0] for x in np.linspace(-4, 4, 9)],
        np.log1p(np.exp(np.linspace(-4, 4, 9))))),
})
CHOICES.update({
    "ce-multi-hot-softmax": _multi_hot_optimum(),
    "ss-se-gate": {"compete for one fixed total weight": lambda: bool(
        np.isclose(softmax(np.random.default_rng(SEED).normal(size=256)).sum(), 1.0))},
})
QUOTED.update({
    "ss-ovr-renormalised": [("0.88", float(sigmoid(2.0)), 5e-3), ("1.38", float(sigmoid(2.0) + 0.5), 5e-3),
                            ("0.64", float(sigmoid(2.0) / (sigmoid(2.0) + 0.5)), 5e-3)],
    "ce-smoothing-floor": [("0.0858", -0.91 * math.log(0.91), 5e-5), ("0.4145", -0.09 * math.log(0.01), 5e-5)],
    "act-swish-value": [("0.8808", float(sigmoid(2.0)), 5e-5)],
})


def top_p_keep(probs, p: float) -> int:
    """How many of the sorted top tokens nucleus sampling keeps."""
    ordered = np.sort(np.asarray(probs, float))[::-1]
    return int(np.searchsorted(np.cumsum(ordered), p - 1e-12) + 1)


def _top_k_order_free() -> bool:
    rng = np.random.default_rng(SEED)
    for _ in range(50):
        z, k = rng.normal(scale=3, size=20), 5
        for t in (0.3, 2.0):
            if set(np.argsort(z / t)[-k:]) != set(np.argsort(z)[-k:]):
                return False
    return True


def _top_p_order_free() -> bool:
    z = np.array([3.0, 2.0, 1.0, 0.0, -1.0])
    after = top_p_keep(softmax(z), 0.9)  # cut at T = 1, then rescale inside the nucleus
    return all(top_p_keep(softmax(z / t), 0.9) == after for t in (0.5, 2.0))


NUMERIC.update({
    "temp-top-p-count": lambda: float(top_p_keep([0.5, 0.25, 0.15, 0.1], 0.8)),
    "temp-soft-target-value": lambda: float(softmax(np.array([4.0, 1.0, 0.0]) / 4)[0]),
})
TRUE_FALSE.update({
    "temp-before-top-k": _top_k_order_free,
    "temp-before-top-p": _top_p_order_free,
})
QUOTED.update({
    "temp-soft-target-value": [("0.2567", float(softmax([1.0, 0.25, 0.0])[1]), 5e-5),
                               ("0.1999", float(softmax([1.0, 0.25, 0.0])[2]), 5e-5),
                               ("0.936", float(softmax([4.0, 1.0, 0.0])[0]), 5e-4),
                               ("0.047", float(softmax([4.0, 1.0, 0.0])[1]), 5e-4),
                               ("0.017", float(softmax([4.0, 1.0, 0.0])[2]), 5e-4)],
})


def _thresholded_sigmoids_one_answer() -> bool:
    """120 independent sigmoids thresholded at 0.5 can name no breed, or several."""
    rng = np.random.default_rng(SEED)
    logits = rng.normal(loc=-2.0, scale=2.0, size=(1000, 120))
    counts = (sigmoid(logits) > 0.5).sum(axis=1)
    return bool(np.all(counts == 1))


def _attention_axis() -> dict[str, Callable[[], bool]]:
    rng = np.random.default_rng(SEED)
    q, k, v = rng.normal(size=(4, 8)), rng.normal(size=(6, 8)), rng.normal(size=(6, 3))
    scores = q @ k.T / math.sqrt(8)

    def convex_per_query(weights) -> bool:  # each output a weighted average of the values
        return bool(weights.shape == (4, 6) and np.allclose(weights.sum(axis=1), 1)
                    and np.all(weights >= 0))

    return {
        "Over the keys, so each query's row": lambda: convex_per_query(softmax(scores, axis=-1)),
        "Over the queries, so each key's column": lambda: convex_per_query(softmax(scores, axis=0)),
        "Over the whole n_q × n_k matrix": lambda: convex_per_query(
            softmax(scores.reshape(-1)).reshape(4, 6)),
    }


CHOICES.update({
    "ss-exclusive-choice": {"keeping every breed above 0.5": _thresholded_sigmoids_one_answer},
    "att-softmax-axis": _attention_axis(),
})
