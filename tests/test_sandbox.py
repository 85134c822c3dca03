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

# A correct softmax that passes only if none of the attacks above it got through.
TAIL = """
import numpy as np

def softmax(x):
    if DONE:
        raise RuntimeError("the sandbox let these through: " + ", ".join(DONE))
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""


def attacks(*steps: tuple[str, str], imports: str = "os") -> str:
    """Source that tries each (name, statement) at import time and remembers which worked."""
    lines = [f"import {imports}", "DONE = []"]
    for name, code in steps:
        body = textwrap.indent(textwrap.dedent(code).strip(), "    ")
        lines += ["try:", body, f"    DONE.append({name!r})", "except Exception as err:",
                  f"    print('blocked', {name!r}, type(err).__name__)"]
    return "\n".join(lines) + "\n" + TAIL


def _kernel_offers() -> set[str]:
    """What this kernel offers, found without kata's code: Landlock's ABI by its system
    call, namespaces by util-linux's `unshare`. A protection it offers must be in force."""
    import ctypes
    import platform

    offers = {"no-new-privs", "capabilities", "keyrings"}
    if platform.machine() in ("x86_64", "aarch64", "riscv64"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        abi = libc.syscall(ctypes.c_long(444), None, ctypes.c_size_t(0), ctypes.c_uint32(1))
        offers |= {"ptrace"} if abi >= 1 else set()
        offers |= {"filesystem"} if abi >= 3 else set()
        offers |= {"network-tcp"} if abi >= 4 else set()
        offers |= {"signals"} if abi >= 6 else set()
    try:
        probe = subprocess.run(
            ["unshare", "--user", "--map-current-user", "--mount", "--net", "--pid", "--ipc", "--fork", "true"],
            capture_output=True, timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        probe = None
    if probe is not None and probe.returncode == 0:
        offers |= {"network", "mounts", "processes", "ipc", "signals", "root", "user-limits"}
    if platform.machine() in ("x86_64", "aarch64") and Path("/proc/sys/kernel/seccomp/actions_avail").exists():
        offers |= {"syscalls"}
    return offers


KERNEL = _kernel_offers()
# Each layer alone, and both: an attack must be stopped by the protection under test.
LAYERS = {"all": "", "landlock-only": "namespaces", "namespaces-only": "landlock"}
_MECHANISM = {  # what each protection rests on, to know what a layer leaves out
    "filesystem": "landlock", "ptrace": "landlock", "network-tcp": "landlock",
    "mounts": "namespaces", "network": "namespaces", "processes": "namespaces", "ipc": "namespaces",
    "root": "namespaces", "user-limits": "namespaces", "syscalls": "seccomp",
    # Where the kernel lets anyone make a user namespace, only one of its own (with
    # nested ones forbidden) keeps the submission from holding capabilities in one.
    "capabilities": "namespaces",
}
_STATUS: dict[str, SandboxStatus] = {}


def status_of(layer: str) -> SandboxStatus:
    if layer not in _STATUS:
        mp = pytest.MonkeyPatch()
        if LAYERS[layer]:
            mp.setenv("KATA_SANDBOX_SKIP", LAYERS[layer])
        try:
            _STATUS[layer] = probe_sandbox()
        finally:
            mp.undo()
    return _STATUS[layer]


def needs(layer: str, *names: str) -> None:
    """Skip where this kernel, or this layer, cannot give the protection; fail where the
    kernel offers it and the sandbox still reports it missing (a regression)."""
    status = status_of(layer)
    skipped = set(LAYERS[layer].split(",")) - {""}
    for name in names:
        if name in status.in_force:
            continue
        offered = name in KERNEL and _MECHANISM.get(name) not in skipped
        if name == "signals":  # Landlock's scoping or the PID namespace
            offered = "signals" in KERNEL and not (skipped >= {"landlock", "namespaces"})
            offered = offered and ("processes" in KERNEL or "landlock" not in skipped)
        if offered:
            pytest.fail(f"the kernel offers {name}, yet the sandbox reports: {status.missing.get(name)}")
        pytest.skip(f"{layer}: no {name} here ({status.missing.get(name, 'not in force')})")


@pytest.fixture(scope="module")
def warm_pools():
    pools: dict[str, Pool] = {}
    yield pools
    for pool in pools.values():
        pool.close()


class Runner:
    """Grades a source as `kata check` (cold child) or `kata grade` (warm fork) would,
    with one layer of the sandbox or all of it."""

    def __init__(self, how: str, layer: str, tmp_path: Path, pools: dict[str, Pool], monkeypatch) -> None:
        self.how, self.layer, self._tmp, self._pools, self._mp = how, layer, tmp_path, pools, monkeypatch

    def needs(self, *names: str) -> None:
        needs(self.layer, *names)

    def __call__(self, source: str):
        path = self._tmp / "attack.py"
        path.write_text(source, encoding="utf-8")
        if LAYERS[self.layer]:
            self._mp.setenv("KATA_SANDBOX_SKIP", LAYERS[self.layer])
        if self.how == "cold":
            return grade(path, SOFTMAX, seed=3, limits=FAST)
        if self.layer not in self._pools:
            self._pools[self.layer] = Pool(1)  # its zygote takes this layer's environment
        with self._pools[self.layer].slot() as spawner:
            return grade(path, SOFTMAX, seed=3, limits=FAST, spawner=spawner)


@pytest.fixture(params=[(h, layer) for layer in LAYERS for h in ("cold", "warm")], ids=lambda p: f"{p[0]}-{p[1]}")
def run(request, tmp_path, warm_pools, monkeypatch):
    how, layer = request.param
    return Runner(how, layer, tmp_path, warm_pools, monkeypatch)


def assert_all_blocked(report, names: list[str]) -> None:
    assert report.status == "pass", [(c.id, c.message[:300]) for c in report.checks if c.status != "pass"]
    for name in names:
        assert f"blocked {name} " in report.output, report.output


# ---------------------------------------------------------------- what is in force


def test_the_probe_and_every_report_say_what_was_in_force(run):
    report = run(attacks())
    assert report.status == "pass"
    status = status_of(run.layer)
    assert report.sandbox == list(status.in_force)
    assert {m["protection"] for m in report.sandbox_missing} == set(status.missing)
    data = report.to_dict()
    assert isinstance(data["sandbox"], list) and all(name in PROTECTIONS for name in data["sandbox"])
    assert all(set(m) == {"protection", "reason"} and m["reason"] for m in data["sandbox_missing"])


def test_every_protection_the_kernel_offers_is_in_force():
    for name in sorted(KERNEL & set(PROTECTIONS)):
        needs("all", name)


def test_the_child_and_the_grader_name_the_same_protections():
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "kata" / "grader" / "_sandbox.py"
    spec = importlib.util.spec_from_file_location("_kata_sandbox_names", script)
    child = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(child)  # definitions only: nothing is applied on import
    assert set(child.PROTECTIONS) == set(PROTECTIONS)


def test_a_malformed_or_missing_sandbox_answer_counts_as_nothing_in_force():
    for raw in (None, [], {"in_force": "filesystem"}, {"missing": {}}):
        status = SandboxStatus.parse(raw)
        assert status.in_force == () and not status.complete
        assert set(REQUIRED) <= set(status.missing)
    status = SandboxStatus.parse({"in_force": ["filesystem", "root-access", 3], "missing": {"network": 7}})
    assert status.in_force == ("filesystem",)
    assert status.missing["network"]  # a reason that is not text gets a generic one


# ---------------------------------------------------------------- filesystem


@pytest.fixture
def outside(tmp_path):
    """A folder outside the sandbox with a canary and a secret in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "canary.txt").write_text("precious")
    (folder / "secret.txt").write_text("hunter2-token")
    return folder


def _untouched(folder: Path) -> None:
    canary = folder / "canary.txt"
    assert canary.read_text() == "precious"
    assert canary.stat().st_mode & 0o777 == 0o644 and canary.stat().st_mtime > 1e9
    assert sorted(p.name for p in folder.iterdir()) == ["canary.txt", "secret.txt"]


def test_files_outside_its_folder_cannot_be_changed_or_read(run, outside):
    run.needs("filesystem")
    canary, secret = str(outside / "canary.txt"), str(outside / "secret.txt")
    report = run(attacks(
        ("overwrite", f"open({canary!r}, 'w').write('gone')"),
        ("append", f"open({canary!r}, 'a').write('more')"),
        ("truncate", f"os.truncate({canary!r}, 0)"),
        ("remove", f"os.remove({canary!r})"),
        ("rename", f"os.rename({canary!r}, {canary!r} + '.moved')"),
        ("new-file", f"open({str(outside / 'dropped.py')!r}, 'w').write('x')"),
        ("mkdir", f"os.mkdir({str(outside / 'dir')!r})"),
        ("symlink", f"os.symlink('/etc/passwd', {str(outside / 'link')!r})"),
        ("read-secret", f"print(open({secret!r}).read())"),
        ("list-home", "print(os.listdir(os.path.expanduser('~root')))"),
        ("write-tmp", "open('/tmp/kata-sandbox-escape', 'w').write('x')"),
        ("read-proc", "print(open('/proc/1/environ').read())"),
        ("replace-submission", "open('../submission.py', 'w').write('')"),
    ))
    assert_all_blocked(report, ["overwrite", "truncate", "read-secret", "write-tmp", "replace-submission"])
    _untouched(outside)
    assert "hunter2-token" not in report.output
    assert not Path("/tmp/kata-sandbox-escape").exists()


def test_modes_owners_and_times_elsewhere_cannot_be_changed(run, outside):
    run.needs("mounts")
    canary = str(outside / "canary.txt")
    report = run(attacks(
        ("chmod", f"os.chmod({canary!r}, 0)"),
        ("chown", f"os.chown({canary!r}, 65534, 65534)"),
        ("utime", f"os.utime({canary!r}, (0, 0))"),
        ("chmod-own-folder", "os.chmod('..', 0o777)"),
        ("setuid-in-scratch", "open('x', 'w').close(); os.chmod('x', 0o4755); "
                              "assert os.stat('x').st_mode & 0o4000; os.execv('./x', ['x'])"),
    ))
    assert_all_blocked(report, ["chmod", "utime", "chmod-own-folder"])
    _untouched(outside)


def test_what_it_writes_stays_inside_and_is_gone_afterwards(run, tmp_path):
    """Scratch is its own tmpfs: nothing it writes is seen outside, or left on disk,
    however deep it nests folders; and it is capped."""
    run.needs("mounts")
    runs = Path(os.environ["TMPDIR"])  # the autouse fixture's, this test's own
    before = set(runs.glob("kata-run-*"))
    report = run(attacks(
        ("fill-disk", "open('big', 'wb').write(b'x' * (100 << 20))"),
        imports="os",
    ).replace("DONE = []", "DONE = []\nfor i in range(1500):\n    os.mkdir('d')\n    os.chdir('d')\n"
              "open('deep.txt', 'w').write('x')\nos.chdir(os.environ['HOME'])", 1))
    assert_all_blocked(report, ["fill-disk"])
    assert set(runs.glob("kata-run-*")) == before


def test_its_own_folder_and_python_still_work(run):
    """The sandbox must not break honest code: temp files, lazy imports, numpy I/O, ctypes."""
    report = run(
        """
import ctypes, os, tempfile
import numpy as np
with tempfile.NamedTemporaryFile("w", delete=False) as f:
    f.write("scratch")
np.save("saved.npy", np.arange(3))
assert np.load("saved.npy").tolist() == [0, 1, 2]
os.remove(f.name)
import numpy.random, json, decimal, fractions, statistics  # noqa: E401 - imported lazily, under the sandbox
rng = numpy.random.default_rng(0)
callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)(lambda v: v + 1)
assert callback(41) == 42

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


def _tcp_attack(port: int) -> tuple[str, str]:
    return ("tcp", f"s = socket.create_connection(('127.0.0.1', {port}), timeout=1); s.sendall(b'LEAK')")


def test_no_connection_reaches_a_loopback_server(run, listener):
    run.needs("network")
    tcp_port, udp_port, received = listener
    report = run(attacks(
        _tcp_attack(tcp_port),
        ("udp", f"socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'LEAK', ('127.0.0.1', {udp_port}))"),
        ("ipv6", f"socket.create_connection(('::1', {tcp_port}), timeout=1)"),
        ("dns", "socket.getaddrinfo('pypi.org', 443)"),
        imports="socket",
    ))
    assert_all_blocked(report, ["tcp", "udp"])
    assert received == []


def test_without_a_network_namespace_tcp_is_still_blocked(run, listener):
    run.needs("network-tcp")
    tcp_port, _, received = listener
    report = run(attacks(
        _tcp_attack(tcp_port),
        ("listen", "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()"),
        imports="socket",
    ))
    assert_all_blocked(report, ["tcp", "listen"])
    assert received == []


def test_service_sockets_in_run_are_out_of_reach(run):
    run.needs("mounts")
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
        report = run(attacks(
            ("connect", f"s = socket.socket(socket.AF_UNIX); s.connect({str(path)!r}); s.sendall(b'LEAK')"),
            ("list-run", "assert os.listdir('/run'), 'empty'"),
            imports="os, socket",
        ))
        with pytest.raises(TimeoutError):
            server.accept()
    finally:
        server.close()
        path.unlink()
    assert_all_blocked(report, ["connect", "list-run"])


# ---------------------------------------------------------------- IPC and keys


def test_system_v_ipc_outside_is_out_of_reach(run):
    run.needs("ipc")
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    key = int.from_bytes(os.urandom(3), "little") | 0x4B000000
    shm = libc.shmget(ctypes.c_int(key), ctypes.c_size_t(4096), ctypes.c_int(0o1000 | 0o600))  # IPC_CREAT
    if shm < 0:
        pytest.skip("System V shared memory is not available here")
    try:
        report = run(attacks(
            ("shmget", f"""
                libc = ctypes.CDLL(None, use_errno=True)
                if libc.shmget(ctypes.c_int({key}), ctypes.c_size_t(0), ctypes.c_int(0o600)) < 0:
                    raise OSError(ctypes.get_errno(), "shmget")"""),
            imports="ctypes",
        ))
    finally:
        libc.shmctl(ctypes.c_int(shm), ctypes.c_int(0), None)  # IPC_RMID
    assert_all_blocked(report, ["shmget"])


def test_the_graders_keyrings_are_out_of_reach(run):
    run.needs("keyrings")
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    name = f"kata-test-{os.urandom(4).hex()}".encode()
    add_key, keyctl = (248, 250) if os.uname().machine == "x86_64" else (217, 219)
    key = libc.syscall(ctypes.c_long(add_key), b"user", name, b"SECRET", ctypes.c_size_t(6), ctypes.c_long(-3))
    if key < 0:
        pytest.skip("no session keyring to put a key in here")
    try:
        report = run(attacks(
            ("search-session", f"""
                libc = ctypes.CDLL(None, use_errno=True)
                libc.syscall.restype = ctypes.c_long
                found = libc.syscall(ctypes.c_long({keyctl}), ctypes.c_long(10), ctypes.c_long(-3), b"user",
                                     {name!r}, ctypes.c_long(0))
                if found < 0:
                    raise OSError(ctypes.get_errno(), "keyctl search")"""),
            imports="ctypes",
        ))
    finally:
        libc.syscall(ctypes.c_long(keyctl), ctypes.c_long(3), ctypes.c_long(key))  # KEYCTL_REVOKE
    assert_all_blocked(report, ["search-session"])


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
    run.needs("signals")
    hits: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda *_: hits.append(1))
    try:
        report = run(attacks(
            ("kill-victim", f"os.kill({victim}, signal.SIGKILL)"),
            ("kill-grader", f"os.kill({os.getpid()}, signal.SIGUSR1)"),
            ("pidfd", f"signal.pidfd_send_signal(os.pidfd_open({victim}), signal.SIGKILL)"),
            imports="os, signal",
        ))
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert_all_blocked(report, ["kill-victim", "kill-grader"])
    assert hits == []
    os.kill(victim, 0)  # still there


