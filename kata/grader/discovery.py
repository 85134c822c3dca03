"""Finding the submissions in a class folder that strangers filled (standard library only).

What ``kata grade`` reads, and what it refuses:

- A folder given holds ``.py`` files (each is a submission) and/or one sub-folder per
  student (the student's ``.py`` file that defines the kata function is graded).
- A submission is the bytes of a regular file inside the folder given. Symlinks are
  never followed below it: a link, a FIFO, a socket or a device is a row of its own,
  ``refused`` with the reason, and what it points to is never opened. Folders are
  walked by descriptor, one component at a time, so a folder swapped for a link while
  the batch runs reaches nothing outside either.
- Every read is bounded (``source.MAX_SOURCE_BYTES``, and a token count before any
  parse), and so is the walk: how deep, how many entries per student, how many
  candidate files are opened, how many entries per batch.
- Hidden entries (``.git``), ``__pycache__`` and files that are not ``.py`` are
  skipped, and counted. An error in one entry (unreadable, vanished) is that entry's
  row; it never ends the batch.
- Ids are the path below the folder given, valid UTF-8 on one line: bytes that are not
  UTF-8 and control characters are shown escaped (``\\xff``, ``\\x1b``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kata.errors import UsageError
from kata.grader.katas import KataSource
from kata.grader.source import _DIRECTORY, _FLAGS, _NOFOLLOW, Refused, open_beneath, read_fd, read_source
from kata.grader.text import clean_line


_SKIP_DIRS = {"__pycache__", "node_modules"}
MAX_DEPTH = 8  # folders below a student's folder
MAX_ENTRIES_PER_STUDENT = 2000  # directory entries looked at in one student's folder
MAX_CANDIDATES = 32  # .py files opened to find the one that defines the kata function
MAX_ENTRIES_PER_BATCH = 200_000


@dataclass
class Submission:
    id: str
    root: Path | None  # the folder given; None: a file given directly (``parts`` is its path)
    parts: tuple[str, ...] = ()
    sha256: str = ""
    problem: str = ""  # why there is nothing to grade (a folder with no .py file, say)
    refused: str = ""  # the short reason it is refused (symlink, too large, ...); ``problem`` says more
    frozen: str = ""  # from a manifest: the sha256 its bytes must have to be graded

    @property
    def label(self) -> str:
        """The file, as a gradebook and a terminal may show it."""
        if self.root is None:
            return safe_name(self.parts[0])
        return safe_name(str(self.root)).rstrip("/") + "/" + "/".join(safe_name(p) for p in self.parts)

    @property
    def path(self) -> Path:
        """Where its file (or folder) is, for comparing with a file kata is asked to write."""
        if self.root is None:
            return Path(self.parts[0])
        return self.root.joinpath(*self.parts)

    @property
    def gradable(self) -> bool:
        return not (self.problem or self.refused)

    def read(self) -> bytes:
        """The bytes to grade, read once and bounded. Raises ``Refused``."""
        if self.root is None:
            return read_source(Path(self.parts[0]), self.label)
        return read_fd(open_beneath(self.root, self.parts, self.id), self.id)


@dataclass
class Discovered:
    submissions: list[Submission] = field(default_factory=list)
    skipped: int = 0  # hidden entries and files that are not .py


def safe_name(name: str) -> str:
    """A file name as valid UTF-8 on one line: undecodable bytes as ``\\xNN``."""
    raw = os.fsencode(name)
    return clean_line(raw.decode("utf-8", errors="backslashreplace"), None)


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in _SKIP_DIRS


def _sha(sub: Submission) -> str:
    import hashlib

    try:
        return hashlib.sha256(sub.read()).hexdigest()
    except Refused:
        return ""


class _Walk:
    """One student's folder, walked by descriptor without following links."""

    def __init__(self, root: Path, base: tuple[str, ...]) -> None:
        self.root, self.base = root, base
        self.files: list[tuple[str, ...]] = []  # regular .py files, below ``base``
        self.links: list[tuple[str, ...]] = []  # .py names that are links or special files
        self.entries = 0
        self.truncated = False

    def run(self) -> None:
        try:
            fd = open_beneath(self.root, self.base, "/".join(self.base))
        except Refused:
            return
        self._folder(fd, (), 0)

    def _folder(self, fd: int, rel: tuple[str, ...], depth: int) -> None:
        try:
            with os.scandir(fd) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            os.close(fd)
            return
        try:
            for entry in entries:
                self.entries += 1
                if self.entries > MAX_ENTRIES_PER_STUDENT:
                    self.truncated = True
                    return
                if _hidden(entry.name):
                    continue
                path = (*rel, entry.name)
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                except OSError:  # vanished while we looked
                    continue
                if stat.S_ISDIR(mode):
                    if depth < MAX_DEPTH:
                        try:
                            sub = os.open(entry.name, _FLAGS | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
                        except OSError:
                            continue
                        self._folder(sub, path, depth + 1)
                elif entry.name.endswith(".py"):
                    (self.files if stat.S_ISREG(mode) else self.links).append(path)
        finally:
            os.close(fd)


def _student(root: Path, name: str, sid: str, kata_id: str | None, katas: KataSource) -> Submission:
    walk = _Walk(root, (name,))
    walk.run()
    files = sorted(walk.files, key=lambda p: (len(p), p))
    if not files:
        if walk.links:
            shown = ", ".join("/".join(safe_name(x) for x in p) for p in walk.links[:3])
            return Submission(sid, root, (name,), refused="symlink",
                              problem=f"the folder's only .py files are links or special files ({shown}); "
                                      "kata grade grades only regular files")
        limit = " (only the first entries were looked at)" if walk.truncated else ""
        return Submission(sid, root, (name,), problem=f"the folder holds no .py file{limit}")
    if len(files) == 1:
        return Submission(sid, root, (name, *files[0]))
    chosen = _defining(root, name, files, kata_id, katas)
    if chosen is None:
        what = f"`{kata_id}`'s function" if kata_id else "a kata function"
        return Submission(sid, root, (name,),
                          problem=f"none of the folder's {len(files)} .py files defines {what}")
    return Submission(sid, root, (name, *chosen))


def _defining(
    root: Path, name: str, files: list[tuple[str, ...]], kata_id: str | None, katas: KataSource
) -> tuple[str, ...] | None:
    """The first of ``files`` (shallowest first) that defines the kata's function.
    At most ``MAX_CANDIDATES`` are opened; a file that does not even mention a kata
    function's name is not parsed."""
    names = katas.functions(kata_id)
    needles = [n.encode() for n in names]
    for parts in files[:MAX_CANDIDATES]:
        try:
            raw = read_fd(open_beneath(root, (name, *parts), name), name)
        except Refused:
            continue
        if not any(n in raw for n in needles):
            continue
        source = raw.decode("utf-8", errors="replace")
        if kata_id:
            if names[0] in katas.defined_functions(source):
                return parts
        elif katas.detect(source):
            return parts
    return None


def discover(
    paths: Sequence[str | Path], katas: KataSource, kata_id: str | None = None, *, hashes: bool = False
) -> Discovered:
    """Every submission under ``paths``, sorted by id; ``hashes``: with the sha256 of
    the bytes each would be graded from (for ``--resume``)."""
    found: dict[str, Submission] = {}
    result = Discovered()
    seen = 0
    for given in paths:
        root = Path(given)
        try:
            info = root.stat()
        except FileNotFoundError:
            raise UsageError(f"{given}: no such file or folder") from None
        except OSError as err:
            raise UsageError(f"{given}: cannot read it ({err.strerror})") from None
        if not stat.S_ISDIR(info.st_mode):
            sid = _unique(found, safe_name(root.as_posix()))
            found[sid] = Submission(sid, None, (str(root),))
            continue
        try:
            with os.scandir(root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            raise UsageError(f"{given}: cannot list the folder ({err.strerror})") from None
        prefix = safe_name(root.as_posix()).rstrip("/") + "/" if len(paths) > 1 else ""
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES_PER_BATCH:
                raise UsageError(f"{given}: more than {MAX_ENTRIES_PER_BATCH} entries; grade the class "
                                 "in parts (several PATHs or --shard), or move what is not a submission out")
            if _hidden(entry.name):
                result.skipped += 1
                continue
            sid = _unique(found, prefix + safe_name(entry.name))
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as err:
                found[sid] = Submission(sid, root, (entry.name,), refused="unreadable",
                                        problem=f"cannot read it ({err.strerror})")
                continue
            if stat.S_ISLNK(mode):
                found[sid] = Submission(sid, root, (entry.name,), refused="symlink",
                                        problem="a symlink; kata grade grades only the files inside the "
                                                "folder, never what a link points to")
            elif stat.S_ISDIR(mode):
                found[sid] = _student(root, entry.name, sid, kata_id, katas)
            elif not stat.S_ISREG(mode):
                from kata.grader.source import kind_of

                found[sid] = Submission(sid, root, (entry.name,), refused="not a regular file",
                                        problem=f"{kind_of(mode)}, not a regular .py file")
            elif entry.name.endswith(".py"):
                found[sid] = Submission(sid, root, (entry.name,))
            else:
                result.skipped += 1
    result.submissions = [found[k] for k in sorted(found)]
    if hashes:
        for sub in result.submissions:
            if sub.gradable:
                sub.sha256 = _sha(sub)
    return result


def _unique(found: dict[str, Submission], sid: str) -> str:
    """Two names can escape to the same id (a literal ``\\xff`` and the byte): number them."""
    if sid not in found:
        return sid
    n = 2
    while f"{sid} [{n}]" in found:
        n += 1
    return f"{sid} [{n}]"
