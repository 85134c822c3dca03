"""Each validation rule, on a fixture file, at the exact line and column of the node."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kata.quiz import InvalidBankError, Problem, QuestionType, load_bank, load_banks, validate
from kata.quiz.loader import read_bank

FIXTURES = Path(__file__).parent / "fixtures"

# fixture file -> (line, column, a fragment of the message)
CASES: dict[str, tuple[int, int, str]] = {
    "syntax-error.yaml": (7, 15, "YAML syntax error: did not find expected ',' or ']'"),
    "tab-indent.yaml": (6, 1, "indent with spaces, not tabs"),
    "unknown-key.yaml": (9, 5, "unknown key 'answr' in a question: did you mean 'answer'?"),
    "missing-explanation.yaml": (4, 5, "question 'q-one' has no 'explanation'"),
    "duplicate-id.yaml": (12, 9, "duplicate question id 'q-one': already used at line 4"),
    "duplicate-key.yaml": (8, 5, "duplicate key 'prompt' (first at line 7)"),
    "no-correct-choice.yaml": (10, 7, "no choice is marked 'correct: true'"),
    "single-two-correct.yaml": (11, 9, "a second correct choice (the first is at line 10)"),
    "correct-not-bool.yaml": (11, 32, "'correct' must be true or false, not 'maybe'"),
    "answer-on-single.yaml": (12, 5, "'answer' is not used by single questions"),
    "why-on-correct.yaml": (10, 38, "'why' says why a choice is wrong, but this choice is correct"),
    "duplicate-choice.yaml": (11, 16, "same text as the choice at line 10"),
    "empty-choices.yaml": (9, 14, "'choices' is empty"),
    "one-choice.yaml": (10, 7, "'choices' has only one choice"),
    "numeric-not-number.yaml": (
        9,
        13,
        "'answer' must be a number such as 0.25 or 1e-3, not 'about a quarter'",
    ),
    "quoted-number.yaml": (9, 13, "'answer' is a quoted string: remove the quotes"),
    "negative-tolerance.yaml": (10, 22, "'abs' must be zero or positive, not -0.001"),
    "true-false-not-bool.yaml": (9, 13, "'answer' must be true or false, not 'nope'"),
    "unknown-type.yaml": (5, 11, "unknown question type 'singel': did you mean 'single'?"),
    "invalid-regex.yaml": (
        10,
        16,
        "invalid regular expression: missing ), unterminated subpattern",
    ),
    "short-without-answers.yaml": (4, 5, "has neither 'accept' nor 'patterns'"),
    "empty-points.yaml": (9, 13, "'points' is empty"),
    "empty-questions.yaml": (3, 12, "'questions' is empty"),
    "bad-difficulty.yaml": (
        6,
        17,
        "'difficulty' must be an integer from 1 (warm-up) to 5 (hard), not '6'",
    ),
    "bad-id.yaml": (4, 9, "id 'Q_One' is not valid: use lowercase letters, digits and hyphens"),
    "bad-url.yaml": (12, 37, "'url' must be an http:// or https:// address"),
    "unknown-figure.yaml": (12, 13, "unknown figure 'sigmod': did you mean 'sigmoid'?"),
    "top-level-list.yaml": (
        1,
        1,
        "the top level must be a mapping with bank, title and questions, not a list",
    ),
    "empty-file.yaml": (1, 1, "the file is empty"),
    "not-utf8.yaml": (8, 21, "the file is not UTF-8 (byte 0xe9): save it as UTF-8"),
    "utf16.yaml": (1, 1, "the file is UTF-16: save it as UTF-8"),
    "alias.yaml": (7, 13, "anchors (&p) are not supported: banks never need anchors or aliases"),
    "python-tag.yaml": (7, 13, "YAML tags (!!python/object/apply:os.system) are not supported"),
    "two-documents.yaml": (12, 1, "a second YAML document"),
    "flow-cjk-columns.yaml": (4, 105, "'answer' must be true or false, not '2'"),
}


def test_every_fixture_has_a_case() -> None:
    files = {p.name for p in FIXTURES.glob("*.yaml")}
    expected_elsewhere = {
        "valid.yaml",
        "across-a.yaml",
        "across-b.yaml",
        "missing-translation.yaml",
    }
    assert files - expected_elsewhere == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_problem_is_reported_at_the_offending_node(name: str) -> None:
    line, col, fragment = CASES[name]
    bank, problems = read_bank(FIXTURES / name, builtin=False)
    assert bank is None
    located = [(p.line, p.col) for p in problems if fragment in p.message]
    assert located == [(line, col)], problems


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_bank_raises_a_bank_error_listing_the_problems(name: str) -> None:
    with pytest.raises(InvalidBankError) as caught:
        load_bank(FIXTURES / name)
    assert caught.value.problems
    assert "kata validate" in str(caught.value)
    for problem in caught.value.problems:
        assert re.fullmatch(r".+:\d+:\d+: .+", str(problem))


def test_valid_fixture_loads() -> None:
    bank = load_bank(FIXTURES / "valid.yaml")
    assert [q.id for q in bank] == ["q-one", "q-num"]
    assert bank.questions[1].answer == 0.25
    assert bank.questions[1].tolerance.abs == 0.001


def test_missing_translation_is_an_error_only_in_builtin_banks() -> None:
    path = FIXTURES / "missing-translation.yaml"
    _, problems = read_bank(path, builtin=True)
    assert [(p.line, p.col) for p in problems] == [(8, 18)]
    assert "'explanation' has no zh translation" in problems[0].message
    bank = load_bank(path, builtin=False)  # user banks may be single-language
    assert bank.questions[0].explanation.get("zh") == "The constant cancels out."


def test_plain_strings_need_translating_in_builtin_banks_except_choice_texts(write_bank) -> None:
    path = write_bank(
        "b.yaml",
        "bank: b\ntitle: {en: B, zh: 乙}\nquestions:\n"
        "  - id: q\n    type: single\n    difficulty: 1\n"
        "    prompt: Only English\n    explanation: {en: e, zh: 解}\n"
        "    choices: [{text: '(0, 1)', correct: true}, {text: '[0, 1]'}]\n",
    )
    _, problems = read_bank(path, builtin=True)
    assert [(p.line, p.col, p.message.split(":")[0]) for p in problems] == [
        (7, 13, "'prompt' needs en and zh in a built-in bank")
    ]


def test_duplicate_ids_across_banks_point_at_the_second_and_name_the_first() -> None:
    first, second = FIXTURES / "across-a.yaml", FIXTURES / "across-b.yaml"
    report = validate([first, second])
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.line, problem.col) == (11, 9)
    assert problem.path.endswith("across-b.yaml")
    assert re.search(r"already used at \S*across-a\.yaml:4;", problem.message), problem.message
    with pytest.raises(InvalidBankError):
        load_banks([first, second])


def test_all_problems_of_a_file_are_collected(write_bank) -> None:
    path = write_bank(
        "many.yaml",
        "bank: Bad\ntitle: ''\nquestions:\n"
        "  - {id: a, type: numeric, difficulty: 9, prompt: p, explanation: e, answer: x}\n"
        "  - {id: a, type: card, difficulty: 1, prompt: p, explanation: e, points: []}\n",
    )
    _, problems = read_bank(path)
    assert [(p.line, p.col) for p in problems] == [
        (1, 7),
        (2, 8),
        (4, 40),
        (4, 78),
        (5, 10),
        (5, 75),
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(write_bank) -> None:
    path = write_bank("k.yaml", "bank: k\ntitle: K\ncolour: red\nquestions: []\n")
    _, problems = read_bank(path)
    assert (
        problems[0].message
        == "unknown key 'colour' in the bank (allowed: bank, title, tags, questions)"
    )


def test_question_keys_at_bank_level_suggest_checking_indentation(write_bank) -> None:
    path = write_bank("i.yaml", "bank: k\ntitle: K\nquestions: [{}]\nprompt: hi\n")
    _, problems = read_bank(path)
    assert any(
        p.message == "'prompt' does not belong in the bank: check the indentation" for p in problems
    )


def test_readme_example_is_a_valid_builtin_bank(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "questions" / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    bank = load_bank(path, builtin=True)
    assert {q.type for q in bank} == set(QuestionType)
    single = bank.questions[0]
    assert single.correct_indices == (0,)
    assert single.choices[2].why is not None and "tanh" in single.choices[2].why.get("en")
    assert single.tags == ("activations", "sigmoid")
    assert single.figure == "sigmoid"


def test_text_falls_back_to_english_then_any_language(catalog) -> None:
    question = catalog.question("s-single")
    assert question.prompt.get("zh") == "σ 的值域？"
    assert question.prompt.get("fr") == "Range of σ?"
    assert question.choices[0].text.get("zh") == "(0, 1)"  # a plain string serves every language


def test_problem_formats_as_file_line_col() -> None:
    assert str(Problem("a.yaml", 3, 7, "oops")) == "a.yaml:3:7: oops"
