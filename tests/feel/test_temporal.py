"""Dates, times, date-times and durations: parsing, printing, properties, arithmetic, ordering."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from service.feel import calendar, ops, temporal
from service.feel.errors import FeelEvalError
from service.feel.values import Date, DateTime, DaysTimeDuration, Time, YearsMonthsDuration

ERR = "error"


def lit(text: str) -> Any:
    """A temporal literal, or a number when the text is one."""
    try:
        return D(text)
    except ArithmeticError:
        return temporal.parse_literal(text)


@pytest.mark.parametrize(
    ("text", "kind", "printed"),
    [
        ("2017-12-31", Date, "2017-12-31"),
        ("-2017-01-01", Date, "-2017-01-01"),
        ("999999999-12-31", Date, "999999999-12-31"),
        ("-999999999-12-31", Date, "-999999999-12-31"),
        ("0000-01-01", Date, "0000-01-01"),
        ("2016-02-29", Date, "2016-02-29"),
        ("01:02:03", Time, "01:02:03"),
        ("11:22:33.444", Time, "11:22:33.444"),
        ("11:22:33.123456789", Time, "11:22:33.123456789"),
        ("10:30:00.0000", Time, "10:30:00"),
        ("23:59:00Z", Time, "23:59:00Z"),
        ("13:20:00-05:00", Time, "13:20:00-05:00"),
        ("11:22:33-00:00", Time, "11:22:33Z"),
        ("11:22:33+00:00", Time, "11:22:33Z"),
        ("11:59:45+02:45:55", Time, "11:59:45+02:45:55"),
        ("00:01:00@Etc/UTC", Time, "00:01:00@Etc/UTC"),
        ("00:01:00@Europe/Paris", Time, "00:01:00@Europe/Paris"),
        ("24:00:00", Time, "00:00:00"),
        ("2017-12-31T11:22:33", DateTime, "2017-12-31T11:22:33"),
        ("-2017-12-31T11:22:33.456+01:35", DateTime, "-2017-12-31T11:22:33.456+01:35"),
        ("99999-12-31T11:22:33", DateTime, "99999-12-31T11:22:33"),
        ("2017-12-31T11:22:33.567Z", DateTime, "2017-12-31T11:22:33.567Z"),
        ("2011-12-31T10:15:30@Europe/Paris", DateTime, "2011-12-31T10:15:30@Europe/Paris"),
        ("2017-12-31T24:00:00", DateTime, "2018-01-01T00:00:00"),
        ("2016-02-28T24:00:00Z", DateTime, "2016-02-29T00:00:00Z"),
        ("P1D", DaysTimeDuration, "P1D"),
        ("PT0.999S", DaysTimeDuration, "PT0.999S"),
        ("P1DT2H3M4.123456789S", DaysTimeDuration, "P1DT2H3M4.123456789S"),
        ("PT0.000S", DaysTimeDuration, "PT0S"),
        ("PT0.S", DaysTimeDuration, "PT0S"),
        ("P0D", DaysTimeDuration, "PT0S"),
        ("-P0D", DaysTimeDuration, "PT0S"),
        ("-PT1H2M", DaysTimeDuration, "-PT1H2M"),
        ("PT1000M", DaysTimeDuration, "PT16H40M"),
        ("PT24H", DaysTimeDuration, "P1D"),
        ("P2DT274M", DaysTimeDuration, "P2DT4H34M"),
        ("PT3600S", DaysTimeDuration, "PT1H"),
        ("-PT0.5S", DaysTimeDuration, "-PT0.5S"),
        ("P1Y2M", YearsMonthsDuration, "P1Y2M"),
        ("P0Y", YearsMonthsDuration, "P0M"),
        ("P26M", YearsMonthsDuration, "P2Y2M"),
        ("P1Y27M", YearsMonthsDuration, "P3Y3M"),
        ("-P100M", YearsMonthsDuration, "-P8Y4M"),
        ("P999999999M", YearsMonthsDuration, "P83333333Y3M"),
    ],
)
def test_parse_and_print(text: str, kind: type, printed: str) -> None:
    value = temporal.parse_literal(text)
    assert type(value) is kind
    assert str(value) == printed
    assert ops.equal(temporal.parse_literal(str(value)), value) is True


@pytest.mark.parametrize(
    "text",
    [
        "", "2012-12-25T", "2012/12/25", "0000-12-25T", "9999999999-12-25", "2017-13-10",
        "2017-12-32", "2019-02-29", "998-12-31", "01211-12-31", "+2012-12-02",
        "2012T-12-2511:00:00Z", "23:59:60", "24:00:01", "24:01:00", "25:00:00", "00:60:00",
        "7:00:00", "07:1:00", "07:01:2", "7:20", "11:30:00T", "13:20:00@xyz/abc",
        "13:20:00+19:00", "13:20:00-19:00", "13:20:00+5:00", "13:20:00+5", "13:20:00+05:0",
        "13:20:00+02:00@Europe/Paris", "2011-12-0310:15:30", "2017-00-10T11:22:33",
        "2017-12-31T7:20", "P", "P0", "1Y", "1D", "P1H", "P1S", "PT", "P1DT", "P1Y2D",
        "P1.5D", "--P1D", "-", "@", "2017-12-31T11:22:33@", "10:00:00@../etc/passwd",
    ],
)  # fmt: skip
def test_invalid_literals(text: str) -> None:
    with pytest.raises(FeelEvalError):
        temporal.parse_literal(text)


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (temporal.parse_date, "10:00:00"),
        (temporal.parse_date, "2017-12-31T10:00:00"),
        (temporal.parse_time, "2017-12-31"),
        (temporal.parse_date_time, "2017-12-31"),
        (temporal.parse_duration, "2017-12-31"),
    ],
)
def test_each_parser_takes_only_its_form(parser: Any, text: str) -> None:
    with pytest.raises(FeelEvalError):
        parser(text)


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("2015-12-24", "year", D(2015)),
        ("2015-12-24", "month", D(12)),
        ("2015-12-24", "day", D(24)),
        ("2021-01-11", "weekday", D(1)),
        ("2021-01-17", "weekday", D(7)),
        ("-2017-12-31T11:22:33.5+01:00", "year", D(-2017)),
        ("2015-12-24T00:00:01-01:00", "hour", D(0)),
        ("2015-12-24T00:00:01-01:00", "second", D(1)),
        ("2015-12-24T00:00:01.25-01:00", "second", D("1.25")),
        ("2015-12-24T00:00:01-01:00", "time offset", "-PT1H"),
        ("2015-12-24T00:00:01", "time offset", None),
        ("2015-12-24T00:00:01", "timezone", None),
        ("2018-07-01T10:00:00@Europe/Paris", "time offset", "PT2H"),
        ("2018-01-01T10:00:00@Europe/Paris", "time offset", "PT1H"),
        ("2018-01-01T10:00:00@Europe/Paris", "timezone", "Europe/Paris"),
        ("2018-01-01T10:00:00@Europe/Paris", "weekday", D(1)),
        ("10:20:30.5", "minute", D(20)),
        ("10:20:30+05:30", "time offset", "PT5H30M"),
        ("10:20:30@Europe/Paris", "timezone", "Europe/Paris"),
        ("P1Y2M", "years", D(1)),
        ("-P1Y2M", "months", D(-2)),
        ("P13DT2H14S", "seconds", D(14)),
        ("P13DT2H14S", "days", D(13)),
        ("-P1DT2H3M4.5S", "hours", D(-2)),
        ("-P1DT2H3M4.5S", "minutes", D(-3)),
        ("-P1DT2H3M4.5S", "seconds", D("-4.5")),
    ],
)
def test_properties(text: str, name: str, expected: Any) -> None:
    result = temporal.get_property(temporal.parse_literal(text), name)
    assert (str(result) if isinstance(result, DaysTimeDuration) else result) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [("2015-12-24", "hour"), ("10:00:00", "year"), ("P1Y", "days"), ("P1D", "months"),
     ("2015-12-24", "foo")],
)  # fmt: skip
def test_unknown_properties(text: str, name: str) -> None:
    with pytest.raises(FeelEvalError):
        temporal.get_property(temporal.parse_literal(text), name)


def test_get_property_of_a_non_temporal_value() -> None:
    with pytest.raises(FeelEvalError):
        temporal.get_property(D(1), "year")


@pytest.mark.parametrize(
    ("a", "op", "b", "expected"),
    [
        # date and time +- years and months duration: calendar months, clamped to the month end
        ("2021-01-01T10:10:10", "+", "P1Y", "2022-01-01T10:10:10"),
        ("2021-01-01T10:10:10", "+", "-P1M", "2020-12-01T10:10:10"),
        ("2021-01-01T10:10:10+11:00", "-", "P1Y", "2020-01-01T10:10:10+11:00"),
        ("-2021-01-01T10:10:10+11:00", "+", "-P1M", "-2022-12-01T10:10:10+11:00"),
        ("-2021-01-01T10:10:10@Australia/Melbourne", "+", "P1Y",
         "-2020-01-01T10:10:10@Australia/Melbourne"),
        ("P1M", "+", "2021-01-01T10:10:10@Australia/Melbourne",
         "2021-02-01T10:10:10@Australia/Melbourne"),
        ("2020-01-31", "+", "P1M", "2020-02-29"),
        ("2021-03-31", "-", "P1M", "2021-02-28"),
        ("2021-01-02", "-", "P1M", "2020-12-02"),
        # date and time +- days and time duration
        ("2021-01-12T10:10:10", "+", "P1DT1H", "2021-01-13T11:10:10"),
        ("2021-01-01T24:00:00", "+", "PT1S", "2021-01-02T00:00:01"),
        ("2021-01-01T24:00:00", "-", "-PT1S", "2021-01-02T00:00:01"),
        ("2021-01-02T00:00:00", "-", "PT1H", "2021-01-01T23:00:00"),
        ("-2021-01-01T10:10:10+11:00", "-", "P1D", "-2022-12-31T10:10:10+11:00"),
        ("-PT1H", "+", "-2021-01-01T10:10:10@Australia/Melbourne",
         "-2021-01-01T09:10:10@Australia/Melbourne"),
        ("2021-01-12T10:10:10@Australia/Melbourne", "+", "P1DT1H",
         "2021-01-13T11:10:10@Australia/Melbourne"),
        # across a daylight-saving change the instant moves by the duration
        ("2021-03-27T12:00:00@Europe/Paris", "+", "PT24H", "2021-03-28T13:00:00@Europe/Paris"),
        ("2021-03-27T12:00:00@Europe/Paris", "+", "P1D", "2021-03-28T13:00:00@Europe/Paris"),
        # date +- duration: as midnight UTC, then the date of the result
        ("2021-01-01", "+", "P1D", "2021-01-02"),
        ("2021-01-01", "+", "PT36H", "2021-01-02"),
        ("PT48H", "+", "2021-01-01", "2021-01-03"),
        ("2021-01-02", "-", "PT1S", "2021-01-01"),
        ("2021-01-02", "-", "-PT1H", "2021-01-02"),
        ("2021-01-02", "-", "-PT24H", "2021-01-03"),
        ("2020-03-01", "-", "PT24H", "2020-02-29"),
        ("2021-01-01", "+", "P1Y", "2022-01-01"),
        # time +- days and time duration: around the clock
        ("10:15:00", "+", "PT1H", "11:15:00"),
        ("10:15:00", "+", "P1D", "10:15:00"),
        ("23:30:00+11:00", "+", "PT1H", "00:30:00+11:00"),
        ("00:30:00", "-", "PT1H", "23:30:00"),
        ("10:15:00@Australia/Melbourne", "-", "PT1H", "09:15:00@Australia/Melbourne"),
        ("P1D", "+", "10:15:00+11:00", "10:15:00+11:00"),
        ("10:10:10", "+", "P1Y", ERR),
        # differences
        ("2021-01-02T10:10:10", "-", "2021-01-01T10:10:10", "P1D"),
        ("2021-01-02T10:10:10@Europe/Paris", "-", "2021-01-01T10:10:10@Asia/Dhaka", "P1DT5H"),
        ("2021-01-02T10:10:10+01:00", "-", "2021-01-01T10:10:10@Europe/Paris", "P1D"),
        ("2021-01-02T00:00:00Z", "-", "2021-01-02", "PT0S"),
        ("2021-01-02T10:10:10@Europe/Paris", "-", "1995-01-01", "P9498DT9H10M10S"),
        ("2021-01-02", "-", "2021-01-01T10:10:10+11:00", "P1DT49M50S"),
        ("2021-01-02", "-", "1995-01-01", "P9498D"),
        ("2016-12-24T23:59:00-08:00", "-", "2015-12-24T00:00:01-01:00", "P367DT6H58M59S"),
        ("2021-01-02T10:10:10@Europe/Paris", "-", "2021-01-01T10:10:10", ERR),
        ("2021-01-02T10:10:10", "-", "2021-01-01T10:10:10+02:00", ERR),
        ("2021-01-01T00:00:00", "-", "2021-01-02", ERR),
        ("10:10:10", "-", "11:10:10", "-PT1H"),
        ("10:10:10+11:00", "-", "09:10:10+11:00", "PT1H"),
        ("10:10:10+01:00", "-", "10:10:10Z", "-PT1H"),
        ("10:10:10@Australia/Melbourne", "-", "11:10:10@Australia/Melbourne", "-PT1H"),
        ("10:10:10", "-", "10:10:10Z", ERR),
        # durations with durations
        ("P1Y", "+", "-P2M", "P10M"),
        ("-P1Y", "-", "P2M", "-P1Y2M"),
        ("P1D", "-", "PT2H", "PT22H"),
        ("PT24H", "+", "P1D", "P2D"),
        ("P1D", "+", "P1Y", ERR),
        ("P1Y", "-", "P1D", ERR),
        # scaling
        ("P4DT1H", "*", "1.5", "P6DT1H30M"),
        ("2.5", "*", "PT23H", "P2DT9H30M"),
        ("-10", "*", "-P1D", "P10D"),
        ("0", "*", "P1D", "PT0S"),
        ("P1Y11M", "*", "-2.5", "-P4Y9M"),
        ("P2M", "*", "1.5", "P3M"),
        ("P10Y11M", "/", "2.5", "P4Y4M"),
        ("P10Y11M", "/", "-2.5", "-P4Y4M"),
        ("P10DT23H", "/", "2.5", "P4DT9H12M"),
        ("PT1S", "/", "3", "PT0.333333333S"),
        ("P1D", "/", "0", ERR),
        ("P1Y", "/", "0", ERR),
        ("P1D", "*", "P1D", ERR),
        ("10", "/", "P1D", ERR),
        # points in time do not add or scale
        ("2021-01-01", "+", "2021-01-01", ERR),
        ("2021-01-01T10:10:10", "+", "10:10:10", ERR),
        ("10:10:10", "*", "2", ERR),
        ("P1D", "-", "2021-01-01", ERR),
        ("2021-01-01", "-", "10:10:10", ERR),
    ],
)  # fmt: skip
def test_temporal_arithmetic(a: str, op: str, b: str, expected: str) -> None:
    fn = {"+": ops.add, "-": ops.subtract, "*": ops.multiply, "/": ops.divide}[op]
    try:
        result = str(fn(lit(a), lit(b)))
    except FeelEvalError:
        result = ERR
    assert result == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("P10Y", "P5Y", D(2)), ("P10D", "P5D", D(2)), ("P1D", "PT1H", D(24)),
     ("P10D", "P0D", ERR), ("P10D", "P0Y", ERR), ("P1Y", "P0M", ERR)],
)  # fmt: skip
def test_duration_ratio(a: str, b: str, expected: Any) -> None:
    try:
        assert ops.divide(lit(a), lit(b)) == expected
    except FeelEvalError:
        assert expected == ERR


def test_negation_of_durations() -> None:
    assert str(ops.negate(lit("P1D"))) == "-P1D"
    assert str(ops.negate(lit("-P1Y"))) == "P1Y"
    with pytest.raises(FeelEvalError):
        ops.negate(lit("2021-01-01"))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2018-12-08", "2018-12-08", True),
        ("2018-12-07", "2018-12-08", False),
        ("10:30:00.0000", "10:30:00", True),
        ("10:30:00.0001", "10:30:00.0002", True),  # compared to the millisecond
        ("10:30:00.001", "10:30:00.002", False),
        ("10:30:00Z", "10:30:00+00:00", True),
        ("10:30:00@Europe/Paris", "10:30:00@Europe/Paris", True),
        ("10:30:00+01:00", "09:30:00Z", True),
        ("10:30:00", "10:30:00Z", None),
        ("2018-12-08T00:00:00@Europe/Paris", "2018-12-08T00:00:00@Asia/Dhaka", False),
        ("2018-10-08T00:00:00+02:00", "2018-10-08T00:00:00@Europe/Paris", True),
        ("2018-02-08T00:00:00+01:00", "2018-02-08T00:00:00@Europe/Paris", True),
        ("2002-04-02T12:00:00@Australia/Melbourne", "2002-04-02T12:00:00@Australia/Sydney", True),
        ("2018-12-08T00:00:00+00:00", "2018-12-08T00:00:00@Etc/UTC", True),
        ("2002-04-02T23:00:00-04:00", "2002-04-03T02:00:00-01:00", True),
        ("2018-12-08T00:00:00", "2018-12-08T00:00:00Z", None),
        ("2018-12-08", "2018-12-08T00:00:00Z", None),
        ("P1D", "PT24H", True),
        ("P0D", "-P0D", True),
        ("P1Y", "P12M", True),
        ("P1Y", "P365D", None),
        ("P1D", "-P1D", False),
    ],
)
def test_temporal_equality(a: str, b: str, expected: bool | None) -> None:
    assert ops.equal(lit(a), lit(b)) is expected
    assert ops.equal(lit(b), lit(a)) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2018-12-07", "2018-12-08", -1),
        ("-2018-12-07", "2018-12-08", -1),
        ("2018-12-08T10:00:00", "2018-12-08T09:00:00", 1),
        ("2018-12-08T10:00:00+01:00", "2018-12-08T09:30:00Z", -1),
        ("23:00:00-05:00", "01:00:00Z", 1),
        ("10:00:00", "11:00:00", -1),
        ("P1M", "P1Y", -1),
        ("PT1H", "PT59M", 1),
        ("P1D", "P1M", None),
        ("10:00:00", "2018-12-08", None),
        ("2018-12-08T10:00:00", "2018-12-08T10:00:00Z", None),
    ],
)
def test_temporal_ordering(a: str, b: str, expected: int | None) -> None:
    assert ops.compare(lit(a), lit(b)) == expected


def test_zoned_time_without_date_compares_by_offset_of_its_zone() -> None:
    # Europe/Paris is +01:00 in winter: the reference day for a time without a date.
    assert ops.compare(lit("10:00:00@Europe/Paris"), lit("09:00:00Z")) == 0


@pytest.mark.parametrize(
    ("date", "weekday", "week", "ordinal"),
    [
        ((2021, 1, 1), 5, 53, 1),
        ((2021, 1, 4), 1, 1, 4),
        ((2020, 12, 31), 4, 53, 366),
        ((2019, 12, 30), 1, 1, 364),
        ((1970, 1, 1), 4, 1, 1),
        ((-1, 12, 31), 5, 52, 365),
        ((0, 12, 31), 7, 52, 366),
    ],
)
def test_calendar(date: tuple[int, int, int], weekday: int, week: int, ordinal: int) -> None:
    days = calendar.days_from_civil(*date)
    assert calendar.civil_from_days(days) == date
    assert calendar.iso_weekday(days) == weekday
    assert calendar.iso_week_of_year(*date) == week
    assert calendar.day_of_year(*date) == ordinal


@pytest.mark.parametrize("days", [-(10**11), -719529, -1, 0, 1, 59, 10957, 2932896, 10**11])
def test_day_numbers_round_trip(days: int) -> None:
    assert calendar.days_from_civil(*calendar.civil_from_days(days)) == days


def test_dates_beyond_the_year_range_are_errors() -> None:
    with pytest.raises(FeelEvalError):
        ops.add(lit("999999999-12-31"), lit("P1D"))
    with pytest.raises(FeelEvalError):
        ops.subtract(lit("-999999999-01-01"), lit("P1Y"))


def test_nanoseconds_are_kept_exactly() -> None:
    value = ops.add(lit("2017-12-31T23:59:59.999999999"), lit("PT0.000000001S"))
    assert str(value) == "2018-01-01T00:00:00"
    assert temporal.nanos_to_seconds(temporal.seconds_to_nanos(D("1.000000001"))) == D(
        "1.000000001"
    )
