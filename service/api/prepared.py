"""A published model version -> what the API needs to serve it, worked out once at start-up.

For each version: its request fields (from the input declarations) and their JSON Schema,
the compiled ``input.required_when`` conditions, the guard decisions (``decision.role`` =
``guard``) that run before the model, the top-level decisions whose values make up a
response's ``outputs``, and where every decision and rule came from in the workbook.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from service.api.inputs import DeclarationError, FieldSpec, field_specs, object_schema
from service.api.validation import Condition
from service.dmn import model as dmn
from service.feel.compiler import compile_expression
from service.feel.env import Env
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
    fields: list[FieldSpec]
    conditions: dict[str, Condition]
    decisions: list[DecisionInfo]
    guards: list[str]
    top_level: list[str]
    evaluated: list[str] = field(default_factory=list)  # guards, then top-level decisions
    rule_sources: dict[str, dict[str, str]] = field(default_factory=dict)
    decision_sources: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def ref(self) -> dict[str, str]:
        """The ``model`` object of a response: id, version and content hash."""
        return {
            "id": self.version.model_id,
            "version": self.version.version,
            "hash": self.version.sha256,
        }

    def request_schema(self) -> dict[str, Any]:
        """The JSON Schema of this version's request body."""
        schema = object_schema(self.fields)
        schema["title"] = f"{self.version.model_id} {self.version.version} inputs"
        return schema


def source_of(element: dmn.Element | Any) -> dict[str, str]:
    """``source.*`` extension properties without the prefix: sheet, cell, row."""
    extensions: Mapping[str, str] = getattr(element, "extensions", {}) or {}
    return {k.removeprefix("source."): v for k, v in extensions.items() if k.startswith("source.")}


def _tables(obj: Any) -> Iterator[dmn.DecisionTable]:
    """Every decision table inside a boxed expression, however deeply nested."""
    if isinstance(obj, dmn.DecisionTable):
        yield obj
    if isinstance(obj, list):
        for item in obj:
            yield from _tables(item)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name != "extensions":
                yield from _tables(getattr(obj, f.name))


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


def _info(decision: dmn.Decision) -> DecisionInfo:
    expression = decision.expression
    ext = decision.extensions
    return DecisionInfo(
        name=decision.name,
        id=decision.id,
        kind=_KINDS.get(type(expression), "none") if expression is not None else "none",
        hit_policy=expression.hit_policy if isinstance(expression, dmn.DecisionTable) else None,
        role=ext.get("decision.role") or None,
        top_level=ext.get("decision.top_level", "").strip().lower() == "true",
        source=source_of(decision),
        description=decision.description,
    )


def _top_level(definitions: dmn.Definitions, infos: list[DecisionInfo]) -> list[str]:
    """Decisions flagged top-level; without flags, those no other decision requires."""
    flagged = [i.name for i in infos if i.top_level and i.role != "guard"]
    if flagged:
        return flagged
    required = {
        req.href.rsplit("#", 1)[-1]
        for d in definitions.decisions
        for req in d.requirements
        if req.kind == "decision"
    }
    return [
        d.name for d, i in zip(definitions.decisions, infos, strict=True)
        if i.role != "guard" and d.id not in required
    ]


def _condition(spec: FieldSpec, names: list[str]) -> Condition:
    compiled = compile_expression(spec.required_when or "", names)

    def condition(values: Mapping[str, Any]) -> Any:
        return compiled(Env(dict(values)))

    return condition


def prepare(version: ModelVersion) -> Prepared:
    """Work out everything the API needs for ``version``; raise DeclarationError."""
    definitions = version.definitions
    fields = field_specs(definitions)
    names = [f.name for f in fields]
    try:
        conditions = {f.name: _condition(f, names) for f in fields if f.required_when}
    except Exception as exc:
        raise DeclarationError(f"input.required_when: {exc}") from None
    infos = [_info(d) for d in definitions.decisions]
    prepared = Prepared(
        version=version,
        fields=fields,
        conditions=conditions,
        decisions=infos,
        guards=[i.name for i in infos if i.role == "guard"],
        top_level=_top_level(definitions, infos),
        decision_sources={i.name: i.source for i in infos if i.source},
    )
    prepared.evaluated = prepared.guards + prepared.top_level
    owners: list[Any] = [*definitions.decisions, *definitions.business_knowledge_models]
    for table in _tables(owners):
        for rule in table.rules:
            if rule.id:
                prepared.rule_sources[rule.id] = source_of(rule)
    return prepared
