"""Attacks on the grader from issue #12, each built at run time and judged from outside.

A submission here is correct only if its attack worked (it reached a library, a socket,
kata's own answers), so where the attack is stopped the report must say fail or error,
and the harm it tried (a message to a server, a file made by a tmux server, the grading
user's inotify instances, memory in the grader) is measured outside the child. Several
attacks are tried with the protection that stops them switched off
(``KATA_SANDBOX_SKIP``), to show which layer does the work.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from kata.exercises import get_kata
from kata.grader import Limits, grade
from kata.grader.engine import probe_sandbox
from tests.conftest import processes_with, stray_process_code

SOFTMAX = get_kata("softmax")
FAST = Limits(timeout=6.0, check_timeout=3.0)
ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "softmax.py"
CORRECT = """
def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""
_IN_FORCE: dict[str, tuple[str, ...]] = {}


def in_force(skip: str = "") -> tuple[str, ...]:
    if skip not in _IN_FORCE:
        mp = pytest.MonkeyPatch()
        if skip:
            mp.setenv("KATA_SANDBOX_SKIP", skip)
        try:
            _IN_FORCE[skip] = probe_sandbox().in_force
        finally:
            mp.undo()
    return _IN_FORCE[skip]


def needs(*names: str, skip: str = "") -> None:
    have = in_force(skip)
    missing = [n for n in names if n not in have]
    if missing:
        pytest.skip(f"this machine cannot give {', '.join(missing)}")


def check(tmp_path: Path, source: str, *, skip: str = "", monkeypatch=None, raw: bytes | None = None):
    path = tmp_path / "attack.py"
    if raw is None:  # the attack, after a correct softmax it may use if the attack worked
        path.write_text("import numpy as np\n" + CORRECT + textwrap.dedent(source), encoding="utf-8")
    else:
        path.write_bytes(raw)
    if skip:
        monkeypatch.setenv("KATA_SANDBOX_SKIP", skip)
    report = grade(path, SOFTMAX, seed=7, limits=FAST)
    assert report.status != "pass", [(c.id, c.status, c.message[:200]) for c in report.checks]
    return report


def statuses(report) -> dict[str, str]:
    return {c.id: str(c.status) for c in report.checks}


def statuses_messages(report) -> dict[str, str]:
    return {c.id: c.message for c in report.checks}


# ---------------------------------------------------------------- sockets outside the child


@pytest.fixture
def unix_server(tmp_path):
    """A pathname Unix socket server in a tmp folder, recording whatever reaches it."""
    folder = Path(os.environ["TMPDIR"]) / f"srv-{os.urandom(3).hex()}"
    folder.mkdir()
    path = folder / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    server.settimeout(0.1)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                received.append(b"connected:" + conn.recv(100))
            except OSError:
                received.append(b"connected")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield path, received
    stop.set()
    thread.join()
    server.close()


def connecting(address: str) -> str:
    """A submission that is right only if it reached the Unix socket at ``address``."""
    return f"""
        import socket
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect({address!r})
            s.sendall(b"LEAK")
            HELPED = True
        except OSError as err:
            print("blocked", type(err).__name__)
            HELPED = False
        def softmax(x):
            return _softmax(x) if HELPED else np.zeros_like(x)
        """


@pytest.mark.parametrize("skip", ["", "seccomp", "root", "landlock"])
def test_a_pathname_socket_outside_receives_nothing(tmp_path, unix_server, monkeypatch, skip):
    """Each layer alone is enough: no socket call (seccomp), no such path (its own root)."""
    path, received = unix_server
    report = check(tmp_path, connecting(str(path)), skip=skip, monkeypatch=monkeypatch)
    assert statuses(report)["basic"] == "fail"
    assert received == []


@pytest.mark.parametrize("skip", ["", "seccomp"])
def test_an_abstract_socket_outside_receives_nothing(tmp_path, monkeypatch, skip):
    """Abstract Unix sockets have no path: the network namespace (and Landlock's
    scoping) keep the host's out of reach even without the system call filter."""
    needs("network", skip=skip)
    name = f"\0kata-test-{os.urandom(4).hex()}"
    server = socket.socket(socket.AF_UNIX)
    server.bind(name)
    server.listen()
    server.settimeout(0.5)
    try:
        report = check(tmp_path, connecting(name), skip=skip, monkeypatch=monkeypatch)
        assert statuses(report)["basic"] == "fail"
        with pytest.raises(TimeoutError):
            server.accept()
    finally:
        server.close()


