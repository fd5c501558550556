"""DMN models (one or two versions) and seed input sets in, boundary input sets out.

For each input the candidate values are: both booleans; every value its declared allowed
values enumerate, and each bound of their ranges and comparisons; every literal met in a
rule cell of a column that reads the input, numbers and dates just below, at and just
above it; every value the test cases use; and null where the input may be absent. A number
"just below" an integer input's threshold is one less, otherwise one step finer than the
number's last digit (50 -> 49.9 and 50.1, 2.5 -> 2.49 and 2.51); a date's is one day.
Candidates no version would accept (outside every version's allowed values) are dropped.

:func:`input_sets` then combines them: every combination when there are few enough;
otherwise, up to a limit, the seeds, every combination of the *focus* inputs (those the
changed logic reads) set into each seed, each seed varied one input at a time, and the
focus combinations set into a pairwise covering of the other inputs. Everything is
deterministic: the same models always give the same input sets.
"""

from __future__ import annotations

import decimal
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from service.dmn import model as dmn
from service.feel import evaluate, nodes, parse_expression, parse_unary_tests
from service.feel.errors import FeelEvalError, FeelSyntaxError
from service.feel.values import Date
from service.store.admission import check_value
from service.store.declarations import FieldSpec, field_specs

InputSet = dict[str, Any]
DEFAULT_LIMIT = 5000


# --- which inputs a column reads ---------------------------------------------------------------


def dependencies(defs: dmn.Definitions) -> dict[str, set[str]]:
    """Decision name -> the input data names it reads, directly or through other decisions."""
    by_id = {element.id: element for element in defs.drg_elements() if element.id}
    direct: dict[str, set[str]] = {}
    for decision in defs.decisions:
        needs: set[str] = set()
        for requirement in decision.requirements:
            target = by_id.get(requirement.href.rpartition("#")[2])
            if isinstance(target, dmn.InputData | dmn.Decision):
                needs.add(target.name)
        direct[decision.name] = needs
    inputs = {data.name for data in defs.input_data}
    resolved: dict[str, set[str]] = {}

    def resolve(name: str, trail: frozenset[str]) -> set[str]:
        if name in resolved:
            return resolved[name]
        found = set()
        for need in direct.get(name, set()):
            if need in inputs:
                found.add(need)
            elif need in direct and need not in trail:
                found |= resolve(need, trail | {need})
        resolved[name] = found
        return found

    for name in direct:
        resolve(name, frozenset({name}))
    return resolved


def _names_in(text: str, scope: Sequence[str]) -> set[str]:
    try:
        node = parse_expression(text, scope)
    except FeelSyntaxError:
        return set()
    return {item.name for item in nodes.walk(node) if isinstance(item, nodes.Name)}


def column_inputs(defs: dmn.Definitions) -> list[tuple[set[str], list[str]]]:
    """(inputs a column reads, the column's cell texts) for every decision-table input column.

    A column whose expression is an input's name reads that input; one naming a decision
    reads what that decision reads. Knowledge-model columns count when their parameter has
    an input's name.
    """
    inputs = {data.name for data in defs.input_data}
    deps = dependencies(defs)
    scope = sorted(inputs | set(deps))
    columns = []
    for table in _tables(defs):
        for index, clause in enumerate(table.inputs):
            read: set[str] = set()
            for name in _names_in(clause.input_expression.text, scope):
                read |= {name} if name in inputs else deps.get(name, set())
            cells = [
                rule.input_entries[index].text
                for rule in table.rules
                if index < len(rule.input_entries)
            ]
            columns.append((read, cells))
    return columns


def _tables(defs: dmn.Definitions) -> Iterable[dmn.DecisionTable]:
    for decision in defs.decisions:
        if isinstance(decision.expression, dmn.DecisionTable):
            yield decision.expression
    for bkm in defs.business_knowledge_models:
        if bkm.logic is not None and isinstance(bkm.logic.body, dmn.DecisionTable):
            yield bkm.logic.body


# --- literals in cells -------------------------------------------------------------------------


