"""The audit writer process dies under a real server: requests it did not acknowledge get 503
(never a 200 without its record), /health says not ready, and a new writer takes over."""

from __future__ import annotations

import os
import re
import signal
import threading
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_harness import VALID, InProcess, Server, wait_until

from service.api.app import create_app
from service.api.state import Settings
from service.store.audit import EVALUATIONS, create_db_engine

URL = "/decisions/triage-demo/evaluate"
IN_FLIGHT = 6


def writer_check(server: Server) -> dict[str, Any]:
    check: dict[str, Any] = httpx.get(f"{server.url}/health", timeout=10).json()["checks"]["writer"]
    return check


def stored_request_ids(database: str, request_ids: list[str]) -> set[str]:
    engine = create_db_engine(database)
    try:
        with engine.connect() as connection:
            query = sa.select(EVALUATIONS.c.request_id).where(
                EVALUATIONS.c.request_id.in_(request_ids)
            )
            return set(connection.execute(query).scalars())
    finally:
        engine.dispose()


def post_all(server: Server, request_ids: list[str]) -> list[httpx.Response]:
    """POST one request per id, each from its own thread, all at once; their answers."""
    answers: dict[str, httpx.Response] = {}

    def one(request_id: str) -> None:
        answers[request_id] = httpx.post(
            f"{server.url}{URL}", json=VALID, timeout=60, headers={"X-Request-ID": request_id}
        )

    threads = [threading.Thread(target=one, args=(rid,)) for rid in request_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [answers[rid] for rid in request_ids]


@pytest.mark.slow
def test_killing_the_writer_fails_in_flight_requests_and_it_comes_back(server: Server) -> None:
    first = writer_check(server)
    assert (first["status"], first["state"], first["restarts"]) == ("ok", "running", 0)
    pid = first["pid"]
    request_ids = [f"in-flight-{i}" for i in range(IN_FLIGHT)]
    os.kill(pid, signal.SIGSTOP)  # frozen: it reads nothing, acknowledges nothing
    # SIGKILL once the requests below are all waiting for their acknowledgement
    killer = threading.Timer(1.0, os.kill, (pid, signal.SIGKILL))
    killer.start()
    answers = post_all(server, request_ids)
    killer.join()
    failed = [rid for rid, a in zip(request_ids, answers, strict=True) if a.status_code == 503]
    answered = [rid for rid, a in zip(request_ids, answers, strict=True) if a.status_code == 200]
    assert sorted(failed + answered) == sorted(request_ids)
    assert failed  # those waiting when the writer died (all of them, unless a thread was late)
    assert {a.json()["errors"][0]["code"] for a in answers if a.status_code == 503} == {
        "AUDIT_UNAVAILABLE"
    }
    # the frozen writer read none of them; a late one answered 200 has its record
    assert stored_request_ids(server.database, request_ids) == set(answered)

    def back() -> bool:
        check = writer_check(server)
        return bool(check["status"] == "ok" and check["restarts"] == 1)

    wait_until(back, 60, "the audit writer started again")
    assert writer_check(server)["pid"] != pid
    answer = httpx.post(
        f"{server.url}{URL}", json=VALID, timeout=30, headers={"X-Request-ID": "after-restart"}
    )
    assert answer.status_code == 200
    record = httpx.get(f"{server.url}/evaluations/{answer.json()['evaluation_id']}", timeout=30)
    assert record.status_code == 200 and record.json()["request_id"] == "after-restart"
    metrics = httpx.get(f"{server.url}/metrics", timeout=30).text
    assert re.search(r"tablerx_audit_writer_restarts_total\{pid=\"\d+\"\} 1", metrics)


def test_health_is_not_ready_while_the_writer_is_down(settings: Settings) -> None:
    app = create_app(settings)
    client = InProcess(app)
    writer = app.state.service.audit.writer
    writer._first_delay = writer._delay = 3600.0  # it stays down for this test
    try:
        os.kill(writer.pid, signal.SIGKILL)
        wait_until(lambda: writer.state == "restarting", 30, "the writer seen dead")
        health = client.get("/health")
        answer = client.post(URL, json=VALID)
    finally:
        client.close()
    assert health.status_code == 503
    check = health.json()["checks"]["writer"]
    assert (check["status"], check["state"], check["pid"]) == ("fail", "restarting", None)
    assert health.json()["errors"][0]["code"] == "NOT_READY"
    assert answer.status_code == 503
    assert answer.json()["errors"][0]["code"] == "AUDIT_UNAVAILABLE"
