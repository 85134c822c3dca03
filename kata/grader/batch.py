"""Grading many submissions: discovery, sharding, resume, and a warm parallel run.

Each submission is graded exactly as ``kata check`` grades a file (``engine.grade``),
in a child forked from a warm zygote (``pool``). The grading itself runs in ``-j``
driver processes forked from this one (one zygote each), so the checks' Python runs on
every core and a submission that kills the process grading it takes only itself down:
the driver is replaced and the submission is a ``crash``. Anything that goes wrong
with one submission becomes that submission's entry; the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kata.errors import NoKata
from kata.lang import DEFAULT
from kata.grader.discovery import Discovered, Submission, discover
from kata.grader.entry import Entry
from kata.grader.katas import KataSource
from kata.grader.limits import Limits
from kata.grader.shards import parse_shard

__all__ = ["BatchResult", "Discovered", "Progress", "Submission", "discover", "grade_one", "parse_shard",
           "reusable", "run_batch", "shard"]  # fmt: skip

def shard(submissions: list[Submission], which: tuple[int, int] | None) -> list[Submission]:
    """Shard I of N: every N-th submission of the sorted list, starting at the I-th."""
    if which is None:
        return submissions
    i, n = which
    return [s for k, s in enumerate(submissions) if k % n == i - 1]


def reusable(
    previous: Iterable[Entry], submissions: list[Submission], key: dict | None = None, *, strict: bool = False
) -> tuple[dict[str, Entry], dict[str, str]]:
    """Entries of an earlier run that can stand: the same id and the same file (sha256),
    graded the same way (``journal.run_key``; not checked when ``key`` is None); with
    ``strict``, only those graded with every protection in force (or not run at all).
    Also returns, for each id of the batch that had an entry but is graded again, why."""
    from kata.grader.journal import stale_because

    current = {s.id: s.sha256 for s in submissions if s.gradable and s.sha256}
    wanted = {s.id for s in submissions}
    reuse: dict[str, Entry] = {}
    stale: dict[str, str] = {}
    for e in previous:  # later entries (the journal) win over earlier ones
        sid = e.id
        if sid not in wanted:
            continue
        why = None
        if not e.sha256 or current.get(sid) != e.sha256:
            why = "the file changed"
        elif e.error_kind == "internal":
            why = "it ended in an internal error"
        elif strict and not _fully_sandboxed(e):
            why = "it was graded without every protection (--sandbox strict)"
        elif key is not None:
            why = stale_because(e, key)
        if why is None:
            reuse[sid] = e
            stale.pop(sid, None)
        else:
            reuse.pop(sid, None)
            stale[sid] = why
    return reuse, stale


def _fully_sandboxed(entry: Entry) -> bool:
    from kata.grader.sandbox import REQUIRED, required_gaps

    in_force = entry.sandbox
    if in_force is None or required_gaps(entry.sandbox_missing):
        return False
    return not in_force or set(REQUIRED) <= set(in_force)  # empty: no code of it ever ran


# ---------------------------------------------------------------- grading one


def _problem_entry(sub: Submission, kata: str, seed: int, kind: str, message: str) -> Entry:
    from kata.grader.report import Report, ReportError

    report = Report(kata=kata, seed=seed, error=ReportError(kind, message))
    return Entry.from_report(report, id=sub.id, sha256=sub.sha256 or "", file=sub.label)


# Why a submission of a manifest is not graded (``refused: <reason> (...)``).
CHANGED = "changed since the manifest"
MISSING = "missing"


def unfrozen(entry: Entry) -> bool:
    """Whether ``entry`` is a manifest's file that changed or went missing."""
    message = entry.error.message if entry.error is not None and entry.error.kind == "refused" else ""
    return message.startswith((f"refused: {CHANGED} (", f"refused: {MISSING} ("))


def _exists(sub: Submission) -> bool:
    path = Path(sub.parts[0]) if sub.root is None else sub.root.joinpath(*sub.parts)
    return os.path.lexists(path)


def _refused(reason: str, detail: str) -> str:
    return f"refused: {reason} ({detail})"


def grade_one(
    sub: Submission, katas: KataSource, kata_id: str | None, seed: int, limits: Limits, spawner=None,
    lang: str = DEFAULT,
) -> Entry:
    """Grade one submission; never raises (a grader bug becomes an ``internal`` error)."""
    from kata.grader.sandbox import SandboxIncomplete

    try:
        return _grade_one(sub, katas, kata_id, seed, limits, spawner, lang)
    except SandboxIncomplete as err:  # --sandbox strict: not run at all
        return _problem_entry(sub, kata_id or "", seed, "internal", str(err))
    except Exception as err:  # noqa: BLE001 - one submission never stops the batch
        return _problem_entry(sub, kata_id or "", seed, "internal", f"the grader failed: {type(err).__name__}: {err}")


