"""How fast this machine runs Python, against the machine the CPU budgets were set on.

A ``Budget`` check tells a vectorised function from a Python loop over the elements by
the CPU time one large call uses. Seconds of CPU are not the same everywhere: the loop
that needs 1 s here needs half that on a machine twice as fast, and would pass a budget
written in plain seconds. So budgets are written in *reference seconds* (CPU seconds on
the machine they were set on), and the grader turns them into this machine's seconds
with ``machine_pace()``: the CPU time a fixed piece of pure-Python work takes here,
divided by what it took there.

The work runs in a fresh interpreter of the grader's own Python (``python -I -S``
this file), as the child does: not in the grader's process, where a debugger, a
profiler or a coverage tool may slow every line and so make every budget larger. It is
timed with the CPU clock of its thread (``time.thread_time``), which other processes
on a busy machine do not add to, and the shortest of a few runs is kept: noise only
ever makes a run longer. It is measured once per grading process, the first time a
budget is needed (about 60 ms). Where no interpreter can be started, the work is
timed here, with tracing and profiling of this thread turned off while it runs. The
factor is kept within ``[MIN_PACE, MAX_PACE]``, so that a measurement gone wrong can
neither make a budget vanish nor let it reach the check's wall-clock window.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

# Thread CPU seconds ``_work()`` took, shortest of the runs, in ``python -I -S`` this
# file, on the machine the katas' budgets were set on (2 cores, AMD EPYC, CPython 3.11;
# December 2026).
REFERENCE_SECONDS = 0.0048
RUNS = 7
MIN_PACE = 0.25
MAX_PACE = 4.0

_lock = threading.Lock()
_pace: float | None = None


def _work() -> float:
    """Pure-Python work of the kind a loop over array elements does: indexing,
    unpacking, comparisons and float arithmetic, a few tens of thousands of times."""
    boxes = [((i * 37) % 101 / 10.0, (i * 53) % 97 / 10.0) for i in range(120)]
    boxes = [(x, y, x + 2.5, y + 1.5) for x, y in boxes]
    total = 0.0
    for ax1, ay1, ax2, ay2 in boxes:
        for b in boxes:
            bx1, by1, bx2, by2 = b
            w = min(ax2, bx2) - max(ax1, bx1)
            h = min(ay2, by2) - max(ay1, by1)
            if w <= 0 or h <= 0:
                continue
            total += w * h
    return total


def measure(runs: int = RUNS) -> float:
    """The shortest thread CPU time of ``runs`` runs of the work, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        _work()
        best = min(best, time.thread_time() - start)
    return best


def pace_of(seconds: float) -> float:
    """The factor for a machine where the work took ``seconds``: reference seconds
    times this are CPU seconds there (2.0 on a machine half as fast)."""
    if not seconds > 0:  # a clock too coarse to see the work: a fast machine
        return MIN_PACE
    return min(MAX_PACE, max(MIN_PACE, seconds / REFERENCE_SECONDS))


def measure_apart(timeout: float = 30.0) -> float:
    """``measure()`` in a fresh interpreter (see the module's text); here if that fails."""
    try:
        done = subprocess.run([sys.executable, "-I", "-S", __file__], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL, check=True)
        seconds = float(done.stdout.strip())
        if seconds > 0:
            return seconds
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    tracer, profiler = sys.gettrace(), sys.getprofile()
    sys.settrace(None)
    sys.setprofile(None)
    try:
        return measure()
    finally:
        sys.setprofile(profiler)
        sys.settrace(tracer)


def machine_pace() -> float:
    """This machine's factor, measured the first time it is asked for."""
    global _pace
    with _lock:
        if _pace is None:
            _pace = pace_of(measure_apart())
        return _pace


if __name__ == "__main__":
    print(repr(measure()))
