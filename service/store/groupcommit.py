"""Audit rows from many requests -> the writer process -> one commit per round: durable and fast.

Every request hands its rows to :class:`GroupCommitWriter` and waits until they are
committed before it answers; no response leaves ahead of its audit record. The database
work happens in a separate process (:mod:`service.store.writer`), fed through a pipe:
it takes everything that arrived since its last commit and writes it in a single
transaction, so a burst of N concurrent requests costs one disk sync, not N, and the
inserts use another CPU core instead of competing with request handling for the GIL.
Under light load a round holds one request; under heavy load rounds grow by themselves.

The writer acknowledges in order, so one "committed up to N" frame releases every
request up to N at once. If the database refuses a request's rows, that request alone
gets :class:`AuditUnavailable` (the API answers 503, never an unrecorded 200). If the
writer process dies, every request whose rows it has not acknowledged gets
:class:`AuditUnavailable` (their rows may or may not have been committed: a 503 can have
a record, a 200 never lacks one), and the writer is started again, after 0.1 s, then
with the delay doubling up to 5 s while it keeps dying young; meanwhile writes are
refused at once and :attr:`GroupCommitWriter.alive` is False (``/health`` not ready).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import marshal
import struct
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

log = logging.getLogger("tablerx.audit")

# The pipe protocol with the writer process (see service.store.writer).
FRAME_IN = struct.Struct(">IQ")
FRAME_OUT = struct.Struct(">BQId")
ACK, NACK = 0, 1
HEALTHY_RUN = 30.0  # seconds a writer must run for its restart delay to start over


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def encode_rows(seq: int, rows: Sequence[dict[str, Any]]) -> bytes:
    """One input frame. The payload is :mod:`marshal` data (the writer is a child process
    of the same interpreter, reading a private pipe): several times cheaper to make and
    read than JSON for rows that are mostly long JSON texts, which JSON would escape.
    ``created_at`` (an aware datetime) travels as integer microseconds since the epoch."""
    payload = marshal.dumps(
        [{**row, "created_at": (row["created_at"] - _EPOCH) // _MICROSECOND} for row in rows]
    )
    return FRAME_IN.pack(len(payload), seq) + payload


def decode_frames(buffer: bytearray) -> list[tuple[int, list[dict[str, Any]]]]:
    """The complete frames at the start of ``buffer``, removed from it."""
    frames = []
    offset = 0
    while len(buffer) - offset >= FRAME_IN.size:
        length, seq = FRAME_IN.unpack_from(buffer, offset)
        end = offset + FRAME_IN.size + length
        if len(buffer) < end:
            break
        rows = marshal.loads(buffer[offset + FRAME_IN.size : end])
        for row in rows:
            row["created_at"] = _EPOCH + row["created_at"] * _MICROSECOND
        frames.append((seq, rows))
        offset = end
    del buffer[:offset]
    return frames


Rows = Sequence[dict[str, Any]]


class AuditUnavailable(RuntimeError):
    """The writer is not running or the database refused the rows."""


@dataclass(slots=True)
class WriterStats:
    """Counters for /metrics: rounds committed, rows written, rows refused, commit time."""

    rounds: int = 0
    rows: int = 0
    failed: int = 0
    largest_round: int = 0
    seconds: float = 0.0


class GroupCommitWriter:
    """The client side of the audit writer process (one per service worker)."""

    def __init__(self, url: str, first_delay: float = 0.1, max_delay: float = 5.0) -> None:
        self._url = url
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._restarter: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[None]] = {}  # sequence order
        self._outbox: list[bytes] = []
        self._seq = 0
        self._closed = True
        self._stopping = False
        self._first_delay, self._max_delay = first_delay, max_delay
        self._delay = first_delay
        self._started_at = 0.0
        self.restarts = 0  # times the writer was started again after it died
        self.last_exit: int | None = None  # exit status of the writer that died last
        self.stats = WriterStats()

    # --- life cycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the writer process; return once it has opened the database."""
        self._stopping = False
        await self._spawn()

    async def _spawn(self) -> None:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "service.store.writer",
            self._url,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        try:
            await process.stdout.readexactly(FRAME_OUT.size)  # the ready frame
        except asyncio.IncompleteReadError:
            code = await process.wait()
            raise AuditUnavailable(f"the audit writer could not start (exit {code})") from None
        except asyncio.CancelledError:  # stopped while starting: leave no writer behind
            process.kill()
            raise
        self._process = process
        self._closed = False
        self._started_at = time.monotonic()
        self._reader = asyncio.create_task(self._read_acks(process))

    async def stop(self, timeout: float = 30.0) -> None:
        """Let the writer commit what it has received, then end it (no restart)."""
        self._stopping = True
        self._closed = True
        if self._restarter is not None:
            self._restarter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._restarter
        if self._process is None:
            return
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            await asyncio.wait_for(self._process.wait(), timeout)
        except TimeoutError:
            self._process.kill()
            await self._process.wait()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    @property
    def alive(self) -> bool:
        """True while the writer process accepts rows."""
        return not self._closed and self._process is not None and self._process.returncode is None

    @property
    def state(self) -> str:
        """``running``, ``restarting`` (it died; a new one is on its way) or ``stopped``."""
        if self.alive:
            return "running"
        return "stopped" if self._stopping or self._process is None else "restarting"

    @property
    def pid(self) -> int | None:
        """The writer process's id while it runs."""
        return self._process.pid if self.alive and self._process is not None else None

    async def _died(self, process: asyncio.subprocess.Process) -> None:
        """The writer ended on its own: fail what it did not acknowledge, start another."""
        self._closed = True
        self._fail_all("the audit writer stopped before acknowledging the record")
        if process.stdin is not None:
            process.stdin.close()
        self.last_exit = await process.wait()
        if self._stopping:
            return
        lived = time.monotonic() - self._started_at
        if lived > HEALTHY_RUN:  # it ran a good while: a new failure, not a crash loop
            self._delay = self._first_delay
        log.error(
            "the audit writer exited with status %s; starting it again in %.1f s",
            self.last_exit,
            self._delay,
        )
        self._restarter = asyncio.create_task(self._restart())

    async def _restart(self) -> None:
        try:
            while not self._stopping:
                await asyncio.sleep(self._delay)
                self._delay = min(self._delay * 2, self._max_delay)
                try:
                    await self._spawn()
                except (AuditUnavailable, OSError) as exc:
                    log.error("%s; trying again in %.1f s", exc, self._delay)
                    continue
                self.restarts += 1
                log.warning("the audit writer runs again (pid %s)", self.pid)
                return
        finally:
            self._restarter = None

    # --- writing ----------------------------------------------------------------------------

    async def write(self, rows: Rows) -> None:
        """Return once ``rows`` are committed; raise :class:`AuditUnavailable` if they cannot be."""
        if not self.alive:
            raise AuditUnavailable(f"the audit writer is not running ({self.state})")
        assert self._process is not None and self._process.stdin is not None
        self._seq += 1
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        self._pending[self._seq] = waiter
        if not self._outbox:
            loop.call_soon(self._flush)
        self._outbox.append(encode_rows(self._seq, rows))
        await waiter

    def _flush(self) -> None:
        # One pipe write per event-loop pass for all requests handled in it: each write
        # wakes the writer process, and a wake-up per request would cost more than the
        # requests themselves.
        frames, self._outbox = self._outbox, []
        if self._process is not None and self._process.stdin is not None and frames:
            self._process.stdin.write(b"".join(frames))

    async def _read_acks(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        stdout = process.stdout
        try:
            while True:
                kind, seq, rows, seconds = FRAME_OUT.unpack(
                    await stdout.readexactly(FRAME_OUT.size)
                )
                if kind == NACK:
                    self._refused(seq, rows)
                elif kind == ACK:
                    self._committed(seq, rows, seconds)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the writer ended (or was killed)
        except Exception:  # a garbled frame: this writer cannot be trusted any more
            log.exception("reading the audit writer's acknowledgements failed")
            process.kill()
        if process is self._process:
            await self._died(process)

    def _committed(self, upto: int, rows: int, seconds: float) -> None:
        if rows:
            self.stats.rounds += 1
            self.stats.rows += rows
            self.stats.seconds += seconds
            self.stats.largest_round = max(self.stats.largest_round, rows)
        while self._pending:
            seq = next(iter(self._pending))
            if seq > upto:
                break
            waiter = self._pending.pop(seq)
            if not waiter.done():  # done: the client went away meanwhile
                waiter.set_result(None)

    def _refused(self, seq: int, rows: int) -> None:
        self.stats.failed += rows
        waiter = self._pending.pop(seq, None)
        if waiter is not None and not waiter.done():
            waiter.set_exception(AuditUnavailable("the database refused the audit record"))

    def _fail_all(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        self._outbox = []  # frames for a writer that is gone; their requests fail below
        for waiter in pending.values():
            if not waiter.done():
                waiter.set_exception(AuditUnavailable(reason))
