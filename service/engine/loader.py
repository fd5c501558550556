"""Several DMN Definitions in, one compiled model set (graph, knowledge, types) out.

Loading runs in stages, each finishing for every model before the next starts:
namespaces and imports (an imported model's elements are seen as ``importName.element``),
item definitions, the DRG elements by (namespace, id), knowledge (BKMs and decision
services as FEEL functions), decision logic, and a requirement cycle check. Every problem
is collected as a diagnostic; any error-level one raises :class:`ModelError` at the end,
listing them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from service.dmn import model as m
from service.dmn.diagnostics import Diagnostic
from service.engine import errors
from service.engine.boxed import compile_boxed, compile_logic
from service.engine.errors import ModelError
from service.engine.functions import declared_parameters, knowledge_function
from service.engine.graph import DecisionNode, Graph, InputNode, Key, ServiceNode
from service.engine.scope import Scope
from service.engine.services import service_function
from service.engine.types import Declared, TypeRegistry
from service.feel import types as ft


@dataclass(slots=True)
class ModelInfo:
    """What the loader knows of one model: its definitions, imports, types and names."""

    definitions: m.Definitions
    imports: dict[str, str] = field(default_factory=dict)  # import name -> namespace
    types: TypeRegistry = field(default_factory=TypeRegistry)
    names: frozenset[str] = frozenset()

    @property
    def namespace(self) -> str:
        """The model's namespace."""
        return self.definitions.namespace


@dataclass(slots=True)
class LoadedSet:
    """The compiled model set: models by namespace, the graph, and load-time diagnostics."""

    models: dict[str, ModelInfo]
    graph: Graph
    diagnostics: list[Diagnostic]


def load(definitions: Iterable[m.Definitions]) -> LoadedSet:
    """Compile ``definitions`` together; raise ModelError when any has an error."""
    loader = _Loader()
    loaded = loader.load(list(definitions))
    if any(d.severity == "error" for d in loader.diagnostics):
        raise ModelError(loader.diagnostics)
    return loaded


