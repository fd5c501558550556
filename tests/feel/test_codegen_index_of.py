"""``index of(list, match)[1]`` in generated code: the first position only, same answers.

The generated code stops comparing at the first equal item (lists.index_of_first); the
closures compute every position. Values, warnings and the time budget's steps must agree.
"""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from test_codegen import check_same, generated_source

from service.feel import Env, codegen, compile_expression
from service.feel.builtins import lists
from service.feel.compiler import Compiler
from service.feel.parser import parse_expression

D = decimal.Decimal
ROWS = [{"a": D("1"), "b": "x"}, {"a": D("2"), "b": "y"}, {"a": D("1"), "b": "x"}]
VARS: dict[str, Any] = {"xs": [D("3"), D("1"), D("3")], "rows": ROWS, "x": D("3"), "s": "no"}


@pytest.mark.parametrize(
    "text",
    [
        "index of(xs, 3)[1]",
        "index of(xs, 1)[1]",
        "index of(xs, 7)[1]",
        "index of(xs, x)[1]",
        "index of(xs, s)[1]",
        "index of(xs, null)[1]",
        "index of(rows, rows[3])[1]",
        'index of(rows, {a: 2, b: "y"})[1]',
        "for r in rows return index of(rows, r)[1]",
        'index of(s, "no")[1]',
        "index of(null, 1)[1]",
        "index of(xs, 3)[2]",
        "index of(xs, 3)[-1]",
        "index of(3, 3)[1]",
    ],
)
def test_first_position_agrees_with_the_closures(text: str) -> None:
    check_same(text, VARS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("index of(xs, 3)[1]", D("1")),
        ("index of(xs, 1)[1]", D("2")),
        ("index of(xs, 7)[1]", None),
        ("for r in rows return index of(rows, r)[1]", [D("1"), D("2"), D("1")]),
    ],
)
def test_first_position_values(text: str, expected: Any) -> None:
    assert compile_expression(text, tuple(VARS))(Env(dict(VARS))) == expected


def test_only_the_first_position_shape_uses_the_short_cut() -> None:
    assert "index_of_first" not in generated_source("index of(xs, 3)[2]", ["xs"], closed=True)
    assert "index_of_first" not in generated_source("index of(xs, 3)", ["xs"], closed=True)
    # The source names constants by number only: look the function up among them.
    text = "index of(xs, 3)[1]"
    node = parse_expression(text, ("xs",), ())
    compiler = Compiler(text, ("xs",), None, True)
    compiler.closures = {}
    compiler.prepare(node)
    compiler.compile(node)
    generator = codegen.Generator(compiler, compiler.closures)
    generator.source_of(node)
    assert lists.index_of_first in generator.constants
    assert lists.index_of not in generator.constants


def test_a_shadowed_index_of_is_not_the_built_in() -> None:
    text = "index of(xs, 3)[1]"
    env = Env({"xs": [D("3")], "index of": None})
    assert compile_expression(text, ("xs", "index of"))(env) is None


@pytest.mark.parametrize("match", [D("3"), D("9")])
def test_the_budget_spends_a_step_per_item_either_way(match: D) -> None:
    values = [D("3")] * 5
    full, first = Env({}), Env({})
    before = full.evaluation.steps, first.evaluation.steps
    lists.index_of(full, values, match)
    found = lists.index_of_first(first, values, match)
    assert before[0] - full.evaluation.steps == before[1] - first.evaluation.steps == 5
    assert found == lists.index_of(Env({}), values, match)[:1]
