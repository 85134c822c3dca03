"""The progress store: one SQLite file, ``<data dir>/progress.sqlite3``.

Everything a learner does is committed as it happens (WAL journal, ``synchronous=FULL``),
so a ``kill -9`` loses nothing already answered. The schema is versioned with
``PRAGMA user_version`` and upgraded by the ordered :data:`MIGRATIONS`; a file written
by a newer kata is refused rather than damaged. Timestamps are Unix seconds (UTC).

Review state (spaced-repetition cards) is kept here, apart from the banks, keyed by
question id, and for katas in their own table keyed by kata id (schema version 2); this
module stores cards as opaque JSON and leaves their meaning to :mod:`kata.quiz.scheduling`
and :mod:`kata.quiz.katas`. A file still at version 1 opened read-only (``kata stats`` on
a store no newer kata has written yet) reads as if it had no kata cards and no hints. Every ``sqlite3`` error becomes a :class:`StoreError` whose
message names the file and what to do.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from kata.errors import StoreError
from kata.paths import data_dir

FILE_NAME = "progress.sqlite3"
#: Written to ``PRAGMA application_id`` so that kata recognises its own files ("kata").
APPLICATION_ID = 0x6B617461

#: Schema migrations in order; migration ``i`` (0-based) brings the file to version i + 1.
MIGRATIONS: list[tuple[str, ...]] = [
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            mode TEXT NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL,
            seed INTEGER,
            spec TEXT NOT NULL DEFAULT '{}',
            planned INTEGER
        )""",
        """CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            question_id TEXT NOT NULL,
            bank_id TEXT NOT NULL,
            given TEXT NOT NULL,
            score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
            verdict TEXT NOT NULL CHECK (verdict IN ('right', 'partial', 'wrong')),
            answered_at REAL NOT NULL,
            duration_ms INTEGER
        )""",
        "CREATE INDEX answers_by_session ON answers(session_id)",
        "CREATE INDEX answers_by_question ON answers(question_id)",
        """CREATE TABLE review_cards (
            question_id TEXT PRIMARY KEY,
            card TEXT NOT NULL,
            due REAL NOT NULL
        )""",
        "CREATE INDEX review_cards_by_due ON review_cards(due)",
        """CREATE TABLE review_logs (
            id INTEGER PRIMARY KEY,
            question_id TEXT NOT NULL,
            answer_id INTEGER REFERENCES answers(id) ON DELETE SET NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at REAL NOT NULL,
            duration_ms INTEGER,
            card_before TEXT,
            due_before REAL,
            card_after TEXT NOT NULL
        )""",
        "CREATE INDEX review_logs_by_question ON review_logs(question_id)",
        """CREATE TABLE kata_attempts (
            id INTEGER PRIMARY KEY,
            kata_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error')),
            passed INTEGER NOT NULL,
            total INTEGER NOT NULL,
            duration_ms INTEGER,
            elapsed_s REAL,
            seed INTEGER,
            source_sha256 TEXT,
            attempted_at REAL NOT NULL
        )""",
        "CREATE INDEX kata_attempts_by_kata ON kata_attempts(kata_id)",
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
    ),
    (  # 2: katas in review. Older attempts keep NULL hints and rating (not known then).
        "ALTER TABLE kata_attempts ADD COLUMN hints INTEGER",
        "ALTER TABLE kata_attempts ADD COLUMN rating INTEGER CHECK (rating BETWEEN 1 AND 4)",
        """CREATE TABLE kata_cards (
            kata_id TEXT PRIMARY KEY,
            card TEXT NOT NULL,
            due REAL NOT NULL
        )""",
        "CREATE INDEX kata_cards_by_due ON kata_cards(due)",
    ),
]

#: The first schema version with kata cards (and hints and ratings on kata attempts).
KATA_CARDS_VERSION = 2


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    mode: str
    started_at: float
    finished_at: float | None
    seed: int | None
    spec: dict[str, Any]
    planned: int | None


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    id: int
    session_id: int | None
    question_id: str
    bank_id: str
    given: Any
    score: float
    verdict: str
    answered_at: float
    duration_ms: int | None


