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

(:mod:`service.engine.quick` writes a second function, for a table that is a whole
decision, from the same index data.)
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.engine.decision_table import CompiledTable, Defect, Reader
from service.engine.explain import Run
from service.engine.table_index import ColumnIndex
from service.feel.env import Env


@dataclass(frozen=True, slots=True)
class InputShape:
    """What the generated code may do itself for one input column.

    ``name`` is set when the input expression is a plain name, ``path`` when it is a
    name's entry (``r.kind``: ("r", "kind")); else the column's full ``reader`` is called.
    ``exact`` is the one Python type a declared type admits as is; ``declared`` says a
    type is declared at all; ``allowed`` holds the input values as sets by Python type
    when they are constants.
    """

    reader: Reader
    name: str | None
    exact: type | None
    declared: bool
    allowed: dict[type, frozenset[Any]] | None
    path: tuple[str, str] | None = None


def generate(table: CompiledTable, columns: list[InputShape]) -> Callable[[Env], Any]:
    """The fast ``table(env)`` function for ``table`` whose input columns are ``columns``."""
    lines = ["def fast(env):", "    vars = env.vars", "    try:"]
    constants: dict[str, Any] = {
        "Defect": Defect, "Run": Run, "bisect_left": bisect_left,
        "RULES": table.rules, "ALL": table.all_rules, "GENERAL": table.general,
        "NO_MATCH": table.no_match, "DEFECT": table.defect, "TABLE": table,
        "ONE": table.one, "HIT": {1 << r.position: (r.position,) for r in table.rules},
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
        lines += _match(i, index, constants, "env", "NO_MATCH(env)")
    values = ", ".join(f"v{i}" for i in range(len(columns)))
    if table.single_hit:
        lines += [
            "    if c & (c - 1) == 0:",
            "        rule = RULES[c.bit_length() - 1]",
            "        fixed = rule.fixed",
            "        if fixed is not None:",
            "            run = env.evaluation",
            "            if type(run) is Run:",
            "                run.log.append((TABLE, run.decision, HIT[c], None, None, False))",
            "            return fixed.fresh_result()",
            "        return ONE(rule, env)",
        ]
    lines.append(f"    return GENERAL([{values}], env, c)")
    return compile_function("fast", lines, constants, f"decision table {table.table_id}")


def compile_function(name: str, lines: list[str], constants: dict[str, Any], where: str) -> Any:
    """The function ``name`` defined by the Python ``lines``, which read ``constants``."""
    namespace = dict(constants)
    exec(compile("\n".join(lines), f"<{where}>", "exec"), namespace)
    return namespace[name]


def allowed_checks(i: int, shape: InputShape, constants: dict[str, Any]) -> list[str]:
    """Conditions true when the value of column ``i`` is outside its input values."""
    if shape.allowed is not None and len(shape.allowed) == 1:
        ((kind, allowed),) = shape.allowed.items()
        constants.update({f"AT{i}": kind, f"AS{i}": allowed})
        return [f"type(v{i}) is not AT{i} or v{i} not in AS{i}"]
    if shape.allowed is not None:
        constants[f"A{i}"] = shape.allowed
        return [f"type(v{i}) not in A{i} or v{i} not in A{i}[type(v{i})]"]
    return []


def _read(i: int, shape: InputShape, constants: dict[str, Any]) -> list[str]:
    """Lines reading input column ``i`` into ``v{i}``; any doubt goes to its full reader."""
    constants[f"READ{i}"] = shape.reader
    if shape.name is None and shape.path is None:
        return [f"        v{i} = READ{i}(env)"]
    checks = []
    if shape.exact is not None:
        constants[f"T{i}"] = shape.exact
        checks.append(f"(type(v{i}) is not T{i} and v{i} is not None)")
    elif shape.declared:
        checks.append(f"v{i} is not None")  # a declared type without a fast check
    checks += allowed_checks(i, shape, constants)
    if shape.path is not None:
        return _read_path(i, shape.path, checks, constants)
    constants[f"N{i}"] = shape.name
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


def _read_path(
    i: int, path: tuple[str, str], checks: list[str], constants: dict[str, Any]
) -> list[str]:
    """Lines reading ``name.entry`` when the name is a context in the first scope."""
    constants.update({f"N{i}": path[0], f"M{i}": path[1]})
    lines = [
        "        try:",
        f"            b{i} = vars[N{i}]",
        "        except KeyError:",
        f"            v{i} = READ{i}(env)",
        "        else:",
        f"            if type(b{i}) is dict:",
        f"                v{i} = b{i}.get(M{i})",
    ]
    if checks:
        lines += [
            f"                if {' or '.join(checks)}:",
            f"                    v{i} = READ{i}(env)",
        ]
    return [*lines, "            else:", f"                v{i} = READ{i}(env)"]


def _match(i: int, index: ColumnIndex, constants: dict[str, Any], env: str, miss: str) -> list[str]:
    """Lines narrowing the candidate rules ``c`` by column ``i``; ``miss`` when none is left."""
    simple = not (index.complex or index.not_mask or len(index.segments) > 1)
    if not simple:
        constants[f"MATCH{i}"] = index.match
        return [f"    c = MATCH{i}(v{i}, {env}, c)", "    if not c:", f"        return {miss}"]
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
    return [*lines, "    c &= f", "    if not c:", f"        return {miss}"]
