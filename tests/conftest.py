"""Shared fixtures: every test gets its own data directory, never the real one."""

from __future__ import annotations

import compileall
import gc
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest


# What the caller's shell may set that changes how kata or Textual behave: a test must
# not depend on it. Terminal size and colour, locale, and every KATA_* variable.
_CALLER_VARIABLES = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TEXTUAL", "PYTHONIOENCODING",
                     "LANGUAGE", "LC_MESSAGES", "LC_CTYPE", "TZ")  # fmt: skip


# Whole folders and files of tests that each take seconds (a Textual app, a child that
# runs out its budget, a CLI run): handed out to the workers first, so that the run ends
# on short tests that the workers share out evenly, not on one worker's long test
# while the other is idle. The order is by name, never by measured time.
_LONG_FIRST = ("tests/tui/", "tests/test_grade_faults.py", "tests/test_isolation.py", "tests/test_attacks.py",
               "tests/test_grade.py", "tests/test_grade_hostile.py", "tests/test_dev.py", "tests/test_grade_pool.py")


def pytest_configure(config: pytest.Config) -> None:
    _stopping_signals_as_in_a_terminal()
    _fewer_collections()
    _bytecode_kept(main=not hasattr(config, "workerinput"))


def _bytecode_kept(*, main: bool) -> None:
    """Compiled once, not in every process. A machine may set PYTHONDONTWRITEBYTECODE
    (container images do), and an editable install compiles nothing; then every ``kata``
    the tests start (hundreds of them, each with its grading children) compiled kata's
    modules from source again, and every worker the test modules: about a tenth of the
    suite's CPU. So the process that starts the workers compiles the package (the usual
    ``__pycache__`` beside each module, which Python checks against the source before
    using it), and the suite's own processes keep the bytecode they compile, pytest's
    rewritten test modules included. The processes the tests start still write none
    (the variable is inherited, and the grader starts its children with ``-B``)."""
    sys.dont_write_bytecode = False
    if main:
        import kata

        for folder in kata.__path__:
            compileall.compile_dir(folder, quiet=2)  # a read-only checkout: nothing written, no error


#: Allocations between two young-generation collections (CPython's default: 700).
_YOUNG_COLLECTION_EVERY = 10_000


def _fewer_collections() -> None:
    """The cyclic garbage collector in the suite's own processes: young collections less
    often, so that the short-lived objects a Textual app makes for every frame (strips,
    segments, caches) die young instead of being promoted, and fewer full collections
    sweep a worker's heap (every collected test, bank and module: hundreds of thousands
    of objects). With CPython's default, about a third of a worker's CPU in the Pilot
    tests went to the collector (12 s of 40 s); this keeps the collector running (a full
    collection still follows every tenth older one) and only changes how often. The
    processes the tests start (``kata``, the grading children) keep the default."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(_YOUNG_COLLECTION_EVERY, middle, old)


def _stopping_signals_as_in_a_terminal() -> None:
    """A shell without job control starts a background command with SIGINT ignored, and
    ``nohup`` ignores SIGHUP; kata then leaves them ignored, as it should. The tests of
    how kata acts on these signals must not depend on how pytest was started, so every
    process of the suite (the one that starts the workers, and each worker) puts back
    the dispositions a command typed in a terminal has, and the processes the tests
    start inherit them."""
    for sig, default in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL),
                         (signal.SIGHUP, signal.SIG_DFL)):
        if signal.getsignal(sig) is signal.SIG_IGN:
            signal.signal(sig, default)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (in the addopts): one worker more than the cores this process may run
    on. A good part of the suite's time is spent waiting for the processes it starts
    (the CLI, grading children, tmux), so with one worker per core the cores sit idle
    for much of the run; one more keeps them busy (on 2 cores: 167 s instead of 207 s;
    two more gain nothing). ``PYTEST_XDIST_AUTO_NUM_WORKERS`` and ``-n logical`` are
    left to pytest-xdist, and ``-n N`` chooses for itself."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS") or config.option.numprocesses == "logical":
        return None
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def long_first(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return 0 if path.startswith(_LONG_FIRST) else 1

    items.sort(key=long_first)  # stable: the order within each group is unchanged


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own data directory and temporary folder, never the real ones,
    and an environment that does not depend on the shell that started pytest."""
    for name in list(os.environ):
        if name.startswith("KATA_") or name in _CALLER_VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("TERM", "xterm-256color")
    home = tmp_path_factory.mktemp("kata-home")
    monkeypatch.setenv("KATA_HOME", str(home))
    # The grader's run folders go here: a test that counts what is left behind sees only
    # its own, whatever else runs on the machine (another pytest worker, say).
    tmp = tmp_path_factory.mktemp("tmp")
    monkeypatch.setenv("TMPDIR", str(tmp))
    return home


def _alive(pid: int) -> bool:
    """Running or sleeping; a zombie waiting to be reaped counts as gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def stray_process_code(marker: str, *, leave_group: bool = False) -> str:
    """Source lines for a submission that leaves a sleeping process behind, whose command
    line carries ``marker`` (pids mean nothing inside a PID namespace, and the sandbox
    lets a submission write nowhere but its own folder). ``leave_group``: it first
    double-forks into a new session, out of reach of a kill of the process group."""
    escape = "    if os.fork():\n        os._exit(0)\n    os.setsid()\n" if leave_group else ""
    return (
        "import os, sys\n"
        "if os.fork() == 0:\n"
        f"{escape}"
        f"    os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(120)', {marker!r}])\n"
    )


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline.split(b"\0") and _alive(int(entry.name)):
            found.append(int(entry.name))
    return found


@pytest.fixture
def assert_no_process_with() -> Callable[[str], None]:
    """Asserts that no process whose command line holds ``marker`` is left within 5 s."""

    def check(marker: str) -> None:
        deadline = time.monotonic() + 5
        while processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = processes_with(marker)
        for pid in left:  # do not leave it running for the rest of the suite
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        assert not left, f"processes {left} outlived the grading"

    return check


@pytest.fixture(scope="session")
def _warm_pool():
    from kata.grader.pool import Pool

    pool = Pool(1)
    yield pool
    pool.close()


@pytest.fixture
def grade_warm(_warm_pool) -> Callable[..., object]:
    """``grade`` with children forked from a warm zygote, as ``kata grade`` runs them:
    the same checks and verdicts as a cold child, without an interpreter start and a
    numpy import per submission. For tests that grade many files."""
    from kata.grader import grade

    def run(path, kata, **kwargs):
        with _warm_pool.slot() as spawner:
            return grade(path, kata, spawner=spawner, **kwargs)

    return run


def ours() -> list[int]:
    """Processes this test started, however deep: the autouse fixture's TMPDIR (or a
    folder in it) is in the environment they started with."""
    marker = f"TMPDIR={os.environ['TMPDIR']}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(part.startswith(marker) for part in environ):
                found.append(int(entry.name))
    return found


def gone_within(ceiling: float = 30.0) -> list[int]:
    """Waits until no process of this test is left; returns (and kills) those that are."""
    deadline = time.monotonic() + ceiling
    while (left := ours()) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return left


def in_own_mount(script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) in a mount namespace of its own, as root of a user namespace,
    so that it can mount small or read-only file systems that nobody else sees."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no user namespaces here: {probe.stderr.decode().strip()}")
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
