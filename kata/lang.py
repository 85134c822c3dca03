"""The languages kata speaks, in one place: every text has each of them."""

from __future__ import annotations

LANGS = ("en", "zh")
DEFAULT = "en"
NAMES = {"en": "English", "zh": "中文"}


def pick(text: dict[str, str], lang: str) -> str:
    """``text`` in ``lang``, else in the default language."""
    return text.get(lang) or text.get(DEFAULT) or next(iter(text.values()), "")
