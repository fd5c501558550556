"""Two DMN models (two versions of one workbook) in, what changed between them out.

The differences are named the way the clinicians wrote them: a decision by its name and
the sheet and cell its table starts at, a rule by the id in its Rule column (else its
DMN id) and the cell its row starts at (``source.*`` extensions, docs/dmn-extensions.md),
a column by its header. Inputs are compared declaration by declaration (type, allowed
values, required, default ...), decisions and knowledge models by their logic.

Decision tables are compared by :mod:`service.store.diff_tables`, relations (catalogues)
row by row, by key, by :mod:`service.store.diff_relations`. The References block
(``knowledgeSource`` elements: citation code, text and link) is compared reference by
reference.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from service.dmn import model as dmn
from service.store.declarations import type_chain
from service.store.diff_relations import RowChange, compare_relations
from service.store.diff_tables import (
    Change,
    ColumnChange,
    RuleChange,
    compare_tables,
    differing,
    keyed,
    whole_rules,
)

_METADATA_ORDER = ("version", "status", "authors", "reviewers", "effective_date", "source", "id")
_IGNORED_FIELDS = frozenset({"id", "extensions"})


@dataclass(slots=True)
class LogicChange:
    """A decision or knowledge model added, removed or changed, with where it lives."""

    name: str
    element: str  # "decision" or "knowledge model"
    kind: str
    sheet: str | None = None
    cell: str | None = None
    changes: list[Change] = field(default_factory=list)
    columns: list[ColumnChange] = field(default_factory=list)
    rules: list[RuleChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)  # of a relation


@dataclass(slots=True)
class ItemChange:
    """An input (or a type) added, removed or changed, property by property."""

    name: str
    kind: str
    changes: list[Change] = field(default_factory=list)


@dataclass(slots=True)
class StructuralDiff:
    """Everything that differs between two models, section by section."""

    metadata: list[Change] = field(default_factory=list)
    inputs: list[ItemChange] = field(default_factory=list)
    types: list[ItemChange] = field(default_factory=list)
    logic: list[LogicChange] = field(default_factory=list)
    references: list[ItemChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the models differ in nothing but their metadata."""
        return not (self.inputs or self.types or self.logic or self.references)

    def changed_decisions(self) -> list[str]:
        """Names of the decisions added, removed or changed."""
        return [item.name for item in self.logic if item.element == "decision"]


def diff_models(old: dmn.Definitions, new: dmn.Definitions) -> StructuralDiff:
    """The structural differences from ``old`` to ``new``."""
    return StructuralDiff(
        metadata=_metadata(old, new),
        inputs=_inputs(old, new),
        types=_types(old, new),
        logic=_logic(old, new),
        references=_references(old, new),
    )


def _metadata(old: dmn.Definitions, new: dmn.Definitions) -> list[Change]:
    def meta(defs: dmn.Definitions) -> dict[str, str]:
        found = {
            k.removeprefix("model."): v
            for k, v in defs.extensions.items()
            if k.startswith("model.")
        }
        return {"title": defs.name, **found, "description": defs.description or ""}

    before, after = meta(old), meta(new)
    keys = sorted(
        set(before) | set(after),
        key=lambda k: (_METADATA_ORDER.index(k) if k in _METADATA_ORDER else 99, k),
    )
    return differing([(k, before.get(k), after.get(k)) for k in keys])


def _input_properties(defs: dmn.Definitions, data: dmn.InputData) -> dict[str, str | None]:
    base, collection, allowed = type_chain(defs, data.variable.type_ref)
    ext = data.extensions
    return {
        "type": data.variable.type_ref,
        "base type": base,
        "list": "yes" if collection else None,
        "allowed values": " and ".join(allowed) or None,
        "required": ext.get("input.required"),
        "whole number": ext.get("input.integer"),
        "unit": ext.get("input.unit"),
        "default": ext.get("input.default"),
        "required when": ext.get("input.required_when"),
        "description": data.description,
    }


def _inputs(old: dmn.Definitions, new: dmn.Definitions) -> list[ItemChange]:
    found = []
    for name, before, after in keyed(old.input_data, new.input_data, lambda d: d.name):
        if before is None or after is None:
            found.append(ItemChange(name, "added" if before is None else "removed"))
            continue
        a, b = _input_properties(old, before), _input_properties(new, after)
        changes = differing([(k, a[k], b[k]) for k in a])
        if changes:
            found.append(ItemChange(name, "changed", changes))
    return found


def _types(old: dmn.Definitions, new: dmn.Definitions) -> list[ItemChange]:
    found = []
    for name, before, after in keyed(old.item_definitions, new.item_definitions, lambda i: i.name):
        if before is None or after is None:
            found.append(ItemChange(name, "added" if before is None else "removed"))
        else:
            changes = tree_changes(before, after, "")
            if changes:
                found.append(ItemChange(name, "changed", changes))
    return found


# --- references ------------------------------------------------------------------------------


def _reference_properties(defs: dmn.Definitions, source: dmn.KnowledgeSource) -> dict[str, Any]:
    target = f"#{source.id}" if source.id else None
    elements: list[dmn.Decision | dmn.BusinessKnowledgeModel] = [
        *defs.decisions,
        *defs.business_knowledge_models,
    ]
    citing = sorted(
        element.name
        for element in elements
        if target and any(r.href.endswith(target) for r in element.requirements)
    )
    return {
        "text": (source.description or "").strip() or None,
        "link": source.location_uri,
        "type": source.type,
        "cited by": ", ".join(citing) or None,
    }


