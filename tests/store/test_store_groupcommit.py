"""Group commit through the writer process: stored before acknowledged, rounds, refusals."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from service.store.audit import AuditRecord, count, create_db_engine, utc_now
from service.store.groupcommit import (
    AuditUnavailable,
    GroupCommitWriter,
    decode_frames,
    encode_rows,
)


def row(record_id: str | None = None) -> dict[str, Any]:
    return AuditRecord(
        id=record_id or str(uuid.uuid4()), created_at=utc_now(), model_id="m",
        model_version="1", model_hash="h" * 64, status="ok", http_status=200, request_id="r",
        inputs='{"x": 0.1000000000000000000000000000000001}',
    ).row()


def run(url: str, body: Callable[[GroupCommitWriter], Coroutine[Any, Any, Any]]) -> Any:
    async def main() -> Any:
        writer = GroupCommitWriter(url)
        await writer.start()
        try:
            return await body(writer)
        finally:
            await writer.stop()

    return asyncio.run(main())


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'audit.sqlite'}"


def stored(url: str, ids: list[str]) -> int:
    engine = create_db_engine(url)
    try:
        return count(engine, ids)
    finally:
        engine.dispose()


def test_write_returns_once_committed(url: str) -> None:
    rows = [row(), row()]

    async def body(writer: GroupCommitWriter) -> int:
        await writer.write(rows)
        return stored(url, [r["id"] for r in rows])  # visible to another connection already

    assert run(url, body) == 2


def test_concurrent_writes_share_commits(url: str) -> None:
    rows = [row() for _ in range(200)]

    async def body(writer: GroupCommitWriter) -> Any:
        await asyncio.gather(*(writer.write([r]) for r in rows))
        return writer.stats

    stats = run(url, body)
    assert stored(url, [r["id"] for r in rows]) == 200
    assert stats.rows == 200
    assert stats.rounds < 200  # requests shared transactions
    assert stats.largest_round > 1


def test_a_refused_record_fails_only_its_own_request(url: str) -> None:
    duplicate = str(uuid.uuid4())

    async def body(writer: GroupCommitWriter) -> list[str]:
        await writer.write([row(duplicate)])

        async def one(r: dict[str, Any]) -> str:
            try:
                await writer.write([r])
            except AuditUnavailable:
                return "refused"
            return "stored"

        return await asyncio.gather(*(one(r) for r in [row(), row(duplicate), row()]))

    assert run(url, body) == ["stored", "refused", "stored"]


def test_a_dead_writer_fails_waiting_and_later_requests(url: str) -> None:
    async def body(writer: GroupCommitWriter) -> None:
        await writer.write([row()])
        assert writer._process is not None
        os.kill(writer._process.pid, signal.SIGKILL)
        await writer._process.wait()
        await asyncio.sleep(0.1)  # the reader notices the closed pipe
        assert not writer.alive
        with pytest.raises(AuditUnavailable):
            await writer.write([row()])

    run(url, body)


def test_an_unusable_database_is_reported_at_start(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")

    async def main() -> None:
        await GroupCommitWriter(f"sqlite:///{blocker / 'audit.sqlite'}").start()

    with pytest.raises(AuditUnavailable, match="could not start"):
        asyncio.run(main())


@pytest.mark.parametrize("cut", [0, 3, 12, 20])
def test_frames_survive_any_split(cut: int) -> None:
    first, second = row(), row()
    data = encode_rows(1, [first]) + encode_rows(2, [second])
    buffer = bytearray(data[:cut])
    frames = decode_frames(buffer)
    buffer += data[cut:]
    frames += decode_frames(buffer)
    assert [seq for seq, _ in frames] == [1, 2]
    assert frames[1][1][0]["id"] == second["id"]
    assert frames[0][1][0]["created_at"] == first["created_at"]
    assert frames[0][1][0]["inputs"] == first["inputs"]
    assert buffer == bytearray()
