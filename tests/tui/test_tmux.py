"""The installed `kata` command in a real terminal: tmux sends keys and reads the pane."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kata.store import Store
from kata.tui.screens.quiz import BANKS_SETTING

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

TIMEOUT = 20.0


class Terminal:
    def __init__(self, tmp_path, home, *, hold: bool = False, env: dict[str, str] | None = None) -> None:
        """``hold``: the pane stays after kata exits, to read what it printed; ``env``:
        more of the app's environment (TMPDIR, say)."""
        self.socket = tmp_path / "tmux.sock"  # a server of its own, not the user's
        self.session = "kata"
        self.status_file = tmp_path / "exit-status"
        # The app's whole environment is set here, so nothing of the shell that started
        # pytest (COLUMNS, LINES, TERM, locale, KATA_*) reaches it.
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TERM": "xterm-256color",
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "KATA_HOME": str(home), **(env or {})}  # fmt: skip
        command = (
            f"env -i {' '.join(shlex.quote(f'{k}={v}') for k, v in env.items())} "
            f"{shlex.quote(sys.executable)} -m kata; echo $? > {shlex.quote(str(self.status_file))}"
            + ("; sleep 600" if hold else "")
        )
        self.tmux("new-session", "-d", "-s", self.session, "-x", "120", "-y", "40", command)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color", "LANG": "C.UTF-8"},
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


BANK = """\
bank: tmux-test
title: {en: One question, zh: 一道题}
questions:
  - id: tmux-sigmoid-range
    type: true-false
    difficulty: 1
    prompt:
      en: Sigmoid maps every real number into the open interval (0, 1).
      zh: sigmoid 把每个实数映射到开区间 (0, 1) 内。
    answer: true
    explanation:
      en: 1 / (1 + e^-x) is strictly between 0 and 1 for every finite x.
      zh: 对任意有限的 x，1 / (1 + e^-x) 都严格介于 0 和 1 之间。
"""


@pytest.fixture
def terminal(tmp_path):
    home = Path(os.environ["KATA_HOME"])  # the autouse fixture's home
    (home / "banks").mkdir(parents=True, exist_ok=True)
    (home / "banks" / "tmux-test.yaml").write_text(BANK, encoding="utf-8")
    with Store.open(home) as store:  # the quiz draws from this bank only, as if chosen before
        store.set_setting(BANKS_SETTING, ["tmux-test"])
    term = Terminal(tmp_path, home)
    yield term
    term.close()


def test_one_quiz_answer_and_one_kata_check_then_quit(terminal):
    terminal.wait_for("Recent activity")
    terminal.keys("1")
    terminal.wait_for("open interval (0, 1)")
    pane = terminal.wait_for("1/1")
    terminal.keys("1")  # True
    pane = terminal.wait_for("✓ Right")
    assert "score 1/1" in pane
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


def test_a_store_that_cannot_be_opened_is_one_line_and_a_failing_exit(tmp_path):
    """A real terminal: the app never starts on a progress file it cannot use, and never
    shows a traceback; it says what is wrong and exits non-zero."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.sqlite3").write_bytes(b"")  # emptied: the progress it held is gone
    term = Terminal(tmp_path, home, hold=True)
    try:
        status = term.exit_status()
        pane = term.screen()
    finally:
        term.close()
    assert status == 1
    assert "is empty (0 bytes)" in pane and "Traceback" not in pane
