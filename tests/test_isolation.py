"""The submission is untrusted: whatever it does, the grader gives a clear verdict,
never a pass, and never crashes or hangs."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kata.exercises import get_kata
from kata.grader import Limits, grade
from tests.conftest import stray_process_code

SOFTMAX = get_kata("softmax")
FAST = Limits(timeout=4.0, check_timeout=1.5)
# For code that spends its whole budget (a loop, a memory bomb): two short windows, so
# the test waits 2 s instead of 4, and the budget still ends the submission.
BUDGET = Limits(timeout=2.0, check_timeout=1.0)

CORRECT = """
import numpy as np

def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
"""


def run(tmp_path: Path, source: str, limits: Limits = FAST, name: str = "sub.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    started = time.monotonic()
    report = grade(path, SOFTMAX, seed=5, limits=limits)
    elapsed = time.monotonic() - started
    assert report.status != "pass" or "PASS-OK" in source
    return report, elapsed


def statuses(report) -> dict[str, str]:
    return {c.id: c.status for c in report.checks}


def test_endless_loop_in_the_function_times_out_within_the_budget(tmp_path):
    report, elapsed = run(tmp_path, "def softmax(x):\n    while True:\n        pass\n", BUDGET)
    assert report.status == "fail"
    assert "timeout" in statuses(report).values()
    # A function that never returned has nothing hand-written to credit (issue #12).
    others = {cid: s for cid, s in statuses(report).items() if cid != "hand-written"}
    assert all(s in ("timeout", "skipped") for s in others.values()), others
    assert statuses(report)["hand-written"] == "fail"
    # The budget bounds the whole submission: each timed-out check costs its whole
    # window, so at most timeout / check_timeout (rounded up) checks run out of time and
    # the rest are skipped for the budget, however busy the machine is.
    timed_out = [c for c in report.checks if c.status == "timeout"]
    skipped = [c for c in report.checks if c.status == "skipped"]
    assert 1 <= len(timed_out) <= math.ceil(BUDGET.timeout / BUDGET.check_timeout)
    assert skipped and all(f"time budget of {BUDGET.timeout:g} s" in c.message for c in skipped)


def test_endless_loop_at_import_is_an_error(tmp_path):
    report, _ = run(tmp_path, "while True:\n    pass\n")
    assert report.status == "error"
    assert report.error.kind == "timeout"
    assert all(c.status == "skipped" for c in report.checks)


def test_memory_bomb_in_the_function(tmp_path):
    report, _ = run(
        tmp_path,
        """
        import numpy as np
        def softmax(x):
            blocks = []
            while True:
                blocks.append(np.ones(50_000_000))
        """,
        BUDGET,
    )
    assert report.status == "fail"
    assert "memory" in statuses(report).values()


def test_still_allocating_at_the_deadline_is_memory_not_timeout(tmp_path):
    """Where page faults are slow (a busy virtual machine), a memory bomb reaches its
    time limit before its memory limit. The grader tells it from code that only
    computes by the memory of the child's tree in the last half second: this one grows
    steadily and cannot reach the (raised) memory limit within a check's window."""
    report, _ = run(
        tmp_path,
        """
        import time
        import numpy as np
        def softmax(x):
            blocks = []
            while True:
                blocks.append(np.ones(1_000_000))
                time.sleep(0.01)
        """,
        limits=Limits(timeout=1.5, check_timeout=1.5, memory_mb=8192),  # one check is all it is about
    )
    assert report.checks[0].status == "memory", report.checks[0].message
    assert "still allocating memory" in report.checks[0].message


def test_temporaries_that_come_and_go_are_a_timeout_not_memory(tmp_path):
    report, _ = run(
        tmp_path,
        """
        import numpy as np
        def softmax(x):
            while True:
                scratch = np.ones(2_000_000)
                del scratch
        """,
        BUDGET,
    )
    assert report.checks[0].status == "timeout", report.checks[0].message


