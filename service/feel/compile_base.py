"""The compiler's core: AST node -> closure ``fn(env) -> value``, dispatched on the node's class.

:class:`CompilerBase` finds ``compile_<NodeClass>`` once per class (a small visitor, as in
Jinja) and holds what every compile method needs: the source for warnings, the declared
type names, and :func:`fail`, which turns an exception met while evaluating into FEEL's
null plus a warning with a code and the span of the node at fault.

Constant sub-expressions are folded at compile time into :class:`Constant` closures, so
``date("2024-01-01")`` or ``1 + 2`` cost nothing per evaluation and the decision-table
indexer can read their values.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from service.feel import compile_messages as messages
from service.feel import nodes as n
from service.feel.env import Env
from service.feel.errors import FeelEvalError, FeelSyntaxError

Fn = Callable[[Env], Any]

NOT_CONSTANT = object()  # what :func:`constant_value` answers for a closure that is not constant


class Constant:
    """A compiled expression whose value is known at compile time."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, env: Env) -> Any:
        return self.value


class MutableConstant(Constant):
    """A constant list or context: each evaluation gets its own copy, so that no caller
    can change what the next evaluation sees."""

    __slots__ = ("_nested",)

    def __init__(self, value: Any) -> None:
        super().__init__(value)
        items = value if isinstance(value, list) else value.values()
        self._nested = any(isinstance(item, list | dict) for item in items)

    def __call__(self, env: Env) -> Any:
        value = self.value
        if self._nested:
            return copy.deepcopy(value)
        return list(value) if isinstance(value, list) else dict(value)


def constant(value: Any) -> Constant:
    """The closure that always answers ``value``."""
    return MutableConstant(value) if isinstance(value, list | dict) else Constant(value)


def constant_value(fn: Fn) -> Any:
    """The value of a constant closure, or NOT_CONSTANT."""
    return fn.value if isinstance(fn, Constant) else NOT_CONSTANT


def fail(env: Env, exc: BaseException, source: str, span: tuple[int, int]) -> None:
    """Record why evaluating the node at ``span`` gave null; always returns None (null)."""
    if isinstance(exc, RecursionError):
        exc = messages.recursion()
    elif not isinstance(exc, FeelEvalError):  # a defect in an operator or built-in
        exc = messages.internal(exc)
    env.warn(exc.code, exc.message, source, span)
    return None


class CompilerBase:
    """Compiles the nodes of one source text; subclasses add the ``compile_<Node>`` methods."""

    _dispatch: dict[type, Callable[[Any, Any], Fn]]

    def __init__(
        self,
        source: str,
        names: Iterable[str] = (),
        types: Mapping[str, Any] | None = None,
    ) -> None:
        self.source = source
        self.declared = frozenset(names)
        self.types: Mapping[str, Any] = types or {}
        self.shadowed: frozenset[str] = frozenset()  # names bound anywhere in the tree

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._dispatch = {}

    def compile(self, node: n.Node) -> Fn:
        """The closure computing ``node``."""
        method = self._dispatch.get(type(node))
        if method is None:
            method = getattr(type(self), "compile_" + type(node).__name__, None)
            if method is None:
                raise FeelSyntaxError(
                    f"{type(node).__name__} cannot be used here", self.source, node.span
                )
            self._dispatch[type(node)] = method
        return method(self, node)

    def prepare(self, root: n.Node) -> None:
        """Note the names the tree binds itself, which may hide built-ins (see ``is_builtin``)."""
        bound: set[str] = set(self.declared)
        for node in n.walk(root):
            if isinstance(node, n.ContextEntry):
                bound.add(node.key)
            elif isinstance(node, n.FormalParameter | n.Iteration):
                bound.add(node.name)
        self.shadowed = frozenset(bound)

    def fold(self, compute: Callable[..., Any], *parts: Fn) -> Fn | None:
        """A Constant for ``compute(*values)`` when all ``parts`` are constant and it succeeds."""
        values = [constant_value(p) for p in parts]
        if any(v is NOT_CONSTANT for v in values):
            return None
        try:
            return constant(compute(*values))
        except Exception:  # left to run time, where it becomes a warning
            return None

    def failing(self, span: tuple[int, int], error: FeelEvalError) -> Fn:
        """A closure that is always null with the warning ``error`` (known at compile time)."""
        source = self.source
        return lambda env: fail(env, error, source, span)

    def builtin(self, name: str) -> Any:
        """The built-in function called ``name``, or None."""
        from service.feel.builtins.registry import BUILTINS

        return BUILTINS.get(name)
