"""Fixtures for the quiz core and the store: a private data directory, a small bank of
every question type, and a store in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kata.quiz import Catalog, load_banks
from kata.store import Store

FIXTURES = Path(__file__).parent / "fixtures"

SAMPLE_BANK = """\
bank: sample
title: {en: Sample bank, zh: 示例题库}
tags: [sample]
questions:
  - id: s-single
    type: single
    difficulty: 1
    tags: [sigmoid]
    prompt: {en: "Range of σ?", zh: "σ 的值域？"}
    explanation: {en: "Open interval.", zh: "开区间。"}
    choices:
      - {text: "(0, 1)", correct: true}
      - text: "[0, 1]"
        why: {en: "Never reaches the ends.", zh: "取不到端点。"}
      - text: "(-1, 1)"
        why: {en: "That is tanh.", zh: "那是 tanh。"}
  - id: s-multi
    type: multi
    difficulty: 2
    tags: [labels]
    prompt: {en: "Which are multi-label?", zh: "哪些是多标签？"}
    explanation: {en: "Several labels at once.", zh: "可同时有多个标签。"}
    choices:
      - {text: {en: photo tagging, zh: 照片标注}, correct: true}
      - {text: {en: face attributes, zh: 人脸属性}, correct: true}
      - {text: {en: ImageNet, zh: ImageNet}, why: {en: one class, zh: 单一类别}}
      - {text: {en: MNIST, zh: MNIST}, why: {en: one digit, zh: 单个数字}}
  - id: s-tf
    type: true-false
    difficulty: 1
    prompt: {en: "softmax(x + c) = softmax(x).", zh: "softmax(x + c) = softmax(x)。"}
    explanation: {en: "The constant cancels.", zh: "常数被约掉。"}
    answer: true
  - id: s-numeric
    type: numeric
    difficulty: 3
    tags: [sigmoid]
    prompt: {en: "Largest value of σ'?", zh: "σ' 的最大值？"}
    explanation: {en: "At x = 0.", zh: "在 x = 0 处。"}
    answer: 0.25
    tolerance: {abs: 0.001}
  - id: s-short
    type: short
    difficulty: 4
    prompt: {en: "Name the trick.", zh: "这个技巧叫什么？"}
    explanation: {en: "log-sum-exp.", zh: "log-sum-exp。"}
    accept: [logsumexp, Log-Sum-Exp]
    patterns: ["^log[- ]?sum[- ]?exp( trick)?$"]
  - id: s-card
    type: card
    difficulty: 5
    prompt: {en: "Derive the softmax Jacobian.", zh: "推导 softmax 的雅可比矩阵。"}
    explanation: {en: "diag(s) - s sᵀ.", zh: "diag(s) - s sᵀ。"}
    points:
      - {en: "∂s_i/∂x_j = s_i(δ_ij - s_j)", zh: "∂s_i/∂x_j = s_i(δ_ij - s_j)"}
"""


@pytest.fixture(autouse=True)
def kata_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory, never the real one."""
    home = tmp_path / "kata-home"
    monkeypatch.setenv("KATA_HOME", str(home))
    return home


@pytest.fixture
def write_bank(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write YAML text to ``tmp_path/banks/NAME`` and return the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / "banks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def sample_path(write_bank: Callable[[str, str], Path]) -> Path:
    return write_bank("sample.yaml", SAMPLE_BANK)


@pytest.fixture
def catalog(sample_path: Path) -> Catalog:
    return load_banks([sample_path], builtin=True)


@pytest.fixture
def store(kata_home: Path) -> Iterator[Store]:
    with Store.open() as opened:
        yield opened
