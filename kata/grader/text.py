"""Text that came from a submission, made safe for terminals and files (standard library only).

One function does it, and every way out uses it: the child's answers as they are
decoded, the report's messages and output as they are made, the gradebook's cells as
they are written, the terminal and the app as they show them. What it takes away is
what a terminal or a viewer would act on instead of showing: C0 and C1 control
characters (escape sequences that repaint the screen, set the title, write the
clipboard; carriage returns that overwrite a line), DEL, the characters that reorder
or hide text (bidirectional overrides, zero-width marks) or break it into lines
(U+2028, U+2029), and lone surrogates, which cannot be written as UTF-8. Each is shown
escaped, as Python would write it (``\\x1b``, ``\\u202e``), so the reader still sees that
it was there.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\ud800-\udfff\ufff9-\ufffb]"
)
_UNSAFE_IN_A_LINE = re.compile(_UNSAFE.pattern[:1] + "\t\n" + _UNSAFE.pattern[1:])


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean_text(text: str, limit: int | None = 4000) -> str:
    """``text`` cut to ``limit`` characters (None: not cut), with every unsafe character
    shown escaped; newlines and tabs are kept. Safe to apply twice."""
    if limit is not None:
        text = text[:limit]
    return _UNSAFE.sub(_escaped, text)


def clean_line(text: str, limit: int | None = 1000) -> str:
    """As ``clean_text``, for one line (a file name, a label): newlines and tabs too."""
    if limit is not None:
        text = text[:limit]
    return _UNSAFE_IN_A_LINE.sub(_escaped, text)
