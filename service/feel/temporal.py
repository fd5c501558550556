"""Temporal text and numbers -> FEEL dates, times, date-times and durations; their properties.

Parsing follows XML Schema 1.1 lexical forms as FEEL uses them (DMN 1.5 10.3.2.3):
``2017-12-31``, ``-2017-12-31``, ``11:22:33.444+01:00``, ``10:30:00@Europe/Paris``,
``2017-12-31T24:00:00``, ``P1Y2M``, ``-P1DT2H3M4.5S``. Invalid text raises FeelEvalError.
Internally clock times are handled as integer nanoseconds so arithmetic stays exact.
"""

from __future__ import annotations

import decimal
import re
from typing import Any

from service.feel import calendar, zones
from service.feel.errors import FeelEvalError, invalid_argument
from service.feel.values import (
    Date,
    DateTime,
    DaysTimeDuration,
    Time,
    YearsMonthsDuration,
)

NANOS = 10**9
DAY_NANOS = 86400 * NANOS
MAX_OFFSET = 18 * 3600  # the widest UTC offset accepted, as in XML Schema and java.time
# Durations hold fewer than this many digits of months or whole seconds, so that every one
# prints (Python refuses to format ints of over 4300 digits); beyond it is FEEL_OVERFLOW.
DURATION_DIGITS = 4000
_DURATION_LIMIT = 10**DURATION_DIGITS
_INTEGER_LIMIT = 10**18  # beyond any field of a date or time; checked before int()

_DATE = r"(-?)(\d{4,})-(\d\d)-(\d\d)"
_TIME = r"(\d\d):(\d\d):(\d\d)(\.\d+)?(?:(Z)|([+-])(\d\d):(\d\d)(?::(\d\d))?|@([^@\s]+))?"
_DATE_RE = re.compile(_DATE)
_TIME_RE = re.compile(_TIME)
_DATE_TIME_RE = re.compile(_DATE + "T" + _TIME)
_DURATION_RE = re.compile(
    r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
    r"(T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?|\.\d+)S)?)?"
)


def bad_temporal(kind: str, text: str) -> FeelEvalError:
    """The error for a string that is not a valid FEEL ``kind`` (date, time, ...)."""
    return FeelEvalError("FEEL_INVALID_TEMPORAL", f"{text!r} is not a valid {kind}")


# --- nanosecond helpers ---------------------------------------------------------------


def seconds_to_nanos(seconds: decimal.Decimal) -> int:
    """Seconds (with fraction) as integer nanoseconds, rounding half even below 1 ns."""
    scaled = seconds.scaleb(9, decimal.Context(prec=60))
    return int(scaled.to_integral_value(decimal.ROUND_HALF_EVEN))


def duration_overflow(what: str) -> FeelEvalError:
    """The error for a duration too large to hold (see DURATION_DIGITS)."""
    return FeelEvalError("FEEL_OVERFLOW", f"{what} is too large for a duration")


def months_duration(months: int) -> YearsMonthsDuration:
    """A years and months duration of ``months``; FEEL_OVERFLOW beyond the duration range."""
    if abs(months) >= _DURATION_LIMIT:
        raise duration_overflow("the number of months")
    return YearsMonthsDuration(months)


def nanos_to_seconds(nanos: int) -> decimal.Decimal:
    """Integer nanoseconds as a Decimal number of seconds without trailing zeros.

    FEEL_OVERFLOW beyond the duration range (the int would not even print).
    """
    if abs(nanos) >= _DURATION_LIMIT * NANOS:
        raise duration_overflow("the number of seconds")
    whole, fraction = divmod(abs(nanos), NANOS)
    sign = "-" if nanos < 0 else ""
    if not fraction:
        return decimal.Decimal(f"{sign}{whole}")
    return decimal.Decimal(f"{sign}{whole}.{fraction:09d}".rstrip("0"))


def date_days(date: Date) -> int:
    """The day number of a date (days since 1970-01-01)."""
    return calendar.days_from_civil(date.year, date.month, date.day)


def date_from_days(days: int) -> Date:
    """The date of a day number; FeelEvalError beyond FEEL's year range."""
    year, month, day = calendar.civil_from_days(days)
    if not calendar.MIN_YEAR <= year <= calendar.MAX_YEAR:
        raise FeelEvalError("FEEL_DATE_RANGE", f"year {year} is outside FEEL's range")
    return Date(year, month, day)


