"""List built-ins that build or search lists (DMN 1.5 10.3.4.4 and 10.3.4.9): lists in, lists out.

list contains, count, sublist, append, concatenate, insert before, remove, reverse,
index of, union, distinct values, flatten, list replace and sort. Positions are 1-based,
negative ones count from the end; items are compared with FEEL equality (ops.equal).
The aggregates (min, sum, mean, ...) are in :mod:`aggregates`.

Every built-in here that goes through a whole list (all but count) spends a step of the
evaluation's time budget per item (see :mod:`service.feel.env`), and those whose work can
grow faster than their input (sort's comparisons, distinct values and union over values
without a hash) spend more as they go, so that no long list can hold a worker.
"""

from __future__ import annotations

import decimal
from functools import cmp_to_key
from typing import Any

from service.feel import ops
from service.feel.builtins.args import (
    charge,
    count,
    expected,
    function_arg,
    integer_arg,
    list_arg,
)
from service.feel.builtins.registry import builtin
from service.feel.errors import invalid_argument, type_mismatch
from service.feel.values import Function


def _position(fn: str, position: Any, size: int) -> int:
    """The 0-based index of an existing item at a 1-based (or negative) FEEL position."""
    n = integer_arg(fn, "position", position)
    if 1 <= n <= size:
        return n - 1
    if -size <= n <= -1:
        return size + n
    # The argument, not n: n is clamped (integer_arg) and a huge int would not print.
    raise invalid_argument(f"{fn}(): position {position} is outside a list of {size} item(s)")


def _contains(values: list[Any], element: Any) -> bool:
    # The common needles first. Null equals only null; a string equals only an equal string,
    # and Python's ``in`` agrees (no other FEEL value compares equal to a str). A number
    # equals only an equal number: Python's ``in`` would not do (True == Decimal(1)), so
    # each item's type is checked. Other needles take the general path.
    if element is None:
        return any(value is None for value in values)
    kind = type(element)
    if kind is str:
        return element in values
    if kind is decimal.Decimal:
        for value in values:  # noqa: SIM110  (a loop: any() over a generator is slower)
            if type(value) is decimal.Decimal and value == element:
                return True
        return False
    equal = ops.equal
    return any(equal(value, element) is True for value in values)


@builtin("list contains", "list", "element", needs_env=True)
def list_contains(env: Any, lst: Any, element: Any) -> bool:
    """list contains(list, element): whether an item equals ``element`` (null finds null)."""
    values = list_arg("list contains", "list", lst)
    charge(env, values)  # in a loop over a long list: quadratic
    return _contains(values, element)


@builtin("count", "list")
def count_(lst: Any) -> Any:
    """count(list): the number of items."""
    return count(len(list_arg("count", "list", lst)))


def _sublist(env: Any, lst: Any, start_position: Any, length: Any) -> list[Any]:
    values = list_arg("sublist", "list", lst)
    charge(env, values)
    start = _position("sublist", start_position, len(values))
    if length is None:
        return values[start:]
    n = integer_arg("sublist", "length", length)
    if n < 0 or start + n > len(values):
        raise invalid_argument(f"sublist(): length {length} goes past the end of the list")
    return values[start : start + n]


@builtin("sublist", "list", "start position", needs_env=True)
def sublist(env: Any, lst: Any, start_position: Any) -> list[Any]:
    """sublist(list, start position): the items from the position on."""
    return _sublist(env, lst, start_position, None)


@builtin("sublist", "list", "start position", "length", needs_env=True)
def sublist_length(env: Any, lst: Any, start_position: Any, length: Any) -> list[Any]:
    """sublist(list, start position, length): ``length`` items from the position."""
    if length is None:
        raise expected("sublist", "length", "a number", length)
    return _sublist(env, lst, start_position, length)


@builtin("append", "list", "*item", needs_env=True)
def append(env: Any, lst: Any, item: list[Any]) -> list[Any]:
    """append(list, item...): a new list with the items added at the end."""
    result = [*list_arg("append", "list", lst), *item]
    charge(env, result)
    return result


def _concatenate(lists: list[Any]) -> list[Any]:
    result: list[Any] = []
    for part in lists:
        result.extend(list_arg("concatenate", "list", part))
    return result


@builtin("concatenate", "*list", needs_env=True)
def concatenate(env: Any, lists: list[Any]) -> list[Any]:
    """concatenate(list...): the lists joined in order."""
    result = _concatenate(lists)
    charge(env, result)
    return result


@builtin("insert before", "list", "position", "newItem", needs_env=True)
def insert_before(env: Any, lst: Any, position: Any, new_item: Any) -> list[Any]:
    """insert before(list, position, newItem): ``newItem`` inserted before the item at position."""
    values = list_arg("insert before", "list", lst)
    charge(env, values)
    index = _position("insert before", position, len(values))
    return [*values[:index], new_item, *values[index:]]


@builtin("remove", "list", "position", needs_env=True)
def remove(env: Any, lst: Any, position: Any) -> list[Any]:
    """remove(list, position): the list without the item at position."""
    values = list_arg("remove", "list", lst)
    charge(env, values)
    index = _position("remove", position, len(values))
    return [*values[:index], *values[index + 1 :]]


@builtin("reverse", "list", needs_env=True)
def reverse(env: Any, lst: Any) -> list[Any]:
    """reverse(list)."""
    values = list_arg("reverse", "list", lst)
    charge(env, values)
    return values[::-1]


@builtin("index of", "list", "match", needs_env=True)
def index_of(env: Any, lst: Any, match: Any) -> list[Any]:
    """index of(list, match): the 1-based positions of the items equal to ``match``."""
    values = list_arg("index of", "list", lst)
    charge(env, values)  # in a loop over a long list: quadratic
    return [count(i + 1) for i, value in enumerate(values) if ops.equal(value, match) is True]


