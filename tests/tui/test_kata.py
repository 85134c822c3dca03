"""Kata screen: the editor saves to the workspace file, examples and submissions are graded
in a worker, a pass shows the reference solution, the UI answers keys while grading."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from textual.widgets import DataTable, TextArea

from kata.exercises import get_kata
from kata.grader.limits import Limits
from kata.paths import solutions_dir
from kata.tui.screens.kata import KataScreen
from kata.tui.screens.kata_result import ResultDialog
from kata.tui.grading import WarmPool
from kata.workspace import workspace_file
from tests.conftest import gone_within, ours
from tests.tui.conftest import SIZE, wait_for

WRONG = "import numpy as np\n\ndef softmax(x):\n    return np.exp(x)\n"
LOOPING = "def softmax(x):\n    while True:\n        pass\n"


async def open_kata(app, pilot, kata_id="softmax") -> KataScreen:
    await pilot.press("2")
    await pilot.pause()
    app.open_kata(kata_id)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, KataScreen)
    return screen


async def set_code(screen, pilot, text: str) -> None:
    screen.query_one("#editor", TextArea).load_text(text)
    await pilot.pause()


async def graded(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_opens_with_the_starter_and_the_statement(make_app, monkeypatch):
    monkeypatch.setattr(KataScreen, "now", staticmethod(lambda: 1000.0))  # the clock stands still
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        kata = get_kata("softmax")
        assert screen.query_one("#editor", TextArea).text == kata.starter_path.read_text()
        assert screen.query_one("#statement-md").source.startswith(f"# {kata.title('en')}")
        assert "⏱ 10:00" in str(screen.query_one("#kata-status").content)


async def test_typing_is_saved_to_the_workspace_file(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        path = workspace_file(get_kata("softmax"))
        assert not path.exists()
        await pilot.press("enter", *"# mine", "enter")
        await wait_for(pilot, lambda: path.exists() and "# mine\n" in path.read_text(), "the autosave")
        assert "softmax.py saved" in str(screen.query_one("#kata-status").content)
    # reopening the kata shows the saved work, not the starter
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        screen = await open_kata(again, pilot)
        assert "# mine" in screen.query_one("#editor", TextArea).text


async def test_an_edit_in_another_editor_is_picked_up(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        path = workspace_file(get_kata("softmax"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# written elsewhere\n")
        later = time.time() + 5
        os.utime(path, (later, later))
        screen.pick_up_external_edit()
        await pilot.pause()
        assert screen.query_one("#editor", TextArea).text == "# written elsewhere\n"


async def test_hints_are_revealed_one_by_one(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        hints = get_kata("softmax").hints("en")
        await pilot.press("ctrl+t")
        assert hints[0].strip()[:30] in screen.query_one("#statement-md").source
        assert hints[1].strip()[:30] not in screen.query_one("#statement-md").source


async def test_run_examples_fills_the_table_and_records_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("ctrl+r")
        await graded(app, pilot)
        table = screen.query_one("#checks", DataTable)
        assert table.row_count == len(get_kata("softmax").examples)
        # The starter raises: the first example says so, the others are not judged again.
        marks = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert marks[0] == "✗" and "✓" not in marks
        assert app.store.kata_history() == []


async def test_a_failing_then_a_passing_submission(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, WRONG)
        await pilot.press("ctrl+s")
        await graded(app, pilot)
        status = str(screen.query_one("#kata-status").content)
        assert "checks passed" in status and screen.query_one("#kata-status").has_class("fail")
        table = screen.query_one("#checks", DataTable)
        assert table.row_count == len(get_kata("softmax").checks)
        [attempt] = app.store.kata_history("softmax")
        assert attempt.status == "fail" and attempt.elapsed_s is not None

        await set_code(screen, pilot, (solutions_dir() / "softmax.py").read_text())
        await pilot.press("ctrl+s")
        await graded(app, pilot)
        assert isinstance(app.screen, ResultDialog)
        summary = app.screen.query_one("#result-summary").source
        assert "A new best time!" in summary and "Passed 1 of 2 submissions" in summary
        solution = app.screen.query_one("#result-solution", TextArea).text
        assert "def softmax" in solution
        latest = app.store.kata_history("softmax")[0]
        assert latest.status == "pass" and latest.passed == latest.total
        assert app.store.kata_bests()["softmax"].passes == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert "Passed" in str(screen.query_one("#kata-status").content)


async def test_the_ui_answers_keys_while_a_looping_submission_is_graded(make_app):
    # A budget far longer than the test: the grade cannot end on its own while the keys
    # are pressed, so only a cancel ends it.
    app = make_app(grade_limits=Limits(timeout=600.0, check_timeout=600.0))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, LOOPING)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.grading
        # keys work while the child loops: a hint, typing, more time
        await pilot.press("ctrl+t", *"# still here")
        await pilot.pause()
        assert screen.hints == 1
        assert "# still here" in screen.query_one("#editor", TextArea).text
        await pilot.press("f9")
        assert screen.time_limit_s == (10 + 5) * 60
        assert screen.grading, "the grade finished before the keys were answered"
        # cancel: the screen stops waiting at once; the late result is thrown away
        await pilot.press("f8")
        await pilot.pause()
        assert not screen.grading
        assert "Cancelled" in str(screen.query_one("#kata-status").content)
        # The grading thread ends only once its child is killed: far within the budget.
        await asyncio.wait_for(app.workers.wait_for_complete(), timeout=60)
        await pilot.pause()
        assert "Cancelled" in str(screen.query_one("#kata-status").content)
        assert app.store.kata_history() == []


async def test_an_app_ends_the_warm_process_it_started_and_leaves_a_lent_one(make_app):
    # The installed app starts its own: opening a kata starts it, quitting ends it.
    app = make_app(warm_pool=None)
    async with app.run_test(size=SIZE) as pilot:
        await open_kata(app, pilot)
        await wait_for(pilot, lambda: ours(), "the warm process")
    assert gone_within() == []
    # One lent by the caller (the tests lend one to every app) stays for the next app;
    # a grade that is still running when the app ends is killed all the same.
    lent = WarmPool()
    try:
        for code in (LOOPING, WRONG):
            app = make_app(warm_pool=lent, grade_limits=Limits(timeout=600.0, check_timeout=600.0))
            async with app.run_test(size=SIZE) as pilot:
                screen = await open_kata(app, pilot)
                await set_code(screen, pilot, code)
                await pilot.press("ctrl+r")
                await wait_for(pilot, lambda: len(ours()) >= 2 or not screen.grading, "the grade running")
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=60)
            left = ours()
            assert len(left) == 1, f"the lent warm process alone should be left, not {left}"
            assert b"_zygote.py" in Path(f"/proc/{left[0]}/cmdline").read_bytes()
    finally:
        lent.close()
    assert gone_within() == []


async def test_a_looping_submission_times_out_and_fails(make_app):
    app = make_app(grade_limits=Limits(timeout=1.0, check_timeout=0.5))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, LOOPING)
        await pilot.press("ctrl+r")
        await graded(app, pilot)
        assert not screen.grading
        assert screen.query_one("#kata-status").has_class("fail")


async def test_the_statement_follows_the_language(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        kata = get_kata("softmax")
        assert screen.query_one("#statement-md").source.startswith(f"# {kata.title('zh')}")
        assert "提交" in str(screen.query_one("#submit").label)


async def test_widen_the_statement_and_go_back(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("f4")
        assert screen.has_class("wide-statement")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is not screen and app.current_mode == "kata"


async def test_messages_from_the_submission_are_shown_as_text_not_markup(make_app):
    """A submission's words reach the table and the status line as plain text: markup
    in them is shown, not applied (a stray closing tag used to crash the app), and
    terminal control characters are dropped."""
    hostile = 'def softmax(x):\n    raise ValueError("[/oops] [bold red]loud[/] \\x1b[2J bell\\x07")\n'
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, hostile)
        await pilot.press("ctrl+s")
        await graded(app, pilot)
        assert app.screen is screen and app.is_running
        table = screen.query_one("#checks", DataTable)
        first = str(table.get_row_at(0)[2])
        assert "[/oops] [bold red]loud[/]" in first
        assert "\x1b" not in first and "\x07" not in first


async def test_the_kata_list_groups_katas_under_their_topics(make_app):
    """The list shows each topic's name (in the app's language) as a heading the cursor
    skips, its katas under it, topics in catalogue order; Enter opens the kata shown."""
    from textual.widgets import OptionList

    from kata.exercises import by_topic

    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        menu = app.screen.query_one("#kata-list", OptionList)
        options = [menu.get_option_at_index(i) for i in range(menu.option_count)]
        expected = []
        for topic, katas in by_topic():
            expected += [(f"topic:{topic.id}", True, topic.name("zh"))] + [(k.id, False, k.title("zh")) for k in katas]
        assert [(o.id, o.disabled) for o in options] == [(i, d) for i, d, _ in expected]
        for option, (_, _, text) in zip(options, expected, strict=True):
            assert text in str(option.prompt)
        assert options[0].disabled and menu.highlighted == 1  # on the first kata, not its heading
        heading = next(i for i, o in enumerate(options) if o.disabled and i > 0)  # the second topic's
        await pilot.press(*["down"] * (heading - 2))
        assert menu.highlighted == heading - 1  # the first topic's last kata
        await pilot.press("down")  # over the heading, onto the next topic's first kata
        assert menu.highlighted == heading + 1
        first_of_second = heading + 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, KataScreen) and app.screen.kata.id == options[first_of_second].id


def test_the_status_line_fits_its_width():
    from rich.cells import cell_len

    from kata.tui.screens.kata import fit_status

    parts = ["Softmax, numerically stable", "⏱ 10:00", "6/8 checks passed", "softmax.py saved"]
    assert fit_status(parts, 120) == "  ·  ".join(parts)
    assert fit_status(parts, 78) == " · ".join(parts)  # 75 cells: closer together
    assert fit_status(parts, 60) == "⏱ 10:00 · 6/8 checks passed · softmax.py saved"  # the title goes first
    warned = ["⚠ softmax.py NOT saved (disk full)", *parts]
    assert fit_status(warned, 70, title=1).startswith("⚠ softmax.py NOT saved")
    assert "Softmax, numerically" not in fit_status(warned, 70, title=1)
    assert cell_len(fit_status(["软最大值，数值稳定", "⏱ 10:00", "通过 6/8 项检查"], 30)) <= 30


STUCK_ON_LARGE = ("import numpy as np\n\ndef softmax(x):\n    if np.abs(x).max() > 100:\n        while True:\n"
                  "            pass\n    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
                  "    return e / e.sum(axis=-1, keepdims=True)\n")


async def test_the_table_shows_each_check_as_it_is_judged(make_app):
    # basic passes, overflow (large inputs) never ends: the table shows basic's verdict
    # while overflow is still being graded, and the rows after it as waiting
    app = make_app(grade_limits=Limits(timeout=600.0, check_timeout=600.0))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, STUCK_ON_LARGE)
        await pilot.press("ctrl+s")
        table = screen.query_one("#checks", DataTable)
        await wait_for(pilot, lambda: table.get_row_at(0)[0] == "✓", "basic's verdict in the table")
        assert screen.grading
        assert [table.get_row_at(i)[1] for i in range(2)] == ["basic", "overflow"]
        assert table.get_row_at(1)[0] == "…"
        await pilot.press("f8")
        await asyncio.wait_for(app.workers.wait_for_complete(), timeout=60)


async def test_a_result_left_before_it_was_written_is_still_recorded(make_app, monkeypatch):
    # The attempt is written just after the table is painted; leaving the screen before
    # that moment (here: the moment never comes) writes it on the way out.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await set_code(screen, pilot, "def softmax(x):\n    return x\n")
        monkeypatch.setattr(screen, "call_after_refresh", lambda *args, **kwargs: True)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.report is not None, "the report")
        assert app.store.kata_history() == [] and screen.unrecorded is not None
        screen.action_leave()
        await wait_for(pilot, lambda: not isinstance(app.screen, KataScreen), "the screen left")
        await wait_for(pilot, lambda: len(app.store.kata_history()) == 1, "the attempt recorded")
        assert app.store.kata_history()[0].status == "fail"
