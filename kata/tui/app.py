"""The app: one factory (:func:`build_app`) for the CLI and the tests, modes for the
top-level areas, language and theme remembered in the store's settings."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from kata.tui.i18n import t

if TYPE_CHECKING:
    from kata.grader.limits import Limits
    from kata.tui.screens.kata import KataScreen
    from kata.tui.grading import WarmPool
    from kata.quiz import Catalog
    from kata.store import Store

LANGS = ("en", "zh")
#: Themes the theme key cycles through (the command palette offers every theme).
THEMES = ("textual-dark", "textual-light", "nord", "gruvbox", "tokyo-night", "solarized-light")
AREAS = ("home", "quiz", "kata", "review", "stats", "explore")


def _home() -> Screen:
    from kata.tui.screens.home import HomeScreen

    return HomeScreen()


def _quiz() -> Screen:
    from kata.tui.screens.quiz import QuizScreen

    return QuizScreen()


def _kata() -> Screen:
    from kata.tui.screens.kata_list import KataListScreen

    return KataListScreen()


def _review() -> Screen:
    from kata.tui.screens.review import ReviewScreen

    return ReviewScreen()


def _stats() -> Screen:
    from kata.tui.screens.stats import StatsScreen

    return StatsScreen()


def _explore() -> Screen:
    from kata.tui.screens.explore import ExploreScreen

    return ExploreScreen()


class KataApp(App[int]):
    """kata's terminal app."""

    CSS_PATH = "app.tcss"
    TITLE = "kata"
    SUB_TITLE = "ML interview dojo"
    MODES: ClassVar[dict[str, Callable[[], Screen]]] = {
        "home": _home,
        "quiz": _quiz,
        "kata": _kata,
        "review": _review,
        "stats": _stats,
        "explore": _explore,
    }
    DEFAULT_MODE = "home"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f2", "toggle_lang", "中文/English", id="lang"),
        Binding("f3", "next_theme", "Theme", id="theme", show=False),  # also in the palette
    ]

    lang: reactive[str] = reactive("en", init=False)

    def __init__(
        self,
        data_dir: str | Path | None = None,
        lang: str | None = None,
        banks: Iterable[str | Path] = (),
        grade_limits: Limits | None = None,
        warm_pool: WarmPool | None = None,
    ) -> None:
        super().__init__()
        from kata.tui.stylesheet import SharedStylesheet

        # Empty still (the sources are read when the app starts): parsed CSS is shared.
        self.stylesheet = SharedStylesheet(variables=self.get_css_variables())
        self.grade_limits = grade_limits
        self.data_dir = str(data_dir) if data_dir is not None else None
        self.banks = tuple(banks)
        self._lang_override = lang
        self.editors: set[KataScreen] = set()  # open kata screens, saved before any exit
        from kata.tui.grading import WarmPool

        # Started when a kata opens, ended when the app ends; one lent by the caller
        # outlives the app (its runs end with the app, the warm process stays).
        self._owns_warm_pool = warm_pool is None
        self.warm_pool = WarmPool() if warm_pool is None else warm_pool

    # -- shared state ------------------------------------------------------------------

    @cached_property
    def store(self) -> Store:
        from kata.store import Store

        return Store.open(self.data_dir)

    @cached_property
    def catalog(self) -> Catalog:
        """Every bank, loaded leniently (a broken user bank does not stop the app)."""
        from kata.quiz import default_bank_paths, load_catalog

        return load_catalog(default_bank_paths(self.data_dir, self.banks))

    def on_mount(self) -> None:
        saved_lang = self.store.get_setting("lang", "en")
        lang = self._lang_override or saved_lang
        self.set_reactive(KataApp.lang, lang if lang in LANGS else "en")
        self.sub_title = t("subtitle", self.lang)
        theme = self.store.get_setting("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self._themes_ready = True
        if not self.is_headless:
            self._catch_signals()

    # -- leaving -----------------------------------------------------------------------

    def _catch_signals(self) -> None:
        """SIGTERM and SIGHUP (a closed terminal) save every editor, end any grading and
        exit with 128 + the signal; one that was ignored when kata started stays ignored."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) is not signal.SIG_IGN:
                loop.add_signal_handler(sig, self.stop_by_signal, sig)

    def stop_by_signal(self, signum: int) -> None:
        for editor in list(self.editors):
            editor.save_now()
            editor.stop_grading()
        self._end_warm_pool()
        self.exit(return_code=128 + signum)

    async def action_quit(self) -> None:
        """Quit, once every open editor is saved (or the user, told it cannot be, asks again)."""
        if all(editor.may_close() for editor in list(self.editors)):
            for editor in list(self.editors):
                editor.stop_grading()
            self.exit()

    def _end_warm_pool(self) -> None:
        if self._owns_warm_pool:
            self.warm_pool.close()
        else:
            self.warm_pool.end_runs()

    def on_unmount(self) -> None:
        self._end_warm_pool()
        if "store" in self.__dict__:
            self.store.close()

    # -- language and theme ------------------------------------------------------------

    def action_toggle_lang(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"

    def watch_lang(self, lang: str) -> None:
        self.store.set_setting("lang", lang)
        self.sub_title = t("subtitle", lang)
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_lang", None)
            if refresh is not None:
                refresh()
            screen.refresh_bindings()  # the footer, in the new language

    def action_next_theme(self) -> None:
        names = [name for name in THEMES if name in self.available_themes]
        current = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(current + 1) % len(names)]

    def watch_theme(self, theme: str) -> None:
        if getattr(self, "_themes_ready", False):
            self.store.set_setting("theme", theme)

    # -- areas ---------------------------------------------------------------------------

    def action_area(self, name: str) -> None:
        if name in AREAS:
            self.switch_mode(name)

    def get_system_commands(self, screen: Screen) -> Iterator[SystemCommand]:
        yield from super().get_system_commands(screen)
        lang = self.lang
        for area in AREAS:
            yield SystemCommand(t(area, lang), t("cmd_go", lang, area=t(area, lang)), lambda a=area: self.action_area(a))
        for mode, key in [("practice", "cmd_practice"), ("exam", "cmd_exam"), ("retry-wrong", "cmd_retry")]:
            yield SystemCommand(t(key, lang), t(key + "_help", lang), lambda m=mode: self._quiz(m))
        yield SystemCommand(t("cmd_banks", lang), t("cmd_banks_help", lang), lambda: self._quiz(None))
        yield SystemCommand("Language: English / 中文", t("cmd_lang_help", lang), self.action_toggle_lang)
        yield SystemCommand(t("cmd_theme", lang), t("cmd_theme_help", lang), self.action_next_theme)
        yield from self._screen_keys(screen)
        from kata.exercises import catalog

        for kata in catalog().values():
            yield SystemCommand(
                f"{t('kata', lang)}: {kata.title(lang)}",
                t("cmd_kata_help", lang, id=kata.id),
                lambda k=kata.id: self.open_kata(k),
            )

    def _screen_keys(self, screen: Screen) -> Iterator[SystemCommand]:
        """Every key the screen offers right now, as a command: nothing needs an F-key
        (or any key) that the palette cannot also reach."""
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if active.node is not screen or not active.enabled or binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            shown = self.get_key_display(binding)
            yield SystemCommand(f"{binding.tooltip or binding.description} ({shown})", t("cmd_key_help", self.lang, keys=shown),
                                lambda action=binding.action: screen.run_action(action))

    def show_figure(self, figure: str) -> None:
        """Open Explore at one of the bank figures (``sigmoid``, ``softmax-temperature``,
        ``two-class``)."""
        self.switch_mode("explore")
        self.call_after_refresh(lambda: self.screen.show_figure(figure))  # type: ignore[attr-defined]

    def _quiz(self, mode: str | None) -> None:
        """Open the quiz and start a ``mode`` session, or (None) choose its banks."""
        self.switch_mode("quiz")
        if mode is None:
            self.call_after_refresh(lambda: self.screen.action_banks())  # type: ignore[attr-defined]
        else:
            self.call_after_refresh(lambda: self.screen.action_start(mode))  # type: ignore[attr-defined]

    def open_kata(self, kata_id: str) -> None:
        from kata.tui.screens.kata import KataScreen

        if self.current_mode != "kata":
            self.switch_mode("kata")
        self.push_screen(KataScreen(kata_id))


def build_app(
    data_dir: str | Path | None = None,
    lang: str | None = None,
    banks: Iterable[Any] = (),
    *,
    grade_limits: Limits | None = None,
    warm_pool: WarmPool | None = None,
) -> KataApp:
    """The app, with its data directory and extra banks passed in (the CLI and the tests);
    ``grade_limits`` overrides the grader's limits (tests use short time limits);
    ``warm_pool``: a warm grading process the caller owns and may lend to app after app
    (the tests do), instead of one the app starts and ends."""
    return KataApp(data_dir=data_dir, lang=lang, banks=banks, grade_limits=grade_limits, warm_pool=warm_pool)


def run_app(data_dir: str | Path | None = None, lang: str | None = None) -> int:
    """Run the app in this terminal; the exit status for the CLI."""
    app = build_app(data_dir=data_dir, lang=lang)
    result = app.run()
    return app.return_code or int(result or 0)
