"""The platforms' report formats: Gradescope, PrairieLearn, Exercism, GitHub Classroom
(points, which they carry, are tested in test_formats_points.py).

Each format's published shape is written down below as a JSON Schema, with the page it
comes from, and real outputs (graded here, with fixed seeds) are validated against it by
a small validator of the JSON Schema keywords used (no dependency), then against the
rules the schema cannot say (totals, the reporter's arithmetic).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kata.commands._options import GRADEBOOK_FORMATS, REPORT_FORMATS
from kata.grader import gradebook, reports
from kata.grader.entry import Entry

from tests.test_formats_points import (  # the same submissions, points and fixtures
    NAIVE,
    SOFTMAX_CHECKS,
    _points_file,
    graded,  # noqa: F401 - a fixture
    kata,
    klass,  # noqa: F401 - a fixture
)


# ---------------------------------------------------------------- the published shapes

VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"]
GS_FORMATS = ["text", "html", "simple_format", "md", "ansi"]
NUMBER = {"type": "number", "minimum": 0}

# Gradescope autograder results.json, every field its specification lists:
# https://gradescope-autograders.readthedocs.io/en/latest/specs/#output-format
# (source: github.com/gradescope/autograder_samples, docs/specs.md). Unknown keys refused.
GRADESCOPE = {
    "type": "object", "additionalProperties": False, "required": ["score", "tests"],
    "properties": {
        "score": NUMBER, "execution_time": NUMBER, "output": {"type": "string"},
        "output_format": {"enum": GS_FORMATS}, "test_output_format": {"enum": GS_FORMATS},
        "test_name_format": {"enum": GS_FORMATS}, "visibility": {"enum": VISIBILITY},
        "stdout_visibility": {"enum": VISIBILITY}, "extra_data": {"type": "object"},
        "leaderboard": {"type": "array"},
        "tests": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "score", "max_score", "status"],
            "properties": {
                "score": NUMBER, "max_score": NUMBER, "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"}, "name_format": {"enum": GS_FORMATS}, "number": {"type": "string"},
                "output": {"type": "string"}, "output_format": {"enum": GS_FORMATS},
                "tags": {"type": "array", "items": {"type": "string"}}, "visibility": {"enum": VISIBILITY},
                "extra_data": {"type": "object"},
            }}},
    },
}  # fmt: skip

# PrairieLearn external grader results.json:
# https://prairielearn.readthedocs.io/en/latest/externalGrading/#grading-results
# (source: github.com/PrairieLearn/PrairieLearn, docs/externalGrading.md). "score" is required
# when gradable (checked below); "format_errors" is a string or a list of strings.
PRAIRIELEARN = {
    "type": "object", "additionalProperties": False, "required": ["gradable"],
    "properties": {
        "gradable": {"type": "boolean"}, "score": {"type": "number", "minimum": 0, "maximum": 1},
        "message": {"type": "string"}, "output": {"type": "string"}, "images": {"type": "array"},
        "format_errors": {"type": ["string", "array"], "items": {"type": "string"}},
        "tests": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "points", "max_points"],
            "properties": {
                "name": {"type": "string"}, "description": {"type": "string"}, "points": NUMBER,
                "max_points": NUMBER, "message": {"type": "string"}, "output": {"type": "string"},
                "images": {"type": "array"},
            }}},
    },
}  # fmt: skip

# Exercism test runner interface, results.json version 3:
# https://exercism.org/docs/building/tooling/test-runners/interface
# (source: github.com/exercism/docs, building/tooling/test-runners/interface.md).
EXERCISM = {
    "type": "object", "additionalProperties": False, "required": ["version", "status"],
    "properties": {
        "version": {"enum": [3]}, "status": {"enum": ["pass", "fail", "error"]},
        "message": {"type": ["string", "null"], "maxLength": 65535},
        "tests": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name", "status", "test_code"],
            "properties": {
                "name": {"type": "string"}, "test_code": {"type": "string", "minLength": 1},
                "status": {"enum": ["pass", "fail", "error"]}, "message": {"type": ["string", "null"]},
                "output": {"type": ["string", "null"], "maxLength": 500}, "task_id": {"type": "integer", "minimum": 1},
            }}},
    },
}  # fmt: skip

# GitHub Classroom: the JSON its grading reporter decodes from a runner's base64 `result`
# (github.com/classroom-resources/autograding-grading-reporter: src/main.js parses it,
# src/notify-classroom.js adds tests[].score against max_score, src/console-results.js shows
# name, status, message, test_code, line_no), in the shape its own runners write
# (github.com/classroom-resources/autograding-command-grader, src/main.js generateResult).
CLASSROOM = {
    "type": "object", "additionalProperties": False, "required": ["version", "status", "max_score", "tests"],
    "properties": {
        "version": {"type": "integer"}, "status": {"enum": ["pass", "fail", "error"]}, "max_score": NUMBER,
        "tests": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["name", "status", "score", "message", "test_code", "filename", "line_no", "duration"],
            "properties": {
                "name": {"type": "string"}, "status": {"enum": ["pass", "fail", "error"]}, "score": NUMBER,
                "message": {"type": ["string", "null"]}, "test_code": {"type": "string"},
                "filename": {"type": "string"}, "line_no": {"type": "integer"}, "duration": NUMBER,
            }}},
    },
}  # fmt: skip

SCHEMAS = {"gradescope": GRADESCOPE, "prairielearn": PRAIRIELEARN, "exercism": EXERCISM,
           "github-classroom": CLASSROOM}  # fmt: skip

_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def problems(value, schema, where="$") -> list[str]:
    """What in ``value`` breaks ``schema`` (the JSON Schema keywords used above)."""
    found: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds

        def fits(kind: str) -> bool:
            if kind in ("number", "integer"):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
                return ok and (kind == "number" or float(value).is_integer())
            return isinstance(value, _TYPES[kind])

        if not any(fits(k) for k in kinds):
            return [f"{where}: {value!r} is not {'/'.join(kinds)}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        found.append(f"{where}: {len(value)} characters > {schema['maxLength']}")
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                found.append(f"{where}: no {key!r}")
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                found += problems(item, props[key], f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: {key!r} is not in the format")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{where}: fewer than {schema['minItems']} items")
        for i, item in enumerate(value):
            if "items" in schema:
                found += problems(item, schema["items"], f"{where}[{i}]")
    return found


def test_the_validator_refuses_what_breaks_a_schema():
    good = {"version": 3, "status": "pass", "message": None, "tests": [{"name": "a", "status": "pass", "test_code": "f(1)", "task_id": 1}]}
    assert problems(good, EXERCISM) == []
    assert problems({**good, "status": "passed"}, EXERCISM)
    assert problems({**good, "extra": 1}, EXERCISM)
    assert problems({"status": "pass"}, EXERCISM)
    assert problems({**good, "tests": [{"name": "a", "status": "pass", "test_code": "f(1)", "output": "x" * 501}]}, EXERCISM)
    assert problems({"gradable": True, "score": 1.5}, PRAIRIELEARN)
    assert problems({"score": True, "tests": []}, GRADESCOPE)
    assert problems({"version": 1, "status": "pass", "max_score": 1, "tests": []}, CLASSROOM)


def decoded(fmt: str, document):
    """The JSON a platform reads: GitHub Classroom's reporter base64-decodes it first."""
    if fmt == "github-classroom":
        assert isinstance(document, str) and "\n" not in document.strip()
        return json.loads(base64.b64decode(document, validate=True).decode("utf-8"))
    return document


