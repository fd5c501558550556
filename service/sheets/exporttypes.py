"""A model's item definitions in, the words of Type cells and the rows of a Types block out.

Every item definition a workbook can hold is exported as a row of a Types block (its
components as rows named ``<type>.<component>``) and keeps its name, so that inputs,
columns, parameters and results of that type say so. A model compiled by tablerx also
holds item definitions the compiler made (``number_list`` for ``list of number``,
``t_<input>`` for an input's allowed values: those without ``source.*`` properties):
those go back into the cells they came from (``list of number``; the input's Allowed
values). What no Types row can say (a function type, a type whose name or components a
workbook cannot write, types defined through each other) is reported and written as
``Any``.
"""

from __future__ import annotations

from service.dmn import model as m
from service.feel import nodes as n
from service.feel.errors import FeelSyntaxError
from service.feel.parser import parse_unary_tests
from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic
from service.sheets.graph import cycles
from service.sheets.names import is_valid_name
from service.sheets.types import FEEL_TYPES, Declared, TypeSpec, is_builtin_type, parse_type

TYPES_HEADER = ["Name", "Type", "Allowed values", "Description"]
_DMN11_TYPES = {
    "dateTime": "date and time",
    "dayTimeDuration": "days and time duration",
    "yearMonthDuration": "years and months duration",
}
_MAX_DEPTH = 64  # item definitions naming each other deeper than this are not followed


def base_name(type_ref: str) -> str:
    """A typeRef without the ``feel:`` prefix, DMN 1.1 names as FEEL names."""
    name = type_ref.split(":", 1)[1] if type_ref.startswith("feel:") else type_ref
    return _DMN11_TYPES.get(name.strip(), name.strip())


class TypeWords:
    """How the workbook writes the types of one model."""

    def __init__(self, defs: m.Definitions, notes: list[Diagnostic]) -> None:
        self.items = {item.name: item for item in defs.item_definitions}
        self.notes = notes
        compiled = "model.id" in defs.extensions  # a model compiled from a workbook
        self.declared = _exportable(
            [i for i in defs.item_definitions if not compiled or "source.sheet" in i.extensions],
            notes,
        )
        self.resolved: Declared = {name: self._resolved(name, 0) for name in self.declared}

    def word(self, type_ref: str | None, depth: int = 0) -> str:
        """The Type cell for ``type_ref`` ('' when the workbook has no word for it)."""
        if not type_ref or depth > _MAX_DEPTH:
            return ""
        base = base_name(type_ref)
        if base in FEEL_TYPES or base in self.declared:
            return base
        item = self.items.get(base)
        if item is not None and _plain_list(item):
            inner = self.word(item.type_ref, depth + 1)
            if inner and not inner.startswith("list of"):
                return f"list of {inner}"
        return ""

    def spec(self, type_ref: str | None) -> TypeSpec | None:
        """The type a Type cell for ``type_ref`` reads as (declared types resolved)."""
        word = self.word(type_ref)
        return parse_type(word, self.resolved) if word else None

    def _resolved(self, name: str, depth: int) -> TypeSpec | None:
        item = self.items.get(name)
        if item is None or item.components or item.function_parameters is not None:
            return None
        ref = base_name(item.type_ref) if item.type_ref else "Any"
        integer = item.extensions.get("type.integer") == "true"
        if ref in FEEL_TYPES:
            return TypeSpec(ref, item.is_collection, integer, None, item.allowed_values or "")
        inner = self._resolved(ref, depth + 1) if depth < _MAX_DEPTH else None
        if inner is None:
            return None
        if item.is_collection and inner.is_list:
            return TypeSpec("Any")
        allowed = item.allowed_values or inner.allowed
        return TypeSpec(
            inner.base, item.is_collection or inner.is_list, inner.integer, None, allowed
        )

    # --- the Types block -----------------------------------------------------------------------

    def rows(self, item: m.ItemDefinition) -> list[tuple[m.ItemDefinition, list[object]]]:
        """The Types rows of a declared type: its own, then its components', depth first."""
        found: list[tuple[m.ItemDefinition, list[object]]] = []
        self._rows(item, item.name, found)
        return found

    def _rows(
        self, item: m.ItemDefinition, path: str, found: list[tuple[m.ItemDefinition, list[object]]]
    ) -> None:
        found.append(
            (item, [path, self._type_cell(item), self._allowed(item, path), item.description or ""])
        )
        for component in item.components:
            self._rows(component, f"{path}.{component.name}", found)

    def _type_cell(self, item: m.ItemDefinition) -> str:
        if item.components:
            return "list of structure" if item.is_collection else "structure"
        word = self.word(item.type_ref) if item.type_ref else "Any"
        if word == "number" and item.extensions.get("type.integer") == "true":
            word = "integer"
        word = word or "Any"
        return f"list of {word}" if item.is_collection else word

    def _allowed(self, item: m.ItemDefinition, path: str) -> str:
        if item.type_constraint:
            self.notes.append(diag.not_exportable("the type constraint of type", path))
        if item.components and item.allowed_values:
            self.notes.append(diag.not_exportable("the allowed values of structure", path))
            return ""
        return (item.allowed_values or "").strip()

    # --- inputs ---------------------------------------------------------------------------------

    def input_row(self, item: m.InputData) -> list[object]:
        """The Inputs block row of one input: name, type, allowed values, unit, required, ..."""
        ext = item.extensions
        base, is_list, allowed = self._chain(item.variable.type_ref, stop_at_declared=True)
        if not base:
            if item.variable.type_ref:
                self.notes.append(diag.not_exportable("the type of input", item.name))
            base = "Any"
        if base == "number" and ext.get("input.integer") == "true":
            base = "integer"
        required = "yes" if ext.get("input.required") == "true" else "no"
        return [
            item.name,
            f"list of {base}" if is_list else base,
            allowed,
            ext.get("input.unit", ""),
            required,
            ext.get("input.default", ""),
            ext.get("input.required_when", ""),
            item.description or "",
        ]

    def input_choices(self, item: m.InputData) -> list[str] | None:
        """The drop-down values for rule cells testing ``item``: its allowed values, or
        true/false."""
        base, is_list, allowed = self._chain(item.variable.type_ref, stop_at_declared=False)
        if is_list:
            return None
        if base == "boolean":
            return ["true", "false", "-"]
        return _choices(allowed, item.extensions.get("input.integer") == "true")

    def _chain(self, type_ref: str | None, stop_at_declared: bool) -> tuple[str, bool, str]:
        """(type word, is a list, allowed values) of a typeRef, through the item definitions
        (made ones only when ``stop_at_declared``)."""
        is_list, allowed, seen = False, "", set()
        name = base_name(type_ref) if type_ref else ""
        while name in self.items and name not in seen and name not in FEEL_TYPES:
            if stop_at_declared and name in self.declared:
                return name, is_list, allowed
            seen.add(name)
            item = self.items[name]
            if is_list and item.is_collection:
                return "", False, ""  # a list of lists: the workbook has no word for it
            is_list = is_list or item.is_collection
            allowed = allowed or (item.allowed_values or "")
            if item.components:
                return "context", is_list, allowed
            name = base_name(item.type_ref) if item.type_ref else ""
        return (name if name in FEEL_TYPES else ""), is_list, allowed


