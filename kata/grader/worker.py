"""A child process that runs one submission, and the limits it runs under.

The grader talks to the child over two private pipes (see ``protocol``). The child's
stdout and stderr are separate pipes, read into bounded buffers and never parsed.
Each request has a wall-clock deadline; past it, or past the output cap, the whole
process group is killed. ``close()`` always kills the group and reaps the child.
"""

from __future__ import annotations

import errno
import os
import selectors
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from kata.grader.limits import Limits
from kata.grader.procs import TICKS, peak_resident_bytes, tree, user_ticks
from kata.harness.messages import Msg
from kata.grader.protocol import HEADER, MAX_ANSWER_HEADER, ProtocolError, decode_header, encode_frame
from kata.grader.spawn import Spawned, spawn

__all__ = ["ChildDied", "ChildFailure", "ChildMemory", "ChildTimeout", "Limits", "OutputFlood", "OverBudget",
           "Worker"]

# In the last second before a deadline the grader samples the peak resident memory of
# the child's process tree. A peak that rose by GROWTH_BYTES means the code was still
# allocating: where page faults are slow (a busy virtual machine), a memory bomb reaches
# its time limit before its memory limit, and its verdict must not depend on that. Code
# that only computes, or whose temporaries come and go, leaves the peak where it was
# and keeps the verdict ``timeout``.
MEMORY_WINDOW = 1.0
GROWTH_BYTES = 8 << 20
# The first sample waits until a request has run this long (or half its time, if it has
# less): almost every request is answered in a few milliseconds, and a sample reads
# /proc for every process on the machine. A memory bomb grows for far longer than this.
QUICK_ANSWER = 0.05
# A request with a CPU budget: how often the grader reads the CPU time of the child's
# processes (from /proc, never from the child), and how often it looks for new ones.
BUDGET_POLL = 0.02
TREE_RESCAN = 0.25

class ChildFailure(Exception):
    """The child did not produce a complete answer; ``message`` says how, in words of
    every language (``str()`` is the English)."""

    status = "error"

    def __init__(self, message: object = "") -> None:
        super().__init__(str(message))
        self.message = message


class ChildTimeout(ChildFailure):
    status = "timeout"


class OverBudget(ChildFailure):
    """A request with a CPU budget used more; the child was stopped. ``cpu``: the CPU
    seconds it had used when the grader measured it."""

    status = "fail"

    def __init__(self, cpu: float) -> None:
        super().__init__(Msg("time-limit"))
        self.cpu = cpu


class ChildMemory(ChildFailure):
    status = "memory"


class ChildDied(ChildFailure):
    status = "error"


class OutputFlood(ChildFailure):
    status = "error"


_SIGNAL_MEANING = {
    "SIGSEGV": "exit-segfault",
    "SIGABRT": "exit-abort",
    "SIGBUS": "exit-bus-error",
    "SIGFPE": "exit-fpe",
    "SIGKILL": "exit-kill",
    "SIGXFSZ": "exit-file-size",
}


def describe_exit(returncode: int | None) -> Msg:
    """How a process ended, in words (``was killed by SIGSEGV (a segmentation fault)``)."""
    if returncode is None:
        return Msg("exit-none")
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return Msg("exit-signal", signal=name, meaning=Msg(_SIGNAL_MEANING.get(name, "exit-other-signal")))
    return Msg("exit-status", code=returncode)


class _CpuMeter:
    """The user CPU time a child's process tree has used since the meter was made, read
    by the grader from /proc (``user_ticks``). The tree is looked up again now and then
    (a fork shows up); a process that ended has its time in its parent's
    reaped-children fields, if its parent waited for it. The count never goes down: each
    process keeps the most it was seen to have used, so that one which ends without
    being waited for (its parent ignores SIGCHLD) takes away nothing, and one that ran
    before the call and is ended during it gives the call no credit."""

    def __init__(self, root: int) -> None:
        self._root = root
        self._pids = tree(root)
        self._found = time.monotonic()
        self._start = user_ticks(self._pids)
        self._most = dict(self._start)

    def used(self) -> float:
        if time.monotonic() - self._found > TREE_RESCAN:
            self._pids = tree(self._root)
            self._found = time.monotonic()
        for key, ticks in user_ticks(self._pids).items():
            if ticks > self._most.get(key, 0):
                self._most[key] = ticks
        used = sum(ticks - self._start.get(key, 0) for key, ticks in self._most.items())
        return max(0, used) / TICKS


