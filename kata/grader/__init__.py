"""The hidden-test grader: runs a submission in a child process and judges its answers.

No Textual here: ``kata check`` and ``kata grade`` import only this package, numpy and
the standard library. The names below load lazily, so that ``kata.grader.spawn`` can
start a child before numpy is imported.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "grade": "kata.grader.engine",
    "new_seed": "kata.grader.engine",
    "CheckResult": "kata.grader.report",
    "Report": "kata.grader.report",
    "ReportError": "kata.grader.report",
    "Limits": "kata.grader.limits",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
