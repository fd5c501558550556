"""A compiled decision table in, ``table(env) -> value`` and its TableRecord out.

The compiled form (built by :mod:`service.engine.table_compiler`) is immutable; each call
reads every input column once (its expression, type conversion and input values check),
intersects the columns' rule masks (:mod:`service.engine.table_index`), takes the outputs
of the rules that count and applies the hit policy (:mod:`service.engine.hit_policy`).
A table defect met at run time (two rules under UNIQUE, an input outside its input
values...) is recorded as a DecisionError naming the rules, and the table gives null.

The common case — one matching rule whose outputs are literals, under a single-hit policy
— takes a short path: its value, priority and record were prepared at load time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.engine import errors, hit_policy
from service.engine.explain import LogEntry, RuleMatch, Run, TableRecord, report_error
from service.engine.hit_policy import Hit
from service.engine.scope import Evaluator, UnaryTest
from service.engine.table_index import ColumnIndex, rule_numbers
from service.engine.types import Declared
from service.feel import ops
from service.feel.compile_base import copy_value
from service.feel.env import Env
from service.feel.errors import FeelEvalError

COLLECTED_SETS = 256  # sets of matched rules remembered per table (requests vary little)

Reader = Callable[[Env], Any]  # an input column's value; raises Defect
Matcher = Callable[[Any, Env, int], int]  # (value, env, candidate rules) -> matching rules


class Defect(Exception):
    """An input value the table cannot take (already reported); the table gives null."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(slots=True)
class OutputColumn:
    """One output clause: its name, type, allowed values (in priority order) and default."""

    name: str
    type: Declared | None
    allowed: UnaryTest | None
    allowed_text: str
    priorities: list[UnaryTest] | None
    default: Evaluator | None


@dataclass(slots=True)
class Fixed:
    """A rule's outputs known at load time: literals of the right type, among the allowed."""

    values: list[Any]
    priority: tuple[int, ...]
    result: Any  # the table's value when this rule alone decides
    outputs: dict[str, Any]  # for the RuleMatch
    # Copiers of the result and of the values (see compile_base.copier), None when they
    # hold no list or context: what is handed out is a copy, never the prepared value.
    result_copy: Callable[[Any], Any] | None = None
    values_copy: Callable[[Any], Any] | None = None

    def fresh_result(self) -> Any:
        """The result, copied when it holds lists or contexts."""
        copy = self.result_copy
        return self.result if copy is None else copy(self.result)


@dataclass(slots=True)
class Partial:
    """A rule whose outputs are partly literals of their columns' exact types: those are
    prepared once (copied when handed out), only the others are evaluated per hit."""

    template: list[Any]  # the prepared values; None where an output is computed
    copies: list[tuple[int, Callable[[Any], Any]]]  # prepared lists/contexts: their copiers
    computed: list[tuple[int, Evaluator]]  # the outputs evaluated per hit, in column order


@dataclass(slots=True)
class Rule:
    """One rule: its cells (for checking without the index), outputs and explanation."""

    position: int
    rule_id: str | None
    cells: list[UnaryTest]
    outputs: list[Evaluator]
    annotations: dict[str, str]
    extensions: dict[str, str]
    fixed: Fixed | None = None
    partial: Partial | None = None

    def match(self, outputs: dict[str, Any]) -> RuleMatch:
        """The record of this rule matching with these outputs (its own copies of the dicts)."""
        return RuleMatch(
            self.rule_id, self.position + 1, dict(self.annotations), outputs, dict(self.extensions)
        )

    @property
    def label(self) -> str:
        """How the rule is named in messages: its id, else its number."""
        return self.rule_id or f"#{self.position + 1}"


