"""Every evaluation call is in the audit log before its answer, found by its evaluation_id."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from api_harness import VALID, InProcess

from service.api import schemas

URL = "/decisions/triage-demo/evaluate"


def audit_of(client: InProcess, evaluation_id: str) -> dict[str, Any]:
    response = client.get(f"/evaluations/{evaluation_id}")
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()
    schemas.AuditRecordOut.model_validate(record)
    return record


def test_answered_call_is_recorded_with_everything(client: InProcess) -> None:
    raw = (
        b'{"line_of_therapy": 2, "progressed_on_first_line": true, "her2_status": "negative",'
        b' "ecog": 0, "dose_ratio": 0.30000000000000000000000000000000001}'
    )
    headers = {
        "x-request-id": "ehr-req-42",
        "x-caller-id": "ward-7-ehr",
        "content-type": "application/json",
    }
    answer = client.post(URL, content=raw, headers=headers)
    assert answer.status_code == 200
    record = audit_of(client, answer.json()["evaluation_id"])
    assert record["model"] == answer.json()["model"]
    assert (record["status"], record["http_status"]) == ("ok", 200)
    assert (record["request_id"], record["caller"]) == ("ehr-req-42", "ward-7-ehr")
    assert record["outputs"] == answer.json()["outputs"]
    assert {"decision": "her2_status_acted_on", "table_id": "t_her2", "rules": ["T1_r5"]} in (
        record["matched_rules"]
    )
    assert record["created_at"].endswith("+00:00")
    stored = client.get(f"/evaluations/{answer.json()['evaluation_id']}").content
    assert b"0.30000000000000000000000000000000001" in stored  # inputs as received


@pytest.mark.parametrize(
    ("url", "payload", "status", "audit_status"),
    [
        (URL, {**VALID, "ecog": 9}, 422, "rejected"),
        (URL, b"{not json", 422, "rejected"),
        (URL, {**VALID, "lvef_percent": 40}, 500, "defect"),
        ("/decisions/missing/evaluate", VALID, 404, "not_found"),
        (URL + "?version=7", VALID, 404, "not_found"),
    ],
)
def test_refused_calls_are_recorded_too(
    client: InProcess, url: str, payload: Any, status: int, audit_status: str
) -> None:
    if isinstance(payload, bytes):
        response = client.post(url, content=payload)
    else:
        response = client.post(url, json=payload)
    assert response.status_code == status
    record = audit_of(client, response.json()["evaluation_id"])
    assert (record["status"], record["http_status"]) == (audit_status, status)
    assert record["errors"] == response.json()["errors"]


def test_batch_results_in_order_each_with_status_and_record(client: InProcess) -> None:
    inputs = [VALID, {**VALID, "ecog": "x"}, {**VALID, "lvef_percent": 45}, {**VALID, "ecog": 3}]
    response = client.post("/decisions/triage-demo/evaluate-batch", json={"inputs": inputs})
    assert response.status_code == 200, response.text
    batch = response.json()
    schemas.BatchResponse.model_validate(batch)
    assert [r["status"] for r in batch["results"]] == [200, 422, 500, 200]
    assert [r["index"] for r in batch["results"]] == [0, 1, 2, 3]
    assert batch["results"][3]["outputs"]["care_pathway"] == "best_supportive_care"
    assert batch["results"][1]["errors"][0]["code"] == "INVALID_TYPE"
    for i, result in enumerate(batch["results"]):
        record = audit_of(client, result["evaluation_id"])
        assert (record["batch_id"], record["batch_index"]) == (batch["batch_id"], i)
        assert record["http_status"] == result["status"]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ([VALID], 422, "INVALID_TYPE"),
        ({"inputs": VALID}, 422, "INVALID_TYPE"),
        ({"inputs": [VALID], "more": 1}, 422, "INVALID_TYPE"),
        ({"inputs": [VALID] * 1001}, 422, "BATCH_TOO_LARGE"),
        ({"inputs": []}, 422, "EMPTY_BATCH"),
    ],
)
def test_unusable_batches(client: InProcess, payload: Any, status: int, code: str) -> None:
    response = client.post("/decisions/triage-demo/evaluate-batch", json=payload)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code
    audit_of(client, response.json()["evaluation_id"])


@pytest.mark.parametrize("number", ["1e400", "1e-400", "0.10", "1" * 60])
def test_the_inputs_come_back_exactly_as_sent(client: InProcess, number: str) -> None:
    raw = b'{"ecog": %s}' % number.encode()
    response = client.post("/decisions/triage-demo/evaluate", content=raw)
    record = client.get(f"/evaluations/{response.json()['evaluation_id']}")
    inputs = json.loads(record.text, parse_float=Decimal, parse_int=Decimal)["inputs"]
    assert inputs == {"ecog": Decimal(number)}
    assert str(inputs["ecog"]) == str(Decimal(number))  # the very digits


def test_long_request_ids_and_callers_are_cut_to_200_characters(client: InProcess) -> None:
    response = client.post(
        "/decisions/triage-demo/evaluate",
        json=VALID,
        headers={"x-request-id": "r" * 300, "x-caller-id": "c" * 300},
    )
    assert response.headers["x-request-id"] == "r" * 200
    record = audit_of(client, response.json()["evaluation_id"])
    assert (record["request_id"], record["caller"]) == ("r" * 200, "c" * 200)


def test_a_repeated_key_in_one_batch_item_refuses_that_item_only(client: InProcess) -> None:
    valid = json.dumps(VALID)
    nested = valid[:-1] + ', "symptoms": [{"a": 1, "a": 2}]}'
    repeated = valid[:-1] + ', "ecog": 2}'
    raw = f'{{"inputs": [{valid}, {repeated}, {valid}, {nested}]}}'.encode()
    batch = client.post("/decisions/triage-demo/evaluate-batch", content=raw).json()
    assert [r["status"] for r in batch["results"]] == [200, 422, 200, 422]
    for index, key in [(1, "ecog"), (3, "a")]:
        [error] = batch["results"][index]["errors"]
        assert (error["code"], error["field"]) == ("DUPLICATE_FIELD", key)
        record = audit_of(client, batch["results"][index]["evaluation_id"])
        assert (record["batch_index"], record["status"]) == (index, "rejected")


def test_a_repeated_key_in_the_batch_wrapper_refuses_the_batch(client: InProcess) -> None:
    raw = b'{"inputs": [], "inputs": []}'
    response = client.post("/decisions/triage-demo/evaluate-batch", content=raw)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["code"], error["field"]) == ("DUPLICATE_FIELD", "inputs")


def test_batch_for_unknown_model_is_404(client: InProcess) -> None:
    response = client.post("/decisions/nope/evaluate-batch", json={"inputs": [VALID]})
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "MODEL_NOT_FOUND"


def test_no_answer_without_audit(fresh_client: InProcess) -> None:
    client = fresh_client
    client.portal.call(_stop_writer, client)
    response = client.post(URL, json=VALID)
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "AUDIT_UNAVAILABLE"


async def _stop_writer(client: InProcess) -> None:
    transport: Any = client._client._transport  # the app behind the in-process client
    await transport.app.state.service.audit.writer.stop()
