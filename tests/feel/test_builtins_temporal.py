"""Temporal built-ins (DMN 1.5 10.3.4.1 and 10.3.4.11) called through the registry."""

from __future__ import annotations

from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest

from service.feel.builtins import BUILTINS
from service.feel.builtins import temporal as temporal_builtins
from service.feel.env import Env, Evaluation
from service.feel.errors import FeelEvalError
from service.feel.temporal import parse_literal
from service.feel.values import Date, DateTime, Time

ERR = "error"  # the call raised FeelEvalError (null + warning once compiled)


def call(name: str, *args: Any, env: Env | None = None, **named: Any) -> Any:
    """Invoke a built-in positionally, or by name when keyword arguments are given."""
    env = env or Env()
    try:
        if named:
            return BUILTINS[name].invoke(env, [], {k.rstrip("_"): v for k, v in named.items()})
        return BUILTINS[name].invoke(env, list(args), None)
    except FeelEvalError:
        return ERR


def lit(text: str) -> Any:
    return parse_literal(text)


def shown(value: Any) -> Any:
    """Temporal values as their FEEL string, with their class, to compare exactly."""
    if isinstance(value, str | D | type(None)) or value == ERR:
        return value
    return f"{type(value).__name__}:{value}"


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("date", ("2017-12-31",), "Date:2017-12-31"),
        ("date", ("-2017-01-01",), "Date:-2017-01-01"),
        ("date", ("999999999-12-31",), "Date:999999999-12-31"),
        ("date", (lit("2017-08-14T14:25:00.123456789"),), "Date:2017-08-14"),
        ("date", (lit("2017-09-03T09:45:30@Europe/Paris"),), "Date:2017-09-03"),
        ("date", (lit("2017-10-11"),), "Date:2017-10-11"),
        ("date", (D(2017), D(12), D(31)), "Date:2017-12-31"),
        ("date", (D(-2017), D(1), D(1)), "Date:-2017-01-01"),
        ("date", (D(999999999), D(12), D(31)), "Date:999999999-12-31"),
        ("date", (None,), ERR),
        ("date", (D(2017), None, D(1)), ERR),
        ("date", ("2012-12-25T",), ERR),
        ("date", ("2019-02-29",), ERR),
        ("date", ("2017-13-10",), ERR),
        ("date", (D(2017), D(13), D(31)), ERR),
        ("date", (D(2017), D(2), D(29)), ERR),
        ("date", (D(2017), D(-8), D(2)), ERR),
        ("date", (D(-1000999999), D(12), D(1)), ERR),
        ("date", (D("2017.5"), D(1), D(1)), ERR),
        ("date", (D(1),), ERR),
        ("date", ([],), ERR),
        ("date", (), ERR),
        ("time", ("01:02:03",), "Time:01:02:03"),
        ("time", ("11:22:33.123456789",), "Time:11:22:33.123456789"),
        ("time", ("13:20:00-05:00",), "Time:13:20:00-05:00"),
        ("time", ("00:01:00@Europe/Paris",), "Time:00:01:00@Europe/Paris"),
        ("time", (lit("2017-08-10T10:20:00+01:00"),), "Time:10:20:00+01:00"),
        ("time", (lit("2017-08-10T10:20:00@Europe/Paris"),), "Time:10:20:00@Europe/Paris"),
        ("time", (lit("2017-08-10"),), "Time:00:00:00Z"),
        ("time", (lit("10:00:00"),), "Time:10:00:00"),
        ("time", (D(12), D(0), D(0), None), "Time:12:00:00"),
        ("time", (D(12), D(0), D(0)), "Time:12:00:00"),
        ("time", (D(11), D(59), D(45), lit("PT0H")), "Time:11:59:45Z"),
        ("time", (D(11), D(59), D(45), lit("-PT2H")), "Time:11:59:45-02:00"),
        ("time", (D(11), D(59), D(0), lit("PT2H1M")), "Time:11:59:00+02:01"),
        ("time", (D(11), D(59), D(45), lit("PT2H45M55S")), "Time:11:59:45+02:45:55"),
        ("time", (D(12), D(59), D("1.3"), lit("-PT1H")), "Time:12:59:01.3-01:00"),
        ("time", (D(24), D(59), D(45), None), ERR),
        ("time", (D(23), D(60), D(45), None), ERR),
        ("time", (D(23), D(59), D(60), None), ERR),
        ("time", (D(12), D(0), D(0), lit("PT19H")), ERR),
        ("time", (D(12), D(0), D(0), lit("P1Y")), ERR),
        ("time", (None, D(11), D(45), None), ERR),
        ("time", ("24:00:01",), ERR),
        ("time", (D(2017),), ERR),
        ("date and time", ("2012-12-24",), "DateTime:2012-12-24T00:00:00"),
        ("date and time", ("2017-12-31T11:22:33.345",), "DateTime:2017-12-31T11:22:33.345"),
        ("date and time", ("-2017-12-31T11:22:33",), "DateTime:-2017-12-31T11:22:33"),
        ("date and time", ("2017-12-31T11:22:33-01:35",), "DateTime:2017-12-31T11:22:33-01:35"),
        ("date and time", (lit("2017-01-01"), lit("23:59:01")), "DateTime:2017-01-01T23:59:01"),
        ("date and time", (lit("2017-01-01"), lit("23:59:01@Europe/Paris")),
         "DateTime:2017-01-01T23:59:01@Europe/Paris"),
        ("date and time", (lit("2017-08-10T10:20:00+02:00"), lit("23:59:01")),
         "DateTime:2017-08-10T23:59:01"),
        ("date and time", (lit("2017-09-05T10:20:00@Europe/Paris"), lit("09:15:30Z")),
         "DateTime:2017-09-05T09:15:30Z"),
        ("date and time", (lit("2017-08-10"),), "DateTime:2017-08-10T00:00:00"),
        ("date and time", ("11:00:00",), ERR),
        ("date and time", ("2011-12-03T10:15:30+01:00@Europe/Paris",), ERR),
        ("date and time", (lit("2017-08-10"), None), ERR),
        ("date and time", (None, lit("23:59:01")), ERR),
        ("date and time", (D(2017),), ERR),
        ("duration", ("P1D",), "DaysTimeDuration:P1D"),
        ("duration", ("PT1000M0.999999999S",), "DaysTimeDuration:PT16H40M0.999999999S"),
        ("duration", ("P26M",), "YearsMonthsDuration:P2Y2M"),
        ("duration", ("-P99999999Y",), "YearsMonthsDuration:-P99999999Y"),
        ("duration", (lit("P1D"),), "DaysTimeDuration:P1D"),
        ("duration", ("",), ERR),
        ("duration", ("P1H",), ERR),
        ("duration", (D(2017),), ERR),
        ("duration", (None,), ERR),
        ("years and months duration", (lit("2011-12-22"), lit("2013-08-24")),
         "YearsMonthsDuration:P1Y8M"),
        ("years and months duration", (lit("2013-08-24"), lit("2011-12-22")),
         "YearsMonthsDuration:-P1Y8M"),
        ("years and months duration",
         (lit("2015-12-24T00:00:01-01:00"), lit("2016-12-24T23:59:00-08:00")),
         "YearsMonthsDuration:P1Y"),
        ("years and months duration", (lit("2016-01-31"), lit("2016-02-29")),
         "YearsMonthsDuration:P0M"),
        ("years and months duration", (lit("2016-01-31T10:00:00"), lit("2016-02-29T10:00:00")),
         "YearsMonthsDuration:P0M"),
        ("years and months duration", (lit("2016-01-15"), lit("2016-02-15T00:00:00")),
         "YearsMonthsDuration:P1M"),
        ("years and months duration", (lit("2016-01-15T12:00:00"), lit("2016-02-15")),
         "YearsMonthsDuration:P1M"),
        ("years and months duration", (lit("2016-02-15"), lit("2016-01-16")),
         "YearsMonthsDuration:P0M"),
        ("years and months duration", (lit("1980-02-29"), lit("2024-02-28")),
         "YearsMonthsDuration:P43Y11M"),
        ("years and months duration", (lit("2016-01-15"), "2016-02-15"), ERR),
        ("years and months duration", (None, lit("2016-02-15")), ERR),
        ("day of year", (lit("2020-12-31"),), D(366)),
        ("day of year", (lit("2021-02-01T10:00:00"),), D(32)),
        ("day of week", (lit("2019-09-17"),), "Tuesday"),
        ("day of week", (lit("2021-01-17T10:10:10"),), "Sunday"),
        ("day of week", ("foo",), ERR),
        ("day of week", (None,), ERR),
        ("month of year", (lit("2019-09-17"),), "September"),
        ("month of year", (lit("2021-01-01T10:10:10"),), "January"),
        ("week of year", (lit("2021-01-01"),), D(53)),
        ("week of year", (lit("2019-12-30"),), D(1)),
        ("week of year", (lit("2004-12-31T23:59:59"),), D(53)),
        ("week of year", (lit("10:00:00"),), ERR),
    ],
)  # fmt: skip
def test_positional_calls(name: str, args: tuple[Any, ...], expected: Any) -> None:
    assert shown(call(name, *args)) == expected


