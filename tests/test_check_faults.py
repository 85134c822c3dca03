"""`kata check` stopped by a signal: the child is ended and its folder removed at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import gone_within

LOOP = "def softmax(x):\n    while True:\n        pass\n"


def running_check(path: Path) -> subprocess.Popen[str]:
    """kata check on a looping file, with a budget far beyond the test's: only the signal
    can end it. Returns once its child is at work (its run folder has appeared)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kata", "check", str(path), "--no-record", "--timeout", "600"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    runs = Path(os.environ["TMPDIR"])
    deadline = time.monotonic() + 120
    while not list(runs.glob("kata-run-*/scratch")) and proc.poll() is None:
        assert time.monotonic() < deadline, "kata check never started its child"
        time.sleep(0.02)
    return proc


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_ends_the_child_and_removes_its_folder(tmp_path, sig):
    path = tmp_path / "softmax.py"
    path.write_text(LOOP)
    proc = running_check(path)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert err.strip().splitlines()[-1] == "kata: interrupted" and "Traceback" not in err
    assert gone_within() == [], "the child outlived kata check"
    assert list(Path(os.environ["TMPDIR"]).iterdir()) == []
