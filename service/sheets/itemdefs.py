"""Declared types and typed cells in, the model's DMN item definitions out.

Each row of a Types block becomes an item definition (``type_<name>``), its components
``itemComponent`` elements with ids from their name cells; ``integer`` is the FEEL type
``number`` with the property ``type.integer``, and every declared type carries
``source.sheet``/``source.cell``, so that ``tablerx export`` tells it from the item
definitions the compiler makes itself: ``<type>_list`` for a ``list of <type>`` cell, and
``t_<input>`` for an input's allowed values. A made name never takes a declared one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from service.dmn import model as m
from service.sheets.diagnostics import Where
from service.sheets.grid import parse_coordinate
from service.sheets.layout import normalize
from service.sheets.specs import TypeDefSpec
from service.sheets.types import TypeSpec, list_type_name

CellId = Callable[[str, int, int], str]  # (sheet, row, column) -> element id
Sources = Callable[[Where], dict[str, str]]  # a cell -> its source.* properties


def ncname(text: str, prefix: str = "_") -> str:
    """``text`` as an XML id: ASCII letters, digits, ``_ - .``, not starting with a digit."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", ascii_text).strip("_")
    if not cleaned or not (cleaned[0].isalpha() or cleaned[0] == "_"):
        cleaned = prefix + cleaned
    return cleaned


class ItemDefinitions:
    """The item definitions of one model, declared and made, by name."""

    def __init__(self, types: list[TypeDefSpec], cell_id: CellId, sources: Sources) -> None:
        self.items: dict[str, m.ItemDefinition] = {}
        self._ids: set[str] = set()
        self._declared = {normalize(t.name) for t in types}
        for spec in types:
            self.items[spec.name] = self._declared_item(spec, cell_id, sources, top=True)

    def in_order(self) -> list[m.ItemDefinition]:
        """Every item definition, sorted by name (the same workbook gives the same bytes)."""
        return [self.items[name] for name in sorted(self.items)]

    def type_ref(self, spec: TypeSpec | None) -> str | None:
        """The typeRef of a typed cell; a list type's item definition is made on first use."""
        if spec is None:
            return None
        if not spec.is_list:
            return spec.base
        name = self._made_name(list_type_name(spec.base))
        if name not in self.items:
            self.items[name] = m.ItemDefinition(
                id=self._unique_id(name), name=name, type_ref=spec.base, is_collection=True
            )
        return name

    def allowed_type(self, input_name: str, spec: TypeSpec | None, allowed: str) -> str:
        """The item definition that carries an input's own allowed values (``t_<input>``)."""
        name = self._made_name("t_" + input_name.replace(" ", "_"))
        if spec is not None and spec.is_list:
            item_name = self._made_name(name + "_item")
            self.items[item_name] = m.ItemDefinition(
                id=self._unique_id(item_name),
                name=item_name,
                type_ref=spec.base,
                allowed_values=allowed,
            )
            self.items[name] = m.ItemDefinition(
                id=self._unique_id(name), name=name, type_ref=item_name, is_collection=True
            )
        else:
            self.items[name] = m.ItemDefinition(
                id=self._unique_id(name),
                name=name,
                type_ref=self.type_ref(spec),
                allowed_values=allowed,
            )
        return name

    # --- declared types ----------------------------------------------------------------------

    def _declared_item(
        self, spec: TypeDefSpec, cell_id: CellId, sources: Sources, top: bool
    ) -> m.ItemDefinition:
        where = parse_coordinate(spec.where.cell)
        if top or where is None:
            ident = self._unique_id(spec.name)
        else:
            ident = cell_id(spec.where.sheet, *where)
            self._ids.add(ident)
        item = m.ItemDefinition(
            id=ident,
            name=spec.local_name,
            description=spec.description or None,
            extensions=sources(spec.where),
        )
        if spec.type is None:  # a structure
            item.is_collection = spec.is_list
            item.components = [
                self._declared_item(c, cell_id, sources, top=False) for c in spec.components
            ]
            return item
        item.type_ref = spec.type.base
        item.is_collection = spec.type.is_list
        item.allowed_values = spec.allowed or None
        if spec.type.integer:
            item.extensions["type.integer"] = "true"
        return item

    def _made_name(self, name: str) -> str:
        """``name``, or ``name_2``, ... when a declared type has it."""
        candidate, number = name, 2
        while normalize(candidate) in self._declared:
            candidate, number = f"{name}_{number}", number + 1
        return candidate

    def _unique_id(self, name: str) -> str:
        base = ncname("type_" + name)
        candidate, number = base, 2
        while candidate in self._ids:
            candidate, number = f"{base}_{number}", number + 1
        self._ids.add(candidate)
        return candidate
