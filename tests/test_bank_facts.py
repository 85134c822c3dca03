"""Every fact in the built-in question banks that code can check, checked with numpy.

The banks are read with ``yaml.safe_load`` straight from ``questions/`` (this module does
not use the quiz loader).  Each check reads what the bank says (a numeric answer, which
choices are marked correct, an array or a code listing quoted in a prompt, a number
quoted in an explanation) and compares it with an independent computation.  Tests are
named, or parametrised by, the id of the question they verify.

Tables:
- ``NUMERIC``: every ``numeric`` question -> a function computing its answer.
- ``TRUE_FALSE``: every ``true-false`` question -> a function computing its truth.
- ``CHOICES``: for single/multi questions whose options are checkable, a fragment of an
  option's English text -> a function computing whether that option is correct.
- ``SHORT``: for every ``short`` question, answers that must be accepted and rejected.
- ``QUOTED``: numbers quoted in prompts, options and explanations -> their computed value.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml

QUESTIONS_DIR = Path(__file__).resolve().parents[1] / "questions"
# every bank in questions/: a new bank's questions need their checks here without listing it
BANK_FILES = sorted(QUESTIONS_DIR.glob("*.yaml"))


def _load() -> dict[str, dict]:
    by_id: dict[str, dict] = {}
    for path in BANK_FILES:
        with open(path, encoding="utf-8") as fh:
            bank = yaml.safe_load(fh)
        for q in bank["questions"]:
            assert q["id"] not in by_id, q["id"]
            by_id[q["id"]] = q
    return by_id


Q = _load()


def en(text) -> str:
    return text if isinstance(text, str) else text["en"]


def all_text(q: dict) -> str:
    """Every English string of a question (prompt, options, whys, explanation, points)."""
    parts = [en(q["prompt"]), en(q["explanation"])]
    for c in q.get("choices", []):
        parts.append(en(c["text"]))
        if "why" in c:
            parts.append(en(c["why"]))
    parts += [en(p) for p in q.get("points", [])]
    return "\n".join(parts)


def ids_of(qtype: str) -> list[str]:
    return sorted(qid for qid, q in Q.items() if q["type"] == qtype)


# ---------------------------------------------------------------------------------------
# Reference implementations, written independently of the banks: tests/bank_math.py.

from bank_math import (  # noqa: E402
    bce_naive, bce_reference, bce_stable, cross_entropy, distill_grad, dsigmoid, entropy, kl,
    log_softmax, logsumexp, normal_cdf, num_grad, num_jacobian, onehot, sigmoid, silu_minimum,
    softmax,
)
import topic_facts  # noqa: E402  # the checks of the banks added for issue 15

# ---------------------------------------------------------------------------------------
# Content quoted in the banks: the seed's array and the seed's code, read from prompts.

def seed_probabilities() -> np.ndarray:
    prompt = en(Q["ss-threshold-strict"]["prompt"])
    match = re.search(r"\[([0-9., ]+)\]", prompt)
    assert match, "the thresholding prompt must quote the seed's output array"
    return np.array([float(v) for v in match.group(1).split(",")])


def seed_threshold() -> float:
    match = re.search(r"p > ([0-9.]+)", en(Q["ss-threshold-strict"]["prompt"]))
    assert match
    return float(match.group(1))


class _CountingNumpy:
    """Stands in for numpy inside the seed's function to count np.exp calls."""

    def __init__(self):
        self.exp_calls = 0

    def exp(self, x):
        self.exp_calls += 1
        return np.exp(x)

    def __getattr__(self, name):
        return getattr(np, name)


def seed_softmax(counter: _CountingNumpy | None = None):
    """The seed article's reference softmax, executed from the listing in the bank."""
    prompt = en(Q["ss-seed-code-bugs"]["prompt"])
    code_lines = [line[4:] for line in prompt.splitlines() if line.startswith("    ")]
    code = "\n".join(code_lines)
    assert "f -= np.max(f)" in code and "def softmax(f):" in code
    namespace: dict = {}
    exec(compile(code, "<seed softmax>", "exec"), namespace)  # our own bank text
    if counter is not None:
        namespace["np"] = counter
    return namespace["softmax"]


def fixed_softmax(x):
    """The corrected recipe given in ss-seed-code-bugs / ss-softmax-batched-card: integers
    become float64, float32 stays float32 (the softmax kata's dtype contract)."""
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


RNG_SEED = 20240601
P_SEED = seed_probabilities()


# ---------------------------------------------------------------------------------------
# numeric questions: id -> value computed independently

def _ss_grad_peak():
    grid = np.linspace(-20, 20, 400_001)  # contains 0 exactly
    return float(dsigmoid(grid).max())


def _ss_jacobian_value():
    jac = num_jacobian(softmax, [1.0, 2.0, 3.0])
    return float(jac[0, 2])  # d s_1 / d x_3 with 1-based indices


def _ce_mse_saturated_grad():
    return float(num_grad(lambda z: 0.5 * (sigmoid(z[0]) - 1.0) ** 2, [-5.0])[0])


def _ce_grad_value():
    return float(num_grad(lambda z: cross_entropy(z, onehot(0, 3)), [2.0, 1.0, 0.1])[0])


def _act_tanh_grad_peak():
    grid = np.linspace(-10, 10, 200_001)
    return float((1 - np.tanh(grid) ** 2).max())


NUMERIC: dict[str, Callable[[], float]] = {
    "ss-sigmoid-grad-peak": _ss_grad_peak,
    "ss-sigmoid-grad-at-2": lambda: float(num_grad(lambda v: sigmoid(v[0]), [2.0])[0]),
    "ss-vanishing-ten-layers": lambda: float(np.prod([dsigmoid(0.0)] * 10)),
    "ss-exp-overflow-float64": lambda: float(np.log(np.finfo(np.float64).max)),
    "ss-seed-code-batch": lambda: float(seed_softmax()(np.tile([1.0, 2.0, 3.0], (4, 1)))[0].sum()),
    "ss-jacobian-value": _ss_jacobian_value,
    "ss-two-class-value": lambda: float(softmax([1.0, 3.0])[1]),
    "ss-log-softmax-value": lambda: float(log_softmax([0.0, -1000.0])[1]),
    "ce-mse-saturated-grad": _ce_mse_saturated_grad,
    "ce-grad-value": _ce_grad_value,
    "ce-initial-loss-10": lambda: cross_entropy(np.zeros(10), onehot(3, 10)),
    "ce-initial-loss-1000": lambda: cross_entropy(np.zeros(1000), onehot(7, 1000)),
    "ce-label-smoothing-target": lambda: float(((1 - 0.1) * onehot(0, 10) + 0.1 / 10)[0]),
    "ce-bce-logits-value": lambda: float(bce_stable(1000.0, 0.0)),
    "ce-kl-value": lambda: kl([0.5, 0.5], [0.9, 0.1]),
    "ce-focal-factor": lambda: float(-((1 - 0.9) ** 2) * math.log(0.9) / -math.log(0.9)),
    "act-tanh-grad-peak": _act_tanh_grad_peak,
    "act-leaky-relu-value": lambda: float(np.where(-3.0 >= 0, -3.0, 0.01 * -3.0)),
    "act-silu-min": lambda: silu_minimum()[1],
    "act-he-std": lambda: math.sqrt(2.0 / 512),
    "temp-value": lambda: float(softmax(np.array([2.0, 1.0, 0.0]) / 2.0)[0]),
    # the 1/T² scaling itself is verified in test_temp_distillation_t2
    "temp-t2-factor": lambda: 4.0**2,
    **topic_facts.NUMERIC,
}


def _tolerance(q: dict) -> float:
    tol = q.get("tolerance") or {}
    return max(float(tol.get("abs", 0.0)), float(tol.get("rel", 0.0)) * abs(float(q["answer"])))


def test_every_numeric_question_has_a_check():
    missing = sorted(set(ids_of("numeric")) - set(NUMERIC))
    assert not missing, f"numeric questions without a computation in NUMERIC: {missing}"
    stale = sorted(set(NUMERIC) - set(ids_of("numeric")))
    assert not stale, f"NUMERIC entries for questions that are not numeric: {stale}"


@pytest.mark.parametrize("qid", ids_of("numeric"))
def test_numeric_answer(qid):
    q = Q[qid]
    if qid not in NUMERIC:
        pytest.fail(f"no computation for numeric question {qid}")
    computed = NUMERIC[qid]()
    assert math.isfinite(computed)
    assert abs(float(q["answer"]) - computed) <= _tolerance(q) + 1e-12, (
        f"{qid}: bank says {q['answer']}, numpy computes {computed}"
    )
    # a tolerance so wide that a neighbouring wrong answer would pass is a bug too
    assert _tolerance(q) <= max(0.01 * abs(computed), 1e-3), f"{qid}: tolerance too loose"


# ---------------------------------------------------------------------------------------
# true-false questions: id -> computed truth

def _tf_sigmoid_symmetry():
    x = np.linspace(-30, 30, 6001)
    return bool(np.allclose(sigmoid(-x), 1 - sigmoid(x), atol=1e-15))


def _tf_shift_invariance():
    rng = np.random.default_rng(RNG_SEED)
    ok = True
    for _ in range(50):
        x = rng.normal(scale=5, size=rng.integers(2, 12))
        c = rng.normal(scale=100)
        ok &= np.allclose(softmax(x + c), softmax(x), rtol=1e-12, atol=1e-15)
    return bool(ok)


