"""`kata watch`: the loop driven in-process by a face of the test's own (it decides from
the frames drawn, never from time), the file watch on its own, and the command itself,
without a terminal and in a real one (tmux)."""

from __future__ import annotations

import os
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kata.commands.watch import Watch, WarmGrader, display_width, duration, fit_screen, unwrap, wrap_line
from kata.errors import SubmissionError
from kata.exercises import get_kata
from kata.filewatch import FileWatch
from kata.grader.report import CheckResult, Report
from tests.conftest import gone_within, ours

ROOT = Path(__file__).resolve().parents[1]
CORRECT = (ROOT / "solutions" / "softmax.py").read_text(encoding="utf-8")
NAIVE = (ROOT / "tests" / "fixtures" / "submissions" / "softmax" / "naive_exp.py").read_text(encoding="utf-8")
SOFTMAX = get_kata("softmax")
HINTS = SOFTMAX.hints("en")
CEILING = 20_000  # looks at the face before a test gives up waiting for what it expects
WAIT = 30.0  # seconds, for a real process or terminal to show what the test waits for


def write_renamed(path: Path, text: str) -> None:
    """An editor's atomic save: a temporary file beside it, renamed over it."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def write_in_place(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


SAVES = {"rename": write_renamed, "in-place": write_in_place}


class Face:
    """A terminal of the test's own: it records every frame, and at each look for keys
    runs the next step of its script once that step's condition holds on the screen."""

    colour = False

    def __init__(self, *steps: tuple[Callable[[str], bool], Callable[[], str | None]], has_keys: bool = True) -> None:
        self.steps = list(steps)
        self.has_keys = has_keys
        self.frames: list[tuple[str, str, bool]] = []
        self.looks = 0

    @property
    def screen(self) -> str:
        if not self.frames:
            return ""
        body, footer, _ = self.frames[-1]
        return f"{body}\n\n{footer}"

    def draw(self, body: str, footer: str, *, final: bool = False) -> None:
        self.frames.append((body, footer, final))

    def keys(self, timeout: float) -> str:
        self.looks += 1
        assert self.looks < CEILING, f"waited too long for step {self.steps[:1]}; the screen shows:\n{self.screen}"
        if self.steps and self.steps[0][0](self.screen):
            _, action = self.steps.pop(0)
            return action() or ""
        return ""


def shows(*texts: str) -> Callable[[str], bool]:
    return lambda screen: all(text in screen for text in texts)


def clock(*readings: float) -> Callable[[], float]:
    values = iter(readings)
    return lambda: next(values)


def failing_report(raw: bytes) -> Report:
    status = "pass" if b"# good" in raw else "fail"
    return Report(kata="softmax", seed=1, checks=[CheckResult("basic", status, "" if status == "pass" else "wrong")])


def watch_of(path: Path, grade, **kwargs) -> tuple[Watch, FileWatch]:
    files = FileWatch(path)
    return Watch(path, SOFTMAX, files=files, grade=grade, poll_seconds=0.0, **kwargs), files


@pytest.fixture(scope="module")
def grader():
    from kata.grader.limits import Limits

    warm = WarmGrader(Limits(), seed=5)
    yield warm
    warm.close()


# ---------------------------------------------------------------- the loop, in-process


def settled(ceiling: float = 30.0) -> list[int]:
    """This test's processes once those killed at the end of a grade have exited. The
    sandbox's inner processes (PID 1 of its namespace and the one that ran the code) are
    killed with the one the grader waits for, but a busy machine may take a moment more
    to tear them down: only one that is still there after the ceiling is left over."""
    deadline = time.monotonic() + ceiling
    while len(left := ours()) > 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


