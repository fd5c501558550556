"""Table specs in, diagnostics out: rules about a table's shape that no single cell breaks.

Rule ids must be unique within a table; a table needs an output column and rows; a hit
policy must fit the outputs (Priority and Output order rank outputs by their listed
values, Collect sum/min/max/count aggregate one output); a guard table collects ``code``
and ``message``; a knowledge model declares the parameters its columns use; no rule is
left with neither conditions nor outputs.
"""

from __future__ import annotations

from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic
from service.sheets.grid import coordinate
from service.sheets.layout import cell_text
from service.sheets.specs import ReferenceSpec, TableSpec, WorkbookSpec
from service.sheets.symbols import Checked


def check_tables(spec: WorkbookSpec, checked: Checked, found: list[Diagnostic]) -> None:
    """Shape rules for every decision table, knowledge model, relation and reference list."""
    for table in spec.tables:
        if table.columns or not table.body:
            _table_shape(table, found)
        if table.kind == "knowledge":
            _parameters(table, checked, found)
    for relation in spec.relations:
        if relation.columns and not relation.rows:
            found.append(diag.no_rules(relation.block.anchor))
    _references(spec.references, found)


def _table_shape(table: TableSpec, found: list[Diagnostic]) -> None:
    anchor = table.block.anchor
    if not table.columns:
        return  # HEADER_MISSING already said so
    outputs = table.of_role("output")
    if not outputs and not table.unknown_headers:  # else the header's error says why
        found.append(diag.no_output(anchor))
    if not table.rules:
        found.append(diag.no_rules(anchor))
    where = table.hit_where or anchor
    if (
        table.hit_policy in ("PRIORITY", "OUTPUT ORDER")
        and outputs
        and not any(c.allowed for c in outputs)
    ):
        found.append(
            diag.hit_policy_outputs(
                where,
                table.hit_policy.capitalize(),
                "an 'Allowed values' row listing the output's values, highest priority first",
            )
        )
    if table.aggregation and len(outputs) > 1:
        found.append(
            diag.hit_policy_outputs(
                where, f"Collect {table.aggregation.lower()}", "exactly one output column"
            )
        )
    if table.guard:
        names = {c.text for c in outputs}
        if (table.hit_policy != "COLLECT" or table.aggregation) and not table.hit_unknown:
            found.append(diag.guard_shape(where, "the hit policy Collect"))
        if not {"code", "message"} <= names and not table.unknown_headers:
            found.append(diag.guard_shape(anchor, "output columns named code and message"))
    _empty_rules(table, found)
    seen: dict[str, str] = {}
    for rule in table.rules:
        if not rule.ident or rule.ident_where is None:
            continue
        if rule.ident in seen:
            found.append(diag.duplicate_id(rule.ident_where, "rule", rule.ident, seen[rule.ident]))
        else:
            seen[rule.ident] = rule.ident_where.cell


def _empty_rules(table: TableSpec, found: list[Diagnostic]) -> None:
    """RULE_EMPTY for a rule whose conditions and outputs were all cleared (its id kept):
    it would match every request and give null. A catch-all rule (``-`` conditions, with
    outputs) is fine, and ``-`` conditions without outputs get OUTPUT_EMPTY warnings."""
    inputs = table.of_role("input")
    outputs = table.of_role("output")
    if not outputs or table.kind != "decision":
        return
    sheet = table.block.sheet.name
    for rule in table.rules:
        if any(cell_text(rule.cells.get(c.col)) for c in inputs):
            continue
        if any(rule.cells.get(c.col) is not None for c in outputs):
            continue
        where = rule.ident_where or table.block.at(None, rule.row, table.columns[0].col)
        found.append(diag.rule_empty(where, rule.ident, rule.row))
        cells = {coordinate(rule.row, c.col) for c in outputs}
        # one mistake, one message: the row's empty outputs are not reported again
        found[:] = [
            d
            for d in found
            if not (d.code == "OUTPUT_EMPTY" and d.sheet == sheet and d.cell in cells)
        ]


def _parameters(table: TableSpec, checked: Checked, found: list[Diagnostic]) -> None:
    if not table.parameters:
        found.append(diag.parameters_missing(table.block.anchor))
        return
    used = checked.parameter_uses.get(table.name, set())
    for name, _, where in table.parameters:
        if name and name not in used:
            found.append(diag.unused_parameter(where, name))


def _references(references: list[ReferenceSpec], found: list[Diagnostic]) -> None:
    seen: dict[str, str] = {}
    for reference in references:
        if reference.code in seen:
            found.append(
                diag.duplicate_id(
                    reference.where, "reference", reference.code, seen[reference.code]
                )
            )
        else:
            seen[reference.code] = reference.where.cell
