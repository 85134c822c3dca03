"""Stats: accuracy per bank and tag, the review forecast, kata history and bests, as charts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from kata.tui.local_keys import LocalKeys
from kata.tui.i18n import clock, t
from kata.tui.widgets.plot import bar_chart
from kata.tui.widgets.table import Table
from kata.tui.widgets.footer import SteadyFooter

#: Kata attempts listed under "recent attempts".
HISTORY = 15


class StatsScreen(LocalKeys, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.area('home')", "Home", id="home"),
        Binding("r", "reload", "Refresh", id="reload"),
    ]
    #: The clock the forecast counts days from (a test sets it still).
    now = staticmethod(lambda: datetime.now(UTC))

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-banks", classes="chart")
            yield Static(id="stats-tags", classes="chart")
            yield Static(id="stats-forecast", classes="chart")
            yield Static(id="stats-katas-title", classes="section-title")
            yield Table(id="stats-katas", cursor_type="row", zebra_stripes=True)
            yield Static(id="stats-history-title", classes="section-title")
            yield Table(id="stats-history", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#stats-history", DataTable).add_columns(
            "when", "kata", "result", "checks", "time"
        )
        self.query_one("#stats-katas", DataTable).add_columns(
            "kata", "attempts", "passes", "best", "last"
        )
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def refresh_lang(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.collect()

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats")
    def collect(self) -> None:
        from kata.quiz.stats import collect_stats

        from kata.exercises import catalog

        stats = collect_stats(self.app.store, self.app.catalog, now=self.now(), katas=catalog())
        history = self.app.store.kata_history(limit=HISTORY)
        self.app.call_from_thread(self.show, stats, history)

    def show(self, stats, history) -> None:
        lang = self.app.lang
        width = max(20, min(50, self.size.width - 40))

        def accuracy(title: str, rows) -> Text:
            answered = [(r.key, r.accuracy or 0.0, r.answered) for r in rows if r.answered]
            out = Text(title + "\n", style="bold")
            if not answered:
                return out + Text(t("nothing_yet", lang) + "\n", style="dim")
            chart = bar_chart(
                [(f"{k} ({n})", a * 100) for k, a, n in answered],
                width=width,
                maximum=100.0,
                style="green",
                fmt="{:.0f}%",
            )
            return out + chart

        self.query_one("#stats-banks", Static).update(accuracy(t("accuracy", lang), stats.banks))
        self.query_one("#stats-tags", Static).update(accuracy(t("accuracy_tag", lang), stats.tags))
        katas = f" · {t('katas_due_count', lang, n=len(stats.katas_due))}" if stats.kata_cards else ""
        forecast = Text(
            f"{t('forecast', lang)} · {t('due', lang, n=stats.due_now)}{katas}\n", style="bold"
        )
        forecast += bar_chart(
            [(day.strftime("%a %m-%d"), float(n)) for day, n in stats.forecast],
            width=width,
            style="cyan",
            fmt="{:.0f}",
        )
        self.query_one("#stats-forecast", Static).update(forecast)
        self.query_one("#stats-katas-title", Static).update(t("katas", lang))
        table = self.query_one("#stats-katas", DataTable)
        table.clear()
        for best in stats.katas:
            table.add_row(
                best.kata_id,
                str(best.attempts),
                str(best.passes),
                clock(best.best_elapsed_s) if best.best_elapsed_s is not None else "—",
                f"{best.last_status} {datetime.fromtimestamp(best.last_at).strftime('%m-%d %H:%M')}",
            )
        self.query_one("#stats-history-title", Static).update(t("history", lang))
        table = self.query_one("#stats-history", DataTable)
        table.clear()
        for attempt in history:
            table.add_row(
                datetime.fromtimestamp(attempt.attempted_at).strftime("%m-%d %H:%M"),
                attempt.kata_id,
                Text("✓ pass", style="green")
                if attempt.status == "pass"
                else Text(f"✗ {attempt.status}", style="red"),
                f"{attempt.passed}/{attempt.total}",
                clock(attempt.elapsed_s) if attempt.elapsed_s is not None else "—",
            )
