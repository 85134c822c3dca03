"""Grade one answer to one question: a score in [0, 1] and a verdict.

Answers are given in bank terms (choice indices as in the bank file, not as displayed;
:class:`kata.quiz.session.Session` maps displayed positions back):

============  ==========================================================================
type          answer
============  ==========================================================================
single        the index of the picked choice (``int``)
multi         the indices of the picked choices (any iterable of ``int``, may be empty)
true-false    ``bool``
numeric       the text the learner typed (``str``) or a number; see :func:`parse_number`
short         the text the learner typed (``str``); see :func:`normalise_text`
card          the learner's self-rating: a :class:`SelfRating` or its name (``"good"``)
============  ==========================================================================

``multi`` uses Moodle-style partial credit: with ``k`` correct choices out of ``n``, each
correct choice picked adds 1/k and each wrong one picked subtracts 1/(n - k); the total is
clamped to [0, 1]. A score of 1 is *right*, 0 is *wrong*, anything between is *partial*.
An answer that cannot be graded at all (a number that does not parse) raises
:class:`InvalidAnswer` so the app can ask again without counting an attempt.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING

from kata.errors import UsageError
from kata.quiz.patterns import MAX_PATTERN_INPUT

if TYPE_CHECKING:
    from kata.quiz.model import Question, Text

#: Longest typed answer graded (longer ones are refused: they are never right and
#: would make regular expressions slow).
MAX_ANSWER_CHARS = 500


class Verdict(StrEnum):
    RIGHT = "right"
    PARTIAL = "partial"
    WRONG = "wrong"


class SelfRating(StrEnum):
    """How well a ``card`` was recalled, in the learner's own judgement (Anki's buttons)."""

    AGAIN = "again"
    HARD = "hard"
    GOOD = "good"
    EASY = "easy"


_CARD_SCORES = {
    SelfRating.AGAIN: 0.0,
    SelfRating.HARD: 0.5,
    SelfRating.GOOD: 1.0,
    SelfRating.EASY: 1.0,
}


class InvalidAnswer(UsageError):
    """The answer cannot be graded (for example ``"0,25"`` for a number); ask again."""


@dataclass(frozen=True, slots=True)
class ChoiceFeedback:
    """A choice the learner picked that is wrong, with why (bank index)."""

    index: int
    text: Text
    why: Text | None


@dataclass(frozen=True, slots=True)
class Grade:
    """The result of grading one answer.

    ``wrong_picks`` are the picked choices that are wrong (with their ``why``) and
    ``missed`` the bank indices of correct choices not picked; ``value`` is the answer as
    understood (the parsed number, the normalised text, the self-rating).
    """

    score: float
    verdict: Verdict
    wrong_picks: tuple[ChoiceFeedback, ...] = ()
    missed: tuple[int, ...] = ()
    value: object = None

    @property
    def right(self) -> bool:
        return self.verdict is Verdict.RIGHT


def verdict_for(score: float) -> Verdict:
    if score >= 1.0:
        return Verdict.RIGHT
    if score <= 0.0:
        return Verdict.WRONG
    return Verdict.PARTIAL


def normalise_text(text: str) -> str:
    """Unicode NFKC, case folding, and runs of whitespace collapsed to one space.

    Full-width letters typed with a Chinese input method match their ASCII forms, and
    ``"  Log-Sum-Exp "`` equals ``"log-sum-exp"``.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[-+]?[0-9]+)?"
_NUMBER_FORMS = re.compile(rf"({_NUMBER})(?:\s*/\s*({_NUMBER}))?\s*(%)?")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


