"""The shortcut for one-table decisions answers exactly as the general evaluation does."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from engine_builders import dec, inp, load, table

from service.engine import Model, Result

NUMBER_CELLS = ["-", "5", "< 10", ">= 3", "[2..8]", "]2..8[", "< 0, > 20", "not(5)", "null", "1, 2"]
STRING_CELLS = ["-", '"a"', '"a","b"', 'not("a")', '"c"', "null", '["a".."b"]']
BOOLEAN_CELLS = ["-", "true", "false", "not(true)", "null"]
KINDS = {
    "number": (NUMBER_CELLS, [Decimal(v) for v in ("0", "2", "3", "5", "5.0", "8", "21")]),
    "string": (STRING_CELLS, ["a", "b", "c", "z"]),
    "boolean": (BOOLEAN_CELLS, [True, False]),
}
STRANGERS: list[Any] = [None, "5", Decimal(1), True, [Decimal(5)]]  # wrong types, null, list
INPUT_VALUES = {"number": "[0..10]", "string": '"a","b","c"', "boolean": ""}
POLICIES = ["UNIQUE", "ANY", "FIRST", "PRIORITY", "COLLECT"]


def _random_model(rng: random.Random) -> tuple[Model, dict[str, str]]:
    names = [f"in{i}" for i in range(rng.randint(1, 4))]
    kinds = {name: rng.choice(list(KINDS)) for name in names}
    declared = {name: kinds[name] if rng.random() < 0.7 else None for name in names}
    policy = rng.choice(POLICIES)
    outputs = rng.choice([["out"], ["a", "b"]])
    rules = []
    for n in range(rng.randint(0, 8)):
        cells = [rng.choice(KINDS[kinds[name]][0]) for name in names]
        values = [rng.choice([f'"{n % 3}"', f'"{n}"', "[1, 2]", "null"]) for _ in outputs]
        rules.append((cells, values))
    decision_table = table(
        names,
        outputs,
        rules,
        hit_policy=policy,
        input_values={i: INPUT_VALUES[kinds[n]] for i, n in enumerate(names) if rng.random() < 0.3},
        output_values={0: '"0", "1", "2"'} if policy == "PRIORITY" else None,
        input_types={i: kinds[n] for i, n in enumerate(names) if rng.random() < 0.3},
    )
    decision_type = rng.choice([None, None, "string", "context"])
    model = load(
        *(inp(name, declared[name]) for name in names),
        dec("Result", decision_table, names, type_ref=decision_type),
        dec("Other", "1", []),
    )
    return model, kinds


def _random_inputs(rng: random.Random, kinds: dict[str, str]) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for name, kind in kinds.items():
        roll = rng.random()
        if roll < 0.75:
            inputs[name] = rng.choice(KINDS[kind][1])
        elif roll < 0.9:
            inputs[name] = rng.choice(STRANGERS)
    if rng.random() < 0.05:
        inputs["unknown"] = Decimal(1)
    return inputs


def _same(quick: Result, general: Result) -> None:
    assert quick.values == general.values
    assert quick.tables == general.tables
    assert quick.warnings == general.warnings
    assert quick.errors == general.errors


@pytest.mark.parametrize("seed", range(8))
def test_shortcut_gives_the_general_answer(seed: int) -> None:
    rng = random.Random(seed)
    answered = 0
    for _ in range(40):
        model, kinds = _random_model(rng)
        targets = model._targets(("Result",))
        for _ in range(15):
            inputs = _random_inputs(rng, kinds)
            general = model._evaluate_simple(inputs, targets)
            if targets.quick is not None:
                shortcut = targets.quick(inputs)
                if shortcut is not None:
                    answered += 1
                    _same(shortcut, general)
            _same(model.evaluate(inputs, ["Result"]), general)
    assert answered > 100  # the shortcut is really exercised


def test_shortcut_results_are_independent() -> None:
    model = load(
        inp("x", "number"),
        dec("Result", table(["x"], ["a", "b"], [([">= 10"], ['"A"', "[1, 2]"])]), ["x"]),
    )
    first = model.evaluate({"x": Decimal(12)}, ["Result"])
    first.values["Result"]["b"].append(3)
    first.tables[0].matches[0].outputs["b"].append(3)
    again = model.evaluate({"x": Decimal(12)}, ["Result"])
    assert again.values["Result"] == {"a": "A", "b": [Decimal(1), Decimal(2)]}
    assert again.tables[0].matches[0].outputs == {"a": "A", "b": [Decimal(1), Decimal(2)]}


def test_shortcut_leaves_unknown_inputs_and_conversions_to_the_general_path() -> None:
    model = load(
        inp("x", "number"),
        dec("Result", table(["x"], "out", [(["> 1"], '"big"'), (["<= 1"], '"small"')]), ["x"]),
    )
    assert model.evaluate({"x": Decimal(2)}, ["Result"]).values == {"Result": "big"}
    unknown = model.evaluate({"x": Decimal(2), "y": 1}, ["Result"])
    assert [w.code for w in unknown.warnings] == ["ENGINE_UNKNOWN_INPUT"]
    converted = model.evaluate({"x": [Decimal(0)]}, ["Result"])  # a singleton list
    assert converted.values == {"Result": "small"}
