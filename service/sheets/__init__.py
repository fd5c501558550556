"""Workbooks to DMN and back: the spreadsheet format of docs/spreadsheet-format.md.

``compile_workbook(path)`` -> :class:`Compilation` (every diagnostic; DMN and test-case bytes
when there is no error), ``write_outputs(compilation, out_dir)``, ``write_starter(path)``
(``tablerx new``), ``export_model(dmn_path, workbook_path)`` (``tablerx export``) and
``annotate(workbook, diagnostics, target)`` (``tablerx check --annotate``).

Pipeline, one module per stage: container (file checks) -> grid (cells) -> layout (blocks)
-> typeblocks/typecheck (the Types blocks, read first) -> blocks/tableblocks (specs) -> check
(FEEL, names, types) -> graph/rules -> build/itemdefs (DMN model) -> service.dmn.write_dmn;
testcases (with refusals, for rows that expect a refusal) reads the Tests blocks and testxml
writes them as TCK XML. The export runs the other way: export (list blocks) with
exporttypes (item definitions), exporttables (tables, relations, knowledge models) and
exportlayout (placing blocks at their source cells) -> writer (the .xlsx).
"""

from service.sheets.annotate import annotate
from service.sheets.compiler import Compilation, compile_workbook, write_outputs
from service.sheets.diagnostics import Diagnostic, format_diagnostic
from service.sheets.export import export_model
from service.sheets.starter import write_starter

__all__ = [
    "Compilation",
    "Diagnostic",
    "annotate",
    "compile_workbook",
    "export_model",
    "format_diagnostic",
    "write_outputs",
    "write_starter",
]
