"""A gradebook entry: one submission's verdict, as one typed class.

An entry is a report (``kata check --json``) with the submission's ``id`` (its path
relative to the folder graded), ``sha256`` (of the bytes graded, for ``--resume``) and
``run`` (how it was graded, ``journal.run_key``). The formats of ``gradebook`` are
encoders of this class; nobody reads an entry as a loose dict.

``Entry.from_json`` is the one gate for entries read from a file (a gradebook, a
journal, a driver's pipe): anything that is not a well-formed entry raises
``EntryProblem`` with a line that says what is wrong. Every text it lets through is made
safe (``text.clean_text``): someone else's gradebook is as untrusted as a submission.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from kata.grader.text import clean_line, clean_text

VERDICTS = ("pass", "fail", "error")


class EntryProblem(ValueError):
    """What is wrong with an entry read from a file."""


@dataclass
class EntryCheck:
    id: str
    status: str
    message: str = ""
    hint: str = ""
    tried: str = ""
    got: str = ""
    expected: str = ""
    mismatch: list[int] | None = None
    max_points: float = 1.0  # what the check is worth (``points.Points``); earned only by a pass

    @property
    def points(self) -> float:
        return self.max_points if self.status == "pass" else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "message": self.message, "hint": self.hint,
                "tried": self.tried, "got": self.got, "expected": self.expected, "mismatch": self.mismatch,
                "points": number(self.points), "max_points": number(self.max_points)}


@dataclass
class EntryError:
    kind: str
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message}


@dataclass
class Entry:
    id: str
    kata: str
    status: str  # pass, fail or error
    checks: list[EntryCheck] = field(default_factory=list)
    error: EntryError | None = None
    seed: int | None = None
    output: str = ""
    duration_ms: int = 0
    sha256: str = ""
    file: str | None = None
    sandbox: list[str] | None = None  # None: the format kept no word of it
    sandbox_missing: list[dict[str, str]] = field(default_factory=list)
    run: dict[str, Any] | None = None
    # The kata's points in all, when the entry has no checks to add up (a file with no
    # kata function); None: the sum of its checks' ``max_points``.
    total: float | None = None

    @classmethod
    def from_report(cls, report: Any, *, id: str, sha256: str = "", file: str | None = None) -> Entry:
        """The entry of a grader ``Report`` (in the language it is in)."""
        return cls.from_json({"id": id, **report.to_dict(), "sha256": sha256,
                              **({"file": file} if file is not None else {})})

    @property
    def error_kind(self) -> str:
        return self.error.kind if self.error is not None else ""

    @property
    def points(self) -> float:
        """The points earned: the ``max_points`` of every check passed."""
        return sum(c.points for c in self.checks)

    @property
    def max_points(self) -> float:
        return self.total if self.total is not None else sum(c.max_points for c in self.checks)

    @property
    def fraction(self) -> float:
        """Points earned over points possible, 0..1; nothing possible: 0."""
        most = self.max_points
        return self.points / most if most > 0 else 0.0

    @property
    def score(self) -> str:
        """``fraction`` as text (``"0.75"``), as the CSV's score column shows it. With
        every check worth 1 (the default) it is the share of checks passed."""
        return f"{self.fraction:.4g}"

    def weigh(self, weights: dict[str, float]) -> None:
        """Give each check its points (a check not in ``weights`` is worth 1); without
        checks, the entry is worth all of ``weights`` (what the kata would have given)."""
        for check in self.checks:
            check.max_points = float(weights.get(check.id, 1.0))
        self.total = None if self.checks else float(sum(weights.values()))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "kata": self.kata, "status": self.status,
            "checks": [c.to_json() for c in self.checks],
            "error": self.error.to_json() if self.error else None,
            "seed": self.seed, "output": self.output, "duration_ms": self.duration_ms, "sha256": self.sha256,
        }  # fmt: skip
        if self.file is not None:
            data["file"] = self.file
        if self.sandbox is not None:
            data["sandbox"] = list(self.sandbox)
            data["sandbox_missing"] = [dict(m) for m in self.sandbox_missing]
        if self.run is not None:
            data["run"] = dict(self.run)
        data["points"], data["max_points"] = number(self.points), number(self.max_points)
        data["score"] = round(self.fraction, 6)
        return data

    @classmethod
    def from_json(cls, data: object) -> Entry:
        """An entry from its JSON object; ``EntryProblem`` if it is not one."""
        if not isinstance(data, dict):
            raise EntryProblem("an entry is not an object")
        sid = data.get("id")
        if not isinstance(sid, str) or not sid:
            raise EntryProblem("an entry has no id")
        where = f"entry {clean_line(sid, 80)!r}"
        if data.get("status") not in VERDICTS:
            raise EntryProblem(f"{where} has no status (pass, fail or error)")
        return cls(
            id=clean_line(sid, None),
            kata=_text(data, "kata", where),
            status=data["status"],
            checks=_checks(data.get("checks", []), where),
            error=_error(data.get("error"), where),
            seed=_typed(data, "seed", (int, type(None)), where, None),
            output=_text(data, "output", where),
            duration_ms=_typed(data, "duration_ms", (int, float), where, 0),
            sha256=_text(data, "sha256", where, line=True),
            file=clean_line(data["file"], None) if isinstance(data.get("file"), str) else None,
            sandbox=_names(data.get("sandbox"), where) if "sandbox" in data else None,
            sandbox_missing=_missing(data.get("sandbox_missing"), where),
            run=_typed(data, "run", (dict, type(None)), where, None),
            total=_points(data.get("max_points"), where, "max_points") if not data.get("checks") else None,
        )


def number(value: float) -> float | int:
    """Points as JSON shows them: 2, not 2.0; 0.5 stays 0.5."""
    return int(value) if float(value).is_integer() else value


#: Most points one check can be worth: every sum of points (a kata's, a class's) stays a
#: finite float, so every gradebook and platform's results stay valid JSON and CSV.
MAX_POINTS = 1_000_000


def _points(value: object, where: str, key: str) -> float | None:
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or not 0 <= value <= MAX_POINTS):
        raise EntryProblem(f"{where}: {key} must be a number >= 0 and <= {MAX_POINTS:,}")
    return float(value)


def _typed(data: dict, key: str, kinds: tuple[type, ...], where: str, default: Any) -> Any:
    value = data.get(key, default)
    if not isinstance(value, kinds) or isinstance(value, bool):
        raise EntryProblem(f"{where}: {key} has the wrong type")
    return value


def _text(data: dict, key: str, where: str, *, line: bool = False) -> str:
    value = _typed(data, key, (str,), where, "")
    return clean_line(value, None) if line else clean_text(value, None)


def _checks(value: object, where: str) -> list[EntryCheck]:
    if not isinstance(value, list) or not all(
        isinstance(c, dict) and isinstance(c.get("id"), str) and isinstance(c.get("status"), str) for c in value
    ):
        raise EntryProblem(f"{where}: checks must be a list of {{id, status}}")
    checks = []
    for c in value:
        mismatch = c.get("mismatch")
        if not (mismatch is None or isinstance(mismatch, list) and all(
                isinstance(i, int) and not isinstance(i, bool) for i in mismatch)):
            raise EntryProblem(f"{where}: check {clean_line(c['id'], 40)!r} has a mismatch that is not a list of indices")
        words = {k: clean_text(c[k], None) if isinstance(c.get(k), str) else ""
                 for k in ("message", "hint", "tried", "got", "expected")}
        weight = _points(c.get("max_points"), f"{where}: check {clean_line(c['id'], 40)!r}", "max_points")
        weight = 1.0 if weight is None else weight
        checks.append(EntryCheck(id=clean_line(c["id"], None), status=clean_line(c["status"], None),
                                 mismatch=mismatch, max_points=weight, **words))
    return checks


def _error(value: object, where: str) -> EntryError | None:
    if value is None:
        return None
    if not (isinstance(value, dict) and isinstance(value.get("kind"), str)):
        raise EntryProblem(f"{where}: error must be null or {{kind, message}}")
    message = value.get("message")
    return EntryError(clean_line(value["kind"], None), clean_text(message, None) if isinstance(message, str) else "")


def _names(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        raise EntryProblem(f"{where}: sandbox must be a list of protection names")
    return [clean_line(n, None) for n in value]


def _missing(value: object, where: str) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise EntryProblem(f"{where}: sandbox_missing must be a list of {{protection, reason}}")
    return [{"protection": clean_line(str(m.get("protection", "")), None),
             "reason": clean_text(str(m.get("reason", "")), None)} for m in value]
