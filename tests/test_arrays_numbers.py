"""Items of an ``Arrays`` result that are one number (``like=None``: a bias, a loss),
shown on the logistic-regression-step kata, whose answer is ``(w_new, b_new, loss)``:
a number is accepted as a Python float, a numpy scalar or a 0-d array of any real
dtype, an array or None in its place is named, and it is compared to the precision of
the inputs."""

from __future__ import annotations

import numpy as np
import pytest

from kata.exercises import get_kata
from kata.harness import CheckFailed
from kata.harness.calls import CallResult, Returned
from kata.harness.contract import Case
from kata.harness.messages import render

KATA = get_kata("logistic-regression-step")
FIXED = KATA.basic[0]
CASE = Case(FIXED)
CASE32 = Case(tuple(a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in FIXED))
WHAT = "logistic_regression_step(...)"


def _value(obj) -> Returned:
    if isinstance(obj, tuple):
        return Returned(kind="tuple", type_name="tuple", items=tuple(_value(v) for v in obj))
    if isinstance(obj, np.ndarray):
        return Returned(kind="array", type_name="ndarray", array=obj)
    if obj is None:
        return Returned(kind="none", type_name="NoneType")
    if isinstance(obj, float | int | np.generic):
        return Returned(kind="scalar", type_name=type(obj).__name__, array=np.asarray(obj))
    return Returned(kind="other", type_name=type(obj).__name__)


def _accept(obj, case: Case = CASE):
    return KATA.result.accept(KATA, CallResult(ok=True, value=_value(obj)), WHAT, case)


def test_a_number_item_may_be_a_float_a_numpy_scalar_or_a_0d_array() -> None:
    w_new, b_new, loss = KATA.reference(*FIXED)
    for b, l in ((b_new, loss), (np.float32(b_new), np.float64(loss)), (np.asarray(b_new), np.asarray(loss))):
        got = _accept((w_new, b, l))
        assert [np.shape(g) for g in got] == [(2,), (), ()]
        KATA.result.compare(None, KATA, got, CASE, WHAT, None)  # type: ignore[arg-type]
    assert KATA.result.shapes(KATA, CASE) == [(2,), (), ()]


def test_an_array_or_none_where_a_number_goes_is_named() -> None:
    w_new, b_new, loss = KATA.reference(*FIXED)
    with pytest.raises(CheckFailed) as one_element:
        _accept((w_new, np.array([b_new]), loss))
    said = render(one_element.value.message)
    assert "returned a b_new that is ndarray of shape (1,) and dtype float64; expected one number" in said
    assert "b_new is one number, not an array of shape (1,)" in render(one_element.value.hint)
    assert "形状为 (1,) 的数组" in render(one_element.value.hint, "zh")
    with pytest.raises(CheckFailed) as per_sample:
        _accept((w_new, b_new, np.full(3, loss)))
    assert "returned a loss that is ndarray of shape (3,)" in render(per_sample.value.message)
    with pytest.raises(CheckFailed) as missing:
        _accept((w_new, None, loss))
    assert "returned a b_new that is None; expected one number (a float)" in render(missing.value.message)
    assert missing.value.hint is None


def test_the_dtype_check_asks_the_arrays_only() -> None:
    assert KATA.result.dtype_of(KATA, CASE32) == (np.dtype(np.float32), None, None)
    w_new, b_new, loss = KATA.reference(*CASE32.args)
    got = _accept((w_new.astype(np.float32), float(b_new), np.float64(loss)), CASE32)
    assert KATA.result.answer_dtype(got) == KATA.result.dtype_of(KATA, CASE32)  # a float64 bias is fine
    wrong = KATA.result.answer_dtype(_accept((w_new, b_new, loss), CASE32))
    message = render(KATA.result.dtype_failure(WHAT, wrong, KATA.result.dtype_of(KATA, CASE32)))
    assert "returned w_new of dtype float64; float32 inputs must give float32" in message


def test_a_number_is_compared_to_the_inputs_precision_and_its_mistakes_are_named() -> None:
    w_new, b_new, loss = KATA.reference(*FIXED)
    tols = KATA.result.tolerances(KATA, CASE32, False)
    assert tols[1] == tols[2] == (8 * float(np.finfo(np.float32).eps) * 2.0, 1e-4)  # max |X| = 2 is the scale
    within = _accept((w_new, b_new + 0.5 * tols[1][0], loss), CASE32)
    KATA.result.compare(None, KATA, within, CASE32, WHAT, None)  # type: ignore[arg-type]
    with pytest.raises(CheckFailed) as off:
        beyond = _accept((w_new, b_new + 1e-3, loss), CASE32)
        KATA.result.compare(None, KATA, beyond, CASE32, WHAT, None)  # type: ignore[arg-type]
    assert render(off.value.message).startswith(f"{WHAT}: b_new")
    assert render(off.value.hint) == render(KATA.msg("hint.bias"))
    with pytest.raises(CheckFailed) as kept:
        KATA.result.compare(None, KATA, _accept((w_new, FIXED[3], loss)), CASE, WHAT, None)  # type: ignore[arg-type]
    assert render(kept.value.hint) == render(KATA.msg("mistake.bias-kept"))
