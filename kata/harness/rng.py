"""The random source of the hidden inputs: seeded, reproducible, and quick to load.

The checks draw a few hundred numbers per submission, so a Mersenne Twister from the
standard library does the job; loading ``numpy.random`` (eight extension modules)
would cost more than several checks together. The methods follow the names and
arguments of ``numpy.random.Generator`` for the part the checks use, and return
float64 (int64 for ``integers``) arrays, or a Python number when ``size`` is None.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Size = int | tuple[int, ...] | None


class InputRng:
    """A seeded generator of test inputs; the same seed always gives the same inputs."""

    def __init__(self, *seed: int) -> None:
        # Each part of the seed gets its own 64 bits, so (1, 23) and (12, 3) differ.
        mixed = 0
        for part in seed:
            mixed = (mixed << 64) | (int(part) & (2**64 - 1))
        self._random = random.Random(mixed)

    def _draw(self, size: Size, one: Callable[[], float], dtype: type = np.float64) -> Any:
        if size is None:
            return one()
        shape = (size,) if isinstance(size, int) else tuple(size)
        values = [one() for _ in range(math.prod(shape))]
        return np.array(values, dtype=dtype).reshape(shape)

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: Size = None) -> Any:
        gauss = self._random.gauss
        return self._draw(size, lambda: gauss(loc, scale))

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Size = None) -> Any:
        draw = self._random.random
        return self._draw(size, lambda: low + (high - low) * draw())

    def random(self, size: Size = None) -> Any:
        return self._draw(size, self._random.random)

    def integers(self, low: int, high: int | None = None, size: Size = None) -> Any:
        """Integers in [low, high), or [0, low) when ``high`` is None (as numpy's)."""
        if high is None:
            low, high = 0, low
        if high <= low:
            raise ValueError(f"integers: high ({high}) must be above low ({low})")
        draw = self._random.randrange
        return self._draw(size, lambda: draw(low, high), dtype=np.int64)

    def permutation(self, values: int | Sequence[Any] | np.ndarray) -> np.ndarray:
        """A shuffled copy of ``values`` (or of ``range(values)``), as an array."""
        arr = np.arange(values) if isinstance(values, int) else np.array(values)
        order = list(range(len(arr)))
        self._random.shuffle(order)
        return arr[order]
