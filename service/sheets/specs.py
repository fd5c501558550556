"""What each block of a workbook says, as plain data with cell locations (no FEEL parsed yet).

:mod:`service.sheets.blocks` and :mod:`service.sheets.tableblocks` fill these from the
layout; :mod:`service.sheets.check` parses and checks their FEEL; :mod:`service.sheets.build`
turns them into the DMN model. Every value keeps the cell it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from service.sheets.diagnostics import Where
from service.sheets.grid import Cell
from service.sheets.layout import Block
from service.sheets.types import TypeSpec


@dataclass(slots=True)
class ModelSpec:
    """The Model block: the model's identity and review metadata."""

    id: str
    name: str
    version: str
    status: str = "draft"
    authors: str = ""
    reviewers: str = ""
    effective_date: str = ""
    description: str = ""
    where: Where | None = None
    version_where: Where | None = None  # the version's cell (or the block's keyword cell)


@dataclass(slots=True)
class InputSpec:
    """One row of the Inputs block: a request field."""

    name: str
    where: Where
    row: int
    type: TypeSpec | None = None
    allowed: str = ""  # unary tests text
    allowed_where: Where | None = None
    unit: str = ""
    required: bool | None = None
    default: str = ""
    default_where: Where | None = None
    required_when: str = ""
    required_when_where: Where | None = None
    description: str = ""


@dataclass(slots=True)
class TypeDefSpec:
    """A row of a Types block: a named type, or (a dotted name) a component of a structure.

    ``type`` is None for a structure (``structure`` or ``list of structure``, with
    ``is_list``), whose ``components`` are the rows named ``<this name>.<component>``.
    """

    name: str  # as written: "regimen" or "regimen.dose.unit"
    where: Where
    row: int
    type: TypeSpec | None = None
    type_where: Where | None = None
    is_list: bool = False  # for a structure: a list of them
    allowed: str = ""  # unary tests text
    allowed_where: Where | None = None
    description: str = ""
    components: list[TypeDefSpec] = field(default_factory=list)

    @property
    def structure(self) -> bool:
        """True for a structure: a type made of named components."""
        return self.type is None

    @property
    def local_name(self) -> str:
        """The last part of the dotted name: the type's or the component's own name."""
        return self.name.rpartition(".")[2]

    def walk(self) -> list[TypeDefSpec]:
        """This row and every component row below it, depth first."""
        return [self, *(row for c in self.components for row in c.walk())]


@dataclass(slots=True)
class Column:
    """A column of a decision table, knowledge model or test block, by its header cell."""

    role: str  # "rule", "input", "output", "annotation", "expected", "description"
    text: str  # the input expression, output name or annotation name
    header: Cell
    where: Where
    type: TypeSpec | None = None
    type_where: Where | None = None
    allowed: str = ""  # unary tests text (DMN inputValues/outputValues)
    allowed_where: Where | None = None

    @property
    def col(self) -> int:
        """The column number."""
        return self.header.col


@dataclass(slots=True)
class RowSpec:
    """A data row: its number, its id (when the block has an id column) and its cells by column."""

    row: int
    ident: str
    ident_where: Where | None
    cells: dict[int, Cell | None] = field(default_factory=dict)


@dataclass(slots=True)
class TableSpec:
    """A decision table, or a knowledge model (``parameters``) whose logic is a table or text."""

    block: Block
    name: str
    kind: str  # "decision" or "knowledge"
    hit_policy: str = "UNIQUE"
    aggregation: str | None = None
    hit_where: Where | None = None
    hit_unknown: bool = False  # the hit policy cell says no hit policy (reported)
    description: str = ""
    question: str = ""
    guard: bool = False
    top_level: bool | None = None
    result_type: TypeSpec | None = None  # the decision's type (a ``Result type`` label)
    parameters: list[tuple[str, TypeSpec | None, Where]] = field(default_factory=list)
    body: str = ""  # a knowledge model written as one expression
    body_where: Where | None = None
    columns: list[Column] = field(default_factory=list)
    rules: list[RowSpec] = field(default_factory=list)
    unknown_headers: list[int] = field(default_factory=list)  # columns whose header is reported

    def of_role(self, role: str) -> list[Column]:
        """The columns with ``role``, left to right."""
        return [c for c in self.columns if c.role == role]


@dataclass(slots=True)
class RelationSpec:
    """A static relation: named, typed columns and rows of values."""

    block: Block
    name: str
    columns: list[Column] = field(default_factory=list)
    rows: list[RowSpec] = field(default_factory=list)
    description: str = ""
    top_level: bool | None = None
    result_type: TypeSpec | None = None  # the decision's type (a ``Result type`` label)


@dataclass(slots=True)
class ExpressionSpec:
    """One row of an Expressions block: a decision given by a FEEL expression."""

    name: str
    where: Where
    text: str
    text_where: Where
    row: int
    type: TypeSpec | None = None
    description: str = ""
    top_level: bool | None = None


@dataclass(slots=True)
class ReferenceSpec:
    """One row of the References block."""

    code: str
    text: str
    where: Where
    link: str = ""


@dataclass(slots=True)
class TestsSpec:
    """A Tests block: columns naming inputs and expected decision results, one row per case."""

    block: Block
    columns: list[Column] = field(default_factory=list)
    rows: list[RowSpec] = field(default_factory=list)
    descriptions: dict[int, str] = field(default_factory=dict)  # row -> description


@dataclass(slots=True)
class WorkbookSpec:
    """Everything a workbook declares."""

    model: ModelSpec
    types: list[TypeDefSpec] = field(default_factory=list)  # the named types, components inside
    inputs: list[InputSpec] = field(default_factory=list)
    tables: list[TableSpec] = field(default_factory=list)
    relations: list[RelationSpec] = field(default_factory=list)
    expressions: list[ExpressionSpec] = field(default_factory=list)
    references: list[ReferenceSpec] = field(default_factory=list)
    tests: list[TestsSpec] = field(default_factory=list)
