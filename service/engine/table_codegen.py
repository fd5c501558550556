"""A compiled decision table in, a generated Python function for its common case out.

Evaluating a table through closures costs a call per column for reading and another for
matching. For the shape most tables have — inputs that are plain names, cells of
constants — this module writes the straight-line Python a programmer would write: read
each input from the scope, check its type and input values, look its value up in each
column's index, and when one rule with prepared outputs decides under a single-hit
policy, record it and return. Anything else (a value needing conversion, a defect, no or
several matches, computed outputs) falls back to the table's general path, which gives
the same answer. The generated text uses only the table's own index data, bound as
constants of the function; no model text is ever pasted into it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.engine.decision_table import CompiledTable, Defect, Reader, fresh
from service.engine.explain import Run, TableRecord
from service.engine.table_index import ColumnIndex
from service.feel.env import Env

_EMPTY: frozenset[Any] = frozenset()


@dataclass(frozen=True, slots=True)
class InputShape:
    """What the generated code may do itself for one input column.

    ``name`` is set when the input expression is a plain name (else the column's full
    ``reader`` is called); ``exact`` is the one Python type a declared type admits as is;
    ``declared`` says a type is declared at all; ``allowed`` holds the input values as
    sets by Python type when they are constants.
    """

    reader: Reader
    name: str | None
    exact: type | None
    declared: bool
    allowed: dict[type, frozenset[Any]] | None


def generate(table: CompiledTable, columns: list[InputShape]) -> Callable[[Env], Any]:
    """The fast ``table(env)`` function for ``table`` whose input columns are ``columns``."""
    lines = ["def fast(env):", "    vars = env.vars", "    try:"]
    constants: dict[str, Any] = {
        "EMPTY": _EMPTY, "Defect": Defect, "Run": Run,
        "TableRecord": TableRecord, "bisect_left": bisect_left,
        "RULES": table.rules, "ALL": table.all_rules, "GENERAL": table.general,
        "NO_MATCH": table.no_match, "DEFECT": table.defect, "FRESH": fresh,
        "TID": table.table_id, "HP": table.hit_policy, "AGG": table.aggregation,
    }  # fmt: skip
    lines.append("        pass")
    for i, shape in enumerate(columns):
        lines += _read(i, shape, constants)
    lines += [
        "    except Defect as defect:",
        "        return DEFECT(env, defect.code)",
        "    c = ALL",
        "    if not c:",
        "        return NO_MATCH(env)",
    ]
    for i, index in table.columns:
        lines += _match(i, index, constants)
    values = ", ".join(f"v{i}" for i in range(len(columns)))
    lines += [
        "    if c & (c - 1) == 0 and SINGLE:",
        "        rule = RULES[c.bit_length() - 1]",
        "        fixed = rule.fixed",
        "        if fixed is not None:",
        "            run = env.evaluation",
        "            if type(run) is Run:",
        "                match = rule.match(dict(fixed.outputs))",
        "                record = TableRecord(run.decision, TID, HP, AGG, [match], None, False)",
        "                run.tables.append(record)",
        "            return FRESH(fixed.result) if fixed.mutable else fixed.result",
        f"    return GENERAL([{values}], env, c)",
    ]
    constants["SINGLE"] = table.single_hit
    namespace = dict(constants)
    exec(compile("\n".join(lines), f"<decision table {table.table_id}>", "exec"), namespace)
    fast: Callable[[Env], Any] = namespace["fast"]
    return fast


def _read(i: int, shape: InputShape, constants: dict[str, Any]) -> list[str]:
    """Lines reading input column ``i`` into ``v{i}``; any doubt goes to its full reader."""
    constants[f"READ{i}"] = shape.reader
    if shape.name is None:
        return [f"        v{i} = READ{i}(env)"]
    constants[f"N{i}"] = shape.name
    checks = []
    if shape.exact is not None:
        constants[f"T{i}"] = shape.exact
        checks.append(f"(type(v{i}) is not T{i} and v{i} is not None)")
    elif shape.declared:
        checks.append(f"v{i} is not None")  # a declared type without a fast check
    if shape.allowed is not None and len(shape.allowed) == 1:
        ((kind, allowed),) = shape.allowed.items()
        constants.update({f"AT{i}": kind, f"AS{i}": allowed})
        checks.append(f"type(v{i}) is not AT{i} or v{i} not in AS{i}")
    elif shape.allowed is not None:
        constants[f"A{i}"] = shape.allowed
        checks.append(f"v{i} not in A{i}.get(type(v{i}), EMPTY)")
    lines = [
        "        try:",
        f"            v{i} = vars[N{i}]",
        "        except KeyError:",
        f"            v{i} = READ{i}(env)",
    ]
    if checks:
        lines += [
            "        else:",
            f"            if {' or '.join(checks)}:",
            f"                v{i} = READ{i}(env)",
        ]
    return lines


def _match(i: int, index: ColumnIndex, constants: dict[str, Any]) -> list[str]:
    """Lines narrowing the candidate rules ``c`` by column ``i``."""
    simple = not (index.complex or index.not_mask or len(index.segments) > 1)
    if not simple:
        constants[f"MATCH{i}"] = index.match
        return [f"    c = MATCH{i}(v{i}, env, c)", "    if not c:", "        return NO_MATCH(env)"]
    constants[f"ANY{i}"] = index.any_mask
    lines = [f"    t = type(v{i})", f"    f = ANY{i}" if index.any_mask else "    f = 0"]
    if len(index.equals) == 1:
        ((kind, bucket),) = index.equals.items()
        constants.update({f"ET{i}": kind, f"EB{i}": bucket})
        lines += [f"    if t is ET{i}:", f"        f |= EB{i}.get(v{i}, 0)"]
    elif index.equals:
        constants[f"EQ{i}"] = index.equals
        lines += [f"    b = EQ{i}.get(t)", "    if b is not None:", f"        f |= b.get(v{i}, 0)"]
    if index.segments:
        ((kind, segments),) = index.segments.items()
        constants.update({f"O{i}": kind, f"P{i}": segments.points, f"K{i}": segments.masks})
        lines += [
            f"    if t is O{i}:",
            f"        j = bisect_left(P{i}, v{i})",
            f"        if j < {len(segments.points)} and P{i}[j] == v{i}:",
            f"            f |= K{i}[2 * j + 1]",
            "        else:",
            f"            f |= K{i}[2 * j]",
        ]
    return [*lines, "    c &= f", "    if not c:", "        return NO_MATCH(env)"]
