"""Starting the child process (standard library only).

A child starts with no limits it could not have had anyway: it only imports numpy and
waits. The grader's first request (``setup``) carries the limits, which the child sets
before it reads any submitted code. So ``kata check`` can start the child before it has
even parsed its arguments, and the child's interpreter start-up and numpy import overlap
the grader's own instead of following them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

CHILD_SCRIPT = Path(__file__).with_name("_child.py")

# Thread pools in BLAS/OpenMP reserve address space per thread, and their threads spin
# on the other cores while numpy loads. One thread keeps numpy's import well under the
# memory cap, leaves the cores to the work at hand and makes timings fair.
THREAD_VARS = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "BLIS_NUM_THREADS",
)


def single_threaded_numpy() -> None:
    """Before this process imports numpy: one BLAS/OpenMP thread. The grader's own
    arrays are tiny, and extra threads would only compete with the child for cores."""
    if "numpy" not in sys.modules:
        for var in THREAD_VARS:
            os.environ[var] = "1"


class Spawned:
    """A started child waiting for its first request, and the pipe ends to talk to it.
    (A plain class: ``dataclasses`` would cost more to import than this whole module.)"""

    __slots__ = ("_discarded", "ans_r", "proc", "req_w", "taken", "workdir")

    def __init__(self, proc: subprocess.Popen[bytes], req_w: int, ans_r: int, workdir: Path) -> None:
        self.proc = proc
        self.req_w = req_w
        self.ans_r = ans_r
        self.workdir = workdir
        self.taken = False  # a grade() has taken it over, and disposes of it
        self._discarded = False

    def discard(self) -> None:
        """End a child that will not be used, and remove its folder (once)."""
        if self._discarded:
            return
        self._discarded = True
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a zombie in D state
            pass
        for fd in (self.req_w, self.ans_r):
            try:
                os.close(fd)
            except OSError:
                pass
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        remove_workdir(self.workdir)


def child_env(workdir: Path | str) -> dict[str, str]:
    """The child's whole environment: nothing of the grader's is passed on, except
    ``KATA_SANDBOX_SKIP`` (protections to leave out, to test how grading degrades)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        **{var: "1" for var in THREAD_VARS},
    }
    if os.environ.get("KATA_SANDBOX_SKIP"):
        env["KATA_SANDBOX_SKIP"] = os.environ["KATA_SANDBOX_SKIP"]
    return env


def spawn(workdir: Path) -> Spawned:
    """Start a fresh interpreter running the child protocol in ``workdir``."""
    req_r, req_w = os.pipe()
    ans_r, ans_w = os.pipe()
    argv = [
        sys.executable,
        "-I",  # isolated: no PYTHON* variables, no user site, no script dir on sys.path
        "-B",  # no .pyc files written
        "-u",  # unbuffered output, so prints survive a kill
        str(CHILD_SCRIPT),
        str(req_r),
        str(ans_w),
    ]
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(req_r, ans_w),
            cwd=workdir,
            env=child_env(workdir),
            start_new_session=True,
        )
    except BaseException:
        os.close(req_w)
        os.close(ans_r)
        raise
    finally:
        os.close(req_r)
        os.close(ans_w)
    return Spawned(proc, req_w, ans_r, workdir)


def new_workdir() -> Path:
    """A private (0700) folder for one submission's child; ``tempfile`` is avoided
    because its import alone costs more than the rest of this module."""
    base = Path(os.environ.get("TMPDIR") or "/tmp")
    for _ in range(100):
        path = base / f"kata-run-{os.urandom(6).hex()}"
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"cannot create a work folder in {base}")


def remove_workdir(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def prestart() -> Spawned:
    """Start a child for the first submission of this process, in a fresh work folder."""
    return spawn(new_workdir())
