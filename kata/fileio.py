"""Writing files so that nothing acknowledged is lost (standard library only).

``atomic_write`` leaves either the old file or the whole new one, never a part, and
never a temporary file in place of the work: the bytes go to a fresh temporary file in
the same folder, are flushed to the disk, and replace the target in one rename, which
is then flushed too. A full disk, a read-only file system or a folder where the file
should be is one clear ``OutputError``.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from kata.errors import EXIT_INTERNAL, EXIT_USAGE, KataError

# Room a gradebook or a workspace file needs at the least, checked before work starts.
MIN_FREE_BYTES = 1 << 20


class OutputError(KataError):
    """A file kata was asked to write cannot be written (full disk, read-only, a folder).
    Found before any work (``check_writable``, a path that is wrong): a usage error;
    found while writing the result: exit status 3. ``cause`` is the operating system's
    refusal (None when the path itself is wrong), for a face that words it itself."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, exit_code: int = EXIT_INTERNAL, cause: OSError | None = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.cause = cause


def _why(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return "the disk is full"
    if err.errno == errno.EDQUOT:
        return "the disk quota is used up"
    if err.errno == errno.EROFS:
        return "the file system is read-only"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return err.strerror or str(err)


def _problem(path: Path, label: str) -> str | None:
    if path.is_dir():
        return f"{label} {path} is a folder; give the path of a file"
    if not path.parent.is_dir():
        return f"{label} {path}: its folder {path.parent} does not exist"
    return None


def _temporary(path: Path) -> tuple[int, Path]:
    for attempt in range(100):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{attempt}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "too many temporary files", str(path))


@contextlib.contextmanager
def _scratch(path: Path) -> Iterator[tuple[int, Path]]:
    """A new temporary file beside ``path``, open for writing: closed on leaving, and
    removed unless the block moved it into place (``os.replace``)."""
    fd, tmp = _temporary(path)
    try:
        try:
            yield fd, tmp
        finally:
            os.close(fd)
    finally:
        try:
            tmp.unlink()
        except OSError:  # moved into place (FileNotFoundError), or not ours to remove
            pass


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, label: str = "") -> None:
    """Replace ``path`` with ``data``, durably. Raises ``OutputError``."""
    label = label or "the file"
    problem = _problem(path, label)
    if problem:
        raise OutputError(problem)
    try:
        with _scratch(path) as (fd, tmp):
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
            os.replace(tmp, path)
        _sync_folder(path.parent)
    except OSError as err:
        raise OutputError(f"cannot write {label} {path}: {_why(err)}", cause=err) from None


def check_writable(path: Path, *, label: str = "", need: int = MIN_FREE_BYTES) -> None:
    """Refuse, before any work, a ``path`` that could not be written: a folder, a
    missing parent, a read-only or full file system. Raises ``OutputError``."""
    label = label or "the file"
    problem = _problem(path, label)
    if problem:
        raise OutputError(problem, EXIT_USAGE)
    try:
        with _scratch(path) as (fd, _):
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        free = os.statvfs(path.parent)
        if free.f_bavail * free.f_frsize < need:
            raise OSError(errno.ENOSPC, "no space")
    except OSError as err:
        raise OutputError(f"cannot write {label} {path}: {_why(err)}", EXIT_USAGE) from None
