"""The dialog after a passing submission: time taken, your best, the reference solution."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown, TextArea


class ResultDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "Close")]

    def __init__(self, summary: str, solution: str, close_label: str) -> None:
        super().__init__()
        self.summary = summary
        self.solution = solution
        self.close_label = close_label

    def compose(self) -> ComposeResult:
        with Vertical(id="result-box"):
            yield Markdown(self.summary, id="result-summary")
            yield TextArea.code_editor(
                self.solution, language="python", read_only=True, id="result-solution"
            )
            yield Button(self.close_label, id="result-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#result-close").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
