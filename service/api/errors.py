"""Problems -> the one HTTP error body: ``{"errors": [{"code", "message", "field" | "location"}]}``.

Every 4xx and 5xx response of the service is built by :func:`error_response` from a list
of :class:`Problem`. Every problem is made by a named constructor, so each stable code and
its wording live in one place: the request-field problems (``MISSING_REQUIRED_FIELD``,
``INVALID_TYPE``, ``OUT_OF_RANGE``, ``INVALID_ENUM``, ``UNKNOWN_FIELD``, guard matches) in
:mod:`service.store.admission`, which the regression runner and the diff share with the
service; everything else below. ``CODES`` lists every code with its HTTP status
(docs/api.md must document each one; a test checks).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api import jsonmap
from service.store.admission import Problem

log = logging.getLogger("tablerx.api")

# code -> HTTP status. Guard tables of a model add their own codes (status 422).
CODES: dict[str, int] = {
    "MISSING_REQUIRED_FIELD": 422,
    "INVALID_TYPE": 422,
    "OUT_OF_RANGE": 422,
    "INVALID_ENUM": 422,
    "UNKNOWN_FIELD": 422,
    "DUPLICATE_FIELD": 422,
    "INVALID_JSON": 422,
    "INVALID_PARAMETER": 422,
    "BATCH_TOO_LARGE": 422,
    "EMPTY_BATCH": 422,
    "BODY_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "MODEL_NOT_FOUND": 404,
    "VERSION_NOT_FOUND": 404,
    "NO_APPROVED_VERSION": 409,
    "EVALUATION_NOT_FOUND": 404,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "DECISION_TABLE_DEFECT": 500,
    "EVALUATION_FAILED": 500,
    "INTERNAL_ERROR": 500,
    "AUDIT_UNAVAILABLE": 503,
    "EVALUATION_TIMEOUT": 503,
    "NOT_READY": 503,
}


class ApiError(Exception):
    """Raised by a route to answer with the error body; ``extra`` adds top-level keys."""

    def __init__(self, status: int, problems: Sequence[Problem], **extra: Any) -> None:
        super().__init__(problems[0].message if problems else str(status))
        self.status = status
        self.problems = list(problems)
        self.extra = extra


def error_body(problems: Iterable[Problem], **extra: Any) -> dict[str, Any]:
    """The error body: ``{"errors": [...]}`` plus any extra keys (``evaluation_id``, ...)."""
    return {"errors": [problem.as_json() for problem in problems], **extra}


def error_response(
    status: int,
    problems: Iterable[Problem],
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """The HTTP response for ``problems``: the only place an error body is serialized."""
    body = jsonmap.dumps(error_body(problems, **extra))
    return Response(body, status_code=status, media_type="application/json", headers=headers)


# --- named constructors: requests -----------------------------------------------------------


def batch_too_large(count: int, limit: int) -> Problem:
    """A batch with more input sets than the service accepts in one call."""
    return Problem("BATCH_TOO_LARGE", f"{count} input sets; at most {limit} per call", None, "body")


def body_too_large(limit: int) -> Problem:
    """A body longer than the configured limit."""
    return Problem("BODY_TOO_LARGE", f"the body exceeds {limit} bytes", None, "body")


def unsupported_media_type(media: str) -> Problem:
    """A body sent as another media type than JSON."""
    message = f"the body must be sent as application/json, not {media}"
    return Problem("UNSUPPORTED_MEDIA_TYPE", message, None, "body")


def invalid_parameter(name: str, message: str) -> Problem:
    """A query or path parameter that does not parse."""
    return Problem("INVALID_PARAMETER", f"{name}: {message}", None, {"parameter": name})


# --- named constructors: resources ---------------------------------------------------------


def model_not_found(model: str) -> Problem:
    """No model with this id is published."""
    return Problem(
        "MODEL_NOT_FOUND", f"no model {model!r}; GET /decisions lists them", None, {"model": model}
    )


def version_not_found(model: str, version: str) -> Problem:
    """The model exists but not in this version."""
    return Problem(
        "VERSION_NOT_FOUND",
        f"model {model!r} has no version {version!r}",
        None,
        {"model": model, "version": version},
    )


def no_approved_version(model: str, versions: Sequence[tuple[str, str]]) -> Problem:
    """A request names no version, and the model has none approved to answer it."""
    listed = ", ".join(f"{version} ({status})" for version, status in versions) or "none"
    # a retired version is out of service: suggest the newest one that is not
    example = next((v for v, s in reversed(versions) if s != "retired"), "VERSION")
    message = (
        f"model {model!r} has no approved version, so a request must name the version it "
        f"wants: add ?version={example} to use a version that is not approved (its answer is "
        f"marked with its status); published versions: {listed}. For development, "
        "`tablerx serve --drafts` lets the newest draft answer requests that name no version"
    )
    location = {"model": model, "versions": [{"version": v, "status": s} for v, s in versions]}
    return Problem("NO_APPROVED_VERSION", message, None, location)


def evaluation_not_found(evaluation_id: str) -> Problem:
    """No audit record with this id."""
    return Problem(
        "EVALUATION_NOT_FOUND",
        f"no evaluation {evaluation_id!r}",
        None,
        {"evaluation_id": evaluation_id},
    )


# --- notices: a warning on every answer from a version that is not approved ---------------

VERSION_WARNINGS = {
    "draft": "DRAFT_VERSION",
    "in review": "IN_REVIEW_VERSION",
    "retired": "RETIRED_VERSION",
}


def version_warning(model: str, version: str, status: str) -> dict[str, Any] | None:
    """The ``warnings[]`` entry marking an answer from a version that is not approved."""
    code = VERSION_WARNINGS.get(status)
    if code is None:
        return None
    why = {
        "draft": "a draft no reviewer has approved",
        "in review": "in review, not yet approved",
        "retired": "retired: taken out of service",
    }[status]
    message = (
        f"answered by {model} {version}, which is {why}; "
        "not the approved logic, not for clinical decisions"
    )
    return {"code": code, "message": message, "source": None, "span": None}


# --- named constructors: the service ----------------------------------------------------------


def table_defect(code: str, message: str, location: dict[str, Any]) -> Problem:
    """A decision table defect met at run time (e.g. two rules matching under UNIQUE)."""
    return Problem(code or "DECISION_TABLE_DEFECT", message, None, location)


def evaluation_failed(message: str) -> Problem:
    """The engine raised while evaluating: a broken model or an engine bug, never the caller's."""
    return Problem("EVALUATION_FAILED", message)