def test_the_socket_attack_is_real_with_those_protections_off(tmp_path, unix_server, monkeypatch):
    """The control: with the system call filter, the root and Landlock left out, the
    same submission reaches the server (so the test above can fail)."""
    path, received = unix_server
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "seccomp,root,landlock")
    source = tmp_path / "control.py"
    source.write_text(f"import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({str(path)!r})\n"
                      "s.sendall(b'LEAK')\ndef softmax(x):\n    return x\n")
    grade(source, SOFTMAX, seed=7, limits=FAST)
    deadline = time.monotonic() + 30
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert received and received[0].startswith(b"connected")


@pytest.fixture
def tmux_server():
    """A tmux server of the test's own, on its own socket: (tmux, socket, marker file)."""
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.skip("no tmux here")
    folder = Path(os.environ["TMPDIR"]) / f"tmux-{os.urandom(3).hex()}"
    folder.mkdir()
    sock, marker = folder / "default", folder / "ESCAPED"
    env = {**os.environ, "TMUX": ""}
    start = subprocess.run([tmux, "-S", str(sock), "new-session", "-d", "sleep 120"], env=env, capture_output=True,
                           timeout=30)
    if start.returncode != 0:
        pytest.skip(f"tmux could not start here: {start.stderr.decode(errors='replace')[:200]}")
    try:
        yield tmux, sock, marker
    finally:
        subprocess.run([tmux, "-S", str(sock), "kill-server"], env=env, capture_output=True, timeout=30)


def test_a_tmux_server_of_the_same_user_runs_nothing(tmp_path, tmux_server):
    """The escape the review found: asking a tmux server (the test's own, on its own
    socket) to run a command outside every namespace, by its client and by its socket."""
    tmux, sock, marker = tmux_server
    report = check(tmp_path, f"""
        import os, socket, subprocess
        import numpy as np
        HELPED = False
        try:
            subprocess.run([{tmux!r}, "-S", {str(sock)!r}, "run-shell", "touch {marker}"], timeout=5, check=True)
            HELPED = True
        except Exception as err:
            print("blocked client", type(err).__name__)
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect({str(sock)!r})
            HELPED = True
        except OSError as err:
            print("blocked socket", type(err).__name__)
        def softmax(x):
            return _softmax(x) if HELPED else np.zeros_like(x)
        """)
    assert statuses(report)["basic"] == "fail"
    time.sleep(0.2)  # what the server would have run is done by now, if it ran at all
    assert not marker.exists()


def test_the_tmux_escape_is_real_with_those_protections_off(tmp_path, monkeypatch, tmux_server):
    """The control: without the system call filter, the root and Landlock, the same
    request makes the test's tmux server run a command outside the child."""
    tmux, sock, marker = tmux_server
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "seccomp,root,landlock")
    path = tmp_path / "control.py"
    path.write_text(f"import subprocess\nsubprocess.run([{tmux!r}, '-S', {str(sock)!r}, 'run-shell', "
                    f"'touch {marker}'], timeout=20)\ndef softmax(x):\n    return x\n")
    grade(path, SOFTMAX, seed=7, limits=Limits(timeout=30.0, check_timeout=25.0))
    deadline = time.monotonic() + 30  # the server runs the command on its own time
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists()


# ---------------------------------------------------------------- hand-written cannot be talked around


@pytest.fixture
def library(tmp_path):
    """A library that ships a softmax, in a folder of its own outside the child."""
    folder = Path(os.environ["TMPDIR"]) / f"lib-{os.urandom(3).hex()}"
    (folder / "fastsoftmax").mkdir(parents=True)
    (folder / "fastsoftmax" / "__init__.py").write_text(
        "import numpy as np\n" + CORRECT + "softmax = _softmax\n")
    return folder


