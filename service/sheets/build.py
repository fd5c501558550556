"""Checked workbook specs in, a :class:`service.dmn.model.Definitions` out.

Every DMN element gets an id made from the sheet and cell it came from (``T2_Pathway_C7``
for an input entry, ``T2_Pathway_row7`` for a rule), so any element of the XML leads back
to its cell; the tablerx extension properties (docs/dmn-extensions.md) carry what DMN has
no element for. References become knowledge sources, and a decision whose cells cite a
code gets an authority requirement on it. Nothing here reports problems: the checker has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.dmn import model as m
from service.sheets.diagnostics import Where
from service.sheets.graph import used_by_others
from service.sheets.grid import coordinate, parse_coordinate
from service.sheets.itemdefs import ItemDefinitions, ncname
from service.sheets.layout import Block
from service.sheets.specs import (
    ExpressionSpec,
    InputSpec,
    ModelSpec,
    ReferenceSpec,
    RelationSpec,
    TableSpec,
    WorkbookSpec,
)
from service.sheets.symbols import SINGLE_HIT, Checked, Symbols
from service.sheets.types import TypeSpec

NAMESPACE = "https://tablerx.dev/models/"


def sheet_ids(names: Iterable[str]) -> dict[str, str]:
    """A distinct id prefix for each sheet name, in workbook order."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(names, start=1):
        base = ncname(name, "s") if ncname(name, "s") != "s" else f"Sheet{index}"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        taken.add(candidate)
        result[name] = candidate
    return result