def test_it_cannot_trace_or_read_processes_outside(run, victim):
    run.needs("ptrace")
    report = run(attacks(
        ("ptrace-attach", f"""
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.ptrace(16, {victim}, None, None) != 0:
                raise OSError(ctypes.get_errno(), "ptrace")"""),
        ("read-mem", f"open('/proc/{victim}/mem', 'rb').read(1)"),
        ("grader-environ", f"print(open('/proc/{os.getpid()}/environ', 'rb').read())"),
        imports="ctypes",
    ))
    assert_all_blocked(report, ["ptrace-attach", "read-mem", "grader-environ"])
    assert _tracer_of(victim) == 0


def test_it_has_no_privileges_to_gain(run):
    run.needs("no-new-privs", "capabilities")
    report = run(attacks(
        ("keeps-privileges", """
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(39, 0, 0, 0, 0) == 1:  # PR_GET_NO_NEW_PRIVS
                raise PermissionError("no_new_privs is set")"""),
        ("holds-capabilities", """
            class Head(ctypes.Structure):
                _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
            data = (ctypes.c_uint32 * 6)()
            ctypes.CDLL(None).capget(ctypes.byref(Head(0x20080522, 0)), data)
            if not any(data):
                raise PermissionError("no capabilities")"""),
        ("nested-user-namespace", """
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.unshare(0x10000000 | 0x40000000) != 0:
                raise OSError(ctypes.get_errno(), "unshare")"""),
        imports="ctypes, os",
    ))
    assert_all_blocked(report, ["keeps-privileges", "holds-capabilities", "nested-user-namespace"])


