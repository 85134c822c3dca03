"""The editor's text on disk: written often and atomically (the old file or the whole new
one, never a temporary file in its place), and, when the disk refuses, kept in the
editor with the reason in the user's language while the app tries again."""

from __future__ import annotations

import errno
from pathlib import Path

from kata.fileio import OutputError, atomic_write
from kata.tui.i18n import t

#: At most this long (seconds) between a change in the editor and its write to disk.
SAVE_EVERY = 0.2
#: How often a write that the disk refused is tried again.
RETRY_EVERY = 2.0

_REASONS = {
    errno.ENOSPC: "why_disk_full",
    errno.EDQUOT: "why_quota",
    errno.EROFS: "why_read_only",
    errno.EACCES: "why_denied",
    errno.EPERM: "why_denied",
    errno.EISDIR: "why_folder",
}


class SaveFailed(Exception):
    """The workspace file could not be written; ``reason(lang)`` says why."""

    def __init__(self, path: Path, cause: OSError | None) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = path
        self.cause = cause

    def reason(self, lang: str) -> str:
        cause = self.cause
        if cause is None:
            return t("why_folder" if self.path.is_dir() else "why_no_folder", lang)
        key = _REASONS.get(cause.errno or 0)
        return t(key, lang) if key else (cause.strerror or str(cause))


def write_work(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8), durably; raises :class:`SaveFailed`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8", "surrogateescape"), label="workspace file")
    except OutputError as err:
        raise SaveFailed(path, err.cause) from None
    except OSError as err:  # the folder could not be made
        raise SaveFailed(path, err) from None
