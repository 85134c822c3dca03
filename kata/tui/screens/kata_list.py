"""Kata: the list of katas under their topics, with your results; Enter opens one."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from kata.tui.local_keys import LocalKeys
from kata.tui.i18n import clock, t
from kata.tui.widgets.footer import SteadyFooter


class KataListScreen(LocalKeys, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.area('home')", "Home", id="home")
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="kata-list-title", classes="status-line")
        yield OptionList(id="kata-list")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.refresh_lang()
        self.query_one("#kata-list").focus()

    def on_screen_resume(self) -> None:
        self.refresh_lang()

    def refresh_lang(self) -> None:
        from kata.exercises import by_topic

        lang = self.app.lang
        self.query_one("#kata-list-title", Static).update(t("pick_kata", lang))
        bests = self.app.store.kata_bests()
        menu = self.query_one("#kata-list", OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        for topic, katas in by_topic():
            # A topic is a heading, not a choice: disabled, so the cursor passes over it.
            menu.add_option(Option(topic.name(lang), id=f"topic:{topic.id}", disabled=True))
            for kata in katas:
                menu.add_option(self._row(kata, bests.get(kata.id), lang))
        first = next(i for i in range(menu.option_count) if not menu.get_option_at_index(i).disabled)
        menu.highlighted = highlighted if highlighted is not None else first

    @staticmethod
    def _row(kata, best, lang: str) -> Option:
        mark = "  "
        extra = ""
        if best is not None:
            mark = "[green]✓[/]" if best.passes else "[red]✗[/]"
            if best.best_elapsed_s is not None:
                extra = f"  [dim]{t('best', lang)} {clock(best.best_elapsed_s)}[/dim]"
        stars = "★" * kata.difficulty + "☆" * (5 - kata.difficulty)
        return Option(
            f"{mark} [b]{kata.title(lang)}[/b]  [dim]{stars} · {kata.time_limit} min[/dim]{extra}"
            f"\n     [dim]{kata.summary(lang)}[/dim]",
            id=kata.id,
        )

    @on(OptionList.OptionSelected, "#kata-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        from kata.tui.screens.kata import KataScreen

        self.app.push_screen(KataScreen(event.option.id or ""))
