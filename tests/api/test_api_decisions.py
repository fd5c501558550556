"""GET /decisions, /decisions/{model}, the DMN file, and the OpenAPI contract per model."""

from __future__ import annotations

import hashlib

import pytest
from api_harness import MODELS, InProcess

from service.api import schemas

DEMO = MODELS / "triage-demo"


def test_list_models_with_versions_and_status(client: InProcess) -> None:
    response = client.get("/decisions")
    assert response.status_code == 200
    listed = response.json()
    schemas.ModelList.model_validate(listed)
    [model] = listed["models"]
    assert model["id"] == "triage-demo"
    assert (model["default_version"], model["status"]) == ("1.0.0", "approved")
    # statuses come from tests/api/models/triage-demo/releases.json, not from the workbook
    assert [(v["version"], v["status"]) for v in model["versions"]] == [
        ("0.9.0", "retired"),
        ("1.0.0", "approved"),
    ]
    assert (
        model["versions"][1]["hash"]
        == hashlib.sha256((DEMO / "1.0.0.dmn").read_bytes()).hexdigest()
    )


def test_describe_model(client: InProcess) -> None:
    detail = client.get("/decisions/triage-demo").json()
    schemas.ModelDetail.model_validate(detail)
    assert detail["version"] == "1.0.0"
    assert detail["metadata"]["authors"] == "A. Author; B. Author"
    inputs = {i["name"]: i for i in detail["inputs"]}
    assert inputs["ecog"] | {"json_schema": None} == {
        "name": "ecog",
        "type": "tEcog",
        "base_type": "number",
        "integer": True,
        "collection": False,
        "allowed_values": "[0..4]",
        "enum": None,
        "minimum": 0,
        "maximum": 4,
        "exclusive_minimum": None,
        "exclusive_maximum": None,
        "unit": "ECOG grade",
        "required": True,
        "required_when": None,
        "default": None,
        "description": None,
        "json_schema": None,
    }
    assert inputs["her2_status"]["enum"] == ["positive", "negative", "not_retested"]
    assert inputs["prior_regimen"]["required_when"] == "line_of_therapy = 3"
    assert inputs["preference"]["default"] == "none"
    assert inputs["line_of_therapy"]["description"] == "The line now being chosen."
    decisions = {d["name"]: d for d in detail["decisions"]}
    assert decisions["Request validation"]["role"] == "guard"
    assert decisions["her2_status_acted_on"]["hit_policy"] == "UNIQUE"
    assert "Request validation" not in detail["outputs"]
    assert [v["version"] for v in detail["versions"]] == ["0.9.0", "1.0.0"]


def test_describe_an_older_version(client: InProcess) -> None:
    detail = client.get("/decisions/triage-demo?version=0.9.0").json()
    assert (detail["version"], detail["status"], detail["default_version"]) == (
        "0.9.0",
        "retired",
        "1.0.0",
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/decisions/nope", "MODEL_NOT_FOUND"),
        ("/decisions/triage-demo?version=2.0", "VERSION_NOT_FOUND"),
        ("/decisions/nope/versions/1.0.0/dmn", "MODEL_NOT_FOUND"),
        ("/decisions/triage-demo/versions/2.0/dmn", "VERSION_NOT_FOUND"),
        ("/evaluations/0000", "EVALUATION_NOT_FOUND"),
        ("/no/such/path", "NOT_FOUND"),
    ],
)
def test_404s_use_the_error_body(client: InProcess, url: str, code: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == code


def test_wrong_method_is_405(client: InProcess) -> None:
    response = client.request("DELETE", "/decisions")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "METHOD_NOT_ALLOWED"


def test_dmn_is_served_byte_for_byte(client: InProcess) -> None:
    response = client.get("/decisions/triage-demo/versions/0.9.0/dmn")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    content = (DEMO / "0.9.0.dmn").read_bytes()
    assert response.content == content
    assert response.headers["etag"] == f'"{hashlib.sha256(content).hexdigest()}"'


def test_a_held_dmn_file_is_not_sent_again(client: InProcess) -> None:
    url = "/decisions/triage-demo/versions/1.0.0/dmn"
    etag = client.get(url).headers["etag"]
    for held in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get(url, headers={"if-none-match": held})
        assert (response.status_code, response.content) == (304, b""), held
        assert response.headers["etag"] == etag
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_openapi_has_each_models_exact_input_schema(client: InProcess) -> None:
    document = client.get("/openapi.json").json()
    schema = document["components"]["schemas"]["Inputs.triage-demo"]
    assert schema["required"] == [
        "line_of_therapy",
        "progressed_on_first_line",
        "her2_status",
        "ecog",
    ]
    assert schema["additionalProperties"] is False
    props = schema["properties"]
    assert props["line_of_therapy"]["type"] == "integer"
    assert props["line_of_therapy"]["enum"] == [2, 3]
    assert (props["ecog"]["minimum"], props["ecog"]["maximum"]) == (0, 4)
    assert props["her2_status"]["enum"] == ["positive", "negative", "not_retested"]
    assert props["lvef_percent"]["anyOf"][1] == {"type": "null"}
    assert props["lvef_percent"]["x-unit"] == "%"
    assert props["visit_date"]["anyOf"][0] == {"type": "string", "format": "date"}
    assert props["symptoms"]["anyOf"][0]["items"]["enum"] == ["cough", "dyspnoea", "fever"]
    operation = document["paths"]["/decisions/triage-demo/evaluate"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Inputs.triage-demo"}
    assert set(operation["responses"]) >= {"200", "404", "422", "500", "503"}


def test_every_route_has_a_description(client: InProcess) -> None:
    document = client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("description") or operation.get("summary"), (method, path)


def test_every_documented_error_answer_has_the_error_body(client: InProcess) -> None:
    document = client.get("/openapi.json").json()
    error_body = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == error_body, (method, path, status)
    assert "HTTPValidationError" not in str(document)


def test_docs_page_is_served(client: InProcess) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "openapi.json" in response.text


def test_the_schema_example_is_a_valid_request(client: InProcess) -> None:
    document = client.get("/openapi.json").json()
    [example] = document["components"]["schemas"]["Inputs.triage-demo"]["examples"]
    assert client.post("/decisions/triage-demo/evaluate", json=example).status_code == 200
