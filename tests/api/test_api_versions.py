"""Which version answers (issue 6): the newest approved by default, others only when named,
``--drafts`` for development; every answer from a version that is not approved says so."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_harness import MODELS, VALID, InProcess, Server

from service.api import schemas
from service.api.app import create_app
from service.api.state import Settings
from service.store import releases

MODEL = "triage-demo"
URL = f"/decisions/{MODEL}/evaluate"


def copy_models(root: Path, record: bool) -> Path:
    """The test model's two versions under ``root``, with or without its release record."""
    folder = root / "decisions" / MODEL
    folder.mkdir(parents=True)
    for path in (MODELS / MODEL).glob("*.dmn"):
        shutil.copy(path, folder / path.name)
    if record:
        shutil.copy(MODELS / MODEL / releases.RELEASES_FILE, folder / releases.RELEASES_FILE)
    return root / "decisions"


def client_for(root: Path, record: bool, drafts: bool = False) -> InProcess:
    decisions = copy_models(root, record)
    settings = Settings(
        decisions_dir=decisions, database_url=f"sqlite:///{root / 'a.sqlite'}", drafts=drafts
    )
    return InProcess(create_app(settings))


@pytest.fixture
def unapproved(tmp_path: Path) -> Iterator[InProcess]:
    """The model with no release record: both versions are drafts."""
    client = client_for(tmp_path, record=False)
    yield client
    client.close()


@pytest.fixture
def drafts(tmp_path: Path) -> Iterator[InProcess]:
    """The same, served with ``--drafts``."""
    client = client_for(tmp_path, record=False, drafts=True)
    yield client
    client.close()


def audit(client: InProcess, answer: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = client.get(f"/evaluations/{answer['evaluation_id']}").json()
    return record


def codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["code"] for item in items]


def test_the_approved_version_answers_unmarked(client: InProcess) -> None:
    answer = client.post(URL, json=VALID).json()
    assert answer["model"]["version"] == "1.0.0" and answer["model"]["status"] == "approved"
    assert not {"DRAFT_VERSION", "IN_REVIEW_VERSION", "RETIRED_VERSION"} & set(
        codes(answer["warnings"])
    )
    assert audit(client, answer)["model"]["status"] == "approved"


def test_a_retired_version_answers_only_when_named_and_says_so(client: InProcess) -> None:
    response = client.post(f"{URL}?version=0.9.0", json=VALID)
    assert response.status_code == 200, response.text
    answer = response.json()
    schemas.EvaluationResponse.model_validate(answer)
    assert answer["model"]["status"] == "retired"
    assert answer["warnings"][0]["code"] == "RETIRED_VERSION"
    assert "0.9.0" in answer["warnings"][0]["message"]
    record = audit(client, answer)
    assert record["model"] == {**answer["model"], "status": "retired"}
    assert record["warnings"][0]["code"] == "RETIRED_VERSION"


def test_without_an_approved_version_a_request_must_name_one(unapproved: InProcess) -> None:
    response = unapproved.post(URL, json=VALID)
    assert response.status_code == 409
    body = response.json()
    schemas.ErrorBody.model_validate(body)
    [problem] = body["errors"]
    assert problem["code"] == "NO_APPROVED_VERSION"
    assert "no approved version" in problem["message"]
    assert "?version=1.0.0" in problem["message"] and "--drafts" in problem["message"]
    assert problem["location"]["versions"] == [
        {"version": "0.9.0", "status": "draft"},
        {"version": "1.0.0", "status": "draft"},
    ]
    record = audit(unapproved, body)
    assert (record["status"], record["http_status"]) == ("not_found", 409)


def test_a_named_draft_answers_marked_as_a_draft(unapproved: InProcess) -> None:
    answer = unapproved.post(f"{URL}?version=1.0.0", json=VALID).json()
    assert answer["model"]["status"] == "draft"
    assert answer["warnings"][0]["code"] == "DRAFT_VERSION"
    assert "not for clinical decisions" in answer["warnings"][0]["message"]
    assert audit(unapproved, answer)["model"]["status"] == "draft"