@pytest.mark.parametrize("how", [
    'pkgutil.resolve_name("fast" + "softmax:soft" + "max")',
    'importlib.import_module("fast" + "softmax").softmax',
    '__import__("fast" + "softmax").softmax',
    'getattr(__builtins__, "__imp" + "ort__")("fast" + "softmax").softmax',
])
@pytest.mark.parametrize("skip", ["", "root", "landlock"])
def test_a_library_named_at_run_time_is_not_there(tmp_path, library, monkeypatch, how, skip):
    """Whatever string names it, a library outside numpy and the standard library cannot
    be imported: the child's import machinery does not see it (its own root, or Landlock
    where namespaces are missing), and the name is dropped from sys.modules after use."""
    needs({"": "root", "root": "filesystem", "landlock": "root"}[skip], skip=skip)  # what is left to stop it
    report = check(tmp_path, f"""
        import importlib, pkgutil, sys
        import numpy as np
        sys.path.insert(0, {str(library)!r})
        def softmax(x):
            try:
                found = {how}
            except Exception as err:
                print("blocked", type(err).__name__, err)
                return np.zeros_like(x)
            result = found(x)
            for name in [n for n in sys.modules if n.startswith("fast")]:
                del sys.modules[name]
            return result
        """, skip=skip, monkeypatch=monkeypatch)
    assert statuses(report)["basic"] == "fail", report.output
    assert statuses(report)["hand-written"] == "fail"


def test_the_library_attack_is_real_with_those_protections_off(tmp_path, library, monkeypatch):
    """The control: without the root and Landlock the library is found, and only the
    static read stands in the way (so the test above can fail)."""
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "root,landlock")
    path = tmp_path / "control.py"
    path.write_text(f"import sys\nsys.path.insert(0, {str(library)!r})\n"
                    "def softmax(x):\n    return __import__('fast' + 'softmax').softmax(x)\n")
    report = grade(path, SOFTMAX, seed=7, limits=FAST)
    assert statuses(report)["basic"] == "pass"
    assert statuses(report)["hand-written"] == "fail"


BASE_SCIPY = """
import sys
import numpy as np
for p in [p for p in sys.path] + [sys.base_prefix + "/lib/python%d.%d/site-packages" % sys.version_info[:2]]:
    if p not in sys.path:
        sys.path.append(p)
def softmax(x):
    try:
        special = __import__("sci" + "py.special", fromlist=["softmax"])
    except Exception as err:
        print("blocked", type(err).__name__)
        return np.zeros_like(x)
    return special.softmax(x, axis=-1)
"""


def test_a_library_of_the_base_interpreter_is_not_there(tmp_path):
    """scipy in the base interpreter's site-packages, from a venv that lacks it."""
    base = Path(sys.base_prefix)
    if not list(base.glob("lib/python3*/site-packages/scipy")) and not list(base.glob("lib/python3/dist-packages/scipy")):
        pytest.skip("no scipy beside the base interpreter here")
    needs("root")
    report = check(tmp_path, BASE_SCIPY)
    assert statuses(report)["basic"] == "fail", report.output


def test_a_library_of_the_base_interpreter_is_there_with_those_protections_off(tmp_path, monkeypatch):
    """The control: without the root and Landlock, the base interpreter's scipy is
    found and its softmax gives right answers (so the test above can fail)."""
    base = Path(sys.base_prefix)
    if not list(base.glob("lib/python3*/site-packages/scipy")) and not list(base.glob("lib/python3/dist-packages/scipy")):
        pytest.skip("no scipy beside the base interpreter here")
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "root,landlock")
    path = tmp_path / "control.py"
    path.write_text(BASE_SCIPY)
    report = grade(path, SOFTMAX, seed=7, limits=FAST)
    assert statuses(report)["basic"] == "pass", report.output


@pytest.mark.parametrize("source", [
    "from kata.exercises.softmax.kata import reference\nsoftmax = reference\n",
    "import numpy as np\ndef softmax(x):\n    try:\n        m = __import__('ka' + 'ta.exercises.softmax.kata', fromlist=['x'])\n"
    "    except Exception:\n        return np.zeros_like(x)\n    return m.reference(x)\n",
])
def test_kata_itself_cannot_be_imported(tmp_path, source):
    """kata's own reference answers are neither importable nor allowed by name."""
    needs("root")
    report = check(tmp_path, source)
    assert (report.error is not None and report.error.kind == "import") or statuses(report)["basic"] == "fail"
    assert statuses(report)["hand-written"] == "fail"


def test_runpy_on_the_shipped_solutions_finds_nothing(tmp_path):
    needs("root")
    report = check(tmp_path, f"""
        import numpy as np
        def softmax(x):
            try:
                found = __import__("run" + "py").run_path({str(SOLUTION)!r})["softmax"]
            except Exception as err:
                print("blocked", type(err).__name__)
                return np.zeros_like(x)
            return found(x)
        """)
    assert statuses(report)["basic"] == "fail"
    assert statuses(report)["hand-written"] == "fail"