def _tf_seed_code_keeps_input():
    x = np.array([1.0, 2.0, 3.0])
    seed_softmax()(x)
    return bool(np.array_equal(x, [1.0, 2.0, 3.0]))


def _tf_lse_gradient():
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(scale=3, size=6)
    return bool(np.allclose(num_grad(lambda v: float(logsumexp(v)), x), softmax(x), atol=1e-8))


def _tf_ce_grad_mean():
    rng = np.random.default_rng(RNG_SEED)
    n, k = 5, 4
    z = rng.normal(size=(n, k))
    y = np.eye(k)[rng.integers(0, k, size=n)]
    grad = num_grad(lambda v: cross_entropy(v, y), z)
    return bool(np.allclose(grad, (softmax(z) - y) / n, atol=1e-8))


def _tf_focal_gamma_zero():
    p = np.linspace(0.01, 0.99, 99)
    focal = -1.0 * (1 - p) ** 0 * np.log(p)
    return bool(np.allclose(focal, -np.log(p)))


def _tf_tanh_saturation():
    return bool(1 - np.tanh(3.0) ** 2 < 0.01)


def _tf_relu_no_saturation():
    xs = [1.0, 10.0, 1e3, 1e6]
    grads = [num_grad(lambda v: float(np.maximum(v[0], 0.0)), [x], h=1e-3)[0] for x in xs]
    return bool(np.allclose(grads, 1.0))


def _tf_relu_second_moment():
    # E[ReLU(x)^2] for x ~ N(0, 1), by quadrature on a fine grid
    x = np.linspace(-12, 12, 2_400_001)
    pdf = np.exp(-x**2 / 2) / math.sqrt(2 * math.pi)
    moment = float(np.trapezoid(np.maximum(x, 0) ** 2 * pdf, x))
    # and the consequence: Var(W) = 2/fan_in keeps the second moment of activations
    rng = np.random.default_rng(RNG_SEED)
    width, h = 256, rng.normal(size=(400, 256))
    first = float((h**2).mean())
    for _ in range(10):
        w = rng.normal(scale=math.sqrt(2.0 / width), size=(width, width))
        h = np.maximum(h, 0) @ w
    preserved = 0.7 < float((h**2).mean()) / first < 1.4
    return bool(abs(moment - 0.5) < 1e-9 and preserved)


def _tf_uniform_limit():
    """The claim is about T → 0⁺: true only if a tiny T gave the uniform distribution."""
    x = np.array([3.0, -1.0, 0.5, 2.0])
    cold = softmax(x / 1e-3)
    assert np.allclose(cold, np.eye(len(x))[np.argmax(x)])  # one-hot at the argmax
    tied = softmax(np.array([2.0, 2.0, 0.0]) / 1e-3)
    assert np.allclose(tied, [0.5, 0.5, 0.0])  # split among tied maxima
    assert np.allclose(softmax(x / 1e9), 1 / len(x), atol=1e-8)  # it is T → ∞ that flattens
    return bool(np.allclose(cold, 1 / len(x), atol=1e-3))


def _tf_scale_changes():
    x = np.array([1.0, 2.0, 3.0])
    return bool(np.allclose(softmax(2 * x), softmax(x)))


def _tf_entropy_monotone():
    rng = np.random.default_rng(RNG_SEED)
    temps = np.geomspace(0.05, 50, 400)
    ok = True
    for _ in range(20):
        x = rng.normal(scale=3, size=7)
        h = np.array([entropy(softmax(x / t)) for t in temps])
        diffs = np.diff(h)
        # strictly increasing wherever the entropy is not lost to float underflow
        ok &= bool(np.all(diffs[h[:-1] > 1e-9] > 0))
        # from 0 (one-hot, T → 0) towards ln K (uniform, T → ∞)
        ok &= entropy(softmax(x / 1e-6)) < 1e-9 and abs(h[-1] - math.log(7)) < 0.01
    return bool(ok)


def _tf_accuracy_unchanged():
    rng = np.random.default_rng(RNG_SEED)
    z = rng.normal(scale=4, size=(500, 10))
    ok = True
    for t in (0.01, 0.3, 1.0, 2.5, 100.0):
        ok &= bool(np.array_equal(softmax(z / t).argmax(axis=1), z.argmax(axis=1)))
    return bool(ok)


TRUE_FALSE: dict[str, Callable[[], bool]] = {
    "ss-sigmoid-symmetry": _tf_sigmoid_symmetry,
    "ss-independent-sigmoids-sum": lambda: bool(math.isclose(P_SEED.sum(), 1.0)),
    "ss-softmax-shift-invariance": _tf_shift_invariance,
    "ss-seed-code-mutates": _tf_seed_code_keeps_input,
    "ss-lse-gradient": _tf_lse_gradient,
    "ce-grad-mean": _tf_ce_grad_mean,
    "ce-focal-gamma-zero": _tf_focal_gamma_zero,
    "act-tanh-saturation": _tf_tanh_saturation,
    "act-relu-no-saturation": _tf_relu_no_saturation,
    "act-relu-second-moment": _tf_relu_second_moment,
    "temp-uniform-limit": _tf_uniform_limit,
    "temp-scale-changes": _tf_scale_changes,
    "temp-entropy-monotone": _tf_entropy_monotone,
    "temp-accuracy-unchanged": _tf_accuracy_unchanged,
    **topic_facts.TRUE_FALSE,
}

# true-false questions whose truth no code can compute: id -> reason
TRUE_FALSE_NOT_COMPUTABLE: dict[str, str] = dict(topic_facts.TRUE_FALSE_NOT_COMPUTABLE)


def test_every_true_false_question_is_checked_or_excused():
    tf = set(ids_of("true-false"))
    missing = sorted(tf - set(TRUE_FALSE) - set(TRUE_FALSE_NOT_COMPUTABLE))
    assert not missing, f"true-false questions neither computed nor excused: {missing}"
    assert not (set(TRUE_FALSE) - tf), "TRUE_FALSE lists questions that are not true-false"


@pytest.mark.parametrize("qid", sorted(TRUE_FALSE))
def test_true_false_answer(qid):
    assert Q[qid]["type"] == "true-false"
    assert Q[qid]["answer"] is TRUE_FALSE[qid](), f"{qid}: the bank's answer disagrees with numpy"


# ---------------------------------------------------------------------------------------
# single / multi questions: a fragment of an option's English text -> computed correctness

def _formula_check(candidates: dict[str, Callable], truth: Callable, samples) -> dict:
    """Each candidate formula is 'correct' iff it matches ``truth`` on every sample."""
    out = {}
    for text, fn in candidates.items():
        def check(fn=fn):
            with np.errstate(all="ignore"):
                return all(np.allclose(fn(*s), truth(*s), rtol=1e-6, atol=1e-9) for s in samples)
        out[text] = check
    return out


_RNG = np.random.default_rng(RNG_SEED)
_GRID = [(x,) for x in np.linspace(-8, 8, 33)]
_PAIRS = [tuple(v) for v in _RNG.normal(scale=4, size=(25, 2))]
_VECS = [(_RNG.normal(scale=2, size=k),) for k in (2, 3, 5, 8)]
_VEC_GRADS = [(_RNG.normal(scale=2, size=k), _RNG.normal(size=k)) for k in (2, 3, 5, 8)]
_CE_SAMPLES = [(_RNG.normal(scale=2, size=k), onehot(int(_RNG.integers(k)), k)) for k in (2, 4, 7)]
_BCE_SAMPLES = [(x, y) for x in np.linspace(-30, 30, 13) for y in (0.0, 0.3, 1.0)]


def _bce_formula(fn):
    """Equal to the definition on moderate x AND finite at x = ±1000."""
    def check():
        with np.errstate(all="ignore"):
            equal = all(np.isclose(fn(x, y), bce_reference(x, y), rtol=1e-7, atol=1e-12)
                        for x, y in _BCE_SAMPLES)
            finite = all(np.isfinite(fn(x, y)) for x in (-1000.0, 1000.0) for y in (0.0, 1.0))
        return bool(equal and finite)
    return check


def _jacobian_properties():
    rng = np.random.default_rng(RNG_SEED)
    s = softmax(rng.normal(scale=2, size=6))
    jac = np.diag(s) - np.outer(s, s)
    cov_onehot = np.diag(s) - np.outer(s, s)  # E[e eᵀ] − E[e]E[e]ᵀ with E[e eᵀ] = diag(s)
    samples = np.eye(6)[rng.choice(6, size=400_000, p=s)]
    empirical_cov = np.cov(samples, rowvar=False, bias=True)
    assert np.allclose(num_jacobian(softmax, np.log(s)), jac, atol=1e-8)
    return {
        "J is symmetric": lambda: bool(np.allclose(jac, jac.T)),
        "sums to 0": lambda: bool(np.allclose(jac.sum(0), 0) and np.allclose(jac.sum(1), 0)
                                  and np.linalg.matrix_rank(jac) < 6),
        "positive semi-definite": lambda: bool(np.linalg.eigvalsh(jac).min() > -1e-12
                                               and np.allclose(jac, cov_onehot)
                                               and np.allclose(empirical_cov, jac, atol=3e-3)),
        "J is diagonal": lambda: bool(np.allclose(jac, np.diag(np.diag(jac)))),
        "full rank": lambda: bool(np.linalg.matrix_rank(jac) == 6),
        "diagonal entries can be negative": lambda: bool((np.diag(jac) < 0).any()),
    }


