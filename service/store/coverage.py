"""A version's decision tables and its test run in, which rules some test case matched out.

Every rule of every decision table of the model, in decisions and in business knowledge
models, however deeply the table is nested in a boxed expression, is listed with its
owner, its id as clinicians know it (the Rule column's label, else its DMN id) and the
workbook cell its row starts at (``source.cell``). A rule counts as matched when, in at
least one test case, it was among the rules that made its table's result (the engine's
record of the evaluation: ``Result.tables``). Under hit policy First or Priority a rule
that also matched but lost to another does not count: no case shows its outputs. A
knowledge model's table invoked once per item of a list is recorded once per invocation,
so its rules are covered by whichever invocation matched them.

``tablerx test --coverage`` prints :func:`format_coverage`; the clinical model's test
suite asserts that nothing is left unmatched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.dmn import model as dmn

DECISION, KNOWLEDGE_MODEL = "decision", "knowledge model"

# How a test run names a rule that matched: (table id, 1-based position, rule id).
MatchKey = tuple[str | None, int, str | None]


@dataclass(frozen=True, slots=True)
class TableRef:
    """A decision table, and the decision or knowledge model it belongs to."""

    owner: str
    kind: str  # DECISION or KNOWLEDGE_MODEL
    table: dmn.DecisionTable


@dataclass(frozen=True, slots=True)
class RuleRef:
    """One rule of one table: where it is, and how people name it."""

    owner: str
    kind: str
    table: int  # the table's index in all_tables()
    table_id: str | None
    position: int  # 1-based
    rule_id: str | None
    label: str  # the Rule column's id, else the DMN id, else "#<position>"
    cell: str | None  # the first cell of the rule's row, e.g. 'T5 Exclusions'!A9

    @property
    def where(self) -> str:
        """``treatment rule R5 ('T2 Treatment'!A9)``."""
        return f"{self.owner} rule {self.label}" + (f" ({self.cell})" if self.cell else "")


def _nested(obj: Any) -> Iterator[dmn.DecisionTable]:
    """Every decision table inside a boxed expression, however deeply nested."""
    if isinstance(obj, dmn.DecisionTable):
        yield obj
        return
    if isinstance(obj, list):
        for item in obj:
            yield from _nested(item)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name != "extensions":
                yield from _nested(getattr(obj, f.name))


def all_tables(defs: dmn.Definitions) -> list[TableRef]:
    """Every decision table of the model: decisions' first, then knowledge models'."""
    found = [TableRef(d.name, DECISION, t) for d in defs.decisions for t in _nested(d.expression)]
    found += [
        TableRef(b.name, KNOWLEDGE_MODEL, t)
        for b in defs.business_knowledge_models
        for t in _nested(b.logic)
    ]
    return found


def all_rules(defs: dmn.Definitions) -> list[RuleRef]:
    """Every rule of every decision table of the model, in document order."""
    return [
        RuleRef(
            ref.owner,
            ref.kind,
            index,
            ref.table.id,
            position,
            rule.id,
            rule.label or rule.id or f"#{position}",
            rule.extensions.get("source.cell"),
        )
        for index, ref in enumerate(all_tables(defs))
        for position, rule in enumerate(ref.table.rules, 1)
    ]


def match_keys(tables: Iterable[Any]) -> set[MatchKey]:
    """The rules that made some table's result, from an engine ``Result.tables``."""
    return {
        (record.table_id, match.index, match.rule_id)
        for record in tables
        for match in record.matches
    }


@dataclass(slots=True)
class Coverage:
    """Every rule, and the test cases that matched each."""

    rules: list[RuleRef]
    cases: dict[RuleRef, list[str]] = field(default_factory=dict)  # rule -> ids of cases

    @property
    def unmatched(self) -> list[RuleRef]:
        """The rules no case matched."""
        return [rule for rule in self.rules if not self.cases.get(rule)]

    @property
    def summary(self) -> str:
        """``69/71 rules matched by a test case (2 never)``."""
        missing = len(self.unmatched)
        text = f"{len(self.rules) - missing}/{len(self.rules)} rules matched by a test case"
        return f"{text} ({missing} never)" if missing else text


def rule_coverage(
    defs: dmn.Definitions, runs: Iterable[tuple[str, Iterable[MatchKey]]]
) -> Coverage:
    """The coverage of the model's rules by test runs: (case id, match keys) pairs.

    A rule is identified by its DMN id when it has one, else by its table's id and its
    position in the table.
    """
    rules = all_rules(defs)
    by_id = {rule.rule_id: rule for rule in rules if rule.rule_id}
    by_place = {(rule.table_id, rule.position): rule for rule in rules}
    result = Coverage(rules)
    for case_id, keys in runs:
        for table_id, position, rule_id in keys:
            rule = by_id.get(rule_id or "") or by_place.get((table_id, position))
            if rule is not None:
                cases = result.cases.setdefault(rule, [])
                if case_id not in cases:
                    cases.append(case_id)
    return result


def format_coverage(title: str, found: Coverage) -> str:
    """Plain text: per table every rule and the cases matching it, then the unmatched ones."""
    lines = [f"coverage {title}: {found.summary}"]
    tables: dict[int, list[RuleRef]] = {}
    for rule in found.rules:
        tables.setdefault(rule.table, []).append(rule)
    for mine in tables.values():
        hit = sum(1 for r in mine if found.cases.get(r))
        lines.append(f"  {mine[0].kind} {mine[0].owner}: {hit}/{len(mine)} rules matched")
        for rule in mine:
            cases = found.cases.get(rule, [])
            mark = f"matched by {_cases(cases)}" if cases else "NOT MATCHED"
            lines.append(f"    rule {rule.label:<10} {rule.cell or '':<28} {mark}")
    if found.unmatched:
        lines.append("  rules no test case matches (add a case for each):")
        lines += [f"    {rule.where}" for rule in found.unmatched]
    return "\n".join(lines)


def _cases(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
    return f"{len(ids)} case{'s' if len(ids) > 1 else ''} ({shown})"
