"""Grading of every question type: right, partial and wrong."""

from __future__ import annotations

import math

import pytest

from kata.quiz import (
    Catalog,
    InvalidAnswer,
    Question,
    QuestionType,
    SelfRating,
    Text,
    Tolerance,
    Verdict,
    grade,
    normalise_text,
    parse_number,
)
from kata.quiz.model import Choice


def test_single_right_and_wrong_with_why(catalog: Catalog) -> None:
    question = catalog.question("s-single")
    right = grade(question, 0)
    assert (right.score, right.verdict, right.wrong_picks, right.missed) == (
        1.0,
        Verdict.RIGHT,
        (),
        (),
    )
    wrong = grade(question, 2)
    assert (wrong.score, wrong.verdict, wrong.missed) == (0.0, Verdict.WRONG, (0,))
    assert [(f.index, f.why.get("en")) for f in wrong.wrong_picks] == [(2, "That is tanh.")]


@pytest.mark.parametrize(
    "picked, score, verdict",
    [
        ({0, 1}, 1.0, Verdict.RIGHT),
        ({0}, 0.5, Verdict.PARTIAL),
        ({0, 1, 2}, 0.5, Verdict.PARTIAL),  # 1 - 1/2
        ({0, 2}, 0.0, Verdict.WRONG),  # 1/2 - 1/2
        ({2, 3}, 0.0, Verdict.WRONG),  # clamped at 0
        (set(), 0.0, Verdict.WRONG),
        ({0, 1, 2, 3}, 0.0, Verdict.WRONG),  # picking everything earns nothing
    ],
)
def test_multi_partial_credit(
    catalog: Catalog, picked: set[int], score: float, verdict: Verdict
) -> None:
    result = grade(catalog.question("s-multi"), picked)
    assert (result.score, result.verdict) == (score, verdict)


def test_multi_reports_wrong_picks_and_missed(catalog: Catalog) -> None:
    result = grade(catalog.question("s-multi"), [1, 3])
    assert [f.index for f in result.wrong_picks] == [3]
    assert result.wrong_picks[0].why.get("zh") == "单个数字"
    assert result.missed == (0,)
    assert result.value == [1, 3]


def test_multi_thirds_add_up_to_exactly_right() -> None:
    choices = tuple(Choice(Text.plain(str(i)), correct=i < 3) for i in range(4))
    question = Question(
        "m", QuestionType.MULTI, 1, Text.plain("?"), Text.plain("."), "b", choices=choices
    )
    assert grade(question, [0, 1, 2]).verdict is Verdict.RIGHT
    assert grade(question, [0, 1]).score == pytest.approx(2 / 3)


def test_multi_with_every_choice_correct_has_no_penalty() -> None:
    choices = tuple(Choice(Text.plain(str(i)), correct=True) for i in range(3))
    question = Question(
        "m", QuestionType.MULTI, 1, Text.plain("?"), Text.plain("."), "b", choices=choices
    )
    assert grade(question, [0]).score == pytest.approx(1 / 3)


def test_true_false(catalog: Catalog) -> None:
    question = catalog.question("s-tf")
    assert grade(question, True).verdict is Verdict.RIGHT
    assert grade(question, False).verdict is Verdict.WRONG
    with pytest.raises(InvalidAnswer):
        grade(question, "true")


@pytest.mark.parametrize(
    "typed", ["0.25", " .25 ", "1/4", "2.5e-1", "25%", "0.2505", "０．２５", 0.25]
)
def test_numeric_right(catalog: Catalog, typed: object) -> None:
    assert grade(catalog.question("s-numeric"), typed).verdict is Verdict.RIGHT


@pytest.mark.parametrize("typed", ["0.252", "-0.25", "1/3", "25"])
def test_numeric_wrong(catalog: Catalog, typed: str) -> None:
    result = grade(catalog.question("s-numeric"), typed)
    assert (result.score, result.verdict) == (0.0, Verdict.WRONG)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("0,25", "use a dot for decimals"),
        ("a quarter", "is not a number"),
        ("1/0", "divides by zero"),
        ("__import__('os')", "is not a number"),
        ("1e999", "too large"),
        ("9" * 80, "too long"),
    ],
)
def test_numeric_answers_that_cannot_be_graded_ask_again(
    catalog: Catalog, typed: str, message: str
) -> None:
    with pytest.raises(InvalidAnswer, match=message):
        grade(catalog.question("s-numeric"), typed)


def test_parse_number_forms() -> None:
    assert parse_number("−3") == -3.0  # U+2212 minus sign
    assert parse_number("1 / 8") == 0.125
    assert parse_number("+2E3") == 2000.0
    assert parse_number("50 %") == 0.5


def test_tolerances() -> None:
    assert Tolerance().accepts(0.3, 0.1 + 0.2)  # exact, up to binary rounding
    assert not Tolerance().accepts(0.3, 0.3001)
    assert Tolerance(rel=0.01).accepts(200.0, 201.9)
    assert not Tolerance(rel=0.01).accepts(200.0, 202.1)
    assert Tolerance(abs=0.5, rel=0.0).accepts(10.0, 10.5)
    assert Tolerance(abs=0.1, rel=0.1).accepts(100.0, 109.0)  # either tolerance suffices


@pytest.mark.parametrize(
    "typed",
    ["logsumexp", "  LOG-sum-EXP ", "log sum exp", "Log-Sum-Exp trick", "ｌｏｇｓｕｍｅｘｐ"],
)
def test_short_right(catalog: Catalog, typed: str) -> None:
    assert grade(catalog.question("s-short"), typed).verdict is Verdict.RIGHT


@pytest.mark.parametrize("typed", ["softmax", "", "   ", "logsumexp is the trick", "log_sum_exp"])
def test_short_wrong(catalog: Catalog, typed: str) -> None:
    assert grade(catalog.question("s-short"), typed).verdict is Verdict.WRONG


def test_short_answer_length_is_bounded(catalog: Catalog) -> None:
    with pytest.raises(InvalidAnswer):
        grade(catalog.question("s-short"), "a" * 501)


def test_normalise_text() -> None:
    assert normalise_text("  Straße\tＡＢＣ \n x ") == "strasse abc x"


@pytest.mark.parametrize(
    "rating, score, verdict",
    [
        (SelfRating.AGAIN, 0.0, Verdict.WRONG),
        ("hard", 0.5, Verdict.PARTIAL),
        ("good", 1.0, Verdict.RIGHT),
        (SelfRating.EASY, 1.0, Verdict.RIGHT),
    ],
)
def test_card_self_rating(catalog: Catalog, rating: object, score: float, verdict: Verdict) -> None:
    result = grade(catalog.question("s-card"), rating)
    assert (result.score, result.verdict, result.value) == (score, verdict, SelfRating(rating))


@pytest.mark.parametrize(
    "qid, answer",
    [
        ("s-single", 3),
        ("s-single", -1),
        ("s-single", True),
        ("s-multi", "01"),
        ("s-multi", [7]),
        ("s-card", "meh"),
    ],
)
def test_malformed_answers_raise_invalid_answer(catalog: Catalog, qid: str, answer: object) -> None:
    with pytest.raises(InvalidAnswer):
        grade(catalog.question(qid), answer)


def test_scores_are_always_within_bounds(catalog: Catalog) -> None:
    import itertools

    question = catalog.question("s-multi")
    for size in range(5):
        for picked in itertools.combinations(range(4), size):
            score = grade(question, picked).score
            assert 0.0 <= score <= 1.0 and not math.isnan(score)