def holds(fmt: str, doc: dict) -> None:
    """The schema, then the rules around it."""
    assert problems(doc, SCHEMAS[fmt]) == [], problems(doc, SCHEMAS[fmt])
    if fmt == "gradescope":
        assert doc["score"] == pytest.approx(sum(t["score"] for t in doc["tests"]))
        assert all(t["score"] <= t["max_score"] for t in doc["tests"])
        assert all(t["status"] == ("passed" if t["score"] == t["max_score"] else "failed")
                   for t in doc["tests"] if t["max_score"] > 0)
        # nothing a submission wrote is rendered as HTML or Markdown
        assert doc["output_format"] == doc["test_output_format"] == doc["test_name_format"] == "text"
    elif fmt == "prairielearn":
        if doc["gradable"]:
            total = sum(t["max_points"] for t in doc["tests"])
            assert doc["score"] == pytest.approx(sum(t["points"] for t in doc["tests"]) / total if total else 0)
        else:
            assert doc["format_errors"] and "score" not in doc
    elif fmt == "exercism":
        statuses = [t["status"] for t in doc["tests"]]
        if doc["status"] == "error":
            assert doc["message"]  # required for an error
            assert all(s == "error" for s in statuses)  # error only when no test ran
        else:
            assert "tests" in doc
            assert (doc["status"] == "pass") == (all(s == "pass" for s in statuses))
        assert all(t.get("message") for t in doc["tests"] if t["status"] != "pass")
    else:  # what the reporter computes from it (test-helpers.js, notify-classroom.js)
        total = sum(t["score"] for t in doc["tests"])
        assert 0 <= total <= doc["max_score"]
        shown = sum(t["status"] == "pass" for t in doc["tests"]) / len(doc["tests"]) * doc["max_score"]
        assert shown == shown  # getTestScore: not NaN (there is a test to divide by)
        assert (doc["status"] in ("fail", "error")) == any(t["status"] != "pass" for t in doc["tests"])
        assert all(t["message"] for t in doc["tests"] if t["status"] == "error")


