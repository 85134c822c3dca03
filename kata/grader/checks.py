"""What a hidden check sees: a way to call the submission, and assertions that teach.

A check is a function ``run(ctx)`` that calls the submitted function through
``ctx.call``/``ctx.call_many`` (each a round trip to the child process), judges the raw
arrays that come back against values computed here, in the grader, and raises
``CheckFailed`` with a message that says what was tried, what went wrong and how to
fix it. Returning normally means the check passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from kata.grader.compare import close_mask, first_mismatch, fmt, tolerance_for
from kata.grader.protocol import Call, CallResult, Returned

if TYPE_CHECKING:
    from kata.grader.engine import Session
    from kata.grader.rng import InputRng


class CheckFailed(Exception):
    """The submission did something wrong. ``message`` says what; ``hint`` how to fix it;
    where a call was compared with the reference, ``tried`` is the call, ``got`` and
    ``expected`` the two results (as text) and ``mismatch`` the first differing index.
    ``str()`` is the message with its hint, as a terminal shows it."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        tried: object = None,
        got: str = "",
        expected: str = "",
        mismatch: tuple[int, ...] | None = None,
    ) -> None:
        self.message = str(message)
        self.hint = hint or ""
        self.tried = "" if tried is None else str(tried)
        self.got = got
        self.expected = expected
        self.mismatch = mismatch
        super().__init__(f"{self.message}\nHint: {self.hint}" if self.hint else self.message)


@dataclass(frozen=True)
class Check:
    id: str
    run: Callable[[CheckContext], None]
    needs_child: bool = True  # False for static checks that only read the source


class CheckContext:
    """Handed to each check: the random generator, the source, and the submission."""

    def __init__(self, session: Session, function: str, rng: InputRng, source: str) -> None:
        self._session = session
        self.function = function
        self.rng = rng
        self.source = source

    def call_many(self, calls: Sequence[Call]) -> list[CallResult]:
        return self._session.call(self.function, list(calls))

    def call(self, *args: Any, return_args: bool = False, fn: str | None = None, **kwargs: Any) -> CallResult:
        return self.call_many([Call(args=args, kwargs=kwargs, return_args=return_args, fn=fn)])[0]

    def loaded_modules(self) -> list[str] | None:
        """Top-level and first-level module names the child has imported, if it is alive."""
        return self._session.loaded_modules()


# ---------------------------------------------------------------- describing calls


SHOWN_VALUES = 12  # an input this small is shown by value in messages


def show_input(x: np.ndarray, limit: int = 120) -> str:
    if x.size <= SHOWN_VALUES:
        return f"{fmt(x, limit)} ({x.dtype})"
    return f"an array of shape {x.shape} ({x.dtype})"


class Lazy:
    """Message text made only when a message needs it: most calls pass, so arrays are
    formatted on first use, not up front. Behaves as a string in f-strings, ``str()``
    and ``+``."""

    __slots__ = ("_make", "_suffix", "_text")

    def __init__(self, make: Callable[[], str], suffix: str = "") -> None:
        self._make = make
        self._suffix = suffix
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = self._make() + self._suffix
        return self._text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __add__(self, other: str) -> Lazy:
        return Lazy(self._make, self._suffix + other)

    def __repr__(self) -> str:
        return repr(str(self))


class Described(Lazy):
    """``fn(x) with x = [...] (float64)``, rendered only when a message needs it."""

    __slots__ = ("_args", "_call")

    def __init__(self, call: str, args: dict[str, np.ndarray | str], suffix: str = "") -> None:
        super().__init__(self._render, suffix)
        self._call = call
        self._args = args

    def _render(self) -> str:
        shown = "; ".join(
            f"{name} = {value if isinstance(value, str) else show_input(value)}" for name, value in self._args.items()
        )
        return f"{self._call} with {shown}"

    def __add__(self, other: str) -> Described:
        return Described(self._call, self._args, self._suffix + other)

    def called_as(self, call: str) -> Described:
        """The same arguments, shown after another call expression (``f(x, 0.5)``)."""
        return Described(call, self._args, self._suffix)


# What a message may say a check tried: a string, or text made when it is needed.
Text = str | Lazy


def describe(fn: str, **args: np.ndarray) -> Described:
    # Small arrays are copied (a check may change its inputs after the call is
    # described); larger ones are only ever shown by shape and dtype.
    kept: dict[str, np.ndarray | str] = {}
    for name, value in args.items():
        value = np.asarray(value)
        kept[name] = np.array(value, copy=True) if value.size <= SHOWN_VALUES else show_input(value)
    return Described(f"{fn}({', '.join(args)})", kept)


_EXCEPTION_HINTS = {
    "NotImplementedError": "the starter raises NotImplementedError: replace it with your implementation.",
    "AxisError": "a 1-D input has only axis 0 (or -1): reduce over axis=-1 so any shape works.",
    "MemoryError": "your code allocated more memory than the limit allows.",
    "RecursionError": "your function recursed too deeply.",
    "SystemExit": "do not call sys.exit() or exit() in a kata function: return the result.",
}


