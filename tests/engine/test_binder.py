"""The generated argument binder of BKMs (functions.binder) against functions.bind, the
general binding it stands for: the same bound values, the same warnings, the same None."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from engine_builders import bkm, dec, load

from service.engine.functions import Parameters, bind, binder
from service.engine.types import Declared
from service.feel import types as ft
from service.feel.env import Env

NUMBER = Declared("number", ft.NUMBER)
STRING = Declared("string", ft.STRING)
PARAMS: Parameters = [("a", NUMBER), ("b", None), ("c", STRING)]


def both(args: list[Any], named: dict[str, Any] | None) -> tuple[Any, list[Any]]:
    """(bound, warnings) from the generated binder; asserts the general bind agrees."""
    fast_env, slow_env = Env({}), Env({})
    fast = binder("f", PARAMS)(args, named, fast_env)
    slow = bind("f", PARAMS, frozenset(p for p, _ in PARAMS), args, named, slow_env)
    assert fast == slow
    if fast is not None and slow is not None:
        assert list(fast) == list(slow)  # parameter order
    fast_warnings = [(w.code, w.message) for w in fast_env.evaluation.warnings]
    assert fast_warnings == [(w.code, w.message) for w in slow_env.evaluation.warnings]
    return fast, fast_warnings


@pytest.mark.parametrize(
    ("args", "named", "expected"),
    [
        ([Decimal(1), "x", "s"], None, {"a": Decimal(1), "b": "x", "c": "s"}),
        ([None, None, None], None, {"a": None, "b": None, "c": None}),
        ([[Decimal(2)], True, ["s"]], None, {"a": Decimal(2), "b": True, "c": "s"}),
        ([], {"c": "s", "a": Decimal(3)}, {"a": Decimal(3), "b": None, "c": "s"}),
        ([], {}, {"a": None, "b": None, "c": None}),
        ([], {"b": [1, 2]}, {"a": None, "b": [1, 2], "c": None}),
        ([Decimal(1)], None, None),  # too few
        ([Decimal(1), 2, 3, 4], None, None),  # too many
        ([], {"a": Decimal(1), "z": 2}, None),  # unknown name
        (["not a number", 1, "s"], None, None),  # does not conform
        ([], {"c": Decimal(5)}, None),
    ],
)
def test_generated_binder_agrees_with_bind(
    args: list[Any], named: dict[str, Any] | None, expected: Any
) -> None:
    bound, warnings = both(args, named)
    assert bound == expected
    assert bool(warnings) == (expected is None)


def test_no_parameters() -> None:
    assert binder("f", [])([], None, Env({})) == {}
    assert binder("f", [])([], {}, Env({})) == {}
    assert binder("f", [])([1], None, Env({})) is None


def test_a_repeated_parameter_name_takes_the_general_path() -> None:
    params: Parameters = [("a", None), ("a", NUMBER)]
    assert binder("f", params)([1, Decimal(2)], None, Env({})) == {"a": Decimal(2)}


def test_named_arguments_in_any_order_through_a_model() -> None:
    model = load(
        bkm(
            "f",
            [("x", "number"), ("y", "string"), ("z", None)],
            'string(x) + y + (if z = null then "n" else string(z))',
        ),
        dec("Result", 'f(z: 3, y: "-", x: 1) + f(y: "+", x: 2)', knowledge=["f"]),
    )
    result = model.evaluate({})
    assert result.values["Result"] == "1-3" + "2+n"
    assert not result.warnings
