"""Proleptic Gregorian calendar arithmetic on plain integers: (year, month, day) <-> day numbers.

Python's datetime stops at year 9999; FEEL dates run from year -999,999,999 to
999,999,999, with a year 0 (astronomical numbering, as in XML Schema 1.1). Day numbers
count days since 1970-01-01 (day 0), negative before it.
"""

from __future__ import annotations

MIN_YEAR = -999_999_999
MAX_YEAR = 999_999_999

_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def is_leap(year: int) -> bool:
    """Whether ``year`` has a 29 February."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    """The number of days of ``month`` (1-12) in ``year``."""
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def is_valid_date(year: int, month: int, day: int) -> bool:
    """Whether the three numbers name a real day within FEEL's year range."""
    return (
        MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and 1 <= day <= days_in_month(year, month)
    )


def days_from_civil(year: int, month: int, day: int) -> int:
    """The day number of a date: days since 1970-01-01 (negative before it)."""
    # Shift the year to start in March so that the leap day is the last day of the year.
    y = year - 1 if month <= 2 else year
    era = y // 400
    year_of_era = y - era * 400
    month_from_march = month - 3 if month > 2 else month + 9
    day_of_year = (153 * month_from_march + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """The (year, month, day) of a day number; inverse of :func:`days_from_civil`."""
    z = days + 719468
    era = z // 146097
    day_of_era = z - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_from_march = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_from_march + 2) // 5 + 1
    month = month_from_march + 3 if month_from_march < 10 else month_from_march - 9
    year = year_of_era + era * 400 + (1 if month <= 2 else 0)
    return year, month, day


def iso_weekday(days: int) -> int:
    """ISO day of week of a day number: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday)."""
    return (days + 3) % 7 + 1


def day_of_year(year: int, month: int, day: int) -> int:
    """The ordinal day of the year, 1 to 366."""
    leap_day = 1 if month > 2 and is_leap(year) else 0
    return _DAYS_BEFORE_MONTH[month - 1] + leap_day + day


def iso_week_of_year(year: int, month: int, day: int) -> int:
    """The ISO 8601 week number, 1 to 53 (week 1 holds the year's first Thursday)."""
    days = days_from_civil(year, month, day)
    thursday = days - iso_weekday(days) + 4  # the Thursday of this ISO week decides its year
    week_year = civil_from_days(thursday)[0]
    return (thursday - days_from_civil(week_year, 1, 1)) // 7 + 1


def add_months(year: int, month: int, day: int, months: int) -> tuple[int, int, int]:
    """The date ``months`` calendar months later, clamping the day to the month's end."""
    index = year * 12 + (month - 1) + months
    new_year, new_month = divmod(index, 12)
    new_month += 1
    return new_year, new_month, min(day, days_in_month(new_year, new_month))
