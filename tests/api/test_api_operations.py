"""GET /health and GET /metrics."""

from __future__ import annotations

import re

import pytest
from api_harness import VALID, InProcess

from service.api import schemas
from service.api.app import create_app
from service.api.state import Settings


def test_health_checks_models_and_database(client: InProcess) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    health = response.json()
    schemas.Health.model_validate(health)
    assert (health["live"], health["ready"]) == (True, True)
    assert health["checks"]["database"]["status"] == "ok"
    assert health["checks"]["models"] == {"status": "ok", "models": 1, "versions": 2}


@pytest.mark.parametrize(
    "url",
    [
        "/health",
        "/health/live",
        "/decisions",
        "/decisions/triage-demo",
        "/decisions/triage-demo/versions/1.0.0/dmn",
        "/metrics",
        "/decisions/nope",
    ],
)
def test_head_answers_as_get_without_a_body(client: InProcess, url: str) -> None:
    got = client.get(url)
    head = client.request("HEAD", url)
    assert head.status_code == got.status_code
    assert head.content == b""
    for name in ("content-type", "etag"):
        assert head.headers.get(name) == got.headers.get(name)
    if url not in ("/metrics", "/health"):  # their texts change with every request
        assert head.headers["content-length"] == str(len(got.content))
    else:
        assert int(head.headers["content-length"]) > 0


def test_liveness_only(client: InProcess) -> None:
    assert client.get("/health/live").json()["live"] is True


def test_not_ready_when_the_database_is_unreachable(settings: Settings) -> None:
    app = create_app(settings)
    client = InProcess(app)
    try:
        app.state.service.audit.engine.dispose()
        app.state.service.audit.engine = _broken_engine()
        response = client.get("/health")
    finally:
        client.close()
    assert response.status_code == 503
    body = response.json()
    assert body["errors"][0]["code"] == "NOT_READY"
    assert body["checks"]["database"]["status"] == "fail"


def _broken_engine() -> object:
    from service.store.audit import create_db_engine

    return create_db_engine("postgresql://nobody@127.0.0.1:1/none")


def test_metrics_count_requests_and_evaluations(fresh_client: InProcess) -> None:
    client = fresh_client
    client.post("/decisions/triage-demo/evaluate", json=VALID)
    client.post("/decisions/triage-demo/evaluate", json={**VALID, "ecog": 9})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    # counters and histograms are summed over the workers: no pid label
    assert 'tablerx_evaluations_total{model="triage-demo",version="1.0.0",outcome="ok"} 1' in text
    assert 'outcome="rejected"} 1' in text
    assert (
        'tablerx_http_requests_total{method="POST",route="/decisions/{model}/evaluate",'
        'status="422"} 1' in text
    )
    assert 'tablerx_http_request_duration_seconds_bucket{method="POST"' in text
    assert re.search(r"tablerx_audit_records_total\{pid=\"\d+\"\} 2", text)
    for line in text.splitlines():  # every sample line parses as name{labels} value
        assert line.startswith("#") or re.fullmatch(r"[a-z_]+(\{.*\})? [0-9.e+-]+", line), line


def test_names_a_caller_typed_do_not_become_metric_labels(fresh_client: InProcess) -> None:
    # Unknown models and versions are counted, but under one label: a caller looping over
    # made-up names must not grow the metrics without bound.
    for name in ("no-such-model", "another-one"):
        assert fresh_client.post(f"/decisions/{name}/evaluate", json=VALID).status_code == 404
    response = fresh_client.post("/decisions/triage-demo/evaluate?version=9.9.9", json=VALID)
    assert response.status_code == 404
    text = fresh_client.get("/metrics").text
    assert (
        'tablerx_evaluations_total{model="unknown",version="unknown",outcome="not_found"} 2' in text
    )
    assert (
        'tablerx_evaluations_total{model="triage-demo",version="unknown",'
        'outcome="not_found"} 1' in text
    )
    assert "no-such-model" not in text and "9.9.9" not in text
