"""Messages and hints as data, in every language (``kata.lang.LANGS``).

A message is a key and its parameters (``Msg("not-an-array", what=..., returned=...)``),
turned into words only when it is shown, in the language it is shown in. The words
live in YAML: the messages every kata shares in ``messages.yaml`` beside this file,
and each kata's own in the ``messages`` section of its ``texts.yaml`` (keys there are
``<kata id>.<key>``). Templates use ``str.format`` fields; a parameter that is itself a
text (another ``Msg``, a call's description) is rendered in the same language.

YAML is read on first use: a submission that passes every check never loads it.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kata.lang import DEFAULT, LANGS

SHARED = Path(__file__).with_name("messages.yaml")
_SOURCES: dict[str, Path] = {}  # namespace (a kata id) -> its texts.yaml


class MessageError(Exception):
    """A message key or template that the catalog cannot render (a bug in a kata)."""


def register(namespace: str, path: Path) -> None:
    """Where the messages ``<namespace>.<key>`` are (a kata's texts file)."""
    _SOURCES[namespace] = path


def _read(path: Path, section: str | None) -> dict[str, dict[str, str]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=loader)  # noqa: S506 - a safe loader, kata's own files
    if section is not None:
        data = (data or {}).get(section) or {}
    if not isinstance(data, dict):
        raise MessageError(f"{path}: messages must be a mapping of key to {{en, zh}}")
    return data


@functools.cache
def _shared() -> dict[str, dict[str, str]]:
    return _read(SHARED, None)


@functools.cache
def _namespace(name: str) -> dict[str, dict[str, str]]:
    path = _SOURCES.get(name)
    if path is None:
        raise MessageError(f"no messages are registered for `{name}`")
    return _read(path, "messages")


def template(key: str, lang: str, *, strict: bool = False) -> str:
    """The text of ``key`` in ``lang`` (else the default language; with ``strict``, only
    ``lang``)."""
    namespace, _, rest = key.partition(".")
    entries = _namespace(namespace) if rest and namespace in _SOURCES else _shared()
    entry = entries.get(rest if rest and namespace in _SOURCES else key)
    if not isinstance(entry, dict):
        raise MessageError(f"unknown message `{key}`")
    text = entry.get(lang) if strict else entry.get(lang) or entry.get(DEFAULT)
    if not isinstance(text, str) or (strict and not text.strip()):
        raise MessageError(f"message `{key}` has no text")
    return text


def render(value: Any, lang: str = DEFAULT) -> str:
    """A text in ``lang``: a ``Msg`` (or anything with ``render``), else ``str(value)``."""
    make = getattr(value, "render", None)
    if callable(make):
        return make(lang)
    return "" if value is None else str(value)


class _Fields(dict):
    def __init__(self, params: dict[str, Any], lang: str) -> None:
        super().__init__()
        self.params = params
        self.lang = lang

    def __missing__(self, name: str) -> Any:
        if name not in self.params:
            raise MessageError(f"no value for {{{name}}}")
        value = self.params[name]
        return render(value, self.lang) if hasattr(value, "render") else value


class Phrase:
    """Something shown in the reader's language: subclasses define ``render(lang)``;
    ``str()`` is the default language, and ``+`` joins texts."""

    __slots__ = ()

    def render(self, lang: str = DEFAULT) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.render(DEFAULT)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __add__(self, other: Any) -> Joined:
        return Joined((self, other))


class Msg(Phrase):
    """A message in every language: ``key`` in the catalog, with its parameters."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params

    def render(self, lang: str = DEFAULT) -> str:
        text = template(self.key, lang)
        try:
            return string.Formatter().vformat(text, (), _Fields(self.params, lang))
        except (KeyError, IndexError, ValueError) as err:
            raise MessageError(f"message `{self.key}` ({lang}) cannot be filled in: {err}") from None

    def __repr__(self) -> str:
        return f"Msg({self.key!r})"


class Joined(Phrase):
    """Texts shown one after the other (``Msg(...) + " in Fortran order"``)."""

    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Any, ...]) -> None:
        self.parts = parts

    def render(self, lang: str = DEFAULT) -> str:
        return "".join(render(p, lang) for p in self.parts)

    def __add__(self, other: Any) -> Joined:
        return Joined((*self.parts, other))


def in_every_language(value: Any) -> dict[str, str]:
    return {lang: render(value, lang) for lang in LANGS}


def namespaced(namespace: str) -> Callable[..., Msg]:
    """``M = namespaced("softmax")``; ``M("overflow")`` is ``Msg("softmax.overflow")``."""

    def make(key: str, /, **params: Any) -> Msg:
        return Msg(f"{namespace}.{key}", **params)

    return make


def fields_of(text: str) -> set[str]:
    """The ``{field}`` names a template uses (to check that every language uses the same)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}
