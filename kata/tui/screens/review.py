"""Review: the due queue from the scheduler. Katas that are due come first, listed with
their title and topic; choosing one opens it in the kata editor, where each submission
rates its card, and a pass comes back here. Then the questions: cards are revealed and
self-rated Again/Hard/Good/Easy (each button shows its next interval); other questions
are answered as in the quiz. Undo takes back the last rating."""

from __future__ import annotations

import time
from collections import Counter
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from kata.tui.local_keys import LocalKeys
from kata.quiz import (
    DueKata,
    InvalidAnswer,
    KataReviewer,
    Mode,
    NoQuestions,
    QuestionType,
    Result,
    SelfRating,
    Session,
    Verdict,
)
from kata.tui.i18n import t
from kata.tui.screens._session_actions import SessionActions
from kata.tui.widgets.question import QuestionView, feedback_markdown
from kata.tui.widgets.footer import SteadyFooter


def tally_markdown(session: Session, lang: str) -> str:
    """The end of a review: how many were reviewed, each rating and verdict counted, and
    when the next card is due."""
    results = session.summary().results
    cards = [r for r in results if r.question.type is QuestionType.CARD]
    others = [r for r in results if r.question.type is not QuestionType.CARD]
    lines = [f"# {t('finished', lang)}", t("reviewed", lang, n=len(results))]
    if cards:
        ratings = Counter(r.grade.value for r in cards)
        lines.append(" · ".join(f"{t(rating.value, lang)} {ratings[rating]}" for rating in SelfRating))
    if others:
        verdicts = Counter(r.grade.verdict for r in others)
        lines.append(t("review_answers", lang, right=verdicts[Verdict.RIGHT], partial=verdicts[Verdict.PARTIAL],
                       wrong=verdicts[Verdict.WRONG]))
    upcoming = [r.next_due for r in results if r.next_due is not None]
    if upcoming:
        when = min(upcoming).astimezone().strftime("%Y-%m-%d %H:%M")
        lines.append(t("next_review", lang, when=when))
    return "\n\n".join(lines)


def kata_option(due: DueKata, lang: str) -> Option:
    """A due kata in the queue: marked as a kata, its title, its topic, its last result."""
    from kata.exercises import get_kata, topic

    kata = get_kata(due.kata_id)
    last = ""
    if due.last_status is not None and due.last_at is not None:
        when = due.last_at.astimezone().strftime("%Y-%m-%d")
        last = f" · {t('kata_last', lang, result=t('status_' + due.last_status, lang), when=when)}"
    return Option(
        f"[reverse] {t('kata', lang)} [/reverse] [b]{kata.title(lang)}[/b]"
        f"\n   [dim]{topic(kata.topic).name(lang)}{last}[/dim]",
        id=due.kata_id,
    )


class ReviewScreen(LocalKeys, SessionActions, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,n", "next", "Next", id="next"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("x", "picture", "Picture", id="picture"),
        Binding("escape", "app.area('home')", "Home", id="home"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.session: Session | None = None
        self.last: Result | None = None
        self.shown_at = time.monotonic()
        self.katas: list[DueKata] = []  # the katas due, most overdue first
        self.picking = False  # the due katas are listed (the questions wait)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-status", classes="status-line")
        with VerticalScroll(id="review-body"):
            yield Static("", id="review-katas-title", classes="section-title")
            yield OptionList(id="review-katas")
            yield QuestionView(id="review-question")
            yield Markdown("", id="review-feedback")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.start()

    def on_screen_resume(self) -> None:
        """Back from a kata (or from another area): a kata submitted since has left the
        queue; a finished review starts again."""
        if self.session is None or self.session.finished:
            self.start()
            return
        katas = self._due_katas()
        if [k.kata_id for k in katas] != [k.kata_id for k in self.katas]:
            self.katas = katas
            if self.picking:
                self._show()

    def _due_katas(self) -> list[DueKata]:
        from kata.exercises import catalog

        return KataReviewer(self.app.store).due(catalog())

    def start(self) -> None:
        self.katas = self._due_katas()
        self.picking = bool(self.katas)
        try:
            self.session = Session.start(self.app.catalog, mode=Mode.REVIEW, store=self.app.store)
        except NoQuestions:
            self.session = None
        self.last = None
        self._show()

    def refresh_lang(self) -> None:
        if self.last is None:
            self._show()

    def _show_question(self) -> None:
        self._show()

    def _show(self) -> None:
        view = self.query_one("#review-question", QuestionView)
        feedback = self.query_one("#review-feedback", Markdown)
        lang = self.app.lang
        session = self.session
        if self.picking and not self.katas:
            self.picking = False  # every due kata was done: on to the questions
        self._show_katas()
        if self.picking:
            view.display = False
            feedback.update("")
        elif session is None or session.finished:
            view.display = False
            feedback.update(t("no_due", lang) if session is None else tally_markdown(session, lang))
        else:
            presented = session.current
            assert presented is not None
            view.display = True
            feedback.update("")
            view.show(presented, lang, preview=session.preview())
            self.shown_at = time.monotonic()
        self._status()
        self.refresh_bindings()

    def _show_katas(self) -> None:
        """The due katas, and after them the way on to the questions (if any are due)."""
        title = self.query_one("#review-katas-title", Static)
        menu = self.query_one("#review-katas", OptionList)
        title.display = menu.display = self.picking
        if not self.picking:
            return
        lang = self.app.lang
        title.update(t("katas_due_title", lang, n=len(self.katas)))
        highlighted = menu.highlighted
        menu.clear_options()
        for due in self.katas:
            menu.add_option(kata_option(due, lang))
        if self.session is not None and not self.session.finished:
            _, total = self.session.progress
            menu.add_option(Option(f"→ {t('review_questions', lang, n=total)}", id="questions"))
        menu.highlighted = min(highlighted or 0, menu.option_count - 1)
        menu.focus()

    @on(OptionList.OptionSelected, "#review-katas")
    def _kata_chosen(self, event: OptionList.OptionSelected) -> None:
        from kata.tui.screens.kata import KataScreen

        if event.option.id == "questions":
            self.picking = False
            self._show()
        elif event.option.id:
            self.app.push_screen(KataScreen(event.option.id, from_review=True))

    @on(QuestionView.Answered, "#review-question")
    def _answered(self, event: QuestionView.Answered) -> None:
        session = self.session
        if session is None or session.finished or self.last is not None:
            return
        try:
            result = session.answer(
                event.given, duration_ms=round((time.monotonic() - self.shown_at) * 1000)
            )
        except InvalidAnswer as err:
            self.notify(str(err), severity="warning")
            return
        if result.question.type.value == "card":
            self._show()  # a rating needs no feedback: on to the next card
            return
        self.last = result
        self.query_one("#review-question", QuestionView).freeze(result.grade)
        self.query_one("#review-feedback", Markdown).update(
            feedback_markdown(result.presented, result.grade, self.app.lang)
        )
        self.query_one("#review-body").focus()
        self._status()
        self.refresh_bindings()

    def action_next(self) -> None:
        self.last = None
        self._show()

    def _status(self) -> None:
        lang = self.app.lang
        if self.picking:
            text = f"{t('review', lang)}  ·  {t('katas_due_count', lang, n=len(self.katas))}"
        elif self.session is None:
            text = t("review", lang)
        else:
            answered, total = self.session.progress
            number = min(answered + (0 if self.last is not None else 1), total)
            text = f"{t('review', lang)}  ·  {number}/{total}"
        self.query_one("#review-status", Static).update(text)
