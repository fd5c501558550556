"""A model version's input declarations in, the service's admission of one input set out.

The service fills absent inputs with their declared ``input.default``, refuses a request
that misses a required input (``input.required``, or ``input.required_when`` when its
condition holds), a value outside the declared allowed values or a fraction where a whole
number is declared, and turns any match of a guard table into a refusal (see
docs/dmn-extensions.md). The regression runner and the behavioural diff answer input sets
the same way, so that "this patient would now get a different answer" means what the
service would really say. Declarations are read from the DMN model and compiled once.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.dmn import model as dmn
from service.feel import compile_expression, compile_unary_tests
from service.feel.compiler import CompiledExpression, CompiledUnaryTests
from service.feel.env import Env
from service.feel.errors import FeelSyntaxError

# FEEL's built-in type names (and DMN 1.1's XML Schema aliases) -> the canonical name.
BASE_TYPES = {
    "number": "number",
    "string": "string",
    "boolean": "boolean",
    "date": "date",
    "time": "time",
    "date and time": "date and time",
    "dateTime": "date and time",
    "years and months duration": "years and months duration",
    "yearMonthDuration": "years and months duration",
    "days and time duration": "days and time duration",
    "dayTimeDuration": "days and time duration",
}
_TRUE = ("true", "yes", "1")


@dataclass(slots=True)
class InputDecl:
    """One declared input: its type, its constraints and its default, compiled."""

    name: str
    base: str | None  # canonical FEEL base type, None when unknown or structured
    collection: bool = False
    allowed_texts: list[str] = field(default_factory=list)  # unary tests, each must admit
    allowed: list[CompiledUnaryTests] = field(default_factory=list)
    required: bool = False
    integer: bool = False
    default_text: str | None = None
    default: Any = None
    required_when: CompiledExpression | None = None

    def admits(self, value: Any) -> bool:
        """True when a non-null value is of the declared kind and inside the allowed values."""
        items = value if self.collection and isinstance(value, list) else [value]
        if self.collection and not isinstance(value, list):
            return False
        return all(self._admits_item(item) for item in items)

    def _admits_item(self, item: Any) -> bool:
        if self.integer and isinstance(item, decimal.Decimal) and item != item.to_integral_value():
            return False
        env = Env()
        return all(test(item, env) for test in self.allowed)


def type_chain(defs: dmn.Definitions, type_ref: str | None) -> tuple[str | None, bool, list[str]]:
    """(base type, is a collection, allowed-values texts) of a typeRef through item definitions."""
    items = {item.name: item for item in defs.item_definitions}
    allowed: list[str] = []
    collection = False
    seen: set[str] = set()
    while type_ref is not None and type_ref in items and type_ref not in seen:
        seen.add(type_ref)
        item = items[type_ref]
        collection = collection or item.is_collection
        allowed += [t for t in (item.allowed_values, item.type_constraint) if t and t.strip()]
        if item.components:
            return None, collection, allowed
        type_ref = item.type_ref
    return BASE_TYPES.get(type_ref or ""), collection, allowed


def _compile_tests(texts: Sequence[str]) -> list[CompiledUnaryTests]:
    compiled = []
    for text in texts:
        try:
            compiled.append(compile_unary_tests(text))
        except FeelSyntaxError:
            continue  # the model would not load in the service; nothing to enforce here
    return compiled


def declarations(defs: dmn.Definitions) -> list[InputDecl]:
    """Every input data of the model as an :class:`InputDecl`, in document order."""
    names = [data.name for data in defs.input_data]
    found = []
    for data in defs.input_data:
        ext = data.extensions
        base, collection, allowed = type_chain(defs, data.variable.type_ref)
        decl = InputDecl(
            name=data.name,
            base=base,
            collection=collection,
            allowed_texts=allowed,
            allowed=_compile_tests(allowed),
            required=ext.get("input.required", "").strip().lower() in _TRUE,
            integer=ext.get("input.integer", "").strip().lower() in _TRUE,
            default_text=ext.get("input.default") or None,
        )
        if decl.default_text is not None:
            decl.default = _constant(decl.default_text)
        condition = ext.get("input.required_when")
        if condition:
            try:
                decl.required_when = compile_expression(condition, names)
            except FeelSyntaxError:
                decl.required_when = None
        found.append(decl)
    return found


def _constant(text: str) -> Any:
    try:
        return compile_expression(text)(Env())
    except FeelSyntaxError:
        return None


def guard_decisions(defs: dmn.Definitions) -> list[str]:
    """The decisions whose matches reject a request (``decision.role`` = ``guard``)."""
    return [d.name for d in defs.decisions if d.extensions.get("decision.role") == "guard"]


def top_level_decisions(defs: dmn.Definitions) -> list[str]:
    """The decisions a response returns: those marked top level, else every non-guard one."""
    guards = set(guard_decisions(defs))
    marked = [
        d.name
        for d in defs.decisions
        if d.extensions.get("decision.top_level", "").strip().lower() in _TRUE
    ]
    return marked or [d.name for d in defs.decisions if d.name not in guards]


def with_defaults(decls: Sequence[InputDecl], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as the service passes them on: absent or null inputs take their default."""
    values = dict(inputs)
    for decl in decls:
        if values.get(decl.name) is None and decl.default_text is not None:
            values[decl.name] = decl.default
    return values


