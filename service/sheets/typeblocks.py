"""Types blocks in, named types out: DMN item definitions as rows of a table.

```
Types
Name                  | Type              | Allowed values     | Description
grade                 | integer           | [0..4]             | a toxicity grade
regimen               | structure         |                    | a row of the catalogue
regimen.name          | string            |                    |
regimen.dose          | structure         |                    |
regimen.dose.amount   | number            | > 0                |
regimens              | list of regimen   |                    |
```

A row names a type and gives its base type (a FEEL type, ``list of <type>`` or another
declared type) with optional allowed values; a *structure* (``structure`` or ``list of
structure``, or an empty Type cell) is made of the rows below it whose names continue its
own with a dot, each with a type of its own, structures nested as deep as needed. The
names of every Types block are known before any type cell is read, so types may refer to
types declared further down or on other sheets. Cycles and allowed values are checked by
:mod:`service.sheets.typecheck`.
"""

from __future__ import annotations

from service.sheets import diagnostics as diag
from service.sheets.blocks import (
    column_cell,
    column_text,
    column_where,
    header_columns,
    report_nameless,
)
from service.sheets.cells import problem
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.layout import Block, cell_text, normalize
from service.sheets.names import is_valid_name
from service.sheets.specs import TypeDefSpec
from service.sheets.types import TYPE_CHOICES, Declared, is_builtin_type, parse_type

TYPE_HEADERS = {
    "name": "name", "type": "type", "base type": "type", "allowed values": "allowed",
    "allowed values or range": "allowed", "values": "allowed", "range": "allowed",
    "allowed": "allowed", "description": "description", "meaning": "description",
}  # fmt: skip
STRUCTURE_WORDS = frozenset({"structure", "structured", "record"})
STRUCTURE_CHOICES = ("structure", "list of structure")


def read_types(blocks: list[Block], found: list[Diagnostic]) -> list[TypeDefSpec]:
    """The named types of every Types block, each with its components; types unresolved."""
    rows = [row for block in blocks for row in _rows(block, found)]
    top = _declare(rows, found)
    names: Declared = {row.name: None for row in top}
    children = _tree(rows, top, found)
    for _, row, type_cell in _typed(rows):
        _parse_type(row, type_cell, names, bool(children.get(id(row))), found)
    _check_structures(rows, found)
    return top


# The rows read, with their block and Type cell text, before their types are parsed.
_Row = tuple[Block, TypeDefSpec, str]


def _rows(block: Block, found: list[Diagnostic]) -> list[_Row]:
    columns, data_rows = header_columns(block, TYPE_HEADERS, ("name", "type"), found)
    rows: list[_Row] = []
    for row in data_rows:
        name_cell = column_cell(block, row, columns, "name")
        if name_cell is None:
            report_nameless(block, row, columns, found)
            continue
        spec = TypeDefSpec(cell_text(name_cell), block.at(name_cell), row)
        spec.type_where = column_where(block, row, columns, "type")
        allowed = column_cell(block, row, columns, "allowed")
        if allowed is not None:
            spec.allowed_where = block.at(allowed)
            trouble = problem(allowed, spec.allowed_where)
            if trouble is not None:
                found.append(trouble)
            else:
                spec.allowed = cell_text(allowed)
                spec.allowed_where = Where(block.sheet.name, allowed.coordinate, spec.allowed)
        spec.description = column_text(block, row, columns, "description")
        type_cell = column_cell(block, row, columns, "type")
        trouble = problem(type_cell, spec.type_where)
        if trouble is not None:
            found.append(trouble)
        rows.append((block, spec, "" if trouble else cell_text(type_cell)))
    return rows


