"""Quiz sessions: which questions, in which order, and what happened.

A :class:`Session` is what the app drives: it shows :attr:`Session.current`, takes
:meth:`Session.answer`, and reports :attr:`Session.progress`, :attr:`Session.score` and a
:meth:`Session.summary`. Answers for choice questions are given in *displayed* positions
(choices are shuffled per question from the session seed); the session maps them back to
the bank's choice indices before grading and storing.

Modes:

* ``practice``: feedback after each answer;
* ``exam``: an optional time limit, feedback only in the summary, no undo;
* ``review``: the cards the scheduler says are due;
* ``retry-wrong``: the questions not answered right in the last session.

With a store, every answer is committed as it is given, together with its review rating.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from fsrs import Rating

from kata.errors import KataError
from kata.quiz.grading import Grade, InvalidAnswer, Verdict, grade
from kata.quiz.model import Catalog, Choice, Question, QuestionType
from kata.quiz.scheduling import Reviewer, rating_for
from kata.store import Store


class Mode(StrEnum):
    PRACTICE = "practice"
    EXAM = "exam"
    REVIEW = "review"
    RETRY_WRONG = "retry-wrong"

    @property
    def shows_feedback(self) -> bool:
        """Whether each answer's grade is shown right away (not in exams)."""
        return self is not Mode.EXAM


class NoQuestions(KataError):
    """Nothing to ask: the selection matched no question, no card is due, or nothing to retry."""


class SessionOver(KataError):
    """The session has finished (all answered, time up, or ended); it takes no more answers."""


@dataclass(frozen=True)
class Selection:
    """Which questions a session may ask. Empty ``banks``/``tags`` mean all; a question
    matches when it has any of ``tags``."""

    banks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    difficulty: tuple[int, int] = (1, 5)
    count: int | None = None

    def matches(self, question: Question) -> bool:
        low, high = self.difficulty
        return (
            (not self.banks or question.bank_id in self.banks)
            and (not self.tags or any(tag in question.tags for tag in self.tags))
            and low <= question.difficulty <= high
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "banks": list(self.banks),
            "tags": list(self.tags),
            "difficulty": list(self.difficulty),
            "count": self.count,
        }


def select_questions(
    catalog: Catalog,
    selection: Selection,
    *,
    mode: Mode,
    seed: int,
    store: Store | None = None,
    reviewer: Reviewer | None = None,
    now: datetime | None = None,
) -> list[Question]:
    """The questions of a new session, in the order they will be asked.

    Raises :class:`NoQuestions` with advice when there is nothing to ask.
    """
    if mode is Mode.REVIEW:
        if reviewer is None:
            raise NoQuestions("review needs the progress store")
        due = [catalog.question(qid) for qid in reviewer.due(catalog, now=now)]
        chosen = [q for q in due if selection.matches(q)]  # most overdue first
        if not chosen:
            raise NoQuestions(
                "no card is due for review: practise some questions first, or come back later"
            )
    elif mode is Mode.RETRY_WRONG:
        missed = store.missed_in_last_session() if store is not None else []
        chosen = [catalog.question(qid) for qid in missed if qid in catalog]
        chosen = [q for q in chosen if selection.matches(q)]
        random.Random(seed).shuffle(chosen)
        if not chosen:
            raise NoQuestions("nothing to retry: every question of your last session was right")
    else:
        chosen = sorted((q for q in catalog if selection.matches(q)), key=lambda q: q.id)
        random.Random(seed).shuffle(chosen)
        if not chosen:
            raise NoQuestions(
                "no question matches these banks, tags and difficulties: widen the selection"
            )
    return chosen if selection.count is None else chosen[: selection.count]


@dataclass(frozen=True)
class Presented:
    """A question as shown: its number in the session and its choices in display order."""

    question: Question
    number: int  # 1-based
    order: tuple[int, ...]  # display position -> bank choice index

    @property
    def choices(self) -> tuple[Choice, ...]:
        return tuple(self.question.choices[i] for i in self.order)

    def bank_index(self, position: int) -> int:
        if not 0 <= position < len(self.order):
            raise InvalidAnswer(f"there is no choice {position + 1}")
        return self.order[position]

    def position(self, bank_index: int) -> int:
        """The displayed position of a bank choice index."""
        return self.order.index(bank_index)


