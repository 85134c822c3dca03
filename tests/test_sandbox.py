"""The kernel sandbox: whatever a submission tries, it does no harm outside its folder.

Each test attacks one protection, from a cold child (`kata check`) and from a warm
pool's fork (`kata grade`), and checks the harm from outside: a canary file is intact,
a loopback server received nothing, a victim process is alive and untraced, nothing
is left running. A test is skipped, with the kernel's reason, only where this machine
cannot give that protection.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from kata.exercises import get_kata
from kata.grader import Limits, grade
from kata.grader.engine import probe_sandbox
from kata.grader.pool import Pool
from kata.grader.sandbox import PROTECTIONS, REQUIRED, SandboxIncomplete, SandboxStatus
from tests.conftest import stray_process_code

SOFTMAX = get_kata("softmax")
FAST = Limits(timeout=6.0, check_timeout=3.0)
STATUS = probe_sandbox()

# A correct softmax that passes only if none of the attacks above it got through.
TAIL = """
import numpy as np

def softmax(x):
    if DONE:
        raise RuntimeError("the sandbox let these through: " + ", ".join(DONE))
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""


def attacks(*steps: tuple[str, str]) -> str:
    """Source that tries each (name, statement) at import time and remembers which worked."""
    lines = ["DONE = []", "BLOCKED = []"]
    for name, code in steps:
        body = textwrap.indent(textwrap.dedent(code).strip(), "    ")
        lines += ["try:", body, f"    DONE.append({name!r})", "except Exception as err:",
                  f"    BLOCKED.append({name!r})", f"    print('blocked', {name!r}, type(err).__name__)"]
    return "\n".join(lines) + "\n" + TAIL


def needs(*names: str) -> None:
    missing = [f"{n}: {STATUS.missing.get(n, 'not in force')}" for n in names if n not in STATUS.in_force]
    if missing:
        pytest.skip("this kernel cannot give " + "; ".join(missing))


@pytest.fixture(scope="module")
def warm_pool():
    with Pool(1) as pool:
        yield pool


@pytest.fixture(params=["cold", "warm"])
def run(request, tmp_path):
    """Grade a source the way `kata check` (cold child) or `kata grade` (warm fork) does."""

    def go(source: str):
        path = tmp_path / "attack.py"
        path.write_text(source, encoding="utf-8")
        if request.param == "cold":
            return grade(path, SOFTMAX, seed=3, limits=FAST)
        with request.getfixturevalue("warm_pool").slot() as spawner:
            return grade(path, SOFTMAX, seed=3, limits=FAST, spawner=spawner)

    return go


def assert_all_blocked(report, names: list[str]) -> None:
    assert report.status == "pass", [(c.id, c.message[:300]) for c in report.checks if c.status != "pass"]
    for name in names:
        assert f"blocked {name} " in report.output, report.output


# ---------------------------------------------------------------- what is in force


def test_the_probe_and_every_report_say_what_was_in_force(run):
    report = run(attacks())
    assert report.status == "pass"
    assert report.sandbox == list(STATUS.in_force)
    assert {m["protection"] for m in report.sandbox_missing} == set(STATUS.missing)
    data = report.to_dict()
    assert isinstance(data["sandbox"], list) and all(name in PROTECTIONS for name in data["sandbox"])
    assert all(set(m) == {"protection", "reason"} and m["reason"] for m in data["sandbox_missing"])


def test_a_malformed_or_missing_sandbox_answer_counts_as_nothing_in_force():
    for raw in (None, [], {"in_force": "filesystem"}, {"missing": {}}):
        status = SandboxStatus.parse(raw)
        assert status.in_force == () and not status.complete
        assert set(REQUIRED) <= set(status.missing)
    status = SandboxStatus.parse({"in_force": ["filesystem", "root-access", 3], "missing": {"network": 7}})
    assert status.in_force == ("filesystem",)
    assert status.missing["network"]  # a reason that is not text gets a generic one


# ---------------------------------------------------------------- filesystem


