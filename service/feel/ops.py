"""FEEL operators on values: arithmetic, equality, ordering, ranges and string() of any value.

Operands are FEEL values (see :mod:`service.feel.values`); results are FEEL values.
A null operand gives null; a type mismatch or an unusable value (division by zero)
raises :class:`FeelEvalError`, which the compiled expression turns into null + warning.
Dates, times and durations are delegated to :mod:`service.feel.temporal_ops`.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable
from typing import Any

from service.feel import temporal_ops
from service.feel.errors import FeelEvalError, type_mismatch
from service.feel.values import (
    FEEL_CONTEXT,
    Date,
    DateTime,
    DaysTimeDuration,
    Function,
    Range,
    Time,
    YearsMonthsDuration,
)

Number = decimal.Decimal


def _checked(op: str, compute: Callable[[Number, Number], Number], a: Number, b: Number) -> Number:
    """``compute(a, b)``, turning decimal's signals into FEEL evaluation errors."""
    try:
        result = compute(a, b)
    except decimal.DivisionByZero as exc:
        raise FeelEvalError("FEEL_DIVISION_BY_ZERO", f"division by zero in {op}") from exc
    except decimal.Overflow as exc:
        raise FeelEvalError("FEEL_OVERFLOW", f"number too large in {op}") from exc
    except decimal.InvalidOperation as exc:
        raise FeelEvalError("FEEL_INVALID_OPERATION", f"undefined result of {op}") from exc
    if not result.is_finite():  # 0 ** -1 gives Infinity without a signal
        raise FeelEvalError("FEEL_DIVISION_BY_ZERO", f"infinite result of {op}")
    return result


def _mismatch(verb: str, a: Any, b: Any) -> FeelEvalError:
    return type_mismatch(f"cannot {verb} {type_name(a)} and {type_name(b)}")


def _temporal(result: Any, verb: str, a: Any, b: Any) -> Any:
    if result is NotImplemented:
        raise _mismatch(verb, a, b)
    return result


# --- arithmetic -------------------------------------------------------------------------


def add(a: Any, b: Any) -> Any:
    """``a + b``: numbers, strings (concatenation), dates, times and durations."""
    if a is None or b is None:
        return None
    if isinstance(a, Number) and isinstance(b, Number):
        return _checked("+", FEEL_CONTEXT.add, a, b)
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    return _temporal(temporal_ops.add(a, b), "add", a, b)


def subtract(a: Any, b: Any) -> Any:
    """``a - b``: numbers, dates, times and durations."""
    if a is None or b is None:
        return None
    if isinstance(a, Number) and isinstance(b, Number):
        return _checked("-", FEEL_CONTEXT.subtract, a, b)
    return _temporal(temporal_ops.subtract(a, b), "subtract", a, b)


def multiply(a: Any, b: Any) -> Any:
    """``a * b``: numbers, or a duration and a number."""
    if a is None or b is None:
        return None
    if isinstance(a, Number) and isinstance(b, Number):
        return _checked("*", FEEL_CONTEXT.multiply, a, b)
    return _temporal(temporal_ops.multiply(a, b), "multiply", a, b)


def divide(a: Any, b: Any) -> Any:
    """``a / b``: numbers, a duration by a number, a duration by a duration."""
    if a is None or b is None:
        return None
    if isinstance(a, Number) and isinstance(b, Number):
        return _checked("/", FEEL_CONTEXT.divide, a, b)
    return _temporal(temporal_ops.divide(a, b), "divide", a, b)


def power(a: Any, b: Any) -> Any:
    """``a ** b``: numbers only; exact for whole exponents, else via ln and exp."""
    if a is None or b is None:
        return None
    if isinstance(a, Number) and isinstance(b, Number):
        return _checked("**", FEEL_CONTEXT.power, a, b)
    raise _mismatch("raise to a power", a, b)


def negate(a: Any) -> Any:
    """``-a``: numbers and durations."""
    if a is None:
        return None
    if isinstance(a, Number):
        return FEEL_CONTEXT.minus(a)
    if isinstance(a, YearsMonthsDuration):
        return YearsMonthsDuration(-a.months)
    if isinstance(a, DaysTimeDuration):
        return DaysTimeDuration(-a.seconds)
    raise type_mismatch(f"cannot negate {type_name(a)}")


# --- equality ---------------------------------------------------------------------------


def _all_equal(pairs: Iterable[tuple[Any, Any]]) -> bool | None:
    """True if every pair is equal, False if one is not, None if some pair does not compare."""
    unknown = False
    for x, y in pairs:
        if x is y:
            continue
        result = equal(x, y)
        if result is False:
            return False
        unknown = unknown or result is None
    return None if unknown else True


def _contexts_equal(a: dict[str, Any], b: dict[str, Any]) -> bool | None:
    """Two contexts: the same keys, and every entry equal (written out: it is the inner
    loop of ``index of`` and ``list contains`` over lists of contexts)."""
    if len(a) != len(b):
        return False
    unknown = False
    for key, x in a.items():
        y = b.get(key, _NO_ENTRY)
        if x is y:
            continue
        kind = type(x)
        if kind is type(y) and (kind is str or kind is Number or kind is bool):
            if x != y:
                return False
            continue
        if y is _NO_ENTRY:
            return False
        result = equal(x, y)
        if result is False:
            return False
        if result is None:
            unknown = True
    return None if unknown else True


