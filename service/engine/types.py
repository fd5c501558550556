"""Item definitions and typeRefs in, FEEL type objects and DMN's type conversions out.

Each model gets a :class:`TypeRegistry`: its item definitions (and, qualified by the
import name, those of the models it imports) built into :mod:`service.feel.types`
objects — a structure becomes a StructureType, a collection a ListType, allowed values
or a type constraint a ConstrainedType — and every typeRef of the model resolved against
them. A :class:`Declared` type is what a decision, input, parameter or column carries: it
converts a value per DMN 1.5 10.3.2.9.4 (singleton lists, date to date and time) and
turns a value that does not conform into null with a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from service.dmn import model as m
from service.engine import errors
from service.engine.table_index import scopeless_test
from service.feel import types as ft
from service.feel.env import Env
from service.feel.typeexpr import parse_type

# A compiled unary tests for allowed values: (value, env) -> bool.
TestCompiler = Callable[[str, m.ItemDefinition], Callable[[Any, Env], Any]]

# Type names of XML Schema (DMN 1.1 models) and what FEEL calls them.
_XSD = {
    "string": "string", "boolean": "boolean", "decimal": "number", "integer": "number",
    "int": "number", "long": "number", "double": "number", "float": "number",
    "date": "date", "time": "time", "dateTime": "date and time",
    "dayTimeDuration": "days and time duration",
    "yearMonthDuration": "years and months duration",
}  # fmt: skip

# Python types whose values are exactly the instances of a built-in type: a fast path.
_EXACT: dict[ft.FeelType, type] = {
    ft.NUMBER: Decimal, ft.STRING: str, ft.BOOLEAN: bool,
    ft.ContextType(): dict,  # "context": any context
    ft.ListType(ft.ANY): list,  # "list": any list
}  # fmt: skip


class Declared:
    """A declared type at one place of a model: converts values to it, nulls misfits."""

    NOT_CONFORMING: Any = object()
    __slots__ = ("exact", "feel", "name", "plainly")

    def __init__(self, name: str, feel: ft.FeelType) -> None:
        self.name = name
        self.feel = feel
        self.exact = _EXACT.get(feel)
        self.plainly = _plain_check(feel)

    def conforms(self, value: Any) -> bool:
        """Whether ``value`` is null or an instance of the type."""
        return value is None or type(value) is self.exact or ft.conforms(value, self.feel)

    def convert(self, value: Any) -> Any:
        """``value`` converted to the type, or :attr:`NOT_CONFORMING`."""
        if type(value) is self.exact or (self.plainly is not None and self.plainly(value)):
            return value
        converted, fits = ft.coerce(value, self.feel)
        return converted if fits else Declared.NOT_CONFORMING

    def coerce(self, value: Any, env: Env, where: str) -> Any:
        """``value`` converted to the type; null with a warning when it does not conform."""
        if value is None or type(value) is self.exact:
            return value
        if self.plainly is not None and self.plainly(value):
            return value
        converted, fits = ft.coerce(value, self.feel)
        if fits:
            return converted
        env.warn(
            errors.TYPE_COERCION,
            f"{where}: {_describe(value)} does not conform to type {self.name}, null is used",
        )
        return None

    def __repr__(self) -> str:
        return f"Declared({self.name!r}, {self.feel})"


def _plain_check(feel: ft.FeelType) -> Callable[[Any], bool] | None:
    """For a list of a built-in type whose values are exactly one Python type (``list<string>``,
    a collection of numbers): a check that a value is such a list as it stands, so that the
    common case skips the general conversion. None for other types. The check may say False
    for a value that conforms (a subclass, a constraint): the general path decides those."""
    if not isinstance(feel, ft.ListType):
        return None
    item = _EXACT.get(feel.element)
    if item is None or item is dict or item is list:
        return None

    def plainly(value: Any) -> bool:
        return type(value) is list and all(type(x) is item or x is None for x in value)

    return plainly


def _describe(value: Any) -> str:
    from service.feel import ops  # ops formats any value the way FEEL writes it

    text = ops.to_string(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"the {ops.type_name(value)} {text}"


class TypeRegistry:
    """The types a model can name: built-ins, its item definitions, imported ones."""

    def __init__(self) -> None:
        self.feel_types: dict[str, ft.FeelType] = {}  # name -> type, for the FEEL compiler
        self._items: dict[str, m.ItemDefinition] = {}
        self._building: set[str] = set()
        self._compile_tests: TestCompiler | None = None

    def define(self, items: list[m.ItemDefinition], compile_tests: TestCompiler) -> None:
        """Build the model's own item definitions (they may refer to each other in any order)."""
        self._compile_tests = compile_tests
        for item in items:
            self._items[item.name] = item
        for item in items:
            self._named(item.name)

    def add_import(self, prefix: str, other: TypeRegistry) -> None:
        """Make ``other``'s item definitions visible as ``prefix.name``."""
        for name, t in other.own_types().items():
            self.feel_types[f"{prefix}.{name}"] = t

    def own_types(self) -> dict[str, ft.FeelType]:
        """The model's own item definitions, by name."""
        return {name: self.feel_types[name] for name in self._items if name in self.feel_types}

    def resolve(self, type_ref: str | None, scope: Any, what: str) -> Declared | None:
        """The declared type of ``type_ref``; None for no type or Any (nothing to check).

        An unknown name is reported to ``scope`` (a warning) and treated as Any.
        """
        if not type_ref or not type_ref.strip():
            return None
        found = self.lookup(type_ref)
        if found is None:
            scope.report(errors.unknown_type(scope.element_id, _where(scope, what), type_ref))
            return None
        if found == ft.ANY:
            return None
        return Declared(type_ref, found)

    def lookup(self, type_ref: str) -> ft.FeelType | None:
        """The FEEL type ``type_ref`` names (a built-in, an item definition or a type
        expression such as ``list<tPerson>``), or None when it names nothing known."""
        text = " ".join(type_ref.split())
        for prefix in ("feel:", "FEEL:"):
            if text.startswith(prefix):
                text = text[len(prefix) :]
        found = self._named(text)
        if found is None and ":" in text and "<" not in text:
            # A QName of DMN 1.1 (xsd:string, tns:tPerson): XML Schema, else the local name.
            found = self._xsd(text) or self._named(text.split(":", 1)[1])
        if found is None:
            found = parse_type(text, self._named)
        return found

    def _xsd(self, text: str) -> ft.FeelType | None:
        local = text.split(":", 1)[1]
        name = _XSD.get(local)
        return ft.type_from_name(name) if name else None

    def _named(self, name: str) -> ft.FeelType | None:
        if name in self.feel_types:
            return self.feel_types[name]
        item = self._items.get(name)
        if item is None:
            return ft.type_from_name(name)
        if name in self._building:
            return ft.ANY  # a recursive type: the inner reference is not checked
        self._building.add(name)
        try:
            built = self._build(item)
        finally:
            self._building.discard(name)
        self.feel_types[name] = built
        return built

    def _build(self, item: m.ItemDefinition) -> ft.FeelType:
        """An item definition's type: base, structure or function; constrained; collection."""
        if item.function_parameters is not None:
            params = [self._ref(p.type_ref) for p in item.function_parameters]
            return ft.FunctionType(params, self._ref(item.function_output_type_ref))
        if item.components:
            fields = [(c.name, self._build(c)) for c in item.components]
            element: ft.FeelType = ft.StructureType(item.name, fields)
        else:
            element = self._ref(item.type_ref)
        element = self._constrained(element, item, item.allowed_values, "allowed values")
        if item.is_collection:
            whole: ft.FeelType = ft.ListType(element)
            return self._constrained(whole, item, item.type_constraint, "type constraint")
        return self._constrained(element, item, item.type_constraint, "type constraint")

    def _ref(self, type_ref: str | None) -> ft.FeelType:
        if not type_ref:
            return ft.ANY
        return self.lookup(type_ref) or ft.ANY

    def _constrained(
        self, base: ft.FeelType, item: m.ItemDefinition, text: str | None, what: str
    ) -> ft.FeelType:
        if not text or not text.strip() or self._compile_tests is None:
            return base
        test = self._compile_tests(text, item)
        allowed = scopeless_test(test)
        if allowed is None:

            def allowed(value: Any) -> bool:
                return test(value, Env()) is True

        return ft.ConstrainedType(base, allowed, f"{item.name} ({what} {text.strip()})")


def _where(scope: Any, what: str) -> str:
    where = getattr(scope, "where", "")
    return f"{where}, {what}" if where else what