def _seed_code_facts():
    fn = seed_softmax()

    def mutates():
        x = np.array([1.0, 2.0, 3.0])
        fn(x)
        return not np.array_equal(x, [1.0, 2.0, 3.0])

    def whole_batch():
        out = fn(np.array([[1.0, 2.0, 3.0], [0.0, 5.0, -1.0]]))
        return bool(math.isclose(out.sum(), 1.0) and not np.allclose(out.sum(axis=1), 1.0))

    def exp_twice():
        counter = _CountingNumpy()
        seed_softmax(counter)(np.array([1.0, 2.0]))
        return counter.exp_calls == 2

    def unsigned_wraps():
        x = np.array([1, 2, 3], dtype=np.uint8)
        with np.errstate(all="ignore"):
            out = fn(x)
        return bool(np.array_equal(x, [254, 255, 0]) and np.isnan(out).any())

    def wrong_1d_values():
        x = np.array([0.5, -1.0, 2.0, 7.0])
        return not np.allclose(fn(x.copy()), softmax(x))

    def signed_int_raises():
        x = np.array([123, 456, 789])
        try:
            out = fn(x)
        except Exception:
            return True
        assert np.array_equal(x, [-666, -333, 0])  # as the 'why' says: silently overwritten
        assert np.allclose(out, softmax([123.0, 456.0, 789.0]))
        return False

    return {
        "modifies the caller's array": mutates,
        "reduce over the whole array": whole_batch,
        "evaluates np.exp(f) twice": exp_twice,
        "unsigned-integer array": unsigned_wraps,
        "changes the probabilities": wrong_1d_values,
        "signed integer array": signed_int_raises,
    }


def _conv_violation(f, dim, rng, tries=2000, scale=3.0):
    """True if some midpoint violates convexity: f((a+b)/2) > (f(a)+f(b))/2."""
    for _ in range(tries):
        a, b = rng.normal(scale=scale, size=dim), rng.normal(scale=scale, size=dim)
        if f((a + b) / 2) > (f(a) + f(b)) / 2 + 1e-9:
            return True
    return False


def _convexity_facts():
    rng = np.random.default_rng(RNG_SEED)
    n, d, k = 30, 3, 4
    x = rng.normal(size=(n, d))
    y = np.eye(k)[rng.integers(0, k, size=n)]

    def softmax_regression(theta):
        w, b = theta[: d * k].reshape(d, k), theta[d * k:]
        return cross_entropy(x @ w + b, y)

    def mlp(theta, hidden=3):
        w1 = theta[: d * hidden].reshape(d, hidden)
        w2 = theta[d * hidden:].reshape(hidden, k)
        return cross_entropy(np.tanh(x @ w1) @ w2, y)

    def mse_sigmoid(z):
        return 0.5 * (sigmoid(z[0]) - 1.0) ** 2

    def mse_second_derivative_changes_sign():
        zs = np.linspace(-8, 8, 801)
        second = np.array([num_grad(lambda v: num_grad(mse_sigmoid, v, 1e-4)[0], [z], 1e-4)[0]
                           for z in zs])
        return bool((second > 1e-6).any() and (second < -1e-6).any())

    return {
        "softmax regression": lambda: not _conv_violation(softmax_regression, d * k + k, rng, 500),
        "is not convex in z": mse_second_derivative_changes_sign,
        "network with a hidden layer is non-convex": lambda: _conv_violation(mlp, 3 * d + 3 * k, rng),
        "convex in the logit, because MSE": lambda: not _conv_violation(mse_sigmoid, 1, rng),
        # −log p is convex in p for any target: second derivative 1/p² > 0 everywhere
        "only when the classes are balanced": lambda: not bool(
            (num_grad(lambda v: num_grad(lambda u: -math.log(u[0]), v, 1e-5)[0],
                      [0.3], 1e-4) > 0).all()),
    }


def _kl_facts():
    rng = np.random.default_rng(RNG_SEED)
    pairs = [(softmax(rng.normal(size=5)), softmax(rng.normal(size=5))) for _ in range(20)]
    soft_target = softmax(rng.normal(size=5))
    z0 = rng.normal(size=5)
    ce_grad = num_grad(lambda z: cross_entropy(z, soft_target), z0)
    kl_grad = num_grad(lambda z: kl(soft_target, softmax(z)), z0)
    return {
        "H(p, q) = H(p) + KL(p‖q)": lambda: all(
            math.isclose(cross_entropy(np.log(q), p), entropy(p) + kl(p, q)) for p, q in pairs),
        "With one-hot targets H(p) = 0": lambda: all(
            math.isclose(cross_entropy(np.log(q), onehot(2, 5)), -math.log(q[2])) for _, q in pairs)
        and entropy(onehot(2, 5)) == 0.0,
        "KL(p‖q) ≥ 0": lambda: all(kl(p, q) >= 0 for p, q in pairs) and kl(pairs[0][0], pairs[0][0]) == 0,
        "KL is symmetric": lambda: math.isclose(kl([0.5, 0.5], [0.9, 0.1]), kl([0.9, 0.1], [0.5, 0.5])),
        "give different gradients": lambda: not np.allclose(ce_grad, kl_grad, atol=1e-7),
    }


def _label_smoothing_facts():
    eps, k = 0.1, 10
    target = (1 - eps) * onehot(0, k) + eps / k
    gap = math.log(target[0] / target[1])
    logits = np.r_[gap, np.zeros(k - 1)]
    grad_at_gap = softmax(logits) - target
    return {
        "still sum to 1": lambda: math.isclose(target.sum(), 1.0),
        "optimal logits become finite": lambda: bool(np.allclose(grad_at_gap, 0, atol=1e-12)
                                                      and math.isfinite(gap)),
        "exactly 1 − ε": lambda: math.isclose(target[0], 1 - eps),
    }


def _tanh_sigmoid_facts():
    x = np.linspace(-10, 10, 2001)
    return {
        "tanh is zero-centred": lambda: np.tanh(0.0) == 0.0 and np.abs(np.tanh(x)).max() < 1,
        "four times": lambda: math.isclose((1 - np.tanh(0.0) ** 2) / dsigmoid(0.0), 4.0),
        "tanh still saturates": lambda: 1 - np.tanh(10.0) ** 2 < 1e-7,
        "unrelated function": lambda: not np.allclose(np.tanh(x), 2 * sigmoid(2 * x) - 1),
    }


def _sampling_facts():
    x = np.array([2.0, 1.5, 0.2, -1.0, -3.0])
    temps = [0.05, 0.5, 1.0, 2.0, 10.0]
    ents = [entropy(softmax(x / t)) for t in temps]
    return {
        "Lowering T makes sampling more deterministic": lambda: bool(
            np.all(np.diff(ents) > 0) and np.allclose(softmax(x / 1e-3), onehot(0, 5))),
        "Raising T flattens": lambda: bool(np.all(np.diff(ents) > 0)),
        "never changes the ranking": lambda: all(
            np.array_equal(np.argsort(softmax(x / t)), np.argsort(x)) for t in temps),
        "changes which token is the most likely": lambda: any(
            softmax(x / t).argmax() != x.argmax() for t in temps),
        "special \"uniform\" setting": lambda: bool(np.allclose(softmax(x / 1.0), 1 / 5)),
    }


def _zero_centred_facts():
    rng = np.random.default_rng(RNG_SEED)
    xs = sigmoid(rng.normal(scale=3, size=(20, 8)))  # sigmoid outputs: all positive
    deltas = rng.normal(size=20)
    grads = deltas[:, None] * xs  # dL/dw_i = dL/dz * x_i, for each example
    return {
        "have the sign of ∂L/∂z": lambda: bool(all(
            np.all(np.sign(g) == np.sign(d)) for g, d in zip(grads, deltas))),
        "all exactly zero": lambda: bool(np.all(grads == 0)),
        "signs alternate": lambda: bool(np.any(np.sign(grads[:, :-1]) != np.sign(grads[:, 1:]))),
        "do not depend on the inputs": lambda: bool(np.allclose(grads, grads[:, :1])),
    }


def _one_vs_two_facts():
    rng = np.random.default_rng(RNG_SEED)
    z = rng.normal(scale=3, size=(50, 2))
    feats = rng.normal(size=(50, 4))
    w, b = rng.normal(size=(4, 2)), rng.normal(size=2)
    two_unit = softmax(feats @ w + b)[:, 1]
    one_unit = sigmoid(feats @ (w[:, 1] - w[:, 0]) + (b[1] - b[0]))
    return {
        "Both model a Bernoulli": lambda: bool(np.allclose(softmax(z)[:, 1], sigmoid(z[:, 1] - z[:, 0]))),
        "is over-parameterised": lambda: bool(np.allclose(two_unit, one_unit)),
        # every probability of the two-logit head is reached by one logit, z = z1 − z0
        "can express probabilities that (A) cannot": lambda: not bool(
            np.allclose(sigmoid(z[:, 1] - z[:, 0]), softmax(z)[:, 1])),
    }


