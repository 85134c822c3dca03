"""Where kata keeps things: the user's data directory and the shipped resources."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The user's data directory: ``--data-dir``, else ``$KATA_HOME``, else the platform's."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("KATA_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("kata", appauthor=False))


def _resource(name: str) -> Path:
    """A shipped folder: inside the wheel (``kata/_data/NAME``) or, in a source checkout
    or an editable install, the top-level folder of the repository."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def questions_dir() -> Path:
    return _resource("questions")


def solutions_dir() -> Path:
    return _resource("solutions")
