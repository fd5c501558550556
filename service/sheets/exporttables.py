"""Decision tables, relations and knowledge models in, their workbook blocks out.

A block goes back to its source cells when the model came from a workbook (the header at
the row its clause ids name, each rule at its row, labels between keyword and header),
otherwise onto a sheet of its own. Type rows are written only where the compiler would not
infer the same type, so that the exported workbook compiles to the same DMN.
"""

from __future__ import annotations

from service.dmn import model as m
from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic
from service.sheets.exportcells import NOT_DATA, data_value, hit_policy_words
from service.sheets.exportlayout import (
    Anchor,
    Cells,
    Sheets,
    all_free,
    all_or_none,
    cell_of,
    commit,
    rule_row,
)
from service.sheets.exporttypes import TypeWords
from service.sheets.flatten import flatten
from service.sheets.grid import parse_coordinate
from service.sheets.types import TypeSpec, inferred_type
from service.sheets.writer import SPARE_ROWS, BlockOut, GridSheet, column_choices

_SINGLE_HIT = ("UNIQUE", "FIRST", "PRIORITY", "ANY")


class TableExporter:
    """Writes the table-shaped blocks of one model."""

    def __init__(self, sheets: Sheets, words: TypeWords, notes: list[Diagnostic]) -> None:
        self.sheets = sheets
        self.words = words
        self.notes = notes

    # --- decision tables ---------------------------------------------------------------------

    def decision_table(self, decision: m.Decision, table: m.DecisionTable) -> None:
        """A decision's table, at its source cells or on a sheet named after it."""
        labels = [*self._result_type(decision, _derived_type(table)), *decision_labels(decision)]
        block = self.table_block("Decision table", decision.name, table, labels)
        if not self._place_table(decision, table, block):
            self.sheets.auto(decision.name, block)

    def _result_type(self, decision: m.Decision, derived: str | None) -> list[tuple[str, object]]:
        """A ``Result type`` label when the decision's type is not the one the compiler derives."""
        word = self.words.word(decision.variable.type_ref)
        if word and word != self.words.word(derived):
            return [("Result type", word)]
        return []

    def table_block(
        self, keyword: str, name: str, table: m.DecisionTable, labels: list[tuple[str, object]]
    ) -> BlockOut:
        """A decision table as a block: hit policy, labels, header, Type/Allowed rows, rules."""
        has_labels = any(rule.label for rule in table.rules)
        meta = self._meta_rows(table)
        header = ["Rule"] if has_labels or meta else []
        header += [f"Input: {clause.input_expression.text.strip()}" for clause in table.inputs]
        header += [f"Output: {clause.name or name}" for clause in table.outputs]
        header += [f"Annotation: {clause.name}" for clause in table.annotations]
        block = BlockOut(
            keyword, name, labels=[("Hit policy", hit_policy_words(table)), *labels], header=header
        )
        block.meta = meta
        for rule in table.rules:
            row: list[object] = [rule.label or ""] if header and header[0] == "Rule" else []
            row += [_entry(e.text, "-") for e in rule.input_entries]
            row += [_entry(e.text, "null") for e in rule.output_entries]
            row += list(rule.annotation_entries)
            block.rows.append(row)
        return block

    def _meta_rows(self, table: m.DecisionTable) -> list[list[object]]:
        types = [self.words.word(c.input_expression.type_ref) for c in table.inputs]
        values = [c.input_values.text if c.input_values else "" for c in table.inputs]
        for index, clause in enumerate(table.outputs):
            texts = [
                rule.output_entries[index].text.strip() or "null"
                for rule in table.rules
                if index < len(rule.output_entries)
            ]
            word = self.words.word(clause.type_ref)
            types.append(word if word != (inferred_type(texts) or "") else "")
            values.append(clause.output_values.text if clause.output_values else "")
        pad = [""] * len(table.annotations)
        meta: list[list[object]] = []
        if any(types):
            meta.append(["Type", *types, *pad])
        if any(values):
            meta.append(["Allowed values", *values, *pad])
        return meta

    def _place_table(
        self, owner: m.Decision | m.BusinessKnowledgeModel, table: m.DecisionTable, block: BlockOut
    ) -> bool:
        """Put a table back at its source cells; False when the DMN does not say where they were."""
        anchor = self.sheets.anchor(owner)
        clauses = all_or_none([cell_of(c.id) for c in [*table.inputs, *table.outputs]])
        rows = all_or_none([rule_row(rule) for rule in table.rules])
        if anchor is None or not clauses or rows is None:
            return False
        header_row = clauses[0][0]
        cols = [c[1] for c in clauses]
        if any(c[0] != header_row for c in clauses) or header_row <= anchor.row:
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
        cells: Cells = [
            (header_row, c, t, "header") for c, t in zip(layout, block.header, strict=True)
        ]
        for meta_row, values in zip(meta_rows, block.meta, strict=True):
            cells += [(meta_row, c, v, "meta") for c, v in zip(layout, values, strict=True)]
        for row, values in zip(rows, block.rows, strict=True):
            cells += [(row, c, v, "") for c, v in zip(layout, values, strict=True)]
        if not all_free(anchor.grid, cells) or not self.sheets.put_labels(
            anchor, block, header_row
        ):
            return False
        commit(anchor.grid, cells)
        self._rule_choices(anchor.grid, block, layout, header_row, max(rows, default=header_row))
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
                self.sheets.choices,
            )

    # --- relations ----------------------------------------------------------------------------

    def relation(self, decision: m.Decision, relation: m.Relation) -> None:
        """A decision's relation, at its source cells or on a sheet named after it."""
        block = self._relation_block(decision, relation)
        if not self._place_relation(decision, relation, block):
            self.sheets.auto(decision.name, block)

    def _relation_block(self, decision: m.Decision, relation: m.Relation) -> BlockOut:
        block = BlockOut(
            "Relation",
            decision.name,
            labels=[*self._result_type(decision, None), *decision_labels(decision)],
            header=[c.name for c in relation.columns],
        )
        specs = [self.words.spec(c.type_ref) for c in relation.columns]
        words = [self.words.word(c.type_ref) for c in relation.columns]
        usable = [self._typed_column(relation, i, spec) for i, spec in enumerate(specs)]
        if any(usable):
            block.meta = [[w if ok else "" for w, ok in zip(words, usable, strict=True)]]
        for row in relation.rows:
            block.rows.append(
                [
                    data_value(
                        cell.text
                        if isinstance(cell, m.LiteralExpression)
                        else (flatten(cell) or "null"),
                        specs[i] if usable[i] else None,
                    )
                    for i, cell in enumerate(row)
                ]
            )
        return block

    def _typed_column(self, relation: m.Relation, index: int, spec: TypeSpec | None) -> bool:
        """True when every cell of a typed column can be written as data and read back the same."""
        if spec is None:
            return False
        for row in relation.rows:
            cell = row[index] if index < len(row) else None
            if not isinstance(cell, m.LiteralExpression) or data_value(cell.text, spec) is NOT_DATA:
                return False
        return True

    def _place_relation(self, decision: m.Decision, relation: m.Relation, block: BlockOut) -> bool:
        anchor = self.sheets.anchor(decision)
        columns = all_or_none([cell_of(c.id) for c in relation.columns])
        firsts = all_or_none([cell_of(row[0].id) if row else None for row in relation.rows])
        if anchor is None or not columns or firsts is None:
            return False
        header_row = columns[0][0]
        layout = [c[1] for c in columns]
        cells: Cells = [
            (header_row, c, t, "header") for c, t in zip(layout, block.header, strict=True)
        ]
        if block.meta:
            cells += [
                (header_row + 1, c, v, "meta") for c, v in zip(layout, block.meta[0], strict=True)
            ]
        for (row, _), values in zip(firsts, block.rows, strict=True):
            cells += [(row, c, v, "") for c, v in zip(layout, values, strict=True)]
        if not all_free(anchor.grid, cells) or header_row <= anchor.row:
            return False
        if not self.sheets.put_labels(anchor, block, header_row):
            return False
        commit(anchor.grid, cells)
        return True

    # --- knowledge models ----------------------------------------------------------------------

    def knowledge(self, bkm: m.BusinessKnowledgeModel) -> None:
        """A knowledge model: a table with parameters, or one expression with parameters."""
        logic = bkm.logic
        parameters = ", ".join(
            p.name + (f": {word}" if (word := self.words.word(p.type_ref)) else "")
            for p in (logic.parameters if logic else [])
        )
        labels: list[tuple[str, object]] = [("Parameters", parameters)]
        if word := self.words.word(bkm.variable.type_ref):
            labels.append(("Result type", word))
        if bkm.description:
            labels.append(("Description", bkm.description))
        body = logic.body if logic else None
        if isinstance(body, m.DecisionTable):
            block = self.table_block("Knowledge model", bkm.name, body, labels)
            if not self._place_table(bkm, body, block):
                self.sheets.auto(bkm.name, block)
            return
        text = flatten(body)
        if text is None:
            self.notes.append(diag.not_exportable("the knowledge model", bkm.name))
            return
        if body is not None and not isinstance(body, m.LiteralExpression):
            self.notes.append(diag.exported_as_text("the logic of knowledge model", bkm.name))
        anchor, where = self.sheets.anchor(bkm), cell_of(body.id if body else None)
        if anchor and where and self._place_body(anchor, where, bkm.name, labels, text):
            return
        self.sheets.auto(
            bkm.name, BlockOut("Knowledge model", bkm.name, labels=[*labels, ("Expression", text)])
        )

    def _place_body(
        self,
        anchor: Anchor,
        where: tuple[int, int],
        name: str,
        labels: list[tuple[str, object]],
        text: str,
    ) -> bool:
        """A knowledge model written as one expression, its text back in its source cell."""
        grid = anchor.grid
        row, col = where
        if row <= anchor.row or col < 2 or not grid.free(row, col - 1) or not grid.free(row, col):
            return False
        block = BlockOut("Knowledge model", name, labels=labels)
        if not self.sheets.put_labels(anchor, block, row):
            return False
        grid.put(row, col - 1, "Expression", "label")
        grid.put(row, col, text, "value")
        return True


def decision_labels(decision: m.Decision) -> list[tuple[str, object]]:
    """The labels a decision's block carries: description, question, role, top level."""
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


def _derived_type(table: m.DecisionTable) -> str | None:
    """The decision type the compiler gives a table without a ``Result type`` label."""
    single = table.hit_policy.upper() in _SINGLE_HIT or table.aggregation
    if len(table.outputs) != 1 or not single:
        return None
    return "number" if table.aggregation == "COUNT" else table.outputs[0].type_ref


def _entry(text: str, empty: str) -> str:
    return text.strip() or empty


def _rule_column(table: m.DecisionTable, cols: list[int]) -> int | None:
    """The rule id column: the column of the rules' ``source.cell`` when left of every clause."""
    for rule in table.rules:
        cell = rule.extensions.get("source.cell", "").rpartition("!")[2]
        found = parse_coordinate(cell) if cell else None
        if found is not None and found[1] < min(cols, default=found[1] + 1):
            return found[1]
    return None
