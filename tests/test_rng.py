"""The hidden inputs' random source: reproducible, and shaped like numpy's Generator."""

from __future__ import annotations

import numpy as np
import pytest

from kata.grader.engine import check_rng
from kata.harness.rng import InputRng


def test_same_seed_same_inputs_and_checks_get_their_own_streams():
    a, b = check_rng(7, "basic"), check_rng(7, "basic")
    assert np.array_equal(a.normal(0, 2, size=(3, 4)), b.normal(0, 2, size=(3, 4)))
    assert not np.array_equal(check_rng(7, "basic").normal(size=5), check_rng(7, "overflow").normal(size=5))
    assert not np.array_equal(check_rng(7, "basic").normal(size=5), check_rng(8, "basic").normal(size=5))
    # Each part of the seed counts on its own: (1, 23) is not (12, 3).
    assert InputRng(1, 23).random() != InputRng(12, 3).random()


def test_shapes_dtypes_and_ranges():
    rng = InputRng(3)
    x = rng.normal(1.0, 0.5, size=(2, 3))
    assert x.shape == (2, 3) and x.dtype == np.float64
    assert isinstance(rng.normal(), float) and isinstance(rng.uniform(-1, 1), float)
    u = rng.uniform(88.8, 300.0, size=2000)
    assert u.min() >= 88.8 and u.max() <= 300.0 and u.std() > 30
    assert rng.random((4,)).shape == (4,)
    k = rng.integers(0, 5, size=3000)
    assert k.dtype == np.int64 and set(k.tolist()) == {0, 1, 2, 3, 4}
    assert set(rng.integers(3, size=300).tolist()) == {0, 1, 2}
    big = rng.normal(0, 2, size=20000)
    assert abs(big.mean()) < 0.1 and abs(big.std() - 2) < 0.1
    with pytest.raises(ValueError):
        rng.integers(5, 5)


def test_permutation_keeps_the_values():
    rng = InputRng(11)
    values = [0.0, 1e2, 1e3, 1e4]
    orders = {tuple(rng.permutation(values).tolist()) for _ in range(50)}
    assert all(sorted(o) == values for o in orders) and len(orders) > 1
    assert sorted(rng.permutation(6).tolist()) == list(range(6))
