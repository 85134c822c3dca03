"""The kata screen shows what the grader knows: each check's details from the result's
fields (tried, got beside expected with the differing entry marked, the hint, the whole
message), what the code printed, in the app's language; a grade that raises is shown."""

from __future__ import annotations

from textual.widgets import DataTable, Static, TabbedContent, TextArea

from kata.exercises import get_kata
from kata.paths import solutions_dir
from kata.tui.i18n import t
from kata.tui.screens.check_dialog import CheckDialog
from kata.tui.screens.kata import KataScreen
from kata.tui.screens.kata_result import ResultDialog
from kata.tui.widgets.check_details import entry_span
from kata.workspace import workspace_file
from tests.tui.conftest import wait_for
from tests.tui.test_kata import graded, open_kata, set_code

SMALL = (80, 24)
SOLUTION = (solutions_dir() / "softmax.py").read_text()
PRINTING = (
    "import numpy as np\n\ndef softmax(x):\n    print('looking at', x.shape)\n"
    "    e = np.exp(x)\n    return e / e.sum(axis=-1, keepdims=True)\n"
)


def details(screen) -> str:
    return str(screen.query_one("#details-body", Static).content)


def test_the_entry_at_an_index_is_found_in_an_array_as_numpy_prints_it():
    text = "[[1., 2.], [3., nan]]"
    start, end = entry_span(text, [1, 1])
    assert text[start:end] == "nan"
    start, end = entry_span("[ 0., 0., nan]", [2])
    assert "[ 0., 0., nan]"[start:end] == "nan"
    assert entry_span("[1., ..., 3.]", [2]) is None  # summarised: no way to know
    assert entry_span("[1., 2.]", [5]) is None


async def test_a_failing_check_opens_its_details_with_what_the_code_printed(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, PRINTING)
        await pilot.press("ctrl+s")
        await graded(app, pilot)
        report = screen.report
        failing = next(c for c in report.checks if c.status != "pass")
        assert screen.query_one("#left", TabbedContent).active == "details-tab"
        table = screen.query_one("#checks", DataTable)
        assert table.get_row_at(table.cursor_row)[1] == failing.id
        shown = details(screen)
        for part in (failing.tried, failing.got, failing.expected, failing.hint):
            assert part and part in shown
        assert failing.message in shown  # the whole message, never cut
        assert "looking at (3,)" in shown and "What your code printed" in shown
        # The table row says there is more; Enter opens it all over the screen.
        assert str(table.get_row_at(table.cursor_row)[2]).endswith("…")
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CheckDialog), "the details dialog")
        assert failing.message in str(app.screen.query_one("#check-body", Static).content)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back to the kata")
        # Moving to another row shows that check.
        passing = next(i for i, c in enumerate(report.checks) if c.status == "pass")
        table.move_cursor(row=passing)
        await wait_for(pilot, lambda: f"✓ {report.checks[passing].id}" in details(screen), "the other row")


async def test_the_details_and_the_table_are_in_the_apps_language(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, "import numpy as np\n\ndef softmax(x):\n    return np.exp(x)\n")
        await pilot.press("ctrl+s")
        await graded(app, pilot)
        row, failing = next((i, c) for i, c in enumerate(screen.report.checks) if c.hint)
        table = screen.query_one("#checks", DataTable)
        table.move_cursor(row=row)
        await pilot.pause()
        zh = failing.in_lang("zh")
        assert zh.hint != failing.hint  # the grader says it in Chinese
        shown = details(screen)
        assert zh.hint in shown and zh.message in shown and "实际" in shown and "期望" in shown
        assert failing.hint not in shown
        assert [str(c.label) for c in table.columns.values()][1:] == ["检查项", "信息"]
        assert str(table.get_row_at(table.cursor_row)[2]) == zh.message.partition("\n")[0] + " …"
        await pilot.press("f2")
        await wait_for(pilot, lambda: failing.hint in details(screen), "the details in English")
        assert [str(c.label) for c in table.columns.values()][1:] == ["check", "message"]


