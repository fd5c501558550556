"""A request shape in, a shortcut evaluating it without scopes or records out (or None).

Most requests to a small model ask for one decision whose logic is a decision table read
straight from the input data. For that shape :func:`quick_evaluator` prepares, once, the
outcome of every rule (the decision's value, already of its type, and the log entry the
explanation is built from when it is read) and generates a function that reads the
request's input values themselves, looks them up in the table's column indexes and
returns the :class:`~service.engine.explain.Result` of the rule that alone matches. A
request it cannot answer exactly as the general evaluation would — an unknown input, a
value to convert or outside its input values, several matching rules, computed outputs,
a default output — gets None and goes the general way, which then says why.

The generated text holds only names of constants bound to the table's own index data; no
model text is pasted into it (see :mod:`service.engine.table_codegen`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from service.engine import hit_policy
from service.engine.decision_table import CompiledTable, Rule
from service.engine.explain import Result
from service.engine.graph import DecisionNode, InputNode
from service.engine.table_codegen import InputShape, allowed_checks, compile_function
from service.engine.table_index import ColumnIndex
from service.engine.types import Declared
from service.feel.compile_base import copier

Shortcut = Callable[[Mapping[str, Any]], Result | None]
# A rule's (or no rule's) prepared outcome: the decision's value, its copier (None when it
# holds no list or context; else every evaluation hands out a copy), the evaluation's log.
Outcome = tuple[Any, Callable[[Any], Any] | None, tuple[Any, ...]]


def input_types(nodes: list[InputNode]) -> dict[str, type | None]:
    """Input data by name: the one Python type their values are taken as they are
    (``object``: any value, the input is untyped; None: values are always checked)."""
    return {n.name: object if n.declared is None else n.declared.exact for n in nodes}


def quick_evaluator(
    node: DecisionNode, asked: str, inputs: dict[str, type | None]
) -> Shortcut | None:
    """The shortcut evaluating decision ``node`` (asked for as ``asked``) alone from the
    model's ``inputs`` (see :func:`input_types`), or None when its shape has none."""
    table = node.table
    if not isinstance(table, CompiledTable) or node.requires or not table.shapes:
        return None
    if not table.single_hit or not table.use_index:
        return None
    if any(index.complex for _, index in table.columns):
        return None  # cells evaluated as FEEL need a scope
    outcomes = [_rule_outcome(node, table, rule) for rule in table.rules]
    no_match: Outcome | None = None
    if all(out.default is None for out in table.outputs):
        value = hit_policy.no_match(table.hit_policy, table.aggregation)
        if _fits(node.declared, value):
            no_match = (value, copier(value), ((table, node.name, (), None, None, False),))
    return _generate(table, table.shapes, inputs, asked, outcomes, no_match)


def _rule_outcome(node: DecisionNode, table: CompiledTable, rule: Rule) -> Outcome | None:
    """The outcome of ``rule`` deciding alone, when its outputs are known now."""
    fixed = rule.fixed
    if fixed is None or not _fits(node.declared, fixed.result):
        return None
    entry = (table, node.name, (rule.position,), None, None, False)
    return (fixed.result, fixed.result_copy, (entry,))


def _fits(declared: Declared | None, value: Any) -> bool:
    """Whether the decision takes ``value`` as it is (no conversion, no warning)."""
    return declared is None or value is None or type(value) is declared.exact


# --- the generated function -------------------------------------------------------------------


