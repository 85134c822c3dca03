"""The dialog after a passing submission: time taken, your best, the reference solution,
and where to go next (the next kata, or this one again, timed from the starter)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown, TextArea


class ResultDialog(ModalScreen[str | None]):
    """Dismissed with ``"next"``, ``"again"`` or None (close)."""

    # Focused when the dialog shows (Textual's own way: no query that a dialog closed
    # at once, before it mounted, could miss).
    AUTO_FOCUS = "#result-close"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close"),
        Binding("n", "choose('next')", "Next kata", show=False),
        Binding("a", "choose('again')", "Again", show=False),
    ]

    def __init__(self, summary: str, solution: str, labels: dict[str, str], has_next: bool = True) -> None:
        super().__init__()
        self.summary = summary
        self.solution = solution
        self.labels = labels  # close, next, again
        self.has_next = has_next

    def compose(self) -> ComposeResult:
        with Vertical(id="result-box"):
            with VerticalScroll(id="result-summary-box"):
                yield Markdown(self.summary, id="result-summary")
            yield TextArea.code_editor(
                self.solution, language="python", read_only=True, id="result-solution"
            )
            with Horizontal(id="result-buttons"):
                yield Button(self.labels["close"], id="result-close", variant="primary", compact=True)
                if self.has_next:
                    yield Button(self.labels["next"], id="result-next", compact=True)
                yield Button(self.labels["again"], id="result-again", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        choice = {"result-next": "next", "result-again": "again"}.get(event.button.id or "")
        self.dismiss(choice)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_choose(self, choice: str) -> None:
        if choice != "next" or self.has_next:
            self.dismiss(choice)
