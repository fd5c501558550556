"""Blocks in, specs out: decision tables, knowledge models and test cases.

Their header row says each column's role in words: ``Input: ecog``, ``Output: care_pathway``,
``Annotation: rationale`` (``Expected: care_pathway`` in tests), or a row of role words
(``Inputs``, ``Outputs``, ``Annotations``, often a merged cell) sits above a row of names.
A ``Rule`` (or ``#``, ``Id``) column holds rule ids; rows labelled ``Type`` or ``Allowed
values`` in that column, right under the header, declare the columns' types and values.
"""

from __future__ import annotations

import difflib
import re

from service.sheets import diagnostics as diag
from service.sheets.blocks import data_rows, yes_no
from service.sheets.cells import expression_text, problem
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.grid import Cell
from service.sheets.hitpolicy import HIT_POLICIES, HIT_POLICY_NAMES, parse_hit_policy
from service.sheets.layout import Block, Label, TableLayout, cell_text, normalize, split_table
from service.sheets.names import is_valid_name
from service.sheets.specs import Column, RowSpec, TableSpec, TestsSpec
from service.sheets.tableshape import headerless_columns, hidden_columns, merged_across_columns
from service.sheets.types import TYPE_CHOICES, Declared, TypeSpec, parse_type

TABLE_LABELS = (
    "hit policy", "description", "question", "role", "top level", "returned", "in response",
    "result type",
)  # fmt: skip
KNOWLEDGE_LABELS = (*TABLE_LABELS, "parameters", "parameter", "expression")

# role words (normalized) -> column role
ROLE_WORDS = {
    "input": "input", "inputs": "input", "condition": "input", "conditions": "input",
    "output": "output", "outputs": "output", "result": "output", "results": "output",
    "annotation": "annotation", "annotations": "annotation",
    "expected": "expected", "expected output": "expected", "expected outputs": "expected",
    "expected result": "expected", "expected results": "expected",
    "extra": "extra", "extra field": "extra", "extra input": "extra",
    "undeclared": "extra", "undeclared field": "extra", "undeclared input": "extra",
}  # fmt: skip
RULE_HEADERS = frozenset(
    {
        "rule",
        "rules",
        "rule id",
        "#",
        "id",
        "no",
        "no.",
        "nr",
        "rule #",
        "rule no",
        "test",
        "test id",
        "case",
        "test case",
    }
)
DESCRIPTION_HEADERS = frozenset({"description", "comment", "comments"})
META_ROWS = {
    "type": "type",
    "types": "type",
    "allowed values": "allowed",
    "values": "allowed",
    "allowed": "allowed",
    "output values": "allowed",
    "input values": "allowed",
}

_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)$", re.DOTALL)


def header_role(text: str) -> tuple[str, str] | None:
    """(role, rest) for a header cell such as ``Input: ecog``; None without a role prefix."""
    match = _PREFIX.match(text)
    if match and normalize(match.group(1)) in ROLE_WORDS:
        return ROLE_WORDS[normalize(match.group(1))], match.group(2).strip()
    return None


def _is_header(cells: list[Cell]) -> bool:
    return any(header_role(cell_text(c)) for c in cells)


def _is_role_row(cells: list[Cell]) -> bool:
    """A row of role words above the header (``Inputs | Outputs``); one of them may be
    misspelt (reported at its cell by :func:`_column`)."""
    words = [normalize(cell_text(c)) for c in cells]
    return any(w in ROLE_WORDS for w in words) and all(
        w in ROLE_WORDS or w in RULE_HEADERS or _close_word(w, "table") for w in words
    )


def read_table(block: Block, declared: Declared, found: list[Diagnostic]) -> TableSpec:
    """A Decision table or Knowledge model block."""
    knowledge = block.kind == "knowledge model"
    spec = TableSpec(block, block.title, "knowledge" if knowledge else "decision")
    layout, problems = split_table(
        block, KNOWLEDGE_LABELS if knowledge else TABLE_LABELS, _is_header, _is_role_row
    )
    found.extend(problems)
    _apply_labels(spec, layout, declared, found)
    if layout.header_row is None:
        if not spec.body:
            found.append(
                diag.header_missing(
                    block.anchor,
                    "table",
                    "Rule | Input: ecog | Output: care_pathway | Annotation: rationale",
                )
            )
        return spec
    spec.columns, spec.unknown_headers = _columns(block, layout, found, "table")
    quiet = _shape(block, layout, spec.columns, spec.unknown_headers, "table", found)
    spec.unknown_headers = sorted(quiet)  # a column without header is reported like a bad one
    outputs = spec.of_role("output")
    if not spec.name and len(outputs) == 1 and not knowledge:
        spec.name = outputs[0].text  # a one-output table may leave its name to the output
    rows = _meta_rows(block, layout.data_rows, spec.columns, declared, found)
    rule = next((c for c in spec.columns if c.role == "rule"), None)
    content = [c for c in spec.columns if c.role != "rule"]
    spec.rules = data_rows(
        block,
        rows,
        spec.columns,
        found,
        lambda row: _ident(block, rule, row),
        quiet,
    )
    for r in spec.rules:
        r.cells = {c.col: r.cells.get(c.col) for c in content}
    return spec