def literals(text: str, scope: Sequence[str] = ()) -> tuple[list[Any], list[Any]]:
    """(thresholds, exact values) in a unary-tests text: numbers and dates, then strings.

    Thresholds get neighbours; strings (and booleans) are taken as they are.
    """
    try:
        tree = parse_unary_tests(text, scope)
    except FeelSyntaxError:
        return [], []
    thresholds: list[Any] = []
    exact: list[Any] = []
    skip: set[int] = set()  # literals read as part of a bigger one (-5, date("..."))
    for node in nodes.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, nodes.Negation) and isinstance(node.operand, nodes.NumberLiteral):
            skip.add(id(node.operand))
            thresholds.append(-node.operand.value)
        elif isinstance(node, nodes.NumberLiteral):
            thresholds.append(node.value)
        elif isinstance(node, nodes.StringLiteral | nodes.BooleanLiteral):
            exact.append(node.value)
        elif _is_date_literal(node):
            skip.update(id(child) for child in nodes.walk(node))
            value = _constant(text[node.span[0] : node.span[1]])
            if isinstance(value, Date):
                thresholds.append(value)
    return thresholds, exact


def _is_date_literal(node: nodes.Node) -> bool:
    if isinstance(node, nodes.TemporalLiteral):
        return True
    return (
        isinstance(node, nodes.FunctionCall)
        and isinstance(node.function, nodes.Name)
        and node.function.name == "date"
        and len(node.arguments) == 1
        and isinstance(node.arguments[0].value, nodes.StringLiteral)
    )


def _constant(text: str) -> Any:
    try:
        return evaluate(text)
    except (FeelSyntaxError, FeelEvalError):
        return None


def neighbours(value: Any, integer: bool = False) -> list[Any]:
    """The value with the values just below and just above it."""
    if isinstance(value, bool):
        return [value]
    if isinstance(value, decimal.Decimal):
        if integer:
            if value == value.to_integral_value():
                return [value - 1, value, value + 1]
            return [
                value.to_integral_value(decimal.ROUND_FLOOR),
                value.to_integral_value(decimal.ROUND_CEILING),
            ]
        exponent = value.as_tuple().exponent
        step = decimal.Decimal(1).scaleb(min(int(exponent), 0) - 1)
        return [value - step, value, value + step]
    if isinstance(value, Date):
        return [_shift(value, "-"), value, _shift(value, "+")]
    return [value]


def _shift(value: Date, sign: str) -> Any:
    return evaluate(f'date("{value}") {sign} duration("P1D")')


# --- candidates --------------------------------------------------------------------------------


def candidates(
    models: Sequence[dmn.Definitions], seeds: Sequence[Mapping[str, Any]] = ()
) -> dict[str, list[Any]]:
    """Input name -> its candidate values, over every input any of ``models`` declares."""
    decls_by_model = [{d.name: d for d in field_specs(defs)} for defs in models]
    names: list[str] = []
    for decls in decls_by_model:
        names += [name for name in decls if name not in names]
    found: dict[str, list[Any]] = {name: [] for name in names}
    for defs, decls in zip(models, decls_by_model, strict=True):
        _from_declarations(decls, found)
        _from_cells(defs, decls, found)
    for seed in seeds:
        for name, value in seed.items():
            if name in found:
                found[name].append(value)
    return {name: _admissible(name, found[name], decls_by_model) for name in names}


def _from_declarations(decls: Mapping[str, FieldSpec], found: dict[str, list[Any]]) -> None:
    for name, decl in decls.items():
        values = found[name]
        if decl.base == "boolean":
            values += [True, False]
        for text in decl.allowed_texts:
            thresholds, exact = literals(text)
            values += exact
            for threshold in thresholds:
                values += neighbours(threshold, decl.integer)
        if not decl.required and decl.default_text is None:
            values.append(None)


def _from_cells(
    defs: dmn.Definitions, decls: Mapping[str, FieldSpec], found: dict[str, list[Any]]
) -> None:
    scope = sorted(decls)
    for read, cells in column_inputs(defs):
        direct = len(read) == 1
        for text in cells:
            thresholds, exact = literals(text, scope)
            for name in read:
                decl = decls[name]
                found[name] += [value for t in thresholds for value in neighbours(t, decl.integer)]
                if direct:
                    found[name] += exact


