"""Benchmark: load and validate a generated bank of 10,000 questions.

Run on demand (pytest does not collect it):

    .venv/bin/python tests/benchmarks/bench_bank_load.py [--questions N] [--runs R]

It writes a bank of mixed question types (bilingual, like the built-in banks) to a
temporary folder, then prints the best of R runs of

* ``kata``: ``kata.quiz.load_bank`` (read, bounded parse, full validation);
* ``yaml.load``: PyYAML's plain load of the same file with the fastest safe loader
  available (CSafeLoader when PyYAML has libyaml), which checks nothing;

and the ratio of the two. The target is under 1 s for 10,000 questions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from kata.quiz import load_bank

TARGET_S = 1.0


def generate_bank(count: int) -> str:
    """A valid bank of ``count`` questions cycling through every type."""
    lines = [
        "bank: bench",
        "title: {en: Benchmark bank, zh: 基准题库}",
        "tags: [bench]",
        "questions:",
    ]
    kinds = ("single", "multi", "true-false", "numeric", "short", "card")
    for i in range(count):
        kind = kinds[i % len(kinds)]
        lines += [
            f"  - id: q-{i}",
            f"    type: {kind}",
            f"    difficulty: {1 + i % 5}",
            f"    tags: [topic-{i % 7}]",
            f"    prompt: {{en: 'Question {i}: what does σ do here?', zh: '第 {i} 题：σ 在这里起什么作用？'}}",
            f"    explanation: {{en: 'Because of reason {i}.', zh: '原因是第 {i} 条。'}}",
        ]
        if kind in ("single", "multi"):
            lines.append("    choices:")
            for c in range(4):
                if c == 0 or (kind == "multi" and c == 1):
                    lines.append(f"      - {{text: 'option {c}', correct: true}}")
                else:
                    lines.append(
                        f"      - {{text: 'option {c}', why: {{en: 'not {c}', zh: '不是 {c}'}}}}"
                    )
        elif kind == "true-false":
            lines.append(f"    answer: {'true' if i % 2 else 'false'}")
        elif kind == "numeric":
            lines += [f"    answer: {i}.25", "    tolerance: {abs: 0.001, rel: 0.01}"]
        elif kind == "short":
            lines += [
                "    accept: [log-sum-exp, logsumexp]",
                f"    patterns: ['^log[- ]?sum[- ]?exp {i}$']",
            ]
        else:
            lines.append("    points: [{en: point one, zh: 要点一}, {en: point two, zh: 要点二}]")
    return "\n".join(lines) + "\n"


def best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.yaml"
        path.write_text(generate_bank(args.questions), encoding="utf-8")
        size_mib = path.stat().st_size / 1024 / 1024
        bank = load_bank(path, builtin=True)
        assert len(bank) == args.questions
        ours = best_of(args.runs, lambda: load_bank(path, builtin=True))
        text = path.read_text(encoding="utf-8")
        baseline = best_of(args.runs, lambda: yaml.load(text, Loader=loader))

    print(f"bank: {args.questions:,} questions, {size_mib:.1f} MiB (best of {args.runs} runs)")
    print(f"kata load_bank (parse + validate): {ours:.3f} s")
    print(f"yaml.load with {loader.__name__}:   {baseline:.3f} s")
    print(f"ratio kata / yaml.load: {ours / baseline:.2f}")
    verdict = "OK" if ours < TARGET_S else "SLOWER THAN TARGET"
    print(f"target: < {TARGET_S:.1f} s for 10,000 questions: {verdict}")
    return 0 if ours < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
