"""The catalog's developer check: every starter fails, every reference solution passes,
and every kata has complete, bilingual texts."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from kata.exercises import catalog, defined_functions, detect
from kata.harness.statement import render_statement
from kata.lang import LANGS
from kata.grader import Limits

KATAS = list(catalog().values())
IDS = [k.id for k in KATAS]


@pytest.mark.parametrize("kata", KATAS, ids=IDS)
def test_reference_solution_passes(kata, grade_warm) -> None:
    for seed in (1, 2, 3):
        report = grade_warm(kata.solution_path, kata, seed=seed, limits=Limits(timeout=30))
        assert report.status == "pass", [(c.id, c.message) for c in report.checks if c.status != "pass"]


@pytest.mark.parametrize("kata", KATAS, ids=IDS)
def test_starter_fails(kata, grade_warm) -> None:
    report = grade_warm(kata.starter_path, kata, seed=1)
    assert report.status != "pass"
    assert report.passed < len(kata.checks)


@pytest.mark.parametrize("kata", KATAS, ids=IDS)
def test_visible_examples_pass_with_the_solution_and_fail_with_the_starter(kata, grade_warm) -> None:
    checks = kata.example_checks()
    assert 2 <= len(checks) <= 4
    assert grade_warm(kata.solution_path, kata, seed=1, checks=checks).status == "pass"
    assert grade_warm(kata.starter_path, kata, seed=1, checks=checks).status == "fail"


@pytest.mark.parametrize("kata", KATAS, ids=IDS)
def test_metadata_and_texts_are_complete(kata) -> None:
    assert 1 <= kata.difficulty <= 5
    assert 3 <= kata.time_limit <= 60
    assert kata.checks and len({c.id for c in kata.checks}) == len(kata.checks)
    assert kata.checks[-1].id == "hand-written"
    for lang in LANGS:
        assert kata.title(lang).strip()
        assert kata.summary(lang).strip()
        assert len(kata.hints(lang)) >= 2 and all(h.strip() for h in kata.hints(lang))
        text = render_statement(kata, lang, hints=99)
        assert kata.signature.split("(")[0] in text
        assert text.count("```python") == len(kata.examples)
    # The Chinese texts are really Chinese, not a copy of the English.
    assert any("\u4e00" <= ch <= "\u9fff" for ch in kata.texts.statement["zh"])
    assert kata.texts.statement["zh"] != kata.texts.statement["en"]


@pytest.mark.parametrize("kata", KATAS, ids=IDS)
def test_starter_and_solution_define_the_function(kata) -> None:
    for path in (kata.starter_path, kata.solution_path):
        source = path.read_text(encoding="utf-8")
        ast.parse(source)
        assert kata.function in defined_functions(source)
        assert kata in detect(source)


@pytest.mark.parametrize("kata", KATAS, ids=IDS)
def test_examples_are_finite(kata) -> None:
    for _, result in kata.example_results():
        values = result if isinstance(result, tuple) else (result,)
        for value in values:
            assert np.all(np.isfinite(np.asarray(value, dtype=np.float64)))
