"""Fixtures of the incidents' tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    """Screenshots go to a fresh MEDIA_ROOT of the test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
