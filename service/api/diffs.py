"""Route ``GET /decisions/{model}/diff?from=V1&to=V2``: what changed, and whom it affects.

The report is :mod:`service.store.diff_report`'s (JSON, the default) or
:mod:`service.store.diff_markdown`'s (Markdown, with ``Accept: text/markdown`` or
``?format=markdown``), the same as ``tablerx diff``. Both versions come from the
service's catalogue, with the status the release record gives them. Computing a diff
answers thousands of generated input sets with both versions, so it runs in a worker
thread, one at a time, on at most ``TABLERX_DIFF_MAX_CASES`` input sets, and is cached by
the two content hashes: published versions never change.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from service.api import errors, jsonmap, schemas
from service.api.decisions import ModelId, lookup
from service.api.errors import ApiError, Problem
from service.api.state import Service, ServiceDep
from service.store import diff_markdown, diff_report
from service.store.versions import ModelVersion

router = APIRouter(tags=["decisions"])

MARKDOWN = "text/markdown"

FromQuery = Annotated[str, Query(alias="from", description="The version to compare from")]
ToQuery = Annotated[str, Query(description="The version to compare to")]
FormatQuery = Annotated[
    Literal["json", "markdown"] | None,
    Query(description="json or markdown; else the Accept header decides (JSON by default)"),
]
RowsQuery = Annotated[
    int, Query(ge=1, le=10000, description="Markdown: input sets shown per group")
]
MaxCasesQuery = Annotated[
    int | None,
    Query(ge=1, description="About how many input sets to run (at most TABLERX_DIFF_MAX_CASES)"),
]


def _versions(service: Service, model: str, names: tuple[str, str]) -> list[ModelVersion]:
    """Both versions, or a 404 naming every one that is not published."""
    problems: list[Problem] = []
    found = []
    for name in names:
        try:
            found.append(lookup(service, model, name).version)
        except ApiError as exc:
            problems += exc.problems
            if any(p.code == "MODEL_NOT_FOUND" for p in exc.problems):
                break
    if problems:
        raise ApiError(404, problems)
    return found


def _limit(service: Service, max_cases: int | None) -> int:
    ceiling = service.settings.diff_max_cases
    if max_cases is not None and max_cases > ceiling:
        message = (
            f"at most {ceiling} input sets per diff over HTTP (TABLERX_DIFF_MAX_CASES); "
            "`tablerx diff --max-cases N` has no such limit"
        )
        raise ApiError(422, [errors.invalid_parameter("max_cases", message)])
    return max_cases or ceiling


def _wants_markdown(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "markdown"
    accept = request.headers.get("accept", "")
    return MARKDOWN in accept and "application/json" not in accept


@router.get(
    "/decisions/{model}/diff",
    response_class=Response,
    responses={
        200: {
            "description": "The diff report",
            "content": {
                "application/json": {"schema": schemas.DiffReport.model_json_schema()},
                MARKDOWN: {"schema": {"type": "string"}},
            },
        },
        404: {"model": schemas.ErrorBody, "description": "Unknown model or version"},
        422: {"model": schemas.ErrorBody, "description": "Bad parameters, or from = to"},
    },
)
async def diff_versions(
    model: ModelId,
    request: Request,
    service: ServiceDep,
    from_: FromQuery,
    to: ToQuery,
    format: FormatQuery = None,
    rows: RowsQuery = diff_markdown.DEFAULT_ROWS,
    max_cases: MaxCasesQuery = None,
) -> Response:
    """What changed between two versions (rules, cell by cell) and which input sets it affects."""
    if from_ == to:
        message = "from and to name the same version; name two different versions"
        raise ApiError(422, [errors.invalid_parameter("to", message)])
    limit = _limit(service, max_cases)
    old, new = _versions(service, model, (from_, to))
    settings = service.settings

    def compute() -> diff_report.VersionDiff:
        return diff_report.diff_loaded(
            settings.decisions_dir, old, new, limit, statuses=(old.status, new.status)
        )

    diff = await service.diffs.get((old.sha256, new.sha256, limit), compute)
    if _wants_markdown(request, format):
        text = diff_markdown.to_markdown(diff, rows=rows)
        return Response(text, media_type=f"{MARKDOWN}; charset=utf-8")
    body: dict[str, Any] = diff_report.to_json(diff)
    body["max_cases"] = limit
    return Response(jsonmap.dumps(body), media_type="application/json")