def _dead_relu_facts():
    def unit_grad(w, x):
        return num_grad(lambda v: float(np.maximum(x @ v, 0).sum()), w, 1e-6)

    def leaky_grad(w, x, slope=0.01):
        return num_grad(lambda v: float(np.where(x @ v > 0, x @ v, slope * (x @ v)).sum()), w, 1e-6)

    rng = np.random.default_rng(RNG_SEED)
    x = np.abs(rng.normal(size=(64, 5)))  # positive inputs
    dead_w = -np.abs(rng.normal(size=5))  # negative pre-activation for every input
    return {
        "receives zero gradient": lambda: bool(np.all(unit_grad(dead_w, x) == 0)),
        "keep a non-zero gradient for x < 0": lambda: bool(np.all(leaky_grad(dead_w, x) != 0)),
        "come back on their own": lambda: bool(np.any(unit_grad(dead_w, x) != 0)),
        "gradient exceeds 1": lambda: bool(num_grad(lambda v: float(np.maximum(v[0], 0)),
                                                    [1e6], 1e-3)[0] > 1 + 1e-6),
    }


CHOICES: dict[str, dict[str, Callable[[], bool]]] = {
    "ss-sigmoid-derivative": _formula_check({
        "σ(x)(1 − σ(x))": lambda x: sigmoid(x) * (1 - sigmoid(x)),
        "1 − σ(x)²": lambda x: 1 - sigmoid(x) ** 2,
        "σ(x)(1 + σ(x))": lambda x: sigmoid(x) * (1 + sigmoid(x)),
        "e^(−x) / (1 + e^(−x))": lambda x: np.exp(-x) / (1 + np.exp(-x)),
    }, lambda x: num_grad(lambda v: sigmoid(v[0]), [x])[0], _GRID),
    "ss-two-class-equivalence": _formula_check({
        "σ(b − a)": lambda a, b: sigmoid(b - a),
        "σ(a − b)": lambda a, b: sigmoid(a - b),
        "σ(b)": lambda a, b: sigmoid(b),
        "σ(b) / (σ(a) + σ(b))": lambda a, b: sigmoid(b) / (sigmoid(a) + sigmoid(b)),
    }, lambda a, b: softmax([a, b])[1], _PAIRS),
    "ss-jacobian-entry": _formula_check({
        "s_i(δ_ij − s_j)": lambda x: np.diag(softmax(x)) - np.outer(softmax(x), softmax(x)),
        "s_i(1 − s_i) for every i and j": lambda x: np.repeat(
            (softmax(x) * (1 - softmax(x)))[:, None], len(x), axis=1),
        "−s_i s_j for every i and j": lambda x: -np.outer(softmax(x), softmax(x)),
        "s_i·δ_ij": lambda x: np.diag(softmax(x)),
    }, lambda x: num_jacobian(softmax, x), _VECS),
    "ss-backward-formula": _formula_check({
        "y ⊙ (g − (g·y))": lambda x, g: softmax(x) * (g - g @ softmax(x)),
        "g ⊙ y ⊙ (1 − y)": lambda x, g: g * softmax(x) * (1 - softmax(x)),
        "g − y (g·y)": lambda x, g: g - softmax(x) * (g @ softmax(x)),
        "y − g": lambda x, g: softmax(x) - g,
    }, lambda x, g: num_grad(lambda v: float(g @ softmax(v)), x), _VEC_GRADS),
    "ce-softmax-grad": _formula_check({
        "p − y": lambda z, y: softmax(z) - y,
        "y − p": lambda z, y: y - softmax(z),
        "p ⊙ (1 − p)": lambda z, y: softmax(z) * (1 - softmax(z)),
        "−y / p": lambda z, y: -y / softmax(z),
    }, lambda z, y: num_grad(lambda v: cross_entropy(v, y), z), _CE_SAMPLES),
    "act-tanh-relation": _formula_check({
        "tanh(x) = 2σ(2x) − 1": lambda x: 2 * sigmoid(2 * x) - 1,
        "tanh(x) = 2σ(x) − 1": lambda x: 2 * sigmoid(x) - 1,
        "tanh(x) = σ(2x) − 1": lambda x: sigmoid(2 * x) - 1,
        "tanh(x) = σ(x)²": lambda x: sigmoid(x) ** 2,
    }, lambda x: np.tanh(x), _GRID),
    "ce-bce-logits-formula": {
        "max(x, 0) − x·y + log(1 + e^(−|x|))": _bce_formula(
            lambda x, y: np.maximum(x, 0) - x * y + np.log(1 + np.exp(-np.abs(x)))),
        "−y·log(σ(x)) − (1 − y)·log(1 − σ(x))": _bce_formula(
            lambda x, y: -y * np.log(1 / (1 + np.exp(-x))) - (1 - y) * np.log(1 - 1 / (1 + np.exp(-x)))),
        "log(1 + e^x) − x·y": _bce_formula(lambda x, y: np.log(1 + np.exp(x)) - x * y),
        "max(x, 0) − x·y + log(1 + e^(−x))": _bce_formula(
            lambda x, y: np.maximum(x, 0) - x * y + np.log(1 + np.exp(-x))),
    },
    "ss-threshold-five-classes": {
        text: (lambda t=t: int((P_SEED > float(t)).sum()) == 5)
        for text, t in (("0.3", 0.3), ("0.2", 0.2), ("0.45", 0.45), ("0.5", 0.5))
    },
    "ss-jacobian-properties": _jacobian_properties(),
    "ss-seed-code-bugs": _seed_code_facts(),
    "ce-convexity": _convexity_facts(),
    "ce-kl-vs-ce": _kl_facts(),
    "ce-label-smoothing-facts": _label_smoothing_facts(),
    "act-tanh-vs-sigmoid": _tanh_sigmoid_facts(),
    "temp-sampling": _sampling_facts(),
    "ss-zero-centred-effect": _zero_centred_facts(),
    "ss-one-vs-two-neurons": _one_vs_two_facts(),
    "act-dead-relu": _dead_relu_facts(),
    "ss-softmax-range": {
        "open interval (0, 1), and Σ_i s_i = 1": lambda: all(
            np.all((softmax(x) > 0) & (softmax(x) < 1)) and math.isclose(softmax(x).sum(), 1.0)
            for (x,) in _VECS),
        "some s_i can be exactly 0 or 1": lambda: any(
            np.any((softmax(x) == 0) | (softmax(x) == 1)) for (x,) in _VECS),
        "but their sum depends on x": lambda: not all(
            math.isclose(softmax(x).sum(), 1.0) for (x,) in _VECS),
        "Σ_i s_i = 0": lambda: any(math.isclose(softmax(x).sum(), 0.0) for (x,) in _VECS),
    },
    "ss-vanishing-causes": {
        "σ'(x) ≤ 0.25": lambda: bool(dsigmoid(np.linspace(-50, 50, 100_001)).max() <= 0.25),
        "σ'(5) ≈ 0.0066": lambda: round(dsigmoid(5.0), 4) == 0.0066,
        "shrinks geometrically with depth": lambda: bool(
            np.all(np.diff([0.25**n for n in range(1, 20)]) < 0)),
        "σ'(x) is negative for x < 0": lambda: bool((dsigmoid(np.linspace(-50, 0, 5001)) < 0).any()),
        "per-layer factor is |w|·σ'(z)": lambda: _per_layer_factor(),
    },
    "ss-sigmoid-output-pros": {
        "computed from its output alone": lambda: bool(np.allclose(
            [num_grad(lambda v: sigmoid(v[0]), [x])[0] for (x,) in _GRID],
            [sigmoid(x) * (1 - sigmoid(x)) for (x,) in _GRID], atol=1e-9)),
        "simply p − y": lambda: all(math.isclose(
            num_grad(lambda v: float(bce_stable(v[0], y)), [x])[0], sigmoid(x) - y, abs_tol=1e-7)
            for x, y in _BCE_SAMPLES if abs(x) < 20),
        "never vanishes": lambda: dsigmoid(20.0) > 1e-6,
        "always sum to 1": lambda: math.isclose(float(sigmoid(np.log(P_SEED / (1 - P_SEED))).sum()), 1.0),
    },
    "ss-smooth-argmax": {
        "one-hot vector of argmax(x)": lambda: bool(
            np.allclose(softmax(np.array([0.3, 2.0, -1.0, 1.9]) / 1e-3), onehot(1, 4))
            and np.allclose(num_grad(lambda v: float(logsumexp(v)), [0.3, 2.0, -1.0, 1.9]),
                            softmax([0.3, 2.0, -1.0, 1.9]), atol=1e-8)),
        "approximates the scalar max(x)": lambda: np.ndim(softmax([1.0, 2.0])) == 0,
    },
    "ss-log-softmax-why": {
        "underflow to exactly 0": lambda: bool(softmax([0.0, -1000.0])[1] == 0.0
                                               and np.isfinite(log_softmax([0.0, -1000.0])).all()),
        "differ mathematically": lambda: not np.allclose(
            log_softmax([0.5, -1.0, 2.0]), np.log(softmax([0.5, -1.0, 2.0]))),
    },
    "ss-stable-softmax-why": {
        "e^789 overflows to inf": lambda: _naive_softmax_nan([123.0, 456.0, 789.0])
        and np.allclose(softmax([123.0, 456.0, 789.0]).sum(), 1.0),
        "outputs would not sum to 1": lambda: not math.isclose(  # unshifted, small logits
            float((np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()).sum()), 1.0),
        "changes the probabilities slightly": lambda: not np.allclose(
            softmax([1.0, 2.0, 3.0]), np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum(),
            rtol=1e-14),
        "stops small probabilities from underflowing": lambda: bool(
            softmax([0.0, -800.0])[1] > 0),
    },
    "ce-mse-vs-ce-sigmoid": {
        "σ'(−5) ≈ 0.0066": lambda: round(dsigmoid(-5.0), 4) == 0.0066 and sigmoid(-5.0) - 1 < -0.99,
        "same gradient up to a constant factor": lambda: bool(np.ptp(dsigmoid(np.array([-5.0, 0.0]))) == 0),
        "Cross-entropy's gradient vanishes": lambda: abs(sigmoid(-20.0) - 1) < 1e-3,
    },
    "temp-argmax-limit": {
        "one-hot vector of argmax(x)": lambda: bool(np.allclose(
            softmax(np.array([0.5, 1.5, 1.4]) / 1e-4), onehot(1, 3))),
        "uniform distribution 1/K": lambda: bool(np.allclose(
            softmax(np.array([0.5, 1.5, 1.4]) / 1e-4), 1 / 3)),
        "softmax(x), unchanged": lambda: bool(np.allclose(
            softmax(np.array([0.5, 1.5, 1.4]) / 1e-4), softmax([0.5, 1.5, 1.4]))),
        "the normalised logits": lambda: bool(np.allclose(
            softmax(np.array([0.5, 1.5, 1.4]) / 1e-4), np.array([0.5, 1.5, 1.4]) / np.linalg.norm([0.5, 1.5, 1.4]))),
    },
    "temp-calibration": {
        "does not change the predicted class": lambda: _tf_accuracy_unchanged(),
        "improves accuracy as well": lambda: not _tf_accuracy_unchanged(),
        "fitted T is typically below 1": lambda: _fitted_temperature() < 1,
    },
}


