"""A DMN file in, a workbook out (``tablerx export``): any DMN model edited as a spreadsheet.

Elements compiled by tablerx carry where they came from (``source.sheet``/``source.cell``
properties and cell-derived ids); the export puts each block back at those cells, so that
workbook -> DMN -> workbook -> DMN gives the same DMN, ids included. Elements from other
tools (Camunda Modeler, Trisotech, Drools) have no such properties and are laid out fresh:
one sheet per decision table, relation and knowledge model, and sheets for inputs,
expressions and references. What the workbook cannot hold is reported as a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from service.dmn import DmnReadError, read_dmn
from service.dmn import model as m
from service.sheets import diagnostics as diag
from service.sheets.blocks import slug
from service.sheets.diagnostics import Diagnostic
from service.sheets.exportcells import (
    NOT_DATA,
    data_value,
    hit_policy_words,
    input_choices,
    input_row,
    type_text,
)
from service.sheets.flatten import flatten
from service.sheets.grid import parse_coordinate
from service.sheets.types import inferred_type
from service.sheets.writer import (
    SPARE_ROWS,
    BlockOut,
    Choices,
    GridSheet,
    column_choices,
    label_choices,
    place_block,
    save,
)

_CELL_ID = re.compile(r"_([A-Z]{1,3}\d+)$")
_ROW_ID = re.compile(r"_row(\d+)$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


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


def cell_of(element_id: str | None) -> tuple[int, int] | None:
    """The (row, column) an id made by the compiler names (``T2_Pathway_C7`` -> (7, 3))."""
    match = _CELL_ID.search(element_id or "")
    return parse_coordinate(match.group(1)) if match else None


def source_of(element: m.Element) -> tuple[str, tuple[int, int]] | None:
    """(sheet, (row, column)) from an element's ``source.sheet``/``source.cell`` properties."""
    sheet = element.extensions.get("source.sheet")
    cell = element.extensions.get("source.cell", "").rpartition("!")[2]
    where = parse_coordinate(cell) if cell else None
    return (sheet, where) if sheet and where else None


@dataclass(slots=True)
class _Placed:
    """A block being placed: its grid and keyword cell."""

    grid: GridSheet
    row: int
    col: int