def test_a_memory_bomb_costs_the_same_budget_whatever_its_speed(tmp_path):
    """A check that runs out of memory is charged its whole window, so how long the
    allocation took decides nothing: the same seed runs the same checks."""
    fast = "import numpy as np\ndef softmax(x):\n    return np.ones((1 << 40,))\n"  # refused at once
    report, _ = run(tmp_path, fast, BUDGET)
    memory = [c for c in report.checks if c.status == "memory"]
    skipped = [c for c in report.checks if c.status == "skipped"]
    assert len(memory) == math.ceil(BUDGET.timeout / BUDGET.check_timeout)
    assert memory == [c for c in report.checks[: len(memory)]]
    assert skipped and all("time budget" in c.message for c in skipped)


def test_memory_bomb_at_import(tmp_path):
    report, _ = run(tmp_path, "hog = bytearray(8 * 1024**3)\ndef softmax(x):\n    return x\n")
    assert report.status == "error"
    assert report.error.kind == "memory"


def test_segfault_is_a_crash_not_a_pass(tmp_path):
    report, _ = run(
        tmp_path,
        """
        import ctypes
        def softmax(x):
            ctypes.string_at(0)
        """,
    )
    assert report.status == "fail"
    errored = [c for c in report.checks if c.status == "error"]
    assert errored and "SIGSEGV" in errored[0].message


def test_segfault_at_import_is_a_crash(tmp_path):
    report, _ = run(tmp_path, "import ctypes\nctypes.string_at(0)\n")
    assert report.error.kind == "crash"
    assert "SIGSEGV" in report.error.message


def test_os_exit_zero_in_the_function_is_never_a_pass(tmp_path):
    report, _ = run(tmp_path, "import os\ndef softmax(x):\n    os._exit(0)\n")
    assert report.status == "fail"
    assert "exited with status 0" in report.checks[0].message and report.checks[0].status == "error"
    # Every check that calls the function: the crash once, then "the same problem".
    for check in report.checks[1:-1]:
        assert check.status == "skipped" and "`basic`" in check.message, check
    # It never returned: hand-written has nothing to credit.
    assert report.checks[-1].id == "hand-written" and report.checks[-1].status == "fail"


def test_a_crash_that_depends_on_the_input_is_said_where_it_happens(tmp_path):
    """A child that dies only on batches passes `basic` (1-D inputs) and dies first in
    `overflow`; later checks that die the same way point there; a different death
    (another status) would be said on its own."""
    report, _ = run(tmp_path, (
        "import os\nimport numpy as np\n"
        "def softmax(x):\n"
        "    if x.ndim > 1:\n        os._exit(7)\n"
        "    e = np.exp(x - x.max(axis=-1, keepdims=True))\n    return e / e.sum(axis=-1, keepdims=True)\n"
    ))
    checks = {c.id: c for c in report.checks}
    assert checks["basic"].status == "pass"
    assert checks["overflow"].status == "error" and "status 7" in checks["overflow"].message
    errored = [c for c in report.checks if c.status == "error"]
    assert len({c.message for c in errored}) == len(errored)  # no crash said twice
    for check in report.checks:
        if check.status == "skipped":
            assert any(f"`{e.id}`" in check.message for e in errored), check


def test_sys_exit_at_import(tmp_path):
    report, _ = run(tmp_path, "import sys\nsys.exit(0)\n")
    assert report.error.kind == "import"
    assert "sys.exit" in report.error.message


def test_sys_exit_in_the_function(tmp_path):
    report, _ = run(tmp_path, "import sys\ndef softmax(x):\n    sys.exit(0)\n")
    assert statuses(report)["basic"] == "fail"
    assert "sys.exit" in report.checks[0].message


def test_kill_itself(tmp_path):
    report, _ = run(tmp_path, "import os, signal\ndef softmax(x):\n    os.kill(os.getpid(), signal.SIGKILL)\n")
    assert report.status == "fail"
    assert "SIGKILL" in report.checks[0].message


def test_reading_stdin_does_not_hang(tmp_path):
    report, elapsed = run(tmp_path, "def softmax(x):\n    input('logits? ')\n    return x\n")
    assert statuses(report)["basic"] == "fail"
    assert "EOFError" in report.checks[0].message


