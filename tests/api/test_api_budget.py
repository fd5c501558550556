"""The time budget of one request: a runaway evaluation is stopped, answered 503, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_harness import InProcess

from service.api.app import create_app
from service.api.state import Settings, parse_timeout

# One input; the decision loops a million times a million unless n is 1.
RUNAWAY = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/"
             xmlns:tablerx="https://tablerx.dev/dmn/extensions/1"
             id="runaway" name="Runaway" namespace="https://tablerx.dev/models/runaway">
  <extensionElements>
    <tablerx:property name="model.id" value="runaway"/>
    <tablerx:property name="model.version" value="1.0.0"/>
  </extensionElements>
  <inputData id="n" name="n"><variable name="n" typeRef="number"/></inputData>
  <decision id="total" name="total">
    <extensionElements>
      <tablerx:property name="decision.top_level" value="true"/>
    </extensionElements>
    <variable name="total" typeRef="number"/>
    <informationRequirement><requiredInput href="#n"/></informationRequirement>
    <literalExpression>
      <text>if n = 1 then 1 else count(for i in 1..1000000, j in 1..1000000 return i)</text>
    </literalExpression>
  </decision>
</definitions>
"""


@pytest.fixture
def runaway(tmp_path: Path) -> InProcess:
    folder = tmp_path / "decisions" / "runaway"
    folder.mkdir(parents=True)
    (folder / "1.0.0.dmn").write_text(RUNAWAY, encoding="utf-8")
    settings = Settings(
        decisions_dir=folder.parent,
        drafts=True,
        evaluation_timeout=0.05,
        database_url=f"sqlite:///{tmp_path / 'audit.sqlite'}",
    )
    client = InProcess(create_app(settings))
    yield client
    client.close()


def test_a_runaway_evaluation_is_stopped_answered_503_and_audited(runaway: InProcess) -> None:
    response = runaway.post("/decisions/runaway/evaluate", json={"n": 2})
    assert response.status_code == 503
    body = response.json()
    assert [e["code"] for e in body["errors"]] == ["EVALUATION_TIMEOUT"]
    assert "0.05 s" in body["errors"][0]["message"] and "outputs" not in body
    record = runaway.get(f"/evaluations/{body['evaluation_id']}").json()
    assert (record["status"], record["http_status"], record["outputs"]) == ("timeout", 503, None)
    assert record["inputs"] == {"n": 2}


def test_the_same_model_answers_within_its_budget(runaway: InProcess) -> None:
    response = runaway.post("/decisions/runaway/evaluate", json={"n": 1})
    assert response.status_code == 200 and response.json()["outputs"] == {"total": 1}


def test_each_item_of_a_batch_has_its_own_budget(runaway: InProcess) -> None:
    response = runaway.post(
        "/decisions/runaway/evaluate-batch", json={"inputs": [{"n": 1}, {"n": 2}, {"n": 1}]}
    )
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == [200, 503, 200]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, 2.0), ("", 2.0), ("0", None), ("0.5", 0.5), ("10", 10.0)],
)
def test_the_timeout_setting(text: str | None, expected: float | None) -> None:
    assert parse_timeout(text, 2.0) == expected


@pytest.mark.parametrize("text", ["soon", "-1", "inf", "nan"])
def test_a_bad_timeout_setting_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="TABLERX_EVALUATION_TIMEOUT"):
        Settings.from_env({"TABLERX_EVALUATION_TIMEOUT": text})
