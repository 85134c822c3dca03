"""What the grader knows about one check, laid out from the result's fields: the call
tried, what came back beside what was expected (the first differing entry marked), the
hint, the whole message, and what the code printed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text

from kata.tui.i18n import t

if TYPE_CHECKING:
    from kata.grader.report import CheckResult, Report

STATUS_MARK = {"pass": "✓", "fail": "✗", "error": "!", "skipped": "·", "timeout": "⏱", "memory": "⏱"}
_STYLE = {"pass": "bold green", "fail": "bold red", "error": "bold red"}
#: Characters that end an entry in an array as numpy prints it.
_BREAKS = "[](), \n"


def entry_span(text: str, index: list[int]) -> tuple[int, int] | None:
    """Where the entry at ``index`` is in ``text``, an array as numpy prints it
    (``[[1., 2.], [3., nan]]``), or None when the text does not have that entry (a
    summarised ``...`` array, a scalar, another shape)."""
    if not index or "..." in text:
        return None
    path: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "[":
            path.append(0)
        elif char == "]":
            if not path:
                return None
            path.pop()
        elif char == "," and path:
            path[-1] += 1
        elif char not in _BREAKS:
            end = i
            while end < len(text) and text[end] not in _BREAKS:
                end += 1
            if path == index:
                return i, end
            i = end
            continue
        i += 1
    return None


def marked(value: str, index: list[int] | None) -> Text:
    """``value`` as plain text, with the entry at ``index`` highlighted."""
    text = Text(value)
    span = entry_span(value, index) if index else None
    if span is not None:
        text.stylize("bold reverse", *span)
    return text


def summary_line(result: CheckResult, lang: str) -> str:
    """The first line of a check's message, and a marker when there is more to see."""
    message = result.message or t("status_" + str(result.status), lang)
    first, _, rest = message.partition("\n")
    return first + (" …" if rest.strip() else "")


def check_details(result: CheckResult, lang: str, output: str | None = None) -> Text:
    """Everything the grader said about ``result`` (already in ``lang``), as text, and
    what the code printed (unless ``output`` is None)."""
    status = str(result.status)
    out = Text()
    out.append(f"{STATUS_MARK.get(status, status)} {result.id}", style=_STYLE.get(status, "bold yellow"))
    out.append(f"  ({t('status_' + status, lang)})\n")
    labels = [t("tried", lang), t("got", lang), t("expected", lang)]
    width = max(cell_len(label) for label in labels) + 2
    labels = [label + " " * (width - cell_len(label)) for label in labels]
    if result.tried:
        out.append(f"\n{labels[0]}", style="bold")
        out.append(result.tried)
        out.append("\n")
    if result.got or result.expected:
        out.append(labels[1], style="bold")
        out.append_text(marked(result.got, result.mismatch))
        out.append(f"\n{labels[2]}", style="bold")
        out.append_text(marked(result.expected, result.mismatch))
        out.append("\n")
        if result.mismatch:
            out.append(t("differs_at", lang, index=result.mismatch) + "\n", style="italic")
    if result.hint:
        out.append(f"\n{t('hint_label', lang)}", style="bold")
        out.append(result.hint + "\n")
    if result.message:
        out.append(f"\n{t('grader_says', lang)}\n", style="bold")
        out.append(result.message + "\n")
    if output is not None:
        out.append_text(printed(output, lang))
    return out


def report_details(report: Report, lang: str) -> Text:
    """A report without a check to show (the file could not run), or a passing one."""
    out = Text()
    if report.error is not None:
        out.append(f"! {report.error.kind}\n", style="bold red")
        out.append(report.error.message + "\n")
    else:
        out.append(t("all_passed", lang, n=report.passed) + "\n", style="bold green")
    out.append_text(printed(report.output, lang))
    return out


def printed(output: str, lang: str) -> Text:
    """What the code printed (stdout, then stderr after a ``[stderr]`` line), whole."""
    out = Text()
    out.append(f"\n{t('printed', lang)}\n", style="bold")
    if output.strip():
        out.append(output if output.endswith("\n") else output + "\n")
    else:
        out.append(t("printed_nothing", lang) + "\n", style="italic")
    return out
