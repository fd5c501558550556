"""Numeric built-ins (DMN 1.5 10.3.4.5): FEEL numbers in, exact Decimal results out.

decimal, floor, ceiling, round up/down/half up/half down, abs, modulo, sqrt, log, exp,
odd, even. Rounding works on the decimal value itself (``quantize``), never through
binary floats; transcendental functions use Decimal's correctly rounded 34-digit
implementations.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import Any

from service.feel.builtins.args import expected, number_arg, scale_arg
from service.feel.builtins.registry import builtin
from service.feel.errors import invalid_argument
from service.feel.values import FEEL_CONTEXT, DaysTimeDuration, YearsMonthsDuration

# Room for the carry of rounding 34 nines up (999.9 -> 1000), then back to 34 digits.
_ROUNDING_PRECISION = 40


def round_to_scale(n: decimal.Decimal, scale: int, rounding: str) -> decimal.Decimal:
    """``n`` rounded to ``scale`` digits after the point with a ``decimal.ROUND_*`` mode."""
    exponent = n.as_tuple().exponent
    if not isinstance(exponent, int):
        raise invalid_argument("cannot round a number that is not finite")
    if exponent >= -scale:
        return n  # no digits beyond the scale: nothing to round
    context = decimal.Context(prec=_ROUNDING_PRECISION, rounding=rounding)
    rounded = n.quantize(decimal.Decimal(1).scaleb(-scale), context=context)
    return FEEL_CONTEXT.plus(rounded)  # back to 34 digits; also turns -0 into 0


def _rounding_function(name: str, rounding: str, optional_scale: bool) -> None:
    """Register ``name(n, scale)`` (and ``name(n)`` when the scale may be left out)."""

    def with_scale(n: Any, scale: Any) -> decimal.Decimal:
        value = number_arg(name, "n", n)
        return round_to_scale(value, scale_arg(name, scale), rounding)

    if optional_scale:
        builtin(name, "n")(lambda n: with_scale(n, decimal.Decimal(0)))
    builtin(name, "n", "scale")(with_scale)


_rounding_function("decimal", decimal.ROUND_HALF_EVEN, optional_scale=False)
_rounding_function("floor", decimal.ROUND_FLOOR, optional_scale=True)
_rounding_function("ceiling", decimal.ROUND_CEILING, optional_scale=True)
_rounding_function("round up", decimal.ROUND_UP, optional_scale=False)
_rounding_function("round down", decimal.ROUND_DOWN, optional_scale=False)
_rounding_function("round half up", decimal.ROUND_HALF_UP, optional_scale=False)
_rounding_function("round half down", decimal.ROUND_HALF_DOWN, optional_scale=False)


@builtin("abs", "n")
def abs_(n: Any) -> Any:
    """abs(n): the absolute value of a number or a duration."""
    if isinstance(n, decimal.Decimal):
        return FEEL_CONTEXT.abs(n)
    if isinstance(n, YearsMonthsDuration):
        return YearsMonthsDuration(abs(n.months))
    if isinstance(n, DaysTimeDuration):
        return DaysTimeDuration(abs(n.seconds))
    raise expected("abs", "n", "a number or a duration", n)


@builtin("modulo", "dividend", "divisor")
def modulo(dividend: Any, divisor: Any) -> decimal.Decimal:
    """modulo(dividend, divisor): dividend - divisor * floor(dividend / divisor)."""
    a = number_arg("modulo", "dividend", dividend)
    b = number_arg("modulo", "divisor", divisor)
    if b.is_zero():
        raise invalid_argument("modulo(): divisor must not be 0")
    # Exact at any magnitude: both as integers over a common power of ten, then Python's
    # integer %, which (like the spec's formula) takes the sign of the divisor.
    exponent = min(_exponent(a), _exponent(b))
    remainder = _scaled_int(a, exponent) % _scaled_int(b, exponent)
    return FEEL_CONTEXT.create_decimal(decimal.Decimal(remainder).scaleb(exponent, _EXACT))


_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def _exponent(n: decimal.Decimal) -> int:
    exponent = n.as_tuple().exponent
    if not isinstance(exponent, int):
        raise invalid_argument("modulo() of a number that is not finite")
    return exponent


def _scaled_int(n: decimal.Decimal, exponent: int) -> int:
    """``n`` divided by 10**exponent, an integer when exponent <= n's own exponent."""
    sign, digits, own = n.as_tuple()
    coefficient = int("".join(map(str, digits))) if digits else 0
    value = coefficient * 10 ** (int(own) - exponent)
    return -value if sign else value


def _math(name: str, compute: Callable[[decimal.Decimal], decimal.Decimal]) -> Any:
    def impl(number: Any) -> decimal.Decimal:
        value = number_arg(name, "number", number)
        try:
            return compute(value)
        except (decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow) as exc:
            raise invalid_argument(f"{name}() is not defined for {value}") from exc

    impl.__doc__ = f"{name}(number)"
    return builtin(name, "number")(impl)


def _sqrt(n: decimal.Decimal) -> decimal.Decimal:
    if n < 0:
        raise invalid_argument("sqrt() of a negative number")
    return FEEL_CONTEXT.sqrt(n)


def _log(n: decimal.Decimal) -> decimal.Decimal:
    if n <= 0:
        raise invalid_argument("log() of a number that is not positive")
    return FEEL_CONTEXT.ln(n)


_math("sqrt", _sqrt)
_math("log", _log)
_math("exp", FEEL_CONTEXT.exp)


def _integer(name: str, number: Any) -> int:
    value = number_arg(name, "number", number)
    if not value.is_finite() or value != value.to_integral_value():
        raise invalid_argument(f"{name}(): {value} is not an integer")
    return int(value)


@builtin("odd", "number")
def odd(number: Any) -> bool:
    """odd(number): true for an odd integer."""
    return _integer("odd", number) % 2 != 0


@builtin("even", "number")
def even(number: Any) -> bool:
    """even(number): true for an even integer."""
    return _integer("even", number) % 2 == 0