def _per_layer_factor() -> bool:
    """d σ(w·h)/d h = w·σ'(w·h) through one layer, and a large |w| saturates typical units."""
    chain = all(math.isclose(num_grad(lambda v: float(sigmoid(w * v[0])), [h])[0], w * dsigmoid(w * h),
                             rel_tol=1e-6, abs_tol=1e-12)
                for w in (0.5, 4.0, -8.0) for h in (-1.0, 0.3, 2.0))
    h = np.random.default_rng(RNG_SEED).normal(size=10_000)
    saturates = float(np.median(20 * dsigmoid(20 * h))) < float(np.median(dsigmoid(h)))
    return bool(chain and saturates)


def _fitted_temperature() -> float:
    """T fitted by NLL for an over-confident model: labels drawn from softmax(v), logits 3v."""
    rng = np.random.default_rng(RNG_SEED)
    v = rng.normal(size=(3000, 5))
    y = np.eye(5)[[rng.choice(5, p=softmax(row)) for row in v]]
    temps = np.linspace(0.5, 6, 111)
    return float(temps[np.argmin([cross_entropy(3 * v / t, y) for t in temps])])


def _naive_softmax_nan(x) -> bool:
    with np.errstate(all="ignore"):
        e = np.exp(np.asarray(x, float))
        return bool(np.isnan(e / e.sum()).any())


CHOICES.update(topic_facts.CHOICES)
CHOICE_CASES = [(qid, frag) for qid in sorted(CHOICES) for frag in CHOICES[qid]]


@pytest.mark.parametrize(("qid", "fragment"), CHOICE_CASES, ids=[f"{q}|{f}" for q, f in CHOICE_CASES])
def test_choice_correctness(qid, fragment):
    q = Q[qid]
    assert q["type"] in ("single", "multi")
    matches = [c for c in q["choices"] if fragment == en(c["text"])] or [
        c for c in q["choices"] if fragment in en(c["text"])]
    assert len(matches) == 1, f"{qid}: fragment {fragment!r} matches {len(matches)} choices"
    marked = bool(matches[0].get("correct", False))
    assert marked is bool(CHOICES[qid][fragment]()), (
        f"{qid}: option {en(matches[0]['text'])!r} is marked correct={marked}, numpy disagrees"
    )


@pytest.mark.parametrize("qid", sorted(q for q in CHOICES if Q[q]["type"] == "single"))
def test_single_formula_questions_are_fully_checked(qid):
    """For the formula questions every option is evaluated, so exactly one can match."""
    q = Q[qid]
    covered = [c for c in q["choices"] if en(c["text"]) in CHOICES[qid]]
    if len(covered) == len(q["choices"]):
        assert sum(bool(CHOICES[qid][f]()) for f in CHOICES[qid]) == 1


# ---------------------------------------------------------------------------------------
# short questions: accepted and rejected answers (normalised as questions/README.md says)

def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def short_accepts(q: dict, answer: str) -> bool:
    a = normalise(answer)
    if a in {normalise(x) for x in q.get("accept", [])}:
        return True
    return any(re.search(p, a) for p in q.get("patterns", []))


def _one_based_on_classes() -> str:
    on = np.flatnonzero(P_SEED > seed_threshold()) + 1
    return ", ".join(str(i) for i in on)


SHORT: dict[str, tuple[list[str], list[str]]] = {
    **topic_facts.SHORT,
    "ss-sigmoid-other-name": (["Logistic", "logistic function", "Logistic 函数", "逻辑函数"],
                              ["tanh", "softmax", "sigmoid", "logit"]),
    "ss-softmax-other-name": (["Normalized Exponential", "normalised exponential function",
                               "归一化指数函数"],
                              ["exponential", "logistic", "normalization"]),
    "ss-threshold-one-based": ([_one_based_on_classes(), "4,10", "classes 4 and 10",
                                "第4类和第10类", "4、10", "10, 4", "10 and 4", "4, 10."],
                               ["3, 9", "4, 7, 10", "3, 4, 7, 8, 10", "14, 10", "4", "10",
                                "4.10", "10.4", "4, 10.5"]),
    "ce-log-sum-exp": (["LogSumExp", "log-sum-exp trick", "log sum exp", "LSE"],
                       ["softmax", "log softmax", "max trick"]),
    "act-silu-name": (["SiLU", "Swish", "swish-1", "SiLU (Swish)", "Sigmoid Linear Unit"],
                      ["GELU", "ReLU", "sigmoid", "softplus"]),
    "temp-soft-targets": (["Soft targets", "soft labels", "软目标"],
                          ["hard targets", "logits", "targets"]),
}


def test_every_short_question_has_cases():
    missing = sorted(set(ids_of("short")) - set(SHORT))
    assert not missing, f"short questions without accept/reject cases: {missing}"


@pytest.mark.parametrize("qid", sorted(SHORT))
def test_short_answers(qid):
    q = Q[qid]
    good, bad = SHORT[qid]
    for answer in good:
        assert short_accepts(q, answer), f"{qid}: should accept {answer!r}"
    for answer in bad:
        assert not short_accepts(q, answer), f"{qid}: should reject {answer!r}"


def test_ss_threshold_one_based():
    """The canonical 1-based answer is computed from the array quoted in the prompt."""
    assert _one_based_on_classes() == "4, 10"
    assert "4, 10" in Q["ss-threshold-one-based"]["accept"]


# ---------------------------------------------------------------------------------------
# numbers quoted in prompts, options and explanations

def _parse_number(text: str) -> float:
    sup = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
    s = text.replace("−", "-").replace(",", "").strip()
    m = re.fullmatch(r"(-?[0-9.]+) × 10(\S+)", s)
    if m:
        return float(m.group(1)) * 10 ** int(m.group(2).translate(sup))
    return float(s)