class _Loader:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        self.models: dict[str, ModelInfo] = {}
        self.graph = Graph()
        self.kinds: dict[Key, str] = {}  # every DRG element's kind

    def load(self, definitions: list[m.Definitions]) -> LoadedSet:
        """Run every stage over every model; problems collect in ``self.diagnostics``."""
        for defs in definitions:
            self._register(defs)
        for info in self.models.values():
            self._resolve_imports(info)
        for info in self._import_order():
            self._define_types(info)
        for info in self.models.values():
            self._index(info)
        for info in self.models.values():
            info.names = self._names(info)
        for info in self.models.values():
            self._knowledge(info)
        for info in self.models.values():
            self._decisions(info)
        for node in self.graph.services.values():
            self.graph.static[node.namespace][node.name] = service_function(self.graph, node)
        self.graph.finish()
        loop = self.graph.cycle()
        if loop:
            self.diagnostics.append(errors.requirement_cycle(None, loop))
        return LoadedSet(self.models, self.graph, self.diagnostics)

    # --- namespaces, imports, types ------------------------------------------------------

    def _register(self, defs: m.Definitions) -> None:
        existing = self.models.get(defs.namespace)
        if existing is not None:
            first = existing.definitions.name
            self.diagnostics.append(errors.duplicate_namespace(defs.namespace, first, defs.name))
            return
        self.models[defs.namespace] = ModelInfo(defs)

    def _resolve_imports(self, info: ModelInfo) -> None:
        for imp in info.definitions.imports:
            if imp.namespace in self.models:
                info.imports[imp.name] = imp.namespace
            elif _is_dmn_import(imp):
                self.diagnostics.append(
                    errors.unresolved_import(imp.id, info.definitions.name, imp.namespace)
                )
        self.graph.imports[info.namespace] = [(n, ns) for n, ns in info.imports.items() if n]

    def _import_order(self) -> list[ModelInfo]:
        """Models with the models they import first (cycles broken arbitrarily)."""
        ordered: list[ModelInfo] = []
        seen: set[str] = set()

        def visit(namespace: str) -> None:
            if namespace in seen:
                return
            seen.add(namespace)
            info = self.models[namespace]
            for imported in info.imports.values():
                visit(imported)
            ordered.append(info)

        for namespace in self.models:
            visit(namespace)
        return ordered

    def _define_types(self, info: ModelInfo) -> None:
        for name, namespace in info.imports.items():
            if name:
                info.types.add_import(name, self.models[namespace].types)
        scope = self._scope(info, frozenset())

        def compile_tests(text: str, item: m.ItemDefinition) -> Any:
            return scope.at(item.id, f"item definition {item.name!r}").unary_tests(
                text, "allowed values"
            )

        info.types.define(info.definitions.item_definitions, compile_tests)

    def _scope(self, info: ModelInfo, names: frozenset[str]) -> Scope:
        return Scope(names, info.types, self.diagnostics)

    # --- the DRG -------------------------------------------------------------------------

    def _index(self, info: ModelInfo) -> None:
        defs, ns = info.definitions, info.namespace
        scope = self._scope(info, frozenset())
        for data in defs.input_data:
            key = _key(ns, data)
            where = scope.at(data.id, f"input data {data.name!r}")
            declared = info.types.resolve(data.variable.type_ref, where, "type")
            self.graph.inputs[key] = InputNode(key, data.name, ns, declared)
            self.kinds[key] = "input"
        for kind, elements in (
            ("decision", defs.decisions),
            ("knowledge", defs.business_knowledge_models),
            ("service", defs.decision_services),
        ):
            for element in elements:
                self.kinds[_key(ns, element)] = kind

    def _names(self, info: ModelInfo) -> frozenset[str]:
        """The names FEEL texts of a model may use: its elements, imports and their elements."""
        names = set(_element_names(info.definitions))
        for name, namespace in info.imports.items():
            names.add(name)
            names.update(_element_names(self.models[namespace].definitions))
        return frozenset(n for n in names if n)

    def _href(self, info: ModelInfo, href: str, owner: str, element_id: str | None) -> Key | None:
        key = _resolve_href(href, info.namespace, self.kinds)
        if key is None:
            self.diagnostics.append(errors.unresolved_reference(element_id, owner, href))
        return key

    # --- knowledge: BKMs and decision services ------------------------------------------------

    def _knowledge(self, info: ModelInfo) -> None:
        static = self.graph.static.setdefault(info.namespace, {})
        scope = self._scope(info, info.names)
        for bkm in info.definitions.business_knowledge_models:
            static[bkm.name] = self._bkm(
                bkm, scope.at(bkm.id, f"business knowledge model {bkm.name!r}"), static
            )
        for ds in info.definitions.decision_services:
            node = self._service(info, ds, scope.at(ds.id, f"decision service {ds.name!r}"))
            if node is not None:
                self.graph.services[node.key] = node
        for name, namespace in info.imports.items():
            if name:
                static[name] = self.graph.static.setdefault(namespace, {})

    def _bkm(self, bkm: m.BusinessKnowledgeModel, scope: Scope, static: dict[str, Any]) -> Any:
        logic = bkm.logic or m.FunctionDefinition()
        parameters = declared_parameters(logic.parameters, scope)
        body = compile_boxed(
            logic.body, scope.with_names(p.name for p in logic.parameters), bkm.name
        )
        result_type = _result_type(
            info_type=scope.types.resolve(bkm.variable.type_ref, scope, "type")
        )
        if (logic.kind or "FEEL").upper() != "FEEL":
            scope.report(errors.unsupported_function_kind(bkm.id, logic.kind))
        return knowledge_function(bkm.name, parameters, body, result_type, static)

    def _service(self, info: ModelInfo, ds: m.DecisionService, scope: Scope) -> ServiceNode | None:
        def keys(hrefs: list[str], kind: str) -> list[Key]:
            found = [self._href(info, h, f"decision service {ds.name!r}", ds.id) for h in hrefs]
            return [k for k in found if k is not None and self.kinds.get(k) == kind]

        result_type = _result_type(scope.types.resolve(ds.variable.type_ref, scope, "type"))
        return ServiceNode(
            _key(info.namespace, ds), ds.name, info.namespace,
            keys(ds.output_decisions, "decision"), keys(ds.input_decisions, "decision"),
            keys(ds.input_data, "input"), result_type,
        )  # fmt: skip

    # --- decisions ---------------------------------------------------------------------------

    def _decisions(self, info: ModelInfo) -> None:
        scope = self._scope(info, info.names)
        used: dict[Key, set[str]] = {}
        for decision in info.definitions.decisions:
            refs: set[str] = set()
            where = replace(scope.at(decision.id, f"decision {decision.name!r}"), refs=refs)
            evaluate, table = None, None
            if decision.expression is not None:
                evaluate, table = compile_logic(decision.expression, where, decision.name)
            declared = info.types.resolve(decision.variable.type_ref, where, "type")
            key = _key(info.namespace, decision)
            requires = []
            for req in decision.requirements:
                if req.kind == "decision":
                    found = self._href(info, req.href, f"decision {decision.name!r}", decision.id)
                    if found is not None and self.kinds.get(found) == "decision":
                        requires.append(found)
                elif req.kind in ("input", "knowledge"):
                    self._href(info, req.href, f"decision {decision.name!r}", decision.id)
            self.graph.decisions[key] = DecisionNode(
                key, decision.name, info.namespace, evaluate, declared, requires, table
            )
            used[key] = refs
        self._implicit_requirements(info, used)

    def _implicit_requirements(self, info: ModelInfo, used: dict[Key, set[str]]) -> None:
        """Order decisions by the other decisions their texts name but do not require.

        DMN asks for an information requirement on every decision a decision uses; a model
        that leaves one out would otherwise see null. The missing requirement is added
        (with a warning) unless it would close a cycle, as a name can also be a local one.
        """
        by_name = {
            n.name: n for n in self.graph.decisions.values() if n.namespace == info.namespace
        }
        for key, refs in used.items():
            node = self.graph.decisions[key]
            for name in sorted(refs & by_name.keys()):
                other = by_name[name]
                if other.key == key or other.key in node.requires or self._reaches(other.key, key):
                    continue
                node.requires.append(other.key)
                element_id = key[1] if not key[1].startswith("name:") else None
                self.diagnostics.append(errors.implicit_requirement(element_id, node.name, name))

    def _reaches(self, start: Key, goal: Key) -> bool:
        """Whether ``goal`` is among the decisions ``start`` requires, directly or not."""
        seen, stack = {start}, [start]
        while stack:
            node = self.graph.decisions.get(stack.pop())
            for nxt in node.requires if node is not None else ():
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False


