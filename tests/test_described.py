"""describe(): a call's description in messages, rendered only when a message needs it."""

from __future__ import annotations

import numpy as np

from kata.harness.checks import CheckFailed, Described, describe


def test_it_reads_as_the_eager_text_did():
    x = np.array([1.0, 2.0, 3.0])
    what = describe("softmax", x=x)
    assert isinstance(what, Described)
    assert str(what) == "softmax(x) with x = [1., 2., 3.] (float64)"
    assert f"{what} returned" == "softmax(x) with x = [1., 2., 3.] (float64) returned"
    assert str(what + " in Fortran order").endswith("(float64) in Fortran order")
    assert str(what.called_as("softmax(x, 0.5)")).startswith("softmax(x, 0.5) with x = [1., 2., 3.]")
    assert str(CheckFailed(what)) == str(what)


def test_it_shows_the_inputs_as_they_were_when_described():
    x = np.array([1.0, 2.0])
    what = describe("sigmoid", x=x)
    x[:] = 99.0  # a check reusing its array afterwards
    assert "[1., 2.]" in str(what)


def test_large_inputs_are_named_by_shape_without_being_copied():
    big = np.zeros((50, 40), dtype=np.float32)
    what = describe("log_softmax", x=big, y=np.ones(2))
    assert str(what) == "log_softmax(x, y) with x = an array of shape (50, 40) (float32); y = [1., 1.] (float64)"


def test_lazy_text_is_made_once_and_only_when_read():
    from kata.harness.checks import Lazy

    calls = []
    text = Lazy(lambda: calls.append(1) or "the Jacobian at x")
    longer = text + " (row 2)"
    assert calls == []
    assert f"{text}: wrong" == "the Jacobian at x: wrong" and str(text) == "the Jacobian at x"
    assert str(longer) == "the Jacobian at x (row 2)"
    assert len(calls) == 1  # once (for this language), however often it is read
