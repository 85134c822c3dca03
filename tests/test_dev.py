"""`kata dev new` and `kata dev check`: a contributor adds a kata by writing one folder,
one solution and its fixtures, and the check says what is still missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _copy(tmp_path: Path) -> Path:
    """The package, its data and the fixtures, as a contributor's checkout. kata's
    compiled modules come along (copied with their sources' times, so Python still checks
    them against the sources and compiles whatever a test changes): each ``kata`` run
    here would otherwise compile the whole package again."""
    root = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "kata", root / "kata")
    for name in ("solutions", "questions"):
        shutil.copytree(ROOT / name, root / name, ignore=ignore)
    shutil.copytree(ROOT / "tests" / "fixtures", root / "tests" / "fixtures", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def _kata(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-m", "kata", *args], cwd=root, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=300)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


TEXTS = """\
title:
  en: Double it
  zh: 乘以二
summary:
  en: Return every entry of x multiplied by two.
  zh: 返回把 x 的每个元素乘以二的结果。
statement:
  en: |
    Write `demo_double(x)`, which returns `2 x` for a float ndarray of any shape.

    ## Contract

    - Same shape and dtype as `x`; do not modify `x`.
  zh: |
    实现 `demo_double(x)`：对任意形状的浮点 ndarray 返回 `2 x`。

    ## 函数约定

    - 形状和 dtype 与 `x` 相同；不要修改 `x`。
why:
  en: It is the smallest kata there is, for this test.
  zh: 这是最小的题目，只为这个测试而写。
hints:
  - en: Multiply by the Python number 2.
    zh: 乘以 Python 数字 2。
  - en: "`return 2 * x` keeps the dtype."
    zh: "`return 2 * x` 会保留 dtype。"
messages: {}
"""


def test_a_new_kata_is_one_folder_one_solution_and_its_fixtures(tmp_path):
    root = _copy(tmp_path)
    before = _tree(root)
    made = _kata(root, "dev", "new", "demo-double", "--function", "demo_double", "--topic", "losses")
    assert made.returncode == 0, made.stderr
    after = _tree(root)
    added = sorted(set(after) - set(before))
    assert added == [
        "kata/exercises/demo-double/kata.py",
        "kata/exercises/demo-double/starter.py",
        "kata/exercises/demo-double/texts.yaml",
        "solutions/demo_double.py",
        "tests/fixtures/submissions/demo-double/returns_input.py",
    ]
    assert all(after[p] == before[p] for p in before), "kata dev new changed an existing file"

    # As written, the check names what is missing, and fails.
    check = _kata(root, "dev", "check", "demo-double")
    assert check.returncode == 1
    assert "title has no zh text" in check.stdout
    assert "still holds a TODO" in check.stdout
    assert "the reference answer is not written yet" in check.stdout

    # Filled in, it passes, and the catalog, `kata show` and `kata check` know it.
    folder = root / "kata" / "exercises" / "demo-double"
    kata_py = folder / "kata.py"
    kata_py.write_text(
        kata_py.read_text().replace('    raise NotImplementedError("TODO: write the reference answer of demo-double")\n',
                                    "    return 2.0 * x\n")
                           .replace("TODO: say in one line what it returns.", "every entry times two."),
        encoding="utf-8")
    (folder / "texts.yaml").write_text(TEXTS, encoding="utf-8")
    (folder / "starter.py").write_text(
        "import numpy as np\n\n\ndef demo_double(x):\n    \"\"\"Twice x, same shape and dtype.\"\"\"\n"
        "    raise NotImplementedError(\"write demo_double here\")\n", encoding="utf-8")
    (root / "solutions" / "demo_double.py").write_text(
        "import numpy as np\n\n\ndef demo_double(x):\n    return 2 * x\n", encoding="utf-8")
    fixture = root / "tests" / "fixtures" / "submissions" / "demo-double" / "returns_input.py"
    fixture.write_text("# The input given back unchanged.\n# expect-fail: basic shape dtype\n"
                       "def demo_double(x):\n    return x\n", encoding="utf-8")
    check = _kata(root, "dev", "check", "demo-double")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "demo-double: ok" in check.stdout
    assert "demo-double" in _kata(root, "list").stdout
    assert "乘以二" in _kata(root, "show", "demo-double", "--lang", "zh").stdout
    graded = _kata(root, "check", str(root / "solutions" / "demo_double.py"), "--no-record")
    assert graded.returncode == 0, graded.stdout


def test_a_fixture_that_does_not_fail_as_declared_is_named(tmp_path):
    root = _copy(tmp_path)
    fixture = root / "tests" / "fixtures" / "submissions" / "sigmoid" / "claims_too_much.py"
    fixture.write_text("# A correct sigmoid that claims a failure.\n# expect-fail: overflow\n"
                       "import numpy as np\n\ndef sigmoid(x):\n"
                       "    return np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x))), np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))))\n",
                       encoding="utf-8")
    check = _kata(root, "dev", "check", "sigmoid")
    assert check.returncode == 1
    assert "claims_too_much.py: with seed 7 fails nothing (skipped checks count), declares overflow" in check.stdout


def test_a_message_the_contract_names_but_texts_lack_is_found(tmp_path):
    """A mistake's explanation missing from texts.yaml would be an internal error for the
    candidate who makes that mistake: dev check finds it first."""
    root = _copy(tmp_path)
    texts = root / "kata" / "exercises" / "sigmoid-backward" / "texts.yaml"
    lines = texts.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  mistake.sign:"))
    del lines[start:start + 3]
    texts.write_text("".join(lines), encoding="utf-8")
    check = _kata(root, "dev", "check", "sigmoid-backward")
    assert check.returncode == 1
    assert "message `mistake.sign` is named by the contract but missing" in check.stdout


def test_points_that_name_no_check_of_the_kata_are_found(tmp_path):
    """A kata's points= with a check id it does not have would stop a batch that weighs it."""
    root = _copy(tmp_path)
    source = root / "kata" / "exercises" / "sigmoid-backward" / "kata.py"
    text = source.read_text(encoding="utf-8")
    assert text.count("KATA = Kata(") == 1
    source.write_text(text.replace("KATA = Kata(", 'KATA = Kata(points={"gradeint": 2}, '), encoding="utf-8")
    check = _kata(root, "dev", "check", "sigmoid-backward")
    assert check.returncode == 1
    assert "points names gradeint, which are not its checks (basic," in check.stdout


