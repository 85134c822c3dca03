"""Shared fixtures: every test gets its own data directory, never the real one."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("kata-home")
    monkeypatch.setenv("KATA_HOME", str(home))
    monkeypatch.delenv("KATA_DEBUG", raising=False)
    return home


def _alive(pid: int) -> bool:
    """Running or sleeping; a zombie waiting to be reaped counts as gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.fixture
def assert_process_gone() -> Callable[[Path], None]:
    """Waits for a process to write its pid to a file, then asserts it ends within 5 s."""

    def check(pid_file: Path) -> None:
        deadline = time.monotonic() + 5
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = int(pid_file.read_text())
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid), f"process {pid} outlived the grading"

    return check
