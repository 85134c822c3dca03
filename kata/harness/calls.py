"""What a check hands the submission and what comes back, as plain data.

``Call`` is one call to make; ``CallResult`` what it did: the value it returned
(``Returned``, rebuilt as arrays from raw bytes by the runner's protocol, never
unpickled), the exception it raised, or that it ran past its CPU budget. The runner turns these into frames on the pipe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Returned:
    """What a submitted function returned, as rebuilt on the grader's side."""

    kind: str  # "array" | "scalar" | "tuple" | "none" | "other" | "oversize"
    type_name: str = ""
    array: np.ndarray | None = None
    items: tuple[Returned, ...] = ()
    repr: str = ""
    shape: tuple[int, ...] = ()  # "oversize": the shape of an array larger than the call allowed
    dtype: str = ""  # "oversize": its dtype

    def describe(self) -> str:
        """In English; checks say it in the reader's language (``checks.describe_returned``)."""
        from kata.harness.checks import describe_returned

        return str(describe_returned(self))


@dataclass(frozen=True)
class CallResult:
    """One call of the submitted function: its return value or the exception it raised."""

    ok: bool
    value: Returned | None = None
    warnings: tuple[tuple[str, str], ...] = ()
    args_after: tuple[Returned, ...] | None = None
    threads: bool = False  # threads of its own were running when its arguments were read back
    exc_type: str = ""
    exc_msg: str = ""
    traceback: str = ""
    # The call had a CPU budget (``Call.cpu_budget``) and used more: the grader measured
    # it from outside the child and, if it was still running, stopped it there. ``ok`` is
    # False and no value came back; ``cpu`` is what it had used when it was measured.
    over_budget: bool = False
    cpu: float | None = None  # CPU seconds the call used, where it had a budget

    @property
    def fp_warnings(self) -> list[str]:
        """Floating-point warnings (overflow, invalid value, divide by zero) raised by the call."""
        return [msg for cat, msg in self.warnings if cat == "RuntimeWarning"]


@dataclass
class Call:
    """One call to make in the child."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    fn: str | None = None  # default: the kata's function
    return_args: bool = False
    fortran: bool = False  # pass array arguments in Fortran (column-major) order
    # The most elements any array in the answer may have: a larger one is described by
    # its shape and dtype only (kind "oversize"), so a wrong answer costs no memory here.
    max_size: int | None = None
    # CPU seconds the call may use (vectorisation checks): measured by the grader from
    # outside the child, which is stopped as soon as it has used more. A call with a
    # budget goes to the child alone, so the budget is its own.
    cpu_budget: float | None = None
