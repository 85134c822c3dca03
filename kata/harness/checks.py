"""What a hidden check sees: a way to call the submission, and assertions that teach.

A check is a function ``run(ctx)`` that calls the submitted function through
``ctx.call``/``ctx.call_many`` (each a round trip to the child process), judges the raw
arrays that come back against values computed here, in the grader, and raises
``CheckFailed`` with a message that says what was tried, what went wrong and how to
fix it. Returning normally means the check passed. Messages are ``Msg`` objects
(``messages``): words in every language, made only when a check fails.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from kata.harness.calls import Call, CallResult, Returned
from kata.harness.compare import close_mask, first_mismatch, fmt, tolerance_for
from kata.harness.messages import Joined, Msg, Phrase, render
from kata.harness.rng import InputRng
from kata.lang import DEFAULT

# What a message may say: a catalog message, words joined from several, or plain text
# (array renderings, numbers).
Text = Msg | Joined | str


class CheckFailed(Exception):
    """The submission did something wrong. ``message`` says what; ``hint`` how to fix it;
    where a call was compared with the reference, ``tried`` is the call, ``got`` and
    ``expected`` the two results and ``mismatch`` the first differing index. ``cause``
    names the problem for the report: a later check that fails for the same cause (the
    same exception, the same wrong kind of value) is not reported twice."""

    def __init__(
        self,
        message: Any,
        hint: Any = None,
        *,
        tried: Any = None,
        got: str = "",
        expected: str = "",
        mismatch: tuple[int, ...] | None = None,
        cause: Hashable | None = None,
    ) -> None:
        self.message = message
        self.hint = hint
        self.tried = tried
        self.got = got
        self.expected = expected
        self.mismatch = mismatch
        self.cause = cause
        super().__init__()

    def text(self, lang: str = DEFAULT) -> str:
        """The message with its hint on a last line, as a terminal shows it."""
        message = render(self.message, lang)
        if self.hint:
            return f"{message}\n{render(Msg('hint-line', hint=self.hint), lang)}"
        return message

    def __str__(self) -> str:
        return self.text(DEFAULT)


class MemoryLimit(Exception):
    """The submission ran out of memory inside a call (reported as status ``memory``)."""

    def __init__(self, message: Any) -> None:
        super().__init__()
        self.message = message

    def __str__(self) -> str:
        return render(self.message)


@dataclass(frozen=True)
class Check:
    id: str
    run: Callable[[CheckContext], None]
    needs_child: bool = True  # False for static checks that only read the source


class Caller(Protocol):
    """What a check may ask of the process that runs the submission."""

    def call(self, function: str, calls: list[Call]) -> list[CallResult]: ...

    def loaded_modules(self) -> list[str] | None: ...

    def never_returned(self) -> bool: ...


class CheckContext:
    """Handed to each check: the random generator, the source, the submission, and how
    the checks before it went (``passed``)."""

    def __init__(
        self,
        caller: Caller,
        function: str,
        rng: InputRng,
        source: str,
        earlier: dict[str, str] | None = None,
        check_id: str = "",
    ) -> None:
        self._caller = caller
        self.function = function
        self.rng = rng
        self.source = source
        self.earlier = earlier or {}
        self.check_id = check_id

    def call_many(self, calls: Sequence[Call]) -> list[CallResult]:
        return self._caller.call(self.function, list(calls))

    def call(self, *args: Any, return_args: bool = False, fn: str | None = None, **kwargs: Any) -> CallResult:
        return self.call_many([Call(args=args, kwargs=kwargs, return_args=return_args, fn=fn)])[0]

    def loaded_modules(self) -> list[str] | None:
        """Top-level and first-level module names the child has imported, if it is alive."""
        return self._caller.loaded_modules()

    def never_returned(self) -> bool:
        """Whether the submitted function was called and never returned a value (it
        raised, looped or exited every time)."""
        return self._caller.never_returned()

    def passed(self, check_id: str) -> bool:
        """Whether an earlier check passed: a check's own hint is only given when the
        basics are right, since a wrong formula shows up everywhere."""
        return self.earlier.get(check_id) == "pass"


# ---------------------------------------------------------------- describing calls


SHOWN_VALUES = 12  # an input this small is shown by value in messages


def show_input(x: np.ndarray, limit: int = 120) -> str | Msg:
    if x.size <= SHOWN_VALUES:
        return f"{fmt(x, limit)} ({x.dtype})"
    return Msg("array-of-shape", shape=x.shape, dtype=str(x.dtype))


class Lazy(Phrase):
    """Text made only when a message needs it, and once per language: most calls pass,
    so arrays are formatted on first use, not up front. ``make(lang)`` returns the words
    (a ``make()`` without a parameter: the same words in every language)."""

    __slots__ = ("_made", "_make")

    def __init__(self, make: Callable[..., str]) -> None:
        self._make = make
        self._made: dict[str, str] = {}

    def render(self, lang: str = DEFAULT) -> str:
        if lang not in self._made:
            code = getattr(self._make, "__code__", None)
            takes_lang = code is None or code.co_argcount - len(getattr(self._make, "__defaults__", None) or ()) > 0
            self._made[lang] = self._make(lang) if takes_lang else self._make()
        return self._made[lang]


class Described(Phrase):
    """``fn(x) with x = [...] (float64)``: a call, shown in the reader's language."""

    __slots__ = ("_args", "_call")

    def __init__(self, call: str, args: dict[str, Any]) -> None:
        self._call = call
        self._args = args

    def render(self, lang: str = DEFAULT) -> str:
        shown = "; ".join(f"{name} = {render(value, lang)}" for name, value in self._args.items())
        return render(Msg("call-with", call=self._call, args=shown), lang)

    def called_as(self, call: str) -> Described:
        """The same arguments, shown after another call expression (``f(x, 0.5)``)."""
        return Described(call, self._args)


