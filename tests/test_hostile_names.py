"""File names come from students: a name holding escape sequences, a bell, a carriage
return or a bidirectional override reaches the terminal escaped in every message that
quotes it, never raw (the report's header already was)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "softmax.py"
# ESC (a title change and a colour), BEL, CR and U+202E (right-to-left override).
HOSTILE = "e\x1b]0;PWN\x07\x1b[41m\rx\u202e"
RAW = ("\x1b", "\x07", "\r", "\u202e")


def kata(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kata", *args], capture_output=True, text=True, cwd=cwd,
        stdin=subprocess.DEVNULL, timeout=120, encoding="utf-8",
    )


def assert_escaped(text: str) -> None:
    for char in RAW:
        assert char not in text, (char, text)


def test_check_names_a_hostile_file_escaped(tmp_path):
    name = HOSTILE + "softmax.py"
    shutil.copy(SOLUTION, tmp_path / name)
    proc = kata("check", name, "--no-record", "--data-dir", str(tmp_path / "home"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "checking e\\x1b]0;PWN\\x07\\x1b[41m\\x0dx\\u202esoftmax.py as `softmax`" in proc.stderr
    assert_escaped(proc.stderr)
    assert_escaped(proc.stdout)


def test_a_missing_hostile_file_is_named_escaped(tmp_path):
    proc = kata("check", HOSTILE + ".py", "--no-record", cwd=tmp_path)
    assert proc.returncode == 2
    assert "\\x1b]0;PWN" in proc.stderr and "\\u202e" in proc.stderr
    assert_escaped(proc.stderr)


def test_check_out_into_a_hostile_missing_folder_is_named_escaped(tmp_path):
    shutil.copy(SOLUTION, tmp_path / "softmax.py")
    proc = kata("check", "softmax.py", "--no-record", "--out", f"{HOSTILE}/r.json", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "\\x1b]0;PWN" in proc.stderr
    assert_escaped(proc.stderr)


def test_grade_and_its_manifest_name_hostile_files_escaped(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copy(SOLUTION, folder / (HOSTILE + ".py"))
    manifest = HOSTILE + "m.json"
    wrote = kata("grade", "subs", "--kata", "softmax", "--write-manifest", manifest, cwd=tmp_path)
    assert wrote.returncode == 0, wrote.stderr
    assert "wrote e\\x1b]0;PWN" in wrote.stderr
    assert_escaped(wrote.stderr)
    graded = kata("grade", "subs", "--kata", "softmax", "--format", "csv", "--out", HOSTILE + "/g.csv",
                  cwd=tmp_path)
    assert graded.returncode == 2, graded.stderr
    assert "\\x1b]0;PWN" in graded.stderr
    assert_escaped(graded.stderr)


def test_a_bad_argument_is_shown_escaped(tmp_path):
    proc = kata("check", "x.py", HOSTILE, cwd=tmp_path)  # argparse quotes unrecognized arguments raw
    assert proc.returncode == 2
    assert "\\x1b]0;PWN" in proc.stderr
    assert_escaped(proc.stderr)


@pytest.mark.parametrize("where", ["out", "bank"])
def test_export_anki_names_hostile_files_escaped(tmp_path, where):
    bank = tmp_path / ((HOSTILE + "b") if where == "bank" else "b")
    shutil.copy(ROOT / "questions" / "activations.yaml", tmp_path / "activations.yaml")
    out = (HOSTILE + "a.apkg") if where == "out" else "a.apkg"
    args = ["export", "anki", "--out", out, "--bank", "activations.yaml" if where == "out" else bank.name]
    if where == "bank":
        bank.mkdir()  # a folder without banks: refused, and named
    proc = kata(*args, cwd=tmp_path)
    assert proc.returncode == (0 if where == "out" else 2), proc.stderr
    said = proc.stdout + proc.stderr
    assert "e\\x1b]0;PWN\\x07" in said
    assert_escaped(said)
