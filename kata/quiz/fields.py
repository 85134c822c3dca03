"""Reading typed values out of YAML nodes, with a problem for each bad one.

:class:`FieldChecker` knows how a bank spells a boolean, an integer, a number, an id, a
text in several languages and a mapping of known keys; :mod:`kata.quiz.schema` builds on
it to check whole banks. Every problem is reported at the node that is wrong.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection
from collections.abc import Mapping as AbstractMapping
from types import MappingProxyType
from typing import ClassVar

from kata.quiz.model import LANGUAGES, Location, Problem, Text
from kata.yamltree import Mapping, Node, Scalar, Sequence, position

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")
INTEGER_PATTERN = re.compile(r"[-+]?[0-9]+\Z")
NUMBER_PATTERN = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# YAML 1.1 booleans, as PyYAML's safe loader reads them.
_TRUE = frozenset({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})
_FALSE = frozenset({"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})


def describe(node: Node) -> str:
    """How a node reads in a message: ``a list``, ``nothing``, or its quoted value."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if node.plain and node.value in _NULLS:
        return "nothing"
    value = node.value
    return repr(value if len(value) <= 40 else value[:37] + "...")


def is_null(node: Node) -> bool:
    """Whether the node is YAML's null (an empty value, ``~`` or ``null``)."""
    return isinstance(node, Scalar) and node.plain and node.value in _NULLS


