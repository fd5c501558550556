"""Decision tables under every hit policy: values, matched rules, defects."""

from __future__ import annotations

from typing import Any

import pytest
from engine_builders import dec, inp, load, num, run_table, table

# x >= 10 -> "A"; x >= 20 -> "B"; x < 5 -> "C"; x >= 30 -> "A". Priority: C, B, A.
LETTERS = [([">= 10"], '"A"'), ([">= 20"], '"B"'), (["< 5"], '"C"'), ([">= 30"], '"A"')]
# x >= 10 -> 1; x >= 20 -> 2; x >= 30 -> 4.
NUMBERS = [([">= 10"], "1"), ([">= 20"], "2"), ([">= 30"], "4")]


@pytest.mark.parametrize(
    ("policy", "x", "value", "rules", "defect"),
    [
        ("UNIQUE", 12, "A", ["r1"], None),
        ("UNIQUE", 7, None, [], None),
        ("UNIQUE", 25, None, ["r1", "r2"], "UNIQUE_VIOLATION"),
        ("FIRST", 25, "A", ["r1"], None),
        ("FIRST", 7, None, [], None),
        ("PRIORITY", 25, "B", ["r2", "r1"], None),
        ("PRIORITY", 35, "B", ["r2", "r1", "r4"], None),
        ("PRIORITY", 3, "C", ["r3"], None),
        ("ANY", 12, "A", ["r1"], None),
        ("ANY", 35, None, ["r1", "r2", "r4"], "ANY_CONFLICT"),
        ("RULE ORDER", 35, ["A", "B", "A"], ["r1", "r2", "r4"], None),
        ("RULE ORDER", 7, [], [], None),
        ("OUTPUT ORDER", 35, ["B", "A", "A"], ["r2", "r1", "r4"], None),
        ("COLLECT", 35, ["A", "B", "A"], ["r1", "r2", "r4"], None),
        ("COLLECT", 7, [], [], None),
    ],
)
def test_hit_policy(policy: str, x: int, value: Any, rules: list[str], defect: str | None) -> None:
    t = table(["x"], "out", LETTERS, hit_policy=policy, output_values={0: '"C","B","A"'})
    result = run_table(t, {"x": num(x)})
    assert result.values["Result"] == value
    (record,) = result.tables
    assert [m.rule_id for m in record.matches] == rules
    assert record.defect == defect
    assert [e.code for e in result.errors] == ([defect] if defect else [])


def test_any_accepts_rules_that_agree() -> None:
    t = table(["x"], "out", [([">= 10"], '"A"'), ([">= 30"], '"A"')], hit_policy="ANY")
    result = run_table(t, {"x": num(35)})
    assert result.values["Result"] == "A"
    assert not result.errors


@pytest.mark.parametrize(
    ("aggregation", "x", "value"),
    [
        ("SUM", 35, num(7)),
        ("SUM", 1, None),
        ("COUNT", 35, num(3)),
        ("COUNT", 1, num(0)),
        ("MIN", 25, num(1)),
        ("MAX", 35, num(4)),
        ("MAX", 1, None),
    ],
)
def test_collect_aggregation(aggregation: str, x: int, value: Any) -> None:
    t = table(["x"], "out", NUMBERS, hit_policy="COLLECT", aggregation=aggregation)
    assert run_table(t, {"x": num(x)}).values["Result"] == value


def test_unique_violation_names_every_overlapping_rule() -> None:
    t = table(["x"], "out", [([">= 10"], '"A"'), (["[0..100]"], '"B"'), (["-"], '"C"')])
    result = run_table(t, {"x": num(50)})
    (error,) = result.errors
    assert error.code == "UNIQUE_VIOLATION"
    assert error.rule_ids == ["r1", "r2", "r3"]
    assert error.decision == "Result"
    assert "r1, r2, r3" in error.message


def test_multiple_outputs_give_contexts() -> None:
    t = table(
        ["x"],
        ["grade", "score"],
        [([">= 10"], ['"high"', "x * 2"]), (["< 10"], ['"low"', "x"])],
        hit_policy="RULE ORDER",
    )
    result = run_table(t, {"x": num(12)})
    assert result.values["Result"] == [{"grade": "high", "score": num(24)}]
    assert result.tables[0].matches[0].outputs == {"grade": "high", "score": num(24)}


def test_default_outputs_when_no_rule_matches() -> None:
    t = table(
        ["x"],
        ["grade", "score"],
        [([">= 10"], ['"high"', "1"])],
        hit_policy="FIRST",
        defaults={0: '"none"'},
    )
    result = run_table(t, {"x": num(3)})
    assert result.values["Result"] == {"grade": "none", "score": None}
    assert result.tables[0].default_used
    assert result.tables[0].matches == []


def test_input_outside_input_values_is_a_defect() -> None:
    t = table(
        ["risk"], "out", [(['"low"'], '"A"'), (['"high"'], '"B"')], input_values={0: '"low","high"'}
    )
    result = run_table(t, {"risk": "medium"})
    assert result.values["Result"] is None
    (error,) = result.errors
    assert error.code == "INPUT_VALUE_NOT_ALLOWED"
    assert '"medium"' in error.message
    assert result.tables[0].defect == "INPUT_VALUE_NOT_ALLOWED"


