"""An ASGI request for ``POST /decisions/{model}/evaluate`` -> its answer, past the framework.

The evaluate endpoint is the service's hot path: almost every request is one. Going
through the FastAPI application costs a stack of general-purpose middleware per request
(server errors, telemetry, body limits, metrics, exception handlers, an exit stack) and
router matching, several times what the route itself spends outside the engine. The
application (:class:`service.api.app.TablerxApp`) hands such a request straight to
:func:`serve` instead, which does what that stack does for this one route: reads the
body, runs the very same :func:`service.api.decisions.answer_one` as the routed
endpoint, counts the request in the metrics under the same route template, and turns an
unexpected exception into the same 500 error body. Anything else, or an app mounted
under a root path, takes the ordinary route (which the OpenAPI schema documents).
"""

from __future__ import annotations

import functools
import logging
import time

from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from service.api import errors, jsonmap
from service.api.decisions import Answer, answer_one, call_of, read_body
from service.api.state import Service

log = logging.getLogger("tablerx.api")

ROUTE = "/decisions/{model}/evaluate"  # the metrics' route label, as the routed endpoint's
_PREFIX = "/decisions/"
_SUFFIX = "/evaluate"


def model_of(scope: Scope) -> str | None:
    """The model id when ``scope`` is a request this lane serves, else None."""
    if scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path"):
        return None
    path: str = scope["path"]
    if not (path.startswith(_PREFIX) and path.endswith(_SUFFIX)):
        return None
    model = path[len(_PREFIX) : -len(_SUFFIX)]
    # what the route's {model} matches: one non-empty path segment
    return model if model and "/" not in model else None


async def serve(service: Service, model: str, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer one evaluate request (``model`` from :func:`model_of`)."""
    started = time.perf_counter()
    status = 500
    try:
        settings = service.settings
        headers = _headers(scope, _wanted(settings.caller_header))
        call = call_of(headers.get, settings.caller_header)
        raw = await read_body(receive, headers.get("content-length"), settings.max_body_bytes)
        sent = (scope["query_string"], headers.get("content-type"), raw)
        answer = await answer_one(service, model, call, sent)
    except ClientDisconnect:
        answer = None  # nobody to answer; counted with status 500, as the middleware does
    except Exception:
        log.exception("unhandled error on POST %s", scope["path"])
        answer = (500, jsonmap.dumps(errors.error_body([errors.internal_error()])), None)
    try:
        if answer is not None:
            status = answer[0]
            await _send(send, answer)
    finally:
        service.metrics.request("POST", ROUTE, status, time.perf_counter() - started)


@functools.cache
def _wanted(caller_header: str) -> dict[bytes, str]:
    """The raw names of the headers the lane reads -> their lower-case names."""
    names = ("x-request-id", "content-length", "content-type", caller_header.lower())
    return {name.encode("latin-1"): name for name in names}


def _headers(scope: Scope, wanted: dict[bytes, str]) -> dict[str, str]:
    """The ``wanted`` request headers by lower-case name (the first of repeated ones, as
    Starlette's ``Headers.get`` gives)."""
    found: dict[str, str] = {}
    for raw, value in scope["headers"]:
        name = wanted.get(raw)
        if name is not None and name not in found:
            found[name] = value.decode("latin-1")
    return found


async def _send(send: Send, answer: Answer) -> None:
    status, body, request_id = answer
    headers = [(b"content-length", b"%d" % len(body)), (b"content-type", b"application/json")]
    if request_id is not None:
        headers.insert(0, (b"x-request-id", request_id.encode()))  # as the caller sent it
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
