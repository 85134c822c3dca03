"""What a kata's function returns, and how an answer of that kind is judged.

Each kind has ``accept`` (the answer has the right form: an ndarray of the right shape,
a ``(loss, grad)`` tuple...; else a failure that names the mistake), ``compare`` (the
values, after the kata's classic mistakes and diagnoses have had their say), and
``dtype_of`` (the dtype the answer must have, for the dtype check).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from kata.harness.checks import (
    CheckFailed,
    describe_returned,
    expect_array,
    expect_close,
    expect_value,
    mismatch,
    shape_hint,
)
from kata.harness.compare import all_close, close_mask, fmt, tolerance_for
from kata.harness.messages import Msg

if TYPE_CHECKING:
    from kata.harness.calls import CallResult, Returned
    from kata.harness.checks import CheckContext
    from kata.harness.contract import Case, Kata


def _arg(kata: Kata, case: Case, name: str) -> Any:
    for spec, value in zip(kata.args, case.args, strict=False):
        if spec.name == name:
            return value
    return case.kwargs.get(name)


@dataclass(frozen=True)
class Like:
    """An array shaped like the argument ``arg`` (or ``shape(*args)``), in its dtype."""

    arg: str = "x"
    shape: Callable[..., tuple[int, ...]] | None = None
    shape_hints: Callable[[tuple[int, ...], Case], Any] | None = None
    dtype_values = True  # the dtype check also judges the values, to that dtype's precision

    def dtype_failure(self, what: Any, have: np.dtype, want: np.dtype) -> Msg:
        return Msg("dtype-not-kept", what=what, got=str(have), want=str(want))

    def shape_of(self, kata: Kata, case: Case) -> tuple[int, ...]:
        if self.shape is not None:
            return tuple(self.shape(*case.args, **case.kwargs))
        return tuple(np.shape(_arg(kata, case, self.arg)))

    def dtype_of(self, kata: Kata, case: Case) -> np.dtype:
        return np.asarray(_arg(kata, case, self.arg)).dtype

    def answer_dtype(self, got: np.ndarray) -> np.dtype:
        return got.dtype

    def returned(self, kata: Kata, res: CallResult, what: Any, case: Case) -> Any:
        """An answer of this kind, its shape aside (for checks about something else)."""
        return expect_array(res, what)

    def accept(self, kata: Kata, res: CallResult, what: Any, case: Case) -> np.ndarray:
        hints = (lambda got: self.shape_hints(got, case)) if self.shape_hints else None
        return expect_array(res, what, shape=self.shape_of(kata, case), shape_hints=hints)

    def compare(self, ctx: CheckContext, kata: Kata, got: np.ndarray, case: Case, what: Any, hint: Any,
                *, loose: bool = False) -> None:
        kata.wrong_answer(got, case, what)
        for diagnose in kata.diagnoses:
            diagnose(kata, got, case, what, loose)
        dtype = np.dtype(np.float32) if loose else self.dtype_of(kata, case)
        want = np.asarray(kata.expected(case), dtype=np.float64)
        expect_close(got, want, what, tol_dtype=dtype, tolerance=kata.tolerance_for(case, dtype), hint=hint)


@dataclass(frozen=True)
class Mask:
    """A boolean array shaped like ``arg``, compared exactly. 0/1 numbers are read as a
    mask (the dtype check insists on bool); ``probabilities(*args)``, if given, names
    the mistake of returning them instead of the decisions."""

    arg: str = "logits"
    shape_hints: Callable[[tuple[int, ...], Case], Any] | None = None
    probabilities: Callable[..., np.ndarray] | None = None
    explain: Callable[..., Any] | None = None  # (index, case, got, want) -> words about one difference
    dtype_values = False  # the dtype check is about the type of the answer only

    def dtype_failure(self, what: Any, have: np.dtype, want: np.dtype) -> Msg:
        return Msg("mask-dtype", what=what, got=str(have))

    def dtype_of(self, kata: Kata, case: Case) -> np.dtype:
        return np.dtype(np.bool_)

    def answer_dtype(self, got: np.ndarray) -> np.dtype:
        return got.dtype

    def returned(self, kata: Kata, res: CallResult, what: Any, case: Case) -> Any:
        return expect_array(res, what)

    def accept(self, kata: Kata, res: CallResult, what: Any, case: Case) -> np.ndarray:
        like = np.asarray(_arg(kata, case, self.arg))
        hints = (lambda got: self.shape_hints(got, case)) if self.shape_hints else None
        got = expect_array(res, what, shape=like.shape, shape_hints=hints)
        if got.dtype == np.bool_ or (got.dtype.kind in "iuf" and np.all((got == 0) | (got == 1))):
            return got  # as returned: the dtype check reads its dtype, compare its truth
        if (self.probabilities is not None and got.dtype.kind == "f" and np.all(np.isfinite(got))
                and np.allclose(got, self.probabilities(*case.args, **case.kwargs), atol=1e-6)):
            raise CheckFailed(Msg("mask-got-probabilities", what=what, got=fmt(got)), Msg("hint-mask-decisions"),
                              tried=what, got=fmt(got))
        raise CheckFailed(Msg("mask-not-boolean", what=what, dtype=str(got.dtype), got=fmt(got)),
                          Msg("hint-mask-boolean"), tried=what, got=fmt(got))

    def compare(self, ctx: CheckContext, kata: Kata, got: np.ndarray, case: Case, what: Any, hint: Any,
                *, loose: bool = False) -> None:
        got = got.astype(bool)
        want = np.asarray(kata.reference(*case.args, **case.kwargs))
        if np.array_equal(got, want):
            return
        hint = next((kata.msg(f"mistake.{m.key}") for m in kata.mistakes for w in m.candidates(case)
                     if np.array_equal(got, np.asarray(w))), hint)
        idx = tuple(int(v) for v in np.argwhere(got != want)[0])
        parts: list[Any] = [Msg("values-differ", what=what, got=fmt(got), want=fmt(want))]
        if self.explain is not None:
            parts += ["\n", self.explain(idx, case, got, want)]
        raise CheckFailed(_joined(parts), hint, tried=what, got=fmt(got), expected=fmt(want), mismatch=idx)


def _joined(parts: list[Any]) -> Any:
    from kata.harness.messages import Joined

    return Joined(tuple(parts))


def _is_number(value: Any) -> bool:
    arr = value.array
    return value.kind in ("scalar", "array") and arr is not None and arr.shape == () and arr.dtype.kind in "biuf"


def scaled_tolerance(x: np.ndarray, dtype: Any = None) -> tuple[float, float]:
    """The dtype's tolerance, plus 4·eps·max|x|. Log-space results (a loss, logsumexp − x,
    max(x, 0) − x·t) subtract numbers as large as the inputs, so they carry a rounding error
    of a few ulps of max|x| (about 1e-5 for float32 logits of 100), whatever the method."""
    dtype = np.dtype(dtype if dtype is not None else x.dtype)
    atol, rtol = tolerance_for(dtype)
    finite = np.abs(x[np.isfinite(x)]) if x.size else x
    scale = float(finite.max()) if finite.size else 0.0
    return max(atol, 4 * float(np.finfo(dtype).eps) * scale), rtol


@dataclass(frozen=True)
class LossAndGrad:
    """A tuple ``(loss, grad)``: the loss a real scalar, the gradient shaped like ``arg``.
    A kata's mistakes say which part they are about: their ``wrong`` returns a loss (a
    number) or a gradient (an array)."""

    arg: str = "logits"
    grad_name: str = "dlogits"
    loss_hint: str | None = None  # keys of the kata's messages: what to say when the loss
    grad_hint: str | None = None  # (or the gradient) is off and the check has no hint of its own
    dtype_values = True

    def dtype_failure(self, what: Any, have: np.dtype, want: np.dtype) -> Msg:
        return Msg("grad-dtype", what=what, grad=self.grad_name, got=str(have), want=str(want))

    def dtype_of(self, kata: Kata, case: Case) -> np.dtype:
        return np.asarray(_arg(kata, case, self.arg)).dtype

    def answer_dtype(self, got: tuple[np.ndarray, np.ndarray]) -> np.dtype:
        return got[1].dtype  # the gradient flows back into the model's weights; the loss may be any float

    def returned(self, kata: Kata, res: CallResult, what: Any, case: Case) -> Any:
        return self.accept(kata, res, what, case)

    def accept(self, kata: Kata, res: CallResult, what: Any, case: Case) -> tuple[np.ndarray, np.ndarray]:
        shape = tuple(np.shape(_arg(kata, case, self.arg)))
        value = expect_value(res, what)
        g = self.grad_name
        if value.kind != "tuple":
            arr = value.array
            if value.kind == "none":
                hint = Msg("hint-loss-return-none", grad=g)
            elif value.kind == "scalar" or (arr is not None and arr.shape == ()):
                hint = Msg("hint-loss-alone", grad=g)
            elif arr is not None and arr.shape == shape:
                hint = Msg("hint-grad-alone", grad=g)
            elif value.type_name == "list":
                hint = Msg("hint-loss-list", grad=g)
            else:
                hint = Msg("hint-loss-tuple", grad=g)
            raise CheckFailed(Msg("loss-not-tuple", what=what, returned=describe_returned(value), grad=g), hint,
                              tried=what, cause=("returned", value.kind, value.type_name))
        if len(value.items) != 2:
            raise CheckFailed(Msg("loss-tuple-length", what=what, n=len(value.items), grad=g),
                              Msg("hint-loss-two", grad=g), tried=what)
        loss, grad = value.items
        if _is_number(grad) and loss.kind == "array" and loss.array is not None and loss.array.shape == shape:
            raise CheckFailed(Msg("loss-swapped", what=what, shape=loss.array.shape, grad=g),
                              Msg("hint-loss-order", grad=g), tried=what)
        if not _is_number(loss):
            got_shape = loss.array.shape if loss.array is not None and loss.kind == "array" else None
            hint = Msg("hint-loss-shape-1" if got_shape == (1,) else
                       "hint-loss-per-element" if got_shape is not None else "hint-loss-number")
            raise CheckFailed(Msg("loss-not-scalar", what=what, loss=describe_returned(loss)), hint, tried=what)
        if grad.kind != "array" or grad.array is None:
            raise CheckFailed(Msg("grad-not-array", what=what, grad=g, returned=describe_returned(grad), shape=shape),
                              Msg("hint-grad-shape"), tried=what)
        if grad.array.shape != shape:
            raise CheckFailed(Msg("grad-wrong-shape", what=what, grad=g, got=grad.array.shape, want=shape),
                              Msg("hint-grad-shape"), tried=what)
        if grad.array.dtype.kind not in "biuf":
            raise CheckFailed(Msg("grad-not-real", what=what, grad=g, dtype=str(grad.array.dtype)), tried=what)
        assert loss.array is not None
        return loss.array, grad.array

    def compare(self, ctx: CheckContext, kata: Kata, got: Any, case: Case, what: Any, hint: Any,
                *, loose: bool = False) -> None:
        loss, grad = got
        x = np.asarray(_arg(kata, case, self.arg))
        want_loss, want_grad = kata.reference(*case.args, **case.kwargs)
        tol = kata.tolerance_for(case, np.float32 if loose else x.dtype) or scaled_tolerance(
            x, np.float32 if loose else x.dtype)
        got_loss = np.asarray(loss, dtype=np.float64)
        loss_ok = all_close(got_loss, np.asarray(want_loss, dtype=np.float64), *tol)
        grad_ok = grad.shape == np.shape(want_grad) and bool(np.all(close_mask(grad, np.asarray(want_grad), *tol)))
        if not (loss_ok and grad_ok):
            self._mistake(kata, loss, grad, case, what, loss_ok, grad_ok)
        parts = (("loss", got_loss, np.asarray(want_loss, dtype=np.float64), "loss"),
                 ("grad", grad, np.asarray(want_grad, dtype=np.float64), "grad"))
        for label, value, want, part in parts:
            if not all_close(value, want, *tol):
                named = Msg("the-loss" if label == "loss" else "the-grad", what=what, grad=self.grad_name)
                key = self.loss_hint if part == "loss" else self.grad_hint
                part_hint = hint if hint is not None else (kata.msg(key) if key else None)
                raise mismatch(value, want, named, part_hint, *tol) if value.shape == want.shape else CheckFailed(
                    Msg("wrong-shape", what=named, got=value.shape, want=want.shape), part_hint, tried=what)

    def _mistake(self, kata: Kata, loss: Any, grad: np.ndarray, case: Case, what: Any,
                 loss_ok: bool, grad_ok: bool) -> None:
        want_loss, want_grad = kata.reference(*case.args, **case.kwargs)
        for mistake, wrong in ((m, np.asarray(w, dtype=np.float64)) for m in kata.mistakes for w in m.candidates(case)):
            if wrong.ndim == 0:
                value, ok, want = np.asarray(loss, dtype=np.float64), loss_ok, np.asarray(want_loss)
            else:
                value, ok, want = np.asarray(grad, dtype=np.float64), grad_ok, np.asarray(want_grad)
            if wrong.shape == want.shape and all_close(wrong, want.astype(np.float64), 1e-7, 1e-4):
                continue  # the mistake gives the right answer here (a loss of 0 either way): it tells nothing
            if not ok and value.shape == wrong.shape and np.isfinite(value).all() and all_close(value, wrong, 1e-7, 1e-4):
                named = Msg("the-loss" if wrong.ndim == 0 else "the-grad", what=what, grad=self.grad_name)
                raise CheckFailed(Msg("values-differ", what=named, got=fmt(value), want=fmt(want)),
                                  kata.msg(f"mistake.{mistake.key}"), tried=what, got=fmt(value),
                                  expected=fmt(want), cause=("mistake", mistake.key))


@dataclass(frozen=True)
class Indices:
    """A 1-D array of integer indices (the boxes NMS keeps, say), compared exactly and in
    order; its length is the reference's. Any integer dtype is accepted, and the dtype
    check asks for an integer one whatever the inputs' float dtype. ``explain(case, got,
    want)``, if given, adds words about the first difference. ``allowed(case, got, want)``,
    if given, returns a boolean array, True where an index that differs from the
    reference's is right all the same (a sample whose uniform draw sat within rounding of
    a class boundary, an argmax within rounding of a tie): the answer then passes when
    every difference is allowed. Only for answers of the reference's length."""

    explain: Callable[..., Any] | None = None
    allowed: Callable[..., np.ndarray] | None = None
    dtype_values = False  # the dtype check is about the type of the answer only

    def dtype_failure(self, what: Any, have: np.dtype, want: np.dtype) -> Msg:
        return Msg("indices-dtype", what=what, got=str(have))

    def dtype_of(self, kata: Kata, case: Case) -> np.dtype:
        return np.dtype(np.int64)

    def answer_dtype(self, got: np.ndarray) -> np.dtype:
        return np.dtype(np.int64) if got.dtype.kind in "iu" else got.dtype

    def returned(self, kata: Kata, res: CallResult, what: Any, case: Case) -> Any:
        return expect_array(res, what)

    def accept(self, kata: Kata, res: CallResult, what: Any, case: Case) -> np.ndarray:
        got = expect_array(res, what)
        if got.ndim != 1:
            raise CheckFailed(Msg("indices-not-1d", what=what, shape=got.shape), tried=what,
                              cause=("indices-shape", got.ndim))
        if got.dtype.kind in "iu":
            return got
        if got.dtype.kind == "f" and np.all(np.isfinite(got)) and np.all(got == np.round(got)):
            return got  # whole numbers in floats: the dtype check says so, compare the values
        raise CheckFailed(Msg("indices-not-integer", what=what, dtype=str(got.dtype), got=fmt(got)), tried=what)

    def compare(self, ctx: CheckContext, kata: Kata, got: np.ndarray, case: Case, what: Any, hint: Any,
                *, loose: bool = False) -> None:
        want = np.asarray(kata.reference(*case.args, **case.kwargs)).astype(np.int64)
        got = got.astype(np.int64)
        if np.array_equal(got, want):
            return
        if self.allowed is not None and got.shape == want.shape:
            differs = got != want
            if np.all(np.asarray(self.allowed(case, got, want), dtype=bool)[differs]):
                return
        hint = next((kata.msg(f"mistake.{m.key}") for m in kata.mistakes for w in m.candidates(case)
                     if np.array_equal(got, np.asarray(w))), hint)
        parts: list[Any] = [Msg("values-differ", what=what, got=fmt(got), want=fmt(want))]
        if self.explain is not None:
            parts += ["\n", self.explain(case, got, want)]
        raise CheckFailed(_joined(parts), hint, tried=what, got=fmt(got), expected=fmt(want))


