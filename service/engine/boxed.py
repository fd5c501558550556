"""A DMN boxed expression in, a compiled closure ``fn(env) -> value`` out.

One ``_compile_<Kind>`` per boxed expression of DMN 1.5 chapter 10 (literal expression,
context, relation, list, invocation, function definition, conditional, filter, iterator;
decision tables come from :mod:`service.engine.decision_table`). An expression with a
typeRef converts its value to that type (a misfit becomes null with a warning).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from service.dmn import model as m
from service.engine import errors
from service.engine.decision_table import CompiledTable
from service.engine.functions import bind, declared_parameters
from service.engine.scope import Evaluator, Scope, runnable
from service.engine.table_compiler import compile_table
from service.engine.types import Declared
from service.feel import ops
from service.feel.compile_base import NOT_CONSTANT, constant_value, copier
from service.feel.compile_external import external_function
from service.feel.compile_iter import MAX_RANGE_VALUES
from service.feel.compile_messages import invalid_iteration
from service.feel.env import Env
from service.feel.errors import FeelEvalError
from service.feel.values import Function, Parameter, Range


def compile_boxed(expr: m.Expression | None, scope: Scope, result_name: str) -> Evaluator:
    """Compile a boxed expression; ``result_name`` names a single-output table's output."""
    if expr is None:
        return _null
    compiler = _COMPILERS.get(type(expr))
    if compiler is None:  # pragma: no cover - the reader builds only the kinds above
        return _null
    inner = compiler(expr, scope.at(expr.id), result_name)
    declared = scope.types.resolve(expr.type_ref, scope.at(expr.id), "expression type")
    if declared is None or isinstance(expr, m.FunctionDefinition):
        return inner
    return _typed(inner, declared, scope.where or "expression")


def compile_logic(
    expr: m.Expression | None, scope: Scope, result_name: str
) -> tuple[Evaluator, CompiledTable | None]:
    """:func:`compile_boxed`, with the compiled table when ``expr`` is an untyped table."""
    if isinstance(expr, m.DecisionTable) and not (expr.type_ref or "").strip():
        table = compile_table(expr, scope.at(expr.id), result_name)
        return table.evaluator(), table
    return compile_boxed(expr, scope, result_name), None


def _typed(inner: Evaluator, declared: Declared, where: str) -> Evaluator:
    def typed(env: Env) -> Any:
        return declared.coerce(inner(env), env, where)

    return typed


def _compile_literal(expr: m.LiteralExpression, scope: Scope, result_name: str) -> Evaluator:
    if not expr.text.strip():
        return _null
    return runnable(scope.expression(expr.text))


def _compile_table(expr: m.DecisionTable, scope: Scope, result_name: str) -> Evaluator:
    return compile_table(expr, scope, result_name).evaluator()


def _compile_context(expr: m.Context, scope: Scope, result_name: str) -> Evaluator:
    # Every entry name is known to the parser everywhere in the context, so that a
    # function entry can call itself or a later entry (it runs after the context is built).
    inner = scope.with_names(e.variable.name for e in expr.entries if e.variable is not None)
    entries: list[tuple[str | None, Evaluator]] = []
    for entry in expr.entries:
        name = entry.variable.name if entry.variable is not None else None
        value = compile_boxed(entry.value, inner, name or result_name)
        if entry.variable is not None:
            where = scope.at(entry.variable.id)
            declared = scope.types.resolve(
                entry.variable.type_ref, where, f"context entry {name!r}"
            )
            if declared is not None:
                value = _typed(value, declared, f"context entry {name!r}")
        entries.append((name, value))

    def context(env: Env) -> Any:
        values: dict[str, Any] = {}
        local = env.child(values)
        for name, value in entries:
            result = value(local)
            if name is None:
                return result
            values[name] = result
        return values

    return context


def _compile_relation(expr: m.Relation, scope: Scope, result_name: str) -> Evaluator:
    names = [c.name for c in expr.columns]
    for number, row in enumerate(expr.rows, start=1):
        if len(row) != len(names):  # a ragged row would silently drop or lose entries
            message = f"relation row {number} has {len(row)} cells for {len(names)} columns"
            scope.report(errors.table_shape(expr.id, message))
    rows = [
        [compile_boxed(cell, scope, name) for cell, name in zip(row, names, strict=False)]
        for row in expr.rows
    ]
    # Each row is made from a template holding its constant cells (a catalogue is mostly
    # constants): a copy of the template, fresh copies of its lists and contexts, and the
    # other cells evaluated in column order.
    plans = [_row_plan(names, row) for row in rows]
    if len(set(names)) != len(names):  # repeated column names: every cell, in order
        plans = [({}, [], list(zip(names, row, strict=False))) for row in rows]

    def relation(env: Env) -> Any:
        found = []
        for template, mutable, computed in plans:
            row = dict(template)
            for name, copy in mutable:
                row[name] = copy(row[name])
            for name, cell in computed:
                row[name] = cell(env)
            found.append(row)
        return found

    return relation


