"""Kata `batch-norm`: ``batch_norm(x, gamma, beta, running_mean, running_var, training=True,
momentum=0.1, eps=1e-5)`` returns ``(y, new_running_mean, new_running_var)`` for (N, C, ...) inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kata.harness import Arg, Arrays, Case, Cases, Example, Group, Kata, Mistake
from kata.harness.compare import tolerance_for

DEFAULTS = {"training": True, "momentum": 0.1, "eps": 1e-5}


def params(*args, **kwargs):
    """The call's (x, gamma, beta, running_mean, running_var) in float64, and its
    training, momentum and eps, wherever they came from."""
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in args[:5])
    given = dict(zip(("training", "momentum", "eps"), args[5:], strict=False))
    given.update(kwargs)
    return arrays, {**DEFAULTS, **given}


def _axes(x):
    return (0, *range(2, x.ndim))


def _per_channel(v, x):
    return v.reshape((1, -1) + (1,) * (x.ndim - 2))


def batch_stats(x, ddof=0):
    axes = _axes(x)
    m = x.size // x.shape[1] if x.shape[1] else 0
    mu = x.mean(axis=axes)
    with np.errstate(all="ignore"):
        var = ((x - _per_channel(mu, x)) ** 2).sum(axis=axes) / (m - ddof)
    return mu, var, m


def normalise(x, gamma, beta, mu, var, eps, eps_inside=True):
    with np.errstate(all="ignore"):
        std = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
        return _per_channel(gamma, x) * (x - _per_channel(mu, x)) / _per_channel(std, x) + _per_channel(beta, x)


def updated(rm, rv, mu, var, m, momentum, *, unbiased=True, keep=False):
    """The running estimates after one batch: keep·old + (1 − keep)·new with keep = 1 − momentum
    (PyTorch), or keep = momentum (the Keras convention, when ``keep``)."""
    with np.errstate(all="ignore"):
        var_u = var * m / (m - 1) if unbiased else var
    w = momentum if not keep else 1.0 - momentum
    return (1.0 - w) * rm + w * mu, (1.0 - w) * rv + w * var_u


def answer(*args, **kwargs):
    """The grader's own batch norm, in float64. Training: normalise with the batch mean and
    the biased batch variance per channel; the running variance gets the unbiased one.
    Evaluation: normalise with the running statistics, which come back unchanged."""
    (x, gamma, beta, rm, rv), p = params(*args, **kwargs)
    if not p["training"]:
        return normalise(x, gamma, beta, rm, rv, p["eps"]), rm.copy(), rv.copy()
    mu, var, m = batch_stats(x)
    return (normalise(x, gamma, beta, mu, var, p["eps"]), *updated(rm, rv, mu, var, m, p["momentum"]))


def training_only(fn):
    return lambda *args, **kwargs: fn(*args, **kwargs) if params(*args, **kwargs)[1]["training"] else []


def evaluation_only(fn):
    return lambda *args, **kwargs: [] if params(*args, **kwargs)[1]["training"] else fn(*args, **kwargs)


@evaluation_only
def eval_batch_stats(*args, **kwargs):
    (x, gamma, beta, rm, rv), p = params(*args, **kwargs)
    if x.shape[0] == 0:
        return []
    mu, var, _ = batch_stats(x)
    return [(normalise(x, gamma, beta, mu, var, p["eps"]), None, None)]


@evaluation_only
def eval_updates(*args, **kwargs):
    (x, gamma, beta, rm, rv), p = params(*args, **kwargs)
    if x.shape[0] == 0 or p["momentum"] == 0:
        return []
    mu, var, m = batch_stats(x)
    return [(None, *updated(rm, rv, mu, var, m, p["momentum"], unbiased=unbiased))
            for unbiased in (True, False)]


@training_only
def unbiased_normalise(*args, **kwargs):
    (x, gamma, beta, rm, rv), p = params(*args, **kwargs)
    mu, var, m = batch_stats(x)
    return [(normalise(x, gamma, beta, mu, var * m / (m - 1), p["eps"]), None, None)]


@training_only
def running_var_biased(*args, **kwargs):
    (x, gamma, beta, rm, rv), p = params(*args, **kwargs)
    mu, var, m = batch_stats(x)
    return [(None, None, updated(rm, rv, mu, var, m, p["momentum"], unbiased=False)[1])]


@training_only
def momentum_swapped(*args, **kwargs):
    (x, gamma, beta, rm, rv), p = params(*args, **kwargs)
    if p["momentum"] == 0.5:
        return []
    mu, var, m = batch_stats(x)
    return [(None, *updated(rm, rv, mu, var, m, p["momentum"], keep=True))]


@training_only
def no_update(*args, **kwargs):
    (x, gamma, beta, rm, rv), p = params(*args, **kwargs)
    return [(None, rm, rv)] if p["momentum"] != 0 else []


@training_only
def wrong_axes(*args, **kwargs):
    """Statistics over the batch axis only (one per channel and position), or over each
    example's own features (the layer norm's axis)."""
    (x, gamma, beta, rm, rv), p = params(*args, **kwargs)
    found = []
    if x.ndim > 2:
        mu, var = x.mean(axis=0), x.var(axis=0)
        with np.errstate(all="ignore"):
            y = _per_channel(gamma, x) * (x - mu) / np.sqrt(var + p["eps"]) + _per_channel(beta, x)
        found.append((y, None, None))
    features = tuple(range(1, x.ndim))
    mu, var = x.mean(axis=features, keepdims=True), x.var(axis=features, keepdims=True)
    with np.errstate(all="ignore"):
        found.append((_per_channel(gamma, x) * (x - mu) / np.sqrt(var + p["eps"]) + _per_channel(beta, x),
                      None, None))
    return found


def tolerance(case, dtype):
    """Per item, the dtype's tolerance widened by 8 ulps of its scale: y as a layer
    norm's (c = the input in units of the spread it is divided by), the running mean by
    the largest |x| and |running_mean|, the running variance by |x|² and |running_var|."""
    (x, gamma, beta, rm, rv), p = params(*case.args, **case.kwargs)
    atol, rtol = tolerance_for(dtype)
    ulp = 8 * float(np.finfo(dtype).eps)
    top = float(np.abs(x).max(initial=0.0))
    if p["training"] and x.size:
        mu, var, _ = batch_stats(x)
    else:
        mu, var = rm, rv
    spread = float(np.sqrt(np.min(var, initial=np.inf) + p["eps"])) if var.size else 1.0
    c = (top + float(np.abs(mu).max(initial=0.0))) / spread + 1.0
    scales = (float(np.abs(gamma).max(initial=0.0)) * c + float(np.abs(beta).max(initial=0.0)),
              top + float(np.abs(rm).max(initial=0.0)),
              top * top + float(np.abs(rv).max(initial=0.0)))
    return [(max(atol, ulp * s), rtol) for s in scales]


def draw_x(rng, shape):
    return rng.normal(0.0, 1.0, size=shape) * rng.uniform(0.5, 2.0) + rng.normal(0.0, 1.0)


def channel(maker):
    return lambda rng, shape: maker(rng, shape[1:2])


def _gamma(rng, shape):
    return rng.normal(1.0, 0.5, size=shape)


def _beta(rng, shape):
    return rng.normal(0.0, 0.5, size=shape)


def _mean(rng, shape):
    return rng.normal(0.0, 1.0, size=shape)


def _var(rng, shape):
    return rng.uniform(0.5, 3.0, size=shape)


def case(rng, shape, dtype=np.float64, x=None, **kwargs):
    c = shape[1:2]
    args = (draw_x(rng, shape) if x is None else x, _gamma(rng, c), _beta(rng, c), _mean(rng, c), _var(rng, c))
    return Case(tuple(np.asarray(a, dtype=dtype) for a in args), kwargs)


# Four examples of two channels: batch means (2.5, 0), batch variances (1.25, 2).
FIXED = (np.array([[1.0, -2.0], [2.0, 0.0], [3.0, 0.0], [4.0, 2.0]]), np.array([1.0, 2.0]), np.array([0.0, 0.5]),
         np.array([0.5, -1.0]), np.array([2.0, 0.25]))


def evaluation(rng):
    """training=False: the running statistics normalise, and come back unchanged."""
    return [Case(FIXED, {"training": False}),
            case(rng, (6, 3), training=False),
            case(rng, (4, 2, 5), training=False, momentum=0.3),
            case(rng, (2, 3, 4, 4), training=False),
            case(rng, (1, 4), training=False),  # one example: no batch statistics to speak of
            case(rng, (5, 3), dtype=np.float32, training=False),
            Case((*case(rng, (3, 2)).args, False)),  # training by position
            case(rng, (0, 3), training=False)]  # an empty batch


def momenta(rng):
    """The update's weights: running = (1 − momentum)·running + momentum·batch, for several
    momenta, by keyword and by position; momentum = 0 keeps the old values, 1 takes the batch's."""
    return [case(rng, (8, 3), momentum=0.3),
            case(rng, (5, 2, 3), momentum=0.9),
            case(rng, (4, 3), momentum=1.0),
            case(rng, (6, 2), momentum=0.0),
            case(rng, (2, 4), momentum=0.5),  # m = 2 examples: the unbiased variance doubles the biased one
            Case((*case(rng, (7, 2)).args, True, 0.25)),
            case(rng, (3, 3), eps=0.1, momentum=0.2)]