def _declare(rows: list[_Row], found: list[Diagnostic]) -> list[TypeDefSpec]:
    """The named types (rows without a dot); invalid and repeated names reported."""
    top: list[TypeDefSpec] = []
    seen: dict[str, Where] = {}
    for _, spec, _ in rows:
        parts = spec.name.split(".")
        if not all(is_valid_name(part) and "." not in part for part in parts):
            found.append(diag.name_invalid(spec.where, spec.name))
            spec.name = ""  # not declared: its components and references are not reported again
            continue
        if len(parts) == 1 and is_builtin_type(spec.name):
            found.append(diag.name_is_type(spec.where, spec.name))
            spec.name = ""
            continue
        key = ".".join([normalize(parts[0]), *parts[1:]])
        if key in seen:
            first = seen[key]
            found.append(
                diag.name_duplicate(spec.where, spec.name, f"'{first.sheet}'!{first.cell}")
            )
            spec.name = ""
            continue
        seen[key] = spec.where
        if len(parts) == 1:
            top.append(spec)
    return top


def _tree(
    rows: list[_Row], top: list[TypeDefSpec], found: list[Diagnostic]
) -> dict[int, list[TypeDefSpec]]:
    """Each component under the row its name continues; id(row) -> its components."""
    by_key = {normalize(spec.name): spec for spec in top}
    for _, spec, _ in rows:
        if spec.name and "." in spec.name:
            head, _, rest = spec.name.partition(".")
            by_key[".".join([normalize(head), rest])] = spec
    children: dict[int, list[TypeDefSpec]] = {}
    for _, spec, _ in rows:
        if not spec.name or "." not in spec.name:
            continue
        head, _, rest = spec.name.rpartition(".")
        first, _, inner = head.partition(".")
        parent = by_key.get(".".join([normalize(first), inner]) if inner else normalize(first))
        if parent is None:
            found.append(
                diag.type_components(
                    spec.where,
                    f"{spec.name!r} is a component of {head!r}, which is not declared",
                    hint=f"add a row {head!r} with the type structure",
                )
            )
            continue
        parent.components.append(spec)
        children.setdefault(id(parent), []).append(spec)
    return children


def _typed(rows: list[_Row]) -> list[_Row]:
    """The rows whose names were declared (invalid and repeated names are left out)."""
    return [row for row in rows if row[1].name]


def _parse_type(
    spec: TypeDefSpec,
    text: str,
    names: Declared,
    has_components: bool,
    found: list[Diagnostic],
) -> None:
    """Set the row's type: a structure, or a base type (reported when unknown)."""
    key = normalize(text)
    list_of = key.removeprefix("list of").strip() if key.startswith("list of") else None
    if key in STRUCTURE_WORDS or (not key and has_components):
        spec.type = None
        return
    if list_of in STRUCTURE_WORDS:
        spec.type, spec.is_list = None, True
        return
    spec.type = parse_type(text, names)
    if not key:
        found.append(diag.value_missing(spec.type_where or spec.where, "a type"))
    elif spec.type is None:
        where = spec.type_where or spec.where
        choices = [*TYPE_CHOICES, *STRUCTURE_CHOICES, *sorted(names)]
        found.append(diag.type_unknown(Where(where.sheet, where.cell, text), text, choices))
    if spec.type is None:
        spec.type = parse_type("Any")  # reported: read on as Any so that nothing else trips


def _check_structures(rows: list[_Row], found: list[Diagnostic]) -> None:
    """A structure needs components; a type that is not a structure has none."""
    for _, spec, _ in _typed(rows):
        if spec.structure and not spec.components:
            found.append(
                diag.type_components(
                    spec.type_where or spec.where,
                    f"the structure {spec.name!r} has no components",
                    hint=f"add rows named {spec.name}.<component> below it, each with a type",
                )
            )
        elif not spec.structure and spec.components:
            assert spec.type is not None
            for component in spec.components:
                found.append(
                    diag.type_components(
                        component.where,
                        f"{spec.name!r} is a {spec.type.describe()}, not a structure, so it "
                        "cannot have components",
                        hint=f"write structure as the type of {spec.name!r}",
                    )
                )
            spec.components = []
