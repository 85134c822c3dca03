"""`kata grade -j 2` on 200 mixed submissions against pytest run once per submission.

Run on demand:  .venv/bin/python tests/benchmarks/bench_grade.py [--n 200] [--sample 30]

The submissions (mostly correct and wrong softmax variants, a few crashing and
looping ones) are generated in a temporary folder. `kata grade` grades all of them;
pytest runs `_pytest_equivalent_softmax.py` once per submission for a sample of them
(in proportion to the mix), and its per-submission time is extrapolated to the whole
set. Both run in this same process's run, so machine noise hits both alike.
Target: kata grade's throughput is at least 20 times pytest's.

It also measures the warm pool's own cost per submission (a fork from a zygote, a
minimal request, the process group killed and reaped) against a bare os.fork() + _exit
in this process.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EQUIVALENT = Path(__file__).with_name("_pytest_equivalent_softmax.py")

CORRECT = [
    ("import numpy as np\n\ndef softmax(x):\n    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
    "    return e / e.sum(axis=-1, keepdims=True)\n"),
    ("import numpy as np\n\ndef softmax(x):\n    z = x - np.max(x, axis=-1, keepdims=True)\n"
    "    return np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True)\n"),
    ("import numpy as np\n\ndef softmax(x):\n    m = np.amax(x, axis=-1, keepdims=True)\n    e = np.exp(x - m)\n"
    "    s = e.sum(axis=-1, keepdims=True)\n    return e / s\n"),
]
WRONG = [
    "import numpy as np\n\ndef softmax(x):\n    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)\n",
    "import numpy as np\n\ndef softmax(x):\n    e = np.exp(x - x.max())\n    return e / e.sum()\n",
    "import numpy as np\n\ndef softmax(x):\n    e = np.exp(x - x.max(axis=-1, keepdims=True))\n    return e / e.sum()\n",
    "def softmax(x):\n    return x / x.sum(axis=-1, keepdims=True)\n",
    ("import numpy as np\n\ndef softmax(x):\n    x -= x.max(axis=-1, keepdims=True)\n    e = np.exp(x)\n"
    "    return e / e.sum(axis=-1, keepdims=True)\n"),
]
CRASH = "import ctypes\n\ndef softmax(x):\n    ctypes.string_at(0)\n"
LOOP = "def softmax(x):\n    while True:\n        pass\n"


def generate(folder: Path, n: int) -> dict[str, list[Path]]:
    rng = random.Random(0)
    kinds: dict[str, list[Path]] = {"correct": [], "wrong": [], "crash": [], "loop": []}
    n_crash, n_loop = max(1, n // 50), max(1, n // 100)
    plan = ["crash"] * n_crash + ["loop"] * n_loop
    rest = n - len(plan)
    plan += ["correct"] * (rest // 2) + ["wrong"] * (rest - rest // 2)
    rng.shuffle(plan)
    for i, kind in enumerate(plan):
        source = {"correct": lambda: rng.choice(CORRECT), "wrong": lambda: rng.choice(WRONG),
                  "crash": lambda: CRASH, "loop": lambda: LOOP}[kind]()
        path = folder / f"student{i:03}.py"
        path.write_text(source + f"\n# student {i}\n", encoding="utf-8")
        kinds[kind].append(path)
    return kinds


def bench_kata(folder: Path, timeout: float) -> float:
    cmd = [sys.executable, "-m", "kata", "grade", str(folder), "-j", "2", "--kata", "softmax", "--seed", "1",
           "--timeout", str(timeout), "--format", "csv", "--out", str(folder.parent / "grades.csv")]
    started = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"kata grade failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def bench_pytest(sample: list[Path], timeout: float) -> list[float]:
    times = []
    for path in sample:
        env = dict(os.environ, SUBMISSION=str(path))
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--rootdir", str(EQUIVALENT.parent),
               "-c", os.devnull, str(EQUIVALENT)]
        started = time.perf_counter()
        try:
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            pass  # a looping submission: pytest would hang; a teacher's script kills it here
        times.append(time.perf_counter() - started)
    return times


def bench_pool_overhead(rounds: int) -> tuple[float, float]:
    from kata.grader.limits import Limits
    from kata.grader.pool import Zygote
    from kata.grader.spawn import new_workdir, remove_workdir
    from kata.grader.worker import Worker

    limits = Limits()
    setup = limits.setup_request(5)
    zygote = Zygote()
    workdir = new_workdir()
    try:
        started = time.perf_counter()
        for _ in range(rounds):
            worker = Worker(limits, workdir, spawned=zygote.spawn(workdir))
            worker.request(setup, b"", time.monotonic() + 10)
            worker.close()
        pool = (time.perf_counter() - started) / rounds
    finally:
        zygote.close()
        remove_workdir(workdir)
    started = time.perf_counter()
    for _ in range(rounds):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    bare = (time.perf_counter() - started) / rounds
    return pool, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="submissions to generate")
    parser.add_argument("--sample", type=int, default=30, help="submissions pytest runs on")
    parser.add_argument("--timeout", type=float, default=1.0, help="kata grade --timeout (and pytest's kill time)")
    parser.add_argument("--repeat", type=int, default=3, help="kata grade runs (the median counts)")
    parser.add_argument("--rounds", type=int, default=200, help="spawns for the overhead figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        kinds = generate(folder, args.n)
        # The pytest sample covers every kind; each kind's mean time is weighted by its
        # share of the whole set, so the rare loopers count as rarely as they occur.
        rng = random.Random(1)
        sample = {k: rng.sample(v, min(len(v), max(1, round(args.sample * len(v) / args.n)))) for k, v in kinds.items()}
        bench_kata(folder, args.timeout)  # warm the file cache
        kata_times = [bench_kata(folder, args.timeout) for _ in range(args.repeat)]
        kata_time = statistics.median(kata_times)
        pytest_times = {k: bench_pytest(v, args.timeout + 1) for k, v in sample.items()}
    measured = sum(len(v) for v in pytest_times.values())
    pytest_total = sum(statistics.mean(pytest_times[k]) * len(kinds[k]) for k in kinds if kinds[k])
    per_pytest = pytest_total / args.n
    kata_rate, pytest_rate = args.n / kata_time, 1 / per_pytest
    mix = ", ".join(f"{len(v)} {k}" for k, v in kinds.items())
    print(f"submissions: {args.n} ({mix}); kata grade --timeout {args.timeout:g}")
    runs = ", ".join(f"{t:.2f}" for t in kata_times)
    print(f"kata grade -j 2: {kata_time:.2f} s for all {args.n} (median of {runs} s)"
          f" -> {kata_rate:.1f} submissions/s")
    print(f"pytest once per submission: measured on {measured} of them (every kind), weighted by the mix:"
          f" {per_pytest * 1000:.0f} ms per submission; extrapolated to {args.n}: {pytest_total:.1f} s"
          f" -> {pytest_rate:.2f} submissions/s")
    ratio = kata_rate / pytest_rate
    print(f"throughput ratio kata/pytest: {ratio:.1f}x  (target >= 20x: {'met' if ratio >= 20 else 'NOT met'})")
    pool, bare = bench_pool_overhead(args.rounds)
    print(f"warm pool spawn + minimal request + kill + reap: {pool * 1e3:.2f} ms per submission;"
          f" bare os.fork()+_exit+waitpid: {bare * 1e3:.2f} ms; overhead {(pool - bare) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
