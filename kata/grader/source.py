"""Reading a submission's bytes safely (standard library only).

A submission is the bytes of a regular file. Whatever the path names (a FIFO that
would block, ``/dev/zero`` that never ends, a 30 GiB sparse file, a symlink to
someone else's secret), at most ``limit`` bytes are read, and only from a regular
file: the kind is checked on the open descriptor (``fstat``), so nothing is read from
anything else, and a file swapped after the check is not the one read. ``kata grade``
also refuses symlinks anywhere below the folder it was given (``open_beneath``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kata.errors import SubmissionError

MAX_SOURCE_BYTES = 1 << 20
# A kata answer is a few hundred tokens; a file of hundreds of thousands costs the
# grader seconds and gigabytes to parse. Words, numbers and punctuation marks, counted
# without parsing.
MAX_SOURCE_TOKENS = 100_000

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class Refused(SubmissionError):
    """The path is not something kata grades; ``reason`` is one of a few short words
    (``symlink``, ``not a regular file``, ``too large``, ``unreadable``) for gradebooks."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symlink"
    return "not a regular file"


def read_fd(fd: int, label: str, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """At most ``limit`` bytes of the regular file open at ``fd`` (closed here)."""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not a regular file", f"{label} is {kind_of(info.st_mode)}, not a regular .py file")
        if info.st_size > limit:
            raise Refused("too large", f"{label} is {info.st_size} bytes; a submission is at most {limit} bytes")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew after the size was read
            raise Refused("too large", f"{label} is more than {limit} bytes; a submission is at most {limit} bytes")
        raw = b"".join(chunks)
        problem = too_many_tokens(raw)
        if problem:
            raise Refused("too large", f"{label}: {problem}")
        return raw
    except OSError as err:
        raise Refused("unreadable", f"{label}: cannot read it ({err.strerror})") from None
    finally:
        os.close(fd)


def read_source(path: Path, label: str | None = None, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of the file at ``path`` (a symlink given directly is followed: it is
    the user's own), refusing anything that is not a regular file of at most ``limit``."""
    label = label or str(path)
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise SubmissionError(f"{label}: no such file") from None
    except PermissionError:
        raise SubmissionError(f"{label}: permission denied") from None
    except IsADirectoryError:
        raise SubmissionError(f"{label} is a folder; give the path of one .py file") from None
    except OSError as err:
        raise SubmissionError(f"{label}: cannot read it ({err.strerror})") from None
    try:
        return read_fd(fd, label, limit)
    except Refused as err:
        if err.reason == "not a regular file" and path.is_dir():
            raise SubmissionError(f"{label} is a folder; give the path of one .py file") from None
        raise


def open_beneath(root: Path, parts: tuple[str, ...], label: str) -> int:
    """A descriptor for ``root/parts...`` opened one component at a time, refusing a
    symlink at any step: nothing outside ``root`` is reached, even if the folder changes
    after it was listed."""
    try:
        fd = os.open(root, _FLAGS | _DIRECTORY)
    except OSError as err:
        raise Refused("unreadable", f"{label}: cannot open its folder ({err.strerror})") from None
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            try:
                nxt = os.open(part, _FLAGS | _NOFOLLOW | (0 if last else _DIRECTORY), dir_fd=fd)
            except OSError as err:
                try:
                    mode = os.lstat(part, dir_fd=fd).st_mode
                except OSError:
                    mode = 0
                if stat.S_ISLNK(mode):
                    raise Refused("symlink", f"{label} is a symlink; kata grade grades only the files "
                                             "inside the folder, never what a link points to") from None
                raise Refused("unreadable", f"{label}: cannot open it ({err.strerror})") from None
            os.close(fd)
            fd = nxt
        return fd
    except BaseException:
        os.close(fd)
        raise


def too_many_tokens(raw: bytes) -> str | None:
    """Why the source is too large to parse, or None. Words, numbers and punctuation
    marks are counted, roughly as the tokenizer sees them, up to one past the limit."""
    if len(raw) <= MAX_SOURCE_TOKENS:  # no more tokens than bytes
        return None
    import itertools
    import re

    tokens = sum(1 for _ in itertools.islice(re.finditer(rb"\w+|[^\w\s]", raw), MAX_SOURCE_TOKENS + 1))
    if tokens <= MAX_SOURCE_TOKENS:
        return None
    return (f"it has more than {MAX_SOURCE_TOKENS} words and symbols; a kata answer is far shorter, "
            "and kata does not parse a file this long")