class FieldChecker:
    """Collects problems for one file while reading its values.

    ``missing_hints`` completes "X has no 'key'" messages with what the key holds.
    """

    missing_hints: ClassVar[AbstractMapping[str, str]] = MappingProxyType({})

    def __init__(self, path: str, builtin: bool) -> None:
        self.path = path
        self.builtin = builtin
        self.problems: list[Problem] = []

    # -- reporting -------------------------------------------------------------------

    def problem(self, node: Node, message: str) -> None:
        line, col = position(node)
        self.problems.append(Problem(self.path, line, col, message))

    def location(self, node: Node) -> Location:
        line, col = position(node)
        return Location(self.path, line, col)

    # -- structure -------------------------------------------------------------------

    def fields(
        self,
        node: Node,
        allowed: Collection[str],
        what: str,
        *,
        known: Collection[str] = (),
        hint_for: dict[str, str] | None = None,
    ) -> dict[str, tuple[Scalar, Node]] | None:
        """The known keys of a mapping node; reports duplicate and unknown keys.

        ``known`` are keys that exist in the format but not in this place; ``hint_for``
        gives a tailored message for some of them.
        """
        if not isinstance(node, Mapping):
            self.problem(node, f"{what} must be a mapping of keys and values, not {describe(node)}")
            return None
        found: dict[str, tuple[Scalar, Node]] = {}
        seen: dict[str, Scalar] = {}
        items = node.items
        for i in range(0, len(items), 2):
            key, value = items[i], items[i + 1]
            if not isinstance(key, Scalar):
                self.problem(key, f"a key in {what} must be a word, not {describe(key)}")
                continue
            name = key.value
            first = seen.get(name)
            if first is not None:
                self.problem(
                    key,
                    f"duplicate key '{name}' (first at line {first.mark.line + 1}): "
                    "YAML would silently keep only the last one; remove one of them",
                )
                continue
            seen[name] = key
            if name in allowed:
                found[name] = (key, value)
            else:
                self.unknown_key(key, name, allowed, what, known, hint_for or {})
        return found

    def unknown_key(
        self,
        key: Scalar,
        name: str,
        allowed: Collection[str],
        what: str,
        known: Collection[str],
        hint_for: dict[str, str],
    ) -> None:
        if name in hint_for:
            self.problem(key, hint_for[name])
            return
        if name in known:
            self.problem(key, f"'{name}' does not belong in {what}: check the indentation")
            return
        candidates = list(allowed) + [k for k in known if k not in allowed]
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        if close:
            suggestion = close[0]
            message = f"unknown key '{name}' in {what}: did you mean '{suggestion}'?"
            if suggestion not in allowed and suggestion in hint_for:
                message += f" ({hint_for[suggestion]})"
        else:
            message = f"unknown key '{name}' in {what} (allowed: {', '.join(allowed)})"
        self.problem(key, message)

    def require(
        self,
        found: dict[str, tuple[Scalar, Node]],
        name: str,
        node: Node,
        owner: str,
        hint: str | None = None,
    ) -> Node | None:
        entry = found.get(name)
        if entry is None:
            hint = hint or self.missing_hints.get(name)
            self.problem(node, f"{owner} has no '{name}'" + (f": {hint}" if hint else ""))
            return None
        return entry[1]

    # -- values ----------------------------------------------------------------------

    def ident(self, node: Node, field: str) -> str | None:
        if isinstance(node, Scalar) and not is_null(node):
            value = node.value
            if ID_PATTERN.match(value):
                return value
            self.problem(
                node,
                f"{field} {value!r} is not valid: use lowercase letters, digits and hyphens, "
                "starting with a letter or digit (such as 'sigmoid-range')",
            )
        else:
            self.problem(
                node, f"'{field}' must be a word such as 'sigmoid-range', not {describe(node)}"
            )
        return None

    def integer(self, node: Node, field: str, low: int, high: int, meaning: str) -> int | None:
        if isinstance(node, Scalar) and node.plain and INTEGER_PATTERN.match(node.value):
            value = int(node.value)
            if low <= value <= high:
                return value
        self.problem(node, f"'{field}' must be an integer {meaning}, not {describe(node)}")
        return None

    def boolean(self, node: Node, field: str) -> bool | None:
        if isinstance(node, Scalar) and node.plain:
            if node.value in _TRUE:
                return True
            if node.value in _FALSE:
                return False
        quoted = " (without quotes)" if isinstance(node, Scalar) and not node.plain else ""
        self.problem(node, f"'{field}' must be true or false{quoted}, not {describe(node)}")
        return None

    def number(self, node: Node, field: str, *, non_negative: bool = False) -> float | None:
        if isinstance(node, Scalar):
            text = node.value.strip()
            if node.plain and NUMBER_PATTERN.match(text):
                value = float(text)
                if not math.isfinite(value):
                    self.problem(node, f"'{field}' is too large to be a number: {text}")
                    return None
                if non_negative and value < 0:
                    self.problem(node, f"'{field}' must be zero or positive, not {text}")
                    return None
                return value
            if not node.plain and NUMBER_PATTERN.match(text):
                self.problem(
                    node, f"'{field}' is a quoted string: remove the quotes to make it a number"
                )
                return None
            if node.plain and text.lower().lstrip("+-") in (".inf", ".nan"):
                self.problem(node, f"'{field}' must be a finite number, not {text}")
                return None
        self.problem(node, f"'{field}' must be a number such as 0.25 or 1e-3, not {describe(node)}")
        return None

    def string(self, node: Node, field: str) -> str | None:
        if isinstance(node, Scalar) and not is_null(node) and node.value.strip():
            return node.value
        if isinstance(node, Scalar):
            self.problem(node, f"'{field}' is empty: write it out")
        else:
            self.problem(node, f"'{field}' must be a string, not {describe(node)}")
        return None

    def text(self, node: Node, field: str, *, translated: bool = True) -> Text | None:
        """A text; in a built-in bank a ``translated`` text must have every language."""
        if isinstance(node, Scalar):
            if is_null(node) or not node.value.strip():
                self.problem(node, f"'{field}' is empty: write the text")
                return None
            if translated and self.builtin:
                self.problem(
                    node,
                    f"'{field}' needs {' and '.join(LANGUAGES)} in a built-in bank: "
                    f"write it as {{{', '.join(f'{lang}: ...' for lang in LANGUAGES)}}}",
                )
                return None
            return Text.plain(node.value)
        if not isinstance(node, Mapping):
            self.problem(
                node,
                f"'{field}' must be a text (a string, or {{en: ..., zh: ...}}), not {describe(node)}",
            )
            return None
        before = len(self.problems)
        pairs: list[tuple[str, str]] = []
        seen: set[str] = set()
        items = node.items
        for i in range(0, len(items), 2):
            key, value = items[i], items[i + 1]
            lang = key.value if isinstance(key, Scalar) else None
            if lang is None or (lang not in LANGUAGES and not LANGUAGE_PATTERN.match(lang)):
                self.problem(
                    key, f"{describe(key)} in '{field}' is not a language code such as en or zh"
                )
                continue
            if lang in seen:
                self.problem(key, f"'{field}' has {lang} twice: remove one")
                continue
            seen.add(lang)
            if not isinstance(value, Scalar) or is_null(value) or not value.value.strip():
                self.problem(
                    value, f"'{field}' in {lang} must be a non-empty string, not {describe(value)}"
                )
                continue
            pairs.append((lang, value.value))
        if not items:
            self.problem(node, f"'{field}' is empty: write the text")
        elif self.builtin:
            missing = [lang for lang in LANGUAGES if lang not in seen]
            if missing:
                self.problem(
                    node,
                    f"'{field}' has no {' or '.join(missing)} translation: "
                    f"every text of a built-in bank needs {' and '.join(LANGUAGES)}",
                )
        return Text(tuple(pairs)) if len(self.problems) == before else None

    def sequence(self, node: Node, field: str, *, example: str) -> list[Node] | None:
        if isinstance(node, Sequence):
            return node.items
        self.problem(node, f"'{field}' must be a list such as {example}, not {describe(node)}")
        return None

    def tags(self, node: Node) -> tuple[str, ...]:
        items = self.sequence(node, "tags", example="[sigmoid, gradients]")
        tags: list[str] = []
        for item in items or ():
            tag = self.ident(item, "tag")
            if tag is not None and tag not in tags:
                tags.append(tag)
        return tuple(tags)
