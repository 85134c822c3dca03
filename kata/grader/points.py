"""Points: what each check is worth, for every report format and the CSV's score.

A kata gives its defaults (``Kata.points``, check id -> points; a check it does not name
weighs 1). A teacher overrides them with ``--points FILE``, a small YAML (or JSON) file::

    softmax:          # a kata id
      basic: 2        # check id: points (a number, 0 to 1,000,000)
      overflow: 3
    sigmoid:
      hand-written: 0

A ``.json`` file is strict JSON (no NaN or Infinity, no key twice). Any other file is read
with the strict reader of the banks (``kata.yamltree``: no tags,
anchors or aliases, bounded size) and checked whole against the catalog before any
grading: an unknown kata or check, a negative or non-numeric value, a kata whose checks
would all be worth 0, more than ``MAX_POINTS`` (1,000,000: every sum stays finite), digits
that are not ASCII, bad YAML, is one ``UsageError`` line naming the file, the place and
what to write instead.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kata.errors import UsageError
from kata.grader.entry import MAX_POINTS
from kata.grader.text import clean_line

if TYPE_CHECKING:
    from kata.grader.entry import Entry
    from kata.grader.katas import KataSource
    from kata.harness.contract import Kata

# ASCII digits only (``\d`` alone would take ``２`` or ``٣``, which float() reads too).
_NUMBER = re.compile(r"[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_NEGATIVE = re.compile(r"-([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_NOUN = "points file"
_SHAPE = "write `KATA-ID:` on a line, then `  CHECK-ID: POINTS` lines under it"


@dataclass
class Points:
    """The kata's own points, with a teacher's overrides on top (kata id -> check id -> points)."""

    overrides: dict[str, dict[str, float]] = field(default_factory=dict)
    source: str = ""

    def weights(self, kata: Kata) -> dict[str, float]:
        """Every check of ``kata`` with its points, in check order."""
        weights = kata.weights()
        weights.update(self.overrides.get(kata.id, {}))
        return weights

    def weigh(self, entries: Iterable[Entry], katas: KataSource) -> None:
        """Give each entry's checks their points. An entry without a kata (a file that
        defines no kata function) keeps the default: each check 1, nothing to add up."""
        cache: dict[str, dict[str, float] | None] = {}
        for entry in entries:
            if not entry.kata:
                continue
            if entry.kata not in cache:
                try:
                    cache[entry.kata] = self.weights(katas.get_kata(entry.kata))
                except UsageError:  # a kata this version no longer has (an old gradebook)
                    cache[entry.kata] = None
            weights = cache[entry.kata]
            if weights is not None:
                entry.weigh(weights)


def load(path: str | Path, katas: KataSource) -> Points:
    """The points of ``path`` (``--points``), checked against ``katas``. A ``.json`` file is
    read as strict JSON (no NaN or Infinity, no key twice), any other as strict YAML."""
    from kata import yamltree

    label = clean_line(str(path), 200)
    is_json = Path(path).suffix.lower() == ".json"
    try:
        text = yamltree.read_text(path, noun=_NOUN)
        root = _json_tree(text) if is_json else yamltree.parse(text, noun=_NOUN)
    except yamltree.YamlRefused as err:
        if not Path(path).exists():
            raise UsageError(f"--points {label}: no such file") from None
        raise UsageError(f"--points {label}:{err.line}:{err.col}: {err.message}") from None
    if root is None:
        raise UsageError(f"--points {label} is empty: {_SHAPE}")

    def refuse(node: yamltree.Node, message: str) -> UsageError:
        if node.mark is None:  # from JSON: no place kept, the message names the key
            return UsageError(f"--points {label}: {message}")
        line, col = yamltree.position(node)
        return UsageError(f"--points {label}:{line}:{col}: {message}")

    if not isinstance(root, yamltree.Mapping):
        raise refuse(root, f"expected a mapping of kata ids: {_SHAPE}")
    overrides: dict[str, dict[str, float]] = {}
    for key, value in zip(root.items[::2], root.items[1::2], strict=True):
        kata_id = _key(key, refuse, "a kata id")
        if kata_id in overrides:
            raise refuse(key, f"`{kata_id}` is given twice: keep one")
        try:
            kata = katas.get_kata(kata_id)
        except UsageError as err:  # its words name the closest id
            raise refuse(key, str(err)) from None
        if not isinstance(value, yamltree.Mapping):
            raise refuse(value, f"under `{kata_id}:` give its checks and their points, one `CHECK-ID: POINTS` a line")
        checks = [c.id for c in kata.checks]
        mine: dict[str, float] = {}
        for ckey, cvalue in zip(value.items[::2], value.items[1::2], strict=True):
            check_id = _key(ckey, refuse, "a check id")
            if check_id in mine:
                raise refuse(ckey, f"`{kata_id}.{check_id}` is given twice: keep one")
            if check_id not in checks:
                raise refuse(ckey, f"`{kata_id}` has no check `{clean_line(check_id, 60)}`"
                                   f"{_close(check_id, checks)} (its checks: {', '.join(checks)})")
            mine[check_id] = _value(cvalue, refuse, f"{kata_id}.{check_id}")
        weights = kata.weights()
        weights.update(mine)
        if not any(weights.values()):
            raise refuse(key, f"every check of `{kata_id}` would be worth 0 points: give one of them more")
        overrides[kata_id] = mine
    return Points(overrides, source=label)


class _JsonNumber(str):
    """A JSON number's text, as written (checked like a plain YAML scalar)."""


