"""FEEL operators on dates, times and durations (DMN 1.5 10.3.2.3 and the arithmetic tables).

Each function takes two FEEL values and returns the result, or ``NotImplemented`` when
the pair of types has no meaning for that operator (the caller reports the mismatch).
Values with a zone or offset are placed on the UTC time line; local values on their own
wall clock; mixing the two kinds is an error. A date used with a date and time is taken
as midnight UTC of that day, as the spec converts it.
"""

from __future__ import annotations

import decimal
from typing import Any

from service.feel import calendar, zones
from service.feel.errors import FeelEvalError, type_mismatch
from service.feel.temporal import (
    DAY_NANOS,
    DURATION_DIGITS,
    NANOS,
    as_date_time,
    combine,
    date_days,
    date_from_days,
    date_time_from_instant,
    date_time_from_local,
    duration_overflow,
    instant_nanos,
    local_nanos,
    months_duration,
    nanos_to_seconds,
    seconds_to_nanos,
    time_from_nanos,
    time_nanos,
)
from service.feel.values import (
    FEEL_CONTEXT,
    Date,
    DateTime,
    DaysTimeDuration,
    Time,
    YearsMonthsDuration,
)

_MILLI = 10**6  # times and date-times compare to the millisecond, as the TCK expects
Duration = YearsMonthsDuration | DaysTimeDuration


def _dtd(nanos: int) -> DaysTimeDuration:
    return DaysTimeDuration(nanos_to_seconds(nanos))


def _nanos(duration: DaysTimeDuration) -> int:
    return seconds_to_nanos(duration.seconds)


# --- adding a duration to a point in time -----------------------------------------------


