"""Review (rate a due card, intervals on the buttons, undo), Stats and Explore."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.widgets import Button, DataTable

from kata.quiz import Mode, QuestionType, SelfRating, Session
from kata.tui.screens.explore import ExploreScreen, softmax
from kata.tui.screens.review import ReviewScreen
from tests.tui.conftest import SIZE, first_of, wait_for
from tests.tui.test_kata import WRONG, graded, set_code


def make_due(app, question) -> None:
    """Answer ``question`` a month ago, so it is due for review now."""
    session = Session([question], mode=Mode.PRACTICE, store=app.store)
    given = SelfRating.GOOD if question.type is QuestionType.CARD else True
    session.answer(given, now=datetime.now(UTC) - timedelta(days=60))


async def test_rate_a_due_card_and_undo(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        card = first_of(app, QuestionType.CARD)
        make_due(app, card)
        menu = app.screen.query_one("#menu")
        await wait_for(pilot, lambda: "due" in str(menu.get_option("review").prompt), "the first count")
        await app.workers.wait_for_complete()
        app.screen.load_counts()
        await wait_for(pilot, lambda: "1 due" in str(menu.get_option("review").prompt), "the new count")
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.session.current.question.id == card.id
        reviews_before = len(app.store.review_logs(card.id))
        await pilot.press("space")
        await pilot.pause()
        labels = [str(b.label) for b in screen.query(".rate").results(Button)]
        assert [label.split(" ")[1] for label in labels] == ["Again", "Hard", "Good", "Easy"]
        assert all("·" in label for label in labels)  # each shows its next interval
        await pilot.press("3")
        await pilot.pause()
        assert len(app.store.review_logs(card.id)) == reviews_before + 1
        assert screen.session.finished
        tally = screen.query_one("#review-feedback").source
        assert "Finished" in tally and "1 reviewed" in tally and "Good 1" in tally and "Again 0" in tally
        assert "Next review: " in tally
        await pilot.press("u")
        await pilot.pause()
        assert len(app.store.review_logs(card.id)) == reviews_before
        assert screen.session.current.question.id == card.id


def test_the_review_tally_counts_ratings_and_verdicts(tmp_path):
    """A card rated Hard and a question answered wrong: both counted, in each language,
    with the earliest next review."""
    from kata.quiz import load_catalog
    from kata.quiz.loader import default_bank_paths
    from kata.store import Store
    from kata.tui.screens.review import tally_markdown

    catalog = load_catalog(default_bank_paths(tmp_path / "data"))  # the built-in banks only
    card = next(q for q in catalog if q.type is QuestionType.CARD)
    single = next(q for q in catalog if q.type is QuestionType.SINGLE)
    store = Store(tmp_path / "progress.db")
    session = Session([card, single], mode=Mode.PRACTICE, store=store, seed=3)
    for _ in range(2):
        presented = session.current
        if presented.question.type is QuestionType.CARD:
            session.answer(SelfRating.HARD)
        else:
            wrong = next(i for i in range(len(single.choices)) if i not in single.correct_indices)
            session.answer(presented.position(wrong))
    en, zh = tally_markdown(session, "en"), tally_markdown(session, "zh")
    assert "2 reviewed" in en and "Again 0 · Hard 1 · Good 0 · Easy 0" in en
    assert "questions: 0 right, 0 partly, 1 wrong" in en
    first = min(r.next_due for r in session.results).astimezone().strftime("%Y-%m-%d %H:%M")
    assert f"Next review: {first}" in en
    assert "本次复习 2 题" in zh and "困难 1" in zh and "1 错" in zh and f"下次复习：{first}" in zh
    store.close()


async def test_rate_by_mouse(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        card = first_of(app, QuestionType.CARD)
        make_due(app, card)
        await pilot.press("3")
        await pilot.pause()
        await pilot.click(".reveal")
        await pilot.pause()
        await pilot.click(".rate.easy")
        await pilot.pause()
        assert app.screen.session.results[0].grade.value == SelfRating.EASY


async def test_nothing_due(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert "Nothing is due" in app.screen.query_one("#review-feedback").source


async def test_stats_shows_accuracy_forecast_and_katas(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        question = first_of(app, QuestionType.TRUE_FALSE)
        make_due(app, question)
        app.store.record_kata_attempt("softmax", status="pass", passed=5, total=5, elapsed_s=125)
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        banks = str(app.screen.query_one("#stats-banks").content)
        assert question.bank_id in banks and "%" in banks
        forecast = str(app.screen.query_one("#stats-forecast").content)
        assert "1 due" in forecast and "katas due: 0" in forecast  # softmax, passed just now
        table = app.screen.query_one("#stats-katas", DataTable)
        assert table.get_row_at(0)[:4] == ["softmax", "1", "1", "2:05"]
        history = app.screen.query_one("#stats-history", DataTable)
        assert history.row_count == 1 and history.get_row_at(0)[1] == "softmax"


def test_softmax_helper_is_a_distribution():
    probs = softmax((2.0, 1.0, 0.1), 1.0)
    assert abs(sum(probs) - 1) < 1e-12 and probs[0] > probs[1] > probs[2]
    assert softmax((2.0, 1.0), 0.01)[0] > 0.999  # T -> 0: argmax


async def test_explore_draws_sigmoid_peak_and_temperature(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExploreScreen)
        sigmoid = str(screen.query_one("#sigmoid-plot").content)
        assert "0.25" in sigmoid and "●" in sigmoid
        assert "T = 1" in str(screen.query_one("#softmax-bars").content)
        await pilot.press("left", "left")
        assert "T = 0.25" in str(screen.query_one("#softmax-bars").content)
        await pilot.press("right", "right", "right", "right")
        assert "T = 5" in str(screen.query_one("#softmax-bars").content)
        assert "σ(z)" in str(screen.query_one("#two-class-plot").content)
        await pilot.press("f2")
        await pilot.pause()
        assert "峰值" in str(screen.query_one("#sigmoid-plot").content)


async def test_an_explanation_links_to_its_picture(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        question = first_of(app, QuestionType.SINGLE, lambda q: q.figure is not None)
        screen.begin(Session([question], seed=2))
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert "press `x`" in screen.query_one("#feedback").source
        await pilot.press("x")
        await pilot.pause()
        await pilot.pause()
        assert app.current_mode == "explore"
        assert isinstance(app.screen, ExploreScreen)


def test_a_plot_fits_its_columns_and_keeps_every_marker_label():
    """Marker labels never push a line past the columns given: the plot narrows, or the
    labels go under it (a wrapped line would land inside the picture)."""
    from rich.cells import cell_len

    from kata.tui.widgets.plot import MIN_WIDTH, Marker, Series, line_plot

    markers = [Marker(0, 0.25, "σ'(0) = 0.25 (峰值), the peak of the derivative"), Marker(0, 0.5, "σ(0) = 0.5")]
    series = [Series("σ", lambda x: 1 / (1 + 2.718281828 ** -x), "cyan")]
    for columns in (40, 60, 72, 100, 200):
        text = line_plot(series, x_range=(-6, 6), y_range=(0, 1), width=80, height=10, markers=markers,
                         columns=columns).plain
        picture = [line for line in text.splitlines() if "┤" in line or "└" in line]
        assert len(picture) == 11 and all(cell_len(line) <= columns for line in picture), (columns, text)
        for marker in markers:
            assert text.count(marker.label) == 1, (columns, text)
        assert sum(line.count("●") for line in picture) == 2  # both points drawn, wherever their words are
    narrow = line_plot(series, x_range=(-6, 6), y_range=(0, 1), width=80, height=10, markers=markers, columns=50).plain
    assert "← " not in narrow and narrow.splitlines()[-1].endswith("σ(0) = 0.5")  # labels below the plot
    wide = line_plot(series, x_range=(-6, 6), y_range=(0, 1), width=60, height=10, markers=markers, columns=200).plain
    assert "← σ(0) = 0.5" in wide and len(wide.splitlines()[-3]) > MIN_WIDTH  # beside, at the width asked for


def make_kata_due(app, kata_id: str, status: str = "fail") -> None:
    """A submission at ``kata_id`` sixty days ago, so that its kata is due for review now."""
    from kata.quiz import KataReviewer

    at = datetime.now(UTC) - timedelta(days=60)
    review = KataReviewer(app.store).plan(kata_id, status, now=at)
    app.store.record_kata_attempt(kata_id, status=status, passed=1, total=8, review=review, now=at.timestamp())


async def test_a_due_kata_is_listed_in_review_and_opens_in_the_editor(make_app):
    """Listed with its title and topic before the questions; Enter opens it in the kata
    editor; a failed submission rates it Again and, back in Review, it has left the queue
    (due again tomorrow); then the questions."""
    from kata.exercises import get_kata, topic
    from kata.tui.screens.kata import KataScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        make_kata_due(app, "softmax")
        make_due(app, first_of(app, QuestionType.CARD))
        menu = app.screen.query_one("#menu")
        await wait_for(pilot, lambda: "due" in str(menu.get_option("review").prompt), "the first count")
        await app.workers.wait_for_complete()
        app.screen.load_counts()
        await wait_for(pilot, lambda: "2 due" in str(menu.get_option("review").prompt), "questions and katas")
        await pilot.press("3")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.picking
        listed = review.query_one("#review-katas")
        kata = get_kata("softmax")
        first = str(listed.get_option_at_index(0).prompt)
        assert listed.get_option_at_index(0).id == "softmax"
        assert "Kata" in first and kata.title("en") in first and topic(kata.topic).name("en") in first
        assert "last failed" in first
        assert listed.get_option_at_index(1).id == "questions"
        assert "katas due: 1" in str(review.query_one("#review-status").content)
        assert not review.query_one("#review-question").display
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, KataScreen) and editor.kata.id == "softmax" and editor.from_review
        await set_code(editor, pilot, WRONG)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: editor.report is not None, "the report")
        await graded(app, pilot)
        latest = app.store.kata_history("softmax")[0]
        assert latest.status == "fail" and latest.rating == 1 and latest.hints == 0  # Again
        await pilot.press("escape", "escape")  # out of the editor, then out of the kata
        await wait_for(pilot, lambda: app.screen is review, "back in review")
        assert not review.picking and review.katas == []  # due tomorrow: on to the questions
        assert not review.query_one("#review-katas").display
        assert review.query_one("#review-question").display
        assert review.session.current.question.type is QuestionType.CARD


async def test_a_pass_from_review_goes_back_to_the_queue(make_app):
    """A pass after a hint rates the kata Hard; the pass dialog's button leads back to
    Review, where the next due kata is listed; Chinese words for the kata list."""
    from kata.paths import solutions_dir
    from kata.tui.screens.kata import KataScreen
    from kata.tui.screens.kata_result import ResultDialog

    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        make_kata_due(app, "softmax")
        make_kata_due(app, "sigmoid", status="pass")
        await pilot.press("3")
        await pilot.pause()
        review = app.screen
        listed = review.query_one("#review-katas")
        assert [listed.get_option_at_index(i).id for i in range(listed.option_count)] == ["softmax", "sigmoid"]
        assert "练习题" in str(listed.get_option_at_index(1).prompt)
        assert "上次通过" in str(listed.get_option_at_index(1).prompt)
        assert "到期复习的练习题（2）" in str(review.query_one("#review-katas-title").content)
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, KataScreen)
        await pilot.press("ctrl+t")  # a hint
        await wait_for(pilot, lambda: editor.hints == 1, "the hint")
        await set_code(editor, pilot, (solutions_dir() / "softmax.py").read_text())
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ResultDialog), "the pass dialog")
        dialog = app.screen
        assert str(dialog.query_one("#result-close").label) == "返回复习"
        assert not dialog.query("#result-next")  # no "next kata": the queue is next
        latest = app.store.kata_history("softmax")[0]
        assert (latest.status, latest.hints, latest.rating) == ("pass", 1, 2)  # Hard
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is review, "back in review")
        assert [due.kata_id for due in review.katas] == ["sigmoid"] and review.picking
        assert listed.option_count == 1 and listed.get_option_at_index(0).id == "sigmoid"