def shape_hint(got: tuple[int, ...], want: tuple[int, ...]) -> str:
    """Say what kind of shape mistake it is, without assuming what the kata computes."""
    if len(got) < len(want):
        return (f"an axis went missing ({len(want)} expected, {len(got)} returned): a reduction "
                "without keepdims=True, an np.squeeze, or indexing that dropped a dimension.")
    if len(got) > len(want):
        return (f"an extra axis appeared ({len(want)} expected, {len(got)} returned): a keepdims=True "
                "or np.newaxis where the contract has none, or broadcasting two shapes that do not match.")
    if sorted(got) == sorted(want):
        return "the axes are in the wrong order: check for a transpose or a reduction over the wrong axis."
    if int(np.prod(got)) == int(np.prod(want)):
        return "the right number of values in the wrong shape: reshape(-1)/flatten or a reshape with the wrong order."
    return "the result must follow the contract's shape for every batch size and ndim, not only for 1-D inputs."


def expect_ok(res: CallResult, what: Text) -> None:
    if res.ok:
        return
    message = f"{what} raised {res.exc_type}: {res.exc_msg}".rstrip(": ")
    hint = _EXCEPTION_HINTS.get(res.exc_type)
    if res.exc_type == "ValueError" and "broadcast" in res.exc_msg:
        hint = (
            "two arrays' shapes did not line up. A common cause: reducing a batch over an axis "
            "without keepdims=True, so the result no longer broadcasts back against each row."
        )
    if res.traceback.strip():
        message += "\n" + res.traceback.rstrip()
    if res.exc_type == "MemoryError":
        raise MemoryLimit(message)
    raise CheckFailed(message, hint)


class MemoryLimit(Exception):
    """The submission ran out of memory inside a call (reported as status ``memory``)."""


def expect_value(res: CallResult, what: Text) -> Returned:
    expect_ok(res, what)
    assert res.value is not None
    return res.value


def expect_array(
    res: CallResult,
    what: Text,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: np.dtype | None = None,
    value: Returned | None = None,
) -> np.ndarray:
    """The call returned an ndarray (of ``shape`` and ``dtype`` if given)."""
    returned = value if value is not None else expect_value(res, what)
    if returned.kind != "array":
        hint = "return a numpy ndarray."
        if returned.type_name in ("list", "tuple"):
            hint = "return a numpy ndarray (np.asarray(...) turns a list into one)."
        elif returned.kind == "scalar":
            hint = "you returned a single number; the result has one value per input element."
        elif returned.kind == "none":
            hint = "did you forget the return statement?"
        raise CheckFailed(f"{what} returned {returned.describe()}, not an ndarray", hint, tried=what,
                          got=returned.describe())
    arr = returned.array
    assert arr is not None
    if shape is not None and arr.shape != tuple(shape):
        raise CheckFailed(
            f"{what} returned shape {arr.shape}; expected {tuple(shape)}",
            shape_hint(arr.shape, tuple(shape)),
        )
    if dtype is not None and arr.dtype != dtype:
        raise CheckFailed(f"{what} returned dtype {arr.dtype}; expected {np.dtype(dtype)}")
    return arr


def expect_close(
    got: np.ndarray,
    want: np.ndarray,
    what: Text,
    *,
    tol_dtype: np.dtype | type = np.float64,
    hint: str | None = None,
    tolerance: tuple[float, float] | None = None,
) -> None:
    """``got`` matches ``want`` elementwise within the tolerance of ``tol_dtype``."""
    atol, rtol = tolerance or tolerance_for(np.dtype(tol_dtype))
    if got.shape != want.shape:
        raise CheckFailed(f"{what} returned shape {got.shape}; expected {want.shape}", hint)
    if got.dtype.kind not in "biuf":
        raise CheckFailed(f"{what} returned dtype {got.dtype}; expected real floating-point values")
    if np.all(close_mask(got, want, atol, rtol)):
        return
    idx = first_mismatch(got, want, atol, rtol)
    assert idx is not None
    got_text, want_text = fmt(got), fmt(want)
    message = f"{what}\n  got      {got_text}\n  expected {want_text}"
    if got.ndim:
        message += (
            f"\n  first difference at index {list(idx)}: "
            f"got {float(got[idx]):.9g}, expected {float(want[idx]):.9g}"
        )
    message += f"\n  (tolerance: |got - expected| <= {atol:g} + {rtol:g}·|expected|)"
    if hint is None:
        if np.isnan(got).any():
            hint = "NaN appears when inf/inf or 0/0 is computed: look for overflowing exp() or an all-zero sum."
        elif np.isinf(got).any() and not np.isinf(want).any():
            hint = "an inf appears: exp() of a large number overflows."
    raise CheckFailed(message, hint, tried=what, got=got_text, expected=want_text, mismatch=idx)


def expect_no_fp_warnings(res: CallResult, what: Text, hint: str) -> None:
    warned = res.fp_warnings
    if warned:
        raise CheckFailed(
            f"{what} raised a floating-point warning: {warned[0]}",
            hint,
        )