@pytest.mark.parametrize("source", [
    "import numpy as np\ndef softmax(x):\n    m = __import__('ka' + 'ta.exercises.softmax.kata', fromlist=['x'])\n"
    "    return m.KATA.reference(x)\n",
    f"def softmax(x):\n    return __import__('run' + 'py').run_path({str(SOLUTION)!r})['softmax'](x)\n",
])
def test_kata_and_its_solutions_are_reachable_with_those_protections_off(tmp_path, monkeypatch, source):
    """The control: without the root and Landlock, kata's reference and the shipped
    solution are found and give right answers (so the two tests above can fail)."""
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "root,landlock")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # however kata is installed, the child can find it
    path = tmp_path / "control.py"
    path.write_text(source)
    report = grade(path, SOFTMAX, seed=7, limits=FAST)
    assert statuses(report)["basic"] == "pass", report.output or [c.message[:300] for c in report.checks]


@pytest.mark.parametrize("head", [b"# coding: utf-7\n", b"#!/usr/bin/env python\n# -*- coding: utf_7 -*-\n",
                                  b"\xef\xbb\xbf# vim: set fileencoding=latin-1 :\n"])
def test_a_coding_line_is_refused_so_the_checked_text_is_the_run_text(tmp_path, head):
    """In UTF-7, `+AAo-` is a newline: Python would run the import that UTF-8 reads as a
    comment. Any coding line but UTF-8 is refused, with the line and what to do."""
    body = (b"import numpy as np\n#+AAo-from fastsoftmax import softmax\n"
            b"def softmax(x):\n    return np.zeros_like(x)\n")
    report = check(tmp_path, "", raw=head + body)
    assert report.error is not None and report.error.kind == "syntax"
    assert "UTF-8" in report.error.message and "coding" in report.error.message
    assert all(c.status == "skipped" for c in report.checks)


