"""Kata `multilabel-predict`: ``predict_labels(logits, threshold=0.5)`` turns (N, C) logits
into an (N, C) boolean mask, class k on when sigmoid(logit) > threshold."""

from __future__ import annotations

import math

import numpy as np

from kata.exercises import _common as c
from kata.exercises.base import Example, Kata
from kata.exercises.sigmoid import reference as sigmoid
from kata.exercises.softmax import reference as softmax
from kata.grader.checks import Check, CheckContext, CheckFailed, Described, Text, describe, expect_array
from kata.grader.protocol import CallResult
from kata.grader.rng import InputRng
from kata.grader.static import hand_written_check

FN = "predict_labels"


def reference(logits: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """σ(logit) > threshold, strictly, each class on its own; σ in float64, stable."""
    return sigmoid(logits) > threshold


def _boundary(threshold: float) -> float:
    """The logit whose probability is exactly ``threshold``: log(t / (1 − t))."""
    return math.log(threshold) - math.log1p(-threshold)


CORE_HINT = (
    "multi-label means every class is its own yes/no question: apply the sigmoid to each logit "
    "and switch the class on when σ(logit) > threshold. Equivalently, since σ is increasing, "
    "compare the logit itself with log(t / (1 − t)), which needs no exp at all."
)
OVERFLOW_HINT = (
    "exp() overflows for arguments above ~709.78 in float64 (~88.72 in float32), so the naive "
    "1/(1 + exp(-x)) warns for x = -1000. Use a stable sigmoid (each branch on its own slice, or "
    "built from exp(-|x|)), or skip the sigmoid entirely: σ(x) > t exactly when x > log(t / (1 − t))."
)


# ---------------------------------------------------------------- judging masks


def _as_mask(res: CallResult, logits: np.ndarray, what: Text) -> np.ndarray:
    """The returned array as a boolean mask. 0/1 integers or floats are read as a mask here
    (the `dtype` check insists on bool); anything else is a mistake worth naming."""
    got = expect_array(res, what)
    if got.shape != logits.shape:
        if got.shape == logits.shape[:1]:
            hint = ("one value per row looks like an argmax: multi-label prediction makes one decision "
                    "per class, so the result has the shape of logits, (N, C).")
        else:
            hint = "one decision per logit: the result has the shape of logits, (N, C)."
        raise CheckFailed(f"{what} returned shape {got.shape}; expected {logits.shape}", hint)
    if got.dtype == np.bool_:
        return got
    if got.dtype.kind in "iuf" and np.all((got == 0) | (got == 1)):
        return got != 0
    if got.dtype.kind == "f" and np.all(np.isfinite(got)) and np.allclose(got, sigmoid(logits), atol=1e-6):
        raise CheckFailed(
            f"{what} returned the probabilities σ(logits) ({c.fmt(got)})",
            "the kata asks for the decisions: a boolean mask, True where σ(logit) > threshold.",
        )
    raise CheckFailed(
        f"{what} returned {got.dtype} values other than 0 and 1 ({c.fmt(got)})",
        "return a boolean mask: the comparison sigmoid(logits) > threshold is already one.",
    )


def _explain(got: np.ndarray, logits: np.ndarray, threshold: float) -> str | None:
    """Which classic mistake produces exactly ``got``, if any."""
    x = logits.astype(np.float64)
    p = sigmoid(x)
    onehot = np.zeros(x.shape, dtype=bool)
    np.put_along_axis(onehot, np.argmax(x, axis=-1)[:, None], True, axis=-1)
    candidates = [
        (p >= threshold, "a class exactly at the threshold must be OFF: the rule is σ(logit) > threshold, "
         "strictly (>, not >=). Here σ(0) = 0.5 is not above 0.5."),
        (x > threshold, "you compared the raw logits with the threshold, but the threshold is a "
         "probability: compare σ(logit) > threshold, or the logit with log(t / (1 − t))."),
        (p > 0.5, f"the threshold argument ({threshold:g}) was ignored: this is the default 0.5."),
        (x > _boundary(1 - threshold), "this is σ(logit) > 1 − threshold: the log-odds of the threshold "
         "are log(t / (1 − t)), not log((1 − t) / t)."),
        (onehot, "exactly one class per row is multi-CLASS thinking (an argmax, or a softmax that one "
         "large logit dominates). In multi-label prediction each class is decided on its own, with its "
         "own sigmoid: a row can have no label, or several."),
        (softmax(x) > threshold, "softmax makes the classes compete for one unit of probability, so two "
         "confident classes both drop below 0.5. Multi-label uses an independent sigmoid per class."),
        (p < threshold, "the comparison is reversed: a class is ON when its probability is ABOVE the threshold."),
    ]
    for candidate, explanation in candidates:
        if np.array_equal(got, candidate):
            return explanation
    return None


def _compare(got: np.ndarray, logits: np.ndarray, threshold: float, what: Text, hint: str = CORE_HINT) -> None:
    want = reference(logits, threshold)
    if np.array_equal(got, want):
        return
    i, j = (int(v) for v in np.argwhere(got != want)[0])
    logit = float(logits[i, j])
    message = (
        f"{what}\n  got      {c.fmt(got)}\n  expected {c.fmt(want)}\n"
        f"  first difference at [{i}, {j}]: logit {logit:.9g}, σ(logit) = {float(sigmoid(np.array(logit))):.9g}, "
        f"threshold {threshold:g}: expected {bool(want[i, j])}, got {bool(got[i, j])}"
    )
    raise CheckFailed(message, _explain(got, logits, threshold) or hint)


# ---------------------------------------------------------------- inputs and calls


def _away(x: np.ndarray, threshold: float, gap: float = 0.05) -> np.ndarray:
    """Move logits within ``gap`` of the decision boundary out to ±gap, so that every correct
    way of deciding (probabilities or log-odds, float32 or float64) agrees."""
    b = _boundary(threshold)
    d = x - b
    return np.where(np.abs(d) < gap, b + np.where(d >= 0, gap, -gap), x)


def _logits(rng: InputRng, shape, threshold: float = 0.5, scale: float = 3.0, dtype=np.float64):
    return _away(rng.normal(0, scale, size=shape), threshold).astype(dtype)


def _probe(threshold: float) -> np.ndarray:
    """A row that tells the classic mistakes apart for this threshold: values on both sides of
    the right boundary log(t / (1 − t)) and of the wrong ones (0, t itself, −log(t / (1 − t))),
    between 0 and t, and tied large logits, which an argmax splits but a softmax does not."""
    b = _boundary(threshold)
    row = [b - 1.0, b + 1.0, abs(b) + 1.0, abs(b) + 1.0, threshold / 2, 2.0, 2.0, 1.5, 1.5]
    for edge in (b, 0.0, threshold, -b):
        row += [edge - 0.1, edge + 0.1]
    return _away(np.array([row]), threshold)


def _calls(cases: list[tuple[np.ndarray, float | None, str]]):
    """(logits, threshold, how): how is "default" (no threshold), "keyword" or "positional"."""
    calls = []
    for logits, t, how in cases:
        if how == "default":
            calls.append(c.call(logits))
        elif how == "keyword":
            calls.append(c.call(logits, threshold=t))
        else:
            calls.append(c.call(logits, t))
    return calls


def _describe_call(logits: np.ndarray, t: float | None, how: str) -> Described:
    what = describe(FN, logits=logits)
    if how == "keyword":
        return what.called_as(f"{FN}(logits, threshold={t!r})")
    if how == "positional":
        return what.called_as(f"{FN}(logits, {t!r})")
    return what


def _judge(ctx: CheckContext, cases, *, hint: str = CORE_HINT, quiet: bool = False) -> None:
    results = ctx.call_many(_calls(cases))
    for (logits, t, how), res in zip(cases, results, strict=True):
        threshold = 0.5 if t is None else t
        what = _describe_call(logits, t, how)
        if not res.ok and res.exc_type == "TypeError" and "threshold" in res.exc_msg:
            raise CheckFailed(
                f"{what} raised TypeError: {res.exc_msg}",
                "the signature is predict_labels(logits, threshold=0.5): callers pass the threshold "
                "by keyword (threshold=0.3) or by position, so keep that exact parameter name.",
            )
        got = _as_mask(res, logits, what)
        _compare(got, logits, threshold, what, hint)
        if quiet:
            c.expect_quiet(res, what, hint)


# ---------------------------------------------------------------- checks


def check_basic(ctx: CheckContext) -> None:
    rng = ctx.rng
    fixed = np.array([[2.0, -1.0, 0.25], [-0.2, 0.0, 5.0], [2.0, 2.0, -1.0], [-3.0, -0.5, -2.0]])
    cases = [
        (fixed, None, "default"),
        (fixed.astype(np.float32), None, "default"),
        (_probe(0.5), None, "default"),
    ]
    cases += [(_logits(rng, s), None, "default") for s in ((5, 3), (8, 4), (1, 6))]
    _judge(ctx, cases)


def check_threshold(ctx: CheckContext) -> None:
    rng = ctx.rng
    plan = [(0.3, "keyword"), (0.9, "keyword"), (0.05, "positional"), (0.7, "positional"), (0.999, "keyword"),
            (0.5, "keyword")]
    cases = []
    for t, how in plan:
        cases.append((_probe(t), t, how))
        cases.append((_logits(rng, (4, 5), t, scale=4.0), t, how))
    cases.append((_logits(rng, (3, 4), 0.2, dtype=np.float32), 0.2, "keyword"))
    _judge(
        ctx,
        cases,
        hint=CORE_HINT + " The threshold is the second parameter, `threshold`, and may be passed by "
        "position or by keyword.",
    )


def check_overflow(ctx: CheckContext) -> None:
    rng = ctx.rng
    extreme = np.array([[1e4, -1e4, 1000.0, -1000.0], [800.0, -800.0, 710.0, -710.0], [0.5, -0.5, 745.0, -745.0]])
    cases = [
        (extreme, None, "default"),
        (extreme, 0.9, "keyword"),
        (_away(rng.uniform(-1e4, 1e4, size=(4, 5)), 0.3), 0.3, "keyword"),
        (np.array([[100.0, -100.0, 89.0, -89.0, 88.8, -88.8]], dtype=np.float32), None, "default"),
        (_away(rng.uniform(-1e4, 1e4, size=(3, 4)), 0.7).astype(np.float32), 0.7, "positional"),
    ]
    _judge(ctx, cases, hint=OVERFLOW_HINT, quiet=True)


def check_shape(ctx: CheckContext) -> None:
    rng = ctx.rng
    shapes = [(1, 1), (1, 5), (6, 1), (4, 3), (32, 10)]
    _judge(ctx, [(_logits(rng, s), None, "default") for s in shapes])
    logits = _logits(rng, (5, 3))
    res = ctx.call_many([c.call(logits, fortran=True)])[0]
    what = describe(FN, logits=logits) + " in Fortran order"
    _compare(_as_mask(res, logits, what), logits, 0.5, what)


def check_dtype(ctx: CheckContext) -> None:
    """The type of the answer only: the decisions themselves are judged by the other checks."""
    rng = ctx.rng
    cases = [_logits(rng, (4, 3), dtype=np.float32), _logits(rng, (3, 5)), _logits(rng, (1, 1))]
    results = ctx.call_many([c.call(x) for x in cases])
    for logits, res in zip(cases, results, strict=True):
        what = describe(FN, logits=logits)
        got = expect_array(res, what)
        if got.shape != logits.shape:
            _as_mask(res, logits, what)  # names the shape mistake
        if got.dtype != np.bool_:
            raise CheckFailed(
                f"{what} returned dtype {got.dtype}; expected a boolean mask (dtype bool)",
                "return the comparison itself, e.g. probs > threshold, which is already a bool array. "
                "0/1 integers or floats (.astype(int), np.where(..., 1, 0)) are not a mask: "
                "y[mask] would select rows 0 and 1 instead of filtering.",
            )


def check_no_mutation(ctx: CheckContext) -> None:
    rng = ctx.rng
    c.check_inputs_unchanged(ctx, FN, ("logits",), [
        (_logits(rng, (3, 4)),),
        (_logits(rng, (2, 5), dtype=np.float32),),
        (_away(rng.uniform(-1e3, 1e3, size=(2, 3)), 0.5),),
    ])


KATA = Kata(
    id="multilabel-predict",
    function=FN,
    params=("logits", "threshold=0.5"),
    difficulty=2,
    time_limit=10,
    reference=reference,
    checks=(
        Check("basic", check_basic),
        Check("threshold", check_threshold),
        Check("overflow", check_overflow),
        Check("shape", check_shape),
        Check("dtype", check_dtype),
        Check("no-mutation", check_no_mutation),
        hand_written_check(("expit", "sigmoid", "logistic", "softmax")),
    ),
    examples=(
        Example((np.array([[2.0, -1.0, 0.25], [-0.2, 0.0, 5.0]]),)),
        Example((np.array([[2.0, -1.0, 0.25], [-0.2, 0.0, 5.0]]),), {"threshold": 0.3}),
        Example((np.array([[1000.0, -1000.0], [3.0, 2.0]]),), {"threshold": 0.9}),
    ),
    order=80,
    exact=True,
)
