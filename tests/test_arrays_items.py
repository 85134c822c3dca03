"""Items of an ``Arrays`` result that are not float arrays like an argument.

One number (``like=None``: a bias, a loss), shown on the logistic-regression-step kata,
whose answer is ``(w_new, b_new, loss)``: a number is accepted as a Python float, a numpy
scalar or a 0-d array of any real dtype, an array or None in its place is named, and it
is compared to the precision of the inputs. Integers (``integers=``: cluster labels),
shown on the kmeans kata, whose answer is ``(centroids, labels)``: any integer dtype,
compared exactly, the dtype check asking for an integer dtype. And ``Kata.joint``, which
draws arguments that depend on each other together."""

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


KMEANS = get_kata("kmeans")
POINTS = KMEANS.examples[1].args  # FIXED: one exact tie at the first assignment
KCASE = Case(POINTS)


def _kaccept(obj, case: Case = KCASE):
    return KMEANS.result.accept(KMEANS, CallResult(ok=True, value=_value(obj)), WHAT, case)


def test_integer_items_take_any_integer_dtype_and_are_compared_exactly() -> None:
    C, labels = KMEANS.reference(*POINTS)
    assert labels.tolist() == [0, 1, 0, 2, 2]
    for kind in (np.int64, np.int32, np.uint8):
        got = _kaccept((C, labels.astype(kind)))
        assert KMEANS.result.answer_dtype(got) == (np.dtype(np.float64), np.dtype(np.int64))
        KMEANS.result.compare(None, KMEANS, got, KCASE, WHAT, None)  # type: ignore[arg-type]
    assert KMEANS.result.tolerances(KMEANS, KCASE, False)[1] == (0.0, 0.0)
    wrong = labels.copy()
    wrong[2] = 1  # the tie given to the higher index, the centroids right
    with pytest.raises(CheckFailed) as off:
        KMEANS.result.compare(None, KMEANS, _kaccept((C, wrong)), KCASE, WHAT, None)  # type: ignore[arg-type]
    said = render(off.value.message)
    assert said.startswith(f"{WHAT}: labels") and "first difference at index [2]: got 1, expected 0" in said
    assert "tolerance" not in said  # labels are compared exactly: no tolerance to state
    assert render(off.value.hint) == render(KMEANS.msg("hint.assign"))


def test_float_labels_are_compared_but_the_dtype_check_asks_for_integers() -> None:
    C, labels = KMEANS.reference(*POINTS)
    got = _kaccept((C, labels.astype(np.float64)))  # whole numbers in floats: compared
    KMEANS.result.compare(None, KMEANS, got, KCASE, WHAT, None)  # type: ignore[arg-type]
    have, want = KMEANS.result.answer_dtype(got), KMEANS.result.dtype_of(KMEANS, KCASE)
    assert have != want
    message = render(KMEANS.result.dtype_failure(WHAT, have, want))
    assert "returned labels of dtype float64; expected an integer dtype" in message
    assert "应为整数 dtype" in render(KMEANS.result.dtype_failure(WHAT, have, want), "zh")
    with pytest.raises(CheckFailed) as fractional:
        _kaccept((C, labels + 0.5))
    assert "expected integers" in render(fractional.value.message)


def test_arrays_refuses_integers_that_are_no_item_or_a_number() -> None:
    from kata.harness import Arrays

    with pytest.raises(ValueError, match="not an item"):
        Arrays((("c", "x"), ("labels", "x")), integers=("label",))
    with pytest.raises(ValueError, match="is a number"):
        Arrays((("c", "x"), ("n", None)), integers=("n",))


def test_joint_draws_points_and_centroids_together_clear_of_near_ties() -> None:
    from kata.harness.rng import InputRng

    module = __import__(KMEANS.reference.__module__, fromlist=["trajectory"])
    rng = InputRng(3, 4)
    for shape in KMEANS.shapes:
        case = KMEANS.draw(rng, shape, np.float32)
        X, C = case.args
        assert X.shape == (shape[0], shape[2]) and C.shape == (shape[1], shape[2]) and X.dtype == C.dtype == np.float32
        gap, empty = module.trajectory(X, C)
        assert gap >= 1e-5 and not empty
