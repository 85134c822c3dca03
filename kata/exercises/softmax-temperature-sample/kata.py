"""Kata `softmax-temperature-sample`: ``temperature_sample(logits, temperature, u)`` draws one class per row
from softmax(logits / T) by inverse-CDF sampling with the given uniforms u (T = 0: the argmax), and
``gumbel_max_sample(logits, temperature, u)`` draws it by the Gumbel-max trick, argmax(logits / T + g)
with g = −log(−log u).

Both are deterministic functions of their inputs: the grader draws the uniforms from its seed, so
every result is reproducible and compared exactly, up to a uniform that sits within rounding of a
class boundary (``Indices(allowed=...)``). The ``distribution`` check and the second half of
``gumbel-max`` also test the frequencies of many draws against softmax(x/T), with a threshold from
Hoeffding's inequality whose false-failure probability is below 1e-9.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from kata.harness import Arg, Case, Cases, Check, CheckFailed, Example, Group, Indices, Kata, Mistake, Msg, normal
from kata.harness.calls import Call
from kata.harness.checks import describe, expect_array, expect_ok
from kata.harness.compare import fmt
from kata.harness.contract import answer_bound

ID = "softmax-temperature-sample"
GUMBEL = "gumbel_max_sample"
FALSE_FAILURE = 1e-9  # the distribution checks' chance of failing a right sampler, over seeds




def M(key, **params):
    """One of this kata's messages (the ones its own checks name, beside those of KATA.msg)."""
    return Msg(f"{ID}.{key}", **params)


# ---------------------------------------------------------------- the grader's own answers


