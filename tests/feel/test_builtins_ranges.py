"""Range built-ins (DMN 1.5 10.3.4.6): the point/range relations, through the registry."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from service.feel import evaluate
from service.feel.builtins import BUILTINS
from service.feel.env import Env
from service.feel.errors import FeelEvalError
from service.feel.values import Date, Range, YearsMonthsDuration

ERR = "error"  # the call raised FeelEvalError (null + warning once compiled)


def call(name: str, *args: Any, **named: Any) -> Any:
    """Invoke a built-in positionally, or by name when keyword arguments are given."""
    try:
        if named:
            return BUILTINS[name].invoke(Env(), [], named)
        return BUILTINS[name].invoke(Env(), list(args), None)
    except FeelEvalError:
        return ERR


def r(text: str) -> Range:
    """A numeric range from its FEEL text: "[1..5)", "]1..5]", "<5" or ">=3"."""
    if text[0] in "<>":
        op, value = text.rstrip("0123456789"), D(text.lstrip("<>="))
        if op.startswith("<"):
            return Range(None, value, False, op == "<=")
        return Range(value, None, op == ">=", False)
    start, end = text[1:-1].split("..")
    return Range(D(start), D(end), text[0] == "[", text[-1] == "]")


P = D  # a point


@pytest.mark.parametrize(
    ("name", "a", "b", "expected"),
    [
        ("before", P(1), P(10), True),
        ("before", P(10), P(1), False),
        ("before", P(1), r("[2..5]"), True),
        ("before", P(1), r("(1..5]"), True),
        ("before", P(1), r("[1..5]"), False),
        ("before", r("[1..5]"), P(10), True),
        ("before", r("[1..10)"), P(10), True),
        ("before", r("[1..10]"), P(10), False),
        ("before", r("[1..5]"), r("[6..8]"), True),
        ("before", r("[1..5)"), r("[5..8]"), True),
        ("before", r("[1..5]"), r("[5..8]"), False),
        ("before", r("<5"), r(">=5"), True),
        ("before", r("<=5"), r(">=5"), False),
        ("after", P(10), P(1), True),
        ("after", P(12), r("[2..5]"), True),
        ("after", P(5), r("[2..5)"), True),
        ("after", r("[2..5]"), P(1), True),
        ("after", r("(1..5]"), P(1), True),
        ("after", r("[6..8]"), r("[1..5]"), True),
        ("after", r("(5..8]"), r("[1..5]"), True),
        ("after", r("[5..8]"), r("[1..5]"), False),
        ("meets", r("[1..5]"), r("[5..8]"), True),
        ("meets", r("[1..5)"), r("[5..8]"), False),
        ("meets", r("[1..5]"), r("(5..8]"), False),
        ("meets", r("[1..5]"), r("[6..8]"), False),
        ("met by", r("[5..8]"), r("[1..5]"), True),
        ("met by", r("[5..8]"), r("[1..5)"), False),
        ("overlaps", r("[1..5]"), r("[3..8]"), True),
        ("overlaps", r("[3..8]"), r("[1..5]"), True),
        ("overlaps", r("[1..8]"), r("[3..5]"), True),
        ("overlaps", r("[1..5]"), r("[6..8]"), False),
        ("overlaps", r("[1..5]"), r("[5..8]"), True),
        ("overlaps", r("[1..5]"), r("(5..8]"), False),
        ("overlaps", r("<5"), r(">3"), True),
        ("overlaps before", r("[1..5]"), r("[3..8]"), True),
        ("overlaps before", r("[1..5]"), r("[6..8]"), False),
        ("overlaps before", r("[1..5]"), r("[5..8]"), True),
        ("overlaps before", r("[1..5]"), r("(5..8]"), False),
        ("overlaps before", r("[1..5)"), r("[3..5]"), True),
        ("overlaps before", r("(1..5]"), r("[1..5]"), False),
        ("overlaps after", r("[3..8]"), r("[1..5]"), True),
        ("overlaps after", r("[6..8]"), r("[1..5]"), False),
        ("overlaps after", r("(5..8]"), r("[1..5]"), False),
        ("finishes", P(10), r("[1..10]"), True),
        ("finishes", P(10), r("[1..10)"), False),
        ("finishes", r("[5..10]"), r("[1..10]"), True),
        ("finishes", r("[5..10)"), r("[1..10]"), False),
        ("finishes", r("[1..10]"), r("(1..10]"), False),
        ("finished by", r("[1..10]"), P(10), True),
        ("finished by", r("[1..10]"), r("[5..10]"), True),
        ("finished by", r("[1..10]"), r("[5..10)"), False),
        ("includes", r("[1..10]"), P(5), True),
        ("includes", r("[1..10]"), P(12), False),
        ("includes", r("[1..10]"), P(1), True),
        ("includes", r("(1..10]"), P(1), False),
        ("includes", r("[1..10]"), r("[4..6]"), True),
        ("includes", r("[1..10]"), r("[1..10]"), True),
        ("includes", r("(1..10)"), r("[1..10)"), False),
        ("includes", r(">0"), r("[1..10]"), True),
        ("during", P(5), r("[1..10]"), True),
        ("during", P(1), r("(1..10]"), False),
        ("during", r("[4..6]"), r("[1..10]"), True),
        ("during", r("[1..10]"), r("(1..10]"), False),
        ("starts", P(1), r("[1..10]"), True),
        ("starts", P(1), r("(1..10]"), False),
        ("starts", r("[1..5]"), r("[1..10]"), True),
        ("starts", r("(1..5]"), r("[1..10]"), False),
        ("starts", r("[1..10]"), r("[1..10)"), False),
        ("started by", r("[1..10]"), P(1), True),
        ("started by", r("[1..10]"), r("[1..5]"), True),
        ("started by", r("[1..10]"), r("(1..5]"), False),
        ("coincides", P(5), P(5), True),
        ("coincides", P(3), P(4), False),
        ("coincides", r("[1..5]"), r("[1..5]"), True),
        ("coincides", r("(1..5]"), r("[1..5]"), False),
        ("coincides", r("<5"), r("<5"), True),
    ],
)
def test_relations(name: str, a: Any, b: Any, expected: bool) -> None:
    assert call(name, a, b) is expected


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("meets", (P(1), r("[1..5]"))),
        ("includes", (P(1), P(5))),
        ("before", (P(1), "a")),
        ("before", (None, P(1))),
        ("overlaps", (r("[1..5]"),)),
    ],
)
def test_relation_errors(name: str, args: tuple[Any, ...]) -> None:
    assert call(name, *args) == ERR


def test_named_relations() -> None:
    assert call("before", point1=P(1), point2=P(2)) is True
    # before(point, range) and before(range, point) share their names: the first is used.
    assert call("before", range=r("[2..5]"), point=P(1)) is True
    assert call("overlaps", range1=r("[1..5]"), range2=r("[3..8]")) is True
    assert call("meets", point1=P(1), point2=P(2)) == ERR


def test_relations_on_strings() -> None:
    assert call("before", "a", "b") is True
    assert call("starts", "a", Range("a", "c", True, True)) is True
    assert call("includes", Range("a", "c", True, True), "b") is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1..3]", Range(D(1), D(3), True, True)),
        (" [ 1 .. 3 ] ", Range(D(1), D(3), True, True)),
        ("(18..21]", Range(D(18), D(21), False, True)),
        ("]18..21]", Range(D(18), D(21), False, True)),
        ("[-5..-1)", Range(D(-5), D(-1), True, False)),
        ('["a".."c"]', Range("a", "c", True, True)),
        ('[@"P1Y"..@"P2Y"]', Range(YearsMonthsDuration(12), YearsMonthsDuration(24), True, True)),
        (
            '[date("1970-01-01")..@"1970-01-02"]',
            Range(Date(1970, 1, 1), Date(1970, 1, 2), True, True),
        ),
        ("[..2]", ERR),
        ("[1..]", ERR),
        ("", ERR),
        (">=10", ERR),
        ("[3..1]", ERR),
        ('[1.."b"]', ERR),
        ('[@"1970-01-01"..@"1970-01-02T00:00:00"]', ERR),
        ('[date(string("1970-01-01"))..date("1970-01-02")]', ERR),
        ('[date(x)..date("1970-01-02")]', ERR),
        ("[null..null]", ERR),
        ("[1+1..3]", ERR),
    ],
)
def test_range_from_string(text: str, expected: Any) -> None:
    assert call("range", text) == expected


def test_range_needs_a_string() -> None:
    assert call("range", Range(D(1), D(3), True, True)) == ERR
    assert call("range") == ERR
    assert call("range", "[1..3]", "foo") == ERR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('2 in range("[1..3]")', True),
        ('range("[18..21[") = [18..21[', True),
        ('range(from: "(1..3]") = (1..3]', True),
        ('range("[1..3]") instance of range<number>', True),
        ("before(1, 10)", True),
        ("overlaps(range1: [1..5], range2: [3..8])", True),
        ('range("[3..1]")', None),
    ],
)
def test_through_feel(text: str, expected: Any) -> None:
    assert evaluate(text) == expected