def test_the_coding_line_attack_is_real_and_only_the_refusal_reports_it(tmp_path, monkeypatch):
    """The control: Python itself runs the line hidden in UTF-7 (so the attack is real),
    and with the refusal switched off the same file is not refused (so the test above
    can fail); the child then runs the UTF-8 text, which is what the grader checked."""
    path = tmp_path / "utf7.py"
    path.write_bytes(b"# coding: utf-7\nHIDDEN = False\n#+AAo-HIDDEN = True\n")
    ran = subprocess.run([sys.executable, "-c", f"import runpy; print(runpy.run_path({str(path)!r})['HIDDEN'])"],
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert ran.stdout.strip() == "True", ran.stderr
    from kata.grader import engine

    monkeypatch.setattr(engine, "coding_problem", lambda raw: None)
    path.write_bytes(b"# coding: utf-7\nimport numpy as np\n#+AAo-from fastsoftmax import softmax\n"
                     b"def softmax(x):\n    return np.zeros_like(x)\n")
    report = grade(path, SOFTMAX, seed=7, limits=FAST)
    assert report.error is None
    assert statuses(report)["basic"] == "fail"


def test_a_utf8_coding_line_is_fine(tmp_path):
    path = tmp_path / "ok.py"
    path.write_bytes(b"# -*- coding: utf-8 -*-\n" + SOLUTION.read_bytes())
    assert grade(path, SOFTMAX, seed=7, limits=FAST).status == "pass"


def test_a_method_of_the_students_own_called_softmax_is_hand_written(tmp_path):
    path = tmp_path / "own.py"
    path.write_text(textwrap.dedent("""
        import numpy as np
        class Activations:
            @staticmethod
            def softmax(x):
                e = np.exp(x - x.max(axis=-1, keepdims=True))
                return e / e.sum(axis=-1, keepdims=True)
        def softmax(x):
            return Activations.softmax(x)
        """))
    report = grade(path, SOFTMAX, seed=7, limits=FAST)
    assert report.status == "pass", [(c.id, c.message[:200]) for c in report.checks]


def test_the_untouched_starter_is_not_hand_written(tmp_path):
    starter = ROOT / "kata" / "exercises" / "softmax" / "starter.py"
    report = grade(starter, SOFTMAX, seed=7, limits=FAST)
    assert statuses(report)["hand-written"] == "fail"
    assert "never returned" in next(c.message for c in report.checks if c.id == "hand-written")


# ---------------------------------------------------------------- the grading user's resources


def _run_processes(tmpdir: str) -> list[int]:
    """Processes of a grading run: their environment's HOME is a scratch folder in
    ``tmpdir`` (the test's own TMPDIR)."""
    found = []
    needle = f"HOME={tmpdir}/kata-run-".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                env = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state not in ("Z", "X") and any(v.startswith(needle) for v in env.split(b"\0")):
                found.append(int(entry.name))
    return found


def _inotify_fds(pids: list[int]) -> int:
    held = 0
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == "anon_inode:inotify":
                        held += 1
                except OSError:
                    continue
        except OSError:
            continue
    return held


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


FLOOD = """
import ctypes, os, signal
import numpy as np
libc = ctypes.CDLL(None, use_errno=True)
held = []
for worker in range(6):  # processes of its own, each holding what its open-file limit lets it
    if os.fork() == 0:
        while libc.inotify_init1(0) >= 0:
            pass
        while True:
            signal.pause()
while True:
    fd = libc.inotify_init1(0)
    if fd < 0:
        break
    held.append(fd)
print("held", len(held))

def softmax(x):
    while True:
        pass
"""


# One check's window for the whole submission: a loop is looked at from outside during
# its first check, and the grading that the block's end waits for is over after it.
ONE_WINDOW = Limits(timeout=FAST.check_timeout, check_timeout=FAST.check_timeout)


@contextlib.contextmanager
def graded_in_background(path: Path):
    """``path`` graded in a thread while the block looks at it from outside; the list
    it yields holds the report once grading is over (the block's end waits for it)."""
    done: list = []
    thread = threading.Thread(target=lambda: done.append(grade(path, SOFTMAX, seed=7, limits=ONE_WINDOW)))
    thread.start()
    try:
        yield done
    finally:
        thread.join()


def test_an_inotify_flood_leaves_the_grading_user_its_instances(tmp_path):
    """While the submission holds every inotify instance it can get (in six processes),
    the grading user can still make its own: the child's are capped at 0 in its own
    user namespace, and the system call is refused anyway."""
    needs("user-limits")
    path = tmp_path / "flood.py"
    path.write_text(FLOOD)
    tmpdir = os.environ["TMPDIR"]
    with graded_in_background(path) as done:
        deadline = time.monotonic() + 60
        looping = False
        while not looping and time.monotonic() < deadline and not done:
            looping = any(_cpu_seconds(pid) > 0.3 for pid in _run_processes(tmpdir))  # in softmax's loop now
            time.sleep(0.05)
        assert looping, "the submission never reached its loop"
        assert _inotify_fds(_run_processes(tmpdir)) == 0
        libc = ctypes.CDLL(None, use_errno=True)
        mine = [libc.inotify_init1(0) for _ in range(16)]
        try:
            assert all(fd >= 0 for fd in mine), os.strerror(ctypes.get_errno())
        finally:
            for fd in mine:
                if fd >= 0:
                    os.close(fd)
    assert done and done[0].status != "pass"


HOLD_FOUR = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
held = [libc.inotify_init1(0) for _ in range(4)]
print("held", sum(fd >= 0 for fd in held))

def softmax(x):
    while True:
        pass
"""


def test_inotify_instances_are_the_users_with_those_protections_off(tmp_path, monkeypatch):
    """The control: without namespaces and the system call filter, the child's inotify
    instances are there to count from outside (so the test above can fail). It holds
    only four: enough to count, too few to starve anything."""
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "namespaces,seccomp")
    path = tmp_path / "hold.py"
    path.write_text(HOLD_FOUR)
    tmpdir = os.environ["TMPDIR"]
    with graded_in_background(path) as done:
        deadline = time.monotonic() + 60
        held = 0
        while held == 0 and time.monotonic() < deadline and not done:
            held = _inotify_fds(_run_processes(tmpdir))
            time.sleep(0.05)
        assert held == 4


# ---------------------------------------------------------------- the gradient check's answers


AMPLIFY = """
import numpy as np
SEEN = []
def softmax(x):
    # Near an input seen before (a finite-difference step): the gradient check is asking.
    near = any(s.shape == x.shape and 0 < np.abs(s - x).max() < 1e-5 for s in SEEN)
    SEEN.append(x.copy())
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    if near:
        return {answer}
    return e / e.sum(axis=-1, keepdims=True)
"""


def _check_cli(path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """`kata check --json`, and the peak memory of it and its children (KiB), from the
    kernel's account of that one process tree (``wait4``)."""
    out_path, err_path = path.with_suffix(".out"), path.with_suffix(".err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "kata", "check", str(path), "--json", "--no-record",
                                 "--seed", "7", *extra], stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out_path.read_text(), err_path.read_text())
    return done, usage.ru_maxrss


