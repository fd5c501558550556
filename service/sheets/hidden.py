"""A workbook and its diagnostics in, clearer diagnostics out: names defined on hidden sheets.

A hidden sheet is not compiled, so a name it defines (a decision table, an input, an
expression) is unknown to the visible sheets that use it. Instead of "'care_pathway' is not
a declared input ... declare it in the Inputs block", which sends the clinician to write it
again, the message says where the definition is and how to bring it back. A "very hidden"
sheet cannot be unhidden from Excel's menus; ``tablerx check --annotate`` writes a copy
with it visible.
"""

from __future__ import annotations

from dataclasses import replace

from service.sheets.blocks import read_expressions, read_inputs, read_relation
from service.sheets.diagnostics import Diagnostic
from service.sheets.grid import Sheet, Workbook
from service.sheets.layout import sheet_blocks_of
from service.sheets.tableblocks import read_table


def hidden_definitions(workbook: Workbook) -> dict[str, Sheet]:
    """Name -> the hidden sheet that defines it (its blocks read, their problems ignored)."""
    names: dict[str, Sheet] = {}
    for sheet in workbook.sheets:
        if not sheet.hidden or sheet.truncated:
            continue
        for name in _names(sheet):
            names.setdefault(name, sheet)
    return names


def _names(sheet: Sheet) -> list[str]:
    ignored: list[Diagnostic] = []
    names: list[str] = []
    for block in sheet_blocks_of(sheet):
        if block.kind == "inputs":
            names.extend(item.name for item in read_inputs(block, {}, ignored))
        elif block.kind == "expressions":
            names.extend(item.name for item in read_expressions(block, {}, ignored))
        elif block.kind in ("decision table", "knowledge model"):
            names.append(read_table(block, {}, ignored).name)
        elif block.kind == "relation":
            names.append(read_relation(block, {}, ignored).name)
    return [name for name in names if name]


def explain_hidden(found: list[Diagnostic], workbook: Workbook) -> list[Diagnostic]:
    """``found`` with each UNDECLARED_NAME of a name a hidden sheet defines explained."""
    if not any(sheet.hidden for sheet in workbook.sheets):
        return found
    defined = hidden_definitions(workbook)
    explained: list[Diagnostic] = []
    for item in found:
        name = _name_of(item)
        sheet = defined.get(name) if item.code == "UNDECLARED_NAME" and name else None
        if sheet is not None:
            item = replace(item, message=_message(name, sheet), hint=_hint(sheet))
        explained.append(item)
    return explained


def _name_of(item: Diagnostic) -> str:
    if item.text is None or item.span is None:
        return ""
    return item.text[item.span[0] : item.span[1]]


def _message(name: str, sheet: Sheet) -> str:
    state = "very hidden" if sheet.very_hidden else "hidden"
    return f"{name!r} is defined on the {state} sheet {sheet.name!r}, which is not compiled"


def _hint(sheet: Sheet) -> str:
    if sheet.very_hidden:
        return (
            "a very hidden sheet cannot be unhidden from Excel's menus: run "
            "tablerx check WORKBOOK --annotate COPY.xlsx, which writes a copy with the sheet "
            "visible, and continue from the copy (or set the sheet's Visible property in "
            "Excel's VBA editor, Alt+F11)"
        )
    return "unhide the sheet (right-click any sheet tab, Unhide) if it belongs to the model"
