"""The result of grading one submission: checks in a stable order, one verdict."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any, TextIO

from kata.grader.sandbox import describe_gaps, required_gaps
from kata.grader.text import clean_line, clean_text
from kata.lang import DEFAULT, LANGS

class CheckStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    SKIPPED = "skipped"


class ErrorKind(StrEnum):
    """Why a submission could not be graded at all."""

    SYNTAX = "syntax"
    IMPORT = "import"
    MISSING_FUNCTION = "missing-function"
    AMBIGUOUS = "ambiguous"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    CRASH = "crash"
    INTERNAL = "internal"


CHECK_STATUSES = tuple(s.value for s in CheckStatus)
ERROR_KINDS = tuple(k.value for k in ErrorKind)
_WORDS = ("message", "hint", "tried")  # the parts of a result that are in a language


# Messages quote what the submission said and printed: they are made safe once, here,
# for every face that shows them and every gradebook that keeps them.


def _words(value: Any) -> dict[str, str]:
    """A text (a catalog ``Msg`` or plain words) in every language, made safe."""
    from kata.harness.messages import render

    return {lang: clean_text(render(value, lang), None) for lang in LANGS}


@dataclass
class CheckResult:
    """One check's verdict. ``message`` says what happened, with the hint on its last
    line (``Hint: ...``), as a terminal and a gradebook show it; the other fields are
    its parts, for faces that lay them out (the app's details pane): the hint alone,
    the call that was tried, what came back and what was expected (as text), and the
    index of the first entry that differs. The words are in English;
    ``in_lang(lang)`` gives the same result in another language."""

    id: str
    status: CheckStatus
    message: str = ""
    hint: str = ""
    tried: str = ""
    got: str = ""
    expected: str = ""
    mismatch: list[int] | None = None
    translations: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.status = CheckStatus(self.status)
        for name in ("message", "hint", "tried", "got", "expected"):
            setattr(self, name, clean_text(getattr(self, name), None))
        if self.mismatch is not None:
            self.mismatch = [int(i) for i in self.mismatch]

    @classmethod
    def said(cls, check_id: str, status: str, message: Any = "", *, hint: Any = None, tried: Any = None,
             got: str = "", expected: str = "", mismatch: Any = None) -> CheckResult:
        """A result whose words are made in every language from catalog messages."""
        from kata.harness.messages import Msg

        hint_words = _words(hint) if hint else dict.fromkeys(LANGS, "")
        line = {lang: _words(Msg("hint-line", hint=hint))[lang] if hint else "" for lang in LANGS}
        body = _words(message)
        full = {lang: body[lang] + (f"\n{line[lang]}" if hint else "") for lang in LANGS}
        tried_words = _words(tried) if tried else dict.fromkeys(LANGS, "")
        result = cls(check_id, status, full[DEFAULT], hint_words[DEFAULT], tried_words[DEFAULT], got, expected,
                     mismatch)
        result.translations = {
            lang: {"message": full[lang], "hint": hint_words[lang], "tried": tried_words[lang]}
            for lang in LANGS if lang != DEFAULT
        }
        return result

    def in_lang(self, lang: str) -> CheckResult:
        words = self.translations.get(lang)
        if not words:
            return self
        return replace(self, **words)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "translations"}
        data["status"] = str(self.status)
        return data


@dataclass
class ReportError:
    kind: ErrorKind
    message: str
    translations: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.kind = ErrorKind(self.kind)
        self.message = clean_text(self.message, None)

    @classmethod
    def said(cls, kind: str, message: Any) -> ReportError:
        words = _words(message)
        error = cls(kind, words[DEFAULT])
        error.translations = {lang: words[lang] for lang in LANGS if lang != DEFAULT}
        return error

    def in_lang(self, lang: str) -> ReportError:
        if lang in self.translations:
            return replace(self, message=self.translations[lang])
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "message": self.message}


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

    def in_lang(self, lang: str) -> Report:
        """The same report, its words in ``lang``."""
        if lang == DEFAULT:
            return self
        other = replace(self, checks=[c.in_lang(lang) for c in self.checks],
                        error=self.error.in_lang(lang) if self.error else None)
        return other

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kata": self.kata,
            "status": self.status,
            "checks": [c.to_dict() for c in self.checks],
            "error": self.error.to_dict() if self.error else None,
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


# The report's own words in the default language, as in messages.yaml (a test holds the
# two equal): the common case, a report in English, then costs no YAML read.
CHROME = {
    "report-title": "{kata}  (seed {seed})",
    "report-no-kata": "no kata to check it against",
    "report-output": "output of your code:",
    "report-sandbox-gaps": "sandbox: graded without {gaps}",
    "report-summary": "{verdict}: {passed}/{total} checks passed in {seconds} s",
    "report-not-graded": "{verdict}: the file could not be graded",
}


def render_text(report: Report, *, colour: bool = False, file_label: str | None = None, lang: str = DEFAULT) -> str:
    """The report as a terminal shows it, in ``lang`` (statuses and check ids stay as they
    are: they are names a script or a teacher may search for)."""

    def paint(text: str, status: str) -> str:
        return f"\x1b[{_COLOURS[status]}m{text}\x1b[0m" if colour else text

    def say(key: str, **params: Any) -> str:
        if lang == DEFAULT:  # a passing check in English never reads the message catalog
            return CHROME[key].format(**params)
        from kata.harness.messages import Msg

        return Msg(key, **params).render(lang)

    report = report.in_lang(lang)
    lines = []
    title = say("report-title", kata=report.kata, seed=report.seed) if report.kata else say("report-no-kata")
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
        lines.append("  " + say("report-output"))
        lines.extend("  | " + line for line in report.output.rstrip().splitlines()[:40])
    gaps = required_gaps(report.sandbox_missing)
    if gaps:
        lines.append(paint("  " + say("report-sandbox-gaps", gaps=describe_gaps(gaps)), "skipped"))
    total = len(report.checks)
    verdict = paint(report.status.upper(), report.status)
    if total:
        summary = say("report-summary", verdict=verdict, passed=report.passed, total=total,
                      seconds=f"{report.duration_ms / 1000:.2f}")
    else:
        summary = say("report-not-graded", verdict=verdict)
    lines.append(summary)
    return "\n".join(lines)


def print_report(
    report: Report, stream: TextIO = sys.stdout, file_label: str | None = None, lang: str = DEFAULT
) -> None:
    stream.write(render_text(report, colour=use_colour(stream), file_label=file_label, lang=lang) + "\n")
