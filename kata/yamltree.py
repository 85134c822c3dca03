"""Read a YAML file (a question bank, a kata's texts) into a small node tree, refusing hostile YAML early.

Banks and texts are untrusted input (users share them), so this module never constructs Python
objects from YAML tags and never expands aliases. It reads the file's bytes with a size
bound, decodes them as UTF-8, and builds a tree of :class:`Scalar`, :class:`Mapping` and
:class:`Sequence` nodes from libyaml's event stream (the pure-Python parser when libyaml
is missing), stopping at the first event that breaks a limit:

* files larger than :data:`MAX_BYTES`;
* nesting deeper than :data:`MAX_DEPTH`;
* more than :data:`MAX_NODES` nodes;
* any anchor (``&a``), alias (``*a``) or explicit tag (``!!python/object``, ``!foo``);
* more than one document in the file.

Scalars keep their raw text and whether they were plain (unquoted): the schema decides
what a value means for each field, so ``text: 0.25`` stays the string ``"0.25"`` while
``answer: 0.25`` is a number. Every node keeps its libyaml mark, from which
:func:`position` gives the 1-based line and column.

Why not ``yaml.compose``: on a 10,000-question bank it takes about 2 s even with the C
loader (it resolves every scalar and builds heavy node objects), while this single pass
over the same C event stream takes about a quarter of that, and it enforces the limits
while reading instead of after.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml import events as ev

try:
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # PyYAML built without libyaml: same events, slower
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

#: Largest bank file accepted, in bytes (about 10,000 short questions).
MAX_BYTES = 8 * 1024 * 1024
#: Deepest nesting of mappings and lists accepted (a bank needs about 7).
MAX_DEPTH = 40
#: Most nodes (scalars, mappings, lists) accepted in one file.
MAX_NODES = 750_000


class Scalar:
    """A scalar: its raw text and whether it was written plain (without quotes)."""

    __slots__ = ("mark", "plain", "value")

    def __init__(self, value: str, plain: bool, mark: Any) -> None:
        self.value = value
        self.plain = plain
        self.mark = mark


class Mapping:
    """A mapping, as a flat list ``[key0, value0, key1, value1, ...]`` in file order.

    Duplicate keys are kept so that the schema can report them.
    """

    __slots__ = ("items", "mark")

    def __init__(self, mark: Any) -> None:
        self.items: list[Node] = []
        self.mark = mark


class Sequence:
    """A list of nodes."""

    __slots__ = ("items", "mark")

    def __init__(self, mark: Any) -> None:
        self.items: list[Node] = []
        self.mark = mark


Node = Scalar | Mapping | Sequence


def position(node: Node) -> tuple[int, int]:
    """The node's 1-based (line, column); columns count characters, not bytes."""
    return node.mark.line + 1, node.mark.column + 1


