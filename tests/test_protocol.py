"""The grader's decoder accepts only complete, well-formed answers of plain numbers."""

from __future__ import annotations

import numpy as np
import pytest

from kata.grader.protocol import (
    Call,
    ProtocolError,
    decode_call_results,
    decode_header,
    encode_calls,
)


def _array(dtype="<f8", shape=(3,), offset=0, nbytes=24):
    return {"kind": "array", "dtype": dtype, "shape": list(shape), "offset": offset, "nbytes": nbytes}


def _answer(*results):
    return {"ok": True, "results": list(results)}


def test_round_trip_of_a_float_array():
    values = np.array([0.1, 0.2, 0.7])
    header = _answer({"ok": True, "result": _array()})
    (res,) = decode_call_results(header, values.tobytes(), expected=1)
    assert res.ok and res.value.kind == "array"
    np.testing.assert_array_equal(res.value.array, values)
    assert res.value.array.flags.writeable and res.value.array.flags.owndata


@pytest.mark.parametrize(
    "result, payload, why",
    [
        (_array(dtype="|O", nbytes=24), b"\0" * 24, "object dtype"),
        (_array(dtype="<U1", nbytes=12), b"\0" * 12, "string dtype"),
        (_array(nbytes=16), b"\0" * 24, "size does not match shape"),
        (_array(offset=8), b"\0" * 24, "points past the payload"),
        (_array(shape=(-1,)), b"\0" * 24, "negative dimension"),
        (_array(shape=(3.0,)), b"\0" * 24, "float dimension"),
        (_array(shape=(2**40, 2**40, 0), nbytes=0), b"", "huge axes beside an empty one"),
        (_array(shape=(2**32, 0), nbytes=0), b"", "an axis past the limit"),
        ({"kind": "array", "dtype": "<f8"}, b"", "missing fields"),
        ({"kind": "pickle", "data": "gASV"}, b"", "unknown kind"),
        ("array", b"", "not an object"),
        ({"kind": "scalar", "dtype": "<f8", "shape": [2], "offset": 0, "nbytes": 16}, b"\0" * 16, "scalar with shape"),
    ],
)
def test_malformed_values_are_refused(result, payload, why):
    with pytest.raises(ProtocolError):
        decode_call_results(_answer({"ok": True, "result": result}), payload, expected=1)


def test_fewer_or_more_results_than_asked_are_refused():
    header = _answer({"ok": True, "result": _array()})
    with pytest.raises(ProtocolError):
        decode_call_results(header, b"\0" * 24, expected=2)
    with pytest.raises(ProtocolError):
        decode_call_results(_answer(), b"", expected=1)


def test_an_answer_without_ok_is_refused():
    with pytest.raises(ProtocolError):
        decode_call_results({"results": []}, b"", expected=0)
    with pytest.raises(ProtocolError):
        decode_call_results({"ok": "yes", "results": []}, b"", expected=0)


def test_headers_must_be_json_objects():
    for raw in (b"[1, 2]", b"not json", b"\xff\xfe", b"[" * 100_000):
        with pytest.raises(ProtocolError):
            decode_header(raw)


def test_tuples_nest_only_shallowly():
    deep = {"kind": "tuple", "items": [{"kind": "tuple", "items": [{"kind": "tuple", "items": []}]}]}
    with pytest.raises(ProtocolError):
        decode_call_results(_answer({"ok": True, "result": deep}), b"", expected=1)


def test_encode_calls_sends_only_plain_data():
    header, payload = encode_calls("softmax", [Call(args=(np.arange(3.0),), kwargs={"threshold": 0.3})])
    (call,) = header["calls"]
    assert call["fn"] == "softmax" and call["kwnames"] == ["threshold"]
    assert call["args"][0]["dtype"] == "<f8" and len(payload) == 24
    with pytest.raises(TypeError):
        encode_calls("softmax", [Call(args=(object(),))])


def test_descriptions_sharing_bytes_cannot_multiply_them():
    """Many results pointing at the same payload bytes would make the grader rebuild
    them again and again: an answer may rebuild at most its payload's length."""
    shared = _array()  # 24 bytes at offset 0
    fine = _answer({"ok": True, "result": shared})
    assert decode_call_results(fine, b"\0" * 24, expected=1)[0].ok
    amplified = _answer(*[{"ok": True, "result": {"kind": "tuple", "items": [shared] * 16}}] * 4)
    with pytest.raises(ProtocolError, match="more than its payload"):
        decode_call_results(amplified, b"\0" * 24, expected=4)


def test_text_from_the_child_is_made_safe():
    from kata.grader.text import clean_text

    header = _answer({"ok": False, "exc_type": "ValueError", "exc_msg": "bad \ud800 \x1b[2J\x07 value\n\tok"})
    (res,) = decode_call_results(header, b"", expected=1)
    assert res.exc_msg == "bad \\ud800 \\x1b[2J\\x07 value\n\tok"  # shown escaped
    res.exc_msg.encode("utf-8")  # writable anywhere
    assert clean_text("x" * 50, 10) == "x" * 10