def evaluation_timeout(budget: float | None) -> Problem:
    """The evaluation ran past its time budget and was stopped: no answer, and no part of one."""
    return Problem(
        "EVALUATION_TIMEOUT",
        f"the evaluation did not finish within its time budget of {budget:g} s and was "
        "stopped; no answer is given (a busy server may answer a retry; a model that loops "
        "over very long lists will not)",
    )


def audit_unavailable(message: str) -> Problem:
    """The audit record could not be written, so no answer is given."""
    return Problem("AUDIT_UNAVAILABLE", f"the audit log is unavailable: {message}")


def not_ready(message: str) -> Problem:
    """A readiness check failed."""
    return Problem("NOT_READY", message)


def internal_error() -> Problem:
    """An unexpected failure; details go to the server log, not to the caller."""
    return Problem("INTERNAL_ERROR", "unexpected server error; see the server log")


# --- exception handlers ------------------------------------------------------------------


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.problems, **exc.extra)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:
        problem = Problem("METHOD_NOT_ALLOWED", f"{request.method} is not allowed here")
    elif exc.status_code == 404:
        problem = Problem(
            "NOT_FOUND", f"no resource at {request.url.path}", None, {"path": request.url.path}
        )
    else:
        problem = Problem(f"HTTP_{exc.status_code}", str(exc.detail))
    return error_response(exc.status_code, [problem], headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        invalid_parameter(str(error["loc"][-1]), str(error["msg"])) for error in exc.errors()
    ]
    return error_response(422, problems)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, [internal_error()])


def install_handlers(app: FastAPI) -> None:
    """Route every error the app can raise through :func:`error_response`."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