# ---------------------------------------------------------------- the formats on real reports


@pytest.mark.parametrize("fmt", reports.PLATFORMS)
def test_every_kind_of_submission_gives_a_valid_document(graded, fmt):
    for name, entry in graded.items():
        holds(fmt, decoded(fmt, reports.encode(fmt, [entry])))
        text = reports.write_one(fmt, [entry])  # the file as written: the same document
        assert decoded(fmt, json.loads(text) if fmt != "github-classroom" else text.strip()) == decoded(
            fmt, reports.encode(fmt, [entry])), name


def test_gradescope_scores_are_the_points(graded):
    ben = reports.gradescope([graded["ben"]])
    by_name = {t["name"]: t for t in ben["tests"]}
    assert [t["name"] for t in ben["tests"]] == SOFTMAX_CHECKS  # check order
    assert by_name["basic"] == {**by_name["basic"], "score": 2, "max_score": 2, "status": "passed"}
    assert by_name["overflow"]["score"] == 0 and by_name["overflow"]["max_score"] == 3
    assert "first difference" in by_name["overflow"]["output"]
    assert ben["score"] == 7 and sum(t["max_score"] for t in ben["tests"]) == 11
    assert "debug <b>x</b>" in ben["output"]  # what the code printed, shown as text
    cat = reports.gradescope([graded["cat"]])
    assert cat["score"] == 0 and sum(t["max_score"] for t in cat["tests"]) == 11
    assert "RuntimeError: boom" in cat["output"]
    eve = reports.gradescope([graded["eve"]])
    assert [t["name"] for t in eve["tests"]] == ["setup"] and eve["tests"][0]["max_score"] == 0


def test_prairielearn_grades_crashes_and_refuses_what_is_not_code(graded):
    assert reports.prairielearn([graded["ann"]])["score"] == 1.0
    ben = reports.prairielearn([graded["ben"]])
    assert ben["gradable"] is True and ben["score"] == pytest.approx(7 / 11)
    assert [(t["points"], t["max_points"]) for t in ben["tests"][:2]] == [(2, 2), (0, 3)]
    assert reports.prairielearn([graded["cat"]])["score"] == 0  # a crash is graded: 0
    for name in ("dan", "eve"):  # a syntax error, no kata function: no attempt used
        doc = reports.prairielearn([graded[name]])
        assert doc["gradable"] is False and doc["format_errors"]


