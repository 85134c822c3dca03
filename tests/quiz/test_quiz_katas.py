"""Katas in review: the rating of a submission, its card in the store, and when the kata
is due again, all on a clock the tests set (no test waits)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from kata.quiz import KataReviewer, kata_rating
from kata.quiz.katas import EASY_SHARE, kata_scheduler
from kata.store import APPLICATION_ID, MIGRATIONS, Store

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
KNOWN = {"softmax", "sigmoid", "iou"}
LIMIT = 600.0  # a ten-minute kata


@pytest.fixture
def reviewer(store: Store) -> KataReviewer:
    return KataReviewer(store, kata_scheduler(enable_fuzzing=False))


def submit(reviewer: KataReviewer, kata_id: str, status: str, at: datetime, **how) -> None:
    """One graded submission at ``at``, recorded with its card as the faces do."""
    review = reviewer.plan(kata_id, status, time_limit_s=LIMIT, now=at, **how)
    reviewer.store.record_kata_attempt(
        kata_id, status=status, passed=8 if status == "pass" else 3, total=8,
        elapsed_s=how.get("elapsed_s"), hints=how.get("hints"), review=review, now=at.timestamp(),
    )  # fmt: skip


def due_ids(reviewer: KataReviewer, at: datetime) -> list[str]:
    return [due.kata_id for due in reviewer.due(KNOWN, now=at)]


@pytest.mark.parametrize(
    "status, hints, elapsed_s, rating",
    [
        ("fail", 0, 100.0, Rating.Again),
        ("error", None, None, Rating.Again),
        ("pass", 1, 100.0, Rating.Hard),  # a hint was needed
        ("pass", 0, LIMIT + 1, Rating.Hard),  # slower than the suggested time
        ("pass", 0, EASY_SHARE * LIMIT, Rating.Easy),  # well under it
        ("pass", None, EASY_SHARE * LIMIT + 1, Rating.Good),
        ("pass", 0, LIMIT, Rating.Good),  # in time, just
        ("pass", None, None, Rating.Good),  # untimed: its time is not known
    ],
)
def test_a_submission_is_rated_from_its_outcome(status, hints, elapsed_s, rating) -> None:
    assert kata_rating(status, hints=hints, elapsed_s=elapsed_s, time_limit_s=LIMIT) is rating


def test_a_new_kata_comes_back_after_whole_days(reviewer: KataReviewer) -> None:
    """The intervals the README gives: a day after Again or Hard, two after Good, eight
    after Easy (FSRS's standard parameters, no learning steps)."""
    preview = reviewer.preview("softmax", now=NOW)
    assert {rating: interval.days for rating, interval in preview.items()} == {
        Rating.Again: 1, Rating.Hard: 1, Rating.Good: 2, Rating.Easy: 8}
    assert all(interval.seconds == 0 for interval in preview.values())


def test_a_failed_kata_is_due_after_its_fsrs_interval_and_not_before(reviewer: KataReviewer) -> None:
    interval = reviewer.preview("softmax", now=NOW)[Rating.Again]
    assert interval >= timedelta(hours=1)  # whole days, not FSRS's one-minute learning step
    submit(reviewer, "softmax", "fail", NOW, hints=0, elapsed_s=300.0)
    assert due_ids(reviewer, NOW) == []
    assert due_ids(reviewer, NOW + interval - SECOND) == []
    due = reviewer.due(KNOWN, now=NOW + interval)
    assert [d.kata_id for d in due] == ["softmax"]
    assert due[0].due == NOW + interval and due[0].last_status == "fail" and due[0].last_at == NOW
    [attempt] = reviewer.store.kata_history("softmax")
    assert (attempt.rating, attempt.hints) == (int(Rating.Again), 0)


def test_a_passed_kata_comes_back_later_than_a_failed_one(reviewer: KataReviewer) -> None:
    preview = reviewer.preview("sigmoid", now=NOW)
    assert preview[Rating.Again] <= preview[Rating.Hard] < preview[Rating.Good] < preview[Rating.Easy]
    submit(reviewer, "softmax", "fail", NOW)
    submit(reviewer, "sigmoid", "pass", NOW, hints=0, elapsed_s=400.0)  # Good
    failed_due = NOW + preview[Rating.Again]
    assert due_ids(reviewer, failed_due) == ["softmax"]
    assert due_ids(reviewer, NOW + preview[Rating.Good] - SECOND) == ["softmax"]
    assert due_ids(reviewer, NOW + preview[Rating.Good]) == ["softmax", "sigmoid"]  # most overdue first


def test_a_kata_passed_long_ago_is_due(reviewer: KataReviewer) -> None:
    long_ago = NOW - timedelta(days=120)
    submit(reviewer, "iou", "pass", long_ago, hints=0, elapsed_s=100.0)  # Easy: the longest interval
    assert due_ids(reviewer, NOW) == ["iou"]
    assert due_ids(reviewer, long_ago + timedelta(days=1)) == []


def test_each_submission_moves_the_card_on(reviewer: KataReviewer) -> None:
    """Failed, then passed the next day: due again later than after the failure alone."""
    submit(reviewer, "softmax", "fail", NOW)
    after_fail = reviewer.card("softmax").due
    submit(reviewer, "softmax", "pass", after_fail, hints=0, elapsed_s=400.0)
    assert reviewer.card("softmax").due - after_fail > after_fail - NOW
    assert [a.rating for a in reviewer.store.kata_history("softmax")] == [int(Rating.Good), int(Rating.Again)]


def test_failed_then_passed_in_one_sitting_is_due_the_next_day(reviewer: KataReviewer) -> None:
    submit(reviewer, "softmax", "fail", NOW)
    passed_at = NOW + timedelta(minutes=10)
    submit(reviewer, "softmax", "pass", passed_at, hints=0, elapsed_s=400.0)  # Good
    assert reviewer.card("softmax").due - passed_at == timedelta(days=1)


def test_katas_never_submitted_or_gone_from_the_catalog_are_not_due(reviewer: KataReviewer) -> None:
    submit(reviewer, "no-such-kata", "fail", NOW - timedelta(days=30))
    assert reviewer.card("softmax") is None
    assert reviewer.due(KNOWN, now=NOW) == []
    assert [kata_id for kata_id, _ in reviewer.dues({"no-such-kata"})] == ["no-such-kata"]


def test_the_card_is_stored_with_the_attempt_or_not_at_all(reviewer: KataReviewer) -> None:
    review = reviewer.plan("softmax", "fail", now=NOW)
    with pytest.raises(ValueError, match="'softmax''s, not 'sigmoid''s"):
        reviewer.store.record_kata_attempt("sigmoid", status="fail", passed=0, total=1, review=review)
    with pytest.raises(ValueError):  # a bad status: neither the attempt nor the card
        reviewer.store.record_kata_attempt("softmax", status="nope", passed=0, total=1, review=review)
    assert reviewer.store.kata_history() == [] and reviewer.store.kata_card_dues() == []


def test_a_graded_report_rates_its_kata(reviewer: KataReviewer) -> None:
    from kata.grader.report import CheckResult, Report

    report = Report(kata="softmax", seed=1, checks=[CheckResult("basic", "pass"), CheckResult("overflow", "fail")])
    review = reviewer.plan("softmax", report.status, time_limit_s=LIMIT, hints=1, elapsed_s=50.0, now=NOW)
    reviewer.store.record_graded(report, b"def softmax(x): ...", elapsed_s=50.0, hints=1, review=review)
    [attempt] = reviewer.store.kata_history()
    assert (attempt.status, attempt.hints, attempt.rating, attempt.attempted_at) == (
        "fail", 1, int(Rating.Again), NOW.timestamp())
    assert reviewer.store.kata_card_dues() == [("softmax", review.due)]


def _version_1_store(path: Path) -> None:
    """A progress file as kata left it before kata cards: attempts, no cards."""
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    for kata_id, status, at in [("softmax", "pass", NOW - timedelta(days=200)),
                                ("sigmoid", "fail", NOW - timedelta(hours=1)),
                                ("iou", "pass", NOW - timedelta(hours=1))]:
        db.execute(
            "INSERT INTO kata_attempts (kata_id, status, passed, total, elapsed_s, attempted_at) "
            "VALUES (?, ?, 1, 1, 99.5, ?)",
            (kata_id, status, at.timestamp()),
        )
    db.execute("PRAGMA user_version = 1")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.commit()
    db.close()


def test_an_old_store_keeps_its_attempts_and_they_count_for_review(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    _version_1_store(path)
    with Store(path, read_only=True) as old:  # read as it is, before any upgrade
        assert old.schema_version == 1 and old.kata_card_dues() == []
        assert [a.kata_id for a in old.kata_history()] == ["iou", "sigmoid", "softmax"]
        replayed = KataReviewer(old, kata_scheduler(enable_fuzzing=False))
        assert [d.kata_id for d in replayed.due(KNOWN, now=NOW)] == ["softmax"]  # passed long ago
        assert [d.kata_id for d in replayed.due(KNOWN, now=NOW + timedelta(days=1))] == ["softmax", "sigmoid"]
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS) == 2
        history = store.kata_history()
        assert [(a.kata_id, a.elapsed_s, a.hints, a.rating) for a in history] == [
            ("iou", 99.5, None, None), ("sigmoid", 99.5, None, None), ("softmax", 99.5, None, None)]
        reviewer = KataReviewer(store, kata_scheduler(enable_fuzzing=False))
        assert [d.kata_id for d in reviewer.due(KNOWN, now=NOW)] == ["softmax"]
        # the next submission starts from the replayed card and stores it
        replayed_due = reviewer.card("sigmoid").due
        submit(reviewer, "sigmoid", "pass", replayed_due, hints=0, elapsed_s=400.0)
        assert [a.rating for a in store.kata_history("sigmoid")] == [int(Rating.Good), None]
        assert [k for k, _ in store.kata_card_dues()] == ["sigmoid"]
        assert reviewer.card("sigmoid").due > replayed_due + timedelta(days=1)
        assert store.integrity_check() == "ok"
