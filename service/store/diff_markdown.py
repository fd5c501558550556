"""A :class:`~service.store.diff_report.VersionDiff` in, one Markdown page for people out.

The page has the two versions side by side, a summary, every change in the clinicians'
terms (sheet, rule id, column header, old and new cell; a relation's rows by key and
column; the references), the test cases edited, added and removed, whether the generated
input sets were capped (and the command for the full run), then the input sets answered
differently: grouped by the parts of the answer that changed and the rules responsible,
with the inputs the group has in common, how each output changed (items added, removed,
changed or reordered in a list, fields of a context), and a table of the inputs that vary.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from typing import Any

from service.store import boundaries
from service.store.diff_behaviour import DEFECTS, REFUSAL, Answer, Difference, RuleHit
from service.store.diff_cases import CaseChange
from service.store.diff_relations import RowChange
from service.store.diff_report import VersionDiff, full_run_command, summary
from service.store.diff_structural import LogicChange, StructuralDiff
from service.store.diff_tables import Change, RuleChange

DEFAULT_ROWS = 50  # input sets shown per group; the JSON report has them all


def feel_text(value: Any) -> str:
    """A value as a FEEL literal for people: ``"positive"``, ``2.5``, ``[1, 2]``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, decimal.Decimal):
        return format(value, "f") if -30 < value.adjusted() < 30 else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(feel_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {feel_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def _cell(text: str | None) -> str:
    """Text for a Markdown table cell: code-quoted, pipes escaped, on one line."""
    if text is None or text == "":
        return ""
    flat = " ".join(text.split()).replace("|", "\\|")
    return f"`{flat}`" if "`" not in flat else flat


def _where(sheet: str | None, cell: str | None) -> str:
    parts = [f"sheet {sheet}" if sheet else "", cell or ""]
    text = ", ".join(part for part in parts if part)
    return f" ({text})" if text else ""


def to_markdown(diff: VersionDiff, rows: int = DEFAULT_ROWS) -> str:
    """The diff as one Markdown page for clinicians and reviewers."""
    lines = _header(diff)
    lines += _what_changed(diff.structural)
    lines += _test_case_lines(diff.test_cases)
    lines += _whom(diff, rows)
    return "\n".join(lines).rstrip() + "\n"


def _header(diff: VersionDiff) -> list[str]:
    old, new = diff.old, diff.new
    counts = summary(diff)
    lines = [
        f"# {new.title} ({diff.model_id}): {old.version} → {new.version}",
        "",
        f"| | from {old.version} | to {new.version} |",
        "|---|---|---|",
        f"| status | {old.status} | {new.status} |",
        f"| content hash (sha256) | `{old.sha256[:12]}` | `{new.sha256[:12]}` |",
        f"| effective date | {old.effective_date or ''} | {new.effective_date or ''} |",
        "",
    ]
    changed = ", ".join(f"`{item.name}`" for item in diff.structural.logic) or "none"
    rule_words = [
        f"{counts[f'rules_{k}']} {k}"
        for k in ("changed", "added", "removed", "moved")
        if counts[f"rules_{k}"]
    ]
    row_words = [
        f"{counts[f'relation_rows_{k}']} {k}"
        for k in ("changed", "added", "removed", "moved")
        if counts[f"relation_rows_{k}"]
    ]
    case_words = [
        f"{counts[f'test_cases_{k}']} {k}"
        for k in ("changed", "added", "removed")
        if counts[f"test_cases_{k}"]
    ]
    extra = {
        "rules": ", ".join(rule_words),
        "relation rows": ", ".join(row_words),
        "inputs changed": str(counts["inputs_changed"] or ""),
        "references changed": str(counts["references_changed"] or ""),
        "test cases": ", ".join(case_words),
    }
    lines.append(
        f"**In short:** decisions changed: {changed}"
        + "".join(f"; {label}: {text}" for label, text in extra.items() if text)
        + f". **{counts['cases_differing']} of {counts['cases_run']} input sets** checked "
        f"({counts['cases_from_tests']} from the test cases, the rest generated at the "
        "boundaries) get a different answer."
    )
    lines += ["", capped_note(diff), ""]
    return lines


def capped_note(diff: VersionDiff) -> str:
    """Which input sets ran: every combination of the boundary values, a sample, or a
    sample the limit cut short; and the CLI command for the full run."""
    report = diff.behaviour
    if report.exhaustive:
        return (
            f"Input sets: every combination of the boundary values was run "
            f"({report.combinations}), with the test cases."
        )
    full = f"For the full run (every combination): `{full_run_command(diff)}`."
    if report.cut:
        return (
            f"**Input sets capped:** generation stopped at the limit of {report.limit}: "
            f"{report.cases} input sets were run, and answers outside them were not compared. "
            f"The CLI runs more: `tablerx diff {diff.model_id} {diff.old.version} "
            f"{diff.new.version}` (up to {boundaries.DEFAULT_LIMIT} by default). {full}"
        )
    return (
        f"Input sets: a sample of {report.cases} (seeds, every combination of the inputs the "
        "change reads, one input varied at a time, pairs of the others), not every "
        f"combination of the boundary values ({report.combinations}). {full}"
    )


def _what_changed(structural: StructuralDiff) -> list[str]:
    lines = ["## What changed", ""]
    if not structural.metadata and structural.empty:
        return [*lines, "Nothing.", ""]
    if structural.metadata:
        lines += ["### Model", ""]
        lines += [f"- {c.what}: {_from_to(c)}" for c in structural.metadata]
        lines.append("")
    for title, items in (("Inputs", structural.inputs), ("Types", structural.types)):
        if items:
            lines += [f"### {title}", ""]
            for entry in items:
                if entry.kind != "changed":
                    lines.append(f"- `{entry.name}`: {entry.kind}")
                for change in entry.changes:
                    lines.append(f"- `{entry.name}`: {change.what}: {_from_to(change)}")
            lines.append("")
    for logic in structural.logic:
        lines += _logic_lines(logic)
    if structural.references:
        lines += ["### References", ""]
        for entry in structural.references:
            detail = "; ".join(f"{c.what}: {_from_to(c)}" for c in entry.changes)
            lines.append(f"- `{entry.name}` {entry.kind}" + (f": {detail}" if detail else ""))
        lines.append("")
    return lines


def _test_case_lines(cases: Sequence[CaseChange]) -> list[str]:
    """The test cases section: one line per case added or removed, one per field changed."""
    lines = ["## Test cases", ""]
    if not cases:
        return [*lines, "No test case was added, removed or edited.", ""]
    for case in cases:
        if case.kind == "changed":
            lines += [f"- `{case.id}` changed: {c.what}: {_from_to(c)}" for c in case.changes]
        else:
            texts = [
                f"{c.what} {_cell(c.new if case.kind == 'added' else c.old)}" for c in case.changes
            ]
            lines.append(f"- `{case.id}` {case.kind}: " + ", ".join(texts))
    return [*lines, ""]


def _from_to(change: Change) -> str:
    old = _cell(change.old) if change.old is not None else "(none)"
    new = _cell(change.new) if change.new is not None else "(none)"
    return f"{old} → {new}"


def _logic_lines(item: LogicChange) -> list[str]:
    title = "Decision" if item.element == "decision" else "Knowledge model"
    lines = [f"### {title} `{item.name}`{_where(item.sheet, item.cell)}: {item.kind}", ""]
    lines += [f"- {c.what}: {_from_to(c)}" for c in item.changes]
    for column in item.columns:
        detail = "; ".join(f"{c.what}: {_from_to(c)}" for c in column.changes)
        lines.append(
            f"- {column.role} column `{column.header}` {column.kind}"
            + (f": {detail}" if detail else "")
        )
    if item.changes or item.columns:
        lines.append("")
    if item.rows:
        lines += [line for row in item.rows for line in _row_lines(item.name, row)] + [""]
    if item.rules:
        lines += ["| change | rule | row | column | from | to |", "|---|---|---|---|---|---|"]
        for rule in item.rules:
            lines += _rule_rows(rule)
        lines.append("")
    return lines


def _rule_rows(rule: RuleChange) -> list[str]:
    ref = rule.new or rule.old
    assert ref is not None
    name = ref.rule
    if rule.old is not None and rule.new is not None and rule.old.rule != rule.new.rule:
        name = f"{rule.old.rule} → {rule.new.rule}"
    kind = rule.kind + (" and moved" if rule.moved and rule.kind == "changed" else "")
    where = ref.cell or f"rule {ref.position}"
    if rule.kind == "moved" and rule.old is not None and rule.new is not None:
        where += f" (was position {rule.old.position}, now {rule.new.position})"
    cells = (
        rule.cells
        if rule.kind in ("changed", "moved")
        else [c for c in rule.cells if (c.new if rule.kind == "added" else c.old) not in ("-", "")]
    )
    if not cells:
        return [f"| {kind} | {name} | {where} | | | |"]
    rows = []
    for index, cell in enumerate(cells):
        lead = f"| {kind} | {name} | {where} " if index == 0 else "| | | "
        rows.append(f"{lead}| {cell.column} | {_cell(cell.old)} | {_cell(cell.new)} |")
    return rows


def _row_lines(relation: str, row: RowChange) -> list[str]:
    """A relation row: a line per changed cell, or one line for a row added or removed."""
    name = f"`{relation}` row '{row.key}'"
    if row.old is not None and row.new is not None and row.old.key != row.new.key:
        name = f"`{relation}` row '{row.old.key}' → '{row.new.key}'"
    ref = row.new or row.old
    assert ref is not None
    if row.kind in ("added", "removed"):
        where = f" at {ref.cell}" if ref.cell else f" at position {ref.position}"
        texts = [f"{c.column} {_cell(c.new if row.kind == 'added' else c.old)}" for c in row.cells]
        return [f"- {name} {row.kind}{where}: " + ", ".join(texts)]
    lines = [
        f"- {name} column '{c.column}'{f' ({c.cell})' if c.cell else ''}: "
        + _from_to(Change(c.column, c.old, c.new))
        for c in row.cells
    ]
    if row.moved and row.old is not None and row.new is not None:
        lines.append(f"- {name} moved: was position {row.old.position}, now {row.new.position}")
    return lines


# --- whom it affects -------------------------------------------------------------------------


def short(value: Any, width: int = 48) -> str:
    """A value as a FEEL literal, cut to ``width`` characters."""
    text = feel_text(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _label(item: Any) -> str:
    """What names a list item: a context's first text field (a regimen, a code), else itself."""
    if isinstance(item, dict):
        text = next((v for v in item.values() if isinstance(v, str)), None)
        return short(text) if text is not None else short(item)
    return short(item)


def describe_change(old: Any, new: Any, width: int = 240) -> str:
    """A short account of how a value changed: items added, removed, changed or reordered
    for lists (named by :func:`_label`), fields for contexts, ``old → new`` otherwise."""
    if isinstance(old, list) and isinstance(new, list):
        text = _list_change(old, new)
    elif isinstance(old, dict) and isinstance(new, dict):
        text = _context_change(old, new)
    else:
        text = f"{short(old)} → {short(new)}"
    return text if len(text) <= width else text[: width - 1] + "…"


def _list_change(old: list[Any], new: list[Any]) -> str:
    before = {_label(item): item for item in old}
    after = {_label(item): item for item in new}
    parts = []
    added = [label for label in after if label not in before]
    removed = [label for label in before if label not in after]
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    kept_before = [label for label in before if label in after]
    kept_after = [label for label in after if label in before]
    for label in kept_after:
        if feel_text(before[label]) != feel_text(after[label]):
            a, b = before[label], after[label]
            inner = (
                _context_change(a, b)
                if isinstance(a, dict) and isinstance(b, dict)
                else (f"{short(a)} → {short(b)}")
            )
            parts.append(f"{label}: {inner}")
    if kept_before != kept_after:
        parts.append("order now " + ", ".join(kept_after))
    return "; ".join(parts) or f"{short(old)} → {short(new)}"


def _context_change(old: dict[str, Any], new: dict[str, Any]) -> str:
    added = [k for k in new if old.get(k) is None and new[k] is not None]
    removed = [k for k in old if new.get(k) is None and old[k] is not None]
    parts = [f"added {', '.join(added)}"] if added else []
    parts += [f"removed {', '.join(removed)}"] if removed else []
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        if key not in added and key not in removed and feel_text(a) != feel_text(b):
            nested = isinstance(a, list | dict) or isinstance(b, list | dict)
            parts.append(f"{key} changed" if nested else f"{key}: {short(a)} → {short(b)}")
    return ", ".join(parts) or "changed"


def _part_change(item: Difference, name: str) -> str:
    """How one differing part of an answer changed (an output, the refusal, the defects)."""
    old, new = item.old, item.new
    if name == REFUSAL:
        return f"{_refusal(old)} → {_refusal(new)}"
    if name == DEFECTS:
        return f"{'; '.join(old.defects) or 'none'} → {'; '.join(new.defects) or 'none'}"
    if name not in old.outputs or name not in new.outputs:
        return (
            f"{short(old.outputs.get(name)) if name in old.outputs else 'not returned'} → "
            f"{short(new.outputs.get(name)) if name in new.outputs else 'not returned'}"
        )
    return describe_change(old.outputs[name], new.outputs[name])


def _refusal(answer: Answer) -> str:
    return "refused (" + "; ".join(answer.refused) + ")" if answer.refused else "answered"


def _rules_text(hits: Sequence[RuleHit]) -> str:
    """``table 2.4 ('Sheet'!A11), 2.5 (...); other 4.7 (...)``: the rules, by decision."""
    if not hits:
        return "no rule matched"
    by_decision: dict[str, list[str]] = {}
    for hit in dict.fromkeys(hits):
        by_decision.setdefault(hit.decision, []).append(
            hit.rule + (f" ({hit.cell})" if hit.cell else "")
        )
    return "; ".join(f"{name} {', '.join(rules)}" for name, rules in by_decision.items())


def groups(differences: Sequence[Difference]) -> list[list[Difference]]:
    """The differences grouped by the answers' parts that differ and the rules responsible."""
    found: dict[tuple[str, ...], list[Difference]] = {}
    for item in differences:
        key = (*item.outputs, "|", _rules_text(item.old_rules), _rules_text(item.new_rules))
        found.setdefault(key, []).append(item)
    return list(found.values())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _whom(diff: VersionDiff, rows: int) -> list[str]:
    report = diff.behaviour
    lines = ["## Whom it affects", ""]
    if not report.differences:
        lines.append(f"No input set of the {report.cases} checked gets a different answer.")
        if report.same_answer_other_rules:
            lines.append(
                f"{report.same_answer_other_rules} get the same answer through other rules."
            )
        return [*lines, ""]
    grouped = groups(report.differences)
    lines += [
        f"Input sets answered differently: {len(report.differences)} of {report.cases}, "
        f"in {_count(len(grouped), 'group')} (same parts of the answer changed by the "
        "same rules).",
        "",
    ]
    for number, members in enumerate(grouped, 1):
        lines += _group_lines(number, members, report.input_names, diff, rows)
    return lines


def _part_name(name: str) -> str:
    return {REFUSAL: "refusal", DEFECTS: "table defects"}.get(name, name)


def _group_lines(
    number: int, members: list[Difference], names: list[str], diff: VersionDiff, rows: int
) -> list[str]:
    first = members[0]
    parts = ", ".join(_part_name(name) for name in first.outputs)
    lines = [
        f"### {number}. {_count(len(members), 'input set')}: {parts} changed",
        "",
        f"- rules in {diff.old.version}: {_rules_text(first.old_rules)}",
        f"- rules in {diff.new.version}: {_rules_text(first.new_rules)}",
    ]
    varying = [n for n in names if len({feel_text(m.inputs.get(n)) for m in members}) > 1]
    common = [n for n in names if n not in varying]
    given = [
        f"{n} = {feel_text(first.inputs.get(n))}" for n in common if first.inputs.get(n) is not None
    ]
    absent = [n for n in common if first.inputs.get(n) is None]
    if given:
        lines.append(f"- {'all with' if len(members) > 1 else 'inputs:'} {', '.join(given)}")
    if absent:
        lines.append(f"- not given: {', '.join(absent)}")
    changes = {name: [_part_change(m, name) for m in members] for name in first.outputs}
    same = [name for name in first.outputs if len(set(changes[name])) == 1]
    lines += [f"- {_part_name(name)}: {changes[name][0]}" for name in same]
    lines.append("")
    columns = [name for name in first.outputs if name not in same]
    if len(members) > 1 or first.source != "generated":
        header = [*varying, *(_part_name(c) for c in columns), "from"]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for index, member in enumerate(members[:rows]):
            values = [_cell(feel_text(member.inputs.get(n))) for n in varying]
            values += [changes[c][index].replace("|", "\\|") for c in columns]
            lines.append("| " + " | ".join([*values, member.source]) + " |")
        if len(members) > rows:
            lines.append(f"\n… and {len(members) - rows} more input sets (see the JSON report).")
        lines.append("")
    return lines