def test_a_kata_that_does_not_load_leaves_the_others_working(tmp_path):
    root = _copy(tmp_path)
    broken = root / "kata" / "exercises" / "sigmoid" / "kata.py"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nthis is not python\n", encoding="utf-8")
    listed = _kata(root, "list")
    assert listed.returncode == 0 and "softmax" in listed.stdout
    assert "left out a kata that does not load" in listed.stderr and "sigmoid/kata.py" in listed.stderr
    graded = _kata(root, "check", str(root / "solutions" / "softmax.py"), "--no-record")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    asked = _kata(root, "show", "sigmoid")
    assert asked.returncode == 2 and "does not load" in asked.stderr and "Traceback" not in asked.stderr
    check = _kata(root, "dev", "check", "sigmoid")
    assert check.returncode == 1 and "sigmoid: does not load" in check.stdout


def test_a_kata_with_an_unknown_topic_does_not_load(tmp_path):
    """Topics are one catalogue (kata/exercises/topics.py): a kata naming another is a load
    error for that kata alone, which says which topics there are."""
    root = _copy(tmp_path)
    kata_py = root / "kata" / "exercises" / "sigmoid" / "kata.py"
    text = kata_py.read_text(encoding="utf-8")
    assert 'topic="softmax"' in text
    kata_py.write_text(text.replace('topic="softmax"', 'topic="activations"'), encoding="utf-8")
    listed = _kata(root, "list")
    assert listed.returncode == 0 and "softmax-backward" in listed.stdout
    assert "sigmoid(x)" not in listed.stdout
    [warning] = [line for line in listed.stderr.splitlines() if "sigmoid/kata.py" in line]
    assert "topic `activations` is not one of softmax, losses, normalisation" in warning
    asked = _kata(root, "show", "sigmoid")
    assert asked.returncode == 2 and "topic `activations`" in asked.stderr and "Traceback" not in asked.stderr


def test_dev_new_with_two_arguments_writes_them_everywhere(tmp_path):
    root = _copy(tmp_path)
    made = _kata(root, "dev", "new", "relu-backward", "--args", "dy,x", "--topic", "softmax")
    assert made.returncode == 0, made.stderr
    kata_py = (root / "kata" / "exercises" / "relu-backward" / "kata.py").read_text()
    assert 'Arg("dy", normal(1.0)), Arg("x", normal(1.0))' in kata_py and 'Like("dy")' in kata_py
    fixture = (root / "tests" / "fixtures" / "submissions" / "relu-backward" / "returns_input.py").read_text()
    assert "def relu_backward(dy, x):" in fixture
    assert "def relu_backward(dy: np.ndarray, x: np.ndarray)" in (root / "solutions" / "relu_backward.py").read_text()
    bad = _kata(root, "dev", "new", "other", "--args", "dy,dy", "--topic", "softmax")
    assert bad.returncode == 2 and "named twice" in bad.stderr


def test_dev_new_refuses_bad_ids_and_existing_katas(tmp_path):
    root = _copy(tmp_path)
    for args, said in ((("Bad_Id", "--topic", "softmax"), "a kata id is lowercase words"),
                       (("softmax", "--topic", "softmax"), "is a kata already"),
                       (("my-softmax", "--function", "softmax", "--topic", "softmax"),
                        "is the function of `softmax` already"),
                       (("relu", "--function", "class", "--topic", "softmax"), "must be a Python name"),
                       (("relu", "--topic", "nowhere"), "topic `nowhere` is not one of softmax, losses,"),
                       (("relu",), "required: --topic")):
        run = _kata(root, "dev", "new", *args)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert said in run.stderr and "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
