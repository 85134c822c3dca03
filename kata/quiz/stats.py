"""Progress aggregates for ``kata stats`` and the app's statistics screen.

Accuracy is the mean score of all answers given (a partial answer to a ``multi`` question
counts its fraction). Banks and tags come weakest first. Per-tag figures use the tags of the banks as loaded now; answers to
questions that vanished from the banks still count for their bank, but not for a tag, a
due count or the forecast.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from kata.quiz.katas import KataReviewer
from kata.quiz.model import Catalog
from kata.quiz.scheduling import Reviewer
from kata.store import KataBest, Store


#: Tags that say where a question came from (the seed article, a correction of it), not
#: what it is about: kept in the banks for their authors, left out of the per-tag figures.
PROVENANCE_TAGS = frozenset({"seed", "seed-correction"})


def weakest_first(rows: list[Accuracy]) -> tuple[Accuracy, ...]:
    """Answered rows from the lowest accuracy up (more answers first among equals), then
    the rows nothing was answered under, by name: what to practise comes first."""
    return tuple(sorted(rows, key=lambda r: (r.accuracy is None, r.accuracy or 0.0, -r.answered, r.key)))


@dataclass
class Accuracy:
    """Answers under one bank or tag."""

    key: str
    answered: int = 0
    right: int = 0
    partial: int = 0
    wrong: int = 0
    score_sum: float = 0.0

    @property
    def accuracy(self) -> float | None:
        """Mean score in [0, 1], None when nothing was answered."""
        return self.score_sum / self.answered if self.answered else None

    def as_json(self) -> dict[str, Any]:
        return {
            "answered": self.answered,
            "right": self.right,
            "partial": self.partial,
            "wrong": self.wrong,
            "accuracy": None if self.accuracy is None else round(self.accuracy, 4),
        }


@dataclass(frozen=True)
class ProgressStats:
    banks: tuple[Accuracy, ...]
    tags: tuple[Accuracy, ...]
    cards: int  # review cards of questions still in the banks
    due_now: int
    forecast: tuple[tuple[date, int], ...]  # cards due per local day, today first
    katas: tuple[KataBest, ...]
    kata_cards: int = 0  # katas in review (submitted, still in the catalog)
    katas_due: tuple[str, ...] = ()  # of those, the ones due now, most overdue first

    def as_json(self) -> dict[str, Any]:
        return {
            "banks": {row.key: row.as_json() for row in self.banks},
            "tags": {row.key: row.as_json() for row in self.tags},
            "review": {
                "cards": self.cards,
                "due_now": self.due_now,
                "forecast": [{"date": day.isoformat(), "due": n} for day, n in self.forecast],
                "kata_cards": self.kata_cards,
                "katas_due": list(self.katas_due),
            },
            "katas": {
                best.kata_id: {
                    "attempts": best.attempts,
                    "passes": best.passes,
                    "best_elapsed_s": best.best_elapsed_s,
                    "last_status": best.last_status,
                    "last_at": datetime.fromtimestamp(best.last_at, UTC).isoformat(),
                }
                for best in self.katas
            },
        }


def collect_stats(
    store: Store,
    catalog: Catalog,
    *,
    now: datetime | None = None,
    days: int = 14,
    katas: Container[str] = (),
) -> ProgressStats:
    """Every figure of ``kata stats``, from the store and the banks loaded now; ``katas``
    are the ids of the katas there are now (their review cards are counted)."""
    banks: dict[str, Accuracy] = {bank.id: Accuracy(bank.id) for bank in catalog.banks}
    tags: dict[str, Accuracy] = {}
    for tally in store.question_tallies():
        rows = [banks.setdefault(tally.bank_id, Accuracy(tally.bank_id))]
        question = catalog.get(tally.question_id)
        if question is not None:
            rows += [tags.setdefault(tag, Accuracy(tag)) for tag in question.tags if tag not in PROVENANCE_TAGS]
        for row in rows:
            row.answered += tally.answers
            row.right += tally.right
            row.partial += tally.partial
            row.wrong += tally.wrong
            row.score_sum += tally.score_sum
    reviewer = Reviewer(store)
    kata_reviewer = KataReviewer(store)
    cards = sum(1 for qid, _ in store.card_dues() if qid in catalog)
    return ProgressStats(
        banks=weakest_first(list(banks.values())),
        tags=weakest_first(list(tags.values())),
        cards=cards,
        due_now=len(reviewer.due(catalog, now=now)),
        forecast=tuple(reviewer.forecast(catalog, days=days, now=now)),
        katas=tuple(store.kata_bests().values()),
        kata_cards=len(kata_reviewer.dues(katas)),
        katas_due=tuple(due.kata_id for due in kata_reviewer.due(katas, now=now)),
    )