def _admissible(
    name: str, values: list[Any], decls_by_model: Sequence[Mapping[str, FieldSpec]]
) -> list[Any]:
    """The values some version accepts for this input, of its type, deduplicated, sorted."""
    decls = [decls[name] for decls in decls_by_model if name in decls]
    kept: dict[tuple[str, str], Any] = {}
    for value in values:
        key = _key(value)
        if key in kept:
            continue
        if value is None or any(_fits(decl, value) for decl in decls):
            kept[key] = value
    if any(decl.is_list for decl in decls):
        kept = _as_lists(kept, decls)
    return sorted(kept.values(), key=_sort_key)


def _fits(decl: FieldSpec, value: Any) -> bool:
    if isinstance(value, list):
        return decl.is_list and _of_list_type(decl, value) and _admits(decl, value)
    if decl.is_list:
        return _of_type(decl.base, value)  # an element: _as_lists makes and checks the lists
    return _of_type(decl.base, value) and _admits(decl, value)


def _admits(decl: FieldSpec, value: Any) -> bool:
    """True when the service would accept ``value`` for this input."""
    return not check_value(decl, value, decl.name)[1]


def _of_type(base: str | None, value: Any) -> bool:
    if isinstance(value, bool) or base == "boolean":
        return isinstance(value, bool) and base in ("boolean", None)
    expected = {"number": decimal.Decimal, "string": str, "date": Date}.get(base or "")
    return True if expected is None else isinstance(value, expected)


def _as_lists(kept: dict[tuple[str, str], Any], decls: Sequence[FieldSpec]) -> dict[Any, Any]:
    """For a collection input: the empty list, each element alone, and all elements."""
    elements = [v for v in kept.values() if v is not None and not isinstance(v, list)]
    lists: list[Any] = [v for v in kept.values() if isinstance(v, list) or v is None]
    lists += [[], *([e] for e in elements)]
    if len(elements) > 1:
        lists.append(elements)
    result: dict[Any, Any] = {}
    for value in lists:
        if value is None or any(_fits(decl, value) for decl in decls):
            result.setdefault(_key(value), value)
    return result


def _of_list_type(decl: FieldSpec, value: list[Any]) -> bool:
    return all(not isinstance(item, list) and _of_type(decl.base, item) for item in value)


def _key(value: Any) -> tuple[str, str]:
    """A key telling values apart by type as well (True is not 1, 2.0 is 2)."""
    if isinstance(value, decimal.Decimal):
        return ("number", str(value.normalize()) if value.is_finite() else str(value))
    if isinstance(value, list):
        return ("list", repr([_key(item) for item in value]))
    return (type(value).__name__, str(value))


_RANK = {"NoneType": 0, "bool": 1, "number": 2, "str": 3, "list": 5}


def _sort_key(value: Any) -> tuple[int, Any, str]:
    kind, text = _key(value)
    number = value if isinstance(value, decimal.Decimal) and value.is_finite() else 0
    return (_RANK.get(kind, 4), number, text)


# --- combining ---------------------------------------------------------------------------------


