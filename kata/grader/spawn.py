"""Starting the child process (standard library only).

``kata check`` calls ``prestart`` before it imports numpy, so the child's interpreter
start-up and numpy import overlap the grader's own imports instead of following them.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kata.grader.limits import Limits

CHILD_SCRIPT = Path(__file__).with_name("_child.py")

# Thread pools in BLAS/OpenMP reserve address space per thread; one thread keeps
# numpy's import well under the memory cap and makes timings fair.
_THREAD_VARS = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "BLIS_NUM_THREADS",
)


@dataclass
class Spawned:
    """A started child waiting for its first request, and the pipe ends to talk to it."""

    proc: subprocess.Popen[bytes]
    req_w: int
    ans_r: int
    workdir: Path


def spawn(limits: Limits, workdir: Path, cpu_seconds: int) -> Spawned:
    req_r, req_w = os.pipe()
    ans_r, ans_w = os.pipe()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        **{var: "1" for var in _THREAD_VARS},
    }
    argv = [
        sys.executable,
        "-I",  # isolated: no PYTHON* variables, no user site, no script dir on sys.path
        "-B",  # no .pyc files written
        "-u",  # unbuffered output, so prints survive a kill
        str(CHILD_SCRIPT),
        str(req_r),
        str(ans_w),
        str(limits.memory_mb << 20),
        str(max(1, cpu_seconds)),
        str(limits.file_bytes),
    ]
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(req_r, ans_w),
            cwd=workdir,
            env=env,
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


def prestart(limits: Limits) -> Spawned:
    """Start a child for the first submission of this process, in a fresh work folder."""
    return spawn(limits, new_workdir(), cpu_seconds=math.ceil(limits.timeout) + 1)
