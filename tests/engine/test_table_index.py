"""The column indexes and the generated fast path agree with testing every cell of every rule."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from engine_builders import table

from service.engine.decision_table import CompiledTable
from service.engine.explain import Run
from service.engine.scope import Scope
from service.engine.table_compiler import compile_table
from service.engine.table_index import BooleanCell, ColumnIndex, rule_numbers, value_test
from service.engine.types import TypeRegistry
from service.feel import compile_unary_tests
from service.feel.env import Env
from service.feel.values import Date

CELLS = [
    "-", "5", "-5", "1.0", '"a"', '"a","b"', "< 10", "<= 10", "> 3", ">= 3", "[2..8]", "(2..8)",
    "]2..8]", "[2..8[", "< 0, > 20", "not(5)", 'not("a")', 'not("a","b")', "null", "true", "false",
    "not(null)", "not(true)", "true, false", "? > 4", "x > 4", '["a".."c"]', "= 5", "!= 5",
    "[1, 5, 7]",
    'date("2024-01-01")', '< date("2024-06-01")', "not(< 3)", "[-1.5..2]",
]  # fmt: skip
VALUES: list[Any] = [
    None, True, False, "a", "b", "c", "z", "", Date(2024, 1, 1), Date(2024, 12, 1), [Decimal(5)],
    *(Decimal(v) for v in ("-5", "-1.5", "0", "1", "1.00", "2", "3", "4.5", "5", "8", "10", "20")),
]  # fmt: skip


def _compiled(rules: list[list[str]]) -> CompiledTable:
    t = table(
        ["v", "x"],
        "out",
        [(cells, f'"{n}"') for n, cells in enumerate(rules)],
        hit_policy="COLLECT",
    )
    diagnostics: list[Any] = []
    compiled = compile_table(t, Scope(frozenset({"v", "x"}), TypeRegistry(), diagnostics), "out")
    kept = [d for d in diagnostics if d.severity == "error"]
    assert not kept, kept
    return compiled


def _linear(compiled: CompiledTable, values: list[Any], env: Env) -> list[int]:
    return [
        r.position
        for r in compiled.rules
        if all(cell(v, env) is True for cell, v in zip(r.cells, values, strict=True))
    ]


@pytest.mark.parametrize("seed", range(6))
def test_index_matches_cell_by_cell(seed: int) -> None:
    rng = random.Random(seed)
    rules = [[rng.choice(CELLS), rng.choice(["-", "> 1", "[0..5]", "x"])] for _ in range(60)]
    compiled = _compiled(rules)
    for v in VALUES:
        for x in (Decimal(0), Decimal(3), Decimal(9), None):
            env = Env({"v": v, "x": x})
            expected = _linear(compiled, [v, x], env)
            assert compiled.match([v, x], env) == expected, (v, x)


@pytest.mark.parametrize("seed", range(4))
def test_generated_function_gives_the_general_answer(seed: int) -> None:
    rng = random.Random(100 + seed)
    rules = [[rng.choice(CELLS), rng.choice(["-", "> 1", "[0..5]"])] for _ in range(30)]
    compiled = _compiled(rules)
    assert compiled.fast is not None
    for v in VALUES:
        for x in (Decimal(0), Decimal(3), None):
            fast_run, slow_run = Run(), Run()
            fast = compiled.fast(Env({"v": v, "x": x}, None, fast_run))
            slow = compiled(Env({"v": v, "x": x}, None, slow_run))
            assert fast == slow, (v, x)
            assert fast_run.tables == slow_run.tables


def test_a_boolean_constant_cell_is_equality_with_the_input() -> None:
    index = ColumnIndex()
    for position, text in enumerate(["true", "false", "-", "not(true)", "true, false"]):
        cell = BooleanCell.of(compile_unary_tests(text))
        index.add(position, cell, cell.analysis)
    index.finish()
    env = Env()
    assert rule_numbers(index.match(True, env, 0b11111)) == [0, 2, 4]
    assert rule_numbers(index.match(False, env, 0b11111)) == [1, 2, 3, 4]
    assert rule_numbers(index.match(None, env, 0b11111)) == [2, 3]
    assert rule_numbers(index.match(Decimal(1), env, 0b11111)) == [2]
    assert index.indexed_only


@pytest.mark.parametrize(
    ("text", "value", "allowed"),
    [
        ('"a","b"', "a", True),
        ('"a","b"', "c", False),
        ('"a","b"', None, False),
        ('"a","b"', ["a"], False),  # a list is not among constants (and must not be hashed)
        ("[1..5]", Decimal(3), True),
        ("[1..5]", Decimal(6), False),
        ("-", "anything", True),
        ("? > 2", Decimal(3), True),
        ("? > 2", Decimal(1), False),
    ],
)
def test_value_test(text: str, value: Any, allowed: bool) -> None:
    check = value_test(compile_unary_tests(text))
    assert (check is None or check(value, Env())) is allowed


def test_a_big_table_needs_no_cell_evaluated() -> None:
    rules = [[f'"c{i % 50}"', f"[{i // 50 * 10}..{i // 50 * 10 + 10}["] for i in range(3000)]
    t = table(["v", "x"], "out", [(cells, f'"{n}"') for n, cells in enumerate(rules)])
    compiled = compile_table(t, Scope(frozenset({"v", "x"}), TypeRegistry(), []), "out")
    assert all(index.indexed_only for _, index in compiled.columns)
    assert compiled.match(["c7", Decimal(15)], Env()) == [57]
