"""Two versions of a decision table in, its changes out: hit policy, columns, rules cell by cell.

Columns are matched by header (an input's label or expression, an output's name, an
annotation's name). Rules are paired before they are compared, because a rule's DMN id
comes from its row and inserting a row renumbers the rules below it: first rules with the
same id and the same cells, then rules with the same cells (moved rows), then rules with
the same Rule id (edited in place), then rules without a Rule id sharing at least half
their cells (edited and moved); what is left was added or removed. Where rule order
decides the answer (hit policies First, Rule order and Collect), rules whose relative
order changed are reported as moved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.dmn import model as dmn

ORDERED_POLICIES = ("FIRST", "RULE ORDER", "COLLECT")


@dataclass(frozen=True, slots=True)
class Change:
    """One property that differs: what it is, its old and new text (None: not there)."""

    what: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule as clinicians know it: its id, its position in the table, its row's cell."""

    rule: str
    position: int
    cell: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class CellChange:
    """One cell of a rule: the column's header and role, old and new text."""

    column: str
    role: str  # "input", "output" or "annotation"
    old: str | None
    new: str | None


@dataclass(slots=True)
class RuleChange:
    """A rule added, removed, changed (``cells`` differ) or moved (order matters)."""

    kind: str
    old: RuleRef | None
    new: RuleRef | None
    cells: list[CellChange] = field(default_factory=list)
    moved: bool = False


@dataclass(slots=True)
class ColumnChange:
    """A decision table column added, removed or changed (expression, type, values)."""

    kind: str
    role: str
    header: str
    changes: list[Change] = field(default_factory=list)


def differing(pairs: Sequence[tuple[str, str | None, str | None]]) -> list[Change]:
    """A :class:`Change` for each (what, old, new) whose texts differ (empty counts as none)."""
    return [Change(what, old, new) for what, old, new in pairs if (old or None) != (new or None)]


def keyed(
    old: Sequence[Any], new: Sequence[Any], key: Callable[[Any], str]
) -> list[tuple[str, Any | None, Any | None]]:
    """(key, old item, new item) for every key in either list: new's order, removed last."""
    old_by = {key(item): item for item in old}
    new_by = {key(item): item for item in new}
    keys = list(new_by) + [k for k in old_by if k not in new_by]
    return [(k, old_by.get(k), new_by.get(k)) for k in keys]


def input_header(clause: dmn.InputClause) -> str:
    """An input column's header: its label, else its expression."""
    return (clause.label or clause.input_expression.text).strip()


def output_header(clause: dmn.OutputClause, index: int) -> str:
    """An output column's header: its name, else its label, else ``output N``."""
    return (clause.name or clause.label or f"output {index + 1}").strip()


def rule_ref(rule: dmn.DecisionRule, position: int) -> RuleRef:
    """A rule as clinicians know it (Rule column id, else DMN id, else its position)."""
    row = rule.extensions.get("source.row")
    return RuleRef(
        rule=rule.label or rule.id or f"rule {position}",
        position=position,
        cell=rule.extensions.get("source.cell"),
        row=int(row) if row and row.isdigit() else None,
    )


Column = tuple[str, str]  # (role, header)


def rule_cells(table: dmn.DecisionTable, rule: dmn.DecisionRule) -> dict[Column, str]:
    """A rule's cells by (role, header), texts stripped."""
    cells: dict[Column, str] = {}
    for i, clause in enumerate(table.inputs):
        text = rule.input_entries[i].text if i < len(rule.input_entries) else "-"
        cells[("input", input_header(clause))] = text.strip()
    for i, output in enumerate(table.outputs):
        text = rule.output_entries[i].text if i < len(rule.output_entries) else ""
        cells[("output", output_header(output, i))] = text.strip()
    for i, annotation in enumerate(table.annotations):
        text = rule.annotation_entries[i] if i < len(rule.annotation_entries) else ""
        cells[("annotation", annotation.name.strip())] = text.strip()
    return cells


def policy(table: dmn.DecisionTable) -> str:
    return f"{table.hit_policy} {table.aggregation}" if table.aggregation else table.hit_policy


