"""Answer cues (kata.quiz.lint, `kata validate --lint`): measured on a bank written with
every cue, on one written without, and on all the built-in banks, which must stay within
the bounds of issue 15."""

from __future__ import annotations

from pathlib import Path

import pytest

from kata.cli import main
from kata.quiz import builtin_bank_paths, load_bank, load_banks
from kata.quiz.lint import BOUNDS, lint


def _single(qid: str, right: str, wrongs: list[str], slot: int = 0) -> str:
    texts = [f'{{text: "{w}", why: {{en: "no", zh: "不对"}}}}' for w in wrongs]
    texts.insert(slot, f'{{text: "{right}", correct: true}}')
    choices = "\n".join(f"      - {t}" for t in texts)
    return (f"  - id: {qid}\n    type: single\n    difficulty: 2\n"
            f"    prompt: {{en: 'Q?', zh: '问？'}}\n    explanation: {{en: 'E.', zh: '解。'}}\n"
            f"    choices:\n{choices}\n")


def _tf(qid: str, answer: bool) -> str:
    return (f"  - id: {qid}\n    type: true-false\n    difficulty: 1\n"
            f"    prompt: {{en: 'S.', zh: '命题。'}}\n    explanation: {{en: 'E.', zh: '解。'}}\n"
            f"    answer: {'true' if answer else 'false'}\n")


def _multi(qid: str, n_correct: int, n: int = 5, reason: str = " because it is") -> str:
    lines = []
    for i in range(n):
        if i < n_correct:
            lines.append(f'      - {{text: "right option number {i}{reason}", correct: true}}')
        else:
            lines.append(f'      - {{text: "wrong {i}", why: {{en: "no", zh: "不对"}}}}')
    return (f"  - id: {qid}\n    type: multi\n    difficulty: 5\n"
            f"    prompt: {{en: 'Which?', zh: '哪些？'}}\n    explanation: {{en: 'E.', zh: '解。'}}\n"
            f"    choices:\n" + "\n".join(lines) + "\n")


def _bank(tmp_path: Path, name: str, questions: list[str]) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"bank: {name}\ntitle: {{en: T, zh: 题}}\nquestions:\n" + "".join(questions),
                    encoding="utf-8")
    return path


@pytest.fixture
def cued(tmp_path: Path) -> Path:
    """Every cue of issue 15: long correct options in slot 1, all-true, always 3 correct."""
    questions = [_single(f"c-s{i}", "the right answer, because it is so", ["no", "nope"])
                 for i in range(6)]
    questions += [_tf(f"c-t{i}", True) for i in range(6)]
    questions += [_multi(f"c-m{i}", 3) for i in range(6)]
    return _bank(tmp_path, "cued", questions)


@pytest.fixture
def balanced(tmp_path: Path) -> Path:
    questions = [_single(f"b-s{i}", "short", ["a longer wrong answer", "another wrong one"], i % 3)
                 for i in range(6)]
    questions += [_tf(f"b-t{i}", i % 2 == 0) for i in range(6)]
    questions += [_multi(f"b-m{i}", 1 + i % 4, reason="") for i in range(6)]
    return _bank(tmp_path, "balanced", questions)


def test_every_cue_is_found_in_a_bank_that_has_them(cued: Path) -> None:
    report = lint([load_bank(cued)])
    assert {cue.name for cue in report.cues()} == {
        "longest-correct", "position", "true-false", "multi-count", "because"}
    assert report.longest_share == 1.0 and report.strong_longest == 6
    assert report.true_share == 1.0 and report.top_multi_count == (3, 1.0)
    assert report.pick_longest_score == 1.0  # the 3 longest options are the 3 correct ones
    assert [f.question.id for f in report.flagged if f.key == "longest-one"] == [
        f"c-s{i}" for i in range(6)]
    assert all(c.message for c in report.cues("zh"))


def test_no_cue_in_a_balanced_bank(balanced: Path) -> None:
    report = lint([load_bank(balanced)])
    assert report.cues() == []
    assert report.longest_share == 0.0 and report.true_share == 0.5
    assert report.top_multi_count[1] <= 0.4 and report.top_position[1] <= 0.4


def test_a_small_bank_is_measured_but_not_judged(tmp_path: Path) -> None:
    path = _bank(tmp_path, "tiny", [_tf("t-1", True), _tf("t-2", True)])
    report = lint([load_bank(path)])
    assert report.true_share == 1.0 and report.cues() == []


def test_validate_lint_prints_statistics_cues_and_the_questions(cued: Path, capsys) -> None:
    assert main(["validate", "--lint", str(cued)]) == 0  # cues warn; the bank is valid
    out = capsys.readouterr().out
    assert "warning: the correct option is the longest in 6 of 6 single questions" in out
    assert "warning: 6 of 6 true/false answers are true" in out
    flagged = [line for line in out.splitlines() if ": c-s" in line and "longest (" in line]
    assert len(flagged) == 6 and all(line.strip().startswith(str(cued)) for line in flagged)
    assert main(["validate", "--lint", "--lang", "zh", str(cued)]) == 0
    zh = capsys.readouterr().out
    assert "警告: 6 道判断题中有 6 道答案为“对”" in zh and "正确选项最长" in zh


def test_validate_lint_of_several_banks_adds_the_total(cued: Path, balanced: Path, capsys) -> None:
    assert main(["validate", "--lint", str(cued), str(balanced)]) == 0
    out = capsys.readouterr().out
    assert "all banks:" in out and "single: 12;" in out
# ---------------------------------------------------------------------------------------
# the built-in banks, whatever files questions/ holds


@pytest.fixture(scope="module")
def builtin():
    return lint(load_banks(builtin_bank_paths()).banks)


def test_builtin_banks_have_no_answer_cue(builtin) -> None:
    assert builtin.cues() == [], "\n".join(builtin.summary())


def test_builtin_banks_within_the_bounds_of_issue_15(builtin) -> None:
    assert builtin.longest_share <= BOUNDS["longest-correct"] <= 0.35
    assert 0.40 <= builtin.true_share <= 0.60
    assert builtin.top_multi_count[1] <= 0.40
    assert builtin.questions >= 200
    assert builtin.hard_share >= 0.30
