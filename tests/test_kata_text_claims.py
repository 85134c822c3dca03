"""Claims the kata statements and hints make that code can check, checked."""

from __future__ import annotations

import numpy as np
import pytest

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


def test_focal_loss_claims():
    text = _text("focal-loss")
    focal = get_kata("focal-loss").reference
    assert "at x = 1000, σ(x) rounds to exactly 1.0, so log(1 − σ(x)) = log(0) = −inf" in text
    assert 1 / (1 + np.exp(-1000.0)) == 1.0 and 1 / (1 + np.exp(-40.0)) == 1.0  # and 1 − σ(40) is 0 (gamma-zero)
    with np.errstate(divide="ignore"):
        assert np.log(1 - 1 / (1 + np.exp(-1000.0))) == -np.inf
    # "caps each element's loss near −log ε": a clipped p_t gives at most −log ε however wrong the logit
    for eps in (1e-7, 1e-12):
        assert np.isclose(-np.log(np.clip(0.0, eps, 1 - eps)), -np.log(eps))
    # "γ·(1 − p_t)^(γ − 1) gives 0 · (1/0) = NaN" where q = 1 − p_t is 0, and the hinted form has no NaN there
    q, p, ce, gamma = np.float64(0.0), np.float64(1.0), np.float64(0.0), 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        assert np.isnan(gamma * q ** (gamma - 1) * (-q * p) * ce)
    assert -(q**gamma) * (gamma * p * ce + q) == 0.0
    # the first basic case: 0.25 · 0.5² · log 2
    assert np.isclose(focal(np.array([0.0]), np.array([1.0]))[0], 0.25 * 0.25 * np.log(2))
    # γ = 0, alpha=None is the mean BCE, and its gradient σ(x) − t over the size
    rng = np.random.default_rng(3)
    x, t = rng.normal(0, 3, size=12), rng.integers(0, 2, size=12).astype(float)
    s = reference.sigmoid(x)
    loss, grad = focal(x, t, None, 0.0)
    assert np.isclose(loss, np.mean(-(t * np.log(s) + (1 - t) * np.log(1 - s))))
    assert np.allclose(grad, (s - t) / x.size)
    # "with the default α = 0.25 the positives get the SMALLER weight"
    assert focal(np.array([0.0]), np.array([1.0]))[0] < focal(np.array([0.0]), np.array([0.0]))[0]
    # the formula for the gradient, at several α and γ (the gradient check draws only the defaults)
    for alpha, gamma in ((0.25, 2.0), (None, 0.5), (0.8, 1.0), (0.5, 3.0)):
        x = rng.normal(0, 2, size=(3, 2))
        t = rng.integers(0, 2, size=x.shape).astype(float)
        numeric = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[i] = 1e-6
            numeric[i] = (focal(x + step, t, alpha, gamma)[0] - focal(x - step, t, alpha, gamma)[0]) / 2e-6
        assert np.allclose(focal(x, t, alpha, gamma)[1], numeric, atol=1e-8, rtol=1e-5)
def test_iou_claims_budget_sizes_and_the_classic_mistakes():
    from kata.harness import Budget
    from kata.harness.rng import InputRng

    kata = get_kata("iou")
    text = _text("iou")
    budget = next(part for part in kata.own if isinstance(part, Budget))
    (case,) = budget.make(InputRng(7, 1))
    n, m = len(case.args[0]), len(case.args[1])
    assert "`N = M = 1000` and allows 0.3 s" in text and (n, m) == (1000, 1000) and budget.cpu == 0.3
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