def compare_tables(
    old: dmn.DecisionTable, new: dmn.DecisionTable
) -> tuple[list[Change], list[ColumnChange], list[RuleChange]]:
    """The table-level changes (hit policy), the column changes and the rule changes."""
    return (
        differing([("hit policy", policy(old), policy(new))]),
        _columns(old, new),
        _rules(old, new),
    )


def _columns(old: dmn.DecisionTable, new: dmn.DecisionTable) -> list[ColumnChange]:
    def values(tests: dmn.UnaryTests | None) -> str | None:
        return tests.text.strip() if tests is not None else None

    found = []
    for header, a, b in keyed(old.inputs, new.inputs, input_header):
        found += _column(
            "input",
            header,
            a,
            b,
            lambda c: [
                ("expression", c.input_expression.text.strip()),
                ("type", c.input_expression.type_ref),
                ("allowed values", values(c.input_values)),
            ],
        )
    outputs = [(output_header(c, i), c) for i, c in enumerate(old.outputs)]
    outputs_new = [(output_header(c, i), c) for i, c in enumerate(new.outputs)]
    for header, a, b in keyed(outputs, outputs_new, lambda pair: pair[0]):
        found += _column(
            "output",
            header,
            a and a[1],
            b and b[1],
            lambda c: [
                ("type", c.type_ref),
                ("allowed values", values(c.output_values)),
                ("default", c.default_output_entry.text if c.default_output_entry else None),
            ],
        )
    for header, a, b in keyed(old.annotations, new.annotations, lambda a: a.name.strip()):
        found += _column("annotation", header, a, b, lambda c: [])
    return found


def _column(
    role: str, header: str, old: Any, new: Any, props: Callable[[Any], list[tuple[str, str | None]]]
) -> list[ColumnChange]:
    if old is None or new is None:
        return [ColumnChange("added" if old is None else "removed", role, header)]
    before, after = props(old), props(new)
    changes = differing([(k, a, b) for (k, a), (_, b) in zip(before, after, strict=True)])
    return [ColumnChange("changed", role, header, changes)] if changes else []


def whole_rules(table: dmn.DecisionTable, kind: str) -> list[RuleChange]:
    """Every rule of a table added or removed as a whole (``kind``), with all its cells."""
    found = []
    for position, rule in enumerate(table.rules, 1):
        cells = [
            CellChange(
                header, role, text if kind == "removed" else None, text if kind == "added" else None
            )
            for (role, header), text in rule_cells(table, rule).items()
        ]
        ref = rule_ref(rule, position)
        found.append(
            RuleChange(
                kind, ref if kind == "removed" else None, ref if kind == "added" else None, cells
            )
        )
    return found


def _rules(old: dmn.DecisionTable, new: dmn.DecisionTable) -> list[RuleChange]:
    a = [rule_cells(old, rule) for rule in old.rules]
    b = [rule_cells(new, rule) for rule in new.rules]
    refs_a = [rule_ref(rule, i) for i, rule in enumerate(old.rules, 1)]
    refs_b = [rule_ref(rule, i) for i, rule in enumerate(new.rules, 1)]
    keys_a = [RuleKey(rule.label, rule.id) for rule in old.rules]
    keys_b = [RuleKey(rule.label, rule.id) for rule in new.rules]
    pairs = match_rules(a, b, keys_a, keys_b)
    moved = moved_pairs(pairs) if policy(new).split()[0] in ORDERED_POLICIES else set()
    found: list[RuleChange] = []
    matched_b = {j for _, j in pairs}
    for i, j in pairs:
        cells = _cell_changes(a[i], b[j])
        if cells or (i, j) in moved:
            found.append(
                RuleChange(
                    "changed" if cells else "moved", refs_a[i], refs_b[j], cells, (i, j) in moved
                )
            )
    matched_a = {i for i, _ in pairs}
    for j in range(len(b)):
        if j not in matched_b:
            found.append(RuleChange("added", None, refs_b[j], _cell_changes({}, b[j])))
    for i in range(len(a)):
        if i not in matched_a:
            found.append(RuleChange("removed", refs_a[i], None, _cell_changes(a[i], {})))
    order = {"changed": 0, "moved": 0, "added": 0, "removed": 1}
    found.sort(key=lambda c: (order[c.kind], (c.new or c.old or RuleRef("", 0)).position))
    return found


