"""The child's work folder: made private, and removed afterwards whatever was left in it."""

from __future__ import annotations

import os
import textwrap

from pathlib import Path

import pytest

from kata.exercises import get_kata
from kata.grader import Limits, grade
from kata.grader.spawn import new_workdir, remove_workdir, scratch_of


def test_a_new_workdir_is_private_with_a_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    workdir = new_workdir()
    assert workdir.parent == tmp_path and workdir.stat().st_mode & 0o777 == 0o700
    assert scratch_of(workdir).is_dir() and scratch_of(workdir).stat().st_mode & 0o777 == 0o700
    assert remove_workdir(workdir) and not workdir.exists()


def test_removal_copes_with_deep_trees_locked_folders_and_links_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "canary").write_text("precious")
    workdir = tmp_path / "work"
    workdir.mkdir()
    fd = os.open(workdir, os.O_RDONLY)
    for _ in range(3000):  # deeper than recursion or PATH_MAX allow
        os.mkdir("d", dir_fd=fd)
        deeper = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = deeper
    os.close(os.open("leaf.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    os.close(fd)
    (workdir / "link-out").symlink_to(outside)
    (workdir / "d" / "file-link").symlink_to(outside / "canary")
    locked = workdir / "locked"
    (locked / "inner").mkdir(parents=True)
    (locked / "inner" / "f").write_text("x")
    os.chmod(locked / "inner", 0o500)
    os.chmod(locked, 0)
    assert remove_workdir(workdir)
    assert not workdir.exists()
    assert (outside / "canary").read_text() == "precious"


def test_removal_of_nothing_is_fine(tmp_path):
    assert remove_workdir(tmp_path / "never-made")


@pytest.mark.parametrize("skip", ["", "namespaces"], ids=["sandboxed", "on-disk-scratch"])
def test_nothing_the_child_wrote_is_left_behind(tmp_path, monkeypatch, skip):
    runs = tmp_path / "runs"
    runs.mkdir()
    monkeypatch.setenv("TMPDIR", str(runs))
    if skip:
        monkeypatch.setenv("KATA_SANDBOX_SKIP", skip)
    path = tmp_path / "nest.py"
    path.write_text(textwrap.dedent("""
        import os
        for _ in range(1500):
            os.mkdir("d", 0o700)
            os.chdir("d")
        open("leaf", "w").write("x")
        def softmax(x):
            return x
    """))
    report = grade(path, get_kata("softmax"), seed=1, limits=Limits(timeout=6.0, check_timeout=3.0))
    assert report.error is None or report.error.kind != "internal"
    assert list(runs.iterdir()) == []


def test_a_folder_left_by_a_killed_grader_is_swept_and_a_live_one_is_not(tmp_path, monkeypatch):
    import signal
    import subprocess
    import sys

    from kata.grader import spawn

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    code = ("import sys, time; from kata.grader.spawn import new_workdir; "
            "print(new_workdir(), flush=True); time.sleep(600)")
    dead = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    alive = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        left, used = Path(dead.stdout.readline().strip()), Path(alive.stdout.readline().strip())
        (left / "submission.py").write_text("a copy of someone's code")
        dead.send_signal(signal.SIGKILL)
        dead.wait()
        assert left.is_dir()
        assert spawn.sweep(tmp_path) == 1
        assert not left.exists() and used.is_dir()
    finally:
        alive.kill()
        alive.wait()
    assert spawn.sweep(tmp_path) == 1 and list(tmp_path.iterdir()) == []
