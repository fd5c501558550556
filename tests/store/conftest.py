"""Database URLs for the store tests: a temporary SQLite file, and PostgreSQL when available."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

POSTGRES_ENV = "TABLERX_TEST_POSTGRES_URL"


def database_params() -> list[object]:
    """``sqlite`` always; ``postgresql`` skipped with a reason unless the env var names one."""
    skip = pytest.mark.skipif(
        not os.environ.get(POSTGRES_ENV),
        reason=f"{POSTGRES_ENV} is not set (scripts/ci-postgres.sh starts a server and prints it)",
    )
    return ["sqlite", pytest.param("postgresql", marks=skip)]


@pytest.fixture(params=database_params())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty SQLite database, or the PostgreSQL test database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'audit.sqlite'}"
    return os.environ[POSTGRES_ENV]
