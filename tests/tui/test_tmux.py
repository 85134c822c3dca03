"""The installed `kata` command in a real terminal: tmux sends keys and reads the pane."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

TIMEOUT = 20.0


class Terminal:
    def __init__(self, tmp_path, home) -> None:
        self.socket = f"kata-test-{uuid.uuid4().hex[:8]}"
        self.session = "kata"
        self.status_file = tmp_path / "exit-status"
        command = (
            f"KATA_HOME={shlex.quote(str(home))} {shlex.quote(sys.executable)} -m kata; "
            f"echo $? > {shlex.quote(str(self.status_file))}"
        )
        self.tmux("new-session", "-d", "-s", self.session, "-x", "120", "-y", "40", command)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env={**os.environ, "TERM": "xterm-256color"},
        )
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, *texts: str) -> str:
        """Poll the pane until one of ``texts`` shows; return the pane."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            pane = self.screen()
            if any(text in pane for text in texts):
                return pane
            time.sleep(0.1)
        raise AssertionError(f"none of {texts} appeared; the pane shows:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def exit_status(self) -> int:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.status_file.exists() and self.status_file.read_text().strip():
                return int(self.status_file.read_text())
            time.sleep(0.1)
        raise AssertionError(f"kata did not exit; the pane shows:\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server")


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(tmp_path, os.environ["KATA_HOME"])  # the autouse fixture's home
    yield term
    term.close()


def test_one_quiz_answer_and_one_kata_check_then_quit(terminal):
    terminal.wait_for("Recent activity")
    terminal.keys("1")
    pane = terminal.wait_for("1/10")
    if "Type your answer" in pane:
        terminal.keys("1", "Enter")
    elif "Reveal (space)" in pane:
        terminal.keys("Space")
        terminal.wait_for("Good")
        terminal.keys("3")
    elif "Submit (s)" in pane:
        terminal.keys("1", "s")
    else:
        terminal.keys("1")
    pane = terminal.wait_for("✓ Right", "✗ Wrong", "◐ Partly right")
    assert "score" in pane
    terminal.keys("Escape")
    terminal.wait_for("Recent activity")
    terminal.keys("2")
    terminal.wait_for("Pick a kata")
    terminal.keys("Enter")
    terminal.wait_for("Run examples")
    terminal.keys("C-r")
    pane = terminal.wait_for("checks passed")
    assert "example-1" in pane and "✗" in pane
    terminal.keys("C-q")
    assert terminal.exit_status() == 0
