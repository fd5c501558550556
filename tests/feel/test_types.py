"""FEEL types: names, type expressions, instance of, conformance, implicit conversions."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from service.feel import nodes, types
from service.feel.temporal import parse_literal
from service.feel.typeexpr import from_node, parse_type
from service.feel.types import (
    ANY,
    NULL,
    NUMBER,
    STRING,
    ConstrainedType,
    ContextType,
    FeelType,
    FunctionType,
    ListType,
    RangeType,
    StructureType,
    coerce,
    conforms,
    is_instance,
    is_subtype,
    type_from_name,
    type_of,
)
from service.feel.values import Function, Parameter, Range

CTX_AB = ContextType({"a": STRING, "b": STRING})
T255 = ConstrainedType(NUMBER, lambda v: D(0) <= v <= D(255), "t255")
FOO_BAR = ConstrainedType(STRING, lambda v: v in ("FOO", "BAR"), "tFooBar")
PERSON = StructureType("tPerson", {"name": STRING, "age": NUMBER})


def fn(
    *param_types: str | None, result: str | None = None, typed: FeelType | None = None
) -> Function:
    """A function value with declared parameter types (names a, b, ...)."""
    params = [Parameter(chr(97 + i), t) for i, t in enumerate(param_types)]
    extra = {"type": typed} if typed is not None else {}
    return Function("f", params, lambda env, args, named: None, result, extra)


def t(text: str) -> FeelType:
    """A type from its FEEL text; item definition names used here resolve too."""
    found = parse_type(text, {"t_context_013": CTX_AB, "t255": T255, "tFooBar": FOO_BAR}.get)
    assert found is not None, text
    return found


@pytest.mark.parametrize(
    ("value", "type_text", "expected"),
    [
        (None, "Any", False),
        (None, "Null", True),
        (None, "number", False),
        (None, "list<Any>", False),
        (None, "context<>", False),
        (D("123.01"), "Any", True),
        (D("123.01"), "number", True),
        (D("123.01"), "boolean", False),
        (True, "boolean", True),
        (True, "number", False),
        ("foo", "string", True),
        ("foo", "Null", False),
        (parse_literal("2018-12-08"), "date", True),
        (parse_literal("2018-12-08"), "date and time", False),
        (parse_literal("2018-12-08T10:00:00"), "date and time", True),
        (parse_literal("2018-12-08T10:00:00"), "date", False),
        (parse_literal("10:30:00"), "time", True),
        (parse_literal("P1Y"), "years and months duration", True),
        (parse_literal("P1Y"), "days and time duration", False),
        (parse_literal("P1D"), "days and time duration", True),
        ([D(1), D(2)], "list<Any>", True),
        ([D(1), D(2)], "list<number>", True),
        ([D(1), "2"], "list<number>", False),
        ([], "list<number>", True),
        ([D(1)], "number", False),
        (D(1), "list<number>", False),
        ([{"a": "a", "b": "b"}], "list<t_context_013>", True),
        ([{"a": "a"}], "list<t_context_013>", False),
        ([{"a": "a", "b": "b"}], "list<context<a: string, b: string>>", True),
        ({"a": "foo"}, "context<>", True),
        ({}, "context<>", True),
        ({"a": "foo", "b": "bar", "c": "baz"}, "t_context_013", True),
        ({"a": "foo"}, "t_context_013", False),
        ({"a": "foo", "b": [D(1)]}, "t_context_013", False),
        ({"a": None}, "context<a: string>", True),
        ({"a": "123", "b": D(123)}, "context<a: string, b: number>", True),
        ({"a": "123"}, "context<a: number>", False),
        ({"a": {"b": D(123)}}, "context<a: context<b: number>>", True),
        ({"a": {"b": D(123)}}, "context<a: context<b: string>>", False),
        ([D(1)], "context<>", False),
        (Range(D(1), D(3), True, True), "range<number>", True),
        (Range(None, D(3), True, False), "range<number>", True),
        (Range("a", "c", True, True), "range<number>", False),
        (D(256), "t255", True),  # instance of ignores allowed values (TCK 0070)
        (D(255), "t255", True),
        ("123", "tFooBar", True),
        (D(123), "tFooBar", False),
        ([D(256)], "list<t255>", True),
        (fn(), "function<> -> Any", True),
        (fn(), "Any", True),
        (fn(), "context<>", False),
        ({"a": D(1)}, "function<>->Any", False),
        (fn(result="string"), "function<>->string", True),
        (fn(result="number"), "function<>->string", False),
        (fn("string", "number", result="string"), "function<string, number>->string", True),
        (fn("string", "string", result="string"), "function<string>->string", False),
        (fn("string", "string", result="string"), "function<string, number>->string", False),
        (fn(None, None, result="string"), "function<string, number>->string", True),
        (fn("context<a: string>", result="string"),
         "function<context<a: string, b: string>>->string", True),
        (fn("context<a: string, b: string>", result="string"),
         "function<context<a: string>>->string", False),
        (fn("list<number>", typed=FunctionType([ListType(NUMBER)], CTX_AB)),
         "function<list<number>>->context<a: string>", True),
        (fn("list<number>", typed=FunctionType([ListType(NUMBER)], ContextType({"a": STRING}))),
         "function<list<number>>->context<a: string, b: string>", False),
        (fn(), "function", True),
    ],
)  # fmt: skip
def test_instance_of(value: Any, type_text: str, expected: bool) -> None:
    assert is_instance(value, t(type_text)) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("number", "number"),
        ("date and time", "date and time"),
        ("date  and\ttime", "date and time"),
        ("days and time duration", "days and time duration"),
        ("years and months duration", "years and months duration"),
        ("Any", "Any"),
        ("Null", "Null"),
        ("list", "list<Any>"),
        ("range", "range<Any>"),
        ("context", "context<>"),
        ("function", "function"),
        ("dateTime", "date and time"),
        ("feel:string", "string"),
        ("tPerson", None),
        ("", None),
    ],
)
def test_type_from_name(name: str, expected: str | None) -> None:
    found = type_from_name(name)
    assert (None if found is None else str(found)) == expected


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("list<number>", "list<number>"),
        ("list< list <date and time> >", "list<list<date and time>>"),
        ("context<a: number, b c: string>", "context<a: number, b c: string>"),
        ("function<string, number> -> boolean", "function<string, number> -> boolean"),
        ("function<>->Any", "function<> -> Any"),
        ("range<date>", "range<date>"),
    ],
)
def test_parse_type(text: str, printed: str) -> None:
    assert str(t(text)) == printed


@pytest.mark.parametrize(
    "text", ["list<", "list<number", "list<nope>", "context<a number>", "function<>", "x y z", ""]
)
def test_parse_type_rejects(text: str) -> None:
    assert parse_type(text) is None


@pytest.mark.parametrize(
    ("value", "declared", "expected"),
    [
        (D(255), T255, True),
        (D(256), T255, False),
        (None, T255, True),
        ("FOO", FOO_BAR, True),
        ("123", FOO_BAR, False),
        ([D(1), D(256)], ListType(T255), False),
        ({"n": D(256)}, ContextType({"n": T255}), False),
        ({"n": None}, ContextType({"n": T255}), True),
    ],
)
def test_conforms_checks_allowed_values(value: Any, declared: FeelType, expected: bool) -> None:
    assert conforms(value, declared) is expected


def test_types_are_hashable_and_compare_by_structure() -> None:
    assert ListType(NUMBER) == ListType(NUMBER)
    assert ContextType({"a": NUMBER, "b": STRING}) == ContextType({"b": STRING, "a": NUMBER})
    assert ContextType({"a": NUMBER}) != StructureType("tA", {"a": NUMBER})
    assert len({ListType(NUMBER), ListType(NUMBER), RangeType(NUMBER)}) == 2
    assert FunctionType([NUMBER], STRING) == FunctionType((NUMBER,), STRING)
    assert T255 == T255 and T255 != FOO_BAR
    assert str(PERSON) == "tPerson" and PERSON.fields == {"name": STRING, "age": NUMBER}


def test_from_node() -> None:
    node = nodes.ListType(nodes.ContextType([("a", nodes.NamedType("number"))]))
    assert from_node(node) == ListType(ContextType({"a": NUMBER}))
    fn_node = nodes.FunctionType(
        [nodes.NamedType("tPerson")], nodes.RangeType(nodes.NamedType("date"))
    )
    assert from_node(fn_node) is None
    assert str(from_node(fn_node, {"tPerson": PERSON}.get)) == "function<tPerson> -> range<date>"


@pytest.mark.parametrize(
    ("s", "u", "expected"),
    [
        (NUMBER, ANY, True),
        (NULL, NUMBER, True),
        (ANY, NUMBER, False),
        (T255, NUMBER, True),
        (NUMBER, T255, False),
        (ListType(NUMBER), ListType(ANY), True),
        (ListType(ANY), ListType(NUMBER), False),
        (CTX_AB, ContextType({"a": STRING}), True),
        (ContextType({"a": STRING}), CTX_AB, False),
        (PERSON, ContextType({"age": NUMBER}), True),
        (FunctionType([ANY], NUMBER), FunctionType([NUMBER], ANY), True),
        (FunctionType([NUMBER], NUMBER), FunctionType([ANY], NUMBER), False),
    ],
)
def test_is_subtype(s: FeelType, u: FeelType, expected: bool) -> None:
    assert is_subtype(s, u) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "Null"),
        (D(1), "number"),
        ([D(1), D(2)], "list<number>"),
        ([D(1), "a"], "list<Any>"),
        ([D(1), None], "list<number>"),
        ({"a": D(1), "b": [True]}, "context<a: number, b: list<boolean>>"),
        (Range(parse_literal("2020-01-01"), None, True, False), "range<date>"),
        (fn("number", result="string"), "function<number> -> string"),
    ],
)
def test_type_of(value: Any, expected: str) -> None:
    assert str(type_of(value)) == expected
    if value is not None:
        assert is_instance(value, type_of(value))


@pytest.mark.parametrize(
    ("value", "declared", "expected", "ok"),
    [
        (None, NUMBER, None, True),
        (D(10), NUMBER, D(10), True),
        ("foo", NUMBER, None, False),
        ([D(10)], NUMBER, D(10), True),
        (["foo"], NUMBER, None, False),
        (["foo"], STRING, "foo", True),
        ([D(1), D(2)], NUMBER, None, False),
        (D(10), ListType(NUMBER), [D(10)], True),
        ("foo", ListType(NUMBER), None, False),
        ([D(1)], ListType(NUMBER), [D(1)], True),
        ({"name": "x", "age": D(1), "more": True}, PERSON,
         {"name": "x", "age": D(1), "more": True}, True),
        ({"name": "x"}, PERSON, None, False),
        (D(256), T255, None, False),
        ([D(200)], T255, D(200), True),
        (parse_literal("2020-01-01"), types.DATE_TIME, parse_literal("2020-01-01T00:00:00Z"), True),
        (parse_literal("2020-01-01"), types.DATE, parse_literal("2020-01-01"), True),
    ],
)  # fmt: skip
def test_coerce(value: Any, declared: FeelType, expected: Any, ok: bool) -> None:
    assert coerce(value, declared) == (expected, ok)
    assert conforms(value, declared) is (ok and value == expected)
