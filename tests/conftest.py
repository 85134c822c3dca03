"""Shared fixtures: every test gets its own data directory, never the real one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("kata-home")
    monkeypatch.setenv("KATA_HOME", str(home))
    monkeypatch.delenv("KATA_DEBUG", raising=False)
    return home
