"""Grade one submission file against one kata.

The file is read once; the bytes that are checked statically are the bytes that run.
The submission is imported and called only in a child process (``worker``); expected
values and verdicts exist only here. The checks run in the kata's order against a
shared time budget. A child that dies or times out is replaced for the next check, so
one bad check does not hide what the others would say.
"""

from __future__ import annotations

import ast
import codecs
import math
import re
import os
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from kata.harness.checks import Check, CheckContext, CheckFailed, MemoryLimit
from kata.grader.limits import Limits
from kata.grader.pace import machine_pace
from kata.grader.protocol import Call, CallResult, ProtocolError, answer_limit, decode_call_results, encode_calls
from kata.grader.report import CheckResult, Report, ReportError
from kata.harness.rng import InputRng
from kata.grader.sandbox import SandboxIncomplete, SandboxStatus, require
from kata.grader.source import read_source
from kata.grader.spawn import Spawned, new_workdir, prestart, remove_workdir, shielded
from kata.grader.text import clean_line, clean_text
from kata.harness.messages import Joined, Msg
from kata.grader.worker import ChildDied, ChildFailure, ChildMemory, ChildTimeout, OutputFlood, OverBudget, Worker



class KataSpec(Protocol):
    """What the engine needs from a kata definition."""

    id: str
    function: str
    checks: tuple[Check, ...]


def new_seed() -> int:
    """A random seed in [0, 2**31) (``secrets`` would cost an OpenSSL import)."""
    return int.from_bytes(os.urandom(4), "little") >> 1


def check_rng(seed: int, check_id: str) -> InputRng:
    """Each check has its own stream, so a run is reproducible check by check."""
    return InputRng(seed, zlib.crc32(check_id.encode()))


class _SetupFailed(Exception):
    def __init__(self, error: ReportError) -> None:
        super().__init__(error.message)
        self.error = error


