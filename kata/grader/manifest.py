"""A batch frozen in one file, so that every shard grades the same batch (standard library only).

``kata grade PATH... --write-manifest FILE`` finds the submissions and writes, in one
JSON file, how the batch is graded (``journal.run_key``: the kata, the seed, the limits,
the language and the version of kata's checks) and every submission: its id, its path
relative to the manifest's own folder and the sha256 of its bytes, or why it cannot be
graded (a symlink, a folder with no .py file). ``kata grade --manifest FILE`` then grades
exactly that batch (with ``--shard``, its slice): a file whose bytes no longer have the
frozen sha256 is refused (``changed since the manifest``) and a file gone is refused
(``missing``), each as its own row; neither is ever graded as something else.

A manifest is read strictly: anything that is not exactly what ``dumps`` writes (a
wrong type, an unknown field, a path that is absolute or climbs out of the manifest's
folder with ``..``, an id given twice) is one ``UsageError`` naming the file. Paths are
opened one component at a time, refusing symlinks, as discovery does.
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kata.errors import UsageError
from kata.grader.discovery import MAX_ENTRIES_PER_BATCH, Submission
from kata.grader.source import Refused
from kata.grader.text import clean_line

FORMAT = 1
MAX_BYTES = 128 << 20
MAX_ID = 1000
MAX_PATH_PARTS = 64
MAX_PROBLEM = 2000
REFUSALS = ("symlink", "not a regular file", "too large", "unreadable")  # source.Refused's reasons
_RUN_FIELDS = {"kata": str, "seed": int, "timeout": float, "memory_mb": int, "sandbox": str, "version": str,
               "lang": str}  # fmt: skip
_HEX = frozenset("0123456789abcdef")
AGAIN = "write the manifest with `kata grade PATH... --write-manifest FILE`"


@dataclass
class Manifest:
    run: dict[str, Any]  # ``journal.run_key`` of the batch
    submissions: list[Submission] = field(default_factory=list)

    @property
    def kata(self) -> str | None:
        return None if self.run["kata"] == "auto" else self.run["kata"]


class _Bad(Exception):
    pass


# ---------------------------------------------------------------- writing


def _relative_parts(sub: Submission, folder: Path) -> tuple[str, ...]:
    """The path of ``sub``'s file below ``folder``, as components; raises ``UsageError``
    if it is not below it."""
    if sub.root is None:
        where, name = os.path.split(sub.parts[0])
        base, parts = Path(where or "."), (name,)
    else:
        base, parts = sub.root, sub.parts
    rel = os.path.relpath(os.path.abspath(base), os.path.abspath(folder))
    up = rel.split(os.sep)
    if os.path.isabs(rel) or ".." in up:
        raise UsageError(f"--write-manifest: {sub.label} is not inside {folder}, the manifest's folder (paths in a "
                         "manifest are relative to it); write the manifest in a folder that holds every PATH")
    return (*(p for p in up if p not in ("", ".")), *parts)


def entries(submissions: list[Submission], folder: Path) -> list[dict[str, Any]]:
    """The manifest's rows: each file is read once (bounded, no symlink followed) and hashed."""
    import hashlib

    rows: list[dict[str, Any]] = []
    for sub in submissions:
        path = "/".join(_relative_parts(sub, folder))
        if not sub.gradable:
            rows.append({"id": sub.id, "path": path, "problem": sub.problem,
                         **({"refused": sub.refused} if sub.refused else {})})
            continue
        try:
            raw = sub.read()
        except Refused as err:
            rows.append({"id": sub.id, "path": path, "problem": str(err), "refused": err.reason})
            continue
        rows.append({"id": sub.id, "path": path, "sha256": hashlib.sha256(raw).hexdigest()})
    return rows


