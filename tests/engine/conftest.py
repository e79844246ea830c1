"""Fixtures for the engine tests; the helpers they use live in support.py."""

from __future__ import annotations

import pytest
from tests.engine.support import Child


@pytest.fixture
def child():
    return Child
