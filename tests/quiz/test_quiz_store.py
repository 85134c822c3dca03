"""The progress store: migrations, refusal of foreign or newer files, data, crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kata.store
from kata.errors import StoreError
from kata.store import APPLICATION_ID, MIGRATIONS, Store


def test_fresh_store_then_reopen_is_idempotent(kata_home: Path) -> None:
    with Store.open() as store:
        assert store.path == kata_home / "progress.sqlite3"
        assert store.schema_version == len(MIGRATIONS)
        store.set_setting("lang", "zh")
    with Store.open() as again:
        assert again.schema_version == len(MIGRATIONS)
        assert again.get_setting("lang") == "zh"
        assert again.integrity_check() == "ok"
    db = sqlite3.connect(kata_home / "progress.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()


def test_data_dir_override_wins(tmp_path: Path) -> None:
    with Store.open(tmp_path / "elsewhere") as store:
        assert store.path == tmp_path / "elsewhere" / "progress.sqlite3"


def test_a_file_from_a_newer_kata_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(
        StoreError,
        match=rf"written by a newer kata \(schema version {len(MIGRATIONS) + 1}; this kata knows up to "
        rf"{len(MIGRATIONS)}\): upgrade kata",
    ):
        Store(path)


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="another program"):
        Store(path)


def test_a_corrupt_file_is_a_store_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 200)
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(path) in str(caught.value)
    assert "move it aside" in str(caught.value)


def test_an_unusable_data_folder_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(
        StoreError, match="cannot create the data folder .* KATA_HOME or --data-dir"
    ):
        Store(blocker / "sub" / "progress.sqlite3")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_file_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    Store(path).close()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="cannot write"), Store(path) as store:
            store.set_setting("x", 1)
    finally:
        tmp_path.chmod(0o755)


def _hand_made_v1(path: Path) -> None:
    """A version-1 file written without kata's code, as an old kata would have left it."""
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute(
        "INSERT INTO answers (question_id, bank_id, given, score, verdict, answered_at) "
        "VALUES ('q1', 'b', '1', 1.0, 'right', 1700000000.0)"
    )
    db.execute("PRAGMA user_version = 1")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.commit()
    db.close()


def test_migrations_upgrade_an_old_file_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.sqlite3"
    _hand_made_v1(path)
    v2 = ("ALTER TABLE answers ADD COLUMN hint_used INTEGER NOT NULL DEFAULT 0",)
    v3 = ("CREATE TABLE notes (question_id TEXT PRIMARY KEY, note TEXT)",)
    monkeypatch.setattr(kata.store, "MIGRATIONS", [*MIGRATIONS, v2, v3])
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS) + 2
        assert [a.question_id for a in store.answers()] == ["q1"]
    db = sqlite3.connect(path)
    assert db.execute("SELECT hint_used FROM answers").fetchall() == [(0,)]
    assert db.execute("SELECT count(*) FROM notes").fetchone() == (0,)
    db.close()


