"""The authoring API of kata: what a kata is written with.

A kata is a folder in ``kata/exercises/`` holding ``kata.py`` (its contract:
``KATA = Kata(...)``), ``texts.yaml`` (statement, hints, messages in every language)
and ``starter.py``, plus its reference solution in the top-level ``solutions/``. This
package never imports the runner that executes submissions (``kata.grader``), nor any
kata: a contract checked by import-linter in the test suite.
"""

from kata.harness import reference
from kata.harness.checks import (
    Check,
    CheckContext,
    CheckFailed,
    describe,
    expect_array,
    expect_close,
    expect_no_fp_warnings,
    expect_value,
)
from kata.harness.contract import Arg, Budget, Case, Cases, Example, Group, Kata, Mistake, normal, through
from kata.harness.gradients import VJP, ForwardBackward, Jacobian, LossGradient
from kata.harness.messages import Msg
from kata.harness.results import Arrays, Indices, Like, LossAndGrad, Mask

__all__ = [
    "VJP",
    "Arg",
    "Arrays",
    "Budget",
    "Case",
    "Cases",
    "Check",
    "CheckContext",
    "CheckFailed",
    "Example",
    "ForwardBackward",
    "Group",
    "Indices",
    "Jacobian",
    "Kata",
    "Like",
    "LossAndGrad",
    "LossGradient",
    "Mask",
    "Mistake",
    "Msg",
    "describe",
    "expect_array",
    "expect_close",
    "expect_no_fp_warnings",
    "expect_value",
    "normal",
    "reference",
    "through",
]
