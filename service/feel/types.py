"""FEEL types (DMN 1.5 10.3.2.9): type names -> type objects; values checked against them.

``is_instance`` is FEEL's ``instance of``; ``is_subtype`` the conformance relation between
types (used for function types); ``coerce`` applies the implicit conversions of 10.3.2.9.4
that the engine uses for typed decision results, inputs and parameters. Type objects are
immutable, hashable, compare by structure and print as FEEL writes them: ``list<number>``.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from service.feel.values import (
    Date,
    DateTime,
    DaysTimeDuration,
    Function,
    Range,
    Time,
    YearsMonthsDuration,
)


class FeelType:
    """Base of all FEEL types."""

    def accepts(self, value: Any, constraints: bool = True) -> bool:  # pragma: no cover
        """Whether a non-null ``value`` is of this type.

        With ``constraints`` False, allowed values and type constraints of item
        definitions are not checked (``instance of`` looks at the type only).
        """
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class BuiltinType(FeelType):
    """A named built-in type: ``number``, ``date and time``, ``Any``, ``Null``..."""

    name: str

    def accepts(self, value: Any, constraints: bool = True) -> bool:
        """Whether a non-null ``value`` is of this built-in type."""
        check = _CHECKS.get(self.name)
        return check is not None and check(value)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ListType(FeelType):
    """``list<element>``."""

    element: FeelType

    def accepts(self, value: Any, constraints: bool = True) -> bool:
        """A list whose every item is null or an instance of the element type."""
        return isinstance(value, list) and all(
            _fits(item, self.element, constraints) for item in value
        )

    def __str__(self) -> str:
        return f"list<{self.element}>"


@dataclass(frozen=True, slots=True)
class RangeType(FeelType):
    """``range<element>``."""

    element: FeelType

    def accepts(self, value: Any, constraints: bool = True) -> bool:
        """A range whose (non-null) end points are instances of the element type."""
        return isinstance(value, Range) and all(
            _fits(point, self.element, constraints) for point in (value.start, value.end)
        )

    def __str__(self) -> str:
        return f"range<{self.element}>"


class ContextType(FeelType):
    """``context<a: number, b: string>``: a context with at least these entries.

    Entries not named here are allowed (a context with more entries is a subtype);
    an entry may hold null.
    """

    __slots__ = ("_fields",)
    _fields: tuple[tuple[str, FeelType], ...]

    def __init__(self, fields: Mapping[str, FeelType] | Iterable[tuple[str, FeelType]] = ()):
        items = fields.items() if isinstance(fields, Mapping) else fields
        object.__setattr__(self, "_fields", tuple(items))

    @property
    def fields(self) -> dict[str, FeelType]:
        """The required entries and their types, in declaration order."""
        return dict(self._fields)

    def accepts(self, value: Any, constraints: bool = True) -> bool:
        """A context holding every field, each null or an instance of its type."""
        return isinstance(value, dict) and all(
            name in value and _fits(value[name], t, constraints) for name, t in self._fields
        )

    def _key(self) -> tuple[Any, ...]:
        return (type(self), frozenset(self._fields))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ContextType) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return "context<" + ", ".join(f"{n}: {t}" for n, t in self._fields) + ">"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fields!r})"


class StructureType(ContextType):
    """An item definition with components: a named context type (``tPerson``)."""

    __slots__ = ("name",)
    name: str

    def __init__(
        self, name: str, components: Mapping[str, FeelType] | Iterable[tuple[str, FeelType]] = ()
    ):
        super().__init__(components)
        object.__setattr__(self, "name", name)

    def _key(self) -> tuple[Any, ...]:
        return (type(self), self.name, frozenset(self._fields))

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class FunctionType(FeelType):
    """``function<number, string> -> boolean``; ``parameters`` None accepts any signature."""

    parameters: tuple[FeelType, ...] | None
    result: FeelType

    def __init__(self, parameters: Iterable[FeelType] | None, result: FeelType) -> None:
        object.__setattr__(self, "parameters", None if parameters is None else tuple(parameters))
        object.__setattr__(self, "result", result)

    def accepts(self, value: Any, constraints: bool = True) -> bool:
        """A function whose own signature conforms to this one."""
        return isinstance(value, Function) and is_subtype(function_type_of(value), self)

    def __str__(self) -> str:
        if self.parameters is None:
            return "function"
        return f"function<{', '.join(str(p) for p in self.parameters)}> -> {self.result}"


@dataclass(frozen=True, slots=True, eq=False)
class ConstrainedType(FeelType):
    """A base type narrowed by allowed values or a type constraint (``t255``: number in [0..255]).

    ``predicate`` receives a non-null value of the base type and says whether it is allowed.
    Two constrained types are equal only when they are the same object or share base,
    predicate and description.
    """

    base: FeelType
    predicate: Callable[[Any], bool]
    description: str = ""

    def accepts(self, value: Any, constraints: bool = True) -> bool:
        """An instance of the base type that the constraint allows."""
        if not self.base.accepts(value, constraints):
            return False
        return not constraints or bool(self.predicate(value))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConstrainedType) and (
            self.base,
            self.predicate,
            self.description,
        ) == (other.base, other.predicate, other.description)

    def __hash__(self) -> int:
        return hash((self.base, self.description))

    def __str__(self) -> str:
        return self.description or str(self.base)


def _is_number(value: Any) -> bool:
    return isinstance(value, decimal.Decimal)


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "Any": lambda v: True,
    "Null": lambda v: False,
    "number": _is_number,
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "date": lambda v: isinstance(v, Date),
    "time": lambda v: isinstance(v, Time),
    "date and time": lambda v: isinstance(v, DateTime),
    "days and time duration": lambda v: isinstance(v, DaysTimeDuration),
    "years and months duration": lambda v: isinstance(v, YearsMonthsDuration),
}

ANY = BuiltinType("Any")
NULL = BuiltinType("Null")
NUMBER = BuiltinType("number")
STRING = BuiltinType("string")
BOOLEAN = BuiltinType("boolean")
DATE = BuiltinType("date")
TIME = BuiltinType("time")
DATE_TIME = BuiltinType("date and time")
DAYS_TIME = BuiltinType("days and time duration")
YEARS_MONTHS = BuiltinType("years and months duration")

_NAMED: dict[str, FeelType] = {
    t.name: t
    for t in (ANY, NULL, NUMBER, STRING, BOOLEAN, DATE, TIME, DATE_TIME, DAYS_TIME, YEARS_MONTHS)
}
_NAMED.update(
    {
        "dateTime": DATE_TIME,  # names from XML Schema and DMN 1.1 models
        "dayTimeDuration": DAYS_TIME,
        "yearMonthDuration": YEARS_MONTHS,
        "context": ContextType(),
        "list": ListType(ANY),
        "range": RangeType(ANY),
        "function": FunctionType(None, ANY),
    }
)


def type_from_name(name: str) -> FeelType | None:
    """The built-in type called ``name`` (``number``, ``date and time``, ``list``...), or None."""
    name = " ".join(name.split())
    if name.startswith("feel:"):
        name = name[5:]
    return _NAMED.get(name)


# --- checking values --------------------------------------------------------------------------


def is_instance(value: Any, t: FeelType) -> bool:
    """FEEL ``value instance of t``: null is an instance of Null only.

    Allowed values of item definitions are not checked: ``256 instance of t255`` is
    true for ``t255`` a number limited to [0..255] (as the TCK expects).
    """
    if value is None:
        return t == NULL
    return t.accepts(value, constraints=False)


def conforms(value: Any, t: FeelType) -> bool:
    """Whether ``value`` may stand where ``t`` is declared: null, or a value of ``t``
    that satisfies its allowed values."""
    return value is None or t.accepts(value)


def _fits(value: Any, t: FeelType, constraints: bool) -> bool:
    return value is None or t.accepts(value, constraints)


def is_subtype(s: FeelType, t: FeelType) -> bool:
    """Whether every value of type ``s`` is a value of type ``t`` (DMN 1.5 10.3.2.9.1)."""
    if s in (t, NULL) or t == ANY:
        return True
    if isinstance(t, ConstrainedType):
        return False
    if isinstance(s, ConstrainedType):
        return is_subtype(s.base, t)
    if isinstance(t, ListType):
        return isinstance(s, ListType) and is_subtype(s.element, t.element)
    if isinstance(t, RangeType):
        return isinstance(s, RangeType) and is_subtype(s.element, t.element)
    if isinstance(t, ContextType):
        if not isinstance(s, ContextType):
            return False
        fields = s.fields
        return all(n in fields and is_subtype(fields[n], ft) for n, ft in t.fields.items())
    if isinstance(t, FunctionType):
        return isinstance(s, FunctionType) and _function_subtype(s, t)
    return False


def _function_subtype(s: FunctionType, t: FunctionType) -> bool:
    # Parameters are contravariant, the result covariant.
    if not is_subtype(s.result, t.result):
        return False
    if t.parameters is None:
        return True
    if s.parameters is None or len(s.parameters) != len(t.parameters):
        return False
    return all(is_subtype(tp, sp) for sp, tp in zip(s.parameters, t.parameters, strict=True))


def function_type_of(fn: Function) -> FunctionType:
    """The signature of a function value.

    ``fn.extra["type"]`` (a FunctionType, set by the compiler with the inferred result
    type) wins; otherwise the declared parameter and return type names, Any where absent.
    """
    declared = fn.extra.get("type")
    if isinstance(declared, FunctionType):
        return declared
    parameters = [_named_or_any(p.type_name) for p in fn.parameters]
    return FunctionType(parameters, _named_or_any(fn.return_type))


def _named_or_any(text: str | None) -> FeelType:
    if not text:
        return ANY
    # Imported here: typeexpr builds on this module's classes.
    from service.feel.typeexpr import parse_type

    return parse_type(text) or ANY


def _common(types: list[FeelType]) -> FeelType:
    distinct = set(types)
    return distinct.pop() if len(distinct) == 1 else ANY


def type_of(value: Any) -> FeelType:
    """The most specific FEEL type of a value (``list<number>`` for ``[1, 2]``)."""
    if value is None:
        return NULL
    for name, check in _CHECKS.items():
        if name not in ("Any", "Null") and check(value):
            return _NAMED[name]
    if isinstance(value, list):
        return ListType(_common([type_of(v) for v in value if v is not None]))
    if isinstance(value, dict):
        return ContextType({k: type_of(v) for k, v in value.items()})
    if isinstance(value, Range):
        points = [type_of(p) for p in (value.start, value.end) if p is not None]
        return RangeType(_common(points))
    if isinstance(value, Function):
        return function_type_of(value)
    return ANY


def _midnight_utc(value: Date) -> DateTime:
    return DateTime(value, Time(0, 0, decimal.Decimal(0), 0))


def coerce(value: Any, t: FeelType) -> tuple[Any, bool]:
    """``value`` converted to declared type ``t`` (DMN 1.5 10.3.2.9.4), and whether it fitted.

    Null fits every type. A value of the type is kept; a non-list becomes a singleton
    list where a list is declared; a singleton list gives its item where a non-list is
    declared; a date becomes midnight UTC where a date and time is declared. Anything
    else gives (None, False): the caller reports the mismatch and uses null.
    """
    if conforms(value, t):
        return value, True
    if isinstance(t, ListType) and not isinstance(value, list) and conforms(value, t.element):
        return [value], True
    if isinstance(value, list) and len(value) == 1 and conforms(value[0], t):
        return value[0], True
    if isinstance(value, Date) and not isinstance(value, DateTime):
        converted = _midnight_utc(value)
        if t.accepts(converted):
            return converted, True
    return None, False
