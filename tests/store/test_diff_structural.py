"""Structural diff: inputs, hit policies, columns, rules cell by cell, in the workbook's terms."""

from __future__ import annotations

import copy

import pytest
import release_models as rm

from service.dmn import model as m
from service.store.diff_structural import LogicChange, StructuralDiff, diff_models
from service.store.diff_tables import CellChange, Change, RuleChange, RuleKey, match_rules

RULES = rm.TREATMENT_RULES


def only_logic(diff: StructuralDiff, name: str) -> LogicChange:
    (item,) = [item for item in diff.logic if item.name == name]
    return item


def kinds(item: LogicChange) -> list[tuple[str, str | None, str | None]]:
    return [
        (r.kind, r.old.rule if r.old else None, r.new.rule if r.new else None) for r in item.rules
    ]


def test_identical_models_have_no_differences() -> None:
    diff = diff_models(rm.pathway(), rm.pathway())
    assert diff.empty and diff.metadata == [] and diff.changed_decisions() == []


def test_changed_rule_is_named_by_sheet_rule_id_cell_and_column() -> None:
    diff = diff_models(rm.pathway("1.0.0"), rm.pathway("1.1.0", lvef_threshold=">= 40"))
    assert diff.metadata == [Change("version", "1.0.0", "1.1.0")]
    assert diff.changed_decisions() == ["treatment"]
    item = only_logic(diff, "treatment")
    assert (item.kind, item.sheet, item.cell) == ("changed", "T2 Treatment", "'T2 Treatment'!A1")
    (rule,) = item.rules
    assert rule.kind == "changed" and not rule.moved
    assert rule.new is not None and rule.old == rule.new
    assert (rule.new.rule, rule.new.cell, rule.new.row, rule.new.position) == (
        "R2",
        "'T2 Treatment'!A6",
        6,
        2,
    )
    assert rule.cells == [CellChange("lvef", "input", ">= 50", ">= 40")]


def test_inserted_row_is_one_added_rule_although_later_ids_shift() -> None:
    extra = ("R2b", ["-", '"fit"', '"positive"', "< 50"], ['"trastuzumab deruxtecan"'], ["New."])
    rules = [RULES[0], RULES[1], extra, *RULES[2:]]
    item = only_logic(diff_models(rm.pathway(), rm.pathway(treatment_rules=rules)), "treatment")
    assert kinds(item) == [("added", None, "R2b")]
    added = item.rules[0]
    assert added.new is not None and added.new.cell == "'T2 Treatment'!A7"
    assert CellChange("lvef", "input", None, "< 50") in added.cells


def test_removed_rule() -> None:
    rules = [r for r in RULES if r[0] != "R4"]
    item = only_logic(diff_models(rm.pathway(), rm.pathway(treatment_rules=rules)), "treatment")
    assert kinds(item) == [("removed", "R4", None)]
    assert (
        CellChange("treatment", "output", '"ramucirumab plus paclitaxel"', None)
        in item.rules[0].cells
    )


def test_rule_order_matters_under_first() -> None:
    swapped = [RULES[0], RULES[2], RULES[1], *RULES[3:]]
    item = only_logic(diff_models(rm.pathway(), rm.pathway(treatment_rules=swapped)), "treatment")
    assert all(rule.kind == "moved" and rule.moved for rule in item.rules)
    assert sorted(rule.new.rule for rule in item.rules if rule.new) in (["R2"], ["R3"])


def test_rule_order_ignored_under_unique() -> None:
    swapped = [RULES[0], RULES[2], RULES[1], *RULES[3:]]
    old = rm.pathway(treatment_policy="UNIQUE")
    new = rm.pathway(treatment_rules=swapped, treatment_policy="UNIQUE")
    assert diff_models(old, new).logic == []


def test_edited_and_moved_rule_keeps_its_rule_id() -> None:
    edited = (RULES[2][0], ["-", '"fit"', '"positive"', "-"], RULES[2][2], RULES[2][3])
    rules = [RULES[0], edited, RULES[1], *RULES[3:]]
    item = only_logic(diff_models(rm.pathway(), rm.pathway(treatment_rules=rules)), "treatment")
    r3 = next(r for r in item.rules if r.new and r.new.rule == "R3")
    assert r3.kind == "changed" and r3.moved
    assert r3.cells == [CellChange("fitness", "input", '"fit", "limited"', '"fit"')]


def test_unlabelled_rules_are_paired_by_content() -> None:
    old, new = rm.pathway(), rm.pathway(lvef_threshold=">= 45")
    for defs in (old, new):
        for rule in defs.decisions[-1].expression.rules:  # type: ignore[union-attr]
            rule.label = None
    rules = new.decisions[-1].expression.rules  # type: ignore[union-attr]
    rules.insert(0, copy.deepcopy(rules[-1]))  # a new first row shifts every DMN id
    for row, rule in enumerate(rules, 5):
        rule.id = f"T2_Treatment_row{row}"
    item = only_logic(diff_models(old, new), "treatment")
    assert [(r.kind, r.new and r.new.position) for r in item.rules] == [
        ("added", 1),
        ("changed", 3),
    ]
    assert item.rules[1].cells == [CellChange("lvef", "input", ">= 50", ">= 45")]


def test_hit_policy_and_input_declarations() -> None:
    new = rm.pathway(treatment_policy="PRIORITY", lvef_allowed="[20..90]")
    diff = diff_models(rm.pathway(), new)
    assert only_logic(diff, "treatment").changes == [Change("hit policy", "FIRST", "PRIORITY")]
    (lvef,) = diff.inputs
    assert (lvef.name, lvef.changes) == ("lvef", [Change("allowed values", "[10..90]", "[20..90]")])
    (t_lvef,) = diff.types
    assert t_lvef.changes == [Change("allowed_values", "[10..90]", "[20..90]")]


