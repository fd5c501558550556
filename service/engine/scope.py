"""A DMN element's FEEL texts in, compiled closures out; syntax errors become diagnostics.

A :class:`Scope` is what an expression can see at compile time: the names in scope (so
the parser can read names with spaces), the item definitions (for ``instance of`` and
typed parameters) and the element the text belongs to. Compiling never stops at the first
bad text: a syntax error is recorded as a diagnostic naming the element id, and a stand-in
closure returning null is used so that the rest of the model is still checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from service.dmn.diagnostics import Diagnostic
from service.engine import errors
from service.engine.types import TypeRegistry
from service.feel import compile_expression, compile_unary_tests, nodes
from service.feel.compiler import NOT_CONSTANT
from service.feel.env import Env
from service.feel.errors import FeelSyntaxError

Evaluator = Callable[[Env], Any]
UnaryTest = Callable[[Any, Env], Any]


@dataclass(frozen=True, slots=True)
class Scope:
    """The compile-time view of one place in a model: names, types, owner, diagnostics."""

    names: frozenset[str]
    types: TypeRegistry
    diagnostics: list[Diagnostic]
    element_id: str | None = None
    where: str = ""  # e.g. "decision 'Approval'", for messages
    refs: set[str] | None = None  # when set, collects every name the compiled texts use
    # Compiled texts by (kind, text, names, closed): a table repeats its cells ("-", "true",
    # ranges) and compiled FEEL holds no state, so one compilation serves every equal cell.
    cache: dict[tuple[str, str, frozenset[str], bool], Any] = field(default_factory=dict)
    # The texts run in scopes binding only ``names`` (see service.feel.compile_expression);
    # False where a scope binds names only known at run time (a boxed filter's item).
    closed: bool = True

    def with_names(self, names: Iterable[str]) -> Scope:
        """This scope with more names visible (context entries, parameters)."""
        added = frozenset(names)
        if added <= self.names:
            return self
        return replace(self, names=self.names | added)

    def at(self, element_id: str | None, where: str | None = None) -> Scope:
        """This scope for a nested element (keeps the outer id when the element has none)."""
        return replace(
            self,
            element_id=element_id or self.element_id,
            where=where if where is not None else self.where,
        )

    def report(self, diagnostic: Diagnostic) -> None:
        """Record a load-time problem."""
        self.diagnostics.append(diagnostic)

    def expression(self, text: str, what: str = "expression") -> Evaluator:
        """The compiled FEEL expression ``text`` (a null stand-in after a syntax error)."""
        return self._compiled("expression", text, what) or _null

    def unary_tests(self, text: str, what: str = "input entry") -> Any:
        """The compiled unary tests ``text``: ``(value, env) -> bool`` with ``.analysis``."""
        return self._compiled("tests", text, what) or _never

    def _compiled(self, kind: str, text: str, what: str) -> Any:
        key = (kind, text, self.names, self.closed)
        compiled = self.cache.get(key)
        if compiled is None:
            compile_text = compile_expression if kind == "expression" else compile_unary_tests
            try:
                compiled = compile_text(text, self.names, self.types.feel_types, closed=self.closed)
            except FeelSyntaxError as exc:
                self.report(errors.feel_syntax(self.element_id, self._describe(what), exc))
                return None
            self.cache[key] = compiled
        self._collect(compiled)
        return compiled

    def split_tests(self, compiled: Any) -> list[Any] | None:
        """Each comma-separated test of a compiled unary tests, compiled alone, in order.

        Used for output values, whose order gives PRIORITY and OUTPUT ORDER their ranking.
        None when the text is negated (``not(...)``) or did not compile.
        """
        node = getattr(compiled, "node", None)
        if not isinstance(node, nodes.UnaryTests) or node.negated:
            return None
        source: str = compiled.source
        parts = []
        for test in node.tests:
            start, end = test.span
            try:
                part = compile_unary_tests(
                    source[start:end], self.names, self.types.feel_types, closed=self.closed
                )
            except FeelSyntaxError:  # a test that only parses in its list: no ranking
                return None
            parts.append(part)
        return parts

    def _collect(self, compiled: Any) -> None:
        if self.refs is not None:
            self.refs.update(n.name for n in nodes.walk(compiled.node) if isinstance(n, nodes.Name))

    def _describe(self, what: str) -> str:
        return f"{self.where}, {what}" if self.where else what


def runnable(compiled: Any) -> Evaluator:
    """What to call at run time for a compiled expression: its plain function form when it
    has one (same answers, cheaper calls), else the evaluator itself."""
    function = getattr(compiled, "function", None)
    found: Evaluator = function() if callable(function) else compiled
    return found


def constant(compiled: Any) -> tuple[bool, Any]:
    """(True, value) when a compiled expression's value is known without evaluating it."""
    value = getattr(compiled, "constant", NOT_CONSTANT)
    if value is NOT_CONSTANT:
        return False, None
    return True, value


def _null(env: Env) -> Any:
    return None


def _never(value: Any, env: Env) -> bool:
    return False
