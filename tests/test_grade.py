"""`kata grade` and `kata merge`: discovery, gradebook formats, shards, resume, exit codes."""

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

import kata.exercises as catalog
from kata.errors import UsageError
from tests.conftest import stray_process_code
from kata.grader import gradebook
from kata.grader.batch import Submission, discover, parse_shard, shard

CORRECT = """import numpy as np

def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""
WRONG = "def softmax(x):\n    return x\n"
NAIVE = "import numpy as np\n\ndef softmax(x):\n    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)\n"
HOSTILE = (
    "def softmax(x):\n"
    "    raise ValueError('bad \\x00\\x01\\x1b[31m ]]></failure><x a=\"&\"> \\ud800 end')\n"
)


def kata(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kata", *args],
        capture_output=True, text=True, cwd=cwd, check=False, stdin=subprocess.DEVNULL, timeout=300,
    )


@pytest.fixture
def simple(tmp_path) -> Path:
    """Deterministic submissions only: loose files, student folders, a syntax error."""
    root = tmp_path / "class"
    root.mkdir()
    (root / "ann.py").write_text(CORRECT)
    (root / "ben.py").write_text(WRONG)
    (root / "cat.py").write_text(NAIVE)
    (root / "dan.py").write_text("def softmax(x:\n")
    (root / "notes.txt").write_text("not a submission")
    alice = root / "alice"
    alice.mkdir()
    (alice / "helpers.py").write_text("def norm(x):\n    return x\n")
    (alice / "answer.py").write_text(CORRECT)
    bob = root / "bob"
    (bob / "src").mkdir(parents=True)
    (bob / "src" / "mine.py").write_text(WRONG)
    (root / "empty").mkdir()
    (root / ".git").mkdir()
    return root


def grade_json(*args: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    proc = kata("grade", *args, "--format", "json", "--timeout", "4")
    return proc, json.loads(proc.stdout) if proc.stdout else []


def stable(entries: list[dict]) -> list[tuple]:
    return [
        (e["id"], e["kata"], e["status"], e["seed"], e.get("sha256"), tuple((c["id"], c["status"]) for c in e["checks"]))
        for e in entries
    ]


def test_discovery_ids_student_folders_and_order(simple):
    found = discover([simple], catalog, hashes=True)
    subs = found.submissions
    assert [s.id for s in subs] == ["alice", "ann.py", "ben.py", "bob", "cat.py", "dan.py", "empty"]
    by_id = {s.id: s for s in subs}
    assert by_id["alice"].parts[-1] == "answer.py"  # the file that defines a kata function
    assert by_id["bob"].parts[-1] == "mine.py"  # the only .py file, however deep
    assert not by_id["empty"].gradable and "no .py file" in by_id["empty"].problem
    assert len(by_id["ann.py"].sha256) == 64
    assert found.skipped == 2  # notes.txt and .git, counted, not graded


def test_json_gradebook_statuses_and_reports(simple):
    proc, entries = grade_json(str(simple), "--seed", "3")
    assert proc.returncode == 1, proc.stderr
    by_id = {e["id"]: e for e in entries}
    assert [e["id"] for e in entries] == sorted(by_id)
    assert by_id["ann.py"]["status"] == "pass" and by_id["alice"]["status"] == "pass"
    assert by_id["ben.py"]["status"] == "fail" and by_id["bob"]["status"] == "fail"
    assert by_id["dan.py"]["error"]["kind"] == "syntax"
    assert by_id["empty"]["error"]["kind"] == "missing-function"
    overflow = {c["id"]: c for c in by_id["cat.py"]["checks"]}["overflow"]
    assert overflow["status"] == "fail" and overflow["message"]
    assert all(e["seed"] == 3 for e in entries)
    assert {"kata", "status", "checks", "error", "seed", "output", "duration_ms", "sha256"} <= set(entries[0])


def test_csv_gradebook_parses_back(simple, tmp_path):
    out = tmp_path / "grades.csv"
    proc = kata("grade", str(simple), "--seed", "3", "--out", str(out), "--kata", "softmax")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    by_id = {r["id"]: r for r in rows}
    assert list(rows[0])[:4] == ["id", "kata", "status", "score"]
    assert {"basic", "overflow", "hand-written", "duration_ms", "sha256"} <= set(rows[0])
    assert by_id["ann.py"]["score"] == "1" and by_id["ann.py"]["basic"] == "pass"
    assert by_id["cat.py"]["overflow"] == "fail" and 0 < float(by_id["cat.py"]["score"]) < 1
    assert by_id["dan.py"]["status"] == "error" and by_id["dan.py"]["error"] == "syntax"
    assert all(r["duration_ms"].isdigit() for r in rows)


def test_junit_is_valid_xml_even_for_hostile_messages(tmp_path):
    root = tmp_path / "subs"
    root.mkdir()
    (root / "evil.py").write_text(HOSTILE)
    (root / "good.py").write_text(CORRECT)
    (root / "loud.py").write_text("print('\\x07\\x00 <![CDATA[ ]]>')\n" + WRONG)
    out = tmp_path / "report.xml"
    proc = kata("grade", str(root), "--seed", "1", "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    tree = ET.parse(out)  # the suffix chose junit
    suites = {s.get("name"): s for s in tree.getroot().iter("testsuite")}
    assert set(suites) == {"evil.py", "good.py", "loud.py"}
    good = suites["good.py"]
    assert good.get("failures") == "0" and good.get("errors") == "0"
    assert len(good.findall("testcase")) == 8
    props = {p.get("name"): p.get("value") for p in good.iter("property")}
    assert props["kata"] == "softmax" and len(props["sha256"]) == 64
    evil = suites["evil.py"]
    failures = [c.find("failure") for c in evil.findall("testcase") if c.find("failure") is not None]
    assert failures and any("]]></failure>" in (f.text or "") for f in failures)
    assert int(tree.getroot().get("tests")) == sum(int(s.get("tests")) for s in suites.values())
    # and it reads back into entries
    entries = gradebook.read(out.read_text())
    assert {e.id: e.status for e in entries}["good.py"] == "pass"


def test_shards_partition_and_merge_equals_the_unsharded_run(simple, tmp_path):
    proc, whole = grade_json(str(simple), "--seed", "11", "-j", "2")
    assert proc.returncode == 1
    parts, ids = [], []
    for i in (1, 2, 3):
        out = tmp_path / f"part{i}.json"
        proc = kata("grade", str(simple), "--seed", "11", "--shard", f"{i}/3", "--out", str(out), "--timeout", "4")
        assert proc.returncode in (0, 1), proc.stderr
        part = json.loads(out.read_text())
        ids.append({e["id"] for e in part})
        parts.append(str(out))
    assert set.union(*ids) == {e["id"] for e in whole}
    assert sum(len(s) for s in ids) == len(whole)  # disjoint
    merged = kata("merge", *parts, "--format", "json")
    assert merged.returncode == 1, merged.stderr
    assert stable(json.loads(merged.stdout)) == stable(whole)
    as_csv = kata("merge", *parts, "--out", str(tmp_path / "all.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "all.csv").read_text())))
    assert as_csv.returncode == 1 and [r["id"] for r in rows] == [e["id"] for e in whole]


def test_resume_regrades_changed_files_and_keeps_unchanged_ones(tmp_path):
    root = tmp_path / "subs"
    root.mkdir()
    (root / "a.py").write_text(CORRECT)
    (root / "b.py").write_text(WRONG)
    out = tmp_path / "grades.json"
    assert kata("grade", str(root), "--seed", "2", "--out", str(out)).returncode == 1
    first = json.loads(out.read_text())
    for entry in first:
        entry["output"] = "KEPT"  # a mark that survives only if the entry is reused
    out.write_text(json.dumps(first))
    (root / "b.py").write_text(CORRECT + "\n# fixed\n")
    (root / "c.py").write_text(CORRECT)
    proc = kata("grade", str(root), "--seed", "2", "--out", str(out), "--resume")
    assert proc.returncode == 0, proc.stderr
    assert "2 graded, 1 unchanged" in proc.stderr
    again = {e["id"]: e for e in json.loads(out.read_text())}
    assert again["a.py"]["output"] == "KEPT"
    assert again["b.py"]["output"] != "KEPT" and again["b.py"]["status"] == "pass"
    assert again["c.py"]["status"] == "pass"


def test_resume_works_with_csv_gradebooks(tmp_path):
    root = tmp_path / "subs"
    root.mkdir()
    (root / "a.py").write_text(CORRECT)
    out = tmp_path / "grades.csv"
    assert kata("grade", str(root), "--out", str(out)).returncode == 0
    proc = kata("grade", str(root), "--out", str(out), "--resume")
    assert proc.returncode == 0 and "0 graded, 1 unchanged" in proc.stderr


def test_a_mixed_batch_completes_with_the_right_statuses(tmp_path):
    root = tmp_path / "mixed"
    root.mkdir()
    (root / "correct.py").write_text(CORRECT)
    (root / "wrong.py").write_text(WRONG)
    (root / "segv.py").write_text("import ctypes\ndef softmax(x):\n    ctypes.string_at(0)\n")
    (root / "segv_import.py").write_text("import ctypes\nctypes.string_at(0)\ndef softmax(x):\n    return x\n")
    (root / "loop.py").write_text("def softmax(x):\n    while True:\n        pass\n")
    (root / "hog.py").write_text("hog = bytearray(8 * 1024**3)\ndef softmax(x):\n    return x\n")
    (root / "hog_call.py").write_text(
        "import numpy as np\ndef softmax(x):\n    b = []\n    while True:\n        b.append(np.ones(50_000_000))\n"
    )
    (root / "exit.py").write_text("import os\ndef softmax(x):\n    os._exit(0)\n")
    proc, entries = grade_json(str(root), "--kata", "softmax", "-j", "2", "--memory", "512", "--timeout", "3")
    assert proc.returncode == 1, proc.stderr
    by_id = {e["id"]: e for e in entries}
    checks = {k: {c["status"] for c in e["checks"]} for k, e in by_id.items()}
    assert by_id["correct.py"]["status"] == "pass"
    assert by_id["wrong.py"]["status"] == "fail" and "fail" in checks["wrong.py"]
    assert by_id["segv.py"]["status"] == "fail" and "error" in checks["segv.py"]
    assert by_id["segv_import.py"]["error"]["kind"] == "crash"
    assert "timeout" in checks["loop.py"]
    assert by_id["hog.py"]["error"]["kind"] == "memory"
    assert "memory" in checks["hog_call.py"]
    assert by_id["exit.py"]["status"] == "fail"
    assert all(e["status"] != "pass" for k, e in by_id.items() if k != "correct.py")


def test_all_pass_exits_0(tmp_path):
    (tmp_path / "a.py").write_text(CORRECT)
    proc = kata("grade", str(tmp_path / "a.py"), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].split(",")[:3] == [str(tmp_path / "a.py"), "softmax", "pass"]


@pytest.mark.parametrize(
    "args",
    [
        ["--shard", "0/3"],
        ["--shard", "4/3"],
        ["--shard", "two"],
        ["-j", "0"],
        ["--kata", "sofmax"],
        ["--resume"],
        ["--out", "/nonexistent-folder/grades.csv"],
    ],
)
def test_usage_errors_exit_2_with_one_line(simple, args):
    proc = kata("grade", str(simple), *args)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stdout == ""


def test_missing_path_exits_2(tmp_path):
    proc = kata("grade", str(tmp_path / "nope"))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    merge = kata("merge", str(tmp_path / "nope.json"))
    assert merge.returncode == 2 and len(merge.stderr.strip().splitlines()) == 1


def test_parse_shard_and_shard_are_deterministic():
    subs = [Submission(f"s{i:02}", None) for i in range(10)]
    assert parse_shard("2/3") == (2, 3)
    with pytest.raises(UsageError):
        parse_shard("1/0")
    slices = [shard(subs, (i, 3)) for i in (1, 2, 3)]
    assert sorted(s.id for part in slices for s in part) == [s.id for s in subs]
    assert shard(subs, (2, 3)) == shard(list(subs), (2, 3))


def test_gradebook_round_trips():
    entries = [
        {"id": "b", "kata": "softmax", "status": "fail", "seed": 1, "output": "hi\x00", "duration_ms": 5,
         "sha256": "ab", "error": None,
         "checks": [{"id": "basic", "status": "pass", "message": ""},
                    {"id": "overflow", "status": "timeout", "message": "slow \x1b"}]},
        {"id": "a", "kata": "", "status": "error", "seed": 1, "output": "", "duration_ms": 0, "sha256": "",
         "error": {"kind": "syntax", "message": "line 1"}, "checks": []},
    ]
    typed = [gradebook.Entry.from_json(e) for e in entries]
    assert typed[0].output == "hi\\x00" and typed[0].checks[1].message == "slow \\x1b"  # made safe when read
    for fmt in gradebook.FORMATS:
        back = gradebook.read(gradebook.write(typed, fmt))
        assert [e.id for e in back] == ["a", "b"]
        assert [(c.id, c.status) for c in back[1].checks] == [("basic", "pass"), ("overflow", "timeout")]
        assert back[0].error.kind == "syntax" and back[1].sha256 == "ab"
        assert gradebook.write(back, "json") == gradebook.write(gradebook.read(gradebook.write(back, "json")), "json")
    full = gradebook.read(gradebook.write(typed, "json"))
    assert [e.to_json() for e in full] == [e.to_json() for e in sorted(typed, key=lambda e: e.id)]


def test_ctrl_c_writes_what_was_finished(tmp_path):
    import signal
    import time

    root = tmp_path / "subs"
    root.mkdir()
    (root / "a.py").write_text(CORRECT)
    for i in range(6):
        (root / f"loop{i}.py").write_text("def softmax(x):\n    while True:\n        pass\n")
    out = tmp_path / "partial.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kata", "grade", str(root), "--out", str(out), "-j", "2", "--timeout", "20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        # As in a terminal: Ctrl-C is not ignored (pytest-xdist's workers, or a shell's
        # background job, may have passed SIGINT on ignored).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # The interrupt comes once both grading processes are at work (each has a run folder
    # for the submission it grades, in this test's own TMPDIR).
    runs = Path(os.environ["TMPDIR"])
    deadline = time.monotonic() + 120
    while len(list(runs.glob("kata-grade-*/kata-run-*"))) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline, "the batch never started"
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "--resume" in err
    entries = json.loads(out.read_text())
    assert {e["id"] for e in entries} <= {"a.py", *(f"loop{i}.py" for i in range(6))}
    assert len(entries) < 7
    assert not list(tmp_path.glob(".partial.json.*.tmp"))


def test_progress_line_only_on_a_terminal():
    from kata.grader.batch import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        progress = Progress(4, stream)
        progress.update(gradebook.Entry("a.py", "softmax", "pass"))
        progress.update(gradebook.Entry("b.py", "softmax", "fail"))
        progress.finish()
    assert pipe.getvalue() == ""
    line = tty.getvalue().strip().split("\r")[-1]
    assert "2/4" in line and "50% pass" in line and "/s" in line and "ETA" in line


def test_grade_and_merge_never_import_textual():
    code = (
        "import sys, kata.commands.grade, kata.commands.merge, kata.grader.batch, kata.grader.pool, "
        "kata.grader.gradebook; assert 'textual' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_submission_that_kills_its_grader_process_does_not_stop_the_batch(
    tmp_path, jobs, monkeypatch, assert_no_process_with
):
    # As on a kernel with no sandbox: the submission can reach its grader, and the
    # batch must survive it (with the sandbox it cannot: see test_sandbox.py).
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "namespaces,landlock")
    runs = tmp_path / "runs"
    runs.mkdir()
    monkeypatch.setenv("TMPDIR", str(runs))
    root = tmp_path / "subs"
    root.mkdir()
    # The fork's parent is the zygote; the zygote's parent is the driver grading it.
    # It also leaves a process behind in its group: with its driver dead, its zygote
    # must end it (nobody else would, at any deadline).
    marker = f"kata-stray-{os.urandom(4).hex()}"
    (root / "a_killer.py").write_text(
        stray_process_code(marker)
        + "import os\n"
        "zygote = os.getppid()\n"
        "driver = int(open(f'/proc/{zygote}/stat').read().rsplit(')', 1)[1].split()[1])\n"
        "os.kill(driver, 9)\n" + WRONG
    )
    for i in range(4):
        (root / f"ok{i}.py").write_text(CORRECT)
    proc, entries = grade_json(str(root), "-j", jobs)
    assert proc.returncode == 1, proc.stderr
    by_id = {e["id"]: e for e in entries}
    assert set(by_id) == {"a_killer.py", "ok0.py", "ok1.py", "ok2.py", "ok3.py"}
    assert by_id["a_killer.py"]["status"] == "error" and by_id["a_killer.py"]["error"]["kind"] == "crash"
    assert all(by_id[f"ok{i}.py"]["status"] == "pass" for i in range(4))
    assert list(runs.iterdir()) == []  # the dead driver's work folders are removed too
    assert_no_process_with(marker)


@pytest.mark.parametrize("command", [
    ["check", "victim.py", "--format", "gradescope", "--out", "victim.py"],
    ["check", "victim.py", "--out", "./sub/../victim.py"],
    ["check", "victim.py", "--out", "hard.py"],  # a hard link to it: the same file
    ["grade", "class2", "--out", "class2/v.py"],
    ["grade", "class2", "--out", "class2/cat/answer.py", "--format", "json"],
    ["grade", "class2", "--shard", "1/2", "--out", "class2/v.py"],
    ["grade", "class2", "--write-manifest", "class2/v.py"],
])  # fmt: skip
def test_what_kata_writes_never_replaces_a_submission(tmp_path, command):
    (tmp_path / "sub").mkdir()
    (tmp_path / "victim.py").write_text(WRONG)
    os.link(tmp_path / "victim.py", tmp_path / "hard.py")
    (tmp_path / "class2" / "cat").mkdir(parents=True)
    for name in ("v.py", "w.py", "cat/answer.py"):
        (tmp_path / "class2" / name).write_text(WRONG)
    proc = kata(*command, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "it would be overwritten" in line and proc.stdout == ""
    for name in ("victim.py", "class2/v.py", "class2/w.py", "class2/cat/answer.py"):
        assert (tmp_path / name).read_text() == WRONG, name
