"""Field specs + one input set -> its FEEL input values, or every reason to refuse it.

This is the one implementation of request validation. The service runs it on each
request body (JSON values, decoded by :mod:`service.api.jsonmap`), and the regression
runner and the behavioural diff run it on test cases and generated input sets (FEEL
values already), so that "this patient would now be refused" means what the service
would really say, with the same codes and messages.

Checks, in one pass, so that a caller sees all problems together: ``UNKNOWN_FIELD`` (a
name the model does not declare), ``MISSING_REQUIRED_FIELD`` (absent or null, also when
``input.required_when`` holds), ``INVALID_TYPE`` (wrong type; a fraction for a whole
number), ``OUT_OF_RANGE`` (a number, date or duration outside the allowed values) and
``INVALID_ENUM`` (a value outside an allowed list). For optional fields, absent and
``null`` mean the same: not assessed; such a field gets its ``input.default`` if it has
one, else null. A field with a problem is passed on as null, so that the model's guard
tables (``decision.role`` = ``guard``) can still run on the rest; each rule a guard
matches is one more problem, with the rule's own code, message and field.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.dmn import model as dmn
from service.feel.compiler import compile_expression
from service.feel.env import Env
from service.feel.values import Date, DateTime, DaysTimeDuration, Time, YearsMonthsDuration
from service.store.declarations import DeclarationError, FieldSpec, field_specs

# --- problems: every code and message of request validation ---------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason to refuse a request: a stable code, a plain message, where it applies."""

    code: str
    message: str
    field: str | None = None
    location: Any = None

    def as_json(self) -> dict[str, Any]:
        """The JSON object of this problem (``field`` or ``location`` only when known)."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        if self.location is not None:
            body["location"] = self.location
        return body

    @property
    def text(self) -> str:
        """``CODE: field`` (else ``CODE: message``), how the diff lists a refusal."""
        return f"{self.code}: {self.field or self.message}"


def missing_required(field: str, condition: str | None = None) -> Problem:
    """A required field is absent or null."""
    reason = f" when {condition}" if condition else ""
    return Problem("MISSING_REQUIRED_FIELD", f"{field} is required{reason}", field)


def invalid_type(field: str, expected: str) -> Problem:
    """A field's value is not of its declared type."""
    return Problem("INVALID_TYPE", f"{field} must be {expected}", field)


def out_of_range(field: str, allowed: str) -> Problem:
    """A number, date or duration outside the declared allowed values."""
    return Problem("OUT_OF_RANGE", f"{field} out of range: allowed {allowed}", field)


def invalid_enum(field: str, allowed: str) -> Problem:
    """A value not among the declared allowed values."""
    return Problem("INVALID_ENUM", f"{field} must be one of {allowed}", field)


def unknown_field(field: str, known: Sequence[str]) -> Problem:
    """A field the model does not declare (often a typo of a declared one)."""
    close = [name for name in known if _similar(field, name)]
    hint = f"; did you mean {close[0]}?" if close else ""
    return Problem("UNKNOWN_FIELD", f"unknown field {field}{hint}", field)


