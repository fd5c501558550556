"""GET /decisions/{model}/diff?from=V1&to=V2: JSON or Markdown, cached, limited, refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from api_harness import MODELS, InProcess, Server

from service.api import schemas
from service.api.app import create_app
from service.api.state import Settings
from service.store import diff_report

DIFF = "/decisions/triage-demo/diff"


def test_json_report_names_both_versions_with_status(client: InProcess) -> None:
    response = client.get(f"{DIFF}?from=0.9.0&to=1.0.0")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    report = response.json()
    schemas.DiffReport.model_validate(report)
    assert report["model"] == "triage-demo"
    assert (report["from"]["version"], report["from"]["status"]) == ("0.9.0", "retired")
    assert (report["to"]["version"], report["to"]["status"]) == ("1.0.0", "approved")
    assert report["max_cases"] == Settings().diff_max_cases
    summary = report["summary"]
    assert summary["cases_run"] <= report["max_cases"]
    assert summary["cases_differing"] == len(report["behaviour"]["differences"]) > 0
    assert report["structural"]["decisions"]


@pytest.mark.parametrize(
    ("query", "headers"),
    [("&format=markdown", {}), ("", {"accept": "text/markdown"})],
)
def test_markdown_by_format_or_accept(
    client: InProcess, query: str, headers: dict[str, str]
) -> None:
    response = client.get(f"{DIFF}?from=0.9.0&to=1.0.0{query}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text.startswith("# Triage demo (triage-demo): 0.9.0 → 1.0.0")
    assert "| status | retired | approved |" in response.text


@pytest.mark.parametrize(
    ("query", "status", "errors"),
    [
        ("from=1.0.0&to=1.0.0", 422, [("INVALID_PARAMETER", {"parameter": "to"})]),
        ("from=0.9.0", 422, [("INVALID_PARAMETER", {"parameter": "to"})]),
        ("from=0.9.0&to=1.0.0&format=pdf", 422, [("INVALID_PARAMETER", {"parameter": "format"})]),
        (
            "from=0.9.0&to=1.0.0&max_cases=0",
            422,
            [("INVALID_PARAMETER", {"parameter": "max_cases"})],
        ),
        (
            "from=0.9.0&to=1.0.0&max_cases=1000000",
            422,
            [("INVALID_PARAMETER", {"parameter": "max_cases"})],
        ),
        (
            "from=0.1&to=1.0.0",
            404,
            [("VERSION_NOT_FOUND", {"model": "triage-demo", "version": "0.1"})],
        ),
        (
            "from=0.1&to=0.2",
            404,
            [
                ("VERSION_NOT_FOUND", {"model": "triage-demo", "version": "0.1"}),
                ("VERSION_NOT_FOUND", {"model": "triage-demo", "version": "0.2"}),
            ],
        ),
    ],
)
def test_refusals(
    client: InProcess, query: str, status: int, errors: list[tuple[str, Any]]
) -> None:
    response = client.get(f"{DIFF}?{query}")
    assert response.status_code == status, response.text
    body = response.json()
    schemas.ErrorBody.model_validate(body)
    assert [(e["code"], e["location"]) for e in body["errors"]] == errors


def test_unknown_model_is_404(client: InProcess) -> None:
    response = client.get("/decisions/nope/diff?from=1&to=2")
    assert response.status_code == 404
    assert [e["code"] for e in response.json()["errors"]] == ["MODEL_NOT_FOUND"]


def test_cached_by_the_two_hashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str, int]] = []
    real = diff_report.diff_loaded

    def counting(root: Path, old: Any, new: Any, limit: int, **kw: Any) -> Any:
        calls.append((old.version, new.version, limit))
        return real(root, old, new, limit, **kw)

    monkeypatch.setattr(diff_report, "diff_loaded", counting)
    client = InProcess(
        create_app(
            Settings(decisions_dir=MODELS, database_url=f"sqlite:///{tmp_path / 'a.sqlite'}")
        )
    )
    try:
        first = client.get(f"{DIFF}?from=0.9.0&to=1.0.0").json()
        again = client.get(f"{DIFF}?from=0.9.0&to=1.0.0").json()
        client.get(f"{DIFF}?from=0.9.0&to=1.0.0&format=markdown")
        client.get(f"{DIFF}?from=0.9.0&to=1.0.0&max_cases=50")
        client.get(f"{DIFF}?from=1.0.0&to=0.9.0")
    finally:
        client.close()
    assert first == again
    assert calls == [("0.9.0", "1.0.0", 1000), ("0.9.0", "1.0.0", 50), ("1.0.0", "0.9.0", 1000)]


def test_in_the_openapi_document(client: InProcess) -> None:
    operation = client.get("/openapi.json").json()["paths"][DIFF.replace("triage-demo", "{model}")][
        "get"
    ]
    assert operation["description"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "model",
        "from",
        "to",
        "format",
        "max_cases",
    }
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/markdown"}


@pytest.mark.slow
def test_diff_over_http(server: Server) -> None:
    response = httpx.get(
        f"{server.url}{DIFF}?from=0.9.0&to=1.0.0", headers={"accept": "text/markdown"}, timeout=60
    )
    assert response.status_code == 200
    assert "## " in response.text and "0.9.0 → 1.0.0" in response.text
