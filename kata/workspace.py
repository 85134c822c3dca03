"""The user's workspace: one file per kata, shared by `kata start`, the app's editor and
any other editor."""

from __future__ import annotations

from pathlib import Path

from kata.harness.contract import Kata
from kata.paths import data_dir


def workspace_dir(override: str | None = None) -> Path:
    return data_dir(override) / "workspace"


def workspace_file(kata: Kata, override: str | None = None) -> Path:
    return workspace_dir(override) / kata.file_name
