"""Review: the due queue from the scheduler. Cards are revealed and self-rated
Again/Hard/Good/Easy (each button shows its next interval); other questions are answered
as in the quiz. Undo takes back the last rating."""

from __future__ import annotations

import time
from collections import Counter
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Markdown, Static

from kata.tui.local_keys import LocalKeys
from kata.quiz import InvalidAnswer, Mode, NoQuestions, QuestionType, Result, SelfRating, Session, Verdict
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

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-status", classes="status-line")
        with VerticalScroll(id="review-body"):
            yield QuestionView(id="review-question")
            yield Markdown("", id="review-feedback")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.start()

    def on_screen_resume(self) -> None:
        if self.session is None or self.session.finished:
            self.start()

    def start(self) -> None:
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
        if session is None or session.finished:
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
        if self.session is None:
            text = t("review", lang)
        else:
            answered, total = self.session.progress
            number = min(answered + (0 if self.last is not None else 1), total)
            text = f"{t('review', lang)}  ·  {number}/{total}"
        self.query_one("#review-status", Static).update(text)