def input_sets(
    cands: Mapping[str, list[Any]],
    seeds: Sequence[Mapping[str, Any]] = (),
    focus: Iterable[str] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[InputSet]:
    """Input sets covering the candidates, at most ``limit`` of them (see :func:`sample`)."""
    return sample(cands, seeds, focus, limit)[0]


def sample(
    cands: Mapping[str, list[Any]],
    seeds: Sequence[Mapping[str, Any]] = (),
    focus: Iterable[str] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[InputSet], bool]:
    """Input sets covering the candidates, at most ``limit`` of them (the seeds always), and
    whether the limit cut the generation short (more sets were to come).

    Every combination when there are few enough. Otherwise, in this order until the limit:
    the seeds; every combination of the ``focus`` inputs (those the changed logic reads)
    set into each seed; each seed varied one input at a time; the focus combinations set
    into a pairwise covering of the other inputs. When the focus inputs alone have too
    many combinations (or there are none), a pairwise covering of all inputs comes last.
    """
    names = list(cands)
    domains = {name: cands[name] or [None] for name in names}
    if _count(domains, names) <= limit:
        every = [dict(zip(names, combo, strict=True)) for combo in _product(domains, names)]
        return every, False
    wanted = set(focus or ())
    focused = [name for name in names if name in wanted]
    rest = [name for name in names if name not in wanted]
    first = {name: domains[name][0] for name in names}
    primary = [{name: seed.get(name) for name in names} for seed in seeds] or [first]
    steps: list[Iterable[InputSet]] = [primary]
    if focused and _count(domains, focused) <= limit:
        combos = [dict(zip(focused, c, strict=True)) for c in _product(domains, focused)]
        others = [{**first, **row} for row in pairwise({n: domains[n] for n in rest})]
        steps.append({**base, **combo} for base in primary for combo in combos)
        steps.append(_one_at_a_time(primary, domains))
        steps.append({**base, **combo} for base in others for combo in combos)
    else:
        steps.append(_one_at_a_time(primary, domains))
        steps.append({**first, **row} for row in pairwise(domains))
    chain = itertools.chain(*steps)
    kept = unique(chain, max(limit, len(primary)))
    seen = {set_key(item) for item in kept}
    return kept, any(set_key(item) not in seen for item in chain)


def _one_at_a_time(
    bases: Sequence[InputSet], domains: Mapping[str, list[Any]]
) -> Iterable[InputSet]:
    for base in bases:
        for name, values in domains.items():
            for value in values:
                yield {**base, name: value}


def _count(domains: Mapping[str, list[Any]], names: Sequence[str]) -> int:
    return math.prod(len(domains[name]) for name in names)


def _product(domains: Mapping[str, list[Any]], names: Sequence[str]) -> Iterable[tuple[Any, ...]]:
    return itertools.product(*(domains[name] for name in names))


def set_key(item: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, str]], ...]:
    """A key telling input sets apart; an absent input counts as null (the service's view)."""
    return tuple(sorted((name, _key(value)) for name, value in item.items() if value is not None))


def unique(sets: Iterable[InputSet], limit: int | None = None) -> list[InputSet]:
    """The input sets without repeats, first occurrence kept, at most ``limit`` of them."""
    seen: set[tuple[tuple[str, tuple[str, str]], ...]] = set()
    kept: list[InputSet] = []
    if limit is not None and limit <= 0:
        return kept
    for item in sets:
        key = set_key(item)
        if key not in seen:
            seen.add(key)
            kept.append(item)
            if limit is not None and len(kept) >= limit:
                break  # before taking the next item: a caller may go on reading ``sets``
    return kept


def pairwise(domains: Mapping[str, list[Any]]) -> list[InputSet]:
    """Rows in which every pair of values of every two inputs occurs at least once (greedy)."""
    names = list(domains)
    if len(names) < 2:
        return [{name: value} for name in names for value in domains[name]]
    sizes = [len(domains[name]) for name in names]
    uncovered = {
        (i, a, j, b)
        for i, j in itertools.combinations(range(len(names)), 2)
        for a in range(sizes[i])
        for b in range(sizes[j])
    }
    rows: list[dict[int, int]] = []
    while uncovered:
        i, a, j, b = min(uncovered)
        row = {i: a, j: b}
        for k in range(len(names)):
            if k not in row:
                row[k] = _best(row, k, sizes[k], uncovered)
        rows.append(row)
        pairs = itertools.combinations(range(len(names)), 2)
        uncovered -= {(p, row[p], q, row[q]) for p, q in pairs}
    return [{names[k]: domains[names[k]][v] for k, v in sorted(row.items())} for row in rows]


def _best(
    row: Mapping[int, int], k: int, size: int, uncovered: set[tuple[int, int, int, int]]
) -> int:
    """The value of input ``k`` that covers most uncovered pairs with the row (lowest on ties)."""
    gains = [_gain(row, k, v, uncovered) for v in range(size)]
    return gains.index(max(gains))


def _gain(row: Mapping[int, int], k: int, v: int, uncovered: set[tuple[int, int, int, int]]) -> int:
    return sum(
        1
        for p, value in row.items()
        if (min(p, k), value if p < k else v, max(p, k), v if p < k else value) in uncovered
    )