@dataclass(frozen=True, slots=True)
class ReviewUpdate:
    """A card's new state after one rating, as computed by the scheduler."""

    question_id: str
    card: str  # JSON
    due: float
    rating: int  # 1 again, 2 hard, 3 good, 4 easy
    reviewed_at: float
    duration_ms: int | None = None


@dataclass(frozen=True, slots=True)
class KataCardUpdate:
    """A kata's card after one graded submission, as computed by the scheduler."""

    kata_id: str
    card: str  # JSON
    due: float
    rating: int  # 1 again, 2 hard, 3 good, 4 easy
    reviewed_at: float


@dataclass(frozen=True, slots=True)
class UndoneReview:
    """What :meth:`Store.undo_last_review` took back."""

    question_id: str
    rating: int
    answer_id: int | None
    card: str | None  # the restored card (JSON), None if the card was new


@dataclass(frozen=True, slots=True)
class QuestionTally:
    question_id: str
    bank_id: str
    answers: int
    score_sum: float
    right: int
    partial: int
    wrong: int


@dataclass(frozen=True, slots=True)
class KataAttempt:
    id: int
    kata_id: str
    status: str  # pass | fail | error
    passed: int
    total: int
    duration_ms: int | None
    elapsed_s: float | None  # time spent in timed practice, None when untimed
    seed: int | None
    source_sha256: str | None
    attempted_at: float
    hints: int | None = None  # hints shown before this submission; None: not known
    rating: int | None = None  # the review rating it gave its kata's card; None: none given


@dataclass(frozen=True, slots=True)
class KataBest:
    kata_id: str
    attempts: int
    passes: int
    best_elapsed_s: float | None  # fastest passing timed practice
    last_status: str
    last_at: float


