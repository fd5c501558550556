"""Compiling literals, names, operators, ``if`` and constructors: AST nodes -> closures.

Operators call :mod:`service.feel.ops`; a FeelEvalError (or any defect) raised there
becomes null plus a warning located at the operator's span. ``and``/``or`` are
three-valued and short-circuit; ``between`` is ``low <= x and x <= high``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from service.feel import compile_messages as messages
from service.feel import nodes as n
from service.feel import ops, temporal, types
from service.feel.compile_base import NOT_CONSTANT, CompilerBase, Fn, constant, constant_value, fail
from service.feel.env import Env
from service.feel.errors import FeelEvalError, FeelSyntaxError
from service.feel.values import Range

_MISSING = object()

ARITHMETIC = {
    "+": ops.add,
    "-": ops.subtract,
    "*": ops.multiply,
    "/": ops.divide,
    "**": ops.power,
}

COMPARISON = {
    "=": ops.equal,
    "!=": ops.not_equal,
    "<": ops.less_than,
    "<=": ops.less_equal,
    ">": ops.greater_than,
    ">=": ops.greater_equal,
}


# The comparisons of two numbers or two strings, where Python's operators are FEEL's.
SAME_TYPE_COMPARISON: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def range_of(op: str, endpoint: Any) -> Range:
    """The range a unary comparison stands for: ``< 5`` is Range(None, 5, False, False)."""
    if op in ("<", "<="):
        return Range(None, endpoint, False, op == "<=")
    return Range(endpoint, None, op == ">=", False)


def make_range(start: Any, end: Any, start_included: bool, end_included: bool) -> Range:
    """The value of the range literal; FeelEvalError for null or mismatched end points."""
    if start is None or end is None:
        raise messages.null_endpoint()
    if ops.compare(start, end) is None and not _same_kind(start, end):
        raise messages.range_types(ops.type_name(start), ops.type_name(end))
    return Range(start, end, start_included, end_included)


def _same_kind(a: Any, b: Any) -> bool:
    return type(a) is type(b)


class OpsCompiler(CompilerBase):
    """``compile_<Node>`` for literals, names, operators, ``if`` and constructors."""

    # --- literals ------------------------------------------------------------------------

    def compile_NumberLiteral(self, node: n.NumberLiteral) -> Fn:
        """A number: a constant."""
        return constant(node.value)

    def compile_StringLiteral(self, node: n.StringLiteral) -> Fn:
        """A string: a constant."""
        return constant(node.value)

    def compile_BooleanLiteral(self, node: n.BooleanLiteral) -> Fn:
        """A boolean: a constant."""
        return constant(node.value)

    def compile_NullLiteral(self, node: n.NullLiteral) -> Fn:
        """``null``: a constant."""
        return constant(None)

    def compile_TemporalLiteral(self, node: n.TemporalLiteral) -> Fn:
        """``@"..."`` is parsed now: a bad literal is a syntax error, not a run-time null."""
        try:
            return constant(temporal.parse_literal(node.text))
        except FeelEvalError as exc:
            raise FeelSyntaxError(
                f"not a valid date, time or duration: {exc.message}", self.source, node.span
            ) from exc

    # --- names ---------------------------------------------------------------------------

    def compile_Name(self, node: n.Name) -> Fn:
        """A variable from the nearest scope binding it, else a built-in function, else null."""
        return self.lookup(node.name, node.span)

    def lookup(
        self,
        name: str,
        span: tuple[int, int],
        missing: Callable[[str], FeelEvalError] = messages.unknown_name,
    ) -> Fn:
        """The closure that looks ``name`` up along the scope chain at run time; ``missing``
        makes the warning when it is bound nowhere."""
        builtin = self.static_builtin(name)
        if builtin is not None:
            return lambda env: builtin  # no scope can bind the name: the built-in
        builtin = self.builtin(name)
        source = self.source

        def run(env: Env) -> Any:
            value = env.vars.get(name, _MISSING)  # most names are found in the first scope
            if value is not _MISSING:
                return value
            scope = env.parent
            while scope is not None:
                value = scope.vars.get(name, _MISSING)
                if value is not _MISSING:
                    return value
                scope = scope.parent
            if builtin is not None:
                return builtin
            return fail(env, missing(name), source, span)

        return run

    # --- arithmetic and comparison ----------------------------------------------------------

    def compile_Arithmetic(self, node: n.Arithmetic) -> Fn:
        """``+ - * / **`` via :mod:`ops`; ``+``/``-`` chains run in a loop."""
        if node.op in ("+", "-"):
            return self.additive_chain(node)
        return self.binary(node, ARITHMETIC[node.op], node.left, node.right)

    def additive_chain(self, node: n.Arithmetic) -> Fn:
        """``a + b - c ...`` in one loop, left to right (long sums must not nest deeply)."""
        steps: list[tuple[Any, Fn, tuple[int, int]]] = []
        current: n.Node = node
        while isinstance(current, n.Arithmetic) and current.op in ("+", "-"):
            steps.append((ARITHMETIC[current.op], self.compile(current.right), current.span))
            current = current.left
        steps.reverse()
        first, source = self.compile(current), self.source

        def run(env: Env) -> Any:
            value = first(env)
            for op, right, span in steps:
                try:
                    value = op(value, right(env))
                except Exception as exc:
                    fail(env, exc, source, span)
                    value = None
            return value

        def compute(value: Any, *rights: Any) -> Any:
            for (op, _, _), right in zip(steps, rights, strict=True):
                value = op(value, right)
            return value

        return self.fold(compute, first, *(right for _, right, _ in steps)) or run

    def compile_Comparison(self, node: n.Comparison) -> Fn:
        """``= != < <= > >=`` via :mod:`ops` (three-valued).

        Two numbers or two strings, the usual operands, are compared inline (the first
        case of ``ops.equal`` and ``ops.compare``); anything else goes to :mod:`ops`.
        """
        op = COMPARISON[node.op]
        left, right = self.compile(node.left), self.compile(node.right)
        folded = self.fold(op, left, right)
        if folded is not None:
            return folded
        same = SAME_TYPE_COMPARISON[node.op]
        source, span = self.source, node.span
        known = constant_value(right)
        if known is not NOT_CONSTANT and type(known) in (Decimal, str):
            kind = type(known)

            def run_constant(env: Env) -> Any:
                a = left(env)
                if type(a) is kind:
                    return same(a, known)
                try:
                    return op(a, known)
                except Exception as exc:
                    return fail(env, exc, source, span)

            return run_constant

        def run(env: Env) -> Any:
            a, b = left(env), right(env)
            kind = type(a)
            if kind is type(b) and (kind is str or kind is Decimal):
                return same(a, b)
            try:
                return op(a, b)
            except Exception as exc:
                return fail(env, exc, source, span)

        return run

    def binary(self, node: n.Node, op: Any, left_node: n.Node, right_node: n.Node) -> Fn:
        """``op(left, right)`` with errors turned into null + warning."""
        left, right = self.compile(left_node), self.compile(right_node)
        folded = self.fold(op, left, right)
        if folded is not None:
            return folded
        source, span = self.source, node.span

        def run(env: Env) -> Any:
            try:
                return op(left(env), right(env))
            except Exception as exc:
                return fail(env, exc, source, span)

        return run

    def compile_Negation(self, node: n.Negation) -> Fn:
        """``-x`` via ``ops.negate``."""
        operand = self.compile(node.operand)
        folded = self.fold(ops.negate, operand)
        if folded is not None:
            return folded
        source, span = self.source, node.span

        def run(env: Env) -> Any:
            try:
                return ops.negate(operand(env))
            except Exception as exc:
                return fail(env, exc, source, span)

        return run

    def compile_Between(self, node: n.Between) -> Fn:
        """``x between a and b``: ``a <= x and x <= b`` (three-valued)."""
        value, low, high = (self.compile(x) for x in (node.value, node.low, node.high))
        source, span = self.source, node.span

        def run(env: Env) -> Any:
            v = value(env)
            try:
                return and3(ops.less_equal(low(env), v), ops.less_equal(v, high(env)))
            except Exception as exc:
                return fail(env, exc, source, span)

        return run

    # --- logic ------------------------------------------------------------------------------

    def compile_Conjunction(self, node: n.Conjunction) -> Fn:
        """``a and b and ...`` in one loop: false wins, then null; stops at the first false."""
        operands = [self.compile(x) for x in _chain(node)]

        def run(env: Env) -> Any:
            result: bool | None = True
            for operand in operands:
                value = operand(env)
                if value is False:
                    return False
                if value is not True:
                    result = None
            return result

        return run

    def compile_Disjunction(self, node: n.Disjunction) -> Fn:
        """``a or b or ...`` in one loop: true wins, then null; stops at the first true."""
        operands = [self.compile(x) for x in _chain(node)]

        def run(env: Env) -> Any:
            result: bool | None = False
            for operand in operands:
                value = operand(env)
                if value is True:
                    return True
                if value is not False:
                    result = None
            return result

        return run

    def compile_If(self, node: n.If) -> Fn:
        """``if``: the else branch unless the condition is exactly true (null, non-boolean).

        An ``else if`` chain runs as one loop over its branches, so long chains do not nest;
        branches with constant conditions are settled now.
        """
        branches: list[tuple[Fn, Fn]] = []
        otherwise: Fn | None = None
        current: n.Node = node
        while isinstance(current, n.If):
            condition, then = self.compile(current.condition), self.compile(current.then)
            known = constant_value(condition)
            if known is NOT_CONSTANT:
                branches.append((condition, then))
            elif known is True:  # the branches after this one can never be taken
                otherwise = then
                break
            current = current.otherwise
        if otherwise is None:
            otherwise = self.compile(current)
        if not branches:
            return otherwise

        def run(env: Env) -> Any:
            for condition, then in branches:
                if condition(env) is True:
                    return then(env)
            return otherwise(env)

        return run

    # --- constructors -----------------------------------------------------------------------

    def compile_ListLiteral(self, node: n.ListLiteral) -> Fn:
        """``[a, b]``: a constant when every item is."""
        items = [self.compile(item) for item in node.items]
        folded = self.fold(lambda *values: list(values), *items)
        if folded is not None:
            return folded
        return lambda env: [item(env) for item in items]

    def compile_ContextLiteral(self, node: n.ContextLiteral) -> Fn:
        """``{a: 1, b: a + 1}``: each entry sees the ones before it (and itself: recursion)."""
        entries = [(entry.key, self.compile(entry.value)) for entry in node.entries]
        keys = [key for key, _ in entries]
        if len(set(keys)) != len(keys):
            repeated = sorted({key for key in keys if keys.count(key) > 1})
            return self.failing(node.span, messages.duplicate_keys(repeated))
        values = [constant_value(fn) for _, fn in entries]
        if all(v is not NOT_CONSTANT for v in values):
            return constant({key: v for (key, _), v in zip(entries, values, strict=True)})
        used = {
            x.name for entry in node.entries for x in n.walk(entry.value) if isinstance(x, n.Name)
        }
        if not used & set(keys):
            # No entry names another: the context's own scope would never be read.

            def run_flat(env: Env) -> Any:
                return {key: value(env) for key, value in entries}

            return run_flat

        def run(env: Env) -> Any:
            result: dict[str, Any] = {}
            scope = env.child(result)
            for key, value in entries:
                result[key] = value(scope)
            return result

        return run

    def compile_RangeLiteral(self, node: n.RangeLiteral) -> Fn:
        """``[a..b]`` and its open variants: a Range value."""
        start, end = self.compile(node.start), self.compile(node.end)
        closed = (node.start_included, node.end_included)
        build = lambda s, e: make_range(s, e, *closed)  # noqa: E731
        folded = self.fold(build, start, end)
        if folded is not None:
            return folded
        source, span = self.source, node.span

        def run(env: Env) -> Any:
            try:
                return build(start(env), end(env))
            except Exception as exc:
                return fail(env, exc, source, span)

        return run

    def compile_UnaryComparison(self, node: n.UnaryComparison) -> Fn:
        """``< 5`` used as a value is the range it tests for: ``(null..5)``."""
        operand, op = self.compile(node.operand), node.op
        if op in ("=", "!="):
            message = f"'{op} x' is a test, not a value: it has no range"
            return self.failing(node.span, messages.unsupported(message))
        folded = self.fold(lambda v: range_of(op, v), operand)
        if folded is not None:
            return folded
        return lambda env: range_of(op, operand(env))

    # --- types --------------------------------------------------------------------------------

    def compile_InstanceOf(self, node: n.InstanceOf) -> Fn:
        """``x instance of T``: T is resolved now (custom types from ``types``)."""
        value = self.compile(node.value)
        feel_type = self.feel_type(node.type)
        if feel_type is None:
            start, end = node.type.span
            return self.failing(node.type.span, messages.unknown_type(self.source[start:end]))
        return lambda env: types.is_instance(value(env), feel_type)

    def feel_type(self, ref: n.TypeRef) -> Any:
        """The type object of a type expression, or None when a name in it is unknown."""
        if isinstance(ref, n.NamedType):
            found = self.types.get(ref.name)
            return found if found is not None else types.type_from_name(ref.name)
        if isinstance(ref, n.ListType | n.RangeType):
            element = self.feel_type(ref.element)
            cls = types.ListType if isinstance(ref, n.ListType) else types.RangeType
            return None if element is None else cls(element)
        if isinstance(ref, n.ContextType):
            fields = {name: self.feel_type(t) for name, t in ref.entries}
            return None if None in fields.values() else types.ContextType(fields)
        if isinstance(ref, n.FunctionType):
            params = [self.feel_type(t) for t in ref.parameters]
            result = self.feel_type(ref.result)
            return None if None in params or result is None else types.FunctionType(params, result)
        return None


def _chain(node: n.Conjunction | n.Disjunction) -> list[n.Node]:
    """The operands of a chain ``a op b op c`` (left associative), left to right."""
    operands: list[n.Node] = []
    current: n.Node = node
    while type(current) is type(node):
        operands.append(current.right)
        current = current.left
    operands.append(current)
    operands.reverse()
    return operands


def and3(a: Any, b: Any) -> bool | None:
    """Three-valued ``and``: false wins, then null (non-booleans count as null)."""
    if a is False or b is False:
        return False
    if a is True and b is True:
        return True
    return None


def or3(a: Any, b: Any) -> bool | None:
    """Three-valued ``or``: true wins, then null (non-booleans count as null)."""
    if a is True or b is True:
        return True
    if a is False and b is False:
        return False
    return None