def _shift_date(date: Date, duration: Duration) -> Date:
    if isinstance(duration, YearsMonthsDuration):
        year, month, day = calendar.add_months(date.year, date.month, date.day, duration.months)
        if not calendar.MIN_YEAR <= year <= calendar.MAX_YEAR:
            raise FeelEvalError("FEEL_DATE_RANGE", f"year {year} is outside FEEL's range")
        return Date(year, month, day)
    # As midnight UTC plus the duration, then the date of the result.
    return date_from_days((date_days(date) * DAY_NANOS + _nanos(duration)) // DAY_NANOS)


def _shift_date_time(value: DateTime, duration: Duration) -> DateTime:
    if isinstance(duration, YearsMonthsDuration):
        return combine(_shift_date(value.date, duration), value.time)
    nanos = _nanos(duration)
    if value.time.zone is not None:
        instant = instant_nanos(value)
        assert instant is not None
        return date_time_from_instant(instant + nanos, None, value.time.zone)
    return date_time_from_local(local_nanos(value) + nanos, value.time.offset)


def _shift_time(time: Time, duration: Duration) -> Time | Any:
    if isinstance(duration, YearsMonthsDuration):
        return NotImplemented
    return time_from_nanos(time_nanos(time) + _nanos(duration), time.offset, time.zone)


def _shift(point: Any, duration: Duration) -> Any:
    if isinstance(point, Date):
        return _shift_date(point, duration)
    if isinstance(point, DateTime):
        return _shift_date_time(point, duration)
    if isinstance(point, Time):
        return _shift_time(point, duration)
    return NotImplemented


def _negated(duration: Duration) -> Duration:
    if isinstance(duration, YearsMonthsDuration):
        return YearsMonthsDuration(-duration.months)
    return DaysTimeDuration(-duration.seconds)


def add(a: Any, b: Any) -> Any:
    """``a + b`` for temporal operands."""
    if isinstance(a, YearsMonthsDuration) and isinstance(b, YearsMonthsDuration):
        return months_duration(a.months + b.months)
    if isinstance(a, DaysTimeDuration) and isinstance(b, DaysTimeDuration):
        return _dtd(_nanos(a) + _nanos(b))
    if isinstance(b, Duration):
        return _shift(a, b)
    if isinstance(a, Duration):
        return _shift(b, a)
    return NotImplemented


# --- subtracting ----------------------------------------------------------------------------


def _date_time_difference(a: DateTime, b: DateTime) -> DaysTimeDuration:
    first, second = instant_nanos(a), instant_nanos(b)
    if first is None and second is None:
        return _dtd(local_nanos(a) - local_nanos(b))
    if first is None or second is None:
        raise type_mismatch(f"cannot subtract {b} from {a}: one has a time zone, the other not")
    return _dtd(first - second)


def _time_utc_nanos(time: Time) -> int | None:
    """A time of day on the UTC clock (not wrapped to one day); None for a local time."""
    offset = time.offset
    if offset is None and time.zone is not None:
        # A zoned time without a date: take the zone's offset on 1970-01-01.
        offset = zones.offset_at_local(time.zone, time_nanos(time) // NANOS)
    return None if offset is None else time_nanos(time) - offset * NANOS


def _time_difference(a: Time, b: Time) -> DaysTimeDuration:
    if a.zone is not None and a.zone == b.zone:
        return _dtd(time_nanos(a) - time_nanos(b))
    first, second = _time_utc_nanos(a), _time_utc_nanos(b)
    if first is None and second is None:
        return _dtd(time_nanos(a) - time_nanos(b))
    if first is None or second is None:
        raise type_mismatch(f"cannot subtract {b} from {a}: one has a time zone, the other not")
    return _dtd(first - second)


def subtract(a: Any, b: Any) -> Any:
    """``a - b`` for temporal operands."""
    if isinstance(b, Duration) and not isinstance(a, Duration):
        return _shift(a, _negated(b))
    if isinstance(a, Duration) and isinstance(b, Duration):
        if type(a) is not type(b):
            return NotImplemented
        return add(a, _negated(b))
    if isinstance(a, Date) and isinstance(b, Date):
        return _dtd((date_days(a) - date_days(b)) * DAY_NANOS)
    if isinstance(a, Date | DateTime) and isinstance(b, Date | DateTime):
        return _date_time_difference(as_date_time(a), as_date_time(b))
    if isinstance(a, Time) and isinstance(b, Time):
        return _time_difference(a, b)
    return NotImplemented


# --- scaling durations ------------------------------------------------------------------------


def _scale(duration: Duration, factor: decimal.Decimal, divide: bool) -> Duration:
    try:
        if isinstance(duration, YearsMonthsDuration):
            months = decimal.Decimal(duration.months)
            value = FEEL_CONTEXT.divide(months, factor) if divide else months * factor
            # Whole months only: the fraction is dropped (toward zero).
            whole = value.to_integral_value(decimal.ROUND_DOWN)
            if whole.adjusted() >= DURATION_DIGITS:  # checked before int(): it would not print
                raise duration_overflow("the number of months")
            return months_duration(int(whole))
        seconds = duration.seconds
        if divide:
            return _dtd(seconds_to_nanos(FEEL_CONTEXT.divide(seconds, factor)))
        return _dtd(seconds_to_nanos(FEEL_CONTEXT.multiply(seconds, factor)))
    except decimal.Overflow as exc:
        raise duration_overflow(f"{duration} scaled by {factor}") from exc
    except (decimal.DivisionByZero, decimal.InvalidOperation) as exc:
        raise FeelEvalError("FEEL_DIVISION_BY_ZERO", f"cannot divide {duration} by zero") from exc


def _is_number(value: Any) -> bool:
    return isinstance(value, decimal.Decimal)


def multiply(a: Any, b: Any) -> Any:
    """``a * b``: a duration times a number, either way round."""
    if isinstance(a, Duration) and _is_number(b):
        return _scale(a, b, divide=False)
    if _is_number(a) and isinstance(b, Duration):
        return _scale(b, a, divide=False)
    return NotImplemented


def divide(a: Any, b: Any) -> Any:
    """``a / b``: a duration by a number, or by a duration of the same kind (a number)."""
    if isinstance(a, Duration) and _is_number(b):
        return _scale(a, b, divide=True)
    if isinstance(a, YearsMonthsDuration) and isinstance(b, YearsMonthsDuration):
        numerator, denominator = decimal.Decimal(a.months), decimal.Decimal(b.months)
    elif isinstance(a, DaysTimeDuration) and isinstance(b, DaysTimeDuration):
        numerator, denominator = a.seconds, b.seconds
    else:
        return NotImplemented
    if not denominator:
        raise FeelEvalError("FEEL_DIVISION_BY_ZERO", f"cannot divide {a} by a zero duration")
    return FEEL_CONTEXT.divide(numerator, denominator)


# --- comparing -----------------------------------------------------------------------------------


def _date_time_key(value: DateTime) -> tuple[bool, int]:
    instant = instant_nanos(value)
    if instant is None:
        return False, local_nanos(value) // _MILLI
    return True, instant // _MILLI


def _time_key(value: Time) -> tuple[bool, int]:
    utc = _time_utc_nanos(value)
    if utc is None:
        return False, time_nanos(value) // _MILLI
    return True, utc // _MILLI


def _keys(a: Any, b: Any) -> tuple[Any, Any] | None:
    """Comparable keys for two temporal values of one kind; None when they do not compare."""
    if isinstance(a, Date) and isinstance(b, Date):
        return date_days(a), date_days(b)
    if isinstance(a, DateTime) and isinstance(b, DateTime):
        key_a, key_b = _date_time_key(a), _date_time_key(b)
    elif isinstance(a, Time) and isinstance(b, Time):
        if a.zone is not None and a.zone == b.zone and (a.offset is None or b.offset is None):
            return time_nanos(a) // _MILLI, time_nanos(b) // _MILLI
        key_a, key_b = _time_key(a), _time_key(b)
    elif isinstance(a, YearsMonthsDuration) and isinstance(b, YearsMonthsDuration):
        return a.months, b.months
    elif isinstance(a, DaysTimeDuration) and isinstance(b, DaysTimeDuration):
        return a.seconds, b.seconds
    else:
        return None
    if key_a[0] != key_b[0]:  # a local value against one with a zone or offset
        return None
    return key_a[1], key_b[1]


def compare(a: Any, b: Any) -> int | None:
    """-1, 0 or 1 ordering two temporal values of one kind; None if they do not compare."""
    keys = _keys(a, b)
    if keys is None:
        return None
    first, second = keys
    return (first > second) - (first < second)


def is_temporal(value: Any) -> bool:
    """Whether ``value`` is a date, time, date and time or duration."""
    return isinstance(value, Date | Time | DateTime | YearsMonthsDuration | DaysTimeDuration)
