"""`kata check` on a correct softmax against pytest on an equivalent test file.

Run on demand:  .venv/bin/python tests/benchmarks/bench_check.py [--runs N]

Both commands run as fresh processes, interleaved, in the same run, so machine noise
hits both alike; the ratio is what counts. Target: `kata check` takes at most half as
long as pytest (ratio <= 0.5), while it also isolates the submission in a child process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "solutions" / "softmax.py"
EQUIVALENT = Path(__file__).with_name("_pytest_equivalent_softmax.py")


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = dict(os.environ, SUBMISSION=str(SOLUTION))
    kata_cmd = [sys.executable, "-m", "kata", "check", str(SOLUTION), "--kata", "softmax", "--seed", "1"]
    pytest_cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--rootdir", str(EQUIVALENT.parent),
                  "-c", os.devnull, str(EQUIVALENT)]
    timed(kata_cmd, env), timed(pytest_cmd, env)  # warm the file cache
    kata_times, pytest_times = [], []
    for _ in range(args.runs):
        kata_times.append(timed(kata_cmd, env))
        pytest_times.append(timed(pytest_cmd, env))
    k, p = statistics.median(kata_times), statistics.median(pytest_times)
    print(f"kata check (median of {args.runs}): {k * 1000:.0f} ms")
    print(f"pytest     (median of {args.runs}): {p * 1000:.0f} ms")
    print(f"ratio kata/pytest: {k / p:.2f}  (target <= 0.50: {'met' if k / p <= 0.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
