"""Imports: elements of imported models qualified by the import name, nested imports."""

from __future__ import annotations

from engine_builders import bkm, dec, definitions, inp, item, num

from service.dmn import model as m
from service.engine import ModelSet, load_definitions

NS_A = "https://tablerx.dev/tests/a"
NS_B = "https://tablerx.dev/tests/b"
NS_C = "https://tablerx.dev/tests/c"


def _import(name: str, namespace: str) -> m.Import:
    return m.Import(
        namespace=namespace, name=name, import_type="https://www.omg.org/spec/DMN/20230324/MODEL/"
    )


def _models() -> ModelSet:
    a = definitions(
        inp("Person name", "string"),
        dec("Greeting", '"Hello, " + Person name', ["Person name"]),
        bkm("Shout", [("s", "tWord")], 's + "!"'),
        items=[item("tWord", "string")],
        name="A",
        namespace=NS_A,
    )
    b = definitions(
        dec("Relay", 'modelA.Greeting + " (via B)"', [f"{NS_A}#d_Greeting"]),
        inp("Word", "modelA.tWord"),
        dec("Loud", "modelA.Shout(Word)", ["Word"]),
        imports=[_import("modelA", NS_A)],
        name="B",
        namespace=NS_B,
    )
    c = definitions(
        dec("Top", 'Model B.Relay + "; " + Model B.modelA.Greeting', [f"{NS_B}#d_Relay"]),
        imports=[_import("Model B", NS_B)],
        name="C",
        namespace=NS_C,
    )
    return load_definitions([c, b, a])


def test_imported_decisions_and_bkms_are_qualified_by_the_import_name() -> None:
    b = _models().get("B")
    assert b is not None
    result = b.evaluate({"modelA.Person name": "Ann", "Word": "hey"})
    assert result.values == {"Relay": "Hello, Ann (via B)", "Loud": "hey!"}


def test_nested_imported_inputs_by_path_or_namespace() -> None:
    c = _models().get(NS_C)
    assert c is not None
    assert "Model B.modelA.Person name" in c.input_names
    expected = {"Top": "Hello, Bo (via B); Hello, Bo"}
    assert c.evaluate({"Model B.modelA.Person name": "Bo"}).values == expected
    assert c.evaluate({f"{{{NS_A}}}Person name": "Bo"}).values == expected


def test_imported_item_definitions_check_values() -> None:
    b = _models().get("B")
    assert b is not None
    result = b.evaluate({"Word": num(5)}, ["Loud"])
    assert result.values == {"Loud": None}


def test_model_set_lookup() -> None:
    models = _models()
    assert len(models) == 3
    assert [model.name for model in models] == ["C", "B", "A"]
    assert models.get("nope") is None
    assert models["A"].namespace == NS_A