@dataclass(frozen=True)
class Arrays:
    """A tuple of several arrays (a forward output and its gradients, an output and the
    updated running statistics...), one item per ``parts`` entry ``(name, like)``, in
    order. ``like`` names the argument whose shape and dtype that item has (``("dx",
    "x")``), or is a function ``(*args, **kwargs) -> shape``, and the item then has the
    dtype of the argument ``dtype_arg``, or is ``None``: the item is one real number (a
    bias, a loss), accepted as a Python float, a numpy scalar or a 0-d array, of any
    real dtype (the dtype check asks the arrays only, as ``LossAndGrad`` asks its
    gradient only), compared to the precision of ``dtype_arg``'s dtype. The kata's
    reference returns the same tuple.

    A ``Mistake``'s ``wrong`` returns a tuple of the same length in which ``None`` means
    "this mistake says nothing about that item" (a wrong backward pass names only ``dx``):
    it is the diagnosis when every item it names matches the answer and one of them is
    off. ``hints``: a key of the kata's messages per item name, said when that item is
    off and the check has no hint of its own. ``tolerance(case, dtype)``: one ``(atol,
    rtol)`` per item (a sum over the batch rounds more than an elementwise output);
    without it each item gets the kata's ``tolerance`` or its dtype's. The dtype check
    asks every item for its own dtype and judges the values to that precision.

    ``integers``: the names of items that hold integers (cluster labels, indices),
    compared exactly. Any integer dtype is accepted, and the dtype check asks for one
    whatever the inputs' float dtype; whole numbers in a float array are compared (and
    the dtype check then says so), other values fail as not integers."""

    parts: tuple[tuple[str, str | Callable[..., tuple[int, ...]] | None], ...]
    dtype_arg: str = "x"
    hints: dict[str, str] = field(default_factory=dict)
    tolerance: Callable[[Case, np.dtype], Sequence[tuple[float, float]]] | None = None
    integers: tuple[str, ...] = ()
    dtype_values = True

    def __post_init__(self) -> None:
        if len(self.parts) < 2:
            raise ValueError("Arrays(parts=...): name at least two items (one array is Like)")
        for what, given in (("hints", set(self.hints)), ("integers", set(self.integers))):
            unknown = given - {name for name, _ in self.parts}
            if unknown:
                raise ValueError(f"Arrays({what}=...): {', '.join(sorted(unknown))} is not an item of parts")
        numbers = {name for name, like in self.parts if like is None} & set(self.integers)
        if numbers:
            raise ValueError(f"Arrays(integers=...): {', '.join(sorted(numbers))} is a number (like None), "
                             "not an array of integers")

    @property
    def names(self) -> str:
        return "(" + ", ".join(name for name, _ in self.parts) + ")"

    def index(self, name: str) -> int:
        """The position of the item ``name`` in the tuple."""
        return [n for n, _ in self.parts].index(name)

    def shapes(self, kata: Kata, case: Case) -> list[tuple[int, ...]]:
        return [() if like is None else tuple(like(*case.args, **case.kwargs)) if callable(like)
                else tuple(np.shape(_arg(kata, case, like))) for _, like in self.parts]

    def _dtypes(self, kata: Kata, case: Case) -> list[np.dtype]:
        """Each item's precision: its argument's dtype, or ``dtype_arg``'s."""
        return [np.asarray(_arg(kata, case, like if isinstance(like, str) else self.dtype_arg)).dtype
                for _, like in self.parts]

    def dtype_of(self, kata: Kata, case: Case) -> tuple[np.dtype | None, ...]:
        """The dtype each array must have; ``None`` for a number, which may have any, and
        int64 for an item of ``integers``, which may have any integer dtype."""
        return tuple(None if like is None else np.dtype(np.int64) if name in self.integers else dt
                     for (name, like), dt in zip(self.parts, self._dtypes(kata, case), strict=True))

    def answer_dtype(self, got: tuple[np.ndarray, ...]) -> tuple[np.dtype | None, ...]:
        return tuple(None if like is None else np.dtype(np.int64) if name in self.integers and item.dtype.kind in "iu"
                     else item.dtype for (name, like), item in zip(self.parts, got, strict=True))

    def dtype_failure(self, what: Any, have: tuple[np.dtype, ...], want: tuple[np.dtype, ...]) -> Msg:
        i = next(i for i, (h, w) in enumerate(zip(have, want, strict=True)) if h != w)
        if self.parts[i][0] in self.integers:
            return Msg("arrays-integer-dtype", what=what, name=self.parts[i][0], got=str(have[i]))
        return Msg("arrays-dtype", what=what, name=self.parts[i][0], got=str(have[i]), want=str(want[i]),
                   names=self.names)

    def returned(self, kata: Kata, res: CallResult, what: Any, case: Case) -> Any:
        return self.accept(kata, res, what, case)

    def accept(self, kata: Kata, res: CallResult, what: Any, case: Case) -> tuple[np.ndarray, ...]:
        value = expect_value(res, what)
        n = len(self.parts)
        if value.kind != "tuple":
            hint = Msg("hint-arrays-list" if value.type_name == "list" else "hint-arrays-tuple", n=n, names=self.names)
            raise CheckFailed(Msg("arrays-not-tuple", what=what, returned=describe_returned(value), n=n,
                                  names=self.names), hint, tried=what, cause=("returned", value.kind, value.type_name))
        if len(value.items) != n:
            raise CheckFailed(Msg("arrays-length", what=what, got=len(value.items), n=n, names=self.names),
                              Msg("hint-arrays-tuple", n=n, names=self.names), tried=what,
                              cause=("arrays-length", len(value.items)))
        shapes = self.shapes(kata, case)
        got = []
        for (name, like), item, shape in zip(self.parts, value.items, shapes, strict=True):
            if like is None:
                got.append(self._number(name, item, what))
                continue
            if item.kind != "array" or item.array is None:
                raise CheckFailed(Msg("arrays-item-not-array", what=what, name=name,
                                      returned=describe_returned(item), shape=shape),
                                  Msg("hint-arrays-tuple", n=n, names=self.names), tried=what,
                                  cause=("arrays-item", name, item.kind))
            if item.array.shape != shape:
                swapped = [other for (other, _), s in zip(self.parts, shapes, strict=True)
                           if other != name and s == item.array.shape and s != shape]
                hint = (Msg("hint-arrays-order", names=self.names) if swapped
                        else shape_hint(item.array.shape, shape))
                raise CheckFailed(Msg("arrays-item-shape", what=what, name=name, got=item.array.shape, want=shape),
                                  hint, tried=what, cause=("shape", name, item.array.shape, shape))
            if item.array.dtype.kind not in "biuf":
                raise CheckFailed(Msg("not-real", what=Msg("the-item", what=what, name=name),
                                      got=str(item.array.dtype)), tried=what)
            if name in self.integers and item.array.dtype.kind not in "iu" and not (
                    np.all(np.isfinite(item.array)) and np.all(item.array == np.round(item.array))):
                raise CheckFailed(Msg("arrays-item-not-integer", what=what, name=name, dtype=str(item.array.dtype),
                                      got=fmt(item.array)), tried=what, cause=("arrays-integer", name))
            got.append(item.array)
        return tuple(got)

    def _number(self, name: str, item: Returned, what: Any) -> np.ndarray:
        """An item that is one real number, as a 0-d array."""
        arr = item.array if item.kind in ("array", "scalar") else None
        if arr is None or arr.shape != () or arr.dtype.kind not in "biuf":
            shape = arr.shape if arr is not None and arr.dtype.kind in "biuf" else None
            hint = Msg("hint-arrays-number-shape", name=name, shape=shape) if shape else None
            raise CheckFailed(Msg("arrays-item-not-number", what=what, name=name, returned=describe_returned(item)),
                              hint, tried=what, cause=("arrays-number", name, item.kind, shape))
        return arr

    def tolerances(self, kata: Kata, case: Case, loose: bool) -> list[tuple[float, float]]:
        dtypes = [np.dtype(np.float32) if loose else dt for dt in self._dtypes(kata, case)]
        if self.tolerance is not None:
            own = [tuple(t) for t in self.tolerance(case, dtypes[0])]
            if len(own) != len(self.parts):
                raise ValueError(f"Arrays(tolerance=...) gave {len(own)} tolerances for {len(self.parts)} items")
            return [(0.0, 0.0) if name in self.integers else t  # type: ignore[misc]
                    for (name, _), t in zip(self.parts, own, strict=True)]
        return [(0.0, 0.0) if name in self.integers else kata.tolerance_for(case, dt) or tolerance_for(dt)
                for (name, _), dt in zip(self.parts, dtypes, strict=True)]

    def compare(self, ctx: CheckContext, kata: Kata, got: tuple[np.ndarray, ...], case: Case, what: Any, hint: Any,
                *, loose: bool = False) -> None:
        want = [np.asarray(w, dtype=np.int64 if name in self.integers else np.float64)
                for (name, _), w in zip(self.parts, kata.expected(case), strict=True)]
        tols = self.tolerances(kata, case, loose)
        ok = [bool(np.all(close_mask(g, w, *t))) for g, w, t in zip(got, want, tols, strict=True)]
        if all(ok):
            return
        for mistake in kata.mistakes:
            for wrong in mistake.candidates(case):
                named = [(i, np.asarray(w, dtype=np.float64)) for i, w in enumerate(wrong) if w is not None]
                if named and any(not ok[i] for i, _ in named) and all(
                        got[i].shape == w.shape and np.isfinite(got[i]).all() and all_close(got[i], w, 1e-7, 1e-4)
                        for i, w in named):
                    i = next(i for i, _ in named if not ok[i])
                    part = Msg("the-item", what=what, name=self.parts[i][0])
                    failed = mismatch(got[i], want[i], part, kata.msg(f"mistake.{mistake.key}"), *tols[i],
                                      exact=self.parts[i][0] in self.integers)
                    failed.cause = ("mistake", mistake.key)  # with the first difference: arrays shown cut short
                    raise failed
        i = ok.index(False)
        name = self.parts[i][0]
        key = self.hints.get(name)
        part_hint = hint if hint is not None else (kata.msg(key) if key else None)
        raise mismatch(got[i], want[i], Msg("the-item", what=what, name=name), part_hint, *tols[i],
                       exact=name in self.integers)
