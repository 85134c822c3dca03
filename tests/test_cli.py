"""The command line: exit codes, JSON report shape, detection, help, and no Textual in `check`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kata.cli import build_parser
from kata.commands import COMMAND_MODULES

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "softmax.py"
NAIVE = ROOT / "tests" / "fixtures" / "submissions" / "softmax" / "naive_exp.py"


def kata(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kata", *args], capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL, timeout=120
    )


def test_check_json_report_has_the_documented_shape():
    proc = kata("check", str(SOLUTION), "--kata", "softmax", "--json", "--seed", "42")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert set(report) >= {"kata", "status", "checks", "error", "seed", "output", "duration_ms"}
    assert report["kata"] == "softmax" and report["status"] == "pass" and report["error"] is None
    assert report["seed"] == 42 and isinstance(report["duration_ms"], int)
    assert [c["id"] for c in report["checks"]] == [
        "basic", "overflow", "underflow", "shape", "dtype", "no-mutation", "gradient", "hand-written"
    ]
    for check in report["checks"]:
        assert set(check) == {"id", "status", "message", "hint", "tried", "got", "expected", "mismatch",
                              "points", "max_points"}
        assert check["points"] == check["max_points"] == 1  # every check of softmax weighs 1, and passed
    assert (report["points"], report["max_points"], report["score"]) == (8, 8, 1.0)


def test_check_failing_file_exits_1_and_seed_reproduces_the_run():
    first = kata("check", str(NAIVE), "--json", "--seed", "99")
    second = kata("check", str(NAIVE), "--json", "--seed", "99")
    assert first.returncode == 1
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["status"] == "fail"
    assert [(c["id"], c["status"], c["message"]) for c in a["checks"]] == [
        (c["id"], c["status"], c["message"]) for c in b["checks"]
    ]


def test_check_human_output_names_the_failing_check_and_teaches(tmp_path):
    proc = kata("check", str(NAIVE), "--seed", "1")
    assert proc.returncode == 1
    assert "FAIL" in proc.stdout and "overflow" in proc.stdout
    assert "709.78" in proc.stdout
    assert "checking" in proc.stderr and "`softmax`" in proc.stderr


def test_check_detects_the_kata_and_handles_several(tmp_path):
    both = tmp_path / "both.py"
    both.write_text(SOLUTION.read_text() + "\n" + (ROOT / "solutions" / "softmax_backward.py").read_text())
    proc = kata("check", str(both))
    assert proc.returncode == 2 and "--kata all" in proc.stderr
    proc = kata("check", str(both), "--kata", "all", "--json")
    assert proc.returncode == 0, proc.stdout
    data = json.loads(proc.stdout)
    assert data["status"] == "pass" and [r["kata"] for r in data["reports"]] == ["softmax", "softmax-backward"]
    nothing = tmp_path / "nothing.py"
    nothing.write_text("x = 1\n")
    proc = kata("check", str(nothing))
    assert proc.returncode == 2 and "--kata" in proc.stderr


@pytest.mark.parametrize(
    "args, needle",
    [
        (("check", "no/such/file.py", "--kata", "softmax"), "no such file"),
        (("check", str(SOLUTION), "--kata", "sofmax"), "Did you mean `softmax`"),
        (("check", str(SOLUTION), "--timeout", "-3"), "--timeout"),
        (("check", str(SOLUTION), "--seed", "abc"), "--seed"),
        (("show", "nope"), "unknown kata"),
        (("check",), "FILE"),
    ],
)
def test_bad_usage_exits_2_with_one_clear_line(args, needle):
    proc = kata(*args)
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_on_a_folder_is_bad_usage(tmp_path):
    proc = kata("check", str(tmp_path), "--kata", "softmax")
    assert proc.returncode == 2 and "folder" in proc.stderr


def test_list_show_and_start(tmp_path):
    proc = kata("list", "--json")
    ids = [k["id"] for k in json.loads(proc.stdout)]
    assert {"softmax", "softmax-backward"} <= set(ids)
    proc = kata("show", "softmax", "--hints", "1", "--lang", "zh")
    assert proc.returncode == 0 and "函数约定" in proc.stdout and "提示 1" in proc.stdout
    proc = kata("start", "softmax", str(tmp_path))
    assert proc.returncode == 0
    written = tmp_path / "softmax.py"
    assert written.read_text().startswith('"""Kata: softmax')
    again = kata("start", "softmax", str(tmp_path))
    assert again.returncode == 2 and "--force" in again.stderr
    assert kata("start", "softmax", str(tmp_path), "--force").returncode == 0


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_list_groups_the_katas_under_their_topics_in_catalogue_order(lang):
    from kata.exercises import catalog
    from kata.exercises.topics import BY_ID, CATALOGUE

    proc = kata("--lang", lang, "list")
    assert proc.returncode == 0, proc.stderr
    heading, seen = None, {}
    names = {t.name(lang): t.id for t in CATALOGUE}
    for line in proc.stdout.splitlines():
        if line and not line.startswith(" "):
            heading = names[line]  # a heading is a topic's name in the language asked for
            assert heading not in seen, f"topic {heading} listed twice"
            seen[heading] = []
        elif line:
            seen[heading].append(line.split()[0])
    assert list(seen) == sorted(seen, key=lambda t: BY_ID[t].order)
    assert {k: t for t, ids in seen.items() for k in ids} == {k.id: k.topic for k in catalog().values()}
    rows = json.loads(kata("list", "--json").stdout)
    assert [(r["id"], r["topic"]) for r in rows] == [(k, t) for t, ids in seen.items() for k in ids]


