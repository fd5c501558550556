"""Routes of ``/health``: liveness (the process answers) and readiness (models and database)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from service.api import errors, jsonmap, schemas
from service.api.state import Service, ServiceDep

router = APIRouter(tags=["operations"])


def checks(service: Service) -> dict[str, Any]:
    """Each readiness check: the model catalogue, the audit database, the audit writer."""
    versions = sum(1 for _ in service.catalogue.all_versions())
    found: dict[str, Any] = {
        "models": {"status": "ok", "models": len(service.catalogue.models), "versions": versions},
    }
    started = time.perf_counter()
    try:
        service.audit.ping()
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        found["database"] = {"status": "fail", "url": service.audit.url, "error": reason}
    else:
        elapsed = round((time.perf_counter() - started) * 1000, 3)
        found["database"] = {"status": "ok", "url": service.audit.url, "latency_ms": elapsed}
    found["writer"] = _writer(service)
    return found


def _writer(service: Service) -> dict[str, Any]:
    """The audit writer process: running, or restarting after it died (then not ready)."""
    writer = service.audit.writer
    check: dict[str, Any] = {
        "status": "ok" if writer.alive else "fail",
        "state": writer.state,
        "pid": writer.pid,
        "restarts": writer.restarts,
    }
    if not writer.alive:
        check["error"] = f"the audit writer is not running ({writer.state})"
    return check


@router.get(
    "/health",
    response_model=None,
    responses={
        200: {"model": schemas.Health},
        503: {"model": schemas.ErrorBody, "description": "Not ready: a check failed"},
    },
)
def health(service: ServiceDep) -> Response:
    """Liveness and readiness, including a round trip to the audit database."""
    found = checks(service)
    failed = [name for name, check in found.items() if check["status"] != "ok"]
    if failed:
        problems = [
            errors.not_ready(f"{name}: {found[name].get('error', 'failed')}") for name in failed
        ]
        return errors.error_response(503, problems, checks=found)
    body = {"status": "ok", "live": True, "ready": True, "checks": found}
    return Response(jsonmap.dumps(body), media_type="application/json")


@router.get("/health/live", response_model=None, responses={200: {"model": schemas.Health}})
def live() -> Response:
    """Liveness only: the process answers (no database round trip)."""
    body = {"status": "ok", "live": True, "ready": None, "checks": {}}
    return Response(jsonmap.dumps(body), media_type="application/json")