def _references(old: dmn.Definitions, new: dmn.Definitions) -> list[ItemChange]:
    """The References block: citations added, removed, or with another text, link or use."""
    found = []
    for code, before, after in keyed(old.knowledge_sources, new.knowledge_sources, _code):
        if before is None or after is None:
            kind = "added" if before is None else "removed"
            present = after if before is None else before
            assert present is not None
            side = _reference_properties(new if before is None else old, present)
            whole = [(k, None, v) if before is None else (k, v, None) for k, v in side.items()]
            found.append(ItemChange(code, kind, differing(whole)))
            continue
        a, b = _reference_properties(old, before), _reference_properties(new, after)
        changes = differing([(k, a[k], b[k]) for k in a])
        if changes:
            found.append(ItemChange(code, "changed", changes))
    return found


def _code(source: dmn.KnowledgeSource) -> str:
    return source.name.strip()


# --- decisions and knowledge models ----------------------------------------------------------


def _logic(old: dmn.Definitions, new: dmn.Definitions) -> list[LogicChange]:
    found = []
    pairs = [("decision", d) for d in keyed(old.decisions, new.decisions, lambda d: d.name)]
    pairs += [
        ("knowledge model", b)
        for b in keyed(
            old.business_knowledge_models, new.business_knowledge_models, lambda b: b.name
        )
    ]
    for element, (name, before, after) in pairs:
        source = after if after is not None else before
        where = source.extensions if source is not None else {}
        change = LogicChange(
            name, element, "changed", where.get("source.sheet"), where.get("source.cell")
        )
        if before is None or after is None:
            change.kind = "added" if before is None else "removed"
            body = _body(source) if source is not None else None
            if isinstance(body, dmn.DecisionTable):
                change.rules = whole_rules(body, "removed" if after is None else "added")
            elif isinstance(body, dmn.Relation):
                empty = dmn.Relation(columns=body.columns)
                pair = (body, empty) if after is None else (empty, body)
                change.rows = compare_relations(*pair, where, where)[1]
            found.append(change)
            continue
        change.changes = _element_changes(old, new, before, after)
        _compare_logic(change, _body(before), _body(after), (before.extensions, after.extensions))
        if change.changes or change.columns or change.rules or change.rows:
            found.append(change)
    return found


def _body(element: dmn.Decision | dmn.BusinessKnowledgeModel) -> dmn.Expression | None:
    if isinstance(element, dmn.Decision):
        return element.expression
    return element.logic.body if element.logic is not None else None


def _requirement_names(defs: dmn.Definitions, element: Any) -> str:
    by_id = {e.id: e.name for e in defs.drg_elements() if e.id}
    names = sorted(by_id.get(r.href.rpartition("#")[2], r.href) for r in element.requirements)
    return ", ".join(names)


def _element_changes(
    old_defs: dmn.Definitions, new_defs: dmn.Definitions, old: Any, new: Any
) -> list[Change]:
    def props(defs: dmn.Definitions, element: Any) -> dict[str, str | None]:
        ext = element.extensions
        found = {
            "output type": element.variable.type_ref,
            "description": element.description,
            "uses": _requirement_names(defs, element),
        }
        if isinstance(element, dmn.Decision):
            found |= {
                "question": element.question,
                "allowed answers": element.allowed_answers,
                "top level": ext.get("decision.top_level"),
                "role": ext.get("decision.role"),
            }
        elif element.logic is not None:
            found["parameters"] = ", ".join(p.name for p in element.logic.parameters)
        return found

    a, b = props(old_defs, old), props(new_defs, new)
    return differing([(k, a[k], b[k]) for k in a])


def _kind(expression: dmn.Expression | None) -> str:
    if expression is None:
        return "nothing"
    words = {"DecisionTable": "decision table", "LiteralExpression": "expression"}
    name = type(expression).__name__
    return words.get(name, name.lower())


def _compare_logic(
    change: LogicChange,
    old: dmn.Expression | None,
    new: dmn.Expression | None,
    where: tuple[dict[str, str], dict[str, str]] = ({}, {}),
) -> None:
    if _kind(old) != _kind(new):
        change.changes.append(Change("logic", _kind(old), _kind(new)))
    elif isinstance(old, dmn.DecisionTable) and isinstance(new, dmn.DecisionTable):
        table_changes, change.columns, change.rules = compare_tables(old, new)
        change.changes += table_changes
    elif isinstance(old, dmn.Relation) and isinstance(new, dmn.Relation):
        change.columns, change.rows = compare_relations(old, new, *where)
    elif isinstance(old, dmn.LiteralExpression) and isinstance(new, dmn.LiteralExpression):
        change.changes += differing([("expression", old.text.strip(), new.text.strip())])
    else:
        change.changes += tree_changes(old, new, "")


def tree_changes(old: Any, new: Any, path: str) -> list[Change]:
    """Differences between two model trees, ignoring ids and extension properties."""
    if dataclasses.is_dataclass(old) and type(old) is type(new):
        found = []
        for item in dataclasses.fields(old):
            if item.name not in _IGNORED_FIELDS:
                sub = f"{path}.{item.name}" if path else item.name
                found += tree_changes(getattr(old, item.name), getattr(new, item.name), sub)
        return found
    if isinstance(old, list) and isinstance(new, list):
        found = []
        for index in range(max(len(old), len(new))):
            a = old[index] if index < len(old) else None
            b = new[index] if index < len(new) else None
            found += tree_changes(a, b, f"{path}[{_label(a if a is not None else b, index)}]")
        return found
    if old != new:
        return [Change(path, _text(old), _text(new))]
    return []


def _label(item: Any, index: int) -> str:
    variable = getattr(item, "variable", None)
    name = getattr(variable, "name", None) or getattr(item, "name", None)
    return str(name) if isinstance(name, str) else str(index + 1)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = getattr(value, "text", None)
    if isinstance(text, str):
        return text
    if isinstance(value, dmn.Expression):
        return _kind(value)
    return str(value)