def test_output_outside_output_values_is_a_defect() -> None:
    t = table(["x"], "out", [(["-"], "x")], output_values={0: "[0..10]"})
    assert run_table(t, {"x": num(5)}).values["Result"] == num(5)
    result = run_table(t, {"x": num(50)})
    assert result.values["Result"] is None
    assert [(e.code, e.rule_ids) for e in result.errors] == [("NO_OUTPUT_VALUE_MATCH", ["r1"])]


def test_input_of_the_wrong_type_is_a_defect() -> None:
    t = table(["x"], "out", [([">= 10"], '"A"')], input_types={0: "number"})
    result = run_table(t, {"x": "twelve"})
    assert result.values["Result"] is None
    assert [e.code for e in result.errors] == ["INPUT_TYPE_MISMATCH"]


def test_singleton_list_input_is_unwrapped_for_a_typed_column() -> None:
    t = table(["x"], "out", [([">= 10"], '"A"')], input_types={0: "number"})
    assert run_table(t, {"x": [num(12)]}).values["Result"] == "A"


def test_records_carry_annotations_and_extensions() -> None:
    t = table(
        ["x"],
        "out",
        [([">= 10"], '"A"'), (["< 10"], '"B"')],
        annotations=["rationale", "citation"],
        notes=[["old enough", "NCCN 2024"], ["too young", "NCCN 2024"]],
    )
    result = run_table(t, {"x": num(3)})
    (match,) = result.tables[0].matches
    assert (match.rule_id, match.index) == ("r2", 2)
    assert match.annotations == {"rationale": "too young", "citation": "NCCN 2024"}
    assert match.outputs == {"Result": "B"}
    assert match.extensions == {"source.cell": "A2"}
    assert result.tables[0].table_id == "table"
    assert result.tables[0].hit_policy == "UNIQUE"


def test_rule_order_over_boolean_and_string_columns() -> None:
    t = table(
        ["ok", "kind"],
        "out",
        [(["true", '"a","b"'], '"1"'), (["false", "-"], '"2"'), (["-", 'not("a")'], '"3"')],
        hit_policy="RULE ORDER",
    )
    assert run_table(t, {"ok": True, "kind": "a"}).values["Result"] == ["1"]
    assert run_table(t, {"ok": False, "kind": "b"}).values["Result"] == ["2", "3"]
    assert run_table(t, {"ok": None, "kind": None}).values["Result"] == ["3"]


def test_records_and_values_are_independent_between_evaluations() -> None:
    t = table(["x"], ["a", "b"], [([">= 10"], ['"A"', "[1, 2]"])])
    model = load(inp("x"), dec("Result", t, ["x"]))
    first = model.evaluate({"x": num(12)})
    first.tables[0].matches[0].outputs["a"] = "changed"
    first.values["Result"]["b"].append(3)
    again = model.evaluate({"x": num(12)})
    assert again.tables[0].matches[0].outputs == {"a": "A", "b": [num(1), num(2)]}
    assert again.values["Result"] == {"a": "A", "b": [num(1), num(2)]}


def test_table_without_inputs_or_rules() -> None:
    assert run_table(table([], "out", [([], '"always"')]), {}).values["Result"] == "always"
    assert run_table(table([], "out", []), {}).values["Result"] is None
    assert run_table(table([], "out", [], hit_policy="COLLECT"), {}).values["Result"] == []


def test_empty_output_entry_is_null() -> None:
    t = table(["x"], ["a", "b"], [(["-"], ['"A"', ""])])
    assert run_table(t, {"x": num(1)}).values["Result"] == {"a": "A", "b": None}


def test_collect_sum_of_strings_is_a_defect() -> None:
    t = table(
        ["x"], "out", [(["-"], '"a"'), (["-"], '"b"')], hit_policy="COLLECT", aggregation="SUM"
    )
    result = run_table(t, {"x": num(1)})
    assert result.values["Result"] is None
    assert [e.code for e in result.errors] == ["AGGREGATION_FAILED"]


def test_a_cell_that_fails_gives_a_warning_and_no_match() -> None:
    t = table(["x"], "out", [(["> date(y)"], '"later"')], hit_policy="FIRST")
    model = load(inp("x"), inp("y"), dec("Result", t, ["x", "y"]))
    result = model.evaluate({"x": num(5), "y": "not a date"})
    assert result.values["Result"] is None
    assert result.warnings and result.warnings[0].source == "> date(y)"


@pytest.mark.parametrize("policy", ["COLLECT", "RULE ORDER"])
def test_collected_prepared_results_are_fresh_copies_in_rule_order(policy: str) -> None:
    # Every rule's outputs are literals, prepared at load time: the list handed out must
    # still be the callers' own, and the explanation must name each matched rule.
    rules = [(["-"], ['["a"]', "1"]), ([">= 5"], ['["b"]', "2"]), (["< 0"], ['["c"]', "3"])]
    model = load(inp("x", "number"), dec("R", table(["x"], ["tags", "n"], rules, policy), ["x"]))
    first = model.evaluate({"x": num(7)})
    assert first.values["R"] == [{"tags": ["a"], "n": num(1)}, {"tags": ["b"], "n": num(2)}]
    assert [m.rule_id for m in first.tables[0].matches] == ["r1", "r2"]
    first.values["R"][0]["tags"].append("changed")
    again = model.evaluate({"x": num(7)}).values["R"]
    assert again == [{"tags": ["a"], "n": num(1)}, {"tags": ["b"], "n": num(2)}]
