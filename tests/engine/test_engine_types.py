"""Types: item definitions built, typeRefs resolved, values converted per DMN 1.5 10.3.2.9.4."""

from __future__ import annotations

from typing import Any

import pytest
from engine_builders import dec, inp, item, lit, load, num

from service.feel.values import Date, DateTime

ITEMS = [
    item("tGrade", "string", allowed='"A","B","C"'),
    item("tScore", "number", allowed="[0..100]"),
    item("tScores", "number", collection=True),
    item("tGrades", "tGrade", collection=True),
    item("tPerson", components=[item("name", "string"), item("age", "tScore")]),
    item("tPeople", "tPerson", collection=True),
    item("tShortList", "number", collection=True, constraint="count(?) <= 2"),
    item("tWhen", "date and time"),
    item("tNested", components=[item("who", "tPerson"), item("tags", "string", collection=True)]),
]


@pytest.mark.parametrize(
    ("type_ref", "value", "expected"),
    [
        ("string", "a", "a"),
        ("string", num(1), None),
        ("number", [num(1)], num(1)),
        ("number", [num(1), num(2)], None),
        ("tGrade", "B", "B"),
        ("tGrade", "Z", None),
        ("tScore", num(101), None),
        ("tScores", num(3), [num(3)]),
        ("tScores", [num(3), None], [num(3), None]),
        ("tScores", ["x"], None),
        ("tGrades", ["A", "C"], ["A", "C"]),
        ("tGrades", ["A", "Q"], None),
        ("tPerson", {"name": "Ann", "age": num(40)}, {"name": "Ann", "age": num(40)}),
        (
            "tPerson",
            {"name": "Ann", "age": num(40), "x": 1},
            {"name": "Ann", "age": num(40), "x": 1},
        ),
        ("tPerson", {"name": "Ann"}, None),
        ("tPerson", {"name": "Ann", "age": num(400)}, None),
        ("tPeople", {"name": "Ann", "age": num(4)}, [{"name": "Ann", "age": num(4)}]),
        ("tShortList", [num(1), num(2)], [num(1), num(2)]),
        ("tShortList", [num(1), num(2), num(3)], None),
        ("tWhen", Date(2024, 5, 1), "datetime"),
        ("tNested", {"who": {"name": "B", "age": num(1)}, "tags": ["x"]}, "same"),
        ("tNested", {"who": {"name": "B"}, "tags": ["x"]}, None),
        ("list<number>", num(2), [num(2)]),
        ("Any", "x", "x"),
        ("feel:string", "x", "x"),
        ("xsd:decimal", num(2), num(2)),
        ("tns:tGrade", "Z", None),
        (None, "x", "x"),
    ],
)
def test_input_data_values_are_converted(type_ref: str | None, value: Any, expected: Any) -> None:
    model = load(inp("In", type_ref), dec("Out", "In", ["In"]), items=ITEMS)
    result = model.evaluate({"In": value})
    got = result.values["Out"]
    if expected == "datetime":
        assert isinstance(got, DateTime) and got.date == value and got.time.offset == 0
    elif expected == "same":
        assert got == value
    else:
        assert got == expected
    if expected is None and value is not None:
        assert [w.code for w in result.warnings] == ["ENGINE_TYPE_COERCION"]


def test_decision_result_is_converted_to_its_type() -> None:
    model = load(
        dec("A", "1 + 1", type_ref="string"),
        dec("B", '"x"', type_ref="tScores"),
        dec("C", "[7]", type_ref="tScore"),
        dec("D", "null", type_ref="tScores"),
        items=ITEMS,
    )
    assert model.evaluate({}).values == {"A": None, "B": None, "C": num(7), "D": None}


def test_unknown_type_is_a_warning_and_not_checked() -> None:
    model = load(inp("In", "tMissing"), dec("Out", "In", ["In"]))
    assert model.evaluate({"In": "x"}).values["Out"] == "x"


def test_instance_of_sees_item_definitions() -> None:
    model = load(
        inp("In", "tPerson"),
        dec("Out", lit("In instance of tPerson"), ["In"]),
        items=ITEMS,
    )
    assert model.evaluate({"In": {"name": "A", "age": num(1)}}).values["Out"] is True


@pytest.mark.parametrize(
    ("element", "value", "kept"),
    [
        ("string", ["a", None, "b"], True),
        ("string", [], True),
        ("string", ["a", num(1)], False),
        ("number", [num(1), None], True),
        ("number", [True], False),  # a boolean is not a number, though Python says True == 1
        ("boolean", [num(1)], False),
        ("boolean", [False, None], True),
    ],
)
def test_a_list_of_a_builtin_type_is_checked_item_by_item(
    element: str, value: list[Any], kept: bool
) -> None:
    from service.engine.types import Declared
    from service.feel import types as ft
    from service.feel.env import Env

    declared = Declared(f"list<{element}>", ft.ListType(ft.BuiltinType(element)))
    env = Env()
    result = declared.coerce(value, env, "test")
    assert (result is value) is kept
    assert bool(env.evaluation.warnings) is not kept
