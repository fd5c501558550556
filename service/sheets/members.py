"""A parsed cell and the workbook's tables in, OUTPUT_UNKNOWN diagnostics out.

A table with several outputs gives a record with one field per output column
(``care_plan.regimen``). When an output column is deleted or renamed, an expression that
still reads the old field would quietly get null; this module reports such a path at
the cell that writes it.
"""

from __future__ import annotations

from service.feel import nodes as n
from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.names import free_names
from service.sheets.specs import WorkbookSpec


def record_fields(spec: WorkbookSpec) -> dict[str, list[str]]:
    """Decision name -> its output names, for decision tables with several outputs."""
    fields: dict[str, list[str]] = {}
    for table in spec.tables:
        outputs = table.of_role("output")
        if (
            table.kind == "decision"
            and table.name
            and len(outputs) > 1
            and not table.unknown_headers
        ):
            fields[table.name] = [c.text for c in outputs]
    return fields


def check_members(
    node: n.Node, where: Where, fields: dict[str, list[str]], found: list[Diagnostic]
) -> None:
    """OUTPUT_UNKNOWN for each ``decision.member`` where the decision's table has several
    outputs and none is named ``member``."""
    if not fields:
        return
    free = {use.span for use in free_names(node) if use.name in fields}
    for item in n.walk(node):
        if not (isinstance(item, n.Path) and isinstance(item.base, n.Name)):
            continue
        base = item.base
        outputs = fields.get(base.name)
        if outputs is None or base.span not in free or item.member in outputs:
            continue
        start = (where.text or "").find(item.member, base.span[1])
        span = (start, start + len(item.member)) if start >= 0 else item.span
        found.append(diag.output_unknown(where, base.name, item.member, outputs, span))
