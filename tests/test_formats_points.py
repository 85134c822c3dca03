"""Points: what each check is worth (``Kata.points``, ``--points FILE``), in every
gradebook and in the CSV's score column (points earned / points possible)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import kata.exercises as catalog
from kata.errors import UsageError
from kata.grader import gradebook
from kata.grader.entry import Entry
from kata.grader.points import Points, load
from kata.grader.report import Report, ReportError
from tests.test_grade import CORRECT

# Fails `overflow` and `underflow` (fixed inputs), passes the other six checks.
NAIVE = "import numpy as np\n\ndef softmax(x):\n    print('debug <b>x</b>')\n    return np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)\n"
CRASH = "import numpy as np\nraise RuntimeError('boom')\n\ndef softmax(x):\n    return x\n"
POINTS = "softmax:\n  basic: 2\n  overflow: 3\n"  # the other six checks: 1 each; 11 in all
SOFTMAX_CHECKS = ["basic", "overflow", "underflow", "shape", "dtype", "no-mutation", "gradient", "hand-written"]


def kata(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kata", *args], capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL, timeout=300)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, _warm_pool):
    """Entries of a passing, a failing and a crashing softmax, of a file that does not
    parse, and of one that defines no kata function (no kata, no checks), seed 11."""
    from kata.grader import grade

    folder = tmp_path_factory.mktemp("subs")
    kata = catalog.get_kata("softmax")
    entries = {}
    for name, source in (("ann", CORRECT), ("ben", NAIVE), ("cat", CRASH), ("dan", "def softmax(x:\n")):
        path = folder / f"{name}.py"
        path.write_text(source)
        with _warm_pool.slot() as spawner:
            report = grade(path, kata, seed=11, spawner=spawner)
        entries[name] = Entry.from_report(report, id=f"{name}.py", file=f"{name}.py")
    nothing = Report(kata="", seed=11, error=ReportError("missing-function", "eve.py defines none of the kata functions"))
    entries["eve"] = Entry.from_report(nothing, id="eve.py")
    points = load(_points_file(folder), catalog)
    points.weigh(entries.values(), catalog)
    return entries


def _points_file(folder: Path) -> Path:
    path = folder / "points.yaml"
    path.write_text(POINTS)
    return path


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    """A class folder: a passing, a failing and a crashing submission (in a student folder)."""
    root = tmp_path_factory.mktemp("class")
    (root / "ann.py").write_text(CORRECT)
    (root / "ben.py").write_text(NAIVE)
    (root / "cat").mkdir()
    (root / "cat" / "answer.py").write_text(CRASH)
    return root


def test_every_check_weighs_1_unless_the_kata_says_otherwise():
    softmax = catalog.get_kata("softmax")
    assert Points().weights(softmax) == dict.fromkeys(SOFTMAX_CHECKS, 1.0)
    heavier = softmax.with_(points={"overflow": 4, "gradient": 0.5})
    assert Points().weights(heavier) == {**dict.fromkeys(SOFTMAX_CHECKS, 1.0), "overflow": 4.0, "gradient": 0.5}
    assert Points({"softmax": {"overflow": 2}}).weights(heavier)["overflow"] == 2.0  # the teacher's file wins
    with pytest.raises(ValueError, match="not its checks"):
        softmax.with_(points={"overflw": 2}).weights()
    with pytest.raises(ValueError, match="numbers >= 0"):
        softmax.with_(points={"basic": -1})


def test_every_katas_own_points_are_valid():
    for kata in catalog.catalog().values():
        weights = kata.weights()
        assert list(weights) == [c.id for c in kata.checks] and sum(weights.values()) > 0, kata.id
        # the README says every built-in kata leaves its checks at 1: change it with this line
        assert set(weights.values()) == {1.0}, kata.id


README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readmes_points_file_and_its_error_are_what_kata_does(tmp_path):
    section = README.read_text().split("\n## Points\n", 1)[1].split("\n## ", 1)[0]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "points.yaml"
    path.write_text(example)
    assert load(path, catalog).overrides == {"softmax": {"basic": 2, "overflow": 3, "hand-written": 0},
                                             "sigmoid": {"gradient": 2.5}}
    said = section.split("```\nkata: ", 1)[1].split("\n", 1)[0]
    path.write_text("softmax:\n  overflw: 1\n")
    with pytest.raises(UsageError) as err:
        load(path, catalog)
    assert str(err.value) == said.replace("--points points.yaml", f"--points {path}")


def test_a_points_file_in_yaml_or_json(tmp_path):
    yaml_file = _points_file(tmp_path)
    json_file = tmp_path / "points.json"
    json_file.write_text('{"softmax": {"basic": 2, "overflow": 3}, "sigmoid": {"hand-written": 0.5}}')
    assert load(yaml_file, catalog).overrides == {"softmax": {"basic": 2.0, "overflow": 3.0}}
    assert load(json_file, catalog).overrides["sigmoid"] == {"hand-written": 0.5}


@pytest.mark.parametrize(("text", "says"), [
    ("softmx:\n  basic: 1\n", "1:1: unknown kata `softmx`. Did you mean `softmax`?"),
    ("softmax:\n  basik: 1\n", "2:3: `softmax` has no check `basik` (did you mean `basic`?)"),
    ("softmax:\n  basic: -1\n", "2:10: `softmax.basic` is -1: points cannot be negative"),
    ("softmax:\n  basic: two\n", "`softmax.basic` must be a number of points >= 0"),
    ('{"softmax": {"basic": "2"}}', "`softmax.basic` must be a number of points >= 0"),
    ("softmax:\n  basic: .nan\n", "`softmax.basic` must be a number of points >= 0"),
    ("softmax:\n  basic: [1]\n", "`softmax.basic` must be a number of points >= 0"),
    ("softmax:\n  basic: 1\n  basic: 2\n", "`softmax.basic` is given twice"),
    ("softmax: 3\n", "under `softmax:` give its checks"),
    ("- softmax\n", "expected a mapping of kata ids"),
    ("softmax: [1, 2\n", "YAML syntax error"),
    ("softmax:\n  basic: !!float 1\n", "tag"),
    ("softmax:\n  basic: &a 1\n  overflow: *a\n", "anchors"),
    ("", "is empty"),
    ("softmax: {" + ", ".join(f"{c}: 0" for c in SOFTMAX_CHECKS) + "}\n", "would be worth 0 points"),
])  # fmt: skip
def test_a_bad_points_file_is_one_line_naming_the_file(tmp_path, text, says):
    path = tmp_path / "points.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as err:
        load(path, catalog)
    message = str(err.value)
    assert message.startswith(f"--points {path}") and says in message and "\n" not in message


@pytest.mark.parametrize(("name", "text", "says"), [
    ("points.yaml", "softmax:\n  basic: 1e308\n", "2:10: `softmax.basic` is 1e308: too large"),
    ("points.yaml", "softmax:\n  basic: 1e400\n", "2:10: `softmax.basic` is 1e400: too large"),
    ("points.yaml", "softmax:\n  basic: " + "9" * 40 + "\n", "too large"),
    ("points.yaml", "softmax:\n  basic: 1000000.5\n", "at most 1,000,000 points"),
    ("points.yaml", "softmax:\n  basic: \uff12\n", "`softmax.basic` must be a number of points >= 0"),
    ("points.yaml", "softmax:\n  basic: \u0663\n", "`softmax.basic` must be a number of points >= 0"),
    ("points.json", '{"softmax": {"basic": 1e400}}', "`softmax.basic` is 1e400: too large"),
    ("points.json", '{"softmax": {"basic": NaN}}', "NaN is not a number of points"),
    ("points.json", '{"softmax": {"basic": Infinity}}', "Infinity is not a number of points"),
    ("points.json", '{"softmax": {"basic": 1, "basic": 2}}', "'basic' is given twice"),
    ("points.json", '{"softmax": {"basic": 1}, "softmax": {"basic": 2}}', "'softmax' is given twice"),
    ("points.json", '{"softmax": {basic: 1}}', "JSON syntax error"),
    ("points.json", 'softmax:\n  basic: 1\n', "JSON syntax error"),  # YAML is not JSON
    ("points.json", '{"softmax": {"basic": true}}', "`softmax.basic` must be a number of points >= 0"),
    ("points.json", '{"softmax": {"basic": -1}}', "`softmax.basic` is -1: points cannot be negative"),
])  # fmt: skip
def test_points_are_finite_ascii_numbers_and_json_is_strict_json(tmp_path, name, text, says):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as err:
        load(path, catalog)
    message = str(err.value)
    assert message.startswith(f"--points {path}") and says in message and "\n" not in message, message
    assert "bank" not in message


def test_the_most_points_keep_every_gradebook_valid(graded):
    """At the bound, every sum stays finite: each JSON format is strict JSON, the CSV plain numbers."""
    entries = [Entry.from_json(e.to_json()) for e in graded.values()]
    Points({"softmax": dict.fromkeys(SOFTMAX_CHECKS, 1_000_000)}).weigh(entries, catalog)

    def refuse(name):
        raise AssertionError(f"{name} in a gradebook")

    for fmt in gradebook.ALL_FORMATS:
        text = gradebook.write(entries, fmt)
        if fmt == "csv":
            scores = [(r["score"], r["points"], r["max_points"]) for r in csv.DictReader(io.StringIO(text))]
            assert ("0.75", "6000000", "8000000") in scores, scores
        elif fmt != "junit":
            json.loads(text, parse_constant=refuse)
    # Should a sum ever overflow anyway, the JSON writers fail closed rather than write NaN.
    entries[0].checks[0].max_points = float("inf")
    for fmt in ("json", "gradescope", "prairielearn", "github-classroom"):  # exercism shows no points
        with pytest.raises(ValueError, match="Out of range float"):
            gradebook.write(entries, fmt)


def test_a_points_file_is_not_called_a_bank(tmp_path):
    path = tmp_path / "points.yaml"
    for text in ("softmax:\n  basic: &a 1\n", "a: 1\n---\nb: 2\n", "[" * 60 + "]" * 60 + "\n"):
        path.write_text(text)
        with pytest.raises(UsageError) as err:
            load(path, catalog)
        assert "bank" not in str(err.value), str(err.value)
    path.write_bytes(b"a: 1\n" + b"#" * (9 << 20))
    with pytest.raises(UsageError) as err:
        load(path, catalog)
    assert "bank" not in str(err.value) and "points file" in str(err.value)


def test_a_gradebook_with_too_many_points_is_refused():
    bad = json.dumps([{"id": "a", "kata": "k", "status": "pass", "checks": [{"id": "c", "status": "pass",
                                                                             "max_points": 1e308}]}])
    with pytest.raises(UsageError, match="max_points must be a number >= 0 and <= 1,000,000"):
        gradebook.read(bad)


def test_a_bad_points_file_stops_grading_before_it_starts(klass, tmp_path):
    bad = tmp_path / "points.yaml"
    bad.write_text("softmax:\n  overflow: -2\n")
    for command in (["grade", str(klass), "--out", str(tmp_path / "g.csv")], ["check", str(klass / "ann.py")]):
        proc = kata(*command, "--points", str(bad))
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
        assert proc.stdout == ""
    assert not (tmp_path / "g.csv").exists()
    with pytest.raises(UsageError, match="nope.yaml: no such file"):
        load(tmp_path / "nope.yaml", catalog)


def test_csv_score_is_points_earned_over_points_possible(graded):
    text = gradebook.write(graded.values(), "csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert list(rows["ben.py"])[:6] == ["id", "kata", "status", "score", "points", "max_points"]
    assert (rows["ben.py"]["score"], rows["ben.py"]["points"], rows["ben.py"]["max_points"]) == ("0.6364", "7", "11")
    assert rows["ann.py"]["score"] == "1" and rows["cat.py"]["score"] == "0" and rows["cat.py"]["max_points"] == "11"
    assert rows["ben.py"]["weights"] == "basic=2 overflow=3"


@pytest.mark.parametrize("fmt", gradebook.FORMATS)
def test_points_survive_every_gradebook(graded, fmt):
    back = {e.id: e for e in gradebook.read(gradebook.write(graded.values(), fmt))}
    for entry in graded.values():
        assert (back[entry.id].points, back[entry.id].max_points) == (entry.points, entry.max_points), fmt
        assert back[entry.id].score == entry.score


def test_old_gradebooks_without_points_are_still_read():
    """Written before points: every check weighs 1, the score is passed/total as it was."""
    old_csv = ("id,kata,status,score,basic,overflow,error,duration_ms,seed,sha256,sandbox,run\n"
               "a.py,softmax,fail,0.5,pass,fail,,12,3,ab,,\n")
    old_json = json.dumps([{"id": "a.py", "kata": "softmax", "status": "fail", "seed": 3, "duration_ms": 12,
                            "checks": [{"id": "basic", "status": "pass"}, {"id": "overflow", "status": "fail"}]}])
    for text in (old_csv, old_json):
        (entry,) = gradebook.read(text)
        assert (entry.points, entry.max_points, entry.score) == (1, 2, "0.5")


def test_a_gradebook_with_bad_points_is_refused():
    bad = json.dumps([{"id": "a", "kata": "k", "status": "pass", "checks": [{"id": "c", "status": "pass",
                                                                             "max_points": -1}]}])
    with pytest.raises(UsageError, match="max_points must be a number >= 0"):
        gradebook.read(bad)
    with pytest.raises(UsageError):
        gradebook.read("id,kata,status,c,weights\na,k,pass,pass,c=lots\n")


def test_kata_check_json_shows_the_points(klass, tmp_path):
    proc = kata("check", str(klass / "ben.py"), "--kata", "softmax", "--seed", "3", "--json", "--no-record",
                "--points", str(_points_file(tmp_path)))
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["points"], report["max_points"], report["score"]) == (7, 11, round(7 / 11, 6))
    assert [(c["id"], c["points"], c["max_points"]) for c in report["checks"][:3]] == [
        ("basic", 2, 2), ("overflow", 0, 3), ("underflow", 0, 1)]


def test_kata_grade_csv_scores_with_the_points(klass, tmp_path):
    out = tmp_path / "grades.csv"
    proc = kata("grade", str(klass), "--kata", "softmax", "--seed", "5", "-j", "1", "--out", str(out),
                "--points", str(_points_file(tmp_path)))
    assert proc.returncode == 1, proc.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert [(rows[i]["score"], rows[i]["points"], rows[i]["max_points"]) for i in ("ann.py", "ben.py", "cat")] == [
        ("1", "11", "11"), ("0.6364", "7", "11"), ("0", "0", "11")]
