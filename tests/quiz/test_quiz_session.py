"""Sessions: selection, seeded shuffles, display-to-bank mapping, modes, undo, recording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from kata.quiz import (
    Catalog,
    InvalidAnswer,
    Mode,
    NoQuestions,
    QuestionType,
    Selection,
    Session,
    SessionOver,
    Verdict,
)
from kata.store import Store

RIGHT_ANSWERS = {
    QuestionType.TRUE_FALSE: True,
    QuestionType.NUMERIC: "1/4",
    QuestionType.SHORT: "logsumexp",
    QuestionType.CARD: "good",
}


def right_answer(session: Session) -> object:
    """The right answer to the current question, in displayed positions."""
    presented = session.current
    assert presented is not None
    question = presented.question
    if question.type is QuestionType.SINGLE:
        return presented.position(question.correct_indices[0])
    if question.type is QuestionType.MULTI:
        return [presented.position(i) for i in question.correct_indices]
    return RIGHT_ANSWERS[question.type]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_same_seed_same_order_of_questions_and_choices(catalog: Catalog) -> None:
    def layout(seed: int) -> list[tuple[str, tuple[int, ...]]]:
        session = Session.start(catalog, seed=seed)
        return [(p.question.id, p.order) for p in session.planned]

    assert layout(7) == layout(7)
    assert layout(7) != layout(8)
    assert sorted(qid for qid, _ in layout(7)) == sorted(q.id for q in catalog)


def test_displayed_choices_map_back_to_bank_indices(catalog: Catalog) -> None:
    for seed in range(20):
        session = Session.start(catalog, Selection(tags=("sigmoid",), difficulty=(1, 1)), seed=seed)
        presented = session.current
        assert presented is not None and presented.question.id == "s-single"
        assert sorted(presented.order) == [0, 1, 2]
        assert presented.choices == tuple(presented.question.choices[i] for i in presented.order)
        shown_right = presented.choices.index(presented.question.choices[0])
        result = session.answer(shown_right)
        assert result.grade.verdict is Verdict.RIGHT
        if presented.order != (0, 1, 2):
            break
    else:
        pytest.fail("twenty seeds never shuffled the choices")


def test_selection_by_bank_tag_difficulty_and_count(catalog: Catalog) -> None:
    ids = lambda sel: sorted(p.question.id for p in Session.start(catalog, sel, seed=1).planned)
    assert ids(Selection(tags=("sigmoid",))) == ["s-numeric", "s-single"]
    assert ids(Selection(difficulty=(4, 5))) == ["s-card", "s-short"]
    assert ids(Selection(banks=("sample",), count=2)).__len__() == 2
    with pytest.raises(NoQuestions, match="widen the selection"):
        Session.start(catalog, Selection(banks=("nope",)))


def test_practice_session_records_every_answer_as_it_is_given(
    catalog: Catalog, store: Store
) -> None:
    session = Session.start(catalog, seed=3, store=store)
    assert session.mode.shows_feedback
    total = len(catalog)
    for n in range(total):
        assert session.progress == (n, total)
        result = session.answer(right_answer(session))
        assert result.grade.verdict is Verdict.RIGHT
        assert len(store.answers(session.id)) == n + 1  # committed before the next question
        assert result.next_due is not None
    assert session.finished and session.current is None
    summary = session.summary()
    assert (summary.right, summary.answered, summary.percent) == (total, total, 100.0)
    assert store.sessions()[0].finished_at is not None
    with pytest.raises(SessionOver):
        session.answer(True)


def test_invalid_answers_do_not_advance(catalog: Catalog, store: Store) -> None:
    session = Session.start(catalog, Selection(tags=("sigmoid",), difficulty=(3, 3)), store=store)
    with pytest.raises(InvalidAnswer):
        session.answer("0,25")
    assert session.progress == (0, 1) and store.answers() == []


def test_exam_hides_feedback_and_stops_at_the_time_limit(catalog: Catalog, store: Store) -> None:
    clock = FakeClock()
    session = Session.start(
        catalog, mode=Mode.EXAM, seed=5, store=store, time_limit_s=60, clock=clock
    )
    assert not session.mode.shows_feedback
    session.answer(right_answer(session))
    clock.now += 30
    assert session.time_left() == 30
    assert not session.can_undo()
    clock.now += 31
    assert session.finished and session.time_left() == 0
    with pytest.raises(SessionOver, match="time is up"):
        session.answer(True)
    summary = session.summary()
    assert summary.timed_out and summary.answered == 1 and summary.total == len(catalog)
    assert summary.elapsed_s == 60
    assert summary.percent == pytest.approx(100 / len(catalog))


def test_finish_early(catalog: Catalog) -> None:
    session = Session.start(catalog, mode=Mode.EXAM, seed=1)
    summary = session.finish()
    assert session.finished and summary.answered == 0 and not summary.timed_out


def test_retry_wrong_asks_the_questions_missed_last_time(catalog: Catalog, store: Store) -> None:
    with pytest.raises(NoQuestions, match="nothing to retry"):
        Session.start(catalog, mode=Mode.RETRY_WRONG, store=store)
    first = Session.start(catalog, seed=2, store=store)
    missed = set()
    while not first.finished:
        question = first.current.question
        if question.type in (QuestionType.TRUE_FALSE, QuestionType.SHORT):
            first.answer(False if question.type is QuestionType.TRUE_FALSE else "no idea")
            missed.add(question.id)
        else:
            first.answer(right_answer(first))
    retry = Session.start(catalog, mode=Mode.RETRY_WRONG, store=store, seed=9)
    assert {p.question.id for p in retry.planned} == missed


def test_review_mode_asks_due_cards_most_overdue_first(catalog: Catalog, store: Store) -> None:
    with pytest.raises(NoQuestions, match="no card is due"):
        Session.start(catalog, mode=Mode.REVIEW, store=store)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    practice = Session.start(catalog, Selection(difficulty=(1, 1)), seed=4, store=store)
    while not practice.finished:  # both wrong: due again in a minute
        question = practice.current.question
        practice.answer(False if question.type is QuestionType.TRUE_FALSE else
                        practice.current.position(1), now=start + timedelta(minutes=len(practice.results)))  # fmt: skip
    review = Session.start(catalog, mode=Mode.REVIEW, store=store, now=start + timedelta(hours=1))
    first_asked = practice.results[0].question.id
    assert review.planned[0].question.id == first_asked
    assert review.progress == (0, 2)


def test_preview_for_the_current_card(catalog: Catalog, store: Store) -> None:
    session = Session.start(catalog, Selection(difficulty=(5, 5)), store=store)
    preview = session.preview()
    assert preview is not None and preview[Rating.Again] < preview[Rating.Easy]
    session.answer("easy")
    assert session.preview() is None
    assert Session.start(catalog, seed=1).preview() is None  # no store, no scheduling


def test_undo_takes_back_the_answer_and_its_rating(catalog: Catalog, store: Store) -> None:
    session = Session.start(catalog, seed=11, store=store)
    session.answer(right_answer(session))
    second = session.current
    card_before = store.card(second.question.id)
    session.answer(right_answer(session))
    assert session.can_undo()
    assert session.undo() == second
    assert session.current == second and session.progress == (1, len(catalog))
    assert store.card(second.question.id) == card_before
    assert len(store.answers(session.id)) == 1


def test_undo_refuses_when_another_rating_came_after(catalog: Catalog, store: Store) -> None:
    session = Session.start(catalog, seed=11, store=store)
    session.answer(right_answer(session))
    other = Session.start(catalog, seed=12, store=store)
    other.answer(right_answer(other))
    assert not session.can_undo() and session.undo() is None


def test_undo_after_the_last_answer_reopens_the_session(catalog: Catalog) -> None:
    session = Session.start(catalog, Selection(difficulty=(5, 5)), seed=1)
    session.answer("again")
    assert session.finished
    assert session.undo() is not None
    assert not session.finished and session.progress == (0, 1)
