"""The registry of FEEL built-in functions: names, parameters, overloads, argument matching.

Each spec section has a module here that registers its functions with :func:`builtin`.
One FEEL name may have several Python implementations (overloads), each with its own
parameter list: ``date(from)`` and ``date(year, month, day)``. Calls are matched here,
once, for every built-in: positional arguments by count, named arguments by name.

Parameter names are the spec's (``start position``); a name ending in ``?`` is optional
(passed as None when absent, or omitted for named calls); a name starting with ``*``
takes all remaining positional arguments as a list (``min(c1, ..., cN)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.feel.errors import FeelEvalError
from service.feel.values import Function, Parameter

BUILTINS: dict[str, Function] = {}
_OVERLOADS: dict[str, list[_Overload]] = {}


@dataclass(frozen=True, slots=True)
class _Overload:
    names: tuple[str, ...]  # without the ? and * marks
    required: int
    variadic: bool
    needs_env: bool
    impl: Callable[..., Any]

    def accepts_count(self, n: int) -> bool:
        if self.variadic:
            return n >= self.required
        return self.required <= n <= len(self.names)

    def bind_named(self, named: dict[str, Any]) -> list[Any] | None:
        """Positional arguments for this overload from named ones, or None if they do not fit."""
        if self.variadic or not set(named) <= set(self.names):
            return None
        if not all(name in named for name in self.names[: self.required]):
            return None
        return [named.get(name) for name in self.names]


Implementation = Callable[..., Any]


def builtin(
    name: str, *params: str, needs_env: bool = False
) -> Callable[[Implementation], Implementation]:
    """Register the decorated function as (one overload of) the FEEL built-in ``name``.

    With ``needs_env`` the implementation receives the caller's Env as first argument.
    """

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        variadic = bool(params) and params[-1].startswith("*")
        names = tuple(p.lstrip("*").rstrip("?") for p in params)
        fixed = params[:-1] if variadic else params
        required = sum(1 for p in fixed if not p.endswith("?"))
        overload = _Overload(names, required, variadic, needs_env, impl)
        _OVERLOADS.setdefault(name, []).append(overload)
        BUILTINS[name] = _function(name)
        return impl

    return register


def _function(name: str) -> Function:
    overloads = _OVERLOADS[name]
    parameters = [Parameter(n) for n in overloads[0].names]
    # Positional calls are matched by their argument count alone: remember the answer
    # for each count, so that a call in a loop costs a dictionary lookup.
    by_count: dict[int, Callable[[Any, list[Any]], Any]] = {}

    def invoke(env: Any, args: list[Any], named: dict[str, Any] | None) -> Any:
        if named is None:
            call = by_count.get(len(args))
            if call is None:
                overload, _ = _match(name, overloads, args, None)
                call = by_count[len(args)] = _positional_call(overload, len(args))
            return call(env, args)
        overload, positional = _match(name, overloads, args, named)
        return _positional_call(overload, len(positional))(env, positional)

    return Function(name=name, parameters=parameters, invoke=invoke)


def positional_overload(name: str, count: int) -> _Overload | None:
    """The overload of built-in ``name`` that a call with ``count`` positional arguments
    runs (the one :func:`_match` picks), or None when there is none: for callers that
    resolve a call once, such as generated code."""
    return next((o for o in _OVERLOADS.get(name, ()) if o.accepts_count(count)), None)


def _positional_call(overload: _Overload, count: int) -> Callable[[Any, list[Any]], Any]:
    """How to call ``overload`` with ``count`` positional arguments: variadic ones gathered
    into a list, absent optional ones as None, the Env first when it wants one."""
    impl, needs_env = overload.impl, overload.needs_env
    if overload.variadic:
        fixed = len(overload.names) - 1

        def gather(env: Any, args: list[Any]) -> Any:
            positional = [*args[:fixed], list(args[fixed:])]
            return impl(env, *positional) if needs_env else impl(*positional)

        return gather
    missing = [None] * (len(overload.names) - count)
    if needs_env:
        return lambda env, args: impl(env, *args, *missing)
    if not missing:
        return lambda env, args: impl(*args)
    return lambda env, args: impl(*args, *missing)


def _match(
    name: str, overloads: list[_Overload], args: list[Any], named: dict[str, Any] | None
) -> tuple[_Overload, list[Any]]:
    if named is None:
        chosen = positional_overload(name, len(args))
        if chosen is not None:
            return chosen, list(args)
        raise FeelEvalError("FEEL_ARITY", f"{name}() does not take {len(args)} argument(s)")
    for overload in overloads:
        bound = overload.bind_named(named)
        if bound is not None:
            return overload, bound
    raise FeelEvalError(
        "FEEL_ARITY", f"{name}() has no parameters named {', '.join(sorted(named))}"
    )
