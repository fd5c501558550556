"""The evaluate fast lane answers exactly as the routed endpoint does, and steps aside.

Two apps over the same models, one with the lane open (as shipped) and one with it closed
(every request through FastAPI's middleware and router), get the same requests; status,
headers and bodies must agree (bodies up to their evaluation ids), and both count the
requests under the same route label in /metrics.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_harness import MODELS, VALID, InProcess

from service.api import errors, fastlane, jsonmap
from service.api.app import TablerxApp, create_app
from service.api.metrics import MetricsMiddleware
from service.api.state import Settings

ID = re.compile(rb'"evaluation_id":"[0-9a-f-]{36}"')


def _client(tmp_path: Path, name: str, lane: bool) -> InProcess:
    settings = Settings(
        decisions_dir=MODELS,
        max_body_bytes=4096,
        database_url=f"sqlite:///{tmp_path / f'{name}.sqlite'}",
    )
    app = create_app(settings)
    assert isinstance(app, TablerxApp) and app.fast_lane
    app.fast_lane = lane
    return InProcess(app)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[InProcess, InProcess]]:
    folder = tmp_path_factory.mktemp("lane")
    lane, routed = _client(folder, "lane", True), _client(folder, "routed", False)
    yield lane, routed
    lane.close()
    routed.close()


REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("/decisions/triage-demo/evaluate", {"json": VALID}),
    ("/decisions/triage-demo/evaluate?version=0.9.0", {"json": VALID}),
    ("/decisions/triage-demo/evaluate?version=9.9.9", {"json": VALID}),
    ("/decisions/nope/evaluate", {"json": VALID}),
    ("/decisions/triage-demo/evaluate", {"json": {**VALID, "ecog": 7, "extra": 1}}),
    ("/decisions/triage-demo/evaluate", {"json": {**VALID, "lvef_percent": 40}}),  # defect
    ("/decisions/triage-demo/evaluate", {"content": b"{"}),
    ("/decisions/triage-demo/evaluate", {"content": b"[" + b"1," * 3000 + b"1]"}),  # too large
    (
        "/decisions/triage-demo/evaluate",
        {"json": VALID, "headers": {"X-Request-ID": "req-7", "X-Caller-Id": "ward-1"}},
    ),
    ("/decisions//evaluate", {"json": VALID}),  # not the route: both 404
    ("/decisions/triage-demo/evaluate/", {"json": VALID}),  # nor this
]


@pytest.mark.parametrize(("url", "options"), REQUESTS)
def test_the_lane_answers_as_the_route_does(
    pair: tuple[InProcess, InProcess], url: str, options: dict[str, Any]
) -> None:
    lane, routed = (client.post(url, **options) for client in pair)
    assert lane.status_code == routed.status_code
    assert ID.sub(b"ID", lane.content) == ID.sub(b"ID", routed.content)
    for header in ("content-type", "content-length"):
        assert lane.headers.get(header) == routed.headers.get(header)
    assert ("x-request-id" in lane.headers) == ("x-request-id" in routed.headers)
    if "headers" in options:
        assert lane.headers["x-request-id"] == routed.headers["x-request-id"] == "req-7"


def test_both_count_evaluate_requests_under_the_route_template(
    pair: tuple[InProcess, InProcess],
) -> None:
    label = 'route="/decisions/{model}/evaluate",status="200"'
    for client in pair:
        client.post("/decisions/triage-demo/evaluate", json=VALID)
        assert label in client.get("/metrics").text


@pytest.mark.parametrize(
    ("method", "path", "root_path", "served"),
    [
        ("POST", "/decisions/m/evaluate", "", "m"),
        ("GET", "/decisions/m/evaluate", "", None),
        ("POST", "/decisions/m/evaluate-batch", "", None),
        ("POST", "/decisions/a/b/evaluate", "", None),
        ("POST", "/decisions/m/evaluate", "/tablerx", None),  # mounted: the router decides
    ],
)
def test_which_requests_take_the_lane(
    method: str, path: str, root_path: str, served: str | None
) -> None:
    scope = {"type": "http", "method": method, "path": path, "root_path": root_path}
    assert fastlane.model_of(scope) == served


def test_middleware_added_later_closes_the_lane(settings: Settings) -> None:
    app = create_app(settings)
    assert isinstance(app, TablerxApp) and app.fast_lane
    app.add_middleware(MetricsMiddleware, metrics=app.state.service.metrics)
    assert not app.fast_lane


def test_an_unexpected_failure_is_the_usual_500(settings: Settings) -> None:
    app = create_app(settings)

    def broken(model: str, version: str | None) -> Any:
        raise RuntimeError("boom")

    app.state.service.resolve = broken
    client = InProcess(app)
    try:
        response = client.post("/decisions/triage-demo/evaluate", json=VALID)
    finally:
        client.close()
    assert response.status_code == 500
    assert response.content == jsonmap.dumps(errors.error_body([errors.internal_error()]))