def test_removed_decision_lists_its_rules() -> None:
    diff = diff_models(rm.pathway(), rm.pathway(guard=False))
    item = only_logic(diff, "Request validation")
    assert item.kind == "removed" and item.sheet == "T0 Validation"
    assert kinds(item) == [("removed", "V1", None)]


def test_added_column_and_input() -> None:
    new = rm.pathway()
    new.input_data.append(
        m.InputData(
            id="input_age", name="age", variable=m.InformationItem(name="age", type_ref="number")
        )
    )
    fitness = new.decisions[1].expression
    assert isinstance(fitness, m.DecisionTable)
    fitness.inputs.append(
        m.InputClause(label="age", input_expression=m.LiteralExpression(text="age"))
    )
    for index, rule in enumerate(fitness.rules):
        rule.input_entries.append(m.UnaryTests(text="< 80" if index == 2 else "-"))
    diff = diff_models(rm.pathway(), new)
    assert [(i.name, i.kind) for i in diff.inputs] == [("age", "added")]
    item = only_logic(diff, "fitness")
    assert [(c.kind, c.role, c.header) for c in item.columns] == [("added", "input", "age")]
    assert kinds(item) == [("changed", "F3", "F3")]  # "-" in the new column is no change
    assert item.rules[0].cells == [CellChange("age", "input", "-", "< 80")]


def test_literal_expressions_and_decision_properties() -> None:
    def with_expression(text: str, top: str) -> m.Definitions:
        defs = rm.pathway()
        defs.decisions.append(
            m.Decision(
                id="decision_score",
                name="score",
                variable=m.InformationItem(name="score"),
                extensions={"decision.top_level": top},
                expression=m.LiteralExpression(text=text),
            )
        )
        return defs

    diff = diff_models(with_expression("ecog * 2", "true"), with_expression("ecog * 3", "false"))
    item = only_logic(diff, "score")
    assert item.changes == [
        Change("top level", "true", "false"),
        Change("expression", "ecog * 2", "ecog * 3"),
    ]


def test_a_table_replaced_by_an_expression() -> None:
    new = rm.pathway()
    new.decisions[1].expression = m.LiteralExpression(text='if ecog < 2 then "fit" else "unfit"')
    item = only_logic(diff_models(rm.pathway(), new), "fitness")
    assert item.changes == [Change("logic", "decision table", "expression")]


def test_status_and_metadata_changes() -> None:
    new = rm.pathway("2.0.0", status="approved")
    new.extensions["model.reviewers"] = "Dr R"
    assert diff_models(rm.pathway(), new).metadata == [
        Change("version", "1.0.0", "2.0.0"),
        Change("status", "draft", "approved"),
        Change("reviewers", None, "Dr R"),
    ]


A, B, C, D = ({("input", "x"): t} for t in ("1", "2", "3", "4"))
E = {("input", "x"): "1", ("input", "y"): "2"}  # shares half its cells with A


def keys(*names: str) -> list[RuleKey]:
    """Rule keys: ``R1`` has a Rule id, ``row5`` only a DMN id."""
    return [RuleKey(None, n) if n.startswith("row") else RuleKey(n, f"id_{n}") for n in names]


@pytest.mark.parametrize(
    ("old", "new", "old_keys", "new_keys", "pairs"),
    [
        ([A, B], [A, B], keys("R1", "R2"), keys("R1", "R2"), [(0, 0), (1, 1)]),
        ([A, B], [C, A, B], keys("R1", "R2"), keys("R3", "R1", "R2"), [(0, 1), (1, 2)]),
        (
            [A, B],
            [C, A, B],
            keys("row5", "row6"),
            keys("row5", "row6", "row7"),
            [(0, 1), (1, 2)],
        ),  # insert
        ([A, B], [B], keys("R1", "R2"), keys("R2"), [(1, 0)]),  # delete
        ([A, B], [A, C], keys("R1", "R2"), keys("R1", "R2"), [(0, 0), (1, 1)]),  # edit
        ([A, B], [D, C], keys("R1", "R2"), keys("R3", "R4"), []),  # unrelated
        ([A, A], [A], keys("row5", "row6"), keys("row6"), [(1, 0)]),  # duplicates
        ([B, A], [A], keys("row5", "row6"), keys("row5"), [(1, 0)]),  # moved up
        ([A], [E], keys("row5"), keys("row9"), [(0, 0)]),  # edited, moved
        ([A], [E], keys("R1"), keys("R2"), []),  # named apart
    ],
)
def test_match_rules(
    old: list[dict[tuple[str, str], str]],
    new: list[dict[tuple[str, str], str]],
    old_keys: list[RuleKey],
    new_keys: list[RuleKey],
    pairs: list[tuple[int, int]],
) -> None:
    assert match_rules(old, new, old_keys, new_keys) == pairs


def test_rule_change_kinds_are_sorted_changed_first_removed_last() -> None:
    rules = [RULES[0], ("R2", RULES[1][1], ['"other"'], RULES[1][3]), *RULES[2:3]]
    rules.append(("R9", ["-", "-", "-", "< 20"], ['"x"'], []))
    item = only_logic(diff_models(rm.pathway(), rm.pathway(treatment_rules=rules)), "treatment")
    assert [r.kind for r in item.rules] == ["changed", "added", "removed", "removed"]
    assert isinstance(item.rules[0], RuleChange)