class Exporter:
    """Lays out one model's elements on sheets."""

    def __init__(self, defs: m.Definitions) -> None:
        self.defs = defs
        self.notes: list[Diagnostic] = []
        self.grids: dict[str, GridSheet] = {}
        self.items = {item.name: item for item in defs.item_definitions}
        self._expression_blocks: dict[tuple[str, tuple[int, ...]], tuple[int, set[int]]] = {}
        self.choices = Choices(
            {i.name: c for i in defs.input_data if (c := input_choices(i, self.items)) is not None}
        )

    def run(self) -> list[GridSheet]:
        """Every exportable element placed; the sheets in a stable order."""
        self._order_sheets()
        self._inputs()
        for decision in self.defs.decisions:
            self._decision(decision)
        for bkm in self.defs.business_knowledge_models:
            self._knowledge(bkm)
        self._references()
        self._model()
        for service in self.defs.decision_services:
            self.notes.append(diag.not_exportable("the decision service", service.name))
        for item in self.defs.imports:
            self.notes.append(diag.not_exportable("the import", item.name))
        return [grid for grid in self.grids.values() if grid.cells]

    # --- sheets ----------------------------------------------------------------------------

    def _order_sheets(self) -> None:
        """Create the sheets named by source properties in the order the model lists them."""
        elements: list[m.Element] = [
            *self.defs.input_data,
            *self.defs.decisions,
            *self.defs.business_knowledge_models,
            *self.defs.knowledge_sources,
        ]
        for element in elements:
            found = source_of(element)
            if found is not None and found[0] not in self.grids:
                self.grids[found[0]] = GridSheet(found[0])

    def _new_sheet(self, wanted: str) -> GridSheet:
        base = _BAD_SHEET_CHARS.sub(" ", wanted).strip()[:31] or "Sheet"
        name, n = base, 2
        while name.casefold() in {k.casefold() for k in self.grids}:
            suffix = f" {n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.grids[name] = GridSheet(name)
        return self.grids[name]

    def _auto(self, wanted: str, block: BlockOut) -> None:
        """Place ``block`` below what the sheet called ``wanted`` holds (made if needed)."""
        grid = self.grids.get(wanted) or self._new_sheet(wanted)
        row = grid.last_row + 2 if grid.cells else 1
        place_block(grid, block, row, 1, self.choices)

    # --- inputs ---------------------------------------------------------------------------------

    def _inputs(self) -> None:
        header = [
            "Name",
            "Type",
            "Allowed values",
            "Unit",
            "Required",
            "Default",
            "Required when",
            "Description",
        ]
        loose: list[list[object]] = []
        groups = self._groups(self.defs.input_data)
        for (sheet, col), items in groups.items():
            if sheet is None or not self._place_rows(
                sheet, col, header, "Inputs", items, self._input_values
            ):
                loose.extend(self._input_values(i) for i, _ in items)
        if loose:
            self._auto("Inputs", BlockOut("Inputs", header=header, rows=loose))

    def _input_values(self, item: m.Element) -> list[object]:
        assert isinstance(item, m.InputData)
        return input_row(item, self.items, self.notes)

    def _groups(
        self, elements: list[m.InputData] | list[m.KnowledgeSource]
    ) -> dict[tuple[str | None, int], list[tuple[m.Element, int]]]:
        """Elements by (sheet, column) of their source cell, with rows; unplaced: (None, 0)."""
        groups: dict[tuple[str | None, int], list[tuple[m.Element, int]]] = {}
        for element in elements:
            found = source_of(element)
            key = (found[0], found[1][1]) if found else (None, 0)
            groups.setdefault(key, []).append((element, found[1][0] if found else 0))
        return groups

    def _place_rows(
        self,
        sheet: str,
        col: int,
        header: list[str],
        keyword: str,
        items: list[tuple[m.Element, int]],
        values: object,
    ) -> bool:
        """The rows of a list block at their source rows; header and keyword just above."""
        grid = self.grids[sheet]
        first = min(row for _, row in items)
        rows = sorted(items, key=lambda pair: pair[1])
        if first < 3 or len({row for _, row in items}) != len(items):
            return False
        width = len(header)
        needed = [(first - 2, col), *[(first - 1, col + i) for i in range(width)]]
        needed += [(row, col + i) for _, row in rows for i in range(width)]
        if not all(grid.free(r, c) for r, c in needed):
            return False
        grid.put(first - 2, col, keyword, "keyword")
        for index, text in enumerate(header):
            grid.put(first - 1, col + index, text, "header")
        for element, row in rows:
            for index, value in enumerate(values(element)):  # type: ignore[operator]
                grid.put(row, col + index, value)
        column_choices(grid, keyword, header, col, first, rows[-1][1] + SPARE_ROWS, self.choices)
        return True

    # --- decisions ------------------------------------------------------------------------------

    def _decision(self, decision: m.Decision) -> None:
        logic = decision.expression
        if isinstance(logic, m.DecisionTable):
            block = self._table_block(
                "Decision table", decision.name, logic, self._labels(decision)
            )
            if not self._place_table(decision, logic, block):
                self._auto(decision.name, block)
        elif isinstance(logic, m.Relation):
            block = self._relation_block(decision, logic)
            if not self._place_relation(decision, logic, block):
                self._auto(decision.name, block)
        else:
            self._expression(decision)

    def _labels(self, decision: m.Decision) -> list[tuple[str, object]]:
        labels: list[tuple[str, object]] = []
        if decision.description:
            labels.append(("Description", decision.description))
        if decision.question:
            labels.append(("Question", decision.question))
        if decision.extensions.get("decision.role") == "guard":
            labels.append(("Role", "guard"))
        top = decision.extensions.get("decision.top_level")
        if top in ("true", "false"):
            labels.append(("Top level", "yes" if top == "true" else "no"))
        return labels

    def _table_block(
        self, keyword: str, name: str, table: m.DecisionTable, labels: list[tuple[str, object]]
    ) -> BlockOut:
        has_labels = any(rule.label for rule in table.rules)
        header = ["Rule"] if has_labels or self._needs_meta(table) else []
        header += [f"Input: {clause.input_expression.text.strip()}" for clause in table.inputs]
        header += [f"Output: {clause.name or name}" for clause in table.outputs]
        header += [f"Annotation: {clause.name}" for clause in table.annotations]
        block = BlockOut(
            keyword, name, labels=[("Hit policy", hit_policy_words(table)), *labels], header=header
        )
        block.meta = self._meta_rows(table)
        for rule in table.rules:
            row: list[object] = [rule.label or ""] if header and header[0] == "Rule" else []
            row += [_entry(e.text, "-") for e in rule.input_entries]
            row += [_entry(e.text, "null") for e in rule.output_entries]
            row += list(rule.annotation_entries)
            block.rows.append(row)
        return block

    def _needs_meta(self, table: m.DecisionTable) -> bool:
        return bool(self._meta_rows(table))

    def _meta_rows(self, table: m.DecisionTable) -> list[list[object]]:
        types = [clause.input_expression.type_ref or "" for clause in table.inputs]
        values = [
            clause.input_values.text if clause.input_values else "" for clause in table.inputs
        ]
        for index, clause in enumerate(table.outputs):
            texts = [
                rule.output_entries[index].text.strip() or "null"
                for rule in table.rules
                if index < len(rule.output_entries)
            ]
            inferred = inferred_type(texts)
            types.append(clause.type_ref if clause.type_ref and clause.type_ref != inferred else "")
            values.append(clause.output_values.text if clause.output_values else "")
        pad = [""] * len(table.annotations)
        meta: list[list[object]] = []
        if any(types):
            meta.append(["Type", *[type_text(t, self.items) for t in types], *pad])
        if any(values):
            meta.append(["Allowed values", *values, *pad])
        return meta

    def _place_table(
        self, owner: m.Decision | m.BusinessKnowledgeModel, table: m.DecisionTable, block: BlockOut
    ) -> bool:
        """Put a table back at its source cells; False when the DMN does not say where they were."""
        anchor = source_of(owner)
        clauses = _all([cell_of(c.id) for c in [*table.inputs, *table.outputs]])
        rows = _all([_rule_row(rule) for rule in table.rules])
        if anchor is None or anchor[0] not in self.grids or not clauses or rows is None:
            return False
        grid, (kr, kc) = self.grids[anchor[0]], anchor[1]
        header_row = clauses[0][0]
        cols = [c[1] for c in clauses]
        if any(c[0] != header_row for c in clauses) or header_row <= kr:
            return False
        rule_col = _rule_column(table, cols)
        has_rule_col = block.header[:1] == ["Rule"]
        if has_rule_col and rule_col is None:
            return False
        first_note = max(cols) + 1
        layout = [rule_col] if has_rule_col and rule_col is not None else []
        layout += cols + list(range(first_note, first_note + len(table.annotations)))
        meta_rows = list(range(header_row + 1, header_row + 1 + len(block.meta)))
        if rows and meta_rows and meta_rows[-1] >= min(rows):
            return False
        cells: _Cells = [
            (header_row, c, t, "header") for c, t in zip(layout, block.header, strict=True)
        ]
        for meta_row, values in zip(meta_rows, block.meta, strict=True):
            cells += [(meta_row, c, v, "meta") for c, v in zip(layout, values, strict=True)]
        for row, values in zip(rows, block.rows, strict=True):
            cells += [(row, c, v, "") for c, v in zip(layout, values, strict=True)]
        if not all(grid.free(r, c) for r, c, _, _ in cells):
            return False
        if not self._put_labels(_Placed(grid, kr, kc), block, header_row):
            return False
        _commit(grid, cells)
        self._rule_choices(grid, block, layout, header_row, max(rows, default=header_row))
        return True

    def _put_labels(self, placed: _Placed, block: BlockOut, header_row: int) -> bool:
        grid, kr, kc = placed.grid, placed.row, placed.col
        if not grid.free(kr, kc) or not grid.free(kr, kc + 1):
            return False
        grid.put(kr, kc, block.keyword, "keyword")
        grid.put(kr, kc + 1, block.title, "keyword")
        spare = [r for r in range(kr + 1, header_row) if grid.free(r, kc) and grid.free(r, kc + 1)]
        col = kc + 2
        for label, value in block.labels:
            if spare:
                row = spare.pop(0)
                grid.put(row, kc, label, "label")
                grid.put(row, kc + 1, value)
                label_choices(grid, label, row, kc + 1)
            else:  # no room above the header: labels go on the keyword row, after the title
                grid.put(kr, col, label, "label")
                grid.put(kr, col + 1, value)
                label_choices(grid, label, kr, col + 1)
                col += 2
        return True

    def _rule_choices(
        self, grid: GridSheet, block: BlockOut, layout: list[int], header_row: int, last: int
    ) -> None:
        for col, text in zip(layout, block.header, strict=True):
            column_choices(
                grid,
                block.keyword,
                [text],
                col,
                header_row + 1 + len(block.meta),
                last + SPARE_ROWS,
                self.choices,
            )

    # --- relations and expressions ----------------------------------------------------------

    def _relation_block(self, decision: m.Decision, relation: m.Relation) -> BlockOut:
        block = BlockOut(
            "Relation",
            decision.name,
            labels=self._labels(decision),
            header=[c.name for c in relation.columns],
        )
        types = [c.type_ref or "" for c in relation.columns]
        usable = [self._typed_column(relation, i, t) for i, t in enumerate(types)]
        if any(usable):
            block.meta = [
                [
                    type_text(t, self.items) if ok else ""
                    for t, ok in zip(types, usable, strict=True)
                ]
            ]
        for row in relation.rows:
            block.rows.append(
                [
                    data_value(
                        cell.text
                        if isinstance(cell, m.LiteralExpression)
                        else (flatten(cell) or "null"),
                        types[i] if usable[i] else "",
                        self.items,
                    )
                    for i, cell in enumerate(row)
                ]
            )
        return block

    def _typed_column(self, relation: m.Relation, index: int, type_ref: str) -> bool:
        """True when every cell of a typed column can be written as data and read back the same."""
        if not type_ref:
            return False
        for row in relation.rows:
            cell = row[index] if index < len(row) else None
            if (
                not isinstance(cell, m.LiteralExpression)
                or data_value(cell.text, type_ref, self.items) is NOT_DATA
            ):
                return False
        return True

    def _place_relation(self, decision: m.Decision, relation: m.Relation, block: BlockOut) -> bool:
        anchor = source_of(decision)
        columns = _all([cell_of(c.id) for c in relation.columns])
        firsts = _all([cell_of(row[0].id) if row else None for row in relation.rows])
        if anchor is None or anchor[0] not in self.grids or not columns or firsts is None:
            return False
        grid, (kr, kc) = self.grids[anchor[0]], anchor[1]
        header_row = columns[0][0]
        layout = [c[1] for c in columns]
        cells: _Cells = [
            (header_row, c, t, "header") for c, t in zip(layout, block.header, strict=True)
        ]
        if block.meta:
            cells += [
                (header_row + 1, c, v, "meta") for c, v in zip(layout, block.meta[0], strict=True)
            ]
        for (row, _), values in zip(firsts, block.rows, strict=True):
            cells += [(row, c, v, "") for c, v in zip(layout, values, strict=True)]
        if not all(grid.free(r, c) for r, c, _, _ in cells) or header_row <= kr:
            return False
        if not self._put_labels(_Placed(grid, kr, kc), block, header_row):
            return False
        _commit(grid, cells)
        return True

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
        values: list[object] = [
            decision.name,
            text,
            type_text(decision.variable.type_ref or "", self.items),
            decision.description or "",
            *self._top_level(decision),
        ]
        found = source_of(decision)
        where = cell_of(decision.expression.id if decision.expression else None)
        if found and where and found[0] in self.grids and found[1][0] == where[0]:  # noqa: SIM102
            if self._place_expression(self.grids[found[0]], found[1], where[1], values):
                return
        self._auto("Expressions", BlockOut("Expressions", header=_EXPRESSION_HEADER, rows=[values]))

    def _top_level(self, decision: m.Decision) -> list[str]:
        top = decision.extensions.get("decision.top_level")
        return ["yes" if top == "true" else "no"] if top in ("true", "false") else [""]

    def _place_expression(
        self, grid: GridSheet, name_cell: tuple[int, int], expression_col: int, values: list[object]
    ) -> bool:
        row, name_col = name_cell
        others = [
            c for c in range(max(name_col, expression_col) + 1, max(name_col, expression_col) + 4)
        ]
        cols = [name_col, expression_col, *others]
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
        for col, text in zip(cols, _EXPRESSION_HEADER, strict=True):
            grid.put(row - 1, col, text, "header")
        self._expression_blocks[key] = (row - 1, {row})
        return row - 1

    # --- knowledge models, references, model ------------------------------------------------

    def _knowledge(self, bkm: m.BusinessKnowledgeModel) -> None:
        logic = bkm.logic
        parameters = ", ".join(
            p.name + (f": {type_text(p.type_ref, self.items)}" if p.type_ref else "")
            for p in (logic.parameters if logic else [])
        )
        labels: list[tuple[str, object]] = [("Parameters", parameters)]
        if bkm.description:
            labels.append(("Description", bkm.description))
        body = logic.body if logic else None
        if isinstance(body, m.DecisionTable):
            block = self._table_block("Knowledge model", bkm.name, body, labels)
            if not self._place_table(bkm, body, block):
                self._auto(bkm.name, block)
            return
        text = flatten(body)
        if text is None:
            self.notes.append(diag.not_exportable("the knowledge model", bkm.name))
            return
        if body is not None and not isinstance(body, m.LiteralExpression):
            self.notes.append(diag.exported_as_text("the logic of knowledge model", bkm.name))
        anchor, where = source_of(bkm), cell_of(body.id if body else None)
        if (
            anchor
            and where
            and anchor[0] in self.grids
            and self._place_body(anchor, where, bkm.name, labels, text)
        ):
            return
        self._auto(
            bkm.name, BlockOut("Knowledge model", bkm.name, labels=[*labels, ("Expression", text)])
        )

    def _place_body(
        self,
        anchor: tuple[str, tuple[int, int]],
        where: tuple[int, int],
        name: str,
        labels: list[tuple[str, object]],
        text: str,
    ) -> bool:
        """A knowledge model written as one expression, its text back in its source cell."""
        grid, (kr, kc) = self.grids[anchor[0]], anchor[1]
        row, col = where
        if row <= kr or col < 2 or not grid.free(row, col - 1) or not grid.free(row, col):
            return False
        if not self._put_labels(
            _Placed(grid, kr, kc), BlockOut("Knowledge model", name, labels=labels), row
        ):
            return False
        grid.put(row, col - 1, "Expression", "label")
        grid.put(row, col, text)
        return True

    def _references(self) -> None:
        header = ["Code", "Citation", "Link"]
        loose: list[list[object]] = []
        for (sheet, col), items in self._groups(self.defs.knowledge_sources).items():
            if sheet is None or not self._place_rows(
                sheet, col, header, "References", items, _reference_values
            ):
                loose.extend(_reference_values(i) for i, _ in items)
        if loose:
            self._auto("References", BlockOut("References", header=header, rows=loose))

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
        grid = self.grids.get("Model")
        if grid is None:
            grid = self._new_sheet("Model")
            self.grids = {"Model": grid, **{k: v for k, v in self.grids.items() if k != "Model"}}
        place_block(grid, block, grid.last_row + 2 if grid.cells else 1, 1, self.choices)


