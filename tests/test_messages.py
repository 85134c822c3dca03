"""Every grader message and hint is data in every language kata speaks.

The shared catalog (kata/harness/messages.yaml) and each kata's texts.yaml are checked
with the strict validator, every message key the code names exists, and the validators
themselves are shown to catch a missing or fake translation."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kata.exercises import catalog
from kata.harness import messages
from kata.harness.statement import validate_messages, validate_texts
from kata.lang import LANGS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kata"
SHARED = PACKAGE / "harness" / "messages.yaml"
KATAS = list(catalog().values())
CJK = re.compile("[\u4e00-\u9fff]")


def test_the_shared_catalog_is_complete_in_every_language():
    assert validate_messages(SHARED) == []


@pytest.mark.parametrize("kata", KATAS, ids=[k.id for k in KATAS])
def test_each_katas_texts_pass_the_strict_validator(kata):
    assert validate_texts(kata.texts_path) == []


@pytest.mark.parametrize("kata", KATAS, ids=[k.id for k in KATAS])
def test_every_message_a_contract_names_is_in_its_texts(kata):
    """A mistake, hint or formula key the contract names, in every language: a gap would
    be an internal error for the one candidate who makes that mistake."""
    keys = kata.message_keys()
    assert any(k.startswith("mistake.") for k in keys) or not kata.mistakes
    assert kata.missing_messages() == {}


def _literal_keys(path: Path) -> list[tuple[str, int]]:
    """The message keys a module names literally: ``Msg("key", ...)`` and, in a kata,
    ``KATA.msg("key")``, ``M("key")`` and hint/quiet/message keywords."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        first = node.args[0] if node.args else None
        if name in ("Msg", "msg", "M") and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((first.value, node.lineno))
    return found


def _kata_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[1] if parts[0] == "exercises" and len(parts) > 2 else None


def test_every_key_the_code_names_is_in_a_catalog():
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        kata_id = _kata_of(path)
        for key, line in _literal_keys(path):
            candidates = [key] + ([f"{kata_id}.{key}"] if kata_id else [])
            for lang in LANGS:
                if not any(_renders(c, lang) for c in candidates):
                    missing.append(f"{path.relative_to(ROOT)}:{line}: `{key}` ({lang})")
    assert not missing, "\n".join(missing)


def _renders(key: str, lang: str) -> bool:
    try:
        return bool(messages.template(key, lang))
    except messages.MessageError:
        return False


def test_the_scan_sees_the_keys_it_should():
    """The scan above finds keys in the runner, the harness and in katas (so it can fail)."""
    runner = {k for k, _ in _literal_keys(PACKAGE / "grader" / "engine.py")}
    harness = {k for k, _ in _literal_keys(PACKAGE / "harness" / "standard.py")}
    softmax = {k for k, _ in _literal_keys(PACKAGE / "exercises" / "softmax" / "kata.py")}
    assert runner and harness and softmax
    assert not _renders("no-such-message-anywhere", "en")


def test_the_report_chrome_in_english_is_the_catalogs():
    from kata.grader.report import CHROME

    for key, text in CHROME.items():
        assert messages.template(key, "en") == text, key
        assert CJK.search(messages.template(key, "zh")), key


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_validator_catches_a_missing_or_fake_translation(tmp_path):
    bad = _write(tmp_path / "messages.yaml", (
        "only-english:\n  en: \"it broke\"\n"
        "copied:\n  en: \"the rows differ\"\n  zh: \"the rows differ\"\n"
        "fields:\n  en: \"{got} vs {expected}\"\n  zh: \"{got} 与 {want}\"\n"
        "formula.grad:\n  en: \"s - y\"\n  zh: \"s - y\"\n"
        "empty:\n  en: \"x\"\n  zh: \"\"\n"
    ))
    problems = validate_messages(bad)
    text = "\n".join(problems)
    assert "only-english` has no zh text" in text
    assert "copied`: the zh text is not Chinese" in text
    assert "fields`: the languages use different {fields}" in text
    assert "empty` has no zh text" in text
    assert "formula.grad" not in text  # a formula reads the same in every language
    assert all(re.match(rf"{re.escape(str(bad))}:\d+:\d+: ", p) for p in problems)


def test_a_katas_texts_with_holes_are_refused_with_their_lines(tmp_path):
    softmax = next(k for k in KATAS if k.id == "softmax")
    text = softmax.texts_path.read_text(encoding="utf-8")
    broken = text.replace("zh:", "ja:", 1)
    path = _write(tmp_path / "texts.yaml", broken)
    problems = validate_texts(path)
    assert any("unknown language `ja`" in p for p in problems), problems
    assert any("has no zh text" in p for p in problems), problems
    hostile = _write(tmp_path / "hostile.yaml", "title: &a {en: x, zh: 中}\nsummary: *a\n")
    assert any("alias" in p or "anchor" in p for p in validate_texts(hostile))


@pytest.mark.parametrize("key", sorted(messages._shared()))
def test_every_shared_message_renders_in_every_language(key):
    fields = messages.fields_of(messages.template(key, "en"))
    params = {name: "X" for name in fields}
    for lang in LANGS:
        assert messages.Msg(key, **params).render(lang)


def test_kata_check_lang_zh_speaks_chinese(tmp_path):
    bad = _write(tmp_path / "softmax.py", (
        "import numpy as np\n\ndef softmax(x):\n    e = np.exp(x)\n    return e / e.sum(axis=-1, keepdims=True)\n"
    ))
    run = subprocess.run(
        [sys.executable, "-m", "kata", "check", str(bad), "--seed", "7", "--no-record", "--lang", "zh", "--json"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    )
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    failed = [c for c in report["checks"] if c["status"] != "pass"]
    assert {c["id"] for c in failed} >= {"overflow"}
    for check in failed:
        assert CJK.search(check["message"]), check
        if check["hint"]:
            assert CJK.search(check["hint"]) and check["hint"] in check["message"]
    text = subprocess.run(
        [sys.executable, "-m", "kata", "check", str(bad), "--seed", "7", "--no-record", "--lang", "zh"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    ).stdout
    assert "种子 7" in text and "项检查通过" in text and "提示：" in text
