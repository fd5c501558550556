"""The time budget of one FEEL evaluation: runaway loops stop, finished ones are unchanged.

Every workload below would run for minutes (or for ever); with a budget of 0.05 s it must
raise EvaluationTimeout, with the generated code and with the closures. No test measures
how long anything took: only that the evaluation stopped, and how.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from service.feel.compiler import compile_expression
from service.feel.env import CHECK_EVERY, Env, Evaluation
from service.feel.errors import EvaluationTimeout
from service.feel.values import Date

BUDGET = 0.05
CODEGEN = pytest.mark.parametrize("codegen", [True, False], ids=["codegen", "closures"])


def _numbers(n: int) -> list[Decimal]:
    return [Decimal(i) for i in range(n)]


def _shuffled(n: int) -> list[Decimal]:
    # A fixed permutation: sorting it takes n log n comparisons (a sorted list takes n).
    return [Decimal(i * 7919 % n) for i in range(n)]


def _dates(n: int) -> list[Date]:
    # Dates have no hash key in distinct values: FEEL equality, pair by pair.
    return [Date(1 + i // 336, 1 + i // 28 % 12, 1 + i % 28) for i in range(n)]


def _run(text: str, variables: dict[str, Any], budget: float | None, codegen: bool) -> Any:
    evaluation = Evaluation()
    evaluation.set_budget(budget)
    expression = compile_expression(text, variables, codegen=codegen)
    return expression(Env(dict(variables), None, evaluation)), evaluation


# (name, expression, variables): each would take minutes without a budget.
L1000 = _numbers(1000)
RUNAWAYS: list[tuple[str, str, dict[str, Any]]] = [
    ("nested for", "for i in 1..1000, j in 1..1000, k in 1..1000 return i + j + k", {}),
    ("nested for, bodies", "for i in 1..1000 return for j in 1..1000 return i * j", {}),
    ("huge a..b inside for", "for i in 1..1000 return count(for j in 1..999999 return j)", {}),
    ("range value domains", "for i in [1..999999], j in [1..999999] return 1", {}),
    ("some", "some i in 1..1000, j in 1..1000, k in 1..1000 satisfies i + j + k < 0", {}),
    ("every", "every i in 1..1000, j in 1..1000, k in 1..1000 satisfies i + j + k > 0", {}),
    ("filter in a loop", "for k in 1..999999 return count(L[item > k])", {"L": L1000}),
    ("nested filters", "count(L[count(L[item > 5]) > 0])", {"L": _numbers(100_000)}),
    ("partial", "for i in 1..999999 return count(partial)", {}),
    ("branching recursion", "{f: function(n) f(n + 1) + f(n + 1), r: f(1)}.r", {}),
    ("named recursion", "{f: function(n) [f(n: n + 1), f(n: n + 1)], r: f(n: 1)}.r", {}),
    ("recursion in a loop", "{f: function(n) for i in 1..3 return f(n + i), r: f(1)}.r", {}),
    ("list contains in a loop", "for x in L return list contains(L, -x)", {"L": _numbers(300_000)}),
    ("index of in a filter", "L[count(index of(L, item)) > 1]", {"L": _numbers(300_000)}),
    ("distinct values", "count(distinct values(L))", {"L": _dates(200_000)}),
    ("union", "count(union(L, L))", {"L": _dates(200_000)}),
    ("sort, comparator", "sort(L, function(a, b) a > b)", {"L": _shuffled(500_000)}),
    ("sort, named", "sort(precedes: function(a, b) a > b, list: L)", {"L": _shuffled(500_000)}),
    ("sort, default order", "for k in 1..999999 return sort(L)[1]", {"L": _numbers(5000)}),
    (
        "list replace",
        "for k in 1..999999 return list replace(L, function(a, b) a > b, 0)",
        {"L": L1000},
    ),
]


@CODEGEN
@pytest.mark.parametrize(
    ("text", "variables"), [r[1:] for r in RUNAWAYS], ids=[r[0] for r in RUNAWAYS]
)
def test_a_runaway_evaluation_stops(text: str, variables: dict[str, Any], codegen: bool) -> None:
    with pytest.raises(EvaluationTimeout) as raised:
        _run(text, variables, BUDGET, codegen)
    assert raised.value.budget == BUDGET
    assert raised.value.code == "FEEL_TIMEOUT"


# The timeout is met inside nodes that turn any Exception into null: it must pass them all.
INSIDE_GUARDS = [
    "if (for i in 1..1000, j in 1..1000 return i) = null then 0 else 1",
    "string(for i in 1..1000, j in 1..1000 return i)",
    "[1, for i in 1..1000, j in 1..1000 return i, 3]",
    "{a: 1, b: (for i in 1..1000, j in 1..1000 return i)[1]}.b",
    "count(for i in 1..1000, j in 1..1000 return i) + 1",
    "(function(x) x)(for i in 1..1000, j in 1..1000 return i)",
    "(for i in 1..1000, j in 1..1000 return i) instance of list<number>",
    "[1, 2][for i in 1..1000, j in 1..1000 return i = 0]",
    "sort([3, 1, 2], function(a, b) count(for i in 1..1000, j in 1..1000 return i) > a)",
]


@CODEGEN
@pytest.mark.parametrize("text", INSIDE_GUARDS)
def test_the_timeout_is_never_swallowed_into_null(text: str, codegen: bool) -> None:
    evaluation = Evaluation()
    evaluation.set_budget(BUDGET)
    expression = compile_expression(text, codegen=codegen)
    with pytest.raises(EvaluationTimeout):
        expression(Env({}, None, evaluation))
    assert evaluation.warnings == []  # nothing on the way up took it for a failure


# (expression, variables): finish well within a generous budget.
FINISHING: list[tuple[str, dict[str, Any]]] = [
    ("for i in 1..300, j in [1, 2] return i * j + count(partial)", {}),
    ("some x in L satisfies x > 50", {"L": _numbers(100)}),
    ("every x in [1..50) satisfies x < 50", {}),
    ("L[item mod 7 = 0]", {"L": _numbers(2000)}),
    ("L[3]", {"L": _numbers(10)}),
    ("{f: function(n) if n < 2 then n else f(n - 1) + f(n - 2), r: f(15)}.r", {}),
    ("sort(L, function(a, b) a > b)[1]", {"L": _shuffled(3000)}),
    ("sort(L)", {"L": _shuffled(3000)}),
    ('sort(["b", 1])', {}),  # a warning, the same with and without a budget
    ("count(distinct values(L))", {"L": _dates(300)}),
    ("union([1, 2], [2, 3], L)", {"L": _dates(3)}),
    ("for i in (1..5] return i", {}),
    ("for i in [1..1] return i", {}),
    ("for i in 5..1 return i", {}),
    ("for i in [1..x] return i", {"x": None}),  # a warning: null end point
    ("for i in 1..1.5 return i", {}),  # a warning: not whole
    ("{f: function(n) f(n + 1), r: f(1)}.r", {}),  # RecursionError: null, as before
]


@CODEGEN
@pytest.mark.parametrize(("text", "variables"), FINISHING)
def test_a_budget_does_not_change_a_finished_evaluation(
    text: str, variables: dict[str, Any], codegen: bool
) -> None:
    free, free_run = _run(text, variables, None, codegen)
    bounded, bounded_run = _run(text, variables, 600.0, codegen)
    assert bounded == free
    assert bounded_run.warnings == free_run.warnings


def test_the_timeout_is_not_an_exception() -> None:
    assert not issubclass(EvaluationTimeout, Exception)
    assert str(EvaluationTimeout(0.25)) == "the evaluation ran past its time budget of 0.25 s"


@CODEGEN
def test_a_spent_budget_stops_at_the_first_step(codegen: bool) -> None:
    with pytest.raises(EvaluationTimeout):
        _run("for i in 1..2 return i", {}, 0.0, codegen)
    # An expression with no loop and no invocation takes no step: it finishes.
    assert _run("1 + 1", {}, 0.0, codegen)[0] == Decimal(2)


def test_without_a_deadline_the_countdown_only_starts_again() -> None:
    evaluation = Evaluation()
    assert (evaluation.deadline, evaluation.budget, evaluation.steps) == (None, None, CHECK_EVERY)
    evaluation.spend(CHECK_EVERY + 1)  # the countdown runs out, finds no deadline
    assert evaluation.steps == CHECK_EVERY
    evaluation.set_budget(60.0)
    evaluation.spend(CHECK_EVERY + 1)  # the clock is read: far from the deadline
    assert evaluation.steps == CHECK_EVERY
    evaluation.set_budget(None)
    assert (evaluation.deadline, evaluation.budget) == (None, None)


def test_a_spent_budget_keeps_raising() -> None:
    evaluation = Evaluation()
    evaluation.set_budget(0.0)
    for _ in range(3):  # whoever catches it cannot go on evaluating
        with pytest.raises(EvaluationTimeout):
            evaluation.spend()


# A built-in going through a whole list is charged a step per item: one call over a long
# list is much work, and a loop calling it must not go CHECK_EVERY calls between two
# readings of the clock. Each text below has no loop of its own: without the charge it
# would never read the clock.
LONG = 4 * CHECK_EVERY
SCAN_VARIABLES: dict[str, Any] = {
    "L": _numbers(LONG),
    "P": [Decimal(1)] * LONG,
    "B": [True] * LONG,
    "S": ["a"] * LONG,
    "C": {f"k{i}": i for i in range(LONG)},
    "E": [{"key": f"k{i}", "value": i} for i in range(LONG)],
    "M": [{"a": i} for i in range(LONG)],
}
SCANS = [
    "sum(L)", "min(L)", "max(L)", "mean(L)", "median(L)", "stddev(L)", "mode(L)",
    "product(P)", "all(B)", "any(B)", "sum(list: L)", "string join(S)",
    'string join(S, ",")', "append(L, 1)", "concatenate(L, [1])", "sublist(L, 2)",
    "sublist(L, 1, 3)", "insert before(L, 1, 0)", "remove(L, 1)", "reverse(L)",
    "flatten([L])", "list replace(L, 1, 0)", "distinct values(L)", "union(L, [1])",
    "get entries(C)", "context(E)", "context merge(M)", 'context put(C, "z", 1)',
    "5 in L", "5 in (L)",
]  # fmt: skip


@CODEGEN
@pytest.mark.parametrize("text", SCANS)
def test_a_builtin_scanning_a_long_list_reads_the_clock(
    text: str, codegen: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    readings: list[int] = []
    check = Evaluation.check_deadline

    def counted(self: Evaluation) -> None:
        readings.append(1)
        check(self)

    monkeypatch.setattr(Evaluation, "check_deadline", counted)
    value, evaluation = _run(text, SCAN_VARIABLES, None, codegen)  # the countdown still runs
    assert value is not None, evaluation.warnings
    assert readings  # the charge for the list ran the countdown out


@CODEGEN
def test_a_loop_over_a_scanning_builtin_stops(codegen: bool) -> None:
    with pytest.raises(EvaluationTimeout):
        _run("for k in 1..999999 return sum(L) + k", {"L": _numbers(20_000)}, BUDGET, codegen)
