"""Compiling paths, filters and iterations: Path / Filter / For / Quantified -> closures.

- ``a.b``: a context's entry (null when absent), mapped over a list, a property of a date,
  time, duration or range.
- ``list[cond]``: items for which ``cond`` is true, with ``item`` and the item's own entries
  in scope; a number selects one item (1-based, negative from the end, out of range = null);
  a non-list is filtered as a singleton list.
- ``for``: the cartesian product of the iteration contexts, with ``partial`` holding the
  results so far; ``a..b`` counts up or down by one.
- ``some``/``every``: true when the condition is true for some / all combinations.

Every item filtered and every iteration is a step of the evaluation's time budget (see
:mod:`service.feel.env`); a ``for`` whose body reads ``partial`` spends a step per result
copied too. The budget's EvaluationTimeout is not an Exception: the guards below let it
through.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator
from typing import Any

from service.feel import compile_messages as messages
from service.feel import nodes as n
from service.feel import temporal
from service.feel.compile_base import CompilerBase, Fn, fail
from service.feel.env import Env
from service.feel.values import Date, DateTime, DaysTimeDuration, Range, Time, YearsMonthsDuration

_TEMPORAL = (Date, DateTime, Time, YearsMonthsDuration, DaysTimeDuration)

RANGE_PROPERTIES: dict[str, Callable[[Range], Any]] = {
    "start": lambda r: r.start,
    "end": lambda r: r.end,
    "start included": lambda r: r.start_included,
    "end included": lambda r: r.end_included,
}


def member(value: Any, name: str) -> Any:
    """``value.name`` for any FEEL value; FeelEvalError where the path makes no sense."""
    if isinstance(value, dict):
        return value.get(name)
    if value is None:
        return None
    if isinstance(value, list):  # contexts' entries inline: the usual list is of contexts
        return [item.get(name) if type(item) is dict else member(item, name) for item in value]
    if isinstance(value, _TEMPORAL):
        return temporal.get_property(value, name)
    if isinstance(value, Range):
        prop = RANGE_PROPERTIES.get(name)
        if prop is None:
            raise messages.unknown_property("range", name)
        return prop(value)
    from service.feel.ops import type_name

    raise messages.unknown_property(type_name(value), name)


def _index(items: list[Any], position: decimal.Decimal) -> Any:
    """``items[position]``: 1-based, negative from the end, null when out of range."""
    if position != position.to_integral_value():
        raise messages.invalid_index(position)
    i = int(position)
    if i > 0 and i <= len(items):
        return items[i - 1]
    if i < 0 and -i <= len(items):
        return items[i]
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, decimal.Decimal)


class IterCompiler(CompilerBase):
    """``compile_<Node>`` for paths, filters, ``for`` and ``some``/``every``."""

    def compile_Path(self, node: n.Path) -> Fn:
        """``a.b``: see :func:`member`."""
        base, name = self.compile(node.base), node.member
        source, span = self.source, node.span
        folded = self.fold(lambda v: member(v, name), base)
        if folded is not None:
            return folded
        if isinstance(node.base, n.Name) and self.static_builtin(node.base.name) is None:
            return _name_path(node.base.name, base, name, source, span)

        def run(env: Env) -> Any:
            value = base(env)
            if isinstance(value, dict):  # the common case first
                return value.get(name)
            try:
                return member(value, name)
            except Exception as exc:
                return fail(env, exc, source, span)

        return run

    def compile_Filter(self, node: n.Filter) -> Fn:
        """``list[condition]`` or ``list[index]``."""
        base = self.compile(node.base)
        self.open_scopes += 1  # an item's entries are in scope: any name may be bound
        try:
            condition = self.compile(node.condition)
        finally:
            self.open_scopes -= 1
        source, span = self.source, node.span
        literal_index = _is_literal_number(node.condition)
        used = _names_used(node.condition)
        reuse = not _captures_scope(node.condition)

        def run(env: Env) -> Any:
            value = base(env)
            if value is None:
                return None
            items = value if isinstance(value, list) else [value]
            try:
                if literal_index:
                    return _index(items, condition(env))
                return _filter(items, condition, env, used, reuse)
            except Exception as exc:
                return fail(env, exc, source, span)

        return run

    def compile_For(self, node: n.For) -> Fn:
        """``for ... return body``: the list of the body's values."""
        domains = self.iteration_domains(node.iterations)
        body = self.compile(node.body)
        uses_partial = n.uses_name(node.body, "partial")
        if len(domains) == 1:
            name, domain, domain_end = domains[0]
            reuse = not _captures_scope(node.body)

            def run_one(env: Env) -> Any:
                # One iteration context, the usual case: one scope, its variables replaced
                # for each value (a fresh scope when the body may keep it in a function).
                results: list[Any] = []
                scope = env.child({})
                evaluation = env.evaluation
                for value in _domain_values(env, domain, domain_end):
                    evaluation.steps -= 1 + len(results) if uses_partial else 1
                    if evaluation.steps < 0:
                        evaluation.check_deadline()
                    names = (
                        {name: value, "partial": list(results)} if uses_partial else {name: value}
                    )
                    if reuse:
                        scope.vars = names
                    else:
                        scope = env.child(names)
                    results.append(body(scope))
                return results

            return self.guarded(node, run_one)

        def run(env: Env) -> Any:
            results: list[Any] = []
            evaluation = env.evaluation
            for scope in _combinations(env, domains):  # a step per value of each domain
                if uses_partial:
                    evaluation.steps -= len(results)  # and one per result copied
                    if evaluation.steps < 0:
                        evaluation.check_deadline()
                    scope.vars["partial"] = list(results)
                results.append(body(scope))
            return results

        return self.guarded(node, run)

    def compile_Quantified(self, node: n.Quantified) -> Fn:
        """``some``/``every ... satisfies condition``."""
        domains = self.iteration_domains(node.iterations)
        condition = self.compile(node.condition)
        wanted = node.quantifier == "some"
        if len(domains) == 1:
            name, domain, domain_end = domains[0]
            reuse = not _captures_scope(node.condition)

            def run_one(env: Env) -> Any:
                scope = env.child({})
                evaluation = env.evaluation
                for value in _domain_values(env, domain, domain_end):
                    evaluation.steps -= 1
                    if evaluation.steps < 0:
                        evaluation.check_deadline()
                    if reuse:
                        scope.vars = {name: value}
                    else:
                        scope = env.child({name: value})
                    if (condition(scope) is True) is wanted:
                        return wanted
                return not wanted

            return self.guarded(node, run_one)

        def run(env: Env) -> Any:
            for scope in _combinations(env, domains):  # a step per value of each domain
                if (condition(scope) is True) is wanted:
                    return wanted
            return not wanted

        return self.guarded(node, run)

    def iteration_domains(self, iterations: list[n.Iteration]) -> list[tuple[str, Fn, Fn | None]]:
        """(variable, domain, end of an ``a..b`` domain or None) for each iteration context."""
        return [
            (
                it.name,
                self.compile(it.domain),
                self.compile(it.domain_end) if it.domain_end else None,
            )
            for it in iterations
        ]

    def guarded(self, node: n.Node, run: Fn) -> Fn:
        """``run`` with the errors raised by domains turned into null + warning."""
        source, span = self.source, node.span

        def safe(env: Env) -> Any:
            try:
                return run(env)
            except Exception as exc:
                return fail(env, exc, source, span)

        return safe


