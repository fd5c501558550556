"""The service over real HTTP: ``tablerx serve`` in a subprocess on a free loopback port."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from api_harness import MODELS, VALID, Server, postgres_url

pytestmark = pytest.mark.slow


def test_evaluate_and_find_the_audit_record(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        answer = http.post(
            "/decisions/triage-demo/evaluate", json=VALID, headers={"X-Caller-Id": "http-test"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        record = http.get(f"/evaluations/{answer.json()['evaluation_id']}").json()
        assert (record["status"], record["caller"]) == ("ok", "http-test")
        rejected = http.post("/decisions/triage-demo/evaluate", json={**VALID, "ecog": "1"})
        assert rejected.status_code == 422
        assert rejected.json()["errors"][0]["code"] == "INVALID_TYPE"
        assert http.get("/health").json()["ready"] is True
        head = http.head("/health")  # as a load balancer probes it
        assert (head.status_code, head.content) == (200, b"")
        assert "tablerx_evaluations_total" in http.get("/metrics").text
        assert "Inputs.triage-demo" in http.get("/openapi.json").text
        # headers in UTF-8 are stored as sent, and X-Request-ID comes back byte for byte
        for url, payload in [("evaluate", VALID), ("evaluate-batch", {"inputs": [VALID]})]:
            named = http.post(
                f"/decisions/triage-demo/{url}",
                json=payload,
                headers={"X-Caller-Id": "Station-É".encode(), "X-Request-ID": "Ā-1".encode()},
            )
            assert dict(named.headers.raw)[b"x-request-id"] == "Ā-1".encode()
            found = named.json().get("evaluation_id") or named.json()["results"][0]["evaluation_id"]
            record = http.get(f"/evaluations/{found}").json()
            assert (record["caller"], record["request_id"]) == ("Station-É", "Ā-1")


def test_two_workers_share_one_database(tmp_path: Path) -> None:
    server = Server(MODELS, f"sqlite:///{tmp_path / 'audit.sqlite'}", tmp_path / "log", workers=2)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            ids = [
                http.post("/decisions/triage-demo/evaluate", json=VALID).json()["evaluation_id"]
                for _ in range(20)
            ]
            assert all(http.get(f"/evaluations/{i}").status_code == 200 for i in ids)
    finally:
        server.stop()


def test_postgresql_audit_over_http(tmp_path: Path) -> None:
    server = Server(MODELS, postgres_url(), tmp_path / "server.log")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            answer = http.post("/decisions/triage-demo/evaluate", json=VALID)
            assert answer.status_code == 200
            record = http.get(f"/evaluations/{answer.json()['evaluation_id']}").json()
            assert record["outputs"] == answer.json()["outputs"]
            assert (
                http.get("/health")
                .json()["checks"]["database"]["url"]
                .startswith("postgresql+psycopg://")
            )
    finally:
        server.stop()


def test_serve_refuses_a_broken_model(tmp_path: Path) -> None:
    broken = tmp_path / "decisions" / "bad-model"
    broken.mkdir(parents=True)
    (broken / "1.0.0.dmn").write_text("<definitions", encoding="utf-8")
    server = Server(broken.parent, f"sqlite:///{tmp_path / 'a.sqlite'}", tmp_path / "log")
    with pytest.raises(RuntimeError, match="bad-model"):
        server.start(timeout=30)
