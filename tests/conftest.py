"""Shared fixtures, kept small and named for what they give."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's SQLite store lives (not created yet)."""
    return tmp_path / "irocli.db"


@pytest.fixture
def store(store_path: Path):
    """A real, migrated SQLite store in a temporary directory."""
    from irocli.store import Store

    with Store.open(str(store_path)) as opened:
        yield opened
