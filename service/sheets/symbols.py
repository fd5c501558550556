"""Workbook specs in, declared names out: what a workbook names, and what checking it learnt.

:func:`gather_symbols` declares every input, decision, relation and knowledge model,
reporting invalid and duplicate names; :class:`Symbols` is the result, read by the
checker, the builder and the test-case reader. :class:`Checked` is what the checker
(:mod:`service.sheets.check`) learns about each cell on its way.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.layout import Block
from service.sheets.names import is_valid_name
from service.sheets.specs import InputSpec, TableSpec, WorkbookSpec
from service.sheets.types import TypeSpec

Key = tuple[str, int, int]  # sheet, row, column
SINGLE_HIT = ("UNIQUE", "FIRST", "PRIORITY", "ANY")  # hit policies with one result, not a list


@dataclass(slots=True)
class Symbols:
    """The names a workbook declares, with where each is declared."""

    inputs: dict[str, InputSpec] = field(default_factory=dict)
    decisions: dict[str, Where] = field(default_factory=dict)
    knowledge: dict[str, TableSpec] = field(default_factory=dict)
    types: dict[str, TypeSpec | None] = field(default_factory=dict)  # decision -> result type
    # decision -> the type most of its literal results have, when no type could be inferred
    # (mixed results): how its Tests cells are read (plain values, else text)
    guesses: dict[str, TypeSpec] = field(default_factory=dict)

    def all_names(self) -> list[str]:
        """Every declared name (the parser needs them to read names with spaces)."""
        return [*self.inputs, *self.decisions, *self.knowledge]


@dataclass(slots=True)
class Checked:
    """What the checker learnt: cell texts, column types, the names each decision uses."""

    texts: dict[Key, str] = field(default_factory=dict)
    output_types: dict[Key, str] = field(default_factory=dict)  # header cell -> typeRef
    guessed_types: dict[Key, str] = field(default_factory=dict)  # header cell -> likely type
    broken: set[Key] = field(default_factory=set)  # output cells with an error
    uses: dict[str, set[str]] = field(default_factory=dict)
    citations: dict[str, set[str]] = field(default_factory=dict)  # decision -> reference codes
    parameter_uses: dict[str, set[str]] = field(
        default_factory=dict
    )  # knowledge model -> parameters


def gather_symbols(spec: WorkbookSpec, found: list[Diagnostic]) -> Symbols:
    """The declared names; NAME_INVALID, NAME_DUPLICATE and DECISION_DUPLICATE are reported here."""
    declarer = _Declarer(found)
    symbols = declarer.symbols
    for item in spec.inputs:
        if declarer.declare(item.name, item.where, False):
            symbols.inputs[item.name] = item
    for table in spec.tables:
        if declarer.named(table.name, table.block, table.kind == "decision"):
            if table.kind == "knowledge":
                symbols.knowledge[table.name] = table
            else:
                symbols.decisions[table.name] = table.block.name_where
                outputs = table.of_role("output")
                single = (
                    len(outputs) == 1 and table.hit_policy in SINGLE_HIT and not table.hit_unknown
                )
                symbols.types[table.name] = table.result_type or (
                    outputs[0].type if single else None
                )
    for relation in spec.relations:
        if declarer.named(relation.name, relation.block, True):
            symbols.decisions[relation.name] = relation.block.name_where
            symbols.types[relation.name] = relation.result_type
    for expression in spec.expressions:
        if declarer.declare(expression.name, expression.where, True):
            symbols.decisions[expression.name] = expression.where
            symbols.types[expression.name] = expression.type
    return symbols


class _Declarer:
    """Declares names one by one, reporting the invalid and the taken ones."""

    def __init__(self, found: list[Diagnostic]) -> None:
        self.found = found
        self.symbols = Symbols()
        self.seen: dict[str, Where] = {}

    def named(self, name: str, block: Block, decision: bool) -> bool:
        """Declare a block's name (VALUE_MISSING when it has none)."""
        if not name:
            self.found.append(
                diag.value_missing(block.anchor, f"the {block.kind}'s name (next to its keyword)")
            )
            return False
        return self.declare(name, block.name_where, decision)

    def declare(self, name: str, where: Where, decision: bool) -> bool:
        """True when ``name`` is valid and new."""
        if not is_valid_name(name):
            self.found.append(diag.name_invalid(where, name))
            return False
        if name in self.seen:
            first = self.seen[name]
            shown = f"'{first.sheet}'!{first.cell}"
            if decision and name in self.symbols.decisions:
                self.found.append(diag.decision_duplicate(where, name, shown))
            else:
                self.found.append(diag.name_duplicate(where, name, shown))
            return False
        self.seen[name] = where
        return True


def suggest(name: str, names: frozenset[str]) -> list[str]:
    """Declared names close to ``name``: the same but for case first, then similar spellings."""
    folded = {n.casefold(): n for n in sorted(names)}
    if name.casefold() in folded:
        return [folded[name.casefold()]]
    close = difflib.get_close_matches(name.casefold(), sorted(folded), n=2, cutoff=0.75)
    return [folded[c] for c in close]