def test_nothing_it_starts_outlives_the_grading(run, assert_no_process_with):
    run.needs("processes")
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
    needs("all", "signals", "processes")
    root = tmp_path / "class"
    root.mkdir()
    hostile = {
        # Only where it is PID 2 of its own namespace (which the probe said it is): should
        # that ever not hold, this would kill every process of the user running the tests.
        "kill_everything": "if os.getpid() == 2:\n    os.kill(-1, signal.SIGKILL)",
        "kill_parents": "for pid in (os.getppid(), 1):\n    os.kill(pid, signal.SIGKILL)",
        "kill_victim": f"os.kill({victim}, signal.SIGKILL)",
        "kill_group": "os.killpg(0, signal.SIGKILL)",  # its own group: it ends itself, nothing else
    }
    for name, code in hostile.items():
        (root / f"{name}.py").write_text(attacks((name, code), imports="os, signal"))
    for i in range(3):
        (root / f"honest{i}.py").write_text(attacks())
    proc = _kata("grade", str(root), "--kata", "softmax", "-j", "2", "--seed", "4", "--format", "json")
    entries = {e["id"]: e for e in json.loads(proc.stdout)}
    assert set(entries) == {f"{n}.py" for n in hostile} | {f"honest{i}.py" for i in range(3)}, proc.stderr
    # Every attack but the self-inflicted one failed, so those files are correct softmaxes.
    assert all(entries[f"{n}.py"]["status"] == "pass" for n in hostile if n != "kill_group"), proc.stdout
    assert all(entries[f"honest{i}.py"]["status"] == "pass" for i in range(3))
    assert entries["kill_group.py"]["status"] == "error"
    assert proc.returncode == 1
    os.kill(victim, 0)


