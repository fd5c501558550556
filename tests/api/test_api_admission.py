"""One request validation: the service (JSON in) and the regression and diff code (FEEL values
in) refuse the same input sets with the same codes, fields and messages; guards run first."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from api_harness import MODELS, VALID, InProcess

from service.api import jsonmap
from service.api.app import create_app
from service.api.state import Settings
from service.feel.values import Date
from service.store import admission
from service.store.admission import Admission, feel_value
from service.store.diff_behaviour import Responder
from service.store.versions import load_version

URL = "/decisions/triage-demo/evaluate"
VERSION = load_version("triage-demo", MODELS / "triage-demo" / "1.0.0.dmn")
D = Decimal

# (JSON request, the same request as FEEL values)
CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"ecog": 9}, {"ecog": D(9)}),
    ({"ecog": 1.5}, {"ecog": D("1.5")}),
    ({"ecog": "1"}, {"ecog": "1"}),
    ({"her2_status": "low"}, {"her2_status": "low"}),
    ({"ecog": None}, {"ecog": None}),
    ({"progressed_on_first_line": 1}, {"progressed_on_first_line": D(1)}),
    ({"line_of_therapy": 3}, {"line_of_therapy": D(3)}),
    (
        {"line_of_therapy": 3, "prior_regimen": "Other", "progressed_on_first_line": False},
        {"line_of_therapy": D(3), "prior_regimen": "Other", "progressed_on_first_line": False},
    ),
    ({"lvef_percent": 4}, {"lvef_percent": D(4)}),
    ({"symptoms": ["cough", "sneeze"]}, {"symptoms": ["cough", "sneeze"]}),
    ({"symptoms": "cough"}, {"symptoms": "cough"}),
    ({"visit_date": 20240131}, {"visit_date": D(20240131)}),
    ({"her2_status": "positive", "lvef_percent": None}, {"her2_status": "positive"}),
]


def _feel(changes: dict[str, Any]) -> dict[str, Any]:
    base = {
        k: (D(v) if isinstance(v, int) and not isinstance(v, bool) else v) for k, v in VALID.items()
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def _json(changes: dict[str, Any]) -> dict[str, Any]:
    return {**VALID, **changes}


@pytest.mark.parametrize(("json_changes", "feel_changes"), CASES)
def test_json_and_feel_values_get_the_same_problems(
    json_changes: dict[str, Any], feel_changes: dict[str, Any]
) -> None:
    checks = Admission.of(VERSION.definitions)
    from_json = checks.validate(
        jsonmap.parse_body(jsonmap.dumps(_json(json_changes))), jsonmap.from_json
    )
    from_feel = checks.validate(_feel(feel_changes), feel_value)
    assert from_json.problems == from_feel.problems


@pytest.mark.parametrize(("json_changes", "feel_changes"), CASES)
def test_the_service_and_the_diff_refuse_alike(
    client: InProcess, json_changes: dict[str, Any], feel_changes: dict[str, Any]
) -> None:
    response = client.post(URL, json=_json(json_changes))
    refused = Responder(VERSION).answer(_feel(feel_changes)).refused
    if response.status_code == 200:
        assert refused == []
    else:
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert refused == [f"{e['code']}: {e.get('field') or e['message']}" for e in errors]


def test_a_temporal_value_is_checked_by_kind() -> None:
    checks = Admission.of(VERSION.definitions)
    good = checks.validate(_feel({"visit_date": Date(2024, 1, 31)}))
    bad = checks.validate(_feel({"visit_date": "2024-01-31"}))  # FEEL: a string, not a date
    assert good.problems == [] and good.values["visit_date"] == Date(2024, 1, 31)
    assert [(p.code, p.field) for p in bad.problems] == [("INVALID_TYPE", "visit_date")]
    assert bad.problems[0].message == (
        "visit_date must be a date as an ISO 8601 string such as '2024-01-31'"
    )


def test_the_messages_live_in_the_store() -> None:
    assert admission.missing_required("ecog").as_json() == {
        "code": "MISSING_REQUIRED_FIELD",
        "message": "ecog is required",
        "field": "ecog",
    }
    api = Path(__file__).resolve().parents[2] / "service" / "api"
    assert not (api / "validation.py").exists()
    assert not any(
        '"MISSING_REQUIRED_FIELD"' in p.read_text(encoding="utf-8")
        for p in api.glob("*.py")
        if p.name != "errors.py"
    )


class Spy:
    """The compiled model, recording which decisions each evaluation asked for."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.calls: list[tuple[str, ...]] = []

    def evaluate(self, inputs: Any, decisions: Any = None, **options: Any) -> Any:
        self.calls.append(tuple(decisions or ()))
        return self.model.evaluate(inputs, decisions, **options)


@pytest.mark.parametrize(
    ("changes", "status", "evaluated", "guard_rules"),
    [
        ({}, 200, "guards, then the rest", []),
        ({"ecog": 9}, 422, "guards only", []),  # a validation problem
        ({"prior_regimen": "Paclitaxel"}, 422, "guards only", ["T0_r6"]),  # a guard match
    ],
)
def test_guards_first(
    settings: Settings, changes: dict[str, Any], status: int, evaluated: str, guard_rules: list[str]
) -> None:
    app = create_app(settings)
    prepared = app.state.service.resolve("triage-demo", None)
    spy = Spy(prepared.version.compiled)
    prepared.version.compiled = spy
    client = InProcess(app)
    try:
        response = client.post(URL, json=_json(changes))
        record = client.get(f"/evaluations/{response.json()['evaluation_id']}").json()
    finally:
        client.close()
    assert response.status_code == status, response.text
    # the audit record keeps what the guards found, refusal or not
    assert record["matched_rules"][0] == {
        "decision": "Request validation",
        "table_id": "t_guard",
        "rules": guard_rules,
    }
    guards = prepared.guards
    expected = [guards, prepared.top_level] if evaluated != "guards only" else [guards]
    assert spy.calls == expected
    if status == 200:  # the explanation still lists the guard tables first
        assert response.json()["explanation"][0]["decision"] == guards[0]
