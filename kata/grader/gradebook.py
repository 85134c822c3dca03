"""Gradebooks: one ``Entry`` per submission, written and read back as JSON, CSV or JUnit XML.

Each format is an encoder of ``entry.Entry`` (``Json``, ``Csv``, ``Junit``): JSON keeps
everything; CSV keeps the verdicts (one column per check); JUnit keeps verdicts and
messages for CI systems. Reading any of them gives entries checked by
``Entry.from_json``, the one gate for entries from a file. Standard library only.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kata.errors import UsageError
from kata.grader.entry import Entry, EntryProblem, number
from kata.grader.sandbox import REQUIRED
from kata.grader.text import clean_line

__all__ = ["ALL_FORMATS", "CODECS", "FORMATS", "Entry", "format_for", "read", "read_file", "sniff", "sort_entries", "write"]

_FIXED = ("id", "kata", "status", "score", "points", "max_points", "error", "duration_ms", "seed", "sha256", "sandbox",
          "run", "weights")
# Characters XML 1.0 cannot carry at all, escaped or not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def format_for(path: str | None, chosen: str | None) -> str:
    if chosen:
        return chosen
    suffix = Path(path).suffix.lower() if path else ""
    return {".csv": "csv", ".xml": "junit", ".json": "json"}.get(suffix, "json")


def sniff(text: str) -> str:
    head = text.lstrip()[:1]
    if head in ("[", "{"):
        return "json"
    if head == "<":
        return "junit"
    try:
        json.loads(text)  # null, a number, a string: JSON, though not a gradebook
    except ValueError:
        return "csv"
    return "json"


def sort_entries(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.id)


# ---------------------------------------------------------------- writing


def write(entries: Iterable[Entry], fmt: str, lang: str = "en") -> str:
    """The gradebook's text. A platform's format (``reports.PLATFORMS``) maps each
    submission id to that platform's results for it."""
    from kata.grader import reports

    if fmt in reports.PLATFORMS:
        return reports.write_class(fmt, sort_entries(entries), lang)
    codec = CODECS.get(fmt)
    if codec is None:
        raise UsageError(f"unknown format `{fmt}` (use one of {', '.join(ALL_FORMATS)})")
    return codec.write(sort_entries(entries))


# ---------------------------------------------------------------- JSON


class Json:
    """Everything an entry holds, as a list of objects."""

    @staticmethod
    def write(entries: list[Entry]) -> str:
        return json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2, allow_nan=False) + "\n"

    @staticmethod
    def read(text: str) -> list[Entry]:
        data = json.loads(text)
        if not isinstance(data, list):
            raise ValueError("expected a list of entries")
        return [Entry.from_json(item) for item in data]


# ---------------------------------------------------------------- CSV

# A cell a spreadsheet would evaluate as a formula (OWASP's CSV injection): its text is
# kept, behind an apostrophe, which spreadsheets show as text. Read back, it is removed.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_text(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _run_cell(run: dict[str, Any] | None) -> str:
    """How an entry was graded (``journal.run_key``), as one cell: ``key=value`` words."""
    if not run:
        return ""
    return " ".join(f"{k}={json.dumps(v, allow_nan=False)}" for k, v in run.items())


def _run_of(cell: str | None) -> dict[str, Any] | None:
    if not cell:
        return None
    run: dict[str, Any] = {}
    for word in cell.split(" "):
        key, _, value = word.partition("=")
        try:
            run[key] = json.loads(value)
        except ValueError:
            return None
    return run


def _weights_cell(entry: Entry) -> str:
    """The checks not worth 1, as ``id=points`` words (CSV and JUnit keep no per-check field)."""
    return " ".join(f"{c.id}={number(c.max_points)}" for c in entry.checks if c.max_points != 1)


def _weights_of(cell: str | None) -> dict[str, float]:
    weights: dict[str, float] = {}
    for word in (cell or "").split():
        key, sep, value = word.rpartition("=")
        if not sep:
            raise ValueError(f"weights cell {clean_line(word, 40)!r} is not CHECK=POINTS")
        weights[key] = float(value)  # checked by Entry.from_json
    return weights


def _weighed(checks: list[dict[str, Any]], weights: dict[str, float], max_points: str | None) -> dict[str, Any]:
    for check in checks:
        if check["id"] in weights:
            check["max_points"] = weights[check["id"]]
    if checks or not max_points:
        return {}
    return {"max_points": float(max_points)}


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


