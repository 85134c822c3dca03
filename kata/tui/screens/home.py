"""Home: the areas (Quiz, Kata, Review with its due count of questions and katas, Stats,
Explore) and recent activity."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from kata.tui.local_keys import LocalKeys
from kata.tui.i18n import t
from kata.tui.widgets.footer import SteadyFooter

MENU = ("quiz", "kata", "review", "stats", "explore")


class HomeScreen(LocalKeys, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "app.area('quiz')", "Quiz", show=False),
        Binding("2", "app.area('kata')", "Kata", show=False),
        Binding("3", "app.area('review')", "Review", show=False),
        Binding("4", "app.area('stats')", "Stats", show=False),
        Binding("5", "app.area('explore')", "Explore", show=False),
    ]

    due: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("kata", id="logo")
            yield OptionList(id="menu")
            yield Static("", id="recent-title", classes="section-title")
            yield Static("", id="recent")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.refresh_lang()
        self.query_one("#menu", OptionList).focus()
        # after the first paint: loading the banks must not delay the first screen
        self.set_timer(0.05, self.load_counts)

    def on_screen_resume(self) -> None:
        self.load_counts()

    def refresh_lang(self) -> None:
        lang = self.app.lang
        menu = self.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        for n, area in enumerate(MENU, start=1):
            label = f"[b]{n}  {t(area, lang)}[/b]"
            if area == "review" and self.due is not None:
                label += f"  [reverse] {t('due_items', lang, n=self.due)} [/reverse]"
            label += f"\n   [dim]{t(area + '_desc', lang)}[/dim]"
            menu.add_option(Option(label, id=area))
        menu.highlighted = highlighted if highlighted is not None else 0
        self.query_one("#recent-title", Static).update(t("recent", lang))
        self._show_recent()

    @on(OptionList.OptionSelected, "#menu")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.app.action_area(event.option.id or "home")

    @work(thread=True, exclusive=True, exit_on_error=False, group="home-counts")
    def load_counts(self) -> None:
        from kata.exercises import catalog
        from kata.quiz import KataReviewer, Reviewer

        store = self.app.store  # due questions and due katas, as the Review queue has them
        due = len(Reviewer(store).due(self.app.catalog)) + len(KataReviewer(store).due(catalog()))
        self.app.call_from_thread(self._set_due, due)

    def _set_due(self, due: int) -> None:
        self.due = due
        self.refresh_lang()

    def _show_recent(self) -> None:
        store = self.app.store
        lang = self.app.lang
        modes = {"practice": "practice", "exam": "exam", "review": "review", "retry-wrong": "retry"}
        lines: list[tuple[float, str]] = []
        for attempt in store.kata_history(limit=5):
            mark = "✓" if attempt.status == "pass" else "✗"
            said = t("recent_kata", lang, kata=attempt.kata_id, passed=attempt.passed, total=attempt.total)
            lines.append((attempt.attempted_at, f"{mark} {said}"))
        for session in store.sessions(limit=5):
            mode = t(modes[session.mode], lang).lower() if session.mode in modes else session.mode
            said = (t("recent_quiz_planned", lang, mode=mode, n=session.planned) if session.planned
                    else t("recent_quiz", lang, mode=mode))
            lines.append((session.started_at, f"• {said}"))
        lines.sort(key=lambda item: item[0], reverse=True)
        text = "\n".join(
            f"[dim]{datetime.fromtimestamp(at).strftime('%m-%d %H:%M')}[/dim]  {line}"
            for at, line in lines[:6]
        )
        self.query_one("#recent", Static).update(text or t("nothing_yet", self.app.lang))