def test_printing_megabytes_is_cut_off_and_truncated(tmp_path):
    report, _ = run(
        tmp_path,
        """
        import sys
        def softmax(x):
            while True:
                sys.stdout.write("spam " * 100_000)
        """,
    )
    assert report.status == "fail"
    assert "MiB of output" in report.checks[0].message
    assert len(report.output) < 64 * 1024
    assert "truncated" in report.output


def test_prints_are_captured_separately_and_not_parsed(tmp_path):
    report, _ = run(
        tmp_path,
        """
        import sys
        print('{"kata": "softmax", "status": "pass", "checks": []}')
        print("all checks PASS", file=sys.stderr)
        def softmax(x):
            print('{"status": "pass"}')
            return x
        """,
    )
    assert report.status == "fail"
    assert '"status": "pass"' in report.output
    assert "[stderr]" in report.output


def test_lying_objects_are_not_arrays(tmp_path):
    report, _ = run(
        tmp_path,
        """
        class Liar:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __array__(self, *a, **k): raise RuntimeError("no")
            shape = property(lambda self: (3,))
            dtype = "float64"
        def softmax(x):
            return Liar()
        """,
    )
    # Failed once, and not judged again for the same reason (the same kind of value).
    others = [s for cid, s in statuses(report).items() if cid != "hand-written"]
    assert others[0] == "fail" and all(s in ("fail", "skipped") for s in others)
    assert "not an ndarray" in report.checks[0].message


def test_ndarray_subclass_that_lies_is_judged_by_its_bytes(tmp_path):
    report, _ = run(
        tmp_path,
        """
        import numpy as np
        class Always(np.ndarray):
            def __eq__(self, other): return np.ones(self.shape, bool)
            def all(self, *a, **k): return True
        def softmax(x):
            return np.zeros_like(x).view(Always)
        """,
    )
    assert statuses(report)["basic"] == "fail"


def test_monkeypatching_numpy_in_the_child_changes_nothing_here(tmp_path):
    report, _ = run(
        tmp_path,
        """
        import numpy as np
        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        np.isnan = lambda a: np.zeros(np.shape(a), bool)
        def softmax(x):
            return np.zeros_like(x)
        """,
    )
    assert statuses(report)["basic"] == "fail"


def test_forged_frames_on_the_answer_pipe_are_not_trusted(tmp_path):
    report, _ = run(
        tmp_path,
        """
        import json, os, struct, sys
        def softmax(x):
            fd = int(sys.argv[2])
            head = json.dumps({"ok": True, "results": [{"ok": True, "result": {"kind": "array",
                "dtype": "|O", "shape": [3], "offset": 0, "nbytes": 24}}], "payload": 24}).encode()
            os.write(fd, struct.pack("<Q", len(head)) + head + b"\\0" * 24)
            os._exit(0)
        """,
    )
    assert report.status == "fail"
    assert "pass" not in [s for cid, s in statuses(report).items() if cid != "hand-written"]


def test_returning_object_arrays_is_refused(tmp_path):
    report, _ = run(tmp_path, "import numpy as np\ndef softmax(x):\n    return np.array([object()] * x.size)\n")
    assert statuses(report)["basic"] == "fail"


def test_missing_function_and_not_callable(tmp_path):
    report, _ = run(tmp_path, "import numpy as np\ndef soft_max(x):\n    return x\n")
    assert report.error.kind == "missing-function"
    assert "def softmax" in report.error.message
    report, _ = run(tmp_path, "softmax = 3\n", name="nc.py")
    assert report.error.kind == "missing-function"
    assert "not a function" in report.error.message


def test_syntax_error_has_its_line(tmp_path):
    report, _ = run(tmp_path, "import numpy as np\n\ndef softmax(x)\n    return x\n")
    assert report.error.kind == "syntax"
    assert "line 3" in report.error.message


