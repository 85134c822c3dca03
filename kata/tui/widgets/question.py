"""One question, any type: the prompt and the way to answer it.

Posts :class:`QuestionView.Answered` with the answer as the quiz core takes it: display
positions for choices, ``bool`` for true-false, the typed text, or a ``SelfRating``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from rich.text import Text
from textual.widgets import Button, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from kata.quiz import Grade, Presented, QuestionType, SelfRating, Verdict
from kata.tui.i18n import t

RATINGS = (SelfRating.AGAIN, SelfRating.HARD, SelfRating.GOOD, SelfRating.EASY)


class QuestionView(Widget):
    """Shows a :class:`Presented` question and takes its answer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "pick(0)", show=False),
        Binding("2", "pick(1)", show=False),
        Binding("3", "pick(2)", show=False),
        Binding("4", "pick(3)", show=False),
        Binding("5", "pick(4)", show=False),
        Binding("6", "pick(5)", show=False),
        Binding("7", "pick(6)", show=False),
        Binding("8", "pick(7)", show=False),
        Binding("9", "pick(8)", show=False),
        Binding("s", "submit_multi", "Submit", id="submit-multi"),
        Binding("space", "reveal", "Reveal", id="reveal"),
    ]

    class Answered(Message):
        """An answer, in the form :meth:`kata.quiz.Session.answer` takes."""

        def __init__(self, view: QuestionView, given: object) -> None:
            super().__init__()
            self.view = view
            self.given = given

        @property
        def control(self) -> QuestionView:
            return self.view

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.presented: Presented | None = None
        self.revealed = False
        self.frozen = False
        self.preview: dict[SelfRating, timedelta] | None = None
        self.lang = "en"
        self.ticked: set[int] = set()  # display positions ticked on a multi-answer question
        self._typed = ""  # what was typed, kept when the question is drawn again (language)

    def compose(self) -> ComposeResult:
        yield Markdown("", id="prompt")
        yield Vertical(id="answer-area")

    # -- showing -------------------------------------------------------------------------

    def show(
        self,
        presented: Presented,
        lang: str,
        preview: dict[Any, timedelta] | None = None,
    ) -> None:
        """Show ``presented``; ``preview`` (from :meth:`Session.preview`, keyed by the
        scheduler's ratings) labels the card buttons with their next intervals. The same
        question shown again (in another language) keeps its ticks and typed text."""
        if presented is not self.presented:
            self.ticked = set()
            self._typed = ""
        else:
            for field in self.query(".typed").results(Input):
                self._typed = field.value
        self.presented = presented
        self.lang = lang
        self.preview = (
            {SelfRating(getattr(r, "name", str(r)).lower()): d for r, d in preview.items()}
            if preview
            else None
        )
        self.revealed = False
        self.frozen = False
        self._render_question()

    def _render_question(self) -> None:
        presented = self.presented
        if presented is None:
            return
        question = presented.question
        lang = self.lang
        self.query_one("#prompt", Markdown).update(question.prompt.get(lang))
        area = self.query_one("#answer-area", Vertical)
        area.remove_children()
        kind = question.type
        if kind is QuestionType.SINGLE or kind is QuestionType.TRUE_FALSE:
            options = OptionList(
                *[Option(self._prompt(n), id=str(n)) for n in range(len(self._labels()))],
                classes="choices",
            )
            area.mount(options)
            options.focus()
        elif kind is QuestionType.MULTI:
            # One option per choice, its box part of its text: a choice that wraps keeps one box.
            options = OptionList(
                *[Option(self._prompt(n), id=str(n)) for n in range(len(presented.choices))],
                classes="choices multi",
            )
            area.mount(
                options, Button(t("submit", lang) + " (s)", classes="submit", variant="primary")
            )
            options.focus()
        elif kind is QuestionType.CARD:
            area.mount(
                Static(t("think_then_reveal", lang), classes="hint-line"),
                reveal := Button(
                    t("reveal", lang) + " (space)", classes="reveal", variant="primary"
                ),
            )
            reveal.focus()
        else:
            field = Input(self._typed, placeholder=t("type_answer", lang), classes="typed")
            area.mount(field)
            field.focus()
        self.refresh_bindings()

    def _labels(self) -> list[str]:
        presented = self.presented
        assert presented is not None
        if presented.question.type is QuestionType.TRUE_FALSE:
            return [t("true", self.lang), t("false", self.lang)]
        return [c.text.get(self.lang) for c in presented.choices]

    def _prompt(self, position: int, mark: Text | None = None) -> Text:
        """The text of the option at ``position``: its mark after grading, its box on a
        multi-answer question, its number and label (bank text, never markup)."""
        assert self.presented is not None
        prompt = Text()
        if mark is not None:
            prompt.append_text(mark)
            prompt.append(" ")
        if self.presented.question.type is QuestionType.MULTI:
            prompt.append("[x] " if position in self.ticked else "[ ] ", style="bold")
        prompt.append(f"{position + 1}. {self._labels()[position]}")
        return prompt

    def freeze(self, grade: Grade | None = None) -> None:
        """No more answers to this question (feedback is showing); with ``grade``, mark
        the right choices ✓ and the wrong picks ✗."""
        self.frozen = True
        for widget in self.query("#answer-area *"):
            widget.disabled = True
        if grade is not None and self.presented is not None:
            self._mark(grade)
        self.refresh_bindings()

    def _mark(self, grade: Grade) -> None:
        presented = self.presented
        assert presented is not None
        question = presented.question
        right, wrong, missed = Text("✓", "green"), Text("✗", "red"), Text("○", "yellow")
        marks: dict[int, Text] = {}  # display position -> mark
        if question.type is QuestionType.TRUE_FALSE:
            marks[0 if question.answer else 1] = right
            if not grade.right:
                marks[1 if question.answer else 0] = wrong
        elif question.type.has_choices:
            for index in question.correct_indices:
                marks[presented.position(index)] = right
            for index in grade.missed if question.type is QuestionType.MULTI else ():
                marks[presented.position(index)] = Text.assemble(missed, " ", (t("missed", self.lang), "yellow"))
            for pick in grade.wrong_picks:
                marks[presented.position(pick.index)] = wrong
        for options in self.query(".choices").results(OptionList):
            for position in range(options.option_count):
                mark = marks.get(position, Text(" "))
                options.replace_option_prompt_at_index(position, self._prompt(position, mark))

    # -- answering -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.presented is None or self.frozen:
            return action not in ("submit_multi", "reveal", "pick")
        kind = self.presented.question.type
        if action == "submit_multi":
            return kind is QuestionType.MULTI
        if action == "reveal":
            return kind is QuestionType.CARD and not self.revealed
        if action == "pick":
            if kind is QuestionType.CARD:
                return self.revealed and parameters[0] < 4  # type: ignore[operator]
            if kind is QuestionType.TRUE_FALSE:
                return parameters[0] < 2  # type: ignore[operator]
            return kind.has_choices and parameters[0] < len(self.presented.choices)  # type: ignore[operator]
        return True

    def action_pick(self, position: int) -> None:
        kind = self.presented.question.type if self.presented else None
        if kind is QuestionType.CARD:
            self._answer(RATINGS[position])
        elif kind is QuestionType.MULTI:
            self.ticked ^= {position}
            for options in self.query(".multi").results(OptionList):
                options.replace_option_prompt_at_index(position, self._prompt(position))
        elif kind is QuestionType.TRUE_FALSE:
            self._answer(position == 0)
        elif kind is QuestionType.SINGLE:
            self._answer(position)

    def action_submit_multi(self) -> None:
        if not self.ticked:
            self.notify(t("tick_one", self.lang), severity="warning", timeout=4)
            return
        self._answer(sorted(self.ticked))

    def action_reveal(self) -> None:
        if self.presented is None or self.revealed:
            return
        self.revealed = True
        question = self.presented.question
        lang = self.lang
        area = self.query_one("#answer-area", Vertical)
        area.remove_children()
        points = "\n".join(f"- {p.get(lang)}" for p in question.points)
        body = points + ("\n\n" if points else "") + question.explanation.get(lang)
        buttons = []
        for n, rating in enumerate(RATINGS, start=1):
            label = f"{n} {t(rating.value, lang)}"
            if self.preview and rating in self.preview:
                from kata.quiz import format_interval

                label += f" · {format_interval(self.preview[rating])}"
            buttons.append(Button(label, name=rating.value, classes=f"rate {rating.value}"))
        area.mount(Markdown(body, classes="card-back"), Horizontal(*buttons, classes="ratings"))
        buttons[2].focus()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, ".choices")
    def _choice(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(int(event.option.id or 0))

    @on(Input.Submitted, ".typed")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self._answer(event.value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button
        if button.has_class("submit"):
            self.action_submit_multi()
        elif button.has_class("reveal"):
            self.action_reveal()
        elif button.has_class("rate") and button.name:
            self._answer(SelfRating(button.name))

    def _answer(self, given: object) -> None:
        if not self.frozen:
            self.post_message(self.Answered(self, given))


def right_answer(presented: Presented, lang: str) -> str | None:
    """The expected answer in words (options by their number as shown); None for a card."""
    question = presented.question
    if question.type.has_choices:
        return "; ".join(f"{presented.position(i) + 1}. {question.choices[i].text.get(lang)}"
                         for i in sorted(question.correct_indices, key=presented.position))
    if question.type is QuestionType.TRUE_FALSE:
        return t("true" if question.answer else "false", lang)
    if question.type is QuestionType.NUMERIC:
        return f"{question.answer:g}"
    if question.type is QuestionType.SHORT and question.accept:
        return question.accept[0]
    return None


def given_answer(presented: Presented, grade: Grade, lang: str) -> str:
    """The answer given, as understood by the grader, in words."""
    question = presented.question
    value = grade.value
    if question.type.has_choices:
        picked = value if isinstance(value, list) else [value]
        return "; ".join(f"{presented.position(i) + 1}. {question.choices[i].text.get(lang)}"
                         for i in sorted(picked, key=presented.position)) or "—"
    if question.type is QuestionType.TRUE_FALSE:
        return t("true" if value else "false", lang)
    if question.type is QuestionType.NUMERIC and isinstance(value, float):
        return f"{value:g}"
    if question.type is QuestionType.CARD:
        return t(str(value), lang) if value else "—"
    return str(value) if value else "—"


def feedback_markdown(presented: Presented, grade: Grade, lang: str) -> str:
    """Right or wrong, the expected answer, why the picked options are wrong, the
    explanation and the references."""
    question = presented.question
    verdict = {Verdict.RIGHT: "right", Verdict.PARTIAL: "partial", Verdict.WRONG: "wrong"}
    mark = {"right": "✓", "partial": "◐", "wrong": "✗"}[verdict[grade.verdict]]
    parts = [f"## {mark} {t(verdict[grade.verdict], lang)}"]
    right = right_answer(presented, lang)
    if right is not None:
        parts.append(f"**{t('answer_was', lang)}:** {right}")
    if question.type is QuestionType.MULTI and grade.missed:
        missed = [
            f"{presented.position(i) + 1}. {question.choices[i].text.get(lang)}"
            for i in sorted(grade.missed, key=presented.position)
        ]
        parts.append(f"**{t('missed_options', lang)}:** " + "; ".join(missed))
    for pick in grade.wrong_picks:
        if pick.why is not None:
            parts.append(
                f"**{t('why_not', lang)} {presented.position(pick.index) + 1}:** {pick.why.get(lang)}"
            )
    parts.append(question.explanation.get(lang))
    if question.figure:
        parts.append(f"**{t('picture', lang)}:** {t('picture_hint', lang)}")
    if question.references:
        refs = "\n".join(f"- [{r.title.get(lang)}]({r.url})" for r in question.references)
        parts.append(f"**{t('references', lang)}**\n\n{refs}")
    return "\n\n".join(parts)
