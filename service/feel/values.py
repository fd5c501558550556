"""FEEL values as Python objects: the one mapping every layer of tablerx shares.

| FEEL type              | Python                                   |
|------------------------|------------------------------------------|
| null                   | ``None``                                 |
| number                 | ``decimal.Decimal`` (34 digits, HALF_EVEN) — never int or float |
| string                 | ``str``                                  |
| boolean                | ``bool``                                 |
| date                   | :class:`Date`                            |
| time                   | :class:`Time`                            |
| date and time          | :class:`DateTime`                        |
| years and months duration | :class:`YearsMonthsDuration`          |
| days and time duration | :class:`DaysTimeDuration`                |
| range                  | :class:`Range`                           |
| list                   | ``list``                                 |
| context                | ``dict[str, Any]`` (insertion ordered)   |
| function               | :class:`Function`                        |

Temporal values are our own classes because FEEL dates span years
-999,999,999 to 999,999,999 and times carry nanoseconds; Python's datetime stops at
year 9999 and microseconds.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# FEEL numbers: IEEE 754-2008 decimal128 — 34 significant digits, round half even.
FEEL_CONTEXT = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-6143,
    Emax=6144,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

Number = decimal.Decimal


def number(value: int | str | decimal.Decimal) -> decimal.Decimal:
    """A FEEL number from an int, a numeric string or a Decimal, rounded to 34 digits."""
    return FEEL_CONTEXT.create_decimal(value)


@dataclass(frozen=True, slots=True)
class Date:
    """A calendar date in the proleptic Gregorian calendar; year may be negative or > 9999."""

    year: int
    month: int
    day: int

    def __str__(self) -> str:
        """ISO 8601 form: ``2017-12-31``, ``-0044-03-15``, ``999999999-12-31``."""
        sign = "-" if self.year < 0 else ""
        return f"{sign}{abs(self.year):04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class Time:
    """A time of day.

    ``second`` holds seconds with their fraction (nanoseconds kept exactly).
    ``offset`` is the UTC offset in seconds, or None for a local time.
    ``zone`` is an IANA zone id (``Europe/Paris``) when one was given, else None;
    the offset of a zoned value is resolved when a date is known.
    """

    hour: int
    minute: int
    second: decimal.Decimal
    offset: int | None = None
    zone: str | None = None

    def __str__(self) -> str:
        """``10:30:00``, ``10:30:00.5+02:00``, ``10:30:00Z``, ``10:30:00@Europe/Paris``."""
        text = f"{self.hour:02d}:{self.minute:02d}:{format_seconds(self.second)}"
        if self.zone is not None:
            return f"{text}@{self.zone}"
        if self.offset is not None:
            return text + format_offset(self.offset)
        return text


@dataclass(frozen=True, slots=True)
class DateTime:
    """A date and time; its ``time`` carries the offset or zone, if any."""

    date: Date
    time: Time

    def __str__(self) -> str:
        """``2018-12-10T10:30:00``, with the time's offset or zone if any."""
        return f"{self.date}T{self.time}"


@dataclass(frozen=True, slots=True)
class YearsMonthsDuration:
    """A years and months duration, held as a signed count of months."""

    months: int

    def __str__(self) -> str:
        """``P1Y2M``, ``-P3M``, ``P0M``."""
        years, months = divmod(abs(self.months), 12)
        sign = "-" if self.months < 0 else ""
        if years and months:
            return f"{sign}P{years}Y{months}M"
        return f"{sign}P{years}Y" if years else f"{sign}P{months}M"


@dataclass(frozen=True, slots=True)
class DaysTimeDuration:
    """A days and time duration, held as signed seconds with an exact fraction."""

    seconds: decimal.Decimal

    def __str__(self) -> str:
        """``P1DT2H3M4.5S``, ``-PT1H``, ``PT0S``."""
        total = abs(self.seconds)
        whole = int(total)
        fraction = total - whole
        days, rest = divmod(whole, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        text = f"{days}D" if days else ""
        clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        if seconds or fraction:
            clock += format_seconds(seconds + fraction, width=1) + "S"
        if clock:
            text += "T" + clock
        sign = "-" if self.seconds < 0 and (whole or fraction) else ""
        return f"{sign}P{text}" if text else "PT0S"


@dataclass(frozen=True, slots=True)
class Range:
    """A FEEL range (interval). ``start`` or ``end`` None means unbounded on that side.

    ``[1..10]`` is Range(1, 10, True, True); the unary test ``< 10`` as a value is
    Range(None, 10, False, False).
    """

    start: Any
    end: Any
    start_included: bool
    end_included: bool


@dataclass(frozen=True, slots=True)
class Parameter:
    """A function parameter: its name and, when declared, its FEEL type name."""

    name: str
    type_name: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Function:
    """A FEEL function value: built-in, user-defined (lambda), BKM or decision service.

    ``invoke(env, args, named)`` is called with either a list of positional
    arguments (``named`` is None) or a dict of named arguments (``args`` is empty).
    The function matches them to its parameters itself (so built-ins with optional
    parameters or several signatures decide in one place); a call that fits no
    signature returns None after ``env.warn(...)``. ``env`` is the caller's
    :class:`service.feel.env.Env`, used for warnings and the evaluation clock.
    """

    name: str
    parameters: Sequence[Parameter]
    invoke: Callable[[Any, list[Any], dict[str, Any] | None], Any]
    return_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def format_seconds(second: decimal.Decimal | int, width: int = 2) -> str:
    """Seconds with their fraction, trailing zeros dropped: ``05``, ``05.25`` (width pads)."""
    whole = int(second)
    fraction = decimal.Decimal(second) - whole
    text = f"{whole:0{width}d}"
    if fraction:
        text += format(fraction.normalize(), "f")[1:]
    return text


def format_offset(offset: int) -> str:
    """A UTC offset in seconds as ``Z``, ``+02:00``, ``-05:30`` or ``+02:45:55``."""
    if offset == 0:
        return "Z"
    sign = "-" if offset < 0 else "+"
    hours, rest = divmod(abs(offset), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


FeelValue = Any  # one of the Python types in the table above
