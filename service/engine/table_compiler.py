"""A DMN decision table (model) in, a :class:`CompiledTable` out, once, at load time.

Each input column becomes a reader (its expression — a plain name is read straight from
the scope —, its type conversion and its input values check, the check indexed like a
column when it is made of constants); every input entry a unary test placed in its
column's index; output entries compiled, and when all of a rule's outputs are literals
that fit their output clause, its value, priority and record are prepared here.
"""

from __future__ import annotations

from typing import Any

from service.dmn import model as m
from service.engine import errors, hit_policy
from service.engine.decision_table import (
    CompiledTable,
    Defect,
    Fixed,
    OutputColumn,
    Partial,
    Rule,
    combine,
    output_allowed,
    rank,
    shown,
)
from service.engine.explain import report_error
from service.engine.scope import Evaluator, Scope, constant, runnable
from service.engine.table_codegen import InputShape, generate
from service.engine.table_index import BooleanCell, ColumnIndex, constant_sets, value_test
from service.engine.types import Declared
from service.feel import nodes
from service.feel.compile_base import copier
from service.feel.env import Env

_MISSING = object()


def compile_table(table: m.DecisionTable, scope: Scope, result_name: str) -> CompiledTable:
    """Compile ``table``; problems go to ``scope``'s diagnostics.

    ``result_name`` names the single output when its clause has no name (the decision's).
    """
    scope = scope.at(table.id)
    labels = [_label(clause, i) for i, clause in enumerate(table.inputs, start=1)]
    shapes = [
        _reader(clause, label, scope) for clause, label in zip(table.inputs, labels, strict=True)
    ]
    readers = [shape.reader for shape in shapes]
    outputs = [_output_column(clause, table, result_name, scope) for clause in table.outputs]
    _check_shape(table, scope)
    annotation_names = [a.name for a in table.annotations]
    rules = [
        _rule(rule, position, labels, outputs, annotation_names, scope)
        for position, rule in enumerate(table.rules)
    ]
    if table.aggregation and len(outputs) > 1:
        scope.report(errors.aggregation_needs_single_output(table.id, table.aggregation))
    aggregation = table.aggregation if table.hit_policy == "COLLECT" else None
    compiled = CompiledTable(table.id, table.hit_policy, aggregation, readers, outputs, rules)
    compiled.single_hit = table.hit_policy in hit_policy.SINGLE_HIT
    compiled.plain_collect = table.hit_policy == "RULE ORDER" or (
        table.hit_policy == "COLLECT" and not compiled.aggregation
    )
    compiled.typed_outputs = any(out.type is not None for out in outputs)
    compiled.checked_outputs = any(
        out.allowed is not None or out.priorities is not None for out in outputs
    )
    compiled.index(_indexes(rules, len(readers)))
    compiled.fast = generate(compiled, shapes)
    compiled.shapes = shapes
    return compiled


# --- input columns ---------------------------------------------------------------------------


def _label(clause: m.InputClause, number: int) -> str:
    return clause.label or clause.input_expression.text.strip() or f"#{number}"


def _reader(clause: m.InputClause, label: str, scope: Scope) -> InputShape:
    """An input column's reader (its checked value for one evaluation) and shape."""
    where = scope.at(clause.id)
    text = clause.input_expression.text
    value = where.expression(text, f"input expression {label!r}") if text.strip() else _null
    declared = scope.types.resolve(
        clause.input_expression.type_ref, where, f"input expression {label!r}"
    )
    allowed, allowed_text, sets = None, "", None
    if clause.input_values is not None and clause.input_values.text.strip():
        allowed_text = clause.input_values.text
        compiled = where.unary_tests(allowed_text, f"input values of {label!r}")
        allowed, sets = value_test(compiled), constant_sets(compiled)
    node = getattr(value, "node", None)
    name = node.name if isinstance(node, nodes.Name) and node.name != "?" else None
    path = None
    if isinstance(node, nodes.Path) and isinstance(node.base, nodes.Name) and node.base.name != "?":
        path = (node.base.name, node.member)
    exact = declared.exact if declared is not None else None
    value = runnable(value)

    def read(env: Env) -> Any:
        v = env.vars.get(name, _MISSING) if name is not None else _MISSING
        if v is _MISSING:
            v = value(env)
        if declared is not None and v is not None and type(v) is not exact:
            v = _converted(declared, v, label, env)
        if allowed is not None and not allowed(v, env):
            message = errors.input_not_allowed(label, shown(v), allowed_text)
            report_error(env, errors.INPUT_VALUE_NOT_ALLOWED, message)
            raise Defect(errors.INPUT_VALUE_NOT_ALLOWED)
        return v

    if allowed is not None and sets is None:
        name = path = None  # the generated code cannot check these input values itself
    return InputShape(read, name, exact, declared is not None, sets, path)


def _converted(declared: Declared, value: Any, label: str, env: Env) -> Any:
    converted = declared.convert(value)
    if converted is Declared.NOT_CONFORMING:
        message = errors.input_type_mismatch(label, shown(value), declared.name)
        report_error(env, errors.INPUT_TYPE_MISMATCH, message)
        raise Defect(errors.INPUT_TYPE_MISMATCH)
    return converted