@pytest.mark.parametrize(
    ("name", "named", "expected"),
    [
        ("date", {"from": "2012-12-25"}, "Date:2012-12-25"),
        ("date", {"year": D(2017), "month": D(8), "day": D(30)}, "Date:2017-08-30"),
        ("time", {"from": "12:45:00"}, "Time:12:45:00"),
        ("time", {"hour": D(11), "minute": D(59), "second": D(0), "offset": lit("-PT2H")},
         "Time:11:59:00-02:00"),
        ("time", {"hour": D(11), "minute": D(59), "second": D(0)}, "Time:11:59:00"),
        ("date and time", {"date": lit("2017-01-01T00:00:00"), "time": lit("23:59:01")},
         "DateTime:2017-01-01T23:59:01"),
        ("date and time", {"from": "2012-12-24T23:59:00"}, "DateTime:2012-12-24T23:59:00"),
        ("duration", {"from": "PT24H"}, "DaysTimeDuration:P1D"),
        ("years and months duration", {"from": lit("2011-12-22"), "to": lit("2013-08-24")},
         "YearsMonthsDuration:P1Y8M"),
        ("day of week", {"date": lit("2019-09-17")}, "Tuesday"),
        ("day of week", {"value": lit("2019-09-17")}, ERR),
    ],
)  # fmt: skip
def test_named_calls(name: str, named: dict[str, Any], expected: Any) -> None:
    assert shown(call(name, **named)) == expected