def _generate(
    table: CompiledTable,
    columns: list[InputShape],
    inputs: Mapping[str, type | None],
    asked: str,
    outcomes: Sequence[Outcome | None],
    no_match: Outcome | None,
) -> Shortcut | None:
    """``shortcut(input values) -> Result | None`` for ``table``, or None."""
    outs = {1 << i: outcome for i, outcome in enumerate(outcomes) if outcome is not None}
    if no_match is not None:
        outs[0] = no_match
    constants: dict[str, Any] = {
        "bisect_left": bisect_left, "ALL": table.all_rules,
        "OUTS": outs, "KNOWN": frozenset(inputs), "NAME": asked, "Result": Result,
        "NEW": object.__new__,
    }  # fmt: skip
    names = [shape.name for shape in columns]
    if None in names:
        return None  # a column reads an expression: the general path evaluates it
    lines = ["def quick(vars):", *_read_inputs(names, inputs, constants), "    c = ALL"]
    indexes = dict(table.columns)
    for i, shape in enumerate(columns):
        found = _column(i, shape, indexes[i], inputs, constants)
        if found is None:
            return None
        lines += found
    for name, exact in inputs.items():
        if name not in names:
            lines += _other_input(name, exact, constants)
    lines += [
        "    o = OUTS.get(c)",  # one rule, or none: its outcome; several: None
        "    if o is None:",
        "        return None",
        "    value, copy, log = o",
        # Result(values, None, [], [], log) without the call of its __init__
        "    result = NEW(Result)",
        "    result.values = {NAME: value if copy is None else copy(value)}",
        "    result._tables = None",
        "    result._log = log",
        "    result.warnings = []",
        "    result.errors = []",
        "    return result",
    ]
    shortcut: Shortcut = compile_function(
        "quick", lines, constants, f"decision {asked}, table {table.table_id}"
    )
    return shortcut


def _read_inputs(
    names: list[str | None], inputs: Mapping[str, Any], constants: dict[str, Any]
) -> list[str]:
    """Lines reading every column's input value into ``v{i}`` (absent: null) and making
    sure that every input value given is one of the model's inputs.

    When every value is there and the table reads every input, counting the values says
    it; otherwise their names are checked.
    """
    full = ["        if not vars.keys() <= KNOWN:", "            return None"]
    every = set(inputs) <= set(names)
    for i, name in enumerate(names):
        constants[f"N{i}"] = name
    return [
        "    try:",
        *(f"        v{i} = vars[N{i}]" for i in range(len(names))),
        *(
            [f"        if len(vars) != {len(inputs)}:", "            return None"]
            if every
            else full
        ),
        "    except KeyError:",
        *(f"        v{i} = vars.get(N{i})" for i in range(len(names))),
        *full,
    ]


def _column(
    i: int,
    shape: InputShape,
    index: ColumnIndex,
    inputs: Mapping[str, type | None],
    constants: dict[str, Any],
) -> list[str] | None:
    """Lines reading column ``i`` from the input values into ``v{i}`` and narrowing the
    candidate rules ``c`` by it; None when the column cannot be read that way."""
    if shape.name is None or shape.name not in inputs:
        return None  # not an input data: a decision, a knowledge model, an expression
    given = inputs[shape.name]
    if given is None or (shape.declared and shape.exact is None):
        return None  # a conversion the general path makes
    if given is object:
        exact = shape.exact
    elif shape.exact is None or shape.exact is given:
        exact = given
    else:
        return None  # the column converts every value of the input: never quick
    lines: list[str] = []
    allowed = shape.allowed
    if allowed is not None and len(allowed) == 1 and (exact is None or exact in allowed):
        # The input values are constants of one type: checking them checks the type too
        # (null is never among them: the general path reports it).
        ((kind, values),) = allowed.items()
        constants[f"AT{i}"] = kind
        masks = _allowed_masks(index, kind, values)
        if masks is not None:  # one lookup checks the value and gives its rules
            constants[f"AM{i}"] = masks
            return [
                *lines,
                f"    if type(v{i}) is not AT{i}:",
                "        return None",
                f"    f = AM{i}.get(v{i})",
                "    if f is None:",
                "        return None",
                "    c &= f",
            ]
        constants[f"AS{i}"] = values
        lines += [f"    if type(v{i}) is not AT{i} or v{i} not in AS{i}:", "        return None"]
        return lines + _match(i, index, kind, constants)
    checks = []
    if exact is not None:
        constants[f"T{i}"] = exact
        checks.append(f"(type(v{i}) is not T{i} and v{i} is not None)")
    checks += allowed_checks(i, shape, constants)
    if checks:
        lines += [f"    if {' or '.join(checks)}:", "        return None"]
    return lines + _match(i, index, exact, constants)


