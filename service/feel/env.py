"""Evaluation environment: the variables in scope, the warnings of one evaluation, its clock.

A compiled FEEL expression is a closure ``fn(env) -> value``. ``Env`` is a chain of
scopes (contexts, ``for`` loops, function bodies push a child); every child shares the
parent's :class:`Evaluation`, which collects warnings and fixes ``now()`` for the whole
evaluation so that one request sees one instant.

The evaluation also holds its time budget: a ``deadline`` on the ``time.monotonic()``
clock and a countdown of steps (loop iterations, function invocations, comparisons)
until the clock is read again. Every loop the evaluator runs on behalf of a model spends
steps (:meth:`Evaluation.spend`, or the same two lines inline on hot paths); when the
countdown runs out, :meth:`Evaluation.check_deadline` reads the clock and raises
:class:`~service.feel.errors.EvaluationTimeout` past the deadline, which stops the whole
evaluation (it is not an ``Exception``: nothing turns it into null).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from service.feel.errors import EvaluationTimeout

# Steps between two readings of the clock. A step is one loop iteration or invocation,
# mostly well under a microsecond or two: reading the clock each 128 of them costs nothing
# measurable, and stops a runaway evaluation within a millisecond or so of its deadline
# (later when single steps are large, say a built-in scanning a huge list each iteration).
# The countdown stays within Python's cached small ints: counting down allocates nothing.
# Without a deadline the countdown runs the same way and its end only starts it again.
CHECK_EVERY = 128

_MISSING = object()  # lookup's "no default given"
_ABSENT = object()  # has()'s "not bound anywhere"


@dataclass(frozen=True, slots=True)
class FeelWarning:
    """A problem met while evaluating: FEEL's answer is null, and this says why.

    ``code`` is stable (``FEEL_TYPE_MISMATCH``, ``FEEL_UNKNOWN_NAME``, ...);
    ``span`` is the (start, end) offsets in ``source`` of the expression at fault.
    """

    code: str
    message: str
    source: str = ""
    span: tuple[int, int] | None = None


@dataclass(slots=True)
class Evaluation:
    """State shared by all scopes of one evaluation."""

    warnings: list[FeelWarning] = field(default_factory=list)
    now: Any = None  # a values.DateTime fixed at the start of the evaluation, set lazily
    # The IANA zone now() and today() are read in (a clinic's local date is not UTC's);
    # None reads them in UTC.
    zone: str | None = None
    # The time budget (see the module docstring): the time.monotonic() instant past which
    # the evaluation stops (None: no budget), the seconds it was given (for the message),
    # and the steps left until the clock is read again.
    deadline: float | None = None
    budget: float | None = None
    steps: int = CHECK_EVERY

    def set_budget(self, seconds: float | None) -> None:
        """Give the evaluation ``seconds`` from now (None: no budget)."""
        self.budget = seconds
        if seconds is None:
            self.deadline = None
            self.steps = CHECK_EVERY
        else:
            self.deadline = time.monotonic() + seconds
            self.steps = 0  # the first step reads the clock: a budget of 0 stops at once

    def spend(self, steps: int = 1) -> None:
        """Count ``steps`` against the budget; EvaluationTimeout when it is spent.

        Hot loops inline the same thing: ``ev.steps -= 1`` then, when it went below
        zero, ``ev.check_deadline()``.
        """
        self.steps -= steps
        if self.steps < 0:
            self.check_deadline()

    def check_deadline(self) -> None:
        """Read the clock (the countdown ran out): raise EvaluationTimeout past the
        deadline, else start a new countdown."""
        deadline = self.deadline
        if deadline is not None and time.monotonic() >= deadline:
            self.steps = -1  # every later step raises too: nothing can run on
            raise EvaluationTimeout(self.budget)
        self.steps = CHECK_EVERY


class Env:
    """A scope: its own variables, its parent scope, and the shared evaluation state."""

    __slots__ = ("evaluation", "parent", "vars")

    vars: dict[str, Any]
    parent: Env | None
    evaluation: Evaluation

    def __init__(
        self,
        vars: dict[str, Any] | None = None,
        parent: Env | None = None,
        evaluation: Evaluation | None = None,
    ) -> None:
        self.vars = vars if vars is not None else {}
        self.parent = parent
        if evaluation is None:
            evaluation = parent.evaluation if parent is not None else Evaluation()
        self.evaluation = evaluation

    def child(self, vars: dict[str, Any] | None = None) -> Env:
        """A nested scope whose names shadow this one's."""
        return Env(vars, self, self.evaluation)

    def lookup(self, name: str, default: Any = _MISSING) -> Any:
        """The value bound to ``name`` in the nearest scope; ``default`` or KeyError if none."""
        env: Env | None = self
        while env is not None:
            value = env.vars.get(name, _MISSING)
            if value is not _MISSING:
                return value
            env = env.parent
        if default is _MISSING:
            raise KeyError(name)
        return default

    def has(self, name: str) -> bool:
        """True when ``name`` is bound in this scope or an enclosing one."""
        return self.lookup(name, _ABSENT) is not _ABSENT

    def warn(
        self,
        code: str,
        message: str,
        source: str = "",
        span: tuple[int, int] | None = None,
    ) -> None:
        """Record a warning for this evaluation (the caller then returns null)."""
        self.evaluation.warnings.append(FeelWarning(code, message, source, span))
