"""Grade a file again at every save, until it passes.

Grades FILE once, then again each time it is saved (written in place, renamed over by
an editor's atomic save, or deleted and written again), clearing the screen and showing
the report `kata check` prints. The grading process stays warm between runs, so a
re-grade does not wait for Python and numpy to start. One seed is drawn for the whole
watch (or give --seed), so a change in the report is a change in your code. A save
during a grade is graded right after it. At a pass it shows the time since the watch
started and exits 0. The last report is added to your progress when the watch ends,
unless --no-record is given.

Keys, in a terminal: h the next hint · q quit, also while a grade runs (q ends it).
Ctrl-C stops at once (exit 130). With no terminal on standard input (CI), no keys are
read: it stops at a pass or a signal.

Exit status: 0 passed (or quit with q), 2 bad usage (missing or unreadable file, not a
.py file, unknown kata), 3 internal error or --sandbox strict refused, 128 + the signal
when stopped (Ctrl-C 130, a closed terminal 129, SIGTERM 143).

Examples:
  kata watch softmax.py
  kata watch ~/.local/share/kata/workspace/softmax.py --seed 7
  kata watch mine.py --kata softmax --lang zh
"""

from __future__ import annotations

import argparse
import os
import re
import select
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from kata.commands._options import add_limit_options, given, language, limits_from
from kata.commands._signals import stopped_by_signals

if TYPE_CHECKING:
    from kata.filewatch import FileWatch, Version
    from kata.grader.limits import Limits
    from kata.grader.pool import Pool
    from kata.grader.report import Report
    from kata.grader.spawn import Spawned
    from kata.harness.contract import Kata

NAME = "watch"

# Clear the screen and its scrollback, cursor home: each report replaces the last.
CLEAR = "\x1b[H\x1b[2J\x1b[3J"
QUIT_KEYS = frozenset("qQ")
# While a grade runs in its thread, how often the keys are looked at.
GRADE_LOOK_SECONDS = 0.02
HINT_KEYS = frozenset("hH")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", type=given("the .py file to grade"), help="the .py file to grade at every save")
    parser.add_argument("--kata", metavar="ID", type=given("a kata id"), help="kata id (default: detect it from the file, as kata check does)")
    parser.add_argument("--no-record", action="store_true", help="do not add the last report to your progress")
    add_limit_options(parser)


class TerminalGone(Exception):
    """The terminal cannot be written to any more (it was closed)."""


class Face(Protocol):
    """Where the watch shows its frames and reads its keys: the real terminal, or a test's."""

    has_keys: bool
    colour: bool

    def keys(self, timeout: float) -> str:
        """The keys pressed, waiting at most ``timeout`` seconds for one ("" if none)."""

    def draw(self, body: str, footer: str, *, final: bool = False) -> None:
        """Show the report part (``body``) and the status line under it."""


