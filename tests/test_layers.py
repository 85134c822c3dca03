"""The house's layer rules, as import-linter contracts in pyproject.toml.

A rule in a comment erodes; these run with the suite. The second test makes sure the
rules themselves stay: removing a contract from pyproject.toml fails it, and the third
shows the linter really catches a forbidden import (so the first test can fail)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint(cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    linter = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(linter), "--no-cache", "pyproject.toml"], cwd=cwd, capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL, env=env,
    )


def test_every_layer_contract_is_kept():
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BROKEN" not in run.stdout


def test_the_rules_are_all_there():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    core = next(c for c in contracts if c["type"] == "forbidden" and len(c["source_modules"]) > 1)
    forbidden = {c["source_modules"][0]: set(c["forbidden_modules"])
                 for c in contracts if c["type"] == "forbidden" and len(c["source_modules"]) == 1}
    forbidden["core"] = set(core["forbidden_modules"])
    assert {"textual", "kata.tui"} <= forbidden["core"]
    assert {"kata.grader", "kata.exercises"} <= forbidden["kata.harness"]
    assert {"kata.exercises"} <= forbidden["kata.grader"]
    assert {"kata.grader"} <= forbidden["kata.exercises"]
    assert {"kata.harness", "kata.grader", "kata.exercises", "kata.quiz", "kata.store"} <= set(core["source_modules"])
    anki = next(c for c in contracts if c["forbidden_modules"] == ["genanki"])  # only the deck export loads it
    assert {"kata.tui", "kata.grader", "kata.quiz.session"} <= set(anki["source_modules"])


def test_a_forbidden_import_is_caught(tmp_path):
    """A copy of the package where the runner reaches into the katas breaks a contract."""
    shutil.copytree(ROOT / "kata", tmp_path / "kata", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    spy = tmp_path / "kata" / "grader" / "katas.py"
    spy.write_text(spy.read_text() + "\n\ndef _cheat():\n    import kata.exercises  # noqa: F401\n")
    run = _lint(tmp_path, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert run.returncode != 0
    assert "kata.grader is not allowed to import kata.exercises" in run.stdout
