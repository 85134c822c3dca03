"""The ``Indices`` result kind: a 1-D array of integer indices, compared exactly and in
order, with a kata's mistakes named (here the nms kata's)."""

from __future__ import annotations

import numpy as np
import pytest

from kata.exercises import get_kata
from kata.harness import CheckFailed, Indices
from kata.harness.calls import CallResult, Returned
from kata.harness.contract import Case
from kata.harness.messages import render


def _returned(arr: np.ndarray) -> CallResult:
    return CallResult(ok=True, value=Returned(kind="array", type_name="ndarray", array=arr))


KATA = get_kata("nms")
FIXED = KATA.basic[0]
CASE = Case(FIXED)


def test_integer_indices_are_accepted_and_other_forms_named() -> None:
    kind = Indices()
    got = kind.accept(KATA, _returned(np.array([1, 2], dtype=np.int32)), "nms(...)", CASE)
    assert got.tolist() == [1, 2] and kind.answer_dtype(got) == np.int64
    whole = kind.accept(KATA, _returned(np.array([1.0, 2.0])), "nms(...)", CASE)
    assert kind.answer_dtype(whole) == np.float64  # accepted for its values; the dtype check refuses it
    with pytest.raises(CheckFailed) as not_1d:
        kind.accept(KATA, _returned(np.zeros((2, 2), dtype=np.int64)), "nms(...)", CASE)
    assert "1-D array of indices" in render(not_1d.value.message)
    with pytest.raises(CheckFailed) as fractional:
        kind.accept(KATA, _returned(np.array([0.5, 1.0])), "nms(...)", CASE)
    assert "integer indices" in render(fractional.value.message)


def test_indices_are_compared_in_order_and_a_classic_mistake_is_named() -> None:
    kind = Indices()
    want = KATA.reference(*FIXED)
    assert want.tolist() == [1, 2]  # by score 0.9, 0.8; 0 and 3 overlap box 1, 4 lies inside box 2
    kind.compare(None, KATA, want.astype(np.int32), CASE, "nms(...)", None)  # type: ignore[arg-type]
    with pytest.raises(CheckFailed) as reordered:
        kind.compare(None, KATA, want[::-1].copy(), CASE, "nms(...)", None)  # type: ignore[arg-type]
    assert reordered.value.hint is None
    unsorted = next(m for m in KATA.mistakes if m.key == "unsorted").candidates(CASE)[0]
    assert not np.array_equal(unsorted, want)
    with pytest.raises(CheckFailed) as named:
        kind.compare(None, KATA, np.asarray(unsorted), CASE, "nms(...)", None)  # type: ignore[arg-type]
    assert render(named.value.hint) == render(KATA.msg("mistake.unsorted"))


def test_allowed_differences_pass_and_others_do_not() -> None:
    """``allowed`` says where an index that differs from the reference's is right all the same;
    an answer passes when every difference is allowed, and never with another length."""
    want = KATA.reference(*FIXED)  # [1, 2]
    swapped = np.array([2, 1])
    Indices(allowed=lambda case, got, want: np.ones(got.shape, dtype=bool)).compare(
        None, KATA, swapped, CASE, "nms(...)", None)  # type: ignore[arg-type]
    only_first = Indices(allowed=lambda case, got, want: np.arange(len(got)) == 0)
    only_first.compare(None, KATA, np.array([7, 2]), CASE, "nms(...)", None)  # type: ignore[arg-type]
    with pytest.raises(CheckFailed):
        only_first.compare(None, KATA, swapped, CASE, "nms(...)", None)  # type: ignore[arg-type]
    with pytest.raises(CheckFailed):
        Indices(allowed=lambda case, got, want: np.ones(got.shape, dtype=bool)).compare(
            None, KATA, np.append(want, 3), CASE, "nms(...)", None)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_statement_of_indices_gives_no_float_tolerance(lang: str) -> None:
    from kata.harness.statement import _HEADINGS, render_statement

    plain = render_statement(KATA, lang)
    assert _HEADINGS[lang]["indices"] in plain and "atol" not in plain
    sampled = render_statement(get_kata("softmax-temperature-sample"), lang)
    assert _HEADINGS[lang]["indices-allowed"] in sampled and "atol" not in sampled
