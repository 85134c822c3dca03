"""Quiz screen: each question type answered right and wrong, feedback, exams, retry."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kata.quiz import Mode, QuestionType, Session, Verdict
from kata.tui.screens.quiz import QuizScreen
from kata.tui.widgets.question import QuestionView
from tests.tui.conftest import SIZE, first_of, wait_for


async def open_quiz(app, pilot) -> QuizScreen:
    await pilot.press("1")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, QuizScreen)
    return screen


def keys_for(question, presented, right: bool) -> list[str]:
    """The key presses that answer ``presented`` right or wrong."""
    kind = question.type
    if kind is QuestionType.SINGLE:
        wanted = (
            question.correct_indices
            if right
            else [i for i in range(len(question.choices)) if i not in question.correct_indices]
        )
        return [str(presented.position(wanted[0]) + 1)]
    if kind is QuestionType.MULTI:
        wanted = (
            question.correct_indices
            if right
            else [i for i in range(len(question.choices)) if i not in question.correct_indices]
        )
        return [str(presented.position(i) + 1) for i in wanted] + ["s"]
    if kind is QuestionType.TRUE_FALSE:
        return ["1" if question.answer == right else "2"]
    if kind is QuestionType.NUMERIC:
        value = question.answer if right else question.answer + 1000
        return [*f"{value:.12g}", "enter"]
    if kind is QuestionType.SHORT:
        return [*(question.accept[0] if right else "qwertyuiop"), "enter"]
    if kind is QuestionType.CARD:
        return ["space", "3" if right else "1"]
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", list(QuestionType))
@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
async def test_each_type_answered(make_app, kind, right):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        question = first_of(app, kind, lambda q: q.type is not QuestionType.SHORT or q.accept)
        screen.begin(Session([question], mode=Mode.PRACTICE, store=app.store, seed=7))
        await pilot.pause()
        await pilot.press(*keys_for(question, screen.session.current, right))
        await pilot.pause()
        assert screen.last is not None, "the answer was not taken"
        verdict = screen.last.grade.verdict
        assert (verdict is Verdict.RIGHT) == right
        feedback = screen.query_one("#feedback").source
        assert ("Right" in feedback) == right
        assert question.explanation.get("en")[:20] in feedback
        assert len(app.store.answers()) == 1
        status = str(screen.query_one("#quiz-status").content)
        assert "1/1" in status and f"score {1 if right else 0}/1" in status
        await pilot.press("enter")
        await pilot.pause()
        assert "Finished" in screen.query_one("#feedback").source


async def test_wrong_choice_says_why(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        question = first_of(
            app,
            QuestionType.SINGLE,
            lambda q: any(c.why is not None and not c.correct for c in q.choices),
        )
        wrong = next(
            i for i, c in enumerate(question.choices) if c.why is not None and not c.correct
        )
        screen.begin(Session([question], store=app.store, seed=3))
        await pilot.pause()
        await pilot.press(str(screen.session.current.position(wrong) + 1))
        await pilot.pause()
        feedback = screen.query_one("#feedback").source
        assert "Why not" in feedback
        assert question.choices[wrong].why.get("en")[:20] in feedback


async def test_choice_by_arrows_and_mouse(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        question = first_of(app, QuestionType.SINGLE)
        screen.begin(Session([question, replace(question, id="copy")], seed=1))
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        first = screen.session.results[0]
        assert first.grade.value == first.presented.order[1]  # the second choice shown
        await pilot.press("n")
        await pilot.pause()
        await pilot.click(".choices", offset=(4, 1))
        await pilot.pause()
        assert len(screen.session.results) == 2


async def test_invalid_number_asks_again(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        screen.begin(Session([first_of(app, QuestionType.NUMERIC)], store=app.store))
        await pilot.pause()
        await pilot.press(*"abc", "enter")
        await pilot.pause()
        assert screen.last is None and screen.session.progress == (0, 1)


async def test_undo_in_practice(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        question = first_of(app, QuestionType.TRUE_FALSE)
        screen.begin(Session([question], store=app.store))
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert screen.session.progress == (1, 1)
        await pilot.press("u")
        await pilot.pause()
        assert screen.session.progress == (0, 1)
        assert screen.last is None


async def test_exam_has_a_countdown_and_a_summary_then_retry_missed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        screen.query_one("#quiz-body").focus()  # letters go to the answer box when it has focus
        screen.seed = 11  # the same ten questions on every run
        await pilot.press("e")
        await pilot.pause()
        session = screen.session
        assert session.mode is Mode.EXAM
        assert "time left" in str(screen.query_one("#quiz-status").content)
        total = session.progress[1]
        for n in range(total):
            presented = session.current
            await pilot.press(*keys_for(presented.question, presented, right=n % 2 == 0))
            await pilot.pause()
            assert screen.last is None  # no feedback in an exam
        assert session.finished
        summary = screen.query_one("#feedback").source
        assert "Finished" in summary and f"of {total}" in summary
        await pilot.press("r")
        await pilot.pause()
        assert screen.session.mode is Mode.RETRY_WRONG
        assert screen.session.progress[1] == total // 2


async def test_exam_time_up_shows_the_summary(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        now = [0.0]
        questions = [first_of(app, QuestionType.NUMERIC), first_of(app, QuestionType.CARD)]
        screen.begin(
            Session(
                questions, mode=Mode.EXAM, store=app.store, time_limit_s=60, clock=lambda: now[0]
            )
        )
        await pilot.pause()
        now[0] = 61.0
        screen._tick()
        await pilot.pause()
        summary = screen.query_one("#feedback").source
        assert "Time is up" in summary
        assert not screen.query_one(QuestionView).display
        # every question is listed, unanswered, with its answer and explanation
        assert summary.count("not answered") == 2
        for question in questions:
            assert question.prompt.get("en").strip().splitlines()[0][:60] in summary
            assert question.explanation.get("en").strip()[:60] in summary
        assert f"Answer:** {questions[0].answer:g}" in summary
        assert "Retry the missed and the unanswered" in summary
        await pilot.press("r")
        await pilot.pause()
        assert screen.session.mode is Mode.RETRY_WRONG
        assert {p.question.id for p in screen.session.planned} == {q.id for q in questions}


async def test_feedback_marks_choices_and_follows_the_language(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        question = first_of(app, QuestionType.SINGLE)
        screen.begin(Session([question], store=app.store, seed=5))
        await pilot.pause()
        presented = screen.session.current
        wrong = next(i for i in range(len(question.choices)) if i not in question.correct_indices)
        await pilot.press(str(presented.position(wrong) + 1))
        await pilot.pause()
        options = screen.query_one(".choices")
        right_at = presented.position(question.correct_indices[0])
        assert "✓" in str(options.get_option_at_index(right_at).prompt)
        assert "✗" in str(options.get_option_at_index(presented.position(wrong)).prompt)
        await pilot.press("f2")
        await pilot.pause()
        assert "错误" in screen.query_one("#feedback").source
        assert question.prompt.get("zh")[:10] in screen.query_one("#prompt").source
        assert "✓" in str(screen.query_one(".choices").get_option_at_index(right_at).prompt)


async def test_choose_the_banks(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        screen.query_one("#quiz-body").focus()
        await pilot.press("b")
        await pilot.pause()
        banks = app.screen.query_one("#banks")
        assert len(banks.selected) == len(app.catalog.banks)  # all, to begin with
        banks.deselect_all()
        banks.select(app.catalog.banks[0].id)
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.banks == (app.catalog.banks[0].id,)
        assert all(p.question.bank_id == screen.banks[0] for p in screen.session.planned)
        assert app.catalog.banks[0].id in str(screen.query_one("#quiz-status").content)
    # The choice is remembered: the next quiz draws from the same bank.
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        screen = await open_quiz(again, pilot)
        assert screen.banks == (again.catalog.banks[0].id,)
        assert all(p.question.bank_id == screen.banks[0] for p in screen.session.planned)


async def test_a_remembered_bank_that_is_gone_means_every_bank(make_app):
    from kata.store import Store
    from kata.tui.screens.quiz import BANKS_SETTING

    with Store.open() as store:
        store.set_setting(BANKS_SETTING, ["no-such-bank"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_quiz(app, pilot)
        assert screen.banks == ()
        assert screen.session is not None and not screen.session.finished


async def open_setup(app, pilot):
    """The quiz, and its setup dialog opened with ``b``."""
    screen = await open_quiz(app, pilot)
    screen.query_one("#quiz-body").focus()
    await pilot.press("b")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "SetupDialog", "the dialog")
    return screen, app.screen


async def test_set_the_quiz_up_tags_difficulty_lengths_and_exam_time(make_app):
    from textual.widgets import Select

    from kata.tui.screens.quiz_setup import topic_tags

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, dialog = await open_setup(app, pilot)
        tag = topic_tags(app.catalog)[0]
        assert "seed" not in topic_tags(app.catalog) and "seed-correction" not in topic_tags(app.catalog)
        dialog.query_one("#tags").select(tag)
        dialog.query_one("#difficulty-low", Select).value = 2
        dialog.query_one("#difficulty-high", Select).value = 3
        dialog.query_one("#length", Select).value = 5
        dialog.query_one("#exam-length", Select).value = 5
        dialog.query_one("#exam-minutes", Select).value = 15
        await pilot.pause()
        await pilot.click("#bank-ok")
        await wait_for(pilot, lambda: app.screen is screen, "the quiz again")
        planned = [p.question for p in screen.session.planned]
        assert len(planned) == 5
        assert all(tag in q.tags and 2 <= q.difficulty <= 3 for q in planned)
        assert f"#{tag}" in str(screen.query_one("#quiz-status").content)
        screen.query_one("#quiz-body").focus()
        await pilot.press("e")
        await pilot.pause()
        assert screen.session.mode is Mode.EXAM and screen.session.progress[1] == 5
        assert screen.session.time_limit_s == 15 * 60
    # remembered: the next app's quiz has the same plan
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        screen = await open_quiz(again, pilot)
        assert screen.plan.tags == (tag,) and screen.plan.difficulty == (2, 3)
        assert screen.plan.length == 5 and screen.plan.exam_minutes == 15
        assert len(screen.session.planned) == 5


async def test_a_setup_that_matches_nothing_is_not_taken(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen, dialog = await open_setup(app, pilot)
        from kata.tui.screens.quiz_setup import topic_tags

        bank = app.catalog.banks[0]
        in_bank = {tag for q in app.catalog if q.bank_id == bank.id for tag in q.tags}
        elsewhere = next(tag for tag in topic_tags(app.catalog) if tag not in in_bank)
        dialog.query_one("#banks").deselect_all()
        dialog.query_one("#banks").select(bank.id)
        dialog.query_one("#tags").select(elsewhere)
        await pilot.pause()
        assert dialog.chosen_plan() is None
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is dialog  # still open, with a word why


def test_a_remembered_plan_is_checked_part_by_part(tmp_path):
    from kata.quiz import load_catalog
    from kata.quiz.loader import default_bank_paths
    from kata.tui.screens.quiz_setup import QuizPlan, topic_tags

    catalog = load_catalog(default_bank_paths(tmp_path / "data"))
    tag = topic_tags(catalog)[0]
    plan = QuizPlan.from_json({"tags": [tag, "no-such-tag", 3, tag], "difficulty": [4, 2], "length": 7,
                               "exam_length": "10", "exam_minutes": 15}, ("b",), catalog)
    assert plan == QuizPlan(banks=("b",), tags=(tag,), difficulty=(1, 5), length=10, exam_length=10, exam_minutes=15)
    assert QuizPlan.from_json("garbage", (), catalog) == QuizPlan()
    assert QuizPlan.from_json({"length": None, "difficulty": [3, 3]}, (), catalog) == QuizPlan(length=None,
                                                                                              difficulty=(3, 3))
