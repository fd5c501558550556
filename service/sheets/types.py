"""Type names as clinicians write them in, FEEL types out; and literal values checked against them.

A type cell holds a FEEL type (``number``, ``string``, ``boolean``, ``date``, ``time``,
``date and time``, ``days and time duration``, ``years and months duration``), a friendly
alias (``integer``, ``text``, ``yes/no``, ``datetime``), ``list of <type>``, or the name of a
type declared in a Types block (:data:`Declared` maps each to the FEEL type it rests on, so
that cells of a declared type are checked like cells of its base type).
:func:`literal_kind` and :func:`satisfies` let the compiler check a cell's literals against
an input's type and allowed values without evaluating anything.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_expression
from service.sheets.layout import normalize
from service.sheets.names import compared_literals

FEEL_TYPES = (
    "number", "string", "boolean", "date", "time", "date and time",
    "days and time duration", "years and months duration", "context", "Any",
)  # fmt: skip

_ALIASES = {
    "integer": ("number", True), "whole number": ("number", True), "int": ("number", True),
    "decimal": ("number", False), "numeric": ("number", False),
    "text": ("string", False), "str": ("string", False),
    "bool": ("boolean", False), "yes/no": ("boolean", False), "true/false": ("boolean", False),
    "datetime": ("date and time", False), "date time": ("date and time", False),
    "date-time": ("date and time", False), "timestamp": ("date and time", False),
    "any": ("Any", False),
}  # fmt: skip

# The names shown in messages and drop-down lists.
TYPE_CHOICES = (
    "number", "integer", "string", "boolean", "date", "date and time", "time",
    "days and time duration", "years and months duration",
    "list of number", "list of string",
)  # fmt: skip

_LIST = re.compile(r"^(?:list of|list<)\s*(.+?)\s*>?$")


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """A parsed type cell: ``base`` is a FEEL type or a declared type's name.

    For a declared type, ``resolved`` is the FEEL type it rests on (None for a structure)
    and ``allowed`` (on that resolved type) the allowed values it carries.
    """

    base: str
    is_list: bool = False
    integer: bool = False
    resolved: TypeSpec | None = None
    allowed: str = ""

    @property
    def effective(self) -> TypeSpec:
        """The FEEL type whose literals this type admits (a declared type's resolved type)."""
        inner = self.resolved
        if inner is None:
            return self
        if self.is_list and inner.is_list:
            return TypeSpec("Any")  # a list of lists: cells are not checked
        return TypeSpec(
            inner.base, self.is_list or inner.is_list, inner.integer, None, inner.allowed
        )

    @property
    def type_ref(self) -> str:
        """The DMN typeRef: the FEEL type, or the item definition of a list (``number_list``)."""
        return list_type_name(self.base) if self.is_list else self.base

    def describe(self) -> str:
        """How messages name the type: ``whole number``, ``list of string``."""
        base = "whole number" if self.integer else self.base
        return f"list of {base}" if self.is_list else base


def list_type_name(base: str) -> str:
    """The item definition name tablerx gives to a list of ``base``."""
    return base.replace(" ", "_") + "_list"


# A workbook's declared types: name -> the FEEL type it rests on (None: a structure, or unknown).
Declared = Mapping[str, "TypeSpec | None"]
NO_TYPES: Declared = MappingProxyType({})


def parse_type(text: str, declared: Declared = NO_TYPES) -> TypeSpec | None:
    """The type written in a cell, or None when it is not a known type."""
    key = normalize(text)
    match = _LIST.match(key)
    if match:
        inner = parse_type(match.group(1), declared)
        if inner is None or inner.is_list:
            return None
        return TypeSpec(inner.base, True, inner.integer, inner.resolved)
    if key in _ALIASES:
        base, integer = _ALIASES[key]
        return TypeSpec(base, integer=integer)
    for name in FEEL_TYPES:
        if key == name.casefold():
            return TypeSpec(name)
    for name, resolved in declared.items():
        if key == normalize(name):
            return TypeSpec(name, resolved=resolved)
    return None


def is_builtin_type(text: str) -> bool:
    """True when ``text`` names a FEEL type or one of its aliases (``integer``, ``text``)."""
    return parse_type(text) is not None


# --- literals -------------------------------------------------------------------------------

_TEMPORAL_FUNCTIONS = {"date": "date", "time": "time", "date and time": "date and time"}


def literal_kind(node: n.Node) -> str | None:
    """The FEEL type of a literal node (``"a"`` -> string), or None when it is not a literal."""
    if isinstance(node, n.StringLiteral):
        return "string"
    if isinstance(node, n.NumberLiteral) or (
        isinstance(node, n.Negation) and isinstance(node.operand, n.NumberLiteral)
    ):
        return "number"
    if isinstance(node, n.BooleanLiteral):
        return "boolean"
    if isinstance(node, n.TemporalLiteral):
        return temporal_kind(node.text)
    if isinstance(node, n.FunctionCall) and isinstance(node.function, n.Name):
        name = node.function.name
        if name in _TEMPORAL_FUNCTIONS:
            return _TEMPORAL_FUNCTIONS[name]
        if (
            name == "duration"
            and node.arguments
            and isinstance(node.arguments[0].value, n.StringLiteral)
        ):
            return temporal_kind(node.arguments[0].value.value)
    return None


_PLAIN_FUNCTIONS = ("date", "date and time", "time", "duration")


def is_plain(node: n.Node) -> bool:
    """True for a literal value: text, number, boolean, null, date/time, list, context."""
    if isinstance(
        node,
        n.StringLiteral | n.NumberLiteral | n.BooleanLiteral | n.NullLiteral | n.TemporalLiteral,
    ):
        return True
    if isinstance(node, n.Negation):
        return isinstance(node.operand, n.NumberLiteral)
    if isinstance(node, n.ListLiteral):
        return all(is_plain(item) for item in node.items)
    if isinstance(node, n.ContextLiteral):
        return all(is_plain(entry.value) for entry in node.entries)
    if isinstance(node, n.FunctionCall) and isinstance(node.function, n.Name):
        return (
            node.function.name in _PLAIN_FUNCTIONS
            and len(node.arguments) == 1
            and isinstance(node.arguments[0].value, n.StringLiteral)
        )
    return False


def temporal_kind(text: str) -> str:
    """The type of a temporal literal's text: ``P1Y`` years and months, ``10:30`` time, ..."""
    body = text.lstrip("-")
    if body.startswith("P"):
        return (
            "years and months duration"
            if re.fullmatch(r"P(\d+Y)?(\d+M)?", body)
            else "days and time duration"
        )
    if "T" in body:
        return "date and time"
    return "time" if ":" in body[:3] else "date"


def literal_value(node: n.Node) -> object:
    """The Python value of a literal node: Decimal, str, bool, or the temporal text."""
    if isinstance(node, n.StringLiteral | n.NumberLiteral | n.BooleanLiteral):
        return node.value
    if isinstance(node, n.Negation) and isinstance(node.operand, n.NumberLiteral):
        return -node.operand.value
    if isinstance(node, n.TemporalLiteral):
        return node.text
    if isinstance(node, n.FunctionCall) and node.arguments:
        argument = node.arguments[0].value
        return argument.value if isinstance(argument, n.StringLiteral) else None
    return None


def compared_literal_kinds(tests: n.UnaryTests) -> Iterator[tuple[n.Node, str, bool]]:
    """Each literal a unary test compares with: (node, its type, compared for equality)."""
    for node, equality in compared_literals(tests):
        kind = literal_kind(node)
        if kind is not None:
            yield node, kind, equality


def fits(kind: str, spec: TypeSpec, value: object) -> bool:
    """True when a literal of ``kind`` (and ``value``) may be compared with a ``spec`` value."""
    spec = spec.effective
    if spec.base in ("Any", "context") or spec.base not in FEEL_TYPES:
        return True
    if kind != spec.base:
        return False
    return not (
        spec.integer and isinstance(value, decimal.Decimal) and value != value.to_integral_value()
    )


def satisfies(value: object, allowed: n.UnaryTests) -> bool | None:
    """Whether a literal value meets allowed-values tests; None when they are not all literals."""
    result = False
    for test in allowed.tests:
        outcome = _one(value, test)
        if outcome is None:
            return None
        result = result or outcome
    return not result if allowed.negated else result


def _one(value: object, test: n.Node) -> bool | None:
    if isinstance(test, n.UnaryExpression) and literal_kind(test.expression):
        return _same(value, literal_value(test.expression))
    if (
        isinstance(test, n.UnaryComparison)
        and test.op in ("=", "!=")
        and literal_kind(test.operand)
    ):
        equal = _same(value, literal_value(test.operand))
        return equal if test.op == "=" else not equal
    if (
        isinstance(test, n.UnaryRange)
        and isinstance(value, decimal.Decimal)
        and not isinstance(value, bool)
    ):
        low, high = literal_value(test.range.start), literal_value(test.range.end)
        if not isinstance(low, decimal.Decimal) or not isinstance(high, decimal.Decimal):
            return None
        above = value > low or (test.range.start_included and value == low)
        below = value < high or (test.range.end_included and value == high)
        return above and below
    if isinstance(test, n.UnaryComparison) and isinstance(value, decimal.Decimal):
        bound = literal_value(test.operand)
        if not isinstance(bound, decimal.Decimal) or isinstance(bound, bool):
            return None
        return {
            "<": value < bound,
            "<=": value <= bound,
            ">": value > bound,
            ">=": value >= bound,
        }.get(test.op)
    return None


def _same(left: object, right: object) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    return type(left) is type(right) and left == right


def text_kind(text: str) -> str | None:
    """The FEEL type of the literal ``text`` (``"a"`` -> string), or None for a non-literal."""
    try:
        return literal_kind(parse_expression(text))
    except FeelSyntaxError:
        return None


def inferred_type(texts: list[str]) -> str | None:
    """The type an output column without a declared type gets: the one simple type all its
    literal values share, when every value is such a literal (or null)."""
    kinds = {text_kind(text) for text in texts if text != "null"}
    if len(kinds) == 1:
        kind = kinds.pop()
        return kind if kind in ("string", "number", "boolean") else None
    return None
