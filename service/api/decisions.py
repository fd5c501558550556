"""Routes of the ``/decisions`` resource: list models, describe one, fetch its DMN, evaluate.

Evaluation bodies are read as raw bytes and parsed by :mod:`service.api.jsonmap` (exact
decimals, duplicate keys refused), validated against the model's declarations, evaluated,
and audited: the response leaves only once its audit record is committed.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Sequence
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.requests import ClientDisconnect
from starlette.routing import Route
from starlette.status import HTTP_503_SERVICE_UNAVAILABLE
from starlette.types import Receive

from service.api import errors, jsonmap, schemas
from service.api.errors import ApiError
from service.api.evaluation import Call, Outcome, evaluate, new_request_id
from service.api.inputs import field_schema, value_schema
from service.api.prepared import Prepared
from service.api.state import Service, ServiceDep
from service.store.admission import Problem
from service.store.audit import AuditRecord
from service.store.catalogue import ModelEntry, ModelNotFound, NoApprovedVersion, VersionNotFound
from service.store.declarations import FieldSpec
from service.store.groupcommit import AuditUnavailable
from service.store.versions import ModelVersion

router = APIRouter(tags=["decisions"])

ModelId = Annotated[str, Path(description="The model id, e.g. gastric-her2-later-lines")]
VersionQuery = Annotated[
    str | None,
    Query(
        description="A published version; when omitted, the default version (the newest "
        "approved one) or, for a model without one, the newest"
    ),
]
JSON = "application/json"
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": schemas.ErrorBody, "description": "Unknown model or version"},
    409: {
        "model": schemas.ErrorBody,
        "description": "No version named, and the model has no approved version",
    },
    422: {"model": schemas.ErrorBody, "description": "Problems with the request, all listed"},
    500: {"model": schemas.ErrorBody, "description": "A table defect met at run time"},
    503: {"model": schemas.ErrorBody, "description": "The audit log is unavailable"},
}


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(jsonmap.dumps(body), status_code=status, media_type=JSON, headers=headers)


# --- reading -----------------------------------------------------------------------------------


def _version_summary(version: ModelVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "status": version.status,
        "hash": version.sha256,
        "effective_date": version.metadata.get("effective_date"),
    }


def _model_summary(entry: ModelEntry) -> dict[str, Any]:
    default = entry.default()
    return {
        "id": entry.model_id,
        "title": (default or entry.newest()).title,
        "default_version": default.version if default else None,
        "status": default.status if default else None,
        "versions": [_version_summary(v) for v in entry.versions],
    }


@router.get("/decisions", response_model=None, responses={200: {"model": schemas.ModelList}})
def list_models(service: ServiceDep) -> Response:
    """The published models, with their versions and status."""
    return _json({"models": [_model_summary(entry) for entry in service.catalogue]})


def lookup(service: Service, model: str, version: str | None) -> Prepared:
    """The version to describe (see :meth:`Service.describe`); ApiError 404 when unknown."""
    try:
        return service.describe(model, version)
    except ModelNotFound:
        raise ApiError(404, [errors.model_not_found(model)]) from None
    except VersionNotFound:
        raise ApiError(404, [errors.version_not_found(model, version or "")]) from None


def _declaration(spec: FieldSpec) -> dict[str, Any]:
    schema = value_schema(spec)
    return {
        "name": spec.name,
        "type": spec.type_name,
        "base_type": spec.base,
        "integer": spec.integer,
        "collection": spec.is_list,
        "allowed_values": spec.allowed_text,
        "enum": schema.get("enum"),
        "minimum": schema.get("minimum"),
        "maximum": schema.get("maximum"),
        "exclusive_minimum": schema.get("exclusiveMinimum"),
        "exclusive_maximum": schema.get("exclusiveMaximum"),
        "unit": spec.unit,
        "required": spec.required,
        "required_when": spec.required_when,
        "default": jsonmap.to_json(spec.default) if spec.default_text is not None else None,
        "description": spec.description,
        "json_schema": field_schema(spec),
    }


@router.get(
    "/decisions/{model}",
    response_model=None,
    responses={200: {"model": schemas.ModelDetail}, 404: _ERRORS[404]},
)
def describe_model(model: ModelId, service: ServiceDep, version: VersionQuery = None) -> Response:
    """A model version's metadata, declared inputs, decisions, and all its versions."""
    prepared = lookup(service, model, version)
    found = prepared.version
    entry = service.catalogue.entry(model)
    definitions = found.definitions
    default = entry.default()
    return _json(
        {
            "id": found.model_id,
            "title": found.title,
            "version": found.version,
            "hash": found.sha256,
            "status": found.status,
            "default_version": default.version if default else None,
            "namespace": definitions.namespace,
            "description": definitions.description,
            "metadata": found.metadata,
            "inputs": [_declaration(spec) for spec in prepared.fields],
            "decisions": [
                {
                    "name": d.name,
                    "id": d.id,
                    "kind": d.kind,
                    "hit_policy": d.hit_policy,
                    "role": d.role,
                    "top_level": d.name in prepared.top_level,
                    "source": d.source,
                    "description": d.description,
                }
                for d in prepared.decisions
            ],
            "outputs": prepared.top_level,
            "request_schema": prepared.request_schema(),
            "versions": [_version_summary(v) for v in entry.versions],
        }
    )


