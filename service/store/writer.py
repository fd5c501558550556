"""The audit writer process: framed rows on stdin -> group commits -> acknowledgements on stdout.

Run as ``python -m service.store.writer DATABASE_URL`` by :mod:`service.store.groupcommit`,
one per service worker. It reads whatever frames have arrived, writes all their rows in
one transaction, commits (one disk sync), and only then acknowledges them. Frames that
arrive while a commit is under way wait in the pipe and make up the next round, so
rounds grow with load by themselves.

Frames in: ``>IQ`` (payload length, sequence number) then the payload, the rows (see
:func:`service.store.groupcommit.encode_rows`). Frames out: ``>BQId`` (kind, sequence
number, rows, seconds): kind ``ACK`` says every frame up to that sequence number is
committed (except those refused before it), kind ``NACK`` says that frame's rows were
refused by the database. The process exits when stdin closes, after committing what it
has read. The database connection is opened once and kept (:class:`RowInserter`).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

from service.store.audit import RowInserter, create_db_engine, create_schema
from service.store.groupcommit import ACK, FRAME_OUT, NACK, decode_frames

READ_SIZE = 1 << 20

log = logging.getLogger("tablerx.audit.writer")


def _commit(inserter: RowInserter, frames: list[tuple[int, list[dict[str, Any]]]]) -> bytes:
    """Write a round; the acknowledgement frames to send back."""
    started = time.perf_counter()
    rows = [row for _, frame_rows in frames for row in frame_rows]
    try:
        inserter.insert(rows)
    except Exception as exc:
        if len(frames) == 1:
            log.error("audit rows refused: %s", str(exc).splitlines()[0])
            return FRAME_OUT.pack(NACK, frames[0][0], len(rows), 0.0)
        # One frame the database refuses must not sink the others: retry one by one.
        replies = [_commit(inserter, [frame]) for frame in frames]
        return b"".join(r for r in replies if r[0] == NACK) + FRAME_OUT.pack(
            ACK, frames[-1][0], 0, time.perf_counter() - started
        )
    return FRAME_OUT.pack(ACK, frames[-1][0], len(rows), time.perf_counter() - started)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def serve(url: str, fd_in: int, fd_out: int) -> None:
    """Commit rounds from ``fd_in`` until it closes; the first ACK (sequence 0) says ready."""
    engine = create_db_engine(url)
    create_schema(engine)
    inserter = RowInserter(engine)
    _write_all(fd_out, FRAME_OUT.pack(ACK, 0, 0, 0.0))
    buffer = bytearray()
    try:
        while True:
            chunk = os.read(fd_in, READ_SIZE)  # blocks until something arrives
            if not chunk:
                break
            buffer += chunk
            frames = decode_frames(buffer)
            if frames:
                _write_all(fd_out, _commit(inserter, frames))
    finally:
        inserter.close()
        engine.dispose()


def main(argv: list[str]) -> int:
    """Entry point: ``python -m service.store.writer DATABASE_URL``."""
    logging.basicConfig(level=logging.WARNING, format="tablerx audit writer: %(message)s")
    if len(argv) != 1:
        print("usage: python -m service.store.writer DATABASE_URL", file=sys.stderr)
        return 2
    serve(argv[0], sys.stdin.fileno(), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
