"""The ``Arrays`` result kind (a tuple of several arrays, each shaped like an argument)
and the ``ForwardBackward`` gradient check, shown on the layer-norm kata: the forms of
a wrong answer are named, a mistake that names one item is found, each item has its own
tolerance, and a gradient that is not the derivative of its own forward is told apart
from a wrong forward."""

from __future__ import annotations

import numpy as np
import pytest

from kata.exercises import get_kata
from kata.harness import Arrays, CheckContext, CheckFailed
from kata.harness.calls import CallResult, Returned
from kata.harness.contract import Case
from kata.harness.messages import render
from kata.harness.rng import InputRng

KATA = get_kata("layer-norm")
FIXED = KATA.basic[0]
CASE = Case(FIXED)
WHAT = "layer_norm(...)"


def _value(obj) -> Returned:
    if isinstance(obj, tuple):
        return Returned(kind="tuple", type_name="tuple", items=tuple(_value(v) for v in obj))
    if isinstance(obj, np.ndarray):
        return Returned(kind="array", type_name="ndarray", array=obj)
    if obj is None:
        return Returned(kind="none", type_name="NoneType")
    if isinstance(obj, float | int):
        return Returned(kind="scalar", type_name=type(obj).__name__, array=np.asarray(obj))
    return Returned(kind="other", type_name=type(obj).__name__)


def _result(obj) -> CallResult:
    return CallResult(ok=True, value=_value(obj))


class InProcess:
    """A caller that runs a Python function here, for checks that only need its values."""

    def __init__(self, fn) -> None:
        self.fn = fn

    def call(self, function, calls):
        return [_result(self.fn(*c.args, **c.kwargs)) for c in calls]

    def loaded_modules(self):
        return []

    def never_returned(self):
        return False


def _failure(obj) -> CheckFailed:
    with pytest.raises(CheckFailed) as failed:
        KATA.result.accept(KATA, _result(obj), WHAT, CASE)
    return failed.value


def test_the_tuple_is_accepted_and_each_wrong_form_is_named() -> None:
    y, dx, dgamma, dbeta = KATA.reference(*FIXED)
    got = KATA.result.accept(KATA, _result((y, dx, dgamma, dbeta)), WHAT, CASE)
    assert [a.shape for a in got] == [(2, 4), (2, 4), (4,), (4,)]
    assert KATA.result.names == "(y, dx, dgamma, dbeta)"

    alone = _failure(y)
    assert "expected a tuple of 4 arrays (y, dx, dgamma, dbeta)" in render(alone.message)
    assert render(alone.hint) == "return the 4 arrays (y, dx, dgamma, dbeta) as one tuple, in that order."
    listed = CallResult(ok=True, value=Returned(kind="other", type_name="list"))
    with pytest.raises(CheckFailed) as as_list:
        KATA.result.accept(KATA, listed, WHAT, CASE)
    assert "not a list" in render(as_list.value.hint) and "而不是列表" in render(as_list.value.hint, "zh")

    short = _failure((y, dx))
    assert "a tuple of 2; expected 4 arrays" in render(short.message)
    missing = _failure((y, dx, None, dbeta))
    assert "returned a dgamma that is None; expected an ndarray of shape (4,)" in render(missing.message)
    swapped = _failure((y, dx, dx, dbeta))  # dx where dgamma goes: a shape that belongs to no other item
    assert "dgamma of shape (2, 4); expected (4,)" in render(swapped.message)
    reordered = _failure((dgamma, dx, y, dbeta))  # y's shape is dx's: the items are out of order
    assert "wrong order" in render(reordered.hint)
    complex_y = _failure((y.astype(complex), dx, dgamma, dbeta))
    assert "real floating-point" in render(complex_y.message)


def test_each_item_keeps_its_own_dtype() -> None:
    case32 = Case(tuple(a.astype(np.float32) for a in FIXED))
    want = KATA.result.dtype_of(KATA, case32)
    assert want == (np.dtype(np.float32),) * 4
    y, dx, dgamma, dbeta = (a.astype(np.float32) for a in KATA.reference(*FIXED))
    have = KATA.result.answer_dtype((y, dx, dgamma.astype(np.float64), dbeta))
    message = render(KATA.result.dtype_failure(WHAT, have, want))
    assert "returned dgamma of dtype float64; float32 inputs must give float32" in message