def index_of_first(env: Any, lst: Any, match: Any) -> list[Any]:
    """``index of(list, match)`` up to its first position only: what ``index of(list,
    match)[1]`` reads (generated code calls it for that shape). The same checks and steps;
    the items after the first equal one are not compared (equality has no side effects)."""
    values = list_arg("index of", "list", lst)
    charge(env, values)
    if type(match) is dict:  # ``index of(rows, row)``: ops.equal's context case, inline
        contexts_equal, equal = ops.contexts_equal, ops.equal
        for i, value in enumerate(values):
            if value is match:
                return [count(i + 1)]
            if type(value) is dict:
                if contexts_equal(value, match) is True:
                    return [count(i + 1)]
            elif equal(value, match) is True:
                return [count(i + 1)]
        return []
    equal = ops.equal
    for i, value in enumerate(values):
        if equal(value, match) is True:
            return [count(i + 1)]
    return []


def _hash_key(value: Any) -> tuple[str, Any] | None:
    """A set key equal exactly when FEEL equality holds, for the common scalar types."""
    if value is None or isinstance(value, bool):
        return ("b", value)  # bool before Decimal: True must not meet the number 1
    if isinstance(value, decimal.Decimal):
        return ("n", value)  # Decimal hashes by value: 1 and 1.0 share a key
    if isinstance(value, str):
        return ("s", value)
    return None


def _distinct(env: Any, values: list[Any]) -> list[Any]:
    charge(env, values)
    result: list[Any] = []
    seen: set[tuple[str, Any]] = set()
    others: list[Any] = []  # dates, lists, contexts...: compared with FEEL equality
    evaluation = env.evaluation
    for value in values:
        key = _hash_key(value)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        else:
            # Quadratic over values without a hash: a step per comparison.
            evaluation.spend(1 + len(others))
            if _contains(others, value):
                continue
            others.append(value)
        result.append(value)
    return result


@builtin("union", "*list", needs_env=True)
def union(env: Any, lists: list[Any]) -> list[Any]:
    """union(list...): the items of all lists, each once, in order of first appearance."""
    return _distinct(env, _concatenate(lists))


@builtin("distinct values", "list", needs_env=True)
def distinct_values(env: Any, lst: Any) -> list[Any]:
    """distinct values(list): the items without duplicates, in order of first appearance."""
    return _distinct(env, list_arg("distinct values", "list", lst))


def _flatten(values: list[Any], into: list[Any]) -> list[Any]:
    for value in values:
        if isinstance(value, list):
            _flatten(value, into)
        else:
            into.append(value)
    return into


@builtin("flatten", "list", needs_env=True)
def flatten(env: Any, lst: Any) -> list[Any]:
    """flatten(list): nested lists replaced by their items, recursively."""
    result = _flatten(list_arg("flatten", "list", lst), [])
    charge(env, result)
    return result


def _true(fn: str, env: Any, function: Function, args: list[Any]) -> bool:
    """Call a FEEL predicate; its answer must be a boolean."""
    answer = function.invoke(env, args, None)
    if not isinstance(answer, bool):
        raise type_mismatch(f"{fn}(): the function returned {ops.type_name(answer)}, not a boolean")
    return answer


def _list_replace(env: Any, lst: Any, where: Any, new_item: Any) -> list[Any]:
    values = list_arg("list replace", "list", lst)
    charge(env, values)
    if isinstance(where, Function):
        return [new_item if _true("list replace", env, where, [v, new_item]) else v for v in values]
    index = _position("list replace", where, len(values))
    return [*values[:index], new_item, *values[index + 1 :]]


@builtin("list replace", "list", "position", "newItem", needs_env=True)
def list_replace(env: Any, lst: Any, position: Any, new_item: Any) -> list[Any]:
    """list replace(list, position | match, newItem): replace the item at a position, or every
    item for which ``match(item, newItem)`` is true."""
    return _list_replace(env, lst, position, new_item)


@builtin("list replace", "list", "match", "newItem", needs_env=True)
def list_replace_match(env: Any, lst: Any, match: Any, new_item: Any) -> list[Any]:
    """list replace(list, match, newItem) called with named arguments."""
    return _list_replace(env, lst, function_arg("list replace", "match", match), new_item)


@builtin("sort", "list", "precedes?", needs_env=True)
def sort(env: Any, lst: Any, precedes: Any) -> list[Any]:
    """sort(list, precedes?): the items ordered by ``precedes(a, b)``, or by FEEL ordering."""
    values = list_arg("sort", "list", lst)
    evaluation = env.evaluation
    if precedes is None:

        def by_order(a: Any, b: Any) -> int:
            # FEEL's ordering (as aggregates.feel_order), each comparison a step of the budget.
            evaluation.steps -= 1
            if evaluation.steps < 0:
                evaluation.check_deadline()
            result = ops.compare(a, b)
            if result is None:
                raise type_mismatch(
                    f"sort(): cannot compare {ops.type_name(a)} with {ops.type_name(b)}"
                )
            return result

        return sorted(values, key=cmp_to_key(by_order))
    function = function_arg("sort", "precedes", precedes)

    def compare(a: Any, b: Any) -> int:
        # Python's sort only asks "a < b"; precedes(a, b) answers exactly that.
        evaluation.steps -= 1
        if evaluation.steps < 0:
            evaluation.check_deadline()
        return -1 if _true("sort", env, function, [a, b]) else 1

    return sorted(values, key=cmp_to_key(compare))
