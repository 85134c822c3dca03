"""The journal of a ``kata grade`` run, and what makes an earlier verdict reusable.

Each finished submission is appended to ``.<out>.journal`` beside the gradebook, as one
JSON line, and flushed to the disk before the next is taken: a run that is killed
(SIGKILL, a power cut) loses only what was being graded at that moment. At the end the
journal is compacted into the gradebook (written atomically) and removed. ``--resume``
reads the gradebook and the journal, and reuses an entry only if it was graded the
same way: the same file (sha256), the same ``--kata``, seed, limits and sandbox mode,
and the same version of kata's checks. Otherwise it is graded again, and the run says
why.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from kata.grader.entry import Entry
from kata.lang import DEFAULT

JOURNAL_VERSION = 1


@functools.cache
def checks_version() -> str:
    """kata's version and a fingerprint of the code that decides verdicts (the runner,
    the harness the checks are written with, and the katas): a change to any of them
    makes earlier verdicts stale."""
    from kata import __version__

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for folder in ("grader", "harness", "exercises"):
        for path in sorted((package / folder).rglob("*")):
            if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(package).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def run_key(kata_arg: str | None, seed: int, limits: Any, lang: str = DEFAULT) -> dict[str, Any]:
    """How a run grades: what an entry must share with the run to be reused (the
    language too: a gradebook's messages are all in one)."""
    return {
        "kata": kata_arg or "auto",
        "seed": seed,
        "timeout": limits.timeout,
        "memory_mb": limits.memory_mb,
        "sandbox": limits.sandbox,
        "version": checks_version(),
        "lang": lang,
    }


_FIELD_NAMES = {"kata": "--kata", "seed": "the seed", "timeout": "--timeout", "memory_mb": "--memory",
                "sandbox": "--sandbox", "version": "the version of kata's checks", "lang": "--lang"}  # fmt: skip


def stale_because(entry: Entry, key: dict[str, Any]) -> str | None:
    """Why ``entry`` cannot be reused by a run with ``key`` (None: it can)."""
    run = entry.run
    if run is None:
        return "the gradebook does not say how it was graded"
    for field, name in _FIELD_NAMES.items():
        if run.get(field) != key[field]:
            return f"{name} differs ({run.get(field)!r} then, {key[field]!r} now)"
    return None


def journal_path(out: Path) -> Path:
    return out.with_name(f".{out.name}.journal")


class Journal:
    """Append-only, one fsynced JSON line per finished entry. A problem writing it (a
    full disk) is said once and grading goes on: the gradebook is still written at
    the end, and only a kill before then would lose entries."""

    def __init__(self, path: Path, *, keep: bool) -> None:
        self.path = path
        self.failed: str | None = None
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        if not keep:
            flags |= os.O_TRUNC
        self._fd: int | None = os.open(path, flags, 0o666)

    def add(self, entry: Entry) -> None:
        if self._fd is None:
            return
        line = json.dumps({"v": JOURNAL_VERSION, "entry": entry.to_json()}, ensure_ascii=False) + "\n"
        data = line.encode("utf-8", errors="backslashreplace")
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]
            os.fsync(self._fd)
        except OSError as err:
            from kata.fileio import _why

            self.failed = _why(err)
            self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def remove(self) -> None:
        self.close()
        try:
            self.path.unlink()
        except OSError:
            pass


def read_journal(path: Path) -> list[Entry]:
    """The entries a killed run journalled. A line cut short by the kill, or one that is
    not a journal line, is passed over: it is graded again."""
    from kata.grader.entry import EntryProblem

    try:
        data = path.read_bytes()
    except OSError:
        return []
    entries = []
    for line in data.split(b"\n"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not (isinstance(record, dict) and record.get("v") == JOURNAL_VERSION):
            continue
        try:
            entries.append(Entry.from_json(record.get("entry")))
        except EntryProblem:
            continue
    return entries
