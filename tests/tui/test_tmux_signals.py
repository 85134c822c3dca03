"""The real app in a real terminal, stopped right after typing: SIGHUP, SIGTERM or the
terminal closing. The file on disk holds what was typed, no traceback shows, and a
grade that was running is ended with its child and its folder."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from kata.exercises import get_kata
from kata.workspace import workspace_file
from tests.tui.test_tmux import TIMEOUT, Terminal

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")

TYPED = "# typed just before the end"


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> set[int]:
    seen, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def app_pid(term: Terminal) -> int:
    """The app's process: the pane's shell runs ``env -i ... python -m kata``, and env
    becomes python."""
    shell = int(term.tmux("display-message", "-p", "-t", term.session, "#{pane_pid}").strip())
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        for child in children(shell):
            if "kata" in Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace"):
                return child
        time.sleep(0.05)
    raise AssertionError("the app's process was not found")


def open_softmax(term: Terminal) -> None:
    term.wait_for("Recent activity")
    term.keys("2")
    term.wait_for("Pick a kata")
    term.keys("Enter")
    term.wait_for("Run examples")


def type_text(term: Terminal) -> None:
    """Type a line and wait until the editor shows it: the app has the keys."""
    term.keys("Enter")
    term.tmux("send-keys", "-t", term.session, "-l", TYPED)
    term.wait_for(TYPED)


def wait_gone(pid: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while alive(pid):
        if time.monotonic() > deadline:
            raise AssertionError(f"process {pid} still runs")
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_signal_right_after_typing_saves_the_editor_and_exits_cleanly(tmp_path, signum):
    home = tmp_path / "home"
    home.mkdir()
    term = Terminal(tmp_path, home, hold=True)
    try:
        open_softmax(term)
        pid = app_pid(term)
        type_text(term)
        os.kill(pid, signum)
        status = term.exit_status()
        pane = term.screen()
    finally:
        term.close()
    assert status == 128 + signum
    assert TYPED in workspace_file(get_kata("softmax"), str(home)).read_text()
    assert "Traceback" not in pane and "Error" not in pane


def test_closing_the_terminal_right_after_typing_saves_the_editor(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    term = Terminal(tmp_path, home)
    try:
        open_softmax(term)
        pid = app_pid(term)
        type_text(term)
    finally:
        term.close()  # the terminal goes away: the app gets SIGHUP
    wait_gone(pid)
    assert TYPED in workspace_file(get_kata("softmax"), str(home)).read_text()


def test_stopping_the_app_while_it_grades_ends_the_grading_child_and_its_folder(tmp_path):
    home = tmp_path / "home"
    runs = tmp_path / "runs"
    runs.mkdir()
    path = workspace_file(get_kata("softmax"), str(home))
    path.parent.mkdir(parents=True)
    path.write_text("def softmax(x):\n    while True:\n        pass\n")
    term = Terminal(tmp_path, home, hold=True, env={"TMPDIR": str(runs)})
    try:
        open_softmax(term)
        pid = app_pid(term)
        term.keys("C-s")
        deadline = time.monotonic() + TIMEOUT
        while not any(n.startswith("kata-run-") for n in os.listdir(runs)) or not descendants(pid):
            assert time.monotonic() < deadline, "grading did not start"
            time.sleep(0.05)
        grading = descendants(pid)
        os.kill(pid, signal.SIGTERM)
        status = term.exit_status()
        pane = term.screen()
    finally:
        term.close()
    assert status == 128 + signal.SIGTERM
    assert not [p for p in grading if alive(p)], "a grading process outlived the app"
    assert not [n for n in os.listdir(runs) if n.startswith("kata-run-")]
    assert "Traceback" not in pane
