"""The footer in the app's language: a screen's bindings are shown with their
descriptions (and the longer words of their tooltips, which the palette shows)
translated; the keys themselves are the same in every language."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from kata.tui.i18n import key_label

if TYPE_CHECKING:
    from textual.binding import ActiveBinding


class LocalKeys:
    """Mix into a Screen, before ``Screen``."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        bindings = super().active_bindings  # type: ignore[misc]
        lang = getattr(self.app, "lang", "en")  # type: ignore[attr-defined]
        return {
            key: active._replace(binding=replace(active.binding, description=key_label(active.binding.description, lang),
                                                 tooltip=key_label(active.binding.tooltip, lang)))
            for key, active in bindings.items()
        }
