"""The grader's side of the pipe protocol: encode inputs, decode and validate answers.

A frame is an 8-byte little-endian header length, a JSON header and raw payload bytes.
Answers from the child are untrusted data: every field is checked against a strict
shape before use, arrays are rebuilt with ``np.frombuffer`` from an allow-list of plain
numeric dtypes, and nothing is unpickled or evaluated. Anything malformed raises
``ProtocolError``, which the grader treats as a failure, never as a pass.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import numpy as np

from kata.grader.text import clean_text
from kata.harness.calls import Call, CallResult, Returned

HEADER = struct.Struct("<Q")
MAX_ANSWER_HEADER = 1 << 20  # 1 MiB of JSON is far more than any honest answer needs
MAX_NDIM = 32
MAX_DIM = 1 << 31  # no axis (and no product of the non-empty axes) is longer

_ALLOWED_DTYPES = {
    np.dtype(t).newbyteorder("<").str: np.dtype(t).newbyteorder("<")
    for t in (
        np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
        np.int64, np.uint64, np.float16, np.float32, np.float64, np.longdouble,
        np.complex64, np.complex128,
    )
}  # fmt: skip


class ProtocolError(Exception):
    """The child's answer is not a complete, well-formed answer."""


def encode_frame(header: dict[str, Any], payload: bytes = b"") -> bytes:
    header = dict(header, payload=len(payload))
    head = json.dumps(header, allow_nan=False).encode()
    return HEADER.pack(len(head)) + head + payload


def encode_calls(fn_default: str, calls: list[Call]) -> tuple[dict[str, Any], bytes]:
    chunks: list[bytes] = []
    offset = 0

    def spec(value: Any, fortran: bool) -> dict[str, Any]:
        nonlocal offset
        if isinstance(value, np.ndarray):
            arr = np.asarray(value, order="C")  # not ascontiguousarray: it turns 0-d into (1,)
            arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
            raw = arr.tobytes()
            chunks.append(raw)
            desc = {
                "kind": "array",
                "dtype": arr.dtype.str,
                "shape": list(arr.shape),
                "offset": offset,
                "nbytes": len(raw),
                "order": "F" if fortran else "C",
            }
            offset += len(raw)
            return desc
        if isinstance(value, bool | int | str) or value is None:
            return {"kind": "value", "value": value}
        if isinstance(value, float) and math.isfinite(value):
            return {"kind": "value", "value": value}
        raise TypeError(f"cannot send {type(value).__name__} to the child")

    encoded = []
    for call in calls:
        encoded.append(
            {
                "fn": call.fn or fn_default,
                "args": [spec(a, call.fortran) for a in call.args],
                "kwnames": list(call.kwargs),
                "kwargs": [spec(v, call.fortran) for v in call.kwargs.values()],
                "return_args": call.return_args,
                "max_size": call.max_size,
            }
        )
    return {"op": "call", "calls": encoded}, b"".join(chunks)


# ---------------------------------------------------------------- decoding answers


def _expect(cond: bool, what: str) -> None:
    if not cond:
        raise ProtocolError(what)


def _string(obj: dict[str, Any], key: str, limit: int = 4000) -> str:
    value = obj.get(key, "")
    _expect(isinstance(value, str), f"{key} is not a string")
    return clean_text(value, limit)


class _Budget:
    """Bytes an answer may still rebuild: its payload's length. Every honest array has
    bytes of its own there, so descriptions that share bytes cannot multiply them."""

    __slots__ = ("left",)

    def __init__(self, payload: bytes) -> None:
        self.left = len(payload)

    def take(self, nbytes: int) -> None:
        self.left -= nbytes
        _expect(self.left >= 0, "the answer's arrays add up to more than its payload")


def answer_limit(calls: list[Call]) -> int | None:
    """The most payload bytes an answer to ``calls`` can honestly need, where every call
    bounds its answer (``Call.max_size``); else None (the worker's general cap)."""
    if not calls or any(call.max_size is None for call in calls):
        return None
    total = 1 << 12
    for call in calls:
        total += call.max_size * 16 * 4  # type: ignore[operator]  # widest dtype, a few arrays
        if call.return_args:
            total += sum(a.size * 16 for a in (*call.args, *call.kwargs.values()) if isinstance(a, np.ndarray))
    return total


def _shape(desc: dict[str, Any]) -> list[int]:
    shape = desc.get("shape")
    _expect(
        isinstance(shape, list)
        and len(shape) <= MAX_NDIM
        and all(type(d) is int and 0 <= d <= MAX_DIM for d in shape)
        and math.prod(d for d in shape if d) <= MAX_DIM,  # even beside a 0 that empties it
        "an array has a malformed shape",
    )
    return shape  # type: ignore[return-value]