class Store:
    """The progress database. Safe to share between threads; one write at a time."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        """Open (or create) the store at ``path``. ``read_only``: for commands that only
        read (``kata stats``): nothing is created, and a read-only folder is fine."""
        self.path = Path(path)
        self._lock = threading.RLock()
        self.read_only = read_only
        self._check_file()
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StoreError(
                    f"cannot create the data folder {self.path.parent}: {err.strerror or err}; "
                    "point KATA_HOME or --data-dir at a writable folder"
                ) from None
        with self._guard():
            self._db = self._connect()
        try:
            with self._guard():
                self._db.execute("PRAGMA foreign_keys = ON")
                self._db.execute("PRAGMA busy_timeout = 10000")
                self._check_identity()
                self._check_health()
                if not read_only:
                    self._db.execute("PRAGMA journal_mode = WAL")
                    self._db.execute("PRAGMA synchronous = FULL")
                    self._migrate()
                self._version = self._db.execute("PRAGMA user_version").fetchone()[0]
        except BaseException:
            self._db.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        if not self.read_only:
            return sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        uri = self.path.resolve().as_uri()
        try:
            db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            # A folder nobody may write to: the WAL's shared memory cannot be made, so
            # read the file as it is (no other kata can be writing it there either).
            return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None, check_same_thread=False)

    def _check_file(self) -> None:
        """Refuse what cannot be kata's progress before SQLite touches it."""
        try:
            info = self.path.stat()
        except (FileNotFoundError, NotADirectoryError):
            if self.read_only:
                raise StoreError(f"{self.path} does not exist yet: there is no progress to show") from None
            return  # a new store; a folder that cannot be made is said below
        except OSError as err:
            raise StoreError(f"cannot read {self.path}: {err.strerror or err}") from None
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not kata's progress file: move it aside")
        if info.st_size == 0:
            raise StoreError(
                f"{self.path} is empty (0 bytes), so the progress it held is gone: restore it from a "
                "backup, or delete it to start afresh"
            )

    def _check_health(self) -> None:
        """A file damaged in the middle is refused at once, not found out by a later read."""
        if self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            return
        verdict = self._db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed ({verdict})")

    @classmethod
    def empty(cls) -> Store:
        """A store in memory, with nothing in it: what there is to show before any progress."""
        return cls(":memory:")

    @classmethod
    def open(cls, data_directory: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> Store:
        """The store of the data directory (``--data-dir``, ``$KATA_HOME`` or the platform's)."""
        return cls(data_dir(data_directory) / FILE_NAME, read_only=read_only)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing --------------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as err:
            raise StoreError(self._explain(err)) from None

    def _explain(self, err: sqlite3.Error) -> str:
        text = str(err)
        lowered = text.lower()
        where = str(self.path)
        if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
            return (
                f"{where} is damaged or is not a kata progress file ({text}): move it aside "
                "and kata will start a new one, or restore a backup"
            )
        if "locked" in lowered or "busy" in lowered:
            return f"{where} is busy: another kata is using it; close it and try again"
        if (
            "readonly" in lowered
            or "unable to open" in lowered
            or "disk" in lowered
            or "full" in lowered
        ):
            return (
                f"cannot write {where} ({text}): check the folder's permissions and free "
                "space, or point KATA_HOME or --data-dir elsewhere"
            )
        return f"{where}: {text}"

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (durably) when the block ends."""
        with self._lock, self._guard():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock, self._guard():
            cursor = self._db.execute(sql, params)
            return cursor.fetchall()

    def _check_identity(self) -> None:
        app = self._db.execute("PRAGMA application_id").fetchone()[0]
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if app not in (0, APPLICATION_ID) or (
            app == 0
            and version == 0
            and self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        ):
            raise StoreError(
                f"{self.path} is an SQLite file of another program, not kata's progress: "
                "move it aside or choose another --data-dir"
            )
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} was written by a newer kata (schema version {version}; this kata "
                f"knows up to {len(MIGRATIONS)}): upgrade kata, or use another --data-dir"
            )

    @property
    def schema_version(self) -> int:
        return self._read("PRAGMA user_version")[0][0]

    def _migrate(self) -> None:
        if self._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS):
            return
        with self._write() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]  # inside the lock
            for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in statements:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def integrity_check(self) -> str:
        """``"ok"``, or SQLite's description of the damage."""
        return self._read("PRAGMA integrity_check")[0][0]

    # -- sessions --------------------------------------------------------------------

    def start_session(
        self,
        mode: str,
        *,
        seed: int | None = None,
        spec: dict[str, Any] | None = None,
        planned: int | None = None,
        now: float | None = None,
    ) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO sessions (mode, started_at, seed, spec, planned) VALUES (?, ?, ?, ?, ?)",
                (mode, _now(now), seed, json.dumps(spec or {}), planned),
            )
            return int(cursor.lastrowid)  # type: ignore[arg-type]

    def finish_session(self, session_id: int, *, now: float | None = None) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                (_now(now), session_id),
            )

    def session(self, session_id: int) -> SessionRecord | None:
        """One session, by id (None if there is no such session)."""
        rows = self._read("SELECT id, mode, started_at, finished_at, seed, spec, planned FROM sessions WHERE id = ?",
                          (session_id,))
        return self._session_record(rows[0]) if rows else None

    @staticmethod
    def _session_record(row) -> SessionRecord:
        return SessionRecord(id=row[0], mode=row[1], started_at=row[2], finished_at=row[3], seed=row[4],
                             spec=json.loads(row[5]), planned=row[6])

    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        """Sessions, newest first."""
        rows = self._read(
            "SELECT id, mode, started_at, finished_at, seed, spec, planned FROM sessions "
            "ORDER BY id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [self._session_record(row) for row in rows]

    def last_answered_session(self) -> int | None:
        """The id of the most recent session with at least one answer."""
        rows = self._read(
            "SELECT session_id FROM answers WHERE session_id IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
        return rows[0][0] if rows else None

    def missed_in_last_session(self) -> list[str]:
        """Question ids whose last answer in the latest answered session (or finished
        exam) was not right, in the order they were first asked; for an exam, then the
        questions it planned and left unanswered (time ran out, or it was ended early),
        in the exam's order."""
        rows = self._read(
            "SELECT id FROM sessions WHERE id IN (SELECT session_id FROM answers WHERE session_id IS NOT NULL)"
            " OR (mode = 'exam' AND finished_at IS NOT NULL) ORDER BY id DESC LIMIT 1"
        )
        session_id = rows[0][0] if rows else None
        if session_id is None:
            return []
        final: dict[str, str] = {}
        for answer in self.answers(session_id):
            final[answer.question_id] = answer.verdict
        missed = [qid for qid, verdict in final.items() if verdict != "right"]
        session = self.session(session_id)
        if session is not None and session.mode == "exam":
            planned = session.spec.get("questions") if isinstance(session.spec, dict) else None
            if isinstance(planned, list):
                missed += [q for q in dict.fromkeys(planned) if isinstance(q, str) and q not in final]
        return missed

    # -- answers ---------------------------------------------------------------------

    def record_answer(
        self,
        *,
        question_id: str,
        bank_id: str,
        given: Any,
        score: float,
        verdict: str,
        session_id: int | None = None,
        duration_ms: int | None = None,
        review: ReviewUpdate | None = None,
        now: float | None = None,
    ) -> int:
        """Record one answer, and the card's new review state with it (one transaction)."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO answers (session_id, question_id, bank_id, given, score, verdict, "
                "answered_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, question_id, bank_id, json.dumps(given, ensure_ascii=False),
                 score, verdict, _now(now), duration_ms),
            )  # fmt: skip
            answer_id = int(cursor.lastrowid)  # type: ignore[arg-type]
            if review is not None:
                self._apply_review(db, review, answer_id)
            return answer_id

    def answers(self, session_id: int | None = None) -> list[AnswerRecord]:
        """Answers in the order given, of one session or of all."""
        columns = (
            "id, session_id, question_id, bank_id, given, score, verdict, answered_at, duration_ms"
        )
        if session_id is None:
            rows = self._read(f"SELECT {columns} FROM answers ORDER BY id")
        else:
            rows = self._read(
                f"SELECT {columns} FROM answers WHERE session_id = ? ORDER BY id", (session_id,)
            )
        return [AnswerRecord(r[0], r[1], r[2], r[3], json.loads(r[4]), *r[5:]) for r in rows]

    def question_tallies(self) -> list[QuestionTally]:
        """Per question: answers given, sum of scores and count of each verdict."""
        rows = self._read(
            "SELECT question_id, bank_id, count(*), sum(score), sum(verdict = 'right'), "
            "sum(verdict = 'partial'), sum(verdict = 'wrong') FROM answers "
            "GROUP BY question_id, bank_id ORDER BY question_id"
        )
        return [QuestionTally(*row) for row in rows]

    # -- review cards ----------------------------------------------------------------

    def card(self, question_id: str) -> str | None:
        """The question's review card (JSON), or None if it was never rated."""
        rows = self._read("SELECT card FROM review_cards WHERE question_id = ?", (question_id,))
        return rows[0][0] if rows else None

    def review(self, update: ReviewUpdate) -> None:
        """Store one rating that has no answer row (for instance a review-only rating)."""
        with self._write() as db:
            self._apply_review(db, update, None)

    @staticmethod
    def _apply_review(db: sqlite3.Connection, update: ReviewUpdate, answer_id: int | None) -> None:
        before = db.execute(
            "SELECT card, due FROM review_cards WHERE question_id = ?", (update.question_id,)
        ).fetchone()
        db.execute(
            "INSERT INTO review_cards (question_id, card, due) VALUES (?, ?, ?) "
            "ON CONFLICT (question_id) DO UPDATE SET card = excluded.card, due = excluded.due",
            (update.question_id, update.card, update.due),
        )
        db.execute(
            "INSERT INTO review_logs (question_id, answer_id, rating, reviewed_at, duration_ms, "
            "card_before, due_before, card_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (update.question_id, answer_id, update.rating, update.reviewed_at, update.duration_ms,
             before[0] if before else None, before[1] if before else None, update.card),
        )  # fmt: skip

    def last_review(self) -> tuple[str, int | None] | None:
        """(question id, answer id) of the latest rating, or None if there is none."""
        rows = self._read("SELECT question_id, answer_id FROM review_logs ORDER BY id DESC LIMIT 1")
        return (rows[0][0], rows[0][1]) if rows else None

    def undo_last_review(self) -> UndoneReview | None:
        """Take back the latest rating: restore the card as it was before, delete the log
        and the answer it came with. None if there is nothing to undo."""
        with self._write() as db:
            row = db.execute(
                "SELECT id, question_id, answer_id, rating, card_before, due_before "
                "FROM review_logs ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            log_id, question_id, answer_id, rating, card_before, due_before = row
            if card_before is None:
                db.execute("DELETE FROM review_cards WHERE question_id = ?", (question_id,))
            else:
                db.execute(
                    "UPDATE review_cards SET card = ?, due = ? WHERE question_id = ?",
                    (card_before, due_before, question_id),
                )
            db.execute("DELETE FROM review_logs WHERE id = ?", (log_id,))
            if answer_id is not None:
                db.execute("DELETE FROM answers WHERE id = ?", (answer_id,))
            return UndoneReview(question_id, rating, answer_id, card_before)

    def card_dues(self) -> list[tuple[str, float]]:
        """(question id, due time) of every card, soonest first."""
        rows = self._read("SELECT question_id, due FROM review_cards ORDER BY due, question_id")
        return [(row[0], row[1]) for row in rows]

    def review_logs(self, question_id: str | None = None) -> list[tuple[str, int, float]]:
        """(question id, rating, reviewed at) of past ratings, oldest first."""
        if question_id is None:
            rows = self._read(
                "SELECT question_id, rating, reviewed_at FROM review_logs ORDER BY id"
            )
        else:
            rows = self._read(
                "SELECT question_id, rating, reviewed_at FROM review_logs WHERE question_id = ? "
                "ORDER BY id",
                (question_id,),
            )
        return [(r[0], r[1], r[2]) for r in rows]

    # -- katas -----------------------------------------------------------------------

    def record_kata_attempt(
        self,
        kata_id: str,
        *,
        status: str,
        passed: int,
        total: int,
        duration_ms: int | None = None,
        elapsed_s: float | None = None,
        seed: int | None = None,
        source_sha256: str | None = None,
        hints: int | None = None,
        review: KataCardUpdate | None = None,
        now: float | None = None,
    ) -> int:
        """Record one graded kata submission (``status`` is pass, fail or error), and the
        kata's new review card with it (one transaction)."""
        if status not in ("pass", "fail", "error"):
            raise ValueError(f"status must be pass, fail or error, not {status!r}")
        if review is not None and review.kata_id != kata_id:
            raise ValueError(f"the review card is {review.kata_id!r}'s, not {kata_id!r}'s")
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO kata_attempts (kata_id, status, passed, total, duration_ms, "
                "elapsed_s, seed, source_sha256, attempted_at, hints, rating) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kata_id, status, passed, total, duration_ms, elapsed_s, seed, source_sha256,
                 _now(now), hints, None if review is None else review.rating),
            )  # fmt: skip
            if review is not None:
                db.execute(
                    "INSERT INTO kata_cards (kata_id, card, due) VALUES (?, ?, ?) "
                    "ON CONFLICT (kata_id) DO UPDATE SET card = excluded.card, due = excluded.due",
                    (kata_id, review.card, review.due),
                )
            return int(cursor.lastrowid)  # type: ignore[arg-type]

    def record_graded(
        self,
        report: Any,
        source: bytes,
        *,
        elapsed_s: float | None = None,
        hints: int | None = None,
        review: KataCardUpdate | None = None,
    ) -> int | None:
        """Record a graded submission: one function for every face (``kata check``, the
        app). ``report`` is the grader's report (its kata, status, checks, seed and
        duration); ``source`` the bytes graded; ``review`` the kata's card after it
        (:meth:`kata.quiz.katas.KataReviewer.plan`). A report of kata's own failure
        (``internal``) is not the candidate's attempt and is not recorded (None)."""
        import hashlib

        error = getattr(report, "error", None)
        if error is not None and getattr(error, "kind", None) == "internal":
            return None
        return self.record_kata_attempt(
            report.kata,
            status=report.status,
            passed=report.passed,
            total=len(report.checks),
            duration_ms=report.duration_ms,
            elapsed_s=None if elapsed_s is None else round(elapsed_s, 1),
            seed=report.seed,
            source_sha256=hashlib.sha256(source).hexdigest(),
            hints=hints,
            review=review,
            now=None if review is None else review.reviewed_at,
        )

    def kata_history(
        self, kata_id: str | None = None, limit: int | None = None
    ) -> list[KataAttempt]:
        """Attempts, newest first, of one kata or of all."""
        columns = self._attempt_columns
        where, params = ("WHERE kata_id = ?", (kata_id,)) if kata_id is not None else ("", ())
        rows = self._read(
            f"SELECT {columns} FROM kata_attempts {where} ORDER BY id DESC LIMIT ?",
            (*params, -1 if limit is None else limit),
        )
        return [KataAttempt(*row) for row in rows]

    def kata_bests(self) -> dict[str, KataBest]:
        """Per kata: attempts, passes, fastest passing timed practice, latest result."""
        rows = self._read(
            "SELECT a.kata_id, count(*), sum(a.status = 'pass'), "
            "min(CASE WHEN a.status = 'pass' THEN a.elapsed_s END), "
            "(SELECT status FROM kata_attempts b WHERE b.kata_id = a.kata_id ORDER BY id DESC LIMIT 1), "
            "max(a.attempted_at) FROM kata_attempts a GROUP BY a.kata_id ORDER BY a.kata_id"
        )
        return {row[0]: KataBest(*row) for row in rows}

    @property
    def _attempt_columns(self) -> str:
        later = "hints, rating" if self._version >= KATA_CARDS_VERSION else "NULL, NULL"
        return (
            "id, kata_id, status, passed, total, duration_ms, elapsed_s, seed, source_sha256, "
            f"attempted_at, {later}"
        )

    def kata_card(self, kata_id: str) -> str | None:
        """The kata's review card (JSON), or None if none was stored."""
        if self._version < KATA_CARDS_VERSION:
            return None
        rows = self._read("SELECT card FROM kata_cards WHERE kata_id = ?", (kata_id,))
        return rows[0][0] if rows else None

    def kata_card_dues(self) -> list[tuple[str, float]]:
        """(kata id, due time) of every stored kata card, soonest first."""
        if self._version < KATA_CARDS_VERSION:
            return []
        rows = self._read("SELECT kata_id, due FROM kata_cards ORDER BY due, kata_id")
        return [(row[0], row[1]) for row in rows]

    def attempts_without_card(self) -> list[KataAttempt]:
        """Attempts, oldest first, at katas that have no stored card (attempts recorded
        before kata cards existed): what their cards are worked out from."""
        where = ""
        if self._version >= KATA_CARDS_VERSION:
            where = "WHERE kata_id NOT IN (SELECT kata_id FROM kata_cards)"
        rows = self._read(f"SELECT {self._attempt_columns} FROM kata_attempts {where} ORDER BY id")
        return [KataAttempt(*row) for row in rows]

    # -- settings --------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A setting's value (any JSON value), or ``default``."""
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-compatible value under ``key`` (language, theme, ...)."""
        text = json.dumps(value, ensure_ascii=False)
        with self._write() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, text),
            )

    def settings(self) -> dict[str, Any]:
        return {row[0]: json.loads(row[1]) for row in self._read("SELECT key, value FROM settings")}


def _now(now: float | None) -> float:
    return time.time() if now is None else now
