"""The wheel ships the banks, solutions, statements and starters, and an installed
kata finds them from any directory (not only from a source checkout)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_the_data_and_finds_it_from_elsewhere(tmp_path):
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("kata-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(site)
    for bank in (ROOT / "questions").glob("*.yaml"):
        assert f"kata/_data/questions/{bank.name}" in names
    for solution in (ROOT / "solutions").glob("*.py"):
        assert f"kata/_data/solutions/{solution.name}" in names
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site), KATA_HOME=str(tmp_path / "home"))
    code = (
        "import kata, kata.paths, sys; from kata.cli import main; "
        f"assert kata.__file__.startswith({str(site)!r}), kata.__file__; "
        "assert '_data' in str(kata.paths.questions_dir()); "
        "sys.exit(main(['validate']) or main(['show', 'softmax', '--solution']))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "banks" in proc.stdout and "questions: OK" in proc.stdout
    assert "def softmax" in proc.stdout
