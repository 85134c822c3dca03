"""The log-softmax, softmax-jacobian, softmax-cross-entropy and bce-with-logits katas:
their references against plain math, the judging of (loss, dlogits) answers, and the
scalar forms a loss may take on its way back from the child process."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from kata.exercises import detect, get_kata
from kata.grader import Limits, grade
from kata.harness import Case
from kata.harness.calls import CallResult, Returned
from kata.harness.checks import CheckFailed
from kata.harness.reference import softmax

bce = get_kata("bce-with-logits").reference
log_softmax = get_kata("log-softmax").reference
cross_entropy = get_kata("softmax-cross-entropy").reference
softmax_jacobian = get_kata("softmax-jacobian").reference
CROSS_ENTROPY = get_kata("softmax-cross-entropy")


def log_softmax_tolerance(x, precise=True):
    return get_kata("log-softmax").tolerance(Case((x,)), x.dtype if precise else np.dtype(np.float32))


def expect_loss_and_grad(res, what, shape):
    """The (loss, dlogits) form, as the loss katas accept it, for an answer of ``shape``."""
    case = Case((np.zeros(shape), np.zeros(shape[:-1], dtype=np.int64)))
    return CROSS_ENTROPY.result.accept(CROSS_ENTROPY, res, what, case)

# ---------------------------------------------------------------- references against plain math


def test_log_softmax_reference_is_exact_where_log_of_softmax_is_not() -> None:
    assert log_softmax(np.array([0.0, 1000.0])).tolist() == [-1000.0, 0.0]
    x = [0.3, -1.2, 2.5]
    lse = math.log(sum(math.exp(v) for v in x))
    assert np.allclose(log_softmax(np.array(x)), [v - lse for v in x], rtol=0, atol=1e-15)
    masked = log_softmax(np.array([0.5, -np.inf, 1.25]))
    assert masked[1] == -np.inf and np.all(np.isfinite(masked[[0, 2]]))


def test_log_softmax_tolerance_grows_with_the_scale_of_x() -> None:
    small = log_softmax_tolerance(np.array([1.0, 2.0]))
    large = log_softmax_tolerance(np.array([1e4, 2.0]))
    assert small == (1e-12, 1e-6)
    assert large[0] == pytest.approx(4 * np.finfo(np.float64).eps * 1e4)
    assert log_softmax_tolerance(np.array([100.0], dtype=np.float32), precise=True)[1] == 1e-4


def test_softmax_jacobian_reference_is_the_derivative_of_softmax() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1.5, size=(2, 4))
    jac = softmax_jacobian(softmax(x))
    eps = 1e-6
    for r in range(2):
        for j in range(4):
            step = np.zeros(4)
            step[j] = eps
            column = (softmax(x[r] + step) - softmax(x[r] - step)) / (2 * eps)
            assert np.allclose(jac[r, :, j], column, atol=1e-8)
    assert softmax_jacobian(np.array([0.2, 0.3, 0.5], dtype=np.float32)).shape == (3, 3)


def test_cross_entropy_reference_against_a_loop_and_finite_differences() -> None:
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0]])
    labels = np.array([0, 1])
    loss, grad = cross_entropy(logits, labels)
    by_hand = 0.0
    for row, y in zip(logits, labels, strict=True):
        by_hand += -math.log(math.exp(row[y]) / sum(math.exp(v) for v in row))
    assert loss == pytest.approx(by_hand / 2, abs=1e-15)
    eps = 1e-6
    for idx in np.ndindex(logits.shape):
        step = np.zeros_like(logits)
        step[idx] = eps
        numeric = (cross_entropy(logits + step, labels)[0] - cross_entropy(logits - step, labels)[0]) / (2 * eps)
        assert grad[idx] == pytest.approx(numeric, abs=1e-9)
    big, _ = cross_entropy(np.array([[1e4, 0.0, -1e4]]), np.array([2]))
    assert big == pytest.approx(2e4)


def test_bce_reference_against_the_textbook_formula_and_at_large_logits() -> None:
    x = np.array([2.0, -1.0, 0.5, 0.0])
    t = np.array([1.0, 0.0, 0.3, 0.5])
    s = 1 / (1 + np.exp(-x))
    textbook = -np.mean(t * np.log(s) + (1 - t) * np.log(1 - s))
    loss, grad = bce(x, t)
    assert loss == pytest.approx(textbook, abs=1e-15)
    assert np.allclose(grad, (s - t) / 4, atol=1e-16)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # the reference never warns
        loss, grad = bce(np.array([1000.0, -1000.0, 1e4]), np.array([0.0, 1.0, 1.0]))
    assert loss == pytest.approx(2000 / 3) and grad.tolist() == pytest.approx([1 / 3, -1 / 3, 0.0])


# ---------------------------------------------------------------- judging (loss, dlogits)


def _array(value) -> Returned:
    arr = np.asarray(value)
    return Returned(kind="array", type_name="ndarray", array=arr)


def _answer(value: Returned) -> CallResult:
    return CallResult(ok=True, value=value)


def test_loss_and_grad_accepts_every_scalar_form() -> None:
    grad = _array(np.zeros((2, 3)))
    for loss in (
        Returned(kind="scalar", type_name="float", array=np.asarray(1.5)),
        Returned(kind="scalar", type_name="float32", array=np.asarray(1.5, dtype=np.float32)),
        _array(1.5),
    ):
        got_loss, got_grad = expect_loss_and_grad(_answer(Returned(kind="tuple", items=(loss, grad))), "f", (2, 3))
        assert float(got_loss) == 1.5 and got_grad.shape == (2, 3)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        (Returned(kind="scalar", type_name="float", array=np.asarray(1.5)), "loss alone"),
        (_array(np.zeros((2, 3))), "gradient alone"),
        (Returned(kind="none", type_name="NoneType"), "return statement"),
        (Returned(kind="other", type_name="list"), "not a list"),
        (Returned(kind="tuple", items=(_array(1.0),)), "tuple of 1"),
        (Returned(kind="tuple", items=(_array(np.zeros((2, 3))), _array(1.0))), "swapped"),
        (Returned(kind="tuple", items=(_array([1.5]), _array(np.zeros((2, 3))))), "Shape (1,)"),
        (Returned(kind="tuple", items=(_array([1.5, 2.0]), _array(np.zeros((2, 3))))), "MEAN"),
        (Returned(kind="tuple", items=(_array(1.5), _array(np.zeros(3)))), "shape (3,)"),
        (Returned(kind="tuple", items=(_array(1.5), _array(2.0))), "one entry per logit"),
    ],
)
def test_loss_and_grad_names_each_malformed_answer(value: Returned, needle: str) -> None:
    with pytest.raises(CheckFailed) as err:
        expect_loss_and_grad(_answer(value), "f(logits, labels)", (2, 3))
    assert needle in str(err.value)


# ---------------------------------------------------------------- through the child process

_SCE = '''
import numpy as np


def softmax_cross_entropy(logits, labels):
    n = logits.shape[0]
    rows = np.arange(n)
    z = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    loss = -np.mean(log_probs[rows, labels])
    dlogits = np.exp(log_probs)
    dlogits[rows, labels] -= 1
    return {loss}, dlogits / n
'''


@pytest.mark.parametrize(
    ("loss", "passes"),
    [
        ("float(loss)", True),
        ("loss", True),  # a numpy scalar
        ("np.asarray(loss)", True),  # a 0-d array
        ("np.float32(loss)", True),
        ("np.asarray([loss])", False),  # shape (1,)
        ("loss.reshape(1, 1)", False),
    ],
)
def test_a_loss_crosses_the_process_boundary_as_a_scalar(tmp_path: Path, loss: str, passes: bool) -> None:
    path = tmp_path / "sce.py"
    path.write_text(_SCE.format(loss=loss), encoding="utf-8")
    kata = get_kata("softmax-cross-entropy")
    report = grade(path, kata, seed=3, limits=Limits(timeout=20), checks=kata.checks[:1])
    assert report.error is None
    assert (report.status == "pass") is passes, [c.message for c in report.checks]
    if not passes:
        assert "not a scalar" in report.checks[0].message


def test_a_bce_file_with_its_own_sigmoid_helper_is_a_bce_submission() -> None:
    source = (Path(__file__).parent / "fixtures/submissions/bce-with-logits/good_sigmoid_helper.py").read_text()
    assert [k.id for k in detect(source)] == ["bce-with-logits"]


def test_log_of_softmax_is_diagnosed_by_name(tmp_path: Path) -> None:
    kata = get_kata("log-softmax")
    path = Path(__file__).parent / "fixtures/submissions/log-softmax/log_of_stable_softmax.py"
    report = grade(path, kata, seed=1, limits=Limits(timeout=20))
    (underflow,) = [c for c in report.checks if c.status != "pass"]
    assert underflow.id == "underflow" and "np.log(softmax(x))" in underflow.message
