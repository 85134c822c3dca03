"""The info-nce kata: its reference against a loop and finite differences, the claims its texts
make, and a (loss, grad) answer not blamed on a mistake that gives the right answer too."""

from __future__ import annotations

import numpy as np
import pytest

from kata.exercises import get_kata
from kata.harness import Case
from kata.harness.checks import CheckFailed
from kata.harness.messages import render

KATA = get_kata("info-nce")
nt_xent = KATA.reference


def loop_loss(z, tau):
    n2 = len(z)
    u = z / np.linalg.norm(z, axis=1, keepdims=True)
    total = 0.0
    for i in range(n2):
        pos = (i + n2 // 2) % n2
        den = sum(np.exp(u[i] @ u[j] / tau) for j in range(n2) if j != i)
        total += -np.log(np.exp(u[i] @ u[pos] / tau) / den)
    return total / n2


@pytest.mark.parametrize(("shape", "tau"), [((4, 3), 0.5), ((6, 2), 0.2), ((8, 5), 0.1), ((2, 4), 1.0)])
def test_the_reference_is_the_loop_and_its_gradient_the_derivative(shape, tau) -> None:
    rng = np.random.default_rng(sum(shape))
    z = rng.normal(size=shape) * rng.uniform(0.3, 4, size=(shape[0], 1))
    loss, dz = nt_xent(z, tau)
    assert np.isclose(loss, loop_loss(z, tau), rtol=1e-12, atol=1e-12)
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[idx] = 1e-6
        numeric[idx] = (nt_xent(z + step, tau)[0] - nt_xent(z - step, tau)[0]) / 2e-6
    assert np.allclose(dz, numeric, atol=1e-7, rtol=1e-5)
    assert np.allclose(nt_xent(z * 7.5, tau)[0], loss) and np.allclose(nt_xent(z * 7.5, tau)[1] * 7.5, dz)


def test_the_statement_claims() -> None:
    text = KATA.texts_path.read_text(encoding="utf-8")
    # "With N = 1 ... the loss is 0 and dz is 0", even with the partner pointing the other way
    for z in (np.array([[3.0, 4.0], [1.0, 0.0]]), np.array([[0.7], [-1.3]])):
        loss, dz = nt_xent(z, 0.1)
        assert loss == 0.0 and not dz.any()
    # "at τ = 1e-3 a similarity of 1 is e^1000" (overflows float64, largest e^709.78);
    # "e^100 at τ = 0.01 already overflows float32 (largest about 3.4e38)"
    assert "e^1000" in text and "e^709.78" in text and "3.4e38" in text
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(1 / 1e-3)) and np.isinf(np.exp(np.float32(1 / 0.01)))
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(709.78)) and np.isinf(np.exp(709.79))
    assert np.isclose(float(np.finfo(np.float32).max), 3.4e38, rtol=0.01)
    # "(0.05 to 0.5) make the logits 2 to 20 times larger than the cosines"
    assert "2\n    to 20 times" in text or "2 to 20 times" in text.replace("\n    ", " ")
    assert 1 / 0.5 == 2 and 1 / 0.05 == 20
    # "once the other terms are below about 5e-17·e^(1/τ) that difference is exactly 0"
    assert "5e-17·e^(1/τ)" in text
    for t in (30.0, 100.0, 500.0, 1000.0 / 3):
        big = np.exp(t)
        assert (big + 5.5e-17 * big) - big == 0.0
    # "(1 + e^−20) − 1 keeps only about 8 of the 16 digits of e^−20"
    tiny = np.exp(-20.0)
    assert 1e-9 < abs(((1.0 + tiny) - 1.0) - tiny) / tiny < 1e-7
    # the tolerance the statement gives: 8·eps/τ·max(1/τ, 1) beside the dtype's own
    for dtype, tau in ((np.float32, 0.01), (np.float64, 1e-3), (np.float32, 2.0)):
        eps = float(np.finfo(dtype).eps)
        atol, _ = KATA.tolerance(Case((np.zeros((4, 2), dtype=dtype),), {"tau": tau}), np.dtype(dtype))
        assert atol == max({np.float32: 1e-7, np.float64: 1e-12}[dtype], 8 * eps / tau * max(1 / tau, 1))


def test_the_self_similarity_is_the_largest_term_of_every_row() -> None:
    rng = np.random.default_rng(1)
    z = rng.normal(size=(10, 3))
    u = z / np.linalg.norm(z, axis=1, keepdims=True)
    s = u @ u.T / 0.2
    assert np.allclose(np.diag(s), 5.0) and np.all(s.max(axis=1) <= np.diag(s) + 1e-12)


def test_a_mistake_that_gives_the_right_answer_is_not_named() -> None:
    """With N = 1 every normalised or not variant gives a loss of 0: a loss that is off by 3e-8
    there fails, but not with the explanation of a mistake that would have been right."""
    case = Case((np.array([[0.6], [-1.0]]),), {"tau": 0.1})
    wrong = (np.float64(3.4e-8), np.zeros((2, 1)))
    with pytest.raises(CheckFailed) as err:
        KATA.result.compare(None, KATA, wrong, case, "nt_xent(z, tau)", None)
    assert render(KATA.msg("mistake.unnormalised")) not in err.value.text()
    assert err.value.cause is None


def test_a_mistake_is_named_where_it_differs() -> None:
    rng = np.random.default_rng(2)
    z = rng.normal(size=(6, 3)) * 3
    case = Case((z,), {"tau": 0.5})
    mistaken = KATA.mistakes[0].wrong(z, tau=0.5), nt_xent(z, 0.5)[1]
    with pytest.raises(CheckFailed) as err:
        KATA.result.compare(None, KATA, mistaken, case, "nt_xent(z, tau)", None)
    assert err.value.cause == ("mistake", "unnormalised")
