"""Fixtures for the TCK runner's tests: where the DMN TCK is; skip when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def tck_location() -> Path:
    """The DMN TCK: env TABLERX_TCK_DIR, else ../shared/tck relative to the repository."""
    configured = os.environ.get("TABLERX_TCK_DIR")
    return Path(configured) if configured else REPO.parent / "shared" / "tck"


@pytest.fixture(scope="session")
def tck_dir() -> Path:
    """The DMN TCK directory; the test is skipped when it is not there."""
    path = tck_location()
    if not path.is_dir():
        pytest.skip(f"DMN TCK not found at {path}: set TABLERX_TCK_DIR")
    return path