def test_files_outside_its_folder_cannot_be_changed_or_read(run, tmp_path):
    needs("filesystem", "mounts")
    outside = tmp_path / "outside"
    outside.mkdir()
    canary = outside / "canary.txt"
    canary.write_text("precious")
    secret = outside / "secret.txt"
    secret.write_text("hunter2-token")
    report = run(
        attacks(
            ("overwrite", f"open({str(canary)!r}, 'w').write('gone')"),
            ("append", f"open({str(canary)!r}, 'a').write('more')"),
            ("truncate", f"os.truncate({str(canary)!r}, 0)"),
            ("remove", f"os.remove({str(canary)!r})"),
            ("rename", f"os.rename({str(canary)!r}, {str(canary)!r} + '.moved')"),
            ("chmod", f"os.chmod({str(canary)!r}, 0)"),
            ("utime", f"os.utime({str(canary)!r}, (0, 0))"),
            ("new-file", f"open({str(outside / 'dropped.py')!r}, 'w').write('x')"),
            ("mkdir", f"os.mkdir({str(outside / 'dir')!r})"),
            ("symlink", f"os.symlink('/etc/passwd', {str(outside / 'link')!r})"),
            ("read-secret", f"print(open({str(secret)!r}).read())"),
            ("list-home", "print(os.listdir(os.path.expanduser('~root')))"),
            ("write-tmp", "open('/tmp/kata-sandbox-escape', 'w').write('x')"),
            ("read-proc", "print(open('/proc/1/environ').read())"),
        ).replace("DONE = []", "import os\nDONE = []", 1)
    )
    assert_all_blocked(report, ["overwrite", "truncate", "chmod", "read-secret", "write-tmp"])
    assert canary.read_text() == "precious" and oct(canary.stat().st_mode & 0o777) != "0o0"
    assert canary.stat().st_mtime > 0
    assert sorted(p.name for p in outside.iterdir()) == ["canary.txt", "secret.txt"]
    assert "hunter2-token" not in report.output
    assert not Path("/tmp/kata-sandbox-escape").exists()


