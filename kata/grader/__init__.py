"""The hidden-test grader: runs a submission in a child process and judges its answers.

No Textual here: ``kata check`` and ``kata grade`` import only this package, numpy and
the standard library.
"""

from kata.grader.engine import grade, new_seed
from kata.grader.report import CheckResult, Report, ReportError
from kata.grader.worker import Limits

__all__ = ["CheckResult", "Limits", "Report", "ReportError", "grade", "new_seed"]
