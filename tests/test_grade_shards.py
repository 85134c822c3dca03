"""`kata grade --shard auto` (the shard from the engine's environment) and `--manifest`
(a batch frozen in a file): what each engine's variables give, every bad value as one
line, a frozen batch graded exactly, and a hostile manifest refused."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kata.errors import UsageError
from kata.grader import manifest
from kata.grader.shards import ENGINES, GENERIC_COUNT, Shard, resolve_shard

CORRECT = """import numpy as np

def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""
WRONG = "def softmax(x):\n    return x\n"
SHARD_VARS = {e.index for e in ENGINES} | {e.count for e in ENGINES if e.count} | {GENERIC_COUNT}


def kata(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SHARD_VARS}
    return subprocess.run(
        [sys.executable, "-m", "kata", *args], capture_output=True, text=True, cwd=cwd, check=False,
        stdin=subprocess.DEVNULL, timeout=300, env={**clean, **(env or {})},
    )


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert proc.stdout == ""
    return line


# ---------------------------------------------------------------- --shard auto


@pytest.mark.parametrize(
    "text, env, expected",
    [
        ("auto/8", {"JOB_COMPLETION_INDEX": "0"}, (1, 8)),  # Kubernetes: 0-based, count from the option
        ("auto/8", {"JOB_COMPLETION_INDEX": "7"}, (8, 8)),
        ("auto", {"JOB_COMPLETION_INDEX": "2", "KATA_SHARD_COUNT": "4"}, (3, 4)),
        ("auto", {"AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "10"}, (1, 10)),  # 0-9
        ("auto/10", {"AWS_BATCH_JOB_ARRAY_INDEX": "9"}, (10, 10)),
        ("auto", {"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"}, (1, 3)),  # GitLab: 1-based
        ("auto", {"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"}, (3, 3)),
        ("auto", {"BUILDKITE_PARALLEL_JOB": "0", "BUILDKITE_PARALLEL_JOB_COUNT": "5"}, (1, 5)),  # 0-4
        ("auto", {"KATA_SHARD_INDEX": "2", "KATA_SHARD_COUNT": "4"}, (2, 4)),  # a CI matrix: 1-based
        ("auto/4", {"KATA_SHARD_INDEX": "4"}, (4, 4)),
        ("AUTO/2", {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "2"}, (2, 2)),
        # GitLab sets CI_NODE_TOTAL=1 in every job: without CI_NODE_INDEX it says nothing
        ("auto/3", {"JOB_COMPLETION_INDEX": "1", "CI_NODE_TOTAL": "1"}, (2, 3)),
        # two engines that agree
        ("auto", {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3", "KATA_SHARD_INDEX": "2", "KATA_SHARD_COUNT": "3"},
         (2, 3)),
        ("2/4", {"JOB_COMPLETION_INDEX": "0"}, (2, 4)),  # I/N ignores the environment
    ],
)
def test_the_shard_from_each_engine(text, env, expected):
    shard = resolve_shard(text, env)
    assert shard.pair == expected
    assert text[0].isdigit() or shard.source


def test_no_shard_option_is_no_shard():
    assert resolve_shard(None, {"JOB_COMPLETION_INDEX": "1"}) is None
    assert resolve_shard("1/1", {}) == Shard(1, 1)


@pytest.mark.parametrize(
    "text, env, said",
    [
        ("auto", {}, "no shard index in the environment"),
        ("auto", {"CI_NODE_TOTAL": "1"}, "no shard index in the environment"),
        ("auto", {"JOB_COMPLETION_INDEX": "1"}, "JOB_COMPLETION_INDEX is set by a Kubernetes Indexed Job, but not how "
                                               "many shards there are"),
        ("auto", {"AWS_BATCH_JOB_ARRAY_INDEX": "1"}, "(AWS_BATCH_JOB_ARRAY_SIZE is not set)"),
        ("auto", {"KATA_SHARD_INDEX": "1"}, "KATA_SHARD_INDEX is set, but not how many shards there are"),
        ("auto/4", {"JOB_COMPLETION_INDEX": "x"}, "JOB_COMPLETION_INDEX='x' is not a whole number"),
        ("auto/4", {"JOB_COMPLETION_INDEX": ""}, "JOB_COMPLETION_INDEX='' is not a whole number"),
        ("auto/4", {"JOB_COMPLETION_INDEX": "-1"}, "JOB_COMPLETION_INDEX='-1' is negative (it counts from 0)"),
        ("auto/4", {"JOB_COMPLETION_INDEX": "4"}, "JOB_COMPLETION_INDEX=4 is out of range for 4 shards (0 to 3"),
        ("auto", {"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"}, "CI_NODE_INDEX=0 is out of range for 3 shards (1 to 3"),
        ("auto", {"KATA_SHARD_INDEX": "0", "KATA_SHARD_COUNT": "2"}, "KATA_SHARD_INDEX=0 is out of range"),
        ("auto", {"BUILDKITE_PARALLEL_JOB": "1", "BUILDKITE_PARALLEL_JOB_COUNT": "two"},
         "BUILDKITE_PARALLEL_JOB_COUNT='two' is not a whole number of shards"),
        ("auto", {"AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "0"}, "between 1 and"),
        ("auto/3", {"AWS_BATCH_JOB_ARRAY_INDEX": "1", "AWS_BATCH_JOB_ARRAY_SIZE": "4"},
         "--shard auto/3 but AWS_BATCH_JOB_ARRAY_SIZE=4: the number of shards disagrees"),
        ("auto/3", {"JOB_COMPLETION_INDEX": "1", "KATA_SHARD_COUNT": "5"}, "the number of shards disagrees"),
        ("auto/3", {"JOB_COMPLETION_INDEX": "1", "CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"},
         "a Kubernetes Indexed Job's JOB_COMPLETION_INDEX=1 says shard 2/3 but a GitLab CI parallel job's "
         "CI_NODE_INDEX=1 says 1/3"),
        # an engine with no count beside one with a count: the slices they name disagree
        ("auto", {"JOB_COMPLETION_INDEX": "0", "CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "2"},
         "a GitLab CI parallel job's CI_NODE_INDEX=2 says shard 2/2 but a Kubernetes Indexed Job's "
         "JOB_COMPLETION_INDEX=0 says 1/2"),
        ("auto/0", {"JOB_COMPLETION_INDEX": "0"}, "--shard auto/N takes 1 <= N"),
        ("auto/many", {"JOB_COMPLETION_INDEX": "0"}, "--shard auto/N takes the number of shards as N"),
        ("2", {}, "--shard takes I/N"),
        ("1/200000", {}, "at most 100000 shards"),
    ],
)
def test_a_bad_shard_environment_is_one_clear_line(text, env, said):
    with pytest.raises(UsageError) as caught:
        resolve_shard(text, env)
    message = str(caught.value)
    assert said in message
    assert "\n" not in message


def test_shard_auto_in_the_cli_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "a.py").write_text(CORRECT)
    line = one_line(kata("grade", str(tmp_path), "--shard", "auto", env={"JOB_COMPLETION_INDEX": "3"}))
    assert "--shard auto/N" in line and "KATA_SHARD_COUNT" in line


# ---------------------------------------------------------------- --manifest


@pytest.fixture
def room(tmp_path) -> Path:
    """A folder holding a class; manifests are written beside it."""
    folder = tmp_path / "room"
    (folder / "class" / "alice").mkdir(parents=True)
    (folder / "class" / "alice" / "answer.py").write_text(CORRECT)
    (folder / "class" / "ann.py").write_text(CORRECT)
    (folder / "class" / "ben.py").write_text(WRONG)
    (folder / "class" / "cat.py").write_text(WRONG.replace("x\n", "x * 2\n"))
    (folder / "class" / "empty").mkdir()
    return folder


def write_manifest(room: Path, *more: str) -> dict:
    proc = kata("grade", "class", "--seed", "5", "--kata", "softmax", "--write-manifest", "m.json", *more, cwd=room)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "wrote m.json: 5 submissions (4 to grade, 1 that cannot be" in proc.stderr
    assert not [p.name for p in room.iterdir() if p.name.endswith(".tmp")]  # written atomically
    return json.loads((room / "m.json").read_text())


def test_a_manifest_freezes_files_seed_kata_and_limits(room):
    data = write_manifest(room, "--timeout", "4")
    assert data["kata_manifest"] == 1
    assert {k: data["run"][k] for k in ("kata", "seed", "timeout", "memory_mb", "sandbox", "lang")} == {
        "kata": "softmax", "seed": 5, "timeout": 4.0, "memory_mb": 1024, "sandbox": "auto", "lang": "en"}
    rows = {row["id"]: row for row in data["submissions"]}
    assert list(rows) == ["alice", "ann.py", "ben.py", "cat.py", "empty"]
    assert rows["alice"]["path"] == "class/alice/answer.py" and len(rows["alice"]["sha256"]) == 64
    assert rows["empty"] == {"id": "empty", "path": "class/empty", "problem": "the folder holds no .py file"}
    plan = manifest.read_file(room / "m.json")
    assert plan.run == data["run"] and [s.id for s in plan.submissions] == list(rows)


def test_a_frozen_batch_is_graded_exactly_and_changes_are_refused(room):
    write_manifest(room)
    direct = kata("grade", "class", "--seed", "5", "--kata", "softmax", "--format", "json", "-j", "2", cwd=room)
    (room / "class" / "ben.py").write_text(CORRECT)  # changed since the manifest
    (room / "class" / "cat.py").unlink()  # gone
    os.symlink("ann.py", room / "class" / "ann2.py")  # new: not in the batch
    (room / "class" / "alice" / "answer.py").unlink()  # the same bytes, behind a link now
    os.symlink("../ann.py", room / "class" / "alice" / "answer.py")
    proc = kata("grade", "--manifest", "m.json", "--format", "json", "-j", "2", cwd=room)
    assert proc.returncode == 1, proc.stderr
    entries = {e["id"]: e for e in json.loads(proc.stdout)}
    assert list(entries) == ["alice", "ann.py", "ben.py", "cat.py", "empty"]
    before = {e["id"]: e for e in json.loads(direct.stdout)}
    assert entries["ann.py"]["checks"] == before["ann.py"]["checks"] and entries["ann.py"]["status"] == "pass"
    assert entries["empty"]["error"] == before["empty"]["error"]
    assert entries["ben.py"]["error"]["kind"] == "refused"
    assert entries["ben.py"]["error"]["message"].startswith("refused: changed since the manifest (its sha256 is ")
    assert entries["ben.py"]["checks"] == [] and entries["ben.py"]["sha256"] != before["ben.py"]["sha256"]
    assert entries["cat.py"]["error"]["message"].startswith("refused: missing (")
    assert entries["alice"]["error"]["message"].startswith("refused: symlink (")
    assert "3 files changed or missing since m.json were refused" not in proc.stderr
    assert "2 files changed or missing since m.json were refused, not graded (ben.py, cat.py)" in proc.stderr


def refusal(*args: str) -> str:
    """The usage error `kata grade ARGS` stops with, before grading anything (in-process)."""
    from kata.cli import build_parser
    from kata.commands import grade

    with pytest.raises(UsageError) as caught:
        grade.run(build_parser().parse_args(["grade", *args]))
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_a_manifest_and_options_that_disagree_are_refused(room, monkeypatch):
    write_manifest(room)
    monkeypatch.chdir(room)
    for var in SHARD_VARS:
        monkeypatch.delenv(var, raising=False)
    cases = [
        (["--manifest", "m.json", "class"], "already lists the submissions: give no PATH"),
        (["--manifest", "m.json", "--seed", "6"], "--seed 6 differs from the manifest's 5"),
        (["--manifest", "m.json", "--kata", "sigmoid"], "--kata sigmoid differs from the manifest's 'softmax'"),
        (["--manifest", "m.json", "--memory", "2048"], "--memory 2048 differs from the manifest's 1024"),
        (["class", "--write-manifest", "n.json", "--shard", "1/2"], "--write-manifest writes the manifest and grades "
                                                                     "nothing: drop --shard"),
        (["class", "--write-manifest", "sub/n.json"], "is not inside sub, the manifest's folder"),
        ([], "give the PATHs to grade"),
        (["class", "--write-manifest", "n.json", "--points", "p.yaml"], "does not freeze --points"),
        (["--manifest", "missing.json"], "--manifest missing.json: no such file"),
    ]
    (room / "sub").mkdir()
    for args, said in cases:
        assert said in refusal(*args), args
    monkeypatch.chdir(room.parent)  # a manifest outside the folder it would name files in
    line = refusal("room/class", "--write-manifest", "room/sub/n.json")
    assert "class/alice/answer.py is not inside room/sub, the manifest's folder" in line
    assert not (room / "sub" / "n.json").exists()
    # the same options as the manifest's are fine
    args = ("grade", "--manifest", "m.json", "--seed", "5", "--kata", "softmax", "--timeout", "10",
            "--shard", "2/2", "--out", "part.json")
    proc = kata(*args, cwd=room)
    assert proc.returncode == 1, proc.stderr
    assert [e["id"] for e in json.loads((room / "part.json").read_text())] == ["ann.py", "cat.py"]
    again = kata(*args, "--resume", cwd=room)  # a shard restarted: what it finished stands
    assert again.returncode == 1, again.stderr
    assert "(0 graded, 2 unchanged and kept" in again.stderr


def test_a_manifest_of_another_kata_version_is_refused(room, monkeypatch):
    from kata.grader.journal import checks_version

    monkeypatch.chdir(room)
    data = copy.deepcopy(VALID)
    (room / "m.json").write_text(json.dumps(data))
    assert "was written by kata 0.1.0+x and this is kata " in refusal("--manifest", "m.json")
    data["run"]["version"] = checks_version()  # the same kata: the manifest is taken
    (room / "m.json").write_text(json.dumps(data))
    assert "--seed 6 differs from the manifest's 5" in refusal("--manifest", "m.json", "--seed", "6")


VALID = {
    "kata_manifest": 1,
    "run": {"kata": "auto", "seed": 5, "timeout": 10.0, "memory_mb": 1024, "sandbox": "auto", "version": "0.1.0+x",
            "lang": "en"},
    "submissions": [
        {"id": "a.py", "path": "class/a.py", "sha256": "0" * 64},
        {"id": "b", "path": "class/b", "problem": "the folder holds no .py file"},
        {"id": "c.py", "path": "class/c.py", "problem": "a symlink", "refused": "symlink"},
    ],
}


def _set(path: str, value):
    def change(data: dict) -> None:
        *where, last = path.split(".")
        target = data
        for key in where:
            target = target[int(key) if key.isdigit() else key]
        if value is KeyError:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return change


HOSTILE = {
    "not a manifest": _set("kata_manifest", KeyError),
    "a later format": _set("kata_manifest", 2),
    "unknown field": _set("extra", 1),
    "run not an object": _set("run", [1]),
    "no seed": _set("run.seed", KeyError),
    "seed a string": _set("run.seed", "5"),
    "seed a boolean": _set("run.seed", True),
    "seed negative": _set("run.seed", -1),
    "seed too large": _set("run.seed", 2**63),
    "timeout zero": _set("run.timeout", 0),
    "timeout a string": _set("run.timeout", "10"),
    "memory too small": _set("run.memory_mb", 16),
    "memory a float": _set("run.memory_mb", 1024.5),
    "unknown sandbox": _set("run.sandbox", "none"),
    "unknown language": _set("run.lang", "fr"),
    "empty kata": _set("run.kata", ""),
    "escape in version": _set("run.version", "1\x1b[2J"),
    "unknown run field": _set("run.points", 1),
    "no submissions": _set("submissions", []),
    "submissions an object": _set("submissions", {"a": 1}),
    "a row not an object": _set("submissions.0", "a.py"),
    "no id": _set("submissions.0.id", KeyError),
    "id a number": _set("submissions.0.id", 7),
    "id with a newline": _set("submissions.0.id", "a\nb"),
    "duplicate id": _set("submissions.1.id", "a.py"),
    "duplicate path": _set("submissions.1", {"id": "z", "path": "class/a.py", "sha256": "1" * 64}),
    "absolute path": _set("submissions.0.path", "/etc/passwd"),
    "path climbing out": _set("submissions.0.path", "../secret.py"),
    "path climbing out inside": _set("submissions.0.path", "class/../../secret.py"),
    "empty component": _set("submissions.0.path", "class//a.py"),
    "dot component": _set("submissions.0.path", "./class/a.py"),
    "empty path": _set("submissions.0.path", ""),
    "path a list": _set("submissions.0.path", ["class", "a.py"]),
    "NUL in path": _set("submissions.0.path", "class/a\x00.py"),
    "lone surrogate in path": _set("submissions.0.path", "class/\ud800.py"),
    "no path": _set("submissions.0.path", KeyError),
    "short sha256": _set("submissions.0.sha256", "abc"),
    "upper-case sha256": _set("submissions.0.sha256", "A" * 64),
    "unknown row field": _set("submissions.0.kata", "softmax"),
    "problem row without path": _set("submissions.1.path", KeyError),
    "empty problem": _set("submissions.1.problem", ""),
    "unknown refusal": _set("submissions.2.refused", "because"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_manifest_is_one_line_naming_the_file(tmp_path, name):
    data = copy.deepcopy(VALID)
    HOSTILE[name](data)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    with pytest.raises(UsageError) as caught:
        manifest.read_file(path)
    message = str(caught.value)
    assert message.startswith(f"--manifest {path}: ") and "\n" not in message and "\x1b" not in message


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[]", b"\xff\xfe{}", b"[" * 200_000, b'{"kata_manifest": NaN}', b"null"],
)
def test_a_manifest_that_is_not_json_is_one_line(tmp_path, raw):
    path = tmp_path / "m.json"
    path.write_bytes(raw)
    with pytest.raises(UsageError) as caught:
        manifest.read_file(path)
    assert str(caught.value).startswith(f"--manifest {path}: ")


def test_the_valid_manifest_reads_and_a_folder_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(VALID))
    plan = manifest.read_file(path)
    assert [(s.id, s.parts, s.frozen, s.refused) for s in plan.submissions] == [
        ("a.py", ("class", "a.py"), "0" * 64, ""), ("b", ("class", "b"), "", ""),
        ("c.py", ("class", "c.py"), "", "symlink")]
    assert all(s.root == tmp_path for s in plan.submissions)
    with pytest.raises(UsageError, match="is a folder"):
        manifest.read_file(tmp_path)


def test_a_manifest_that_is_a_device_is_refused_before_a_byte_is_read():
    with pytest.raises(UsageError, match="is not a regular file"):
        manifest.read_file(Path("/dev/zero"))  # not 128 MiB of zeros read, then refused


def test_a_manifest_that_is_a_fifo_is_refused_at_once(tmp_path):
    """No writer ever opens the FIFO: reading it would wait forever (the subprocess's own
    timeout only stops a broken build from hanging the suite)."""
    fifo = tmp_path / "m.json"
    os.mkfifo(fifo)
    line = one_line(kata("grade", "--manifest", str(fifo), cwd=tmp_path))
    assert line == f"kata: --manifest {fifo} is not a regular file (a pipe or a device); give the manifest's file"


def test_a_hostile_manifest_in_the_cli_is_exit_2(room):
    data = copy.deepcopy(VALID)
    data["submissions"][0]["path"] = "../../etc/passwd"
    (room / "m.json").write_text(json.dumps(data))
    line = one_line(kata("grade", "--manifest", "m.json", cwd=room))
    assert line.startswith("kata: --manifest m.json: submission 1 ('a.py'):") and "climbs out" in line