def problems(decls: Sequence[InputDecl], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Why the service would refuse these (defaulted) inputs, as (code, field) pairs, with
    the service's codes (``MISSING_REQUIRED_FIELD``, ``OUT_OF_RANGE``, ``INVALID_ENUM``,
    ``INVALID_TYPE``)."""
    found = []
    env_vars = {decl.name: values.get(decl.name) for decl in decls}
    for decl in decls:
        value = values.get(decl.name)
        if value is None:
            if decl.required or _holds(decl.required_when, env_vars):
                found.append(("MISSING_REQUIRED_FIELD", decl.name))
        elif not decl.admits(value):
            found.append((_not_admitted(decl, value), decl.name))
    return found


def _not_admitted(decl: InputDecl, value: Any) -> str:
    """The service's code for a value outside the declaration (docs/api.md)."""
    items = value if isinstance(value, list) else [value]
    whole = not decl.integer or all(
        not isinstance(i, decimal.Decimal) or i == i.to_integral_value() for i in items)
    if not whole:
        return "INVALID_TYPE"
    return "INVALID_ENUM" if decl.base in (None, "string", "boolean") else "OUT_OF_RANGE"


def _holds(condition: CompiledExpression | None, variables: dict[str, Any]) -> bool:
    return condition is not None and condition(Env(dict(variables))) is True


def guard_rejections(result_values: Mapping[str, Any], guards: Sequence[str]
                     ) -> list[tuple[str, str]]:
    """The refusals a guard table's matches make: (code, field, else message) per match."""
    found = []
    for name in guards:
        matches = result_values.get(name)
        rows = matches if isinstance(matches, list) else [matches] if matches else []
        for row in rows:
            if isinstance(row, dict):
                found.append((str(row.get("code") or name),
                              str(row.get("field") or row.get("message") or "")))
            elif row is not None:
                found.append((name, str(row)))
    return found


def passed_on(values: Mapping[str, Any], found: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The values the model sees: a field with a problem is passed on as null, as the
    service does, so that the guard tables still run on the rest."""
    bad = {field for _, field in found}
    return {name: (None if name in bad else value) for name, value in values.items()}


def refusals(found: Sequence[tuple[str, str]], result_values: Mapping[str, Any],
             guards: Sequence[str]) -> list[str]:
    """Every refusal, as the service lists them: the declaration problems (``found``), then
    the guard matches about fields no declaration problem named; each ``CODE: field``."""
    named = {field for _, field in found}  # the service reports each field once
    listed = [*found, *((code, field) for code, field in guard_rejections(result_values, guards)
                        if field not in named)]
    return [f"{code}: {field}" if field else code for code, field in listed]