@router.get(
    "/decisions/{model}/versions/{version}/dmn",
    response_class=Response,
    responses={
        200: {"content": {"application/xml": {}}, "description": "The DMN 1.5 file"},
        304: {"description": "Not modified: If-None-Match named this file's ETag"},
        404: _ERRORS[404],
    },
)
def get_dmn(
    model: ModelId,
    version: str,
    service: ServiceDep,
    if_none_match: Annotated[str | None, Header(description="An ETag already held")] = None,
) -> Response:
    """The DMN XML of a version, byte for byte as published (ETag: its sha256)."""
    found = lookup(service, model, version).version
    etag = f'"{found.sha256}"'
    headers = {"ETag": etag, "X-Content-SHA256": found.sha256}
    held = {tag.strip().removeprefix("W/") for tag in (if_none_match or "").split(",")}
    if etag in held or "*" in held:  # a published version never changes: the copy is good
        return Response(status_code=304, headers=headers)
    return Response(found.content, media_type="application/xml", headers=headers)


# --- evaluating --------------------------------------------------------------------------------


HEADER_CHARACTERS = 200  # most characters of X-Request-ID or the caller header kept


def call_of(header: Callable[[str], str | None], caller_header: str) -> Call:
    """Who asks (``header`` looks a request header up by its lower-case name)."""
    request_id = _header_text(header("x-request-id")) or new_request_id()
    return Call(request_id=request_id, caller=_header_text(header(caller_header.lower())))


def _header_text(value: str | None) -> str | None:
    """A header's value as its sender meant it: its bytes (which ASGI servers hand over as
    latin-1) read as UTF-8 when they are UTF-8, cut to HEADER_CHARACTERS."""
    if not value:
        return None
    with contextlib.suppress(UnicodeError):  # not UTF-8: as it came
        value = value.encode("latin-1").decode("utf-8")
    return value[:HEADER_CHARACTERS]


async def read_body(
    receive: Receive, declared: str | None, limit: int
) -> bytes | jsonmap.BodyError:
    """The request body (``declared``: its Content-Length), or BODY_TOO_LARGE past
    ``limit`` bytes; raises ClientDisconnect when the client goes away first."""
    if declared and declared.isdigit() and int(declared) > limit:
        return jsonmap.BodyError("BODY_TOO_LARGE", errors.body_too_large(limit).message)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return jsonmap.BodyError("BODY_TOO_LARGE", errors.body_too_large(limit).message)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _parse(raw: bytes | jsonmap.BodyError, batch: bool = False) -> tuple[Any, str | None]:
    """(parsed body or BodyError, the body text for the audit). In a ``batch``, a key
    repeated within an item refuses that item only (see :func:`_run_batch`)."""
    if isinstance(raw, jsonmap.BodyError):
        return raw, None
    text = raw.decode("utf-8", errors="replace")
    try:
        return jsonmap.parse_body(raw, mark_duplicates=batch), text
    except jsonmap.BodyError as exc:
        return exc, text