def test_label_smoothing_claims():
    text = _text("label-smoothing-ce")
    smoothed = get_kata("label-smoothing-ce").reference
    rng = np.random.default_rng(5)
    # "−Σ_k q_k log p_k = logsumexp(x) − (1 − ε)·x_y − ε·mean_k(x_k)", with q = (1 − ε)·onehot + ε/K
    assert "logsumexp(x) − (1 − ε)·x_y − ε·mean_k(x_k)" in text
    x, y = rng.normal(0, 3, size=(6, 5)), rng.integers(0, 5, size=6)
    for eps in (0.0, 0.1, 0.7, 1.0):
        closed = reference.logsumexp(x) - (1 - eps) * x[np.arange(6), y] - eps * x.mean(axis=1)
        assert np.isclose(smoothed(x, y, eps)[0], closed.mean())
    # ε = 0 is plain cross-entropy; ε = 1 the uniform target 1/K
    logp = reference.log_softmax(x)
    assert np.isclose(smoothed(x, y, 0.0)[0], -logp[np.arange(6), y].mean())
    assert np.isclose(smoothed(x, y, 1.0)[0], -logp.mean(axis=1).mean())
    # uniform logits give log K whatever ε (the second basic case)
    for eps in (0.0, 0.1, 0.9):
        assert np.isclose(smoothed(np.zeros((2, 4)), np.array([1, 3]), eps)[0], np.log(4))
    # "a logit 1000 below the row's max" underflows, so np.log(softmax(x)) is −inf there
    assert "a logit 1000 below the row's max" in text
    assert np.exp(-1000.0) == 0.0
    # the gradient is p − q because q sums to 1, zero on ignored rows; all ignored: loss 0, zero gradient
    y2 = y.copy()
    y2[[1, 3]] = -100
    loss, grad = smoothed(x, y2, 0.2)
    assert np.all(grad[[1, 3]] == 0) and np.allclose(grad.sum(axis=1), 0)
    loss, grad = smoothed(x, np.full(6, -100), 0.2)
    assert loss == 0.0 and not np.signbit(loss) and np.all(grad == 0)
def test_conv2d_claims_budget_sizes_and_output_size():
    from kata.harness import Budget
    from kata.harness.rng import InputRng

    kata = get_kata("conv2d")
    text = _text("conv2d")
    budget = next(part for part in kata.own if isinstance(part, Budget))
    (case,) = budget.make(InputRng(7, 1))
    x, weight = case.args
    assert "`N = 8, C = 4, H = W = 48,\n      F = 16`, a 3 × 3 kernel and `padding = 1`, and allows 0.15 s" in text
    assert x.shape == (8, 4, 48, 48) and weight.shape == (16, 4, 3, 3) and case.kwargs == {"padding": 1}
    assert budget.cpu == 0.15
    out = kata.reference(*case.args, **case.kwargs)
    assert "(here 8 · 16 · 48 · 48, about 295 thousand)" in text and out.shape == (8, 16, 48, 48)
    assert round(out.size, -3) == 295_000
    assert "9 steps for a 3 × 3 kernel" in text
    # H_out = (H + 2·padding − KH) // stride + 1, rounded down: 7 rows, kernel 3, stride 2, padding 0 -> 3
    got = kata.reference(np.ones((1, 1, 7, 8)), np.ones((1, 1, 3, 3)), stride=2)
    assert got.shape == (1, 1, 3, 3)
    # Not flipped: an asymmetric kernel picks the entry at its own offset.
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    picker = np.zeros((1, 1, 2, 2))
    picker[0, 0, 0, 1] = 1.0
    assert kata.reference(x, picker)[0, 0].tolist() == [[1.0, 2.0], [4.0, 5.0]]


def test_attention_claims():
    """What the attention texts say about masks, fills and scales, computed."""
    text = _text("attention")
    attention = get_kata("attention").reference
    assert "−∞ − (−∞) = NaN" in text and "the mean of v" in text
    with np.errstate(invalid="ignore"):
        assert np.isnan(np.float64(-np.inf) - np.float64(-np.inf))
    rng = np.random.default_rng(3)
    q, k, v = rng.normal(size=(1, 3, 4)), rng.normal(size=(1, 5, 4)), rng.normal(size=(1, 5, 2))
    mask = np.ones((1, 3, 5), dtype=bool)
    mask[0, 1] = False
    out = attention(q, k, v, mask)
    assert np.all(out[0, 1] == 0.0)  # "a row of zeros"
    s = np.where(mask, q @ np.swapaxes(k, -1, -2) / 2.0, -1e9)  # the -1e9 fill: a uniform row
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    w /= w.sum(axis=-1, keepdims=True)
    assert np.allclose((w @ v)[0, 1], v[0].mean(axis=0))
    # "the weights of the keys left still sum to 1": a value of ones gives ones
    assert np.allclose(attention(q, k, np.ones((1, 5, 1)), np.tril(np.ones((3, 5), dtype=bool))), 1.0)
    # "unit-variance q and k give q·k/√d_k unit variance"
    d = 64
    a, b = rng.normal(size=(20000, d)), rng.normal(size=(20000, d))
    assert abs(np.var(np.sum(a * b, axis=1) / np.sqrt(d)) - 1.0) < 0.05
    # the overflow check's scores are above exp's float64 limit
    from kata.exercises import module_of

    big = module_of("attention").large(np.random.default_rng(7))[0].args
    assert np.max(big[0] @ np.swapaxes(big[1], -1, -2) / np.sqrt(big[0].shape[-1])) > 709.78