def _shape(
    block: Block,
    layout: TableLayout,
    columns: list[Column],
    unknown: list[int],
    kind: str,
    found: list[Diagnostic],
) -> frozenset[int]:
    """Columns without header, hidden columns, merges across columns (:mod:`tableshape`);
    the columns whose cells are not to be reported one by one."""
    assert layout.header_row is not None
    headed = {c.col for c in columns} | set(unknown)
    rows = layout.data_rows
    blank = headerless_columns(block, layout.header_row, rows, headed, kind, found)
    hidden_columns(block, columns, found)
    merged_across_columns(block, rows, columns, found)
    return frozenset(unknown) | blank


def _ident(block: Block, rule: Column | None, row: int) -> tuple[str, Where | None]:
    if rule is None:
        return "", None
    cell = block.sheet.get(row, rule.col)
    return cell_text(cell), block.at(cell, row, rule.col) if cell else None


def _apply_labels(
    spec: TableSpec, layout: TableLayout, declared: Declared, found: list[Diagnostic]
) -> None:
    block = spec.block
    labels = layout.labels
    policy = labels.get("hit policy")
    if policy is not None and policy.text:
        spec.hit_where = block.at(policy.value)
        parsed = parse_hit_policy(policy.text)
        if parsed is None:
            spec.hit_unknown = True
            found.append(diag.hit_policy_unknown(spec.hit_where, policy.text))
        else:
            spec.hit_policy, spec.aggregation = parsed
    elif layout.header_row is not None:
        spec.hit_where = block.at(policy.cell) if policy else block.anchor
        found.append(diag.hit_policy_missing(spec.hit_where))
    spec.description = labels["description"].text if "description" in labels else ""
    spec.question = labels["question"].text if "question" in labels else ""
    if "role" in labels:
        role = normalize(labels["role"].text)
        spec.guard = role in _GUARD_ROLES
        if role not in (*_GUARD_ROLES, "decision", ""):
            found.append(
                diag.value_invalid(
                    block.at(labels["role"].value),
                    f"{labels['role'].text!r} is not a role",
                    hint="write guard for a table that rejects requests, or leave it empty",
                )
            )
            # "gaurd": read as meant, so that the tests of its codes raise nothing more
            spec.guard = bool(difflib.get_close_matches(role, _GUARD_ROLES, n=1, cutoff=0.75))
    for key in ("top level", "returned", "in response"):
        if key in labels:
            spec.top_level = yes_no(labels[key].text)
    if "result type" in labels:
        spec.result_type = label_type(block, labels["result type"], declared, found)
    parameters = labels.get("parameters") or labels.get("parameter")
    if parameters is not None:
        spec.parameters = _parameters(block, parameters.value, declared, found)
    if "expression" in labels and labels["expression"].value is not None:
        cell = labels["expression"].value
        spec.body, problems = expression_text(cell, block.at(cell))
        found.extend(problems)
        spec.body_where = Where(block.sheet.name, cell.coordinate, spec.body)


def label_type(
    block: Block, label: Label, declared: Declared, found: list[Diagnostic]
) -> TypeSpec | None:
    """The type a label's value names (``Result type | tApproval``); TYPE_UNKNOWN if none."""
    if not label.text:
        return None
    found_type = parse_type(label.text, declared)
    if found_type is None:
        where = block.at(label.value)
        found.append(diag.type_unknown(where, label.text, [*TYPE_CHOICES, *sorted(declared)]))
    return found_type