def _allowed_masks(index: ColumnIndex, kind: type, values: frozenset[Any]) -> dict[Any, int] | None:
    """Each allowed value's matching rules, when the column only tests equality with
    constants of the allowed values' type (so one dict lookup is the whole match)."""
    if index.not_mask or index.segments or index.complex:
        return None
    if any(other is not kind for other in index.equals):
        return None
    bucket = index.equals.get(kind, {})
    return {value: bucket.get(value, 0) | index.any_mask for value in values}


def _match(i: int, index: ColumnIndex, typed: type | None, constants: dict[str, Any]) -> list[str]:
    """Lines narrowing ``c`` by column ``i``, whose value is of type ``typed`` or null.

    The ``-`` cells' mask is folded into every looked-up mask now. Keys of different
    types never meet: a lookup is guarded by the value's type unless ``typed`` says it.
    """
    simple = not (index.not_mask or len(index.segments) > 1 or len(index.equals) > 1)
    if not simple:
        constants[f"MATCH{i}"] = index.match
        return [f"    c = MATCH{i}(v{i}, None, c)"]
    any_mask = index.any_mask
    constants[f"ANY{i}"] = any_mask
    equals = f"ANY{i}"
    if index.equals:
        ((kind, bucket),) = index.equals.items()
        constants[f"EB{i}"] = {value: mask | any_mask for value, mask in bucket.items()}
        equals = f"EB{i}.get(v{i}, ANY{i})"
        if typed is not kind:  # else the value is of the keys' type or null (never a key)
            constants[f"ET{i}"] = kind
            equals = f"({equals} if type(v{i}) is ET{i} else ANY{i})"
    if not index.segments:
        return [f"    c &= {equals}"]
    ((kind, segments),) = index.segments.items()
    masks = [mask | any_mask for mask in segments.masks]
    constants[f"O{i}"] = kind
    test = f"v{i} is not None" if typed is kind else f"type(v{i}) is O{i}"
    both = ""  # a value of the ranges' type may also equal a constant of that type
    if index.equals and next(iter(index.equals)) is kind:
        both = f" | EB{i}.get(v{i}, 0)"
    return [
        f"    if {test}:",
        *_segment(i, segments.points, masks, both, constants),
        "    else:",
        f"        c &= {equals}",
    ]


def _segment(
    i: int, points: list[Any], masks: list[int], both: str, constants: dict[str, Any]
) -> list[str]:
    """Lines finding the segment holding ``v{i}`` (see table_index._Segments): a few
    comparisons for up to three bounds, cheaper than a bisection, else a bisection."""
    if len(points) > 3:
        constants.update({f"P{i}": points, f"K{i}": masks})
        return [
            f"        j = bisect_left(P{i}, v{i})",
            f"        if j < {len(points)} and P{i}[j] == v{i}:",
            f"            c &= K{i}[2 * j + 1]{both}",
            "        else:",
            f"            c &= K{i}[2 * j]{both}",
        ]
    lines = []
    for k, point in enumerate(points):
        constants[f"P{i}_{k}"] = point
        constants[f"K{i}_{2 * k}"] = masks[2 * k]
        constants[f"K{i}_{2 * k + 1}"] = masks[2 * k + 1]
        lines += [
            f"        {'if' if k == 0 else 'elif'} v{i} < P{i}_{k}:",
            f"            c &= K{i}_{2 * k}{both}",
            f"        elif v{i} == P{i}_{k}:",
            f"            c &= K{i}_{2 * k + 1}{both}",
        ]
    last = 2 * len(points)
    constants[f"K{i}_{last}"] = masks[last]
    if not points:
        return [f"        c &= K{i}_{last}{both}"]
    return [*lines, "        else:", f"            c &= K{i}_{last}{both}"]


def _other_input(name: str, exact: type | None, constants: dict[str, Any]) -> list[str]:
    """Lines checking an input the table does not read: it must need no conversion."""
    if exact is object:
        return []
    key = f"X{len(constants)}"
    constants[key] = name
    if exact is None:
        return [f"    if {key} in vars:", "        return None"]
    constants[f"{key}T"] = exact
    return [
        f"    x = vars.get({key})",
        f"    if x is not None and type(x) is not {key}T:",
        "        return None",
    ]
