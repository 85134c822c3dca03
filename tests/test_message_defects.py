"""The message defects a corpus of 90 real hand-written functions showed, each pinned:
the verdict was right, the words were not. Each submission is written here, graded in
the sandbox, and its report read in English and in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

from kata.exercises import get_kata
from kata.grader import Limits

CJK = re.compile("[\u4e00-\u9fff]")
LIMITS = Limits(timeout=20)


def _grade(grade_warm, tmp_path: Path, kata_id: str, source: str, seed: int = 7):
    path = tmp_path / "submission.py"
    path.write_text(source, encoding="utf-8")
    return grade_warm(path, get_kata(kata_id), seed=seed, limits=LIMITS)


def _by_id(report) -> dict:
    return {c.id: c for c in report.checks}


def test_an_object_dtype_result_is_named_as_one(grade_warm, tmp_path):
    report = _grade(grade_warm, tmp_path, "sigmoid", (
        "import math\nimport numpy as np\n"
        "_s = np.frompyfunc(lambda v: 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v)), 1, 1)\n"
        "def sigmoid(x):\n    return _s(x)\n"
    ))
    checks = _by_id(report)
    basic = checks["basic"]
    assert basic.status == "fail"
    assert "dtype object" in basic.message and "frompyfunc" in basic.hint
    assert "a ndarray, not an ndarray" not in basic.message
    # Said once; the checks after it are marked as not judged again for that reason.
    said = [c for c in report.checks if "dtype object" in c.message]
    assert said == [basic]
    for later in ("overflow", "shape", "dtype", "no-mutation", "gradient"):
        assert checks[later].status == "skipped" and "`basic`" in checks[later].message
    assert CJK.search(basic.in_lang("zh").message)


def test_a_formula_bug_gets_no_shape_or_overflow_hint(grade_warm, tmp_path):
    report = _grade(grade_warm, tmp_path, "sigmoid", (
        "import numpy as np\n\ndef sigmoid(x):\n    return 1 / (1 - np.exp(-x))\n"
    ))
    checks = _by_id(report)
    assert checks["basic"].status == "fail" and "σ(x) = 1/(1 + e^(−x))" in checks["basic"].hint
    for later in ("overflow", "shape"):
        assert checks[later].status == "fail"
        # Not the overflow advice or the shape advice: the values are wrong everywhere.
        assert "`basic`" in checks[later].hint, checks[later].hint
        assert "overflow" not in checks[later].hint.lower()
        assert "shape" not in checks[later].hint.lower()
        assert "`basic`" in checks[later].in_lang("zh").hint


def test_a_crash_on_1d_input_is_reported_once(grade_warm, tmp_path):
    report = _grade(grade_warm, tmp_path, "softmax", (
        "import numpy as np\n\ndef softmax(x):\n    m = x.max(axis=1, keepdims=True)\n"
        "    e = np.exp(x - m)\n    return e / e.sum(axis=1, keepdims=True)\n"
    ))
    crashed = [c for c in report.checks if "AxisError" in c.message]
    assert len(crashed) == 1 and crashed[0].id == "basic"
    assert "axis=-1" in crashed[0].hint
    after = [c for c in report.checks if c.id not in ("basic", "hand-written")]
    assert after and all(c.status == "skipped" and "`basic`" in c.message for c in after)
    assert _by_id(report)["hand-written"].status == "pass"
    zh = report.in_lang("zh")
    assert all(CJK.search(c.message) for c in zh.checks if c.status != "pass")


def test_the_gradient_hint_names_rows_that_depend_on_each_other(grade_warm, tmp_path):
    report = _grade(grade_warm, tmp_path, "softmax", (
        "import numpy as np\n\ndef softmax(x):\n    z = x - x.max(axis=-1, keepdims=True)\n"
        "    e = np.exp(z)\n    return e / e.sum()\n"
    ))
    gradient = _by_id(report)["gradient"]
    assert gradient.status == "fail"
    assert "row" in gradient.hint and "moves when input row" in gradient.hint
    assert "round" not in gradient.hint.lower()
    assert "float32" not in gradient.hint


def test_softmax_jacobian_dtype_is_checked_on_batches_too(grade_warm, tmp_path):
    report = _grade(grade_warm, tmp_path, "softmax-jacobian", (
        "import numpy as np\n\ndef softmax_jacobian(y):\n    dtype = np.asarray(y).dtype\n"
        "    y = np.asarray(y, dtype=np.float64)\n"
        "    out = y[..., :, None] * (np.eye(y.shape[-1]) - y[..., None, :])\n"
        "    return out.astype(dtype) if out.ndim == 2 else out\n"
    ))
    checks = _by_id(report)
    assert checks["basic"].status == "pass" and checks["shape"].status == "pass"
    dtype = checks["dtype"]
    assert dtype.status == "fail" and "float32" in dtype.message and "float64" in dtype.message
    assert "[[" in dtype.tried  # the input that showed it is a batch


def test_a_global_max_softmax_fails_underflow_on_rows_of_different_scales(grade_warm, tmp_path):
    report = _grade(grade_warm, tmp_path, "softmax", (
        "import numpy as np\n\ndef softmax(x):\n    e = np.exp(x - x.max())\n"
        "    return e / e.sum(axis=-1, keepdims=True)\n"
    ))
    underflow = _by_id(report)["underflow"]
    assert underflow.status == "fail"
    assert "nan" in underflow.got
    assert "own" in underflow.hint  # each row needs its own maximum


def test_an_unused_heavy_import_fails_the_hand_written_check(grade_warm, tmp_path):
    report = _grade(grade_warm, tmp_path, "softmax", (
        "import numpy as np\nimport torch\n\ndef softmax(x):\n    z = x - x.max(axis=-1, keepdims=True)\n"
        "    e = np.exp(z)\n    return e / e.sum(axis=-1, keepdims=True)\n"
    ))
    assert report.error is not None and "torch" in report.error.message
    static = _by_id(report)["hand-written"]
    assert static.status == "fail" and "torch" in static.message
    others = [c for c in report.checks if c.id != "hand-written"]
    assert all(c.status == "skipped" for c in others)
    assert CJK.search(report.in_lang("zh").error.message)