class Terminal:
    """The real terminal. Keys come from standard input when it is a terminal, one at a
    time and not echoed (cbreak mode: Ctrl-C stays a signal); its settings are put back
    on the way out. On a terminal each frame clears the screen; to a file or a pipe,
    each new report is printed once, under the last."""

    def __init__(self, stdin: TextIO, stdout: TextIO, lang: str = "en") -> None:
        from kata.grader.report import use_colour

        self.lang = lang
        self._out = stdout
        self._redraw = _isatty(stdout)
        self.colour = use_colour(stdout)
        self._fd: int | None = stdin.fileno() if _isatty(stdin) else None
        self._tty = self._fd  # where the settings go back to, even after its input ended
        self._saved: list | None = None
        self._last_body: str | None = None

    @property
    def size(self) -> tuple[int, int] | None:
        """The terminal's columns and rows when frames are redrawn on it; None otherwise."""
        if not self._redraw:
            return None
        try:
            size = os.get_terminal_size(self._out.fileno())
        except (AttributeError, ValueError, OSError):
            return None
        return (size.columns, size.lines) if size.columns > 0 and size.lines > 0 else None

    @property
    def has_keys(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> Terminal:
        if self._fd is not None:
            import termios
            import tty

            try:
                self._saved = termios.tcgetattr(self._fd)
                tty.setcbreak(self._fd, termios.TCSANOW)
            except (termios.error, OSError):
                self._fd = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            import termios

            try:
                termios.tcflush(self._tty, termios.TCIFLUSH)  # keys meant for the watch, not the shell
                termios.tcsetattr(self._tty, termios.TCSADRAIN, self._saved)
            except (termios.error, OSError):  # the terminal is gone already
                pass

    def keys(self, timeout: float) -> str:
        if self._fd is None:
            time.sleep(timeout)
            return ""
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return ""
        try:
            data = os.read(self._fd, 64)
        except OSError:
            data = b""
        if not data:  # end of input: the terminal went away, or input was closed
            self._fd = None
        return data.decode("utf-8", errors="ignore")

    def draw(self, body: str, footer: str, *, final: bool = False) -> None:
        if self._redraw:
            size = self.size
            if size is not None:
                text = CLEAR + fit_screen(body, footer, *size, lang=self.lang)
            else:
                text = CLEAR + (f"{body}\n\n" if body else "") + footer + "\n"
        else:
            text = ""
            if body and body != self._last_body:
                text += ("\n" if self._last_body else "") + body + "\n"
                self._last_body = body
            if final:
                text += footer + "\n"
        if not text:
            return
        try:
            self._out.write(text)
            self._out.flush()
        except OSError as err:
            raise TerminalGone(str(err)) from None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class WarmGrader:
    """Grades with children forked from one warm process (``pool.Pool``), started on the
    first grade and kept until ``close``: every re-grade skips Python's and numpy's start."""

    def __init__(self, limits: Limits, seed: int) -> None:
        import threading

        self.limits = limits
        self.seed = seed
        self._pool: Pool | None = None
        self._lock = threading.Lock()
        self._cancelled = False

    def __call__(self, path: Path, kata: Kata, raw: bytes) -> Report:
        from kata.grader import grade
        from kata.grader.pool import Pool

        with self._lock:
            if self._pool is None:
                self._pool = Pool(1)
            if self._cancelled:
                self._pool.abort()
            pool = self._pool
        with pool.slot() as warm:

            def spawner(workdir: Path) -> Spawned:
                child = warm(workdir)
                with self._lock:
                    doomed = self._cancelled  # cancelled while it was being started
                if doomed:
                    _kill(child)
                return child

            return grade(path, kata, seed=self.seed, limits=self.limits, spawner=spawner, raw=raw)

    def cancel(self) -> None:
        """End the grade running now (its child is killed, no other starts) and any
        later one: the watch is ending."""
        with self._lock:
            self._cancelled = True
            if self._pool is not None:
                self._pool.abort()  # kills the child it started, and refuses to start another

    def close(self) -> None:
        self.cancel()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()


def _kill(child: Spawned) -> None:
    """The child leads its own process group: end all of it (the grade then sees it gone)."""
    try:
        os.killpg(child.proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def duration(seconds: float) -> str:
    """``m:ss``, or ``h:mm:ss`` from an hour on."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class Watch:
    """The watch loop: grade, show, wait for a save or a key, until a pass or ``q``.

    Everything it touches is handed in: the file's versions (``files``), the grading
    (``grade(path, kata, raw) -> Report``), the face and the clock, so a test drives it
    with a face of its own and decides from what it drew."""

    def __init__(
        self,
        path: Path,
        kata: Kata | None,
        *,
        files: FileWatch,
        grade: Callable[[Path, Kata, bytes], Report],
        lang: str = "en",
        clock: Callable[[], float] = time.monotonic,
        poll_seconds: float | None = None,
    ) -> None:
        from kata.filewatch import POLL_SECONDS
        from kata.grader.text import clean_line

        self.path = path
        self.label = clean_line(str(path))
        self.kata = kata
        self.files = files
        self.grade = grade
        self.lang = lang
        self.clock = clock
        self.poll_seconds = POLL_SECONDS if poll_seconds is None else poll_seconds
        self.report: Report | None = None  # the last report shown
        self.graded: bytes | None = None  # the bytes it graded
        self.status = ""  # shown instead of a report: the file is gone, unreadable, names no kata
        self.note = ""  # one line over the keys, until the next frame
        self.hints_shown = 0
        self.grades = 0

    @property
    def passed(self) -> bool:
        return self.report is not None and self.report.status == "pass"

    def run(self, face: Face, first: Version) -> int:
        """Watch until a pass (0) or the quit key (0)."""
        started = self.clock()
        if not self._take(first, face):
            return 0
        while not self.passed:
            if self._keys(face, self.poll_seconds, grading=False):
                return 0
            version = self.files.poll()
            if version is not None and not self._take(version, face):
                return 0
        passed = self._say("watch-passed", time=duration(self.clock() - started))
        face.draw(self._body(face), passed, final=True)
        return 0

    def _keys(self, face: Face, timeout: float, *, grading: bool) -> bool:
        """Act on the keys pressed within ``timeout``; True: quit."""
        for key in face.keys(timeout):
            if key in QUIT_KEYS:
                return True
            if key in HINT_KEYS:
                self._next_hint()
                self._draw(face, grading=grading)
        return False

    # -- what a new version of the file does

    def _take(self, version: Version, face: Face) -> bool:
        """Show what the file now holds, graded; False: quit while it was graded."""
        from kata.grader.text import clean_line

        self.note = ""
        if version.raw is None:
            self.report, self.graded = None, None
            self.status = (self._say("watch-gone", file=self.label) if version.gone
                           else self._say("watch-cannot-read", problem=clean_line(version.problem or "")))
            self._draw(face)
            return True
        self._draw(face, grading=True)
        if not self._grade(version.raw, face):
            return False
        self._draw(face)
        return True

    def _grade(self, raw: bytes, face: Face) -> bool:
        from kata.errors import NoKata
        from kata.grader.text import clean_line

        if self.kata is None:  # not told yet: the file's first version that names one decides
            try:
                self.kata = pick_one(self.path, raw)
            except NoKata as err:
                if err.kind == "syntax":
                    self.report, self.status = _syntax_report(self.path, raw), ""
                else:
                    self.report, self.status = None, self._say("watch-cannot-read", problem=clean_line(str(err)))
                self.graded = None
                return True
        kata = self.kata
        report = self._in_background(lambda: self.grade(self.path, kata, raw), face)
        if report is None:
            return False
        report.file = str(self.path)
        self.report, self.graded, self.status = report, raw, ""
        self.grades += 1
        return True

    def _in_background(self, job: Callable[[], Report], face: Face) -> Report | None:
        """``job()`` in a thread, while the keys still work here: a hint shows at once,
        and the quit key cancels the grade (the grader's ``cancel``) and returns None. A
        signal (Ctrl-C) cancels it too, and is raised once the thread has ended."""
        import threading

        outcome: dict[str, object] = {}

        def work() -> None:
            try:
                outcome["report"] = job()
            except BaseException as err:  # noqa: BLE001 - raised again in the watch's thread
                outcome["error"] = err

        thread = threading.Thread(target=work, name="kata-watch-grade", daemon=True)
        thread.start()
        try:
            while thread.is_alive():
                if self._keys(face, 0.0, grading=True):
                    self._cancel()
                    thread.join()
                    return None
                thread.join(GRADE_LOOK_SECONDS)
        except BaseException:
            self._cancel()
            thread.join()
            raise
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome["report"]  # type: ignore[return-value]

    def _cancel(self) -> None:
        cancel = getattr(self.grade, "cancel", None)
        if cancel is not None:
            cancel()

    # -- hints

    def _next_hint(self) -> None:
        if self.kata is None:
            self.note = self._say("watch-no-kata-yet")
            return
        total = len(self.kata.hints(self.lang))
        if self.hints_shown < total:
            self.hints_shown += 1
            self.note = ""
        else:
            self.note = self._say("watch-no-more-hints", total=total)

    # -- frames

    def _say(self, key: str, **params: object) -> str:
        from kata.harness.messages import Msg

        return Msg(key, **params).render(self.lang)

    def _body(self, face: Face) -> str:
        from kata.grader.report import render_text

        parts = []
        if self.report is not None:
            parts.append(render_text(self.report, colour=face.colour, file_label=str(self.path), lang=self.lang))
        elif self.status:
            parts.append(self.status)
        if self.kata is not None and self.hints_shown:
            hints = self.kata.hints(self.lang)
            parts += [self._say("watch-hint", n=n, total=len(hints), hint=unwrap(hint))
                      for n, hint in enumerate(hints[: self.hints_shown], start=1)]
        return "\n\n".join(parts)

    def _draw(self, face: Face, *, grading: bool = False) -> None:
        size = getattr(face, "size", None)
        width = size[0] if size else None
        status = self._key_line(face.has_keys, width)
        if grading:  # the keys work while it grades
            status = self._said_of_file("watch-grading", width) + "\n" + status
        face.draw(self._body(face), f"{self.note}\n{status}" if self.note else status)


    def _key_line(self, has_keys: bool, width: int | None) -> str:
        """The keys and the file, in one line that fits ``width`` (None: any): the long
        words, else the short ones, else the short ones with the file's name cut."""
        long, short = ("watch-keys", "watch-keys-short") if has_keys else ("watch-no-keys", "watch-no-keys-short")
        line = self._say(long, file=self.label)
        if width is None or display_width(line) <= width:
            return line
        return self._said_of_file(short, width)

    def _said_of_file(self, key: str, width: int | None) -> str:
        """Message ``key`` about the file, its name cut at the front to fit ``width``."""
        line = self._say(key, file=self.label)
        if width is None or display_width(line) <= width:
            return line
        room = width - (display_width(line) - display_width(self.label)) - 1
        return self._say(key, file="…" + _tail(self.label, max(room, 1)))


_SGR = re.compile("\x1b\\[[0-9;]*m")


def display_width(text: str) -> int:
    """The columns ``text`` takes in a terminal: colour codes take none, wide (CJK)
    characters two."""
    import unicodedata

    plain = _SGR.sub("", text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in plain)


def _tail(text: str, room: int) -> str:
    """The end of ``text`` that takes at most ``room`` columns."""
    kept = ""
    for char in reversed(text):
        if display_width(char + kept) > room:
            break
        kept = char + kept
    return kept


def wrap_line(line: str, width: int) -> list[str]:
    """``line`` as lines of at most ``width`` columns, broken at spaces (a word longer
    than a line, such as Chinese text without spaces, is broken where it must be); the
    continuation lines keep the line's indentation."""
    if display_width(line) <= width:
        return [line]
    indent = line[: len(line) - len(line.lstrip(" "))]
    if display_width(indent) > width // 2:
        indent = ""
    lines: list[str] = []
    current = line[: len(indent)]
    words = line[len(indent):].split(" ")
    for word in words:
        sep = "" if current.strip() == "" else " "
        if display_width(current + sep + word) <= width:
            current += sep + word
            continue
        if current.strip():
            lines.append(current.rstrip())
            current = indent
        while display_width(current + word) > width:  # a word longer than a line
            room = width - display_width(current)
            cut = 0
            while cut < len(word) and display_width(word[: cut + 1]) <= room:
                cut += 1
            cut = max(cut, 1)
            lines.append(current + word[:cut])
            current, word = indent, word[cut:]
        current += word
    if current.strip():
        lines.append(current.rstrip())
    return lines


def fit_screen(body: str, footer: str, width: int, height: int, lang: str = "en") -> str:
    """The frame for a terminal of ``width`` x ``height``: every line wrapped to the
    width at word boundaries, the footer (keys and status) at the bottom, and the body
    cut in the middle when it is too tall, so that its head (the file and the seed) and
    its end (the summary, the hints asked for) both stay on screen."""
    width = max(width, 20)
    foot = [piece for line in footer.split("\n") for piece in wrap_line(line, width)]
    rows = [piece for line in body.split("\n") for piece in wrap_line(line, width)] if body else []
    room = height - len(foot) - (1 if rows else 0) - 1  # a blank line over the footer; the cursor's line
    if len(rows) > max(room, 0):
        room = max(room - 1, 2)  # one line says what is not shown
        head = max(1, min(len(rows), room // 2))
        tail = max(room - head, 1)
        cut = len(rows) - head - tail
        from kata.harness.messages import Msg

        note = "  " + Msg("watch-lines-cut", lines=cut).render(lang)
        rows = rows[:head] + wrap_line(note, width)[:1] + rows[-tail:]
    text = "\n".join(rows) + "\n\n" if rows else ""
    return text + "\n".join(foot) + "\n"


def unwrap(text: str) -> str:
    """A hint as one paragraph: its lines were wrapped for Markdown, where a line break
    reads as a space (none between two Chinese characters); the terminal wraps it again."""
    import unicodedata

    def wide(char: str) -> bool:
        return unicodedata.east_asian_width(char) in "WF"

    joined = ""
    for line in (part.strip() for part in text.strip().splitlines()):
        if line:
            joined += ("" if not joined or (wide(joined[-1]) and wide(line[0])) else " ") + line
    return joined


def pick_one(path: Path, raw: bytes) -> Kata:
    """The kata the file answers, chosen as ``kata check`` chooses it; ``NoKata`` if it
    names none, or several (then the way out is ``--kata ID``: a watch follows one)."""
    from kata.commands.check import choose_katas
    from kata.errors import NoKata
    from kata.exercises import detect_all

    source = raw.decode("utf-8", errors="replace")
    try:
        return choose_katas(path, None, source)[0][0]
    except NoKata as err:
        if err.kind != "ambiguous":
            raise
        ids = ", ".join(f"{k.id} ({k.function})" for k in detect_all(source))
        raise NoKata("ambiguous", f"{path} defines functions of several katas: {ids}; "
                                  "kata watch follows one: pass --kata ID") from None


def _syntax_report(path: Path, raw: bytes) -> Report:
    """The report of a file that does not parse and names no kata: its syntax error."""
    from kata.grader.engine import parse_source
    from kata.grader.report import Report

    _, _, problem = parse_source(raw)
    report = Report(kata="", seed=0, error=problem)
    report.file = str(path)
    return report


def run(args: argparse.Namespace) -> int:
    from kata.errors import SubmissionError, UsageError
    from kata.exercises import NoKata, get_kata
    from kata.filewatch import FileWatch
    from kata.grader import new_seed
    from kata.grader.spawn import shielded
    from kata.grader.text import clean_line

    path = Path(args.file)
    if args.kata == "all":
        raise UsageError("kata watch follows one kata: give --kata ID, or leave it out to detect it from the file")
    if path.suffix != ".py":
        raise UsageError(f"{clean_line(str(path))} is not a .py file: kata watch follows one Python file")
    limits = limits_from(args)
    lang = language(args)
    kata = get_kata(args.kata) if args.kata else None
    files = FileWatch(path)
    first = files.current()
    if first.raw is None:
        raise SubmissionError(f"{clean_line(str(path))}: no such file" if first.gone
                              else clean_line(first.problem or ""))
    if kata is None:
        try:
            kata = pick_one(path, first.raw)
        except NoKata as err:
            if err.kind != "syntax":
                raise  # defines no kata function, or several: one line, as kata check says it
    if limits.sandbox == "strict":  # refuse before anything, as kata check does
        from kata.grader.engine import probe_sandbox
        from kata.grader.sandbox import require

        require(probe_sandbox(limits), "strict")
    seed = new_seed() if args.seed is None else args.seed
    grader = WarmGrader(limits, seed)
    watch = Watch(path, kata, files=files, grade=grader, lang=lang)
    with stopped_by_signals() as stopped:
        try:
            with Terminal(sys.stdin, sys.stdout, lang=lang) as face:
                code = watch.run(face, first)
        except KeyboardInterrupt:
            code = 128 + (stopped.signal or signal.SIGINT)
        except TerminalGone:
            code = 128 + signal.SIGHUP
        finally:
            with shielded():
                grader.close()
    if code > 128:
        try:
            print("kata: interrupted", file=sys.stderr)
        except OSError:
            pass
    if not args.no_record and watch.report is not None and watch.report.kata and watch.graded is not None:
        from kata.commands.check import _record  # the same record as kata check's

        with shielded():
            _record([watch.report], watch.graded, getattr(args, "data_dir", None))
    return code