def _grade_one(
    sub: Submission, katas: KataSource, kata_id: str | None, seed: int, limits: Limits, spawner, lang: str
) -> Entry:
    from kata.grader.engine import grade, parse_source
    from kata.grader.source import Refused

    if sub.refused:
        return _problem_entry(sub, kata_id or "", seed, "refused", _refused(sub.refused, sub.problem))
    if sub.problem:
        return _problem_entry(sub, kata_id or "", seed, "missing-function", sub.problem)
    try:
        raw = sub.read()  # the bytes that are hashed, detected, parsed and run: read once
    except Refused as err:
        sub.sha256 = ""  # nothing was read: no earlier verdict of these bytes stands for it
        if sub.frozen and not _exists(sub):
            return _problem_entry(sub, kata_id or "", seed, "refused",
                                  _refused(MISSING, "it is in the manifest, but no longer there"))
        return _problem_entry(sub, kata_id or "", seed, "refused", _refused(err.reason, str(err)))
    sub.sha256 = hashlib.sha256(raw).hexdigest()
    if sub.frozen and sub.sha256 != sub.frozen:  # never graded as something else than what was frozen
        return _problem_entry(sub, kata_id or "", seed, "refused", _refused(
            CHANGED, f"its sha256 is {sub.sha256[:12]}..., the manifest has "
            f"{sub.frozen[:12]}...; write the manifest again to grade the new file"))
    if kata_id:
        kata = katas.get_kata(kata_id)
    else:
        try:
            kata = katas.pick(raw.decode("utf-8", errors="replace"), sub.parts[-1])
        except NoKata as err:
            _, _, problem = parse_source(raw)
            if err.kind == "syntax" and problem is not None:
                return _problem_entry(sub, "", seed, problem.kind, problem.message)
            return _problem_entry(sub, "", seed, err.kind, f"the file {err}")
    report = grade(Path(sub.label), kata, seed=seed, limits=limits, spawner=spawner, raw=raw)
    report.file = sub.label
    return Entry.from_report(report.in_lang(lang), id=sub.id, sha256=sub.sha256)


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
        self.passed += entry.status == "pass"
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
    katas: KataSource,
    kata_id: str | None,
    seed: int,
    limits: Limits,
    jobs: int,
    lang: str = DEFAULT,
    reuse: dict[str, Entry] | None = None,
    on_entry: Callable[[Entry], None] | None = None,
) -> BatchResult:
    """Grade ``submissions`` on ``jobs`` warm slots. Ctrl-C stops early: the result then
    holds what was finished (``interrupted``), and the children running are killed."""
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
    if hasattr(os, "fork"):
        _run_drivers(todo, katas, kata_id, seed, limits, lang, jobs, result, on_entry)
    else:
        _run_here(todo, katas, kata_id, seed, limits, lang, result, on_entry)
    return result


def _record(result: BatchResult, entry: Entry, on_entry: Callable[[Entry], None] | None) -> None:
    result.entries.append(entry)
    result.graded += 1
    if on_entry is not None:
        on_entry(entry)


def _run_here(todo, katas, kata_id, seed, limits, lang, result, on_entry) -> None:
    """One slot, in this process."""
    from kata.grader.pool import Pool

    pool = Pool(1)
    try:
        for sub in todo:
            with pool.slot() as spawner:
                entry = grade_one(sub, katas, kata_id, seed, limits, spawner, lang)
            _record(result, entry, on_entry)
    except KeyboardInterrupt:
        result.interrupted = True
        pool.abort()
    finally:
        pool.close()


# -- parallel: one driver process per slot
#
# The grader's own side of a check (references, comparisons, messages) is Python and
# holds the GIL, so threads would grade one submission at a time. Each slot is a
# forked driver process instead, with its own zygote; it takes submission numbers on
# one pipe and sends each entry back as a JSON line on another. Drivers run only
# grader code: the submissions still run in the zygotes' forks.


def _die_with(parent: int) -> None:
    """SIGTERM when the batch's process dies, however it dies (SIGKILL included), so
    the driver ends its children and removes its folders instead of grading on."""
    import signal

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