def _plain_list(item: m.ItemDefinition) -> bool:
    return (
        item.is_collection
        and bool(item.type_ref)
        and not item.components
        and item.function_parameters is None
    )


def _exportable(
    items: list[m.ItemDefinition], notes: list[Diagnostic]
) -> dict[str, m.ItemDefinition]:
    """The item definitions a Types block can hold, by name; the others reported."""
    kept: dict[str, m.ItemDefinition] = {}
    names: set[str] = set()
    for item in items:
        problem = _unwritable(item, top=True)
        key = " ".join(item.name.split()).casefold()
        if problem is None and key in names:
            problem = "another type has the same name"
        if problem is not None:
            notes.append(diag.not_exportable(f"the type ({problem})", item.name))
            continue
        names.add(key)
        kept[item.name] = item
    _drop_unwritable_references(kept, notes)
    uses = {name: _type_refs(item) & set(kept) for name, item in kept.items()}
    for path in cycles(list(kept), uses):
        for name in path:
            if kept.pop(name, None) is not None:
                notes.append(diag.not_exportable("the type (defined through itself)", name))
    return kept


def _unwritable(item: m.ItemDefinition, top: bool) -> str | None:
    """Why a Types row cannot hold ``item``, or None."""
    if item.function_parameters is not None:
        return "a function type"
    if not m.is_feel(item.type_language):
        return "not a FEEL type"
    if not is_valid_name(item.name) or "." in item.name or (top and is_builtin_type(item.name)):
        return "a name a workbook cannot write"
    for component in item.components:
        problem = _unwritable(component, top=False)
        if problem is not None:
            return problem
    return None


def _drop_unwritable_references(kept: dict[str, m.ItemDefinition], notes: list[Diagnostic]) -> None:
    """Drop the types that name a type no Types row can say (until none is left)."""
    changed = True
    while changed:
        changed = False
        for name, item in list(kept.items()):
            bad = [r for r in _type_refs(item) if r not in FEEL_TYPES and r not in kept]
            if bad:
                del kept[name]
                notes.append(diag.not_exportable(f"the type (it uses {bad[0]!r})", name))
                changed = True


def _type_refs(item: m.ItemDefinition) -> set[str]:
    found = {base_name(item.type_ref)} if item.type_ref else set()
    for component in item.components:
        found |= _type_refs(component)
    return found


def _choices(allowed: str, integer: bool) -> list[str] | None:
    if not allowed:
        return None
    try:
        tests = parse_unary_tests(allowed)
    except FeelSyntaxError:
        return None
    if integer and (counted := _small_range(tests)) is not None:
        return [*counted, "-"]
    values = []
    for test in tests.tests:
        if not isinstance(test, n.UnaryExpression) or not isinstance(
            test.expression, n.StringLiteral | n.NumberLiteral | n.BooleanLiteral
        ):
            return None
        values.append(allowed[test.span[0] : test.span[1]])
    return [*values, "-"] if not tests.negated else None


def _small_range(tests: n.UnaryTests) -> list[str] | None:
    """The whole numbers of a single closed range such as ``[0..4]`` (at most 20 of them)."""
    if len(tests.tests) != 1 or tests.negated or not isinstance(tests.tests[0], n.UnaryRange):
        return None
    bounds = tests.tests[0].range
    if not (bounds.start_included and bounds.end_included):
        return None
    if not isinstance(bounds.start, n.NumberLiteral) or not isinstance(bounds.end, n.NumberLiteral):
        return None
    low, high = bounds.start.value, bounds.end.value
    if (
        low != low.to_integral_value()
        or high != high.to_integral_value()
        or not 0 <= high - low < 20
    ):
        return None
    return [str(v) for v in range(int(low), int(high) + 1)]
