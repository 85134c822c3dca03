"""Reference solution: log-softmax along the last axis, in log space."""

import numpy as np


def log_softmax(x: np.ndarray) -> np.ndarray:
    # log softmax(x) = x - logsumexp(x), and logsumexp(x) = m + log(sum(exp(x - m))).
    # With m the row max, the largest exponent is exp(0) = 1: nothing overflows, the sum
    # is at least 1 so its log is finite, and no probability is ever rounded to 0 and
    # then logged (which is what breaks np.log(softmax(x)) for x = [0, 1000]).
    # z is a new array, so the caller's x is untouched; keepdims keeps rows aligned.
    z = x - np.max(x, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