class YamlRefused(Exception):
    """The file cannot be read as a bank; one problem at (line, col)."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message


def read_text(path: str | os.PathLike[str], noun: str = "bank") -> str:
    """The file's text, after checking its size and that it is UTF-8.

    ``noun`` names what the file is in the messages (``"bank"``, ``"points file"``).
    """
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a folder, a pipe or a device would block or fail
            raise YamlRefused(1, 1, "cannot read the file: it is not a regular file")
        size = info.st_size
        if size > MAX_BYTES:
            raise YamlRefused(1, 1, _too_big(size, noun))
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        reason = err.strerror or str(err)
        raise YamlRefused(1, 1, f"cannot read the file: {reason}") from None
    if len(data) > MAX_BYTES:  # grew since stat, or a special file
        raise YamlRefused(1, 1, _too_big(len(data), noun))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlRefused(1, 1, "the file is UTF-16: save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        col = len(data[line_start : err.start].decode("utf-8", "replace")) + 1
        byte = data[err.start]
        raise YamlRefused(
            line, col, f"the file is not UTF-8 (byte 0x{byte:02x}): save it as UTF-8"
        ) from None


def _too_big(size: int, noun: str = "bank") -> str:
    return (
        f"the file is {size / 1024 / 1024:.1f} MiB; "
        + (f"banks are limited to {MAX_BYTES >> 20} MiB: split it into several banks" if noun == "bank"
           else f"a {noun} is limited to {MAX_BYTES >> 20} MiB")
    )


def parse(text: str, noun: str = "bank") -> Node | None:
    """Build the node tree of a one-document YAML text (``None`` for an empty file).

    ``noun`` names what the file is in the messages (``"bank"``, ``"points file"``).

    Raises :class:`YamlRefused` for a syntax error or a broken limit.
    """
    loader = _EventLoader(text)
    try:
        return _build(loader.get_event, noun)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlRefused(line, col, _syntax_message(err, noun)) from None
    except yaml.reader.ReaderError as err:
        before = text[: err.position]
        line = before.count("\n") + 1
        col = err.position - (before.rfind("\n") + 1) + 1
        raise YamlRefused(line, col, f"YAML syntax error: {err.reason}") from None
    except yaml.YAMLError as err:
        raise YamlRefused(1, 1, f"YAML syntax error: {err}") from None
    finally:
        loader.dispose()


def _syntax_message(err: yaml.MarkedYAMLError, noun: str = "bank") -> str:
    problem = err.problem or "invalid YAML"
    message = f"YAML syntax error: {problem}"
    if err.context and err.context_mark and err.context_mark is not err.problem_mark:
        message += f" ({err.context} at line {err.context_mark.line + 1})"
    if "nesting depth" in problem and noun == "bank":
        message += "; a bank needs about 7 levels"
    if "tab" in problem.lower() or "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    return message


_SCALAR = ev.ScalarEvent
_MAP_START = ev.MappingStartEvent
_SEQ_START = ev.SequenceStartEvent
_MAP_END = ev.MappingEndEvent
_SEQ_END = ev.SequenceEndEvent
_DOC_START = ev.DocumentStartEvent
_STREAM_END = ev.StreamEndEvent
_ALIAS = ev.AliasEvent


def _build(get_event: Any, noun: str = "bank") -> Node | None:
    """The composing loop, written for speed: it runs once per event."""
    root: Node | None = None
    stack: list[Mapping | Sequence] = []
    top: list[Node] | None = None
    nodes = 0
    documents = 0
    while True:
        event = get_event()
        cls = event.__class__
        if cls is _SCALAR:
            if event.anchor is not None or event.tag is not None:
                _refuse_decoration(event, noun)
            node: Node = Scalar(event.value, event.implicit[0], event.start_mark)
            nodes += 1
            if top is None:
                root = node
            else:
                top.append(node)
        elif cls is _MAP_START or cls is _SEQ_START:
            if event.anchor is not None or event.tag is not None:
                _refuse_decoration(event, noun)
            node = Mapping(event.start_mark) if cls is _MAP_START else Sequence(event.start_mark)
            nodes += 1
            if top is None:
                root = node
            else:
                top.append(node)
            stack.append(node)
            top = node.items
            if len(stack) > MAX_DEPTH:
                line, col = position(node)
                raise YamlRefused(line, col, f"nesting deeper than {MAX_DEPTH} levels" + (
                    ": a bank needs about 7" if noun == "bank" else ""))
        elif cls is _MAP_END or cls is _SEQ_END:
            stack.pop()
            top = stack[-1].items if stack else None
        elif cls is _ALIAS:
            mark = event.start_mark
            raise YamlRefused(
                mark.line + 1, mark.column + 1, "aliases (*name) are not supported: " + _no_anchors(noun)
            )
        elif cls is _DOC_START:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise YamlRefused(
                    mark.line + 1,
                    mark.column + 1,
                    f"a second YAML document: a {noun} file holds exactly one (remove this '---')"
                    if noun == "bank" else f"a second YAML document: a {noun} holds exactly one (remove this '---')",
                )
        elif cls is _STREAM_END:
            return root
        if nodes > MAX_NODES:
            mark = event.start_mark
            raise YamlRefused(
                mark.line + 1,
                mark.column + 1,
                f"more than {MAX_NODES:,} YAML nodes" + (": split the bank into several files" if noun == "bank" else ""),
            )


def _no_anchors(noun: str) -> str:
    return f"{'banks' if noun == 'bank' else noun + 's'} never need anchors or aliases; write each value out in full"


def _refuse_decoration(event: Any, noun: str = "bank") -> None:
    mark = event.start_mark
    if event.anchor is not None:
        message = f"anchors (&{event.anchor}) are not supported: {_no_anchors(noun)}"
    else:
        tag = event.tag.replace("tag:yaml.org,2002:", "!!")
        message = f"YAML tags ({tag}) are not supported: write a plain value, quoted if needed"
    raise YamlRefused(mark.line + 1, mark.column + 1, message)
