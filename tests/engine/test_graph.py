"""The requirement graph: only what is asked for is evaluated, in order; failures stay local."""

from __future__ import annotations

import pytest
from engine_builders import dec, definitions, inp, load, num, table

from service.engine import Model, ModelError, load_definitions


def _chain() -> Model:
    return load(
        inp("x", "number"),
        dec("Double", "x * 2", ["x"]),
        dec("Plus one", "Double + 1", ["Double"]),
        dec("Label", table(["x"], "out", [([">= 0"], '"pos"'), (["< 0"], '"neg"')]), ["x"]),
        dec("Both", 'string(Plus one) + " " + Label', ["Plus one", "Label"]),
    )


def test_all_decisions_by_default() -> None:
    model = _chain()
    assert model.decision_names == ["Double", "Plus one", "Label", "Both"]
    assert model.input_names == ["x"]
    result = model.evaluate({"x": num(4)})
    assert result.values == {"Double": num(8), "Plus one": num(9), "Label": "pos", "Both": "9 pos"}


def test_only_what_a_decision_needs_is_evaluated() -> None:
    model = _chain()
    result = model.evaluate({"x": num(4)}, ["Plus one"])
    assert result.values == {"Plus one": num(9)}
    assert result.tables == []  # the table of Label was not needed


def test_a_given_decision_value_is_used_instead_of_evaluating_it() -> None:
    model = _chain()
    result = model.evaluate({"x": num(4), "Double": num(100)}, ["Plus one"])
    assert result.values == {"Plus one": num(101)}


def test_missing_input_is_null_and_unknown_input_is_a_warning() -> None:
    model = _chain()
    result = model.evaluate({"y": num(1)}, ["Double"])
    assert result.values == {"Double": None}
    assert "ENGINE_UNKNOWN_INPUT" in [w.code for w in result.warnings]


def test_unknown_decision_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        _chain().evaluate({}, ["Nope"])


def test_a_defect_nulls_its_decision_only() -> None:
    overlapping = table(["x"], "out", [([">= 0"], '"a"'), ([">= 1"], '"b"')])
    model = load(
        inp("x", "number"),
        dec("Bad", overlapping, ["x"]),
        dec("Good", "x + 1", ["x"]),
        dec("After", 'if Bad = null then "no" else Bad', ["Bad"]),
    )
    result = model.evaluate({"x": num(5)})
    assert result.values == {"Bad": None, "Good": num(6), "After": "no"}
    assert [(e.decision, e.code) for e in result.errors] == [("Bad", "UNIQUE_VIOLATION")]


def test_an_unexpected_failure_is_recorded_and_the_rest_goes_on() -> None:
    model = load(inp("x"), dec("Boom", "x", ["x"]), dec("Fine", "1", []))
    node = next(n for n in model._graph.decisions.values() if n.name == "Boom")

    def explode(env: object) -> object:
        raise RuntimeError("bug")

    node.evaluate = explode
    result = model.evaluate({"x": num(1)})
    assert result.values == {"Boom": None, "Fine": num(1)}
    assert [(e.decision, e.code) for e in result.errors] == [("Boom", "EVALUATION_FAILED")]


def test_a_decision_without_logic_is_null_with_a_warning() -> None:
    result = load(dec("Empty", None)).evaluate({})
    assert result.values == {"Empty": None}
    assert [w.code for w in result.warnings] == ["ENGINE_NO_DECISION_LOGIC"]


def test_requirement_cycle_is_a_model_error() -> None:
    defs = definitions(dec("A", "B", ["B"]), dec("B", "A", ["A"]))
    with pytest.raises(ModelError) as caught:
        load_definitions([defs])
    assert [d.code for d in caught.value.diagnostics] == ["ENGINE_REQUIREMENT_CYCLE"]
    assert "A -> B -> A" in str(caught.value) or "B -> A -> B" in str(caught.value)


def test_unresolved_requirement_is_a_model_error() -> None:
    defs = definitions(dec("A", "1", ["#nowhere"]))
    with pytest.raises(ModelError) as caught:
        load_definitions([defs])
    assert caught.value.diagnostics[0].code == "ENGINE_UNRESOLVED_HREF"


def test_a_used_but_unrequired_decision_is_ordered_first_with_a_warning() -> None:
    models = load_definitions([definitions(dec("A", "B + 1"), dec("B", "41"))])
    assert [d.code for d in models.diagnostics] == ["ENGINE_IMPLICIT_REQUIREMENT"]
    model = models["test"]
    assert model.evaluate({}, ["A"]).values == {"A": num(42)}


def test_today_is_read_in_the_zone_the_caller_gives() -> None:
    # The same instant is two dates at once somewhere on Earth: the zone decides which.
    model = load(dec("Offset", "string(now().time offset)", []), dec("Zone", "now().timezone", []))
    in_utc = model.evaluate({})
    assert (in_utc.values["Offset"], in_utc.values["Zone"]) == ("PT0S", None)
    in_sydney = model.evaluate({}, zone="Australia/Sydney")
    assert in_sydney.values["Zone"] == "Australia/Sydney"
