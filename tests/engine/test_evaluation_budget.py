"""``Model.evaluate(..., timeout=)``: a runaway model stops and the timeout reaches the caller.

The workloads would run for minutes; with a budget of 0.05 s the evaluation must raise
EvaluationTimeout out of evaluate() (never a null decision or a DecisionError). A budget
that is not spent changes nothing. No test measures a duration.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from engine_builders import bkm, dec, definitions, inp, lit, load, num, service

from service.dmn import model as m
from service.engine import Model, load_definitions, load_files
from service.engine.explain import Run
from service.feel import codegen
from service.feel.env import CHECK_EVERY
from service.feel.errors import EvaluationTimeout
from service.tck.reader import read_test_file
from service.tck.runner import case_inputs

BUDGET = 0.05
ROOT = Path(__file__).resolve().parents[2]
CLINICAL = ROOT / "decisions" / "gastric-her2-later-lines"
NS_A = "https://tablerx.dev/tests/budget/a"
NS_B = "https://tablerx.dev/tests/budget/b"


@pytest.fixture(params=[True, False], ids=["codegen", "closures"])
def use_codegen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Models loaded in the test compile their FEEL with generated code, or closures."""
    monkeypatch.setattr(codegen, "ENABLED", request.param)
    return bool(request.param)


def _numbers(n: int) -> list[Decimal]:
    return [Decimal(i) for i in range(n)]


def _item(name: str = "n") -> m.InformationItem:
    return m.InformationItem(name=name, type_ref="number")


def _iterator(kind: str, variable: str, source: str, body: m.Expression) -> m.Iterator:
    return m.Iterator(kind=kind, variable=variable, source=lit(source), body=body)


def _entry(name: str | None, value: m.Expression | str) -> m.ContextEntry:
    variable = m.InformationItem(name=name) if name is not None else None
    return m.ContextEntry(variable=variable, value=lit(value) if isinstance(value, str) else value)


def _runaway_models() -> dict[str, tuple[Model, dict[str, Any]]]:
    branching = m.FunctionDefinition(parameters=[_item()], body=lit("f(n + 1) + f(n + 1)"))
    return {
        "literal loops": (
            load(dec("D", "for i in 1..1000, j in 1..1000, k in 1..1000 return i + j + k")),
            {},
        ),
        "recursive BKM": (
            load(
                bkm("Grow", [("n", "number")], "Grow(n + 1) + Grow(n + 1)", knowledge=["Grow"]),
                dec("D", "Grow(1)", knowledge=["Grow"]),
            ),
            {},
        ),
        "boxed function": (
            load(dec("D", m.Context(entries=[_entry("f", branching), _entry(None, "f(1)")]))),
            {},
        ),
        "boxed for": (
            load(inp("L"), dec("D", _iterator("for", "i", "L", lit("count(L) + i")), ["L"])),
            {"L": _numbers(200_000)},  # partial is copied for each item: quadratic
        ),
        "boxed every": (
            load(
                inp("L"),
                dec(
                    "D",
                    _iterator("every", "i", "L", _iterator("some", "j", "L", lit("i < j"))),
                    ["L"],
                ),
            ),
            {"L": _numbers(100_000)},
        ),
        "boxed filter": (
            load(
                inp("L"),
                dec("D", m.Filter(source=lit("L"), match=lit("count(L[item > 5]) > 0")), ["L"]),
            ),
            {"L": _numbers(100_000)},
        ),
        "sort input": (
            load(inp("L"), dec("D", "sort(L, function(a, b) a > b)", ["L"])),
            {"L": [Decimal(i * 7919 % 500_000) for i in range(500_000)]},
        ),
    }


RUNAWAY_NAMES = list(_runaway_models())


@pytest.mark.parametrize("name", RUNAWAY_NAMES)
def test_a_runaway_model_raises_the_timeout(name: str, use_codegen: bool) -> None:
    model, inputs = _runaway_models()[name]
    with pytest.raises(EvaluationTimeout) as raised:
        model.evaluate(inputs, timeout=BUDGET)
    assert raised.value.budget == BUDGET


