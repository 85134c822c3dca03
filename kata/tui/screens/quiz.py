"""Quiz: one question at a time, n/N and score, feedback in practice, a countdown in exams,
a summary at the end, and a retry of the ones missed."""

from __future__ import annotations

import time
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Markdown, Static

from kata.tui.local_keys import LocalKeys
from kata.errors import KataError
from kata.quiz import InvalidAnswer, Mode, NoQuestions, Result, Selection, Session
from kata.tui.i18n import clock, t
from kata.tui.screens._session_actions import SessionActions
from kata.tui.screens.quiz_setup import QuizPlan
from kata.tui.widgets.question import QuestionView, feedback_markdown
from kata.tui.widgets.footer import SteadyFooter

#: The store settings that remember the banks a quiz draws from, and the rest of its plan.
BANKS_SETTING = "quiz.banks"
PLAN_SETTING = "quiz.plan"

class QuizScreen(LocalKeys, SessionActions, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,n", "next", "Next", id="next"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("x", "picture", "Picture", id="picture"),
        Binding("p", "start('practice')", "Practice", id="practice"),
        Binding("e", "start('exam')", "Exam", id="exam"),
        Binding("r", "start('retry-wrong')", "Retry missed", id="retry"),
        Binding("b", "banks", "Banks", id="banks"),
        Binding("escape", "app.area('home')", "Home", id="home"),
    ]

    def __init__(self, *, seed: int | None = None) -> None:
        super().__init__()
        self.seed = seed
        self.plan = QuizPlan()
        self.session: Session | None = None
        self.last: Result | None = None
        self.shown_at = time.monotonic()
        self.message = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="quiz-status", classes="status-line")
        with VerticalScroll(id="quiz-body"):
            yield QuestionView(id="question")
            yield Markdown("", id="feedback")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.plan = QuizPlan.from_json(self.app.store.get_setting(PLAN_SETTING, {}), self._saved_banks(),
                                       self.app.catalog)
        self.action_start("practice")
        self.set_interval(1.0, self._tick)

    def refresh_lang(self) -> None:
        if self.last is not None:
            self._show_feedback(self.last)
        else:
            self._show_current()

    # -- sessions ------------------------------------------------------------------------

    @property
    def banks(self) -> tuple[str, ...]:
        """The banks the quiz draws from (empty: every bank)."""
        return self.plan.banks

    def action_start(self, mode: str) -> None:
        mode_ = Mode(mode)
        plan = self.plan
        count = plan.exam_length if mode_ is Mode.EXAM else (None if mode_ is Mode.RETRY_WRONG else plan.length)
        try:
            session = Session.start(
                self.app.catalog,
                Selection(banks=plan.banks, tags=plan.tags, difficulty=plan.difficulty, count=count),
                mode=mode_,
                seed=self.seed,
                store=self.app.store,
                time_limit_s=plan.exam_minutes * 60 if mode_ is Mode.EXAM else None,
            )
        except NoQuestions as err:
            self.notify(str(err), severity="warning")
            return
        self.begin(session)

    def action_banks(self) -> None:
        """Set the quiz up (banks, tags, difficulty, lengths, exam time), then start a
        practice session with it."""
        from kata.tui.screens.quiz_setup import SetupDialog

        def chosen(plan: QuizPlan | None) -> None:
            if plan is not None:
                self.plan = plan
                self.app.store.set_setting(BANKS_SETTING, list(plan.banks))
                self.app.store.set_setting(PLAN_SETTING, plan.as_json())
                self.action_start("practice")

        self.app.push_screen(SetupDialog(self.app.catalog, self.plan, self.app.lang), chosen)

    def _saved_banks(self) -> tuple[str, ...]:
        """The banks chosen last time that still exist (none left: every bank)."""
        saved = self.app.store.get_setting(BANKS_SETTING, [])
        known = {bank.id for bank in self.app.catalog.banks}
        if not isinstance(saved, list):
            return ()
        return tuple(b for b in saved if isinstance(b, str) and b in known)

    def begin(self, session: Session) -> None:
        """Drive ``session`` from its current question."""
        self.session = session
        self.last = None
        self._show_current()

    def _show_question(self) -> None:
        self._show_current()

    def _show_current(self) -> None:
        session = self.session
        feedback = self.query_one("#feedback", Markdown)
        view = self.query_one("#question", QuestionView)
        if session is None:
            return
        if session.finished:
            view.display = False
            feedback.update(self._summary_markdown())
        else:
            presented = session.current
            assert presented is not None
            view.display = True
            feedback.update("")
            view.show(presented, self.app.lang, preview=None)
            self.shown_at = time.monotonic()
        self._status()
        self.refresh_bindings()

    def _summary_markdown(self) -> str:
        assert self.session is not None
        lang = self.app.lang
        summary = self.session.summary()
        lines = [f"# {t('finished', lang)}"]
        if summary.timed_out:
            lines.append(t("timed_out", lang))
        lines.append(
            t(
                "summary",
                lang,
                right=summary.right,
                partial=summary.partial,
                wrong=summary.wrong,
                total=summary.total,
                pct=summary.percent,
            )
            + f" · {clock(summary.elapsed_s)}"
        )
        unanswered = self.session.mode is Mode.EXAM and summary.answered < summary.total
        if summary.missed or unanswered:
            again = t("retry_unanswered" if unanswered else "retry", lang)
            lines.append(f"**r** {again} · **p** {t('practice', lang)} · **e** {t('exam', lang)}")
        lines.append(self._every_question(summary, lang))
        return "\n\n".join(lines)

    def _every_question(self, summary, lang: str) -> str:
        """Each question of the session, in order: the mark, the prompt, the answer given
        (or that none was), the right one and the explanation."""
        from kata.tui.widgets.question import given_answer, right_answer

        assert self.session is not None
        results = {result.presented.number: result for result in summary.results}
        blocks = []
        for presented in self.session.planned:
            question = presented.question
            result = results.get(presented.number)
            mark = "—" if result is None else {"right": "✓", "partial": "◐", "wrong": "✗"}[result.grade.verdict.value]
            prompt = question.prompt.get(lang).strip().splitlines()[0]
            block = [f"### {presented.number}. {mark} {prompt[:160]}"]
            given = t("not_answered", lang) if result is None else given_answer(presented, result.grade, lang)
            answer = right_answer(presented, lang)
            block.append(f"**{t('your_answer', lang)}:** {given}" + (
                f"  \n**{t('answer_was', lang)}:** {answer}" if answer is not None else ""))
            block.append(question.explanation.get(lang).strip())
            blocks.append("\n\n".join(block))
        return "\n\n".join(blocks)

    # -- answering -----------------------------------------------------------------------

    @on(QuestionView.Answered, "#question")
    def _answered(self, event: QuestionView.Answered) -> None:
        session = self.session
        if session is None or session.finished or self.last is not None:
            return
        duration = round((time.monotonic() - self.shown_at) * 1000)
        try:
            result = session.answer(event.given, duration_ms=duration)
        except InvalidAnswer as err:
            self.notify(str(err), severity="warning", timeout=4)
            return
        except KataError as err:
            self.notify(str(err), severity="error")
            self._show_current()
            return
        if session.mode.shows_feedback:
            self._show_feedback(result)
        else:
            self._show_current()

    def _show_feedback(self, result: Result) -> None:
        self.last = result
        view = self.query_one("#question", QuestionView)
        if view.presented is not result.presented or view.lang != self.app.lang:
            view.show(result.presented, self.app.lang)
        view.freeze(result.grade)
        feedback = self.query_one("#feedback", Markdown)
        feedback.update(feedback_markdown(result.presented, result.grade, self.app.lang))
        self.query_one("#quiz-body").focus()
        # below the fold on a small terminal: bring the verdict into view once it is drawn
        self.call_after_refresh(feedback.scroll_visible, top=True, animate=False)
        self._status()
        self.refresh_bindings()

    def action_next(self) -> None:
        self.last = None
        self._show_current()

    # -- status --------------------------------------------------------------------------

    def _tick(self) -> None:
        session = self.session
        if session is not None and session.time_left() is not None:
            if session.finished and self.query_one("#question", QuestionView).display:
                self._show_current()
            self._status()

    def _status(self) -> None:
        session = self.session
        if session is None:
            return
        lang = self.app.lang
        answered, total = session.progress
        number = min(answered + (0 if self.last is not None or session.finished else 1), total)
        parts = [
            t(session.mode.value if session.mode is not Mode.RETRY_WRONG else "retry", lang),
            f"{number}/{total}",
        ]
        if session.mode.shows_feedback or session.finished:  # an exam gives nothing away
            parts.append(f"{t('score', lang)} {round(session.score, 2):g}/{answered}")
        left = session.time_left()
        if left is not None:
            parts.append(f"⏱ {t('time_left', lang)} {clock(left)}")
        if self.banks:
            parts.append(", ".join(self.banks))
        if self.plan.tags:
            parts.append("#" + " #".join(self.plan.tags))
        if self.plan.difficulty != (1, 5):
            low, high = self.plan.difficulty
            parts.append("★" * low if low == high else f"{'★' * low}–{'★' * high}")
        self.query_one("#quiz-status", Static).update("  ·  ".join(parts))
