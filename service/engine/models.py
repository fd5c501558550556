"""The public face of a compiled model set: ModelSet, and Model with evaluate/invoke_service.

A :class:`Model` is one loaded DMN file (its imports resolved among the others loaded with
it). ``evaluate`` takes FEEL input values keyed by input data name and returns a
:class:`~service.engine.explain.Result`. Inputs of imported models are keyed by their
qualified name as seen from this model (``Model B.modelA.Person name``) or in Clark
notation (``{namespace}Person name``); a value keyed by a decision's name is taken as that
decision's value instead of evaluating it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from service.dmn import model as m
from service.dmn.diagnostics import Diagnostic
from service.engine import errors
from service.engine.explain import Result, Run
from service.engine.functions import bind_arguments
from service.engine.graph import DecisionNode, Graph, InputNode, Key, ServiceNode, Session, decide
from service.engine.loader import LoadedSet, ModelInfo
from service.engine.quick import Shortcut, input_types, quick_evaluator
from service.engine.services import evaluate_service, parameters_of, service_result
from service.feel.env import Env

Target = InputNode | DecisionNode
_NOTHING: frozenset[Key] = frozenset()


class _Targets:
    """What a request for some decisions needs, worked out once per request shape."""

    __slots__ = ("keys", "names", "own_names", "plan", "quick")

    def __init__(
        self,
        names: tuple[str, ...],
        keys: tuple[Key, ...],
        own_names: tuple[str, ...],
        plan: tuple[DecisionNode, ...],
        quick: Shortcut | None,
    ) -> None:
        self.names = names  # as asked
        self.keys = keys
        self.own_names = own_names  # the decisions' names in the model's scope
        self.plan = plan  # when no decision value is given
        self.quick = quick  # the shortcut for the request's common case, if any


def _kind(target: Target) -> str:
    return "input" if isinstance(target, InputNode) else "decision"


class Model:
    """One compiled DMN model of a :class:`ModelSet`."""

    def __init__(self, info: ModelInfo, loaded: LoadedSet) -> None:
        self.definitions: m.Definitions = info.definitions
        self._namespace = info.definitions.namespace
        self._graph: Graph = loaded.graph
        self._info = info
        self._aliases: dict[str, Target] = {}
        self._decisions: dict[str, DecisionNode] = {}
        self._services: dict[str, ServiceNode] = {}
        self._all_targets = _Targets((), (), (), (), None)
        self._simple = False
        self._initial: dict[str, Any] = {}
        self._fast_inputs: dict[str, type] = {}  # own input -> the type taken as is
        self._input_types: dict[str, type | None] = {}  # every own input (see quick.py)
        self._target_cache: dict[tuple[str, ...], _Targets] = {}
        self._index(loaded)

    @property
    def name(self) -> str:
        """The model's name (``definitions/@name``)."""
        return self.definitions.name

    @property
    def namespace(self) -> str:
        """The model's namespace (``definitions/@namespace``)."""
        return self.definitions.namespace

    @property
    def input_names(self) -> list[str]:
        """The input data a full evaluation reads: own names, then imported (qualified) ones."""
        return [
            name
            for name, t in self._aliases.items()
            if isinstance(t, InputNode) and "{" not in name
        ]

    @property
    def decision_names(self) -> list[str]:
        """The model's own decisions, in document order."""
        return list(self._decisions)

    @property
    def service_names(self) -> list[str]:
        """The model's own decision services."""
        return list(self._services)

    def evaluate(
        self,
        inputs: Mapping[str, Any],
        decisions: Iterable[str] | None = None,
        zone: str | None = None,
        *,
        timeout: float | None = None,
    ) -> Result:
        """Evaluate ``decisions`` (all of the model's when None) for the given inputs.

        ``zone`` is the IANA time zone in which now() and today() are read (UTC when None).
        ``timeout`` is the evaluation's time budget in seconds (None: none): past it the
        evaluation stops and :class:`~service.feel.errors.EvaluationTimeout` (a
        BaseException, not an Exception) propagates out of this call; no Result is given.
        """
        if decisions is None:
            targets = self._all_targets
        else:
            wanted = decisions if type(decisions) is tuple else tuple(decisions)
            targets = self._target_cache.get(wanted) or self._targets(wanted)
        quick = targets.quick
        if quick is not None:  # reads input values only: no clock, so no zone
            result = quick(inputs)
            if result is not None:
                return result
        # (The shortcut above evaluates one decision table on the inputs: bounded by its
        # rules, it needs no budget.)
        if self._simple:
            return self._evaluate_simple(inputs, targets, zone, timeout)
        return self._evaluate_imports(inputs, targets, zone, timeout)

    def _evaluate_simple(
        self,
        inputs: Mapping[str, Any],
        targets: _Targets,
        zone: str | None = None,
        timeout: float | None = None,
    ) -> Result:
        """One model, no imports: one scope, no session needed."""
        run = Run(zone=zone, timeout=timeout)
        scope = dict(self._initial)
        env = Env(scope, None, run)
        fast, others = self._fast_inputs, None
        for name, value in inputs.items():
            exact = fast.get(name)
            if exact is not None and (exact is object or type(value) is exact or value is None):
                scope[name] = value  # an own input whose value needs no conversion
            else:
                others = others or {}
                others[name] = value
        plan = targets.plan
        if others and (given := self._load_inputs(scope, env, others, None)):
            plan = self._graph.plan(targets.keys, given)
        for node in plan:
            scope[node.name] = decide(node, env, run)
        run.decision = ""
        names, own_names = targets.names, targets.own_names
        if len(names) == 1:
            found = {names[0]: scope.get(own_names[0])}
        else:
            found = {name: scope.get(own) for name, own in zip(names, own_names, strict=True)}
        return Result(found, None, run.warnings, run.errors, run.log)

    def _evaluate_imports(
        self,
        inputs: Mapping[str, Any],
        targets: _Targets,
        zone: str | None = None,
        timeout: float | None = None,
    ) -> Result:
        """A model importing others: a session with one scope per model."""
        run = Run(zone=zone, timeout=timeout)
        session = Session(self._graph, run, self._namespace)
        own_env = session.env(self._namespace)
        given = self._load_inputs(own_env.vars, own_env, inputs, session)
        session.execute(self._graph.plan(targets.keys, given) if given else targets.plan)
        values = session.values
        found = {
            name: values.get(key) for name, key in zip(targets.names, targets.keys, strict=True)
        }
        return Result(found, None, run.warnings, run.errors, run.log)

    def invoke_service(
        self, service_name: str, inputs: Mapping[str, Any], *, timeout: float | None = None
    ) -> Result:
        """Invoke a decision service with parameter values by name; values are its outputs.

        ``timeout`` as for :meth:`evaluate`: past it EvaluationTimeout propagates.
        """
        node = self._services.get(service_name)
        if node is None:
            raise KeyError(f"model {self.name!r} has no decision service {service_name!r}")
        run = Run(timeout=timeout)
        env = Session(self._graph, run).env(node.namespace)
        parameters = parameters_of(self._graph, node)
        known = {p for p, _ in parameters}
        for name in inputs:
            if name not in known:
                env.warn(
                    errors.UNKNOWN_INPUT,
                    f"decision service {service_name!r} has no parameter {name!r}",
                )
        named = {k: v for k, v in inputs.items() if k in known}
        bound = bind_arguments(node.name, parameters, [], named, env, lenient=True) or {}
        outputs = evaluate_service(self._graph, node, run, bound)
        value = service_result(node, outputs, env)
        if len(outputs) == 1:
            values = {next(iter(outputs)): value}
        else:
            values = {k: value.get(k) if isinstance(value, dict) else None for k in outputs}
        return Result(values, None, run.warnings, run.errors, run.log)

    # --- inputs and targets ----------------------------------------------------------------

    def _load_inputs(
        self, scope: dict[str, Any], env: Env, inputs: Mapping[str, Any], session: Session | None
    ) -> frozenset[Key]:
        """Put the inputs in the model's ``scope`` (converted to their types; absent ones
        stay null) or, for imported models' inputs, in ``session``. Returns the decisions
        whose values were given."""
        aliases, fast = self._aliases, self._fast_inputs
        given: list[Key] = []
        for name, value in inputs.items():
            exact = fast.get(name)
            if exact is not None and (exact is object or type(value) is exact or value is None):
                scope[name] = value  # an own input whose value needs no conversion
                continue
            target = aliases.get(name)
            if target is None:
                env.warn(errors.UNKNOWN_INPUT, f"{name!r} is not an input of model {self.name!r}")
                continue
            if session is not None and target.namespace != self._namespace:
                if isinstance(target, DecisionNode):
                    session.set_decision(target, value)
                    given.append(target.key)
                else:
                    session.set_input(target, value)
                continue
            declared = target.declared
            if declared is not None and value is not None and type(value) is not declared.exact:
                value = declared.coerce(value, env, f"{_kind(target)} {target.name!r}")
            scope[target.name] = value
            if isinstance(target, DecisionNode):
                given.append(target.key)
                if session is not None:
                    session.values[target.key] = value
        return frozenset(given) if given else _NOTHING

    def _targets(self, wanted: tuple[str, ...]) -> _Targets:
        nodes = []
        for name in wanted:
            target = self._decisions.get(name) or self._aliases.get(name)
            if not isinstance(target, DecisionNode):
                raise KeyError(f"model {self.name!r} has no decision {name!r}")
            nodes.append(target)
        found = self._make_targets(wanted, nodes)
        if len(self._target_cache) < 256:  # request shapes are few; never grow unbounded
            self._target_cache[wanted] = found
        return found

    def _make_targets(self, names: tuple[str, ...], nodes: list[DecisionNode]) -> _Targets:
        keys = tuple(n.key for n in nodes)
        plan = self._graph.plan(keys)
        quick = None
        if self._simple and len(nodes) == 1 and plan == (nodes[0],):
            quick = quick_evaluator(nodes[0], names[0], self._input_types)
        return _Targets(names, keys, tuple(n.name for n in nodes), plan, quick)

    def _index(self, loaded: LoadedSet) -> None:
        graph, ns = loaded.graph, self.namespace
        own = {d.name: d for d in graph.decisions.values() if d.namespace == ns}
        for decision in self.definitions.decisions:
            self._decisions[decision.name] = own[decision.name]
        for service in graph.services.values():
            if service.namespace == ns:
                self._services[service.name] = service
        own_inputs = [node for node in graph.inputs.values() if node.namespace == ns]
        self._input_types = input_types(own_inputs)
        for name, exact in self._input_types.items():
            if exact is not None:
                self._fast_inputs[name] = exact
        self._simple = not graph.imports.get(ns)
        self._all_targets = self._make_targets(tuple(self._decisions), [*self._decisions.values()])
        self._initial = graph.initial.get(ns, {})
        self._add_aliases(loaded, ns, "", set())
        targets: list[Target] = [*graph.inputs.values(), *graph.decisions.values()]
        for target in targets:
            self._aliases.setdefault(f"{{{target.namespace}}}{target.name}", target)

    def _add_aliases(self, loaded: LoadedSet, namespace: str, prefix: str, seen: set[str]) -> None:
        """Name every input and decision reachable through imports, nearest first."""
        if namespace in seen:
            return
        seen = seen | {namespace}
        graph = loaded.graph
        nodes: list[Target] = [*graph.inputs.values(), *graph.decisions.values()]
        for node in nodes:
            if node.namespace == namespace:
                self._aliases.setdefault(prefix + node.name, node)
        for name, imported in graph.imports.get(namespace, ()):
            self._add_aliases(loaded, imported, f"{prefix}{name}.", seen)


class ModelSet:
    """Models loaded and compiled together (so that their imports resolve)."""

    def __init__(self, loaded: LoadedSet) -> None:
        self.diagnostics: list[Diagnostic] = loaded.diagnostics  # warnings only
        self._models = [Model(info, loaded) for info in loaded.models.values()]

    def get(self, name_or_namespace: str) -> Model | None:
        """The model with this namespace (or else this name); None if there is none."""
        for model in self._models:
            if model.namespace == name_or_namespace:
                return model
        for model in self._models:
            if model.name == name_or_namespace:
                return model
        return None

    def __getitem__(self, name_or_namespace: str) -> Model:
        """The model with this namespace or name; KeyError if there is none."""
        model = self.get(name_or_namespace)
        if model is None:
            raise KeyError(f"no model named {name_or_namespace!r}")
        return model

    def __iter__(self) -> Iterator[Model]:
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)
