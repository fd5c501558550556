"""A DMN file in, a workbook out (``tablerx export``): any DMN model edited as a spreadsheet.

Elements compiled by tablerx carry where they came from (``source.sheet``/``source.cell``
properties and cell-derived ids); the export puts each block back at those cells, so that
workbook -> DMN -> workbook -> DMN gives the same DMN, ids included. Elements from other
tools (Camunda Modeler, Trisotech, Drools) have no such properties and are laid out fresh:
a sheet of types, one of inputs, one per decision table, relation and knowledge model, and
sheets for expressions and references. What the workbook cannot hold is reported as a
warning. This module lays out the list blocks (Types, Inputs, Expressions, References,
Model); :mod:`exporttables` the tables, :mod:`exporttypes` the types, :mod:`exportlayout`
the placing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from service.dmn import DmnReadError, read_dmn
from service.dmn import model as m
from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic
from service.sheets.exportlayout import Rows, Sheets, cell_of, source_of
from service.sheets.exporttables import TableExporter
from service.sheets.exporttypes import TYPES_HEADER, TypeWords
from service.sheets.flatten import flatten
from service.sheets.modelblock import slug
from service.sheets.writer import BlockOut, Choices, GridSheet, save

INPUTS_HEADER = [
    "Name", "Type", "Allowed values", "Unit", "Required", "Default", "Required when",
    "Description",
]  # fmt: skip
EXPRESSIONS_HEADER = ["Name", "Expression", "Type", "Description", "Top level"]
REFERENCES_HEADER = ["Code", "Citation", "Link"]


class ExportError(Exception):
    """The DMN file cannot be exported (unreadable or invalid); ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def export_model(dmn_path: Path, workbook_path: Path) -> list[Diagnostic]:
    """Write the model in ``dmn_path`` as a workbook; the warnings about what was left out."""
    try:
        defs = read_dmn(dmn_path)
    except DmnReadError as exc:
        raise ExportError("DMN_UNREADABLE", "the DMN file cannot be read:\n" + str(exc)) from None
    exporter = Exporter(defs)
    grids = exporter.run()
    try:
        save(grids, workbook_path)
    except OSError as exc:
        raise ExportError(
            "WRITE_FAILED", f"cannot write {workbook_path}: {exc.strerror or exc}"
        ) from None
    return exporter.notes


