"""FSRS wiring: rating map, previews, undo, due cards and the forecast."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, Scheduler, State

from kata.errors import StoreError
from kata.quiz import Catalog, Reviewer, grade, rating_for
from kata.quiz.scheduling import format_interval
from kata.store import Store

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def reviewer(store: Store) -> Reviewer:
    return Reviewer(store, Scheduler(enable_fuzzing=False))


@pytest.mark.parametrize(
    "qid, answer, rating",
    [
        ("s-single", 0, Rating.Good),
        ("s-single", 1, Rating.Again),
        ("s-multi", [0], Rating.Hard),
        ("s-numeric", "0.25", Rating.Good),
        ("s-short", "softmax", Rating.Again),
        ("s-card", "again", Rating.Again),
        ("s-card", "hard", Rating.Hard),
        ("s-card", "good", Rating.Good),
        ("s-card", "easy", Rating.Easy),
    ],
)
def test_verdicts_and_self_ratings_map_to_fsrs_ratings(
    catalog: Catalog, qid: str, answer: object, rating: Rating
) -> None:
    question = catalog.question(qid)
    assert rating_for(question, grade(question, answer)) is rating


def test_previews_grow_with_the_rating_and_match_the_review(reviewer: Reviewer) -> None:
    preview = reviewer.preview("s-card", now=NOW)
    assert list(preview) == [Rating.Again, Rating.Hard, Rating.Good, Rating.Easy]
    assert (
        preview[Rating.Again] <= preview[Rating.Hard] <= preview[Rating.Good] < preview[Rating.Easy]
    )
    assert preview[Rating.Again] == timedelta(minutes=1)  # FSRS's first learning step
    due = reviewer.rate("s-card", Rating.Good, now=NOW)
    assert due - NOW == preview[Rating.Good]


def test_a_review_card_moves_on_to_days(reviewer: Reviewer) -> None:
    when = NOW
    for _ in range(3):
        when = reviewer.rate("s-tf", Rating.Good, now=when)
    card = reviewer.card("s-tf")
    assert card.state is State.Review
    assert reviewer.preview("s-tf", now=when)[Rating.Good] >= timedelta(days=1)


def test_undo_restores_the_previous_card_and_removes_the_log(
    reviewer: Reviewer, store: Store
) -> None:
    reviewer.rate("s-tf", Rating.Good, now=NOW)
    before = store.card("s-tf")
    reviewer.rate("s-tf", Rating.Again, now=NOW + timedelta(minutes=20))
    assert store.card("s-tf") != before
    undone = reviewer.undo()
    assert undone is not None and (undone.question_id, undone.rating) == ("s-tf", int(Rating.Again))
    assert store.card("s-tf") == before
    assert [log[1] for log in store.review_logs("s-tf")] == [int(Rating.Good)]
    reviewer.undo()
    assert store.card("s-tf") is None  # the card was new: undo forgets it
    assert store.review_logs() == []
    assert reviewer.undo() is None


def test_due_ignores_questions_that_left_the_banks(reviewer: Reviewer, catalog: Catalog) -> None:
    reviewer.rate("s-tf", Rating.Again, now=NOW)
    reviewer.rate("renamed-long-ago", Rating.Again, now=NOW)
    reviewer.rate("s-card", Rating.Easy, now=NOW)
    later = NOW + timedelta(hours=1)
    assert reviewer.due(catalog, now=later) == ["s-tf"]
    assert reviewer.due(catalog, now=NOW - timedelta(hours=1)) == []


def test_forecast_counts_cards_per_day_with_overdue_today(
    reviewer: Reviewer, catalog: Catalog
) -> None:
    reviewer.rate("s-tf", Rating.Again, now=NOW - timedelta(days=5))  # overdue
    reviewer.rate("s-single", Rating.Easy, now=NOW)  # due in a few days
    reviewer.rate("vanished", Rating.Again, now=NOW)
    forecast = reviewer.forecast(catalog, days=14, now=NOW)
    assert len(forecast) == 14
    assert forecast[0][0] == NOW.astimezone().date()
    assert forecast[0][1] == 1
    assert sum(n for _, n in forecast) == 2


def test_damaged_card_json_is_a_store_error(reviewer: Reviewer, store: Store) -> None:
    reviewer.rate("s-tf", Rating.Good, now=NOW)
    with sqlite3.connect(store.path) as db:  # a file edited by hand
        db.execute(
            "UPDATE review_cards SET card = ? WHERE question_id = 's-tf'", (json.dumps({"x": 1}),)
        )
    db.close()
    with pytest.raises(StoreError, match="review card of 's-tf'"):
        reviewer.card("s-tf")


def test_naive_datetimes_are_refused(reviewer: Reviewer) -> None:
    with pytest.raises(ValueError):
        reviewer.preview("s-tf", now=datetime(2025, 1, 1))


@pytest.mark.parametrize(
    "interval, text",
    [
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=5), "5h"),
        (timedelta(days=3), "3d"),
        (timedelta(days=61), "2mo"),
        (timedelta(days=365), "1y"),
        (timedelta(days=548), "1.5y"),
    ],
)
def test_format_interval(interval: timedelta, text: str) -> None:
    assert format_interval(interval) == text