class Builder:
    """Builds the Definitions of one checked workbook."""

    def __init__(
        self,
        spec: WorkbookSpec,
        symbols: Symbols,
        checked: Checked,
        source: str,
        sheet_names: list[str],
    ) -> None:
        self.spec = spec
        self.symbols = symbols
        self.checked = checked
        self.source = source
        self.sheets = sheet_ids(sheet_names)
        self.references = {r.code: r for r in spec.references}
        self.types = ItemDefinitions(spec.types, self.cell_id, self._source)
        self.used = used_by_others(set(symbols.decisions), checked.uses)

    def build(self) -> m.Definitions:
        """The whole model."""
        model = self.spec.model
        defs = m.Definitions(
            id=ncname("definitions_" + model.id),
            name=model.name or model.id,
            namespace=NAMESPACE + model.id,
            description=model.description or None,
            extensions=self._model_extensions(model),
        )
        defs.input_data = [
            self._input(i) for i in self.spec.inputs if i.name in self.symbols.inputs
        ]
        defs.decisions = [d for _, d in sorted(self._decisions(), key=lambda pair: pair[0])]
        defs.business_knowledge_models = [
            self._knowledge(t) for t in self.spec.tables if self.symbols.knowledge.get(t.name) is t
        ]
        defs.knowledge_sources = [self._reference(r) for r in self.spec.references]
        defs.item_definitions = self.types.in_order()
        return defs

    def _model_extensions(self, model: ModelSpec) -> dict[str, str]:
        values = {
            "model.id": model.id,
            "model.version": model.version,
            "model.status": model.status,
            "model.authors": model.authors,
            "model.reviewers": model.reviewers,
            "model.effective_date": model.effective_date,
            "model.source": self.source,
        }
        return {k: v for k, v in values.items() if v}

    # --- ids and sources -------------------------------------------------------------------------

    def cell_id(self, sheet: str, row: int, col: int) -> str:
        """The id of the element made from one cell."""
        return f"{self.sheets[sheet]}_{coordinate(row, col)}"

    def _source(self, where: Where) -> dict[str, str]:
        return {"source.sheet": where.sheet, "source.cell": _quoted(where)}

    def _type_ref(self, spec: TypeSpec | None) -> str | None:
        return self.types.type_ref(spec)

    # --- inputs --------------------------------------------------------------------------------

    def _input(self, item: InputSpec) -> m.InputData:
        type_ref = self._type_ref(item.type)
        if item.allowed:
            type_ref = self.types.allowed_type(item.name, item.type, item.allowed)
        extensions = {
            "input.required": "true" if item.required else "false",
            **self._source(item.where),
        }
        if item.type is not None and item.type.effective.integer:
            extensions["input.integer"] = "true"
        for key, value in (
            ("input.unit", item.unit),
            ("input.default", item.default),
            ("input.required_when", item.required_when),
        ):
            if value:
                extensions[key] = value
        return m.InputData(
            id=ncname("input_" + item.name),
            name=item.name,
            description=item.description or None,
            variable=m.InformationItem(name=item.name, type_ref=type_ref),
            extensions=extensions,
        )

    # --- decisions -----------------------------------------------------------------------------

    def _decisions(self) -> list[tuple[tuple[int, int, int], m.Decision]]:
        made: list[tuple[tuple[int, int, int], m.Decision]] = []
        for table in self.spec.tables:
            if (
                table.kind == "decision"
                and self.symbols.decisions.get(table.name) == table.block.name_where
            ):
                made.append((_order(table.block), self._table_decision(table)))
        for relation in self.spec.relations:
            if self.symbols.decisions.get(relation.name) == relation.block.name_where:
                made.append((_order(relation.block), self._relation_decision(relation)))
        for expression in self.spec.expressions:
            if self.symbols.decisions.get(expression.name) == expression.where:
                order = (self._sheet_index(expression.where.sheet), expression.row, 0)
                made.append((order, self._expression_decision(expression)))
        return made

    def _sheet_index(self, sheet: str) -> int:
        return list(self.sheets).index(sheet)

    def _decision(
        self,
        name: str,
        where: Where,
        type_ref: str | None,
        top_level: bool | None,
        expression: m.Expression,
        description: str = "",
        guard: bool = False,
    ) -> m.Decision:
        extensions = self._source(where)
        if guard:
            extensions["decision.role"] = "guard"
        else:
            top = top_level if top_level is not None else name not in self.used
            extensions["decision.top_level"] = "true" if top else "false"
        return m.Decision(
            id=ncname("decision_" + name),
            name=name,
            description=description or None,
            variable=m.InformationItem(name=name, type_ref=type_ref),
            requirements=self._requirements(name),
            expression=expression,
            extensions=extensions,
        )

    def _requirements(self, owner: str) -> list[m.Requirement]:
        uses = self.checked.uses.get(owner, set())
        found: list[m.Requirement] = []
        for name in sorted(uses):
            if name == owner:
                continue
            if name in self.symbols.inputs:
                found.append(m.Requirement(kind="input", href="#" + ncname("input_" + name)))
            elif name in self.symbols.decisions:
                found.append(m.Requirement(kind="decision", href="#" + ncname("decision_" + name)))
            elif name in self.symbols.knowledge:
                found.append(m.Requirement(kind="knowledge", href="#" + ncname("bkm_" + name)))
        for code in self._citations_of(owner):
            found.append(m.Requirement(kind="authority", href="#" + ncname("reference_" + code)))
        return found

    def _citations_of(self, owner: str) -> list[str]:
        codes = self.checked.citations.get(owner, set())
        return [r.code for r in self.spec.references if r.code in codes]

    def _table_decision(self, table: TableSpec) -> m.Decision:
        logic = self.decision_table(table)
        outputs = logic.outputs
        type_ref = None
        if table.result_type is not None:
            type_ref = self._type_ref(table.result_type)
        elif len(outputs) == 1 and (table.hit_policy in SINGLE_HIT or table.aggregation):
            type_ref = "number" if table.aggregation == "COUNT" else outputs[0].type_ref
        return self._decision(
            table.name,
            table.block.anchor,
            type_ref,
            table.top_level,
            logic,
            table.description,
            table.guard,
        )

    def decision_table(self, table: TableSpec) -> m.DecisionTable:
        """The DMN decision table of a table block."""
        sheet = table.block.sheet.name
        keyword = table.block.keyword
        logic = m.DecisionTable(
            id=self.cell_id(sheet, keyword.row, keyword.col),
            hit_policy=table.hit_policy,
            aggregation=table.aggregation,
        )
        for column in table.of_role("input"):
            logic.inputs.append(
                m.InputClause(
                    id=self.cell_id(sheet, column.header.row, column.col),
                    label=column.text,
                    input_expression=m.LiteralExpression(
                        text=column.text, type_ref=self._type_ref(column.type)
                    ),
                    input_values=m.UnaryTests(text=column.allowed) if column.allowed else None,
                )
            )
        for column in table.of_role("output"):
            header = (sheet, column.header.row, column.col)
            logic.outputs.append(
                m.OutputClause(
                    id=self.cell_id(*header),
                    name=column.text,
                    type_ref=self._type_ref(column.type) or self.checked.output_types.get(header),
                    output_values=m.UnaryTests(text=column.allowed) if column.allowed else None,
                )
            )
        logic.annotations = [
            m.RuleAnnotationClause(name=c.text) for c in table.of_role("annotation")
        ]
        for rule in table.rules:
            logic.rules.append(self._rule(table, rule.row, rule.ident))
        return logic

    def _rule(self, table: TableSpec, row: int, ident: str) -> m.DecisionRule:
        sheet = table.block.sheet.name
        texts = self.checked.texts
        first_col = min((c.col for c in table.columns), default=1)
        rule = m.DecisionRule(
            id=f"{self.sheets[sheet]}_row{row}",
            label=ident or None,
            extensions={
                "source.sheet": sheet,
                "source.row": str(row),
                "source.cell": _quoted(Where(sheet, coordinate(row, first_col))),
            },
        )
        for column in table.of_role("input"):
            rule.input_entries.append(
                m.UnaryTests(
                    id=self.cell_id(sheet, row, column.col),
                    text=texts.get((sheet, row, column.col), "-"),
                )
            )
        for column in table.of_role("output"):
            rule.output_entries.append(
                m.LiteralExpression(
                    id=self.cell_id(sheet, row, column.col),
                    text=texts.get((sheet, row, column.col), "null"),
                )
            )
        rule.annotation_entries = [
            texts.get((sheet, row, c.col), "") for c in table.of_role("annotation")
        ]
        return rule

    def _relation_decision(self, relation: RelationSpec) -> m.Decision:
        sheet = relation.block.sheet.name
        keyword = relation.block.keyword
        logic = m.Relation(id=self.cell_id(sheet, keyword.row, keyword.col))
        for column in relation.columns:
            logic.columns.append(
                m.InformationItem(
                    id=self.cell_id(sheet, column.header.row, column.col),
                    name=column.text,
                    type_ref=self._type_ref(column.type),
                )
            )
        for row in relation.rows:
            logic.rows.append(
                [
                    m.LiteralExpression(
                        id=self.cell_id(sheet, row.row, c.col),
                        text=self.checked.texts.get((sheet, row.row, c.col), "null"),
                    )
                    for c in relation.columns
                ]
            )
        return self._decision(
            relation.name,
            relation.block.anchor,
            self._type_ref(relation.result_type),
            relation.top_level,
            logic,
            relation.description,
        )

    def _expression_decision(self, expression: ExpressionSpec) -> m.Decision:
        where = expression.text_where
        row_col = _cell_of(where)
        type_ref = self._type_ref(expression.type)
        logic = m.LiteralExpression(
            id=self.cell_id(where.sheet, *row_col) if row_col else None,
            text=expression.text,
            type_ref=type_ref,
        )
        return self._decision(
            expression.name,
            expression.where,
            type_ref,
            expression.top_level,
            logic,
            expression.description,
        )

    # --- knowledge models and references ---------------------------------------------------------

    def _knowledge(self, table: TableSpec) -> m.BusinessKnowledgeModel:
        parameters = [
            m.InformationItem(name=name, type_ref=self._type_ref(spec))
            for name, spec, _ in table.parameters
        ]
        body: m.Expression
        if table.columns:
            body = self.decision_table(table)
        else:
            row_col = _cell_of(table.body_where) if table.body_where else None
            body = m.LiteralExpression(
                id=self.cell_id(table.block.sheet.name, *row_col) if row_col else None,
                text=table.body,
            )
        keyword = table.block.keyword
        logic = m.FunctionDefinition(
            id=self.cell_id(table.block.sheet.name, keyword.row, keyword.col) + "_function",
            parameters=parameters,
            body=body,
        )
        requirements = [
            r for r in self._requirements(table.name) if r.kind in ("knowledge", "authority")
        ]
        return m.BusinessKnowledgeModel(
            id=ncname("bkm_" + table.name),
            name=table.name,
            description=table.description or None,
            variable=m.InformationItem(name=table.name, type_ref=self._type_ref(table.result_type)),
            logic=logic,
            requirements=requirements,
            extensions=self._source(table.block.anchor),
        )

    def _reference(self, reference: ReferenceSpec) -> m.KnowledgeSource:
        link = reference.link if re.match(r"^[a-z][a-z0-9+.-]*:\S+$", reference.link) else None
        return m.KnowledgeSource(
            id=ncname("reference_" + reference.code),
            name=reference.code,
            description=reference.text or None,
            location_uri=link,
            extensions=self._source(reference.where),
        )


def _order(block: Block) -> tuple[int, int, int]:
    return (block.sheet.index, block.keyword.row, block.keyword.col)


def _quoted(where: Where) -> str:
    return "'" + where.sheet.replace("'", "''") + "'!" + where.cell


def _cell_of(where: Where | None) -> tuple[int, int] | None:
    return parse_coordinate(where.cell) if where is not None and where.cell else None
