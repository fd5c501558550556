"""External functions: ``function(...) external {java: {class, method signature}}`` -> a Function.

We run no Java. A short allow-list maps well-known, side-effect-free Java methods
(``java.lang.Math``, the number classes' ``valueOf``, ``String.valueOf`` and ``format``)
to Python equivalents on FEEL values. Anything else - another class or method, PMML -
gives a function whose every call is null with a warning, as the spec allows for
external functions an engine cannot run.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Callable
from typing import Any

from service.feel import compile_messages as messages
from service.feel.values import FEEL_CONTEXT, Function, Parameter, number

_SIGNATURE = re.compile(r"^\s*([A-Za-z_$][\w$]*)\s*\((.*)\)\s*$")
_INTEGRAL = {"int", "long", "short", "byte", "java.lang.Integer", "java.lang.Long"}
_FLOATING = {"double", "float", "java.lang.Double", "java.lang.Float"}


def _num(value: Any, java_type: str) -> decimal.Decimal:
    """A FEEL number passed to a Java numeric parameter (ints must be whole numbers)."""
    if isinstance(value, bool) or not isinstance(value, decimal.Decimal):
        raise messages.external(f"expected a number for a Java {java_type}")
    if java_type in _INTEGRAL and value != value.to_integral_value():
        raise messages.external(f"expected a whole number for a Java {java_type}")
    return value


def _from_float(value: float) -> decimal.Decimal:
    if math.isnan(value) or math.isinf(value):
        raise messages.external("the Java method returned a non-finite number")
    return number(repr(value))


def _float_fn(fn: Callable[..., float]) -> Callable[..., decimal.Decimal]:
    return lambda *args: _from_float(fn(*(float(a) for a in args)))


_MATH: dict[str, Callable[..., Any]] = {
    "max": max,
    "min": min,
    "abs": abs,
    "signum": lambda x: number(int(x > 0) - int(x < 0)),
    "floor": lambda x: x.to_integral_value(decimal.ROUND_FLOOR),
    "ceil": lambda x: x.to_integral_value(decimal.ROUND_CEILING),
    "round": lambda x: x.to_integral_value(decimal.ROUND_HALF_UP),
    "sqrt": lambda x: FEEL_CONTEXT.sqrt(x),
    "exp": lambda x: FEEL_CONTEXT.exp(x),
    "log": lambda x: FEEL_CONTEXT.ln(x),
    "log10": lambda x: FEEL_CONTEXT.log10(x),
    "pow": _float_fn(math.pow),
    "cos": _float_fn(math.cos),
    "sin": _float_fn(math.sin),
    "tan": _float_fn(math.tan),
    "acos": _float_fn(math.acos),
    "asin": _float_fn(math.asin),
    "atan": _float_fn(math.atan),
    "toDegrees": _float_fn(math.degrees),
    "toRadians": _float_fn(math.radians),
}

_INT_RANGES = {
    "java.lang.Byte": 2**7,
    "java.lang.Short": 2**15,
    "java.lang.Integer": 2**31,
    "java.lang.Long": 2**63,
}


def _value_of_number(cls: str) -> Callable[[Any], decimal.Decimal]:
    def value_of(value: Any) -> decimal.Decimal:
        try:
            parsed = number(value.strip()) if isinstance(value, str) else _num(value, "number")
        except decimal.InvalidOperation as exc:
            raise messages.external(f"{value!r} is not a number for {cls}") from exc
        if not parsed.is_finite():
            raise messages.external(f"{value!r} is not a finite number")
        limit = _INT_RANGES.get(cls)
        if limit is not None and (
            parsed != parsed.to_integral_value() or not -limit <= parsed < limit
        ):
            raise messages.external(f"{value!r} is not a valid {cls}")
        return parsed

    return value_of


def _string_value_of(value: Any, java_type: str) -> str:
    from service.feel.ops import to_string

    if java_type == "char" and not (isinstance(value, str) and len(value) == 1):
        raise messages.external("expected a single character for a Java char")
    return to_string(value)


def _string_format(template: Any, args: Any) -> str:
    """``String.format`` for the common %s / %d / %f conversions."""
    from service.feel.ops import to_string

    if not isinstance(template, str):
        raise messages.external("String.format needs a string template")
    values = args if isinstance(args, list) else [args]
    converted = [to_string(v) if not isinstance(v, decimal.Decimal) else v for v in values]
    try:
        return template % tuple(converted)
    except (TypeError, ValueError) as exc:
        raise messages.external(f"String.format failed: {exc}") from exc


def _resolve(cls: str, method: str, params: list[str]) -> Callable[..., Any] | None:
    """The Python implementation of the Java method, or None when it is not allowed."""
    if cls == "java.lang.Math" and method in _MATH:
        if not params or not all(p in _INTEGRAL | _FLOATING for p in params):
            return None
        impl = _MATH[method]
        return lambda *args: impl(*(_num(a, p) for a, p in zip(args, params, strict=True)))
    if method == "valueOf" and len(params) == 1:
        if cls in _INT_RANGES or cls in ("java.lang.Double", "java.lang.Float"):
            return _value_of_number(cls)
        if cls == "java.lang.String":
            return lambda value: _string_value_of(value, params[0])
    if cls == "java.lang.String" and method == "format" and len(params) == 2:
        return _string_format
    return None


def external_function(mapping: Any, parameters: list[Parameter]) -> Function:
    """The Function for an external definition's mapping context (``{java: {...}}``)."""
    java = mapping.get("java") if isinstance(mapping, dict) else None
    impl = None
    label = "external function"
    if isinstance(java, dict):
        cls, signature = java.get("class"), java.get("method signature")
        label = f"{cls}.{signature}"
        match = _SIGNATURE.match(signature) if isinstance(signature, str) else None
        if isinstance(cls, str) and match is not None:
            params = [p.strip() for p in match.group(2).split(",") if p.strip()]
            impl = _resolve(cls.strip(), match.group(1), params)

    def invoke(env: Any, args: list[Any], named: dict[str, Any] | None) -> Any:
        if impl is None:
            raise messages.external(f"{label} is not supported")
        if named is not None:
            args = [named.get(p.name) for p in parameters]
        if len(args) != len(parameters):
            raise messages.arity(f"{label} takes {len(parameters)} argument(s)")
        if any(a is None for a in args):
            return None
        try:
            return impl(*args)
        except (ArithmeticError, ValueError, OverflowError) as exc:
            raise messages.external(f"{label} failed: {exc}") from exc

    return Function(label, parameters, invoke)