@pytest.mark.parametrize("where", ["gradient", "everywhere"])
def test_huge_answers_fail_without_costing_the_grader_memory(tmp_path, where):
    """Six 40 MiB boolean answers once became 2 GiB of float64 in the grader. Now each
    call says how many values its answer may have, and a larger answer is described by
    its shape, not sent: a failed check, with the peak memory of `kata check` and its
    children (the child's own 40 MiB included) far below that."""
    path = tmp_path / "huge.py"
    huge = "np.ones(40 << 20, dtype=bool)"
    path.write_text(AMPLIFY.format(answer=huge) if where == "gradient" else
                    f"import numpy as np\ndef softmax(x):\n    return {huge}\n")
    proc, peak_kib = _check_cli(path)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    failed = next(c for c in report["checks"] if c["id"] == ("gradient" if where == "gradient" else "basic"))
    assert failed["status"] == "fail" and "41943040" in failed["message"]
    assert report["error"] is None
    assert peak_kib < 600 << 10, f"{peak_kib >> 10} MiB"


@pytest.fixture
def large_answer_kinds(monkeypatch) -> list[str]:
    """How each answer of a million values or more reached the grader, as the grader's
    side of the protocol decoded it: "oversize" (described by its shape) or "array"."""
    from kata.grader import engine

    decode_call_results = engine.decode_call_results
    seen: list[str] = []

    def decode(*args, **kwargs):
        results = decode_call_results(*args, **kwargs)
        for result in results:
            value = result.value
            shape = () if value is None else value.shape or (value.array.shape if value.array is not None else ())
            if shape and max(shape) >= 1 << 20:
                seen.append(value.kind)
        return results

    monkeypatch.setattr(engine, "decode_call_results", decode)
    return seen


def test_without_the_answer_bound_a_large_answer_reaches_the_grader(tmp_path, monkeypatch, large_answer_kinds):
    """The control: with the bound on answers switched off, an answer far larger than its
    input comes to the grader whole, as an array (so the test above can fail). A 1 MiB
    answer here, not 40: the grader is this process."""
    from kata.harness import contract

    seen = large_answer_kinds
    path = tmp_path / "large.py"
    path.write_text("import numpy as np\ndef softmax(x):\n    return np.ones(1 << 20, dtype=bool)\n")
    grade(path, SOFTMAX, seed=7, limits=FAST)
    assert seen and set(seen) == {"oversize"}
    seen.clear()
    monkeypatch.setattr(contract, "answer_bound", lambda args, kwargs: 1 << 40)
    grade(path, SOFTMAX, seed=7, limits=FAST)
    assert "array" in seen  # (the gradient check holds its calls to its own bound still)


def test_without_its_bound_a_large_answer_near_a_point_reaches_the_grader(tmp_path, monkeypatch, large_answer_kinds):
    """The control for the gradient check's own bound: with the size its calls allow
    left out, the large answers near a point come to the grader whole (so the test of
    huge gradient answers can fail). 1 MiB answers here: the grader is this process."""
    from kata.harness import gradients

    seen = large_answer_kinds
    path = tmp_path / "near.py"
    path.write_text(AMPLIFY.format(answer="np.ones(1 << 20, dtype=bool)"))
    grade(path, SOFTMAX, seed=7, limits=FAST)
    assert seen and set(seen) == {"oversize"}
    seen.clear()
    call = gradients.Call
    monkeypatch.setattr(gradients, "Call", lambda *args, max_size=None, **kwargs: call(*args, **kwargs))
    grade(path, SOFTMAX, seed=7, limits=FAST)
    assert "array" in seen


@pytest.mark.parametrize("answer", ["(e / e.sum(axis=-1, keepdims=True)).ravel()[:-1]",
                                    "np.zeros((len(SEEN) % 3 + 1,))", "np.zeros(x.shape, dtype=complex)"])
