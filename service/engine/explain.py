"""One evaluation in, its record out: values, matched rules, warnings and errors.

The compiled model (:mod:`service.engine.graph`, :mod:`service.engine.decision_table`)
never changes after loading; everything one evaluation learns lands here. A :class:`Run`
is the :class:`service.feel.env.Evaluation` of the engine: FEEL code sees it as the shared
evaluation state (warnings, clock) and the engine adds the decision tables evaluated and
the defects met. :class:`Result` is what the caller gets back.

A table evaluated is logged as a compact tuple (:data:`LogEntry`: the compiled table, the
decision, the positions of the rules that count and their output values) and turned into
:class:`TableRecord` and :class:`RuleMatch` objects only when ``Result.tables`` is first
read: most evaluations in a service are never explained rule by rule in Python, and
building those objects cost more than evaluating a small table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from time import monotonic
from typing import Any, Protocol

from service.feel.env import CHECK_EVERY, Env, Evaluation, FeelWarning


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


class Recorder(Protocol):
    """What logs table evaluations: a compiled decision table."""

    def record(self, entry: LogEntry) -> TableRecord:
        """The record of one logged evaluation of this table."""


# (table, decision, positions of the rules that count in hit policy order, their output
# values (one list per rule; None: the rules' prepared outputs), defect code, default used)
LogEntry = tuple[Recorder, str, tuple[int, ...], Any, "str | None", bool]


class Run(Evaluation):
    """The state of one evaluation: FEEL's warnings and clock plus the engine's records."""

    __slots__ = ("decision", "errors", "log")

    def __init__(
        self,
        warnings: list[FeelWarning] | None = None,
        now: Any = None,
        log: list[LogEntry] | None = None,
        errors: list[DecisionError] | None = None,
        decision: str = "",
        zone: str | None = None,
        timeout: float | None = None,
    ) -> None:
        """``timeout``: the evaluation's time budget in seconds (None: none), see
        :meth:`Evaluation.set_budget`."""
        # Written out rather than generated: a Run is made for every evaluation.
        self.warnings = [] if warnings is None else warnings
        self.now = now
        self.zone = zone
        # Evaluation's budget fields, every one set (slots have no defaults); with a
        # timeout, as Evaluation.set_budget does.
        self.budget = timeout
        if timeout is None:
            self.deadline = None
            self.steps = CHECK_EVERY
        else:
            self.deadline = monotonic() + timeout
            self.steps = 0
        self.log: list[LogEntry] = [] if log is None else log
        self.errors: list[DecisionError] = [] if errors is None else errors
        self.decision = decision  # the decision being evaluated, for the records

    @property
    def tables(self) -> list[TableRecord]:
        """The decision tables evaluated so far, as records (built on each read)."""
        return records(self.log)

    def __repr__(self) -> str:
        return f"Run(decision={self.decision!r}, tables={len(self.log)}, errors={self.errors!r})"


def records(log: Sequence[LogEntry]) -> list[TableRecord]:
    """The :class:`TableRecord` of every logged table evaluation, in order."""
    return [entry[0].record(entry) for entry in log]


class Result:
    """What one evaluation returns.

    ``values`` maps each requested decision name to its FEEL value (None when it failed);
    ``tables`` lists every decision table evaluated, in order (built from the evaluation's
    log on first read); ``warnings`` holds FEEL's warnings (each with a code and span);
    ``errors`` the defects met.
    """

    # service.engine.quick's generated code fills these slots itself: keep it in step.
    __slots__ = ("_log", "_tables", "errors", "values", "warnings")

    def __init__(
        self,
        values: dict[str, Any],
        tables: list[TableRecord] | None,
        warnings: list[FeelWarning],
        errors: list[DecisionError],
        log: Sequence[LogEntry] = (),
    ) -> None:
        """``tables`` None: the records are built from ``log`` when first read."""
        self.values = values
        self._tables = tables
        self._log = log
        self.warnings = warnings
        self.errors = errors

    @property
    def log(self) -> Sequence[LogEntry] | None:
        """The evaluation's raw log of the tables it met, for a caller that builds its own
        view of them (the API's answers); None once :attr:`tables` has been read, which
        turns the log into records."""
        return self._log if self._tables is None else None

    @property
    def tables(self) -> list[TableRecord]:
        """Every decision table evaluated, in order."""
        tables = self._tables
        if tables is None:
            tables = self._tables = records(self._log)
            self._log = ()
        return tables

    @tables.setter
    def tables(self, tables: list[TableRecord]) -> None:
        self._tables = tables
        self._log = ()

    @property
    def ok(self) -> bool:
        """True when no decision met a defect."""
        return not self.errors

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self.values, self.tables, self.warnings, self.errors) == (
            other.values, other.tables, other.warnings, other.errors,
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

    def __repr__(self) -> str:
        return (
            f"Result(values={self.values!r}, tables={self.tables!r}, "
            f"warnings={self.warnings!r}, errors={self.errors!r})"
        )


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
    return Result(values, None, run.warnings, run.errors, run.log)