# --- output columns and rules ----------------------------------------------------------------


def _output_column(
    clause: m.OutputClause, table: m.DecisionTable, result_name: str, scope: Scope
) -> OutputColumn:
    name = clause.name or (result_name if len(table.outputs) == 1 else "")
    where = scope.at(clause.id)
    allowed, allowed_text, priorities = None, "", None
    if clause.output_values is not None and clause.output_values.text.strip():
        allowed_text = clause.output_values.text
        compiled = where.unary_tests(allowed_text, f"output values of {name!r}")
        allowed = value_test(compiled) or compiled
        priorities = where.split_tests(compiled)
    default = None
    if clause.default_output_entry is not None and clause.default_output_entry.text.strip():
        default = runnable(
            where.expression(clause.default_output_entry.text, f"default output of {name!r}")
        )
    declared = scope.types.resolve(clause.type_ref, where, f"output {name!r}")
    return OutputColumn(name, declared, allowed, allowed_text, priorities, default)


def _check_shape(table: m.DecisionTable, scope: Scope) -> None:
    for number, rule in enumerate(table.rules, start=1):
        inputs, outputs = len(rule.input_entries), len(rule.output_entries)
        if inputs != len(table.inputs) or outputs != len(table.outputs):
            message = (
                f"rule {number} has {inputs} input and {outputs} output entries "
                f"for {len(table.inputs)} inputs and {len(table.outputs)} outputs"
            )
            scope.report(errors.table_shape(rule.id or table.id, message))


def _rule(
    rule: m.DecisionRule,
    position: int,
    labels: list[str],
    outputs: list[OutputColumn],
    annotation_names: list[str],
    scope: Scope,
) -> Rule:
    where = scope.at(rule.id, f"{scope.where}, rule {position + 1}".lstrip(", "))
    cells = [
        BooleanCell.of(
            where.at(entry.id).unary_tests(entry.text.strip() or "-", f"input entry for {label!r}")
        )
        for entry, label in zip(rule.input_entries, labels, strict=False)
    ]
    compiled = [
        where.at(entry.id).expression(entry.text, f"output entry for {column.name!r}")
        if entry.text.strip()
        else _null  # an empty output entry is null
        for entry, column in zip(rule.output_entries, outputs, strict=False)
    ]
    annotations = dict(zip(annotation_names, rule.annotation_entries, strict=False))
    found = Rule(
        position, rule.id, cells, [runnable(c) for c in compiled], annotations, rule.extensions
    )
    found.fixed = _fixed(compiled, outputs)
    if found.fixed is None:
        found.partial = _partial(compiled, found.outputs, outputs)
    return found


def _fixed(compiled: list[Evaluator], outputs: list[OutputColumn]) -> Fixed | None:
    """The prepared outputs of a rule whose output entries are all fitting literals."""
    if len(compiled) != len(outputs) or not outputs:
        return None
    env = Env()
    values = []
    for expr, out in zip(compiled, outputs, strict=True):
        is_constant, value = constant(expr)
        if not is_constant or (out.type is not None and not out.type.conforms(value)):
            return None
        if not output_allowed(out, value, env) or env.evaluation.warnings:
            return None  # reported when the rule is hit, as the spec asks
        values.append(value)
    priority = tuple(
        rank(out.priorities, v, env)
        for out, v in zip(outputs, values, strict=True)
        if out.priorities
    )
    named = {out.name: v for out, v in zip(outputs, values, strict=True)}
    result = combine(outputs, values)
    return Fixed(values, priority, result, named, copier(result), copier(values))


def _partial(
    compiled: list[Evaluator], runnables: list[Evaluator], outputs: list[OutputColumn]
) -> Partial | None:
    """The prepared literal outputs of a rule whose other outputs are computed, when some
    are literals taken as they stand: null, or of their column's exact type (so that the
    column's conversion would return them unchanged)."""
    if len(compiled) != len(outputs) or len(runnables) != len(outputs):
        return None
    template: list[Any] = []
    copies: list[tuple[int, Any]] = []
    computed: list[tuple[int, Evaluator]] = []
    for i, (expr, out) in enumerate(zip(compiled, outputs, strict=True)):
        is_constant, value = constant(expr)
        declared = out.type
        if is_constant and (declared is None or value is None or type(value) is declared.exact):
            template.append(value)
            copy = copier(value)
            if copy is not None:
                copies.append((i, copy))
        else:
            template.append(None)
            computed.append((i, runnables[i]))
    if len(computed) == len(outputs):
        return None  # nothing to prepare
    return Partial(template, copies, computed)


def _indexes(rules: list[Rule], width: int) -> list[tuple[int, ColumnIndex]]:
    """One index per input column, the cheapest (no evaluated cells) first."""
    indexes = [ColumnIndex() for _ in range(width)]
    for rule in rules:
        for column, cell in enumerate(rule.cells):
            indexes[column].add(rule.position, cell, getattr(cell, "analysis", None))
    for index in indexes:
        index.finish()
    order = sorted(range(width), key=lambda c: (len(indexes[c].complex), c))
    return [(c, indexes[c]) for c in order]


def _null(env: Env) -> Any:
    return None
