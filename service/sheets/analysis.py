"""A compiled model in, diagnostics out: decision tables whose rules overlap or leave gaps.

Under hit policy Unique two rules that match the same input are a defect the engine can
only report at run time; under Any they are one when their outputs differ. Under any
single-result hit policy (Unique, Any, First, Priority) an input no rule matches gives a
null decision. Each input column gets a finite set of representative values
(:mod:`service.sheets.analysis_domains`); every input entry is evaluated on them with the
FEEL unary-test evaluation the engine uses, and kept as two bit masks per value: the rules
that surely match and those that may (an entry naming another input cannot be decided one
column at a time). Two rules overlap when, in every column, some value surely matches both;
a gap is a combination of values that no rule may match, searched column by column and
widened to the columns that matter. Collect, Rule order and Output order tables, and the
guard table, are not checked: several matches, or none, are what they are for.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from service.dmn import model as m
from service.feel import Env
from service.sheets.analysis_domains import (
    NOT_CONSTANT,
    OTHER_TEXT,
    SINGLE_RESULT,
    Domain,
    Entry,
    Facts,
    column_domain,
    compile_entry,
    constant,
)
from service.sheets.diagnostics import ERROR, WARNING, Diagnostic

INFO = "info"
MAX_COMBINATIONS = 20_000  # combinations of representative values searched for gaps
MAX_GAPS_SHOWN = 3
POLICY_WORDS = {"UNIQUE": "Unique", "ANY": "Any", "FIRST": "First", "PRIORITY": "Priority"}


# --- diagnostics -------------------------------------------------------------------------------


def rules_overlap(
    cell: tuple[str, str],
    table: str,
    first: str,
    second: str,
    example: str,
    policy: str,
    sure: bool,
) -> Diagnostic:
    """Two rules of a Unique table (or of an Any table, with different outputs) match one input."""
    verb = "both match" if sure else "can both match"
    rule = "only one rule may match" if policy == "UNIQUE" else "matching rules must agree"
    return Diagnostic(
        "RULES_OVERLAP",
        f"rules {first} and {second} of {table} {verb} {example}; "
        f"under hit policy {POLICY_WORDS[policy]} {rule}",
        ERROR if sure else WARNING,
        sheet=cell[0],
        cell=cell[1],
        hint="narrow one rule's conditions so that the two exclude each other, or use hit "
        "policy First if the order of the rules is meant to decide",
    )


def table_gap(cell: tuple[str, str], table: str, examples: list[str], more: bool) -> Diagnostic:
    """Some input matches no rule of a single-result table: its decision would be null."""
    shown = "; nor ".join(examples) + ("; and more" if more else "")
    return Diagnostic(
        "TABLE_GAP",
        f"no rule of {table} matches {shown}: the decision would be null",
        WARNING,
        sheet=cell[0],
        cell=cell[1],
        hint="add a rule for these values, or a last catch-all row (- in every input column)",
    )


def table_not_analysed(cell: tuple[str, str], table: str, count: int) -> Diagnostic:
    """A table with too many combinations of input values to search for gaps."""
    return Diagnostic(
        "TABLE_NOT_ANALYSED",
        f"{table} was not checked for gaps: its inputs give {count:,} combinations of values "
        f"to try, more than {MAX_COMBINATIONS:,}",
        INFO,
        sheet=cell[0],
        cell=cell[1],
        hint="overlaps were still checked; split the table if it should be checked for gaps",
    )


# --- the analysis ------------------------------------------------------------------------------


@dataclass(slots=True)
class Column:
    """One input column: its name, representative values and, per value, the rule masks."""

    name: str
    domain: Domain
    sure: list[int]  # per value: bit r set when rule r surely matches it
    maybe: list[int]  # per value: bit r set when rule r may match it
    by_rule: list[int]  # per rule: bit k set when the rule surely matches value k


def analyse_model(definitions: m.Definitions) -> list[Diagnostic]:
    """Overlaps and gaps of every decision table and knowledge-model table of a model."""
    facts = Facts.of(definitions)
    names = (
        *facts.inputs,
        *facts.decisions,
        *(b.name for b in definitions.business_knowledge_models),
    )
    found: list[Diagnostic] = []
    for decision in definitions.decisions:
        logic = decision.expression
        if isinstance(logic, m.DecisionTable) and decision.extensions.get("decision.role") is None:
            anchor = _cell(decision.extensions.get("source.cell", ""))
            found.extend(analyse_table(decision.name, logic, anchor, facts, names, None))
    for bkm in definitions.business_knowledge_models:
        body = bkm.logic.body if bkm.logic is not None else None
        if isinstance(body, m.DecisionTable) and bkm.logic is not None:
            parameters = {p.name: p.type_ref for p in bkm.logic.parameters}
            anchor = _cell(bkm.extensions.get("source.cell", ""))
            scope = (*parameters, *(b.name for b in definitions.business_knowledge_models))
            found.extend(analyse_table(bkm.name, body, anchor, facts, scope, parameters))
    return found


def analyse_table(
    name: str,
    table: m.DecisionTable,
    anchor: tuple[str, str],
    facts: Facts,
    names: tuple[str, ...],
    parameters: dict[str, str | None] | None,
) -> list[Diagnostic]:
    """The overlaps and gaps of one table (``parameters`` for a knowledge model's table)."""
    policy = table.hit_policy
    if policy not in SINGLE_RESULT or not table.rules or not table.inputs:
        return []
    if any(len(rule.input_entries) != len(table.inputs) for rule in table.rules):
        return []  # a malformed table: DMN validation says so
    scope = set(parameters if parameters is not None else names)
    columns = [_column(table, i, facts, names, scope, parameters) for i in range(len(table.inputs))]
    found: list[Diagnostic] = []
    if policy in ("UNIQUE", "ANY"):
        found.extend(_overlaps(name, table, columns))
    size = 1
    for column in columns:
        size *= max(len(column.domain.values), 1)
    if size > MAX_COMBINATIONS:
        found.append(table_not_analysed(anchor, name, size))
        return found
    regions = _gaps(columns, (1 << len(table.rules)) - 1)
    if regions:
        shown = [_describe(columns, r) for r in regions[:MAX_GAPS_SHOWN]]
        found.append(table_gap(anchor, name, shown, len(regions) > MAX_GAPS_SHOWN))
    return found


def _column(
    table: m.DecisionTable,
    index: int,
    facts: Facts,
    names: tuple[str, ...],
    scope: set[str],
    parameters: dict[str, str | None] | None,
) -> Column:
    clause = table.inputs[index]
    text = clause.input_expression.text.strip()
    own = text if text in scope else None
    groups: dict[str, tuple[Entry, int]] = {}  # rules with the same cell text, evaluated once
    for r, rule in enumerate(table.rules):
        text_r = rule.input_entries[index].text.strip()
        entry, bits = groups.get(text_r) or (compile_entry(text_r, names, own), 0)
        groups[text_r] = (entry, bits | 1 << r)
    allowed = clause.input_values.text if clause.input_values is not None else None
    entries = [entry for entry, _ in groups.values()]
    domain = column_domain(facts, text, allowed, entries, parameters)
    sure, maybe = [], []
    for value in domain.values:
        env = Env({own: value} if own else {})
        bits_sure = bits_maybe = 0
        for entry, bits in groups.values():
            outcome = _outcome(entry, value, env)
            if outcome is not False:
                bits_maybe |= bits
            if outcome is True:
                bits_sure |= bits
        sure.append(bits_sure)
        maybe.append(bits_maybe)
    by_rule = [0] * len(table.rules)
    for k, bits in enumerate(sure):
        for r in range(len(table.rules)):
            if bits >> r & 1:
                by_rule[r] |= 1 << k
    return Column(clause.label or text, domain, sure, maybe, by_rule)


def _outcome(entry: Entry, value: Any, env: Env) -> bool | None:
    """True when the entry matches ``value``, False when not, None when it cannot be told."""
    if entry.test is None or entry.names:
        return None  # it reads another input: decided only with the whole request
    return entry.test.test(value, env) is True


def _overlaps(name: str, table: m.DecisionTable, columns: list[Column]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    sure = all(c.domain.independent for c in columns)
    for b in range(1, len(table.rules)):
        for a in range(b):
            if table.hit_policy == "ANY" and _same_outputs(table.rules[a], table.rules[b]):
                continue
            picks = _common(columns, a, b)
            if picks is None:
                continue
            first, second = table.rules[a], table.rules[b]
            sheet, cell = _cell(second.extensions.get("source.cell", ""))
            first_cell = _cell(first.extensions.get("source.cell", ""))
            shown = (
                f"'{first_cell[0]}'!{first_cell[1]}" if first_cell[0] != sheet else first_cell[1]
            )
            example = _describe(columns, picks, only=_constrained(table, a, b))
            found.append(
                rules_overlap(
                    (sheet, cell),
                    name,
                    f"{_label(first, a)} ({shown})",
                    f"{_label(second, b)} ({cell})",
                    example,
                    table.hit_policy,
                    sure,
                )
            )
    return found


def _common(columns: list[Column], a: int, b: int) -> Region | None:
    """For each column, a value both rules surely match; None when some column has none."""
    picks: Region = {}
    for c, column in enumerate(columns):
        shared = column.by_rule[a] & column.by_rule[b]
        if not shared:
            return None
        picks[c] = [(shared & -shared).bit_length() - 1]  # the first value they share
    return picks


def _constrained(table: m.DecisionTable, a: int, b: int) -> set[int]:
    """The columns where rule a or rule b has a condition (not ``-``)."""
    return {
        c
        for c in range(len(table.inputs))
        if any(table.rules[r].input_entries[c].text.strip() not in ("-", "") for r in (a, b))
    }


def _same_outputs(first: m.DecisionRule, second: m.DecisionRule) -> bool:
    for one, other in zip(first.output_entries, second.output_entries, strict=False):
        if one.text.strip() == other.text.strip():
            continue
        left, right = constant(one.text), constant(other.text)
        if left is NOT_CONSTANT or right is NOT_CONSTANT or not _equal_values(left, right):
            return False
    return True


def _equal_values(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    try:
        return type(left) is type(right) and bool(left == right)
    except Exception:  # values without a usable equality are taken as different
        return False


Region = dict[int, list[int]]  # column -> indices of its values; absent column: any value


def _gaps(columns: list[Column], everything: int) -> list[Region]:
    """Regions of values no rule may match, each widened to the columns that matter."""
    regions: list[Region] = []
    stack: list[tuple[int, int, dict[int, int]]] = [(0, everything, {})]
    while stack:
        depth, mask, fixed = stack.pop()
        if mask == 0:
            if not any(all(fixed.get(c) in ks for c, ks in r.items()) for r in regions):
                regions.append(_widen(columns, fixed))
            if len(regions) > MAX_GAPS_SHOWN:
                break  # enough to show, and to say there are more
            continue
        if depth == len(columns):
            continue
        values = columns[depth].maybe
        for k in reversed(range(len(values))):
            stack.append((depth + 1, mask & values[k], {**fixed, depth: k}))
    return regions


def _widen(columns: list[Column], fixed: dict[int, int]) -> Region:
    """The gap at ``fixed`` grown, column by column, to every value that keeps it a gap."""
    region: Region = {c: [k] for c, k in fixed.items()}
    for c in fixed:
        for k in range(len(columns[c].maybe)):
            if k not in region[c] and _matched(columns, {**region, c: [*region[c], k]}) == 0:
                region[c].append(k)
        if len(region[c]) == len(columns[c].maybe):
            del region[c]  # any value of this column
    return region


def _matched(columns: list[Column], region: Region) -> int:
    """The rules that may match some combination of the region (exact: masks per column)."""
    mask = -1
    for c, column in enumerate(columns):
        union = 0
        for k in region.get(c, range(len(column.maybe))):
            union |= column.maybe[k]
        mask &= union
    return mask


def _describe(columns: list[Column], region: Region, only: set[int] | None = None) -> str:
    """``ecog = 3, her2 = "a" or "b"`` for the region's columns (``only`` those)."""
    parts = []
    for c, ks in sorted(region.items()):
        if only is None or c in only:
            parts.append(_values_of(columns[c], sorted(ks)))
    return ", ".join(parts) if parts else "any input"


def _values_of(column: Column, indices: list[int]) -> str:
    """``ecog = 3 or 4``, ``lvef not given``, ``lvef = 20 or not given``."""
    values = [column.domain.values[k] for k in indices]
    shown = [_shown(v) for v in values if v is not None]
    if len(shown) > 4:
        shown = [*shown[:4], "..."]
    if None in values:
        shown.append("not given")
    if shown == ["not given"]:
        return f"{column.name} not given"
    return f"{column.name} = {' or '.join(shown)}"


def _shown(value: Any) -> str:
    if value == OTHER_TEXT:
        return "any other text"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _label(rule: m.DecisionRule, index: int) -> str:
    return rule.label or str(index + 1)


def _cell(quoted: str) -> tuple[str, str]:
    """``'Sheet'!A4`` -> (``Sheet``, ``A4``)."""
    sheet, _, cell = quoted.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, cell
