"""One kata: the statement beside a Python editor, autosaved to the workspace file;
run the visible examples or submit to the hidden checks, graded in a worker thread."""

from __future__ import annotations

import stat
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    Button,
    DataTable,
    Header,
    Markdown,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.worker import Worker, WorkerState

from kata.tui.local_keys import LocalKeys
from kata.grader.text import clean_text
from kata.tui.autosave import RETRY_EVERY, SAVE_EVERY, SaveFailed, write_work
from kata.tui.grading import Children
from kata.tui.i18n import clock, t
from kata.tui.widgets.editor import CodeEditor
from kata.tui.widgets.check_details import STATUS_MARK, check_details, report_details, summary_line
from kata.tui.widgets.table import Table
from kata.tui.widgets.footer import SteadyFooter

if TYPE_CHECKING:
    from kata.grader.limits import Limits
    from kata.grader.report import CheckResult, Report

#: How often the workspace file is looked at for edits made in another editor.
WATCH_INTERVAL = 1.0
#: How often the check table shows the checks judged since it last did (seconds).
STREAM_EVERY = 0.25
#: The interpreter's thread switch interval while a grade runs (seconds).
GRADING_SWITCH_INTERVAL = 0.0005
#: The setting that holds when the current timed attempt at a kata started (wall clock).
ATTEMPT_SETTING = "attempt-started:{}"


def plain(text: str) -> Text:
    """Words that may come from a submission, shown as they are: markup in them is not
    applied (a stray closing tag would crash the render) and control characters go."""
    return Text(clean_text(text, 20000))


def fit_status(parts: list[str], width: int, *, title: int = 0) -> str:
    """The status parts on one line of ``width`` cells: closer together if they do not
    fit, then without the kata's title (part ``title``; the statement shows it)."""
    from rich.cells import cell_len

    for separator in ("  ·  ", " · "):
        text = separator.join(parts)
        if cell_len(text) <= width:
            return text
    return " · ".join(parts[:title] + parts[title + 1 :])


