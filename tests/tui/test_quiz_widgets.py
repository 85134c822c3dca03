"""Question widgets tell the truth at every width: a multi-answer option that wraps keeps
one box, ticks match picks, feedback marks every option (right, wrong pick, missed), and
the language switch keeps what was ticked or typed."""

from __future__ import annotations

from dataclasses import replace

from textual.geometry import Region
from textual.widgets import Input, OptionList

from kata.quiz import Mode, QuestionType, Session
from kata.quiz.model import Text
from kata.tui.i18n import t
from tests.tui.conftest import first_of, wait_for
from tests.tui.test_quiz import open_quiz

NARROW = (80, 24)


def lines_of(widget) -> list[str]:
    size = widget.size
    return [strip.text for strip in widget.render_lines(Region(0, 0, size.width, size.height))]


def long_multi(app):
    """A multi-answer question with two or more right options, each long enough to wrap."""
    question = first_of(app, QuestionType.MULTI, lambda q: len(q.correct_indices) >= 2 and len(q.choices) >= 4)
    tail = " and a long tail of words that makes this option wrap onto a second screen line"
    choices = tuple(replace(c, text=Text(tuple((lang, words + tail) for lang, words in c.text.items)))
                    for c in question.choices)
    return replace(question, choices=choices)


async def start_long_multi(app, pilot):
    screen = await open_quiz(app, pilot)
    question = long_multi(app)
    screen.begin(Session([question], mode=Mode.PRACTICE, store=app.store, seed=7))
    await pilot.pause()
    return screen, question


async def test_ticks_match_the_picks_when_options_wrap_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen, question = await start_long_multi(app, pilot)
        await pilot.press("2", "4")
        await pilot.pause()
        options = screen.query_one(".multi", OptionList)
        shown = lines_of(options)
        assert len(shown) > options.option_count  # the options really wrap
        boxes = [line for line in shown if "[x]" in line or "[ ]" in line]
        assert len(boxes) == options.option_count  # one box per option, not per line
        assert [i for i, line in enumerate(boxes) if "[x]" in line] == [1, 3]
        # The language switch keeps the ticks.
        await pilot.press("f2")
        await pilot.pause()
        assert screen.query_one("#question").ticked == {1, 3}


async def test_an_empty_multi_answer_is_not_taken(make_app, monkeypatch):
    app = make_app()
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kwargs: said.append(str(message)))
    async with app.run_test(size=NARROW) as pilot:
        screen, _ = await start_long_multi(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert screen.last is None and app.store.answers() == []
        assert t("tick_one", "en") in said


async def test_feedback_marks_right_wrong_and_missed_options(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen, question = await start_long_multi(app, pilot)
        presented = screen.session.current
        right = sorted(question.correct_indices)
        wrong = next(i for i in range(len(question.choices)) if i not in question.correct_indices)
        picked, missed = right[0], right[1:]
        await pilot.press(str(presented.position(picked) + 1), str(presented.position(wrong) + 1), "s")
        await wait_for(pilot, lambda: screen.last is not None, "the answer")
        options = screen.query_one(".multi", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[presented.position(picked)].startswith("✓ [x]")
        assert prompts[presented.position(wrong)].startswith("✗ [x]")
        for index in missed:
            assert prompts[presented.position(index)].startswith("○ missed [ ]")
        feedback = screen.query_one("#feedback").source
        assert "Correct but not picked" in feedback
        assert question.choices[missed[0]].text.get("en")[:30] in feedback


async def test_true_false_reads_in_one_language(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_quiz(app, pilot)
        screen.begin(Session([first_of(app, QuestionType.TRUE_FALSE)], store=app.store, seed=1))
        await pilot.pause()
        options = screen.query_one(".choices", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(2)]
        assert prompts == ["1. True", "2. False"]
        await pilot.press("f2")
        await pilot.pause()
        options = screen.query_one(".choices", OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(2)] == ["1. 对", "2. 错"]


async def test_the_language_switch_keeps_a_typed_answer(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_quiz(app, pilot)
        screen.begin(Session([first_of(app, QuestionType.NUMERIC)], store=app.store, seed=1))
        await pilot.pause()
        await pilot.press(*"0.25")
        await pilot.press("f2")
        await pilot.pause()
        assert screen.query_one(".typed", Input).value == "0.25"