_EXPRESSION_HEADER = ["Name", "Expression", "Type", "Description", "Top level"]
_Cells = list[tuple[int, int, object, str]]  # row, column, value, style
T = TypeVar("T")


def _all(items: list[T | None]) -> list[T] | None:
    """``items`` when none is None, else None."""
    return (
        None
        if any(item is None for item in items)
        else [item for item in items if item is not None]
    )


def _commit(grid: GridSheet, cells: _Cells) -> None:
    for row, col, value, style in cells:
        grid.put(row, col, value, style)


def _reference_values(item: m.Element) -> list[object]:
    assert isinstance(item, m.KnowledgeSource)
    return [item.name, item.description or "", item.location_uri or ""]


def _entry(text: str, empty: str) -> str:
    return text.strip() or empty


def _rule_row(rule: m.DecisionRule) -> int | None:
    match = _ROW_ID.search(rule.id or "")
    if match:
        return int(match.group(1))
    row = rule.extensions.get("source.row", "")
    return int(row) if row.isdigit() else None


def _rule_column(table: m.DecisionTable, cols: list[int]) -> int | None:
    """The rule id column: the column of the rules' ``source.cell`` when left of every clause."""
    for rule in table.rules:
        cell = rule.extensions.get("source.cell", "").rpartition("!")[2]
        found = parse_coordinate(cell) if cell else None
        if found is not None and found[1] < min(cols, default=found[1] + 1):
            return found[1]
    return None
