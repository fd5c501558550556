"""Compiling invocations and function definitions: FunctionCall / FunctionDefinition -> closures.

A call evaluates its callee and arguments, then hands them to ``Function.invoke`` (built-ins
match them in their registry, user functions below). A user-defined function is a closure
over the scope where its definition was evaluated; its parameters are bound in a child of
that scope, and declared parameter types are checked with the implicit conversions of
DMN 1.5 10.3.2.9.4 (singleton lists and back, date to date and time). Each invocation of
a user function is a step of the evaluation's time budget: a recursion that never ends
(or whose RecursionError, turned into null at each level, lets it branch on and on) stops
at the deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.feel import compile_messages as messages
from service.feel import nodes as n
from service.feel import types
from service.feel.compile_base import CompilerBase, Fn, fail
from service.feel.compile_external import external_function
from service.feel.env import Env
from service.feel.errors import FeelEvalError
from service.feel.values import Function, Parameter

# Built-ins without side effects or clock: calls with constant arguments are computed once.
FOLDABLE = frozenset(
    {"date", "time", "date and time", "duration", "years and months duration", "number"}
)


def not_a_function(value: Any) -> FeelEvalError:
    """The error for calling a value that is not a function."""
    from service.feel.ops import type_name

    return messages.not_a_function(type_name(value))


class CallsCompiler(CompilerBase):
    """``compile_<Node>`` for invocations and function definitions."""

    lookup: Callable[..., Fn]
    feel_type: Callable[[n.TypeRef], Any]

    def compile_FunctionCall(self, node: n.FunctionCall) -> Fn:
        """``f(args)`` or ``f(name: arg)``: built-ins, user functions, BKMs alike."""
        if isinstance(node.function, n.Name):
            callee = self.lookup(node.function.name, node.function.span, messages.unknown_function)
        else:
            callee = self.compile(node.function)
        args = [self.compile(a.value) for a in node.arguments]
        names = [a.name for a in node.arguments if a.name is not None]
        folded = self.fold_builtin_call(node, args) if not names else None
        if folded is not None:
            return folded
        source, span = self.source, node.span
        if names:
            return _named_call(callee, names, args, source, span)
        if isinstance(node.function, n.Name):
            builtin = self.static_builtin(node.function.name)
            if builtin is not None:
                return _builtin_call(builtin, args, source, span)

        def run(env: Env) -> Any:
            fn = callee(env)
            if fn is None:
                return None  # the lookup has warned
            try:
                if not isinstance(fn, Function):
                    raise not_a_function(fn)
                return fn.invoke(env, [arg(env) for arg in args], None)
            except Exception as exc:
                return fail(env, exc, source, span)

        return run

    def fold_builtin_call(self, node: n.FunctionCall, args: list[Fn]) -> Fn | None:
        """The value of a pure built-in call on constants, computed now; None if not possible."""
        if not isinstance(node.function, n.Name):
            return None
        name = node.function.name
        fn = self.builtin(name)
        if name not in FOLDABLE or name in self.shadowed or fn is None:
            return None
        scratch = Env()

        def compute(*values: Any) -> Any:
            result = fn.invoke(scratch, list(values), None)
            if scratch.evaluation.warnings or result is None:
                raise ValueError("not foldable")  # keep the warning for run time
            return result

        return self.fold(compute, *args)

    def compile_FunctionDefinition(self, node: n.FunctionDefinition) -> Fn:
        """``function(a, b: T) body``: a closure over the defining scope."""
        body = self.compile(node.body)
        names = [p.name for p in node.parameters]
        declared = [self.feel_type(p.type) if p.type is not None else None for p in node.parameters]
        parameters = [
            Parameter(p.name, self.source[p.type.span[0] : p.type.span[1]] if p.type else None)
            for p in node.parameters
        ]
        if node.external:
            return self.external(node, body, parameters)
        signature = types.FunctionType([t or types.ANY for t in declared], types.ANY)

        def define(env: Env) -> Function:
            def invoke(caller: Env, args: list[Any], named: dict[str, Any] | None) -> Any:
                evaluation = caller.evaluation
                evaluation.steps -= 1  # an invocation is a step of the budget (recursion)
                if evaluation.steps < 0:
                    evaluation.check_deadline()
                bound = _bind(names, args, named)
                for i, feel_type in enumerate(declared):
                    if feel_type is not None:
                        bound[names[i]] = _conform(names[i], bound[names[i]], feel_type)
                return body(Env(bound, env, evaluation))

            return Function("anonymous function", parameters, invoke, extra={"type": signature})

        return define

    def external(self, node: n.FunctionDefinition, body: Fn, parameters: list[Parameter]) -> Fn:
        """``function(...) external {java: {...}}``: the mapping is read when defined."""
        source, span = self.source, node.span

        def define(env: Env) -> Any:
            try:
                return external_function(body(env), parameters)
            except Exception as exc:
                return fail(env, exc, source, span)

        return define


def _builtin_call(builtin: Function, args: list[Fn], source: str, span: tuple[int, int]) -> Fn:
    """A call of a built-in no scope can hide: no lookup, no check of the callee."""
    invoke = builtin.invoke

    def run(env: Env) -> Any:
        try:
            return invoke(env, [arg(env) for arg in args], None)
        except Exception as exc:
            return fail(env, exc, source, span)

    return run


def _named_call(
    callee: Fn, names: list[str], args: list[Fn], source: str, span: tuple[int, int]
) -> Fn:
    pairs = list(zip(names, args, strict=True))

    def run(env: Env) -> Any:
        fn = callee(env)
        if fn is None:
            return None
        try:
            if not isinstance(fn, Function):
                raise not_a_function(fn)
            return fn.invoke(env, [], {name: arg(env) for name, arg in pairs})
        except Exception as exc:
            return fail(env, exc, source, span)

    return run


def _bind(names: list[str], args: list[Any], named: dict[str, Any] | None) -> dict[str, Any]:
    """Parameter name -> argument, from positional or named arguments."""
    if named is not None:
        unknown = sorted(set(named) - set(names))
        if unknown:
            raise messages.arity(f"the function has no parameter named {', '.join(unknown)}")
        return {name: named.get(name) for name in names}
    if len(args) != len(names):
        raise messages.arity(f"the function takes {len(names)} argument(s), got {len(args)}")
    return dict(zip(names, args, strict=True))


def _conform(name: str, value: Any, feel_type: Any) -> Any:
    """The argument converted to the parameter's declared type, or FeelEvalError."""
    converted, fits = types.coerce(value, feel_type)
    if not fits:
        raise messages.parameter_type(name, feel_type)
    return converted