def _driver(task_r: int, result_w: int, todo, katas, kata_id, seed, limits, lang) -> None:
    import json
    import signal

    from kata.grader.pool import Pool

    pool = Pool(1)

    def stop(*_: object) -> None:
        pool.abort()  # kill the running child now, then unwind so its folder is removed
        raise SystemExit(1)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal's Ctrl-C is the parent's to handle
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # so is a closed terminal
    signal.signal(signal.SIGTERM, stop)
    tasks = os.fdopen(task_r, "r", encoding="ascii")
    out = os.fdopen(result_w, "w", encoding="utf-8")
    try:
        for line in tasks:
            i = int(line)
            with pool.slot() as spawner:
                entry = grade_one(todo[i], katas, kata_id, seed, limits, spawner, lang)
            out.write(json.dumps({"i": i, "entry": entry.to_json()}) + "\n")
            out.flush()
    finally:
        pool.close()


def _run_drivers(todo, katas, kata_id, seed, limits, lang, jobs, result, on_entry) -> None:
    import json
    import selectors
    import signal

    from kata.grader.spawn import private_folder, remove_workdir

    drivers: dict[int, dict] = {}  # result fd -> {pid, task_w, buffer, current}
    selector = selectors.DefaultSelector()
    queue_ = list(range(len(todo)))[::-1]

    def dispatch(driver: dict) -> None:
        if queue_ and driver["task_w"] is not None:
            driver["current"] = queue_.pop()
            try:
                os.write(driver["task_w"], f"{driver['current']}\n".encode())
            except BrokenPipeError:  # it just died: the task goes back, its end of file follows
                queue_.append(driver["current"])
                driver["current"] = None
                os.close(driver["task_w"])
                driver["task_w"] = None
        else:
            driver["current"] = None
            if driver["task_w"] is not None:
                os.close(driver["task_w"])
                driver["task_w"] = None

    def start_driver() -> dict:
        # The driver's work folders go in a folder of its own, which this process
        # removes once the driver is gone, however it went.
        home = private_folder("kata-grade")
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the driver
            code = 3
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler
                _die_with(parent)
                os.environ["TMPDIR"] = str(home)
                os.close(task_w)
                os.close(result_r)
                for fd, other in drivers.items():
                    os.close(fd)
                    if other["task_w"] is not None:
                        os.close(other["task_w"])
                _driver(task_r, result_w, todo, katas, kata_id, seed, limits, lang)
                code = 0
            finally:
                remove_workdir(home)  # if the batch's process is gone, nobody else will
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        drivers[result_r] = {"pid": pid, "task_w": task_w, "buffer": b"", "current": None, "home": home}
        selector.register(result_r, selectors.EVENT_READ)
        return drivers[result_r]

    restarts = 0
    try:
        for _ in range(jobs):
            start_driver()
        for driver in drivers.values():
            dispatch(driver)
        while drivers:
            for key, _ in selector.select():
                fd = key.fd
                driver = drivers[fd]
                chunk = os.read(fd, 1 << 20)
                if not chunk:  # the driver is gone
                    selector.unregister(fd)
                    os.close(fd)
                    del drivers[fd]
                    if driver["task_w"] is not None:
                        os.close(driver["task_w"])
                    os.waitpid(driver["pid"], 0)
                    remove_workdir(driver["home"])
                    if driver["current"] is not None:
                        sub = todo[driver["current"]]
                        _record(result, _problem_entry(sub, kata_id or "", seed, "crash",
                                                       "the grader's worker process ended while grading this file"),
                                on_entry)
                    if queue_ and restarts < len(todo):  # a fresh driver takes its place
                        restarts += 1
                        dispatch(start_driver())
                    continue
                driver["buffer"] += chunk
                *lines, driver["buffer"] = driver["buffer"].split(b"\n")
                for line in lines:
                    message = json.loads(line)
                    if message.get("i") == driver["current"]:
                        _record(result, Entry.from_json(message["entry"]), on_entry)
                        dispatch(driver)
        for i in reversed(queue_):  # only if drivers kept dying: never silently missing
            _record(result, _problem_entry(todo[i], kata_id or "", seed, "crash",
                                           "not graded: the grader's worker processes kept ending"), on_entry)
        queue_.clear()
    except KeyboardInterrupt:
        result.interrupted = True
        for driver in drivers.values():
            try:
                os.kill(driver["pid"], signal.SIGTERM)
            except ProcessLookupError:
                pass
        for driver in drivers.values():
            os.waitpid(driver["pid"], 0)
            remove_workdir(driver["home"])
    finally:
        for fd, driver in drivers.items():
            for d in (fd, driver["task_w"]):
                if d is not None:
                    try:
                        os.close(d)
                    except OSError:
                        pass
        selector.close()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
