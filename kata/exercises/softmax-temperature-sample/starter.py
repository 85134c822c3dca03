"""Kata: softmax-temperature-sample. Read the statement with `kata show softmax-temperature-sample`;
check with `kata check <this file>`."""

import numpy as np


def temperature_sample(logits: np.ndarray, temperature: float, u: np.ndarray) -> np.ndarray:
    """One class per row of logits (N, K) from softmax(logits / temperature), by inverse CDF.

    u: (N,) float64 uniforms in [0, 1); row i gets the class k with C[k-1] <= u[i] < C[k],
    C the row's cumulative probabilities (never a class of probability 0, never K).
    temperature == 0: the argmax of each row (ties to the lowest index).
    Return an integer array of shape (N,). No argument is modified.
    """
    raise NotImplementedError("write temperature_sample here")


def gumbel_max_sample(logits: np.ndarray, temperature: float, u: np.ndarray) -> np.ndarray:
    """One class per row by the Gumbel-max trick: argmax(logits / T + g), g = -log(-log u).

    u: (N, K) float64 uniforms in (0, 1). temperature == 0: the argmax of each row.
    Return an integer array of shape (N,). No argument is modified.
    """
    raise NotImplementedError("write gumbel_max_sample here")
