"""POST /decisions/{model}/evaluate in-process: answers, every 4xx, defects, exact numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from api_harness import VALID, InProcess

from service.api import jsonmap, schemas

URL = "/decisions/triage-demo/evaluate"


def body(**changes: Any) -> dict[str, Any]:
    """VALID with fields changed (a value of ... removes the field)."""
    result = {**VALID, **changes}
    return {k: v for k, v in result.items() if v is not ...}


def test_answer_has_outputs_rationale_and_model_identity(client: InProcess) -> None:
    response = client.post(URL, json=body(visit_date="2024-01-31", symptoms=["cough"]))
    assert response.status_code == 200, response.text
    answer = response.json()
    schemas.EvaluationResponse.model_validate(answer)
    assert answer["model"]["id"] == "triage-demo"
    assert answer["model"]["version"] == "1.0.0"  # the newest version by default
    assert len(answer["model"]["hash"]) == 64
    assert answer["outputs"]["her2_status_acted_on"] == "positive"
    assert answer["outputs"]["care_pathway"] == "systemic_full"
    assert answer["outputs"]["next_visit"] == "2024-02-28"
    monitoring = ["IMAGING_Q6_8W", "LVEF_MONITORING", "ILD_SURVEILLANCE"]
    assert answer["outputs"]["monitoring"] == monitoring
    her2 = next(e for e in answer["explanation"] if e["decision"] == "her2_status_acted_on")
    assert her2["hit_policy"] == "UNIQUE"
    assert her2["matched_rules"] == [
        {
            "rule_id": "T1_r4",
            "index": 1,
            "source": {"cell": "'T1 HER2'!A4", "row": "4", "sheet": "T1 HER2"},
            "annotations": {
                "rationale": "HER2 positivity confirmed on post-progression biopsy.",
                "citation": "DG04",
            },
            "outputs": {"her2_status_acted_on": "positive"},
        }
    ]
    assert response.headers["x-request-id"]


def test_numbers_keep_every_digit_both_ways(client: InProcess) -> None:
    raw = jsonmap.dumps(body(dose_ratio=Decimal("1.000000000000000000000000000000001")))
    response = client.post(URL, content=raw)
    assert response.status_code == 200
    assert b'"dose_third":0.3333333333333333333333333333333337' in response.content


def test_default_applies_to_absent_field(client: InProcess) -> None:
    declines = client.post(URL, json=body(preference="declines_anticancer_therapy")).json()
    assert declines["outputs"]["care_pathway"] == "best_supportive_care"
    absent = client.post(URL, json=body(preference=None)).json()
    assert absent["outputs"]["care_pathway"] == "systemic_full"


def test_feel_warnings_are_returned(client: InProcess) -> None:
    answer = client.post(URL, json=body()).json()  # symptoms absent: count(null) warns
    assert [w["code"] for w in answer["warnings"]] == ["FEEL_TYPE_MISMATCH"]
    assert answer["warnings"][0]["source"] == "count(symptoms) > 0"


def test_explicit_version(client: InProcess) -> None:
    answer = client.post(URL + "?version=0.9.0", json=body()).json()
    assert answer["model"]["version"] == "0.9.0"
    assert "cardiac_risk" not in answer["outputs"]


# (changes to the valid body, [(code, field)] expected, in order)
REJECTIONS: list[tuple[dict[str, Any], list[tuple[str, str | None]]]] = [
    ({"ecog": ...}, [("MISSING_REQUIRED_FIELD", "ecog")]),
    ({"ecog": None}, [("MISSING_REQUIRED_FIELD", "ecog")]),
    ({"ecog": "1"}, [("INVALID_TYPE", "ecog")]),
    ({"ecog": 1.5}, [("INVALID_TYPE", "ecog")]),
    ({"ecog": True}, [("INVALID_TYPE", "ecog")]),
    ({"ecog": 5}, [("OUT_OF_RANGE", "ecog")]),
    ({"ecog": -1}, [("OUT_OF_RANGE", "ecog")]),
    ({"line_of_therapy": 4}, [("OUT_OF_RANGE", "line_of_therapy")]),
    ({"lvef_percent": 90.5}, [("OUT_OF_RANGE", "lvef_percent")]),
    ({"progressed_on_first_line": "yes"}, [("INVALID_TYPE", "progressed_on_first_line")]),
    ({"her2_status": "equivocal"}, [("INVALID_ENUM", "her2_status")]),
    ({"her2_status": "Positive"}, [("INVALID_ENUM", "her2_status")]),
    ({"visit_date": "31/01/2024"}, [("INVALID_TYPE", "visit_date")]),
    ({"symptoms": "cough"}, [("INVALID_TYPE", "symptoms")]),
    ({"symptoms": ["cough", "itch"]}, [("INVALID_ENUM", "symptoms[1]")]),
    ({"ecgo": 1}, [("UNKNOWN_FIELD", "ecgo")]),
    (
        {"line_of_therapy": 3, "progressed_on_first_line": False, "prior_regimen": "Other"},
        [("CONTRADICTION", "progressed_on_first_line")],
    ),
    ({"prior_regimen": "Paclitaxel"}, [("CONTRADICTION", "prior_regimen")]),
    ({"line_of_therapy": 3}, [("MISSING_REQUIRED_FIELD", "prior_regimen")]),
    (
        {"ecog": 7, "her2_status": ..., "lvef_percent": "55", "extra": 1},
        [
            ("UNKNOWN_FIELD", "extra"),
            ("MISSING_REQUIRED_FIELD", "her2_status"),
            ("OUT_OF_RANGE", "ecog"),
            ("INVALID_TYPE", "lvef_percent"),
        ],
    ),
    (
        {"line_of_therapy": 3, "progressed_on_first_line": False, "ecog": "x"},
        [
            ("INVALID_TYPE", "ecog"),
            ("MISSING_REQUIRED_FIELD", "prior_regimen"),
            ("CONTRADICTION", "progressed_on_first_line"),
        ],
    ),
]


@pytest.mark.parametrize(("changes", "expected"), REJECTIONS)
def test_every_problem_is_reported_at_once(
    client: InProcess, changes: dict[str, Any], expected: list[tuple[str, str | None]]
) -> None:
    response = client.post(URL, json=body(**changes))
    assert response.status_code == 422, response.text
    answer = response.json()
    schemas.ErrorBody.model_validate(answer)
    assert [(e["code"], e.get("field")) for e in answer["errors"]] == expected
    assert all(e["message"] for e in answer["errors"])
    assert answer["evaluation_id"]


def test_guard_problem_names_its_rule_and_cell(client: InProcess) -> None:
    answer = client.post(URL, json=body(prior_regimen="Other")).json()
    assert answer["errors"][0]["location"] == {
        "decision": "Request validation",
        "rule_id": "T0_r6",
        "source": {"cell": "'T0 Validation'!A6", "row": "6", "sheet": "T0 Validation"},
    }


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{", "INVALID_JSON"),
        (b"", "INVALID_JSON"),
        (b"[1, 2]", "INVALID_TYPE"),
        (b'"text"', "INVALID_TYPE"),
        (b'{"ecog": 1, "ecog": 2}', "DUPLICATE_FIELD"),
        (b'{"ecog": NaN}', "INVALID_JSON"),
        (b"[" * 5000 + b"]" * 5000, "INVALID_JSON"),  # deeper than the parser recurses
        (b'{"symptoms": ' + b"[" * 5000 + b"]" * 5000 + b"}", "INVALID_JSON"),
        (b"1", "INVALID_TYPE"),  # neither the guards nor the fields are checked then
        (b"null", "INVALID_TYPE"),
    ],
)
def test_unusable_bodies(client: InProcess, raw: bytes, code: str) -> None:
    response = client.post(URL, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    answer = response.json()
    assert [(e["code"], e.get("location")) for e in answer["errors"]] == [(code, "body")]
    assert client.get(f"/evaluations/{answer['evaluation_id']}").status_code == 200


@pytest.mark.parametrize(
    ("raw", "words"),
    [(b"1", "a number"), (b"null", "null"), (b'"x"', "a string"), (b"true", "true")],
)
def test_a_body_that_is_not_an_object_is_named_in_json_words(
    client: InProcess, raw: bytes, words: str
) -> None:
    [error] = client.post(URL, content=raw).json()["errors"]
    assert error["message"] == f"the body must be a JSON object of inputs, not {words}"


def test_a_duplicate_key_names_its_field(client: InProcess) -> None:
    [error] = client.post(URL, content=b'{"ecog": 1, "ecog": 2}').json()["errors"]
    assert (error["code"], error["field"]) == ("DUPLICATE_FIELD", "ecog")


@pytest.mark.parametrize("number", ["1e999999999", "9" * 7000, "-1e6145"])
def test_a_number_beyond_feel_is_out_of_range_with_the_other_problems(
    client: InProcess, number: str
) -> None:
    raw = b'{"line_of_therapy": 2, "progressed_on_first_line": true, "her2_status": "positive",'
    raw += b' "ecog": %s, "lvef_percent": "x"}' % number.encode()
    response = client.post(URL, content=raw)
    assert response.status_code == 422
    found = [(e["code"], e.get("field")) for e in response.json()["errors"]]
    assert found == [("OUT_OF_RANGE", "ecog"), ("INVALID_TYPE", "lvef_percent")]


@pytest.mark.parametrize(
    ("query", "parameters"),
    [
        ("verison=1.0.0", ["verison"]),  # must not let the default version answer
        ("Version=1.0.0&x=1", ["Version", "x"]),
        ("version=1.0.0&version=0.9.0", ["version"]),
        ("version=", ["version"]),
    ],
)
@pytest.mark.parametrize("endpoint", ["evaluate", "evaluate-batch"])
def test_a_wrong_query_is_refused_not_ignored(
    client: InProcess, query: str, parameters: list[str], endpoint: str
) -> None:
    payload = {"inputs": [VALID]} if endpoint == "evaluate-batch" else VALID
    response = client.post(f"/decisions/triage-demo/{endpoint}?{query}", json=payload)
    assert response.status_code == 422
    answer = response.json()
    found = [(e["code"], e["location"]["parameter"]) for e in answer["errors"]]
    assert found == [("INVALID_PARAMETER", name) for name in parameters]
    assert client.get(f"/evaluations/{answer['evaluation_id']}").status_code == 200


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        (None, 200),  # no Content-Type: read as JSON
        ("application/json", 200),
        ("application/json; charset=utf-8", 200),
        ("Application/JSON", 200),
        ("application/fhir+json", 200),
        ("text/plain", 415),
        ("application/x-www-form-urlencoded", 415),  # curl -d without -H
    ],
)
@pytest.mark.parametrize("endpoint", ["evaluate", "evaluate-batch"])
def test_only_json_bodies_are_read(
    client: InProcess, content_type: str | None, status: int, endpoint: str
) -> None:
    payload = {"inputs": [VALID]} if endpoint == "evaluate-batch" else VALID
    headers = {"content-type": content_type} if content_type else {}
    raw = jsonmap.dumps(payload)
    response = client.post(f"/decisions/triage-demo/{endpoint}", content=raw, headers=headers)
    assert response.status_code == status
    if status == 415:
        [error] = response.json()["errors"]
        assert error["code"] == "UNSUPPORTED_MEDIA_TYPE"
        record = client.get(f"/evaluations/{response.json()['evaluation_id']}").json()
        assert (record["status"], record["http_status"]) == ("rejected", 415)


def test_a_version_in_the_query_is_still_read(client: InProcess) -> None:
    response = client.post(URL + "?version=0.9.0", json=VALID)
    assert response.json()["model"]["version"] == "0.9.0"


def test_body_too_large(settings: Any) -> None:
    from service.api.app import create_app

    small = type(settings)(
        decisions_dir=settings.decisions_dir, database_url=settings.database_url, max_body_bytes=100
    )
    client = InProcess(create_app(small))
    try:
        response = client.post(URL, content=b" " * 101 + b"{}")
    finally:
        client.close()
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "BODY_TOO_LARGE"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/decisions/no-such-model/evaluate", "MODEL_NOT_FOUND"),
        (URL + "?version=9.9.9", "VERSION_NOT_FOUND"),
    ],
)
def test_unknown_model_or_version_is_404(client: InProcess, url: str, code: str) -> None:
    response = client.post(url, json=VALID)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == code


def test_table_defect_is_500_naming_the_rules(client: InProcess) -> None:
    response = client.post(URL, json=body(lvef_percent=40))
    assert response.status_code == 500
    answer = response.json()
    schemas.ErrorBody.model_validate(answer)
    [error] = answer["errors"]
    assert error["code"] == "UNIQUE_VIOLATION"
    assert "T9_r4" in error["message"] and "T9_r5" in error["message"]
    assert [r["rule_id"] for r in error["location"]["rules"]] == ["T9_r4", "T9_r5"]
    assert error["location"]["rules"][0]["source"]["cell"] == "'T9 Cardiac'!A4"
    risk = next(e for e in answer["explanation"] if e["decision"] == "cardiac_risk")
    assert risk["defect"] == "UNIQUE_VIOLATION"
    assert "outputs" not in answer  # no partial answer


def test_no_defect_outside_the_overlap(client: InProcess) -> None:
    answer = client.post(URL, json=body(lvef_percent=55)).json()
    assert answer["outputs"]["cardiac_risk"] == "moderate"