def test_exercism_statuses_follow_the_interface(graded):
    assert reports.exercism([graded["ann"]])["status"] == "pass"
    ben = reports.exercism([graded["ben"]])
    assert ben["status"] == "fail" and ben["message"] is None
    failed = [t for t in ben["tests"] if t["status"] == "fail"]
    assert [t["name"] for t in failed] == ["overflow", "underflow"]
    assert failed[0]["test_code"].startswith("softmax(x) with x = [123.")
    assert ben["tests"][0]["output"].startswith("debug <b>x</b>") and len(ben["tests"][0]["output"]) <= 500
    assert {t["task_id"] for t in ben["tests"]} == {1}
    for name in ("cat", "dan"):  # nothing could run
        doc = reports.exercism([graded[name]])
        assert doc["status"] == "error" and doc["message"]


def test_exercism_output_is_cut_at_500_characters_with_the_marker(graded):
    long = Entry.from_json({**graded["ben"].to_json(), "output": "x" * 2000})
    out = reports.exercism([long])["tests"][0]["output"]
    assert len(out) == 500 and out.endswith("please limit it to 500 characters]")


def test_several_katas_of_one_file_are_one_document_with_a_task_each(graded):
    sig = Entry.from_json({**graded["ann"].to_json(), "kata": "sigmoid", "id": "ann.py"})
    doc = reports.exercism([graded["ann"], sig])
    assert {t["task_id"] for t in doc["tests"]} == {1, 2}
    assert doc["tests"][0]["name"] == "softmax: basic" and doc["tests"][-1]["name"] == "sigmoid: hand-written"
    holds("exercism", doc)


def test_github_classroom_as_its_reporter_reads_it(graded):
    ben = decoded("github-classroom", reports.encode("github-classroom", [graded["ben"]]))
    assert ben["version"] == 1 and ben["status"] == "fail" and ben["max_score"] == 11
    assert sum(t["score"] for t in ben["tests"]) == 7  # notify-classroom.js: "Points 7/11"
    overflow = ben["tests"][1]
    assert overflow["status"] == "fail" and "got      [" in overflow["test_code"]  # shown under "Test code:"
    cat = decoded("github-classroom", reports.encode("github-classroom", [graded["cat"]]))
    assert cat["status"] == "error" and cat["tests"][-1]["status"] == "error"
    assert "RuntimeError: boom" in cat["tests"][-1]["message"]  # the reporter prints an error's message
    eve = decoded("github-classroom", reports.encode("github-classroom", [graded["eve"]]))
    assert len(eve["tests"]) == 1 and eve["tests"][0]["name"] == "setup"


def test_text_from_a_submission_stays_safe_in_every_format(graded):
    bad = "\x1b[2J\u202egone\x00 </pre><script>"
    data = graded["ben"].to_json()
    data["checks"][1]["message"] = bad  # overflow, which failed: every format shows its message
    hostile = Entry.from_json({**data, "output": bad})
    for fmt in reports.PLATFORMS:
        text = json.dumps(decoded(fmt, reports.encode(fmt, [hostile])), ensure_ascii=False)
        assert "\x1b" not in text and "\u202e" not in text and "\x00" not in text and "\\\\x1b" in text


# ---------------------------------------------------------------- end to end: a class folder


