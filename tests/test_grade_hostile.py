"""`kata grade` and `kata check` on files and folders that strangers filled: every entry
is a row, nothing outside the folder is read, a gradebook is always written.

Each test builds its hostile folder at run time: secret files of its own, links to
them, to /proc and to the reference solutions, FIFOs, sparse files, undecodable names."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kata.paths import solutions_dir
from tests.test_grade import CORRECT, WRONG

SECRET = "TEACHER-TOKEN-" + os.urandom(6).hex()
FORMATS = {"json": "g.json", "csv": "g.csv", "junit": "g.xml"}


def kata(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kata", *args],
        capture_output=True, check=False, stdin=subprocess.DEVNULL, timeout=300, env=env,
    )


def grade_all_formats(root: Path, out: Path, *extra: str) -> dict[str, str]:
    """The gradebook of ``root`` in every format, as text; each run must end normally."""
    books = {}
    for fmt, name in FORMATS.items():
        proc = kata("grade", str(root), "--seed", "5", "--timeout", "4", "--out", str(out / name), *extra)
        stderr = proc.stderr.decode("utf-8")
        assert proc.returncode in (0, 1), stderr
        assert "Traceback" not in stderr and len(stderr.strip().splitlines()) <= 2, stderr
        books[fmt] = (out / name).read_bytes().decode("utf-8")  # valid UTF-8, or this raises
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    return books


def rows(books: dict[str, str]) -> dict[str, dict]:
    """id -> the JSON entry, after checking that CSV and JUnit have the same ids."""
    entries = {e["id"]: e for e in json.loads(books["json"])}
    csv_ids = [r["id"] for r in csv.DictReader(io.StringIO(books["csv"]))]
    junit_ids = [s.get("name") for s in ET.fromstring(books["junit"]).iter("testsuite")]
    assert sorted(entries) == sorted(_unquote(i) for i in csv_ids) == sorted(junit_ids)
    return entries


def _unquote(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def refused(entry: dict, reason: str) -> bool:
    error = entry.get("error") or {}
    return entry["status"] == "error" and error.get("kind") == "refused" and f"refused: {reason}" in error["message"]


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "teacher" / "config.toml"
    path.parent.mkdir()
    path.write_text(f"token = '{SECRET}'\n")
    path.chmod(0o600)
    return path


def test_symlinks_are_refused_rows_and_their_targets_are_never_read(tmp_path, out, secret):
    root = tmp_path / "class"
    for name in ("alice", "bob", "carol", "dave", "erin"):
        (root / name).mkdir(parents=True)
    (root / "bob" / "softmax.py").write_text(WRONG)
    (root / "alice" / "softmax.py").symlink_to("../bob/softmax.py")  # a classmate's file
    (root / "dave" / "softmax.py").symlink_to(solutions_dir() / "softmax.py")  # the reference
    (root / "carol" / "softmax.py").symlink_to(secret)  # the teacher's secret
    (root / "erin" / "softmax.py").symlink_to("/etc/shadow" if Path("/etc/shadow").exists() else "/etc/passwd")
    (root / "frank").symlink_to(solutions_dir(), target_is_directory=True)  # a folder that is a link
    (root / "gina.py").symlink_to(secret)  # at the top level
    books = grade_all_formats(root, out, "--kata", "softmax")
    entries = rows(books)
    assert set(entries) == {"alice", "bob", "carol", "dave", "erin", "frank", "gina.py"}
    assert entries["bob"]["status"] == "fail"
    for sid in ("alice", "carol", "dave", "erin", "frank", "gina.py"):
        assert refused(entries[sid], "symlink"), entries[sid]
        assert entries[sid]["checks"] == [] and entries[sid]["status"] != "pass"
    for text in books.values():
        assert SECRET not in text and "root:" not in text and "def softmax" not in text


def test_a_link_to_proc_is_refused_and_the_batch_completes(tmp_path, out):
    root = tmp_path / "class"
    (root / "ann").mkdir(parents=True)
    (root / "ann" / "softmax.py").write_text(CORRECT)
    (root / "procs").symlink_to("/proc", target_is_directory=True)
    entries = rows(grade_all_formats(root, out))
    assert entries["ann"]["status"] == "pass"
    assert refused(entries["procs"], "symlink")


def test_files_too_large_are_refused_before_they_are_read(tmp_path, out):
    root = tmp_path / "class"
    root.mkdir()
    with open(root / "sparse.py", "wb") as f:  # 30 GiB of nothing, on any file system
        f.truncate(30 << 30)
    (root / "statements.py").write_text("x = 1\n" * 520_000)  # under 1 MiB, far too many tokens
    (root / "ok.py").write_text(CORRECT)
    # The grader's own peak memory, measured by the kernel (the largest process reaped).
    probe = (
        "import resource, subprocess, sys; "
        f"p = subprocess.run([sys.executable, '-m', 'kata', 'grade', {str(root)!r}, '--out', {str(out / 'g.json')!r}]); "
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=300)
    code, peak_kib = map(int, done.stdout.split())
    assert code == 1, done.stderr
    assert peak_kib < 300 * 1024, f"{peak_kib} KiB"
    entries = {e["id"]: e for e in json.loads((out / "g.json").read_text())}
    assert refused(entries["sparse.py"], "too large") and "32212254720 bytes" in entries["sparse.py"]["error"]["message"]
    assert refused(entries["statements.py"], "too large")
    assert entries["ok.py"]["status"] == "pass"


def test_fifos_sockets_and_dangling_links_are_rows_not_hangs(tmp_path, out):
    import socket

    root = tmp_path / "class"
    (root / "hal").mkdir(parents=True)
    os.mkfifo(root / "pipe.py")
    os.mkfifo(root / "hal" / "softmax.py")  # the student's only .py file
    (root / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "sock.py"))
    (root / "ok.py").write_text(CORRECT)
    try:
        entries = rows(grade_all_formats(root, out))
    finally:
        server.close()
    assert refused(entries["pipe.py"], "not a regular file") and "FIFO" in entries["pipe.py"]["error"]["message"]
    assert refused(entries["sock.py"], "not a regular file")
    assert refused(entries["dangling.py"], "symlink")
    assert refused(entries["hal"], "symlink")  # its only .py file is not a regular file
    assert entries["ok.py"]["status"] == "pass"


def test_names_that_are_not_utf8_or_hold_control_characters(tmp_path, out):
    root = tmp_path / "class"
    root.mkdir()
    raw_root = os.fsencode(root)
    with open(raw_root + b"/\xff\xfe-x.py", "w") as f:
        f.write(CORRECT)
    os.mkdir(raw_root + b"/stud\xe9nt")
    with open(raw_root + b"/stud\xe9nt/softmax.py", "w") as f:
        f.write(WRONG)
    (root / "\x1b[2Jbell\x07.py").write_text(CORRECT)
    books = grade_all_formats(root, out)
    entries = rows(books)
    assert set(entries) == {"\\xff\\xfe-x.py", "stud\\xe9nt", "\\x1b[2Jbell\\x07.py"}
    assert entries["\\xff\\xfe-x.py"]["status"] == "pass" and entries["stud\\xe9nt"]["status"] == "fail"
    for text in books.values():
        assert "\x1b" not in text and "\x07" not in text


def test_cells_a_spreadsheet_would_run_are_neutralised(tmp_path, out):
    root = tmp_path / "class"
    root.mkdir()
    names = ["=HYPERLINK(1).py", "+cmd|x.py", "@SUM(1).py", "-x.py", "\uff1dx.py"]
    for name in names:
        (root / name).write_text(WRONG)
    books = grade_all_formats(root, out)
    cells = [r[0] for r in csv.reader(io.StringIO(books["csv"]))][1:]
    assert sorted(cells) == sorted("'" + n for n in names)
    assert all(not cell.startswith(("=", "+", "-", "@", "\uff1d")) for row in csv.reader(io.StringIO(books["csv"]))
               for cell in row)
    # Read back (merge, resume), the ids are the names again.
    merged = kata("merge", str(out / "g.csv"), "--format", "json")
    assert merged.returncode == 1, merged.stderr  # every one of them fails
    assert sorted(e["id"] for e in json.loads(merged.stdout)) == sorted(names)


def test_a_file_of_two_unrelated_katas_is_an_ambiguous_row_not_a_choice(tmp_path, out):
    root = tmp_path / "class"
    root.mkdir()
    (root / "two.py").write_text(
        CORRECT + "\ndef softmax_cross_entropy(logits, labels):\n    raise RuntimeError('broken')\n"
    )
    entries = rows(grade_all_formats(root, out))
    error = entries["two.py"]["error"]
    assert entries["two.py"]["status"] == "error" and error["kind"] == "ambiguous"
    assert "softmax" in error["message"] and "softmax-cross-entropy" in error["message"]
    check = kata("check", str(root / "two.py"), "--no-record")  # and kata check says the same
    assert check.returncode == 2 and b"several katas" in check.stderr


def test_junk_files_in_a_student_folder_are_not_parsed(tmp_path, out):
    root = tmp_path / "class"
    folder = root / "ivy"
    folder.mkdir(parents=True)
    for i in range(10):
        (folder / f"junk{i}.py").write_bytes(os.urandom(1 << 20))
    (folder / "zz_answer.py").write_text(CORRECT)
    entries = rows(grade_all_formats(root, out))
    assert entries["ivy"]["status"] == "pass" and entries["ivy"]["file"].endswith("zz_answer.py")


def test_an_empty_class_is_a_usage_error(tmp_path):
    root = tmp_path / "class"
    root.mkdir()
    (root / "notes.txt").write_text("nothing to grade")
    proc = kata("grade", str(root))
    assert proc.returncode == 2
    [line] = proc.stderr.decode().strip().splitlines()
    assert "no submissions" in line and str(root) in line


def test_kata_check_refuses_what_is_not_a_regular_file_at_once(tmp_path):
    os.mkfifo(tmp_path / "fifo.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    for name, what in (("fifo.py", b"FIFO"), ("zero.py", b"a device")):
        proc = kata("check", str(tmp_path / name), "--no-record")
        assert proc.returncode == 2 and what in proc.stderr and b"Traceback" not in proc.stderr
    assert not list(Path(os.environ["TMPDIR"]).glob("kata-run-*"))  # nothing left behind


def test_kata_check_reports_a_syntax_error_whatever_the_file_is_named(tmp_path):
    path = tmp_path / "attempt.py"
    path.write_text("x = (\n")
    proc = kata("check", str(path), "--no-record", "--json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["status"] == "error" and report["error"]["kind"] == "syntax"
    assert "line 1" in report["error"]["message"]
    path.write_text("import numpy as np\n\ndef softmax(x):\n    return np.exp(x\n")  # says what it means
    report = json.loads(kata("check", str(path), "--no-record", "--json").stdout)
    assert report["kata"] == "softmax" and report["error"]["kind"] == "syntax"
    assert all(c["status"] == "skipped" for c in report["checks"])


def test_kata_check_on_a_terminal_that_cannot_show_the_output(tmp_path):
    path = tmp_path / "softmax.py"
    path.write_text("print('h\u00e9llo \u2713 \u4e2d')\n" + CORRECT)
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    proc = kata("check", str(path), "--no-record", env=env)
    assert proc.returncode == 0, proc.stderr
    assert b"\\xe9" in proc.stdout and b"PASS" in proc.stdout