def _sandbox_of(in_force: str | None, missing: str | None) -> dict[str, Any]:
    """Read back what CSV and JUnit keep of the sandbox: the names (reasons are JSON-only).
    CSV keeps only what was in force; for a submission that ran, the rest was missing."""
    if in_force is None:
        return {}
    names = in_force.split()
    if missing is None:
        missing = " ".join(p for p in REQUIRED if p not in names) if names else ""
    reason = "not in force (the gradebook keeps no reason)"
    return {"sandbox": names, "sandbox_missing": [{"protection": n, "reason": reason} for n in missing.split()]}


class Csv:
    """One row per entry, one column per check (verdicts only: messages are JSON's and JUnit's)."""

    @staticmethod
    def write(entries: list[Entry]) -> str:
        columns: dict[str, None] = {}
        for entry in entries:
            for check in entry.checks:
                columns.setdefault(check.id, None)
        checks = [c for c in columns if c not in _FIXED]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        header = ["id", "kata", "status", "score", "points", "max_points", *checks, "error", "duration_ms", "seed",
                  "sha256", "sandbox", "run", "weights"]
        writer.writerow([csv_cell(cell) for cell in header])
        for e in entries:
            by_id = {c.id: c.status for c in e.checks}
            writer.writerow([csv_cell(cell) for cell in (
                e.id, e.kata, e.status, e.score, number(e.points), number(e.max_points),
                *(by_id.get(c, "") for c in checks), e.error_kind, e.duration_ms, "" if e.seed is None else e.seed,
                e.sha256, " ".join(e.sandbox or ()), _run_cell(e.run), _weights_cell(e),
            )])  # fmt: skip
        return out.getvalue()

    @staticmethod
    def read(text: str) -> list[Entry]:
        reader = csv.DictReader(io.StringIO(text))
        if "id" not in [_csv_text(name) for name in reader.fieldnames or ()]:
            raise ValueError("no id column")
        entries = []
        for raw in reader:
            row = {_csv_text(k): _csv_text(v) for k, v in raw.items() if k is not None and isinstance(v, str)}
            error = row.get("error") or ""
            run = _run_of(row.get("run"))
            checks = [{"id": k, "status": v} for k, v in row.items() if k not in _FIXED and v]
            entries.append(Entry.from_json({
                "id": row["id"], "kata": row.get("kata", ""), "status": row.get("status", ""),
                "checks": checks, **_weighed(checks, _weights_of(row.get("weights")), row.get("max_points")),
                "error": {"kind": error, "message": ""} if error else None,
                "seed": _int(row.get("seed")), "duration_ms": _int(row.get("duration_ms")) or 0,
                "sha256": row.get("sha256", ""), **_sandbox_of(row.get("sandbox"), None),
                **({"run": run} if run is not None else {}),
            }))  # fmt: skip
        return entries


# ---------------------------------------------------------------- JUnit XML


def xml_text(value: object, limit: int = 20000) -> str:
    """Text XML can carry: no control characters, no lone surrogates, bounded."""
    text = _NOT_XML.sub("\ufffd", str(value))
    return text if len(text) <= limit else text[:limit] + " [...]"


_FAILURE = {"fail": "failure", "error": "error", "timeout": "error", "memory": "error"}