QUOTED: dict[str, list[tuple[str, float, float]]] = {
    **topic_facts.QUOTED,
    "ss-sigmoid-grad-at-2": [("0.8808", sigmoid(2.0), 5e-5), ("0.1192", 1 - sigmoid(2.0), 5e-5),
                             ("0.0066", dsigmoid(5.0), 5e-5), ("1.1353", 1 + math.exp(-2), 5e-5)],
    "ss-vanishing-ten-layers": [("1,048,576", 4.0**10, 0), ("9.54 × 10⁻⁷", 0.25**10, 5e-10)],
    "ss-exp-overflow-float64": [("88.72", math.log(np.finfo(np.float32).max), 5e-3),
                                ("11.09", math.log(np.finfo(np.float16).max), 5e-3),
                                ("65504", float(np.finfo(np.float16).max), 0)],
    "ss-stable-softmax-why": [("709.78", math.log(np.finfo(np.float64).max), 5e-3),
                              ("88.72", math.log(np.finfo(np.float32).max), 5e-3)],
    "ss-jacobian-value": [("0.0900", softmax([1, 2, 3])[0], 5e-5), ("0.2447", softmax([1, 2, 3])[1], 5e-5),
                          ("0.6652", softmax([1, 2, 3])[2], 5e-5)],
    "ss-seed-code-batch": [("0.090", softmax([1, 2, 3])[0], 5e-4), ("0.665", softmax([1, 2, 3])[2], 5e-4)],
    "ss-confidence-calibration": [("0.665", softmax([1, 2, 3])[2], 5e-4), ("3/6 = 0.5", 0.5, 0)],
    "ss-two-class-equivalence": [("0.67", sigmoid(10.0) / (sigmoid(0.0) + sigmoid(10.0)), 5e-3),
                                 ("0.99995", softmax([0.0, 10.0])[1], 5e-6)],
    "ss-vanishing-causes": [("0.0066", dsigmoid(5.0), 5e-5)],
    "ss-independent-sigmoids-sum": [("3.33", float(P_SEED.sum()), 5e-3)],
    "ce-mse-saturated-grad": [("0.006693", sigmoid(-5.0), 5e-7), ("0.993307", 1 - sigmoid(-5.0), 5e-7),
                              ("0.9933", 1 - sigmoid(-5.0), 5e-5),
                              ("150", (1 - sigmoid(-5.0)) / abs(_ce_mse_saturated_grad()), 1.0)],
    "ce-mse-vs-ce-sigmoid": [("0.0066", dsigmoid(-5.0), 5e-5)],
    "ce-grad-value": [("0.6590", softmax([2, 1, 0.1])[0], 5e-5), ("0.2424", softmax([2, 1, 0.1])[1], 5e-5),
                      ("0.0986", softmax([2, 1, 0.1])[2], 5e-5)],
    "ce-kl-value": [("0.5878", -math.log(0.5 / 0.9), 5e-5), ("1.6094", math.log(5), 5e-5),
                    ("1.2040", cross_entropy(np.log([0.9, 0.1]), [0.5, 0.5]), 5e-5),
                    ("0.6931", math.log(2), 5e-5), ("0.3681", kl([0.9, 0.1], [0.5, 0.5]), 5e-5)],
    "ce-kl-vs-ce": [("0.511", kl([0.5, 0.5], [0.9, 0.1]), 5e-4), ("0.368", kl([0.9, 0.1], [0.5, 0.5]), 5e-4)],
    "ce-label-smoothing-facts": [("4.51", math.log(0.91 / 0.01), 5e-3)],
    "ce-label-smoothing-target": [("0.91", 0.9 + 0.01, 1e-12)],
    "ce-initial-loss-1000": [("9.97", math.log2(1000), 5e-3)],
    "ce-initial-loss-too-high": [("2.30", math.log(10), 5e-3)],
    "ce-focal-factor": [("0.81", (1 - 0.1) ** 2, 1e-12)],
    "act-tanh-saturation": [("0.99505", math.tanh(3), 5e-6), ("0.00987", 1 - math.tanh(3) ** 2, 5e-6)],
    "act-relu-no-saturation": [("4.5 × 10⁻⁵", dsigmoid(10.0), 5e-7)],
    "act-silu-min": [("1.2785", -silu_minimum()[0], 5e-5), ("0.2178", sigmoid(silu_minimum()[0]), 5e-5),
                     ("0.2785", -silu_minimum()[1], 5e-5)],
    "act-silu-name": [("0.278", -silu_minimum()[1], 5e-4), ("1.28", -silu_minimum()[0], 5e-3)],
    "act-he-std": [("0.0442", math.sqrt(2 / 1024), 5e-5)],
    "temp-value": [("0.6652", softmax([2, 1, 0])[0], 5e-5), ("1.6487", math.exp(0.5), 5e-5),
                   ("2.7183", math.e, 5e-5)],
    "temp-scale-changes": [("0.665", softmax([1, 2, 3])[2], 5e-4), ("0.867", softmax([2, 4, 6])[2], 5e-4)],
}


@pytest.mark.parametrize("qid", sorted(QUOTED))
def test_quoted_numbers(qid):
    blob = all_text(Q[qid])
    for text, value, tol in QUOTED[qid]:
        assert text in blob, f"{qid}: expected to find {text!r} in the question"
        number = _parse_number(text.split("=")[-1])
        assert abs(number - float(value)) <= tol + 1e-12, f"{qid}: {text!r} but numpy gives {value}"


# ---------------------------------------------------------------------------------------
# formula claims made in the banks, each named after the question that states it

def test_ss_sigmoid_range():
    correct = [en(c["text"]) for c in Q["ss-sigmoid-range"]["choices"] if c.get("correct")]
    assert correct == ["(0, 1)"]
    x = np.linspace(-30, 30, 60_001)
    s = sigmoid(x)
    assert np.all((s > 0) & (s < 1))
    assert sigmoid(-30.0) < 1e-12 and 1 - sigmoid(30.0) < 1e-12  # approaches both ends
    assert sigmoid(0.0) == 0.5
    assert 1.0 / (1.0 + math.exp(-40.0)) == 1.0  # the 'why': σ(40) rounds to 1.0 in float64


def test_ss_sigmoid_grad_range():
    """σ'(0) = 0.25 exactly, σ' < 0.25 everywhere else, σ' > 0: the range is (0, 0.25]."""
    q = Q["ss-sigmoid-grad-range"]
    correct = [en(c["text"]) for c in q["choices"] if c.get("correct")]
    assert correct == ["(0, 0.25]"]
    assert dsigmoid(0.0) == 0.25
    x = np.linspace(-30, 30, 600_001)
    d = dsigmoid(x)
    assert np.all(d[x != 0] < 0.25) and np.all(d > 0)
    assert dsigmoid(30.0) < 1e-12  # tends to 0: the lower end is open
    assert "(0, 0.25)" in [en(c["text"]) for c in q["choices"] if not c.get("correct")]
    # the explanation's remark: naive σ(1 − σ) is exactly 0 above about x = 37
    naive = lambda v: (1 / (1 + math.exp(-v))) * (1 - 1 / (1 + math.exp(-v)))  # noqa: E731
    assert naive(36.0) > 0 and naive(37.0) == 0.0


def test_ss_sigmoid_grad_peak():
    x = np.linspace(-5, 5, 100_001)
    assert x[np.argmax(dsigmoid(x))] == pytest.approx(0.0, abs=1e-9)
    assert float(Q["ss-sigmoid-grad-peak"]["answer"]) == dsigmoid(0.0)


def test_ss_threshold_strict():
    """Parse the array and threshold from the prompt; > and ≥ differ exactly at index 6."""
    q = Q["ss-threshold-strict"]
    assert P_SEED.tolist() == [0.01, 0.02, 0.41, 0.62, 0.3, 0.18, 0.5, 0.42, 0.06, 0.81]
    t = seed_threshold()
    assert t == 0.5
    on_strict = set(np.flatnonzero(P_SEED > t).tolist())
    on_inclusive = set(np.flatnonzero(P_SEED >= t).tolist())
    marked = set()
    for c in q["choices"]:
        idx = int(re.search(r"index (\d+)", en(c["text"])).group(1))
        value = float(re.search(r"p = ([0-9.]+)", en(c["text"])).group(1))
        assert P_SEED[idx] == value, "each option quotes the right entry"
        if c.get("correct"):
            marked.add(idx)
    assert marked == on_strict == {3, 9}
    assert on_inclusive - on_strict == {6}
    assert len(on_inclusive) == 3  # the explanation: "giving three labels"


def test_ss_threshold_five_classes():
    """Exactly five labels are on (strict >) for every t in [0.3, 0.41), and only there."""
    for t in np.round(np.arange(0.0, 1.0, 0.005), 3):
        five = int((P_SEED > t).sum()) == 5
        assert five == (0.3 <= t < 0.41), t
    assert (np.flatnonzero(P_SEED > 0.3) + 1).tolist() == [3, 4, 7, 8, 10]
    assert np.flatnonzero(P_SEED > 0.3).tolist() == [2, 3, 6, 7, 9]
    blob = all_text(Q["ss-threshold-five-classes"])
    assert "3, 4, 7, 8, 10" in blob and "2, 3, 6, 7, 9" in blob


def test_ss_two_class_equivalence():
    rng = np.random.default_rng(RNG_SEED)
    a, b = rng.normal(scale=5, size=(2, 1000))
    pair = np.stack([a, b], axis=1)
    assert np.allclose(softmax(pair)[:, 1], sigmoid(b - a), rtol=1e-12, atol=1e-15)
    # shifting both logits changes nothing: one redundant degree of freedom
    assert np.allclose(softmax(pair + rng.normal(size=(1000, 1)) * 50), softmax(pair))
    # the explanation's example pairs share the answer of ss-two-class-value
    for lo, hi in ((1.0, 3.0), (-1.0, 1.0), (100.0, 102.0)):
        assert softmax([lo, hi])[1] == pytest.approx(float(Q["ss-two-class-value"]["answer"]), abs=1e-4)


def test_ss_softmax_shift_invariance():
    assert Q["ss-softmax-shift-invariance"]["answer"] is True
    x = np.array([123.0, 456.0, 789.0])
    assert np.allclose(softmax(x), softmax(x - x.max()))
    assert np.allclose(softmax(x - x.max()), fixed_softmax(x))


def test_ss_jacobian_entry():
    """diag(s) − s sᵀ against central differences, for several sizes and scales."""
    rng = np.random.default_rng(RNG_SEED)
    for k in (2, 3, 6, 10):
        x = rng.normal(scale=3, size=k)
        s = softmax(x)
        assert np.allclose(num_jacobian(softmax, x), np.diag(s) - np.outer(s, s), atol=1e-8)


def test_ss_backward_formula():
    """The batched backward pass equals the vector–Jacobian product row by row."""
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(scale=2, size=(6, 5))
    dy = rng.normal(size=(6, 5))
    s = softmax(x)
    dx = s * (dy - (dy * s).sum(axis=-1, keepdims=True))
    for n in range(6):
        jac = np.diag(s[n]) - np.outer(s[n], s[n])
        assert np.allclose(dx[n], jac.T @ dy[n])
        assert np.allclose(dx[n], num_grad(lambda v: float(dy[n] @ softmax(v)), x[n]), atol=1e-8)
    # with CE and a one-hot target, dy = −t / s and the formula collapses to s − t
    t = np.eye(5)[rng.integers(0, 5, size=6)]
    assert np.allclose(s * (-t / s - ((-t / s) * s).sum(axis=-1, keepdims=True)), s - t)


