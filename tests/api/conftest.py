"""Fixtures for the API tests: settings over tests/api/models, in-process and real clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_harness import MODELS, InProcess, Server

from service.api.app import create_app
from service.api.state import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings over the test models with a fresh SQLite audit database."""
    return Settings(decisions_dir=MODELS, database_url=f"sqlite:///{tmp_path / 'audit.sqlite'}")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """An in-process client of an app shared by the tests of one module."""
    database = tmp_path_factory.mktemp("audit") / "audit.sqlite"
    client = InProcess(
        create_app(Settings(decisions_dir=MODELS, database_url=f"sqlite:///{database}"))
    )
    yield client
    client.close()


@pytest.fixture
def fresh_client(settings: Settings) -> Iterator[InProcess]:
    """An in-process client of a fresh app of its own (counters start at zero)."""
    client = InProcess(create_app(settings))
    yield client
    client.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A real ``tablerx serve`` process on a free loopback port (SQLite audit)."""
    server = Server(MODELS, f"sqlite:///{tmp_path / 'audit.sqlite'}", tmp_path / "server.log")
    server.start()
    yield server
    server.stop()
