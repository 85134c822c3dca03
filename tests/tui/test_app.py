"""The app skeleton: home, modes, language and theme remembered, quitting."""

from __future__ import annotations

from textual.widgets import OptionList

from kata.store import Store
from tests.tui.conftest import SIZE, wait_for


def _palette_offers(app, title: str) -> bool:
    """The command palette's highlighted match is ``title`` (its search runs in a task)."""
    from textual.command import CommandList

    lists = app.screen.query(CommandList)
    if not lists:
        return False
    options = lists.first()
    index = options.highlighted
    return index is not None and title in str(options.get_option_at_index(index).prompt)


async def test_home_lists_the_areas_and_opens_each(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        menu = app.screen.query_one("#menu", OptionList)
        # the due count loads in a worker just after the first paint
        await wait_for(pilot, lambda: "due" in str(menu.get_option("review").prompt), "the due count")
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert ids == ["quiz", "kata", "review", "stats", "explore"]
        assert "0 due" in str(menu.get_option("review").prompt)
        for key, mode in [
            ("1", "quiz"),
            ("2", "kata"),
            ("3", "review"),
            ("4", "stats"),
            ("5", "explore"),
        ]:
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            await pilot.press("escape")
            await pilot.pause()
            assert app.current_mode == "home"
        await app.workers.wait_for_complete()


async def test_menu_by_arrows_and_enter(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.current_mode == "kata"


async def test_language_switch_is_remembered(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.lang == "en"
        await pilot.press("f2")
        await pilot.pause()
        assert app.lang == "zh"
        menu = app.screen.query_one("#menu", OptionList)
        assert "测验" in str(menu.get_option("quiz").prompt)
    with Store.open() as store:
        assert store.get_setting("lang") == "zh"
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        assert again.lang == "zh"
        await pilot.press("1")
        await pilot.pause()
        status = str(again.screen.query_one("#quiz-status").content)
        assert "练习" in status
    forced = make_app(lang="en")
    async with forced.run_test(size=SIZE):
        assert forced.lang == "en"


async def test_theme_switch_is_remembered(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        before = app.theme
        await pilot.press("f3")
        await pilot.pause()
        chosen = app.theme
        assert chosen != before
    again = make_app()
    async with again.run_test(size=SIZE):
        assert again.theme == chosen


async def test_command_palette_reaches_the_areas(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Explore")
        await wait_for(pilot, lambda: _palette_offers(app, "Explore"), "the palette's match")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_mode == "explore", "the Explore area")


async def test_ctrl_q_quits(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code in (0, None)
    assert not app.is_running


async def test_command_palette_starts_an_exam(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"new exam")
        await wait_for(pilot, lambda: _palette_offers(app, "Quiz: new exam"), "the palette's match")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: app.current_mode == "quiz" and getattr(app.screen, "session", None) is not None
            and app.screen.session.mode.value == "exam",
            "the exam",
        )


def test_kata_alone_without_a_terminal_prints_the_overview():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "kata"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0
    assert "usage: kata" in done.stdout
    assert "not in this version" not in done.stdout + done.stderr


async def test_recent_activity_follows_the_language(make_app):
    app = make_app()
    app.store.record_kata_attempt("softmax", status="pass", passed=8, total=8, elapsed_s=100.0)
    app.store.start_session("exam", planned=10)
    async with app.run_test(size=SIZE) as pilot:
        recent = app.screen.query_one("#recent")
        await wait_for(pilot, lambda: "softmax" in str(recent.content), "the recent activity")
        shown = str(recent.content)
        assert "kata softmax: 8/8" in shown and "quiz (exam, 10 questions)" in shown
        await pilot.press("f2")
        await wait_for(pilot, lambda: "练习题" in str(recent.content), "the Chinese recent activity")
        shown = str(recent.content)
        assert "练习题 softmax：8/8" in shown and "测验（考试，10 题）" in shown
        assert "quiz" not in shown and "questions" not in shown


async def test_every_key_of_a_screen_is_in_the_palette(make_app):
    """The kata screen's F-keys (and its other keys) are palette commands too, named in
    the app's language; choosing one does what the key does."""
    from tests.tui.test_kata import open_kata

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_kata(app, pilot)
        titles = {c.title: c for c in app.get_system_commands(screen)}
        for wanted in ("Wide statement (f4)", "+5 min (f9)", "Submit (^s)", "Hint (^t)"):
            assert wanted in titles, sorted(titles)
        assert not any(title.startswith("Cancel (") for title in titles)  # only while grading
        before = screen.time_limit_s
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"+5 min")
        await wait_for(pilot, lambda: _palette_offers(app, "+5 min (f9)"), "the palette's match")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.time_limit_s == before + 300, "five more minutes")
        await pilot.press("f2")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(screen)]
        assert any(title.endswith("(f4)") and "宽" in title for title in titles), titles
