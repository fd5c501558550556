"""Group commit through the writer process: stored before acknowledged, rounds, refusals,
and a writer that dies: its unacknowledged requests fail, and it is started again."""

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
        id=record_id or str(uuid.uuid4()),
        created_at=utc_now(),
        model_id="m",
        model_version="1",
        model_hash="h" * 64,
        status="ok",
        http_status=200,
        request_id="r",
        inputs='{"x": 0.1000000000000000000000000000000001}',
    ).row()


def run(
    url: str, body: Callable[[GroupCommitWriter], Coroutine[Any, Any, Any]], **options: float
) -> Any:
    async def main() -> Any:
        writer = GroupCommitWriter(url, **options)
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


async def kill_with_waiters(writer: GroupCommitWriter, ids: list[str]) -> list[str]:
    """Freeze the writer, hand it ``ids`` (they wait: nobody reads them), then SIGKILL it;
    what each waiting write ended with."""
    assert writer._process is not None
    pid = writer._process.pid
    os.kill(pid, signal.SIGSTOP)

    async def one(record_id: str) -> str:
        try:
            await writer.write([row(record_id)])
        except AuditUnavailable:
            return "unavailable"
        return "stored"

    waiting = [asyncio.ensure_future(one(i)) for i in ids]
    await asyncio.sleep(0.2)
    assert not any(task.done() for task in waiting)  # no acknowledgement, no answer
    os.kill(pid, signal.SIGKILL)
    return list(await asyncio.gather(*waiting))


def test_a_dead_writer_fails_waiting_and_later_requests(url: str) -> None:
    ids = [str(uuid.uuid4()) for _ in range(5)]

    async def body(writer: GroupCommitWriter) -> None:
        await writer.write([row()])
        assert await kill_with_waiters(writer, ids) == ["unavailable"] * 5
        assert not writer.alive and writer.state == "restarting" and writer.pid is None
        for _ in range(600):  # the exit status is collected right after
            if writer.last_exit is not None:
                break
            await asyncio.sleep(0.05)
        assert writer.last_exit == -signal.SIGKILL
        with pytest.raises(AuditUnavailable, match="restarting"):
            await writer.write([row()])  # refused at once while it is down

    run(url, body, first_delay=60.0)
    assert stored(url, ids) == 0


def test_a_dead_writer_is_started_again(url: str) -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    later = row()

    async def body(writer: GroupCommitWriter) -> tuple[int | None, int | None]:
        before = writer.pid
        assert writer.restarts == 0
        assert await kill_with_waiters(writer, ids) == ["unavailable"] * 3
        for _ in range(600):  # it restarts after first_delay; wait up to a minute
            if writer.alive:
                break
            await asyncio.sleep(0.1)
        await writer.write([later])  # stored by the new writer
        assert writer.restarts == 1 and writer.state == "running"
        return before, writer.pid

    old_pid, new_pid = run(url, body, first_delay=0.05)
    assert old_pid != new_pid and new_pid is not None
    assert stored(url, [later["id"]]) == 1
    assert stored(url, ids) == 0


def test_stop_does_not_restart(url: str) -> None:
    async def main() -> str:
        writer = GroupCommitWriter(url, first_delay=0.01)
        await writer.start()
        await writer.stop()
        await asyncio.sleep(0.1)
        return writer.state

    assert asyncio.run(main()) == "stopped"


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
