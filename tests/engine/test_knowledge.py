"""Business knowledge models and decision services as functions and as entry points."""

from __future__ import annotations

from engine_builders import bkm, dec, inp, item, load, num, service, table

from service.engine import Model


def _bkm_model() -> Model:
    return load(
        inp("age", "number"),
        bkm(
            "Band",
            [("a", "number")],
            table(["a"], "out", [(["< 18"], '"minor"'), ([">= 18"], '"adult"')]),
        ),
        bkm("Twice", [("n", "number")], "n * 2", type_ref="number"),
        bkm("Quad", [("n", None)], "Twice(Twice(n))", knowledge=["Twice"]),
        dec("Label", "Band(age)", ["age"], knowledge=["Band"]),
        dec("Sixteen", "Quad(4)", knowledge=["Quad"]),
        dec("Named", "Twice(n: 21)", knowledge=["Twice"]),
        dec("Misfit", 'Twice("x")', knowledge=["Twice"]),
        dec("Too few", "Twice()", knowledge=["Twice"]),
    )


def test_bkm_called_from_feel() -> None:
    values = _bkm_model().evaluate({"age": num(30)}).values
    assert values["Label"] == "adult"
    assert values["Sixteen"] == num(16)
    assert values["Named"] == num(42)


def test_bkm_with_a_misfit_argument_is_not_invoked() -> None:
    result = _bkm_model().evaluate({"age": num(30)}, ["Misfit", "Too few"])
    assert result.values == {"Misfit": None, "Too few": None}


def test_a_table_inside_a_bkm_is_recorded_under_the_calling_decision() -> None:
    result = _bkm_model().evaluate({"age": num(12)}, ["Label"])
    assert result.values == {"Label": "minor"}
    (record,) = result.tables
    assert record.decision == "Label"
    assert [m.rule_id for m in record.matches] == ["r1"]


def _service_model() -> Model:
    return load(
        inp("a", "number"),
        inp("b", "string"),
        dec("Base", "a * 10", ["a"]),
        dec("Text", 'b + "!"', ["b"]),
        dec("Sum", "Base + 1", ["Base"], type_ref="number"),
        dec("Call one", 'One(2, "hi")', knowledge=["One"]),
        dec("Call two", 'Two(a: 3, b: "x", Base: 5)', knowledge=["Two"]),
        dec("Call bad", 'One("2", "hi")', knowledge=["One"]),
        service("One", ["Sum"], input_data=["a", "b"]),
        service("Two", ["Sum", "Text"], input_decisions=["Base"], input_data=["a", "b"]),
    )


def test_decision_service_called_from_feel() -> None:
    values = _service_model().evaluate({"a": num(1), "b": "z"}).values
    assert values["Call one"] == num(21)  # a single output: its value
    assert values["Call two"] == {"Sum": num(6), "Text": "x!"}  # Base given, not computed
    assert values["Call bad"] is None
    assert values["Sum"] == num(11)  # the service did not touch the model's own values


def test_decision_service_parameters_are_input_data_then_input_decisions() -> None:
    model = _service_model()
    (two,) = (v for k, v in model._graph.static[model.namespace].items() if k == "Two")
    assert [p.name for p in two.parameters] == ["a", "b", "Base"]


def test_invoke_service_from_the_api() -> None:
    model = _service_model()
    assert model.service_names == ["One", "Two"]
    result = model.invoke_service("Two", {"a": num(1), "b": "q", "Base": num(7)})
    assert result.values == {"Sum": num(8), "Text": "q!"}
    single = model.invoke_service("One", {"a": [num(2)], "b": "q", "c": 1})
    assert single.values == {"Sum": num(21)}
    assert [w.code for w in single.warnings] == ["ENGINE_UNKNOWN_INPUT"]


def test_invoke_service_converts_misfit_parameters_to_null() -> None:
    result = _service_model().invoke_service("One", {"a": "not a number", "b": "q"})
    assert result.values == {"Sum": None}
    assert "ENGINE_TYPE_COERCION" in [w.code for w in result.warnings]


def test_service_output_type_from_a_function_item() -> None:
    fn_type = item("tFn")
    fn_type.function_parameters = []
    fn_type.function_output_type_ref = "string"
    model = load(dec("N", "1000"), service("S", ["N"], type_ref="tFn"), items=[fn_type])
    assert model.invoke_service("S", {}).values == {"N": None}