# ---------------------------------------------------------------- --sandbox strict


SOLUTION = Path(__file__).resolve().parents[1] / "solutions" / "softmax.py"


def test_strict_grades_when_everything_is_in_force():
    needs("all", *REQUIRED)
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
        if "pivot_root" in self.refuse and number.value == sb.SYS_PIVOT_ROOT:
            ctypes.set_errno(errno.EPERM)
            return -1
        return real.syscall(number, *args)

refuse = sys.argv[2].split(",")
sb._libc = lambda: Refusing(refuse)
for item in refuse:
    if item.startswith("abi="):  # an older kernel's Landlock (a newer one accepts its rights)
        sb.landlock_abi = lambda libc, abi=int(item[4:]): abi
os.chdir(sys.argv[3])
print(json.dumps(sb.confine(sys.argv[3])))
"""


@pytest.mark.parametrize("refuse", ["unshare", "landlock", "unshare,landlock", "abi=1", "abi=2", "abi=3", "abi=5",
                                    "pivot_root"])
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
    if refuse == "pivot_root" and "processes" in in_force:  # the host's files stay, read-only, and it says so
        assert "root" in missing and "pivot_root" in missing["root"] and "mounts" in in_force
    if "unshare" in refuse:
        assert "root" in missing
    if refuse.startswith("abi="):
        abi = int(refuse[4:])
        assert "ptrace" in in_force  # Landlock applied, with the rights this ABI knows
        assert ("filesystem" in in_force) == (abi >= 3), missing.get("filesystem")
        assert ("network-tcp" in in_force) == (abi >= 4)
        if abi < 3:
            assert "truncat" in missing["filesystem"]
    assert not in_force & set(missing)
