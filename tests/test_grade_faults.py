"""`kata grade` when the process is killed, the disk is full or read-only, or the
gradebook to continue is not one: nothing finished is lost, nothing is left running or
lying about, and every refusal is one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import gone_within, in_own_mount
from tests.test_grade import CORRECT, WRONG

LOOP = "def softmax(x):\n    while True:\n        pass\n"
# Never returns, like LOOP, but leaves the cores to the rest of the suite while it waits
# for its budget to run out.
SLEEPER = "import time\n\ndef softmax(x):\n    while True:\n        time.sleep(1)\n"


def kata(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kata", *args], capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL, timeout=300, **kwargs)


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kata", "grade", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def journalled(out: Path) -> list[dict]:
    path = out.with_name(f".{out.name}.journal")
    if not path.exists():
        return []
    return [json.loads(line)["entry"] for line in path.read_text().splitlines() if line.endswith("}")]


def wait_until(condition, what: str, ceiling: float = 120.0) -> None:
    deadline = time.monotonic() + ceiling
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


@pytest.fixture
def loopy(tmp_path) -> Path:
    """Two quick submissions, then two that keep the batch busy until their budget ends."""
    root = tmp_path / "class"
    root.mkdir()
    (root / "a.py").write_text(CORRECT)
    (root / "b.py").write_text(WRONG)
    for i in range(2):
        (root / f"loop{i}.py").write_text(SLEEPER)
    return root


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_killed_batch_keeps_what_it_finished_and_resume_redoes_only_the_rest(loopy, tmp_path, sig):
    out = tmp_path / "grades.json"
    args = (str(loopy), "--out", str(out), "-j", "1", "--seed", "4", "--timeout", "2")
    proc = start(*args)
    wait_until(lambda: {e["id"] for e in journalled(out)} >= {"a.py", "b.py"}, "the first entries were journalled")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == (-sig if sig == signal.SIGKILL else 128 + sig), err
    assert "Traceback" not in err
    assert gone_within() == [], "grading processes outlived the batch"
    assert not list(Path(os.environ["TMPDIR"]).iterdir()), "folders were left behind"
    if sig != signal.SIGKILL:  # handled: the gradebook holds what was finished
        assert {e["id"] for e in json.loads(out.read_text())} >= {"a.py", "b.py"}
        assert "--resume" in err
    done = kata("grade", *args, "--resume")
    assert done.returncode == 1, done.stderr
    entries = {e["id"]: e for e in json.loads(out.read_text())}
    assert set(entries) == {"a.py", "b.py", "loop0.py", "loop1.py"}
    assert entries["a.py"]["status"] == "pass" and entries["b.py"]["status"] == "fail"
    assert "unchanged and kept" in done.stderr
    kept = int(done.stderr.split(" unchanged and kept")[0].rsplit(" ", 1)[1])
    assert kept >= 2  # a.py and b.py were not graded again
    assert not out.with_name(f".{out.name}.journal").exists()


def test_resume_regrades_what_was_graded_another_way_and_says_why(tmp_path):
    root = tmp_path / "class"
    root.mkdir()
    (root / "a.py").write_text(CORRECT)
    (root / "b.py").write_text(WRONG)
    out = tmp_path / "grades.json"
    assert kata("grade", str(root), "--out", str(out), "--seed", "1").returncode == 1
    same = kata("grade", str(root), "--out", str(out), "--resume")  # the seed comes from the gradebook
    assert "0 graded, 2 unchanged and kept" in same.stderr and "(seed 1)" in same.stderr
    # One thing changed at a time, each against the run before it.
    for extra, why in ((["--seed", "2"], "the seed differs (1 then, 2 now)"),
                       (["--seed", "2", "--timeout", "7"], "--timeout differs (10.0 then, 7.0 now)"),
                       (["--seed", "2", "--timeout", "7", "--kata", "softmax"], "--kata differs ('auto' then"),
                       (["--seed", "2", "--timeout", "7", "--kata", "softmax", "--memory", "2048"],
                        "--memory differs (1024 then, 2048 now)")):
        proc = kata("grade", str(root), "--out", str(out), "--resume", *extra)
        assert "2 graded, 0 unchanged" in proc.stderr, proc.stderr
        assert why in proc.stderr, proc.stderr
        entries = json.loads(out.read_text())
        assert all(e["run"]["seed"] == 2 for e in entries)


@pytest.mark.parametrize("content", [b"", b"null", b'{"a": 1}', b"\xff\xfe not text", b'[{"id": "x"}]',
                                     b'[{"id": "x", "status": "pass", "checks": "all"}]', b"[1, 2]"])
def test_a_bad_gradebook_to_resume_or_merge_is_one_line(tmp_path, content):
    root = tmp_path / "class"
    root.mkdir()
    (root / "a.py").write_text(CORRECT)
    out = tmp_path / "grades.json"
    out.write_bytes(content)
    for proc in (kata("grade", str(root), "--out", str(out), "--resume"), kata("merge", str(out))):
        assert proc.returncode == 2, proc.stderr
        [line] = proc.stderr.strip().splitlines()
        assert str(out) in line and "Traceback" not in line
    assert out.read_bytes() == content  # never overwritten


@pytest.mark.parametrize("mount, why", [("-o size=64k", "the disk is full"),
                                        ("-o ro", "the file system is read-only")])
def test_an_out_that_cannot_be_written_is_refused_before_grading(tmp_path, mount, why):
    root = tmp_path / "class"
    root.mkdir()
    (root / "loop.py").write_text(LOOP)  # would take the whole budget: it must never start
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    kata_cmd = f"{sys.executable} -m kata grade {root} --out {mnt}/grades.json --timeout 60"
    proc = in_own_mount(f"mount -t tmpfs {mount} tmpfs {mnt} && {kata_cmd}; echo status=$?; ls -a {mnt}")
    assert "status=2" in proc.stdout, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert why in line and "--out" in line
    assert ".tmp" not in proc.stdout  # nothing left in the folder


def test_an_out_that_is_a_folder_is_refused_before_grading(tmp_path):
    root = tmp_path / "class"
    root.mkdir()
    (root / "a.py").write_text(CORRECT)
    (tmp_path / "grades.json").mkdir()
    proc = kata("grade", str(root), "--out", str(tmp_path / "grades.json"))
    assert proc.returncode == 2
    assert "is a folder" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_change_to_the_harness_makes_earlier_verdicts_stale(tmp_path):
    """The checks are written with kata.harness: its code is part of the fingerprint
    that --resume compares, as the runner's and the katas' are."""
    import shutil

    root = Path(__file__).resolve().parents[1]
    copy = tmp_path / "kata"
    shutil.copytree(root / "kata", copy, ignore=shutil.ignore_patterns("__pycache__"))

    def version() -> str:
        run = subprocess.run([sys.executable, "-c", "from kata.grader.journal import checks_version; "
                              "print(checks_version())"], cwd=tmp_path, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(tmp_path)}, timeout=120)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    before = version()
    standard = copy / "harness" / "standard.py"
    standard.write_text(standard.read_text(encoding="utf-8") + "\n# a changed check\n", encoding="utf-8")
    assert version() != before