_NO_ENTRY = object()

# ``a = b`` for two contexts (both exactly dict): what equal() answers for them.
contexts_equal = _contexts_equal


def _range_equal(a: Range, b: Range) -> bool | None:
    if a.start_included != b.start_included or a.end_included != b.end_included:
        return False
    return _all_equal([(a.start, b.start), (a.end, b.end)])


def equal(a: Any, b: Any) -> bool | None:
    """``a = b`` (DMN 1.5 10.3.2.2): null equals only null; other values of different
    kinds do not compare (None); lists and contexts compare deeply."""
    if a is b:  # every FEEL value equals itself: numbers are never NaN (the context traps it)
        return True
    if a is None or b is None:
        return False
    kind_a = type(a)
    if kind_a is type(b):  # the common cases first, without naming the types
        if kind_a is Number or kind_a is str or kind_a is bool:
            return bool(a == b)
        if kind_a is dict:
            return _contexts_equal(a, b)
        if kind_a is list:
            return False if len(a) != len(b) else _all_equal(zip(a, b, strict=True))
    kind = type_name(a)
    if kind != type_name(b):
        return None
    if kind == "boolean" or kind == "string" or kind == "number":
        return bool(a == b)
    if isinstance(a, list):
        return False if len(a) != len(b) else _all_equal(zip(a, b, strict=True))
    if isinstance(a, dict):
        return False if a.keys() != b.keys() else _all_equal((a[k], b[k]) for k in a)
    if isinstance(a, Range):
        return _range_equal(a, b)
    if isinstance(a, Function):
        return a is b
    order = temporal_ops.compare(a, b)
    return None if order is None else order == 0


def not_equal(a: Any, b: Any) -> bool | None:
    """``a != b``: the negation of :func:`equal`, None staying None."""
    result = equal(a, b)
    return None if result is None else not result


# --- ordering ---------------------------------------------------------------------------


def compare(a: Any, b: Any) -> int | None:
    """-1, 0 or 1 as ``a`` is less than, equal to or greater than ``b``.

    None when the two do not compare: null, booleans, different kinds, durations of
    different kinds, or a local date-time against one with a zone.
    """
    if type(a) is type(b) and type(a) in (Number, str):  # the common case, first
        return (a > b) - (a < b)
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, Number) and isinstance(b, Number):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    return temporal_ops.compare(a, b)


def less_than(a: Any, b: Any) -> bool | None:
    """``a < b``."""
    order = compare(a, b)
    return None if order is None else order < 0


def less_equal(a: Any, b: Any) -> bool | None:
    """``a <= b``."""
    order = compare(a, b)
    return None if order is None else order <= 0


def greater_than(a: Any, b: Any) -> bool | None:
    """``a > b``."""
    order = compare(a, b)
    return None if order is None else order > 0


def greater_equal(a: Any, b: Any) -> bool | None:
    """``a >= b``."""
    order = compare(a, b)
    return None if order is None else order >= 0


def in_range(value: Any, rng: Range) -> bool | None:
    """Whether ``value`` lies in ``rng``; a None start or end is unbounded on that side."""
    if value is None:
        return None
    if rng.start is not None:
        order = compare(rng.start, value)
        if order is None:
            return None
        if order > 0 or (order == 0 and not rng.start_included):
            return False
    if rng.end is not None:
        order = compare(value, rng.end)
        if order is None:
            return None
        if order > 0 or (order == 0 and not rng.end_included):
            return False
    return True


# --- string() -----------------------------------------------------------------------------


def format_number(value: Number) -> str:
    """A FEEL number in plain notation without trailing zeros: 1.10 -> "1.1", 1E+1 -> "10"."""
    if value.is_zero():
        return "0"
    return format(value.normalize(FEEL_CONTEXT), "f")


def to_string(value: Any) -> str:
    """FEEL ``string(value)``: a string as it is, null as "null", others in FEEL notation."""
    if isinstance(value, str):
        return value
    return _literal(value)


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Number):
        return format_number(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Range):
        return _range_literal(value)
    if isinstance(value, Function):
        return f"function {value.name}" if value.name else "function"
    return str(value)


def _range_literal(value: Range) -> str:
    if value.start is None and value.end is not None:
        return ("<= " if value.end_included else "< ") + _literal(value.end)
    if value.end is None and value.start is not None:
        return (">= " if value.start_included else "> ") + _literal(value.start)
    opening = "[" if value.start_included else "("
    closing = "]" if value.end_included else ")"
    return f"{opening}{_literal(value.start)}..{_literal(value.end)}{closing}"


_TYPE_NAMES: list[tuple[type, str]] = [
    (bool, "boolean"),
    (Number, "number"),
    (str, "string"),
    (DateTime, "date and time"),
    (Date, "date"),
    (Time, "time"),
    (YearsMonthsDuration, "years and months duration"),
    (DaysTimeDuration, "days and time duration"),
    (list, "list"),
    (dict, "context"),
    (Range, "range"),
    (Function, "function"),
]


def type_name(value: Any) -> str:
    """The FEEL type name of a value (``number``, ``date and time``, ``Null``...)."""
    if value is None:
        return "Null"
    for cls, name in _TYPE_NAMES:
        if isinstance(value, cls):
            return name
    return type(value).__name__
