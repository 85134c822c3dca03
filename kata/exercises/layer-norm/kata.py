"""Kata `layer-norm`: ``layer_norm(x, gamma, beta, dy, eps=1e-5)`` returns the layer norm of
x over its last axis and, for the upstream gradient dy, its gradients: ``(y, dx, dgamma, dbeta)``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Arrays, Case, Cases, Example, ForwardBackward, Group, Kata, Mistake, normal
from kata.harness.compare import tolerance_for


def _f64(*arrays):
    return tuple(np.asarray(a, dtype=np.float64) for a in arrays)


def _sums(a: np.ndarray) -> np.ndarray:
    """Σ over every axis but the last: (..., D) -> (D,)."""
    return a.reshape(-1, a.shape[-1]).sum(axis=0)


def norm(x, gamma, beta, dy, eps=1e-5, *, axes=(-1,), ddof=0, eps_inside=True):
    """Layer norm and its gradients, with the statistics over ``axes``; the mistakes
    change ``axes``, ``ddof`` or where ε goes, and keep the backward consistent."""
    x, gamma, beta, dy = _f64(x, gamma, beta, dy)
    n = int(np.prod([x.shape[a] for a in axes]))
    mu = x.mean(axis=axes, keepdims=True)
    xc = x - mu
    with np.errstate(all="ignore"):
        var = (xc * xc).sum(axis=axes, keepdims=True) / (n - ddof)
        std = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
        xhat = xc / std
    y = xhat * gamma + beta
    g = dy * gamma
    with np.errstate(all="ignore"):
        # d std / d var: 1 / (2 std) with ε inside; with ε outside, 1 / (2 √var).
        dvar_scale = 1.0 if eps_inside else std / np.sqrt(var)
        dx = (g - g.mean(axis=axes, keepdims=True)
              - xhat * dvar_scale * (g * xhat).sum(axis=axes, keepdims=True) / (n - ddof)) / std
    return y, dx, _sums(dy * xhat), _sums(dy)


def answer(x, gamma, beta, dy, eps=1e-5):
    """The grader's own layer norm, in float64: statistics over the last axis, the biased
    variance, ε inside the square root; the gradients of L = Σ dy·y."""
    return norm(x, gamma, beta, dy, eps)


def batch_axis(x, gamma, beta, dy, eps=1e-5):
    """Statistics down the batch (axis 0, or every leading axis), or over the whole array."""
    x = np.asarray(x)
    leading = tuple(range(x.ndim - 1))
    return [(norm(x, gamma, beta, dy, eps, axes=axes)[0], None, None, None)
            for axes in ((0,), leading, tuple(range(x.ndim))) if axes]


def unbiased(x, gamma, beta, dy, eps=1e-5):
    return norm(x, gamma, beta, dy, eps, ddof=1)[0], None, None, None


def eps_outside(x, gamma, beta, dy, eps=1e-5):
    return norm(x, gamma, beta, dy, eps, eps_inside=False)[0], None, None, None


def _dx_parts(x, gamma, beta, dy, eps):
    x, gamma, beta, dy = _f64(x, gamma, beta, dy)
    mu = x.mean(axis=-1, keepdims=True)
    std = np.sqrt(((x - mu) ** 2).mean(axis=-1, keepdims=True) + eps)
    xhat = (x - mu) / std
    g = dy * gamma
    return g, xhat, std


def constant_stats(x, gamma, beta, dy, eps=1e-5):
    """dx = γ·dy / σ, as if μ and σ did not depend on x."""
    g, _, std = _dx_parts(x, gamma, beta, dy, eps)
    return None, g / std, None, None


def no_variance_term(x, gamma, beta, dy, eps=1e-5):
    g, _, std = _dx_parts(x, gamma, beta, dy, eps)
    return None, (g - g.mean(axis=-1, keepdims=True)) / std, None, None


def no_mean_term(x, gamma, beta, dy, eps=1e-5):
    g, xhat, std = _dx_parts(x, gamma, beta, dy, eps)
    return None, (g - xhat * (g * xhat).mean(axis=-1, keepdims=True)) / std, None, None


def dgamma_raw_x(x, gamma, beta, dy, eps=1e-5):
    """dγ = Σ dy·x: the input where the normalised input x̂ belongs."""
    x, dy = _f64(x, dy)
    return None, None, _sums(dy * x), None


def tolerance(case, dtype):
    """Per item: the dtype's tolerance, widened by 8 ulps of each item's scale. x − μ
    rounds to a few ulps of max|x|, which the normalisation turns into c = max|x|/σ + 1
    units; dx multiplies that by max|γ·dy|/σ and a √D from its two sums; dγ and dβ add
    up N rows."""
    x, gamma, beta, dy = _f64(*case.args[:4])
    eps = case.kwargs.get("eps", case.args[4] if len(case.args) > 4 else 1e-5)
    atol, rtol = tolerance_for(dtype)
    ulp = 8 * float(np.finfo(dtype).eps)
    d = x.shape[-1]
    n = max(1, x.size // d)
    inv = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + eps) if x.size else np.zeros(1)
    c = float((np.abs(x).max(axis=-1, keepdims=True, initial=0.0) * inv).max(initial=0.0)) + 1.0
    g = float(np.abs(dy * gamma).max(initial=0.0))
    top = float(np.abs(dy).max(initial=0.0))
    scales = (float(np.abs(gamma).max(initial=0.0)) * c + float(np.abs(beta).max(initial=0.0)),
              float(inv.max(initial=0.0)) * g * c * np.sqrt(d), n * top * c, n * top)
    return [(max(atol, ulp * s), rtol) for s in scales]


def draw_x(rng, shape):
    return rng.normal(rng.normal(0.0, 1.0), rng.uniform(0.5, 2.0), size=shape)


def gamma_of(rng, shape):
    return rng.normal(1.0, 0.5, size=shape[-1:])


def beta_of(rng, shape):
    return rng.normal(0.0, 0.5, size=shape[-1:])


def case(rng, shape, x=None, dtype=np.float64, **kwargs):
    x = draw_x(rng, shape) if x is None else x
    args = (x, gamma_of(rng, shape), beta_of(rng, shape), rng.normal(0.0, 1.0, size=shape))
    return Case(tuple(np.asarray(a, dtype=dtype) for a in args), kwargs)


# Two rows of four: an easy mean and variance (μ = 2.5, σ² = 1.25 for the first row).
FIXED = (np.array([[1.0, 2.0, 3.0, 4.0], [-2.0, 0.0, 0.0, 2.0]]), np.array([1.0, 2.0, 0.5, -1.0]),
         np.array([0.0, 0.5, -0.5, 1.0]), np.array([[1.0, 0.0, -1.0, 2.0], [0.5, 0.5, 1.0, -1.0]]))


def small_variance(rng):
    """Rows whose variance is near ε or below it, for several ε: where ε inside or
    outside the square root are far apart. ε comes by keyword and by position."""
    tiny = lambda shape, spread, loc=0.0: loc + rng.normal(0.0, spread, size=shape)  # noqa: E731
    made = [case(rng, (3, 6), x=tiny((3, 6), 1e-3)),
            case(rng, (2, 5), x=tiny((2, 5), 1e-2, 3.0), eps=1e-3),
            case(rng, (4, 4), x=tiny((4, 4), 0.1, -1.0), eps=0.1),
            case(rng, (2, 3, 8), x=tiny((2, 3, 8), 3e-3), eps=1e-4),
            case(rng, (3, 6), x=tiny((3, 6), 2e-3), dtype=np.float32)]
    positional = case(rng, (2, 7), x=tiny((2, 7), 0.05))
    return [*made, Case((*positional.args, 0.01))]


def constant_rows(rng):
    """Rows with σ² = 0 (all values equal, or D = 1): x̂ = 0, y = β, dx = (g − mean g)/√ε."""
    mixed = draw_x(rng, (4, 5))
    mixed[1] = 2.5
    mixed[3] = -1.0
    return [case(rng, (4, 5), x=mixed),
            case(rng, (3, 4), x=np.full((3, 4), 0.75), eps=1e-3),
            case(rng, (5, 1)),
            case(rng, (2, 3, 1), eps=0.1),
            case(rng, (2, 4), x=np.full((2, 4), 0.5), dtype=np.float32)]


def draw_grad(rng):
    return [case(rng, (2, 4)), case(rng, (3,), eps=0.01), case(rng, (2, 2, 3))]


KATA = Kata(
    id="layer-norm",
    function="layer_norm",
    args=(Arg("x", draw_x), Arg("gamma", gamma_of), Arg("beta", beta_of), Arg("dy", normal(1.0)),
          Arg("eps", default=1e-5)),
    reference=answer,
    folder=Path(__file__).parent,
    topic="normalisation",
    difficulty=3,
    time_limit=20,
    order=10,
    result=Arrays((("y", "x"), ("dx", "x"), ("dgamma", "gamma"), ("dbeta", "gamma")),
                  hints={"y": "hint.forward", "dx": "hint.dx", "dgamma": "hint.dparams", "dbeta": "hint.dparams"},
                  tolerance=tolerance),
    basic=(FIXED, tuple(a.astype(np.float32) for a in FIXED), Case(FIXED, {"eps": 0.5}),
           lambda rng: case(rng, (3, 6))),
    basic_shapes=((4, 6), (3, 8), (2, 3, 5)),
    own=(Cases("epsilon", (Group(small_variance, hint="hint.epsilon"),)),
         Cases("constant-rows", (Group(constant_rows, hint="hint.constant"),))),
    shapes=((6,), (1, 4), (7, 3), (2, 3, 4), (2, 1, 2, 5), (0, 5), (3, 0, 4)),
    fortran_shape=(4, 6),
    dtype_shapes=((3, 6), (2, 2, 5)),
    mutation_shapes=((3, 5), (2, 2, 4)),
    mistakes=(
        Mistake("batch-axis", batch_axis, when=lambda x, *rest, **kw: np.ndim(x) >= 2 and np.shape(x)[0] > 1,
                many=True),
        Mistake("unbiased", unbiased, when=lambda x, *rest, **kw: np.shape(x)[-1] > 1),
        Mistake("eps-outside", eps_outside),
        Mistake("dx-constant-stats", constant_stats),
        Mistake("dx-no-variance-term", no_variance_term),
        Mistake("dx-no-mean-term", no_mean_term),
        Mistake("dgamma-raw-x", dgamma_raw_x),
    ),
    gradient=ForwardBackward("y", "dy", (("dx", "x"), ("dgamma", "gamma"), ("dbeta", "beta")),
                             "formula.backward", "hint.dx", draw=draw_grad),
    hand_written=("layer_norm", "LayerNorm", "native_layer_norm", "native_layer_norm_backward",
                  "layer_norm_backward", "LayerNormalization", "batch_norm", "group_norm"),
    examples=(Example(FIXED), Example((np.array([0.0, 1.0, 2.0]), np.ones(3), np.zeros(3), np.array([1.0, 0.0, 0.0]))),
              Example((np.full((1, 3), 4.0), np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.0, -0.5]),
                       np.array([[1.0, 2.0, 0.0]])), {"eps": 0.01})),
)
