"""Arguments of a call in, parameters bound and converted out; BKMs as FEEL functions.

Business knowledge models, boxed function definitions and decision services are FEEL
:class:`~service.feel.values.Function` values. They share one way of taking arguments:
positional or named (the boxed Invocation passes them by parameter name), each converted
to its parameter's declared type. A call that does not fit (an unknown parameter name,
too many arguments, an argument of the wrong type) is not run: it gives null and a
warning, as DMN 1.5 10.3.2.9.4 asks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from service.dmn import model as m
from service.engine import errors
from service.engine.scope import Evaluator, Scope
from service.engine.table_codegen import compile_function
from service.engine.types import Declared
from service.feel.env import Env
from service.feel.values import Function, Parameter

Parameters = list[tuple[str, Declared | None]]


def declared_parameters(items: Sequence[m.InformationItem], scope: Scope) -> Parameters:
    """The parameters' names and declared types."""
    return [
        (p.name, scope.types.resolve(p.type_ref, scope.at(p.id), f"parameter {p.name!r}"))
        for p in items
    ]


def bind_arguments(
    name: str,
    parameters: Parameters,
    args: list[Any],
    named: dict[str, Any] | None,
    env: Env,
    *,
    lenient: bool = False,
) -> dict[str, Any] | None:
    """The arguments bound to parameter names and converted to their types.

    Positional arguments must match the parameters one for one; a named argument left out
    is null. None (after a warning) when the call does not fit. With
    ``lenient`` an argument that does not conform becomes null instead (decision services
    treat their parameters like input data).
    """
    return bind(name, parameters, frozenset(p for p, _ in parameters), args, named, env, lenient)


def bind(
    name: str,
    parameters: Parameters,
    known: frozenset[str],
    args: list[Any],
    named: dict[str, Any] | None,
    env: Env,
    lenient: bool = False,
) -> dict[str, Any] | None:
    """:func:`bind_arguments` with the parameter names ``known`` worked out beforehand."""
    if named is not None:
        if not named.keys() <= known:
            unknown = [k for k in named if k not in known]
            env.warn(
                errors.BAD_INVOCATION, f"{name} has no parameter {', '.join(map(repr, unknown))}"
            )
            return None
        get = named.get
        values = [get(p) for p, _ in parameters]
    else:
        if len(args) != len(parameters):
            env.warn(
                errors.BAD_INVOCATION,
                f"{name} takes {len(parameters)} arguments, {len(args)} given",
            )
            return None
        values = args
    if len(known) != len(parameters):  # a repeated parameter name: the last one wins
        return _bind_each(name, parameters, values, env, lenient)
    bound = {p: value for (p, _), value in zip(parameters, values, strict=True)}
    for param, declared in parameters:
        if declared is None:
            continue
        value = bound[param]
        if value is not None and type(value) is not declared.exact:
            converted = _converted(name, param, declared, value, env)
            if converted is Declared.NOT_CONFORMING:
                if not lenient:
                    return None
                converted = None
            bound[param] = converted
    return bound


Binder = Callable[[list[Any], dict[str, Any] | None, Env], dict[str, Any] | None]


def binder(name: str, parameters: Parameters) -> Binder:
    """:func:`bind` for one function's ``parameters``, with what can be worked out once
    worked out: a BKM is called for every row of a filter, so its binding is on the hot
    path. Calls that do not fit go to :func:`bind`, which says why.

    The binder is generated Python (as the tables' fast paths are): the arguments into
    local variables, each declared type checked inline, the bound dict built at once.
    The text holds only names of constants; no parameter name is pasted into it.
    """
    known = frozenset(p for p, _ in parameters)

    def slow(args: list[Any], named: dict[str, Any] | None, env: Env) -> dict[str, Any] | None:
        return bind(name, parameters, known, args, named, env)

    if len(known) != len(parameters):
        return slow
    width = len(parameters)
    constants: dict[str, Any] = {
        "SLOW": slow, "KNOWN": known, "NAME": name, "CONVERTED": _converted,
        "NC": Declared.NOT_CONFORMING,
    }  # fmt: skip
    variables = [f"v{i}" for i in range(width)]
    lines = [
        "def bind_fast(args, named, env):",
        "    if named is None:",
        f"        if len(args) != {width}:",
        "            return SLOW(args, named, env)",
    ]
    if width:
        lines.append(f"        {', '.join(variables)}, = args")
    lines += [
        "    else:",
        "        if not named.keys() <= KNOWN:",
        "            return SLOW(args, named, env)",
        "        get = named.get",
    ]
    lines += [f"        v{i} = get(N{i})" for i in range(width)]
    for i, (param, declared) in enumerate(parameters):
        constants[f"N{i}"] = param
        if declared is None:
            continue
        constants.update({f"D{i}": declared, f"X{i}": declared.exact})
        lines += [
            f"    if v{i} is not None and type(v{i}) is not X{i}:",
            f"        v{i} = CONVERTED(NAME, N{i}, D{i}, v{i}, env)",
            f"        if v{i} is NC:",
            "            return None",
        ]
    lines.append(f"    return {{{', '.join(f'N{i}: v{i}' for i in range(width))}}}")
    bind_fast: Binder = compile_function("bind_fast", lines, constants, f"binder of {name!r}")
    return bind_fast


def _bind_each(
    name: str, parameters: Parameters, values: list[Any], env: Env, lenient: bool
) -> dict[str, Any] | None:
    bound: dict[str, Any] = {}
    for (param, declared), value in zip(parameters, values, strict=True):
        if declared is not None and value is not None and type(value) is not declared.exact:
            value = _converted(name, param, declared, value, env)
            if value is Declared.NOT_CONFORMING:
                if not lenient:
                    return None
                value = None
        bound[param] = value
    return bound


def _converted(name: str, param: str, declared: Declared, value: Any, env: Env) -> Any:
    """``value`` converted to the parameter's type, or NOT_CONFORMING after a warning."""
    converted = declared.convert(value)
    if converted is Declared.NOT_CONFORMING:
        env.warn(errors.TYPE_COERCION, f"argument {param!r} of {name} is not a {declared.name}")
    return converted


def knowledge_function(
    name: str,
    parameters: Parameters,
    body: Evaluator,
    result_type: Declared | None,
    scope_vars: dict[str, Any],
) -> Function:
    """A business knowledge model as a FEEL function.

    Its body sees its parameters and ``scope_vars``: the knowledge (BKMs, decision
    services, imported models' knowledge) of the model it belongs to, filled in after all
    of it is built so that BKMs may call each other and themselves.
    """
    signature = [Parameter(p, d.name if d else None) for p, d in parameters]
    knowledge = Env(scope_vars)
    bind_call = binder(name, parameters)

    def invoke(caller: Any, args: list[Any], named: dict[str, Any] | None) -> Any:
        evaluation = caller.evaluation
        evaluation.steps -= 1  # an invocation is a step of the time budget (recursion)
        if evaluation.steps < 0:
            evaluation.check_deadline()
        bound = bind_call(args, named, caller)
        if bound is None:
            return None
        result = body(Env(bound, knowledge, evaluation))
        if result_type is not None and result is not None and type(result) is not result_type.exact:
            return result_type.coerce(result, caller, f"result of {name}")
        return result

    return Function(name, signature, invoke, result_type.name if result_type else None)
