"""The service over the repository's own decisions/: it loads, and answers spec.md's request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_harness import REPO, InProcess

from service.api.app import create_app
from service.api.state import Settings

MODEL = "gastric-her2-later-lines"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    decisions = REPO / "decisions"
    if not (decisions / MODEL).is_dir():
        pytest.skip(f"{MODEL} is not published in decisions/")
    database = tmp_path_factory.mktemp("audit") / "audit.sqlite"
    client = InProcess(create_app(Settings(decisions_dir=decisions,
                                           database_url=f"sqlite:///{database}")))
    yield client
    client.close()


def test_every_published_model_is_listed(published: InProcess) -> None:
    listed = {m["id"] for m in published.get("/decisions").json()["models"]}
    folders = {p.name for p in (REPO / "decisions").iterdir() if p.is_dir()}
    assert listed == folders


def test_answers_the_specs_first_request_with_its_contract(published: InProcess) -> None:
    request = {"line_of_therapy": 2, "progressed_on_first_line": True,
               "her2_status_after_progression": "positive", "ecog": 1}
    response = published.post(f"/decisions/{MODEL}/evaluate", json=request)
    assert response.status_code == 200, response.text
    outputs = response.json()["outputs"]
    assert set(outputs) >= {"her2_status_acted_on", "care_pathway", "first_choice", "options",
                            "excluded_options", "monitoring", "warnings"}
    assert response.json()["explanation"]


def test_rejects_a_contradiction_with_its_code(published: InProcess) -> None:
    request = {"line_of_therapy": 3, "progressed_on_first_line": False,
               "her2_status_after_progression": "positive", "ecog": 1,
               "prior_second_line_regimen": "Paclitaxel"}
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