class Session:
    """The child process (or its successors) for one submission, and the time budget."""

    def __init__(
        self,
        source_path: Path,
        raw: bytes,
        functions: Sequence[str],
        limits: Limits,
        prestarted: Spawned | None = None,
        spawner: Spawner | None = None,
    ) -> None:
        self.limits = limits
        self._spawner = spawner
        self.functions = list(functions)
        self.deadline = time.monotonic() + limits.timeout
        self._prestarted = prestarted
        self._workdir = prestarted.workdir if prestarted else new_workdir()
        self._path = self._workdir / "submission.py"
        self._display = source_path.name
        self._raw = raw  # the bytes read once: what was parsed is what runs, in every child
        self._worker: Worker | None = None
        self._outputs: list[tuple[str, str]] = []
        self.sandbox: SandboxStatus | None = None  # the weakest of its children's
        self._check_deadline: float | None = None  # while a check runs: the end of its window
        self._check_budget = 0.0  # what was left of the budget when that check began
        self._called = False  # whether the function was ever called,
        self._returned = False  # and ever returned (``hand-written`` needs both)
        self._stopped_at_budget = False  # the child was stopped by a call's CPU budget

    # -- lifecycle

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _request_deadline(self) -> float:
        if self._check_deadline is not None:
            return self._check_deadline
        return min(self.deadline, time.monotonic() + self.limits.check_timeout)

    def begin_check(self) -> None:
        """A check gets ``check_timeout`` for all its calls together (less if the budget
        has less left)."""
        self._check_budget = self.remaining()
        self._check_deadline = min(self.deadline, time.monotonic() + self.limits.check_timeout)

    def end_check(self, *, full_charge: bool = False) -> None:
        """``full_charge``: the check ended by running out of time or memory, and costs
        the budget its whole window, however long it really took. How fast a machine
        faults in pages then decides no later verdict: the same seed gives the same
        checks run, and the budget still bounds the wall-clock time."""
        if full_charge:
            window = min(self.limits.check_timeout, max(self._check_budget, 0.0))
            self.deadline = min(self.deadline, time.monotonic() + self._check_budget - window)
        self._check_deadline = None

    def start(self) -> None:
        """Start a child, set its limits and import the submission in it.
        Raises ``_SetupFailed``."""
        cpu = math.ceil(max(self.remaining(), 0.0)) + 1
        # Written afresh for each child: one that replaced the file cannot feed its successor.
        self._path.unlink(missing_ok=True)
        self._path.write_bytes(self._raw)
        # The child's own start (a fork of a warm process, or an interpreter and numpy,
        # before any of the submission runs) is the grader's cost, not the submission's:
        # it has a window of its own, and the budget is moved on by what it took, so a
        # busy machine changes no verdict.
        began = time.monotonic()
        spawned = self._prestarted
        if spawned is None and self._spawner is not None:
            spawned = self._spawner(self._workdir)
        worker = Worker(self.limits, self._workdir, spawned=spawned)
        self._prestarted = None
        self._worker = worker
        header = self._startup_request(self.limits.setup_request(cpu), "doing-start", "timeout-hint-start",
                                       deadline=began + self.limits.startup_timeout)
        spent = time.monotonic() - began
        self.deadline += spent
        if self._check_deadline is not None:
            self._check_deadline += spent
        if header.get("ok") is not True:
            self.stop()
            raise _SetupFailed(ReportError.said("crash", Msg("setup-refused")))
        status = SandboxStatus.parse(header.get("sandbox"))
        self.sandbox = status if self.sandbox is None else self.sandbox.weakest(status)
        try:
            require(status, self.limits.sandbox)  # before the submission is even read
        except SandboxIncomplete:
            self.stop()
            raise
        header = self._startup_request(
            {"op": "load", "path": str(self._path), "functions": self.functions, "display": self._display},
            "doing-import",
            "timeout-hint-import",
        )
        if header.get("ok") is not True:
            self.stop()
            exc_type = clean_text(str(header.get("exc_type", "")), 120)
            exc_msg = clean_text(str(header.get("exc_msg", "")), 1000)
            tb = clean_text(str(header.get("traceback", "")), 4000).strip()
            if exc_type == "MemoryError":
                raise _SetupFailed(ReportError.said("memory", Msg("import-memory")))
            message: Any = Msg("import-raised", exc=f"{exc_type}: {exc_msg}".rstrip(": "))
            if exc_type == "SystemExit":
                message = Msg("import-sys-exit")
            elif exc_type == "ModuleNotFoundError" and self._missing_module(exc_msg):
                message = Joined((message, "\n", Msg("import-missing-module", module=self._missing_module(exc_msg))))
                if tb:
                    message = Joined((message, "\n" + tb))
            elif tb:
                message = Joined((message, "\n" + tb))
            raise _SetupFailed(ReportError.said("import", message))
        found = header.get("found")
        if not isinstance(found, dict):
            self.stop()
            raise _SetupFailed(ReportError.said("crash", Msg("malformed-answer")))
        for name in self.functions:
            state = found.get(name)
            if state == "callable":
                continue
            self.stop()
            message = Msg("not-a-function" if state == "not-callable" else "function-missing", name=name)
            raise _SetupFailed(ReportError.said("missing-function", message))

    @staticmethod
    def _missing_module(exc_msg: str) -> str | None:
        """The module a ModuleNotFoundError names (``No module named 'torch'``), if any."""
        head, _, rest = exc_msg.partition("'")
        name = rest.partition("'")[0]
        return name.split(".")[0] if head.startswith("No module named") and name else None

    def _startup_request(
        self, request: dict[str, Any], doing: str, timeout_hint: str, deadline: float | None = None
    ) -> dict[str, Any]:
        assert self._worker is not None
        try:
            header, _ = self._worker.request(request, b"", deadline or self._request_deadline())
        except ChildTimeout:
            self.stop()
            raise _SetupFailed(
                ReportError.said("timeout", Msg("setup-timeout", doing=Msg(doing), hint=Msg(timeout_hint)))
            ) from None
        except ChildFailure as err:
            self.stop()
            kind = "memory" if isinstance(err, ChildMemory) else "crash"
            raise _SetupFailed(ReportError.said(kind, Msg("setup-failed", doing=Msg(doing), how=err.message))) from None
        except ProtocolError as err:
            self.stop()
            raise _SetupFailed(ReportError.said("crash", Msg("setup-invalid", doing=Msg(doing), detail=str(err)))) from None
        return header

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._outputs.append((self._worker.stdout.text(), self._worker.stderr.text()))
            self._worker = None

    def close(self) -> None:
        self.stop()
        if self._prestarted is not None:  # never used: the file had no valid setup
            self._prestarted.discard()
            self._prestarted = None
        remove_workdir(self._workdir)

    @property
    def alive(self) -> bool:
        return self._worker is not None and self._worker.alive

    # -- calls

    def call(self, function: str, calls: list[Call]) -> list[CallResult]:
        """The calls' results. Calls without a CPU budget go to the child together; one
        with a budget goes alone, and is measured from here (``Worker.request``)."""
        results: list[CallResult] = []
        batch: list[Call] = []
        for call in calls:
            if call.cpu_budget is None:
                batch.append(call)
                continue
            if batch:
                results += self._request(function, batch)
                batch = []
            results.append(self._budgeted(function, call))
        if batch:
            results += self._request(function, batch)
        return results

    def _request(self, function: str, calls: list[Call]) -> list[CallResult]:
        self._replace_stopped()
        if self._worker is None:
            raise ChildDied(Msg("child-gone"))
        header, payload = encode_calls(function, calls)
        self._called = True
        answer, data = self._worker.request(header, payload, self._request_deadline(), answer_limit(calls))
        results = decode_call_results(answer, data, calls)
        self._returned = self._returned or any(r.ok for r in results)
        return results

    def _budgeted(self, function: str, call: Call) -> CallResult:
        """One call with a CPU budget. Over it, the result says so (the check that asked
        teaches why); a child stopped at the budget is replaced when the next call comes,
        so the calls and checks after it run as they would have."""
        self._replace_stopped()
        if self._worker is None:
            raise ChildDied(Msg("child-gone"))
        assert call.cpu_budget is not None
        budget = call.cpu_budget * machine_pace()  # reference seconds, in this machine's
        header, payload = encode_calls(function, [call])
        self._called = True
        worker = self._worker
        try:
            answer, data = worker.request(header, payload, self._request_deadline(), answer_limit([call]),
                                          cpu_budget=budget)
        except OverBudget as over:
            self.stop()
            self._stopped_at_budget = True
            return CallResult(ok=False, over_budget=True, cpu=over.cpu)
        used = worker.last_cpu
        if used is not None and used > budget:  # it answered, but after its budget ran out
            return CallResult(ok=False, over_budget=True, cpu=used)
        result = decode_call_results(answer, data, [call])[0]
        self._returned = self._returned or result.ok
        return CallResult(ok=result.ok, value=result.value, warnings=result.warnings, args_after=result.args_after,
                          threads=result.threads, exc_type=result.exc_type, exc_msg=result.exc_msg,
                          traceback=result.traceback, cpu=used)

    def _replace_stopped(self) -> None:
        if self._worker is not None or not self._stopped_at_budget:
            return
        self._stopped_at_budget = False
        try:
            self.start()
        except _SetupFailed as failed:
            raise ChildDied(failed.error.message) from None

    def never_returned(self) -> bool:
        return self._called and not self._returned

    def loaded_modules(self) -> list[str] | None:
        if not self.alive:
            return None
        assert self._worker is not None
        try:
            header, _ = self._worker.request({"op": "modules"}, b"", self._request_deadline())
        except (ChildFailure, ProtocolError):
            return None
        names = header.get("modules")
        if not isinstance(names, list):
            return None
        return [clean_text(n, 200) for n in names[:5000] if isinstance(n, str)]

    def output(self) -> str:
        stdout = "".join(out for out, _ in self._outputs if out)
        stderr = "".join(err for _, err in self._outputs if err)
        if stderr:
            stdout += ("\n" if stdout and not stdout.endswith("\n") else "") + "[stderr]\n" + stderr
        return stdout


