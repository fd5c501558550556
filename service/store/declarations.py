"""A model's ``inputData`` declarations -> field specs: types, allowed values, required, defaults.

A field's spec comes from the input's ``typeRef`` (a FEEL type, or an item definition
that narrows one with ``allowedValues`` and may be a collection or a structure) and from
the tablerx extension properties ``input.required``, ``input.integer``, ``input.unit``,
``input.default`` and ``input.required_when`` (docs/dmn-extensions.md).

Allowed values are FEEL unary tests, compiled once and applied to each value with FEEL's
own semantics. Where they are literals, ranges or comparisons of literals (the usual case)
:class:`Allowed` also keeps their literal reading, from which the API writes JSON Schema
``enum``, ``minimum`` and ``maximum`` and the diff picks boundary values.

These specs are the one reading of the declarations: the service validates requests
with them, and the regression runner and the diff answer input sets with them
(:mod:`service.store.admission`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.dmn import model as dmn
from service.feel import nodes, temporal
from service.feel.compiler import CompiledUnaryTests, compile_expression, compile_unary_tests
from service.feel.env import Env
from service.feel.values import Range

# FEEL's built-in type names (and DMN 1.1's XML Schema aliases) -> the canonical name.
BASE_TYPES: dict[str, str | None] = {
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
    "Any": None,
    "context": None,
    "list": None,
}


class DeclarationError(ValueError):
    """An input declaration that cannot be turned into a request field."""


# --- allowed values --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Test:
    """One literal unary test: ``= value``, ``op value`` or ``value in range``."""

    op: str  # "=", "!=", "<", "<=", ">", ">=" or "in"
    value: Any


@dataclass(frozen=True, slots=True)
class Allowed:
    """Allowed values: FEEL unary tests, compiled; ``tests`` is their literal reading.

    Membership is decided by the compiled tests (FEEL semantics, any unary tests).
    ``tests`` is None when the text is more than literals, ranges and comparisons: such a
    constraint is enforced all the same, but only its text can be quoted.
    """

    text: str
    compiled: CompiledUnaryTests
    tests: tuple[Test, ...] | None
    negated: bool = False

    def admits(self, value: Any) -> bool:
        """True when ``value`` passes the unary tests."""
        return self.compiled(value, Env())

    @property
    def is_enum(self) -> bool:
        """True for a plain list of values (the JSON Schema says ``enum``)."""
        return self.tests is not None and not self.negated and all(t.op == "=" for t in self.tests)


_TEMPORAL_FUNCTIONS = {
    "date": temporal.parse_date,
    "time": temporal.parse_time,
    "date and time": temporal.parse_date_time,
    "duration": temporal.parse_duration,
}


def literal(node: nodes.Node, text: str) -> Any:
    """The value of a literal FEEL node (also ``-5``, ``@"P1D"``, ``date("2024-01-01")``)."""
    if isinstance(node, nodes.NumberLiteral | nodes.StringLiteral | nodes.BooleanLiteral):
        return node.value
    if isinstance(node, nodes.NullLiteral):
        return None
    if isinstance(node, nodes.Negation) and isinstance(node.operand, nodes.NumberLiteral):
        return -node.operand.value
    if isinstance(node, nodes.TemporalLiteral):
        return temporal.parse_literal(node.text)
    if (
        isinstance(node, nodes.FunctionCall)
        and isinstance(node.function, nodes.Name)
        and len(node.arguments) == 1
        and isinstance(node.arguments[0].value, nodes.StringLiteral)
        and node.function.name in _TEMPORAL_FUNCTIONS
    ):
        return _TEMPORAL_FUNCTIONS[node.function.name](node.arguments[0].value.value)
    raise DeclarationError(f"{text[node.span[0] : node.span[1]]!r} is not a literal")


def _test(node: nodes.Node, text: str) -> Test:
    if isinstance(node, nodes.UnaryComparison):
        return Test(node.op, literal(node.operand, text))
    if isinstance(node, nodes.UnaryRange):
        return Test("in", _range(node.range, text))
    if isinstance(node, nodes.UnaryExpression):
        if isinstance(node.expression, nodes.RangeLiteral):
            return Test("in", _range(node.expression, text))
        return Test("=", literal(node.expression, text))
    raise DeclarationError(f"unsupported allowed value {text[node.span[0] : node.span[1]]!r}")


def _range(node: nodes.RangeLiteral, text: str) -> Range:
    return Range(
        literal(node.start, text), literal(node.end, text), node.start_included, node.end_included
    )


def parse_allowed(text: str) -> Allowed:
    """Allowed values from their unary tests text; FeelSyntaxError when it is not FEEL."""
    compiled = compile_unary_tests(text)
    tree = compiled.node
    if any(isinstance(test, nodes.AnyTest) for test in tree.tests):
        return Allowed(text, compiled, None)  # "-": anything goes
    try:
        tests: tuple[Test, ...] | None = tuple(_test(test, text) for test in tree.tests)
    except DeclarationError:
        tests = None  # enforced by ``compiled``, but it has no literal reading
    return Allowed(text, compiled, tests, tree.negated)


# --- field specs -------------------------------------------------------------------------------


@dataclass(slots=True)
class FieldSpec:
    """What one request field may hold: type, allowed values, whether required, default."""

    name: str
    type_name: str | None  # the typeRef as declared
    base: str | None  # the FEEL base type after resolving item definitions; None = any
    is_list: bool = False
    allowed: list[Allowed] = field(default_factory=list)  # every one must admit the value
    components: list[FieldSpec] | None = None  # a structure's fields
    required: bool = False
    integer: bool = False
    unit: str | None = None
    description: str | None = None
    default: Any = None  # FEEL value used when absent or null
    default_text: str | None = None
    required_when: str | None = None  # FEEL expression text

    @property
    def allowed_texts(self) -> list[str]:
        """The text of each allowed-values constraint (FEEL unary tests)."""
        return [a.text for a in self.allowed]

    @property
    def allowed_text(self) -> str | None:
        """Every allowed-values constraint, joined with ``and``; None when there is none."""
        return " and ".join(self.allowed_texts) or None


def _flag(element: dmn.Element, name: str) -> bool:
    return element.extensions.get(name, "").strip().lower() == "true"


def _resolve(spec: FieldSpec, type_ref: str | None, items: dict[str, dmn.ItemDefinition]) -> None:
    """Fill base type, list-ness, allowed values and components from ``type_ref``."""
    seen: set[str] = set()
    while type_ref is not None:
        name = type_ref.split(":", 1)[1] if type_ref.startswith("feel:") else type_ref
        if name in BASE_TYPES:
            spec.base = BASE_TYPES[name]
            return
        item = items.get(name)
        if item is None or name in seen:
            raise DeclarationError(f"{spec.name}: unknown type {type_ref!r}")
        seen.add(name)
        if item.is_collection:
            spec.is_list = True
        for text in (item.allowed_values, item.type_constraint):
            if text:
                spec.allowed.append(_parse_allowed(spec.name, text))
        if item.components:
            spec.components = [_component(c, items) for c in item.components]
            return
        type_ref = item.type_ref


def _parse_allowed(name: str, text: str) -> Allowed:
    try:
        return parse_allowed(text)
    except Exception as exc:
        raise DeclarationError(f"{name}: allowed values {text!r}: {exc}") from None


def _component(item: dmn.ItemDefinition, items: dict[str, dmn.ItemDefinition]) -> FieldSpec:
    spec = FieldSpec(item.name, item.type_ref, None, description=item.description)
    spec.required = _flag(item, "input.required")
    spec.integer = _flag(item, "input.integer")
    if item.allowed_values:
        spec.allowed.append(_parse_allowed(item.name, item.allowed_values))
    if item.is_collection:
        spec.is_list = True
    if item.components:
        spec.components = [_component(c, items) for c in item.components]
    else:
        _resolve(spec, item.type_ref, items)
    return spec


def field_spec(data: dmn.InputData, items: dict[str, dmn.ItemDefinition]) -> FieldSpec:
    """The request field declared by one ``inputData``."""
    ext = data.extensions
    type_ref = data.variable.type_ref
    spec = FieldSpec(data.name, type_ref, None, description=data.description)
    _resolve(spec, type_ref, items)
    spec.required = _flag(data, "input.required")
    spec.integer = _flag(data, "input.integer")
    if spec.integer and spec.base not in (None, "number"):
        raise DeclarationError(f"{data.name}: input.integer on a {spec.base} input")
    spec.unit = ext.get("input.unit") or None
    spec.default_text = ext.get("input.default") or None
    if spec.default_text is not None:
        spec.default = _default(data.name, spec.default_text)
    spec.required_when = ext.get("input.required_when") or None
    return spec


def _default(name: str, text: str) -> Any:
    """The value of an ``input.default`` FEEL expression, computed once at load."""
    env = Env()
    try:
        value = compile_expression(text)(env)
    except Exception as exc:
        raise DeclarationError(f"{name}: input.default {text!r}: {exc}") from None
    if env.evaluation.warnings or value is None:
        reason = env.evaluation.warnings[0].message if env.evaluation.warnings else "it is null"
        raise DeclarationError(f"{name}: input.default {text!r}: {reason}")
    return value


def field_specs(definitions: dmn.Definitions) -> list[FieldSpec]:
    """The request fields of a model, in declaration order; raise :class:`DeclarationError`
    naming every declaration that cannot be read."""
    items = {item.name: item for item in definitions.item_definitions}
    problems: list[str] = []
    specs: list[FieldSpec] = []
    for data in definitions.input_data:
        try:
            specs.append(field_spec(data, items))
        except DeclarationError as exc:
            problems.append(str(exc))
    if problems:
        raise DeclarationError("; ".join(problems))
    return specs


def type_chain(defs: dmn.Definitions, type_ref: str | None) -> tuple[str | None, bool, list[str]]:
    """(base type, is a collection, allowed-values texts) of a typeRef, for describing a
    declaration (the diff); unlike :func:`field_specs` it never raises."""
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
