"""The result of grading one submission: checks in a stable order, one verdict."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

from kata.grader.sandbox import describe_gaps, required_gaps
from kata.grader.text import clean_line, clean_text

CHECK_STATUSES = ("pass", "fail", "error", "timeout", "memory", "skipped")
ERROR_KINDS = ("syntax", "import", "missing-function", "ambiguous", "refused", "timeout", "memory", "crash", "internal")


# Messages quote what the submission said and printed: they are made safe once, here,
# for every face that shows them and every gradebook that keeps them.


@dataclass
class CheckResult:
    """One check's verdict. ``message`` says what happened, with the hint on its last
    line (``Hint: ...``), as a terminal and a gradebook show it; the other fields are
    its parts, for faces that lay them out (the app's details pane): the hint alone,
    the call that was tried, what came back and what was expected (as text), and the
    index of the first entry that differs."""

    id: str
    status: str  # one of CHECK_STATUSES
    message: str = ""
    hint: str = ""
    tried: str = ""
    got: str = ""
    expected: str = ""
    mismatch: list[int] | None = None

    def __post_init__(self) -> None:
        assert self.status in CHECK_STATUSES, self.status
        for name in ("message", "hint", "tried", "got", "expected"):
            setattr(self, name, clean_text(getattr(self, name), None))
        if self.mismatch is not None:
            self.mismatch = [int(i) for i in self.mismatch]


@dataclass
class ReportError:
    kind: str  # one of ERROR_KINDS
    message: str

    def __post_init__(self) -> None:
        assert self.kind in ERROR_KINDS, self.kind
        self.message = clean_text(self.message, None)


@dataclass
class Report:
    kata: str
    seed: int
    checks: list[CheckResult] = field(default_factory=list)
    error: ReportError | None = None
    output: str = ""
    duration_ms: int = 0
    file: str | None = None
    sandbox: list[str] = field(default_factory=list)  # kernel protections in force for the child
    sandbox_missing: list[dict[str, str]] = field(default_factory=list)  # {"protection", "reason"}

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "output" or (name == "file" and value is not None):  # printed by, or named by, the submitter
            value = clean_text(value, None) if name == "output" else clean_line(value, None)
        super().__setattr__(name, value)

    @property
    def status(self) -> str:
        """``pass`` only when every check ran and passed; ``error`` when the submission
        could not be loaded or run at all; otherwise ``fail``."""
        if self.error is not None:
            return "error"
        if self.checks and all(c.status == "pass" for c in self.checks):
            return "pass"
        return "fail"

    @property
    def passed(self) -> int:
        return sum(c.status == "pass" for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kata": self.kata,
            "status": self.status,
            "checks": [asdict(c) for c in self.checks],
            "error": asdict(self.error) if self.error else None,
            "seed": self.seed,
            "output": self.output,
            "duration_ms": self.duration_ms,
            "sandbox": list(self.sandbox),
            "sandbox_missing": [dict(m) for m in self.sandbox_missing],
        }
        if self.file is not None:
            data["file"] = self.file
        return data


# ---------------------------------------------------------------- human output

_COLOURS = {
    "pass": "32",
    "fail": "31",
    "error": "31",
    "timeout": "33",
    "memory": "33",
    "skipped": "2",
}


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def render_text(report: Report, *, colour: bool = False, file_label: str | None = None) -> str:
    def paint(text: str, status: str) -> str:
        return f"\x1b[{_COLOURS[status]}m{text}\x1b[0m" if colour else text

    lines = []
    title = f"{report.kata}  (seed {report.seed})" if report.kata else "no kata to check it against"
    if file_label:
        title = f"{clean_line(file_label, None)}: {title}"
    lines.append(title)
    if report.error is not None:
        lines.append(paint(f"  ERROR  {report.error.kind}", "error"))
        lines.extend("         " + line for line in report.error.message.splitlines())
    for check in report.checks:
        label = paint(f"{check.status.upper():7}", check.status)
        lines.append(f"  {label} {check.id}")
        if check.status != "pass" and check.message:
            for line in check.message.splitlines():
                lines.append(" " * 11 + line)
    if report.output.strip():
        lines.append("  output of your code:")
        lines.extend("  | " + line for line in report.output.rstrip().splitlines()[:40])
    gaps = required_gaps(report.sandbox_missing)
    if gaps:
        lines.append(paint(f"  sandbox: graded without {describe_gaps(gaps)}", "skipped"))
    total = len(report.checks)
    verdict = paint(report.status.upper(), report.status)
    summary = f"{verdict}: {report.passed}/{total} checks passed in {report.duration_ms / 1000:.2f} s"
    if not total:
        summary = f"{verdict}: the file could not be graded"
    lines.append(summary)
    return "\n".join(lines)


def print_report(report: Report, stream: TextIO = sys.stdout, file_label: str | None = None) -> None:
    stream.write(render_text(report, colour=use_colour(stream), file_label=file_label) + "\n")
