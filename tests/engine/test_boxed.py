"""Boxed expressions: context, relation, list, invocation, function, conditional, filter, for."""

from __future__ import annotations

from typing import Any

import pytest
from engine_builders import bkm, dec, inp, lit, load, num

from service.dmn import model as m
from service.engine import ModelError


def _entry(
    name: str | None, value: m.Expression | str, type_ref: str | None = None
) -> m.ContextEntry:
    variable = m.InformationItem(name=name, type_ref=type_ref) if name is not None else None
    return m.ContextEntry(variable=variable, value=lit(value) if isinstance(value, str) else value)


def _value(expression: m.Expression, inputs: dict[str, Any] | None = None) -> Any:
    names = list(inputs or {})
    model = load(*(inp(n) for n in names), dec("D", expression, names))
    result = model.evaluate(inputs or {})
    return result.values["D"]


def test_context_entries_see_earlier_entries() -> None:
    context = m.Context(entries=[_entry("a", "x + 1"), _entry("b", "a * 2")])
    assert _value(context, {"x": num(1)}) == {"a": num(2), "b": num(4)}


def test_context_final_result_entry() -> None:
    context = m.Context(entries=[_entry("a", "x + 1"), _entry(None, "a * 10")])
    assert _value(context, {"x": num(1)}) == num(20)


def test_context_entry_type_converts_or_nulls() -> None:
    context = m.Context(entries=[_entry("a", "[5]", "number"), _entry("b", '"no"', "number")])
    assert _value(context) == {"a": num(5), "b": None}


def test_nested_context_function_can_recurse() -> None:
    fact = m.FunctionDefinition(
        parameters=[m.InformationItem(name="n", type_ref="number")],
        body=lit("if n <= 1 then 1 else n * fact(n - 1)"),
    )
    context = m.Context(entries=[_entry("fact", fact), _entry(None, "fact(5)")])
    assert _value(context) == num(120)


def test_relation_is_a_list_of_contexts() -> None:
    relation = m.Relation(
        columns=[m.InformationItem(name="name"), m.InformationItem(name="age")],
        rows=[[lit('"Ann"'), lit("30")], [lit('"Bo"'), lit("x")]],
    )
    assert _value(relation, {"x": num(4)}) == [
        {"name": "Ann", "age": num(30)},
        {"name": "Bo", "age": num(4)},
    ]


def test_list() -> None:
    assert _value(m.List(items=[lit("1"), lit('"a"'), lit("null")])) == [num(1), "a", None]


@pytest.mark.parametrize(
    ("condition", "value"),
    [("x > 1", "big"), ("x < 1", "small"), ("null", "small"), ('"text"', None)],
)
def test_conditional(condition: str, value: Any) -> None:
    conditional = m.Conditional(
        condition=lit(condition), then=lit('"big"'), otherwise=lit('"small"')
    )
    assert _value(conditional, {"x": num(5)}) == value


@pytest.mark.parametrize(
    ("source", "match", "value"),
    [
        ("[1, 2, 3, 4]", "item > 2", [num(3), num(4)]),
        ("[{a: 1}, {a: 5}]", "a > 2", [{"a": num(5)}]),
        ("[{a: 1}, {a: 5}]", "item.a < 2", [{"a": num(1)}]),
        ("[1, 2]", '"yes"', None),
        ("null", "true", None),
    ],
)
def test_filter(source: str, match: str, value: Any) -> None:
    assert _value(m.Filter(source=lit(source), match=lit(match))) == value


@pytest.mark.parametrize(
    ("kind", "source", "body", "value"),
    [
        ("for", "[1, 2, 3]", "i * i", [num(1), num(4), num(9)]),
        (
            "for",
            "[1, 2, 3]",
            "if partial = [] then i else partial[-1] + i",
            [num(1), num(3), num(6)],
        ),
        ("for", "[1..3]", "i", [num(1), num(2), num(3)]),
        ("some", "[1, 2, 3]", "i > 2", True),
        ("some", "[1, 2, 3]", "i > 5", False),
        ("every", "[1, 2, 3]", "i > 0", True),
        ("every", "[1, 2, 3]", "i > 1", False),
        ("every", "[]", "i > 1", True),
        ("some", "[1, 2]", '"x"', None),
    ],
)
def test_iterators(kind: str, source: str, body: str, value: Any) -> None:
    iterator = m.Iterator(kind=kind, variable="i", source=lit(source), body=lit(body))
    assert _value(iterator) == value