def _result_type(info_type: Declared | None) -> Declared | None:
    """The result type of a function-typed variable (or the type itself, DMN 1.1 style)."""
    if info_type is None or not isinstance(info_type.feel, ft.FunctionType):
        return info_type
    result = info_type.feel.result
    return None if result == ft.ANY else Declared(str(result), result)


def _key(namespace: str, element: m.Element) -> Key:
    name = getattr(element, "name", "")
    return (namespace, element.id or f"name:{name}")


def _element_names(defs: m.Definitions) -> list[str]:
    return [
        *(d.name for d in defs.input_data),
        *(d.name for d in defs.decisions),
        *(b.name for b in defs.business_knowledge_models),
        *(s.name for s in defs.decision_services),
    ]


def _resolve_href(href: str, namespace: str, kinds: dict[Key, str]) -> Key | None:
    """The element ``href`` (``#id`` or ``namespace#id``) points at, or None."""
    base, _, element_id = href.strip().rpartition("#")
    key = (base or namespace, element_id)
    if key in kinds:
        return key
    if base:  # a location (``model.dmn#id``) rather than a namespace: look the id up
        matches = [k for k in kinds if k[1] == element_id]
        if len(matches) == 1:
            return matches[0]
    return None


def _is_dmn_import(imp: m.Import) -> bool:
    return "DMN" in imp.import_type.upper() or "dmn" in imp.import_type