def dumps(run: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """The manifest's text: ASCII JSON (file names that are not UTF-8 survive as escapes)."""
    body = ",\n".join("    " + json.dumps(row, sort_keys=True, allow_nan=False) for row in rows)
    head = json.dumps({"kata_manifest": FORMAT, "run": run}, sort_keys=True, allow_nan=False)[:-1]
    return f'{head}, "submissions": [\n{body}\n]}}\n'


# ---------------------------------------------------------------- reading


def read_file(path: Path, label: str = "--manifest") -> Manifest:
    """The manifest at ``path``, validated. Raises ``UsageError`` (one line, naming it)."""
    where = f"{label} {path}"
    try:
        # O_NONBLOCK: opening a FIFO returns at once; fstat then refuses it, a device or a
        # folder before a byte is read (a FIFO would hang, /dev/zero give MAX_BYTES of zeros).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with open(fd, "rb") as f:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            if not stat.S_ISREG(mode):
                raise UsageError(f"{where} is not a regular file (a pipe or a device); give the manifest's file")
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"{where}: no such file; {AGAIN}") from None
    except IsADirectoryError:
        raise UsageError(f"{where} is a folder; give the manifest's file") from None
    except OSError as err:
        raise UsageError(f"{where}: cannot read it ({err.strerror})") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"{where}: more than {MAX_BYTES >> 20} MiB, not a manifest kata wrote")
    try:
        text = data.decode("utf-8")
        raw = json.loads(text, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UsageError(f"{where}: not a kata manifest (not valid JSON); {AGAIN}") from None
    folder = path.parent
    try:
        return _parse(raw, folder)
    except _Bad as err:
        raise UsageError(f"{where}: {err}; {AGAIN}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def _parse(raw: Any, folder: Path) -> Manifest:
    if not isinstance(raw, dict) or raw.get("kata_manifest") != FORMAT:
        raise _Bad(f'not a kata manifest (no "kata_manifest": {FORMAT})')
    _keys(raw, {"kata_manifest", "run", "submissions"}, "the manifest")
    run = _run(raw["run"])
    subs = raw["submissions"]
    if not isinstance(subs, list) or not subs:
        raise _Bad('"submissions" must be a list of at least one submission')
    if len(subs) > MAX_ENTRIES_PER_BATCH:
        raise _Bad(f'more than {MAX_ENTRIES_PER_BATCH} submissions')
    seen_ids: set[str] = set()
    seen_paths: set[tuple[str, ...]] = set()
    result = []
    for n, row in enumerate(subs, 1):
        sub = _submission(row, n, folder)
        if sub.id in seen_ids:
            raise _Bad(f"submission {n}: the id {sub.id!r} is listed twice")
        seen_ids.add(sub.id)
        if sub.frozen:
            if sub.parts in seen_paths:
                raise _Bad(f"submission {n} ({sub.id!r}): its path is listed twice")
            seen_paths.add(sub.parts)
        result.append(sub)
    result.sort(key=lambda s: s.id)
    return Manifest(run, result)


def _keys(obj: dict, allowed: set[str], what: str, required: set[str] | None = None) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise _Bad(f"{what} has an unknown field {unknown[0]!r}")
    missing = sorted((allowed if required is None else required) - set(obj))
    if missing:
        raise _Bad(f"{what} has no {missing[0]!r}")


def _run(run: Any) -> dict[str, Any]:
    from kata.grader.sandbox import MODES
    from kata.lang import LANGS

    if not isinstance(run, dict):
        raise _Bad('"run" must be an object')
    _keys(run, set(_RUN_FIELDS), '"run"')
    for name, kind in _RUN_FIELDS.items():
        value = run[name]
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float
              else isinstance(value, kind) and not isinstance(value, bool))
        if not ok:
            raise _Bad(f'"run"."{name}" must be {"a number" if kind is not str else "a string"}, got {value!r:.40}')
    if not 0 <= run["seed"] < 2**63:
        raise _Bad(f'"run"."seed" must be between 0 and 2**63 - 1, got {run["seed"]}')
    if not (math.isfinite(run["timeout"]) and 0 < run["timeout"] <= 3600):
        raise _Bad(f'"run"."timeout" must be more than 0 and at most 3600 seconds, got {run["timeout"]}')
    if not 256 <= run["memory_mb"] <= 1 << 20:
        raise _Bad(f'"run"."memory_mb" must be between 256 and {1 << 20}, got {run["memory_mb"]}')
    if run["sandbox"] not in MODES:
        raise _Bad(f'"run"."sandbox" must be one of {", ".join(MODES)}, got {run["sandbox"]!r:.40}')
    if run["lang"] not in LANGS:
        raise _Bad(f'"run"."lang" must be one of {", ".join(LANGS)}, got {run["lang"]!r:.40}')
    for name in ("kata", "version"):
        if not run[name] or len(run[name]) > 100 or clean_line(run[name]) != run[name]:
            raise _Bad(f'"run"."{name}" is not a kata id or version: {run[name]!r:.40}')
    return {**run, "timeout": float(run["timeout"])}


def _submission(row: Any, n: int, folder: Path) -> Submission:
    if not isinstance(row, dict):
        raise _Bad(f"submission {n} must be an object")
    sid = row.get("id")
    if not isinstance(sid, str) or not sid or len(sid) > MAX_ID or clean_line(sid) != sid:
        raise _Bad(f'submission {n}: "id" must be a non-empty line of text (at most {MAX_ID} characters)')
    what = f"submission {n} ({sid!r:.60})"
    if "sha256" in row:
        _keys(row, {"id", "path", "sha256"}, what)
        sha = row["sha256"]
        if not isinstance(sha, str) or len(sha) != 64 or not set(sha) <= _HEX:
            raise _Bad(f'{what}: "sha256" must be 64 lowercase hex digits')
        return Submission(sid, folder, _path(row["path"], what), frozen=sha)
    _keys(row, {"id", "path", "problem", "refused"}, what, required={"id", "path", "problem"})
    problem = row["problem"]
    if not isinstance(problem, str) or not problem or len(problem) > MAX_PROBLEM:
        raise _Bad(f'{what}: "problem" must be a non-empty text of at most {MAX_PROBLEM} characters')
    refused = row.get("refused", "")
    if "refused" in row and refused not in REFUSALS:
        raise _Bad(f'{what}: "refused" must be one of {", ".join(REFUSALS)}')
    return Submission(sid, folder, _path(row["path"], what), problem=clean_line(problem, MAX_PROBLEM),
                      refused=refused)


def _path(path: Any, what: str) -> tuple[str, ...]:
    if not isinstance(path, str) or not path:
        raise _Bad(f'{what}: "path" must be a non-empty string')
    if path.startswith("/") or "\\" in path[:1] or (len(path) > 1 and path[1] == ":"):
        raise _Bad(f'{what}: "path" {clean_line(path, 80)!r} is absolute; paths are relative to the manifest\'s folder')
    parts = tuple(path.split("/"))
    if len(parts) > MAX_PATH_PARTS:
        raise _Bad(f'{what}: "path" has more than {MAX_PATH_PARTS} components')
    for part in parts:
        if part in ("", ".", ".."):
            raise _Bad(f'{what}: "path" {clean_line(path, 80)!r} climbs out of the manifest\'s folder or has an '
                       "empty component (only plain names, joined by /)")
        try:
            raw = os.fsencode(part)
        except UnicodeError:
            raise _Bad(f'{what}: "path" has a name that is not a file name') from None
        if b"\0" in raw or len(raw) > 255:
            raise _Bad(f'{what}: "path" has a name that is not a file name')
    return parts
