"""Domain errors. The CLI turns each into one line on stderr and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class KataError(Exception):
    """Base class: an error a user can act on. ``str(err)`` is the whole message."""

    exit_code = EXIT_FAIL


class UsageError(KataError):
    """Bad arguments: unknown kata, missing file, conflicting options."""

    exit_code = EXIT_USAGE


class SubmissionError(KataError):
    """A submission file that cannot be read (not the same as a failing submission)."""

    exit_code = EXIT_USAGE


class BankError(KataError):
    """A question bank that cannot be loaded or is invalid."""

    exit_code = EXIT_FAIL


class StoreError(KataError):
    """The progress store cannot be opened or written."""

    exit_code = EXIT_FAIL


class NoKata(UsageError):
    """No single kata for a file. ``kind``: ``missing-function`` (it defines none),
    ``ambiguous`` (several) or ``syntax`` (it does not parse, and its name says nothing);
    the message says which functions it defines."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class InternalError(KataError):
    """A bug or an environment problem in kata itself, not in the user's input."""

    exit_code = EXIT_INTERNAL
