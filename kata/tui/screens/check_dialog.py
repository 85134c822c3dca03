"""One check's details over the whole screen, for a narrow terminal: scrolls, never cuts."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class CheckDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "Close")]

    def __init__(self, details: Text, close_label: str) -> None:
        super().__init__()
        self.details = details
        self.close_label = close_label

    def compose(self) -> ComposeResult:
        with Vertical(id="check-box"):
            with VerticalScroll(id="check-scroll"):
                yield Static(self.details, id="check-body")
            yield Button(self.close_label, id="check-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#check-scroll").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