def test_ss_jacobian_card():
    """The two cases of the derivation, element by element."""
    x = np.array([0.2, -1.3, 2.1, 0.7])
    s, jac = softmax(x), num_jacobian(softmax, x)
    for i in range(4):
        for j in range(4):
            expected = s[i] * (1 - s[i]) if i == j else -s[i] * s[j]
            assert jac[i, j] == pytest.approx(expected, abs=1e-8)


def test_ss_seed_code_bugs():
    """Run the seed article's code (taken from the bank's prompt) and show each defect."""
    fn = seed_softmax()
    x = np.array([1.0, 2.0, 3.0])
    out = fn(x)
    assert np.allclose(out, softmax([1.0, 2.0, 3.0]))  # the values are right in 1-D ...
    assert x.tolist() == [-2.0, -1.0, 0.0]  # ... but the caller's array was overwritten
    batch = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [5.0, 0.0, -5.0]])
    out = fn(batch.copy())
    assert out.sum() == pytest.approx(1.0)
    assert not np.allclose(out.sum(axis=1), 1.0)
    with pytest.raises(ValueError):  # read-only input
        ro = np.array([1.0, 2.0, 3.0])
        ro.setflags(write=False)
        fn(ro)
    as_list = [1.0, 2.0, 3.0]  # a list escapes the mutation: "f -= ..." builds a new array
    assert np.allclose(fn(as_list), softmax(as_list)) and as_list == [1.0, 2.0, 3.0]
    # per-row sum with a global max: a row far below the max underflows to 0/0
    rows = np.array([[0.0, 0.0], [-1000.0, -1000.0]])
    with np.errstate(all="ignore"):
        e = np.exp(rows - rows.max())
        assert np.isnan(e / e.sum(axis=1, keepdims=True)).any()
    assert np.allclose(fixed_softmax(rows), 0.5)


def test_ss_softmax_batched_card():
    """The corrected recipe: per row, no mutation, lists/ints/read-only inputs work."""
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(scale=300, size=(8, 6))
    before = x.copy()
    out = fixed_softmax(x)
    assert np.array_equal(x, before)
    assert np.allclose(out.sum(axis=1), 1.0) and np.all(np.isfinite(out))
    for n in range(8):
        assert np.allclose(out[n], softmax(x[n]))
    ro = np.array([[1, 2, 3]], dtype=np.uint8)
    ro.setflags(write=False)
    assert np.allclose(fixed_softmax(ro), softmax([1.0, 2.0, 3.0]))
    assert np.allclose(fixed_softmax([[123, 456, 789]]), softmax([123.0, 456.0, 789.0]))
    assert fixed_softmax(np.ones((2, 3), dtype=np.float32)).dtype == np.float32
    assert fixed_softmax([[1, 2, 3]]).dtype == np.float64
    assert "np.asarray(x, dtype=float)" not in str(Q["ss-softmax-batched-card"]["points"])
    # log-probabilities the stable way, never log of probabilities
    z = x - x.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    assert np.all(np.isfinite(logp)) and np.allclose(np.exp(logp), out)


def test_ss_stable_softmax_why():
    with np.errstate(all="ignore"):
        assert np.isinf(np.exp(789.0))
        assert np.isfinite(np.exp(709.78)) and np.isinf(np.exp(709.79))
        assert np.exp(-750.0) == 0.0  # the why: small terms may still underflow, harmlessly
        assert np.exp(np.float32(-104.0)) == 0.0  # ss-softmax-range: float32 underflow
    assert np.allclose(softmax([123.0, 456.0, 789.0]), [0.0, 0.0, 1.0])


def test_ss_smooth_argmax():
    """max ≤ LSE ≤ max + ln K, softmax(x/T) → one-hot as T → 0, ∇LSE = softmax."""
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(50):
        x = rng.normal(scale=4, size=rng.integers(2, 10))
        lse = float(logsumexp(x))
        assert x.max() <= lse <= x.max() + math.log(len(x)) + 1e-12
        assert np.allclose(softmax(x / 1e-6), onehot(int(x.argmax()), len(x)))
    tied = np.array([2.0, 2.0, -1.0])  # ties share the mass (temp-argmax-limit explanation)
    assert np.allclose(softmax(tied / 1e-6), [0.5, 0.5, 0.0])


def test_ss_gibbs_distribution():
    """Boltzmann form with energy E = −x and partition function Z is softmax; T generalises."""
    x = np.array([0.4, -2.0, 1.3, 0.0])
    energy = -x
    z = np.exp(-energy).sum()
    assert np.allclose(np.exp(-energy) / z, softmax(x))
    assert np.allclose(np.exp(-energy / 2.5) / np.exp(-energy / 2.5).sum(), softmax(x / 2.5))


def test_ss_log_softmax_value():
    with np.errstate(divide="ignore"):
        naive = np.log(np.exp([0.0, -1000.0]) / np.exp([0.0, -1000.0]).sum())
    assert naive[1] == -np.inf
    assert log_softmax([0.0, -1000.0])[1] == float(Q["ss-log-softmax-value"]["answer"])


def test_ss_one_vs_two_neurons():
    """Two linear logits + softmax = one linear logit with the weight difference + sigmoid."""
    rng = np.random.default_rng(RNG_SEED)
    feats = rng.normal(size=(200, 7))
    w, b = rng.normal(size=(7, 2)), rng.normal(size=2)
    two = softmax(feats @ w + b)
    one = sigmoid(feats @ (w[:, 1] - w[:, 0]) + (b[1] - b[0]))
    assert np.allclose(two[:, 1], one) and np.allclose(two[:, 0], 1 - one)
    # the same Bernoulli likelihood and the same gradient wrt the logit difference
    y = rng.integers(0, 2, size=200).astype(float)
    ce_two = cross_entropy(feats @ w + b, np.stack([1 - y, y], axis=1))
    bce_one = float(bce_stable(feats @ (w[:, 1] - w[:, 0]) + (b[1] - b[0]), y).mean())
    assert ce_two == pytest.approx(bce_one, rel=1e-12)


def test_ss_vanishing_ten_layers():
    grads = [dsigmoid(z) for z in np.random.default_rng(RNG_SEED).normal(size=(1000, 10))]
    assert max(float(np.prod(g)) for g in grads) <= 0.25**10
    assert 0.25**10 == float(Q["ss-vanishing-ten-layers"]["answer"])


# --- cross-entropy


def test_ce_softmax_grad():
    """p − y against finite differences, for one-hot and for soft targets."""
    rng = np.random.default_rng(RNG_SEED)
    for k in (2, 5, 10):
        z = rng.normal(scale=3, size=k)
        for y in (onehot(int(rng.integers(k)), k), softmax(rng.normal(size=k))):
            assert np.allclose(num_grad(lambda v: cross_entropy(v, y), z), softmax(z) - y, atol=1e-8)


def test_ce_mse_vs_ce_sigmoid():
    """MSE gradient = (p − y)σ'(z); BCE gradient = p − y; both against finite differences."""
    for z in np.linspace(-8, 8, 17):
        for y in (0.0, 1.0):
            p = sigmoid(z)
            mse = num_grad(lambda v: 0.5 * (sigmoid(v[0]) - y) ** 2, [z])[0]
            bce = num_grad(lambda v: float(bce_stable(v[0], y)), [z])[0]
            assert mse == pytest.approx((p - y) * dsigmoid(z), abs=1e-8)
            assert bce == pytest.approx(p - y, abs=1e-7)


def test_ce_convexity():
    """The Hessian of CE in the logits is diag(p) − p pᵀ (PSD)."""
    rng = np.random.default_rng(RNG_SEED)
    z, y = rng.normal(size=5), onehot(2, 5)
    hess = num_jacobian(lambda v: num_grad(lambda u: cross_entropy(u, y), v, 1e-5), z, 1e-4)
    p = softmax(z)
    assert np.allclose(hess, np.diag(p) - np.outer(p, p), atol=1e-5)
    assert np.linalg.eigvalsh(np.diag(p) - np.outer(p, p)).min() > -1e-12
    # MSE∘σ with y = 1: f'(z) = −σ(1 − σ)², zero at both ends, negative in between
    zs = np.linspace(-10, 10, 201)
    f1 = np.array([num_grad(lambda v: 0.5 * (sigmoid(v[0]) - 1) ** 2, [zz])[0] for zz in zs])
    assert np.allclose(f1, -sigmoid(zs) * (1 - sigmoid(zs)) ** 2, atol=1e-8)