def test_the_topic_catalogue_is_complete():
    from kata.exercises.topics import CATALOGUE, UnknownTopic, topic
    from kata.lang import LANGS

    assert [t.id for t in CATALOGUE] == ["softmax", "losses", "normalisation", "attention", "detection",
                                         "convolution", "clustering"]
    assert len({t.order for t in CATALOGUE}) == len(CATALOGUE)
    for t in CATALOGUE:
        assert set(t.names) == set(LANGS) and all(t.names.values()), t.id
    with pytest.raises(UnknownTopic, match="topic `classic` is not one of softmax, losses"):
        topic("classic")


def test_start_without_dir_writes_to_the_workspace(_isolated_home):
    proc = kata("start", "softmax-backward")
    assert proc.returncode == 0
    path = Path(proc.stdout.strip())
    assert path == _isolated_home / "workspace" / "softmax_backward.py"
    assert path.exists()


@pytest.mark.parametrize("name", COMMAND_MODULES)
def test_every_command_has_help(name):
    proc = kata(name, "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith(f"usage: kata {name}")
    module_doc = __import__(f"kata.commands.{name}", fromlist=["x"]).__doc__
    assert module_doc and module_doc.strip().splitlines()[0] in proc.stdout


def test_top_level_help_lists_every_command():
    help_text = build_parser().format_help()
    for name in COMMAND_MODULES:
        assert name in help_text


def test_check_does_not_import_textual():
    code = (
        "import sys; from kata.cli import main; "
        f"rc = main(['check', {str(SOLUTION)!r}, '--kata', 'softmax', '--json']); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_core_modules_import_without_textual():
    code = (
        "import sys, kata.grader, kata.exercises, kata.cli; kata.exercises.catalog(); "
        "assert 'textual' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_detection_treats_called_kata_functions_as_helpers():
    from kata.exercises import detect, detect_all

    source = (
        "import numpy as np\n"
        "def softmax(x):\n    e = np.exp(x - x.max(-1, keepdims=True))\n    return e / e.sum(-1, keepdims=True)\n"
        "def softmax_backward(dy, y):\n    return y * (dy - (dy * y).sum(-1, keepdims=True))\n"
    )
    assert [k.id for k in detect(source)] == ["softmax", "softmax-backward"]
    using_helper = source.replace("return y * (dy", "s = softmax(y)\n    return y * (dy")
    assert [k.id for k in detect(using_helper)] == ["softmax-backward"]
    assert [k.id for k in detect_all(using_helper)] == ["softmax", "softmax-backward"]


def test_check_records_the_attempt_unless_told_not_to(_isolated_home):
    assert kata("check", str(SOLUTION), "--seed", "3").returncode == 0
    assert kata("check", str(NAIVE), "--seed", "3", "--no-record").returncode == 1
    assert kata("check", str(SOLUTION), "--examples").returncode == 0
    proc = kata("stats", "--json")
    assert proc.returncode == 0, proc.stderr
    from kata.store import Store

    with Store.open(_isolated_home) as store:
        history = store.kata_history()
        dues = store.kata_card_dues()
    assert [(h.kata_id, h.status) for h in history] == [("softmax", "pass")]
    # the pass rated the kata's review card: Good (untimed), due in days, not now
    assert history[0].rating == 3 and [kata_id for kata_id, _ in dues] == ["softmax"]
    assert dues[0][1] > history[0].attempted_at + 86400
    review = json.loads(proc.stdout)["review"]
    assert (review["kata_cards"], review["katas_due"]) == (1, [])


@pytest.mark.parametrize(
    "argv, name",
    [
        (["check", "f.py"], "check"),
        (["--data-dir", "check", "list"], "list"),
        (["--lang", "zh", "check", "f.py"], "check"),
        (["--data-dir=d", "show", "softmax"], "show"),
        (["--", "check"], "check"),
        (["--version"], None),
        ([], None),
    ],
)
def test_command_name_is_found_before_parsing(argv, name):
    from kata.cli import command_name

    assert command_name(argv) == name


def _processes_inside(folder: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cwd = (entry / "cwd").resolve()
            except OSError:
                continue
            if cwd.is_relative_to(folder):
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--seed", "abc", str(SOLUTION)),  # argparse refuses it
        ("check", "--help"),  # argparse exits 0
        ("check", "no/such/file.py"),  # the command refuses it
        ("check", str(SOLUTION), "--kata", "nope"),
    ],
)
def test_the_child_started_ahead_is_gone_when_check_stops_early(tmp_path, args):
    """`kata check` starts its child before parsing; every early exit ends it."""
    env = {**__import__("os").environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "kata", *args], capture_output=True, text=True, env=env, timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode in (0, 2), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.glob("kata-run-*")), "the child's work folder was left behind"
    assert _processes_inside(tmp_path) == []


def test_check_output_is_complete_when_piped(tmp_path):
    """The fast exit after grading must not lose buffered output."""
    proc = kata("check", str(SOLUTION), "--kata", "all", "--json", "--seed", "1", "--no-record")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "pass"


@pytest.mark.parametrize(
    "args, said",
    [
        (["check", "--timeout", "0", "x.py"], "--timeout: must be more than 0 and at most 3600 seconds, got 0"),
        (["check", "--memory", "lots", "x.py"], "--memory: expected a number of MiB"),
        (["check", "--bogus", "x.py"], "unrecognized arguments: --bogus"),
        (["--data-dir", "", "list"], "--data-dir: is empty"),
        (["list", "--data-dir", ""], "--data-dir: is empty"),
        (["frob"], "invalid choice: 'frob'"),
        (["check"], "the following arguments are required: FILE"),
        (["grade", "x", "--shard", "9/2"], "--shard takes I/N"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(args, said):
    proc = kata(*args)
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert said in line
    assert proc.stdout == ""


def _path_and_id_options():
    """Every option or argument of check, grade, merge, watch and export anki that names a
    file, a folder or an id (by its metavar), with the words that reach it."""
    import argparse

    from kata.cli import build_parser

    def subparsers(parser):
        return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices

    commands = subparsers(build_parser())
    wanted = {"check": commands["check"], "grade": commands["grade"], "merge": commands["merge"],
              "watch": commands["watch"], "export anki": subparsers(commands["export"])["anki"]}
    for words, parser in wanted.items():
        for action in parser._actions:
            names = str(action.metavar or "").replace(".apkg", "").split("|")
            if action.nargs == 0 or not set(names) & {"FILE", "ID", "PATH", "DIR"}:
                continue
            yield words.split(), action


@pytest.mark.parametrize(("words", "action"), list(_path_and_id_options()),
                         ids=lambda v: " ".join(v) if isinstance(v, list) else (v.option_strings or [v.dest])[0])
def test_an_empty_path_or_id_is_a_usage_error(words, action, capsys):
    from kata.cli import build_parser

    others = {"check": ["x.py"], "watch": ["x.py"], "grade": ["x"], "merge": ["a.json"], "export": []}[words[0]]
    if action.option_strings:
        argv = [*words, *others, action.option_strings[-1], ""]
    else:  # the positional itself is empty
        argv = [*words, ""]
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    assert stop.value.code == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "is empty: give " in line, line


def test_every_path_and_id_option_is_covered():
    seen = {(" ".join(w), (a.option_strings or [a.dest])[-1]) for w, a in _path_and_id_options()}
    assert {("check", "--points"), ("check", "--out"), ("check", "--kata"), ("check", "file"),
            ("grade", "--manifest"), ("grade", "--write-manifest"), ("grade", "--out"), ("grade", "--points"),
            ("grade", "paths"), ("merge", "--out"), ("merge", "files"), ("watch", "--kata"),
            ("export anki", "--out"), ("export anki", "--bank")} <= seen, seen
