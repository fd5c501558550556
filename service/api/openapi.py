"""The app's routes + the catalogue -> its OpenAPI document, with each model's exact inputs.

FastAPI documents its routes; the two evaluation routes (plain Starlette routes, for
speed) are documented here by hand from the same schemas. This also adds, for every
published model, an ``Inputs.<model-id>`` schema (field types, enums, ranges, units,
required fields, built from the model's declarations) and its own
``POST /decisions/<model-id>/evaluate`` and ``evaluate-batch`` operations using that
schema, so a workflow-system developer reads the exact contract of each model on the
OpenAPI page.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from service.api import decisions, schemas
from service.api.state import Service

_GENERIC = "/decisions/{model}/evaluate"
_GENERIC_BATCH = "/decisions/{model}/evaluate-batch"
_JSON = "application/json"
_ERRORS = {
    "404": "Unknown model or version",
    "409": "No version named, and the model has no approved version (name one with ?version=)",
    "413": "The body is too large",
    "422": "Problems with the request, all listed at once",
    "500": "A decision table defect met at run time (the rules at fault are named)",
    "503": "No answer: the audit log is unavailable (AUDIT_UNAVAILABLE; no answer without an "
    "audit record), or the evaluation ran past its time budget (EVALUATION_TIMEOUT)",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _add_schemas(components: dict[str, Any], *models: type[BaseModel]) -> None:
    """Put pydantic models (and the models they use) into the document's components."""
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema


def _evaluate_operation(batch: bool) -> dict[str, Any]:
    """The generic evaluate (or evaluate-batch) operation, documented by hand."""
    handler = decisions.evaluate_batch if batch else decisions.evaluate_one
    answer = "BatchResponse" if batch else "EvaluationResponse"
    body = _ref("BatchRequest") if batch else {"type": "object"}
    responses: dict[str, Any] = {
        "200": {"description": "Answered", "content": {_JSON: {"schema": _ref(answer)}}},
    }
    for status, text in _ERRORS.items():
        responses[status] = {"description": text, "content": {_JSON: {"schema": _ref("ErrorBody")}}}
    return {
        "tags": ["decisions"],
        "summary": "Evaluate many input sets" if batch else "Evaluate one set of inputs",
        "description": inspect.getdoc(handler) or "",
        "operationId": "evaluate_batch" if batch else "evaluate",
        "parameters": [
            {
                "name": "model",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
                "description": "The model id, e.g. gastric-her2-later-lines",
            },
            {
                "name": "version",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "A published version; when omitted, the newest approved version "
                "(or, with --drafts, the newest that is not retired)",
            },
            {
                "name": "X-Request-ID",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "Your id for the call (audited)",
            },
            {
                "name": "X-Caller-Id",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "Who calls (audited)",
            },
        ],
        "requestBody": {"required": True, "content": {_JSON: {"schema": body}}},
        "responses": responses,
    }


def _schema_name(model_id: str) -> str:
    return f"Inputs.{model_id}"


def _model_operation(
    template: dict[str, Any], model_id: str, title: str, body: dict[str, Any], batch: bool
) -> dict[str, Any]:
    operation = copy.deepcopy(template)
    operation["parameters"] = [p for p in operation.get("parameters", []) if p["name"] != "model"]
    kind = "batch_" if batch else ""
    operation["operationId"] = f"evaluate_{kind}{model_id.replace('-', '_').replace('.', '_')}"
    operation["summary"] = f"{'Evaluate many: ' if batch else 'Evaluate: '}{title}"
    operation["tags"] = [f"model: {model_id}"]
    operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


def _our_validation_errors(document: dict[str, Any]) -> None:
    """Point the 422 answers FastAPI documents on its own (its ``HTTPValidationError``
    shape, which this service never sends: its handler answers every parameter problem
    with the common error body) at ``ErrorBody``, and drop FastAPI's shapes."""
    error_body = {"$ref": "#/components/schemas/ErrorBody"}
    for operations in document["paths"].values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422")
            if answer and "HTTPValidationError" in str(answer):
                answer["description"] = "Problems with the request's parameters, all listed"
                answer["content"] = {"application/json": {"schema": error_body}}
    schemas_ = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas_.pop(name, None)


def build_openapi(app: FastAPI, service: Service) -> dict[str, Any]:
    """The OpenAPI document of ``app``, with per-model input schemas and operations."""
    document = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    components = document.setdefault("components", {}).setdefault("schemas", {})
    _add_schemas(
        components,
        schemas.EvaluationResponse,
        schemas.BatchRequest,
        schemas.BatchResponse,
        schemas.ErrorBody,
    )
    _our_validation_errors(document)
    paths = document["paths"]
    paths[_GENERIC] = {"post": _evaluate_operation(batch=False)}
    paths[_GENERIC_BATCH] = {"post": _evaluate_operation(batch=True)}
    refs = []
    for entry in service.catalogue:
        prepared = service.describe(entry.model_id, None)
        name = _schema_name(entry.model_id)
        components[name] = prepared.request_schema()
        ref = {"$ref": f"#/components/schemas/{name}"}
        refs.append(ref)
        batch_body = {
            "type": "object",
            "required": ["inputs"],
            "additionalProperties": False,
            "properties": {"inputs": {"type": "array", "items": ref}},
        }
        base = f"/decisions/{entry.model_id}"
        paths[f"{base}/evaluate"] = {
            "post": _model_operation(
                paths[_GENERIC]["post"], entry.model_id, prepared.version.title, ref, False
            )
        }
        paths[f"{base}/evaluate-batch"] = {
            "post": _model_operation(
                paths[_GENERIC_BATCH]["post"],
                entry.model_id,
                prepared.version.title,
                batch_body,
                True,
            )
        }
    if refs:
        generic = paths[_GENERIC]["post"]["requestBody"]["content"]["application/json"]
        generic["schema"] = {"anyOf": refs, "description": "The inputs of the model named"}
    return document


def install_openapi(app: FastAPI, service: Service) -> None:
    """Make ``app.openapi()`` return :func:`build_openapi` (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app, service)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
