"""The engine's cheaper evaluation paths give what the plain ones gave: records built on
read, relations from templates, table columns reading a context's entry, closed scopes."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from engine_builders import bkm, dec, inp, lit, load, num, table

from service.dmn import model as m
from service.engine import Result, TableRecord
from service.engine.explain import Run
from service.engine.scope import Scope
from service.engine.table_compiler import compile_table
from service.engine.types import TypeRegistry
from service.feel.env import Env


def test_records_are_built_when_first_read_and_kept() -> None:
    model = load(
        inp("x", "number"),
        dec("Grade", table(["x"], "out", [([">= 10"], '"high"'), (["< 10"], "x * 2")]), ["x"]),
        dec("Twice", "Grade + Grade", ["Grade"]),
    )
    result = model.evaluate({"x": num(3)})
    assert result.values == {"Grade": num(6), "Twice": num(12)}
    (record,) = result.tables
    assert result.tables is result.tables  # built once
    assert record == TableRecord("Grade", "table", "UNIQUE", None, record.matches)
    assert [(r.rule_id, r.index, r.outputs) for r in record.matches] == [
        ("r2", 2, {"Grade": num(6)})
    ]
    again = model.evaluate({"x": num(3)})
    assert again == result and again.tables is not result.tables


def test_a_result_made_with_records_keeps_them() -> None:
    record = TableRecord("D", "t", "FIRST", None, [])
    result = Result({"D": 1}, [record], [], [])
    assert result.tables == [record] and result.ok
    result.tables = []
    assert result.tables == [] and "tables=[]" in repr(result)


def test_constant_relation_rows_are_fresh_copies() -> None:
    relation = m.Relation(
        columns=[m.InformationItem(name=c) for c in ("name", "codes", "age")],
        rows=[
            [lit('"Ann"'), lit('["a", ["b"]]'), lit("30")],
            [lit('"Bo"'), lit("[1]"), lit("x + 1")],
        ],
    )
    model = load(inp("x"), dec("D", relation, ["x"]))
    first = model.evaluate({"x": num(1)}).values["D"]
    assert first == [
        {"name": "Ann", "codes": ["a", ["b"]], "age": num(30)},
        {"name": "Bo", "codes": [num(1)], "age": num(2)},
    ]
    assert [list(row) for row in first] == [["name", "codes", "age"]] * 2  # column order
    first[0]["codes"][1].append("c")
    first[1]["name"] = "changed"
    again = model.evaluate({"x": num(1)}).values["D"]
    assert again[0]["codes"] == ["a", ["b"]] and again[1]["name"] == "Bo"


def test_relation_with_a_repeated_column_keeps_the_last_cell() -> None:
    relation = m.Relation(
        columns=[m.InformationItem(name="a"), m.InformationItem(name="a")],
        rows=[[lit("x"), lit("2")], [lit("1"), lit("x")]],
    )
    model = load(inp("x"), dec("D", relation, ["x"]))
    assert model.evaluate({"x": num(7)}).values["D"] == [{"a": num(2)}, {"a": num(7)}]


def _table_of_entries(rules: list[list[str]]) -> Any:
    t = table(["p.v", "p.w"], "out", [(cells, f'"{n}"') for n, cells in enumerate(rules)],
              hit_policy="COLLECT")  # fmt: skip
    return compile_table(t, Scope(frozenset({"p"}), TypeRegistry(), []), "out")


@pytest.mark.parametrize("seed", range(3))
def test_columns_reading_a_context_entry_give_the_general_answer(seed: int) -> None:
    rng = random.Random(seed)
    cells = ["-", "1", "> 1", '"a"', "null", "[0..2]"]
    compiled = _table_of_entries([[rng.choice(cells), rng.choice(cells)] for _ in range(12)])
    assert compiled.fast is not None
    values: list[Any] = [None, Decimal(1), Decimal(2), "a", True]
    for p in [None, "not a context", {}, *({"v": v, "w": w} for v in values for w in values)]:
        fast_run, slow_run = Run(), Run()
        fast = compiled.fast(Env({"p": p}, None, fast_run))
        slow = compiled(Env({"p": p}, None, slow_run))
        assert fast == slow, p
        assert fast_run.tables == slow_run.tables
        assert fast_run.warnings == slow_run.warnings


def test_context_entries_in_a_bkm_table() -> None:
    kind = table(["r.kind"], "out", [(['"a"'], '"A"'), (['"b"'], "r.name")])
    model = load(
        inp("rows"),
        bkm("Kind", [("r", "context")], kind),
        dec("D", "for r in rows return Kind(r)", ["rows"], knowledge=["Kind"]),
    )
    rows = [{"kind": "a", "name": "x"}, {"kind": "b", "name": "y"}, {"name": "z"}, "no"]
    result = model.evaluate({"rows": rows})
    assert result.values["D"] == ["A", "y", None, None]
    assert [len(t.matches) for t in result.tables] == [1, 1, 0]  # "no" is not a context:
    assert [w.code for w in result.warnings] == ["ENGINE_TYPE_COERCION"]  # Kind is not run


def test_boxed_filter_items_may_hide_builtin_names() -> None:
    source = lit('[{count: 1, n: "a"}, {n: "b"}]')
    match = lit("count([1, 2]) = 2")  # the first item's entry count is not a function
    result = load(dec("D", m.Filter(source=source, match=match))).evaluate({})
    assert result.values["D"] == [{"n": "b"}]