def test_layer_norm_claims():
    kata = get_kata("layer-norm")
    text = _text("layer-norm")
    x, gamma, beta, dy = kata.basic[0]
    # The fixed case's first row: μ = 2.5, σ² = 1.25 (the biased variance, np.var's default).
    assert x[0].mean() == 2.5 and x[0].var() == 1.25
    y, dx, dgamma, dbeta = kata.reference(x, gamma, beta, dy)
    assert np.allclose(y[0], gamma * (x[0] - 2.5) / np.sqrt(1.25 + 1e-5) + beta)
    # A constant row: x̂ = 0, y = β, dx = (g − mean(g))/√ε, finite.
    assert "`x̂ = 0`, `y = β`, and `dx` is finite because `ε > 0`" in text
    row = np.full((1, 4), 3.0)
    y, dx, dgamma, dbeta = kata.reference(row, gamma, beta, dy[:1], 0.01)
    g = dy[:1] * gamma
    assert np.array_equal(y, beta[None]) and np.allclose(dx, (g - g.mean()) / 0.1)
    # D = 1: every row is constant, dx = 0; the unbiased variance is 0/0 there.
    y, dx, _, _ = kata.reference(np.array([[2.0], [-1.0]]), np.array([3.0]), np.array([0.5]), np.ones((2, 1)))
    assert np.array_equal(y, [[0.5], [0.5]]) and np.array_equal(dx, np.zeros((2, 1)))
    assert "with D = 1 the unbiased one is even 0/0" in text
    unbiased = next(m for m in kata.mistakes if m.key == "unbiased").wrong
    with np.errstate(all="ignore"):
        assert np.isnan(unbiased(np.array([[2.0]]), np.ones(1), np.zeros(1), np.ones((1, 1)))[0]).all()
    # An empty batch: dγ and dβ are zeros of shape (D,).
    assert "zeros for an empty batch" in text
    _, _, dgamma, dbeta = kata.reference(np.zeros((0, 3)), np.ones(3), np.zeros(3), np.zeros((0, 3)))
    assert dgamma.tolist() == [0.0, 0.0, 0.0] and dbeta.tolist() == [0.0, 0.0, 0.0]
    # ε inside vs outside: the same while σ² >> ε, far apart when σ² is about ε or smaller.
    outside = next(m for m in kata.mistakes if m.key == "eps-outside").wrong
    wide, narrow = np.array([[1.0, -1.0]]), np.array([[1e-3, -1e-3]])
    args = (np.ones(2), np.zeros(2), np.ones((1, 2)))
    assert np.allclose(outside(wide, *args)[0], kata.reference(wide, *args)[0], rtol=1e-4)
    assert not np.allclose(outside(narrow, *args)[0], kata.reference(narrow, *args)[0], rtol=0.1)
    # 8 ulps of each item's scale.
    assert "widened per item by 8 ulps" in text
    from kata.harness.contract import Case

    tols = kata.result.tolerances(kata, Case((np.ones((1, 2), dtype=np.float32), np.ones(2), np.zeros(2),
                                              np.ones((1, 2)))), False)
    assert tols[3][0] == 8 * float(np.finfo(np.float32).eps) * 1.0


