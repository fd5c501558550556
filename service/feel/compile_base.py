"""The compiler's core: AST node -> closure ``fn(env) -> value``, dispatched on the node's class.

:class:`CompilerBase` finds ``compile_<NodeClass>`` once per class (a small visitor, as in
Jinja) and holds what every compile method needs: the source for warnings, the declared
type names, and :func:`fail`, which turns an exception met while evaluating into FEEL's
null plus a warning with a code and the span of the node at fault.

Constant sub-expressions are folded at compile time into constant closures, so
``date("2024-01-01")`` or ``1 + 2`` cost nothing per evaluation and the decision-table
indexer can read their values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from service.feel import compile_messages as messages
from service.feel import nodes as n
from service.feel.env import Env
from service.feel.errors import FeelEvalError, FeelSyntaxError

Fn = Callable[[Env], Any]

NOT_CONSTANT = object()  # what :func:`constant_value` answers for a closure that is not constant


_CONSTANT = "feel_constant"  # the attribute naming a constant closure's value


def constant(value: Any) -> Fn:
    """The closure that always answers ``value``.

    A plain function (cheaper to call than an object): its value is kept in an attribute
    for :func:`constant_value`. A list or context is copied on every call, so that no
    caller can change what the next evaluation sees.
    """
    copy = copier(value)
    if copy is None:

        def run(env: Env) -> Any:
            return value

    else:

        def run(env: Env) -> Any:
            return copy(value)

    setattr(run, _CONSTANT, value)
    return run


def copier(value: Any) -> Callable[[Any], Any] | None:
    """A function copying ``value`` (and only it) for a caller who may change the copy:
    its lists and contexts, however deeply nested, are new; other FEEL values are
    immutable and shared. None when ``value`` holds no list or context.

    Worked out once for a value handed out many times (a constant, a rule's outputs):
    copying is then a few C-level ``list``/``dict`` calls.
    """
    if isinstance(value, list):
        plan = [(i, c) for i, item in enumerate(value) if (c := copier(item)) is not None]
        if not plan:
            return list

        def copy_list(original: Any) -> Any:
            copied = list(original)
            for i, copy in plan:
                copied[i] = copy(copied[i])
            return copied

        return copy_list
    if isinstance(value, dict):
        entries = [(k, c) for k, item in value.items() if (c := copier(item)) is not None]
        if not entries:
            return dict

        def copy_dict(original: Any) -> Any:
            copied = dict(original)
            for k, copy in entries:
                copied[k] = copy(copied[k])
            return copied

        return copy_dict
    return None


def copy_value(value: Any) -> Any:
    """A copy of ``value``'s lists and contexts, however deeply nested (other FEEL values
    are immutable and shared)."""
    if isinstance(value, dict):
        return {k: copy_value(v) if isinstance(v, _MUTABLE) else v for k, v in value.items()}
    if isinstance(value, list):
        return [copy_value(v) if isinstance(v, _MUTABLE) else v for v in value]
    return value


_MUTABLE = (list, dict)


def constant_value(fn: Fn) -> Any:
    """The value of a constant closure, or NOT_CONSTANT."""
    return getattr(fn, _CONSTANT, NOT_CONSTANT)


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
        closed: bool = False,
    ) -> None:
        self.source = source
        self.declared = frozenset(names)
        self.types: Mapping[str, Any] = types or {}
        self.shadowed: frozenset[str] = frozenset()  # names bound anywhere in the tree
        # ``closed``: the scopes the text is evaluated in bind only ``names`` (and what the
        # text binds itself), so a built-in's name bound by neither is the built-in.
        self.closed = closed
        self.open_scopes = 0  # > 0 inside a filter condition: items bind any name

    def static_builtin(self, name: str) -> Any:
        """The built-in ``name`` certainly means here, or None when a scope might bind it."""
        if not self.closed or self.open_scopes or name in self.shadowed:
            return None
        return self.builtin(name)

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
