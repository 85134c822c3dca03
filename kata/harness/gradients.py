"""How a kata's derivative is checked (``contract.Kata.gradient``).

- ``Jacobian``: the submitted function's own derivative, by central differences of
  calls to it, against the analytic Jacobian. For a function of each row on its own
  (``rows=True``), an output that moves with another row's input is named as such: a
  max or a sum over the whole batch.
- ``VJP``: a backward pass ``fn(dy, y)`` with ``y = forward(x)``, against the numerical
  gradient of L = Σ dy·forward(x), with the grader's own forward.
- ``LossGradient``: a ``(loss, grad)`` function whose grad is the derivative of its own
  loss (central differences of the returned loss) and equals the formula.
- ``ForwardBackward``: a function returning its forward output and gradients together
  (an ``Arrays`` result), each gradient the derivative of its own forward output and
  equal to the formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from kata.harness.calls import Call
from kata.harness.checks import Check, CheckContext, CheckFailed, Lazy, expect_array, expect_close, expect_value
from kata.harness.compare import close_mask, fmt
from kata.harness.messages import Msg, render

if TYPE_CHECKING:
    from kata.harness.contract import Kata

# gradcheck-style tolerance for finite differences: |analytic - numeric| <= atol + rtol*|numeric|
ATOL = 1e-5
RTOL = 1e-3
EPS = 1e-6

Shapes = tuple[tuple[int, ...], ...]


def _steps(x: np.ndarray, eps: float) -> list[np.ndarray]:
    steps = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        steps.append(step.reshape(x.shape))
    return steps


def numerical_jacobian(ctx: CheckContext, x: np.ndarray, *, extra: tuple[Any, ...] = (), eps: float = EPS,
                       out_size: int | None = None) -> np.ndarray:
    """d f(x).ravel() / d x.ravel() by central differences of the SUBMITTED function.
    ``out_size``: how many values f(x) has; every answer is held to it (and to the first
    answer's shape) before anything is converted, so a wrong answer is a failed check
    with its shape named, never a large allocation here."""
    calls = []
    for step in _steps(x, eps):
        calls += [Call(args=(x + step, *extra), max_size=out_size), Call(args=(x - step, *extra), max_size=out_size)]
    results = ctx.call_many(calls)
    point = x.copy()
    what = Lazy(lambda lang: render(Msg("near-point", fn=ctx.function, x=fmt(point)), lang))
    shape: tuple[int, ...] | None = None
    answers = []
    for res in results:
        returned = expect_value(res, what)
        if returned.kind == "oversize":
            raise CheckFailed(Msg("answer-too-large", what=what, got=returned.shape, size=math.prod(returned.shape),
                                  want=out_size), Msg("hint-answer-size"), tried=what)
        got = expect_array(res, what, value=returned)
        if shape is None:
            shape = got.shape
        held_to_size(got, shape, out_size, what)
        answers.append(got)
    columns = []
    for k in range(x.size):
        fp, fm = answers[2 * k], answers[2 * k + 1]
        columns.append((fp.astype(np.float64) - fm.astype(np.float64)).ravel() / (2 * eps))
    return np.stack(columns, axis=1)


def held_to_size(got: np.ndarray, shape: tuple[int, ...], out_size: int | None, what: Any) -> None:
    """An answer near a point is as large as ``out_size`` says and shaped like the first
    one, with real values: else a failed check that names its shape, before any
    arithmetic on it (which would fail, or cost memory, in the grader)."""
    if got.shape != shape or (out_size is not None and got.size != out_size):
        raise CheckFailed(Msg("gradient-answer-size", what=what, got=got.shape, want=out_size or int(np.prod(shape))),
                          Msg("hint-answer-size"), tried=what)
    if got.dtype.kind not in "biuf":
        raise CheckFailed(Msg("gradient-answer-dtype", what=what, got=str(got.dtype)), tried=what)


def row_blocks(shape: tuple[int, ...]) -> np.ndarray:
    """Which entries of a Jacobian over flattened indices stay inside one row."""
    n = shape[-1] if shape else 1
    rows = np.arange(int(np.prod(shape))) // max(n, 1)
    return rows[:, None] == rows[None, :]


@dataclass(frozen=True)
class Jacobian:
    """``analytic(x)``: the Jacobian over flattened indices; ``formula``: its key in the
    kata's messages; ``hint``: the key of the hint."""

    analytic: Callable[[np.ndarray], np.ndarray]
    formula: str
    hint: str
    points: Shapes = ((3,), (4,), (6,), (2, 4))
    scale: float = 1.5
    rows: bool = True  # each row of the input is computed on its own

    def check(self, kata: Kata) -> Check:
        def run(ctx: CheckContext) -> None:
            for shape in self.points:
                x = ctx.rng.normal(0, self.scale, size=shape)
                analytic = self.analytic(x)
                numeric = numerical_jacobian(ctx, x, out_size=int(analytic.shape[0]))
                what = Lazy(lambda lang, x=x: render(Msg("jacobian-at", fn=kata.function, x=fmt(x)), lang))
                if numeric.shape != analytic.shape:
                    raise CheckFailed(Msg("jacobian-shape", what=what, got=numeric.shape, want=analytic.shape),
                                      kata.msg(self.hint), tried=what)
                ok = close_mask(analytic, numeric, ATOL, RTOL)
                if np.all(ok):
                    continue
                i, j = (int(v) for v in np.argwhere(~ok)[0])
                hint: Any = kata.msg(self.hint)
                outside = ~row_blocks(x.shape)
                if self.rows and x.ndim >= 2 and np.any(np.abs(numeric[outside]) > ATOL):
                    i, j = (int(v) for v in np.argwhere(outside & (np.abs(numeric) > ATOL))[0])
                    n = x.shape[-1]
                    hint = Msg("hint-rows-coupled", out_row=i // n, in_row=j // n)
                raise CheckFailed(
                    Msg("jacobian-differs", what=what, formula=kata.msg(self.formula), i=i, j=j,
                        numeric=f"{numeric[i, j]:.6g}", analytic=f"{analytic[i, j]:.6g}", eps=f"{EPS:g}",
                        atol=f"{ATOL:g}", rtol=f"{RTOL:g}"),
                    hint, tried=what, got=fmt(numeric), expected=fmt(analytic), mismatch=(i, j))

        return Check("gradient", run)


def numerical_vjp(forward: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dy: np.ndarray,
                  eps: float = EPS) -> np.ndarray:
    """∂/∂x of L = Σ dy·forward(x), by central differences of the grader's own ``forward``."""
    numeric = np.zeros(x.size)
    for k, step in enumerate(_steps(x, eps)):
        numeric[k] = (np.sum(dy * forward(x + step)) - np.sum(dy * forward(x - step))) / (2 * eps)
    return numeric.reshape(x.shape)


@dataclass(frozen=True)
class VJP:
    """A backward pass of ``forward`` (named ``name`` in messages): ``fn(dy, y)`` with the
    forward OUTPUT ``y = forward(x)`` (``takes="output"``, as sigmoid's and softmax's
    backward passes are usually written), or ``fn(dy, x)`` with its input
    (``takes="input"``: ReLU, tanh, GELU written from x)."""

    forward: Callable[[np.ndarray], np.ndarray]
    name: str
    hint: str
    points: Shapes = ((4,), (6,), (2, 4), (3, 3))
    scale: float = 1.5
    takes: str = "output"

    def __post_init__(self) -> None:
        if self.takes not in ("output", "input"):
            raise ValueError(f"VJP(takes={self.takes!r}): takes is \"output\" (fn(dy, forward(x))) or \"input\" (fn(dy, x))")

    def second(self, x: np.ndarray) -> np.ndarray:
        """What the backward pass gets beside dy."""
        return self.forward(x) if self.takes == "output" else x

    def check(self, kata: Kata) -> Check:
        def run(ctx: CheckContext) -> None:
            cases = []
            for shape in self.points:
                x = ctx.rng.normal(0, self.scale, size=shape)
                dy = ctx.rng.normal(0, 1, size=shape)
                cases.append((x, dy, numerical_vjp(self.forward, x, dy)))
            results = ctx.call_many([Call(args=(dy, self.second(x)), max_size=x.size) for x, dy, _ in cases])
            for (x, dy, numeric), res in zip(cases, results, strict=True):
                what = Lazy(lambda lang, x=x, dy=dy: render(
                    Msg("backward-at" if self.takes == "output" else "backward-at-input", fn=kata.function,
                        forward=self.name, x=fmt(x), dy=fmt(dy)), lang))
                got = expect_array(res, what, shape=x.shape)
                from kata.harness.contract import Case

                kata.wrong_answer(got, Case((dy, self.second(x))), what)
                against = Msg("against-numerical-vjp", what=what, forward=self.name, eps=f"{EPS:g}")
                expect_close(got, numeric, against, tolerance=(ATOL, RTOL), hint=kata.msg(self.hint))

        return Check("gradient", run)


@dataclass(frozen=True)
class LossGradient:
    """The returned gradient of a ``(loss, grad)`` function is the derivative of its
    returned loss, and equals ``formula`` (a key of the kata's messages)."""

    formula: str
    hint: str
    draw: Callable[[Any], list[tuple[np.ndarray, np.ndarray]]] = field(default=lambda rng: [])

    def check(self, kata: Kata) -> Check:
        def run(ctx: CheckContext) -> None:
            cases = self.draw(ctx.rng)
            calls = []
            for x, other in cases:
                calls.append(Call(args=(x, other), max_size=x.size))
                for step in _steps(x, EPS):
                    calls += [Call(args=(x + step, other), max_size=x.size), Call(args=(x - step, other), max_size=x.size)]
            results = iter(ctx.call_many(calls))
            from kata.harness.contract import Case

            for x, other in cases:
                case = Case((x, other))
                what = kata.describe(case)
                _, grad = kata.result.accept(kata, next(results), what, case)
                numeric = np.empty(x.size)
                for k in range(x.size):
                    plus, _ = kata.result.accept(kata, next(results), what, case)
                    minus, _ = kata.result.accept(kata, next(results), what, case)
                    numeric[k] = (float(plus) - float(minus)) / (2 * EPS)
                numeric = numeric.reshape(x.shape)
                grad = grad.astype(np.float64)
                want = np.asarray(kata.reference(x, other)[1], dtype=np.float64)
                own = close_mask(grad, numeric, ATOL, RTOL)
                if not np.all(own):
                    idx = tuple(int(i) for i in np.argwhere(~own)[0])
                    if np.all(close_mask(grad, want, ATOL, RTOL)):
                        verdict = Msg("verdict-loss-off")
                    elif np.all(close_mask(numeric, want, ATOL, RTOL)):
                        verdict = Msg("verdict-grad-off")
                    else:
                        verdict = Msg("verdict-neither", formula=kata.msg(self.formula))
                    raise CheckFailed(
                        Msg("grad-not-derivative", what=what, eps=f"{EPS:g}", returned=fmt(grad), numeric=fmt(numeric),
                            index=list(idx), got=f"{grad[idx]:.6g}", num=f"{numeric[idx]:.6g}", verdict=verdict),
                        kata.msg(self.hint), tried=what, got=fmt(grad), expected=fmt(numeric), mismatch=idx)
                expect_close(grad, want, Msg("grad-against", what=what, formula=kata.msg(self.formula)),
                             hint=kata.msg(self.hint))

        return Check("gradient", run)


@dataclass(frozen=True)
class ForwardBackward:
    """A function that returns its forward output together with the gradients of
    L = Σ dy·output with respect to some of its arguments, as one tuple (an ``Arrays``
    result; a layer norm's ``(y, dx, dgamma, dbeta)`` given ``dy``). ``output`` names the
    forward item, ``upstream`` the argument holding dy, and ``wrt`` pairs each gradient
    item with its argument (``(("dx", "x"), ("dgamma", "gamma"))``).

    At each case of ``draw(rng)`` (keep them small: two calls per element of every
    argument in ``wrt``) the check takes central differences of the submitted function's
    OWN forward output. Each returned gradient must be the derivative of the forward it
    returned; if not, the message says, by the reference, whether the forward or the
    gradient is off. Then each must equal the reference's. ``formula``: the key of the
    gradients' formula in the kata's messages; ``hint``: the key of the hint."""

    output: str
    upstream: str
    wrt: tuple[tuple[str, str], ...]
    formula: str
    hint: str
    draw: Callable[[Any], list[Any]] = field(default=lambda rng: [])

    def check(self, kata: Kata) -> Check:
        from kata.harness.contract import Case
        from kata.harness.results import Arrays

        if not isinstance(kata.result, Arrays):
            raise ValueError(f"kata {kata.id}: ForwardBackward needs an Arrays result")
        result = kata.result
        names = [a.name for a in kata.args]

        def moved(case: Case, arg: str, step: np.ndarray) -> Case:
            i = names.index(arg)
            if i < len(case.args):
                args = list(case.args)
                args[i] = np.asarray(args[i], dtype=np.float64) + step
                return Case(tuple(args), dict(case.kwargs))
            return Case(case.args, {**case.kwargs, arg: np.asarray(case.kwargs[arg], dtype=np.float64) + step})

        def run(ctx: CheckContext) -> None:
            cases = list(self.draw(ctx.rng))
            out = result.index(self.output)
            calls = []
            for case in cases:
                calls.append(case.call())
                for _, arg in self.wrt:
                    for step in _steps(np.asarray(kata.named(case)[arg]), EPS):
                        calls += [moved(case, arg, step).call(), moved(case, arg, -step).call()]
            results = iter(ctx.call_many(calls))
            for case in cases:
                what = kata.describe(case)
                got = result.accept(kata, next(results), what, case)
                dy = np.asarray(kata.named(case)[self.upstream], dtype=np.float64)
                numeric = {}
                for name, arg in self.wrt:
                    x = np.asarray(kata.named(case)[arg])
                    values = np.empty(x.size)
                    for k in range(x.size):
                        plus = result.accept(kata, next(results), what, case)[out]
                        minus = result.accept(kata, next(results), what, case)[out]
                        diff = plus.astype(np.float64) - minus.astype(np.float64)
                        values[k] = float(np.sum(dy * diff)) / (2 * EPS)
                    numeric[name] = values.reshape(x.shape)
                want = kata.expected(case)
                for name, _ in self.wrt:
                    self._judge(kata, what, name, got[result.index(name)].astype(np.float64), numeric[name],
                                np.asarray(want[result.index(name)], dtype=np.float64))

        return Check("gradient", run)

    def _judge(self, kata: Kata, what: Any, name: str, grad: np.ndarray, numeric: np.ndarray,
               want: np.ndarray) -> None:
        own = close_mask(grad, numeric, ATOL, RTOL)
        if not np.all(own):
            idx = tuple(int(i) for i in np.argwhere(~own)[0])
            if np.all(close_mask(grad, want, ATOL, RTOL)):
                verdict = Msg("verdict-forward-off", name=name, output=self.output)
            elif np.all(close_mask(numeric, want, ATOL, RTOL)):
                verdict = Msg("verdict-backward-off", name=name, output=self.output)
            else:
                verdict = Msg("verdict-neither", formula=kata.msg(self.formula))
            raise CheckFailed(
                Msg("backward-not-derivative", what=what, name=name, output=self.output, dy=self.upstream,
                    eps=f"{EPS:g}", returned=fmt(grad), numeric=fmt(numeric), index=list(idx),
                    got=f"{grad[idx]:.6g}", num=f"{numeric[idx]:.6g}", verdict=verdict),
                kata.msg(self.hint), tried=what, got=fmt(grad), expected=fmt(numeric), mismatch=idx)
        expect_close(grad, want, Msg("backward-against", what=what, name=name, formula=kata.msg(self.formula)),
                     tolerance=(ATOL, RTOL), hint=kata.msg(self.hint))