def _empty_cell(role: str) -> str:
    return "-" if role == "input" else ""


def _cell_changes(old: dict[Column, str] | None, new: dict[Column, str] | None) -> list[CellChange]:
    """Cells that differ; a missing side (an added or removed rule) gives every cell."""
    if not old or not new:
        side = old or new or {}
        return [
            CellChange(
                header,
                role,
                side[(role, header)] if old else None,
                side[(role, header)] if new else None,
            )
            for role, header in side
        ]
    keys = list(new) + [k for k in old if k not in new]
    found = []
    for role, header in keys:
        before = old.get((role, header), _empty_cell(role))
        after = new.get((role, header), _empty_cell(role))
        if before != after:
            found.append(CellChange(header, role, before, after))
    return found


@dataclass(frozen=True, slots=True)
class RuleKey:
    """What identifies a rule across versions: the clinicians' Rule id, else the DMN id."""

    label: str | None
    id: str | None

    def same(self, other: RuleKey) -> bool:
        """The same rule by name: same Rule id, or (neither has one) same DMN id."""
        if self.label or other.label:
            return self.label == other.label
        return self.id is not None and self.id == other.id

    def distinct(self, other: RuleKey) -> bool:
        """Named as different rules by the clinicians (both have a Rule id, not the same)."""
        return bool(self.label and other.label and self.label != other.label)


def match_rules(
    old: Sequence[dict[Column, str]],
    new: Sequence[dict[Column, str]],
    old_keys: Sequence[RuleKey],
    new_keys: Sequence[RuleKey],
) -> list[tuple[int, int]]:
    """Pairs (old index, new index) of the same rule in two versions of a table."""
    pairs: list[tuple[int, int]] = []
    free_a, free_b = list(range(len(old))), list(range(len(new)))

    def take(same: Callable[[int, int], bool]) -> None:
        for i in list(free_a):
            candidates = [j for j in free_b if same(i, j)]
            if candidates:
                j = min(candidates, key=lambda j: abs(i - j))  # duplicates: the nearest row
                pairs.append((i, j))
                free_a.remove(i)
                free_b.remove(j)

    take(lambda i, j: old_keys[i].same(new_keys[j]) and _same(old[i], new[j]))
    take(lambda i, j: _same(old[i], new[j]))
    take(lambda i, j: old_keys[i].same(new_keys[j]))
    scored = sorted(
        (-_similarity(old[i], new[j]), abs(i - j), i, j)
        for i in free_a
        for j in free_b
        if not old_keys[i].distinct(new_keys[j])
    )
    for score, _, i, j in scored:
        if -score >= 0.5 and i in free_a and j in free_b:
            pairs.append((i, j))
            free_a.remove(i)
            free_b.remove(j)
    return sorted(pairs)


def _same(a: dict[Column, str], b: dict[Column, str]) -> bool:
    return not _cell_changes(a, b)


def _similarity(a: dict[Column, str], b: dict[Column, str]) -> float:
    keys = set(a) | set(b)
    if not keys:
        return 1.0
    equal = sum(
        1
        for role, header in keys
        if a.get((role, header), _empty_cell(role)) == b.get((role, header), _empty_cell(role))
    )
    return equal / len(keys)


def moved_pairs(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs outside a longest run whose order is kept: the rules that moved."""
    ordered = sorted(pairs)
    news = [j for _, j in ordered]
    runs: list[list[int]] = []  # runs[k]: a longest increasing run of positions ending at k
    for k, value in enumerate(news):
        previous = [runs[m] for m in range(k) if news[m] < value]
        longest: list[int] = max(previous, key=len) if previous else []
        runs.append([*longest, k])
    best: list[int] = max(runs, key=len) if runs else []
    keep = set(best)
    return {pair for k, pair in enumerate(ordered) if k not in keep}