def test_logistic_regression_step_claims():
    text = _text("logistic-regression-step")
    step = get_kata("logistic-regression-step").reference
    # "σ(40) rounds to exactly 1.0, so log(1 − σ(40)) = log(0) = −inf"
    assert "σ(40) rounds to exactly 1.0, so log(1 − σ(40)) = log(0) = −inf" in text
    assert 1 / (1 + np.exp(-40.0)) == 1.0
    with np.errstate(divide="ignore"):
        assert np.log(1 - 1 / (1 + np.exp(-40.0))) == -np.inf
    # "exp(−z) overflows for z < −709 (z < −88 in float32)"
    assert "exp(−z) overflows for z < −709 (z < −88 in float32)" in text
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(709.0)) and np.isinf(np.exp(710.0))
        assert np.isfinite(np.exp(np.float32(88.0))) and np.isinf(np.exp(np.float32(89.0)))
    # "np.where evaluates both branches, so np.where(z >= 0, 1/(1 + np.exp(−z)), ...) still overflows"
    z = np.array([-1000.0, 2.0])
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
    e = np.exp(-np.abs(z))  # the hinted form: nothing overflows
    with np.errstate(all="raise"):
        np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    # "caps each sample's loss at about −log ε (16 for ε = 1e−7), while a confidently wrong
    # sample at z = 500 costs 500"
    assert round(-np.log(1e-7)) == 16
    X, y, w = np.array([[500.0]]), np.array([0.0]), np.array([1.0])
    assert step(X, y, w, 0.0, 0.1, 0.0)[2] == 500.0
    # The step is the gradient of the returned loss (dw = Xᵀ(σ(z) − y)/N + λw, db = mean(σ(z) − y)),
    # and the Hessian of the "why" is Xᵀ diag(σ(1 − σ)) X / N + λI.
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, size=7).astype(float)
    w, b, lr, lam = rng.normal(size=3), 0.4, 0.3, 0.2
    w_new, b_new, _ = step(X, y, w, b, lr, lam)
    h = 1e-6

    def loss(w, b):
        return step(X, y, w, b, lr, lam)[2]

    def grad(w, b):
        w_new, b_new, _ = step(X, y, w, b, lr, lam)
        return (w - w_new) / lr

    numeric = np.array([(loss(w + h * u, b) - loss(w - h * u, b)) / (2 * h) for u in np.eye(3)])
    assert np.allclose((w - w_new) / lr, numeric, atol=1e-8)
    assert np.isclose((b - b_new) / lr, (loss(w, b + h) - loss(w, b - h)) / (2 * h), atol=1e-8)
    s = reference.sigmoid(X @ w + b)
    hessian = X.T @ (X * (s * (1 - s))[:, None]) / 7 + lam * np.eye(3)
    numeric = np.stack([(grad(w + h * u, b) - grad(w - h * u, b)) / (2 * h) for u in np.eye(3)], axis=1)
    assert np.allclose(hessian, numeric, atol=1e-7)
    assert "Xᵀ diag(σ(1 − σ)) X / N + λI" in text


def test_batch_norm_claims():
    kata = get_kata("batch-norm")
    text = _text("batch-norm")
    x, gamma, beta, rm, rv = kata.basic[0]
    # The fixed case: batch means (2.5, 0), biased variances (1.25, 2), m = 4 values per channel.
    assert x.mean(axis=0).tolist() == [2.5, 0.0] and x.var(axis=0).tolist() == [1.25, 2.0]
    y, new_mean, new_var = kata.reference(x, gamma, beta, rm, rv)
    assert np.allclose(new_mean, 0.9 * rm + 0.1 * np.array([2.5, 0.0]))
    assert np.allclose(new_var, 0.9 * rv + 0.1 * np.array([1.25, 2.0]) * 4 / 3)  # unbiased for the running var
    assert np.allclose(y, gamma * (x - [2.5, 0.0]) / np.sqrt(np.array([1.25, 2.0]) + 1e-5) + beta)  # biased here
    # momentum = 0 keeps the running statistics, momentum = 1 replaces them with the batch's.
    assert "momentum = 0 keeps the\n      running statistics, momentum = 1 replaces them" in text
    _, keep_mean, keep_var = kata.reference(x, gamma, beta, rm, rv, momentum=0.0)
    assert np.array_equal(keep_mean, rm) and np.array_equal(keep_var, rv)
    _, take_mean, take_var = kata.reference(x, gamma, beta, rm, rv, True, 1.0)
    assert np.allclose(take_mean, [2.5, 0.0]) and np.allclose(take_var, np.array([1.25, 2.0]) * 4 / 3)
    # Evaluation: the running statistics normalise and come back unchanged, for any N, even 0.
    y, same_mean, same_var = kata.reference(x, gamma, beta, rm, rv, training=False)
    assert np.allclose(y, gamma * (x - rm) / np.sqrt(rv + 1e-5) + beta)
    assert np.array_equal(same_mean, rm) and np.array_equal(same_var, rv)
    assert "N = 1 or even N = 0 (an empty batch: an empty `y`)" in text
    y, _, _ = kata.reference(np.zeros((0, 2)), gamma, beta, rm, rv, training=False)
    assert y.shape == (0, 2)
    # Axis 1 is the channel axis: one mean per channel over the batch and every position.
    images = np.arange(24.0).reshape(2, 3, 2, 2)
    _, means, _ = kata.reference(images, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3), momentum=1.0)
    assert means.tolist() == [images[:, c].mean() for c in range(3)]
    # With m = 2 values per channel, the unbiased variance is twice the biased one.
    pair = np.array([[1.0], [3.0]])
    _, _, var = kata.reference(pair, np.ones(1), np.zeros(1), np.zeros(1), np.ones(1), momentum=1.0)
    assert var.tolist() == [2.0 * pair.var()]
    assert "widened per item by 8 ulps" in text


