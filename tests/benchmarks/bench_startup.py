"""Startup of the app to its first interactive screen against `python -c "import textual.app"`.

Run on demand:  .venv/bin/python tests/benchmarks/bench_startup.py [--runs N]

Each sample is a fresh process, interleaved with the baseline in the same run so machine
noise hits both alike. The app runs headless; its auto-pilot, which Textual starts once
the home screen is mounted and drawn, prints the time, so the figure covers interpreter
start, imports, the store, the home screen and its first paint (the due count of the
review queue loads just after, in a worker). Target: within 2x of the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# Each child prints the wall-clock time at which it is ready; the parent subtracts the
# time just before it started the process.
APP = """
import time
from kata.tui.app import build_app
app = build_app()
async def ready(pilot):
    print(time.time(), flush=True)
    pilot.app.exit()
app.run(headless=True, size=(100, 40), auto_pilot=ready)
"""
BASELINE = "import textual.app, time; print(time.time())"


def timed(code: str, env: dict[str, str]) -> float:
    started = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return float(proc.stdout.split()[-1]) - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, KATA_HOME=home)
        timed(APP, env), timed(BASELINE, env)  # create the store, warm the file cache
        app_times, base_times = [], []
        for _ in range(args.runs):
            app_times.append(timed(APP, env))
            base_times.append(timed(BASELINE, env))
    a, b = statistics.median(app_times), statistics.median(base_times)
    print(f"app to first screen   (median of {args.runs}): {a * 1000:.0f} ms")
    print(f"import textual.app    (median of {args.runs}): {b * 1000:.0f} ms")
    print(f"ratio app/import: {a / b:.2f}  (target <= 2.00: {'met' if a / b <= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