Answer = tuple[int, bytes, str | None]  # status, JSON body, X-Request-ID (None: no header)


async def _store(
    service: Service, call: Call, outcomes: Sequence[Outcome], status: int, body: bytes
) -> Answer:
    """Store the outcomes' audit records, count them, then answer (never before storing)."""
    try:
        await service.audit.write([outcome.record for outcome in outcomes])
    except AuditUnavailable as exc:
        problem = errors.audit_unavailable(str(exc))
        return HTTP_503_SERVICE_UNAVAILABLE, jsonmap.dumps(errors.error_body([problem])), None
    for outcome in outcomes:
        service.metrics.evaluation(*_metric_labels(service, outcome.record))
    return status, body, call.request_id


UNKNOWN = "unknown"


def _metric_labels(service: Service, record: AuditRecord) -> tuple[str, str, str]:
    """The evaluation's model, version and outcome labels. A model or version that did not
    resolve came from the request as typed: it is counted as ``unknown``, so that callers
    cannot grow the metrics without bound (the audit record keeps what they sent)."""
    if record.model_hash is not None:
        return record.model_id, record.model_version or UNKNOWN, record.status
    model = record.model_id if record.model_id in service.catalogue.models else UNKNOWN
    return model, UNKNOWN, record.status


async def answer_one(
    service: Service,
    model: str,
    call: Call,
    sent: tuple[bytes, str | None, bytes | jsonmap.BodyError],
) -> Answer:
    """One evaluation request, from what was ``sent`` (its query string, Content-Type and
    raw body) to its stored, counted answer."""
    query, content_type, raw = sent
    version, refused = version_asked(query, content_type)
    body, text = _parse(raw)
    outcome = evaluate(service.resolve, model, version, refused or body, call, text)
    return await _store(service, call, [outcome], outcome.status, outcome.json())


def _response(answer: Answer) -> Response:
    status, body, request_id = answer
    response = Response(body, status_code=status, media_type=JSON)
    if request_id is not None:  # as UTF-8: the very bytes the caller sent
        response.raw_headers.insert(0, (b"x-request-id", request_id.encode()))
    return response


def _target(request: Request) -> tuple[Service, str, bytes, Call]:
    service: Service = request.app.state.service
    request.scope["route"] = _ROUTES[request.scope["endpoint"]]  # for the metrics' route label
    call = call_of(request.headers.get, service.settings.caller_header)
    return service, request.path_params["model"], request.scope["query_string"], call


def version_asked(
    query: bytes, content_type: str | None = None
) -> tuple[str | None, jsonmap.BodyError | None]:
    """The version an evaluate request's query string names (None: none), and what is
    wrong with the request around its body, if anything: a body sent as another media
    type than JSON, a query parameter other than ``version`` (a misspelt ``verison``
    must not let another version answer unnoticed), or ``version`` twice or empty."""
    media = _media_problem(content_type)
    if not query:
        return None, jsonmap.BodyError.of([media]) if media else None
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    versions = [value for name, value in pairs if name == "version"]
    problems = [
        errors.invalid_parameter(name, "unknown query parameter; this endpoint takes only version")
        for name in dict.fromkeys(name for name, _ in pairs)
        if name != "version"
    ]
    if len(versions) > 1:
        problems.append(errors.invalid_parameter("version", "given more than once; name one"))
    elif versions and not versions[0].strip():
        problems.append(
            errors.invalid_parameter("version", "empty; name a version, or leave the parameter out")
        )
    if media is not None:
        problems.insert(0, media)
    if problems:
        return None, jsonmap.BodyError.of(problems)
    return (versions[0] if versions else None), None