def time_nanos(time: Time) -> int:
    """Nanoseconds since the (local) midnight of a time of day."""
    return (time.hour * 3600 + time.minute * 60) * NANOS + seconds_to_nanos(time.second)


def time_from_nanos(nanos: int, offset: int | None = None, zone: str | None = None) -> Time:
    """The time of day ``nanos`` after midnight (taken modulo one day)."""
    nanos %= DAY_NANOS
    hours, rest = divmod(nanos, 3600 * NANOS)
    minutes, rest = divmod(rest, 60 * NANOS)
    return Time(hours, minutes, nanos_to_seconds(rest), offset, zone)


def local_nanos(value: DateTime) -> int:
    """The wall-clock reading of a date and time as nanoseconds since 1970-01-01T00:00."""
    return date_days(value.date) * DAY_NANOS + time_nanos(value.time)


def utc_offset(value: DateTime) -> int | None:
    """The UTC offset in seconds of a date and time; None for a local one."""
    if value.time.offset is not None:
        return value.time.offset
    if value.time.zone is not None:
        return zones.offset_at_local(value.time.zone, local_nanos(value) // NANOS)
    return None


def instant_nanos(value: DateTime) -> int | None:
    """Nanoseconds since 1970-01-01T00:00Z of a date and time; None for a local one."""
    offset = utc_offset(value)
    return None if offset is None else local_nanos(value) - offset * NANOS


def date_time_from_local(
    nanos: int, offset: int | None = None, zone: str | None = None
) -> DateTime:
    """The date and time of a wall-clock reading; a zone's offset is resolved for that day."""
    days, rest = divmod(nanos, DAY_NANOS)
    if zone is not None:
        offset = zones.offset_at_local(zone, nanos // NANOS)
    return DateTime(date_from_days(days), time_from_nanos(rest, offset, zone))


def date_time_from_instant(nanos: int, offset: int | None, zone: str | None) -> DateTime:
    """The date and time of an instant seen in a zone or at a fixed offset."""
    if zone is not None:
        offset = zones.offset_at_instant(zone, nanos // NANOS)
    if offset is None:
        raise ValueError("an instant needs a zone or an offset to be read as a date and time")
    days, rest = divmod(nanos + offset * NANOS, DAY_NANOS)
    return DateTime(date_from_days(days), time_from_nanos(rest, offset, zone))


# --- parsing --------------------------------------------------------------------------------


def _year(sign: str, digits: str, text: str, kind: str) -> int:
    # More than four digits may not start with a zero (XML Schema's canonical years).
    if len(digits) > 4 and digits.startswith("0"):
        raise bad_temporal(kind, text)
    year = int(sign + digits)
    if not calendar.MIN_YEAR <= year <= calendar.MAX_YEAR:
        raise bad_temporal(kind, text)
    return year


def _date_from(groups: tuple[Any, ...], text: str, kind: str) -> Date:
    sign, year_digits, month, day = groups
    year = _year(sign, year_digits, text, kind)
    if not calendar.is_valid_date(year, int(month), int(day)):
        raise bad_temporal(kind, text)
    return Date(year, int(month), int(day))


def _time_from(groups: tuple[Any, ...], text: str, kind: str) -> tuple[Time, bool]:
    """A Time and whether it was written 24:00:00 (the end of the day)."""
    hour, minute, second, fraction, zulu, sign, off_h, off_m, off_s, zone = groups
    h, m, s = int(hour), int(minute), int(second)
    frac = decimal.Decimal("0" + fraction) if fraction else decimal.Decimal(0)
    end_of_day = h == 24 and m == 0 and s == 0 and not frac
    if (h > 23 and not end_of_day) or m > 59 or s > 59:
        raise bad_temporal(kind, text)
    offset = None
    if zulu:
        offset = 0
    elif sign:
        if int(off_m) > 59 or int(off_s or 0) > 59:
            raise bad_temporal(kind, text)
        offset = int(off_h) * 3600 + int(off_m) * 60 + int(off_s or 0)
        offset = -offset if sign == "-" else offset
        if abs(offset) > MAX_OFFSET:
            raise bad_temporal(kind, text)
    if zone is not None and not zones.is_zone(zone):
        raise bad_temporal(kind, text)
    seconds = decimal.Decimal(s) + frac if fraction else decimal.Decimal(s)
    return Time(0 if end_of_day else h, m, seconds, offset, zone), end_of_day


def parse_date(text: str) -> Date:
    """A FEEL date from ``YYYY-MM-DD`` (years may be negative or have more digits)."""
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise bad_temporal("date", text)
    return _date_from(match.groups(), text, "date")


def parse_time(text: str) -> Time:
    """A FEEL time from ``hh:mm:ss[.f][Z|+hh:mm|@zone]``."""
    match = _TIME_RE.fullmatch(text)
    if match is None:
        raise bad_temporal("time", text)
    return _time_from(match.groups(), text, "time")[0]


def parse_date_time(text: str) -> DateTime:
    """A FEEL date and time from ``date T time`` (``24:00:00`` is the next day's midnight)."""
    match = _DATE_TIME_RE.fullmatch(text)
    if match is None:
        raise bad_temporal("date and time", text)
    groups = match.groups()
    date = _date_from(groups[:4], text, "date and time")
    time, end_of_day = _time_from(groups[4:], text, "date and time")
    if end_of_day:
        date = date_from_days(date_days(date) + 1)
    return combine(date, time)


def parse_duration(text: str) -> YearsMonthsDuration | DaysTimeDuration:
    """A years and months duration (``P1Y2M``) or days and time duration (``P1DT2H``)."""
    match = _DURATION_RE.fullmatch(text)
    if match is None or text.endswith(("P", "T")):
        raise bad_temporal("duration", text)
    neg, years, months, days, clock, hours, minutes, seconds = match.groups()
    year_month = years is not None or months is not None
    day_time = days is not None or clock is not None
    if year_month == day_time:  # neither (just "P") or both kinds mixed
        raise bad_temporal("duration", text)
    sign = -1 if neg else 1
    whole_parts = (years, months, days, hours, minutes, (seconds or "").split(".")[0])
    if any(part is not None and len(part) > DURATION_DIGITS for part in whole_parts):
        raise duration_overflow(repr(text[:20] + "..."))  # before int(), which refuses it
    if year_month:
        return months_duration(sign * (int(years or 0) * 12 + int(months or 0)))
    whole = ((int(days or 0) * 24 + int(hours or 0)) * 60 + int(minutes or 0)) * 60
    total = decimal.Decimal(whole) + decimal.Decimal(seconds or 0)
    return DaysTimeDuration(nanos_to_seconds(sign * seconds_to_nanos(total)))


def parse_literal(text: str) -> Date | Time | DateTime | YearsMonthsDuration | DaysTimeDuration:
    """The value of an ``@"..."`` literal: whichever temporal form the text has."""
    if text.startswith(("P", "-P")):
        return parse_duration(text)
    if "T" in text.split("@", 1)[0]:
        return parse_date_time(text)
    if _DATE_RE.fullmatch(text):
        return parse_date(text)
    if _TIME_RE.fullmatch(text):
        return parse_time(text)
    raise bad_temporal("date, time or duration", text)


# --- construction -----------------------------------------------------------------------------


def combine(date: Date, time: Time) -> DateTime:
    """A date and time from a date and a time, resolving a zone's offset for that day."""
    if time.zone is not None:
        local = date_days(date) * DAY_NANOS + time_nanos(time)
        offset = zones.offset_at_local(time.zone, local // NANOS)
        time = Time(time.hour, time.minute, time.second, offset, time.zone)
    return DateTime(date, time)


def integer(value: Any, what: str) -> int:
    """A FEEL number that must be a whole number, as int; FeelEvalError otherwise."""
    if not isinstance(value, decimal.Decimal) or isinstance(value, bool):
        raise invalid_argument(f"{what} must be a number")
    if not value.is_finite() or value != value.to_integral_value():
        raise invalid_argument(f"{what} must be a whole number, not {value}")
    if abs(value) > _INTEGER_LIMIT:  # checked on the Decimal: a huge int would not print
        raise invalid_argument(f"{what} {value} is out of range")
    return int(value)


def make_date(year: Any, month: Any, day: Any) -> Date:
    """``date(year, month, day)``; FeelEvalError for a day that does not exist."""
    y = integer(year, "year")  # refuses a huge year (over 18 digits) before int()
    if not calendar.MIN_YEAR <= y <= calendar.MAX_YEAR:
        raise FeelEvalError("FEEL_DATE_RANGE", f"year {year} is outside FEEL's range")
    m, d = integer(month, "month"), integer(day, "day")
    if not calendar.is_valid_date(y, m, d):
        raise invalid_argument(f"{y}-{m}-{d} is not a valid date")
    return Date(y, m, d)


def make_time(hour: Any, minute: Any, second: Any, offset: Any = None) -> Time:
    """``time(hour, minute, second, offset?)``; the offset is a days and time duration."""
    h, m = integer(hour, "hour"), integer(minute, "minute")
    if not isinstance(second, decimal.Decimal) or isinstance(second, bool):
        raise invalid_argument("second must be a number")
    if not (0 <= h <= 23 and 0 <= m <= 59 and 0 <= second < 60):
        raise invalid_argument(f"{hour}:{minute}:{second} is not a valid time")
    offset_seconds = None
    if offset is not None:
        if not isinstance(offset, DaysTimeDuration):
            raise invalid_argument("offset must be a days and time duration")
        if offset.seconds != offset.seconds.to_integral_value() or abs(offset.seconds) > MAX_OFFSET:
            raise invalid_argument(f"{offset} is not a valid time offset")
        offset_seconds = int(offset.seconds)
    return Time(h, m, nanos_to_seconds(seconds_to_nanos(second)), offset_seconds)


def as_date_time(value: Date | DateTime) -> DateTime:
    """A date and time for a date: midnight UTC, the spec's conversion of a date."""
    if isinstance(value, DateTime):
        return value
    return DateTime(value, Time(0, 0, decimal.Decimal(0), 0))


# --- properties ---------------------------------------------------------------------------------


def _date_property(date: Date, name: str) -> Any:
    if name == "year":
        return decimal.Decimal(date.year)
    if name == "month":
        return decimal.Decimal(date.month)
    if name == "day":
        return decimal.Decimal(date.day)
    if name == "weekday":
        return decimal.Decimal(calendar.iso_weekday(date_days(date)))
    return _MISSING


def _time_property(time: Time, name: str, offset: int | None) -> Any:
    if name == "hour":
        return decimal.Decimal(time.hour)
    if name == "minute":
        return decimal.Decimal(time.minute)
    if name == "second":
        return time.second
    if name == "time offset":
        return None if offset is None else DaysTimeDuration(decimal.Decimal(offset))
    if name == "timezone":
        return time.zone
    return _MISSING


def _duration_property(value: YearsMonthsDuration | DaysTimeDuration, name: str) -> Any:
    if isinstance(value, YearsMonthsDuration):
        sign = -1 if value.months < 0 else 1
        years, months = divmod(abs(value.months), 12)
        parts = {"years": years, "months": months}
        return decimal.Decimal(sign * parts[name]) if name in parts else _MISSING
    nanos = seconds_to_nanos(value.seconds)
    sign = -1 if nanos < 0 else 1
    days, rest = divmod(abs(nanos), DAY_NANOS)
    hours, rest = divmod(rest, 3600 * NANOS)
    minutes, rest = divmod(rest, 60 * NANOS)
    if name == "seconds":
        return nanos_to_seconds(sign * rest)
    parts = {"days": days, "hours": hours, "minutes": minutes}
    return decimal.Decimal(sign * parts[name]) if name in parts else _MISSING


_MISSING = object()


def get_property(value: Any, name: str) -> Any:
    """The FEEL property ``value.name`` of a temporal value (DMN 1.5 table 65)."""
    result: Any = _MISSING
    if isinstance(value, Date):
        result = _date_property(value, name)
    elif isinstance(value, DateTime):
        result = _date_property(value.date, name)
        if result is _MISSING:
            result = _time_property(value.time, name, utc_offset(value))
    elif isinstance(value, Time):
        result = _time_property(value, name, value.offset)
    elif isinstance(value, YearsMonthsDuration | DaysTimeDuration):
        result = _duration_property(value, name)
    if result is _MISSING:
        raise FeelEvalError("FEEL_UNKNOWN_PROPERTY", f"no property {name!r} on {value}")
    return result