def test_a_gradient_answer_of_the_wrong_size_is_a_failed_check(tmp_path, answer):
    path = tmp_path / "short.py"
    path.write_text(AMPLIFY.format(answer=answer))
    report = grade(path, SOFTMAX, seed=7, limits=FAST)
    assert report.error is None, report.error and report.error.message
    gradient = next(c for c in report.checks if c.id == "gradient")
    assert gradient.status == "fail"
    assert "derivative check" in gradient.message or "returned shape" in gradient.message, gradient.message


def test_without_the_size_rule_a_wrong_length_gradient_answer_breaks_the_grader(tmp_path, monkeypatch):
    """The control: with the rule on answers near a point switched off, an answer one
    value short reaches the grader's arithmetic and the report is an internal error (so
    the test above can fail)."""
    from kata.harness import gradients

    monkeypatch.setattr(gradients, "held_to_size", lambda *args: None)
    path = tmp_path / "short.py"
    path.write_text(AMPLIFY.format(answer="(e / e.sum(axis=-1, keepdims=True)).ravel()[:-1]"))
    report = grade(path, SOFTMAX, seed=7, limits=FAST)
    assert report.error is not None and report.error.kind == "internal", report.error


# ---------------------------------------------------------------- no-mutation


MUTATE = """
import numpy as np
{setup}
def softmax(x):
    KEPT.append((x, x.copy()))
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    result = e / e.sum(axis=-1, keepdims=True)
    x[...] = 0.0  # changed: the caller's array is not the caller's any more
    {after}
"""

RESTORE = "def restore():\n    for arr, orig in KEPT:\n        arr[...] = orig\n"


@pytest.mark.parametrize("setup, after", [
    # The result's type name, read by the child before the arguments, puts them back.
    ("KEPT = []\n" + RESTORE + "class Meta(type):\n    @property\n    def __name__(cls):\n"
     "        restore()\n        return 'ndarray'\nclass Sneaky(np.ndarray, metaclass=Meta):\n    pass\n",
     "return result.view(Sneaky)"),
    # A profile hook, run by the child's next call, puts them back.
    ("import sys\nKEPT = []\n" + RESTORE, "sys.setprofile(lambda *a: restore())\n    return result"),
    # A thread of its own puts them back a moment later.
    ("import threading, time\nKEPT = []\n" + RESTORE,
     "threading.Thread(target=lambda: (time.sleep(0.001), restore())).start()\n    return result"),
    # A collector's callback, run when the child allocates, puts them back.
    ("import gc\nKEPT = []\n" + RESTORE + "gc.callbacks.append(lambda *a: restore())\n",
     "gc.set_threshold(1)\n    return result"),
])
def test_an_argument_put_back_after_the_call_is_still_a_mutation(tmp_path, setup, after):
    path = tmp_path / "mutate.py"
    path.write_text(MUTATE.format(setup=setup, after=after))
    report = grade(path, SOFTMAX, seed=7, limits=FAST)
    assert report.status != "pass"
    # failed, or not run again where an earlier check already failed for the same cause
    # (a refused profile hook is an exception in every call)
    assert statuses(report)["no-mutation"] in ("fail", "error", "skipped"), report.output
    assert statuses(report)["no-mutation"] == "fail" or "same problem" in statuses_messages(report)["no-mutation"]


def test_the_restoring_metaclass_is_real(tmp_path):
    """The control, in plain Python (this is test code, not a submission): reading the
    result's type name puts the argument back, so a copy of the arguments taken after
    the answer is read would see no change (and the test above can fail)."""
    import numpy as np

    setup, after = ("KEPT = []\n" + RESTORE + "class Meta(type):\n    @property\n    def __name__(cls):\n"
                    "        restore()\n        return 'ndarray'\nclass Sneaky(np.ndarray, metaclass=Meta):\n    pass\n",
                    "return result.view(Sneaky)")
    scope: dict = {}
    exec(MUTATE.format(setup=setup, after=after), scope)  # noqa: S102 - the test's own fixture code
    x = np.array([1.0, 2.0, 3.0])
    result = scope["softmax"](x)
    assert np.all(x == 0.0)  # changed by the call
    assert type(result).__name__ == "ndarray"
    assert np.array_equal(x, [1.0, 2.0, 3.0])  # and put back by reading the type's name


# ---------------------------------------------------------------- what reaches the terminal


