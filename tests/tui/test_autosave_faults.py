"""The editor's autosave against real faults: a full file system (a small tmpfs), a
read-only one (a read-only bind mount), a folder where the file should be. The text
stays in the editor, the status line says why, nothing but the work is left in the
folder, and the write goes through once the disk takes it again."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from textual.widgets import TextArea

from kata.exercises import get_kata
from kata.tui.screens.kata import KataScreen
from kata.workspace import workspace_file
from tests.tui.conftest import wait_for
from tests.tui.test_kata import open_kata

SIZE = (100, 30)


def mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here (needs root): {done.stderr.strip()}")


@pytest.fixture
def workspace():
    """The workspace folder, with whatever is mounted on it unmounted afterwards."""
    path = workspace_file(get_kata("softmax"))
    path.parent.mkdir(parents=True, exist_ok=True)
    mounted: list[Path] = []
    yield path, mounted
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def status(screen: KataScreen) -> str:
    return str(screen.query_one("#kata-status").content)


async def test_a_full_disk_keeps_the_text_says_so_and_saves_once_there_is_room(make_app, workspace):
    path, mounted = workspace
    mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(path.parent))
    mounted.append(path.parent)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("enter", *"# first")
        await wait_for(pilot, lambda: path.is_file() and "# first" in path.read_text(), "the first save")
        filler = fill(path.parent)
        await pilot.press("enter", *"# typed on a full disk")
        await wait_for(pilot, lambda: screen.save_error is not None, "the refused save")
        assert "# typed on a full disk" in screen.query_one("#editor", TextArea).text
        assert "NOT saved (the disk is full)" in status(screen)
        on_disk = path.read_text()
        assert "# first" in on_disk and "# typed on a full disk" not in on_disk  # the old file, whole
        assert sorted(os.listdir(path.parent)) == ["filler", "softmax.py"]  # no temporary file
        filler.unlink()
        await wait_for(pilot, lambda: screen.save_error is None, "the retried save")
        assert "# typed on a full disk" in path.read_text()
        assert "NOT saved" not in status(screen) and "softmax.py saved" in status(screen)
        assert sorted(os.listdir(path.parent)) == ["softmax.py"]


async def test_a_read_only_file_system_keeps_the_text_and_leaving_asks_twice(make_app, workspace):
    path, mounted = workspace
    folder = str(path.parent)
    app = make_app(lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("enter", *"# before")
        await wait_for(pilot, lambda: path.is_file() and "# before" in path.read_text(), "the first save")
        mount("--bind", folder, folder)
        mounted.append(path.parent)
        mount("-o", "remount,bind,ro", folder)
        await pilot.press("enter", *"# read-only")
        await wait_for(pilot, lambda: screen.save_error is not None, "the refused save")
        assert "未能保存（文件系统是只读的）" in status(screen)
        assert "# read-only" not in path.read_text()
        screen.query_one("#editor").blur()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # the first esc says the text would be lost
        mount("-o", "remount,bind,rw", folder)
        await wait_for(pilot, lambda: screen.save_error is None, "the retried save")
        assert "# read-only" in path.read_text()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not screen, "leaving once saved")


async def test_a_folder_where_the_file_should_be_keeps_the_text(make_app, workspace):
    path, _ = workspace
    path.mkdir()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("enter", *"# mine")
        await wait_for(pilot, lambda: screen.save_error is not None, "the refused save")
        assert "NOT saved (a folder is in the way)" in status(screen)
        assert "# mine" in screen.query_one("#editor", TextArea).text
        assert os.listdir(path.parent) == ["softmax.py"] and os.listdir(path) == []
        path.rmdir()
        await wait_for(pilot, lambda: path.is_file() and "# mine" in path.read_text(), "the retried save")


async def test_folders_named_like_temporary_files_do_not_stop_the_save(make_app, workspace):
    path, _ = workspace
    (path.parent / "softmax.py.tmp").mkdir()
    (path.parent / f".softmax.py.{os.getpid()}.0.tmp").mkdir()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("enter", *"# mine")
        await wait_for(pilot, lambda: path.is_file() and "# mine" in path.read_text(), "the save")
        assert screen.save_error is None
        assert sorted(os.listdir(path.parent)) == sorted(
            ["softmax.py", "softmax.py.tmp", f".softmax.py.{os.getpid()}.0.tmp"]
        )


async def test_quitting_right_after_typing_saves_the_text(make_app):
    path = workspace_file(get_kata("softmax"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_kata(app, pilot)
        await pilot.press("enter", *"# one", "enter", *"# two", "ctrl+q")
    assert "# one\n# two" in path.read_text()
