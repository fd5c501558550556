"""List built-ins (DMN 1.5 10.3.4.4), aggregates and sort, called through the registry."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from builtin_calls import ERR, call

from service.feel import evaluate
from service.feel.values import Function, Parameter


def feel_function(body: Any) -> Function:
    """A two-parameter FEEL function value backed by a Python lambda."""
    return Function(
        name="test",
        parameters=[Parameter("a"), Parameter("b")],
        invoke=lambda env, args, named: body(*args),
    )


def n(*values: int | str) -> list[D]:
    return [D(v) for v in values]


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("list contains", (n(1, 2, 3), D(2)), True),
        ("list contains", (n(1, 2, 3), D("2.0")), True),
        ("list contains", ([D(1), None], None), True),
        ("list contains", (["1"], D(1)), False),
        ("list contains", (None, D(1)), ERR),
        # The fast paths for string and null needles must keep FEEL equality exact.
        ("list contains", ([D(1), None, {"a": "x"}, ["x"], "x"], "x"), True),
        ("list contains", ([D(1), {"a": "x"}, ["x"]], "x"), False),
        ("list contains", ([D(0), False, ""], None), False),
        ("list contains", ([D(1)], True), False),
        ("list contains", ([True], D(1)), False),
        # ... and for number needles: only an equal number matches, whatever its scale.
        ("list contains", ([True, None, "1", [D(1)], {"a": D(1)}], D(1)), False),
        ("list contains", ([True, D("1.00")], D(1)), True),
        ("list contains", ([False], D(0)), False),
        ("list contains", ([D("-0")], D(0)), True),
        ("list contains", ([{"a": n(1)}], {"a": n("1.0")}), True),
        ("index of", ([{"a": "x"}, {"a": "y"}, {"a": "x"}], {"a": "x"}), n(1, 3)),
        ("index of", ([[D(1), True]], [D(1), D(1)]), []),
        ("count", (n(1, 2, 3),), D(3)),
        ("count", ([],), D(0)),
        ("count", ("a",), D(1)),
        ("sublist", (["a", "b", "c"], D(1), D(2)), ["a", "b"]),
        ("sublist", (["a", "b", "c"], D(-1), D(1)), ["c"]),
        ("sublist", (["a", "b", "c"], D(2)), ["b", "c"]),
        ("sublist", (["a", "b", "c"], D(4)), ERR),
        ("sublist", (["a", "b", "c"], D(2), D(5)), ERR),
        ("append", (["a"], "b", "c"), ["a", "b", "c"]),
        ("append", ([["w"]], ["t"]), [["w"], ["t"]]),
        ("append", ([],), []),
        ("concatenate", (["a"], ["b", "c"], []), ["a", "b", "c"]),
        ("concatenate", (["a"], None), ERR),
        ("insert before", (["x", "y", "z"], D(2), "OK"), ["x", "OK", "y", "z"]),
        ("insert before", (["x", "y"], D(-1), "OK"), ["x", "OK", "y"]),
        ("insert before", (["x"], D(0), "OK"), ERR),
        ("remove", (["x", "y", "z"], D(2)), ["x", "z"]),
        ("remove", (["x", "y", "z"], D(-1)), ["x", "y"]),
        ("remove", (["x"], D(2)), ERR),
        ("reverse", (n(1, 2, 3),), n(3, 2, 1)),
        ("index of", (n(1, 2, 3, 2), D(2)), n(2, 4)),
        ("index of", (["a"], "b"), []),
        ("union", (n(1, 2), n(2, 3)), n(1, 2, 3)),
        ("distinct values", (n(1, 2, 1, 3, 2),), n(1, 2, 3)),
        ("distinct values", ([D(1), True, D("1.0"), None, None],), [D(1), True, None]),
        ("distinct values", ([[D(1)], [D("1.0")], {"a": "b"}, {"a": "b"}],), [[D(1)], {"a": "b"}]),
        ("flatten", ([["w", "x"], [["y"]], "z"],), ["w", "x", "y", "z"]),
        ("flatten", (None,), ERR),
        ("list replace", (n(2, 4, 7, 8), D(3), D(6)), n(2, 4, 6, 8)),
        ("list replace", (n(2, 4, 7, 8), D(-1), D(6)), n(2, 4, 7, 6)),
        ("list replace", (n(2, 4), D(3), D(6)), ERR),
    ],
)
def test_list_functions(name: str, args: tuple[Any, ...], expected: Any) -> None:
    assert call(name, *args) == expected


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("min", (n(6, 14, -3),), D(-3)),
        ("min", (D(1), D(2)), D(1)),
        ("min", ([],), None),
        ("min", (["b", "a"],), "a"),
        ("min", ([D(1), "a"],), ERR),
        ("min", (), ERR),
        ("max", (n(6, 14, -3),), D(14)),
        ("max", (D(5),), D(5)),
        ("sum", (n(6, 14, -3),), D(17)),
        ("sum", (D(1), D(2), D(3)), D(6)),
        ("sum", ([],), None),
        ("sum", ([D(1), "a"],), ERR),
        ("mean", (n(1, 2, 3),), D(2)),
        ("mean", ([],), None),
        ("median", (n(8, 2, 5, 3, 4),), D(4)),
        ("median", (n(6, 1, 2, 3),), D("2.5")),
        ("median", ([],), None),
        ("median", (None,), ERR),
        ("median", (D(4),), D(4)),
        ("stddev", (n(2, 4, 7, 5),), D("2.081665999466132735282297706979931")),
        ("stddev", (n(47),), ERR),
        ("stddev", ([],), ERR),
        ("mode", (n(6, 3, 9, 6, 6),), n(6)),
        ("mode", (n(3, 6, 1, 9, 6, 1, 3),), n(1, 3, 6)),
        ("mode", (n("2.5", 1, "2.50", 3),), n("2.5")),
        ("mode", ([],), []),
        ("mode", ([D(1), "foo"],), ERR),
        ("product", (n(6, 3, 9, 6, 6),), D(5832)),
        ("product", (D(2), D(3), D(4)), D(24)),
        ("product", ([],), ERR),
        ("product", ([D(1), None],), ERR),
        ("all", ([True, False, True],), False),
        ("all", ([True, True],), True),
        ("all", ([True, None],), None),
        ("all", ([],), True),
        ("all", (False,), False),
        ("all", (None,), ERR),
        ("all", (D(123),), ERR),
        ("all", (True, None, True), None),
        ("all", (), ERR),
        ("any", ([True, False],), True),
        ("any", ([False, False],), False),
        ("any", ([],), False),
        ("any", (None, False), None),
        ("any", ([D(123), False],), ERR),
    ],
)
def test_aggregates(name: str, args: tuple[Any, ...], expected: Any) -> None:
    result = call(name, *args)
    assert result == expected
    assert type(result) is type(expected)


def test_aggregates_take_named_list() -> None:
    assert call("all", list=[True, False]) is False
    assert call("median", list=n(8, 2, 5, 7)) == D(6)
    assert call("median", l=n(8, 2, 5, 7)) == ERR
    assert call("mode", list=None) == ERR


def test_mean_keeps_34_digits() -> None:
    assert call("mean", n(6, 14, -3)) == D("5.666666666666666666666666666666667")


def test_list_replace_with_match_function() -> None:
    below = feel_function(lambda item, new: item < new)
    assert call("list replace", n(2, 4, 7, 8), below, D(5)) == n(5, 5, 7, 8)
    assert call("list replace", list=n(2, 4, 7, 8), match=below, newItem=D(5)) == n(5, 5, 7, 8)
    assert call("list replace", list=n(2), match=D(1), newItem=D(5)) == ERR
    bad = feel_function(lambda item, new: D(1))
    assert call("list replace", n(2), bad, D(5)) == ERR


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((n(3, 1, 4, 5),), n(1, 3, 4, 5)),
        ((["10", "8", "9", "A", "Aa", "a"],), ["10", "8", "9", "A", "Aa", "a"]),
        ((n(3, 1, 4, 5), feel_function(lambda x, y: x > y)), n(5, 4, 3, 1)),
        (
            ([{"c": D(4)}, {"c": D(0)}], feel_function(lambda x, y: x["c"] < y["c"])),
            [{"c": D(0)}, {"c": D(4)}],
        ),
        ((n(3, 1), feel_function(lambda x, y: None)), ERR),
        (([D(1), "a"],), ERR),
        ((None,), ERR),
        ((n(1, 2), D(1)), ERR),
    ],
)
def test_sort(args: tuple[Any, ...], expected: Any) -> None:
    assert call("sort", *args) == expected


def test_sort_is_stable_for_ties() -> None:
    rows = [{"k": D(1), "i": D(0)}, {"k": D(0), "i": D(1)}, {"k": D(1), "i": D(2)}]
    ordered = call("sort", rows, feel_function(lambda x, y: x["k"] < y["k"]))
    assert [row["i"] for row in ordered] == n(1, 0, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sort([3, 1, 2], function(x, y) x > y)", n(3, 2, 1)),
        ("sort(list: [3, 1, 2], precedes: function(x, y) x < y)", n(1, 2, 3)),
        ("list replace([2, 4, 7, 8], function(item, newItem) item < newItem, 5)", n(5, 5, 7, 8)),
        ("min(list: [3, 1])", D(1)),
        ("sum(1, 2, 3)", D(6)),
        ("index of([1, 2, 3, 2], 2)", n(2, 4)),
    ],
)
def test_through_feel(text: str, expected: Any) -> None:
    assert evaluate(text) == expected