def _decode_value(desc: Any, payload: bytes, budget: _Budget, depth: int = 0, max_size: int | None = None) -> Returned:
    _expect(isinstance(desc, dict), "a value description is not an object")
    kind = desc.get("kind")
    type_name = _string(desc, "type", 120)
    if kind == "oversize":
        shape = _shape(desc)
        _expect(max_size is not None and math.prod(shape) > max_size, "an oversize answer where none could be")
        dtype = _ALLOWED_DTYPES.get(desc.get("dtype"))  # type: ignore[arg-type]
        return Returned(kind="oversize", type_name=type_name, shape=tuple(shape),
                        dtype=str(dtype.newbyteorder("=")) if dtype is not None else "other")
    if kind in ("array", "scalar"):
        dtype = _ALLOWED_DTYPES.get(desc.get("dtype"))  # type: ignore[arg-type]
        _expect(dtype is not None, "an array has a dtype outside the allowed numeric types")
        shape, offset, nbytes = _shape(desc), desc.get("offset"), desc.get("nbytes")
        _expect(max_size is None or math.prod(shape) <= max_size, "an array is larger than the check allowed")
        _expect(type(offset) is int and type(nbytes) is int and offset >= 0 and nbytes >= 0, "bad offsets")
        _expect(offset + nbytes <= len(payload), "an array points past the end of the payload")
        _expect(math.prod(shape) * dtype.itemsize == nbytes, "an array's size does not match its shape")
        _expect(kind == "array" or shape == [], "a scalar has a shape")
        budget.take(nbytes)
        try:
            arr = np.frombuffer(payload, dtype=dtype, count=math.prod(shape), offset=offset)
            arr = arr.reshape(shape).astype(dtype.newbyteorder("="), copy=True)
        except (ValueError, MemoryError) as err:
            raise ProtocolError(f"an array cannot be rebuilt ({err})") from None
        return Returned(kind=kind, type_name=type_name, array=arr)
    if kind == "tuple":
        items = desc.get("items")
        _expect(depth < 2 and isinstance(items, list) and len(items) <= 16, "a malformed tuple")
        return Returned(
            kind="tuple", type_name="tuple",
            items=tuple(_decode_value(i, payload, budget, depth + 1, max_size) for i in items)
        )
    if kind in ("none", "other"):
        return Returned(kind=kind, type_name=type_name, repr=_string(desc, "repr", 300))
    raise ProtocolError("a value of unknown kind")


def decode_header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise ProtocolError("the answer header is not valid JSON") from err
    _expect(isinstance(header, dict), "the answer header is not an object")
    return header


def decode_call_results(
    header: dict[str, Any], payload: bytes, expected: int | list[Call]
) -> list[CallResult]:
    """The results of ``expected`` calls (or of that many, with no size bounds)."""
    calls = expected if isinstance(expected, list) else None
    expected = len(expected) if isinstance(expected, list) else expected
    results = header.get("results")
    _expect(header.get("ok") is True and isinstance(results, list), "the answer has no results")
    _expect(len(results) == expected, f"asked for {expected} results, got {len(results)}")
    decoded = []
    budget = _Budget(payload)
    for i, item in enumerate(results):
        _expect(isinstance(item, dict) and isinstance(item.get("ok"), bool), "a malformed result")
        max_size = calls[i].max_size if calls is not None else None
        if not item["ok"]:
            decoded.append(
                CallResult(
                    ok=False,
                    exc_type=_string(item, "exc_type", 120),
                    exc_msg=_string(item, "exc_msg", 1000),
                    traceback=_string(item, "traceback", 4000),
                )
            )
            continue
        warns = item.get("warnings", [])
        _expect(isinstance(warns, list), "malformed warnings")
        parsed_warnings = []
        for w in warns[:20]:
            _expect(isinstance(w, dict), "malformed warning")
            parsed_warnings.append((_string(w, "category", 120), _string(w, "message", 300)))
        after = item.get("args_after")
        args_after = None
        if after is not None:
            _expect(isinstance(after, list) and len(after) <= 16, "malformed args_after")
            args_after = tuple(_decode_value(a, payload, budget) for a in after)
        decoded.append(
            CallResult(
                ok=True,
                value=_decode_value(item.get("result"), payload, budget, max_size=max_size),
                warnings=tuple(parsed_warnings),
                args_after=args_after,
                threads=item.get("threads") is True,
            )
        )
    return decoded