def test_listing_without_an_approved_version(unapproved: InProcess) -> None:
    [model] = unapproved.get("/decisions").json()["models"]
    schemas.ModelList.model_validate({"models": [model]})
    assert (model["default_version"], model["status"]) == (None, None)
    detail = unapproved.get(f"/decisions/{MODEL}").json()
    schemas.ModelDetail.model_validate(detail)
    assert (detail["version"], detail["status"], detail["default_version"]) == (
        "1.0.0",
        "draft",
        None,
    )  # reading shows the newest; answering needs ?version=


def test_drafts_lets_the_newest_draft_answer_marked(drafts: InProcess) -> None:
    answer = drafts.post(URL, json=VALID).json()
    assert (answer["model"]["version"], answer["model"]["status"]) == ("1.0.0", "draft")
    assert answer["warnings"][0]["code"] == "DRAFT_VERSION"
    assert drafts.get("/decisions").json()["models"][0]["default_version"] == "1.0.0"


def test_refusals_and_batches_from_a_draft_are_marked_too(drafts: InProcess) -> None:
    refused = drafts.post(URL, json={**VALID, "ecog": 9}).json()
    assert codes(refused["errors"]) == ["OUT_OF_RANGE"]
    assert refused["model"]["status"] == "draft" and codes(refused["warnings"]) == ["DRAFT_VERSION"]
    batch = drafts.post(
        f"/decisions/{MODEL}/evaluate-batch", json={"inputs": [VALID, {**VALID, "ecog": 9}]}
    ).json()
    assert batch["model"]["status"] == "draft"
    assert [r["warnings"][0]["code"] for r in batch["results"]] == ["DRAFT_VERSION"] * 2


def test_an_in_review_version_is_marked(tmp_path: Path) -> None:
    decisions = copy_models(tmp_path, record=False)
    book = releases.read_book(decisions, MODEL)
    sha = releases.file_hash(decisions / MODEL / "1.0.0.dmn")
    book.releases["1.0.0"] = releases.Release(
        "1.0.0",
        sha,
        [releases.Event("submit", releases.IN_REVIEW, "A. Author", "2025-01-01T00:00:00Z", sha)],
    )
    releases.write_book(book)
    client = InProcess(
        create_app(
            Settings(decisions_dir=decisions, database_url=f"sqlite:///{tmp_path / 'a.sqlite'}")
        )
    )
    try:
        assert client.post(URL, json=VALID).status_code == 409
        answer = client.post(f"{URL}?version=1.0.0", json=VALID).json()
    finally:
        client.close()
    assert answer["model"]["status"] == "in review"
    assert answer["warnings"][0]["code"] == "IN_REVIEW_VERSION"


@pytest.mark.slow
@pytest.mark.parametrize("how", ["--drafts", "TABLERX_DRAFTS"])
def test_serve_with_drafts_over_http(tmp_path: Path, how: str) -> None:
    decisions = copy_models(tmp_path, record=False)
    extra = ("--drafts",) if how == "--drafts" else ()
    env = {"TABLERX_DRAFTS": "1"} if how == "TABLERX_DRAFTS" else {}
    server = Server(
        decisions, f"sqlite:///{tmp_path / 'a.sqlite'}", tmp_path / "log", extra=extra, env=env
    )
    server.start()
    try:
        answer = httpx.post(f"{server.url}{URL}", json=VALID, timeout=30).json()
    finally:
        server.stop()
    assert answer["model"]["status"] == "draft"
    assert answer["warnings"][0]["code"] == "DRAFT_VERSION"
    assert "default versions:" in (tmp_path / "log").read_text()


@pytest.mark.slow
def test_serve_without_drafts_over_http_refuses_with_409(tmp_path: Path) -> None:
    decisions = copy_models(tmp_path, record=False)
    server = Server(decisions, f"sqlite:///{tmp_path / 'a.sqlite'}", tmp_path / "log")
    server.start()
    try:
        refused = httpx.post(f"{server.url}{URL}", json=VALID, timeout=30)
        named = httpx.post(f"{server.url}{URL}?version=0.9.0", json=VALID, timeout=30)
    finally:
        server.stop()
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "NO_APPROVED_VERSION"
    assert named.status_code == 200 and named.json()["model"]["status"] == "draft"