@pytest.mark.parametrize("fmt", reports.PLATFORMS)
def test_kata_grade_writes_each_submissions_results(klass, tmp_path, fmt):
    out = tmp_path / "class.json"
    proc = kata("grade", str(klass), "--kata", "softmax", "--seed", "5", "-j", "1", "--format", fmt,
                "--points", str(_points_file(tmp_path)), "--out", str(out))
    assert proc.returncode == 1, proc.stderr  # one submission does not pass
    documents = json.loads(out.read_text())
    assert list(documents) == ["ann.py", "ben.py", "cat"]
    docs = {k: decoded(fmt, v) for k, v in documents.items()}
    for doc in docs.values():
        holds(fmt, doc)
    earned = {
        "gradescope": lambda d: (d["score"], sum(t["max_score"] for t in d["tests"])),
        "prairielearn": lambda d: (round(d["score"] * 11), 11),
        "exercism": lambda d: (sum(t["status"] == "pass" for t in d["tests"]), len(d["tests"])),
        "github-classroom": lambda d: (sum(t["score"] for t in d["tests"]), d["max_score"]),
    }[fmt]
    if fmt == "exercism":  # no points in this format: statuses only
        assert [d["status"] for d in docs.values()] == ["pass", "fail", "error"]
        assert earned(docs["ben.py"]) == (6, 8)
    else:
        assert earned(docs["ann.py"]) == (11, 11) and earned(docs["ben.py"]) == (7, 11)
        assert earned(docs["cat"])[0] == 0


def test_a_gradescope_run_autograder_line(tmp_path):
    """`kata check SUBMISSION --format gradescope --out /autograder/results/results.json`."""
    (tmp_path / "submission").mkdir()
    (tmp_path / "results").mkdir()
    (tmp_path / "submission" / "softmax.py").write_text(NAIVE)
    results = tmp_path / "results" / "results.json"
    proc = kata("check", str(tmp_path / "submission" / "softmax.py"), "--kata", "softmax", "--seed", "3",
                "--format", "gradescope", "--out", str(results), "--no-record")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(results.read_text())
    holds("gradescope", doc)
    assert doc["score"] == 6 and len(doc["tests"]) == 8
    assert "FAIL" in proc.stdout and "overflow" in proc.stdout  # the table, for the instructor's log
    assert not list(results.parent.glob(".*tmp"))  # written atomically


def test_resume_asks_for_a_gradebook_it_can_read_back(klass, tmp_path):
    proc = kata("grade", str(klass), "--format", "gradescope", "--out", str(tmp_path / "g.json"), "--resume")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "kata merge" in proc.stderr and proc.stdout == ""


def test_merge_converts_a_gradebook_to_a_platform(klass, tmp_path):
    entries = [Entry.from_json({"id": "a.py", "kata": "softmax", "status": "pass", "seed": 1,
                                "checks": [{"id": c, "status": "pass"} for c in SOFTMAX_CHECKS]})]
    (tmp_path / "g.json").write_text(gradebook.write(entries, "json"))
    proc = kata("merge", str(tmp_path / "g.json"), "--format", "prairielearn")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["a.py"]["score"] == 1.0


def test_the_format_lists_agree():
    assert gradebook.ALL_FORMATS == GRADEBOOK_FORMATS == (*gradebook.FORMATS, *reports.PLATFORMS)
    assert REPORT_FORMATS == ("text", "json", *reports.PLATFORMS)


# ---------------------------------------------------------------- the README's scripts, run as written

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_block(heading: str, after: str, fence: str) -> str:
    """The first ``fence`` code block after the line ``after`` in the README's section ``heading``."""
    section = README.read_text().split(f"\n{heading}\n", 1)[1]
    return section.split(after, 1)[1].split(f"```{fence}\n", 1)[1].split("```", 1)[0]


