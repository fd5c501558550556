"""SIGKILL mid-load: every 200 (and 422) a client received has its audit record after restart.

Concurrent clients (threads) hammer a real ``tablerx serve`` process; once enough answers
have come back, the server's process group gets SIGKILL (no shutdown, no flushing). The
server is started again on the same database, and each evaluation_id the clients
received must be there. Bounded: at most ``PER_THREAD`` requests per thread and
``LIMIT_S`` seconds of load; loopback only.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from api_harness import MODELS, VALID, Server, postgres_url, wait_until

from service.store.audit import EVALUATIONS, create_db_engine

pytestmark = pytest.mark.slow

THREADS = 8
PER_THREAD = 2000
LIMIT_S = 20.0
KILL_AFTER = 300  # answers received before the kill


class Load:
    """Client threads and what they received: (status, evaluation_id) per answer."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.answers: list[tuple[int, str]] = []
        self.failures = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def client(self, n: int) -> None:
        bodies = [VALID, {**VALID, "ecog": 9}, {**VALID, "her2_status": "negative"}]
        with httpx.Client(base_url=self.url, timeout=10) as http:
            deadline = time.monotonic() + LIMIT_S
            for i in range(PER_THREAD):
                if self.stop.is_set() or time.monotonic() > deadline:
                    return
                try:
                    response = http.post(
                        "/decisions/triage-demo/evaluate", json=bodies[(i + n) % len(bodies)]
                    )
                    pair = (response.status_code, response.json()["evaluation_id"])
                except (httpx.HTTPError, ValueError, KeyError):
                    with self.lock:
                        self.failures += 1  # the server is dead: no answer, no promise
                    if self.failures > 50:
                        return
                    continue
                with self.lock:
                    self.answers.append(pair)


def stored_ids(url: str, ids: list[str]) -> set[str]:
    engine = create_db_engine(url)
    found: set[str] = set()
    try:
        with engine.connect() as connection:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                query = sa.select(EVALUATIONS.c.id).where(EVALUATIONS.c.id.in_(chunk))
                found.update(connection.execute(query).scalars())
    finally:
        engine.dispose()
    return found


def run_kill_test(tmp_path: Path, database: str, workers: int) -> None:
    server = Server(MODELS, database, tmp_path / "server.log", workers=workers)
    server.start()
    load = Load(server.url)
    threads = [threading.Thread(target=load.client, args=(n,)) for n in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        wait_until(lambda: len(load.answers) >= KILL_AFTER, LIMIT_S, "enough answers")
        server.kill()  # SIGKILL while the clients are still sending
        load.stop.set()
        for thread in threads:
            thread.join(timeout=60)
        answered = {eid for status, eid in load.answers if status in (200, 422)}
        print(f"kill test: {len(answered)} answered before SIGKILL, {load.failures} cut off")
        assert {status for status, _ in load.answers} <= {200, 422}
        assert len(answered) >= KILL_AFTER
        server.start()  # the same database, after the crash
        missing = answered - stored_ids(database, sorted(answered))
        assert not missing, f"{len(missing)} answered evaluations have no audit record"
        with httpx.Client(base_url=server.url, timeout=10) as http:
            sample = sorted(answered)[:5]
            assert all(http.get(f"/evaluations/{eid}").status_code == 200 for eid in sample)
    finally:
        load.stop.set()
        server.stop()


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_loses_no_answered_evaluation_sqlite(tmp_path: Path, workers: int) -> None:
    run_kill_test(tmp_path, f"sqlite:///{tmp_path / 'audit.sqlite'}", workers)


def test_sigkill_loses_no_answered_evaluation_postgresql(tmp_path: Path) -> None:
    run_kill_test(tmp_path, postgres_url(), 1)
