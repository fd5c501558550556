"""Audit records -> a SQL database (SQLite in WAL mode by default, PostgreSQL by URL), and back.

One row per evaluation request, rejected ones included: when, which model version (id,
version, content hash), the inputs as received, the outputs, the rules that matched, the
status, the request id and the caller. Rows are written by the group-commit writer
(:mod:`service.store.groupcommit`), which makes each one durable before its response
leaves; this module owns the table, the connection set-up and the reads.

JSON columns are TEXT holding the exact JSON the service produced, so numbers keep their
digits on every database.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from service.store.groupcommit import GroupCommitWriter

log = logging.getLogger("tablerx.audit")

METADATA = sa.MetaData()

EVALUATIONS = sa.Table(
    "evaluations",
    METADATA,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("model_id", sa.String(200), nullable=False),
    sa.Column("model_version", sa.String(100)),
    sa.Column("model_hash", sa.String(64)),
    sa.Column("model_status", sa.String(20)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("http_status", sa.Integer, nullable=False),
    sa.Column("request_id", sa.String(200), nullable=False),
    sa.Column("caller", sa.String(200)),
    sa.Column("batch_id", sa.String(36)),
    sa.Column("batch_index", sa.Integer),
    sa.Column("duration_ms", sa.Float),
    sa.Column("inputs", sa.Text),
    sa.Column("outputs", sa.Text),
    sa.Column("matched_rules", sa.Text),
    sa.Column("errors", sa.Text),
    sa.Column("warnings", sa.Text),
    sa.Index("ix_evaluations_model_time", "model_id", "created_at"),
    sa.Index("ix_evaluations_request_id", "request_id"),
)

JSON_COLUMNS = ("inputs", "outputs", "matched_rules", "errors", "warnings")
STATUSES = ("ok", "rejected", "defect", "error", "not_found")


@dataclass(slots=True, kw_only=True)
class AuditRecord:
    """One evaluation as stored. JSON fields hold JSON text (or None)."""

    id: str
    created_at: datetime
    model_id: str
    model_version: str | None
    model_hash: str | None
    model_status: str | None = None  # the version's release status: approved, draft, ...
    status: str  # one of STATUSES
    http_status: int
    request_id: str
    caller: str | None = None
    batch_id: str | None = None
    batch_index: int | None = None
    duration_ms: float | None = None
    inputs: str | None = None
    outputs: str | None = None
    matched_rules: str | None = None
    errors: str | None = None
    warnings: str | None = None

    def row(self) -> dict[str, Any]:
        """The record as a column -> value mapping for an INSERT."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(f.name for f in fields(AuditRecord))


def utc_now() -> datetime:
    """The current time in UTC (what ``created_at`` holds)."""
    return datetime.now(UTC)


# --- connecting ------------------------------------------------------------------------------


def default_url(root: Path) -> str:
    """The SQLite URL used when none is given: ``<root>/var/audit.sqlite``."""
    return f"sqlite:///{(root / 'var' / 'audit.sqlite').as_posix()}"


def normalize_url(url: str) -> URL:
    """``url`` with PostgreSQL pointed at psycopg 3 (``postgresql://`` -> ``+psycopg``)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; FULL makes each commit durable on disk
    # (NORMAL would survive a process kill but not a power cut).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """A SQLAlchemy engine for ``url``; creates the SQLite file's folder when needed."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        connect_args = {"connect_timeout": 10, "options": "-c statement_timeout=30000"}
        return sa.create_engine(parsed, connect_args=connect_args, pool_pre_ping=True)
    return sa.create_engine(parsed)


# Columns added after the table's first release: (name, SQL type), added to an older table.
ADDED_COLUMNS = (("model_status", "VARCHAR(20)"),)


def create_schema(engine: Engine, attempts: int = 5) -> None:
    """Create the audit table if absent, or add the columns an older one lacks; tolerant
    of another process doing it at once."""
    for attempt in range(attempts):
        try:
            METADATA.create_all(engine, checkfirst=True)
            _add_columns(engine)
            return
        except (OperationalError, ProgrammingError, DBAPIError):
            # Two workers starting together both see no table; one CREATE loses the race.
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _add_columns(engine: Engine) -> None:
    """Bring a table created by an earlier release up to date (rows keep their values;
    the new columns are null for them)."""
    present = {column["name"] for column in sa.inspect(engine).get_columns(EVALUATIONS.name)}
    missing = [(name, kind) for name, kind in ADDED_COLUMNS if name not in present]
    if missing:
        with engine.begin() as connection:
            for name, kind in missing:
                connection.exec_driver_sql(
                    f"ALTER TABLE {EVALUATIONS.name} ADD COLUMN {name} {kind}"
                )