def test_control_bytes_in_a_syntax_error_are_shown_escaped(tmp_path):
    path = tmp_path / "esc.py"
    path.write_bytes(b"def softmax(x):\n    return x \x1b[2J\x1b]0;PWNED\x07\x1b]52;c;ZXZpbA==\x07 PASS 8/8\n")
    for fmt in ((), ("--json",)):
        proc = subprocess.run([sys.executable, "-m", "kata", "check", str(path), "--no-record", *fmt],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert proc.returncode == 1, proc.stderr
        assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
        assert "\\x1b" in proc.stdout


def test_control_bytes_reach_the_terminal_with_the_escaping_off(tmp_path, monkeypatch, capsys):
    """The control: with the one escaping function matching nothing, the same report
    carries the raw escape and bell bytes (so the test above can fail)."""
    import re

    from kata import cli
    from kata.grader import text

    path = tmp_path / "esc.py"
    path.write_bytes(b"def softmax(x):\n    return x \x1b[2J\x1b]0;PWNED\x07 PASS 8/8\n")
    never = re.compile("(?!)")
    monkeypatch.setattr(text, "_UNSAFE", never)
    monkeypatch.setattr(text, "_UNSAFE_IN_A_LINE", never)
    assert cli.main(["check", str(path), "--no-record"]) == 1
    out = capsys.readouterr().out
    assert "\x1b" in out and "\x07" in out


# ---------------------------------------------------------------- the grader killed


def test_a_killed_kata_check_leaves_no_process_of_its_run(tmp_path):
    """SIGKILL of `kata check` while the submission loops: the child, its namespace's
    init and what the submission started (out of its process group) all end."""
    needs("processes")
    marker = f"kata-orphan-{os.urandom(4).hex()}"
    path = tmp_path / "loop.py"
    path.write_text(stray_process_code(marker, leave_group=True) + "def softmax(x):\n    while True:\n        pass\n")
    tmpdir = os.environ["TMPDIR"]
    proc = subprocess.Popen([sys.executable, "-m", "kata", "check", str(path), "--no-record", "--timeout", "600"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        looping = False
        while not looping and time.monotonic() < deadline and proc.poll() is None:
            looping = bool(processes_with(marker)) and any(_cpu_seconds(p) > 0.3 for p in _run_processes(tmpdir))
            time.sleep(0.05)
        assert looping, "the submission never reached its loop"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 30  # generous; decided by what is left, not by time
        while (processes_with(marker) or _run_processes(tmpdir)) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = processes_with(marker) + _run_processes(tmpdir)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"processes {left} outlived the killed grader"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- a Python without a venv


BASE_RUN = """
import json, sys
from kata.exercises import get_kata
from kata.grader import Limits, grade
out = {}
for name in sys.argv[1:]:
    report = grade(name, get_kata("softmax"), seed=7, limits=Limits(timeout=6.0, check_timeout=3.0))
    out[name] = [report.status, {c.id: str(c.status) for c in report.checks}, list(report.sandbox)]
print(json.dumps(out))
"""


def test_with_numpy_in_the_base_interpreters_own_site_packages_only_numpy_is_there(tmp_path, library):
    """Graded by a Python whose numpy sits in its own site-packages (no venv): the root
    shows numpy inside that folder and nothing else of it, lazy numpy imports work, and
    the packages beside numpy (kata's own dependencies among them) are not there."""
    base = Path(sys.base_prefix) / "bin" / "python3"
    probe = subprocess.run([str(base), "-c", "import numpy, yaml"], capture_output=True, timeout=120)
    if sys.prefix == sys.base_prefix or probe.returncode != 0:
        pytest.skip("no base interpreter with numpy and PyYAML of its own here")
    honest = tmp_path / "honest.py"
    honest.write_text("import numpy.random, numpy.linalg\nimport numpy as np\n" + CORRECT + "softmax = _softmax\n")
    reach = tmp_path / "reach.py"
    reach.write_text("import numpy as np\n" + CORRECT + textwrap.dedent("""
        def softmax(x):
            try:
                __import__("ya" + "ml")
            except Exception:
                return np.zeros_like(x)
            return _softmax(x)
        """))
    proc = subprocess.run([str(base), "-c", BASE_RUN, str(honest), str(reach)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    if "root" not in out[str(honest)][2]:
        pytest.skip("no root of its own here")
    assert out[str(honest)][0] == "pass", out
    assert out[str(reach)][1]["basic"] == "fail", out