def _media_problem(content_type: str | None) -> Problem | None:
    """UNSUPPORTED_MEDIA_TYPE unless the body is sent as JSON (or with no Content-Type)."""
    if not content_type:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    ):
        return None
    return errors.unsupported_media_type(media)


async def evaluate_one(request: Request) -> Response:
    """Evaluate a model on one set of inputs: outputs, the rules behind them, warnings."""
    service, model, query, call = _target(request)
    headers = request.headers
    raw = await read_body(
        request.receive, headers.get("content-length"), service.settings.max_body_bytes
    )
    sent = (query, headers.get("content-type"), raw)
    return _response(await answer_one(service, model, call, sent))


def _batch_inputs(body: Any, limit: int) -> list[Any] | jsonmap.BodyError:
    if isinstance(body, jsonmap.BodyError):
        return body
    if isinstance(body, jsonmap.Duplicated):  # the wrapper itself: {"inputs": .., "inputs": ..}
        return jsonmap.duplicate_field(body.key)
    inputs = body.get("inputs") if isinstance(body, dict) and set(body) == {"inputs"} else None
    if not isinstance(inputs, list):
        return jsonmap.BodyError("INVALID_TYPE", 'the body must be {"inputs": [ {...}, ... ]}')
    if not inputs:  # most likely a caller's bug; and there would be nothing to audit
        return jsonmap.BodyError("EMPTY_BATCH", "the batch has no input sets")
    if len(inputs) > limit:
        message = errors.batch_too_large(len(inputs), limit).message
        return jsonmap.BodyError("BATCH_TOO_LARGE", message)
    return inputs


def _run_batch(
    service: Service, model: str, version: str, items: list[Any], call: Call
) -> list[Outcome]:
    batch_id = str(uuid.uuid4())
    return [
        evaluate(
            service.resolve,
            model,
            version,
            jsonmap.duplicate_in(item) or item,
            Call(call.request_id, call.caller, batch_id, index),
            jsonmap.dumps(item).decode(),  # a repeated key: its last value
        )
        for index, item in enumerate(items)
    ]


async def evaluate_batch(request: Request) -> Response:
    """Evaluate many input sets (a cohort review): results in order, each with its status."""
    service, model, query, call = _target(request)
    version, refused = version_asked(query, request.headers.get("content-type"))
    raw = await read_body(
        request.receive, request.headers.get("content-length"), service.settings.max_body_bytes
    )
    body, text = _parse(raw, batch=True)
    items = refused or _batch_inputs(body, service.settings.max_batch)
    try:
        prepared = service.resolve(model, version)
    except (ModelNotFound, VersionNotFound, NoApprovedVersion):
        items = jsonmap.BodyError("", "")  # evaluate() answers the 404 or 409 itself
    if isinstance(items, jsonmap.BodyError):
        outcome = evaluate(service.resolve, model, version, items, call, text)
        return _response(await _store(service, call, [outcome], outcome.status, outcome.json()))
    ref = prepared.ref
    outcomes = await run_in_threadpool(_run_batch, service, model, ref["version"], items, call)
    # Each result is the item's own body with its index and status first.
    results = b",".join(
        b'{"index":%d,"status":%d,' % (i, outcome.status) + outcome.json()[1:]
        for i, outcome in enumerate(outcomes)
    )
    batch_id = outcomes[0].record.batch_id if outcomes else str(uuid.uuid4())
    head = jsonmap.dumps({"batch_id": batch_id, "model": ref})[:-1]
    return _response(
        await _store(service, call, outcomes, 200, head + b',"results":[' + results + b"]}")
    )


# The evaluation endpoints are plain Starlette routes: they read and validate their own
# bodies, and FastAPI's per-request parameter machinery would only add latency to the
# hottest path. service.api.openapi documents them like the others.
EVALUATION_ROUTES = [
    Route("/decisions/{model}/evaluate", evaluate_one, methods=["POST"]),
    Route("/decisions/{model}/evaluate-batch", evaluate_batch, methods=["POST"]),
]
_ROUTES = {route.endpoint: route for route in EVALUATION_ROUTES}
