"""The committed test cases in, rule coverage out: every rule of every table is matched by a case.

Each case is evaluated the way ``tablerx test`` runs it (absent inputs take their declared
default; the decisions the case checks are evaluated), and the rules each evaluated table
matched are collected from the engine's record. A rule no case matches is named with its
table, its rule number and its cell, so that the missing case is easy to write.
"""

from __future__ import annotations

from service.dmn import model as m
from service.engine import Model
from service.store import admission
from service.tck.reader import TestCase
from service.tck.runner import case_inputs


def all_rules(definitions: m.Definitions) -> dict[str, str]:
    """Every rule of every decision table and knowledge model: id -> how to find it."""
    tables: list[tuple[str, m.Expression | None]] = [
        (d.name, d.expression) for d in definitions.decisions
    ]
    tables += [
        (b.name, b.logic.body if b.logic else None) for b in definitions.business_knowledge_models
    ]
    found: dict[str, str] = {}
    for name, table in tables:
        if isinstance(table, m.DecisionTable):
            for rule in table.rules:
                cell = rule.extensions.get("source.cell", "")
                found[rule.id or ""] = f"{name} rule {rule.label} ({cell})"
    return found


def matched_rules(model: Model, definitions: m.Definitions, cases: list[TestCase]) -> set[str]:
    """The ids of the rules some case matches."""
    decls = admission.declarations(definitions)
    seen: set[str] = set()
    for case in cases:
        inputs = admission.with_defaults(decls, case_inputs(model, case))
        result = model.evaluate(inputs, [node.name for node in case.results])
        for record in result.tables:
            seen.update(match.rule_id or "" for match in record.matches)
    return seen


def test_every_rule_is_matched_by_a_case(
    model: Model, definitions: m.Definitions, cases: list[TestCase]
) -> None:
    rules = all_rules(definitions)
    assert len(rules) == 71  # T0 8, T1 3, T2 5, T4 9, T5 12, T7 12 + 2, T8 20
    seen = matched_rules(model, definitions, cases)
    never = [where for rule_id, where in rules.items() if rule_id not in seen]
    assert never == [], "rules no test case matches:\n" + "\n".join(never)
