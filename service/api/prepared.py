"""A published model version -> what the API needs to serve it, worked out once at start-up.

For each version: its request contract (:class:`service.store.admission.Admission`: the
field specs, the compiled ``input.required_when`` conditions, the guard decisions that
run before the model, the top-level decisions whose values make up a response's
``outputs``), how the API describes its decisions, where every decision and rule came
from in the workbook, and the warning that marks an answer from a version that is not
approved, and the static JSON parts of its answers (:class:`service.api.render.Fragments`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.api import errors
from service.api.inputs import object_schema
from service.api.render import Fragments
from service.dmn import model as dmn
from service.store.admission import Admission, Condition, source_of
from service.store.coverage import all_tables
from service.store.declarations import FieldSpec
from service.store.versions import ModelVersion


@dataclass(frozen=True, slots=True)
class DecisionInfo:
    """A decision as the API describes it."""

    name: str
    id: str | None
    kind: str  # the boxed expression: "decision table", "literal expression", ...
    hit_policy: str | None
    role: str | None  # "guard" or None
    top_level: bool
    source: dict[str, str]
    description: str | None


@dataclass(slots=True)
class Prepared:
    """One model version, ready to validate requests and explain answers."""

    version: ModelVersion
    admission: Admission
    decisions: list[DecisionInfo]
    rule_sources: dict[str, dict[str, str]] = field(default_factory=dict)
    decision_sources: dict[str, dict[str, str]] = field(default_factory=dict)
    ref: dict[str, str] = field(default_factory=dict)  # the ``model`` object of a response
    notice: dict[str, Any] | None = None  # the warning of a version that is not approved
    fragments: Fragments = field(default_factory=lambda: Fragments({}, None, {}))
    zone: str | None = None  # the IANA zone now() and today() are read in (None: UTC)
    timeout: float | None = None  # seconds one request's evaluation may take (None: no limit)

    @property
    def fields(self) -> list[FieldSpec]:
        """The request fields, in declaration order."""
        return self.admission.fields

    @property
    def conditions(self) -> dict[str, Condition]:
        """The compiled ``input.required_when`` conditions, by field."""
        return self.admission.conditions

    @property
    def guards(self) -> tuple[str, ...]:
        """The guard decisions, evaluated before anything else."""
        return self.admission.guards

    @property
    def top_level(self) -> tuple[str, ...]:
        """The decisions whose values are the response's ``outputs``."""
        return self.admission.top_level

    def request_schema(self) -> dict[str, Any]:
        """The JSON Schema of this version's request body."""
        schema = object_schema(self.fields)
        schema["title"] = f"{self.version.model_id} {self.version.version} inputs"
        return schema


_KINDS = {
    dmn.DecisionTable: "decision table",
    dmn.LiteralExpression: "literal expression",
    dmn.Context: "context",
    dmn.Relation: "relation",
    dmn.List: "list",
    dmn.Invocation: "invocation",
    dmn.FunctionDefinition: "function definition",
    dmn.Conditional: "conditional",
    dmn.Filter: "filter",
    dmn.Iterator: "iterator",
}


def _info(decision: dmn.Decision, top_level: tuple[str, ...]) -> DecisionInfo:
    expression = decision.expression
    return DecisionInfo(
        name=decision.name,
        id=decision.id,
        kind=_KINDS.get(type(expression), "none") if expression is not None else "none",
        hit_policy=expression.hit_policy if isinstance(expression, dmn.DecisionTable) else None,
        role=decision.extensions.get("decision.role") or None,
        top_level=decision.name in top_level,
        source=source_of(decision),
        description=decision.description,
    )


def prepare(
    version: ModelVersion, zone: str | None = None, timeout: float | None = None
) -> Prepared:
    """Work out everything the API needs for ``version``, whose now() and today() are read
    in ``zone`` (UTC when None) and whose evaluations may take ``timeout`` seconds per
    request (None: no limit); raise DeclarationError."""
    definitions = version.definitions
    admission = Admission.of(definitions)
    infos = [_info(d, admission.top_level) for d in definitions.decisions]
    prepared = Prepared(
        version=version,
        admission=admission,
        decisions=infos,
        decision_sources={i.name: i.source for i in infos if i.source},
        ref={
            "id": version.model_id,
            "version": version.version,
            "hash": version.sha256,
            "status": version.status,
        },
        notice=errors.version_warning(version.model_id, version.version, version.status),
        zone=zone,
        timeout=timeout,
    )
    for ref in all_tables(definitions):
        for rule in ref.table.rules:
            if rule.id:
                prepared.rule_sources[rule.id] = source_of(rule)
    prepared.fragments = Fragments(prepared.ref, prepared.notice, prepared.decision_sources)
    return prepared