def describe(fn: str, **args: Any) -> Described:
    """The call ``fn(name, ...)`` with its arguments. Small arrays are copied (a check may
    change its inputs after the call is described); larger ones are only ever shown by
    shape and dtype. Other values are shown as they are."""
    kept: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, np.ndarray):
            kept[name] = np.array(value, copy=True) if value.size <= SHOWN_VALUES else show_input(value)
        else:
            kept[name] = repr(value)
    return Described(f"{fn}({', '.join(args)})", {k: _shown(v) for k, v in kept.items()})


def _shown(value: Any) -> Any:
    """A small array is formatted only when a message shows it: most calls pass."""
    if isinstance(value, np.ndarray):
        return Lazy(lambda lang, value=value: render(show_input(value), lang))
    return value


def in_fortran_order(what: Described) -> Joined:
    return Joined((what, Msg("in-fortran-order")))


# ---------------------------------------------------------------- what came back


def describe_returned(value: Returned) -> Msg:
    """What a function returned, in words (``an ndarray of shape (3,) and dtype float64``)."""
    if value.kind in ("array", "scalar"):
        assert value.array is not None
        return Msg("returned-array", type=value.type_name or "ndarray", shape=value.array.shape,
                   dtype=str(value.array.dtype))
    if value.kind == "tuple":
        return Msg("returned-tuple", n=len(value.items))
    if value.kind == "oversize":
        return Msg("returned-oversize", shape=value.shape, dtype=value.dtype)
    if value.kind == "none":
        return Msg("returned-none")
    if value.type_name.startswith("ndarray"):
        return Msg("returned-object-array", type=value.type_name)
    return Msg("returned-other", type=value.type_name) if value.type_name else Msg("returned-unsupported")


_EXCEPTION_HINTS = {
    "NotImplementedError": "hint-not-implemented",
    "AxisError": "hint-axis-error",
    "MemoryError": "hint-memory-error",
    "RecursionError": "hint-recursion",
    "SystemExit": "hint-system-exit",
}


def shape_hint(got: tuple[int, ...], want: tuple[int, ...]) -> Msg:
    """Say what kind of shape mistake it is, without assuming what the kata computes."""
    if len(got) < len(want):
        return Msg("hint-shape-axis-missing", want=len(want), got=len(got))
    if len(got) > len(want):
        return Msg("hint-shape-extra-axis", want=len(want), got=len(got))
    if sorted(got) == sorted(want):
        return Msg("hint-shape-axes-order")
    if int(np.prod(got)) == int(np.prod(want)):
        return Msg("hint-shape-reshaped")
    return Msg("hint-shape-any-batch")


def expect_ok(res: CallResult, what: Text, hint: Any = None) -> None:
    """The call returned; else the exception it raised, with the lines of the file it
    came from. ``hint``: what to say when no exception-specific hint fits."""
    if res.ok:
        return
    message: Any = Msg("raised", what=what, exc=f"{res.exc_type}: {res.exc_msg}".rstrip(": "))
    known = _EXCEPTION_HINTS.get(res.exc_type)
    if res.exc_type == "ValueError" and "broadcast" in res.exc_msg:
        known = "hint-broadcast"
    if res.traceback.strip():
        message = Joined((message, "\n" + res.traceback.rstrip()))
    if res.exc_type == "MemoryError":
        raise MemoryLimit(message)
    raise CheckFailed(message, Msg(known) if known else hint, tried=what,
                      cause=("raised", res.exc_type, res.exc_msg, res.traceback))


