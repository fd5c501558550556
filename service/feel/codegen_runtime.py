"""What generated FEEL code calls at run time: the helpers behind :mod:`service.feel.codegen`.

The generated function reaches these only through the names in :data:`HELPERS` (bound
once, as closure cells, when the function is made), never through text built from a
model. Each helper does exactly what the closure compiler's code does at the same place
(the same operator, the same warning with the same span), so that the generated code and
the closures give equal answers and equal warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from service.feel import ops, types
from service.feel.compile_base import fail
from service.feel.compile_calls import _bind, _conform, not_a_function
from service.feel.compile_iter import _count, _index, _range_values, member
from service.feel.compile_ops import and3, make_range
from service.feel.env import Env
from service.feel.values import FEEL_CONTEXT, Function, Range

UNSET = object()  # "not bound here": a name's cache not filled yet, an absent entry
ONCE = (None,)  # a loop run once, so that ``break`` can leave a chain of branches


def lookup(env: Env | None, name: str) -> Any:
    """The value bound to ``name`` in the nearest scope of ``env``'s chain, else UNSET."""
    while env is not None:
        value = env.vars.get(name, UNSET)
        if value is not UNSET:
            return value
        env = env.parent
    return UNSET


def op2(env: Env, op: Callable[[Any, Any], Any], a: Any, b: Any, source: str, span: Any) -> Any:
    """``op(a, b)``, an error becoming null plus a warning at ``span``."""
    try:
        return op(a, b)
    except Exception as exc:
        return fail(env, exc, source, span)


def op1(env: Env, op: Callable[[Any], Any], a: Any, source: str, span: Any) -> Any:
    """``op(a)``, an error becoming null plus a warning at ``span``."""
    try:
        return op(a)
    except Exception as exc:
        return fail(env, exc, source, span)


def build_range(
    env: Env, start: Any, end: Any, closed: tuple[bool, bool], source: str, span: Any
) -> Any:
    """A range literal's value, as ``compile_RangeLiteral`` builds it."""
    try:
        return make_range(start, end, *closed)
    except Exception as exc:
        return fail(env, exc, source, span)


def bind_item(scope: dict[str, Any], item: Any, entries: Any, names: tuple[str, ...]) -> None:
    """Add what a filter's scope binds for ``item`` (``item`` and its entries named in
    ``names``) to the variables of a scope made for a closure."""
    scope["item"] = item
    for name in names:
        value = entries.get(name, UNSET)
        if value is not UNSET:
            scope[name] = value


def scope(variables: dict[str, Any], env: Env, caller: Env | None) -> Env:
    """The Env a closure needs where generated code keeps names in Python variables:
    ``variables`` over ``env``, warnings going to ``caller``'s evaluation when given."""
    return Env(variables, env, caller.evaluation if caller is not None else None)


def domain(start: Any) -> Any:
    """The values an iteration variable takes over the domain value ``start`` (not a..b)."""
    if isinstance(start, list):
        return start
    if isinstance(start, Range):
        return _range_values(start)
    if start is None:
        return []
    return [start]


def check_function(fn: Any) -> None:
    """FeelEvalError unless ``fn`` can be invoked."""
    if not isinstance(fn, Function):
        raise not_a_function(fn)


def make_function(parameters: Any, invoke: Any, signature: Any) -> Function:
    """The value of an inline ``function(...) body``."""
    return Function("anonymous function", parameters, invoke, extra={"type": signature})


def bind(names: list[str], args: list[Any], named: dict[str, Any] | None) -> dict[str, Any]:
    """Parameter name -> argument (FeelEvalError when they do not fit)."""
    return _bind(names, args, named)


# The helpers by the names generated code uses; the order is the factory's parameters'.
HELPERS: dict[str, Any] = {
    "_UNSET": UNSET,
    "_ONCE": ONCE,
    "_EMPTY": MappingProxyType({}),
    "_Exception": Exception,
    "_lookup": lookup,
    "_fail": fail,
    "_op2": op2,
    "_op1": op1,
    "_range": build_range,
    "_bind_item": bind_item,
    "_scope": scope,
    "_domain": domain,
    "_count": _count,
    "_index": _index,
    "_member": member,
    "_check_function": check_function,
    "_make_function": make_function,
    "_bind": bind,
    "_conform": _conform,
    "_Decimal": Decimal,
    "_Function": Function,
    "_dict": dict,
    "_list": list,
    "_str": str,
    "_bool": bool,
    "_isinstance": isinstance,
    "_enumerate": enumerate,
    "_type": type,
    "_len": len,
    "_add": FEEL_CONTEXT.add,
    "_subtract": FEEL_CONTEXT.subtract,
    "_multiply": FEEL_CONTEXT.multiply,
    "_minus": FEEL_CONTEXT.minus,
    "_ops_add": ops.add,
    "_ops_subtract": ops.subtract,
    "_ops_negate": ops.negate,
    "_less_equal": ops.less_equal,
    "_and3": and3,
    "_is_instance": types.is_instance,
}
