"""What a person sees: each screen and dialog, in English and Chinese, at 80x24 and
120x40, compared with the SVG committed in tests/tui/snapshots/. A layout change is a
failing test; a snapshot that is missing is written and the test fails, so that it is
looked at (open the SVG in a browser) and committed. To accept a change on purpose,
delete the snapshot and run the test again."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, TextArea

from kata import exercises, grader
from kata.exercises import by_topic
from kata.quiz import Mode, QuestionType, Session
from kata.tui.screens.kata import KataScreen
from kata.tui.screens.stats import StatsScreen
from tests.tui.conftest import first_of, wait_for
from tests.tui.test_kata import graded, open_kata, set_code
from tests.tui.test_quiz import open_quiz

SNAPSHOTS = Path(__file__).with_name("snapshots")
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}

#: The katas the kata-list snapshot shows, in three topics: a fixed set, so that adding a
#: kata does not change the picture (tests/test_catalog.py and test_kata.py check the
#: whole list).
LISTED_KATAS = ("softmax", "softmax-backward", "log-softmax", "focal-loss", "iou", "nms")


def listed_by_topic():
    groups = [(topic, [k for k in katas if k.id in LISTED_KATAS]) for topic, katas in by_topic()]
    return [(topic, katas) for topic, katas in groups if katas]


async def still(app, pilot) -> None:
    """Nothing blinks or moves: the snapshot is the same on every run."""
    for area in app.screen.query(TextArea):
        area.cursor_blink = False
    app.screen.set_focus(None)  # no cursor, whichever widget had focus
    await app.workers.wait_for_complete()
    for _ in range(5):  # messages posted by the last worker, and the repaint after them
        await pilot.pause()
    # A DataTable measures its columns when its message pump is idle, which a busy
    # machine can put off past the pauses above: wait until no table has any left.
    tables = list(app.screen.query(DataTable))
    await wait_for(pilot, lambda: not any(t._updated_cells or t._new_rows or t._require_update_dimensions
                                          for t in tables), "the tables measured")
    for _ in range(3):  # the repaint after the new widths
        await pilot.pause()
    await app.animator.wait_until_complete()


async def home(app, pilot) -> None:
    await pilot.pause()  # the due count comes from a worker, which ``still`` waits for


async def quiz_multi(app, pilot) -> None:
    screen = await open_quiz(app, pilot)
    question = first_of(app, QuestionType.MULTI, lambda q: len(q.choices) >= 4)
    screen.begin(Session([question], mode=Mode.PRACTICE, store=app.store, seed=7))
    await pilot.pause()
    await pilot.press("1", "3")


async def quiz_feedback(app, pilot) -> None:
    await quiz_multi(app, pilot)
    await pilot.press("s")
    await wait_for(pilot, lambda: app.screen.last is not None, "the feedback")


async def pass_dialog(app, pilot) -> None:
    from kata.paths import solutions_dir

    screen = await open_kata(app, pilot)
    await set_code(screen, pilot, (solutions_dir() / "softmax.py").read_text())
    await pilot.press("ctrl+s")
    await graded(app, pilot)
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ResultDialog", "the dialog")


PRINTING = ("import numpy as np\n\ndef softmax(x):\n    print('looking at', x.shape)\n"
            "    e = np.exp(x)\n    return e / e.sum(axis=-1, keepdims=True)\n")


async def failed_kata(app, pilot) -> None:
    screen = await open_kata(app, pilot)
    await set_code(screen, pilot, PRINTING)
    await pilot.press("ctrl+s")
    await graded(app, pilot)
    await wait_for(pilot, lambda: screen.report is not None, "the report")


async def check_dialog(app, pilot) -> None:
    from kata.tui.screens.check_dialog import CheckDialog

    await failed_kata(app, pilot)
    table = app.screen.query_one("#checks", DataTable)
    table.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, CheckDialog), "the details dialog")


async def area(name: str, app, pilot) -> None:
    app.switch_mode(name)
    await pilot.pause()


async def bank_dialog(app, pilot) -> None:
    screen = await open_quiz(app, pilot)
    screen.begin(Session([first_of(app, QuestionType.SINGLE)], mode=Mode.PRACTICE, store=app.store, seed=7))
    await pilot.pause()
    screen.action_banks()
    await wait_for(pilot, lambda: type(app.screen).__name__ == "SetupDialog", "the dialog")


async def review_katas(app, pilot) -> None:
    """Two katas due (one failed, one passed, on a fixed day) and a card."""
    from kata.quiz import KataReviewer

    at = datetime(2026, 11, 2, 12, tzinfo=UTC)  # noon UTC: the same local date nearly everywhere
    for kata_id, status in (("softmax", "fail"), ("sigmoid", "pass")):
        review = KataReviewer(app.store).plan(kata_id, status, now=at)
        app.store.record_kata_attempt(kata_id, status=status, passed=1, total=8, review=review, now=at.timestamp())
    card = first_of(app, QuestionType.CARD)
    Session([card], mode=Mode.PRACTICE, store=app.store).answer("good", now=at)
    await area("review", app, pilot)


SCENES = {
    "home": home,
    "quiz-multi": quiz_multi,
    "quiz-feedback": quiz_feedback,
    "bank-dialog": bank_dialog,
    "kata-list": lambda app, pilot: area("kata", app, pilot),
    "kata-failed": failed_kata,
    "check-dialog": check_dialog,
    "pass-dialog": pass_dialog,
    "review": lambda app, pilot: area("review", app, pilot),
    "review-katas": review_katas,
    "stats": lambda app, pilot: area("stats", app, pilot),
    "explore": lambda app, pilot: area("explore", app, pilot),
}


def normalised(svg: str) -> str:
    """The SVG without what changes from run to run but not on screen (none expected;
    kept as the one place to say so)."""
    return re.sub(r"\s+\n", "\n", svg)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("scene", list(SCENES))
async def test_snapshot(make_app, monkeypatch, tmp_path, scene, lang, size):
    monkeypatch.setattr(KataScreen, "now", staticmethod(lambda: 1000.0))  # the kata clock stands still
    # the forecast starts on a fixed day (noon UTC: the same local date in every time zone
    # from UTC-11 to UTC+11), not on the day the suite runs
    monkeypatch.setattr(StatsScreen, "now", staticmethod(lambda: datetime(2026, 12, 2, 12, tzinfo=UTC)))
    monkeypatch.setattr(exercises, "by_topic", listed_by_topic)
    monkeypatch.setattr(grader, "grade", functools.partial(grader.grade, seed=7))  # the same inputs every run
    app = make_app(lang=lang)
    async with app.run_test(size=SIZES[size]) as pilot:
        await pilot.pause()
        await SCENES[scene](app, pilot)
        await still(app, pilot)
        svg = normalised(app.export_screenshot(title=f"{scene} {lang} {size}"))
    path = SNAPSHOTS / f"{scene}-{lang}-{size}.svg"
    if not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        pytest.fail(f"new snapshot written: {path}; look at it and commit it")
    if svg != path.read_text(encoding="utf-8"):
        seen = tmp_path / path.name
        seen.write_text(svg, encoding="utf-8")
        pytest.fail(f"{path.name} differs: the screen changed; what it shows now is in {seen}")
