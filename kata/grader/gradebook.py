"""Gradebooks: one entry per submission, written and read back as JSON, CSV or JUnit XML.

An entry is a ``kata check --json`` report plus ``id`` (the submission's path relative
to the folder given) and ``sha256`` (of the graded file, for ``--resume``). JSON keeps
everything; CSV keeps the verdicts (one column per check); JUnit keeps verdicts and
messages for CI systems. Standard library only.
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
from kata.grader.sandbox import REQUIRED
from kata.grader.text import clean_line, clean_text

FORMATS = ("json", "csv", "junit")
Entry = dict[str, Any]

_FIXED = ("id", "kata", "status", "score", "error", "duration_ms", "seed", "sha256", "sandbox", "run")
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
    return sorted(entries, key=lambda e: e["id"])


def score(entry: Entry) -> str:
    checks = entry.get("checks") or []
    if not checks:
        return "0"
    passed = sum(c.get("status") == "pass" for c in checks)
    return f"{passed / len(checks):.4g}"


# ---------------------------------------------------------------- writing


def safe(value: Any, key: str = "") -> Any:
    """An entry with every string in it made safe (``text.clean_text``): entries read
    back from someone's gradebook (``kata merge``) are as untrusted as a submission.
    File names (``id``, ``file``) stay on one line."""
    if isinstance(value, dict):
        return {safe(k): safe(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [safe(v) for v in value]
    if isinstance(value, str):
        return clean_line(value, None) if key in ("id", "file") else clean_text(value, None)
    return value


def write(entries: list[Entry], fmt: str) -> str:
    entries = sort_entries(safe(e) for e in entries)
    if fmt == "json":
        return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _write_csv(entries)
    if fmt == "junit":
        return _write_junit(entries)
    raise UsageError(f"unknown format `{fmt}` (use one of {', '.join(FORMATS)})")


def _check_columns(entries: list[Entry]) -> list[str]:
    columns: dict[str, None] = {}
    for entry in entries:
        for check in entry.get("checks") or []:
            columns.setdefault(str(check["id"]), None)
    return [c for c in columns if c not in _FIXED]


def _write_csv(entries: list[Entry]) -> str:
    checks = _check_columns(entries)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["id", "kata", "status", "score", *checks, "error", "duration_ms", "seed", "sha256", "sandbox", "run"]
    writer.writerow([csv_cell(cell) for cell in header])
    for e in entries:
        by_id = {str(c["id"]): c["status"] for c in e.get("checks") or []}
        error = (e.get("error") or {}).get("kind", "")
        writer.writerow([csv_cell(cell) for cell in (
            e["id"], e.get("kata", ""), e.get("status", ""), score(e), *(by_id.get(c, "") for c in checks),
            error, e.get("duration_ms", 0), e.get("seed", ""), e.get("sha256", ""), _words(e.get("sandbox")),
            _run_cell(e.get("run")),
        )])  # fmt: skip
    return out.getvalue()


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


def _run_cell(run: object) -> str:
    """How an entry was graded (``journal.run_key``), as one cell: ``key=value`` words."""
    if not isinstance(run, dict):
        return ""
    return " ".join(f"{k}={json.dumps(v)}" for k, v in run.items())


def _run_fields(cell: str | None) -> Entry:
    if not cell:
        return {}
    run: Entry = {}
    for word in cell.split(" "):
        key, _, value = word.partition("=")
        try:
            run[key] = json.loads(value)
        except ValueError:
            return {}
    return {"run": run}


def _words(names: object) -> str:
    """A list of protection names as one space-separated cell."""
    return " ".join(str(n) for n in names) if isinstance(names, list) else ""


def _missing_names(entry: Entry) -> str:
    gaps = entry.get("sandbox_missing")
    return _words([g.get("protection") for g in gaps if isinstance(g, dict)] if isinstance(gaps, list) else None)


def xml_text(value: object, limit: int = 20000) -> str:
    """Text XML can carry: no control characters, no lone surrogates, bounded."""
    text = _NOT_XML.sub("\ufffd", str(value))
    return text if len(text) <= limit else text[:limit] + " [...]"


_FAILURE = {"fail": "failure", "error": "error", "timeout": "error", "memory": "error"}


def _write_junit(entries: list[Entry]) -> str:
    root = ET.Element("testsuites", name="kata grade")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for e in entries:
        checks = e.get("checks") or []
        suite = ET.SubElement(root, "testsuite", name=xml_text(e["id"]))
        props = ET.SubElement(suite, "properties")
        for key in ("kata", "status", "seed", "sha256", "file"):
            if e.get(key) is not None:
                ET.SubElement(props, "property", name=key, value=xml_text(e[key]))
        if isinstance(e.get("run"), dict):
            ET.SubElement(props, "property", name="run", value=xml_text(_run_cell(e["run"])))
        if "sandbox" in e:
            ET.SubElement(props, "property", name="sandbox", value=xml_text(_words(e.get("sandbox"))))
            ET.SubElement(props, "property", name="sandbox_missing", value=xml_text(_missing_names(e)))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        error = e.get("error")
        if error:
            case = ET.SubElement(suite, "testcase", classname=xml_text(e["id"]), name="setup", time="0")
            message = xml_text(error.get("message", ""))
            el = ET.SubElement(case, "error", type=xml_text(error.get("kind", "")), message=message.split("\n")[0])
            el.text = message
            counts["tests"] += 1
            counts["errors"] += 1
        for check in checks:
            case = ET.SubElement(suite, "testcase", classname=xml_text(e["id"]), name=xml_text(check["id"]), time="0")
            counts["tests"] += 1
            status = check.get("status", "")
            message = xml_text(check.get("message", ""))
            if status in _FAILURE:
                el = ET.SubElement(case, _FAILURE[status], type=status, message=message.split("\n")[0])
                el.text = message
                counts["failures" if status == "fail" else "errors"] += 1
            elif status == "skipped":
                ET.SubElement(case, "skipped", message=message.split("\n")[0])
                counts["skipped"] += 1
        if e.get("output"):
            ET.SubElement(suite, "system-out").text = xml_text(e["output"])
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{int(e.get('duration_ms') or 0) / 1000:.3f}")
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ---------------------------------------------------------------- reading


_STATUSES = ("pass", "fail", "error")


def entry_problem(entry: object) -> str | None:
    """What is wrong with one entry read from a file (None: it is a gradebook entry)."""
    if not isinstance(entry, dict):
        return "an entry is not an object"
    if not isinstance(entry.get("id"), str) or not entry["id"]:
        return "an entry has no id"
    where = f"entry {entry['id']!r}"
    if entry.get("status") not in _STATUSES:
        return f"{where} has no status (pass, fail or error)"
    checks = entry.get("checks", [])
    if not isinstance(checks, list) or not all(
        isinstance(c, dict) and isinstance(c.get("id"), str) and isinstance(c.get("status"), str) for c in checks
    ):
        return f"{where}: checks must be a list of {{id, status}}"
    error = entry.get("error")
    if error is not None and not (isinstance(error, dict) and isinstance(error.get("kind"), str)):
        return f"{where}: error must be null or {{kind, message}}"
    for key, kinds in (("seed", (int, type(None))), ("duration_ms", (int, float)), ("sha256", str),
                       ("output", str), ("kata", str), ("run", (dict, type(None)))):  # fmt: skip
        if key in entry and not isinstance(entry[key], kinds) or isinstance(entry.get(key), bool):
            return f"{where}: {key} has the wrong type"
    return None


def valid_entry(entry: object) -> bool:
    return entry_problem(entry) is None


def read(text: str, fmt: str | None = None, source: str = "gradebook") -> list[Entry]:
    """The entries of a gradebook's text. Raises ``UsageError`` (one line naming
    ``source``) for anything that is not a whole, well-formed gradebook."""
    if not text.strip():
        raise UsageError(f"{source} is empty, not a gradebook")
    fmt = fmt or sniff(text)
    try:
        if fmt == "json":
            entries = json.loads(text)
            if not isinstance(entries, list):
                raise ValueError("expected a list of entries")
        elif fmt == "csv":
            entries = _read_csv(text)
        elif fmt == "junit":
            entries = _read_junit(text)
        else:
            raise UsageError(f"unknown format `{fmt}`")
        for entry in entries:
            problem = entry_problem(entry)
            if problem:
                raise ValueError(problem)
    except (ValueError, KeyError, TypeError, ET.ParseError, csv.Error, RecursionError) as err:
        raise UsageError(f"{source} is not a {fmt} gradebook: {clean_line(str(err), 300)}") from None
    return entries


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


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


def _sandbox_fields(in_force: str | None, missing: str | None) -> Entry:
    """Read back what CSV and JUnit keep of the sandbox: the names (reasons are JSON-only).
    CSV keeps only what was in force; for a submission that ran, the rest was missing."""
    if in_force is None:
        return {}
    names = in_force.split()
    if missing is None:
        missing = " ".join(p for p in REQUIRED if p not in names) if names else ""
    reason = "not in force (the gradebook keeps no reason)"
    return {"sandbox": names, "sandbox_missing": [{"protection": n, "reason": reason} for n in missing.split()]}


def _read_csv(text: str) -> list[Entry]:
    reader = csv.DictReader(io.StringIO(text))
    if "id" not in [_csv_text(name) for name in reader.fieldnames or ()]:
        raise ValueError("no id column")
    rows = [{_csv_text(k): _csv_text(v) for k, v in row.items() if k is not None and isinstance(v, str)}
            for row in reader]
    entries = []
    for row in rows:
        checks = [{"id": k, "status": v, "message": ""} for k, v in row.items() if k not in _FIXED and v]
        error = row.get("error") or ""
        entries.append(
            {
                "id": row["id"],
                "kata": row.get("kata", ""),
                "status": row.get("status", ""),
                "checks": checks,
                "error": {"kind": error, "message": ""} if error else None,
                "seed": _int(row.get("seed")),
                "output": "",
                "duration_ms": _int(row.get("duration_ms")) or 0,
                "sha256": row.get("sha256", ""),
                **_sandbox_fields(row.get("sandbox"), None),
                **_run_fields(row.get("run")),
            }
        )
    return entries


def _read_junit(text: str) -> list[Entry]:
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
        entry: Entry = {
            "id": suite.get("name", ""),
            "kata": props.get("kata", ""),
            "status": props.get("status", ""),
            "checks": checks,
            "error": error,
            "seed": _int(props.get("seed")),
            "output": out.text or "" if out is not None else "",
            "duration_ms": round(float(suite.get("time") or 0) * 1000),
            "sha256": props.get("sha256", ""),
            **_sandbox_fields(props.get("sandbox"), props.get("sandbox_missing")),
            **_run_fields(props.get("run")),
        }
        if props.get("file"):
            entry["file"] = props["file"]
        entries.append(entry)
    return entries
