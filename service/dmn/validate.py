"""A :class:`model.Definitions` in, the structural problems of the model out (as Diagnostics).

This checks what holds regardless of XML and of FEEL: names present and unique, ids
unique, requirement and decision-service references that resolve (to the right kind of
element, or into an imported namespace), decision tables of a consistent shape with a
valid hit policy and aggregation, function kinds DMN knows, and a requirement graph
without cycles. FEEL texts are not parsed here; that is the engine's job.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from service.dmn import diagnostics as diag
from service.dmn import model as m
from service.dmn.diagnostics import Diagnostic

# xsd:ID: an XML name without a colon (letters and ideographs first, digits - . later).
_NCNAME = re.compile(r"^[^\W\d][\w.\-\u00B7]*$")
_ORIENTATIONS = ("Rule-as-Row", "Rule-as-Column", "CrossTable")
_FUNCTION_KINDS = ("FEEL", "Java", "PMML")

# What each requirement kind must point at.
_REQUIRED_KIND: dict[str, tuple[type, ...]] = {
    "decision": (m.Decision,),
    "input": (m.InputData,),
    "knowledge": (m.BusinessKnowledgeModel, m.DecisionService),
    "authority": (m.KnowledgeSource,),
    "authority-decision": (m.Decision,),
    "authority-input": (m.InputData,),
}

_KIND_NAMES = {
    m.Decision: "decision",
    m.InputData: "input data",
    m.BusinessKnowledgeModel: "business knowledge model",
    m.DecisionService: "decision service",
    m.KnowledgeSource: "knowledge source",
    m.Definitions: "model (definitions)",
    m.ItemDefinition: "item definition",
    m.InformationItem: "variable",
}

Path = tuple[Any, ...]  # the model objects from the Definitions down to one object


def validate(
    defs: m.Definitions, *, file: str | None = None, lines: dict[int, int] | None = None
) -> list[Diagnostic]:
    """Every structural problem of ``defs``; ``lines`` maps id(model object) to its XML line."""
    checker = _Checker(defs)
    checker.run()
    found: list[Diagnostic] = []
    for diagnostic, path in checker.found:
        line = (
            next((lines[id(o)] for o in reversed(path) if id(o) in lines), None) if lines else None
        )
        owner = next((o.id for o in reversed(path) if getattr(o, "id", None)), None)
        found.append(
            dataclasses.replace(diagnostic, element_id=diagnostic.element_id or owner).located(
                file, line
            )
        )
    return found


def walk(obj: Any, path: Path = ()) -> Iterator[tuple[Any, Path]]:
    """Every dataclass object reachable from ``obj`` with its path (``obj`` first, depth first)."""
    path = (*path, obj)
    yield obj, path
    for item in dataclasses.fields(obj):
        value = getattr(obj, item.name)
        values = value if isinstance(value, list) else [value]
        for element in values:
            if isinstance(element, list):  # a relation's rows
                for cell in element:
                    yield from walk(cell, path)
            elif dataclasses.is_dataclass(element):
                yield from walk(element, path)


class _Checker:
    """Runs every check once over one model, collecting (diagnostic, path) pairs."""

    def __init__(self, defs: m.Definitions) -> None:
        self.defs = defs
        self.found: list[tuple[Diagnostic, Path]] = []
        self.by_id = {e.id: e for e in defs.drg_elements() if e.id}
        self.imported = {i.namespace for i in defs.imports}

    def add(self, diagnostic: Diagnostic, path: Path) -> None:
        self.found.append((diagnostic, path))

    def run(self) -> None:
        seen_ids: set[str] = set()
        for obj, path in walk(self.defs):
            self.check_id(obj, path, seen_ids)
            self.check_name(obj, path)
            if isinstance(obj, m.DecisionTable):
                self.check_table(obj, path)
            elif isinstance(obj, m.FunctionDefinition) and obj.kind not in _FUNCTION_KINDS:
                self.add(diag.bad_function_kind(obj.id, obj.kind), path)
            elif isinstance(obj, m.ItemDefinition):
                self.check_type_shape(obj, path)
        self.check_unique_names()
        self.check_references()
        self.check_cycles()

    # --- ids and names ----------------------------------------------------------------------

    def check_id(self, obj: Any, path: Path, seen: set[str]) -> None:
        ident = getattr(obj, "id", None)
        if not ident:
            return
        if ident in seen:
            self.add(diag.duplicate_id(ident), path)
        elif not _NCNAME.match(ident):
            self.add(diag.invalid_id(ident), path)
        seen.add(ident)

    def check_name(self, obj: Any, path: Path) -> None:
        if isinstance(obj, m.Import) or not hasattr(obj, "name"):
            return  # DMN 1.1 imports have no name
        if isinstance(obj, m.OutputClause | m.RuleAnnotationClause):
            return  # their names are optional
        if not obj.name:
            kind = _KIND_NAMES.get(type(obj), type(obj).__name__)
            self.add(diag.missing_name(getattr(obj, "id", None), kind), path)

    def check_unique_names(self) -> None:
        drg = [e for e in self.defs.drg_elements() if not isinstance(e, m.KnowledgeSource)]
        self.check_unique(drg, "element")
        self.check_unique(self.defs.item_definitions, "item definition")

    def check_unique(self, elements: list[Any], kind: str) -> None:
        seen: set[str] = set()
        for element in elements:
            if element.name and element.name in seen:
                self.add(diag.duplicate_name(element.id, kind, element.name), (element,))
            seen.add(element.name)

    def check_type_shape(self, item: m.ItemDefinition, path: Path) -> None:
        """DMN15.xsd allows one of: typeRef (+ constraints), components, a function type."""
        kinds = [item.type_ref is not None, bool(item.components)]
        kinds.append(item.function_parameters is not None)
        constrained = item.allowed_values is not None or item.type_constraint is not None
        problem = None
        if sum(kinds) > 1:
            problem = "mixes a base type, components and a function type"
        elif constrained and item.type_ref is None:
            problem = "constrains values but has no typeRef"
        if problem:
            self.add(diag.type_shape(item.id, item.name, problem), path)

    # --- decision tables --------------------------------------------------------------------

    def check_table(self, table: m.DecisionTable, path: Path) -> None:
        if table.hit_policy not in m.HIT_POLICIES:
            self.add(diag.unknown_hit_policy(table.id, table.hit_policy), path)
        if table.aggregation is not None and (
            table.aggregation not in m.AGGREGATIONS or table.hit_policy != "COLLECT"
        ):
            self.add(diag.bad_aggregation(table.id, table.hit_policy, table.aggregation), path)
        if table.preferred_orientation not in (None, *_ORIENTATIONS):
            self.add(diag.bad_orientation(table.id, table.preferred_orientation), path)
        if not table.outputs:
            self.add(diag.table_without_output(table.id), path)
        if len(table.outputs) > 1:
            for index, output in enumerate(table.outputs, 1):
                if not output.name:
                    self.add(diag.unnamed_output(output.id or table.id, index), (*path, output))
        for index, rule in enumerate(table.rules, 1):
            self.check_rule(table, rule, index, (*path, rule))

    def check_rule(
        self, table: m.DecisionTable, rule: m.DecisionRule, index: int, path: Path
    ) -> None:
        shapes = [
            ("input", len(rule.input_entries), len(table.inputs)),
            ("output", len(rule.output_entries), len(table.outputs)),
        ]
        if rule.annotation_entries:  # DMN lets a rule leave out its annotations
            shapes.append(("annotation", len(rule.annotation_entries), len(table.annotations)))
        for what, found, wanted in shapes:
            if found != wanted:
                self.add(diag.rule_shape(rule.id, index, what, found, wanted), path)

    # --- references -------------------------------------------------------------------------

    def check_references(self) -> None:
        for element in self.defs.drg_elements():
            owner = f"{_KIND_NAMES[type(element)]} {element.name!r}"
            for requirement in getattr(element, "requirements", []):
                wanted = _REQUIRED_KIND.get(requirement.kind, ())
                self.check_href(requirement.href, wanted, owner, (element, requirement))
            if isinstance(element, m.DecisionService):
                for href in [
                    *element.output_decisions,
                    *element.encapsulated_decisions,
                    *element.input_decisions,
                ]:
                    self.check_href(href, (m.Decision,), owner, (element,))
                for href in element.input_data:
                    self.check_href(href, (m.InputData,), owner, (element,))

    def local_target(self, href: str) -> tuple[bool, Any]:
        """(is the href local?, the element it names or None)."""
        namespace, _, ident = href.rpartition("#")
        if namespace and namespace != self.defs.namespace:
            return False, None
        return True, self.by_id.get(ident)

    def check_href(self, href: str, wanted: tuple[type, ...], owner: str, path: Path) -> None:
        local, target = self.local_target(href)
        if not local:
            if href.rpartition("#")[0] not in self.imported:
                self.add(diag.unresolved_href(None, owner, href), path)
        elif target is None:
            self.add(diag.unresolved_href(None, owner, href), path)
        elif wanted and not isinstance(target, wanted):
            found = _KIND_NAMES[type(target)]
            expected = " or ".join(_KIND_NAMES[t] for t in wanted)
            self.add(diag.href_kind(None, owner, href, found, expected), path)

    # --- cycles -----------------------------------------------------------------------------

    def edges(self, element: Any) -> list[Any]:
        """The local elements ``element`` depends on for its value."""
        hrefs = [
            r.href
            for r in getattr(element, "requirements", [])
            if r.kind in ("decision", "knowledge")
        ]
        if isinstance(element, m.DecisionService):
            hrefs += element.output_decisions + element.encapsulated_decisions
        targets = (self.local_target(href)[1] for href in hrefs)
        return [t for t in targets if t is not None and not isinstance(t, m.KnowledgeSource)]

    def check_cycles(self) -> None:
        """Depth-first search without recursion (a long chain of decisions must not overflow)."""
        done: set[int] = set()
        for start in self.defs.drg_elements():
            if id(start) in done:
                continue
            trail: list[Any] = [start]  # the path from start; on_trail mirrors it
            on_trail = {id(start)}
            pending: list[list[Any]] = [self.edges(start)]
            while trail:
                if not pending[-1]:
                    finished = trail.pop()
                    pending.pop()
                    on_trail.discard(id(finished))
                    done.add(id(finished))
                    continue
                target = pending[-1].pop(0)
                if id(target) in on_trail:
                    self.report_cycle(trail, target)
                elif id(target) not in done:
                    trail.append(target)
                    on_trail.add(id(target))
                    pending.append(self.edges(target))

    def report_cycle(self, trail: list[Any], target: Any) -> None:
        loop = trail[[id(t) for t in trail].index(id(target)) :]
        names = [t.name for t in (*loop, target)]
        self.add(diag.requirement_cycle(trail[-1].id, names), (trail[-1],))