@dataclass(slots=True)
class CompiledTable:
    """A decision table ready to evaluate: ``table(env)`` gives its value."""

    table_id: str | None
    hit_policy: str
    aggregation: str | None
    readers: list[Reader]
    outputs: list[OutputColumn]
    rules: list[Rule]
    columns: list[tuple[int, ColumnIndex]] = field(default_factory=list)  # matching order
    matchers: list[tuple[int, Matcher]] = field(default_factory=list)  # the same, specialised
    use_index: bool = True
    single_hit: bool = True
    all_rules: int = 0
    fast: Callable[[Env], Any] | None = None  # generated for the common case
    typed_outputs: bool = False  # some output clause declares a type
    checked_outputs: bool = False  # some output clause has output values (checks, priority)
    shapes: list[Any] = field(default_factory=list)  # the InputShape of every input column
    # The value is the list of the matched rules' results in rule order, with nothing to
    # check between them (COLLECT without aggregation, RULE ORDER).
    plain_collect: bool = False
    names: tuple[str, ...] = ()  # the output columns' names, in order
    # plain_collect: matched rules (a mask) whose outputs are all prepared -> (positions,
    # their Fixed), filled as such sets are met (at most COLLECTED_SETS of them).
    collected: dict[int, tuple[tuple[int, ...], tuple[Fixed, ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.names = tuple(out.name for out in self.outputs)

    def evaluator(self) -> Callable[[Env], Any]:
        """The function to call for the table's value: the generated one when there is one."""
        return self.fast if self.fast is not None and self.use_index else self

    def index(self, columns: list[tuple[int, ColumnIndex]]) -> None:
        """Use these column indexes (in this order) for matching."""
        self.columns = columns
        self.matchers = [(c, index.matcher()) for c, index in columns]
        self.all_rules = (1 << len(self.rules)) - 1

    def __call__(self, env: Env) -> Any:
        try:
            values = [read(env) for read in self.readers]
        except Defect as defect:
            return self.defect(env, defect.code)
        matched = self.match_mask(values, env)
        if not matched:
            return self.no_match(env)
        return self.general(values, env, matched)

    def general(self, values: list[Any], env: Env, matched: int) -> Any:
        """The table's value once the rules matching ``values`` (a non-empty mask) are known."""
        if self.single_hit and matched & (matched - 1) == 0:
            return self.one(self.rules[matched.bit_length() - 1], env)
        if self.plain_collect:
            prepared = self.collected.get(matched)
            if prepared is not None:  # every matched rule's outputs are prepared
                positions, fixed = prepared
                run = env.evaluation
                if type(run) is Run:
                    run.log.append((self, run.decision, positions, None, None, False))
                return [f.fresh_result() for f in fixed]
        return self._decide(rule_numbers(matched), env)

    def one(self, rule: Rule, env: Env) -> Any:
        """The value when ``rule`` alone matches under a single-hit policy: its outputs (no
        ordering, no overlap to check, as hit_policy.apply would say)."""
        fixed = rule.fixed
        if fixed is not None:
            run = env.evaluation
            if type(run) is Run:
                run.log.append((self, run.decision, (rule.position,), None, None, False))
            return fixed.fresh_result()
        if self.checked_outputs:
            hit = self._hit(rule, env)
            if hit is None:
                self._record(env, (), None, errors.NO_OUTPUT_VALUE_MATCH)
                return None
            values = hit.values
        else:
            values = self._values(rule, env)
        run = env.evaluation  # as _record, inline: every call of a BKM's table comes here
        if type(run) is Run:
            run.log.append((self, run.decision, (rule.position,), (values,), None, False))
        if len(values) == 1:
            return values[0]
        return dict(zip(self.names, values, strict=True))

    def defect(self, env: Env, code: str) -> Any:
        """Record a table that could not be evaluated (the defect is reported): null."""
        self._record(env, (), None, code)
        return None

    # --- matching ------------------------------------------------------------------------

    def match_mask(self, values: list[Any], env: Env) -> int:
        """The rules matching the input ``values``, as a mask (bit i: rule i, 0-based)."""
        if not self.use_index:
            mask = 0
            for rule in self.rules:
                if all(cell(v, env) is True for cell, v in zip(rule.cells, values, strict=True)):
                    mask |= 1 << rule.position
            return mask
        candidates = self.all_rules
        for column, match in self.matchers:
            candidates = match(values[column], env, candidates)
            if not candidates:
                return 0
        return candidates

    def match(self, values: list[Any], env: Env) -> list[int]:
        """The 0-based positions of the rules matching the input ``values``, ascending."""
        return rule_numbers(self.match_mask(values, env))

    # --- outputs and the hit policy ------------------------------------------------------

    def _decide(self, matched: list[int], env: Env) -> Any:
        if self.hit_policy == "FIRST":
            matched = matched[:1]
        if len(matched) == 1 and self.single_hit:
            return self.one(self.rules[matched[0]], env)
        if self.plain_collect:
            fixed = [self.rules[position].fixed for position in matched]
            if None not in fixed:
                return self._collect_fixed(matched, fixed, env)
            if not self.checked_outputs:
                return self._collect_values(matched, env)
        hits = []
        for position in matched:
            hit = self._hit(self.rules[position], env)
            if hit is None:
                self._record(env, (), None, errors.NO_OUTPUT_VALUE_MATCH)
                return None
            hits.append(hit)
        outcome = hit_policy.apply(self.hit_policy, self.aggregation, hits, self._combine)
        if outcome.defect is not None:
            report_error(env, outcome.defect, outcome.message, [hit_policy.label(h) for h in hits])
        counted = outcome.hits
        positions = tuple([hit.position for hit in counted])
        self._record(env, positions, tuple([hit.values for hit in counted]), outcome.defect)
        return outcome.value

    def _collect_fixed(self, matched: list[int], fixed: list[Any], env: Env) -> list[Any]:
        """COLLECT (no aggregation) or RULE ORDER where every matched rule's outputs were
        prepared at load time: their results in rule order, as hit_policy.apply would
        give them, with no per-hit bookkeeping. The set of rules is remembered (by its
        mask, for :meth:`general`), so that its next hit skips even the sorting out."""
        collected = self.collected
        if len(collected) < COLLECTED_SETS:
            mask = 0
            for position in matched:
                mask |= 1 << position
            collected[mask] = (tuple(matched), tuple(fixed))
        run = env.evaluation
        if type(run) is Run:
            run.log.append((self, run.decision, tuple(matched), None, None, False))
        return [f.fresh_result() for f in fixed]

    def _collect_values(self, matched: list[int], env: Env) -> list[Any]:
        """COLLECT (no aggregation) or RULE ORDER with no output values to check: the
        matched rules' results in rule order, as hit_policy.apply would give them, the
        record holding the values they were made of (prepared ones copied, as _hit does)."""
        rules = self.rules
        rows: list[list[Any]] = []
        for position in matched:
            rule = rules[position]
            fixed = rule.fixed
            if fixed is None:
                rows.append(self._values(rule, env))
            else:
                copy = fixed.values_copy
                rows.append(fixed.values if copy is None else copy(fixed.values))
        run = env.evaluation
        if type(run) is Run:
            run.log.append((self, run.decision, tuple(matched), tuple(rows), None, False))
        if len(self.outputs) == 1:
            return [row[0] for row in rows]
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _hit(self, rule: Rule, env: Env) -> Hit | None:
        """The rule's output values, checked against the output values (None: a defect)."""
        fixed = rule.fixed
        if fixed is not None:
            copy = fixed.values_copy
            values = fixed.values if copy is None else copy(fixed.values)
            return Hit(rule.position, rule.rule_id, values, fixed.priority)
        values = self._values(rule, env)
        priority: tuple[int, ...] = ()
        if not self.checked_outputs:
            return Hit(rule.position, rule.rule_id, values, priority)
        for out, value in zip(self.outputs, values, strict=True):
            if not output_allowed(out, value, env):
                message = errors.output_not_allowed(
                    out.name, shown(value), out.allowed_text, rule.label
                )
                report_error(env, errors.NO_OUTPUT_VALUE_MATCH, message, [rule.label])
                return None
            if out.priorities is not None:
                priority += (rank(out.priorities, value, env),)
        return Hit(rule.position, rule.rule_id, values, priority)

    def _values(self, rule: Rule, env: Env) -> list[Any]:
        """A rule's computed output values, converted to their output clauses' types."""
        partial = rule.partial
        if partial is not None:
            # The literal outputs need neither evaluating (no steps, no warnings) nor
            # converting (they are of their column's exact type): the same values, fresh.
            values = list(partial.template)
            for i, copy in partial.copies:
                values[i] = copy(values[i])
            if self.typed_outputs:
                outputs = self.outputs
                for i, expr in partial.computed:
                    values[i] = self._output(outputs[i], expr(env), env)
            else:
                for i, expr in partial.computed:
                    values[i] = expr(env)
            return values
        if self.typed_outputs:
            return [
                self._output(out, expr(env), env)
                for out, expr in zip(self.outputs, rule.outputs, strict=True)
            ]
        return [expr(env) for expr in rule.outputs]

    def _output(self, out: OutputColumn, value: Any, env: Env) -> Any:
        declared = out.type
        if declared is not None and value is not None and type(value) is not declared.exact:
            return declared.coerce(value, env, f"output {out.name}")
        return value

    def _combine(self, values: list[Any]) -> Any:
        return combine(self.outputs, values)

    def no_match(self, env: Env) -> Any:
        """The value when no rule matches: the default outputs, else null or []."""
        if not any(out.default is not None for out in self.outputs):
            self._record(env, (), None, None)
            return hit_policy.no_match(self.hit_policy, self.aggregation)
        values = [
            None if out.default is None else self._output(out, out.default(env), env)
            for out in self.outputs
        ]
        self._record(env, (), None, None, default_used=True)
        value = self._combine(values)
        if self.single_hit:
            return value
        if self.aggregation:
            try:
                return hit_policy.aggregate(self.aggregation, [value])
            except FeelEvalError as exc:
                message = errors.aggregation_failed(self.aggregation, exc.message)
                report_error(env, errors.AGGREGATION_FAILED, message)
                return None
        return [value]

    # --- the record ----------------------------------------------------------------------

    def _record(
        self,
        env: Env,
        positions: tuple[int, ...],
        values: tuple[list[Any], ...] | None,
        defect: str | None,
        *,
        default_used: bool = False,
    ) -> None:
        """Log this evaluation in the run (the records are built when they are read)."""
        run = env.evaluation
        if type(run) is Run:
            run.log.append((self, run.decision, positions, values, defect, default_used))

    def record(self, entry: LogEntry) -> TableRecord:
        """The :class:`TableRecord` of a logged evaluation of this table.

        A rule's prepared outputs are copied (they are shared by every evaluation);
        computed ones are the values the evaluation used.
        """
        _, decision, positions, values, defect, default_used = entry
        matches = []
        for i, position in enumerate(positions):
            rule = self.rules[position]
            if values is None:
                fixed = rule.fixed
                assert fixed is not None  # logged without values only when prepared
                outputs = {name: fresh(v) for name, v in fixed.outputs.items()}
            else:
                named = zip(self.outputs, values[i], strict=True)
                outputs = {out.name: v for out, v in named}
            matches.append(rule.match(outputs))
        return TableRecord(
            decision, self.table_id, self.hit_policy, self.aggregation, matches, defect,
            default_used,
        )  # fmt: skip


def combine(outputs: list[OutputColumn], values: list[Any]) -> Any:
    """A rule's value: the single output's value, or a context of the outputs by name."""
    if len(outputs) == 1:
        return values[0]
    return {out.name: v for out, v in zip(outputs, values, strict=True)}


def output_allowed(out: OutputColumn, value: Any, env: Env) -> bool:
    """Whether an output value is null or among the output clause's output values."""
    return out.allowed is None or value is None or out.allowed(value, env) is True


def rank(priorities: list[UnaryTest], value: Any, env: Env) -> int:
    """The position of ``value`` in an output values list (values not in it rank last)."""
    for i, test in enumerate(priorities):
        if test(value, env) is True:
            return i
    return len(priorities)


def shown(value: Any) -> str:
    """A value as FEEL writes it, strings quoted, for messages."""
    return f'"{value}"' if isinstance(value, str) else ops.to_string(value)


def fresh(value: Any) -> Any:
    """A copy of a prepared list or context value, so no caller can change the original."""
    return copy_value(value)