def test_import_error_names_the_module(tmp_path):
    report, _ = run(tmp_path, "import numpy_but_misspelled\n")
    assert report.error.kind == "import"
    assert "numpy_but_misspelled" in report.error.message


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin.py"
    path.write_bytes(b"# caf\xe9\ndef softmax(x):\n    return x\n")
    report = grade(path, SOFTMAX, seed=1, limits=FAST)
    assert report.error.kind == "syntax"
    assert "UTF-8" in report.error.message


@pytest.mark.parametrize("skip", ["", "namespaces"], ids=["sandboxed", "process-group-only"])
def test_process_group_is_gone_afterwards(tmp_path, assert_no_process_with, monkeypatch, skip):
    # With a PID namespace, its end takes everything; without one, killing the group must.
    if skip:
        monkeypatch.setenv("KATA_SANDBOX_SKIP", skip)
    marker = f"kata-stray-{os.urandom(4).hex()}"
    run(
        tmp_path,
        stray_process_code(marker)
        + textwrap.dedent(
            """
            import numpy as np
            def softmax(x):
                e = np.exp(x - x.max(axis=-1, keepdims=True))
                return e / e.sum(axis=-1, keepdims=True)
            # PASS-OK: a correct function; the stray process is what is under test
            """
        ),
    )
    assert_no_process_with(marker)


def test_a_correct_file_still_passes_under_these_limits(tmp_path):
    report, _ = run(tmp_path, CORRECT + "\n# PASS-OK\n")
    assert report.status == "pass"


def test_child_gets_no_grader_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_SECRET_TOKEN", "hunter2")
    report, _ = run(
        tmp_path,
        """
        import os
        def softmax(x):
            print(sorted(os.environ))
            return x
        """,
    )
    assert "KATA_SECRET_TOKEN" not in report.output
    assert os.environ["KATA_SECRET_TOKEN"] == "hunter2"


def test_a_restarted_child_runs_the_bytes_that_were_checked(tmp_path, monkeypatch):
    """A child that swaps the submission file before it crashes must not feed different
    code to the child started after it (checked without the kernel sandbox, which would
    stop the swap itself)."""
    monkeypatch.setenv("KATA_SANDBOX_SKIP", "namespaces,landlock")
    swapped = (
        "import numpy as np\n"
        "def softmax(x):\n"
        "    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
        "    return e / e.sum(axis=-1, keepdims=True)\n"
    )
    report, _ = run(
        tmp_path,
        f"""
        import os
        def softmax(x):
            with open(os.path.join(os.path.dirname(os.getcwd()), "submission.py"), "w") as f:
                f.write({swapped!r})
            os._exit(1)
        """,
    )
    passed = [c.id for c in report.checks if c.status == "pass"]
    assert passed == [], [(c.id, c.status) for c in report.checks]  # (it never returned: not even hand-written)


def test_memory_in_unmapped_files_is_bounded(tmp_path):
    """memfd files count against no address-space limit; the open-file limit bounds them."""
    report, _ = run(
        tmp_path,
        """
        import os
        fds = []
        try:
            while len(fds) < 1000:
                fd = os.memfd_create("hog")
                os.posix_fallocate(fd, 0, 16 << 20)
                fds.append(fd)
        except OSError:
            pass
        print("held", len(fds))
        def softmax(x):
            return x
        """,
    )
    held = int(report.output.split("held", 1)[1].split()[0])
    assert 0 < held < FAST.open_files


def test_a_message_that_is_not_valid_unicode_or_has_escapes_is_reported(tmp_path):
    path = tmp_path / "sub.py"
    path.write_text('def softmax(x):\n    print("\\x1b[2J\\x1b]0;title\\x07 fake PASS")\n'
                    '    raise ValueError("bad \\ud800 \\x1b[1A value")\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kata", "check", str(path), "--json", "--no-record"],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert "bad \\ud800 \\x1b[1A value" in report["checks"][0]["message"]
    human = subprocess.run([sys.executable, "-m", "kata", "check", str(path), "--no-record"],
                           capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert human.returncode == 1 and "\x1b" not in human.stdout and "\x07" not in human.stdout
    assert "fake PASS" in human.stdout
