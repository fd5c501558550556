"""A decision service and its arguments in, its output decisions' values out.

A decision service (DMN 1.5 chapter 10.4) is a function: its parameters are its input
data then its input decisions, each converted to its declared type (called from FEEL, a
misfit argument means the service is not invoked: null and a warning). Invoking it
evaluates its output decisions and whatever they need inside the service, in a fresh
scope, and returns the single output's value or a context of the outputs by name. The
same code serves a FEEL call, a boxed invocation and
:meth:`service.engine.Model.invoke_service`.
"""

from __future__ import annotations

from typing import Any

from service.engine.explain import Run
from service.engine.functions import Parameters, bind_arguments
from service.engine.graph import Graph, ServiceNode, Session
from service.feel.env import Env
from service.feel.values import Function, Parameter


def parameters_of(graph: Graph, node: ServiceNode) -> Parameters:
    """The service's parameters with their types: input data, then input decisions.

    That order is the TCK's (0085-decision-services 011), which the vendors follow.
    """
    found: Parameters = []
    for key in node.input_data:
        data = graph.inputs[key]
        found.append((data.name, data.declared))
    for key in node.input_decisions:
        decision = graph.decisions[key]
        found.append((decision.name, decision.declared))
    return found


def evaluate_service(
    graph: Graph, node: ServiceNode, run: Run, bound: dict[str, Any]
) -> dict[str, Any]:
    """The output decisions' values by name, after binding the parameters in ``bound``."""
    session = Session(graph, run)
    given: list[Any] = []
    for key in node.input_decisions:
        decision = graph.decisions[key]
        session.put(key, decision.name, decision.namespace, bound.get(decision.name))
        given.append(key)
    for key in node.input_data:
        data = graph.inputs[key]
        session.put(key, data.name, data.namespace, bound.get(data.name))
    session.execute(graph.plan(tuple(node.outputs), frozenset(given)))
    return {graph.decisions[k].name: session.values.get(k) for k in node.outputs}


def service_result(node: ServiceNode, outputs: dict[str, Any], env: Env) -> Any:
    """The service's value: the single output's value, or the context of all outputs."""
    value: Any = next(iter(outputs.values())) if len(outputs) == 1 else outputs
    if node.result_type is not None and value is not None:
        value = node.result_type.coerce(value, env, f"result of decision service {node.name!r}")
    return value


def service_function(graph: Graph, node: ServiceNode) -> Function:
    """The decision service as a FEEL function value."""
    parameters = parameters_of(graph, node)
    signature = [Parameter(p, d.name if d else None) for p, d in parameters]

    def invoke(caller: Any, args: list[Any], named: dict[str, Any] | None) -> Any:
        caller.evaluation.spend()  # an invocation is a step: a service may call itself
        bound = bind_arguments(node.name, parameters, args, named, caller)
        if bound is None:
            return None
        run = _run_of(caller)
        outputs = evaluate_service(graph, node, run, bound)
        return service_result(node, outputs, caller)

    return Function(node.name, signature, invoke)


def _run_of(env: Env) -> Run:
    """The engine's run behind ``env``; outside the engine, one sharing its warnings and
    its time budget."""
    evaluation = env.evaluation
    if isinstance(evaluation, Run):
        return evaluation
    run = Run(warnings=evaluation.warnings, now=evaluation.now, zone=evaluation.zone)
    run.deadline, run.budget, run.steps = evaluation.deadline, evaluation.budget, 0
    return run