def probe_sandbox(limits: Limits | None = None) -> SandboxStatus:
    """Start a child, ask which protections it has in force, and end it: what every
    submission would get on this machine. Runs no submitted code."""
    limits = limits or Limits()
    spawned = prestart()
    worker = Worker(limits, spawned.workdir, spawned=spawned)
    try:
        header, _ = worker.request(limits.setup_request(10), b"", time.monotonic() + 30)
        return SandboxStatus.parse(header.get("sandbox"))
    except (ChildFailure, ProtocolError):
        return SandboxStatus.parse(None)
    finally:
        worker.close()
        remove_workdir(spawned.workdir)


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")


def coding_problem(raw: bytes) -> Msg | None:
    """Why the file's coding line (PEP 263, as Python reads it: line 1, or line 2 after
    a blank or comment line) stops kata from reading it as the text Python would run:
    any encoding but UTF-8 is refused, so that the checked text is the text that runs."""
    lines = raw.split(b"\n", 2)[:2]
    for number, line in enumerate(lines, 1):
        found = _COOKIE.match(line)
        if found:
            name = found.group(1).decode("ascii", "replace")
            try:
                canonical = codecs.lookup(name).name
            except LookupError:
                return Msg("bad-coding-line", detail=clean_line(name, 80))
            if canonical != "utf-8":
                return Msg("coding-cookie", line=number, encoding=clean_line(name, 80))
            return None
        if not _BLANK_OR_COMMENT.match(line):
            return None
    return None