class KataScreen(LocalKeys, Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run_examples", "Run", id="run", tooltip="Run examples"),
        Binding("ctrl+s", "submit", "Submit", id="submit"),
        Binding("ctrl+t", "hint", "Hint", id="hint"),
        Binding("ctrl+o", "details", "Details", id="details"),
        Binding("ctrl+n", "new_attempt", "New attempt", id="new-attempt"),
        Binding("f8", "cancel", "Cancel", id="cancel"),
        Binding("f9", "more_time", "+5 min", id="more-time"),
        Binding("f4", "wide", "Wide", id="wide", tooltip="Wide statement"),
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

    #: The attempt's clock, a wall clock so that an attempt survives a restart (tests pin it).
    now = staticmethod(time.time)

    def __init__(self, kata_id: str, *, from_review: bool = False) -> None:
        """``from_review``: opened from the Review queue, which a pass goes back to."""
        super().__init__()
        self.from_review = from_review
        from kata.exercises import get_kata
        from kata.workspace import workspace_file

        self.kata = get_kata(kata_id)
        self.path: Path = workspace_file(self.kata, self.app.data_dir)
        self.hints = 0
        self.started: float | None = None  # when the timed attempt started; None: untimed
        self.results: list[CheckResult] = []  # this run's checks so far, as the grader gave them
        self.pending: list[str] = []  # the ids of the checks this run will report, in order
        self.drawn = 0  # how many of ``results`` the table shows
        #: the last graded attempt, until it is written to the store (just after it is shown)
        self.unrecorded: tuple[Report, bytes, float | None] | None = None
        self._draw_rows: Timer | None = None
        self.report: Report | None = None
        self.time_limit_s = self.kata.time_limit * 60.0
        self.run_id = 0
        self.grading = False
        self.saved_text = ""
        self.saved_mtime: float | None = None
        self._save_timer: Timer | None = None
        self._retry_timer: Timer | None = None
        self._last_write = 0.0  # time.monotonic() of the last write attempt
        self.save_error: SaveFailed | None = None  # the disk refused the last write
        self._leave_warned = False
        self.grader_children = Children()
        self.grade_idle = threading.Event()  # no grading thread is at work
        self.grade_idle.set()

    def compose(self) -> ComposeResult:
        yield Header()
        self.status_bar = Static("", id="kata-status", classes="status-line")
        yield self.status_bar
        with Horizontal():
            with TabbedContent(id="left"):
                with TabPane("", id="statement-tab"):
                    with VerticalScroll(id="statement"):
                        yield Markdown("", id="statement-md")
                with TabPane("", id="details-tab"):
                    with VerticalScroll(id="details"):
                        yield Static("", id="details-body")
            with Vertical(id="work"):
                self.editor = CodeEditor.code_editor(
                    self._initial_text(), language="python", id="editor"
                )
                yield self.editor
                with Horizontal(id="kata-buttons"):
                    yield Button("", id="run", variant="default", compact=True, tooltip="ctrl+r")
                    yield Button("", id="submit", variant="primary", compact=True, tooltip="ctrl+s")
                    yield Button("", id="hint", compact=True, tooltip="ctrl+t")
                    yield Button("", id="cancel", variant="error", disabled=True, compact=True, tooltip="f8")
                yield Table(id="checks", cursor_type="row", zebra_stripes=True)
        yield SteadyFooter(compact=True)  # all its keys in 120 columns

    def _initial_text(self) -> str:
        key = ATTEMPT_SETTING.format(self.kata.id)
        if self.path.is_file():
            text = self.path.read_text(encoding="utf-8", errors="replace")
            self.saved_mtime = self.path.stat().st_mtime
            started = self.app.store.get_setting(key)  # a timed attempt goes on; else untimed
            self.started = float(started) if isinstance(started, (int, float)) else None
        else:  # the starter: a timed attempt starts now
            text = self.kata.starter_path.read_text(encoding="utf-8")
            self.started = self.now()
            self.app.store.set_setting(key, self.started)
        self.saved_text = text
        return text

    def on_mount(self) -> None:
        self.app.editors.add(self)
        self.app.warm_pool.warm()
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
        tabs = self.query_one("#left", TabbedContent)
        tabs.get_tab("statement-tab").label = t("statement", lang)
        tabs.get_tab("details-tab").label = t("details", lang)
        self._fill_table()
        # the keys are in the footer (and the tooltips): the four buttons fit in 48 columns
        for button, word in (("#run", "run_examples"), ("#submit", "submit"), ("#hint", "hint"), ("#cancel", "cancel")):
            self.query_one(button, Button).label = t(word, lang)
        self._status()

    # -- the workspace file --------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        """Write within SAVE_EVERY seconds of any change, even while typing goes on."""
        self._leave_warned = False
        if event.text_area.text == self.saved_text or self._save_timer is not None:
            return
        wait = SAVE_EVERY - (time.monotonic() - self._last_write)
        if wait <= 0:
            self.save_now()
        else:
            self._save_timer = self.set_timer(wait, self.save_now)

    def save_now(self) -> bool:
        """Write the editor to the workspace file (if it changed). False when the disk
        refused: the text stays in the editor, the status line says why, and the write
        is tried again every RETRY_EVERY seconds."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        text = self.editor.text
        if text == self.saved_text and self.save_error is None and self.path.is_file():
            return True
        self._last_write = time.monotonic()
        try:
            write_work(self.path, text)
            mtime = self.path.stat().st_mtime
        except (SaveFailed, OSError) as err:
            failed = err if isinstance(err, SaveFailed) else SaveFailed(self.path, err)
            if self.save_error is None:
                self.notify(self._not_saved(failed), severity="error", timeout=10)
            self.save_error = failed
            if self._retry_timer is None:
                self._retry_timer = self.set_interval(RETRY_EVERY, self.save_now)
            self._status()
            return False
        self.saved_text = text
        self.saved_mtime = mtime
        if self.save_error is not None:
            self.save_error = None
            self.notify(t("saved_again", self.app.lang, file=self.path.name), timeout=4)
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
        self._status()
        return True

    def _not_saved(self, failed: SaveFailed) -> str:
        lang = self.app.lang
        return t("not_saved", lang, file=self.path.name, why=failed.reason(lang), every=RETRY_EVERY)

    def may_close(self) -> bool:
        """Save; True when nothing would be lost by closing. When the disk refuses, the
        first call says so and returns False, the next one (the same key again) True."""
        if self.save_now() or self._leave_warned:
            return True
        self._leave_warned = True
        assert self.save_error is not None
        lang = self.app.lang
        why = self.save_error.reason(lang)
        self.notify(t("unsaved_leave", lang, file=self.path.name, why=why), severity="error", timeout=8)
        return False

    def pick_up_external_edit(self) -> None:
        """Load the file if another editor changed it and nothing here is unsaved."""
        try:
            info = self.path.stat()
        except OSError:
            return
        if info.st_mtime == self.saved_mtime or not stat.S_ISREG(info.st_mode):
            return
        editor = self.editor
        if editor.text != self.saved_text or self.save_error is not None:  # unsaved typing wins
            return
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
        self.saved_mtime = info.st_mtime
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
        self._record(show=False)  # the attempt before, if submitted again within a frame
        self.save_now()  # the text in the editor is graded, whether the disk took it or not
        self.run_id += 1
        self.grading = True
        self.results = []
        self.report = None
        # A row per check from the start, filled in as each is judged: the table keeps its
        # height, so a result redraws one row, not the whole screen.
        checks = self.kata.example_checks() if examples else self.kata.checks
        self.pending = [check.id for check in checks]
        if not self._mark_waiting():
            self._fill_table()
        self._set_result("running", t("grading", self.app.lang))
        self._buttons()
        self.grade_idle.clear()
        self.grade(self.run_id, examples, self.app.grade_limits, self.editor.text.encode("utf-8", "surrogateescape"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="grade")
    def grade(self, run: int, examples: bool, limits: Limits | None, source: bytes) -> None:
        from kata.errors import KataError
        from kata.grader import grade

        checks = self.kata.example_checks() if examples else None
        # The grading thread waits on its child's pipes many times a check; each time it
        # wakes it needs the interpreter's lock, which the UI thread would otherwise hold
        # for up to the default 5 ms switch interval.
        switch = sys.getswitchinterval()
        sys.setswitchinterval(GRADING_SWITCH_INTERVAL)
        try:
            with self.app.warm_pool.pool().slot() as warm:
                report = grade(
                    self.path,
                    self.kata,
                    limits=limits,
                    checks=checks,
                    on_check=lambda result: self.post_message(self.CheckDone(run, result)),
                    spawner=self.grader_children.spawner(lambda: self.run_id == run, warm),
                    raw=source,
                )
        except KataError as err:
            self.post_message(self.GradeDone(run, None, str(err), examples, source))
            return
        finally:
            sys.setswitchinterval(switch)
            self.grade_idle.set()
        self.post_message(self.GradeDone(run, report, None, examples, source))

    @on(CheckDone)
    def _check_done(self, event: CheckDone) -> None:
        if event.run != self.run_id or not self.grading:
            return
        self.results.append(event.result)
        # The rows are drawn a few times a second, not once a check: a fast grade ends
        # before the first, and then draws the table once, leaving the interpreter to
        # the grading thread; a slow one still shows each check as it is judged.
        if self._draw_rows is None:
            self._draw_rows = self.set_timer(STREAM_EVERY, self._streamed_rows)

    def _streamed_rows(self) -> None:
        self._draw_rows = None
        if not self.grading:
            return
        table = self.query_one("#checks", DataTable)
        for row in range(self.drawn, len(self.results)):
            result = self.results[row]
            if row < table.row_count and self.pending[row] == result.id:
                for column, value in enumerate(self._row(result)):
                    table.update_cell_at(Coordinate(row, column), value)
            else:  # not in the order announced: draw the table again
                self._fill_table()
                return
        self.drawn = len(self.results)

    @on(GradeDone)
    def _grade_done(self, event: GradeDone) -> None:
        if event.run != self.run_id or not self.grading:
            return  # cancelled or replaced: its result is discarded
        self.grading = False
        self._buttons()
        lang = self.app.lang
        report = event.report
        if report is None:
            self.pending = []
            self._fill_table()
            self._set_result("fail", event.error or "")
            return
        self.report = report
        self.results = list(report.checks)  # the final word, also on checks not streamed
        self.pending = []
        self._fill_table()
        self._show_first_failure()
        elapsed = None if self.started is None else max(0.0, self.now() - self.started)
        total = len(report.checks)
        if report.error is not None:
            error = report.error.in_lang(lang)
            self._set_result("fail", f"{error.kind}: {error.message.partition(chr(10))[0]}")
        elif report.status == "pass":
            taken = clock(elapsed) if elapsed is not None else t("untimed", lang)
            self._set_result("pass", t("passed", lang, p=report.passed, t=total, time=taken))
        else:
            self._set_result("fail", t("failed", lang, p=report.passed, t=total))
        if not event.examples:
            # The table and the status line are painted first; the attempt is written to
            # the store (and a pass shown) just after, not before the result is seen.
            self.unrecorded = (report, event.source, elapsed)
            self.call_after_refresh(self._record)

    def _record(self, *, show: bool = True) -> None:
        """Write the graded attempt not yet written to the store; on a pass, end the
        timed attempt and (``show``) show the pass dialog."""
        if self.unrecorded is None:
            return
        (report, source, elapsed), self.unrecorded = self.unrecorded, None
        before = self.app.store.kata_bests().get(self.kata.id)
        previous_best = before.best_elapsed_s if before is not None else None
        from kata.quiz.katas import KataReviewer

        review = KataReviewer(self.app.store).plan(
            self.kata.id, report.status, hints=self.hints, elapsed_s=elapsed,
            time_limit_s=self.kata.time_limit * 60.0,
        )  # fmt: skip
        self.app.store.record_graded(report, source, elapsed_s=elapsed, hints=self.hints, review=review)
        if report.status == "pass":
            if self.started is not None:  # the timed attempt is over; the next one is untimed
                self.started = None
                self.app.store.set_setting(ATTEMPT_SETTING.format(self.kata.id), None)
            if show:
                self._show_pass(elapsed, previous_best)

    def _show_pass(self, elapsed: float | None, previous_best: float | None) -> None:
        from kata.tui.screens.kata_result import ResultDialog

        lang = self.app.lang
        best = self.app.store.kata_bests().get(self.kata.id)
        lines = [f"# ✓ {self.kata.title(lang)}"]
        if elapsed is None:
            lines.append(t("not_timed", lang))
        else:
            lines.append(f"**{t('time', lang)}:** {clock(elapsed)} / {self.kata.time_limit} min")
        if elapsed is None:
            pass
        elif previous_best is None or elapsed < previous_best:
            lines.append(f"**{t('new_best', lang)}**")
        else:
            lines.append(
                t("vs_best", lang, best=clock(previous_best), slower=clock(elapsed - previous_best))
            )
        if best is not None:
            lines.append(t("passes", lang, passes=best.passes, attempts=best.attempts))
        lines.append(f"## {t('solution', lang)}")
        solution = self.kata.solution_path.read_text(encoding="utf-8")
        from kata.exercises import catalog

        ids = list(catalog())
        after = ids[ids.index(self.kata.id) + 1 :] if self.kata.id in ids else []
        labels = {"close": t("back_to_review" if self.from_review else "close", lang),
                  "next": f"{t('next_kata', lang)} (n)", "again": f"{t('again_timed', lang)} (a)"}

        def chosen(choice: str | None) -> None:
            if choice == "again":
                self.action_new_attempt()
            elif self.from_review:  # the kata is reviewed: back to the queue
                self.action_leave()
            elif choice == "next" and after:
                self.app.pop_screen()
                self.app.open_kata(after[0])

        has_next = bool(after) and not self.from_review
        self.app.push_screen(ResultDialog("\n\n".join(lines), solution, labels, has_next=has_next), chosen)

    # -- what the grader said ------------------------------------------------------------

    def _row(self, result: CheckResult) -> tuple[str, str, Text]:
        local = result.in_lang(self.app.lang)
        return STATUS_MARK.get(local.status, local.status), local.id, plain(summary_line(local, self.app.lang))

    def _mark_waiting(self) -> bool:
        """Show every row as waiting, in place, if the table already has a row for each
        check this run will report (a submit after a submit): its columns keep their
        widths, so the screen is drawn once, not laid out again."""
        table = self.query_one("#checks", DataTable)
        if table.row_count != len(self.pending) or [table.get_row_at(i)[1] for i in range(table.row_count)] != self.pending:
            return False
        waiting = Text(t("waiting", self.app.lang), style="dim")
        for row in range(table.row_count):
            table.update_cell_at(Coordinate(row, 0), "…")
            table.update_cell_at(Coordinate(row, 2), waiting)
        self.drawn = 0
        self.query_one("#details-body", Static).update("")
        return True

    def _fill_table(self) -> None:
        """The check table, from this run's results, in the app's language."""
        table = self.query_one("#checks", DataTable)
        cursor = table.cursor_row
        self.drawn = len(self.results)
        table.clear(columns=True)
        lang = self.app.lang
        table.add_columns("", t("col_check", lang), t("col_message", lang))
        for result in self.results:
            table.add_row(*self._row(result))
        for check_id in self.pending[len(self.results):]:
            table.add_row("…", check_id, Text(t("waiting", lang), style="dim"))
        if self.results:
            table.move_cursor(row=min(cursor, len(self.results) - 1))
            self._show_details(table.cursor_row)
        elif self.report is not None:
            self._show_details(None)
        else:
            self.query_one("#details-body", Static).update("")

    def _details(self, row: int | None) -> Text:
        lang = self.app.lang
        report = self.report.in_lang(lang) if self.report is not None else None
        has_row = row is not None and 0 <= row < len(self.results)
        if report is not None and (report.error is not None or not has_row):
            out = report_details(report, lang)  # the file could not run: that comes first
            if has_row:
                out.append("\n")
                out.append_text(check_details(self.results[row].in_lang(lang), lang))
            return out
        if has_row:
            return check_details(self.results[row].in_lang(lang), lang, report.output if report else "")
        return Text("")

    def _show_details(self, row: int | None) -> None:
        self.query_one("#details-body", Static).update(self._details(row))

    def _show_first_failure(self) -> None:
        """Open the details of the first check that did not pass (or of the report)."""
        report = self.report
        if report is None:
            return
        failing = [i for i, result in enumerate(self.results) if result.status != "pass"]
        if failing and report.error is None:
            self.query_one("#checks", DataTable).move_cursor(row=failing[0])
            self._show_details(failing[0])
        elif not self.results or report.error is not None:
            self._show_details(None)
        if report.status != "pass":
            self.query_one("#left", TabbedContent).active = "details-tab"

    @on(DataTable.RowHighlighted, "#checks")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_details(event.cursor_row)

    @on(DataTable.RowSelected, "#checks")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_details()

    def action_details(self) -> None:
        """The highlighted check's details over the whole screen."""
        from kata.tui.screens.check_dialog import CheckDialog

        if not self.results and self.report is None:
            return
        row = self.query_one("#checks", DataTable).cursor_row if self.results else None
        self.app.push_screen(CheckDialog(self._details(row), t("close", self.app.lang)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A grade that raised: the screen stops waiting and says what went wrong."""
        if event.worker.group != "grade" or event.state != WorkerState.ERROR:
            return
        if not self.grading:
            return
        self.grading = False
        self.grader_children.kill_all()
        self.pending = []
        self._fill_table()
        message = t("grade_crashed", self.app.lang, error=f"{type(event.worker.error).__name__}: {event.worker.error}")
        self._set_result("fail", message)
        self._buttons()
        self.notify(message, severity="error", timeout=10)

    def action_cancel(self) -> None:
        """Cancel the running grade: its child processes are killed, so the worker ends
        at once, and whatever it reports is thrown away."""
        if not self.grading:
            return
        self.run_id += 1
        self.grading = False
        self.grader_children.kill_all()  # the grade then ends at once; its result is discarded
        self.workers.cancel_group(self, "grade")
        self.pending = []
        self._fill_table()
        self._set_result("fail", t("cancelled", self.app.lang))
        self._buttons()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Cancel and details stay in the footer, greyed out while they do nothing: the
        # keys do not move under the fingers, and a submit changes only how two keys look.
        if action == "cancel":
            return True if self.grading else None
        if action == "hint":
            return self.hints < len(self.kata.hints(self.app.lang))
        if action == "details":
            return True if self.results or self.report is not None else None
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

    async def action_hint(self) -> None:
        """Reveal the next hint and bring it into view."""
        from kata.harness.statement import render_statement

        if self.hints < len(self.kata.hints(self.app.lang)):
            self.hints += 1
            self.query_one("#left", TabbedContent).active = "statement-tab"
            markdown = render_statement(self.kata, self.app.lang, hints=self.hints)
            await self.query_one("#statement-md", Markdown).update(markdown)
            self.query_one("#statement").scroll_end(animate=False)
            self.refresh_bindings()

    def action_new_attempt(self) -> None:
        """A timed attempt from the starter; the work so far is kept beside it (.prev)."""
        if not self.save_now():
            return  # the disk refuses: keep the work where it is
        try:
            if self.path.is_file():
                self.path.replace(self.path.with_name(self.path.name + ".prev"))
        except OSError as err:
            self.notify(self._not_saved(SaveFailed(self.path, err)), severity="error", timeout=8)
            return
        starter = self.kata.starter_path.read_text(encoding="utf-8")
        self.started = self.now()
        self.app.store.set_setting(ATTEMPT_SETTING.format(self.kata.id), self.started)
        self.editor.load_text(starter)
        self.save_now()
        self.time_limit_s = self.kata.time_limit * 60.0
        self.notify(t("new_attempt_started", self.app.lang, prev=self.path.name + ".prev"), timeout=6)
        self._status()

    def action_wide(self) -> None:
        """Give the statement most of the width (and back)."""
        self.toggle_class("wide-statement")

    def action_more_time(self) -> None:
        self.time_limit_s += 5 * 60
        self._status()

    def action_leave(self) -> None:
        if self.may_close():
            self.app.pop_screen()

    def stop_grading(self) -> None:
        """End the running grade for good: its children are killed at once, and the
        grading thread, which then ends within moments, removes its folder."""
        self.run_id += 1
        self.grader_children.kill_all(for_good=True)  # quitting never waits for a running grade
        self.grade_idle.wait(timeout=10)

    def on_unmount(self) -> None:
        self.app.editors.discard(self)
        self.save_now()
        self._record(show=False)  # a result seen but left before it was written
        self.stop_grading()

    result_text = ""
    result_class = ""

    def _set_result(self, css: str, text: str) -> None:
        self.result_text = text
        self.result_class = css
        self._status()

    def on_resize(self) -> None:
        self._status()

    def _status(self) -> None:
        status = self.status_bar
        if self.started is None:
            timer = f"⏱ {t('untimed', self.app.lang)}"
        else:
            left = self.time_limit_s - (self.now() - self.started)
            timer = f"⏱ {clock(left)}" if left >= 0 else f"⏱ +{clock(-left)}"
        parts = [self.kata.title(self.app.lang), timer]
        if self.result_text:
            parts.append(self.result_text)
        if self.save_error is not None:
            parts.insert(0, "⚠ " + self._not_saved(self.save_error))
        elif self.editor.text == self.saved_text and self.saved_mtime:
            parts.append(f"{self.path.name} {t('saved', self.app.lang)}")
        # One line, always (``fit_status``): once laid out, a new text needs no layout of
        # the screen, which would take the interpreter from a grading thread every second.
        status.update(plain(fit_status(parts, (status.size.width or self.size.width or 80) - 2,
                                       title=1 if self.save_error is not None else 0)),
                      layout=not status.size.width)
        status.set_class(self.result_class == "pass", "pass")
        status.set_class(self.result_class == "fail" or self.save_error is not None, "fail")
        status.set_class(self.result_class == "running", "running")