def test_kmeans_claims():
    import warnings

    from kata.harness.rng import InputRng

    kata = get_kata("kmeans")
    text = _text("kmeans")
    module = __import__(kata.reference.__module__, fromlist=["large"])
    # The tie rule: np.argmin gives the first of equal values; the fixed case's cluster 0
    # ends at (0.5, 0) by the rule, at (0, 0) if the tie went to the higher index.
    assert "as `np.argmin` does" in text and np.argmin(np.array([1.0, 1.0])) == 0
    X, C0 = module.FIXED
    assert kata.reference(X, C0)[0][0].tolist() == [0.5, 0.0]
    assert module.lloyd(X, C0, last=True)[0][0].tolist() == [0.0, 0.0]
    # "with max_iter=1 the centroids are the means of the first assignment"
    X, C0 = module.SMALL
    first = np.argmin(((X[:, None] - C0[None]) ** 2).sum(-1), axis=1)
    C1, labels = kata.reference(X, C0, max_iter=1)
    assert np.allclose(C1, [X[first == k].mean(axis=0) for k in range(2)])
    assert labels.tolist() == np.argmin(((X[:, None] - C1[None]) ** 2).sum(-1), axis=1).tolist()
    # "the mean of an empty slice is NaN with a 'Mean of empty slice' warning"
    assert "'Mean of empty slice' warning" in text
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert np.isnan(np.zeros((0, 2)).mean(axis=0)).all()
    assert any("Mean of empty slice" in str(w.message) for w in seen)
    # The budget case: N = 40,000, K = 4, D = 2, max_iter=10, "11 assignments", N·K·D = 320,000,
    # and the algorithm has not converged after 10 updates, so every one of them is made.
    assert "`N = 40,000`, `K = 4`,\n      `D = 2` with `max_iter=10`" in text
    from kata.harness import Budget

    budget = next(part for part in kata.own if isinstance(part, Budget))
    assert "`max_iter=10` and allows 0.4 s" in text and budget.cpu == 0.4
    assert "11 assignments" in text and "N·K·D = 320,000" in text and 40_000 * 4 * 2 == 320_000
    (case,) = module.large(InputRng(7, 1))
    X, C0 = case.args
    assert X.shape == (40_000, 2) and C0.shape == (4, 2) and case.kwargs == {"max_iter": 10}
    assert not module.lloyd(X, C0, 10)[3]