def test_a_failing_migration_leaves_the_file_at_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.sqlite3"
    _hand_made_v1(path)
    broken = ("CREATE TABLE fine (x INTEGER)", "ALTER TABLE no_such_table ADD COLUMN y")
    monkeypatch.setattr(kata.store, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(StoreError, match="no such table"):
        Store(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'fine'").fetchone() == (0,)
    db.close()


def test_settings_hold_json_values(store: Store) -> None:
    assert store.get_setting("theme", "dark") == "dark"
    store.set_setting("theme", "textual-light")
    store.set_setting("lang", "zh")
    store.set_setting("recent", {"banks": ["sigmoid-softmax"], "count": 10, "名": "值"})
    store.set_setting("lang", "en")
    assert store.settings() == {
        "theme": "textual-light",
        "lang": "en",
        "recent": {"banks": ["sigmoid-softmax"], "count": 10, "名": "值"},
    }


def test_answers_tallies_and_last_session(store: Store) -> None:
    first = store.start_session("practice", seed=1, spec={"tags": ["x"]}, planned=3)
    store.record_answer(
        question_id="a", bank_id="b", given=0, score=1.0, verdict="right", session_id=first
    )
    second = store.start_session("practice", seed=2)
    store.record_answer(
        question_id="a", bank_id="b", given=1, score=0.0, verdict="wrong", session_id=second
    )
    store.record_answer(
        question_id="c", bank_id="b", given=[0], score=0.5, verdict="partial", session_id=second
    )
    store.record_answer(
        question_id="a", bank_id="b", given=0, score=1.0, verdict="right", session_id=second
    )
    store.start_session("exam")  # started, never answered: not "the last session"
    assert store.last_answered_session() == second
    assert store.missed_in_last_session() == ["c"]
    tallies = {t.question_id: t for t in store.question_tallies()}
    assert (
        tallies["a"].answers,
        tallies["a"].right,
        tallies["a"].wrong,
        tallies["a"].score_sum,
    ) == (3, 2, 1, 2.0)
    assert store.answers(second)[1].given == [0]
    assert store.sessions(limit=3)[2].spec == {"tags": ["x"]}


def test_answer_rows_are_checked(store: Store) -> None:
    with pytest.raises(StoreError):
        store.record_answer(question_id="a", bank_id="b", given=0, score=1.5, verdict="right")
    with pytest.raises(StoreError):
        store.record_answer(question_id="a", bank_id="b", given=0, score=1.0, verdict="great")
    assert store.answers() == []


def test_kata_attempts_history_and_bests(store: Store) -> None:
    store.record_kata_attempt("softmax", status="fail", passed=3, total=8, duration_ms=410, now=1.0)
    store.record_kata_attempt("softmax", status="pass", passed=8, total=8, duration_ms=380,
                              elapsed_s=300.5, seed=42, source_sha256="ab" * 32, now=2.0)  # fmt: skip
    store.record_kata_attempt("softmax", status="pass", passed=8, total=8, elapsed_s=250.0, now=3.0)
    store.record_kata_attempt("softmax", status="error", passed=0, total=8, now=4.0)
    store.record_kata_attempt("sigmoid", status="pass", passed=5, total=5, now=5.0)
    history = store.kata_history("softmax")
    assert [a.status for a in history] == ["error", "pass", "pass", "fail"]
    assert history[2].seed == 42 and history[2].source_sha256 == "ab" * 32
    assert len(store.kata_history()) == 5 and len(store.kata_history(limit=2)) == 2
    bests = store.kata_bests()
    assert (
        bests["softmax"].attempts,
        bests["softmax"].passes,
        bests["softmax"].best_elapsed_s,
    ) == (4, 2, 250.0)
    assert (bests["softmax"].last_status, bests["softmax"].last_at) == ("error", 4.0)
    assert bests["sigmoid"].best_elapsed_s is None
    with pytest.raises(ValueError):
        store.record_kata_attempt("softmax", status="passed", passed=1, total=1)


def test_two_stores_on_one_file_see_each_others_writes(kata_home: Path) -> None:
    with Store.open() as app, Store.open() as cli:
        app.record_kata_attempt("k", status="pass", passed=1, total=1)
        assert len(cli.kata_history()) == 1


WRITER = textwrap.dedent(
    """
    import sys
    from kata.store import Store

    store = Store(sys.argv[1])
    session = store.start_session("practice", seed=1)
    count = 0
    while True:
        store.record_answer(question_id=f"q{count}", bank_id="b", given={"n": count},
                            score=1.0, verdict="right", session_id=session)
        count += 1
        print(count, flush=True)
    """
)


def test_a_killed_writer_loses_no_committed_answer(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    reported = 0
    try:
        assert child.stdout is not None
        for line in child.stdout:
            reported = int(line)
            if reported >= 150:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        # What is left: lines the loop above had already read ahead into the file's
        # buffer (a busy machine lets the writer get several ahead) and what is still in
        # the pipe. ``communicate`` would read the pipe alone and drop the buffer.
        rest = child.stdout.read() if child.stdout is not None else ""
        if child.stdout is not None:
            child.stdout.close()
    for line in rest.splitlines():  # printed after commit, before the kill landed
        reported = int(line)
    assert child.returncode == -signal.SIGKILL
    assert reported >= 150
    with Store(path) as store:
        assert store.integrity_check() == "ok"
        stored = [a.question_id for a in store.answers()]
    # Every reported answer is there; at most one more (committed, not yet reported).
    assert stored[:reported] == [f"q{n}" for n in range(reported)]
    assert len(stored) - reported in (0, 1)


def test_an_empty_progress_file_is_refused_not_taken_for_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"")
    with pytest.raises(StoreError, match="is empty \\(0 bytes\\).*restore it from a backup, or delete it"):
        Store(path)
    assert path.read_bytes() == b""  # untouched


def test_a_file_damaged_in_the_middle_is_refused_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    with Store(path) as store:
        for i in range(400):
            store.record_kata_attempt("softmax", status="fail", passed=i % 8, total=8, seed=i)
        store.set_setting("note", "x" * 20000)
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096
    data[3 * 4096 : 3 * 4096 + 600] = b"\xa5" * 600  # a page in the middle
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged"):
        Store(path)


def test_reading_needs_no_write_access(tmp_path: Path) -> None:
    """`kata stats` only reads: a data folder mounted read-only still shows the progress."""
    import subprocess
    import sys

    from tests.conftest import in_own_mount

    home = tmp_path / "home"
    with Store(home / "progress.sqlite3") as store:
        store.record_kata_attempt("softmax", status="pass", passed=8, total=8, elapsed_s=90)
    stats = f"KATA_HOME={home} {sys.executable} -m kata stats --json"
    proc = in_own_mount(f"mount --bind {home} {home} && mount -o remount,ro,bind {home} {home} && "
                        f"touch {home}/probe 2>/dev/null || echo read-only; {stats}")
    assert "read-only" in proc.stdout, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert '"softmax"' in proc.stdout
    assert not (home / "probe").exists()
    fresh = subprocess.run([sys.executable, "-m", "kata", "stats", "--json", "--data-dir", str(tmp_path / "new")],
                           capture_output=True, text=True, check=False)
    assert fresh.returncode == 0, fresh.stderr  # no progress yet: nothing to show, and no file made
    assert not (tmp_path / "new").exists()


def test_a_graded_report_is_recorded_by_one_function(tmp_path: Path) -> None:
    """The CLI and the app record an attempt the same way; kata's own failure is not one."""
    import hashlib

    from kata.grader.report import CheckResult, Report, ReportError

    graded = Report(kata="softmax", seed=11, checks=[CheckResult("basic", "pass"), CheckResult("overflow", "fail")])
    graded.duration_ms = 40
    broken = Report(kata="softmax", seed=12, error=ReportError("internal", "the grader failed"))
    with Store.open(tmp_path) as store:
        first = store.record_graded(graded, b"def softmax(x): ...", elapsed_s=61.26)
        assert store.record_graded(broken, b"x") is None
        rows = store.kata_history("softmax")
    assert first is not None and len(rows) == 1
    row = rows[0]
    assert (row.status, row.passed, row.total, row.seed, row.elapsed_s) == ("fail", 1, 2, 11, 61.3)
    assert row.source_sha256 == hashlib.sha256(b"def softmax(x): ...").hexdigest()


def test_an_exam_retries_its_missed_then_its_unanswered_questions(store: Store) -> None:
    exam = store.start_session("exam", spec={"questions": ["q1", "q2", "q3", "q4"]}, planned=4)
    store.record_answer(question_id="q2", bank_id="b", given=0, score=0.0, verdict="wrong", session_id=exam)
    store.record_answer(question_id="q1", bank_id="b", given=0, score=1.0, verdict="right", session_id=exam)
    store.finish_session(exam)
    assert store.missed_in_last_session() == ["q2", "q3", "q4"]
    # an exam whose time ran out before any answer: all of it, once it is finished
    empty = store.start_session("exam", spec={"questions": ["q5", "q6"]}, planned=2)
    assert store.missed_in_last_session() == ["q2", "q3", "q4"]  # not finished yet: still the last one
    store.finish_session(empty)
    assert store.missed_in_last_session() == ["q5", "q6"]
    # a practice session leaves its unanswered questions alone
    practice = store.start_session("practice", spec={"questions": ["q7", "q8"]}, planned=2)
    store.record_answer(question_id="q7", bank_id="b", given=0, score=0.0, verdict="wrong", session_id=practice)
    store.finish_session(practice)
    assert store.missed_in_last_session() == ["q7"]
