"""Spaced repetition with FSRS (the ``fsrs`` package, Anki's scheduler).

Every graded answer rates its question's card: *wrong* is Again, *partial* is Hard,
*right* is Good; ``card`` questions carry the learner's own rating (Again/Hard/Good/Easy).
Cards live in the progress store keyed by question id, apart from the banks; cards whose
question vanished from the banks are ignored by :meth:`Reviewer.due` and the forecast.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container
from datetime import UTC, date, datetime, timedelta

from fsrs import Card, Rating, Scheduler

from kata.errors import StoreError
from kata.quiz.grading import Grade, SelfRating, Verdict
from kata.quiz.model import Question, QuestionType
from kata.store import ReviewUpdate, Store, UndoneReview

RATING_FOR_VERDICT: dict[Verdict, Rating] = {
    Verdict.WRONG: Rating.Again,
    Verdict.PARTIAL: Rating.Hard,
    Verdict.RIGHT: Rating.Good,
}
RATING_FOR_SELF: dict[SelfRating, Rating] = {
    SelfRating.AGAIN: Rating.Again,
    SelfRating.HARD: Rating.Hard,
    SelfRating.GOOD: Rating.Good,
    SelfRating.EASY: Rating.Easy,
}


def rating_for(question: Question, grade: Grade) -> Rating:
    """The FSRS rating of a graded answer (a card's self-rating, else from the verdict)."""
    if question.type is QuestionType.CARD and isinstance(grade.value, SelfRating):
        return RATING_FOR_SELF[grade.value]
    return RATING_FOR_VERDICT[grade.verdict]


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("pass an aware datetime (UTC)")
    return now.astimezone(UTC)


def _card_id(question_id: str) -> int:
    """A stable card id for FSRS (which otherwise uses the creation time and sleeps 1 ms)."""
    return int.from_bytes(hashlib.sha256(question_id.encode()).digest()[:6], "big")


def format_interval(interval: timedelta) -> str:
    """A short human form of an interval: ``<1m``, ``10m``, ``5h``, ``3d``, ``2mo``, ``1.5y``."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{round(days / 30.4)}mo"
    return f"{days / 365:.1f}y".replace(".0y", "y")


def without_fuzzing(scheduler: Scheduler) -> Scheduler:
    """The same scheduler without interval fuzzing: the same card, rating and time give
    the same due date every time."""
    return Scheduler(
        parameters=scheduler.parameters,
        desired_retention=scheduler.desired_retention,
        learning_steps=scheduler.learning_steps,
        relearning_steps=scheduler.relearning_steps,
        maximum_interval=scheduler.maximum_interval,
        enable_fuzzing=False,
    )


class Reviewer:
    """FSRS wired to the progress store.

    ``scheduler`` defaults to FSRS's standard parameters with interval fuzzing; previews
    use the same parameters without fuzzing, so a shown "4d" may land a day either side.
    """

    def __init__(self, store: Store, scheduler: Scheduler | None = None) -> None:
        self.store = store
        self.scheduler = scheduler or Scheduler()
        self._exact = without_fuzzing(self.scheduler)

    def card(self, question_id: str, *, now: datetime | None = None) -> Card:
        """The question's card: stored, or a new one due ``now``."""
        stored = self.store.card(question_id)
        if stored is None:
            return Card(card_id=_card_id(question_id), due=_utc(now))
        try:
            return Card.from_json(stored)
        except (ValueError, KeyError, TypeError) as err:
            raise StoreError(
                f"the review card of '{question_id}' in {self.store.path} is damaged ({err}); "
                "restore a backup or move the file aside"
            ) from None

    def plan(
        self,
        question_id: str,
        rating: Rating,
        *,
        now: datetime | None = None,
        duration_ms: int | None = None,
    ) -> ReviewUpdate:
        """The card's state after ``rating``, not yet stored (pass it to
        :meth:`Store.record_answer` to store it with the answer, atomically)."""
        moment = _utc(now)
        card, _ = self.scheduler.review_card(self.card(question_id, now=moment), rating, moment)
        return ReviewUpdate(
            question_id=question_id,
            card=card.to_json(),
            due=card.due.timestamp(),
            rating=int(rating),
            reviewed_at=moment.timestamp(),
            duration_ms=duration_ms,
        )

    def rate(
        self,
        question_id: str,
        rating: Rating,
        *,
        now: datetime | None = None,
        duration_ms: int | None = None,
    ) -> datetime:
        """Rate a card without an answer row; returns when it is due next."""
        update = self.plan(question_id, rating, now=now, duration_ms=duration_ms)
        self.store.review(update)
        return datetime.fromtimestamp(update.due, UTC)

    def preview(self, question_id: str, *, now: datetime | None = None) -> dict[Rating, timedelta]:
        """For each rating, how long until the card would be due again (before fuzzing)."""
        moment = _utc(now)
        card = self.card(question_id, now=moment)
        return {
            rating: self._exact.review_card(card, rating, moment)[0].due - moment
            for rating in Rating
        }

    def undo(self) -> UndoneReview | None:
        """Take back the latest rating (and the answer that made it)."""
        return self.store.undo_last_review()

    def due(
        self, known: Container[str], *, now: datetime | None = None, limit: int | None = None
    ) -> list[str]:
        """Ids of cards due at ``now`` whose question is in ``known``, most overdue first."""
        cutoff = _utc(now).timestamp()
        ids = [qid for qid, due in self.store.card_dues() if due <= cutoff and qid in known]
        return ids if limit is None else ids[:limit]

    def forecast(
        self, known: Container[str], *, days: int = 14, now: datetime | None = None
    ) -> list[tuple[date, int]]:
        """Cards due on each of the next ``days`` local days; overdue cards count today."""
        today = _utc(now).astimezone().date()
        counts = [0] * days
        for qid, due in self.store.card_dues():
            if qid not in known:
                continue
            offset = (datetime.fromtimestamp(due).date() - today).days
            if offset < days:
                counts[max(offset, 0)] += 1
        return [(today + timedelta(days=i), n) for i, n in enumerate(counts)]