def unnormalised(logits, temperature):
    """exp((x − max x) / T) per row, in float64: the largest term is 1, −inf logits give 0."""
    x = np.asarray(logits, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.exp((x - x.max(axis=1, keepdims=True)) / temperature)


def inverse_cdf(e, u, *, side="right"):
    """The class of each row whose interval [C_(k−1), C_k) of the cumulative sum of ``e`` (scaled
    to 1) holds u; u beyond the rounded total gives the last class of positive weight."""
    c = np.cumsum(e, axis=1)
    v = np.asarray(u, dtype=np.float64)[:, None] * c[:, -1:]
    idx = (c <= v).sum(axis=1) if side == "right" else (c < v).sum(axis=1)
    last = e.shape[1] - 1 - np.argmax(e[:, ::-1] > 0, axis=1)
    return np.minimum(idx, last)


def sample(logits, temperature, u):
    """Inverse-CDF sampling from softmax(logits / T); T = 0 is the argmax (ties: the lowest index)."""
    x = np.asarray(logits, dtype=np.float64)
    if x.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    if temperature == 0:
        return np.argmax(x, axis=1)
    return inverse_cdf(unnormalised(x, temperature), u)


def gumbel_scores(logits, temperature, u):
    x = np.asarray(logits, dtype=np.float64)
    g = -np.log(-np.log(np.asarray(u, dtype=np.float64)))
    return x / temperature + g


def gumbel(logits, temperature, u):
    """The Gumbel-max trick: argmax(x / T + g), g = −log(−log u); T = 0 is the argmax of x."""
    x = np.asarray(logits, dtype=np.float64)
    if x.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    if temperature == 0:
        return np.argmax(x, axis=1)
    return np.argmax(gumbel_scores(x, temperature, u), axis=1)


def probabilities(logits, temperature):
    e = unnormalised(logits, temperature)
    return e / e.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- what rounding allows


def slack(logits, temperature):
    """How far a right answer's cumulative sums may be off: a few rounding errors of the logits'
    dtype (the candidate computes in it) per class, times the size of x / T, since x / T − max
    computed in that order rounds each exponent by eps·|x / T|."""
    x = np.asarray(logits)
    eps = float(np.finfo(x.dtype if x.dtype.kind == "f" else np.float64).eps)
    finite = np.abs(x[np.isfinite(x)])
    scale = float(finite.max()) / temperature if finite.size else 0.0
    return 8.0 * eps * max(x.shape[1], 1) * (1.0 + scale)


def near_boundary(case, got, want):
    """A different class is right too where u sits within rounding of its interval's ends and
    the class has a positive probability (never a class of probability 0, never an index out
    of range)."""
    logits, temperature, u = case.args[:3]
    ok = np.zeros(got.shape, dtype=bool)
    if temperature == 0:
        return ok
    e = unnormalised(logits, temperature)
    k = e.shape[1]
    c = np.cumsum(e, axis=1) / np.sum(e, axis=1, keepdims=True)
    rows = np.arange(len(got))
    inside = (got >= 0) & (got < k)
    g = np.where(inside, got, 0)
    lo = np.where(g > 0, c[rows, np.maximum(g - 1, 0)], 0.0)
    hi = c[rows, g]
    d = slack(logits, temperature)
    uu = np.asarray(u, dtype=np.float64)
    return inside & (e[rows, g] > 0) & (lo - d <= uu) & (uu <= hi + d)


def near_tie(case, got, want):
    """Gumbel-max: a different argmax is right too where its score is within rounding of the
    best one."""
    logits, temperature, u = case.args[:3]
    ok = np.zeros(got.shape, dtype=bool)
    if temperature == 0:
        return ok
    s = gumbel_scores(logits, temperature, u)
    k = s.shape[1]
    rows = np.arange(len(got))
    inside = (got >= 0) & (got < k)
    g = np.where(inside, got, 0)
    best = s[rows, want]
    eps = float(np.finfo(np.asarray(logits).dtype).eps)
    return inside & np.isfinite(s[rows, g]) & (best - s[rows, g] <= 16 * eps * (np.abs(best) + 1.0))


# ---------------------------------------------------------------- explaining a difference


def explain(case, got, want):
    """Words about the first row that differs: its uniform, the row's cumulative probabilities,
    the class they give and the one returned."""
    logits, temperature, u = case.args[:3]
    x = np.asarray(logits, dtype=np.float64)
    k = x.shape[1]
    if got.shape != want.shape:
        return M("explain.length", got=len(got), want=len(want))
    i = int(np.argmax(got != want))
    if temperature == 0:
        return M("explain.greedy", row=i, logits=fmt(x[i]), want=int(want[i]),
                   got=int(got[i]))
    p = probabilities(x, temperature)[i]
    cdf = np.cumsum(p)
    if not 0 <= got[i] < k:
        return M("explain.out-of-range", row=i, got=int(got[i]), last=k - 1, u=repr(float(u[i])), cdf=fmt(cdf),
                 end=repr(float(cdf[-1])))
    if p[got[i]] == 0:
        return M("explain.impossible", row=i, got=int(got[i]), u=repr(float(u[i])),
                   cdf=fmt(cdf), want=int(want[i]))
    lo = float(cdf[want[i] - 1]) if want[i] > 0 else 0.0
    return M("explain.row", row=i, u=f"{float(u[i]):.6g}", cdf=fmt(cdf),
               want=int(want[i]), lo=f"{lo:.6g}", hi=f"{float(cdf[want[i]]):.6g}", got=int(got[i]))


# ---------------------------------------------------------------- inputs


def temperature_arg(rng, shape):
    return float(rng.uniform(0.3, 3.0))


def uniforms(rng, shape):
    return rng.random(shape[0])


def kw(logits, temperature, u):
    return Case((np.asarray(logits, dtype=np.float64), float(temperature), np.asarray(u, dtype=np.float64)))


NEG = -np.inf
# Equal logits: every probability is exactly 1/4 (or 0 for −inf), so the cumulative sums are exact and
# u can sit right on a boundary. A class of probability 0 must never be drawn, not even there.
ZERO_FIRST = np.array([[NEG, 0.0, 0.0, NEG, 0.0, 0.0]])
BELOW_ONE = 1.0 - 2.0**-53  # the largest double below 1: np.cumsum of ten 0.1 ends exactly there


def edges(rng):
    """u on the boundaries of exact cumulative sums, classes of probability 0 around them, u = 0,
    the largest u below 1, one class, no rows."""
    zeros = np.repeat(ZERO_FIRST, 6, axis=0)
    ten = np.zeros((3, 10))
    return [kw(zeros, 1.0, [0.0, 0.25, 0.5, 0.75, 0.4, 0.99]),
            kw(zeros, 0.5, [0.0, 0.25, 0.5, 0.75, 0.125, 0.625]),
            kw(np.array([[0.0, 0.0, 0.0, 0.0, NEG]] * 4), 2.0, [0.0, 0.25, 0.5, 0.75]),
            kw(ten, 1.0, [BELOW_ONE, 0.95, 0.0]),
            kw(np.array([[0.0, NEG, 1.0, NEG, NEG]] * 2), 1.0, [BELOW_ONE, 0.0]),
            kw(rng.normal(0, 1, size=(4, 1)), 0.8, rng.random(4)),
            Case((np.zeros((0, 5)), 1.0, np.zeros(0))),
            Case((np.repeat(ZERO_FIRST, 4, axis=0).astype(np.float32), 1.0, np.array([0.0, 0.25, 0.5, 0.75])))]


def greedy(rng):
    """T = 0 is the argmax (ties: the lowest index) whatever u is; a tiny T gives the same for distinct
    logits, and splits evenly between tied maxima."""
    x = np.round(rng.normal(0, 2, size=(6, 5)), 1)
    x[0, [1, 3]] = x[0].max() + 1.0  # a tie for the maximum
    x[1, :] = 0.5
    distinct = rng.permutation(7)[None, :].repeat(5, axis=0) * 0.1 + rng.normal(0, 1, size=(5, 1))
    tied = np.array([[1.0, 3.0, -2.0, 3.0]] * 4)
    return [kw(x, 0.0, rng.random(6)), kw(x, 0.0, np.zeros(6)),
            Case((x.astype(np.float32), 0.0, rng.random(6))),
            kw(distinct, 1e-3, rng.random(5)), kw(distinct, 1e-6, rng.random(5)),
            kw(tied, 1e-8, [0.1, 0.4, 0.6, 0.9])]


def big(rng):
    """Logits of any size: exp(x / T) overflows for x / T above about 709.78 (88.72 in float32)."""
    return [kw(rng.uniform(-1e4, 1e4, size=(5, 6)), 1.0, rng.random(5)),
            kw(np.array([[1000.0, 999.0, 998.0, -1000.0]] * 3), 1.0, [0.2, 0.8, 0.99]),
            kw(rng.normal(0, 3, size=(6, 4)), 1e-3, rng.random(6)),
            kw(np.array([[0.0, 0.5, 1.0, 0.2, -0.3]] * 2), 1e-3, [0.3, 0.9]),  # softmax(x)^1000 is 0 everywhere
            Case((np.array([[100.0, 99.0, 97.0], [50.0, 52.0, 51.0]], dtype=np.float32), 1.0, np.array([0.5, 0.5]))),
            Case((rng.normal(0, 1, size=(4, 5)).astype(np.float32), 0.01, rng.random(4)))]


# ---------------------------------------------------------------- the classic mistakes


def t_after_softmax(logits, temperature, u):
    """T applied to the probabilities: softmax(x) / T renormalised (T cancels), or not (the
    cumulative sum then ends at 1/T)."""
    x = np.asarray(logits, dtype=np.float64)
    p = probabilities(x, 1.0)
    out = [inverse_cdf(p, u)]
    c = np.cumsum(p / temperature, axis=1)
    out.append((c <= np.asarray(u)[:, None]).sum(axis=1))
    return out


def t_not_one(logits, temperature, u):
    return temperature not in (0, 1) and np.asarray(logits).shape[0] > 0


def shifted(logits, temperature, u):
    right = sample(logits, temperature, u)
    return [right + 1, right - 1]


def drawn(logits, temperature, u):
    return temperature != 0 and np.asarray(logits).shape[0] > 0


# ---------------------------------------------------------------- the distribution checks


def hoeffding(draws, classes, tests):
    """The largest gap |frequency − probability| a right sampler shows with probability below
    FALSE_FAILURE, over ``tests`` distributions of ``classes`` classes each: Hoeffding's inequality,
    P(|f − p| ≥ t) ≤ 2·exp(−2·S·t²) per class, and a union bound over every class of every test."""
    return math.sqrt(math.log(2 * classes * tests / FALSE_FAILURE) / (2 * draws))


DRAWS = 8000
SPREAD = (np.array([2.0, 1.0, 0.0, -0.5, -1.5]), 0.5)
MASKED = (np.array([0.5, NEG, 1.0, 0.0, 2.0, -1.0]), 3.0)


def frequencies(samples, k):
    inside = (samples >= 0) & (samples < k)
    return np.bincount(samples[inside], minlength=k)[:k] / len(samples), inside


def judge_distribution(kata, samples, x, temperature, fn, gap):
    """The frequencies of one class per row, over DRAWS rows of the same logits, against softmax(x / T)."""
    k = len(x)
    p = probabilities(x[None, :], temperature)[0]
    freq, inside = frequencies(samples, k)
    what = M("distribution-call", fn=fn, draws=len(samples), logits=fmt(x),
               temperature=f"{temperature:g}")
    if not inside.all():
        bad = int(samples[~inside][0])
        raise CheckFailed(M("distribution-range", what=what, got=bad, last=k - 1),
                          kata.msg("hint.distribution"), tried=what)
    worst = int(np.argmax(np.abs(freq - p)))
    if abs(freq[worst] - p[worst]) <= gap:
        return
    hint = kata.msg("hint.distribution")
    plain = probabilities(x[None, :], 1.0)[0]
    if np.all(np.abs(freq - plain) <= gap):
        hint = kata.msg("mistake.t-after-softmax" if fn != GUMBEL else "mistake.gumbel-t-on-noise")
    raise CheckFailed(M("distribution-off", what=what, got=fmt(freq), want=fmt(p),
                          k=worst, f=f"{freq[worst]:.4f}", p=f"{p[worst]:.4f}", gap=f"{gap:.4f}",
                          chance=f"{FALSE_FAILURE:g}"),
                      hint, tried=what, got=fmt(freq), expected=fmt(p), mismatch=(worst,))


def distribution(ctx):
    kata = KATA
    gap = hoeffding(DRAWS, max(len(SPREAD[0]), len(MASKED[0])), 2)
    calls = []
    for x, t in (SPREAD, MASKED):
        calls.append(Call(args=(np.tile(x, (DRAWS, 1)), t, ctx.rng.random(DRAWS)), max_size=1 << 16))
    for (x, t), call, res in zip((SPREAD, MASKED), calls, ctx.call_many(calls), strict=True):
        what = M("distribution-call", fn=kata.function, draws=DRAWS, logits=fmt(x),
                   temperature=f"{t:g}")
        expect_ok(res, what, kata.msg("hint.distribution"))
        got = expect_array(res, what, shape=(DRAWS,))
        if got.dtype.kind not in "iuf" or not np.all(np.isfinite(got)):
            raise CheckFailed(Msg("indices-not-integer", what=what, dtype=str(got.dtype), got=fmt(got)), tried=what)
        judge_distribution(kata, got.astype(np.int64), x, t, kata.function, gap)


# ---------------------------------------------------------------- the Gumbel-max function


GUMBEL_KIND = Indices(allowed=near_tie)


def gumbel_noise(rng, n, k):
    """Uniforms in (0, 1): −log(−log u) is finite for every one."""
    return np.clip(rng.random((n, k)), 1e-300, BELOW_ONE)


def gumbel_mistakes(logits, temperature, u):
    x = np.asarray(logits, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    with np.errstate(all="ignore"):
        return (("gumbel-t-on-noise", np.argmax(x + (-np.log(-np.log(u))), axis=1)),
                ("gumbel-sign", np.argmax(x / temperature + np.log(-np.log(u)), axis=1)),
                ("gumbel-exponential", np.argmax(x / temperature - np.log(u), axis=1)))


def gumbel_check(ctx):
    kata = KATA
    rng = ctx.rng
    x = rng.normal(0, 2, size=(12, 5))
    x[2, 1] = NEG
    cases = [Case((x, 0.7, gumbel_noise(rng, 12, 5))), Case((x, 2.5, gumbel_noise(rng, 12, 5))),
             Case((x[:4].copy(), 0.0, gumbel_noise(rng, 4, 5))),
             Case((x.astype(np.float32), 1.3, gumbel_noise(rng, 12, 5))),
             Case((rng.uniform(-1e4, 1e4, size=(4, 3)), 1e-3, gumbel_noise(rng, 4, 3))),
             Case((np.zeros((0, 3)), 1.0, np.zeros((0, 3))))]
    gap = hoeffding(DRAWS, len(SPREAD[0]), 1)
    many = Call(args=(np.tile(SPREAD[0], (DRAWS, 1)), SPREAD[1], gumbel_noise(rng, DRAWS, len(SPREAD[0]))),
                fn=GUMBEL, max_size=1 << 16)
    calls = [Call(args=c.args, fn=GUMBEL, max_size=answer_bound(c.args, {})) for c in cases] + [many]
    results = ctx.call_many(calls)
    for case, res in zip(cases, results, strict=False):
        logits, t, u = case.args
        what = describe(GUMBEL, logits=logits, temperature=t, u=u)
        expect_ok(res, what, kata.msg("hint.gumbel"))
        got = GUMBEL_KIND.accept(kata, res, what, case)
        if got.dtype.kind not in "iu":
            raise CheckFailed(Msg("indices-dtype", what=what, got=str(got.dtype)), tried=what)
        want = gumbel(logits, t, u)
        if np.array_equal(got, want):
            continue
        if got.shape == want.shape and np.all(near_tie(case, got, want)[got != want]):
            continue
        hint = kata.msg("hint.gumbel")
        if t != 0 and logits.shape[0]:
            for key, wrong in gumbel_mistakes(logits, t, u):
                if np.array_equal(got, wrong) and not np.array_equal(wrong, want):
                    hint = kata.msg(f"mistake.{key}")
                    break
        elif t == 0:
            hint = kata.msg("hint.greedy")
        raise CheckFailed(Msg("values-differ", what=what, got=fmt(got), want=fmt(want)), hint, tried=what,
                          got=fmt(got), expected=fmt(want))
    what = M("distribution-call", fn=GUMBEL, draws=DRAWS, logits=fmt(SPREAD[0]),
               temperature=f"{SPREAD[1]:g}")
    expect_ok(results[-1], what, kata.msg("hint.gumbel"))
    got = expect_array(results[-1], what, shape=(DRAWS,))
    judge_distribution(kata, np.asarray(got).astype(np.int64), SPREAD[0], SPREAD[1], GUMBEL, gap)


# ---------------------------------------------------------------- the kata


KATA = Kata(
    id=ID,
    function="temperature_sample",
    args=(Arg("logits", normal(2.0)), Arg("temperature", temperature_arg), Arg("u", uniforms, cast=False)),
    reference=sample,
    folder=Path(__file__).parent,
    topic="softmax",
    difficulty=3,
    time_limit=20,
    order=90,
    result=Indices(explain=explain, allowed=near_boundary),
    basic=(kw(np.zeros((4, 4)), 1.0, [0.1, 0.3, 0.6, 0.9]),
           kw(np.array([[1.0, 2.0, 3.0]] * 5), 1.0, [0.05, 0.1, 0.3, 0.7, 0.95]),
           kw(np.array([[1.0, 2.0, 3.0]] * 5), 0.25, [0.01, 0.02, 0.05, 0.5, 0.99]),
           kw(np.array([[0.5, NEG, 2.0, -1.0]] * 3), 2.0, [0.2, 0.5, 0.97]),
           lambda rng: kw(rng.normal(0, 2, size=(12, 7)), 0.7, rng.random(12))),
    basic_shapes=((5, 3), (10, 6), (20, 12)),
    own=(Cases("edges", (Group(edges, hint="hint.edges"),)),
         Cases("greedy", (Group(greedy, hint="hint.greedy", quiet="hint.greedy"),)),
         Cases("overflow", (Group(big, hint="hint.overflow", quiet="hint.overflow"),)),
         Check("distribution", distribution),
         Check("gumbel-max", gumbel_check)),
    shapes=((1, 2), (1, 6), (7, 2), (3, 5), (16, 10), (4, 1), (50, 3)),
    fortran_shape=(4, 3),
    dtype_shapes=((6, 4), (3, 7)),
    mutation_shapes=((5, 4), (3, 6)),
    mistakes=(
        Mistake("t-after-softmax", t_after_softmax, when=t_not_one, many=True),
        Mistake("off-by-one-left", lambda x, t, u: inverse_cdf(unnormalised(x, t), u, side="left"), when=drawn),
        Mistake("off-by-one-shift", shifted, when=drawn, many=True),
    ),
    hand_written=("choice", "multinomial", "categorical", "Categorical", "gumbel", "softmax", "logsumexp",
                  "sample_categorical"),
    examples=(Example((np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), 1.0, np.array([0.05, 0.9]))),
              Example((np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), 0.25, np.array([0.05, 0.9]))),
              Example((np.array([[-np.inf, 0.0, 0.0]]), 0.0, np.array([0.5])))),
)
