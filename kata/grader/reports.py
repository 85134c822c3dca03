"""Results for the platforms teachers grade on: Gradescope, PrairieLearn, Exercism, GitHub Classroom.

Each is an encoder of the typed gradebook ``Entry`` (with its points, ``points.Points``),
as ``gradebook`` has for JSON, CSV and JUnit. These platforms grade one submission at a
time, so an encoder takes the entries of one submission (one, or one per kata with
``kata check --kata all``) and returns that platform's document:

- ``gradescope``: the autograder's ``results.json``
  (https://gradescope-autograders.readthedocs.io/en/latest/specs/): ``score`` (points),
  ``execution_time``, ``output`` and ``visibility``, one test per check with ``score``,
  ``max_score``, ``status``, ``output`` and ``visibility``. Every format field is
  ``text``, so nothing a submission prints is rendered as HTML or Markdown.
- ``prairielearn``: the external grader's ``results.json``
  (https://prairielearn.readthedocs.io/en/latest/externalGrading/): ``gradable``,
  ``score`` in 0..1, ``message``, ``output``, tests with ``points``/``max_points``. A
  file that cannot be graded for its form (syntax, no kata function, refused) is
  ``gradable: false`` with ``format_errors``, which costs the student no attempt.
- ``exercism``: the test runner's ``results.json`` version 3
  (https://exercism.org/docs/building/tooling/test-runners/interface): ``status``
  pass/fail/error, ``message`` (for ``error``), tests in check order with ``name``,
  ``status``, ``message``, ``output`` (at most 500 characters), ``test_code`` (the call
  tried) and ``task_id`` (the kata's place among those graded, from 1).
- ``github-classroom``: what GitHub Classroom's grading reporter reads from a runner's
  ``result`` output (https://github.com/classroom-resources/autograding-grading-reporter):
  base64 of a JSON ``{version: 1, status, max_score, tests: [{name, status, score,
  message, test_code, filename, line_no, duration}]}``, as its command grader writes it.

Texts are the entry's (already made safe, in the language graded in) and bounded, with
a visible marker where they were cut. For a class (``kata grade``), ``write_class`` maps
each submission id to its document.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any

from kata.grader.entry import Entry, EntryCheck, number
from kata.lang import DEFAULT

__all__ = ["PLATFORMS", "encode", "write_class", "write_one"]

# Error kinds that say the file has not the form asked for (PrairieLearn: not gradable,
# no attempt used); a crash, a timeout or memory while loading it is a graded 0.
NOT_GRADABLE = ("syntax", "missing-function", "ambiguous", "refused", "internal")
_MESSAGE_LIMIT = 8000  # one check's message, one error's
_OUTPUT_LIMIT = 64000  # what the submission printed (PrairieLearn: 1 MB for the whole file)
_EXERCISM_OUTPUT = 500  # the interface's bound on a test's output
_EXERCISM_MESSAGE = 65535  # ... and on the top-level message


def _say(key: str, lang: str, **params: Any) -> str:
    from kata.harness.messages import Msg

    return Msg(key, **params).render(lang)


def _cut(text: str, limit: int, lang: str) -> str:
    if len(text) <= limit:
        return text
    marker = " " + _say("report-cut", lang, more=len(text) - limit)
    return text[: max(0, limit - len(marker))] + marker


def _name(entry: Entry, check_id: str, several: bool) -> str:
    return f"{entry.kata}: {check_id}" if entry.kata and several else check_id


def _summary(entries: Sequence[Entry], lang: str) -> str:
    """What the whole submission got, a line per kata, then its error and its output."""
    lines = []
    for e in entries:
        lines.append(_say("report-points", lang, kata=e.kata or "?", points=_num(e.points),
                          max_points=_num(e.max_points), passed=sum(c.status == "pass" for c in e.checks),
                          total=len(e.checks), seed="" if e.seed is None else e.seed))
        if e.error is not None:
            lines.append(f"{e.error.kind}: {_cut(e.error.message, _MESSAGE_LIMIT, lang)}")
    return "\n".join(lines)


def _printed(entries: Sequence[Entry], limit: int, lang: str) -> str:
    text = "\n".join(e.output.rstrip() for e in entries if e.output.strip())
    return _cut(text, limit, lang)


def _num(value: float) -> float | int:
    return number(round(value, 6))


def _status(entries: Sequence[Entry]) -> str:
    if any(e.status == "error" for e in entries):
        return "error"
    return "pass" if entries and all(e.status == "pass" for e in entries) else "fail"


def _setup(entry: Entry) -> bool:
    """An entry that could not be run and has no checks to show it (no kata known)."""
    return entry.error is not None and not entry.checks


# ---------------------------------------------------------------- Gradescope


def gradescope(entries: Sequence[Entry], lang: str = DEFAULT) -> dict[str, Any]:
    several = len(entries) > 1
    tests: list[dict[str, Any]] = []
    for e in entries:
        for c in e.checks:
            test = {"name": _name(e, c.id, several), "score": _num(c.points), "max_score": _num(c.max_points),
                    "status": "passed" if c.status == "pass" else "failed", "visibility": "visible"}
            if c.message:
                test["output"] = _cut(c.message, _MESSAGE_LIMIT, lang)
            tests.append(test)
        if _setup(e):
            tests.append({"name": _name(e, "setup", several), "score": 0, "max_score": _num(e.max_points),
                          "status": "failed", "visibility": "visible",
                          "output": _cut(e.error.message, _MESSAGE_LIMIT, lang)})
    output = _summary(entries, lang)
    printed = _printed(entries, _OUTPUT_LIMIT, lang)
    if printed:
        output += "\n\n" + _say("report-output", lang) + "\n" + printed
    return {
        "score": _num(sum(e.points for e in entries)),
        "execution_time": round(sum(e.duration_ms or 0 for e in entries) / 1000, 3),
        "output": output,
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "tests": tests,
        "extra_data": {"kata": [e.kata for e in entries], "status": _status(entries),
                       "seed": entries[0].seed if entries else None, "sha256": entries[0].sha256 if entries else ""},
    }


# ---------------------------------------------------------------- PrairieLearn


def _details(check: EntryCheck) -> str:
    if not (check.got or check.expected):
        return ""
    return f"got      {check.got}\nexpected {check.expected}"


def prairielearn(entries: Sequence[Entry], lang: str = DEFAULT) -> dict[str, Any]:
    several = len(entries) > 1
    message = _summary(entries, lang)
    output = _printed(entries, _OUTPUT_LIMIT, lang)
    errors = [e.error for e in entries if e.error is not None]
    if any(err.kind in NOT_GRADABLE for err in errors):
        return {"gradable": False, "format_errors": [_cut(err.message, _MESSAGE_LIMIT, lang) for err in errors],
                "message": message, "output": output}
    tests = []
    for e in entries:
        for c in e.checks:
            tests.append({"name": _name(e, c.id, several), "points": _num(c.points), "max_points": _num(c.max_points),
                          "message": _cut(c.message, _MESSAGE_LIMIT, lang), "output": _cut(_details(c), _MESSAGE_LIMIT,
                                                                                          lang)})
        if _setup(e):
            tests.append({"name": _name(e, "setup", several), "points": 0, "max_points": _num(e.max_points),
                          "message": _cut(e.error.message, _MESSAGE_LIMIT, lang), "output": ""})
    most = sum(e.max_points for e in entries)
    score = sum(e.points for e in entries) / most if most > 0 else 0.0
    return {"gradable": True, "score": round(score, 6), "message": message, "output": output, "tests": tests}


# ---------------------------------------------------------------- Exercism


_EXERCISM_STATUS = {"pass": "pass", "fail": "fail"}  # error, timeout, memory, skipped: it returned no value


def exercism(entries: Sequence[Entry], lang: str = DEFAULT) -> dict[str, Any]:
    several = len(entries) > 1
    tests: list[dict[str, Any]] = []
    for task, e in enumerate(entries, start=1):
        for c in e.checks:
            test: dict[str, Any] = {"name": _name(e, c.id, several), "status": _EXERCISM_STATUS.get(c.status, "error")}
            if c.status != "pass" and c.message:
                test["message"] = c.message
            # Interface v3 wants test_code on every test: the call tried, else the check's name.
            test["test_code"] = c.tried or f"{e.kata or 'kata'}: check {c.id}"
            test["task_id"] = task
            tests.append(test)
    printed = "\n".join(e.output.rstrip() for e in entries if e.output.strip())
    if printed and tests:
        tests[0]["output"] = _exercism_output(printed, lang)
    # ``error`` only when no test could run at all (the file did not load).
    ran = any(c.status not in ("skipped",) for e in entries for c in e.checks)
    errors = [e for e in entries if e.error is not None]
    status = "error" if errors and not ran else _status(entries) if not errors else "fail"
    message = None
    if errors:
        message = _cut("\n".join(f"{e.error.kind}: {e.error.message}" for e in errors), _EXERCISM_MESSAGE, lang)
    return {"version": 3, "status": status, "message": message, "tests": tests}


def _exercism_output(text: str, lang: str) -> str:
    if len(text) <= _EXERCISM_OUTPUT:
        return text
    marker = " " + _say("report-output-cut", lang, limit=_EXERCISM_OUTPUT)
    return text[: max(0, _EXERCISM_OUTPUT - len(marker))] + marker


# ---------------------------------------------------------------- GitHub Classroom


# A check not run because the file failed first is a failed test; the file's own error
# is one test in error ("setup") that says why.
_CLASSROOM_STATUS = {"pass": "pass", "fail": "fail", "skipped": "fail"}


def github_classroom(entries: Sequence[Entry], lang: str = DEFAULT) -> dict[str, Any]:
    """The decoded document; ``encode`` gives the base64 the reporter reads. The reporter
    shows a test's ``test_code`` and, for an error, its ``message``; so a check that did
    not pass carries its whole message (the call tried, what came back, the hint) as
    ``test_code``, and ``message`` is its first line."""
    several = len(entries) > 1
    tests: list[dict[str, Any]] = []
    for e in entries:
        for c in e.checks:
            status = _CLASSROOM_STATUS.get(c.status, "error")
            text = _cut(c.message, _MESSAGE_LIMIT, lang)
            tests.append({"name": _name(e, c.id, several), "status": status, "score": _num(c.points),
                          "message": text.split("\n", 1)[0] if text else None,
                          "test_code": text if status != "pass" else "", "filename": e.file or "", "line_no": 0,
                          "duration": 0})
        if e.error is not None:  # the reporter shows the message of a test in error, and only those
            text = _cut(e.error.message, _MESSAGE_LIMIT, lang)
            tests.append({"name": _name(e, "setup", several), "status": "error", "score": 0,
                          "message": f"{e.error.kind}: {text}", "test_code": "", "filename": e.file or "",
                          "line_no": 0, "duration": e.duration_ms or 0})
    return {"version": 1, "status": _status(entries), "max_score": _num(sum(e.max_points for e in entries)),
            "tests": tests}


def _base64(document: dict[str, Any]) -> str:
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8", errors="backslashreplace")
    return base64.b64encode(raw).decode("ascii")


# ---------------------------------------------------------------- writing

_ENCODERS: dict[str, Callable[[Sequence[Entry], str], dict[str, Any]]] = {
    "gradescope": gradescope,
    "prairielearn": prairielearn,
    "exercism": exercism,
    "github-classroom": github_classroom,
}
PLATFORMS = tuple(_ENCODERS)


def encode(fmt: str, entries: Sequence[Entry], lang: str = DEFAULT) -> dict[str, Any] | str:
    """One submission's document: a JSON object, or for GitHub Classroom its base64 text."""
    document = _ENCODERS[fmt](list(entries), lang)
    return _base64(document) if fmt == "github-classroom" else document


def write_one(fmt: str, entries: Sequence[Entry], lang: str = DEFAULT) -> str:
    """The text of one submission's results file (``kata check --format``)."""
    document = encode(fmt, entries, lang)
    if isinstance(document, str):
        return document + "\n"
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_class(fmt: str, entries: Sequence[Entry], lang: str = DEFAULT) -> str:
    """A class (``kata grade --format``): one JSON object, each submission id mapped to
    the document ``write_one`` gives for it alone, sorted by id."""
    documents = {e.id: encode(fmt, [e], lang) for e in sorted(entries, key=lambda e: e.id)}
    return json.dumps(documents, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
