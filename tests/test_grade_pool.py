"""The warm pool keeps every isolation property of a cold child: limits, own session,
private folder, only its pipes, clean environment, process group killed afterwards."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from kata.exercises import get_kata
from kata.grader import Limits, grade
from kata.grader.pool import Pool
from tests.conftest import stray_process_code

SOFTMAX = get_kata("softmax")
FAST = Limits(timeout=4.0, check_timeout=1.5, memory_mb=512)

CORRECT = """
import numpy as np

def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""


@pytest.fixture(scope="module")
def pool():
    with Pool(1) as p:
        yield p


@pytest.fixture
def bare_pool(monkeypatch):
    """A pool whose forks run without the kernel sandbox, as on a kernel that has none:
    the pool's own defences (a dead or stopped zygote is replaced) must hold there too."""
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "namespaces,landlock")
    with Pool(1) as p:
        yield p


def run(pool: Pool, tmp_path: Path, source: str, name: str = "sub.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    with pool.slot() as spawner:
        return grade(path, SOFTMAX, seed=5, limits=FAST, spawner=spawner)


def statuses(report) -> set[str]:
    return {c.status for c in report.checks}


def probe(pool, tmp_path, expression: str) -> object:
    """Run ``expression`` inside the forked child and return its JSON value (via stdout)."""
    report = run(
        pool,
        tmp_path,
        f"""
        import json, os, resource, sys
        def open_fds():
            found = []
            for fd in range(1024):
                try:
                    os.fstat(fd)
                except OSError:
                    continue
                found.append(fd)
            return found
        print("PROBE" + json.dumps({expression}))
        def softmax(x):
            return x
        """,
    )
    line = next(line for line in report.output.splitlines() if line.startswith("PROBE"))
    return json.loads(line[5:])


def test_correct_and_wrong(pool, tmp_path):
    assert run(pool, tmp_path, CORRECT).status == "pass"
    wrong = run(pool, tmp_path, "def softmax(x):\n    return x\n")
    assert wrong.status == "fail" and "fail" in statuses(wrong)


def test_segfault_in_a_fork_is_a_crash_with_its_signal(pool, tmp_path):
    report = run(pool, tmp_path, "import ctypes\ndef softmax(x):\n    ctypes.string_at(0)\n")
    errored = [c for c in report.checks if c.status == "error"]
    assert report.status == "fail" and errored and "SIGSEGV" in errored[0].message
    crash = run(pool, tmp_path, "import ctypes\nctypes.string_at(0)\n")
    assert crash.error.kind == "crash" and "SIGSEGV" in crash.error.message


def test_loops_and_memory_hogs_hit_their_limits(pool, tmp_path):
    loop = run(pool, tmp_path, "def softmax(x):\n    while True:\n        pass\n")
    assert "timeout" in statuses(loop)
    hog = run(pool, tmp_path, "hog = bytearray(8 * 1024**3)\ndef softmax(x):\n    return x\n")
    assert hog.error.kind == "memory"
    assert run(pool, tmp_path, CORRECT).status == "pass"  # the slot is still good


def test_the_fork_has_its_limits_session_folder_and_only_its_pipes(pool, tmp_path):
    seen = probe(
        pool,
        tmp_path,
        '{"as": resource.getrlimit(resource.RLIMIT_AS)[0], "core": resource.getrlimit(resource.RLIMIT_CORE)[0],'
        ' "sid": os.getsid(0), "pid": os.getpid(), "cwd": os.getcwd(), "home": os.environ["HOME"],'
        ' "fds": open_fds(), "env": sorted(os.environ), "argv": sys.argv[1:3]}',
    )
    assert seen["as"] == FAST.memory_mb << 20 and seen["core"] == 0
    if seen["pid"] == 2:
        # In its own PID namespace (under an init that only reaps): its session is led
        # by the process the zygote forked, outside, whose group the grader kills.
        assert seen["sid"] == 0
    else:
        assert seen["sid"] == seen["pid"]  # its own session, so killpg(pid) takes everything it started
    cwd = Path(seen["cwd"])
    assert seen["cwd"] == seen["home"] and cwd.name == "scratch" and cwd.parent.name.startswith("kata-run-")
    assert not cwd.parent.exists()  # the private folder is removed afterwards
    pipes = {int(fd) for fd in seen["argv"]}
    assert set(seen["fds"]) == {0, 1, 2} | pipes
    assert not any(name.startswith("KATA") for name in seen["env"])


def test_no_grader_secrets_reach_the_fork(pool, tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_SECRET_TOKEN", "hunter2")
    assert "KATA_SECRET_TOKEN" not in probe(pool, tmp_path, "sorted(os.environ)")


def test_process_group_is_gone_afterwards(pool, tmp_path, assert_no_process_with):
    marker = f"kata-stray-{os.urandom(4).hex()}"
    report = run(pool, tmp_path, stray_process_code(marker) + "def softmax(x):\n    return x\n")
    assert report.status == "fail"
    assert_no_process_with(marker)


def test_a_submission_that_kills_the_zygote_gets_a_verdict_and_the_slot_recovers(bare_pool, tmp_path):
    killer = run(bare_pool, tmp_path, "import os\nos.kill(os.getppid(), 9)\ndef softmax(x):\n    return x\n")
    assert killer.status == "fail"
    assert run(bare_pool, tmp_path, CORRECT).status == "pass"
    stopper = run(bare_pool, tmp_path, "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n"
                  "def softmax(x):\n    return x\n")
    assert stopper.status != "pass"
    assert run(bare_pool, tmp_path, CORRECT).status == "pass"


def test_pool_results_match_cold_children(pool, tmp_path):
    naive = "import numpy as np\ndef softmax(x):\n    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)\n"
    for source in (CORRECT, "def softmax(x):\n    return x * 2\n", naive):
        path = tmp_path / "same.py"
        path.write_text(source, encoding="utf-8")
        cold = grade(path, SOFTMAX, seed=9, limits=FAST)
        with pool.slot() as spawner:
            warm = grade(path, SOFTMAX, seed=9, limits=FAST, spawner=spawner)
        assert [(c.id, c.status, c.message) for c in warm.checks] == [
            (c.id, c.status, c.message) for c in cold.checks
        ]


def test_the_zygote_never_imports_the_submission(bare_pool, tmp_path):
    marker = tmp_path / "imported-by"
    run(bare_pool, tmp_path, f"import os\nopen({str(marker)!r}, 'a').write(str(os.getppid()) + ' ')\n"
        "def softmax(x):\n    return x\n")
    parents = set(marker.read_text().split())
    zygote = bare_pool._slots[0].zygote
    assert zygote is not None and parents == {str(zygote.proc.pid)}
    assert str(os.getpid()) not in parents


def test_each_fork_has_its_own_random_state(pool, tmp_path):
    draws = [probe(pool, tmp_path, "[__import__('random').random(), __import__('numpy').random.random()]")
             for _ in range(3)]
    assert len({d[0] for d in draws}) == 3 and len({d[1] for d in draws}) == 3
