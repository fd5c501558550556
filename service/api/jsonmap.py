"""JSON <-> FEEL values: request bodies in, decision outputs out, without float rounding.

In: a request body (bytes) is parsed with every JSON number read as a ``Decimal`` from its
digits, so ``0.1`` is exactly FEEL's 0.1; ``NaN``/``Infinity`` and duplicate keys are
refused. A parsed value then becomes a FEEL value as its declared type says: numbers stay
decimals, and ISO 8601 strings become dates, times, date-times or durations *only* where
the declared type is one of those.

Out: FEEL values become JSON: decimals are written from their digits (``1/3`` gives 34
digits, ``2.50`` stays ``2.50``), temporal values as ISO 8601 strings (FEEL's own
``string()`` forms, e.g. ``@Europe/Paris`` zones), ranges as objects, lists and contexts as
arrays and objects.
"""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Callable
from typing import Any

import orjson

from service.feel import temporal
from service.feel.errors import FeelEvalError
from service.feel.values import (
    Date,
    DateTime,
    DaysTimeDuration,
    Function,
    Range,
    Time,
    YearsMonthsDuration,
    number,
)
from service.store.admission import DecodeError, NumberOutOfRange, Problem

_YM = "years and months duration"
_DT = "days and time duration"
TEMPORAL_TYPES = (
    "date",
    "time",
    "date and time",
    "years and months duration",
    "days and time duration",
)