def test_a_model_with_imports_stops_too(use_codegen: bool) -> None:
    # The importing model is evaluated through a session, with one scope per model.
    imported = definitions(
        dec("Loop", "for i in 1..1000, j in 1..1000, k in 1..1000 return i"),
        name="A",
        namespace=NS_A,
    )
    importing = definitions(
        dec("Top", "count(modelA.Loop)", [f"{NS_A}#d_Loop"]),
        imports=[
            m.Import(
                namespace=NS_A,
                name="modelA",
                import_type="https://www.omg.org/spec/DMN/20230324/MODEL/",
            )
        ],
        name="B",
        namespace=NS_B,
    )
    model = load_definitions([importing, imported])["B"]
    with pytest.raises(EvaluationTimeout):
        model.evaluate({}, timeout=BUDGET)


def test_a_decision_service_stops_too(use_codegen: bool) -> None:
    model = load(
        inp("x", "number"),
        dec("Loop", "count(for i in 1..x, j in 1..x, k in 1..x return i)", ["x"]),
        service("Svc", ["Loop"], input_data=["x"]),
        dec("Call", "Svc(1000)", knowledge=["Svc"]),
    )
    with pytest.raises(EvaluationTimeout):
        model.invoke_service("Svc", {"x": num(1000)}, timeout=BUDGET)
    with pytest.raises(EvaluationTimeout):  # invoked from FEEL, in a decision
        model.evaluate({}, ["Call"], timeout=BUDGET)
    assert model.invoke_service("Svc", {"x": num(10)}, timeout=600).values == {"Loop": num(1000)}


def test_other_decisions_do_not_run_on_after_a_timeout() -> None:
    model = load(
        dec("A", "for i in 1..1000, j in 1..1000, k in 1..1000 return i"),
        dec("B", "1"),
    )
    with pytest.raises(EvaluationTimeout):
        model.evaluate({}, ["B", "A"], timeout=BUDGET)


def test_a_huge_boxed_range_is_refused_with_a_warning() -> None:
    model = load(dec("D", _iterator("for", "i", "[1..1e30]", lit("i"))))
    result = model.evaluate({}, timeout=600)
    assert result.values == {"D": None}
    assert [w.code for w in result.warnings] == ["FEEL_INVALID_ITERATION"]


def _clinical_cases() -> tuple[Model, list[dict[str, Any]]]:
    (model,) = load_files([CLINICAL / "0.1.0.dmn"])
    tests = read_test_file(CLINICAL / "0.1.0.tests.xml")
    return model, [case_inputs(model, case) for case in tests.cases]


def test_a_budget_changes_nothing_in_the_clinical_model(use_codegen: bool) -> None:
    model, cases = _clinical_cases()
    for inputs in cases:
        assert model.evaluate(inputs, timeout=600) == model.evaluate(inputs)


def test_a_budget_changes_nothing_in_small_models() -> None:
    model = load(
        inp("L"),
        bkm(
            "Fib",
            [("n", "number")],
            "if n < 2 then n else Fib(n - 1) + Fib(n - 2)",
            knowledge=["Fib"],
        ),
        dec("F", "Fib(12)", knowledge=["Fib"]),
        dec("S", "sort(L, function(a, b) a > b)", ["L"]),
        dec("I", _iterator("for", "i", "L", lit("i + count(partial)")), ["L"]),
        dec("Bad", 'sort(["a", 1])'),
    )
    inputs = {"L": _numbers(50)}
    assert model.evaluate(inputs, timeout=600) == model.evaluate(inputs)


def test_a_run_holds_its_budget() -> None:
    free = Run()
    assert (free.deadline, free.budget, free.steps) == (None, None, CHECK_EVERY)
    bounded = Run(timeout=2.5)
    assert bounded.budget == 2.5 and bounded.deadline is not None
    assert not hasattr(bounded, "__dict__")  # slots all the way down
