"""Telling when one file changed, by looking at it (standard library only).

``kata watch`` follows one small file. It looks at it ``POLL_SECONDS`` apart with one
``stat``, and reads it only when what ``stat`` says moved, so every way an editor saves
is the same case here: written in place, written to a temporary file and renamed over
it (the path then names a new inode), deleted and written again, or replaced by a
folder or a FIFO. A file watch in the kernel (inotify, which a library such as
``watchfiles`` wraps) follows an inode, so it would have to watch the whole folder and
filter it to see a rename; on network and virtual-machine mounts (NFS, WSL's ``/mnt``)
it hears nothing, and the libraries fall back to polling there anyway. For one file a
stat a tenth of a second costs nothing, needs no compiled dependency, and cannot miss
a save, so polling is what is used.

Two details keep it exact:

- A change is reported once the file holds still for one look (its ``stat`` is the same
  twice in a row), so an editor that truncates and then writes is read once, whole.
- Timestamps are coarse (a few milliseconds on most Linux file systems, 2 s on FAT):
  two saves of the same size in one tick leave ``stat`` unchanged. As git does for a
  "racily clean" index entry, a file modified less than ``RACY_SECONDS`` before it was
  last read is read again at every look until it is older; its bytes (by their SHA-256)
  decide whether it changed.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kata.errors import SubmissionError
from kata.grader.source import read_source

POLL_SECONDS = 0.1
RACY_SECONDS = 2.0


@dataclass(frozen=True)
class Version:
    """What the file holds at one look: its bytes, or why there are none (``gone``: the
    path names nothing; ``problem``: it cannot be read, in one line)."""

    raw: bytes | None = None
    gone: bool = False
    problem: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        if self.raw is not None:
            return ("bytes", hashlib.sha256(self.raw).hexdigest())
        return ("gone", "") if self.gone else ("problem", self.problem or "")


class FileWatch:
    """The versions of the file at ``path``, each reported once.

    ``current()`` reads it now; ``poll()`` looks once, without waiting, and returns the
    new version if the file changed since the last one reported (else None). ``read``
    and ``wall_ns`` are the file reader and the wall clock (tests may replace them)."""

    def __init__(
        self,
        path: Path,
        read: Callable[[Path], bytes] = read_source,
        wall_ns: Callable[[], int] = time.time_ns,
    ) -> None:
        self.path = path
        self._read = read
        self._wall_ns = wall_ns
        self._looked: tuple[int, ...] | None = None  # the stat of the last look
        self._read_at: tuple[int, ...] | None = None  # the stat when the file was last read
        self._read_ns = 0  # the wall clock then
        self._reported: tuple[str, str] | None = None

    def _signature(self) -> tuple[int, ...]:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return (-1,)
        except OSError as err:
            return (-2, err.errno or 0)
        return (info.st_dev, info.st_ino, info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns)

    def current(self) -> Version:
        """The file as it is now, reported (a later ``poll`` returns only what differs)."""
        signature = self._signature()
        self._looked = signature
        version = self._version(signature)
        self._reported = version.key
        return version

    def poll(self) -> Version | None:
        signature = self._signature()
        settled, self._looked = signature == self._looked, signature
        if not settled:
            return None  # it moved since the last look: read it once it holds still
        if signature == self._read_at and not self._racy(signature):
            return None
        version = self._version(signature)
        if version.key == self._reported:
            return None  # touched, or saved with the same bytes
        self._reported = version.key
        return version

    def _racy(self, signature: tuple[int, ...]) -> bool:
        """Modified so close to when it was read that a second save in the same
        timestamp tick would not show in its ``stat``."""
        return len(signature) == 6 and signature[4] >= self._read_ns - int(RACY_SECONDS * 1e9)

    def _version(self, signature: tuple[int, ...]) -> Version:
        self._read_at = signature
        self._read_ns = self._wall_ns()
        if signature == (-1,):
            return Version(gone=True)
        try:
            return Version(raw=self._read(self.path))
        except SubmissionError as err:
            if self._signature() == (-1,):  # removed between the look and the read
                return Version(gone=True)
            return Version(problem=str(err))
