"""Temporal built-ins (DMN 1.5 10.3.4.1, 10.3.4.11): values in, dates, times and durations out.

date, time, date and time, duration, years and months duration, now, today, and the
calendar functions day of year, day of week, month of year, week of year. Parsing and
calendar arithmetic live in :mod:`service.feel.temporal`; here the arguments are checked.
"""

from __future__ import annotations

import decimal
import time as _clock
from typing import Any

from service.feel import calendar, temporal
from service.feel.builtins.args import expected
from service.feel.builtins.registry import builtin
from service.feel.values import (
    Date,
    DateTime,
    DaysTimeDuration,
    Time,
    YearsMonthsDuration,
)


def _date_of(fn: str, param: str, value: Any) -> Date:
    """The date of a date or a date and time argument."""
    if isinstance(value, DateTime):
        return value.date
    if isinstance(value, Date):
        return value
    raise expected(fn, param, "a date or a date and time", value)


# --- conversions ---------------------------------------------------------------------------


@builtin("date", "from")
def date_from(from_: Any) -> Date:
    """date(from): a date from a date string, a date or a date and time."""
    if isinstance(from_, str):
        return temporal.parse_date(from_)
    return _date_of("date", "from", from_)


@builtin("date", "year", "month", "day")
def date_from_parts(year: Any, month: Any, day: Any) -> Date:
    """date(year, month, day): the date with those (whole-number) parts."""
    return temporal.make_date(year, month, day)


@builtin("time", "from")
def time_from(from_: Any) -> Time:
    """time(from): a time from a time string, a time, a date and time, or a date (midnight UTC)."""
    if isinstance(from_, str):
        return temporal.parse_time(from_)
    if isinstance(from_, Time):
        return from_
    if isinstance(from_, DateTime):
        return from_.time
    if isinstance(from_, Date):
        return temporal.as_date_time(from_).time
    raise expected("time", "from", "a string, time, date or date and time", from_)


@builtin("time", "hour", "minute", "second", "offset?")
def time_from_parts(hour: Any, minute: Any, second: Any, offset: Any) -> Time:
    """time(hour, minute, second, offset?): a local time, or one at ``offset`` from UTC."""
    return temporal.make_time(hour, minute, second, offset)


@builtin("date and time", "from")
def date_and_time_from(from_: Any) -> DateTime:
    """date and time(from): from a date-time string, or a date (string) at local midnight."""
    if isinstance(from_, str):
        if "T" in from_.split("@", 1)[0]:
            return temporal.parse_date_time(from_)
        from_ = temporal.parse_date(from_)
    if isinstance(from_, DateTime):
        return from_
    if isinstance(from_, Date):
        return DateTime(from_, Time(0, 0, decimal.Decimal(0)))
    raise expected("date and time", "from", "a string", from_)


@builtin("date and time", "date", "time")
def date_and_time_from_parts(date: Any, time: Any) -> DateTime:
    """date and time(date, time): the date of ``date`` at ``time`` (with its offset or zone)."""
    day = _date_of("date and time", "date", date)
    if not isinstance(time, Time):
        raise expected("date and time", "time", "a time", time)
    return temporal.combine(day, time)


@builtin("duration", "from")
def duration(from_: Any) -> YearsMonthsDuration | DaysTimeDuration:
    """duration(from): a years and months or days and time duration from its string."""
    if isinstance(from_, YearsMonthsDuration | DaysTimeDuration):
        return from_
    if not isinstance(from_, str):
        raise expected("duration", "from", "a string", from_)
    return temporal.parse_duration(from_)


@builtin("years and months duration", "from", "to")
def years_and_months_duration(from_: Any, to: Any) -> YearsMonthsDuration:
    """years and months duration(from, to): the whole months between the dates of ``from``
    and ``to`` (a month counts once its day is reached; the times of day are ignored)."""
    start = _date_of("years and months duration", "from", from_)
    end = _date_of("years and months duration", "to", to)
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return YearsMonthsDuration(months)


# --- the evaluation clock ------------------------------------------------------------------------


def _now(env: Any) -> DateTime:
    """The evaluation's fixed instant, read from the system clock on first use, in the
    evaluation's zone (UTC when it has none)."""
    evaluation = env.evaluation
    if evaluation.now is None:
        nanos = _clock.time_ns()
        zone = evaluation.zone
        offset = 0 if zone is None else None
        evaluation.now = temporal.date_time_from_instant(nanos - nanos % 1000, offset, zone)
    now: DateTime = evaluation.now
    return now


@builtin("now", needs_env=True)
def now(env: Any) -> DateTime:
    """now(): the current date and time, the same throughout one evaluation."""
    return _now(env)


@builtin("today", needs_env=True)
def today(env: Any) -> Date:
    """today(): the current date (of now(), in its offset)."""
    return _now(env).date


# --- calendar functions (10.3.4.11) ---------------------------------------------------------------


@builtin("day of year", "date")
def day_of_year(date: Any) -> decimal.Decimal:
    """day of year(date): 1 to 366."""
    day = _date_of("day of year", "date", date)
    return decimal.Decimal(calendar.day_of_year(day.year, day.month, day.day))


@builtin("day of week", "date")
def day_of_week(date: Any) -> str:
    """day of week(date): "Monday" to "Sunday"."""
    day = _date_of("day of week", "date", date)
    return calendar.DAY_NAMES[calendar.iso_weekday(temporal.date_days(day)) - 1]


@builtin("month of year", "date")
def month_of_year(date: Any) -> str:
    """month of year(date): "January" to "December"."""
    return calendar.MONTH_NAMES[_date_of("month of year", "date", date).month - 1]


@builtin("week of year", "date")
def week_of_year(date: Any) -> decimal.Decimal:
    """week of year(date): the ISO 8601 week number, 1 to 53."""
    day = _date_of("week of year", "date", date)
    return decimal.Decimal(calendar.iso_week_of_year(day.year, day.month, day.day))