def test_now_is_fixed_for_one_evaluation() -> None:
    env = Env()
    first = call("now", env=env)
    assert isinstance(first, DateTime) and first.time.offset == 0
    assert call("now", env=env.child()) is first
    today = call("today", env=env)
    assert isinstance(today, Date) and today == first.date
    assert call("now", D(123), env=env) == ERR


def test_now_uses_a_clock_set_by_the_caller() -> None:
    env = Env()
    env.evaluation.now = lit("2024-02-29T08:00:00@Europe/Paris")
    assert str(call("today", env=env)) == "2024-02-29"
    assert isinstance(call("now", env=env).time, Time)


@pytest.mark.parametrize(
    ("zone", "today", "now"),
    [
        (None, "2024-03-01", "2024-03-01T22:30:00Z"),
        ("Australia/Sydney", "2024-03-02", "2024-03-02T09:30:00@Australia/Sydney"),
        ("America/Los_Angeles", "2024-03-01", "2024-03-01T14:30:00@America/Los_Angeles"),
    ],
)
def test_now_and_today_are_read_in_the_evaluations_zone(
    monkeypatch: pytest.MonkeyPatch, zone: str | None, today: str, now: str
) -> None:
    # 2024-03-01T22:30:00Z: already the 2nd in Sydney, still the 1st in Los Angeles.
    instant = 1709332200 * 10**9
    monkeypatch.setattr(temporal_builtins, "_clock", SimpleNamespace(time_ns=lambda: instant))
    env = Env(evaluation=Evaluation(zone=zone))
    assert str(call("today", env=env)) == today
    assert str(call("now", env=env)) == now