def _similar(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return a != b and (a in b or b in a or len(set(a) ^ set(b)) <= 2)


def body_problem(code: str, message: str) -> Problem:
    """The body as a whole is unusable (not an object, not JSON, a duplicate key)."""
    return Problem(code, message, location="body")


def guard_problem(code: str, message: str, field: str | None, rule: dict[str, Any]) -> Problem:
    """A match of one of the model's guard tables (its code is the model's own)."""
    return Problem(code or "GUARD_FAILED", message or "request rejected", field, rule)


# --- decoding one value ----------------------------------------------------------------------


class DecodeError(ValueError):
    """A value that cannot be of the declared FEEL type."""


class NumberOutOfRange(DecodeError):
    """A number too large for FEEL (decimal128: magnitude 1E+6145 or more)."""


FEEL_NUMBER_RANGE = "numbers of magnitude below 1E+6145 (FEEL's range)"

Decoder = Callable[[Any, str | None], Any]  # (value, FEEL base type) -> FEEL value

_FEEL_TYPES: dict[str, type | tuple[type, ...]] = {
    "number": decimal.Decimal,
    "string": str,
    "date": Date,
    "time": Time,
    "date and time": DateTime,
    "years and months duration": YearsMonthsDuration,
    "days and time duration": DaysTimeDuration,
}


def feel_value(value: Any, base: str | None) -> Any:
    """The :data:`Decoder` for values that are FEEL values already (test cases, the diff)."""
    if base == "boolean" or isinstance(value, bool):
        if base in ("boolean", None) and isinstance(value, bool):
            return value
        raise DecodeError(base or "")
    if base == "number" and isinstance(value, int):
        return decimal.Decimal(value)
    wanted = _FEEL_TYPES.get(base or "")
    if wanted is not None and not isinstance(value, wanted):
        raise DecodeError(base or "")
    return value


_TEMPORAL_EXAMPLES = {
    "date": "2024-01-31",
    "time": "13:45:00",
    "date and time": "2024-01-31T13:45:00Z",
    "years and months duration": "P1Y6M",
    "days and time duration": "P2DT3H",
}


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


def _is_whole_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return (
        isinstance(value, decimal.Decimal)
        and value.is_finite()
        and value == value.to_integral_value()
    )


# --- validating ------------------------------------------------------------------------------

# required_when conditions, compiled: the FEEL inputs -> true, false or null.
Condition = Callable[[Mapping[str, Any]], Any]


@dataclass(slots=True)
class Validated:
    """The FEEL value of every declared input (null when absent), and the problems found."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def fields_with_problems(self) -> set[str]:
        """Top-level field names that have at least one problem."""
        return {p.field.split(".")[0].split("[")[0] for p in self.problems if p.field}


def check_value(
    spec: FieldSpec, value: Any, path: str, decode: Decoder = feel_value
) -> tuple[Any, list[Problem]]:
    """The FEEL value of one non-null field value, or the problems with it."""
    if spec.is_list:
        if not isinstance(value, list):
            return None, [invalid_type(path, f"a list of {expected(spec)} values")]
        results = [_check_item(spec, item, f"{path}[{i}]", decode) for i, item in enumerate(value)]
        problems = [p for _, found in results for p in found]
        return ([v for v, _ in results] if not problems else None), problems
    return _check_item(spec, value, path, decode)


def _check_item(
    spec: FieldSpec, value: Any, path: str, decode: Decoder
) -> tuple[Any, list[Problem]]:
    if value is None:
        return None, []
    if spec.components is not None:
        if not isinstance(value, dict):
            return None, [invalid_type(path, "an object")]
        result = check_object(spec.components, value, f"{path}.", decode)
        return (result.values if not result.problems else None), result.problems
    if spec.integer and not _is_whole_number(value):
        return None, [invalid_type(path, "an integer")]
    try:
        converted = decode(value, spec.base)
    except NumberOutOfRange:
        declared = " and ".join(spec.allowed_texts)
        return None, [out_of_range(path, declared or FEEL_NUMBER_RANGE)]
    except DecodeError:
        return None, [invalid_type(path, expected(spec))]
    for allowed in spec.allowed:
        if not allowed.admits(converted):
            ordinal = spec.base not in (None, "string", "boolean")
            make = out_of_range if ordinal else invalid_enum
            return None, [make(path, allowed.text)]
    return converted, []


def check_object(
    specs: list[FieldSpec],
    body: Mapping[str, Any],
    prefix: str = "",
    decode: Decoder = feel_value,
) -> Validated:
    """Check every field of ``body`` against ``specs`` (unknown names are problems too)."""
    result = Validated()
    names = [spec.name for spec in specs]
    declared = set(names)
    for key in body:
        if key not in declared:
            result.problems.append(unknown_field(prefix + key, names))
    for spec in specs:
        path = prefix + spec.name
        raw = body.get(spec.name)
        if raw is None:
            if spec.required:
                result.problems.append(missing_required(path))
            result.values[spec.name] = spec.default
            continue
        value, problems = check_value(spec, raw, path, decode)
        result.values[spec.name] = value
        result.problems.extend(problems)
    return result


def validate(
    specs: list[FieldSpec],
    body: Any,
    conditions: Mapping[str, Condition] | None = None,
    decode: Decoder = feel_value,
) -> Validated:
    """Validate a whole input set: its fields, then the ``input.required_when`` conditions."""
    if not isinstance(body, dict):
        message = f"the body must be a JSON object of inputs, not {json_kind(body)}"
        problem = body_problem("INVALID_TYPE", message)
        return Validated({spec.name: None for spec in specs}, [problem])
    result = check_object(specs, body, decode=decode)
    for spec in specs:
        condition = (conditions or {}).get(spec.name)
        if condition is None or result.values.get(spec.name) is not None:
            continue
        if spec.name in result.fields_with_problems:
            continue
        if condition(result.values) is True:
            result.problems.append(missing_required(spec.name, spec.required_when))
    return result


def json_kind(value: Any) -> str:
    """What a parsed JSON value is, in the words of JSON: ``an array``, ``a number``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | decimal.Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def compile_conditions(specs: Sequence[FieldSpec]) -> dict[str, Condition]:
    """Each field's ``input.required_when``, compiled over the other fields' names."""
    names = [spec.name for spec in specs]
    found: dict[str, Condition] = {}
    for spec in specs:
        if spec.required_when:
            try:
                compiled = compile_expression(spec.required_when, names)
            except Exception as exc:
                raise DeclarationError(f"{spec.name}: input.required_when: {exc}") from None
            found[spec.name] = _condition(compiled)
    return found


def _condition(compiled: Callable[[Env], Any]) -> Condition:
    def condition(values: Mapping[str, Any]) -> Any:
        return compiled(Env(dict(values)))

    return condition


def with_defaults(specs: Sequence[FieldSpec], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs with every absent or null input that has an ``input.default`` filled in."""
    values = dict(inputs)
    for spec in specs:
        if values.get(spec.name) is None and spec.default_text is not None:
            values[spec.name] = spec.default
    return values


# --- guards, outputs, and a model's admission as a whole -----------------------------------


def declarations(defs: dmn.Definitions) -> list[FieldSpec]:
    """The model's request fields (:func:`~service.store.declarations.field_specs`)."""
    return field_specs(defs)


def _flagged(element: dmn.Element, name: str) -> bool:
    return element.extensions.get(name, "").strip().lower() == "true"


def guard_decisions(defs: dmn.Definitions) -> list[str]:
    """The decisions whose matches refuse a request (``decision.role`` = ``guard``)."""
    return [d.name for d in defs.decisions if d.extensions.get("decision.role") == "guard"]


def top_level_decisions(defs: dmn.Definitions) -> list[str]:
    """The decisions a response returns: those flagged ``decision.top_level``; without
    flags, the non-guard decisions no other decision requires."""
    guards = set(guard_decisions(defs))
    flagged = [
        d.name for d in defs.decisions if _flagged(d, "decision.top_level") and d.name not in guards
    ]
    if flagged:
        return flagged
    required = {
        req.href.rsplit("#", 1)[-1]
        for d in defs.decisions
        for req in d.requirements
        if req.kind == "decision"
    }
    return [d.name for d in defs.decisions if d.name not in guards and d.id not in required]


def source_of(element: Any) -> dict[str, str]:
    """``source.*`` extension properties without the prefix: sheet, cell, row."""
    extensions: Mapping[str, str] = getattr(element, "extensions", {}) or {}
    return {k.removeprefix("source."): v for k, v in extensions.items() if k.startswith("source.")}


def guard_problems(tables: Iterable[Any], guards: Iterable[str]) -> list[Problem]:
    """One problem per rule a guard table matched (engine table records in): its code,
    message and field outputs, located at the rule and its workbook cell."""
    wanted = set(guards)
    found: list[Problem] = []
    for record in tables:
        if record.decision not in wanted:
            continue
        for match in record.matches:
            out = match.outputs
            location = {
                "decision": record.decision,
                "rule_id": match.rule_id,
                "source": source_of(match),
            }
            name = out.get("field")
            found.append(
                guard_problem(
                    str(out.get("code") or ""),
                    str(out.get("message") or ""),
                    name if isinstance(name, str) and name else None,
                    location,
                )
            )
    return found


@dataclass(slots=True)
class Admission:
    """One model version's request contract, read and compiled once."""

    fields: list[FieldSpec]
    conditions: dict[str, Condition]
    guards: tuple[str, ...]
    top_level: tuple[str, ...]

    @classmethod
    def of(cls, defs: dmn.Definitions) -> Admission:
        """The admission of a model; raise :class:`DeclarationError` for broken declarations."""
        specs = field_specs(defs)
        return cls(
            specs,
            compile_conditions(specs),
            tuple(guard_decisions(defs)),
            tuple(top_level_decisions(defs)),
        )

    @property
    def names(self) -> list[str]:
        """The declared input names, in order."""
        return [spec.name for spec in self.fields]

    def validate(self, body: Any, decode: Decoder = feel_value) -> Validated:
        """Validate one input set (see :func:`validate`)."""
        return validate(self.fields, body, self.conditions, decode)

    def refusals(self, validated: Validated, tables: Iterable[Any]) -> list[Problem]:
        """Every problem, as the service lists them: the validation problems, then the
        guard matches about fields no validation problem named (it would repeat it)."""
        reported = validated.fields_with_problems
        guarded = [p for p in guard_problems(tables, self.guards) if p.field not in reported]
        return [*validated.problems, *guarded]

    def with_defaults(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs with their declared defaults filled in (see :func:`with_defaults`)."""
        return with_defaults(self.fields, inputs)