def _parameters(
    block: Block, cell: Cell | None, declared: Declared, found: list[Diagnostic]
) -> list[tuple[str, TypeSpec | None, Where]]:
    text = cell_text(cell)
    if cell is None or not text:
        return []
    where = Where(block.at(cell).sheet, block.at(cell).cell, text)
    result: list[tuple[str, TypeSpec | None, Where]] = []
    offset = 0
    for part in text.split(","):
        name, _, type_text = part.partition(":")
        start = offset + len(name) - len(name.lstrip())
        span = (start, start + len(name.strip()))
        offset += len(part) + 1
        if not is_valid_name(name.strip()):
            found.append(
                diag.value_invalid(where, "a parameter name is missing (two commas in a row?)")
                if not name.strip()
                else diag.name_invalid(where, name.strip(), span)
            )
            continue
        spec = None
        if type_text.strip():
            spec = parse_type(type_text, declared)
            if spec is None:
                found.append(
                    diag.type_unknown(
                        where, type_text.strip(), ["number", "string", "boolean", "…"]
                    )
                )
        result.append((name.strip(), spec, where))
    return result


def _columns(
    block: Block, layout: TableLayout, found: list[Diagnostic], kind: str
) -> tuple[list[Column], list[int]]:
    """The columns of the header row, and the numbers of those whose header was reported."""
    assert layout.header_row is not None
    sheet = block.sheet
    cols = sorted(
        {c.col for c in sheet.row_cells(layout.header_row)}
        | ({c.col for c in sheet.row_cells(layout.role_row)} if layout.role_row else set())
    )
    columns: list[Column] = []
    unknown: list[int] = []
    for col in cols:
        header = sheet.get(layout.header_row, col)
        role_cell = sheet.get(layout.role_row, col) if layout.role_row else None
        column = _column(block, header, role_cell, layout.header_row, col, found, kind)
        if column is not None:
            columns.append(column)
        else:
            unknown.append(col)
    return columns, unknown


def _column(
    block: Block,
    header: Cell | None,
    role_cell: Cell | None,
    row: int,
    col: int,
    found: list[Diagnostic],
    kind: str,
) -> Column | None:
    text = cell_text(header)
    prefixed = header_role(text)
    anchor = header or role_cell
    assert anchor is not None
    if prefixed is not None:
        role, rest = prefixed
    elif normalize(text) in RULE_HEADERS:
        role, rest = "rule", text
    elif normalize(text) in DESCRIPTION_HEADERS and kind == "tests":
        role, rest = "description", text
    elif role_cell is not None and normalize(cell_text(role_cell)) in ROLE_WORDS:
        role, rest = ROLE_WORDS[normalize(cell_text(role_cell))], text
    elif role_cell is not None and (word := _close_word(cell_text(role_cell), kind)):
        role, rest = ROLE_WORDS[word], text  # a misspelt role word above the names
        meant = _ROLE_SPELLING[role] + ("s" if normalize(cell_text(role_cell))[-1:] == "s" else "")
        found.append(diag.header_unknown(block.at(role_cell), kind, _ROLES[kind], meant))
    elif (close := _close_role(text, kind)) is not None:
        # "Outptu: care_pathway": the role word is misspelt; report it once and read the
        # column as meant, so that its cells raise no further (misleading) problems.
        role, rest, word = close
        found.append(diag.header_unknown(block.at(anchor), kind, _ROLES[kind], f"{word}: {rest}"))
    elif kind == "tests" and text:
        role, rest = "name", text
    else:
        found.append(diag.header_unknown(block.at(anchor), kind, _ROLES[kind]))
        return None
    if role not in _KIND_ROLES[kind]:
        found.append(diag.header_unknown(block.at(anchor), kind, _ROLES[kind]))
        return None
    if not rest and role != "rule":
        found.append(
            diag.value_missing(
                block.at(header, row, col),
                "a column name (the input, output or annotation it holds)",
            )
        )
        return None
    return Column(role, rest, header or anchor, block.at(header or anchor))


_GUARD_ROLES = ("guard", "validation", "request validation")
_ROLES = {
    "table": ["Input:", "Output:", "Annotation:", "Rule"],
    "tests": ["Input:", "Expected:", "Extra:", "Test"],
}
_KIND_ROLES = {
    "table": frozenset({"rule", "input", "output", "annotation"}),
    "tests": frozenset({*ROLE_WORDS.values(), "rule", "description", "name"}),
}
_CLOSE_ROLES = {  # the roles a misspelt role word may be taken for
    "table": frozenset({"input", "output", "annotation"}),
    "tests": frozenset({"input", "expected", "extra"}),
}
_ROLE_SPELLING = {
    "input": "Input", "output": "Output", "annotation": "Annotation", "expected": "Expected",
    "extra": "Extra",
}  # fmt: skip