def parse_number(text: str) -> float:
    """A number typed by a learner.

    Accepted: decimals (``0.25``, ``.25``, ``-3``), scientific notation (``2.5e-1``), a
    fraction of two such numbers (``1/4``), and a percentage (``25%`` is 0.25). Full-width
    digits and the Unicode minus sign are understood; spaces around are ignored.
    Commas are refused rather than guessed (``0,25`` and ``1,000`` mean different things
    in different countries). Nothing is ever evaluated as code.
    """
    if len(text) > 64:
        raise InvalidAnswer("that is too long for a number: type it like 0.25, 1/4 or 2.5e-1")
    cleaned = unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).strip().lower()
    if "," in cleaned:
        raise InvalidAnswer("use a dot for decimals and no thousands separators, like 0.25 or 1000")
    match = _NUMBER_FORMS.fullmatch(cleaned)
    if not match:
        raise InvalidAnswer(
            f"{text.strip()!r} is not a number: type it like 0.25, 1/4, 2.5e-1 or 25%"
        )
    value = float(match[1])
    if match[2] is not None:
        denominator = float(match[2])
        if denominator == 0:
            raise InvalidAnswer("that fraction divides by zero")
        value /= denominator
    if match[3]:
        value /= 100
    if not math.isfinite(value):
        raise InvalidAnswer("that number is too large")
    return value


def grade(question: Question, answer: object) -> Grade:
    """Grade ``answer`` (in bank terms, see the module docstring) to ``question``."""
    from kata.quiz.model import QuestionType

    kind = question.type
    if kind is QuestionType.SINGLE:
        return _grade_choices(question, [_index(question, answer)])
    if kind is QuestionType.MULTI:
        if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable):
            raise InvalidAnswer("a multi answer is a collection of choice indices")
        return _grade_choices(question, [_index(question, item) for item in answer])
    if kind is QuestionType.TRUE_FALSE:
        if not isinstance(answer, bool):
            raise InvalidAnswer("a true-false answer is true or false")
        score = 1.0 if answer == question.answer else 0.0
        return Grade(score, verdict_for(score), value=answer)
    if kind is QuestionType.NUMERIC:
        if isinstance(answer, bool) or not isinstance(answer, (str, int, float)):
            raise InvalidAnswer("a numeric answer is a number or the text of one")
        value = parse_number(answer) if isinstance(answer, str) else float(answer)
        assert isinstance(question.answer, float)
        score = 1.0 if question.tolerance.accepts(question.answer, value) else 0.0
        return Grade(score, verdict_for(score), value=value)
    if kind is QuestionType.SHORT:
        if not isinstance(answer, str):
            raise InvalidAnswer("a short answer is a text")
        if len(answer) > MAX_ANSWER_CHARS:
            raise InvalidAnswer(f"that answer is longer than {MAX_ANSWER_CHARS} characters")
        text = normalise_text(answer)
        ok = bool(text) and (
            text in question.accept
            or (len(text) <= MAX_PATTERN_INPUT and any(p.fullmatch(text) for p in question.patterns))
        )
        score = 1.0 if ok else 0.0
        return Grade(score, verdict_for(score), value=text)
    if not isinstance(answer, str) or answer not in _CARD_SCORES:
        raise InvalidAnswer("rate a card again, hard, good or easy")
    rating = SelfRating(answer)
    score = _CARD_SCORES[rating]
    return Grade(score, verdict_for(score), value=rating)


def _index(question: Question, answer: object) -> int:
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise InvalidAnswer("a choice is picked by its index")
    if not 0 <= answer < len(question.choices):
        raise InvalidAnswer(f"there is no choice {answer} (there are {len(question.choices)})")
    return answer


def _grade_choices(question: Question, picked: list[int]) -> Grade:
    chosen = set(picked)
    correct = set(question.correct_indices)
    wrong = len(question.choices) - len(correct)
    score = Fraction(len(chosen & correct), len(correct))
    if wrong:
        score -= Fraction(len(chosen - correct), wrong)
    score = min(max(score, Fraction(0)), Fraction(1))
    feedback = tuple(
        ChoiceFeedback(index, question.choices[index].text, question.choices[index].why)
        for index in sorted(chosen - correct)
    )
    missed = tuple(sorted(correct - chosen))
    value = sorted(chosen) if question.type == "multi" else picked[0]
    return Grade(float(score), verdict_for(float(score)), feedback, missed, value)