@pytest.fixture
def kata_on_path(tmp_path, monkeypatch) -> Path:
    """A `kata` command (this checkout's) first on PATH, as the platforms' images install it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kata").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kata "$@"\n')
    (bin_dir / "kata").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    return bin_dir


def test_the_readmes_run_autograder_writes_gradescopes_results(tmp_path, kata_on_path):
    script = readme_block("### Gradescope", "`run_autograder`:", "bash")
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    _points_file(root / "source")
    script = script.replace("/opt/kata/bin/kata", "kata").replace("/autograder", str(root))
    (root / "run_autograder").write_text(script)
    results = root / "results" / "results.json"

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", str(root / "run_autograder")], capture_output=True, text=True, cwd=root,
                              stdin=subprocess.DEVNULL, timeout=300)

    proc = run()  # nothing submitted: a result that says so
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(results.read_text())
    holds("gradescope", doc)
    assert doc["score"] == 0 and "softmax.py" in doc["output"]
    (root / "submission").mkdir()
    (root / "submission" / "softmax.py").write_text(NAIVE)
    proc = run()
    assert proc.returncode == 0, proc.stderr  # a failing submission is a result, not a broken grader
    doc = json.loads(results.read_text())
    holds("gradescope", doc)
    assert doc["score"] == 7 and sum(t["max_score"] for t in doc["tests"]) == 11  # the points file is used


def test_the_readmes_exercism_runner_follows_the_interface(tmp_path, kata_on_path):
    script = readme_block("### Exercism-style test runner", "With kata installed", "sh")
    (tmp_path / "run.sh").write_text(script)
    solution, out = tmp_path / "solution", tmp_path / "output"
    solution.mkdir()
    out.mkdir()
    (solution / "softmax.py").write_text(NAIVE)
    proc = subprocess.run(["sh", str(tmp_path / "run.sh"), "softmax", f"{solution}/", f"{out}/"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert proc.returncode == 0, proc.stderr  # 0 whatever the tests say
    doc = json.loads((out / "results.json").read_text())
    holds("exercism", doc)
    assert doc["status"] == "fail"


def test_the_readmes_classroom_step_gives_what_the_reporter_reads(tmp_path, kata_on_path):
    workflow = readme_block("### GitHub Classroom", "`.github/workflows/classroom.yml`", "yaml")
    step = workflow.split("run: |\n", 1)[1].split("      - name:", 1)[0]
    lines = [line.strip() for line in step.splitlines() if line.strip() and "pip install" not in line]
    (tmp_path / "softmax.py").write_text(NAIVE)
    output = tmp_path / "github_output"
    proc = subprocess.run(["bash", "-e", "-c", "\n".join(lines)], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "GITHUB_OUTPUT": str(output)}, stdin=subprocess.DEVNULL, timeout=300)
    assert proc.returncode == 0, proc.stderr
    name, _, value = output.read_text().strip().partition("=")
    assert name == "result" and "SOFTMAX_RESULTS" in workflow and "runners: softmax" in workflow
    doc = decoded("github-classroom", value)
    holds("github-classroom", doc)
    assert sum(t["score"] for t in doc["tests"]) == 6 and doc["max_score"] == 8


def test_the_readmes_prairielearn_entrypoint_writes_its_results(tmp_path, kata_on_path):
    script = readme_block("### PrairieLearn", "`serverFilesCourse/kata/run.sh`", "sh")
    grade = tmp_path / "grade"
    (grade / "student").mkdir(parents=True)
    (grade / "serverFilesCourse" / "kata").mkdir(parents=True)
    _points_file(grade / "serverFilesCourse" / "kata")
    (grade / "student" / "softmax.py").write_text(NAIVE)
    (tmp_path / "run.sh").write_text(script.replace("/grade", str(grade)))
    proc = subprocess.run(["sh", str(tmp_path / "run.sh")], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((grade / "results" / "results.json").read_text())  # the folder made by the script
    holds("prairielearn", doc)
    assert doc["gradable"] is True and doc["score"] == pytest.approx(7 / 11)
    info = json.loads(readme_block("### PrairieLearn", "The question's `info.json`", "json"))
    options = info["externalGradingOptions"]
    assert options["entrypoint"] == "/grade/serverFilesCourse/kata/run.sh" and options["serverFilesCourse"] == ["kata/"]


def test_the_platforms_words_are_in_the_language_graded_in(graded):
    ben = graded["ben"]
    assert reports.gradescope([ben], "zh")["output"].startswith("softmax：得分 7/11，8 项检查通过 6 项（种子 11）")
    assert reports.prairielearn([ben], "en")["message"] == "softmax: 7/11 points, 6/8 checks passed (seed 11)"
    long = Entry.from_json({**ben.to_json(), "output": "x" * 2000})
    assert reports.exercism([long], "zh")["tests"][0]["output"].endswith("请把它限制在 500 个字符以内]")