def test_a_mistake_about_one_item_is_named_and_items_are_compared_each_to_its_tolerance() -> None:
    want = KATA.reference(*FIXED)
    KATA.result.compare(None, KATA, want, CASE, WHAT, None)  # type: ignore[arg-type]
    x, gamma, beta, dy = FIXED
    xhat = (want[0] - beta) / gamma
    std = np.sqrt(x.var(axis=-1, keepdims=True) + 1e-5)
    constant = dy * gamma / std  # the backward that treats μ and σ as constants
    with pytest.raises(CheckFailed) as named:
        KATA.result.compare(None, KATA, (want[0], constant, want[2], want[3]), CASE, WHAT, None)  # type: ignore[arg-type]
    assert render(named.value.hint) == render(KATA.msg("mistake.dx-constant-stats"))
    assert render(named.value.message).startswith(f"{WHAT}: dx")
    raw = (dy * x).sum(axis=0)  # dγ from the raw input
    assert not np.allclose(raw, (dy * xhat).sum(axis=0))
    with pytest.raises(CheckFailed) as dgamma:
        KATA.result.compare(None, KATA, (*want[:2], raw, want[3]), CASE, WHAT, None)  # type: ignore[arg-type]
    assert render(dgamma.value.hint) == render(KATA.msg("mistake.dgamma-raw-x"))
    # An error no mistake explains: the item's own hint (Arrays.hints) and its name.
    off = want[3] + 0.1
    with pytest.raises(CheckFailed) as plain:
        KATA.result.compare(None, KATA, (*want[:3], off), CASE, WHAT, None)  # type: ignore[arg-type]
    assert render(plain.value.hint) == render(KATA.msg("hint.dparams"))
    assert render(plain.value.message).startswith(f"{WHAT}: dbeta")
    # One tolerance per item: dβ sums N = 2 rows of |dy| <= 2, so 8 ulps of 4 in float32.
    tols = KATA.result.tolerances(KATA, Case(tuple(a.astype(np.float32) for a in FIXED)), False)
    eps32 = float(np.finfo(np.float32).eps)
    assert len(tols) == 4 and tols[3] == (pytest.approx(8 * eps32 * 4), 1e-4)
    assert len({atol for atol, _ in tols}) == 4
    # Within an item's tolerance passes; beyond it fails, item by item.
    y32 = want[0] + 0.5 * tols[0][0]
    KATA.result.compare(None, KATA, (y32, *want[1:]), Case(tuple(a.astype(np.float32) for a in FIXED)), WHAT,
                        None)  # type: ignore[arg-type]


def test_arrays_refuses_a_single_item_or_a_hint_for_no_item() -> None:
    with pytest.raises(ValueError, match="at least two"):
        Arrays((("y", "x"),))
    with pytest.raises(ValueError, match="not an item"):
        Arrays((("y", "x"), ("dx", "x")), hints={"dz": "hint.dx"})


def test_the_item_hints_are_among_the_messages_the_contract_names() -> None:
    keys = KATA.message_keys()
    assert {"hint.forward", "hint.dx", "hint.dparams", "formula.backward"} <= set(keys)


def _gradient(fn) -> CheckFailed | None:
    ctx = CheckContext(InProcess(fn), KATA.function, InputRng(7, 1), "", check_id="gradient")
    check = next(c for c in KATA.checks if c.id == "gradient")
    try:
        check.run(ctx)
    except CheckFailed as failed:
        return failed
    return None


def test_forward_backward_passes_the_reference_and_tells_which_part_is_off() -> None:
    assert _gradient(KATA.reference) is None

    def wrong_forward(x, gamma, beta, dy, eps=1e-5):  # right gradients, y scaled: the forward is off
        y, dx, dgamma, dbeta = KATA.reference(x, gamma, beta, dy, eps)
        return 1.5 * y, dx, dgamma, dbeta

    said = render(_gradient(wrong_forward).message)
    assert "is not the derivative of L = Σ dy·y computed from the returned y" in said
    assert "dx matches the formula, so the forward output y is what is off" in said

    def wrong_dx(x, gamma, beta, dy, eps=1e-5):  # right forward, dx of constant statistics
        y, dx, dgamma, dbeta = KATA.reference(x, gamma, beta, dy, eps)
        std = np.sqrt(np.var(x, axis=-1, keepdims=True) + eps)
        return y, dy * gamma / std, dgamma, dbeta

    failed = _gradient(wrong_dx)
    assert "the returned y has the right derivative, so dx is what is off" in render(failed.message)
    assert "所以是 dx 算错了" in render(failed.message, "zh")
    assert render(failed.hint) == render(KATA.msg("hint.dx"))

    def wrong_dbeta(x, gamma, beta, dy, eps=1e-5):
        y, dx, dgamma, dbeta = KATA.reference(x, gamma, beta, dy, eps)
        return y, dx, dgamma, 2 * dbeta

    assert "so dbeta is what is off" in render(_gradient(wrong_dbeta).message)


def test_an_item_shaped_by_a_function_of_the_arguments() -> None:
    pool = get_kata("max-pool")  # y is (N, C, H_out, W_out), from x, kernel_size and stride
    x = np.zeros((2, 3, 7, 6))
    case = Case((x, np.zeros((2, 3, 3, 2)), 3, 2))
    assert pool.result.shapes(pool, case) == [(2, 3, 3, 2), (2, 3, 7, 6)]
    assert pool.result.dtype_of(pool, Case((x.astype(np.float32), *case.args[1:]))) == (np.dtype(np.float32),) * 2
    with pytest.raises(CheckFailed) as failed:
        pool.result.accept(pool, _result((np.zeros((2, 3, 2, 2)), x)), WHAT, case)
    assert "returned a y of shape (2, 3, 2, 2); expected (2, 3, 3, 2)" in render(failed.value.message)