@pytest.mark.parametrize("k", [10, 1000])
def test_ce_initial_loss(k):
    """ln K for uniform predictions, whatever the true class; ce-initial-loss-10 / -1000."""
    qid = f"ce-initial-loss-{k}"
    for cls in (0, k // 2, k - 1):
        assert cross_entropy(np.full(k, 3.7), onehot(cls, k)) == pytest.approx(math.log(k), abs=1e-12)
    assert float(Q[qid]["answer"]) == pytest.approx(math.log(k), abs=1e-4)
    # ce-initial-loss-too-high: a loss of 23 means p(true) ≈ e^(−23) ≈ 10^(−10)
    assert math.exp(-23) == pytest.approx(1e-10, rel=0.05)


def test_ce_log_sum_exp():
    """m + log Σ e^(x − m) equals log Σ e^x where the latter is finite, and stays finite."""
    rng = np.random.default_rng(RNG_SEED)
    small = rng.normal(size=6)
    m = small.max()
    assert m + math.log(np.exp(small - m).sum()) == pytest.approx(math.log(np.exp(small).sum()))
    large = rng.normal(scale=400, size=12) + 1000.0
    with np.errstate(over="ignore"):
        assert not math.isfinite(math.log(np.exp(large).sum()))
    lse = large.max() + math.log(np.exp(large - large.max()).sum())
    assert math.isfinite(lse) and large.max() <= lse <= large.max() + math.log(12)


def test_ce_stable_ce_card():
    """CE = LSE(z) − z_y, equal to the naive formula where finite and finite where it is not."""
    z = np.array([2.0, -1.0, 0.5])
    assert float(logsumexp(z) - z[1]) == pytest.approx(-math.log(softmax(z)[1]))
    extreme = np.array([0.0, -2000.0])
    with np.errstate(divide="ignore"):
        assert -np.log(np.exp(extreme) / np.exp(extreme).sum())[1] == np.inf
    assert float(logsumexp(extreme) - extreme[1]) == pytest.approx(2000.0)


def test_ce_bce_logits_formula():
    # equal to the naive definition where that is finite and still accurate ...
    xs = np.linspace(-10, 10, 81)
    for y in (0.0, 0.25, 1.0):
        assert np.allclose(bce_stable(xs, y), bce_naive(xs, y), rtol=1e-8, atol=1e-12)
    # ... and to an independent stable formulation over a wide range
    xs = np.linspace(-700, 700, 2801)
    for y in (0.0, 0.25, 1.0):
        assert np.allclose(bce_stable(xs, y), bce_reference(xs, y), rtol=1e-12, atol=1e-12)
    for x in (-1000.0, 1000.0):
        for y in (0.0, 1.0):
            assert np.isfinite(bce_stable(x, y))
    with np.errstate(all="ignore"):
        assert not np.isfinite(bce_naive(1000.0, 0.0))
        assert not np.isfinite(bce_naive(-1000.0, 1.0))
    assert float(bce_stable(-1000.0, 1.0)) == 1000.0


def test_ce_label_smoothing_target():
    eps, k = 0.1, 10
    target = (1 - eps) * np.eye(k)[3] + eps / k
    assert target[3] == pytest.approx(0.91) and np.allclose(np.delete(target, 3), 0.01)
    assert target.sum() == pytest.approx(1.0)
    # the other convention mentioned in the explanation: 1 − ε and ε/(K − 1)
    other = np.full(k, eps / (k - 1))
    other[3] = 1 - eps
    assert other.sum() == pytest.approx(1.0) and other[3] != target[3]


def test_ce_kl_value():
    assert kl([0.5, 0.5], [0.9, 0.1]) == pytest.approx(
        cross_entropy(np.log([0.9, 0.1]), [0.5, 0.5]) - entropy([0.5, 0.5]))


def test_ce_focal_factor():
    gamma = 2.0
    for pt in (0.1, 0.5, 0.9):
        fl, ce = -(1 - pt) ** gamma * math.log(pt), -math.log(pt)
        assert fl / ce == pytest.approx((1 - pt) ** gamma)
    assert (1 - 0.5) ** gamma == 0.25


def test_ce_class_weights():
    """Weighted mean Σ w[y]·ℓ / Σ w[y]: invariant to rescaling w, plain mean for equal w."""
    rng = np.random.default_rng(RNG_SEED)
    losses = rng.uniform(0.1, 3, size=16)
    y = rng.integers(0, 4, size=16)
    w = rng.uniform(0.5, 5, size=4)

    def weighted_mean(weights):
        return float((weights[y] * losses).sum() / weights[y].sum())

    assert weighted_mean(w) == pytest.approx(weighted_mean(7.5 * w))
    assert weighted_mean(np.full(4, 3.0)) == pytest.approx(losses.mean())
    correct = [en(c["text"]) for c in Q["ce-class-weights"]["choices"] if c.get("correct")]
    assert correct == ["Σ_n w[y_n]·ℓ_n / Σ_n w[y_n]"]


# --- activations


def test_act_tanh_relation():
    x = np.linspace(-20, 20, 4001)
    assert np.allclose(np.tanh(x), 2 * sigmoid(2 * x) - 1, atol=1e-15)
    assert np.allclose(2 * sigmoid(x) - 1, np.tanh(x / 2), atol=1e-15)  # the first 'why'
    # tanh' = 4σ'(2x) (act-tanh-grad-peak explanation)
    assert np.allclose(1 - np.tanh(x) ** 2, 4 * dsigmoid(2 * x), atol=1e-15)


def test_act_relu_grad():
    assert num_grad(lambda v: float(np.maximum(v[0], 0)), [2.5])[0] == pytest.approx(1.0)
    assert num_grad(lambda v: float(np.maximum(v[0], 0)), [-2.5])[0] == 0.0
    # the 'why': σ is the derivative of softplus log(1 + e^x)
    for x in (-3.0, 0.0, 2.0):
        assert num_grad(lambda v: math.log1p(math.exp(v[0])), [x])[0] == pytest.approx(sigmoid(x))


def test_act_gelu_definition():
    """x·Φ(x) vs its tanh approximation and x·σ(1.702x), and GELU ≠ SiLU."""
    x = np.linspace(-6, 6, 1201)
    gelu = x * normal_cdf(x)
    tanh_approx = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    assert np.abs(gelu - tanh_approx).max() < 1e-3
    assert np.abs(gelu - x * sigmoid(1.702 * x)).max() < 0.03
    assert np.abs(gelu - x * sigmoid(x)).max() > 0.1


def test_act_silu_min():
    x_star, value = silu_minimum()
    grid = np.linspace(-10, 10, 2_000_001)
    assert (grid * sigmoid(grid)).min() == pytest.approx(value, abs=1e-9)
    assert x_star == pytest.approx(-1.2785, abs=1e-4)


def test_act_he_std():
    """He std for fan_in 512 keeps activations' second moment; Xavier's is √2 smaller."""
    assert math.sqrt(2 / 512) == 0.0625
    assert math.sqrt(2 / 512) / math.sqrt(2 / (512 + 512)) == pytest.approx(math.sqrt(2))


# --- temperature


def test_temp_limits():
    """temp-argmax-limit / temp-uniform-limit / T = 1 unchanged."""
    x = np.array([0.3, 2.2, -1.0, 1.0])
    assert np.allclose(softmax(x / 1e-6), onehot(2 - 1, 4))
    assert np.allclose(softmax(x / 1e9), 0.25)
    assert np.allclose(softmax(x / 1.0), softmax(x))


def test_temp_distillation_t2():
    """Soft-target gradients scale as 1/T²: ratio ≈ T² at high T, and ≈ (z − v)/(K T²)."""
    rng = np.random.default_rng(RNG_SEED)
    k = 6
    v = rng.normal(size=k)
    v -= v.mean()
    z = rng.normal(size=k)
    z -= z.mean()
    g = {t: distill_grad(z, v, t) for t in (10.0, 20.0, 40.0)}
    assert np.linalg.norm(g[10.0]) / np.linalg.norm(g[20.0]) == pytest.approx(4.0, rel=0.02)
    assert np.linalg.norm(g[20.0]) / np.linalg.norm(g[40.0]) == pytest.approx(4.0, rel=0.01)
    assert np.allclose(g[40.0], (z - v) / (k * 40.0**2), rtol=0.05, atol=1e-8)
    # exact form: (q − p)/T with q the student's and p the teacher's softened outputs
    t = 3.0
    assert np.allclose(distill_grad(z, v, t), (softmax(z / t) - softmax(v / t)) / t, atol=1e-7)
    # and the T² of temp-t2-factor restores the scale: T²·|g(T)| is nearly constant
    assert 40.0**2 * np.linalg.norm(g[40.0]) == pytest.approx(20.0**2 * np.linalg.norm(g[20.0]), rel=0.01)


def test_temp_entropy_monotone():
    """dH/dβ = −β·Var_p(x) with β = 1/T (the explanation's formula), by finite differences."""
    x = np.array([1.5, -0.3, 0.8, 2.0, -2.0])
    for beta in (0.2, 1.0, 3.0):
        p = softmax(beta * x)
        var = float((p * x**2).sum() - (p * x).sum() ** 2)
        d_h = num_grad(lambda b: entropy(softmax(b[0] * x)), [beta], 1e-6)[0]
        assert d_h == pytest.approx(-beta * var, rel=1e-5)


def test_temp_entropy_tied_maxima():
    """With m logits tied for the maximum, the entropy tends to ln m as T → 0, not to 0."""
    for x, m in (([2.0, 2.0, -1.0, 0.5], 2), ([1.0, 1.0, 1.0, -3.0], 3), ([3.0, 1.0, 0.0], 1)):
        assert entropy(softmax(np.array(x) / 1e-4)) == pytest.approx(math.log(m), abs=1e-9)
    assert "tied for the maximum" in Q["temp-entropy-monotone"]["explanation"]["en"]
