"""One evaluation in, its record out: values, matched rules, warnings and errors.

The compiled model (:mod:`service.engine.graph`, :mod:`service.engine.decision_table`)
never changes after loading; everything one evaluation learns lands here. A :class:`Run`
is the :class:`service.feel.env.Evaluation` of the engine: FEEL code sees it as the shared
evaluation state (warnings, clock) and the engine adds the decision tables evaluated and
the defects met. :class:`Result` is what the caller gets back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.feel.env import Env, Evaluation, FeelWarning


@dataclass(slots=True)
class RuleMatch:
    """A rule that matched: its id, 1-based number, annotations, outputs and extensions."""

    rule_id: str | None
    index: int
    annotations: dict[str, str]
    outputs: dict[str, Any]
    extensions: dict[str, str]


@dataclass(slots=True)
class TableRecord:
    """One decision table evaluated: which rules matched and any defect met.

    ``matches`` lists the rules that made the result, in the order the hit policy put them
    (all matched rules for a UNIQUE or ANY violation); empty when no rule matched.
    ``defect`` is the code of the :class:`DecisionError` the table raised, else None.
    """

    decision: str
    table_id: str | None
    hit_policy: str
    aggregation: str | None
    matches: list[RuleMatch]
    defect: str | None = None
    default_used: bool = False


@dataclass(frozen=True, slots=True)
class DecisionError:
    """A defect met while evaluating a decision; the decision's value is then null.

    ``code`` is stable (see :mod:`service.engine.errors`); ``rule_ids`` names the rules at
    fault when the defect is a table's (e.g. the overlapping rules of a UNIQUE table).
    """

    decision: str
    code: str
    message: str
    rule_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Run(Evaluation):
    """The state of one evaluation: FEEL's warnings and clock plus the engine's records."""

    tables: list[TableRecord] = field(default_factory=list)
    errors: list[DecisionError] = field(default_factory=list)
    decision: str = ""  # the decision being evaluated, for the records


@dataclass(slots=True)
class Result:
    """What one evaluation returns.

    ``values`` maps each requested decision name to its FEEL value (None when it failed);
    ``tables`` lists every decision table evaluated, in order; ``warnings`` holds FEEL's
    warnings (each with a code and span); ``errors`` the defects met.
    """

    values: dict[str, Any]
    tables: list[TableRecord]
    warnings: list[FeelWarning]
    errors: list[DecisionError]

    @property
    def ok(self) -> bool:
        """True when no decision met a defect."""
        return not self.errors


def run_of(env: Env) -> Run | None:
    """The engine's record of the evaluation ``env`` belongs to (None outside the engine)."""
    evaluation = env.evaluation
    return evaluation if isinstance(evaluation, Run) else None


def report_error(env: Env, code: str, message: str, rule_ids: list[str] | None = None) -> None:
    """Record a defect of the decision being evaluated (a warning outside the engine)."""
    run = run_of(env)
    if run is None:
        env.warn(code, message)
        return
    run.errors.append(DecisionError(run.decision, code, message, list(rule_ids or [])))


def result_of(run: Run, values: dict[str, Any]) -> Result:
    """The :class:`Result` of a finished run."""
    return Result(values, run.tables, run.warnings, run.errors)