class BodyError(ValueError):
    """A request that cannot be evaluated as sent: a body that is not acceptable JSON, or
    (``location`` a parameter) a query that is not. ``code`` is an API error code."""

    def __init__(
        self, code: str, message: str, field: str | None = None, location: Any = "body"
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.location = location

        self.more: list[Problem] = []

    @classmethod
    def of(cls, problems: list[Problem]) -> BodyError:
        """The error reporting all of ``problems`` (at least one), the first setting its code."""
        first, *more = problems
        error = cls(first.code, first.message, first.field, first.location)
        error.more = more
        return error

    def problems(self) -> list[Problem]:
        """The problems to report (and audit) for this request."""
        return [Problem(self.code, self.message, self.field, self.location), *self.more]


class JsonTypeError(DecodeError):
    """A JSON value that cannot be the declared FEEL type; ``expected`` names that type.
    (A :class:`~service.store.admission.DecodeError`: :func:`from_json` is the decoder the
    service's request validation uses.)"""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


# --- parsing request bodies -------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise BodyError("INVALID_JSON", f"{name} is not a JSON number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key would silently keep one of two values of a (maybe safety) field.
    result = dict(pairs)
    if len(result) != len(pairs):
        raise duplicate_field(_first_repeated(pairs))
    return result


class Duplicated(dict[str, Any]):
    """An object in which ``key`` appeared more than once (its last value kept), as
    :func:`parse_body` gives it when told to let each batch item answer for its own."""

    key = ""


def _mark_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = Duplicated(result)
    marked.key = _first_repeated(pairs)
    return marked


def _first_repeated(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    raise ValueError("no key is repeated")


def duplicate_field(key: str) -> BodyError:
    """DUPLICATE_FIELD for ``key``."""
    message = f"field {key!r} appears more than once in one object"
    return BodyError("DUPLICATE_FIELD", message, field=key)


def _decoder(object_pairs_hook: Any) -> json.JSONDecoder:
    return json.JSONDecoder(
        parse_float=decimal.Decimal,
        parse_int=decimal.Decimal,
        parse_constant=_reject_constant,
        object_pairs_hook=object_pairs_hook,
    )


_DECODER = _decoder(_no_duplicates)
_MARKING_DECODER = _decoder(_mark_duplicates)


def parse_body(raw: bytes, *, mark_duplicates: bool = False) -> Any:
    """The JSON value of a request body, every number a ``Decimal`` of its exact digits.

    A key repeated within an object is DUPLICATE_FIELD, or, with ``mark_duplicates``, makes
    that object a :class:`Duplicated` (see :func:`duplicate_in`)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError("INVALID_JSON", f"the body is not UTF-8 text: {exc.reason}") from None
    try:
        value = (_MARKING_DECODER if mark_duplicates else _DECODER).decode(text)
    except json.JSONDecodeError as exc:
        message = f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise BodyError("INVALID_JSON", message) from None
    except RecursionError:  # the decoder recurses once per level of nesting
        raise BodyError("INVALID_JSON", "the body nests arrays or objects too deeply") from None
    if _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(value):
        message = "a string holds half of a UTF-16 pair (\\ud800 to \\udfff alone): not text"
        raise BodyError("INVALID_JSON", message)
    return value


# An escape of a UTF-16 surrogate: only a body with one can hold a lone surrogate, which
# no text can be stored or answered with (a pair, such as an emoji's, is one character).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def duplicate_in(value: Any) -> BodyError | None:
    """DUPLICATE_FIELD for the first :class:`Duplicated` object in ``value``, else None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Duplicated):
            return duplicate_field(item.key)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


# --- JSON -> FEEL --------------------------------------------------------------------------


def is_json_number(value: Any) -> bool:
    """True for a JSON number as parsed by :func:`parse_body` (never for a boolean)."""
    return not isinstance(value, bool) and isinstance(value, int | decimal.Decimal)


def from_json(value: Any, feel_type: str | None) -> Any:
    """The FEEL value of a parsed JSON value of declared base type ``feel_type``.

    ``feel_type`` None or ``Any`` (or a type this function does not know) converts by the
    JSON value's own kind. Raises :class:`JsonTypeError` when the value cannot be the type.
    """
    if value is None:
        return None
    if feel_type is None or feel_type not in _CONVERTERS:
        return _untyped(value)
    return _CONVERTERS[feel_type](value)


def _untyped(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if is_json_number(value):
        return _feel_number(value)
    if isinstance(value, list):
        return [_untyped(item) for item in value]
    if isinstance(value, dict):
        return {key: _untyped(item) for key, item in value.items()}
    raise JsonTypeError("a JSON value")


def _to_number(value: Any) -> decimal.Decimal:
    if not is_json_number(value):
        raise JsonTypeError("number")
    return _feel_number(value)


def _feel_number(value: int | decimal.Decimal) -> decimal.Decimal:
    try:
        return number(value)
    except decimal.Overflow:  # 1e6145 and up: beyond FEEL's (decimal128's) numbers
        raise NumberOutOfRange() from None


def _to_string(value: Any) -> str:
    if not isinstance(value, str):
        raise JsonTypeError("string")
    return value


def _to_boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise JsonTypeError("boolean")
    return value


def _iso(kind: str, parse: Callable[[str], Any], want: type | None = None) -> Callable[[Any], Any]:
    """A converter from an ISO 8601 string, parsed as FEEL's own conversion functions do."""

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            try:
                result = parse(value)
            except FeelEvalError:
                result = None
            if result is not None and (want is None or isinstance(result, want)):
                return result
        raise JsonTypeError(f"{kind} (ISO 8601 string)")

    return convert


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "number": _to_number,
    "string": _to_string,
    "boolean": _to_boolean,
    "date": _iso("date", temporal.parse_date),
    "time": _iso("time", temporal.parse_time),
    "date and time": _iso("date and time", temporal.parse_date_time),
    "dateTime": _iso("date and time", temporal.parse_date_time),
    "years and months duration": _iso(_YM, temporal.parse_duration, YearsMonthsDuration),
    "yearMonthDuration": _iso(_YM, temporal.parse_duration, YearsMonthsDuration),
    "days and time duration": _iso(_DT, temporal.parse_duration, DaysTimeDuration),
    "dayTimeDuration": _iso(_DT, temporal.parse_duration, DaysTimeDuration),
}


def known_type(feel_type: str) -> bool:
    """True for a FEEL base type name that :func:`from_json` converts by name."""
    return feel_type in _CONVERTERS


# --- FEEL -> JSON -------------------------------------------------------------------------


def decimal_text(value: decimal.Decimal) -> str:
    """A JSON number literal with exactly the digits of ``value``."""
    text = str(value)
    if "E" not in text:  # plain notation already: the very text format(value, "f") gives
        return text
    if -30 < value.adjusted() < 30:
        return format(value, "f")
    return text.replace("E", "e")


_TEMPORAL = (Date, Time, DateTime, YearsMonthsDuration, DaysTimeDuration)


def to_json(value: Any) -> Any:
    """A JSON-ready tree for a FEEL value; numbers stay ``Decimal`` (see :func:`dumps`)."""
    if value is None or isinstance(value, bool | str | decimal.Decimal):
        return value
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, _TEMPORAL):
        return str(value)  # FEEL's own string() form, which is ISO 8601
    if isinstance(value, int):  # never a FEEL number, but harmless to pass through exactly
        return value
    if isinstance(value, Range):
        return {
            "start": to_json(value.start),
            "end": to_json(value.end),
            "start_included": value.start_included,
            "end_included": value.end_included,
        }
    if isinstance(value, Function):
        return None  # a function has no JSON form; the evaluation warns about it
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return orjson.Fragment(decimal_text(value))
    raise TypeError(f"no JSON form for {type(value).__name__}")


def dumps(tree: Any) -> bytes:
    """UTF-8 JSON of a tree from :func:`to_json` (or any plain JSON data with decimals)."""
    return orjson.dumps(tree, default=_default)


def feel_default(value: Any) -> Any:
    """orjson's ``default`` for FEEL values: what :func:`to_json` makes of them."""
    if isinstance(value, decimal.Decimal):
        return orjson.Fragment(decimal_text(value))
    return to_json(value)  # temporal values, ranges, functions; TypeError for the rest


# FEEL's temporal values and ranges are dataclasses, which orjson would write field by
# field: pass them (and any datetime) to the default, which writes them as to_json does.
FEEL_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def dumps_feel(value: Any) -> bytes:
    """``dumps(to_json(value))``, byte for byte, without building the intermediate tree:
    FEEL values (and plain JSON data holding them) straight to UTF-8 JSON."""
    return orjson.dumps(value, default=feel_default, option=FEEL_OPTIONS)