async def test_a_file_that_cannot_run_shows_the_whole_error(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, "def softmax(x):\n    return (\n")
        await pilot.press("ctrl+s")
        await graded(app, pilot)
        assert screen.report.error is not None
        assert screen.report.error.message in details(screen)
        assert screen.query_one("#left", TabbedContent).active == "details-tab"


async def test_a_grading_thread_that_raises_is_shown_and_the_screen_is_usable_again(make_app, monkeypatch):
    import kata.grader

    def broken(*args, **kwargs):
        raise RuntimeError("the grader broke")

    monkeypatch.setattr(kata.grader, "grade", broken)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.grading, "the screen to stop waiting")
        status = str(screen.query_one("#kata-status").content)
        assert "RuntimeError: the grader broke" in status and t("grading", "en") not in status
        assert app.is_running and app.screen is screen
        monkeypatch.undo()
        await pilot.press("ctrl+r")  # and grading works again
        await graded(app, pilot)
        assert screen.query_one("#checks", DataTable).row_count == len(get_kata("softmax").examples)


async def test_a_hint_is_scrolled_into_view(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_kata(app, pilot)
        statement = screen.query_one("#statement")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: statement.max_scroll_y > 0 and statement.scroll_y == statement.max_scroll_y,
                       "the statement scrolled to the hint")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_an_attempts_clock_survives_closing_the_screen_and_restarting(make_app, monkeypatch):
    clock = Clock(1000.0)
    monkeypatch.setattr(KataScreen, "now", staticmethod(clock))
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_kata(app, pilot)  # from the starter: timed from now
        assert "⏱ 10:00" in str(screen.query_one("#kata-status").content)
        await pilot.press("escape", "escape")
    clock.now = 1000.0 + 5 * 60  # five minutes later, in a new app
    again = make_app()
    async with again.run_test(size=SMALL) as pilot:
        screen = await open_kata(again, pilot)
        await wait_for(pilot, lambda: "⏱ 5:00" in str(screen.query_one("#kata-status").content), "the clock")
        await set_code(screen, pilot, SOLUTION)
        clock.now += 60
        await pilot.press("ctrl+s")
        await graded(again, pilot)
        assert isinstance(again.screen, ResultDialog)
        assert "6:00" in again.screen.query_one("#result-summary").source
        assert again.store.kata_history("softmax")[0].elapsed_s == 6 * 60


async def test_a_solved_kata_submitted_again_is_not_a_best_time(make_app, monkeypatch):
    clock = Clock(1000.0)
    monkeypatch.setattr(KataScreen, "now", staticmethod(clock))
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, SOLUTION)
        clock.now += 200
        await pilot.press("ctrl+s")
        await graded(app, pilot)
        assert "A new best time!" in app.screen.query_one("#result-summary").source
        await pilot.press("escape")
        await pilot.press("escape", "escape")
        # Reopened a few seconds later and submitted: not a time from the starter.
        clock.now += 6
        app.open_kata("softmax")
        await pilot.pause()
        screen = app.screen
        assert t("untimed", "en") in str(screen.query_one("#kata-status").content)
        await pilot.press("ctrl+s")
        await graded(app, pilot)
        summary = app.screen.query_one("#result-summary").source
        assert "A new best time!" not in summary and "Not timed" in summary
        latest, first = app.store.kata_history("softmax")[:2]
        assert latest.status == "pass" and latest.elapsed_s is None and first.elapsed_s == 200
        assert app.store.kata_bests()["softmax"].best_elapsed_s == 200


async def test_a_new_attempt_starts_from_the_starter_and_keeps_the_old_code(make_app, monkeypatch):
    clock = Clock(1000.0)
    monkeypatch.setattr(KataScreen, "now", staticmethod(clock))
    path = workspace_file(get_kata("softmax"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# my old work\n")
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_kata(app, pilot)
        assert screen.started is None
        clock.now += 100
        await pilot.press("ctrl+n")
        await pilot.pause()
        starter = get_kata("softmax").starter_path.read_text()
        assert screen.query_one("#editor", TextArea).text == starter
        assert path.read_text() == starter
        assert path.with_name("softmax.py.prev").read_text() == "# my old work\n"
        assert screen.started == 1100.0
        assert "⏱ 10:00" in str(screen.query_one("#kata-status").content)