@pytest.mark.parametrize("how", sorted(SAVES))
def test_a_failing_file_then_a_correct_save_shows_the_pass_and_the_time(tmp_path, how):
    """The real grader, warm: the first report fails; a save (renamed over the file, or
    written in place) is graded again by the same warm process, passes, and the watch
    ends with the time since it started."""
    from kata.grader.limits import Limits

    path = tmp_path / "softmax.py"
    path.write_text(NAIVE, encoding="utf-8")
    warm = WarmGrader(Limits(), seed=11)
    seen: dict[str, list[int]] = {}

    def save() -> None:
        seen["after first"] = settled()  # the warm process, left between grades
        SAVES[how](path, CORRECT)

    try:
        watch, files = watch_of(path, warm, clock=clock(100.0, 142.0))
        face = Face((shows("FAIL    overflow", "h next hint", "q quit"), save))
        code = watch.run(face, files.current())
        seen["after pass"] = settled()
    finally:
        warm.close()
    assert code == 0 and watch.passed and watch.grades == 2
    body, footer, final = face.frames[-1]
    assert final and "PASS: 8/8 checks passed" in body and footer == "Passed in 0:42 since kata watch started."
    assert any("grading" in f for _, f, _ in face.frames[1:]), "the re-grade was announced"
    assert len(seen["after first"]) == 1 and seen["after pass"] == seen["after first"]  # one warm process, kept
    assert gone_within() == []