def describe(engine: Engine) -> str:
    """The database's URL with any password hidden, for logs and /health."""
    return engine.url.render_as_string(hide_password=True)


# --- writing (used by the group-commit writer) and reading --------------------------------------


def _insert_sql(engine: Engine) -> str:
    """The driver-level INSERT of one row, in the driver's parameter style."""
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(column.name for column in EVALUATIONS.columns)
    marks = ", ".join(mark for _ in EVALUATIONS.columns)
    return f"INSERT INTO {EVALUATIONS.name} ({columns}) VALUES ({marks})"


def _sqlite_time(value: datetime) -> str:
    # The text SQLAlchemy's SQLite DateTime type stores and reads back (UTC, no zone).
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class RowInserter:
    """Inserts rows in one transaction per call over a connection it keeps (the audit
    writer's): no pool checkout, no SQLAlchemy statement work per round.

    The rows go to the driver's ``executemany`` directly: this runs under request load,
    and the driver's C loop does the work. A refused round is rolled back; a connection
    that cannot even do that is dropped, and the next round opens a new one.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sql = _insert_sql(engine)
        self._names = [column.name for column in EVALUATIONS.columns]
        self._sqlite = engine.dialect.name == "sqlite"
        self._connection: Any = None

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert ``rows`` and commit them (one disk sync for all); raise if refused."""
        names, sqlite = self._names, self._sqlite
        params = [
            tuple(_sqlite_time(row[n]) if sqlite and n == "created_at" else row[n] for n in names)
            for row in rows
        ]
        if self._connection is None:
            self._connection = self.engine.raw_connection()
        connection = self._connection
        try:
            cursor = connection.cursor()
            try:
                cursor.executemany(self._sql, params)
            finally:
                cursor.close()
            connection.commit()
        except Exception:
            try:
                connection.rollback()
            except Exception:  # the connection itself is broken: the next call reconnects
                self._connection = None
                with contextlib.suppress(Exception):
                    connection.invalidate()
            raise

    def close(self) -> None:
        """Give the connection back."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def fetch(engine: Engine, evaluation_id: str) -> AuditRecord | None:
    """The stored record with this id, or None."""
    query = sa.select(EVALUATIONS).where(EVALUATIONS.c.id == evaluation_id)
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    if row is None:
        return None
    values = dict(row)
    created = values["created_at"]
    if isinstance(created, datetime) and created.tzinfo is None:
        values["created_at"] = created.replace(tzinfo=UTC)  # SQLite drops the zone; it is UTC
    return AuditRecord(**values)


def count(engine: Engine, ids: Sequence[str] | None = None) -> int:
    """How many records exist (among ``ids`` when given)."""
    query = sa.select(sa.func.count()).select_from(EVALUATIONS)
    if ids is not None:
        query = query.where(EVALUATIONS.c.id.in_(list(ids)))
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def ping(engine: Engine) -> None:
    """Raise unless the database answers a trivial query and the audit table exists."""
    with engine.connect() as connection:
        connection.execute(sa.select(sa.func.count()).select_from(EVALUATIONS).where(sa.false()))


# --- the audit log: database + writer ------------------------------------------------------


class AuditLog:
    """The audit log of one service worker: its writer process, and reads from the database."""

    def __init__(self, url: str) -> None:
        self.engine = create_db_engine(url)
        self.writer = GroupCommitWriter(url)

    async def start(self) -> None:
        """Start the writer (it creates the table if needed)."""
        await self.writer.start()

    async def stop(self) -> None:
        """Commit what is queued, stop the writer and close the connections."""
        await self.writer.stop()
        self.engine.dispose()

    async def write(self, records: Sequence[AuditRecord]) -> None:
        """Return once ``records`` are durably stored (raises ``AuditUnavailable`` otherwise)."""
        await self.writer.write([record.row() for record in records])

    def get(self, evaluation_id: str) -> AuditRecord | None:
        """The stored record with this id, or None."""
        return fetch(self.engine, evaluation_id)

    def ping(self) -> None:
        """Raise unless the database is reachable (:attr:`writer` says whether it runs)."""
        ping(self.engine)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return describe(self.engine)
