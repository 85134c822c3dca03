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
SCRATCH = "scratch"

# Thread pools in BLAS/OpenMP reserve address space per thread (the child's memory cap
# counts it), and their threads spin on the other cores while numpy loads. One thread
# leaves the cores to the work at hand and makes timings fair.
THREAD_VARS = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "BLIS_NUM_THREADS",
)


_STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class shielded:
    """Hold back Ctrl-C, SIGTERM and SIGHUP while a child or its folder is being made or
    taken apart, so that the KeyboardInterrupt they raise comes just after, when there
    is a name to clean up, never halfway. Only the main thread gets signals; elsewhere
    this does nothing. (A plain class: ``contextlib`` costs an import here.)"""

    def __enter__(self) -> None:
        import threading

        self._held = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
        if self._held:
            self._old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)

    def __exit__(self, *exc: object) -> None:
        if self._held:
            signal.pthread_sigmask(signal.SIG_SETMASK, self._old)


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
        self.taken = False  # grade() or a Worker has taken it over, and disposes of it
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


def scratch_of(workdir: Path) -> Path:
    """Where the child runs and may write: a folder inside its work folder, which holds
    the submission file (read-only for the child)."""
    return workdir / SCRATCH


def child_env(scratch: Path | str) -> dict[str, str]:
    """The child's whole environment: nothing of the grader's is passed on, except
    ``KATA_SANDBOX_SKIP`` (protections to leave out, to test how grading degrades)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        **{var: "1" for var in THREAD_VARS},
    }
    if os.environ.get("KATA_SANDBOX_SKIP"):
        env["KATA_SANDBOX_SKIP"] = os.environ["KATA_SANDBOX_SKIP"]
    return env


def spawn(workdir: Path) -> Spawned:
    """Start a fresh interpreter running the child protocol in ``workdir``'s scratch folder."""
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
            cwd=scratch_of(workdir),
            env=child_env(scratch_of(workdir)),
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
    """A private (0700) folder for one submission's child, with its scratch folder."""
    path = private_folder("kata-run")
    scratch_of(path).mkdir(mode=0o700)
    return path


# Each folder made here holds a lock for as long as the process that made it (or a fork
# of it) lives: the kernel releases it however the process ends, SIGKILL included. A
# folder whose lock can be taken was left by a process that is gone, and is removed
# the next time kata makes one (``sweep``): a killed grader leaves nothing for long.
LOCK = ".kata-lock"
_LOCKS: dict[str, int] = {}
_swept: set[str] = set()


def private_folder(prefix: str) -> Path:
    """A new 0700 folder in $TMPDIR, locked while this process lives; ``tempfile`` is
    avoided because its import alone costs more than this module."""
    base = Path(os.environ.get("TMPDIR") or "/tmp")
    if str(base) not in _swept:
        _swept.add(str(base))
        sweep(base)
    for _ in range(100):
        path = base / f"{prefix}-{os.urandom(6).hex()}"
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        except OSError as err:
            from kata.errors import InternalError

            raise InternalError(
                f"cannot make a work folder in {base} ({err.strerror}); set TMPDIR to a writable folder"
            ) from None
        _lock(path)
        return path
    raise FileExistsError(f"cannot create a work folder in {base}")


def _lock(path: Path) -> None:
    import fcntl

    # Locked under another name, then renamed: a sweep never sees the lock unlocked.
    try:
        fd = os.open(path / (LOCK + ".new"), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW,
                     0o600)
    except OSError:
        return  # no lock: no sweep will ever take the folder for a leftover
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(path / (LOCK + ".new"), path / LOCK)
    except OSError:
        os.close(fd)
        return
    _LOCKS[os.fspath(path)] = fd


def sweep(base: Path) -> int:
    """Remove the kata work folders in ``base`` that no living process holds; returns
    how many. Folders of other users, and any folder without kata's lock, are left."""
    import fcntl

    removed = 0
    try:
        names = [n for n in os.listdir(base) if n.startswith(("kata-run-", "kata-grade-"))]
    except OSError:
        return 0
    for name in names:
        path = base / name
        try:
            if os.lstat(path).st_uid != os.geteuid():
                continue
            fd = os.open(path / LOCK, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # in use
        finally:
            os.close(fd)
        removed += remove_workdir(path)
    return removed


def remove_workdir(path: Path) -> bool:
    """Remove a work folder and whatever the child left in it; never raises.

    Where the kernel sandbox has no mount namespace, the child wrote to disk, and a
    hostile one may have left a tree thousands of folders deep, folders without
    permissions, or links pointing out. So: no recursion, one open folder at a time,
    links never followed, and each step up checked to be the folder it came from (a
    folder moved meanwhile stops the removal instead of leading it elsewhere).
    Returns False if something could not be removed."""
    try:
        return _remove_tree(os.fspath(path))
    except OSError:
        return False
    finally:
        fd = _LOCKS.pop(os.fspath(path), None)
        if fd is not None:
            os.close(fd)


def _retry_writable(fd: int, remove) -> None:
    """Remove an entry of the folder ``fd``, making the folder writable first if the
    child took that away (it is ours)."""
    try:
        remove()
    except FileNotFoundError:
        pass
    except PermissionError:
        os.fchmod(fd, 0o700)
        remove()


def _remove_tree(path: str) -> bool:
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return True
    trail: list[tuple[str, int, int]] = []  # (name, st_dev, st_ino) of each folder above fd
    try:
        while True:
            sub = None
            with os.scandir(fd) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        sub = entry.name
                        break
                    _retry_writable(fd, lambda name=entry.name: os.unlink(name, dir_fd=fd))
            if sub is not None:
                try:
                    child = os.open(sub, flags, dir_fd=fd)
                except PermissionError:  # a folder the child made unreadable: it is ours
                    os.chmod(sub, 0o700, dir_fd=fd, follow_symlinks=False)
                    child = os.open(sub, flags, dir_fd=fd)
                here = os.fstat(fd)
                trail.append((sub, here.st_dev, here.st_ino))
                os.close(fd)
                fd = child
                continue
            if not trail:
                break
            name, dev, ino = trail.pop()
            parent = os.open("..", flags, dir_fd=fd)
            os.close(fd)
            fd = parent
            here = os.fstat(fd)
            if (here.st_dev, here.st_ino) != (dev, ino):
                return False
            _retry_writable(fd, lambda: os.rmdir(name, dir_fd=fd))
    finally:
        os.close(fd)
    os.rmdir(path)
    return True


def prestart() -> Spawned:
    """Start a child for the first submission of this process, in a fresh work folder."""
    return spawn(new_workdir())