def test_h_shows_the_hints_one_by_one_and_says_when_there_are_no_more(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    return x\n", encoding="utf-8")
    watch, files = watch_of(path, lambda p, k, raw: failing_report(raw))
    face = Face(
        (shows("FAIL    basic"), lambda: "h"),
        (shows("Hint 1/3: " + HINTS[0].strip().splitlines()[0]), lambda: "h"),
        (shows("Hint 2/3: " + HINTS[1].strip().splitlines()[0]), lambda: "hh"),
        (shows("Hint 3/3", "all 3 hints are shown"), lambda: "q"),
    )
    assert watch.run(face, files.current()) == 0
    assert watch.hints_shown == 3 and not face.steps
    assert "Hint 2/3" not in face.frames[1][0]  # hint 1 alone first
    assert watch.grades == 1


def test_q_quits_a_failing_watch_with_status_0(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    return x\n", encoding="utf-8")
    watch, files = watch_of(path, lambda p, k, raw: failing_report(raw))
    face = Face((shows("FAIL"), lambda: "q"))
    assert watch.run(face, files.current()) == 0
    assert not watch.passed and not face.frames[-1][2]


def test_a_save_during_a_grade_is_graded_right_after_it(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    return x\n", encoding="utf-8")
    graded: list[bytes] = []

    def grade(p, kata, raw):
        graded.append(raw)
        if len(graded) == 1:  # the candidate saves while the first grade runs
            write_renamed(path, "def softmax(x):\n    return x  # good\n")
        return failing_report(raw)

    watch, files = watch_of(path, grade, clock=clock(0.0, 3.0))
    face = Face()  # no steps: nothing but the save during the grade
    assert watch.run(face, files.current()) == 0
    assert graded == [b"def softmax(x):\n    return x\n", b"def softmax(x):\n    return x  # good\n"]


class Held:
    """A grade that runs until the test lets it go, or until it is cancelled."""

    def __init__(self) -> None:
        import threading

        self.release = threading.Event()
        self.cancelled = False
        self.calls = 0

    def __call__(self, path, kata, raw):
        self.calls += 1
        assert self.release.wait(WAIT), "the grade was never let go nor cancelled"
        return failing_report(raw)

    def cancel(self) -> None:
        self.cancelled = True
        self.release.set()


def test_q_while_a_grade_runs_cancels_it_and_quits(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    while True:\n        pass\n", encoding="utf-8")
    grade = Held()
    watch, files = watch_of(path, grade)
    face = Face((shows("grading ", "q quit"), lambda: "q"))
    assert watch.run(face, files.current()) == 0
    assert grade.cancelled and grade.calls == 1 and watch.report is None and watch.graded is None


def test_h_while_a_grade_runs_shows_the_hint_at_once(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    return x\n", encoding="utf-8")
    grade = Held()
    watch, files = watch_of(path, grade)
    face = Face(
        (shows("grading "), lambda: "h"),
        (shows("Hint 1/3", "grading "), grade.release.set),
        (lambda screen: "FAIL" in screen and "grading" not in screen, lambda: "q"),
    )
    assert watch.run(face, files.current()) == 0
    assert not grade.cancelled and watch.grades == 1 and watch.hints_shown == 1


def test_a_signal_while_a_grade_runs_cancels_it_before_it_is_raised(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    return x\n", encoding="utf-8")
    grade = Held()
    watch, files = watch_of(path, grade)

    def interrupt():
        raise KeyboardInterrupt

    face = Face((shows("grading "), interrupt))
    with pytest.raises(KeyboardInterrupt):
        watch.run(face, files.current())
    assert grade.cancelled and watch.report is None


def test_a_file_deleted_and_written_again_is_waited_for_then_graded(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    return x\n", encoding="utf-8")
    watch, files = watch_of(path, lambda p, k, raw: failing_report(raw), clock=clock(0.0, 1.0))
    face = Face(
        (shows("FAIL"), path.unlink),
        (shows("softmax.py is gone; waiting for it to come back"),
         lambda: write_in_place(path, "def softmax(x):\n    return x  # good\n")),
    )
    assert watch.run(face, files.current()) == 0
    assert watch.grades == 2 and not face.steps


def test_a_file_that_briefly_does_not_parse_shows_its_syntax_error_then_passes(tmp_path, grader):
    path = tmp_path / "softmax.py"
    path.write_text(NAIVE, encoding="utf-8")
    watch, files = watch_of(path, grader, clock=clock(0.0, 7.0))
    face = Face(
        (shows("FAIL    overflow"), lambda: write_in_place(path, "def softmax(x:\n    return x\n")),
        (shows("ERROR  syntax", "line 1"), lambda: write_renamed(path, CORRECT)),
    )
    assert watch.run(face, files.current()) == 0
    assert watch.passed and "Passed in 0:07" in face.frames[-1][1]


def test_the_kata_is_told_by_the_first_version_that_names_one(tmp_path, grader):
    """A file that does not parse and whose name says nothing: its syntax error, no kata
    (and no hints) until a save defines a kata's function."""
    path = tmp_path / "mine.py"
    path.write_text("x = (\n", encoding="utf-8")
    files = FileWatch(path)
    watch = Watch(path, None, files=files, grade=grader, poll_seconds=0.0, clock=clock(0.0, 2.0))
    face = Face(
        (shows("no kata to check it against", "ERROR  syntax"), lambda: "h"),
        (shows("no kata yet"), lambda: write_renamed(path, CORRECT)),
    )
    assert watch.run(face, files.current()) == 0
    assert watch.kata is SOFTMAX and watch.passed


def test_what_the_submission_prints_reaches_the_screen_escaped(tmp_path):
    path = tmp_path / "evil\x1b[2J.py"
    path.write_text("def softmax(x):\n    return x\n", encoding="utf-8")

    def grade(p, kata, raw):
        report = failing_report(raw)
        report.output = "\x1b]0;owned\x07 \x1b[31mred"
        return report

    watch, files = watch_of(path, grade)
    face = Face((shows("FAIL"), lambda: "q"))
    watch.run(face, files.current())
    assert all("\x1b" not in body + footer for body, footer, _ in face.frames)
    assert "\\x1b]0;owned" in face.screen and "evil\\x1b[2J.py" in face.screen


def test_without_a_terminal_the_keys_line_says_ctrl_c(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    return x\n", encoding="utf-8")
    watch, files = watch_of(path, lambda p, k, raw: failing_report(raw), clock=clock(0.0, 0.0))
    face = Face((shows("Ctrl-C stops"), lambda: write_in_place(path, "def softmax(x):\n    return x  # good\n")),
                has_keys=False)
    assert watch.run(face, files.current()) == 0
    assert not any("q quit" in f for _, f, _ in face.frames)


def test_the_words_are_chinese_with_lang_zh(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    return x\n", encoding="utf-8")
    watch, files = watch_of(path, lambda p, k, raw: failing_report(raw), lang="zh")
    face = Face((shows("h 下一条提示"), lambda: "h"), (shows("提示 1/3："), lambda: "q"))
    assert watch.run(face, files.current()) == 0
    assert SOFTMAX.hints("zh")[0].strip().splitlines()[0] in face.screen


def test_a_hint_is_shown_as_one_paragraph():
    assert unwrap("  Compute `np.exp(x)`.\nNow note that\n softmax(x + c)\n") == "Compute `np.exp(x)`. Now note that softmax(x + c)"
    assert unwrap("先减去\n每行的最大值，\nthen `exp`") == "先减去每行的最大值， then `exp`"


def test_long_lines_are_wrapped_at_words_to_the_width_keeping_their_indent():
    line = "           Hint: exp() overflows for arguments above ~709.78 in float64, and inf/inf = NaN."
    wrapped = wrap_line(line, 40)
    assert all(display_width(piece) <= 40 for piece in wrapped) and len(wrapped) > 2
    assert " ".join(piece.strip() for piece in wrapped) == line.strip()  # broken at spaces only
    assert all(piece.startswith(" " * 11) and not piece.startswith(" " * 12) for piece in wrapped)
    chinese = "提示：" + "指数函数在参数很大时会溢出" * 5
    pieces = wrap_line(chinese, 30)
    assert "".join(pieces) == chinese and all(display_width(p) <= 30 for p in pieces)
    assert display_width("\x1b[31m错\x1b[0m") == 2


def test_a_tall_report_keeps_its_head_and_its_end_on_screen():
    body = "\n".join(["f.py: softmax  (seed 3)", *(f"  line {n} " + "word " * 30 for n in range(40)), "FAIL: 6/8"])
    for lang in ("en", "zh"):
        screen = fit_screen(body, "h hint · q quit · f.py", 80, 24, lang=lang).split("\n")
        assert screen[-1] == "" and len(screen) - 1 <= 23  # the cursor's line stays free
        assert screen[0] == "f.py: softmax  (seed 3)"
        assert screen[-2] == "h hint · q quit · f.py" and "FAIL: 6/8" in screen[-4]
        assert all(display_width(row) <= 80 for row in screen)
    assert any("lines not shown" in row for row in fit_screen(body, "k", 80, 24).split("\n"))
    assert any("行未显示" in row for row in fit_screen(body, "k", 80, 24, lang="zh").split("\n"))
    short = "a\nb"
    assert fit_screen(short, "k", 80, 24) == "a\nb\n\nk\n"


class SizedFace(Face):
    size = (80, 24)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("has_keys", [True, False])
def test_the_key_line_fits_a_narrow_terminal_in_each_language(tmp_path, lang, has_keys):
    path = tmp_path / ("a-rather-long-folder-name-of-a-student" * 2) / "softmax.py"
    path.parent.mkdir()
    path.write_text(NAIVE, encoding="utf-8")
    face = SizedFace((shows("FAIL"), lambda: "q"), has_keys=has_keys)
    watch, files = watch_of(path, lambda p, k, raw: failing_report(raw), lang=lang)
    assert watch.run(face, files.current()) == 0
    for _, footer, _ in face.frames:
        for line in footer.split("\n"):
            assert display_width(line) <= 80, line
    keys = face.frames[-1][1]
    assert keys.endswith("softmax.py") and "…" in keys
    assert ("q" in keys) == has_keys and ("Ctrl-C" in keys) != has_keys


def test_durations_read_as_a_clock():
    assert [duration(s) for s in (0, 42.9, 61, 3600, 3725)] == ["0:00", "0:42", "1:01", "1:00:00", "1:02:05"]


# ---------------------------------------------------------------- the file watch


def test_each_kind_of_save_is_one_new_version(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("one\n", encoding="utf-8")
    files = FileWatch(path)
    assert files.current().raw == b"one\n"

    def settle():
        """Looks until the watch reports something (a change shows once it holds still)."""
        for _ in range(3):
            version = files.poll()
            if version is not None:
                return version
        return None

    assert settle() is None  # nothing changed
    write_renamed(path, "two\n")
    assert settle().raw == b"two\n"
    write_in_place(path, "three\n")
    assert settle().raw == b"three\n"
    os.utime(path)  # touched, same bytes: not a change
    assert settle() is None
    path.unlink()
    assert settle().gone
    assert settle() is None  # said once
    write_in_place(path, "four\n")
    assert settle().raw == b"four\n"
    path.unlink()
    path.mkdir()
    assert "is a folder" in settle().problem


def test_a_change_is_read_once_it_holds_still(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("one\n", encoding="utf-8")
    files = FileWatch(path)
    files.current()
    write_in_place(path, "")  # an editor truncates ...
    assert files.poll() is None  # ... and is still writing when the watch first looks
    write_in_place(path, "two, whole\n")
    assert files.poll() is None
    assert files.poll().raw == b"two, whole\n"


class Coarse(FileWatch):
    """A file system whose timestamps did not move between two saves of the same size."""

    def _signature(self) -> tuple[int, ...]:
        return (1, 2, 0o100644, 4, 1_000_000_000_000, 1_000_000_000_000)


@pytest.mark.parametrize("read_at_ns, seen", [(1_000_000_000_000, True), (1_000_000_000_000 + 10**10, False)],
                         ids=["read-in-the-same-tick", "read-long-after"])
def test_a_file_read_in_its_modification_tick_is_read_again_until_it_is_older(tmp_path, read_at_ns, seen):
    """As git's racily clean entries: with a stat that cannot show the second save, a
    file read within RACY_SECONDS of its modification is read again; one read long after
    it was modified is not (its stat is trusted)."""
    path = tmp_path / "a.py"
    path.write_text("one\n", encoding="utf-8")
    files = Coarse(path, wall_ns=lambda: read_at_ns)
    files.current()
    path.write_text("two\n", encoding="utf-8")
    version = files.poll()
    assert (version is not None and version.raw == b"two\n") is seen


def test_a_file_that_cannot_be_read_is_a_problem_not_an_error(tmp_path):
    path = tmp_path / "a.py"

    def refuse(p):
        raise SubmissionError(f"{p}: permission denied")

    version = FileWatch(path, read=refuse).current()
    assert version.raw is None and version.gone  # the path names nothing: gone, not refused
    path.write_text("x\n", encoding="utf-8")
    version = FileWatch(path, read=refuse).current()
    assert version.problem == f"{path}: permission denied"


# ---------------------------------------------------------------- the command


def kata(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kata", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120, **kwargs)


@pytest.mark.parametrize("make, said", [
    (lambda d: d / "missing.py", "missing.py: no such file"),
    (lambda d: (d / "notes.txt").write_text("x") and d / "notes.txt", "is not a .py file"),
    (lambda d: (d / "folder.py").mkdir() or d / "folder.py", "is a folder"),
    (lambda d: os.mkfifo(d / "pipe.py") or d / "pipe.py", "is a FIFO"),
    (lambda d: (d / "nothing.py").write_text("x = 1\n") and d / "nothing.py", "defines none of the kata functions"),
    (lambda d: (d / "both.py").write_text(CORRECT + (ROOT / "solutions" / "sigmoid.py").read_text()) and d / "both.py",
     "several katas: softmax (softmax), sigmoid (sigmoid); kata watch follows one: pass --kata ID"),
], ids=["missing", "not-py", "folder", "fifo", "no-kata", "several-katas"])
def test_a_file_that_cannot_be_watched_is_one_line_and_exit_2(tmp_path, make, said, capsys):
    from kata.cli import main

    assert main(["watch", str(make(tmp_path))]) == 2
    out, err = capsys.readouterr()
    assert said in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""


def test_kata_all_is_refused(tmp_path, capsys):
    from kata.cli import main

    path = tmp_path / "softmax.py"
    path.write_text(CORRECT, encoding="utf-8")
    assert main(["watch", str(path), "--kata", "all"]) == 2
    assert "follows one kata" in capsys.readouterr().err


class Reader:
    """A ``kata watch`` process without a terminal, its standard output read as it comes."""

    def __init__(self, path: Path, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "kata", "watch", str(path), *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = b""

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + WAIT
        while text.encode() not in self.out:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never came; the output so far:\n{self.out.decode(errors='replace')}"
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                assert chunk, f"it ended before {text!r}:\n{self.out.decode(errors='replace')}"
                self.out += chunk
        return self.out.decode()

    def finish(self) -> tuple[int, str, str]:
        rest, err = self.proc.communicate(timeout=WAIT)
        return self.proc.returncode, (self.out + rest).decode(), err.decode()


def test_without_a_terminal_it_grades_each_save_ends_at_the_pass_and_records_it(tmp_path, _isolated_home):
    from kata.store import Store

    path = tmp_path / "softmax.py"
    path.write_text(NAIVE, encoding="utf-8")
    watch = Reader(path, "--seed", "3")
    try:
        watch.wait_for("FAIL: 6/8 checks passed")
        write_in_place(path, CORRECT)
        code, out, err = watch.finish()
    finally:
        watch.proc.kill()
    assert code == 0, err
    assert "\x1b[" not in out and "Traceback" not in err
    assert out.index("FAIL: 6/8") < out.index("PASS: 8/8") < out.index("Passed in ")
    assert gone_within() == []
    with Store.open(_isolated_home) as store:  # one attempt for the watch: its last report
        history = store.kata_history("softmax")
    assert [(a.status, a.passed, a.seed) for a in history] == [("pass", 8, 3)]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_ends_the_watch_and_its_grading_processes(tmp_path, signum):
    path = tmp_path / "softmax.py"
    path.write_text(NAIVE, encoding="utf-8")
    watch = Reader(path, "--no-record")
    try:
        watch.wait_for("FAIL: 6/8 checks passed")
        watch.proc.send_signal(signum)
        code, _, err = watch.finish()
    finally:
        watch.proc.kill()
    assert code == 128 + signum
    assert err.strip() == "kata: interrupted"
    assert gone_within() == []


# ---------------------------------------------------------------- a real terminal


class Tmux:
    """``kata watch`` in a tmux pane of a server of the test's own: 80x24, and an
    environment set here in full (nothing of the shell that started pytest)."""

    def __init__(self, tmp_path: Path, args: list[str]) -> None:
        self.socket = tmp_path / "tmux.sock"
        self.status_file = tmp_path / "exit-status"
        self.stty_file = tmp_path / "stty"  # the terminal's settings after kata watch ended
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "TERM": "xterm-256color",
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "KATA_HOME": os.environ["KATA_HOME"],
               "TMPDIR": os.environ["TMPDIR"]}  # fmt: skip
        command = (f"env -i {' '.join(shlex.quote(f'{k}={v}') for k, v in env.items())} "
                   f"{shlex.quote(sys.executable)} -m kata watch {' '.join(map(shlex.quote, args))}; "
                   f"echo $? > {shlex.quote(str(self.status_file))}; stty -a > {shlex.quote(str(self.stty_file))}; "
                   "sleep 600")
        self.tmux("new-session", "-d", "-s", "w", "-x", "80", "-y", "24", command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", str(self.socket), "-f", "/dev/null", *args], capture_output=True,
                              text=True, timeout=10, check=False,
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color",
                                   "LANG": "C.UTF-8"}).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "w")

    def wait_for(self, *texts: str) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            pane = self.screen()
            if all(text in pane for text in texts):
                return pane
            time.sleep(0.05)  # polling the pane, with a ceiling: not a synchronisation
        raise AssertionError(f"{texts} did not all show; the pane shows:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "w", *keys)

    def exit_status(self) -> int:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.status_file.exists() and self.status_file.read_text().strip():
                return int(self.status_file.read_text())
            time.sleep(0.05)
        raise AssertionError(f"kata watch did not exit; the pane shows:\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def tmux(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    made: list[Tmux] = []

    def start(*args: str) -> Tmux:
        made.append(Tmux(tmp_path, list(args)))
        return made[-1]

    yield start
    for term in made:
        term.close()


def test_in_a_terminal_hints_then_a_save_that_passes(tmp_path, tmux):
    path = tmp_path / "softmax.py"
    path.write_text(NAIVE, encoding="utf-8")
    term = tmux(str(path), "--seed", "3", "--no-record")
    pane = term.wait_for("FAIL: 6/8 checks passed", "h hint · q quit")
    assert pane.count("FAIL: 6/8") == 1  # the screen was cleared, not scrolled
    _fits(pane, path)
    term.keys("h")
    pane = term.wait_for("Hint 1/3")
    _fits(pane, path)
    term.keys("h")
    pane = term.wait_for("Hint 2/3")
    assert "Hint 3/3" not in pane
    write_renamed(path, CORRECT)
    pane = term.wait_for("PASS: 8/8 checks passed", "Passed in ")
    assert "FAIL: 6/8" not in pane and "Traceback" not in pane
    assert term.exit_status() == 0


def _fits(pane: str, path: Path) -> None:
    """The pane of 80x24 shows the report's head and a key line that did not wrap."""
    rows = pane.rstrip("\n").split("\n")
    # the header comes first, wrapped wherever the path's length (the test's folder) puts
    # the break, inside the path (no space to break at) or after it
    def squeezed(text: str) -> str:
        return "".join(text.split())

    assert squeezed("".join(rows[:3])).startswith(squeezed(f"{path}: softmax  (seed 3)")), pane
    keys = [n for n, row in enumerate(rows) if row.startswith("h hint · q quit")]
    assert len(keys) == 1, pane
    assert rows[keys[0]].rstrip().endswith("softmax.py"), pane  # the whole line: nothing wrapped after it
    assert all(not row.strip() for row in rows[keys[0] + 1:]), pane
    assert all(len(row) <= 80 for row in rows)


@pytest.mark.parametrize("key, status", [("q", 0), ("C-c", 130)], ids=["q", "ctrl-c"])
def test_in_a_terminal_q_or_ctrl_c_quits_and_gives_the_terminal_back(tmp_path, tmux, key, status):
    path = tmp_path / "softmax.py"
    path.write_text(NAIVE, encoding="utf-8")
    term = tmux(str(path), "--no-record")
    term.wait_for("FAIL: 6/8 checks passed", "q quit")
    term.keys(key)
    assert term.exit_status() == status
    assert gone_within() == []
    assert "Traceback" not in term.screen()
    deadline = time.monotonic() + WAIT
    while not (term.stty_file.exists() and "icanon" in term.stty_file.read_text()):
        assert time.monotonic() < deadline, "stty never ran"
        time.sleep(0.05)
    settings = term.stty_file.read_text().split()
    assert "icanon" in settings and "echo" in settings  # line editing and echo are back


def test_in_a_terminal_q_during_a_grade_that_loops_quits_without_waiting_for_it(tmp_path, tmux):
    """The grade runs apart from the keys: q ends it where it is. Had q waited for the
    grade, its report (a timeout) would be on the screen when kata exits."""
    path = tmp_path / "softmax.py"
    path.write_text("def softmax(x):\n    while True:\n        pass\n", encoding="utf-8")
    term = tmux(str(path), "--no-record", "--timeout", "60")
    term.wait_for("grading ", "q quit")
    term.keys("q")
    assert term.exit_status() == 0
    pane = term.screen()
    assert "grading " in pane and "TIMEOUT" not in pane and "checks passed" not in pane
    assert gone_within() == []


def test_closing_the_terminal_ends_the_watch_and_its_grading_processes(tmp_path, tmux):
    path = tmp_path / "softmax.py"
    path.write_text(NAIVE, encoding="utf-8")
    term = tmux(str(path), "--no-record")
    term.wait_for("FAIL: 6/8 checks passed")
    assert ours(), "the watch and its warm process run"
    term.close()  # the terminal goes away: SIGHUP
    assert gone_within() == []


def test_the_readme_says_how_often_the_file_is_looked_at():
    from kata import filewatch

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert filewatch.POLL_SECONDS == 0.1 and "ten times a second" in readme
    assert filewatch.RACY_SECONDS == 2.0 and "older than 2 s" in readme
