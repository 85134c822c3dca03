"""A generated class of 2,000 submissions, 5% of them hostile, graded by `kata grade`.

The hostile entries are of mixed kinds: links to a secret file, to /proc, to the
reference solutions and to nowhere; FIFOs; sparse files of 30 GiB; a file of 520,000
statements; folders of junk; names that are not UTF-8, hold control characters or
start like a spreadsheet formula; files defining two unrelated katas. The run must end
with a complete gradebook in every format (one row per entry, the secret in none) and
the grader's own processes (the parent and its drivers, not the children that run the
submissions) must stay under 300 MiB at their peak.

Usage: python tests/benchmarks/bench_hostile_class.py [--count 2000] [-j 2]
Prints the figures; exits 1 if a bound is not met.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORRECT = ("import numpy as np\n\ndef softmax(x):\n    e = np.exp(x - x.max(axis=-1, keepdims=True))\n"
           "    return e / e.sum(axis=-1, keepdims=True)\n")
WRONG = "def softmax(x):\n    return x\n"
NAIVE = "import numpy as np\n\ndef softmax(x):\n    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)\n"
SYNTAX = "def softmax(x:\n    return x\n"
SECRET = "BENCH-SECRET-" + os.urandom(6).hex()


def hostile(root: Path, i: int, secret: Path) -> None:
    kind = i % 10
    raw = os.fsencode(root)
    if kind == 0:
        (root / f"link{i}.py").symlink_to(secret)
    elif kind == 1:
        (root / f"proc{i}").symlink_to("/proc", target_is_directory=True)
    elif kind == 2:
        os.mkfifo(root / f"fifo{i}.py")
    elif kind == 3:
        with open(root / f"sparse{i}.py", "wb") as f:
            f.truncate(30 << 30)
    elif kind == 4:
        (root / f"long{i}.py").write_text("x = 1\n" * 520_000)
    elif kind == 5:
        folder = root / f"junk{i}"
        folder.mkdir()
        for j in range(3):
            (folder / f"j{j}.py").write_bytes(os.urandom(256 << 10))
        (folder / "zz.py").write_text(CORRECT)
    elif kind == 6:
        with open(raw + b"/\xff\xfe" + str(i).encode() + b".py", "w") as f:
            f.write(CORRECT)
    elif kind == 7:
        (root / f"=HYPERLINK({i}).py").write_text(WRONG)
    elif kind == 8:
        (root / f"two{i}.py").write_text(CORRECT + "\ndef softmax_cross_entropy(z, y):\n    return 0\n")
    else:
        (root / f"\x1b[2Jdangling{i}.py").symlink_to(root / "nowhere")


def build(root: Path, count: int, secret: Path) -> int:
    """The class folder; returns how many entries it has."""
    root.mkdir()
    bad = max(1, count // 20)
    for i in range(count - bad):
        body = (CORRECT, WRONG, NAIVE, SYNTAX)[i % 4]
        if i % 3 == 0:
            (root / f"student{i:05d}").mkdir()
            (root / f"student{i:05d}" / "softmax.py").write_text(body)
        else:
            (root / f"s{i:05d}.py").write_text(body)
    for i in range(bad):
        hostile(root, i, secret)
    return count


class Peak:
    """Samples the resident memory of the grader's own processes: the parent and the
    drivers it forks (same command line), not the zygotes and submission children."""

    def __init__(self, pid: int, argv: list[str]) -> None:
        self.pid = pid
        # The command line as the kernel shows it once the program runs (reading it from
        # /proc at once could catch the fork before its exec, with this script's own).
        self.cmdline = b"".join(os.fsencode(a) + b"\0" for a in argv)
        self.parent = 0
        self.total = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def rss(self, pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def run(self) -> None:
        while not self.stop.is_set():
            total = 0
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    if (entry / "cmdline").read_bytes() != self.cmdline:
                        continue
                except OSError:
                    continue
                rss = self.rss(int(entry.name))
                total += rss
                if int(entry.name) == self.pid:
                    self.parent = max(self.parent, rss)
            self.total = max(self.total, total)
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        secret = tmp / "secret.toml"
        secret.write_text(f"token = '{SECRET}'\n")
        secret.chmod(0o600)
        root = tmp / "class"
        entries_made = build(root, args.count, secret)
        out = tmp / "grades.json"
        started = time.perf_counter()
        argv = [sys.executable, "-m", "kata", "grade", str(root), "-j", str(args.jobs), "--seed", "1",
                "--timeout", "4", "--out", str(out)]
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, cwd=ROOT)
        peak = Peak(proc.pid, argv)
        _, err = proc.communicate()
        peak.stop.set()
        elapsed = time.perf_counter() - started
        books = {"json": out.read_bytes().decode("utf-8")}
        for fmt, name in (("csv", "grades.csv"), ("junit", "grades.xml")):
            subprocess.run([sys.executable, "-m", "kata", "merge", str(out), "--format", fmt, "--out", str(tmp / name)],
                           check=False, cwd=ROOT)
            books[fmt] = (tmp / name).read_bytes().decode("utf-8")
    entries = json.loads(books["json"])
    csv_rows = list(csv.DictReader(io.StringIO(books["csv"])))
    suites = list(ET.fromstring(books["junit"]).iter("testsuite"))
    kinds: dict[str, int] = {}
    for e in entries:
        key = (e.get("error") or {}).get("kind") or e["status"]
        kinds[key] = kinds.get(key, 0) + 1
    print(f"entries made: {entries_made}; exit status {proc.returncode}; {elapsed:.1f} s "
          f"({entries_made / elapsed:.1f} entries/s)")
    print(f"rows: json {len(entries)}, csv {len(csv_rows)}, junit {len(suites)}; by verdict: {kinds}")
    print(err.decode("utf-8", "replace").strip())
    print(f"grader peak memory: parent {peak.parent / 2**20:.0f} MiB, parent + drivers {peak.total / 2**20:.0f} MiB "
          "(target < 300 MiB)")
    leaked = any(SECRET in text for text in books.values())
    ok = (proc.returncode in (0, 1) and len(entries) == len(csv_rows) == len(suites) == entries_made
          and not leaked and 0 < peak.total < 300 * 2**20)
    print("bounds:", "met" if ok else "NOT met", "(secret leaked)" if leaked else "")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
