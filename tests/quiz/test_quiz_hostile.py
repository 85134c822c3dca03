"""Hostile YAML is refused early, with bounded memory, before anything is expanded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kata.quiz.loader import read_bank
from kata.yamltree import MAX_BYTES, MAX_DEPTH, MAX_NODES

BILLION_LAUGHS = """\
bank: lol
title: lol
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
questions: *i
"""


def only_problem(path: Path) -> tuple[int, int, str]:
    bank, problems = read_bank(path)
    assert bank is None
    assert len(problems) == 1, problems
    return problems[0].line, problems[0].col, problems[0].message


def test_billion_laughs_is_refused_at_the_first_anchor(tmp_path: Path) -> None:
    path = tmp_path / "lol.yaml"
    path.write_text(BILLION_LAUGHS)
    line, col, message = only_problem(path)
    assert (line, col) == (3, 4)
    assert message.startswith("anchors (&a) are not supported")


def test_a_lone_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "alias.yaml"
    path.write_text("bank: x\ntitle: *undefined\n")
    line, col, message = only_problem(path)
    # libyaml itself rejects an alias to an unknown anchor; either way it never resolves.
    assert (line, col) == (2, 8)
    assert "alias" in message


@pytest.mark.parametrize("opener, closer", [("[", "]"), ("{a: ", "}")])
def test_ten_thousand_deep_flow_nesting_is_refused(
    tmp_path: Path, opener: str, closer: str
) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("bank: deep\nquestions: " + opener * 10_000 + "1" + closer * 10_000 + "\n")
    line, _col, message = only_problem(path)
    # Refused by kata's depth limit or, for flow lists that libyaml scans ahead, by libyaml's.
    assert "nesting" in message and "a bank needs about 7" in message
    assert line == 2


def test_nesting_limit_points_at_the_first_node_past_it(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    lines = ["bank: deep", "questions:"] + [" " * (2 * i + 2) + f"k{i}:" for i in range(60)]
    path.write_text("\n".join(lines) + " 1\n")
    line, col, message = only_problem(path)
    assert message == f"nesting deeper than {MAX_DEPTH} levels: a bank needs about 7"
    # the top level is depth 1; the mapping holding k{i} is depth i + 2.
    depth_limit_key = MAX_DEPTH - 1
    assert (line, col) == (3 + depth_limit_key, 2 * depth_limit_key + 3)


def test_a_50_mib_file_is_refused_without_being_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        line = b"# " + b"x" * 1021 + b"\n"
        for _ in range(50 * 1024):
            handle.write(line)
    assert path.stat().st_size == 50 * 1024 * 1024
    assert only_problem(path) == (
        1,
        1,
        (
            f"the file is 50.0 MiB; banks are limited to {MAX_BYTES // 1024 // 1024} MiB: "
            "split it into several banks"
        ),
    )


def test_too_many_nodes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.yaml"
    path.write_text("bank: wide\nquestions: [" + "0," * (MAX_NODES + 10) + "0]\n")
    assert path.stat().st_size < MAX_BYTES
    line, _col, message = only_problem(path)
    assert message == f"more than {MAX_NODES:,} YAML nodes: split the bank into several files"
    assert line == 2


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch pwned']",
        "!!python/name:os.system",
        "!custom thing",
        "!!binary aGVsbG8=",
    ],
)
def test_tags_are_refused_and_nothing_runs(tmp_path: Path, payload: str, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "tag.yaml"
    path.write_text(f"bank: t\ntitle: {payload}\nquestions: []\n")
    line, col, message = only_problem(path)
    assert (line, col) == (2, 8)
    assert "YAML tags" in message
    assert not (tmp_path / "pwned").exists()


def test_control_characters_are_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "ctl.yaml"
    path.write_bytes(b"bank: x\ntitle: a\x07b\n")
    _, _, message = only_problem(path)
    assert message.startswith("YAML syntax error")


def test_a_folder_or_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    assert only_problem(folder)[2] == "cannot read the file: it is not a regular file"
    assert only_problem(tmp_path / "absent.yaml")[2].startswith("cannot read the file")


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"^(a|ab)*$", r"^(\w*\s?)*$", r"^(a?){25}$", r"(x+x+)+y"])
def test_a_pattern_that_backtracks_exponentially_is_refused(tmp_path, pattern):
    from kata.errors import BankError
    from kata.quiz import load_bank

    bank = tmp_path / "slow.yaml"
    bank.write_text(
        "bank: slow\ntitle: {en: Slow}\nquestions:\n"
        "  - id: slow-1\n    type: short\n    difficulty: 1\n"
        "    prompt: {en: Type a}\n"
        f"    patterns: [{json.dumps(pattern)}]\n"
        "    explanation: {en: It is a.}\n",
        encoding="utf-8",
    )
    with pytest.raises(BankError, match="exponential time") as caught:
        load_bank(bank)
    assert "slow.yaml:8:" in str(caught.value)  # the line of the pattern


def test_patterns_that_cannot_blow_up_are_kept():
    from kata.quiz.patterns import pattern_problem

    for pattern in (r"^(the )?(log[- ]?sum[- ]?exp|lse)( trick| 技巧)?$", r"^[^0-9]*4[^0-9]+10[^0-9]*$",
                    r"^(ab)+$", r"^(?>a+)+$", r"^(a++)+$", r"^soft[- ]?(targets?|labels?)$"):
        assert pattern_problem(pattern) is None, pattern
