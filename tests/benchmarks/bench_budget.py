"""The margins of the CPU budgets (`Budget` checks) on this machine.

Run on demand:  .venv/bin/python tests/benchmarks/bench_budget.py [--runs N]

For every kata with a budget, the large call of its budget check is made, in a fresh
process each time (a cold call, as in the grader's child), by the kata's solution in
`solutions/`, by every fixture declared to pass, and by every fixture declared to fail
the budget check alone (the Python loops: right, but slow). Each call's user CPU time is printed beside the budget
as the grader applies it here (reference seconds times `machine_pace()`, measured in
this same run), with the ratios that matter:

    headroom = budget here / the slowest passing call      (target: >= 3)
    overrun  = the fastest loop / budget here              (target: >= 2)

A ratio below its target is marked `!`: that budget is too close to one side.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kata.exercises import catalog  # noqa: E402
from kata.grader.pace import machine_pace, measure_apart, pace_of  # noqa: E402
from kata.harness import Budget  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "submissions"
SEEDS = (7, 20261125)

ONE_CALL = r"""
import importlib.util, resource, sys
import numpy as np
from kata.exercises import get_kata
from kata.harness import Budget
from kata.harness.rng import InputRng

kata_id, path, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
spec = importlib.util.spec_from_file_location("submission", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
kata = get_kata(kata_id)
budget = next(part for part in kata.own if isinstance(part, Budget))
(case,) = budget.make(InputRng(seed))
args = [np.array(a, copy=True) for a in case.args]
function = getattr(module, kata.function)
before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
function(*args, **case.kwargs)
print(resource.getrusage(resource.RUSAGE_SELF).ru_utime - before)
"""


def declared(path: Path) -> set[str] | None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect-pass"):
            return set()
        if line.startswith("# expect-fail:"):
            return set(line.split(":", 1)[1].split())
    return None


def user_time(kata_id: str, path: Path, seed: int) -> float:
    proc = subprocess.run([sys.executable, "-c", ONE_CALL, kata_id, str(path), str(seed)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return float(proc.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="fresh processes per file and seed")
    args = parser.parse_args()
    pace = machine_pace()
    paces = [pace_of(measure_apart()) for _ in range(5)]
    print(f"machine pace {pace:.2f} (five more measurements: {', '.join(f'{p:.2f}' for p in paces)})")
    for kata in catalog().values():
        budget = next((part for part in kata.own if isinstance(part, Budget)), None)
        if budget is None:
            continue
        here = budget.cpu * pace
        passing = [ROOT / "solutions" / f"{kata.id.replace('-', '_')}.py"]
        loops = []
        for path in sorted((FIXTURES / kata.id).glob("*.py")):
            expect = declared(path)
            if expect == set():
                passing.append(path)
            elif expect == {budget.id}:  # fails the budget alone: a loop, right but slow
                loops.append(path)
        print(f"\n{kata.id}: budget {budget.cpu:g} reference s = {here:.3f} s here")
        slowest_pass, fastest_loop = 0.0, float("inf")
        for path in passing + loops:
            times = [user_time(kata.id, path, seed) for seed in SEEDS for _ in range(args.runs)]
            worst, best = max(times), min(times)
            if path in loops:
                fastest_loop = min(fastest_loop, best)
            else:
                slowest_pass = max(slowest_pass, worst)
            kind = "loop" if path in loops else "pass"
            print(f"  {kind}  {path.relative_to(ROOT)!s:55} median {statistics.median(times):.3f} s  "
                  f"range {best:.3f}-{worst:.3f} s")
        headroom = here / slowest_pass if slowest_pass > 0 else float("inf")
        line = f"  headroom {headroom:.1f}{' !' if headroom < 3 else ''}"
        if loops:
            overrun = fastest_loop / here
            line += f"   overrun {overrun:.1f}{' !' if overrun < 2 else ''}"
        print(line)


if __name__ == "__main__":
    main()
