"""Named types in, their resolution out: cycles, allowed values, the FEEL type each rests on.

A declared type rests on a FEEL type through the types it names (``low_grade`` is a
``grade`` is an ``integer``), or is a structure. Knowing that lets the compiler check
cells of a declared type like cells of its FEEL type: a rule cell ``"postive"`` for an
input of a declared text type with allowed values is reported just as for a plain
``string`` input. Types defined through each other in a circle are an error
(``TYPE_CYCLE``); allowed values must be values of the type's own base type
(``WRONG_TYPE``), inside those of the type they narrow (``NOT_ALLOWED_VALUE``), and cannot
be given to a structure (``TYPE_ALLOWED_VALUES``).
"""

from __future__ import annotations

import dataclasses

from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_unary_tests
from service.sheets import diagnostics as diag
from service.sheets.blocks import plain_words, quoted_words
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.feeltext import parse_cell_tests
from service.sheets.graph import cycles
from service.sheets.names import free_names
from service.sheets.specs import TypeDefSpec
from service.sheets.types import (
    Declared,
    TypeSpec,
    compared_literal_kinds,
    fits,
    literal_value,
    satisfies,
)


def check_types(types: list[TypeDefSpec], found: list[Diagnostic]) -> Declared:
    """Every declared type's resolution; cycles and allowed values reported."""
    rows = {spec.name: spec for spec in types}
    cyclic = _report_cycles(types, rows, found)
    declared = _resolve_all(rows, cyclic)
    for spec in types:
        for row in spec.walk():
            if row.type is not None and row.type.base in declared:
                row.type = dataclasses.replace(row.type, resolved=declared[row.type.base])
            if row.allowed and not row.structure and row.type is not None:
                _quote_words(row)
    declared = _resolve_all(rows, cyclic)  # again, with the allowed values in FEEL
    for spec in types:
        for row in spec.walk():
            if row.type is not None and row.type.base in declared:
                row.type = dataclasses.replace(row.type, resolved=declared[row.type.base])
            if row.allowed:
                _check_allowed(row, found)
    return declared


def _report_cycles(
    types: list[TypeDefSpec], rows: dict[str, TypeDefSpec], found: list[Diagnostic]
) -> set[str]:
    """TYPE_CYCLE for each circle of types naming each other; the names on one."""
    uses = {
        spec.name: {
            row.type.base for row in spec.walk() if row.type is not None and row.type.base in rows
        }
        for spec in types
    }
    cyclic: set[str] = set()
    for path in cycles([spec.name for spec in types], uses):
        found.append(diag.type_cycle(rows[path[0]].where, path))
        cyclic.update(path)
    return cyclic


def _resolve_all(rows: dict[str, TypeDefSpec], cyclic: set[str]) -> dict[str, TypeSpec | None]:
    return {name: _resolve(name, rows, cyclic, 0) for name in rows}


def _resolve(
    name: str, rows: dict[str, TypeDefSpec], cyclic: set[str], depth: int
) -> TypeSpec | None:
    """The FEEL type ``name`` rests on, with the allowed values that narrow it last."""
    row = rows[name]
    if row.structure or row.type is None or name in cyclic or depth > len(rows):
        return None
    own = row.type
    if own.base not in rows:  # a FEEL type
        return TypeSpec(own.base, own.is_list, own.integer, None, row.allowed)
    inner = _resolve(own.base, rows, cyclic, depth + 1)
    if inner is None:
        return None
    if own.is_list and inner.is_list:
        return TypeSpec("Any")  # a list of lists: its cells are not checked
    return TypeSpec(
        inner.base, own.is_list or inner.is_list, inner.integer, None, row.allowed or inner.allowed
    )


def _quote_words(row: TypeDefSpec) -> None:
    """Plain words in a text type's allowed values are the values themselves."""
    assert row.type is not None
    if row.type.effective.base == "string" and plain_words(row.allowed):
        row.allowed = quoted_words(row.allowed)
        if row.allowed_where is not None:
            where = row.allowed_where
            row.allowed_where = Where(where.sheet, where.cell, row.allowed)


def _check_allowed(row: TypeDefSpec, found: list[Diagnostic]) -> None:
    where = row.allowed_where or row.where
    if row.structure or row.type is None:
        found.append(
            diag.type_allowed_values(
                where,
                f"the structure {row.name!r} cannot have allowed values",
                hint="give allowed values to its components instead",
            )
        )
        return
    tests = parse_cell_tests(row.allowed, where, "list of allowed values", (), found)
    if tests is None:
        return
    for use in free_names(tests):
        found.append(
            diag.type_allowed_values(
                where,
                f"{use.name!r} is a name, but allowed values must be values",
                use.span,
                hint='write text in double quotes ("like this") and numbers as numbers',
            )
        )
    narrowed = _parsed(row.type.resolved.allowed if row.type.resolved else "")
    for node, kind, equality in compared_literal_kinds(tests):
        value = literal_value(node)
        shown = row.allowed[node.span[0] : node.span[1]]
        if not fits(kind, row.type, value):
            found.append(diag.wrong_type(where, shown, row.type.describe(), row.name, node.span))
        elif equality and narrowed is not None and satisfies(value, narrowed) is False:
            assert row.type.resolved is not None
            found.append(
                diag.not_allowed(where, shown, row.type.base, row.type.resolved.allowed, node.span)
            )


def _parsed(text: str) -> n.UnaryTests | None:
    if not text:
        return None
    try:
        return parse_unary_tests(text)
    except FeelSyntaxError:  # reported at the type that declares them
        return None
