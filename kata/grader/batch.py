"""Grading many submissions: discovery, sharding, resume, and a warm parallel run.

Each submission is graded exactly as ``kata check`` grades a file (``engine.grade``),
in a child forked from a warm pool slot (``pool``). Anything that goes wrong with one
submission becomes that submission's entry; the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kata.errors import SubmissionError, UsageError
from kata.grader.gradebook import Entry
from kata.grader.limits import Limits

_SKIP_DIRS = {"__pycache__", "node_modules"}
_MAX_SOURCE = 1 << 20


@dataclass
class Submission:
    id: str
    path: Path | None  # None: a student folder with no file to grade
    sha256: str = ""
    problem: str = ""  # why there is no path


# ---------------------------------------------------------------- discovery


def _hidden(path: Path) -> bool:
    return path.name.startswith(".") or path.name in _SKIP_DIRS


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _defines_kata(path: Path, kata_id: str | None) -> bool:
    from kata.exercises import defined_functions, detect, get_kata

    try:
        if path.stat().st_size > _MAX_SOURCE:
            return False
        source = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return False
    if kata_id:
        return get_kata(kata_id).function in defined_functions(source)
    return bool(detect(source))


def _student(folder: Path, sid: str, kata_id: str | None) -> Submission:
    files = sorted(
        (p for p in folder.rglob("*.py")
         if p.is_file() and not any(_hidden(Path(part)) for part in p.relative_to(folder).parts)),
        key=lambda p: (len(p.relative_to(folder).parts), str(p)),
    )
    if not files:
        return Submission(sid, None, problem="the folder holds no .py file")
    if len(files) == 1:
        return Submission(sid, files[0], _sha(files[0]))
    chosen = [p for p in files if _defines_kata(p, kata_id)]
    if not chosen:
        what = f"`{kata_id}`'s function" if kata_id else "a kata function"
        return Submission(sid, None, problem=f"none of the folder's {len(files)} .py files defines {what}")
    return Submission(sid, chosen[0], _sha(chosen[0]))


def discover(paths: Sequence[str | Path], kata_id: str | None = None) -> list[Submission]:
    """Every submission under ``paths``, sorted by id. A folder holds .py files and/or
    one sub-folder per student; a file given directly is its own submission."""
    found: dict[str, Submission] = {}
    for given in paths:
        root = Path(given)
        if root.is_file():
            sid = root.as_posix()
            found[sid] = Submission(sid, root, _sha(root))
        elif root.is_dir():
            for child in sorted(root.iterdir()):
                if _hidden(child):
                    continue
                sid = child.relative_to(root).as_posix()
                if len(paths) > 1:
                    sid = f"{root.as_posix().rstrip('/')}/{sid}"
                if child.is_dir():
                    found[sid] = _student(child, sid, kata_id)
                elif child.suffix == ".py" and child.is_file():
                    found[sid] = Submission(sid, child, _sha(child))
        else:
            raise UsageError(f"{given}: no such file or folder")
    return [found[k] for k in sorted(found)]


def parse_shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        index, _, count = text.partition("/")
        i, n = int(index), int(count)
    except ValueError:
        raise UsageError(f"--shard takes I/N with 1 <= I <= N (like 2/4), got {text!r}") from None
    if not 1 <= i <= n:
        raise UsageError(f"--shard takes I/N with 1 <= I <= N (like 2/4), got {text!r}")
    return i, n


def shard(submissions: list[Submission], which: tuple[int, int] | None) -> list[Submission]:
    """Shard I of N: every N-th submission of the sorted list, starting at the I-th."""
    if which is None:
        return submissions
    i, n = which
    return [s for k, s in enumerate(submissions) if k % n == i - 1]


def reusable(previous: Iterable[Entry], submissions: list[Submission]) -> dict[str, Entry]:
    """Entries of an earlier gradebook whose file is unchanged (same id, same sha256)."""
    current = {s.id: s.sha256 for s in submissions if s.path is not None}
    return {
        e["id"]: e
        for e in previous
        if e.get("sha256") and current.get(e["id"]) == e.get("sha256")
        and not (e.get("error") or {}).get("kind") == "internal"
    }


# ---------------------------------------------------------------- grading one


def _problem_entry(sub: Submission, kata: str, seed: int, kind: str, message: str) -> Entry:
    from kata.grader.report import Report, ReportError

    report = Report(kata=kata, seed=seed, error=ReportError(kind, message))
    return {"id": sub.id, **report.to_dict(), "file": str(sub.path) if sub.path else None, "sha256": sub.sha256}


def grade_one(sub: Submission, kata_id: str | None, seed: int, limits: Limits, spawner=None) -> Entry:
    """Grade one submission; never raises (a grader bug becomes an ``internal`` error)."""
    try:
        return _grade_one(sub, kata_id, seed, limits, spawner)
    except Exception as err:  # one submission never stops the batch
        return _problem_entry(sub, kata_id or "", seed, "internal", f"the grader failed: {type(err).__name__}: {err}")


def _grade_one(sub: Submission, kata_id: str | None, seed: int, limits: Limits, spawner) -> Entry:
    from kata.exercises import detect, get_kata
    from kata.grader.engine import grade, parse_source, read_source

    if sub.path is None:
        return _problem_entry(sub, kata_id or "", seed, "missing-function", sub.problem)
    try:
        raw = read_source(sub.path)
    except SubmissionError as err:
        return _problem_entry(sub, kata_id or "", seed, "import", str(err))
    if kata_id:
        kata = get_kata(kata_id)
    else:
        found = detect(raw.decode("utf-8", errors="replace"))
        if not found:
            _, _, problem = parse_source(raw)
            if problem is not None:
                return _problem_entry(sub, "", seed, problem.kind, problem.message)
            return _problem_entry(sub, "", seed, "missing-function", "the file defines none of the kata functions")
        kata = found[0]
    report = grade(sub.path, kata, seed=seed, limits=limits, spawner=spawner)
    report.file = str(sub.path)
    return {"id": sub.id, **report.to_dict(), "sha256": hashlib.sha256(raw).hexdigest()}


# ---------------------------------------------------------------- the batch


@dataclass
class BatchResult:
    entries: list[Entry] = field(default_factory=list)
    graded: int = 0
    reused: int = 0
    interrupted: bool = False


class Progress:
    """``12/200  58% pass  7.3/s  ETA 0:25`` on one line of a terminal; silent elsewhere."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty() and total > 0
        self.total = total
        self.done = 0
        self.passed = 0
        self.started = time.monotonic()

    def update(self, entry: Entry) -> None:
        self.done += 1
        self.passed += entry.get("status") == "pass"
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        width = 24
        filled = round(width * self.done / self.total)
        bar = "#" * filled + "." * (width - filled)
        line = (f"\r[{bar}] {self.done}/{self.total}  {100 * self.passed / self.done:.0f}% pass  "
                f"{rate:.1f}/s  ETA {int(left) // 60}:{int(left) % 60:02d} ")
        self.stream.write(line)
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def run_batch(
    submissions: list[Submission],
    *,
    kata_id: str | None,
    seed: int,
    limits: Limits,
    jobs: int,
    reuse: dict[str, Entry] | None = None,
    on_entry: Callable[[Entry], None] | None = None,
) -> BatchResult:
    """Grade ``submissions`` on ``jobs`` warm slots. Ctrl-C stops early: the result then
    holds what was finished (``interrupted``), and the children running are killed."""
    from kata.grader.pool import Pool

    reuse = reuse or {}
    result = BatchResult()
    todo = []
    for sub in submissions:
        if sub.id in reuse:
            result.entries.append(reuse[sub.id])
            result.reused += 1
        else:
            todo.append(sub)
    if not todo:
        return result
    jobs = max(1, min(jobs, len(todo)))
    pool = Pool(jobs)
    lock = threading.Lock()

    def task(sub: Submission) -> Entry:
        with pool.slot() as spawner:
            return grade_one(sub, kata_id, seed, limits, spawner)

    executor = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="kata-grade")
    pending: set[Future[Entry]] = set()
    try:
        pending = {executor.submit(task, sub) for sub in todo}
        while pending:
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                entry = future.result()
                with lock:
                    result.entries.append(entry)
                    result.graded += 1
                if on_entry is not None:
                    on_entry(entry)
    except KeyboardInterrupt:
        result.interrupted = True
        pool.abort()
        for future in pending:
            future.cancel()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        pool.close()
    return result


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