class Exporter:
    """Lays out one model's elements on sheets."""

    def __init__(self, defs: m.Definitions) -> None:
        self.defs = defs
        self.notes: list[Diagnostic] = []
        self.words = TypeWords(defs, self.notes)
        choices = {
            i.name: c for i in defs.input_data if (c := self.words.input_choices(i)) is not None
        }
        self.sheets = Sheets(Choices(choices))
        self.tables = TableExporter(self.sheets, self.words, self.notes)
        self._expression_blocks: dict[tuple[str, tuple[int, ...]], tuple[int, set[int]]] = {}

    def run(self) -> list[GridSheet]:
        """Every exportable element placed; the sheets in a stable order."""
        self._order_sheets()
        self._types()
        self._list_block("Inputs", INPUTS_HEADER, self.defs.input_data, self._input_values)
        for decision in self.defs.decisions:
            if isinstance(decision.expression, m.DecisionTable):
                self.tables.decision_table(decision, decision.expression)
            elif isinstance(decision.expression, m.Relation):
                self.tables.relation(decision, decision.expression)
            else:
                self._expression(decision)
        for bkm in self.defs.business_knowledge_models:
            self.tables.knowledge(bkm)
        sources = self.defs.knowledge_sources
        self._list_block("References", REFERENCES_HEADER, sources, _reference_values)
        self._model()
        for service in self.defs.decision_services:
            self.notes.append(diag.not_exportable("the decision service", service.name))
        for item in self.defs.imports:
            self.notes.append(diag.not_exportable("the import", item.name))
        return [grid for grid in self.sheets.grids.values() if grid.cells]

    def _order_sheets(self) -> None:
        """Create the sheets named by source properties in the order the model lists them."""
        elements: list[m.Element] = [
            *self.words.declared.values(),
            *self.defs.input_data,
            *self.defs.decisions,
            *self.defs.business_knowledge_models,
            *self.defs.knowledge_sources,
        ]
        for element in elements:
            found = source_of(element)
            if found is not None:
                self.sheets.ensure(found[0])

    # --- list blocks: types, inputs, references -------------------------------------------------

    def _types(self) -> None:
        """Every declared type as Types rows: back at their source rows, else on a Types sheet."""
        loose: list[list[object]] = []
        groups: dict[tuple[str, int], Rows] = {}
        for item in self.words.declared.values():
            own = self.words.rows(item)
            places = [source_of(element) for element, _ in own]
            top = places[0]
            if top is None or any(
                p is None or p[0] != top[0] or p[1][1] != top[1][1] for p in places
            ):
                loose.extend(values for _, values in own)
                continue
            group = groups.setdefault((top[0], top[1][1]), [])
            group.extend((values, p[1][0]) for (_, values), p in zip(own, places, strict=True) if p)
        for (sheet, col), rows in groups.items():
            if not self.sheets.place_rows(sheet, col, "Types", TYPES_HEADER, rows):
                loose.extend(values for values, _ in sorted(rows, key=lambda pair: pair[1]))
        if loose:
            self.sheets.auto("Types", BlockOut("Types", header=TYPES_HEADER, rows=loose))

    def _list_block(
        self,
        keyword: str,
        header: list[str],
        elements: Sequence[m.Element],
        values: Callable[[m.Element], list[object]],
    ) -> None:
        """One row per element, at its source row where the model says; the rest together."""
        loose: list[list[object]] = []
        groups: dict[tuple[str | None, int], Rows] = {}
        for element in elements:
            found = source_of(element)
            key = (found[0], found[1][1]) if found else (None, 0)
            groups.setdefault(key, []).append((values(element), found[1][0] if found else 0))
        for (sheet, col), rows in groups.items():
            if sheet is None or not self.sheets.place_rows(sheet, col, keyword, header, rows):
                loose.extend(row for row, _ in rows)
        if loose:
            self.sheets.auto(keyword, BlockOut(keyword, header=header, rows=loose))

    def _input_values(self, item: m.Element) -> list[object]:
        assert isinstance(item, m.InputData)
        return self.words.input_row(item)

    # --- expressions --------------------------------------------------------------------------

    def _expression(self, decision: m.Decision) -> None:
        text = flatten(decision.expression)
        if text is None:
            self.notes.append(
                diag.not_exportable(
                    "the decision (a decision table inside a boxed expression)", decision.name
                )
            )
            text = "null"
        elif decision.expression is not None and not isinstance(
            decision.expression, m.LiteralExpression
        ):
            self.notes.append(
                diag.exported_as_text("the boxed expression of decision", decision.name)
            )
        top = decision.extensions.get("decision.top_level")
        values: list[object] = [
            decision.name,
            text,
            self.words.word(decision.variable.type_ref),
            decision.description or "",
            "yes" if top == "true" else "no" if top == "false" else "",
        ]
        found = source_of(decision)
        where = cell_of(decision.expression.id if decision.expression else None)
        if found and where and found[0] in self.sheets.grids and found[1][0] == where[0]:  # noqa: SIM102
            if self._place_expression(self.sheets.grids[found[0]], found[1], where[1], values):
                return
        block = BlockOut("Expressions", header=EXPRESSIONS_HEADER, rows=[values])
        self.sheets.auto("Expressions", block)

    def _place_expression(
        self, grid: GridSheet, name_cell: tuple[int, int], expression_col: int, values: list[object]
    ) -> bool:
        row, name_col = name_cell
        last = max(name_col, expression_col)
        cols = [name_col, expression_col, *range(last + 1, last + 4)]
        header_row = self._expression_header(grid, row, cols)
        if header_row is None or not all(grid.free(row, c) for c in cols):
            return False
        for col, value in zip(cols, values, strict=True):
            grid.put(row, col, value)
        return True

    def _expression_header(self, grid: GridSheet, row: int, cols: list[int]) -> int | None:
        """The header row of the Expressions block ``row`` joins (made just above if needed)."""
        key = (grid.name, tuple(cols))
        block = self._expression_blocks.get(key)
        if block is not None:
            header_row, rows = block
            between = range(header_row + 1, row)
            if header_row < row and all(grid.free(r, min(cols)) or r in rows for r in between):
                rows.add(row)
                return header_row
        if (
            row < 3
            or not all(grid.free(row - 1, c) for c in cols)
            or not grid.free(row - 2, min(cols))
        ):
            return None
        grid.put(row - 2, min(cols), "Expressions", "keyword")
        for col, text in zip(cols, EXPRESSIONS_HEADER, strict=True):
            grid.put(row - 1, col, text, "header")
        self._expression_blocks[key] = (row - 1, {row})
        return row - 1

    # --- the model ------------------------------------------------------------------------------

    def _model(self) -> None:
        ext = self.defs.extensions
        model_id = ext.get("model.id") or slug(self.defs.name or "model")
        labels: list[tuple[str, object]] = [
            ("Id", model_id),
            ("Name", self.defs.name),
            ("Version", ext.get("model.version", "0.1.0")),
            ("Status", ext.get("model.status", "draft")),
            ("Authors", ext.get("model.authors", "")),
            ("Reviewers", ext.get("model.reviewers", "")),
            ("Effective date", ext.get("model.effective_date", "")),
            ("Description", self.defs.description or ""),
        ]
        block = BlockOut("Model", labels=[(k, v) for k, v in labels if v])
        if "Model" not in self.sheets.grids:
            self.sheets.first("Model")
        self.sheets.auto("Model", block)


def _reference_values(item: m.Element) -> list[object]:
    assert isinstance(item, m.KnowledgeSource)
    return [item.name, item.description or "", item.location_uri or ""]
