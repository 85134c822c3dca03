"""The quiz core and the store never import Textual (the CLI stays fast without it)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "kata.quiz",
    "kata.quiz.model",
    "kata.yamltree",
    "kata.quiz.fields",
    "kata.quiz.schema",
    "kata.quiz.loader",
    "kata.quiz.grading",
    "kata.quiz.scheduling",
    "kata.quiz.session",
    "kata.quiz.stats",
    "kata.quiz.lint",
    "kata.quiz.anki",
    "kata.store",
    "kata.commands.validate",
    "kata.commands.stats",
    "kata.commands.export",
]


def test_quiz_and_store_import_without_textual() -> None:
    code = "import kata.quiz, kata.store, sys; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize("module", CORE)
def test_each_core_module_imports_alone_without_textual(module: str) -> None:
    code = f"import {module}, sys; assert 'textual' not in sys.modules, '{module} imported textual'"
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