def test_its_own_folder_and_python_still_work(run):
    """The sandbox must not break honest code: temp files, lazy imports, numpy I/O."""
    report = run(
        """
import os, tempfile
import numpy as np
with tempfile.NamedTemporaryFile("w", delete=False) as f:
    f.write("scratch")
np.save("saved.npy", np.arange(3))
assert np.load("saved.npy").tolist() == [0, 1, 2]
os.remove(f.name)
import numpy.random, json, decimal, fractions, statistics  # noqa: E401 - imported lazily, under the sandbox
rng = numpy.random.default_rng(0)

def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""
    )
    assert report.status == "pass", [(c.id, c.message[:300]) for c in report.checks] + [report.error]


# ---------------------------------------------------------------- network


@pytest.fixture
def listener():
    """A TCP and a UDP server on loopback that record whatever reaches them."""
    received: list[bytes] = []
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen()
    tcp.settimeout(0.2)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = tcp.accept()
                received.append(b"tcp-connect:" + conn.recv(100))
                conn.close()
            except OSError:
                pass
            try:
                received.append(b"udp:" + udp.recv(100))
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield tcp.getsockname()[1], udp.getsockname()[1], received
    stop.set()
    thread.join()
    tcp.close()
    udp.close()


def test_no_connection_reaches_a_loopback_server(run, listener):
    needs("network")
    tcp_port, udp_port, received = listener
    report = run(
        attacks(
            ("tcp", f"s = socket.create_connection(('127.0.0.1', {tcp_port}), timeout=1); s.sendall(b'LEAK')"),
            ("udp", f"socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'LEAK', ('127.0.0.1', {udp_port}))"),
            ("ipv6", f"socket.create_connection(('::1', {tcp_port}), timeout=1)"),
            ("dns", "socket.getaddrinfo('pypi.org', 443)"),
        ).replace("DONE = []", "import socket\nDONE = []", 1)
    )
    assert_all_blocked(report, ["tcp", "udp"])
    assert received == []


def test_service_sockets_in_run_are_out_of_reach(run):
    needs("mounts")
    path = Path("/run") / f"kata-test-{os.urandom(4).hex()}.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError as err:
        server.close()
        pytest.skip(f"cannot make a socket in /run here ({err.strerror})")
    server.listen()
    server.settimeout(0.5)
    try:
        report = run(
            attacks(
                ("connect", f"s = socket.socket(socket.AF_UNIX); s.connect({str(path)!r}); s.sendall(b'LEAK')"),
                ("list-run", "assert os.listdir('/run'), 'empty'"),
            ).replace("DONE = []", "import os, socket\nDONE = []", 1)
        )
        with pytest.raises(TimeoutError):
            server.accept()
    finally:
        server.close()
        path.unlink()
    assert_all_blocked(report, ["connect", "list-run"])


# ---------------------------------------------------------------- processes


@pytest.fixture
def victim():
    """A process of the same user, outside the sandbox, that nothing should touch."""
    proc = subprocess.Popen(["sleep", "60"])
    yield proc.pid
    proc.kill()
    proc.wait()


def _tracer_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("TracerPid:"):
            return int(line.split()[1])
    return -1


def test_it_cannot_signal_processes_outside(run, victim):
    needs("signals")
    hits: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda *_: hits.append(1))
    try:
        report = run(
            attacks(
                ("kill-victim", f"os.kill({victim}, signal.SIGKILL)"),
                ("kill-grader", f"os.kill({os.getpid()}, signal.SIGUSR1)"),
                ("pidfd", f"signal.pidfd_send_signal(os.pidfd_open({victim}), signal.SIGKILL)"),
            ).replace("DONE = []", "import os, signal\nDONE = []", 1)
        )
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert_all_blocked(report, ["kill-victim", "kill-grader"])
    assert hits == []
    os.kill(victim, 0)  # still there


def test_it_cannot_trace_or_read_processes_outside(run, victim):
    needs("ptrace")
    report = run(
        attacks(
            ("ptrace-attach", f"""
                libc = ctypes.CDLL(None, use_errno=True)
                if libc.ptrace(16, {victim}, None, None) != 0:
                    raise OSError(ctypes.get_errno(), "ptrace")"""),
            ("read-mem", f"open('/proc/{victim}/mem', 'rb').read(1)"),
            ("grader-environ", f"print(open('/proc/{os.getpid()}/environ', 'rb').read())"),
        ).replace("DONE = []", "import ctypes\nDONE = []", 1)
    )
    assert_all_blocked(report, ["ptrace-attach", "read-mem", "grader-environ"])
    assert _tracer_of(victim) == 0


def test_it_has_no_privileges_to_gain(run):
    needs("no-new-privs", "capabilities")
    report = run(
        attacks(
            ("keeps-privileges", """
                libc = ctypes.CDLL(None, use_errno=True)
                if libc.prctl(39, 0, 0, 0, 0) != 1:  # PR_GET_NO_NEW_PRIVS
                    pass
                else:
                    raise PermissionError("no_new_privs is set")"""),
            ("holds-capabilities", """
                class Head(ctypes.Structure):
                    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
                data = (ctypes.c_uint32 * 6)()
                ctypes.CDLL(None).capget(ctypes.byref(Head(0x20080522, 0)), data)
                if not any(data):
                    raise PermissionError("no capabilities")"""),
            ("setuid-root", "os.setuid(0); os.setgid(0); open('/etc/shadow').read()"),
        ).replace("DONE = []", "import ctypes, os\nDONE = []", 1)
    )
    assert_all_blocked(report, ["keeps-privileges", "holds-capabilities"])


def test_nothing_it_starts_outlives_the_grading(run, assert_no_process_with):
    needs("processes")
    marker = f"kata-stray-{os.urandom(4).hex()}"
    report = run(stray_process_code(marker, leave_group=True) + attacks())
    assert report.status == "pass"
    assert_no_process_with(marker)


# ---------------------------------------------------------------- the batch survives


def _kata(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kata", *args], capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
    )


def test_a_hostile_class_cannot_stop_kata_grade(tmp_path, victim):
    needs("signals", "processes")
    root = tmp_path / "class"
    root.mkdir()
    hostile = {
        # Only where it is PID 2 of its own namespace (which the probe said it is): should
        # that ever not hold, this would kill every process of the user running the tests.
        "kill_everything": "import os, signal\nif os.getpid() == 2:\n    os.kill(-1, signal.SIGKILL)\n",
        "kill_group": "import os, signal\nos.killpg(0, signal.SIGKILL)\n",
        "kill_parents": "import os, signal\nfor pid in (os.getppid(), 1):\n    os.kill(pid, signal.SIGKILL)\n",
        "kill_victim": f"import os, signal\nos.kill({victim}, signal.SIGKILL)\n",
    }
    for name, code in hostile.items():
        (root / f"{name}.py").write_text(code + "def softmax(x):\n    return x\n")
    for i in range(3):
        (root / f"honest{i}.py").write_text(attacks())
    proc = _kata("grade", str(root), "--kata", "softmax", "-j", "2", "--seed", "4", "--format", "json")
    entries = {e["id"]: e for e in json.loads(proc.stdout)}
    assert set(entries) == {f"{n}.py" for n in hostile} | {f"honest{i}.py" for i in range(3)}, proc.stderr
    assert all(entries[f"honest{i}.py"]["status"] == "pass" for i in range(3))
    assert all(entries[f"{n}.py"]["status"] != "pass" for n in hostile)
    assert proc.returncode == 1
    os.kill(victim, 0)


# ---------------------------------------------------------------- --sandbox strict


SOLUTION = Path(__file__).resolve().parents[1] / "solutions" / "softmax.py"


def test_strict_grades_when_everything_is_in_force():
    needs(*REQUIRED)
    proc = _kata("check", str(SOLUTION), "--sandbox", "strict", "--json", "--no-record")
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)["sandbox"]) >= set(REQUIRED)


@pytest.mark.parametrize("command", ["check", "grade"])
def test_strict_refuses_with_exit_3_when_a_protection_is_missing(tmp_path, command):
    out = tmp_path / "grades.json"
    args = [command, str(SOLUTION), "--kata", "softmax", "--sandbox", "strict", "--no-record"]
    if command == "grade":
        args = [command, str(SOLUTION), "--sandbox", "strict", "--out", str(out)]
    proc = _kata(*args, env={"KATA_SANDBOX_SKIP": "landlock"})
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "--sandbox strict" in lines[0] and "filesystem" in lines[0]
    assert proc.stdout == "" and not out.exists()


def test_auto_grades_and_says_what_was_missing():
    proc = _kata("check", str(SOLUTION), "--json", "--no-record", env={"KATA_SANDBOX_SKIP": "landlock"})
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    missing = {m["protection"]: m["reason"] for m in report["sandbox_missing"]}
    assert "filesystem" in missing and "filesystem" not in report["sandbox"]
    assert "KATA_SANDBOX_SKIP" in missing["filesystem"]
    human = _kata("check", str(SOLUTION), "--no-record", env={"KATA_SANDBOX_SKIP": "landlock"})
    assert "graded without filesystem" in human.stdout


def test_strict_is_checked_before_the_submission_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "namespaces,landlock")  # so the file could write, if it ran
    marker = tmp_path / "ran"
    path = tmp_path / "sub.py"
    path.write_text(f"open({str(marker)!r}, 'w').write('x')\ndef softmax(x):\n    return x\n")
    with pytest.raises(SandboxIncomplete, match="network"):
        grade(path, SOFTMAX, seed=1, limits=Limits(sandbox="strict"))
    assert not marker.exists()


DEGRADE = """
import ctypes, errno, json, os, sys, importlib.util
spec = importlib.util.spec_from_file_location("sb", sys.argv[1])
sb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sb)
real = sb._libc()

