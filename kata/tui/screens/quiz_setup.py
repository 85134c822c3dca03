"""Choose the banks a quiz draws from (a dialog over the quiz)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, SelectionList, Static

from kata.quiz import Catalog
from kata.tui.i18n import t


class BankDialog(ModalScreen[tuple[str, ...] | None]):
    """Returns the chosen bank ids (empty: every bank), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("s", "choose", "Start"),
    ]

    def __init__(self, catalog: Catalog, chosen: tuple[str, ...], lang: str) -> None:
        super().__init__()
        self.catalog = catalog
        self.chosen = chosen
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(id="bank-box"):
            yield Static(t("pick_banks", self.lang), classes="section-title")
            yield SelectionList[str](
                *[
                    (
                        f"{bank.title.get(self.lang)}  [dim]({len(bank)})[/dim]",
                        bank.id,
                        not self.chosen or bank.id in self.chosen,
                    )
                    for bank in self.catalog.banks
                ],
                id="banks",
            )
            with Horizontal(id="bank-buttons"):
                yield Button(t("start", self.lang) + " (s)", id="bank-ok", variant="primary")
                yield Button(t("cancel", self.lang) + " (esc)", id="bank-cancel")

    def on_mount(self) -> None:
        banks = self.query_one("#banks", SelectionList)
        banks.highlighted = 0  # a visible cursor from the start: space toggles what it shows
        banks.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "bank-ok":
            self.action_choose()
        else:
            self.action_cancel()

    def action_choose(self) -> None:
        selected = tuple(self.query_one("#banks", SelectionList).selected)
        if not selected:
            self.notify(t("pick_banks", self.lang), severity="warning")
            return
        everything = len(selected) == len(self.catalog.banks)
        self.dismiss(() if everything else selected)

    def action_cancel(self) -> None:
        self.dismiss(None)
