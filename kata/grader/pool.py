"""A warm pool: children forked from processes that have already imported numpy.

Starting ``python`` and importing numpy costs far more than grading a softmax. A
*zygote* (``_zygote.py``, started like the child: ``python -I -B -u``, clean
environment, its own session) pays that once per pool slot; each submission then gets
a fresh fork of it. The grader makes the child's four pipes itself and passes their
ends over a Unix socket, so the zygote hands back nothing but a pid. What the grader
trusts is unchanged: the answers on the pipes are validated as before, the child's
process group is killed after each submission, and the exit status the zygote reports
(it is the child's parent) only chooses the wording of a crash message.

A slot whose zygote is gone (killed by a submission, say) starts a new one; if that
fails too, the slot falls back to ``spawn.spawn``, a cold child: slower, never wrong.
"""

from __future__ import annotations

import json
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kata.grader.spawn import CHILD_SCRIPT, Spawned, child_env, scratch_of, spawn

ZYGOTE_SCRIPT = Path(__file__).with_name("_zygote.py")
READY_TIMEOUT = 60.0  # interpreter start-up and numpy import on a loaded machine
REPLY_TIMEOUT = 10.0
EXIT_GRACE = 1.0  # from the kernel's "it is over" to the zygote's "how"

Spawner = Callable[[Path], Spawned]


class ZygoteError(Exception):
    """The zygote did not start, or did not answer a spawn request."""