RowPlan = tuple[dict[str, Any], list[tuple[str, Callable[[Any], Any]]], list[tuple[str, Evaluator]]]


def _row_plan(names: list[str], cells: list[Evaluator]) -> RowPlan:
    """A relation row's template, its entries to copy (with their copiers), and its cells
    to evaluate."""
    template: dict[str, Any] = {}
    mutable: list[tuple[str, Callable[[Any], Any]]] = []
    computed: list[tuple[str, Evaluator]] = []
    for name, cell in zip(names, cells, strict=False):
        value = constant_value(cell)
        if value is NOT_CONSTANT:
            template[name] = None
            computed.append((name, cell))
        else:
            template[name] = value
            copy = copier(value)
            if copy is not None:
                mutable.append((name, copy))
    return template, mutable, computed


def _compile_list(expr: m.List, scope: Scope, result_name: str) -> Evaluator:
    items = [compile_boxed(item, scope, result_name) for item in expr.items]

    def listed(env: Env) -> Any:
        return [item(env) for item in items]

    return listed


def _compile_invocation(expr: m.Invocation, scope: Scope, result_name: str) -> Evaluator:
    called = compile_boxed(expr.called, scope, result_name)
    bindings = [
        (b.parameter.name, compile_boxed(b.value, scope, b.parameter.name) if b.value else _null)
        for b in expr.bindings
    ]
    where = scope.where or "invocation"

    def invocation(env: Env) -> Any:
        function = called(env)
        if not isinstance(function, Function):
            env.warn(errors.BAD_INVOCATION, f"{where}: the invoked value is not a function")
            return None
        named = {name: value(env) for name, value in bindings}
        try:
            return function.invoke(env, [], named)
        except FeelEvalError as exc:
            env.warn(exc.code, f"{where}: {exc.message}")
            return None

    return invocation


def _compile_function(expr: m.FunctionDefinition, scope: Scope, result_name: str) -> Evaluator:
    kind = (expr.kind or "FEEL").upper()
    if kind == "JAVA":
        return _compile_java(expr, scope, result_name)
    if kind != "FEEL":
        scope.report(errors.unsupported_function_kind(expr.id or scope.element_id, expr.kind))
        return _unsupported(result_name, expr.kind, scope.where)
    parameters = declared_parameters(expr.parameters, scope)
    body = compile_boxed(expr.body, scope.with_names(p.name for p in expr.parameters), result_name)
    result_type = scope.types.resolve(expr.type_ref, scope, "function result")
    return make_closure(result_name, parameters, body, result_type)


def make_closure(
    name: str,
    parameters: list[tuple[str, Declared | None]],
    body: Evaluator,
    result_type: Declared | None,
) -> Evaluator:
    """An evaluator giving a FEEL function that runs ``body`` in the scope it was made in."""
    signature = [Parameter(p, d.name if d else None) for p, d in parameters]
    known = frozenset(p for p, _ in parameters)

    def define(env: Env) -> Any:
        def invoke(caller: Any, args: list[Any], named: dict[str, Any] | None) -> Any:
            bound = bind(name, parameters, known, args, named, caller)
            if bound is None:
                return None
            evaluation = caller.evaluation
            evaluation.spend()  # an invocation is a step of the time budget (recursion)
            result = body(Env(bound, env, evaluation))
            if result_type is not None:
                return result_type.coerce(result, caller, f"result of {name}")
            return result

        return Function(name, signature, invoke, result_type.name if result_type else None)

    return define


def _compile_java(expr: m.FunctionDefinition, scope: Scope, result_name: str) -> Evaluator:
    """A Java function: its body is a context naming the class and method signature.

    No Java runs: FEEL's external functions map a few side-effect-free java.lang methods
    to Python; any other gives null with a warning when called.
    """
    mapping = compile_boxed(expr.body, scope, result_name)
    parameters = [Parameter(p.name, p.type_ref) for p in expr.parameters]

    def define(env: Env) -> Any:
        return external_function({"java": mapping(env)}, parameters)

    return define


def _unsupported(name: str, kind: str, where: str) -> Evaluator:
    def invoke(caller: Any, args: list[Any], named: dict[str, Any] | None) -> Any:
        caller.warn(
            errors.UNSUPPORTED_FUNCTION, f"{where}: {kind} function {name} is not supported"
        )
        return None

    function = Function(name, [], invoke)
    return lambda env: function