def _name_path(variable: str, lookup: Fn, name: str, source: str, span: tuple[int, int]) -> Fn:
    """``variable.name``: the variable read from the first scope when it is there (the
    usual case: an iteration variable, an item, a parameter), else looked up."""

    def run(env: Env) -> Any:
        value = env.vars.get(variable, _MISSING)
        if value is _MISSING:
            value = lookup(env)
        if isinstance(value, dict):
            return value.get(name)
        try:
            return member(value, name)
        except Exception as exc:
            return fail(env, exc, source, span)

    return run


_MISSING = object()


def _is_literal_number(node: n.Node) -> bool:
    if isinstance(node, n.Negation):
        node = node.operand
    return isinstance(node, n.NumberLiteral)


def _names_used(node: n.Node) -> tuple[str, ...]:
    """Every name read under ``node`` (names are resolved where they are written, so these
    are all the names its evaluation can look up in the scopes it is given)."""
    return tuple(sorted({x.name for x in n.walk(node) if isinstance(x, n.Name)}))


def _captures_scope(node: n.Node) -> bool:
    """Whether evaluating ``node`` may keep its scope beyond its own evaluation: a function
    defined in it closes over the scope. Otherwise a loop may reuse one scope object."""
    return any(isinstance(x, n.FunctionDefinition) for x in n.walk(node))


