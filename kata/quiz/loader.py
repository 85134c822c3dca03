"""Find bank files, load them, and check ids across banks.

Three entry points, by strictness:

* :func:`load_bank` / :func:`load_banks` raise :class:`~kata.quiz.model.InvalidBankError`
  (a :class:`~kata.errors.BankError`) listing every problem;
* :func:`load_catalog` skips invalid banks and keeps their problems in
  ``Catalog.problems``, so one broken user bank does not lock a learner out;
* :func:`validate` reports problems and counts, for ``kata validate``.

A bank is *built-in* when its file lives in the shipped questions folder; built-in banks
must translate every text (see ``questions/README.md``).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kata.errors import UsageError
from kata.paths import data_dir, questions_dir
from kata.quiz.model import Bank, Catalog, InvalidBankError, Location, Problem
from kata.quiz.schema import build_bank
from kata.yamltree import YamlRefused, parse, read_text

BANK_SUFFIXES = (".yaml", ".yml")

PathArg = str | os.PathLike[str]


def builtin_bank_paths() -> list[Path]:
    """The shipped banks, sorted by file name."""
    return _folder_banks(questions_dir())


def user_bank_dir(data_directory: PathArg | None = None) -> Path:
    """The user's banks folder: ``<data dir>/banks`` (it may not exist)."""
    return data_dir(data_directory) / "banks"


def default_bank_paths(
    data_directory: PathArg | None = None, extra: Iterable[PathArg] = ()
) -> list[Path]:
    """Built-in banks, then the user banks folder, then ``extra`` (``--bank``) files or folders."""
    paths = builtin_bank_paths()
    user = user_bank_dir(data_directory)
    if user.is_dir():
        paths += _folder_banks(user)
    return _dedupe(paths + bank_files(extra))


def bank_files(paths: Iterable[PathArg]) -> list[Path]:
    """Expand folders to the bank files directly inside them; refuse missing paths."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            files += _folder_banks(path)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"no such bank file or folder: {raw}")
    return _dedupe(files)


def _folder_banks(folder: Path) -> list[Path]:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    return sorted(p for p in entries if p.suffix in BANK_SUFFIXES and p.is_file())


def _dedupe(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    unique = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def is_builtin(path: PathArg) -> bool:
    """Whether ``path`` is a file of the shipped questions folder."""
    try:
        return Path(path).resolve().parent == questions_dir().resolve()
    except OSError:
        return False


def display_path(path: PathArg) -> str:
    """``path`` relative to the working directory when it is inside it, for messages."""
    absolute = Path(path).absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_bank(path: PathArg, *, builtin: bool | None = None) -> tuple[Bank | None, list[Problem]]:
    """Load one bank file: the bank, or ``None`` and every problem found in the file."""
    shown = display_path(path)
    if builtin is None:
        builtin = is_builtin(path)
    with _no_gc():
        try:
            root = parse(read_text(path))
        except YamlRefused as err:
            return None, [Problem(shown, err.line, err.col, err.message)]
        return build_bank(root, shown, builtin=builtin)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a bank's many small objects.

    The tree has no reference cycles, and the collector's repeated passes over hundreds
    of thousands of new objects cost more than the parsing (0.9 s instead of 0.5 s for
    10,000 questions).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_bank(path: PathArg, *, builtin: bool | None = None) -> Bank:
    """Load one bank; :class:`InvalidBankError` lists every problem if it is invalid."""
    bank, problems = read_bank(path, builtin=builtin)
    if bank is None:
        raise InvalidBankError(problems)
    return bank


def cross_bank_problems(banks: Iterable[Bank]) -> dict[int, list[Problem]]:
    """Bank ids and question ids used by more than one bank, by position in ``banks``.

    Each problem points at the later use and names the earlier one's file and line.
    """
    bank_ids: dict[str, Location] = {}
    question_ids: dict[str, Location] = {}
    found: dict[int, list[Problem]] = {}
    for index, bank in enumerate(banks):
        problems: list[Problem] = []
        first = bank_ids.setdefault(bank.id, bank.where)
        if first is not bank.where:
            problems.append(_duplicate(bank.where, f"bank id '{bank.id}'", first))
        for question in bank.questions:
            first = question_ids.setdefault(question.id, question.where)
            if first is not question.where:
                problems.append(_duplicate(question.where, f"question id '{question.id}'", first))
        if problems:
            found[index] = problems
    return found


def _duplicate(where: Location, what: str, first: Location) -> Problem:
    return Problem(
        where.path,
        where.line,
        where.col,
        f"duplicate {what}: already used at {first.path}:{first.line}; ids must be unique "
        "across all banks (progress is keyed by them)",
    )


def load_banks(paths: Iterable[PathArg], *, builtin: bool | None = None) -> Catalog:
    """Load every bank, strictly: :class:`InvalidBankError` lists all problems of all files."""
    banks: list[Bank] = []
    problems: list[Problem] = []
    for path in paths:
        bank, found = read_bank(path, builtin=builtin)
        problems += found
        if bank is not None:
            banks.append(bank)
    for found in cross_bank_problems(banks).values():
        problems += found
    if problems:
        raise InvalidBankError(problems)
    return Catalog(tuple(banks))


def load_catalog(paths: Iterable[PathArg]) -> Catalog:
    """Load every valid bank; invalid ones, and later banks that reuse an id, are skipped
    and their problems kept in ``Catalog.problems``."""
    banks: list[Bank] = []
    problems: list[Problem] = []
    for path in paths:
        bank, found = read_bank(path)
        problems += found
        if bank is not None:
            banks.append(bank)
    clashes = cross_bank_problems(banks)
    for found in clashes.values():
        problems += found
    kept = tuple(bank for index, bank in enumerate(banks) if index not in clashes)
    return Catalog(kept, tuple(problems))


@dataclass(frozen=True)
class ValidationReport:
    """What ``kata validate`` found: counts of the files read and every problem."""

    banks: int
    questions: int
    problems: tuple[Problem, ...]
    files_with_problems: int
    loaded: tuple[Bank, ...] = ()  # the banks that are valid, for `kata validate --lint`

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(paths: Iterable[PathArg]) -> ValidationReport:
    """Check every bank file in ``paths`` (files only; see :func:`bank_files`)."""
    banks: list[Bank] = []
    problems: list[Problem] = []
    files = 0
    bad_files: set[str] = set()
    for path in paths:
        files += 1
        bank, found = read_bank(path)
        problems += found
        if found:
            bad_files.add(found[0].path)
        if bank is not None:
            banks.append(bank)
    for index, found in cross_bank_problems(banks).items():
        problems += found
        bad_files.add(banks[index].path)
    questions = sum(len(bank) for bank in banks)
    return ValidationReport(files, questions, tuple(problems), len(bad_files), tuple(banks))


def validate_paths(paths: Iterable[PathArg]) -> list[Problem]:
    """Every problem in the banks at ``paths`` (files or folders), in file order."""
    return list(validate(bank_files(paths)).problems)
