"""Routes of the ``/evaluations`` resource: one audit record by its evaluation id."""

from __future__ import annotations

import json
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path
from fastapi.responses import Response

from service.api import errors, schemas
from service.api.errors import ApiError
from service.api.state import ServiceDep
from service.store.audit import JSON_COLUMNS, AuditRecord

router = APIRouter(tags=["audit"])

EvaluationId = Annotated[str, Path(description="The evaluation_id a response gave")]


def record_json(record: AuditRecord) -> dict[str, Any]:
    """An audit record as the API shows it; stored JSON is embedded as is (exact numbers)."""
    body: dict[str, Any] = {
        "evaluation_id": record.id,
        "created_at": record.created_at.isoformat(),
        "model": {
            "id": record.model_id,
            "version": record.model_version,
            "hash": record.model_hash,
            "status": record.model_status,
        },
        "status": record.status,
        "http_status": record.http_status,
        "request_id": record.request_id,
        "caller": record.caller,
        "batch_id": record.batch_id,
        "batch_index": record.batch_index,
        "duration_ms": record.duration_ms,
    }
    for column in JSON_COLUMNS:
        text = getattr(record, column)
        body[column] = orjson.Fragment(text) if text is not None else None
    if record.inputs is not None and not _is_json(record.inputs):
        body["inputs"] = record.inputs  # a body that was not JSON is kept as text
    return body


def _is_json(text: str) -> bool:
    """Whether ``text`` is JSON that may be embedded as it is: strictly (no NaN), with
    numbers of any size (orjson refuses 1e400, which a request may well have sent)."""
    try:
        _STRICT.decode(text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return False
    return True


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_STRICT = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=_no_constant)


@router.get(
    "/evaluations/{evaluation_id}",
    response_model=None,
    responses={
        200: {"model": schemas.AuditRecordOut},
        404: {"model": schemas.ErrorBody, "description": "No such evaluation"},
    },
)
def get_evaluation(evaluation_id: EvaluationId, service: ServiceDep) -> Response:
    """The audit record of one evaluation: inputs, outputs, matched rules, status, caller."""
    record = service.audit.get(evaluation_id)
    if record is None:
        raise ApiError(404, [errors.evaluation_not_found(evaluation_id)])
    body = orjson.dumps(record_json(record))
    return Response(body, media_type="application/json")
