"""Rules whose outputs are partly literals, and COLLECT over computed outputs: the fast
paths of decision_table (Partial, _collect_values) give what the general path gives.

Each evaluation computes the computed outputs anew and hands out fresh copies of the
literal lists, in the value and in the record alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from engine_builders import bkm, dec, inp, load, num, run_table, table

# A literal code, a computed score, a literal list: the rule's outputs are partly constant.
PARTLY = [
    ([">= 10"], ['"high"', "x * 2", '["A", "B"]']),
    (["< 10"], ['"low"', "x + 1", '["C"]']),
]


@pytest.mark.parametrize(
    ("policy", "x", "expected"),
    [
        ("UNIQUE", 12, {"code": "high", "score": num(24), "refs": ["A", "B"]}),
        ("UNIQUE", 13, {"code": "high", "score": num(26), "refs": ["A", "B"]}),
        ("UNIQUE", 3, {"code": "low", "score": num(4), "refs": ["C"]}),
        ("COLLECT", 12, [{"code": "high", "score": num(24), "refs": ["A", "B"]}]),
        ("COLLECT", 4, [{"code": "low", "score": num(5), "refs": ["C"]}]),
        ("RULE ORDER", 14, [{"code": "high", "score": num(28), "refs": ["A", "B"]}]),
    ],
)
def test_partly_constant_rules_compute_their_outputs_per_call(
    policy: str, x: int, expected: Any
) -> None:
    t = table(["x"], ["code", "score", "refs"], PARTLY, hit_policy=policy)
    model = load(inp("x"), dec("Result", t, ["x"]))
    for value in (x + 100, x):  # an earlier evaluation must not leak into this one
        result = model.evaluate({"x": num(value)})
    assert result.values["Result"] == expected
    (record,) = result.tables
    (match,) = record.matches
    assert match.outputs == (expected if policy == "UNIQUE" else expected[0])


def test_handed_out_literal_lists_are_copies() -> None:
    t = table(["x"], ["code", "score", "refs"], PARTLY)
    model = load(inp("x"), dec("Result", t, ["x"]))
    first = model.evaluate({"x": num(12)})
    first.values["Result"]["refs"].append("changed")
    first.tables[0].matches[0].outputs["refs"].append("changed too")
    again = model.evaluate({"x": num(12)})
    assert again.values["Result"]["refs"] == ["A", "B"]
    assert again.tables[0].matches[0].outputs["refs"] == ["A", "B"]


def test_collect_over_computed_outputs_keeps_rule_order_and_records_each_hit() -> None:
    rules = [
        ([">= 1"], ['"one"', "x * 1"]),
        ([">= 2"], ['"two"', '"fixed"']),  # all literal: prepared whole
        ([">= 3"], ['"three"', "x * 3"]),
    ]
    t = table(["x"], ["name", "value"], rules, hit_policy="COLLECT")
    result = run_table(t, {"x": num(5)})
    expected = [
        {"name": "one", "value": num(5)},
        {"name": "two", "value": "fixed"},
        {"name": "three", "value": num(15)},
    ]
    assert result.values["Result"] == expected
    (record,) = result.tables
    assert [m.rule_id for m in record.matches] == ["r1", "r2", "r3"]
    assert [m.outputs for m in record.matches] == expected


def test_collect_of_one_computed_output_gives_its_values() -> None:
    rules = [([">= 1"], "x * 2"), ([">= 2"], '["L"]'), ([">= 9"], "x")]
    t = table(["x"], "out", rules, hit_policy="COLLECT")
    first = run_table(t, {"x": num(4)})
    assert first.values["Result"] == [num(8), ["L"]]
    first.values["Result"][1].append("changed")
    assert run_table(t, {"x": num(4)}).values["Result"] == [num(8), ["L"]]


def test_a_failing_computed_output_warns_each_time() -> None:
    t = table(["x"], ["code", "score"], [(["-"], ['"c"', "x / 0"])])
    model = load(inp("x"), dec("Result", t, ["x"]))
    for _ in range(2):
        result = model.evaluate({"x": num(1)})
        assert result.values["Result"] == {"code": "c", "score": None}
        assert result.warnings


def test_a_bkm_table_with_partly_constant_rules_per_call() -> None:
    rules = [(['"a"'], ['"kind A"', "n * 10"]), (['"b"'], ['"kind B"', "n"])]
    body = table(["k"], ["label", "amount"], rules, hit_policy="UNIQUE")
    model = load(
        bkm("f", [("k", "string"), ("n", "number")], body),
        dec("Result", 'for i in [1, 2, 3] return f("a", i).amount', knowledge=["f"]),
    )
    assert model.evaluate({}).values["Result"] == [num(10), num(20), num(30)]


def test_collect_of_prepared_rules_remembers_each_set_of_rules() -> None:
    rules = [([">= 1"], ['"a"', '["A"]']), ([">= 2"], ['"b"', '["B"]']), ([">= 3"], ['"c"', "[]"])]
    t = table(["x"], ["code", "refs"], rules, hit_policy="COLLECT")
    model = load(inp("x"), dec("Result", t, ["x"]))
    two = [{"code": "a", "refs": ["A"]}, {"code": "b", "refs": ["B"]}]
    three = [*two, {"code": "c", "refs": []}]
    for x, expected, ids in [(2, two, ["r1", "r2"]), (5, three, ["r1", "r2", "r3"])] * 3:
        result = model.evaluate({"x": num(x)})
        assert result.values["Result"] == expected
        assert [m.rule_id for m in result.tables[0].matches] == ids
        assert [m.outputs for m in result.tables[0].matches] == expected
        result.values["Result"][0]["refs"].append("changed")  # the next call must not see it
        result.values["Result"].append("changed")


def test_the_remembered_sets_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.engine import decision_table

    monkeypatch.setattr(decision_table, "COLLECTED_SETS", 1)
    rules = [([">= 1"], '"a"'), ([">= 2"], '"b"'), ([">= 3"], '"c"')]
    t = table(["x"], "out", rules, hit_policy="RULE ORDER")
    model = load(inp("x"), dec("Result", t, ["x"]))
    for x, expected in [
        (2, ["a", "b"]),
        (3, ["a", "b", "c"]),
        (2, ["a", "b"]),
        (3, ["a", "b", "c"]),
    ]:
        assert model.evaluate({"x": num(x)}).values["Result"] == expected
