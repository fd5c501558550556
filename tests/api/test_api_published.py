"""The service over the repository's own decisions/: it loads, and answers spec.md's request.

The committed clinical model is a draft until a clinician approves it, so the service
refuses requests that name no version, and ``--drafts`` (what ``make serve`` runs) lets
the draft answer them, every answer marked as a draft.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_harness import REPO, InProcess

from service.api.app import create_app
from service.api.state import Settings

MODEL = "gastric-her2-later-lines"


def _client(tmp_path_factory: pytest.TempPathFactory, drafts: bool) -> InProcess:
    decisions = REPO / "decisions"
    if not (decisions / MODEL).is_dir():
        pytest.skip(f"{MODEL} is not published in decisions/")
    database = tmp_path_factory.mktemp("audit") / "audit.sqlite"
    return InProcess(
        create_app(
            Settings(decisions_dir=decisions, drafts=drafts, database_url=f"sqlite:///{database}")
        )
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """The service as ``make serve`` runs it: ``--drafts``."""
    client = _client(tmp_path_factory, drafts=True)
    yield client
    client.close()


SPEC_REQUEST = {
    "line_of_therapy": 2,
    "progressed_on_first_line": True,
    "her2_status_after_progression": "positive",
    "ecog": 1,
}


def _approved(decisions: Path) -> bool:
    from service.store import releases

    book = releases.read_book(decisions, MODEL)
    return any(r.status == releases.APPROVED for r in book.releases.values())


def test_without_drafts_the_unapproved_model_answers_only_when_a_version_is_named(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    if _approved(REPO / "decisions"):
        pytest.skip(f"{MODEL} has an approved version now")
    client = _client(tmp_path_factory, drafts=False)
    try:
        refused = client.post(f"/decisions/{MODEL}/evaluate", json=SPEC_REQUEST)
        version = refused.json()["errors"][0]["location"]["versions"][-1]["version"]
        named = client.post(f"/decisions/{MODEL}/evaluate?version={version}", json=SPEC_REQUEST)
    finally:
        client.close()
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "NO_APPROVED_VERSION"
    assert named.status_code == 200
    assert named.json()["model"]["status"] == "draft"


def test_every_published_model_is_listed(published: InProcess) -> None:
    listed = {m["id"] for m in published.get("/decisions").json()["models"]}
    folders = {p.name for p in (REPO / "decisions").iterdir() if p.is_dir()}
    assert listed == folders


def test_answers_the_specs_first_request_with_its_contract(published: InProcess) -> None:
    response = published.post(f"/decisions/{MODEL}/evaluate", json=SPEC_REQUEST)
    assert response.status_code == 200, response.text
    outputs = response.json()["outputs"]
    assert set(outputs) >= {
        "her2_status_acted_on",
        "care_pathway",
        "first_choice",
        "options",
        "excluded_options",
        "monitoring",
        "warnings",
    }
    assert response.json()["explanation"]
    if not _approved(REPO / "decisions"):  # a draft's answer says so
        assert response.json()["model"]["status"] == "draft"
        assert response.json()["warnings"][0]["code"] == "DRAFT_VERSION"


def test_rejects_a_contradiction_with_its_code(published: InProcess) -> None:
    request = {
        "line_of_therapy": 3,
        "progressed_on_first_line": False,
        "her2_status_after_progression": "positive",
        "ecog": 1,
        "prior_second_line_regimen": "Paclitaxel",
    }
    response = published.post(f"/decisions/{MODEL}/evaluate", json=request)
    assert response.status_code == 422
    assert "CONTRADICTION" in {e["code"] for e in response.json()["errors"]}


def test_schema_is_on_the_openapi_page(published: InProcess) -> None:
    document = published.get("/openapi.json").json()
    schema = document["components"]["schemas"][f"Inputs.{MODEL}"]
    assert schema["properties"]["ecog"]["type"] == "integer"
    assert f"/decisions/{MODEL}/evaluate" in document["paths"]


def test_repository_default_decisions_folder() -> None:
    assert Settings().decisions_dir == Path(REPO / "decisions")


def test_the_schema_example_is_answered(published: InProcess) -> None:
    document = published.get("/openapi.json").json()
    [example] = document["components"]["schemas"][f"Inputs.{MODEL}"]["examples"]
    assert published.post(f"/decisions/{MODEL}/evaluate", json=example).status_code == 200
