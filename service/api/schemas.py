"""The API's JSON shapes as pydantic models, named by role: what the OpenAPI page shows.

Routes build their bodies as plain data and serialize them with :mod:`service.api.jsonmap`
(exact decimals); these models document those bodies, and the tests check that every
response validates against its model. Decision outputs are FEEL values, so their schema
is open (``Any``): what each model returns is described by its decisions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Schema(BaseModel):
    """Base: unknown keys are refused when a test validates a body."""

    model_config = ConfigDict(extra="forbid")


# --- errors ---------------------------------------------------------------------------------


class ErrorItem(Schema):
    """One problem: a stable code, a plain-language message, and where it applies."""

    code: str = Field(
        examples=["OUT_OF_RANGE"],
        description="A stable code: one of the service's (the table in docs/api.md, "
        "'Errors'), a table defect's (UNIQUE_VIOLATION, ...), or the code of a rule of the "
        "model's guard tables (for example CONTRADICTION).",
    )
    message: str = Field(examples=["ecog out of range: allowed [0..4]"])
    field: str | None = Field(None, description="The request field at fault, when there is one.")
    location: Any = Field(
        None, description="Where else: 'body', a parameter, or a decision and its rules."
    )


class ErrorBody(Schema):
    """Every 4xx and 5xx response. Evaluation errors also carry the evaluation's audit id."""

    errors: list[ErrorItem]
    evaluation_id: str | None = None
    model: ModelRef | None = None
    explanation: list[TableExplanation] | None = None
    warnings: list[EvaluationWarning] | None = None
    checks: dict[str, Any] | None = None


# --- evaluation -----------------------------------------------------------------------------


class ModelRef(Schema):
    """Exactly which model answered: id, version, the sha256 of its DMN file, and its status."""

    id: str = Field(examples=["gastric-her2-later-lines"])
    version: str = Field(examples=["0.1.0"])
    hash: str = Field(description="sha256 of the version's DMN file bytes")
    status: str = Field(
        examples=["approved"],
        description="Release status: approved, or draft, in review or retired (then the "
        "answer also carries a DRAFT_VERSION, IN_REVIEW_VERSION or "
        "RETIRED_VERSION warning: not the approved logic)",
    )


class MatchedRule(Schema):
    """A rule that matched, where it came from, why (annotations) and what it gave."""

    rule_id: str | None
    index: int = Field(description="1-based position of the rule in its table")
    source: dict[str, str] = Field(description="Workbook sheet, cell and row of the rule")
    annotations: dict[str, str] = Field(description="Rationale, citations and other notes")
    outputs: dict[str, Any]


class TableExplanation(Schema):
    """One decision table evaluated: its hit policy and the rules that matched."""

    decision: str
    table_id: str | None
    hit_policy: str = Field(examples=["UNIQUE"])
    aggregation: str | None
    source: dict[str, str]
    default_used: bool = Field(description="No rule matched; the output default was used")
    defect: str | None = Field(description="The defect this table met (then the answer is 500)")
    matched_rules: list[MatchedRule]


class EvaluationWarning(Schema):
    """A FEEL expression that gave null for a reason (a wrong type, say)."""

    code: str
    message: str
    source: str | None
    span: list[int] | None


class EvaluationResponse(Schema):
    """A decision: the outputs, the rules behind them, and the audit id of the evaluation."""

    model: ModelRef
    evaluation_id: str
    outputs: dict[str, Any] = Field(description="Top-level decision name -> value")
    explanation: list[TableExplanation]
    warnings: list[EvaluationWarning]


class BatchRequest(Schema):
    """Many input sets for one model version (a cohort review)."""

    inputs: list[dict[str, Any]] = Field(description="Input objects, each as for /evaluate")


class BatchResult(Schema):
    """One input set's result: its HTTP-like status and the body /evaluate would give."""

    model_config = ConfigDict(extra="allow")

    index: int
    status: int = Field(examples=[200, 422])
    evaluation_id: str


class BatchResponse(Schema):
    """Results in the order of the inputs."""

    batch_id: str
    model: ModelRef
    results: list[BatchResult]


# --- models -----------------------------------------------------------------------------------


class VersionSummary(Schema):
    """A published version."""

    version: str
    status: str = Field(description="draft, in review, approved or retired (release record)")
    hash: str
    effective_date: str | None


class ModelSummary(Schema):
    """A model and its versions."""

    id: str
    title: str
    default_version: str | None = Field(
        description="The version answering requests that name none; null when the model has "
        "no approved version (such requests get 409 NO_APPROVED_VERSION)"
    )
    status: str | None = Field(description="Status of the default version")
    versions: list[VersionSummary]


class ModelList(Schema):
    """All published models."""

    models: list[ModelSummary]


class InputDeclaration(Schema):
    """A request field as the model declares it."""

    name: str
    type: str | None = Field(description="The declared typeRef")
    base_type: str | None = Field(description="FEEL base type (number, string, date, ...)")
    integer: bool
    collection: bool = Field(description="The field is a list of such values")
    allowed_values: str | None = Field(description="FEEL unary tests, e.g. [0..4]")
    enum: list[Any] | None
    minimum: Any = None
    maximum: Any = None
    exclusive_minimum: Any = None
    exclusive_maximum: Any = None
    unit: str | None
    required: bool
    required_when: str | None = Field(description="FEEL condition making the field required")
    default: Any = None
    description: str | None
    json_schema: dict[str, Any]


class DecisionSummary(Schema):
    """A decision of the model."""

    name: str
    id: str | None
    kind: str
    hit_policy: str | None
    role: str | None = Field(description="'guard' for a request-validation table")
    top_level: bool = Field(description="Returned in a response's outputs")
    source: dict[str, str]
    description: str | None


class ModelDetail(Schema):
    """One model version: metadata, inputs, decisions, and all versions."""

    id: str
    title: str
    version: str
    hash: str
    status: str = Field(description="draft, in review, approved or retired (release record)")
    default_version: str | None
    namespace: str
    description: str | None
    metadata: dict[str, str]
    inputs: list[InputDeclaration]
    decisions: list[DecisionSummary]
    outputs: list[str] = Field(description="Names of the decisions returned in outputs")
    request_schema: dict[str, Any]
    versions: list[VersionSummary]


class DiffReport(BaseModel):
    """``GET /decisions/{model}/diff``: what changed, and the input sets answered differently."""

    model_config = ConfigDict(extra="allow")

    model: str
    from_: dict[str, Any] = Field(alias="from", description="version, hash, status, title, ...")
    to: dict[str, Any]
    summary: dict[str, int]
    structural: dict[str, Any] = Field(description="metadata, inputs, types, decisions")
    behaviour: dict[str, Any] = Field(description="inputs, and every differing input set")
    max_cases: int = Field(description="The input-set limit this diff ran with")


# --- audit and health -------------------------------------------------------------------------


class AuditRecordOut(Schema):
    """One evaluation as stored in the audit log."""

    evaluation_id: str
    created_at: datetime
    model: dict[str, str | None]
    status: str = Field(description="ok, rejected, defect, timeout, error or not_found")
    http_status: int
    request_id: str
    caller: str | None
    batch_id: str | None
    batch_index: int | None
    duration_ms: float | None
    inputs: Any
    outputs: Any
    matched_rules: Any
    errors: Any
    warnings: Any


class Health(Schema):
    """Liveness and readiness, check by check."""

    status: str = Field(examples=["ok"])
    live: bool
    ready: bool | None = Field(description="None on /health/live, which checks nothing else")
    checks: dict[str, Any]


ErrorBody.model_rebuild()
