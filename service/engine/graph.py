"""The decision requirement graph of a model set in, evaluation plans and their runs out.

Every DRG element is keyed by (namespace, id), so that models loaded together may reuse
ids. A *plan* is the topologically ordered list of decisions a request needs — only what
the requested decisions require, minus the decisions whose values are given — computed
once per request shape and cached. A :class:`Session` runs plans for one evaluation: it
holds one variable scope per model (a dict: the model's input data, decisions and
knowledge by name, and each import name bound to the imported model's scope, so that
``myimport.Some Decision`` is an ordinary FEEL path) and records every value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.engine import errors
from service.engine.explain import DecisionError, Run
from service.engine.scope import Evaluator
from service.engine.types import Declared
from service.feel.env import Env

Key = tuple[str, str]  # (namespace, element id)


@dataclass(slots=True)
class InputNode:
    """An input data element."""

    key: Key
    name: str
    namespace: str
    declared: Declared | None


@dataclass(slots=True)
class DecisionNode:
    """A decision: its compiled logic (None: it has none), type and required decisions.

    ``table`` is the compiled decision table when the decision's logic is one (untyped),
    for the shortcuts of :mod:`service.engine.quick`.
    """

    key: Key
    name: str
    namespace: str
    evaluate: Evaluator | None
    declared: Declared | None
    requires: list[Key] = field(default_factory=list)
    table: Any = None


@dataclass(slots=True)
class ServiceNode:
    """A decision service: outputs, parameters (input decisions, then input data)."""

    key: Key
    name: str
    namespace: str
    outputs: list[Key]
    input_decisions: list[Key]
    input_data: list[Key]
    result_type: Declared | None


class Graph:
    """The DRG of all loaded models and the static (knowledge) scope of each model."""

    def __init__(self) -> None:
        self.inputs: dict[Key, InputNode] = {}
        self.decisions: dict[Key, DecisionNode] = {}
        self.services: dict[Key, ServiceNode] = {}
        self.static: dict[str, dict[str, Any]] = {}  # namespace -> knowledge by name
        self.imports: dict[str, list[tuple[str, str]]] = {}  # namespace -> (name, namespace)
        self.initial: dict[str, dict[str, Any]] = {}  # namespace -> a new scope's variables
        self._plans: dict[Any, tuple[DecisionNode, ...]] = {}

    def finish(self) -> None:
        """Prepare each model's initial scope: its knowledge, and null for every input."""
        for namespace, static in self.static.items():
            self.initial[namespace] = dict(static)
        for node in self.inputs.values():
            self.initial.setdefault(node.namespace, {}).setdefault(node.name, None)

    def plan(
        self, targets: tuple[Key, ...], given: frozenset[Key] = frozenset()
    ) -> tuple[DecisionNode, ...]:
        """The decisions to evaluate, in order, for ``targets`` when ``given`` are known."""
        cache_key = (targets, given) if given else targets
        found = self._plans.get(cache_key)
        if found is None:
            found = tuple(self._order(targets, given))
            if len(self._plans) < 1024:  # request shapes are few; never grow unbounded
                self._plans[cache_key] = found
        return found

    def _order(self, targets: tuple[Key, ...], given: frozenset[Key]) -> list[DecisionNode]:
        ordered: list[DecisionNode] = []
        seen: set[Key] = set(given)
        for target in targets:
            stack: list[tuple[Key, int]] = [(target, 0)]
            while stack:  # depth-first, iteratively: deep graphs must not hit the recursion limit
                key, child = stack.pop()
                node = self.decisions.get(key)
                if node is None or (child == 0 and key in seen):
                    continue
                seen.add(key)
                if child < len(node.requires):
                    stack.append((key, child + 1))
                    nxt = node.requires[child]
                    if nxt not in seen:
                        stack.append((nxt, 0))
                    continue
                ordered.append(node)
        return ordered

    def cycle(self) -> list[str] | None:
        """The names along a requirement cycle, or None when the graph has none."""
        state: dict[Key, int] = {}  # 1 visiting, 2 done
        for start in self.decisions:
            path: list[Key] = []
            stack: list[tuple[Key, int]] = [(start, 0)]
            while stack:
                key, child = stack.pop()
                node = self.decisions.get(key)
                if node is None or (child == 0 and state.get(key) == 2):
                    continue
                if child == 0:
                    if state.get(key) == 1:
                        loop = [*path[path.index(key) :], key]
                        return [self.decisions[k].name for k in loop]
                    state[key] = 1
                    path.append(key)
                if child < len(node.requires):
                    stack.append((key, child + 1))
                    stack.append((node.requires[child], 0))
                    continue
                state[key] = 2
                path.pop()
        return None


