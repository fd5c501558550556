"""Evaluation environment: the variables in scope, the warnings of one evaluation, its clock.

A compiled FEEL expression is a closure ``fn(env) -> value``. ``Env`` is a chain of
scopes (contexts, ``for`` loops, function bodies push a child); every child shares the
parent's :class:`Evaluation`, which collects warnings and fixes ``now()`` for the whole
evaluation so that one request sees one instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