class Refusing:
    # libc as on a kernel without user namespaces and/or Landlock
    def __init__(self, refuse):
        self.refuse = refuse
    def __getattr__(self, name):
        return getattr(real, name)
    def unshare(self, flags):
        if "unshare" in self.refuse:
            ctypes.set_errno(errno.EPERM)
            return -1
        return real.unshare(flags)
    def syscall(self, number, *args):
        if "landlock" in self.refuse and number.value in (444, 445, 446):
            ctypes.set_errno(errno.ENOSYS)
            return -1
        return real.syscall(number, *args)

refuse = sys.argv[2].split(",")
sb._libc = lambda: Refusing(refuse)
os.chdir(sys.argv[3])
print(json.dumps(sb.confine(sys.argv[3])))
"""


@pytest.mark.parametrize("refuse", ["unshare", "landlock", "unshare,landlock"])
def test_it_degrades_honestly_when_the_kernel_refuses(tmp_path, refuse):
    """Where the kernel refuses a feature, that protection is reported missing with the
    kernel's reason, and the others are still applied."""
    script = Path(__file__).resolve().parents[1] / "kata" / "grader" / "_sandbox.py"
    proc = subprocess.run(
        [sys.executable, "-c", DEGRADE, str(script), refuse, str(tmp_path)], capture_output=True, text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    status = json.loads(proc.stdout.strip().splitlines()[-1])
    in_force, missing = set(status["in_force"]), status["missing"]
    assert "no-new-privs" in in_force
    if "unshare" in refuse:
        assert {"network", "processes", "mounts"} <= set(missing) and not in_force & {"network", "processes"}
        assert "EPERM" in missing["network"]
    if "landlock" in refuse:
        assert {"filesystem", "ptrace"} <= set(missing) and "filesystem" not in in_force
        assert "Landlock" in missing["filesystem"]
    if refuse == "unshare,landlock":
        assert "signals" in missing  # neither a PID namespace nor Landlock's scoping
    assert not in_force & set(missing)