class Session:
    """The scopes and values of one evaluation (or one decision service invocation)."""

    __slots__ = ("envs", "graph", "run", "scopes", "values")

    def __init__(self, graph: Graph, run: Run, namespace: str | None = None) -> None:
        self.graph = graph
        self.run = run
        self.values: dict[Key, Any] = {}
        if namespace is not None and not graph.imports.get(namespace):
            # The usual case, made directly: one model without imports.
            scope = dict(graph.initial.get(namespace, ()))
            self.scopes = {namespace: scope}
            self.envs = {namespace: Env(scope, None, run)}
        else:
            self.scopes = {}
            self.envs = {}

    def scope(self, namespace: str) -> dict[str, Any]:
        """The variables of a model in this evaluation (made on first use)."""
        found = self.scopes.get(namespace)
        if found is None:
            found = dict(self.graph.initial.get(namespace, ()))
            self.scopes[namespace] = found
            for name, imported in self.graph.imports.get(namespace, ()):
                found[name] = self.scope(imported)
        return found

    def env(self, namespace: str) -> Env:
        """The FEEL environment of a model's decisions in this evaluation."""
        found = self.envs.get(namespace)
        if found is None:
            found = Env(self.scope(namespace), None, self.run)
            self.envs[namespace] = found
        return found

    def put(self, key: Key, name: str, namespace: str, value: Any) -> None:
        """Record the value of an input or decision and make it visible by name."""
        self.values[key] = value
        self.scope(namespace)[name] = value

    def set_input(self, node: InputNode, value: Any) -> None:
        """Record an input data value, converted to its declared type."""
        if node.declared is not None and value is not None:
            value = node.declared.coerce(value, self.env(node.namespace), f"input {node.name!r}")
        self.put(node.key, node.name, node.namespace, value)

    def set_decision(self, node: DecisionNode, value: Any) -> None:
        """Record a decision's value given by the caller, converted to its declared type."""
        if node.declared is not None and value is not None:
            value = node.declared.coerce(value, self.env(node.namespace), f"decision {node.name!r}")
        self.put(node.key, node.name, node.namespace, value)

    def execute(self, plan: tuple[DecisionNode, ...]) -> None:
        """Evaluate the decisions of ``plan`` in order; a failure nulls that decision only."""
        run = self.run
        outer = run.decision
        envs = self.envs
        for node in plan:
            env = envs.get(node.namespace) or self.env(node.namespace)
            value = decide(node, env, run)
            self.values[node.key] = value
            env.vars[node.name] = value
        run.decision = outer


def decide(node: DecisionNode, env: Env, run: Run) -> Any:
    """The value of one decision in ``env``, converted to its type.

    Null when it has no logic, when a defect was met anywhere while evaluating it (the
    defect is in ``run.errors``), or when evaluating failed unexpectedly (recorded too):
    one failed decision never stops the others.
    """
    run.decision = node.name
    errors_before = len(run.errors)
    evaluate = node.evaluate
    try:
        value = evaluate(env) if evaluate is not None else _no_logic(node, env)
    except RecursionError:
        value = _fail(node, run, "the evaluation recursed too deeply")
    except Exception as exc:  # a bug must not take the other decisions down with it
        value = _fail(node, run, f"{type(exc).__name__}: {exc}")
    if len(run.errors) > errors_before and _own_error(node, run, errors_before):
        return None  # a defect met anywhere in the decision nulls it
    declared = node.declared
    if value is not None and declared is not None and type(value) is not declared.exact:
        value = declared.coerce(value, env, f"decision {node.name!r}")
    return value


def _no_logic(node: DecisionNode, env: Env) -> Any:
    env.warn(errors.NO_DECISION_LOGIC, f"decision {node.name!r} has no decision logic")
    return None


def _own_error(node: DecisionNode, run: Run, since: int) -> bool:
    """Whether a defect recorded since ``since`` belongs to this decision."""
    return any(e.decision == node.name for e in run.errors[since:])


def _fail(node: DecisionNode, run: Run, reason: str) -> Any:
    message = errors.evaluation_failed(reason)
    run.errors.append(DecisionError(node.name, errors.EVALUATION_FAILED, message))
    return None
