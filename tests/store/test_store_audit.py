"""The audit log on SQLite (WAL, full sync) and PostgreSQL: write, read back, exact JSON."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.store.audit import (
    EVALUATIONS,
    AuditLog,
    AuditRecord,
    RowInserter,
    count,
    create_db_engine,
    create_schema,
    default_url,
    describe,
    normalize_url,
    utc_now,
)


def record(**changes: object) -> AuditRecord:
    fields: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "created_at": utc_now(),
        "model_id": "triage-demo",
        "model_version": "1.0.0",
        "model_hash": "ab" * 32,
        "status": "ok",
        "http_status": 200,
        "request_id": "req-1",
        "caller": "ehr-test",
        "inputs": '{"dose": 0.1000000000000000000000000000000001}',
        "outputs": '{"x": 1.10}',
        "matched_rules": '[{"decision": "d", "table_id": "t", "rules": ["r1"]}]',
    }
    fields.update(changes)
    return AuditRecord(**fields)  # type: ignore[arg-type]


class Sync:
    """An AuditLog driven from synchronous tests: its own event loop in this thread."""

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.log = AuditLog(url)
        self.loop.run_until_complete(self.log.start())

    def write(self, records: list[AuditRecord]) -> None:
        self.loop.run_until_complete(self.log.write(records))

    def close(self) -> None:
        self.loop.run_until_complete(self.log.stop())
        self.loop.close()


@pytest.fixture
def sync_log(database_url: str) -> Iterator[Sync]:
    log = Sync(database_url)
    yield log
    log.close()


@pytest.fixture
def audit(sync_log: Sync) -> AuditLog:
    return sync_log.log


def test_round_trip_keeps_every_field_exactly(sync_log: Sync, audit: AuditLog) -> None:
    written = record(batch_id=str(uuid.uuid4()), batch_index=3, duration_ms=1.25)
    sync_log.write([written])
    found = audit.get(written.id)
    assert found is not None
    assert found.inputs == written.inputs  # JSON text, digits untouched
    assert found.row() | {"created_at": None} == written.row() | {"created_at": None}
    assert abs((found.created_at - written.created_at).total_seconds()) < 1e-3
    assert found.created_at.tzinfo is not None


def test_unknown_id_is_none(audit: AuditLog) -> None:
    assert audit.get(str(uuid.uuid4())) is None


def test_async_writes_from_many_requests(sync_log: Sync, audit: AuditLog) -> None:
    records = [record() for _ in range(50)]

    async def main() -> None:
        await asyncio.gather(*(audit.write([r]) for r in records))

    sync_log.loop.run_until_complete(main())
    assert count(audit.engine, [r.id for r in records]) == 50


def test_ping_answers(audit: AuditLog) -> None:
    audit.ping()


def test_described_url_hides_the_password() -> None:
    engine = create_db_engine("postgresql://user:secret@127.0.0.1:1/db")  # does not connect
    assert "secret" not in describe(engine)
    assert "user:***@127.0.0.1" in describe(engine)


def test_sqlite_uses_wal_and_full_sync(tmp_path: Path) -> None:
    log = Sync(f"sqlite:///{tmp_path / 'a.sqlite'}")
    with log.log.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA synchronous")).scalar() == 2  # FULL
    log.close()


def test_schema_creation_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.sqlite'}"
    for _ in range(2):
        Sync(url).close()
    engine = sa.create_engine(url)
    assert sa.inspect(engine).has_table(EVALUATIONS.name)
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u:p@localhost/db", "postgresql+psycopg"),
        ("postgres://u:p@localhost/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@localhost/db", "postgresql+psycopg"),
        ("sqlite:///x.sqlite", "sqlite"),
    ],
)
def test_urls_select_the_driver(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


def test_default_url_is_under_var(tmp_path: Path) -> None:
    assert default_url(tmp_path) == f"sqlite:///{tmp_path.as_posix()}/var/audit.sqlite"


def test_created_at_is_utc() -> None:
    assert utc_now().tzinfo == UTC
    assert isinstance(utc_now(), datetime)


def test_a_table_from_an_earlier_release_gets_the_new_columns(database_url: str) -> None:
    engine = create_db_engine(database_url)
    old = sa.Table(
        "evaluations",
        sa.MetaData(),
        *(
            sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
            for c in EVALUATIONS.columns
            if c.name != "model_status"
        ),
    )
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {EVALUATIONS.name}"))
        old.create(engine)
        earlier = record()
        with engine.begin() as connection:
            row = {k: v for k, v in earlier.row().items() if k != "model_status"}
            connection.execute(old.insert(), [row])
        log = Sync(database_url)  # the writer brings the table up to date as it starts
        try:
            log.write([record(model_status="draft")])
            columns = {c["name"] for c in sa.inspect(engine).get_columns(EVALUATIONS.name)}
            found = log.log.get(earlier.id)
        finally:
            log.close()
    finally:
        engine.dispose()
    assert "model_status" in columns
    assert found is not None and found.model_status is None and found.inputs == earlier.inputs


def test_the_writers_inserter_survives_a_refused_round_and_a_lost_connection(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    create_schema(engine)
    inserter = RowInserter(engine)
    driver = engine.dialect.dbapi
    assert driver is not None
    try:
        first, second, third = record(), record(), record()
        inserter.insert([first.row()])
        with pytest.raises(driver.IntegrityError):
            inserter.insert([second.row(), first.row()])  # a duplicate id: all refused
        inserter._connection.dbapi_connection.close()  # the connection dies under it
        with pytest.raises(driver.Error):
            inserter.insert([second.row()])
        inserter.insert([second.row(), third.row()])  # a new connection
        assert count(engine, [first.id, second.id, third.id]) == 3
    finally:
        inserter.close()
        engine.dispose()
