"""Textual's stylesheet, with its parsed CSS kept for the life of the process.

Textual parses all the CSS again each time a screen is opened for the first time: its
``reparse`` builds a fresh ``Stylesheet``, and with it an empty parse cache, so every
rule of every widget is tokenised again though neither the CSS nor the theme changed.
That was about a tenth of what opening a screen cost. Here the cache is shared by the
stylesheets of the process and keyed by the CSS variables (the theme) as well, so a
theme change still parses anew. Errors are raised as before: CSS that fails to parse
is not kept, and rules that hold errors are refused by ``parse`` each time.
"""

from __future__ import annotations

from typing import ClassVar

from textual.cache import LRUCache
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation


class SharedStylesheet(Stylesheet):
    """A ``Stylesheet`` whose parsed rules are shared with every other one in the process."""

    # One entry per CSS source and theme: kata has a few dozen sources and two themes.
    _shared: ClassVar[LRUCache[tuple, list[RuleSet]]] = LRUCache(512)

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = self._shared.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            self._shared[key] = rules
        return rules

    def reparse(self) -> None:
        """Textual's ``reparse``: the sources parsed again in a fresh stylesheet (so that an
        error leaves this one as it was), of this class, so that it finds what was parsed."""
        fresh = type(self)(variables=self._variables)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker,
                             scope=scope)
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False