def _compile_conditional(expr: m.Conditional, scope: Scope, result_name: str) -> Evaluator:
    where = scope.where or "conditional"
    condition = compile_boxed(expr.condition, scope, result_name)
    then = compile_boxed(expr.then, scope, result_name)
    otherwise = compile_boxed(expr.otherwise, scope, result_name)

    def conditional(env: Env) -> Any:
        chosen = condition(env)
        if chosen is True:
            return then(env)
        if chosen is False or chosen is None:
            return otherwise(env)
        return _not_boolean(env, where, "if", chosen)

    return conditional


def _compile_filter(expr: m.Filter, scope: Scope, result_name: str) -> Evaluator:
    source = compile_boxed(expr.source, scope, result_name)
    # An item's entries are in scope by their names, known only at run time.
    match = compile_boxed(
        expr.match, replace(scope.with_names(["item"]), closed=False), result_name
    )
    where = scope.where or "filter"

    def filtered(env: Env) -> Any:
        items = _as_list(source(env), env)
        if items is None:
            return None
        kept = []
        evaluation = env.evaluation
        for item in items:
            evaluation.spend()  # each item is a step of the time budget
            names = dict(item) if isinstance(item, dict) else {}
            names["item"] = item
            verdict = match(env.child(names))
            if verdict is True:
                kept.append(item)
            elif verdict is not False and verdict is not None:
                return _not_boolean(env, where, "match", verdict)
        return kept

    return filtered


def _compile_iterator(expr: m.Iterator, scope: Scope, result_name: str) -> Evaluator:
    source = compile_boxed(expr.source, scope, result_name)
    inner = scope.with_names([expr.variable, "partial"])
    body = compile_boxed(expr.body, inner, result_name)
    variable, kind = expr.variable, expr.kind
    where = scope.where or kind

    def iterate(env: Env) -> Any:
        items = _as_list(source(env), env)
        if items is None:
            return None
        evaluation = env.evaluation
        if kind == "for":
            results: list[Any] = []
            for item in items:
                evaluation.spend(1 + len(results))  # a step, and one per result copied
                results.append(body(env.child({variable: item, "partial": list(results)})))
            return results
        verdicts = []
        for item in items:
            evaluation.spend()  # each item is a step of the time budget
            verdicts.append(body(env.child({variable: item})))
        for verdict in verdicts:
            if verdict is not True and verdict is not False and verdict is not None:
                return _not_boolean(env, where, "satisfies", verdict)
        if kind == "some":
            return any(v is True for v in verdicts)
        return all(v is True for v in verdicts)

    return iterate


def _not_boolean(env: Env, where: str, part: str, value: Any) -> Any:
    env.warn(
        errors.NOT_BOOLEAN,
        f"{where}: the {part} expression gave {ops.type_name(value)}, not a boolean",
    )
    return None


def _as_list(value: Any, env: Env) -> list[Any] | None:
    """The items an iterator or filter walks: a list, an integer range, or one value."""
    if isinstance(value, list):
        return value
    if isinstance(value, Range):
        return _range_items(value, env)
    return None if value is None else [value]


def _range_items(rng: Range, env: Env) -> list[Any] | None:
    start, end = rng.start, rng.end
    if not (isinstance(start, Decimal) and isinstance(end, Decimal)):
        return None
    if start != start.to_integral_value() or end != end.to_integral_value():
        return None
    step = 1 if end >= start else -1
    first = int(start) + (0 if rng.start_included else step)
    last = int(end) - (0 if rng.end_included else step)
    if abs(last - first) >= MAX_RANGE_VALUES:  # as FEEL's for: never a list of 1e30 items
        error = invalid_iteration(
            f"the range has {abs(last - first) + 1} values; "
            f"at most {MAX_RANGE_VALUES:,} are iterated"
        )
        env.warn(error.code, error.message)
        return None
    return [Decimal(i) for i in range(first, last + step, step)]


def _null(env: Env) -> Any:
    return None


_COMPILERS: dict[type, Callable[[Any, Scope, str], Evaluator]] = {
    m.LiteralExpression: _compile_literal,
    m.DecisionTable: _compile_table,
    m.Context: _compile_context,
    m.Relation: _compile_relation,
    m.List: _compile_list,
    m.Invocation: _compile_invocation,
    m.FunctionDefinition: _compile_function,
    m.Conditional: _compile_conditional,
    m.Filter: _compile_filter,
    m.Iterator: _compile_iterator,
}