def test_max_pool_claims():
    kata = get_kata("max-pool")
    text = _text("max-pool")
    # No padding, the last partial windows dropped: H_out = (H − k) // stride + 1.
    y, dx = kata.reference(np.zeros((1, 1, 7, 6)), np.zeros((1, 1, 3, 2)), 3, 2)
    assert y.shape == (1, 1, 3, 2) and dx.shape == (1, 1, 7, 6)
    # stride=None, or no stride, is stride = kernel_size.
    x = np.arange(36.0).reshape(1, 1, 6, 6)
    assert kata.reference(x, np.ones((1, 1, 3, 3)), 2)[0].shape == (1, 1, 3, 3)
    assert np.array_equal(kata.reference(x, np.ones((1, 1, 3, 3)), 2, None)[1],
                          kata.reference(x, np.ones((1, 1, 3, 3)), 2, 2)[1])
    # Ties: the whole dy to the first maximum in row-major order, as np.argmax picks it.
    assert "the window's whole dy goes to the **first** of them in row-major\n      order" in text
    tie = np.array([[[[1.0, 1.0], [0.0, 1.0]]]])
    assert kata.reference(tie, np.array([[[[5.0]]]]), 2)[1].tolist() == [[[[5.0, 0.0], [0.0, 0.0]]]]
    assert np.argmax(tie.ravel()) == 0
    minus = np.full((1, 1, 2, 2), -np.inf)  # a window of -inf is a tie too
    y, dx = kata.reference(minus, np.array([[[[2.0]]]]), 2)
    assert y.tolist() == [[[[-np.inf]]]] and dx.tolist() == [[[[2.0, 0.0], [0.0, 0.0]]]]
    # Overlapping windows add up: the centre of the fixed 3 × 3 wins all four windows.
    peak, peak_dy = kata.examples[1].args[:2]
    y, dx = kata.reference(peak, peak_dy, 2, 1)
    assert y.tolist() == [[[[9.0, 9.0], [9.0, 9.0]]]] and dx[0, 0, 1, 1] == peak_dy.sum() == 10.0
    assert dx.sum() == 10.0
    # The dx tolerance: ⌈k / stride⌉² shares at most, 8 ulps of that many times max|dy|.
    assert "widened by 8 ulps of ⌈k / stride⌉² · max|dy|" in text
    from kata.harness.contract import Case

    tols = kata.result.tolerances(kata, Case((peak.astype(np.float32), peak_dy.astype(np.float32), 3, 2)), False)
    assert tols[1][0] == 8 * float(np.finfo(np.float32).eps) * 4 * 4.0
    assert tols[0] == (1e-7, 1e-4)


def test_online_softmax_claims():
    kata = get_kata("online-softmax")
    text = _text("online-softmax")
    module = __import__(kata.reference.__module__, fromlist=["state"])
    merge, state = kata.reference, module.state
    # The fixed case: the merged state describes softmax([1, 3, 2, 5]) over the values [1, 0, 2, 4].
    m, s, acc = merge(*kata.basic[0])
    x, v = np.array([1.0, 3.0, 2.0, 5.0]), np.array([1.0, 0.0, 2.0, 4.0])
    assert m.tolist() == [5.0] and np.isclose(acc[0, 0] / s[0], reference.softmax(x) @ v)
    # "exactly the state of the two blocks' scores and values put end to end"; the merge is
    # associative (and commutative); s >= 1 wherever m is finite.
    rng = np.random.default_rng(11)
    xs = [rng.normal(0, 4, size=(3, n)) for n in (2, 5, 3)]
    vs = [rng.normal(size=(3, n, 2)) for n in (2, 5, 3)]
    a, b, c = (state(x, v) for x, v in zip(xs, vs, strict=True))
    whole = state(np.concatenate(xs, axis=1), np.concatenate(vs, axis=1))
    for got in (merge(*merge(*a, *b), *c), merge(*a, *merge(*b, *c)), merge(*c, *merge(*b, *a))):
        assert all(np.allclose(g, w) for g, w in zip(got, whole, strict=True))
    assert np.all(a[1] >= 1) and "so `s >= 1`" in text
    # "−inf − (−inf) is NaN"; "exp ... overflow at 710 (89 in float32)"
    with np.errstate(invalid="ignore", over="ignore"):
        assert np.isnan(np.float64(-np.inf) - np.float64(-np.inf))
        assert np.isinf(np.exp(710.0)) and np.isfinite(np.exp(709.0))
        assert np.isinf(np.exp(np.float32(89.0))) and np.isfinite(np.exp(np.float32(88.0)))
    assert "overflow at 710 (89 in float32)" in text
    # Two fully masked blocks merge into (−inf, 0, 0), with no warning.
    none = (np.array([-np.inf]), np.array([0.0]), np.array([[0.0]]))
    with np.errstate(all="raise"):
        m, s, acc = merge(*none, *none)
    assert m.tolist() == [-np.inf] and s.tolist() == [0.0] and acc.tolist() == [[0.0]]
