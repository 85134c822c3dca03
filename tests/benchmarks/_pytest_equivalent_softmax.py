"""The same checks as `kata check --kata softmax`, written as a plain pytest file.

The benchmark runs pytest on this file, with SUBMISSION pointing at the file under test,
as the baseline a teacher would otherwise use. It is not collected by the test suite.
"""

import ast
import importlib.util
import os
import warnings

import numpy as np
import pytest

spec = importlib.util.spec_from_file_location("submission", os.environ["SUBMISSION"])
submission = importlib.util.module_from_spec(spec)
spec.loader.exec_module(submission)
softmax = submission.softmax


def ref(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def close(got, x):
    tol = (1e-12, 1e-6) if x.dtype == np.float64 else (1e-7, 1e-4)
    np.testing.assert_allclose(got, ref(x), atol=tol[0], rtol=tol[1])


rng = np.random.default_rng(0)


@pytest.mark.parametrize("x", [np.array([1.0, 2.0, 3.0]), rng.normal(0, 2, 5), rng.normal(0, 2, 10)])
def test_basic(x):
    got = softmax(x)
    close(got, x)
    assert abs(got.sum() - 1) < 1e-9
    np.testing.assert_allclose(softmax(x + 7.5), got, atol=1e-12, rtol=1e-6)


@pytest.mark.parametrize(
    "x",
    [np.array([123.0, 456.0, 789.0]), np.array([1000.0, 1001.0, 1002.0]), rng.uniform(-1e4, 1e4, 6),
     np.array([89.0, 90.0, 100.0], dtype=np.float32),
     np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]])],
)
def test_overflow(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = softmax(x)
    assert np.all(np.isfinite(got))
    close(got, x)


@pytest.mark.parametrize("x", [np.full(3, -1000.0), np.array([0.5, -np.inf, 1.25, -np.inf])])
def test_underflow(x):
    got = softmax(x)
    close(got, x)
    assert np.all(got[np.isneginf(x)] == 0)


@pytest.mark.parametrize("shape", [(5,), (3, 5), (5, 3), (4, 4), (2, 3, 4), (3, 1), (1,)])
def test_shape(shape):
    x = rng.normal(0, 2, shape)
    got = softmax(x)
    assert got.shape == x.shape
    close(got, x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype(dtype):
    x = rng.normal(0, 2, (3, 4)).astype(dtype)
    assert softmax(x).dtype == dtype


def test_no_mutation():
    x = rng.normal(0, 2, (3, 4))
    before = x.copy()
    softmax(x)
    np.testing.assert_array_equal(x, before)


def test_gradient():
    x = rng.normal(0, 1.5, 4)
    eps = 1e-6
    cols = []
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = eps
        cols.append((softmax(x + step) - softmax(x - step)) / (2 * eps))
    s = ref(x)
    np.testing.assert_allclose(np.stack(cols, 1), np.diag(s) - np.outer(s, s), atol=1e-5, rtol=1e-3)


def test_hand_written():
    tree = ast.parse(open(os.environ["SUBMISSION"]).read())
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
            assert not any(n.split(".")[0] in ("torch", "jax", "tensorflow", "sklearn") for n in names)
