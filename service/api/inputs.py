"""A model's ``inputData`` declarations -> request field specs, and their JSON Schema.

A field's spec comes from the input's ``typeRef`` (a FEEL type, or an item definition
that narrows one with ``allowedValues`` and may be a collection or a structure) and from
the tablerx extension properties ``input.required``, ``input.integer``, ``input.unit``,
``input.default`` and ``input.required_when`` (docs/dmn-extensions.md).

Allowed values are FEEL unary tests, compiled once and applied to each request value with
FEEL's own semantics. Where they are literals, ranges or comparisons of literals (the
usual case) the JSON Schema states them as ``enum``, ``minimum`` and ``maximum``; any
other form is still enforced, and the schema quotes its text.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from typing import Any

from service.api import jsonmap
from service.dmn import model as dmn
from service.feel import nodes, temporal
from service.feel.compiler import CompiledUnaryTests, compile_expression, compile_unary_tests
from service.feel.env import Env
from service.feel.values import Range

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
    "Any": None,
    "context": None,
    "list": None,
}

_SCHEMA_TYPES = {
    "number": {"type": "number"},
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "time": {"type": "string", "format": "time"},
    "date and time": {"type": "string", "format": "date-time"},
    "years and months duration": {"type": "string", "format": "duration", "pattern": "^-?P"},
    "days and time duration": {"type": "string", "format": "duration", "pattern": "^-?P"},
}


class DeclarationError(ValueError):
    """An input declaration the service cannot turn into a request field."""


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
    constraint is enforced all the same, but the JSON Schema can only quote its text.
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
    raise DeclarationError(f"{text[node.span[0]:node.span[1]]!r} is not a literal")


_TEMPORAL_FUNCTIONS = {
    "date": temporal.parse_date,
    "time": temporal.parse_time,
    "date and time": temporal.parse_date_time,
    "duration": temporal.parse_duration,
}


def _test(node: nodes.Node, text: str) -> Test:
    if isinstance(node, nodes.UnaryComparison):
        return Test(node.op, literal(node.operand, text))
    if isinstance(node, nodes.UnaryRange):
        return Test("in", _range(node.range, text))
    if isinstance(node, nodes.UnaryExpression):
        if isinstance(node.expression, nodes.RangeLiteral):
            return Test("in", _range(node.expression, text))
        return Test("=", literal(node.expression, text))
    raise DeclarationError(f"unsupported allowed value {text[node.span[0]:node.span[1]]!r}")


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
        tests = None  # enforced by ``compiled``, but not expressible in JSON Schema
    return Allowed(text, compiled, tests, tree.negated)


# --- field specs -------------------------------------------------------------------------------


@dataclass(slots=True)
class FieldSpec:
    """What one request field may hold, and how it becomes a FEEL value."""

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

    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema (OpenAPI 3.1) of this field, nullable unless required."""
        schema = self._value_schema()
        if self.is_list:
            schema = {"type": "array", "items": schema}
        if not self.required:
            schema = {"anyOf": [schema, {"type": "null"}]}
        if self.description:
            schema["description"] = self.description
        if self.unit:
            schema["x-unit"] = self.unit
        if self.default_text is not None:
            schema["default"] = jsonmap.to_json(self.default)
        if self.required_when:
            schema["x-required-when"] = self.required_when
        return schema

    def _value_schema(self) -> dict[str, Any]:
        if self.components is not None:
            return object_schema(self.components)
        schema: dict[str, Any] = dict(_SCHEMA_TYPES.get(self.base or "", {}))
        if self.integer:
            schema["type"] = "integer"
        for allowed in self.allowed:
            schema.update(_allowed_schema(allowed))
        if self.allowed:
            schema["x-allowed-values"] = " and ".join(a.text for a in self.allowed)
        return schema


    def example(self) -> Any:
        """A plausible JSON value for the OpenAPI example: first allowed value, lowest bound."""
        if self.components is not None:
            return {f.name: f.example() for f in self.components if f.required}
        value: Any = _EXAMPLES.get(self.base or "", "")
        for allowed in self.allowed:
            if allowed.tests and not allowed.negated:
                first = allowed.tests[0].value
                value = first.start if isinstance(first, Range) and first.start is not None \
                    else (first if not isinstance(first, Range) else value)
        value = _json_value(value) if not isinstance(value, str | bool) else value
        return [value] if self.is_list else value


_EXAMPLES: dict[str, Any] = {
    "number": decimal.Decimal(1), "string": "text", "boolean": True, "date": "2024-01-31",
    "time": "13:45:00", "date and time": "2024-01-31T13:45:00Z",
    "years and months duration": "P1Y", "days and time duration": "P1D",
}


def object_schema(fields: list[FieldSpec]) -> dict[str, Any]:
    """A closed JSON object schema for ``fields`` (unknown properties are refused)."""
    return {
        "type": "object",
        "properties": {f.name: f.json_schema() for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
        "examples": [{f.name: f.example() for f in fields if f.required}],
    }


def _json_value(value: Any) -> Any:
    tree = jsonmap.to_json(value)
    if isinstance(tree, decimal.Decimal):  # JSON Schema numbers: ints stay exact
        return int(tree) if tree == tree.to_integral_value() else float(tree)
    return tree


def _allowed_schema(allowed: Allowed) -> dict[str, Any]:
    if allowed.negated or not allowed.tests:
        return {}  # the text is still given as x-allowed-values
    if allowed.is_enum:
        return {"enum": [_json_value(test.value) for test in allowed.tests]}
    bounds = [_bounds(test) for test in allowed.tests]
    if any(b is None for b in bounds):
        return {}
    return bounds[0] or {} if len(bounds) == 1 else {"anyOf": bounds}


def _bounds(test: Test) -> dict[str, Any] | None:
    if test.op == "in":
        rng: Range = test.value
        found: dict[str, Any] = {}
        if rng.start is not None and isinstance(rng.start, decimal.Decimal):
            found["minimum" if rng.start_included else "exclusiveMinimum"] = _json_value(rng.start)
        if rng.end is not None and isinstance(rng.end, decimal.Decimal):
            found["maximum" if rng.end_included else "exclusiveMaximum"] = _json_value(rng.end)
        return found
    if not isinstance(test.value, decimal.Decimal):
        return None
    key = {"<": "exclusiveMaximum", "<=": "maximum", ">": "exclusiveMinimum", ">=": "minimum",
           "=": "const"}.get(test.op)
    return {key: _json_value(test.value)} if key else None


# --- reading the declarations ---------------------------------------------------------------


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
    """The request fields of a model, in declaration order; raise :class:`DeclarationError`."""
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
