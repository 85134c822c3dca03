"""`kata validate` and `kata stats`, through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kata.cli import main
from kata.quiz import Mode, Selection, Session, load_catalog
from kata.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted(
    p
    for p in FIXTURES.glob("*.yaml")
    if p.name not in {"valid.yaml", "across-a.yaml", "across-b.yaml", "missing-translation.yaml"}
)


def test_validate_builtin_and_user_banks_by_default(
    kata_home: Path, capsys, sample_path: Path
) -> None:
    user_banks = kata_home / "banks"
    user_banks.mkdir(parents=True)
    (user_banks / "mine.yaml").write_text(sample_path.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["validate"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.endswith("questions: OK")
    builtin = load_catalog(sorted((Path(__file__).parents[2] / "questions").glob("*.yaml")))
    assert out == f"{len(builtin.banks) + 1} banks, {len(builtin) + 6:,} questions: OK"


def test_validate_a_valid_file(capsys) -> None:
    assert main(["validate", str(FIXTURES / "valid.yaml")]) == 0
    assert capsys.readouterr().out == "1 bank, 2 questions: OK\n"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_validate_reports_every_fixture_as_file_line_col(path: Path, capsys) -> None:
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines and all(
        line.split(":", 3)[1].isdigit() and line.split(":", 3)[2].isdigit() for line in lines
    )
    assert all(line.startswith(str(path)) or path.name in line for line in lines)
    assert captured.err.startswith("kata: ") and "of 1 bank" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_validate_a_folder_checks_ids_across_its_banks(tmp_path: Path, capsys) -> None:
    for name in ("across-a.yaml", "across-b.yaml"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    assert main(["validate", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 1 and "duplicate question id 'q-one'" in captured.out
    assert captured.err == "kata: 1 problem in 1 of 2 banks\n"


def test_validate_bank_option_checks_against_the_builtin_banks(tmp_path: Path, capsys) -> None:
    builtin = load_catalog(sorted((Path(__file__).parents[2] / "questions").glob("*.yaml")))
    taken = next(iter(builtin)).id
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        f"bank: mine\ntitle: Mine\nquestions:\n  - {{id: {taken}, type: true-false, difficulty: 1, "
        "prompt: p, explanation: e, answer: true}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(mine)]) == 0
    capsys.readouterr()
    assert main(["validate", "--bank", str(mine)]) == 1
    assert f"duplicate question id '{taken}'" in capsys.readouterr().out


def test_validate_missing_path_is_a_usage_error(capsys) -> None:
    assert main(["validate", "no/such/bank.yaml"]) == 2
    assert capsys.readouterr().err == "kata: no such bank file or folder: no/such/bank.yaml\n"


def test_validate_a_folder_without_banks_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "no bank files" in capsys.readouterr().err


def test_validate_runs_as_a_program_without_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kata", "validate", *map(str, INVALID)],
        check=False,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) >= len(INVALID)


@pytest.mark.parametrize("command", ["validate", "stats"])
def test_commands_have_help(command: str, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert "Examples:" in capsys.readouterr().out


def _practise(sample_path: Path) -> None:
    catalog = load_catalog([sample_path])
    with Store.open() as store:
        session = Session.start(
            catalog, Selection(tags=("sigmoid",)), seed=1, store=store, mode=Mode.PRACTICE
        )
        while not session.finished:
            presented = session.current
            session.answer(presented.position(1) if presented.question.type == "single" else "0.25")
        store.record_kata_attempt("softmax", status="pass", passed=8, total=8, elapsed_s=272.0)
        store.record_kata_attempt("softmax", status="fail", passed=2, total=8)


def test_stats_text(sample_path: Path, capsys) -> None:
    _practise(sample_path)
    assert main(["stats", "--bank", str(sample_path)]) == 0
    out = capsys.readouterr().out
    sample_row = next(line for line in out.splitlines() if line.startswith("sample "))
    assert sample_row.split()[:6] == ["sample", "2", "1", "0", "1", "50.0%"]
    sigmoid_row = next(line for line in out.splitlines() if line.startswith("sigmoid "))
    assert sigmoid_row.split()[:6] == ["sigmoid", "2", "1", "0", "1", "50.0%"]
    assert "Review: 0 of 2 cards due now" in out
    assert "Katas in review: 0 of 1 due now" in out  # softmax, failed just now: due in days
    assert "softmax" in out and "4:32" in out


def test_stats_json(sample_path: Path, capsys) -> None:
    _practise(sample_path)
    assert main(["stats", "--json", "--bank", str(sample_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["banks"]["sample"] == {
        "answered": 2,
        "right": 1,
        "partial": 0,
        "wrong": 1,
        "accuracy": 0.5,
    }
    assert data["review"]["cards"] == 2 and len(data["review"]["forecast"]) == 14
    assert sum(day["due"] for day in data["review"]["forecast"]) == 2
    assert (data["review"]["kata_cards"], data["review"]["katas_due"]) == (1, [])
    assert (
        data["katas"]["softmax"]["passes"] == 1
        and data["katas"]["softmax"]["best_elapsed_s"] == 272.0
    )


def test_stats_skips_broken_user_banks_with_a_note(kata_home: Path, capsys) -> None:
    (kata_home / "banks").mkdir(parents=True)
    (kata_home / "banks" / "broken.yaml").write_bytes((FIXTURES / "unknown-type.yaml").read_bytes())
    assert main(["stats"]) == 0
    assert "skipped 1 bank file with problems; run `kata validate`" in capsys.readouterr().err


def test_stats_on_a_corrupt_store_is_one_line(kata_home: Path, capsys) -> None:
    kata_home.mkdir(parents=True)
    (kata_home / "progress.sqlite3").write_bytes(b"garbage" * 1000)
    assert main(["stats"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is damaged or is not a kata progress file" in err


def test_stats_titles_follow_the_saved_language(sample_path: Path, capsys) -> None:
    with Store.open() as store:
        store.set_setting("lang", "zh")
    assert main(["stats", "--bank", str(sample_path)]) == 0
    assert "示例题库" in capsys.readouterr().out
    assert main(["stats", "--lang", "en", "--bank", str(sample_path)]) == 0
    assert "Sample bank" in capsys.readouterr().out


def test_stats_put_the_weakest_first_and_leave_out_provenance_tags(tmp_path: Path) -> None:
    from kata.quiz.loader import default_bank_paths
    from kata.quiz.stats import PROVENANCE_TAGS, Accuracy, collect_stats, weakest_first

    rows = [Accuracy("b", answered=4, score_sum=3.0), Accuracy("a"), Accuracy("c", answered=2, score_sum=0.5),
            Accuracy("d", answered=1, score_sum=0.25), Accuracy("e", answered=4, score_sum=4.0)]
    assert [r.key for r in weakest_first(rows)] == ["c", "d", "b", "e", "a"]  # 25% (2 answers), 25% (1), 75%, 100%, none

    catalog = load_catalog(default_bank_paths(tmp_path / "data"))
    seeded = next(q for q in catalog if "seed" in q.tags and q.type == "single")
    with Store(tmp_path / "progress.db") as store:
        session = Session([seeded], mode=Mode.PRACTICE, store=store, seed=1)
        session.answer(session.current.position(seeded.correct_indices[0]))
        stats = collect_stats(store, catalog)
    tags = {row.key: row for row in stats.tags}
    assert not PROVENANCE_TAGS & set(tags)
    assert all(tags[tag].answered == 1 for tag in seeded.tags if tag not in PROVENANCE_TAGS)
    assert stats.banks[0].key == seeded.bank_id  # the one bank answered in, before those not
