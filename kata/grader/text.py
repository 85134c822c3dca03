"""Text from the child, made safe for people and files (standard library only)."""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str, limit: int = 4000) -> str:
    """Bounded, with no lone surrogates (they cannot be written as UTF-8) and no control
    characters but newlines and tabs (escape sequences would repaint the reader's
    terminal); each one dropped shows as U+FFFD."""
    text = text[:limit].encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("\ufffd", text)