class ForkedChild:
    """What ``Worker`` needs of a ``Popen``, for a child whose parent is a zygote."""

    def __init__(self, zygote: Zygote, pid: int, out_r: int, err_r: int) -> None:
        self.pid = pid
        self.args = ["<forked submission child>"]
        self.returncode: int | None = None
        self.stdout = os.fdopen(out_r, "rb", buffering=0)
        self.stderr = os.fdopen(err_r, "rb", buffering=0)
        self._zygote = zygote
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (OSError, AttributeError):
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self._collect(0.0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and not self._collect(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
        assert self.returncode is not None
        return self.returncode

    def _collect(self, timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        if self._pidfd is None:  # no pidfd (old kernel): the zygote's word alone
            code = self._zygote.exit_code(self.pid, deadline)
            if code is None and self._zygote.alive:
                return False
        else:
            # The kernel says when the process is over; the zygote, its parent, then
            # says how. A zygote that stays silent (stopped, killed) is replaced.
            if not self._gone(deadline):
                return False
            code = self._zygote.exit_code(self.pid, time.monotonic() + EXIT_GRACE)
            if code is None:
                self._zygote.alive = False
        self.returncode = -signal.SIGKILL if code is None else code
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
        return True

    def _gone(self, deadline: float | None) -> bool:
        if self._pidfd is None:
            return True
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        readable, _, _ = select.select([self._pidfd], [], [], wait)
        return bool(readable)

    def __del__(self) -> None:
        if getattr(self, "_pidfd", None) is not None:
            os.close(self._pidfd)  # type: ignore[arg-type]


def _zygote_env() -> dict[str, str]:
    # Each fork sets its own HOME and TMPDIR (its scratch folder) before it loads anything.
    return {**child_env("/nonexistent"), "TMPDIR": os.environ.get("TMPDIR") or "/tmp"}


class Zygote:
    """One warm process that forks submission children on request."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-B", "-u", str(ZYGOTE_SCRIPT), str(theirs.fileno()), str(CHILD_SCRIPT)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=None if os.environ.get("KATA_DEBUG") else subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                cwd="/",
                env=_zygote_env(),
                start_new_session=True,  # Ctrl-C in the terminal is the grader's, not the pool's
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self._sock = ours
        self._exits: dict[int, int] = {}
        self.alive = True
        message = self._recv(time.monotonic() + READY_TIMEOUT)
        if message != b"ready":
            self.close()
            raise ZygoteError("the warm worker did not start")

    # -- messages

    def _next(self, deadline: float | None) -> bytes | None:
        """The next message, or None at the deadline or when the zygote is gone.
        Exit notices are filed on the way and returned as ``b"exit"``."""
        if not self.alive:
            return None
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        readable, _, _ = select.select([self._sock], [], [], wait)
        if not readable:
            return None
        try:
            message = self._sock.recv(256)
        except OSError:
            message = b""
        if not message:
            self.alive = False
            return None
        if message.startswith(b"exit "):
            try:
                _, pid, code = message.split()
                self._exits[int(pid)] = int(code)
            except ValueError:
                pass
            return b"exit"
        return message

    def _recv(self, deadline: float | None) -> bytes | None:
        """The next message that is not an exit notice."""
        while (message := self._next(deadline)) == b"exit":
            pass
        return message

    def exit_code(self, pid: int, deadline: float | None) -> int | None:
        """The exit status of ``pid`` once the zygote reports it; None at the deadline."""
        while pid not in self._exits:
            if self._next(deadline) is None:
                break
        return self._exits.pop(pid, None)

    # -- spawning

    def spawn(self, workdir: Path) -> Spawned:
        if not self.alive or self.proc.poll() is not None:
            self.alive = False
            raise ZygoteError("the warm worker is gone")
        pipes = [os.pipe() for _ in range(4)]  # request, answer, stdout, stderr
        (req_r, req_w), (ans_r, ans_w), (out_r, out_w), (err_r, err_w) = pipes
        theirs = [req_r, ans_w, out_w, err_w]
        ours = [req_w, ans_r, out_r, err_r]
        request = {"op": "spawn", "cwd": str(scratch_of(workdir))}
        try:
            socket.send_fds(self._sock, [json.dumps(request).encode()], theirs)
            reply = self._recv(time.monotonic() + REPLY_TIMEOUT)
        except OSError as err:
            self.alive = False
            reply = None
            error: Exception | None = err
        else:
            error = None
        finally:
            for fd in theirs:
                os.close(fd)
        pid = None
        if reply is not None and reply.startswith(b"pid "):
            try:
                pid = int(reply[4:])
            except ValueError:
                pid = None
        if pid is None or pid <= 1:
            for fd in ours:
                os.close(fd)
            if reply is None:
                self.close()  # silent or gone: this zygote is not used again
            raise ZygoteError(f"the warm worker did not fork a child ({error or reply!r})")
        return Spawned(ForkedChild(self, pid, out_r, err_r), req_w, ans_r, workdir)  # type: ignore[arg-type]

    def close(self) -> None:
        self.alive = False
        try:
            self._sock.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()


class _Slot:
    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.zygote: Zygote | None = None
        self.child_pid: int | None = None

    def spawn(self, workdir: Path) -> Spawned:
        if self.pool.aborted:
            raise ZygoteError("the batch was interrupted")
        spawned = None
        for _ in range(2):
            try:
                if self.zygote is None or not self.zygote.alive:
                    if self.zygote is not None:
                        self.zygote.close()
                    self.zygote = None
                    self.zygote = Zygote()
                spawned = self.zygote.spawn(workdir)
                break
            except (ZygoteError, OSError):
                continue
        if spawned is None:  # no warm worker: a cold child, slower but the same
            spawned = spawn(workdir)
        self.child_pid = spawned.proc.pid
        return spawned

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None


class Pool:
    """``size`` slots, each with its own zygote; a grader takes a slot per submission
    (``kata grade`` gives each driver process a pool of one)."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self.aborted = False
        self._slots = [_Slot(self) for _ in range(self.size)]
        self._free: queue.Queue[_Slot] = queue.Queue()
        for slot in self._slots:
            self._free.put(slot)
        self._lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[Spawner]:
        slot = self._free.get()
        try:
            yield slot.spawn
        finally:
            slot.child_pid = None
            self._free.put(slot)

    def abort(self) -> None:
        """Stop: kill the children running now and refuse new ones."""
        self.aborted = True
        self.kill_running()

    def kill_running(self) -> None:
        """Kill the children running now; the slots and their zygotes stay ready."""
        for slot in self._slots:
            pid = slot.child_pid
            if pid is not None:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def close(self) -> None:
        for slot in self._slots:
            slot.close()

    def __enter__(self) -> Pool:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
