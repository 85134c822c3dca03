"""Katas in review: every kata you submitted has an FSRS card, and comes back in Review
when the card is due, next to the questions.

Each graded submission (from the app or ``kata check``) rates its kata's card:

* failed, or an error (the file did not run): **Again**;
* passed after a hint was shown, or slower than the kata's suggested time: **Hard**;
* passed without a hint in at most half the suggested time (:data:`EASY_SHARE`): **Easy**;
* any other pass, an untimed one too (its time is not known): **Good**.

Katas have their own scheduler: FSRS's parameters, without its learning steps, so a kata
comes back after whole days: a failed kata tomorrow (with FSRS's standard parameters),
not in a minute, since doing a ten-minute kata again a minute after failing it is
practice, not review. Attempts recorded before kata cards existed (a store of schema
version 1) still count: a kata with attempts and no stored card has the card those
attempts give, replayed in order (a pass Good, anything else Again, as their hints and
ratings were not recorded), until its next submission stores one.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler

from kata.errors import StoreError
from kata.quiz.scheduling import _card_id, _utc, without_fuzzing
from kata.store import KataAttempt, KataCardUpdate, Store

#: A pass in at most this share of the kata's suggested time (and without a hint) is Easy.
EASY_SHARE = 0.5


def kata_scheduler(*, enable_fuzzing: bool = True) -> Scheduler:
    """FSRS's standard parameters, intervals in whole days from the first rating on."""
    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=enable_fuzzing)


def kata_rating(
    status: str,
    *,
    hints: int | None = None,
    elapsed_s: float | None = None,
    time_limit_s: float | None = None,
) -> Rating:
    """The FSRS rating of one graded submission (see the module docstring)."""
    if status != "pass":
        return Rating.Again
    timed = elapsed_s is not None and time_limit_s is not None and time_limit_s > 0
    if hints or (timed and elapsed_s > time_limit_s):  # type: ignore[operator]
        return Rating.Hard
    if timed and elapsed_s <= EASY_SHARE * time_limit_s:  # type: ignore[operator]
        return Rating.Easy
    return Rating.Good


def _replayed_rating(attempt: KataAttempt) -> Rating:
    if attempt.rating is not None:
        return Rating(attempt.rating)
    return Rating.Good if attempt.status == "pass" else Rating.Again


@dataclass(frozen=True, slots=True)
class DueKata:
    """A kata whose card is due: when it fell due, and how its latest attempt went."""

    kata_id: str
    due: datetime
    last_status: str | None
    last_at: datetime | None


class KataReviewer:
    """The katas' FSRS cards, wired to the progress store.

    ``scheduler`` defaults to :func:`kata_scheduler` (with interval fuzzing); cards worked
    out from older attempts use the same parameters without fuzzing, so they come out the
    same every time.
    """

    def __init__(self, store: Store, scheduler: Scheduler | None = None) -> None:
        self.store = store
        self.scheduler = scheduler or kata_scheduler()
        self._exact = without_fuzzing(self.scheduler)

    # -- cards ---------------------------------------------------------------------------

    def _stored(self, kata_id: str) -> Card | None:
        stored = self.store.kata_card(kata_id)
        if stored is None:
            return None
        try:
            return Card.from_json(stored)
        except (ValueError, KeyError, TypeError) as err:
            raise StoreError(
                f"the review card of the kata '{kata_id}' in {self.store.path} is damaged ({err}); "
                "restore a backup or move the file aside"
            ) from None

    def _replayed(self) -> dict[str, Card]:
        """The cards of katas attempted before kata cards were stored."""
        cards: dict[str, Card] = {}
        for attempt in self.store.attempts_without_card():
            moment = datetime.fromtimestamp(attempt.attempted_at, UTC)
            card = cards.get(attempt.kata_id) or Card(card_id=_card_id("kata:" + attempt.kata_id), due=moment)
            cards[attempt.kata_id] = self._exact.review_card(card, _replayed_rating(attempt), moment)[0]
        return cards

    def card(self, kata_id: str) -> Card | None:
        """The kata's card: stored, or worked out from its older attempts; None if the
        kata was never submitted."""
        stored = self._stored(kata_id)
        return stored if stored is not None else self._replayed().get(kata_id)

    def plan(
        self,
        kata_id: str,
        status: str,
        *,
        hints: int | None = None,
        elapsed_s: float | None = None,
        time_limit_s: float | None = None,
        now: datetime | None = None,
    ) -> KataCardUpdate:
        """The kata's card after a submission that went ``status`` (pass, fail or
        error), not yet stored: pass it to :meth:`Store.record_graded` (or
        :meth:`Store.record_kata_attempt`), which stores it with the attempt, atomically."""
        moment = _utc(now)
        rating = kata_rating(status, hints=hints, elapsed_s=elapsed_s, time_limit_s=time_limit_s)
        card = self.card(kata_id) or Card(card_id=_card_id("kata:" + kata_id), due=moment)
        after, _ = self.scheduler.review_card(card, rating, moment)
        return KataCardUpdate(
            kata_id=kata_id,
            card=after.to_json(),
            due=after.due.timestamp(),
            rating=int(rating),
            reviewed_at=moment.timestamp(),
        )

    def preview(self, kata_id: str, *, now: datetime | None = None) -> dict[Rating, timedelta]:
        """For each rating, how long until the kata would be due again (before fuzzing)."""
        moment = _utc(now)
        card = self.card(kata_id) or Card(card_id=_card_id("kata:" + kata_id), due=moment)
        return {rating: self._exact.review_card(card, rating, moment)[0].due - moment for rating in Rating}

    # -- the queue -------------------------------------------------------------------------

    def dues(self, known: Container[str]) -> list[tuple[str, float]]:
        """(kata id, due time) of every kata card whose kata is in ``known``, soonest first."""
        dues = dict(self.store.kata_card_dues())
        for kata_id, card in self._replayed().items():
            dues.setdefault(kata_id, card.due.timestamp())
        return sorted(((k, d) for k, d in dues.items() if k in known), key=lambda item: (item[1], item[0]))

    def due(self, known: Container[str], *, now: datetime | None = None) -> list[DueKata]:
        """The katas in ``known`` due at ``now``, most overdue first."""
        cutoff = _utc(now).timestamp()
        bests = self.store.kata_bests()
        out = []
        for kata_id, due in self.dues(known):
            if due > cutoff:
                break
            best = bests.get(kata_id)
            out.append(
                DueKata(
                    kata_id=kata_id,
                    due=datetime.fromtimestamp(due, UTC),
                    last_status=best.last_status if best else None,
                    last_at=datetime.fromtimestamp(best.last_at, UTC) if best else None,
                )
            )
        return out