def parse_source(raw: bytes) -> tuple[str, ast.Module | None, ReportError | None]:
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return "", None, ReportError.said("syntax", Msg("not-utf8", byte=err.start))
    cookie = coding_problem(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw)
    if cookie is not None:
        return source, None, ReportError.said("syntax", cookie)
    try:
        tree = ast.parse(source, filename="submission.py")
    except SyntaxError as err:
        where = Msg("at-line-column", line=err.lineno, column=err.offset) if err.offset else Msg(
            "at-line", line=err.lineno)
        line = (err.text or "").rstrip()
        message: Any = Joined((where, f": {clean_line(str(err.msg), 300)}"))
        if line:
            message = Joined((message, f"\n    {clean_line(line.strip(), 300)}"))
        return source, None, ReportError.said("syntax", message)
    except (ValueError, RecursionError, MemoryError) as err:
        return source, None, ReportError.said("syntax", Msg("cannot-parse", detail=str(err)))
    return source, tree, None


ProgressCallback = Callable[[CheckResult], None]
# How a child is started: ``spawn.spawn`` by default, a warm pool's slot in ``kata grade``.
Spawner = Callable[[Path], Spawned]


def grade(
    path: str | Path,
    kata: KataSpec,
    *,
    seed: int | None = None,
    limits: Limits | None = None,
    checks: Sequence[Check] | None = None,
    on_check: ProgressCallback | None = None,
    prestarted: Spawned | None = None,
    spawner: Spawner | None = None,
    raw: bytes | None = None,
) -> Report:
    """Grade the file at ``path``. Raises ``SubmissionError`` if it cannot be read, and
    ``SandboxIncomplete`` if ``limits.sandbox`` is strict and the kernel falls short.
    ``raw``: the file's bytes, read already (``source.read_source``): then they are what
    is checked and run, and ``path`` only names the file.

    ``prestarted`` is a child started ahead with ``spawn.prestart``; grade takes it over
    (and disposes of it, even if the file never gets to run). ``spawner`` starts every
    other child this submission needs (``pool.Pool.slot`` hands out a warm one)."""
    started = time.monotonic()
    limits = limits or Limits()
    seed = new_seed() if seed is None else seed
    checks = list(kata.checks if checks is None else checks)
    report = Report(kata=kata.id, seed=seed)
    with shielded():
        if prestarted is not None:
            prestarted.taken = True  # from here on, disposing of it is this function's job
        try:
            if raw is None:
                raw = read_source(Path(path))
            source, tree, problem = parse_source(raw)
            if problem is None:
                session = Session(Path(path), raw, [kata.function], limits, prestarted, spawner)
            elif prestarted is not None:
                prestarted.discard()
        except BaseException:
            if prestarted is not None:
                prestarted.discard()
            raise
    if problem is not None:
        report.error = problem
        report.checks = [CheckResult.said(c.id, "skipped", Msg("skipped-syntax")) for c in checks]
        report.duration_ms = round((time.monotonic() - started) * 1000)
        return report
    try:
        _run_checks(session, kata, checks, seed, source, report, on_check)
    except SandboxIncomplete:
        raise
    except Exception as err:  # a bug in a check or in the grader: never a pass
        report.error = ReportError.said("internal", Msg("grader-failed", error=f"{type(err).__name__}: {err}"))
    finally:
        with shielded():
            session.close()
        report.output = session.output()
        report.duration_ms = round((time.monotonic() - started) * 1000)
        if session.sandbox is not None:
            report.sandbox = list(session.sandbox.in_force)
            report.sandbox_missing = session.sandbox.missing_list()
    return report