def _filter(items: list[Any], condition: Fn, env: Env, used: tuple[str, ...], reuse: bool) -> Any:
    """Items for which ``condition`` is true; a number result selects by index instead.

    Each item is in scope as ``item``, and a context's entries by their names (an entry
    named item wins); only the entries named in the condition are bound, as no other can
    be looked up.
    """
    kept: list[Any] = []
    scope = env.child({})
    evaluation = env.evaluation
    for position, item in enumerate(items):
        evaluation.steps -= 1
        if evaluation.steps < 0:
            evaluation.check_deadline()
        scope_vars = {"item": item}
        if isinstance(item, dict):
            for name in used:
                if name in item:
                    scope_vars[name] = item[name]
        if reuse:
            scope.vars = scope_vars
        else:
            scope = env.child(scope_vars)
        result = condition(scope)
        if result is True:
            kept.append(item)
        elif position == 0 and _is_number(result):
            return _index(items, result)
    return kept


def _combinations(env: Env, domains: list[tuple[str, Fn, Fn | None]]) -> Iterator[Env]:
    """A scope for each combination of the iteration variables (later domains see earlier
    ones). Each value of each domain is a step of the time budget."""
    if not domains:
        yield env.child({})
        return
    (name, domain, domain_end), rest = domains[0], domains[1:]
    evaluation = env.evaluation
    for value in _domain_values(env, domain, domain_end):
        evaluation.steps -= 1
        if evaluation.steps < 0:
            evaluation.check_deadline()
        scope = env.child({name: value})
        if rest:
            yield from _combinations(scope, rest)
        else:
            yield scope


def _domain_values(env: Env, domain: Fn, domain_end: Fn | None) -> list[Any] | Iterator[Any]:
    """The values an iteration variable takes."""
    start = domain(env)
    if domain_end is not None:
        return _count(start, domain_end(env))
    if isinstance(start, list):
        return start
    if isinstance(start, Range):
        return _range_values(start)
    if start is None:
        return []
    return [start]


# The most values an ``a..b`` domain may count through. Far beyond any clinical or
# schedule computation, it keeps a typo (``1..1e9``) or a hostile input from holding a
# worker for ever and filling its memory: past it the loop is null with a warning.
MAX_RANGE_VALUES = 1_000_000


def _count(start: Any, end: Any) -> Iterator[Any]:
    """``a..b``: whole numbers (or dates) from a to b inclusive, up or down by one."""
    if isinstance(start, Date) and isinstance(end, Date) and not isinstance(start, DateTime):
        first, last = temporal.date_days(start), temporal.date_days(end)
        _check_size(first, last)
        step = 1 if last >= first else -1
        return (temporal.date_from_days(d) for d in range(first, last + step, step))
    for bound in (start, end):
        if not _is_number(bound) or bound != bound.to_integral_value():
            raise messages.invalid_iteration("an iteration range needs whole numbers or dates")
    a, b = int(start), int(end)
    _check_size(a, b)
    step = 1 if b >= a else -1
    return (decimal.Decimal(i) for i in range(a, b + step, step))


def _check_size(first: int, last: int) -> None:
    if abs(last - first) >= MAX_RANGE_VALUES:
        raise messages.invalid_iteration(
            f"the range has {abs(last - first) + 1} values; "
            f"at most {MAX_RANGE_VALUES:,} are iterated"
        )


def _range_values(rng: Range) -> Iterator[Any]:
    """The whole numbers (or dates) of a bounded range value, honouring open ends.

    Made as they are iterated (a loop spends its budget on each), but checked now: the
    errors are the domain's, raised when it is evaluated.
    """
    if rng.start is None or rng.end is None:
        raise messages.invalid_iteration("the range is unbounded")
    from service.feel.ops import compare

    if compare(rng.start, rng.end) == 1:
        raise messages.invalid_iteration("the range is descending")
    values = _count(rng.start, rng.end)
    if not rng.start_included:
        next(values, None)
    return values if rng.end_included else _all_but_last(values)


def _all_but_last(values: Iterator[Any]) -> Iterator[Any]:
    previous = next(values, _MISSING)
    for value in values:
        yield previous
        previous = value
