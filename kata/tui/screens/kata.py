"""One kata: the statement beside a Python editor, autosaved to the workspace file;
run the visible examples or submit to the hidden checks, graded in a worker thread."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, DataTable, Footer, Header, Markdown, Static, TextArea

from kata.grader.text import clean_text
from kata.tui.grading import Children
from kata.tui.i18n import clock, t

if TYPE_CHECKING:
    from kata.grader.limits import Limits
    from kata.grader.report import CheckResult, Report

#: Seconds of quiet typing before the editor is written to the workspace file.
AUTOSAVE_DELAY = 0.6
#: How often the workspace file is looked at for edits made in another editor.
WATCH_INTERVAL = 1.0
STATUS_MARK = {"pass": "✓", "fail": "✗", "error": "!", "skipped": "·", "timeout": "⏱"}


def plain(text: str) -> Text:
    """Words that may come from a submission, shown as they are: markup in them is not
    applied (a stray closing tag would crash the render) and control characters go."""
    return Text(clean_text(text, 20000))


class KataScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run_examples", "Run examples", id="run"),
        Binding("ctrl+s", "submit", "Submit", id="submit"),
        Binding("ctrl+t", "hint", "Hint", id="hint"),
        Binding("f8", "cancel", "Cancel", id="cancel"),
        Binding("f9", "more_time", "+5 min", id="more-time"),
        Binding("f4", "wide", "Wide statement", id="wide"),
        Binding("escape", "leave", "Back", id="back"),
    ]

    class CheckDone(Message):
        def __init__(self, run: int, result: CheckResult) -> None:
            super().__init__()
            self.run = run
            self.result = result

    class GradeDone(Message):
        def __init__(
            self, run: int, report: Report | None, error: str | None, examples: bool, source: bytes
        ) -> None:
            super().__init__()
            self.run = run
            self.report = report
            self.error = error
            self.examples = examples
            self.source = source

    #: The attempt's clock (tests pin it).
    now = staticmethod(time.monotonic)

    def __init__(self, kata_id: str) -> None:
        super().__init__()
        from kata.exercises import get_kata
        from kata.workspace import workspace_file

        self.kata = get_kata(kata_id)
        self.path: Path = workspace_file(self.kata, self.app.data_dir)
        self.hints = 0
        self.started = self.now()
        self.time_limit_s = self.kata.time_limit * 60.0
        self.run_id = 0
        self.grading = False
        self.saved_text = ""
        self.saved_mtime: float | None = None
        self._save_timer: Timer | None = None
        self.grader_children = Children()

    def compose(self) -> ComposeResult:
        yield Header()
        self.status_bar = Static("", id="kata-status", classes="status-line")
        yield self.status_bar
        with Horizontal():
            with VerticalScroll(id="statement"):
                yield Markdown("", id="statement-md")
            with Vertical(id="work"):
                self.editor = TextArea.code_editor(
                    self._initial_text(), language="python", id="editor"
                )
                yield self.editor
                with Horizontal(id="kata-buttons"):
                    yield Button("", id="run", variant="default")
                    yield Button("", id="submit", variant="primary")
                    yield Button("", id="hint")
                    yield Button("", id="cancel", variant="error", disabled=True)
                yield DataTable(id="checks", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def _initial_text(self) -> str:
        if self.path.is_file():
            text = self.path.read_text(encoding="utf-8", errors="replace")
            self.saved_mtime = self.path.stat().st_mtime
        else:
            text = self.kata.starter_path.read_text(encoding="utf-8")
        self.saved_text = text
        return text

    def on_mount(self) -> None:
        table = self.query_one("#checks", DataTable)
        table.add_columns("", "check", "message")
        self.refresh_lang()
        self.editor.focus()
        self.set_interval(1.0, self._status)
        self.set_interval(WATCH_INTERVAL, self.pick_up_external_edit)

    def refresh_lang(self) -> None:
        from kata.harness.statement import render_statement

        lang = self.app.lang
        self.query_one("#statement-md", Markdown).update(
            render_statement(self.kata, lang, hints=self.hints)
        )
        self.query_one("#run", Button).label = f"{t('run_examples', lang)} (^R)"
        self.query_one("#submit", Button).label = f"{t('submit', lang)} (^S)"
        self.query_one("#hint", Button).label = f"{t('hint', lang)} (^T)"
        self.query_one("#cancel", Button).label = f"{t('cancel', lang)} (F8)"
        self._status()

    # -- the workspace file --------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        if event.text_area.text != self.saved_text:
            self._save_timer = self.set_timer(AUTOSAVE_DELAY, self.save_now)

    def save_now(self) -> None:
        """Write the editor to the workspace file (if it changed)."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        text = self.editor.text
        if text == self.saved_text and self.path.is_file():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".py.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.path)
        self.saved_text = text
        self.saved_mtime = self.path.stat().st_mtime
        self._status()

    def pick_up_external_edit(self) -> None:
        """Load the file if another editor changed it and nothing here is unsaved."""
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            return
        if mtime == self.saved_mtime:
            return
        editor = self.editor
        if editor.text != self.saved_text:  # unsaved typing wins; it is saved shortly
            return
        text = self.path.read_text(encoding="utf-8", errors="replace")
        self.saved_mtime = mtime
        if text != editor.text:
            self.saved_text = text
            editor.load_text(text)
            self.notify(f"{self.path.name}: {t('reloaded', self.app.lang)}", timeout=3)

    def on_screen_resume(self) -> None:
        self.pick_up_external_edit()

    # -- grading -------------------------------------------------------------------------

    def action_run_examples(self) -> None:
        self._start(examples=True)

    def action_submit(self) -> None:
        self._start(examples=False)

    def _start(self, *, examples: bool) -> None:
        self.save_now()
        self.run_id += 1
        self.grading = True
        self.query_one("#checks", DataTable).clear()
        self._set_result("running", t("grading", self.app.lang))
        self._buttons()
        self.grade(self.run_id, examples, self.app.grade_limits)

    @work(thread=True, exclusive=True, exit_on_error=False, group="grade")
    def grade(self, run: int, examples: bool, limits: Limits | None) -> None:
        from kata.errors import KataError
        from kata.grader import grade

        source = self.path.read_bytes()
        checks = self.kata.example_checks() if examples else None
        try:
            report = grade(
                self.path,
                self.kata,
                limits=limits,
                checks=checks,
                on_check=lambda result: self.post_message(self.CheckDone(run, result)),
                spawner=self.grader_children.spawner(lambda: self.run_id == run),
            )
        except KataError as err:
            self.post_message(self.GradeDone(run, None, str(err), examples, source))
            return
        self.post_message(self.GradeDone(run, report, None, examples, source))

    @on(CheckDone)
    def _check_done(self, event: CheckDone) -> None:
        if event.run != self.run_id or not self.grading:
            return
        result = event.result
        self.query_one("#checks", DataTable).add_row(
            STATUS_MARK.get(result.status, result.status),
            result.id,
            plain(result.message or result.status),
        )

    @on(GradeDone)
    def _grade_done(self, event: GradeDone) -> None:
        if event.run != self.run_id or not self.grading:
            return  # cancelled or replaced: its result is discarded
        self.grading = False
        self._buttons()
        lang = self.app.lang
        report = event.report
        if report is None:
            self._set_result("fail", event.error or "")
            return
        table = self.query_one("#checks", DataTable)
        if table.row_count != len(report.checks):  # checks not streamed (skipped, error)
            table.clear()
            for result in report.checks:
                table.add_row(
                    STATUS_MARK.get(result.status, result.status),
                    result.id,
                    plain(result.message or result.status),
                )
        elapsed = self.now() - self.started
        total = len(report.checks)
        if report.error is not None:
            self._set_result("fail", f"{report.error.kind}: {report.error.message}")
        elif report.status == "pass":
            self._set_result(
                "pass", t("passed", lang, p=report.passed, t=total, time=clock(elapsed))
            )
        else:
            self._set_result("fail", t("failed", lang, p=report.passed, t=total))
        if event.examples:
            return
        before = self.app.store.kata_bests().get(self.kata.id)
        previous_best = before.best_elapsed_s if before is not None else None
        self.app.store.record_graded(report, event.source, elapsed_s=elapsed)
        if report.status == "pass":
            self._show_pass(elapsed, previous_best)

    def _show_pass(self, elapsed: float, previous_best: float | None) -> None:
        from kata.tui.screens.kata_result import ResultDialog

        lang = self.app.lang
        best = self.app.store.kata_bests().get(self.kata.id)
        lines = [
            f"# ✓ {self.kata.title(lang)}",
            f"**{t('time', lang)}:** {clock(elapsed)} / {self.kata.time_limit} min",
        ]
        if previous_best is None or elapsed < previous_best:
            lines.append(f"**{t('new_best', lang)}**")
        else:
            lines.append(
                t("vs_best", lang, best=clock(previous_best), slower=clock(elapsed - previous_best))
            )
        if best is not None:
            lines.append(t("passes", lang, passes=best.passes, attempts=best.attempts))
        lines.append(f"## {t('solution', lang)}")
        solution = self.kata.solution_path.read_text(encoding="utf-8")
        self.app.push_screen(ResultDialog("\n\n".join(lines), solution, t("close", lang)))

    def action_cancel(self) -> None:
        """Cancel the running grade: its child processes are killed, so the worker ends
        at once, and whatever it reports is thrown away."""
        if not self.grading:
            return
        self.run_id += 1
        self.grading = False
        self.grader_children.kill_all()  # the grade then ends at once; its result is discarded
        self.workers.cancel_group(self, "grade")
        self._set_result("fail", t("cancelled", self.app.lang))
        self._buttons()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.grading
        if action == "hint":
            return self.hints < len(self.kata.hints(self.app.lang))
        return True

    def _buttons(self) -> None:
        self.query_one("#cancel", Button).disabled = not self.grading
        self.refresh_bindings()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {
            "run": self.action_run_examples,
            "submit": self.action_submit,
            "hint": self.action_hint,
            "cancel": self.action_cancel,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    # -- hints, time, status -------------------------------------------------------------

    def action_hint(self) -> None:
        if self.hints < len(self.kata.hints(self.app.lang)):
            self.hints += 1
            self.refresh_lang()
            self.query_one("#statement").scroll_end(animate=False)
            self.refresh_bindings()

    def action_wide(self) -> None:
        """Give the statement most of the width (and back)."""
        self.toggle_class("wide-statement")

    def action_more_time(self) -> None:
        self.time_limit_s += 5 * 60
        self._status()

    def action_leave(self) -> None:
        self.save_now()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        self.save_now()
        self.run_id += 1
        self.grader_children.kill_all(for_good=True)  # quitting never waits for a running grade

    result_text = ""
    result_class = ""

    def _set_result(self, css: str, text: str) -> None:
        self.result_text = text
        self.result_class = css
        self._status()

    def _status(self) -> None:
        status = self.status_bar
        left = self.time_limit_s - (self.now() - self.started)
        timer = f"⏱ {clock(left)}" if left >= 0 else f"⏱ +{clock(-left)}"
        parts = [self.kata.title(self.app.lang), timer]
        if self.editor.text == self.saved_text and self.saved_mtime:
            parts.append(f"{self.path.name} {t('saved', self.app.lang)}")
        if self.result_text:
            parts.append(self.result_text)
        status.update(plain("  ·  ".join(parts)))
        status.set_class(self.result_class == "pass", "pass")
        status.set_class(self.result_class == "fail", "fail")
        status.set_class(self.result_class == "running", "running")
