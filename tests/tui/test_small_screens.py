"""What a person sees at 80x24 and in Chinese: the pass dialog shows the solution and
where to go next, quiz feedback comes into view, an exam does not give its score away,
the editor keeps indentation, and the header and the palette speak the app's language."""

from __future__ import annotations

from textual.widgets import TextArea

from kata.exercises import catalog, get_kata
from kata.paths import solutions_dir
from kata.quiz import Mode, QuestionType, Session
from kata.tui.screens.kata import KataScreen
from kata.tui.screens.kata_result import ResultDialog
from tests.tui.conftest import first_of, wait_for
from tests.tui.test_kata import graded, open_kata, set_code
from tests.tui.test_quiz import keys_for, open_quiz

SMALL = (80, 24)


async def passed(app, pilot) -> KataScreen:
    """The kata screen after a passing submission (the pass dialog is open)."""
    screen = await open_kata(app, pilot)
    await set_code(screen, pilot, (solutions_dir() / "softmax.py").read_text())
    await pilot.press("ctrl+s")
    await graded(app, pilot)
    return screen


async def test_the_pass_dialog_at_80x24_shows_the_solution_and_goes_to_the_next_kata(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await passed(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ResultDialog)
        solution = dialog.query_one("#result-solution", TextArea)
        assert solution.size.height >= 5
        assert dialog.query_one("#result-next").region.bottom <= SMALL[1]
        await pilot.press("n")
        ids = list(catalog())
        following = ids[ids.index("softmax") + 1]
        await wait_for(pilot, lambda: isinstance(app.screen, KataScreen) and app.screen.kata.id == following,
                       "the next kata")


async def test_again_from_the_pass_dialog_starts_a_timed_attempt_from_the_starter(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await passed(app, pilot)
        assert screen.started is None  # the timed attempt is over
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen is screen and screen.started is not None, "a new attempt")
        assert screen.query_one("#editor", TextArea).text == get_kata("softmax").starter_path.read_text()


async def test_enter_in_the_editor_keeps_the_indentation(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, "def softmax(x):")
        editor = screen.query_one("#editor", TextArea)
        editor.move_cursor((0, len("def softmax(x):")))
        await pilot.press("enter", *"z = x", "enter", *"return z")
        assert editor.text == "def softmax(x):\n    z = x\n    return z"


async def test_quiz_feedback_is_scrolled_into_view_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_quiz(app, pilot)
        question = first_of(app, QuestionType.MULTI, lambda q: len(q.choices) >= 4)
        screen.begin(Session([question], mode=Mode.PRACTICE, store=app.store, seed=7))
        await pilot.pause()
        await pilot.press(*keys_for(question, screen.session.current, right=False))
        await wait_for(pilot, lambda: screen.last is not None, "the answer")
        feedback = screen.query_one("#feedback")
        body = screen.query_one("#quiz-body")
        await wait_for(pilot, lambda: body.max_scroll_y > 0 and feedback.region.y < SMALL[1] - 2,
                       "the feedback on screen")


async def test_an_exam_does_not_show_its_running_score(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_quiz(app, pilot)
        question = first_of(app, QuestionType.TRUE_FALSE)
        screen.begin(Session([question, first_of(app, QuestionType.SINGLE)], mode=Mode.EXAM, store=app.store,
                             seed=1, time_limit_s=600))
        await pilot.pause()
        await pilot.press(*keys_for(question, screen.session.current, right=True))
        await pilot.pause()
        assert "score" not in str(screen.query_one("#quiz-status").content)


async def test_the_header_and_the_palette_speak_chinese(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=SMALL) as pilot:
        assert app.sub_title == "机器学习面试道场"
        titles = [str(c.title) for c in app.get_system_commands(app.screen)]
        assert "测验：新的考试" in titles and "Quiz: new exam" not in titles
        await pilot.press("f2")
        await pilot.pause()
        assert app.sub_title == "ML interview dojo"


async def test_the_footer_speaks_chinese(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_kata(app, pilot)
        words = {active.binding.description for active in screen.active_bindings.values()}
        assert {"提交", "运行", "退出", "English"} <= words and "Submit" not in words
        assert "运行示例" in {active.binding.tooltip for active in screen.active_bindings.values()}
        await pilot.press("f2")
        await pilot.pause()
        words = {active.binding.description for active in screen.active_bindings.values()}
        assert {"Submit", "Run", "中文"} <= words
