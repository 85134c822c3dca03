"""The CPU budget of a call (``Budget`` checks): the grader measures the child's user CPU
time from /proc, stops it at the budget, says why with the kata's teaching message, and grades
the checks after it in a fresh child. Every verdict here is read from the report's state."""

from __future__ import annotations

import os
from pathlib import Path

from kata.exercises import get_kata
from kata.grader import Limits
from kata.grader.procs import TICKS, tree, user_ticks
from kata.harness import Budget
from kata.harness.calls import Call
from kata.harness.messages import Msg, render
from kata.harness.rng import InputRng

FIXTURES = Path(__file__).parent / "fixtures" / "submissions" / "iou"
VECTORISED = Path(__file__).parent.parent / "solutions" / "iou.py"

# Right on every small input; on the large one of the budget check it never ends. Only
# the budget can stop it before the check's wall-clock window: the verdict says which did.
ENDLESS_WHEN_LARGE = '''import numpy as np


def box_iou(boxes1, boxes2):
    if len(boxes1) * len(boxes2) >= 10**6:
        while True:
            pass
    lt = np.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = np.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = np.maximum(rb - lt, 0)
    inter = wh[..., 0] * wh[..., 1]
    a1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    a2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    union = a1[:, None] + a2[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
'''


def _budget_of(kata) -> Budget:
    return next(part for part in kata.own if isinstance(part, Budget))


def _not_passed(report) -> dict[str, str]:
    return {c.id: str(c.status) for c in report.checks if c.status != "pass"}


def test_a_python_double_loop_fails_the_budget_check_alone_with_its_teaching_message(grade_warm) -> None:
    kata = get_kata("iou")
    budget = _budget_of(kata)
    report = grade_warm(FIXTURES / "double_loop.py", kata, seed=7, limits=Limits(timeout=20))
    assert report.error is None
    assert _not_passed(report) == {budget.id: "fail"}
    failed = next(c for c in report.checks if c.id == budget.id)
    assert failed.hint == render(kata.msg(budget.message))
    assert "1000, 4" in failed.message and f"{budget.cpu:g} s of CPU time" in failed.message
    zh = failed.in_lang("zh")
    assert zh.hint == render(kata.msg(budget.message), "zh")
    # The checks after it ran in a fresh child and passed: the stopped one hid nothing.
    after = [c.id for c in report.checks][[c.id for c in report.checks].index(budget.id) + 1:]
    assert after and all(c.status == "pass" for c in report.checks if c.id in after)


def test_code_that_never_ends_is_stopped_by_the_budget_not_by_the_check_window(grade_warm, tmp_path) -> None:
    kata = get_kata("iou")
    budget = _budget_of(kata)
    assert budget.cpu < Limits().check_timeout
    path = tmp_path / "endless.py"
    path.write_text(ENDLESS_WHEN_LARGE, encoding="utf-8")
    report = grade_warm(path, kata, seed=7)
    # "fail" with the budget's words, not "timeout": the grader stopped it at its CPU
    # budget, and every other check passed in the children that followed.
    assert report.error is None
    assert _not_passed(report) == {budget.id: "fail"}
    failed = next(c for c in report.checks if c.id == budget.id)
    assert failed.hint == render(kata.msg(budget.message))


def test_a_vectorised_solution_passes_the_budget_check(grade_warm) -> None:
    kata = get_kata("iou")
    report = grade_warm(VECTORISED, kata, seed=7)
    assert report.error is None
    assert _not_passed(report) == {}
    assert _budget_of(kata).id in [c.id for c in report.checks]


def test_a_budget_is_a_field_of_the_call_and_its_messages_are_required() -> None:
    kata = get_kata("iou")
    budget = _budget_of(kata)
    (case,) = budget.make(InputRng(7, 1))
    call = case.call(cpu_budget=budget.cpu)
    assert isinstance(call, Call) and call.cpu_budget == budget.cpu
    assert case.call().cpu_budget is None
    assert f"{budget.message}" in kata.message_keys()
    assert render(Msg("over-budget", what="f(x)", budget="1"), "zh") != render(Msg("over-budget", what="f(x)",
                                                                                  budget="1"))


def test_user_ticks_reads_the_user_time_the_kernel_counted_for_a_process() -> None:
    total = 0
    for i in range(2_000_000):  # some user time of our own to read back
        total += i
    times = os.times()
    here = sum(user_ticks([os.getpid()]).values()) / TICKS
    counted = times.user + times.children_user
    assert abs(here - counted) <= 0.05
    assert os.getpid() in tree(os.getpid())
    assert user_ticks([2**22 + 12345]) == {}  # a process that is not there adds nothing


# A parent that ignores SIGCHLD (its children are reaped by the kernel, their time added
# to nobody's) and a helper it forked that has used CPU time and sleeps. On "burn" the
# parent uses CPU time of its own.
CREDIT_TREE = r"""
import os, signal, sys, time


def burn(seconds):  # user time: pure-Python work, its clock read now and then
    end = os.times().user + seconds
    while os.times().user < end:
        for i in range(20_000):
            pass


signal.signal(signal.SIGCHLD, signal.SIG_IGN)
ready_r, ready_w = os.pipe()
helper = os.fork()
if helper == 0:
    burn(0.4)
    os.write(ready_w, b"x")
    time.sleep(600)
    os._exit(0)
os.read(ready_r, 1)
print(helper, flush=True)
for line in sys.stdin:
    burn(0.3)
    print("burnt", flush=True)
"""


def test_the_cpu_count_never_goes_down_when_a_process_ends_unwaited_for() -> None:
    """A process that used CPU time before the call and is killed during it, with no
    parent to wait for it, would take its time out of the tree's total: the call would
    get that much CPU for free. The meter keeps what each process was seen to use."""
    import signal
    import subprocess
    import sys
    import time

    from kata.grader.worker import _CpuMeter

    proc = subprocess.Popen([sys.executable, "-c", CREDIT_TREE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        helper = int(proc.stdout.readline())
        meter = _CpuMeter(proc.pid)
        assert helper in tree(proc.pid)
        os.kill(helper, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while os.path.exists(f"/proc/{helper}") and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not os.path.exists(f"/proc/{helper}"), "the helper was not reaped"
        proc.stdin.write("burn\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "burnt"
        # The parent's 0.3 s since the meter was made, not that less the helper's 0.4 s.
        assert meter.used() >= 0.25
    finally:
        proc.kill()
        proc.wait()