KATA = Kata(
    id="batch-norm",
    function="batch_norm",
    args=(Arg("x", draw_x), Arg("gamma", channel(_gamma)), Arg("beta", channel(_beta)),
          Arg("running_mean", channel(_mean)), Arg("running_var", channel(_var)),
          Arg("training", default=True), Arg("momentum", default=0.1), Arg("eps", default=1e-5)),
    reference=answer,
    folder=Path(__file__).parent,
    topic="normalisation",
    difficulty=3,
    time_limit=20,
    order=20,
    result=Arrays((("y", "x"), ("running_mean", "running_mean"), ("running_var", "running_var")),
                  hints={"y": "hint.normalise", "running_mean": "hint.running", "running_var": "hint.running"},
                  tolerance=tolerance),
    basic=(FIXED, tuple(a.astype(np.float32) for a in FIXED), lambda rng: case(rng, (6, 4))),
    basic_shapes=((8, 3), (4, 2, 5), (3, 2, 3, 3)),
    own=(Cases("evaluation", (Group(evaluation, hint="hint.evaluation"),)),
         Cases("momentum", (Group(momenta, hint="hint.momentum"),))),
    shapes=((2, 1), (5, 6), (16, 2), (3, 4, 1), (2, 3, 5), (2, 2, 3, 4), (1, 3, 2, 2), (4, 2, 1, 3, 2)),
    fortran_shape=(6, 3, 4),
    dtype_shapes=((6, 3), (2, 3, 4, 2)),
    mutation_shapes=((5, 3), (2, 2, 3, 3)),
    mistakes=(
        Mistake("eval-batch-stats", eval_batch_stats, many=True),
        Mistake("eval-updates", eval_updates, many=True),
        Mistake("unbiased-normalise", unbiased_normalise, many=True),
        Mistake("running-var-biased", running_var_biased, many=True),
        Mistake("momentum-swapped", momentum_swapped, many=True),
        Mistake("no-update", no_update, many=True),
        Mistake("wrong-axes", wrong_axes, many=True),
    ),
    hand_written=("batch_norm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "BatchNormalization",
                  "native_batch_norm", "batch_normalization", "fused_batch_norm", "instance_norm"),
    examples=(Example(FIXED), Example(FIXED, {"training": False}),
              Example((np.array([[[1.0, 3.0]], [[2.0, 6.0]]]), np.ones(1), np.zeros(1), np.zeros(1), np.ones(1)),
                      {"momentum": 0.5})),
)
