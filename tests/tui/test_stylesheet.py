"""The app's stylesheet shares parsed CSS across the stylesheets of the process: the
same rules as Textual's own, parsed once per CSS and theme, errors raised as before."""

from __future__ import annotations

import pytest
import textual.css.stylesheet as textual_stylesheet
from textual.color import Color
from textual.css.stylesheet import Stylesheet, StylesheetParseError

from kata.tui.stylesheet import SharedStylesheet

CSS = "Static { color: $accent; padding: 1 2; }\n#menu { height: auto; }\n"


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The CSS handed to Textual's parser, one item per parse."""
    seen: list[str] = []
    real = textual_stylesheet.parse

    def counting(scope, css, *args, **kwargs):
        seen.append(css)
        return real(scope, css, *args, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    monkeypatch.setattr(SharedStylesheet, "_shared", type(SharedStylesheet._shared)(16))  # a cache of its own
    return seen


def rules_of(sheet: Stylesheet) -> list[str]:
    return [rule.css for rule in sheet.rules]


def test_the_rules_are_textuals_and_a_second_stylesheet_parses_nothing(parses):
    theirs = Stylesheet(variables={"accent": "red"})
    theirs.add_source(CSS, read_from=("app.tcss", ""))
    theirs.parse()
    parses.clear()
    first, second = (SharedStylesheet(variables={"accent": "red"}) for _ in range(2))
    for sheet in (first, second):
        sheet.add_source(CSS, read_from=("app.tcss", ""))
        sheet.parse()
    assert rules_of(first) == rules_of(second) == rules_of(theirs)
    assert parses == [CSS]  # the second found the first one's rules
    first.reparse()  # what opening a screen does
    assert parses == [CSS] and rules_of(first) == rules_of(theirs)


def test_another_theme_is_parsed_anew(parses):
    for accent in ("red", "blue", "red"):
        sheet = SharedStylesheet(variables={"accent": accent})
        sheet.add_source(CSS, read_from=("app.tcss", ""))
        sheet.parse()
        assert sheet.rules[0].styles.color == Color.parse(accent)
    assert parses == [CSS, CSS]  # red, blue; red again was kept


def test_bad_css_is_refused_every_time(parses):
    for _ in range(2):
        sheet = SharedStylesheet(variables={})
        sheet.add_source("Static { color: not-a-colour; }", read_from=("bad.tcss", ""))
        with pytest.raises(StylesheetParseError):
            sheet.parse()
    before = SharedStylesheet(variables={"accent": "red"})
    before.add_source(CSS, read_from=("app.tcss", ""))
    before.parse()
    kept = rules_of(before)
    before.add_source("Static { color: not-a-colour; }", read_from=("bad.tcss", ""))
    with pytest.raises(StylesheetParseError):
        before.reparse()
    assert rules_of(before) == kept  # a failed reparse leaves the stylesheet as it was