def _json_tree(text: str):
    """Strict JSON as the nodes of ``kata.yamltree`` (without places), or ``None`` if blank."""
    import json

    from kata import yamltree

    def no_constant(name: str):
        raise ValueError(f"{name} is not a number of points")

    def pairs(items: list[tuple[str, object]]) -> dict:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                raise ValueError(f"the key {clean_line(key, 60)!r} is given twice: keep one")
            seen.add(key)
        return {"__pairs__": items}

    if not text.strip():
        return None
    try:
        raw = json.loads(text, parse_constant=no_constant, object_pairs_hook=pairs,
                         parse_int=_JsonNumber, parse_float=_JsonNumber)
    except json.JSONDecodeError as err:
        raise yamltree.YamlRefused(err.lineno, err.colno, f"JSON syntax error: {err.msg}") from None
    except (ValueError, RecursionError) as err:
        raise yamltree.YamlRefused(1, 1, f"not valid JSON for points: {err}") from None

    def node(value: object) -> yamltree.Node:
        if isinstance(value, dict):
            mapping = yamltree.Mapping(None)
            for key, item in value["__pairs__"]:
                mapping.items += [yamltree.Scalar(key, False, None), node(item)]
            return mapping
        if isinstance(value, list):
            sequence = yamltree.Sequence(None)
            sequence.items = [node(v) for v in value]
            return sequence
        if isinstance(value, _JsonNumber):
            return yamltree.Scalar(str(value), True, None)
        # a string, true, false or null: never a number of points
        return yamltree.Scalar(value if isinstance(value, str) else json.dumps(value), False, None)

    return node(raw)


def _key(node: yamltree.Node, refuse, what: str) -> str:
    from kata import yamltree

    if not isinstance(node, yamltree.Scalar) or not node.value:
        raise refuse(node, f"expected {what} here: {_SHAPE}")
    return node.value


def _value(node: yamltree.Node, refuse, where: str) -> float:
    from kata import yamltree

    text = node.value.strip() if isinstance(node, yamltree.Scalar) else ""
    if isinstance(node, yamltree.Scalar) and node.plain and _NUMBER.fullmatch(text):
        value = float(text)
        if math.isfinite(value) and value <= MAX_POINTS:
            return value
        raise refuse(node, f"`{where}` is {clean_line(text, 40)}: too large; a check is worth at most "
                           f"{MAX_POINTS:,} points")
    if isinstance(node, yamltree.Scalar) and node.plain and _NEGATIVE.fullmatch(text):
        raise refuse(node, f"`{where}` is {text}: points cannot be negative (0 leaves the check out of the score)")
    shown = clean_line(text, 40) if isinstance(node, yamltree.Scalar) else "not a number"
    raise refuse(node, f"`{where}` must be a number of points >= 0 (such as 2 or 0.5), got {shown!r}")


def _close(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""
