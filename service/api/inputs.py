"""Field specs (:mod:`service.store.declarations`) -> the JSON Schema of a model's request body.

Each declared input becomes one property: its JSON type (``integer`` for a whole number,
``string`` with a ``format`` for dates, times and durations), its allowed values as
``enum``, ``minimum`` and ``maximum`` where they are literals, ranges or comparisons of
literals (any other form is still enforced, and the schema quotes its text as
``x-allowed-values``), whether it may be null, its unit, default and ``required_when``.
The body is a closed object: unknown properties are refused, as validation refuses them.
"""

from __future__ import annotations

import decimal
from typing import Any

from service.api import jsonmap
from service.feel.values import Range
from service.store.declarations import Allowed, FieldSpec, Test

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

_EXAMPLES: dict[str, Any] = {
    "number": decimal.Decimal(1),
    "string": "text",
    "boolean": True,
    "date": "2024-01-31",
    "time": "13:45:00",
    "date and time": "2024-01-31T13:45:00Z",
    "years and months duration": "P1Y",
    "days and time duration": "P1D",
}


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """The JSON Schema (OpenAPI 3.1) of one field, nullable unless required."""
    schema = value_schema(spec)
    if spec.is_list:
        schema = {"type": "array", "items": schema}
    if not spec.required:
        schema = {"anyOf": [schema, {"type": "null"}]}
    if spec.description:
        schema["description"] = spec.description
    if spec.unit:
        schema["x-unit"] = spec.unit
    if spec.default_text is not None:
        schema["default"] = jsonmap.to_json(spec.default)
    if spec.required_when:
        schema["x-required-when"] = spec.required_when
    return schema


def value_schema(spec: FieldSpec) -> dict[str, Any]:
    """The schema of one (non-null) value of the field: type and allowed values."""
    if spec.components is not None:
        return object_schema(spec.components)
    schema: dict[str, Any] = dict(_SCHEMA_TYPES.get(spec.base or "", {}))
    if spec.integer:
        schema["type"] = "integer"
    for allowed in spec.allowed:
        schema.update(_allowed_schema(allowed))
    if spec.allowed:
        schema["x-allowed-values"] = spec.allowed_text
    return schema


def example(spec: FieldSpec) -> Any:
    """A plausible JSON value for the OpenAPI example: first allowed value, lowest bound."""
    if spec.components is not None:
        return {f.name: example(f) for f in spec.components if f.required}
    value: Any = _EXAMPLES.get(spec.base or "", "")
    for allowed in spec.allowed:
        if allowed.tests and not allowed.negated:
            first = allowed.tests[0].value
            if not isinstance(first, Range):
                value = first
            elif first.start is not None:
                value = first.start
    value = _json_value(value) if not isinstance(value, str | bool) else value
    return [value] if spec.is_list else value


def object_schema(fields: list[FieldSpec]) -> dict[str, Any]:
    """A closed JSON object schema for ``fields`` (unknown properties are refused)."""
    return {
        "type": "object",
        "properties": {f.name: field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
        "examples": [{f.name: example(f) for f in fields if f.required}],
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
    key = {
        "<": "exclusiveMaximum",
        "<=": "maximum",
        ">": "exclusiveMinimum",
        ">=": "minimum",
        "=": "const",
    }.get(test.op)
    return {key: _json_value(test.value)} if key else None
