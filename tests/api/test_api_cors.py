"""CORS: browser pages of the configured origins may call the API; by default none may."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from api_harness import VALID, InProcess

from service.api.app import create_app
from service.api.state import Settings, parse_origins

EHR = "https://ehr.example.org"
URL = "/decisions/triage-demo/evaluate"


@pytest.fixture
def cors_client(settings: Settings) -> Iterator[InProcess]:
    client = InProcess(create_app(dataclasses.replace(settings, cors_origins=(EHR,))))
    yield client
    client.close()


def test_a_preflight_from_a_configured_origin_is_allowed(cors_client: InProcess) -> None:
    headers = {
        "origin": EHR,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-request-id",
    }
    response = cors_client.request("OPTIONS", URL, headers=headers)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == EHR
    assert "POST" in response.headers["access-control-allow-methods"]


@pytest.mark.parametrize("url", [URL, "/decisions/triage-demo/evaluate-batch"])
def test_an_answer_to_a_configured_origin_says_so_and_is_audited(
    cors_client: InProcess, url: str
) -> None:
    payload = VALID if url == URL else {"inputs": [VALID]}
    response = cors_client.post(url, json=payload, headers={"origin": EHR})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == EHR
    assert "x-request-id" in response.headers["access-control-expose-headers"]
    answer = response.json()
    found = answer.get("evaluation_id") or answer["results"][0]["evaluation_id"]
    assert cors_client.get(f"/evaluations/{found}").status_code == 200


def test_another_origin_gets_no_permission(cors_client: InProcess) -> None:
    response = cors_client.post(URL, json=VALID, headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_by_default_no_origin_is_allowed(client: InProcess) -> None:
    response = client.post(URL, json=VALID, headers={"origin": EHR})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    ("text", "origins"),
    [
        (None, ()),
        ("", ()),
        (EHR, (EHR,)),
        (f" {EHR} , http://localhost:3000", (EHR, "http://localhost:3000")),
        ("*", ("*",)),
    ],
)
def test_origins_parse(text: str | None, origins: tuple[str, ...]) -> None:
    assert parse_origins(text) == origins


@pytest.mark.parametrize("text", [f"{EHR}/", f"{EHR}/app", "ehr.example.org", "ftp://x"])
def test_an_origin_with_a_path_or_no_scheme_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a web origin"):
        parse_origins(text)