@dataclass(frozen=True)
class Result:
    """One answered question: the grade, where it was stored, and the next review."""

    presented: Presented
    grade: Grade
    answer_id: int | None = None
    next_due: datetime | None = None

    @property
    def question(self) -> Question:
        return self.presented.question


@dataclass(frozen=True)
class Summary:
    mode: Mode
    total: int
    answered: int
    right: int
    partial: int
    wrong: int
    score: float  # sum of scores
    elapsed_s: float
    timed_out: bool
    results: tuple[Result, ...] = field(repr=False, default=())

    @property
    def percent(self) -> float:
        """Score as a percentage of all questions (unanswered ones count 0)."""
        return 100.0 * self.score / self.total if self.total else 0.0

    @property
    def missed(self) -> tuple[Question, ...]:
        return tuple(r.question for r in self.results if r.grade.verdict is not Verdict.RIGHT)


class Session:
    """One run through a list of questions. See the module docstring."""

    def __init__(
        self,
        questions: Sequence[Question],
        *,
        mode: Mode = Mode.PRACTICE,
        seed: int = 0,
        store: Store | None = None,
        reviewer: Reviewer | None = None,
        time_limit_s: float | None = None,
        selection: Selection | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not questions:
            raise NoQuestions("a session needs at least one question")
        self.mode = mode
        self.seed = seed
        self.store = store
        self.reviewer = reviewer if reviewer is not None or store is None else Reviewer(store)
        self.time_limit_s = time_limit_s if mode is Mode.EXAM else None
        self._clock = clock
        self._started = clock()
        self._ended: float | None = None
        self._timed_out = False
        self._items = [
            Presented(q, n, _choice_order(q, seed)) for n, q in enumerate(questions, start=1)
        ]
        self._results: list[Result] = []
        self.id: int | None = None
        if store is not None:
            self.id = store.start_session(
                mode.value,
                seed=seed,
                spec={**(selection or Selection()).as_json(), "questions": [item.question.id for item in self._items]},
                planned=len(self._items),
            )

    @classmethod
    def start(
        cls,
        catalog: Catalog,
        selection: Selection = Selection(),
        *,
        mode: Mode = Mode.PRACTICE,
        seed: int | None = None,
        store: Store | None = None,
        time_limit_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: datetime | None = None,
    ) -> Session:
        """Select questions from ``catalog`` and start a session (the usual entry point)."""
        seed = random.randrange(2**31) if seed is None else seed
        reviewer = Reviewer(store) if store is not None else None
        questions = select_questions(
            catalog, selection, mode=mode, seed=seed, store=store, reviewer=reviewer, now=now
        )
        return cls(
            questions,
            mode=mode,
            seed=seed,
            store=store,
            reviewer=reviewer,
            time_limit_s=time_limit_s,
            selection=selection,
            clock=clock,
        )

    # -- state -----------------------------------------------------------------------

    @property
    def current(self) -> Presented | None:
        """The question to show, or None when the session is finished."""
        if self.finished:
            return None
        return self._items[len(self._results)]

    @property
    def finished(self) -> bool:
        if self._ended is None and self.time_left() == 0.0:
            self._end(timed_out=True)
        return self._ended is not None

    @property
    def planned(self) -> tuple[Presented, ...]:
        """Every question of the session, in the order they are asked."""
        return tuple(self._items)

    @property
    def progress(self) -> tuple[int, int]:
        """(answered, total)."""
        return len(self._results), len(self._items)

    @property
    def score(self) -> float:
        return sum(result.grade.score for result in self._results)

    @property
    def results(self) -> tuple[Result, ...]:
        return tuple(self._results)

    def time_left(self) -> float | None:
        """Seconds left in a timed exam (0.0 when up), None when untimed."""
        if self.time_limit_s is None:
            return None
        now = self._ended if self._ended is not None else self._clock()
        return max(0.0, self.time_limit_s - (now - self._started))

    def preview(self, *, now: datetime | None = None) -> dict[Rating, timedelta] | None:
        """For the current question, when each rating would bring it back (None without a
        store or when finished); label the card buttons with :func:`format_interval`."""
        presented = self.current
        if presented is None or self.reviewer is None:
            return None
        return self.reviewer.preview(presented.question.id, now=now)

    # -- actions ---------------------------------------------------------------------

    def answer(
        self, given: object, *, duration_ms: int | None = None, now: datetime | None = None
    ) -> Result:
        """Grade and record an answer to :attr:`current`.

        ``given`` is as in :mod:`kata.quiz.grading` except that choices are *displayed*
        positions (0-based). Raises :class:`InvalidAnswer` (ask again) or
        :class:`SessionOver`.
        """
        presented = self.current
        if presented is None:
            raise SessionOver("time is up" if self._timed_out else "this session has finished")
        question = presented.question
        if question.type is QuestionType.SINGLE:
            given = presented.bank_index(_position(given))
        elif question.type is QuestionType.MULTI:
            if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
                raise InvalidAnswer("pick the choices by their positions")
            given = sorted({presented.bank_index(_position(p)) for p in given})
        result_grade = grade(question, given)
        answer_id = next_due = None
        if self.store is not None:
            review = None
            if self.reviewer is not None:
                review = self.reviewer.plan(
                    question.id,
                    rating_for(question, result_grade),
                    now=now,
                    duration_ms=duration_ms,
                )
                next_due = datetime.fromtimestamp(review.due, UTC)
            answer_id = self.store.record_answer(
                question_id=question.id,
                bank_id=question.bank_id,
                given=_jsonable(result_grade.value),
                score=result_grade.score,
                verdict=result_grade.verdict.value,
                session_id=self.id,
                duration_ms=duration_ms,
                review=review,
            )
        result = Result(presented, result_grade, answer_id, next_due)
        self._results.append(result)
        if len(self._results) == len(self._items):
            self._end(timed_out=False)
        return result

    def can_undo(self) -> bool:
        """Whether :meth:`undo` would take back the last answer (not in exams)."""
        if self.mode is Mode.EXAM or not self._results or self._timed_out:
            return False
        last = self._results[-1]
        if self.store is None or last.answer_id is None:
            return True
        if self.reviewer is None:
            return False
        return self.store.last_review() == (last.question.id, last.answer_id)

    def undo(self) -> Presented | None:
        """Take back the last answer and its rating; returns the question to ask again."""
        if not self.can_undo():
            return None
        last = self._results.pop()
        if self.store is not None and last.answer_id is not None and self.reviewer is not None:
            self.reviewer.undo()
        self._ended = None
        return last.presented

    def finish(self) -> Summary:
        """End the session now (unanswered questions score 0) and summarise it."""
        if self._ended is None:
            self._end(timed_out=False)
        return self.summary()

    def summary(self) -> Summary:
        verdicts = [result.grade.verdict for result in self._results]
        end = self._ended if self._ended is not None else self._clock()
        return Summary(
            mode=self.mode,
            total=len(self._items),
            answered=len(self._results),
            right=verdicts.count(Verdict.RIGHT),
            partial=verdicts.count(Verdict.PARTIAL),
            wrong=verdicts.count(Verdict.WRONG),
            score=self.score,
            elapsed_s=end - self._started,
            timed_out=self._timed_out,
            results=tuple(self._results),
        )

    def _end(self, *, timed_out: bool) -> None:
        self._timed_out = timed_out
        self._ended = self._clock()
        if timed_out and self.time_limit_s is not None:
            self._ended = min(self._ended, self._started + self.time_limit_s)
        if self.store is not None and self.id is not None:
            self.store.finish_session(self.id)


def _choice_order(question: Question, seed: int) -> tuple[int, ...]:
    """The displayed order of a question's choices: a shuffle that depends only on the
    session seed and the question id, so it is the same wherever the question comes."""
    order = list(range(len(question.choices)))
    random.Random(f"{seed}:{question.id}").shuffle(order)
    return tuple(order)


def _position(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswer("pick a choice by its position")
    return value


def _jsonable(value: object) -> object:
    return value.value if isinstance(value, StrEnum) else value
