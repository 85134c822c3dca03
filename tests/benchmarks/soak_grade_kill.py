"""Soak: `kata grade` killed with SIGKILL five times at random points, then resumed.

A class of 1,000 mixed submissions (correct, wrong, naive, syntax errors, crashes,
endless loops, memory hogs) is graded once without interruption, as the reference.
Then the same class, with the same seed, is graded again and killed with SIGKILL at a
random moment five times, each time resumed with --resume, and finally resumed to the
end. The final gradebook must equal the reference entry for entry: the same ids,
statuses, error kinds and per-check statuses. The work redone is what the kills threw
away: the submissions that were being graded at each kill, graded again on resume.

Usage: python tests/benchmarks/soak_grade_kill.py [--count 1000] [--kills 5] [-j 2] [--seed-rng N]
Prints the figures; exits 1 if the gradebooks differ or more than 10% was redone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BODIES = {
    "correct": "import numpy as np\n\ndef softmax(x):\n    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
               "    return e / e.sum(axis=-1, keepdims=True)\n",
    "wrong": "def softmax(x):\n    return x\n",
    "naive": "import numpy as np\n\ndef softmax(x):\n    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)\n",
    "syntax": "def softmax(x:\n    return x\n",
    "crash": "import os\n\ndef softmax(x):\n    os._exit(3)\n",
    "loop": "def softmax(x):\n    while True:\n        pass\n",
    "hog": "import numpy as np\n\ndef softmax(x):\n    keep = []\n    while True:\n        keep.append(np.ones(10_000_000))\n",
}
MIX = ["correct"] * 40 + ["wrong"] * 25 + ["naive"] * 20 + ["syntax"] * 8 + ["crash"] * 4 + ["loop"] * 2 + ["hog"]


def build(root: Path, count: int) -> None:
    root.mkdir()
    for i in range(count):
        (root / f"s{i:04d}.py").write_text(BODIES[MIX[i % len(MIX)]])


def grade(root: Path, out: Path, jobs: int, runs: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "kata", "grade", str(root), "--out", str(out), "-j", str(jobs),
           "--seed", "11", "--timeout", "2", *extra]
    runs.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(runs)}  # its work folders: one per submission being graded
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def in_flight(runs: Path) -> int:
    """Submissions being graded right now: each has a work folder under its driver's."""
    return len(list(runs.glob("kata-grade-*/kata-run-*")))


def journalled(out: Path) -> set[str]:
    path = out.with_name(f".{out.name}.journal")
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError:
        return set()
    ids = set()
    for line in lines:
        try:
            ids.add(json.loads(line)["entry"]["id"])
        except (ValueError, KeyError, TypeError):
            continue
    return ids


def kept(out: Path) -> set[str]:
    try:
        return {e["id"] for e in json.loads(out.read_text())}
    except (OSError, ValueError):
        return set()


def verdicts(out: Path) -> dict[str, tuple]:
    return {
        e["id"]: (e["status"], e.get("kata"), (e.get("error") or {}).get("kind"),
                  tuple((c["id"], c["status"]) for c in e.get("checks") or []))
        for e in json.loads(out.read_text())
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--seed-rng", type=int, default=None, help="seed of the random kill times")
    args = parser.parse_args()
    rng = random.Random(args.seed_rng)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = tmp / "class"
        build(root, args.count)
        reference = tmp / "reference.json"
        started = time.perf_counter()
        runs = tmp / "runs"
        proc = grade(root, reference, args.jobs, runs)
        proc.communicate()
        full = time.perf_counter() - started
        print(f"uninterrupted: {args.count} submissions in {full:.1f} s (exit {proc.returncode})")

        out = tmp / "killed.json"
        graded_total = 0  # entries each run added to the journal or the gradebook
        spent = 0.0
        lost = 0  # submissions whose grading a kill threw away
        for k in range(args.kills):
            before = journalled(out) | kept(out)
            started = time.perf_counter()
            proc = grade(root, out, args.jobs, runs, "--resume")
            delay = rng.uniform(0.5, max(1.0, full * 0.8))
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.01)
            busy = in_flight(runs)
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            lost += busy if proc.returncode == -signal.SIGKILL else 0
            spent += time.perf_counter() - started
            after = journalled(out) | kept(out)
            graded_total += len(after - before)
            print(f"kill {k + 1} after {delay:.1f} s: {len(after)} of {args.count} kept")
        before = journalled(out) | kept(out)
        started = time.perf_counter()
        proc = grade(root, out, args.jobs, runs, "--resume")
        _, err = proc.communicate()
        spent += time.perf_counter() - started
        graded_total += len(kept(out) - before)
        print(err.decode("utf-8", "replace").strip())
        final, wanted = verdicts(out), verdicts(reference)
        same = final == wanted
        differing = [i for i in wanted if final.get(i) != wanted[i]]
    redone = lost / args.count
    print(f"entries recorded across the runs: {graded_total} (each once: {graded_total == args.count})")
    print(f"grading redone: {lost} submissions were being graded at the kills and were graded again, "
          f"{100 * redone:.2f}% of the class (target < 10%)")
    print(f"time across the killed and resumed runs: {spent:.1f} s against {full:.1f} s uninterrupted "
          f"(+{100 * max(0.0, spent - full) / full:.1f}%, start-ups included)")
    print(f"final gradebook equals the uninterrupted one, per-check statuses included: {same}"
          + (f" (differs at {differing[:5]})" if differing else ""))
    for i in differing[:3]:
        print(f"  {i}: uninterrupted {wanted[i]}\n  {' ' * len(i)}  resumed       {final.get(i)}")
    return 0 if same and redone < 0.10 and graded_total == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