class _Stream:
    """A bounded capture of one output stream."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.data = bytearray()
        self.total = 0

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.keep - len(self.data)
        if room > 0:
            self.data += chunk[:room]

    def text(self) -> str:
        text = self.data.decode("utf-8", errors="replace")
        if self.total > len(self.data):
            text += f"\n[... output truncated: {self.total - len(self.data)} more bytes]"
        return text


class Worker:
    """One child process running one submission."""

    def __init__(self, limits: Limits, workdir: Path, spawned: Spawned | None = None) -> None:
        """Start a child in ``workdir``, or adopt one that was started ahead (``prestart``)."""
        self.limits = limits
        child = spawned or spawn(workdir)
        child.taken = True  # closing it is this worker's job now
        self.proc = child.proc
        self._req_w = child.req_w
        self._ans_r = child.ans_r
        self.stdout = _Stream(limits.shown_output_bytes)
        self.stderr = _Stream(limits.shown_output_bytes)
        self._streams: dict[int, _Stream] = {}
        assert self.proc.stdout is not None and self.proc.stderr is not None
        for pipe, stream in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr)):
            os.set_blocking(pipe.fileno(), False)
            self._streams[pipe.fileno()] = stream
        os.set_blocking(self._req_w, False)
        os.set_blocking(self._ans_r, False)
        self._selector = selectors.DefaultSelector()
        for fd in (self._ans_r, *self._streams):
            self._selector.register(fd, selectors.EVENT_READ)
        self._answer = bytearray()
        self._answer_eof = False
        self._answer_cap = limits.answer_bytes
        self.alive = True
        self.last_cpu: float | None = None  # CPU seconds the last request with a budget used

    # ------------------------------------------------------------------ requests

    def request(
        self, header: dict[str, Any], payload: bytes, deadline: float, answer_limit: int | None = None,
        cpu_budget: float | None = None,
    ) -> tuple[dict[str, Any], bytes]:
        """Send one request and wait for its answer until ``deadline`` (time.monotonic).
        ``answer_limit``: the most payload bytes this answer may have (at most the
        general cap); past it the child is killed before more is read. ``cpu_budget``:
        the CPU seconds the child's processes may use on it, read from /proc by this
        side; past it the child is killed (``OverBudget``). What it used is left in
        ``last_cpu`` (an answer that came in over the budget is returned: the caller
        decides)."""
        if not self.alive:
            raise ChildDied(Msg("child-gone"))
        meter = _CpuMeter(self.proc.pid) if cpu_budget is not None else None
        self.last_cpu = None
        cap = self.limits.answer_bytes
        self._answer_cap = cap if answer_limit is None else min(cap, answer_limit)
        outgoing = memoryview(encode_frame(header, payload))
        writing = True
        self._selector.register(self._req_w, selectors.EVENT_WRITE)
        samples: list[int] = []
        started = time.monotonic()
        first_sample = max(deadline - MEMORY_WINDOW, started + min(QUICK_ANSWER, (deadline - started) / 2))
        try:
            while True:
                answer = self._complete_answer()
                if answer is not None:
                    if meter is not None:
                        self.last_cpu = meter.used()
                    return answer
                if meter is not None:
                    self.last_cpu = meter.used()
                    if self.last_cpu > cpu_budget:  # type: ignore[operator]
                        self.kill()
                        raise OverBudget(self.last_cpu)
                now = time.monotonic()
                remaining = deadline - now
                if remaining <= 0:
                    self._out_of_time(samples)
                wait = min(remaining, 0.5 if meter is None else BUDGET_POLL)
                if not samples:
                    if now >= first_sample:
                        samples.append(peak_resident_bytes(self.proc.pid))
                    else:
                        wait = min(wait, first_sample - now)
                for key, _ in self._selector.select(wait):
                    fd = key.fd
                    if fd == self._req_w:
                        try:
                            outgoing = outgoing[os.write(fd, outgoing) :]
                        except BrokenPipeError:
                            outgoing = outgoing[:0]
                        if not outgoing:
                            self._selector.unregister(fd)
                            writing = False
                    elif fd == self._ans_r:
                        self._read_answer()
                    else:
                        self._read_stream(fd)
                if self._answer_eof and self._complete_answer() is None:
                    self._wait_exit(deadline)
                if self.proc.poll() is not None and not self._drain():
                    self._died()
        finally:
            if writing:
                self._selector.unregister(self._req_w)

    def _out_of_time(self, samples: list[int]) -> None:
        """The deadline passed without an answer: kill the child and say why."""
        samples.append(peak_resident_bytes(self.proc.pid))
        self.kill()
        if len(samples) >= 2 and samples[-1] - samples[0] >= GROWTH_BYTES:
            raise ChildMemory(Msg("still-allocating", mib=samples[-1] >> 20, limit=self.limits.memory_mb))
        raise ChildTimeout(Msg("time-limit"))

    def _wait_exit(self, deadline: float) -> None:
        """The answer pipe is closed with no full answer: the child is on its way out."""
        try:
            self.proc.wait(timeout=max(0.0, min(deadline - time.monotonic(), 1.0)))
        except subprocess.TimeoutExpired:
            # It closed the pipe but keeps running: it can never answer now.
            self.kill()
            self.proc.wait()
        self._died()

    def _drain(self) -> bool:
        """After the child exited: read what is left. True if a full answer arrived."""
        for fd in list(self._streams):
            self._read_stream(fd)
        self._read_answer()
        return self._complete_answer() is not None

    def _read_stream(self, fd: int) -> None:
        try:
            while chunk := os.read(fd, 65536):
                self._streams[fd].feed(chunk)
                if self.stdout.total + self.stderr.total > self.limits.output_bytes:
                    self.kill()
                    raise OutputFlood(Msg("output-flood", mib=self.limits.output_bytes >> 20))
        except BlockingIOError:
            return
        except OSError as err:
            if err.errno != errno.EBADF:
                raise
        self._selector.unregister(fd)
        del self._streams[fd]

    def _read_answer(self) -> None:
        try:
            while chunk := os.read(self._ans_r, 1 << 20):
                self._answer += chunk
                if len(self._answer) > self._answer_cap + MAX_ANSWER_HEADER + HEADER.size:
                    self.kill()
                    raise ProtocolError("your function returned far more data than expected")
        except BlockingIOError:
            return
        # End of file: the child closed its end (it exited, or threw the pipe away).
        self._answer_eof = True
        if self._ans_r in self._selector.get_map():
            self._selector.unregister(self._ans_r)

    def _complete_answer(self) -> tuple[dict[str, Any], bytes] | None:
        buf = self._answer
        if len(buf) < HEADER.size:
            return None
        (length,) = HEADER.unpack_from(buf)
        if length > MAX_ANSWER_HEADER:
            self.kill()
            raise ProtocolError("the answer header is too large")
        if len(buf) < HEADER.size + length:
            return None
        header = decode_header(bytes(buf[HEADER.size : HEADER.size + length]))
        size = header.get("payload")
        if type(size) is not int or not 0 <= size <= self._answer_cap:
            self.kill()
            raise ProtocolError("the answer payload has a bad size")
        end = HEADER.size + length + size
        if len(buf) < end:
            return None
        payload = bytes(buf[HEADER.size + length : end])
        del buf[:end]
        return header, payload

    def _died(self) -> None:
        self.alive = False
        code = self.proc.returncode
        if code == -signal.SIGXCPU:
            raise ChildTimeout(Msg("cpu-limit"))
        raise ChildDied(Msg("child-died", how=describe_exit(code)))

    # ------------------------------------------------------------------ shutdown

    def kill(self) -> None:
        """Kill the child's whole process group. Safe to call more than once."""
        self.alive = False
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        self.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a zombie in D state
            pass
        for fd in list(self._streams):
            self._read_stream_quietly(fd)
        self._selector.close()
        for fd in (self._req_w, self._ans_r):
            try:
                os.close(fd)
            except OSError:
                pass
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.proc.stdout.close()
        self.proc.stderr.close()

    def _read_stream_quietly(self, fd: int) -> None:
        try:
            self._read_stream(fd)
        except (OutputFlood, OSError):
            pass
