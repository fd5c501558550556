"""A parsed request body + the model's field specs -> FEEL input values, or every problem at once.

Checks, in one pass over the body, so that a caller sees all of them together:
``UNKNOWN_FIELD`` (a name the model does not declare), ``MISSING_REQUIRED_FIELD`` (absent
or null, also when ``input.required_when`` holds), ``INVALID_TYPE`` (wrong JSON type; a
fraction for an integer field), ``OUT_OF_RANGE`` (a number, date or duration outside the
allowed values) and ``INVALID_ENUM`` (a value outside an allowed list).

For optional fields, absent and ``null`` mean the same: not assessed. Such a field gets
its ``input.default`` if it has one, else FEEL's null. A field with a problem is passed on
as null, so the model's guard tables can still run on the rest of the request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from service.api import errors, jsonmap
from service.api.errors import Problem
from service.api.inputs import FieldSpec

# required_when conditions, compiled: the FEEL inputs -> true, false or null.
Condition = Callable[[Mapping[str, Any]], Any]

_TEMPORAL_EXAMPLES = {
    "date": "2024-01-31",
    "time": "13:45:00",
    "date and time": "2024-01-31T13:45:00Z",
    "years and months duration": "P1Y6M",
    "days and time duration": "P2DT3H",
}


@dataclass(slots=True)
class Validated:
    """The FEEL value of every declared input (null when absent), and the problems found."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def fields_with_problems(self) -> set[str]:
        """Top-level field names that have at least one problem."""
        return {p.field.split(".")[0].split("[")[0] for p in self.problems if p.field}


def expected(spec: FieldSpec) -> str:
    """How an INVALID_TYPE message names a field's type: ``an integer``, ``a date (...)``."""
    if spec.components is not None:
        return "an object"
    if spec.integer:
        return "an integer"
    base = spec.base
    if base in _TEMPORAL_EXAMPLES:
        return f"a {base} as an ISO 8601 string such as {_TEMPORAL_EXAMPLES[base]!r}"
    if base == "boolean":
        return "a boolean (true or false)"
    return f"a {base}" if base else "a JSON value"


def _is_integral(value: Any) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value()


def check_value(spec: FieldSpec, value: Any, path: str) -> tuple[Any, list[Problem]]:
    """The FEEL value of one non-null field value, or the problems with it."""
    if spec.is_list:
        if not isinstance(value, list):
            return None, [errors.invalid_type(path, f"a list of {expected(spec)} values")]
        results = [_check_item(spec, item, f"{path}[{i}]") for i, item in enumerate(value)]
        problems = [p for _, found in results for p in found]
        return ([v for v, _ in results] if not problems else None), problems
    return _check_item(spec, value, path)


def _check_item(spec: FieldSpec, value: Any, path: str) -> tuple[Any, list[Problem]]:
    if value is None:
        return None, []
    if spec.components is not None:
        if not isinstance(value, dict):
            return None, [errors.invalid_type(path, "an object")]
        result = check_object(spec.components, value, f"{path}.")
        return (result.values if not result.problems else None), result.problems
    if spec.integer and not (jsonmap.is_json_number(value) and _is_integral(value)):
        return None, [errors.invalid_type(path, "an integer")]
    try:
        converted = jsonmap.from_json(value, spec.base)
    except jsonmap.JsonTypeError:
        return None, [errors.invalid_type(path, expected(spec))]
    for allowed in spec.allowed:
        if not allowed.admits(converted):
            ordinal = spec.base not in (None, "string", "boolean")
            make = errors.out_of_range if ordinal else errors.invalid_enum
            return None, [make(path, allowed.text)]
    return converted, []


def check_object(specs: list[FieldSpec], body: Mapping[str, Any], prefix: str = "") -> Validated:
    """Check every field of ``body`` against ``specs`` (unknown names are problems too)."""
    result = Validated()
    names = [spec.name for spec in specs]
    declared = set(names)
    for key in body:
        if key not in declared:
            result.problems.append(errors.unknown_field(prefix + key, names))
    for spec in specs:
        path = prefix + spec.name
        raw = body.get(spec.name)
        if raw is None:
            if spec.required:
                result.problems.append(errors.missing_required(path))
            result.values[spec.name] = spec.default
            continue
        value, problems = check_value(spec, raw, path)
        result.values[spec.name] = value
        result.problems.extend(problems)
    return result


def validate(
    specs: list[FieldSpec], body: Any, conditions: Mapping[str, Condition] | None = None
) -> Validated:
    """Validate a whole request body: fields, then the ``input.required_when`` conditions."""
    if not isinstance(body, dict):
        kind = "an array" if isinstance(body, list) else f"a JSON {type(body).__name__}"
        problem = errors.body_problem(
            "INVALID_TYPE", f"the body must be a JSON object of inputs, not {kind}"
        )
        return Validated({spec.name: None for spec in specs}, [problem])
    result = check_object(specs, body)
    for spec in specs:
        condition = (conditions or {}).get(spec.name)
        if condition is None or result.values.get(spec.name) is not None:
            continue
        if spec.name in result.fields_with_problems:
            continue
        if condition(result.values) is True:
            result.problems.append(errors.missing_required(spec.name, spec.required_when))
    return result