class Junit:
    """A testsuite per entry, a testcase per check; a setup testcase for an entry's error."""

    @staticmethod
    def write(entries: list[Entry]) -> str:
        root = ET.Element("testsuites", name="kata grade")
        totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for e in entries:
            suite = ET.SubElement(root, "testsuite", name=xml_text(e.id))
            props = ET.SubElement(suite, "properties")
            for key, value in (("kata", e.kata), ("status", e.status), ("seed", e.seed), ("sha256", e.sha256),
                               ("file", e.file)):  # fmt: skip
                if value is not None:
                    ET.SubElement(props, "property", name=key, value=xml_text(value))
            if e.run is not None:
                ET.SubElement(props, "property", name="run", value=xml_text(_run_cell(e.run)))
            for key, value in (("points", number(e.points)), ("max_points", number(e.max_points)),
                               ("weights", _weights_cell(e))):
                ET.SubElement(props, "property", name=key, value=xml_text(value))
            if e.sandbox is not None:
                missing = " ".join(m["protection"] for m in e.sandbox_missing)
                ET.SubElement(props, "property", name="sandbox", value=xml_text(" ".join(e.sandbox)))
                ET.SubElement(props, "property", name="sandbox_missing", value=xml_text(missing))
            counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
            if e.error is not None:
                case = ET.SubElement(suite, "testcase", classname=xml_text(e.id), name="setup", time="0")
                message = xml_text(e.error.message)
                el = ET.SubElement(case, "error", type=xml_text(e.error.kind), message=message.split("\n")[0])
                el.text = message
                counts["tests"] += 1
                counts["errors"] += 1
            for check in e.checks:
                case = ET.SubElement(suite, "testcase", classname=xml_text(e.id), name=xml_text(check.id), time="0")
                counts["tests"] += 1
                message = xml_text(check.message)
                if check.status in _FAILURE:
                    el = ET.SubElement(case, _FAILURE[check.status], type=check.status, message=message.split("\n")[0])
                    el.text = message
                    counts["failures" if check.status == "fail" else "errors"] += 1
                elif check.status == "skipped":
                    ET.SubElement(case, "skipped", message=message.split("\n")[0])
                    counts["skipped"] += 1
            if e.output:
                ET.SubElement(suite, "system-out").text = xml_text(e.output)
            for key, value in counts.items():
                suite.set(key, str(value))
                totals[key] += value
            suite.set("time", f"{int(e.duration_ms or 0) / 1000:.3f}")
        for key, value in totals.items():
            root.set(key, str(value))
        ET.indent(root)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

    @staticmethod
    def read(text: str) -> list[Entry]:
        root = ET.fromstring(text)
        entries = []
        for suite in root.iter("testsuite"):
            props = {p.get("name"): p.get("value") for p in suite.iter("property")}
            checks, error = [], None
            for case in suite.iter("testcase"):
                status, message = "pass", ""
                for tag in ("failure", "error", "skipped"):
                    el = case.find(tag)
                    if el is not None:
                        status = el.get("type") or ("fail" if tag == "failure" else tag)
                        message = el.text or el.get("message") or ""
                if case.get("name") == "setup" and status not in ("pass", "skipped"):
                    error = {"kind": status, "message": message}
                    continue
                checks.append({"id": case.get("name", ""), "status": status, "message": message})
            out = suite.find("system-out")
            run = _run_of(props.get("run"))
            weighed = _weighed(checks, _weights_of(props.get("weights")), props.get("max_points"))
            entries.append(Entry.from_json({
                "id": suite.get("name", ""), "kata": props.get("kata", ""), "status": props.get("status", ""),
                "checks": checks, **weighed, "error": error, "seed": _int(props.get("seed")),
                "output": out.text or "" if out is not None else "",
                "duration_ms": round(float(suite.get("time") or 0) * 1000), "sha256": props.get("sha256", ""),
                **_sandbox_of(props.get("sandbox"), props.get("sandbox_missing")),
                **({"run": run} if run is not None else {}),
                **({"file": props["file"]} if props.get("file") else {}),
            }))  # fmt: skip
        return entries


CODECS = {"json": Json, "csv": Csv, "junit": Junit}
FORMATS = tuple(CODECS)  # gradebooks: written and read back
# ... and the platforms' results, written only (``reports``); the same list as
# reports.PLATFORMS, which a test holds equal (this module imports it only when writing).
ALL_FORMATS = (*FORMATS, "gradescope", "prairielearn", "exercism", "github-classroom")


# ---------------------------------------------------------------- reading


def read(text: str, fmt: str | None = None, source: str = "gradebook") -> list[Entry]:
    """The entries of a gradebook's text. Raises ``UsageError`` (one line naming
    ``source``) for anything that is not a whole, well-formed gradebook."""
    if not text.strip():
        raise UsageError(f"{source} is empty, not a gradebook")
    fmt = fmt or sniff(text)
    codec = CODECS.get(fmt)
    if codec is None:
        raise UsageError(f"unknown format `{fmt}`")
    try:
        return codec.read(text)
    except (EntryProblem, ValueError, KeyError, TypeError, ET.ParseError, csv.Error, RecursionError) as err:
        raise UsageError(f"{source} is not a {fmt} gradebook: {clean_line(str(err), 300)}") from None


def read_file(path: Path, label: str = "") -> list[Entry]:
    """A gradebook file's entries; any problem reading it is one ``UsageError`` line."""
    label = label or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{label} is a folder, not a gradebook") from None
    except OSError as err:
        raise UsageError(f"{label}: cannot read it ({err.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{label} is not UTF-8 text, so not a kata gradebook") from None
    return read(text, source=label)