def _close_role(text: str, kind: str) -> tuple[str, str, str] | None:
    """(role, rest, role word) when ``text`` is ``<a misspelt role word>: <name>``."""
    match = _PREFIX.match(text)
    if match is None or not match.group(2).strip():
        return None
    word = _close_word(match.group(1), kind)
    if word is None:
        return None
    role = ROLE_WORDS[word]
    return role, match.group(2).strip(), _ROLE_SPELLING[role]


def _close_word(text: str, kind: str) -> str | None:
    """The role word ``text`` misspells (``Outptu`` -> ``output``), if any."""
    words = [w for w, role in ROLE_WORDS.items() if role in _CLOSE_ROLES[kind]]
    close = difflib.get_close_matches(normalize(text), words, n=1, cutoff=0.7)
    return close[0] if close and normalize(text) not in ROLE_WORDS else None


def _meta_rows(
    block: Block,
    rows: list[int],
    columns: list[Column],
    declared: Declared,
    found: list[Diagnostic],
) -> list[int]:
    """Apply the Type and Allowed values rows under the header; the remaining rows are rules."""
    rule = next((c for c in columns if c.role == "rule"), None)
    remaining = list(rows)
    while remaining:
        row = remaining[0]
        kind = META_ROWS.get(normalize(cell_text(block.sheet.get(row, rule.col)))) if rule else None
        if (
            kind is None
            and rule is None
            and row == rows[0]
            and _all_types(block, row, columns, declared)
        ):
            kind = "type"
        if kind is None:
            break
        for column in columns:
            cell = block.sheet.get(row, column.col)
            if column.role == "rule" or cell is None:
                continue
            _meta_cell(block, column, cell, kind, declared, found)
        remaining.pop(0)
    return remaining


def _all_types(block: Block, row: int, columns: list[Column], declared: Declared) -> bool:
    texts = [cell_text(block.sheet.get(row, c.col)) for c in columns]
    filled = [t for t in texts if t]
    return bool(filled) and all(parse_type(t, declared) for t in filled)


def _meta_cell(
    block: Block,
    column: Column,
    cell: Cell,
    kind: str,
    declared: Declared,
    found: list[Diagnostic],
) -> None:
    where = block.at(cell)
    trouble = problem(cell, where)
    if trouble:
        found.append(trouble)
        return
    text = cell_text(cell)
    if kind == "type":
        column.type = parse_type(text, declared)
        column.type_where = where
        if column.type is None:
            found.append(diag.type_unknown(where, text, [*TYPE_CHOICES, *sorted(declared)]))
    else:
        column.allowed, column.allowed_where = text, where


def read_tests(block: Block, found: list[Diagnostic]) -> TestsSpec:
    """A Tests block: one test case per row."""
    spec = TestsSpec(block)

    def is_header(cells: list[Cell]) -> bool:
        return _is_header(cells) or any(normalize(cell_text(c)) in RULE_HEADERS for c in cells)

    layout, problems = split_table(block, ("description",), is_header, _is_role_row)
    found.extend(problems)
    if layout.header_row is None:
        found.append(
            diag.header_missing(
                block.anchor, "tests block", "Test | Input: ecog | Expected: care_pathway"
            )
        )
        return spec
    spec.columns, unknown = _columns(block, layout, found, "tests")
    quiet = _shape(block, layout, spec.columns, unknown, "tests", found)
    ident = next((c for c in spec.columns if c.role == "rule"), None)
    described = next((c for c in spec.columns if c.role == "description"), None)
    spec.rows = data_rows(
        block,
        layout.data_rows,
        spec.columns,
        found,
        lambda row: _ident(block, ident, row),
        quiet,
    )
    for row in spec.rows:
        if described is not None:
            spec.descriptions[row.row] = cell_text(block.sheet.get(row.row, described.col))
        row.cells = {
            c.col: row.cells.get(c.col)
            for c in spec.columns
            if c.role not in ("rule", "description")
        }
    return spec


__all__ = [
    "HIT_POLICIES",
    "HIT_POLICY_NAMES",
    "RowSpec",
    "parse_hit_policy",
    "read_table",
    "read_tests",
]