def expect_value(res: CallResult, what: Text, hint: Any = None) -> Returned:
    expect_ok(res, what, hint)
    assert res.value is not None
    return res.value


def expect_array(
    res: CallResult,
    what: Text,
    *,
    shape: tuple[int, ...] | None = None,
    dtype: np.dtype | None = None,
    value: Returned | None = None,
    shape_hints: Callable[[tuple[int, ...]], Any] | None = None,
) -> np.ndarray:
    """The call returned an ndarray (of ``shape`` and ``dtype`` if given).
    ``shape_hints(got_shape)`` may name a kata's classic shape mistake."""
    returned = value if value is not None else expect_value(res, what)
    if returned.kind == "oversize":
        said = describe_returned(returned)
        raise CheckFailed(Msg("wrong-shape", what=what, got=returned.shape, want=tuple(shape) if shape else "-"),
                          Msg("hint-answer-size"), tried=what, got=str(said), cause=("oversize", returned.shape))
    if returned.kind != "array":
        hint = Msg("hint-return-ndarray")
        if returned.type_name in ("list", "tuple"):
            hint = Msg("hint-return-list")
        elif returned.kind == "scalar":
            hint = Msg("hint-return-scalar")
        elif returned.kind == "none":
            hint = Msg("hint-return-none")
        elif returned.type_name.startswith("ndarray"):
            hint = Msg("hint-return-object-array")
        said = describe_returned(returned)
        raise CheckFailed(Msg("not-an-array", what=what, returned=said), hint, tried=what, got=str(said),
                          cause=("returned", returned.kind, returned.type_name))
    arr = returned.array
    assert arr is not None
    if shape is not None and arr.shape != tuple(shape):
        hint = (shape_hints(arr.shape) if shape_hints else None) or shape_hint(arr.shape, tuple(shape))
        raise CheckFailed(Msg("wrong-shape", what=what, got=arr.shape, want=tuple(shape)), hint, tried=what,
                          cause=("shape", arr.shape, tuple(shape)))
    if dtype is not None and arr.dtype != dtype:
        raise CheckFailed(Msg("wrong-dtype", what=what, got=str(arr.dtype), want=str(np.dtype(dtype))),
                          tried=what)
    return arr


def expect_close(
    got: np.ndarray,
    want: np.ndarray,
    what: Text,
    *,
    tol_dtype: np.dtype | type = np.float64,
    hint: Any = None,
    tolerance: tuple[float, float] | None = None,
) -> None:
    """``got`` matches ``want`` elementwise within the tolerance of ``tol_dtype``."""
    atol, rtol = tolerance or tolerance_for(np.dtype(tol_dtype))
    if got.shape != want.shape:
        raise CheckFailed(Msg("wrong-shape", what=what, got=got.shape, want=want.shape),
                          hint or shape_hint(got.shape, want.shape), tried=what)
    if got.dtype.kind not in "biuf":
        raise CheckFailed(Msg("not-real", what=what, got=str(got.dtype)), tried=what)
    if np.all(close_mask(got, want, atol, rtol)):
        return
    raise mismatch(got, want, what, hint, atol, rtol)


def mismatch(got: np.ndarray, want: np.ndarray, what: Text, hint: Any, atol: float, rtol: float,
             *, exact: bool = False) -> CheckFailed:
    """The failure for values that differ: both arrays, the first difference, the tolerance
    (none for values compared ``exact``ly, such as labels)."""
    idx = first_mismatch(got, want, atol, rtol)
    assert idx is not None
    got_text, want_text = fmt(got), fmt(want)
    parts: list[Any] = [Msg("values-differ", what=what, got=got_text, want=want_text)]
    if got.ndim:
        parts.append(Msg("first-difference", index=list(idx), got=f"{float(got[idx]):.9g}",
                         want=f"{float(want[idx]):.9g}"))
    if not exact:
        parts.append(Msg("tolerance-line", atol=f"{atol:g}", rtol=f"{rtol:g}"))
    if hint is None:
        if np.isnan(got).any():
            hint = Msg("hint-nan")
        elif np.isinf(got).any() and not np.isinf(want).any():
            hint = Msg("hint-inf")
    message = Joined(tuple(p for part in parts for p in ("\n", part))[1:])
    return CheckFailed(message, hint, tried=what, got=got_text, expected=want_text, mismatch=idx)


def expect_no_fp_warnings(res: CallResult, what: Text, hint: Any) -> None:
    warned = res.fp_warnings
    if warned:
        raise CheckFailed(Msg("fp-warning", what=what, warning=warned[0]), hint, tried=what)
