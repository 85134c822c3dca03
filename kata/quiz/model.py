"""The bank schema as frozen dataclasses: what a loaded, validated bank looks like.

Nothing here reads files; :mod:`kata.quiz.loader` builds these objects from YAML and
:mod:`kata.quiz.schema` guarantees their invariants (for instance, a ``single`` question
has exactly one correct choice), so the rest of kata can rely on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kata.errors import BankError

#: Languages the app can show. Built-in banks translate every text into all of them.
LANGUAGES: tuple[str, ...] = ("en", "zh")
#: The language a text falls back to when the requested one is missing.
FALLBACK_LANGUAGE = "en"
#: The key under which a plain string (one text for every language) is stored.
ANY_LANGUAGE = "*"


class QuestionType(StrEnum):
    """The six kinds of question a bank can hold."""

    SINGLE = "single"
    MULTI = "multi"
    TRUE_FALSE = "true-false"
    NUMERIC = "numeric"
    SHORT = "short"
    CARD = "card"

    @property
    def has_choices(self) -> bool:
        return self in (QuestionType.SINGLE, QuestionType.MULTI)


#: Figures the app can draw next to a question (``figure:`` in a bank).
FIGURES: tuple[str, ...] = ("sigmoid", "softmax-temperature", "two-class")


@dataclass(frozen=True, slots=True)
class Location:
    """A position in a bank file: 1-based line and column, as editors count them."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a bank, at the node that is wrong."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class InvalidBankError(BankError):
    """One or more banks are invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        first = str(problems[0]) if problems else "invalid bank"
        more = len(problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(f"{first}{tail}; run `kata validate` to see them all")


@dataclass(frozen=True, slots=True)
class Text:
    """A text in one or more languages.

    ``items`` maps a language code (``en``, ``zh``) to the string; a plain string in the
    bank is stored under ``*`` and serves every language.
    """

    items: tuple[tuple[str, str], ...]

    @classmethod
    def plain(cls, value: str) -> Text:
        return cls(((ANY_LANGUAGE, value),))

    @classmethod
    def of(cls, mapping: Mapping[str, str]) -> Text:
        return cls(tuple(mapping.items()))

    def get(self, lang: str = FALLBACK_LANGUAGE) -> str:
        """The text in ``lang``, else the language-neutral text, else English, else any."""
        fallback = None
        for key, value in self.items:
            if key == lang:
                return value
            if key == ANY_LANGUAGE or (key == FALLBACK_LANGUAGE and fallback is None):
                fallback = value
        return fallback if fallback is not None else self.items[0][1]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.items)

    def __str__(self) -> str:
        return self.get(FALLBACK_LANGUAGE)


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a ``single`` or ``multi`` question."""

    text: Text
    correct: bool = False
    why: Text | None = None  # why this option is wrong, shown when a learner picks it


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far a numeric answer may be from the expected one: ``abs`` and/or ``rel``."""

    abs: float = 0.0
    rel: float = 0.0

    def accepts(self, expected: float, given: float) -> bool:
        """Whether ``given`` is within either tolerance of ``expected``.

        A tiny allowance (1e-12, relative) absorbs binary rounding, so "exact" answers
        such as 0.1 + 0.2 compare equal to 0.3.
        """
        allowed = max(self.abs, self.rel * abs(expected), 1e-12 * max(1.0, abs(expected)))
        return abs(given - expected) <= allowed


@dataclass(frozen=True, slots=True)
class Reference:
    title: Text
    url: str


@dataclass(frozen=True, slots=True)
class Question:
    """A validated question. Type-specific fields are empty for the other types."""

    id: str
    type: QuestionType
    difficulty: int
    prompt: Text
    explanation: Text
    bank_id: str
    tags: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    answer: bool | float | None = None  # true-false: bool; numeric: float
    tolerance: Tolerance = Tolerance()
    accept: tuple[str, ...] = ()  # short: accepted answers, already normalised
    patterns: tuple[re.Pattern[str], ...] = ()  # short: matched against the normalised answer
    points: tuple[Text, ...] = ()  # card: what a complete answer contains
    references: tuple[Reference, ...] = ()
    figure: str | None = None
    where: Location = field(default=Location("<memory>", 1, 1), compare=False)

    @property
    def correct_indices(self) -> tuple[int, ...]:
        """Bank indices of the correct choices (empty for types without choices)."""
        return tuple(i for i, choice in enumerate(self.choices) if choice.correct)


@dataclass(frozen=True, slots=True)
class Bank:
    """A validated bank: one YAML file."""

    id: str
    title: Text
    questions: tuple[Question, ...]
    path: str
    builtin: bool = False
    tags: tuple[str, ...] = ()
    where: Location = field(default=Location("<memory>", 1, 1), compare=False)

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)


@dataclass(frozen=True)
class Catalog:
    """Every loaded bank, with question ids unique across all of them.

    ``problems`` lists what was wrong with banks that :func:`kata.quiz.loader.load_catalog`
    skipped (empty for a strict load).
    """

    banks: tuple[Bank, ...] = ()
    problems: tuple[Problem, ...] = ()
    _by_id: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._by_id:
            for bank in self.banks:
                for question in bank.questions:
                    self._by_id[question.id] = question

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def __iter__(self) -> Iterator[Question]:
        return iter(self._by_id.values())

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def question(self, question_id: str) -> Question:
        """The question with this id; ``KeyError`` if no loaded bank has it."""
        return self._by_id[question_id]

    def bank(self, bank_id: str) -> Bank | None:
        return next((bank for bank in self.banks if bank.id == bank_id), None)

    @property
    def tags(self) -> tuple[str, ...]:
        """Every tag used by a question, sorted."""
        return tuple(sorted({tag for question in self for tag in question.tags}))