def _run_checks(session, kata, checks, seed, source, report, on_check) -> None:
    earlier: dict[str, str] = {}  # check id -> status, for the checks that come after
    causes: dict[Any, str] = {}  # what made a check fail -> the first check it made fail

    def record(result: CheckResult) -> None:
        report.checks.append(result)
        earlier[result.id] = str(result.status)
        if on_check is not None:
            on_check(result)

    try:
        session.start()
    except _SetupFailed as failed:
        report.error = failed.error
        for check in checks:
            skipped = CheckResult.said(check.id, "skipped", Msg("skipped-setup", kind=str(failed.error.kind)))
            if check.needs_child:
                record(skipped)
                continue
            # It reads the source only: what it finds (a library import) is worth saying,
            # but nothing ran, so there is no pass to give.
            result = _run_one(session, kata, check, seed, source, earlier, causes)
            record(skipped if result.status == "pass" else result)
        return
    for check in checks:
        if check.needs_child and session.remaining() <= 0.05:
            record(CheckResult.said(check.id, "skipped", _budget_message(session)))
            continue
        if check.needs_child and not session.alive:
            try:
                session.start()
            except _SetupFailed as failed:
                record(CheckResult.said(check.id, "error", Msg("restart-failed", error=failed.error.message)))
                continue
        record(_run_one(session, kata, check, seed, source, earlier, causes))


def _budget_message(session: Session) -> Msg:
    window = min(session.limits.check_timeout, session.limits.timeout)
    return Msg("skipped-budget", budget=f"{session.limits.timeout:g}", window=f"{window:g}")


def _run_one(session, kata, check, seed, source, earlier, causes) -> CheckResult:
    session.begin_check()
    result = _judge_one(session, kata, check, seed, source, earlier, causes)
    session.end_check(full_charge=result.status in ("timeout", "memory"))
    return result


def _judge_one(session, kata, check, seed, source, earlier, causes) -> CheckResult:
    ctx = CheckContext(session, kata.function, check_rng(seed, check.id), source, dict(earlier), check.id)
    try:
        check.run(ctx)
    except CheckFailed as failed:
        if failed.cause is not None and failed.cause in causes:  # said once, where it first showed
            return CheckResult.said(check.id, "skipped", Msg("same-cause", check=causes[failed.cause]),
                                    tried=failed.tried)
        if failed.cause is not None:
            causes[failed.cause] = check.id
        return CheckResult.said(check.id, "fail", failed.message, hint=failed.hint, tried=failed.tried,
                                got=failed.got, expected=failed.expected, mismatch=failed.mismatch)
    except MemoryLimit as err:
        return CheckResult.said(check.id, "memory", Joined((err.message, "\n", Msg("out-of-memory",
                                limit=session.limits.memory_mb))))
    except ChildMemory as err:
        session.stop()
        return CheckResult.said(check.id, "memory", Msg("memory-at-deadline", how=err.message))
    except ChildTimeout:
        session.stop()
        limit = min(session.limits.check_timeout, session.limits.timeout)
        return CheckResult.said(check.id, "timeout", Msg("check-timeout", limit=f"{limit:g}"))
    except OutputFlood as err:
        session.stop()
        return CheckResult.said(check.id, "error", Msg("check-output-flood", how=err.message))
    except ChildFailure as err:
        session.stop()
        # A child that dies the same way again (the same exit status or signal) is said
        # once: the checks after it point to the first, as for a repeated exception.
        cause = ("child-failed", str(err.message))
        if cause in causes:
            return CheckResult.said(check.id, "skipped", Msg("same-cause", check=causes[cause]))
        causes[cause] = check.id
        return CheckResult.said(check.id, "error", Msg("check-child-failed", how=err.message))
    except ProtocolError as err:
        session.stop()
        return CheckResult.said(check.id, "error", Msg("check-invalid-answer", detail=str(err)))
    return CheckResult(check.id, "pass", "")