def test_invocation_binds_parameters_by_name() -> None:
    model = load(
        bkm("Fee", [("amount", "number"), ("rate", "number")], "amount * rate"),
        dec(
            "D",
            m.Invocation(
                called=lit("Fee"),
                bindings=[
                    m.Binding(parameter=m.InformationItem(name="rate"), value=lit("0.5")),
                    m.Binding(parameter=m.InformationItem(name="amount"), value=lit("10")),
                ],
            ),
            knowledge=["Fee"],
        ),
    )
    assert model.evaluate({}).values["D"] == num(5)


def test_invocation_with_an_unknown_parameter_is_null() -> None:
    model = load(
        bkm("Fee", [("amount", "number")], "amount"),
        dec(
            "D",
            m.Invocation(
                called=lit("Fee"),
                bindings=[m.Binding(parameter=m.InformationItem(name="amt"), value=lit("10"))],
            ),
            knowledge=["Fee"],
        ),
    )
    result = model.evaluate({})
    assert result.values["D"] is None
    assert any(w.code == "ENGINE_BAD_INVOCATION" for w in result.warnings)


def test_boxed_function_definition_is_a_closure() -> None:
    adder = m.FunctionDefinition(parameters=[m.InformationItem(name="y")], body=lit("x + y"))
    context = m.Context(entries=[_entry("add", adder), _entry(None, "add(2)")])
    assert _value(context, {"x": num(40)}) == num(42)


def test_typed_function_parameter_rejects_misfits() -> None:
    fn = m.FunctionDefinition(
        parameters=[m.InformationItem(name="y", type_ref="number")], body=lit("y")
    )
    context = m.Context(entries=[_entry("f", fn), _entry(None, 'f("a")')])
    assert _value(context) is None


def test_java_function_uses_the_allowed_methods_only() -> None:
    def java(method: str) -> m.FunctionDefinition:
        body = m.Context(
            entries=[_entry("class", '"java.lang.Math"'), _entry("method signature", f'"{method}"')]
        )
        params = [m.InformationItem(name="a"), m.InformationItem(name="b")]
        return m.FunctionDefinition(kind="Java", parameters=params, body=body)

    good = m.Context(entries=[_entry("f", java("max(double, double)")), _entry(None, "f(3, 7)")])
    bad = m.Context(entries=[_entry("f", java("exit(int)")), _entry(None, "f(1, 2)")])
    assert _value(good) == num(7)
    assert _value(bad) is None


def test_pmml_function_loads_and_gives_null() -> None:
    pmml = m.FunctionDefinition(kind="PMML", parameters=[], body=None)
    context = m.Context(entries=[_entry("f", pmml), _entry(None, "f()")])
    assert _value(context) is None


def test_literal_expression_type_converts() -> None:
    assert _value(lit("[10]", "number")) == num(10)
    assert _value(lit('"x"', "number")) is None


@pytest.mark.parametrize("cells", [1, 3], ids=["row too short", "row too long"])
def test_relation_row_that_does_not_fit_its_columns_is_a_load_error(cells: int) -> None:
    """A ragged row would silently drop or lose entries: the model is refused instead."""
    relation = m.Relation(
        id="catalogue",
        columns=[m.InformationItem(name="name"), m.InformationItem(name="age")],
        rows=[[lit('"Ann"'), lit("30")], [lit('"Bo"'), lit("4"), lit("5")][:cells]],
    )
    with pytest.raises(ModelError) as caught:
        load(dec("D", relation, []))
    (problem,) = caught.value.diagnostics
    assert problem.code == "ENGINE_TABLE_SHAPE"
    assert problem.element_id == "catalogue"
    assert f"relation row 2 has {cells} cells for 2 columns" in problem.message
