"""CPU budgets are in reference seconds, scaled to this machine's speed (``pace``), and
count the child's user time only. Each verdict here comes from a pace set by the test,
not from how fast this machine happens to be."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import kata.grader.engine as engine
import kata.grader.pace as pace
from kata.exercises import get_kata
from kata.grader import Limits
from kata.grader.worker import Worker
from kata.harness import Budget

VECTORISED = Path(__file__).parent.parent / "solutions" / "iou.py"
LOOP = Path(__file__).parent / "fixtures" / "submissions" / "iou" / "double_loop.py"


def _budget_of(kata) -> Budget:
    return next(part for part in kata.own if isinstance(part, Budget))


def test_the_pace_is_the_work_time_over_the_reference_within_its_bounds() -> None:
    ref = pace.REFERENCE_SECONDS
    assert pace.pace_of(ref) == 1.0
    assert pace.pace_of(2 * ref) == pytest.approx(2.0)  # a machine half as fast: budgets doubled
    assert pace.pace_of(ref / 2) == pytest.approx(0.5)
    assert pace.pace_of(100 * ref) == pace.MAX_PACE  # a measurement gone wrong cannot go past
    assert pace.pace_of(ref / 100) == pace.MIN_PACE
    assert pace.pace_of(0.0) == pace.MIN_PACE  # a clock that saw nothing: a fast machine
    assert pace.pace_of(float("nan")) == pace.MIN_PACE


def test_the_pace_is_measured_once_per_process_whichever_threads_ask(monkeypatch) -> None:
    runs: list[str] = []

    def measure_apart(timeout: float = 30.0) -> float:
        runs.append(threading.current_thread().name)
        return 3 * pace.REFERENCE_SECONDS

    monkeypatch.setattr(pace, "measure_apart", measure_apart)
    monkeypatch.setattr(pace, "_pace", None)
    results = []
    threads = [threading.Thread(target=lambda: results.append(pace.machine_pace())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [pytest.approx(3.0)] * 4 and len(runs) == 1
    assert pace.machine_pace() == pytest.approx(3.0) and len(runs) == 1


def test_the_measured_work_takes_the_shortest_of_its_runs(monkeypatch) -> None:
    ticks = iter([0.0, 0.009, 1.0, 1.004, 2.0, 2.006])
    monkeypatch.setattr(pace.time, "thread_time", lambda: next(ticks))
    assert pace.measure(3) == pytest.approx(0.004)


def test_the_work_is_real_work_whose_result_does_not_change() -> None:
    assert pace._work() == pace._work() > 0


def _budgets_asked(monkeypatch, machine: float) -> list[float]:
    monkeypatch.setattr(engine, "machine_pace", lambda: machine)
    asked: list[float] = []
    request = Worker.request

    def spy(self, *args, cpu_budget=None, **kwargs):
        if cpu_budget is not None:
            asked.append(cpu_budget)
        return request(self, *args, cpu_budget=cpu_budget, **kwargs)

    monkeypatch.setattr(Worker, "request", spy)
    return asked


@pytest.mark.parametrize("machine", [0.5, 1.0, 2.5])
def test_the_grader_scales_each_budget_by_the_machine_pace(monkeypatch, grade_warm, machine) -> None:
    kata = get_kata("iou")
    asked = _budgets_asked(monkeypatch, machine)
    report = grade_warm(VECTORISED, kata, seed=7, limits=Limits(timeout=20))
    assert report.error is None and report.status == "pass"
    assert asked == [pytest.approx(_budget_of(kata).cpu * machine)]


def test_a_budget_scaled_down_stops_the_call_and_names_the_reference_figure(monkeypatch, grade_warm) -> None:
    # A pace so small that the budget is far below one tick of the kernel's CPU clock
    # (10 ms): a Python double loop, all of it user time, is over it at the first look.
    # (Not a vectorised call: most of a cold one's time is page faults, and the kernel
    # splits a process's time between user and system by sampling, so its user share
    # of a few ticks may come out as none.) The message names the kata's own budget, in
    # reference seconds, not the scaled one.
    kata = get_kata("iou")
    budget = _budget_of(kata)
    asked = _budgets_asked(monkeypatch, 1e-9)
    report = grade_warm(LOOP, kata, seed=7, limits=Limits(timeout=20))
    failed = {c.id: c for c in report.checks if c.status != "pass"}
    assert set(failed) == {budget.id}
    assert asked == [pytest.approx(budget.cpu * 1e-9)]
    assert f"budget of {budget.cpu:g} s of CPU time" in failed[budget.id].message


def test_the_work_is_timed_in_a_fresh_interpreter_of_the_same_python(monkeypatch) -> None:
    """Not in the grader's process, where a debugger, profiler or coverage tool would
    slow it, and so make every budget larger."""
    ran = []

    def run(cmd, **kwargs):
        ran.append(cmd)
        return pace.subprocess.CompletedProcess(cmd, 0, stdout="0.0123\n", stderr="")

    monkeypatch.setattr(pace.subprocess, "run", run)
    assert pace.measure_apart() == 0.0123
    assert ran == [[pace.sys.executable, "-I", "-S", pace.__file__]]


def test_the_file_run_as_a_script_prints_one_measurement() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-I", "-S", pace.__file__], capture_output=True, text=True, check=True)
    assert float(done.stdout) > 0 and done.stderr == ""


@pytest.mark.parametrize("answer", ["", "nan", "-1", "slow"])
def test_without_an_interpreter_the_work_is_timed_here_untraced(monkeypatch, answer) -> None:
    def run(cmd, **kwargs):
        if not answer:
            raise OSError("no such file")
        return pace.subprocess.CompletedProcess(cmd, 0, stdout=answer, stderr="")

    monkeypatch.setattr(pace.subprocess, "run", run)
    traced: list[str] = []

    def tracer(frame, event, arg):
        traced.append(frame.f_code.co_name)
        return tracer

    import sys

    sys.settrace(tracer)
    try:
        seconds = pace.measure_apart()
    finally:
        sys.settrace(None)
    assert seconds > 0
    assert "_work" not in traced  # tracing was off while the work ran
    assert "measure_apart" in traced  # and on again after it (the return was seen)
