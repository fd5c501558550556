"""The compiler's fast paths answer as the general ones: closed scopes, loops, filters, contexts."""

from __future__ import annotations

import decimal
from typing import Any

import pytest

from service.feel import Env, compile_expression
from service.feel.compile_base import NOT_CONSTANT, constant_value
from service.feel.values import Function


def D(text: str) -> decimal.Decimal:
    return decimal.Decimal(text)


VARS: dict[str, Any] = {
    "x": D("5"),
    "s": "abc",
    "xs": [D("1"), D("2"), D("3")],
    "rows": [
        {"code": "A", "n": D("1"), "count": D("7"), "item": "inner"},
        {"code": "B", "n": D("2"), "count": None},
        {"code": None, "n": None},
    ],
    "nothing": None,
}


def run(text: str, closed: bool) -> tuple[Any, list[tuple[str, tuple[int, int] | None]]]:
    """The value of ``text`` and its warnings (code, span), compiled closed or not."""
    env = Env(dict(VARS))
    value = compile_expression(text, VARS, closed=closed)(env)
    return value, [(w.code, w.span) for w in env.evaluation.warnings]


CASES = [
    # built-ins named outside and inside filters (where an item's entry may hide them)
    ("count(xs)", D("3")),
    ("rows[count = 7].code", ["A"]),
    ("rows[count(xs) = 3].code", [None]),  # an entry named count hides the built-in
    ('rows[item = "inner"].n', [D("1")]),
    ('rows[code = "B"][1].n', D("2")),
    ("rows[n > 1].code", ["B"]),
    ("rows[code != null].code", ["A", "B"]),
    ("xs[item > 1]", [D("2"), D("3")]),
    ("xs[-1]", D("3")),
    # comparisons of numbers and strings inline, anything else through ops
    ('s = "abc"', True),
    ('s < "b"', True),
    ("x >= 5.0", True),
    ("x = null", False),
    ("nothing = null", True),
    ('x = "5"', None),
    ("x < s", None),
    ("true = 1", None),
    ("[1, 2] = [1, 2]", True),
    # loops with one iteration context, with and without partial, closures in the body
    ("for i in xs return i * 2", [D("2"), D("4"), D("6")]),
    ("for i in 1..3 return if i = 1 then 1 else partial[-1] + i", [D("1"), D("3"), D("6")]),
    ("(for i in xs return function(y) y + i)[2](10)", D("12")),
    ("some i in xs satisfies i > 2", True),
    ("every i in xs satisfies i > 2", False),
    ("some r in rows satisfies r.count = 7", True),
    ("for i in xs, j in [10] return i + j", [D("11"), D("12"), D("13")]),
    # contexts whose entries do or do not read each other
    ("{a: x, b: s}", {"a": D("5"), "b": "abc"}),
    ("{a: x, b: a + 1}", {"a": D("5"), "b": D("6")}),
    ("{f: function(n) if n = 0 then 0 else f(n - 1) + 1, r: f(3)}.r", D("3")),
    # paths on names: variables, contexts, lists, other values
    ("rows[1].code", "A"),
    ("rows.code", ["A", "B", None]),
    ("x.code", None),
    ("nothing.code", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_closed_and_open_compilation_agree(text: str, expected: Any) -> None:
    closed, open_ = run(text, True), run(text, False)
    assert closed == open_
    assert closed[0] == expected


def test_constants_are_plain_functions_whose_lists_are_copied() -> None:
    compiled = compile_expression("[1, [2]]")
    function = compiled.function()
    assert constant_value(function) == [D("1"), [D("2")]]
    first, again = function(Env()), function(Env())
    first[1].append(3)
    assert again == [D("1"), [D("2")]] and function(Env()) == [D("1"), [D("2")]]
    assert constant_value(compile_expression("x + 1", ["x"]).function()) is NOT_CONSTANT


def test_function_form_turns_a_defect_into_null_and_a_warning() -> None:
    compiled = compile_expression("f(1)", ["f"])

    def broken(env: Any, args: list[Any], named: Any) -> Any:
        raise RecursionError

    env = Env({"f": Function("f", [], broken)})
    assert compiled.function()(env) is None
    assert [w.code for w in env.evaluation.warnings] == ["FEEL_RECURSION"]


def test_a_closed_text_resolves_a_builtin_unless_a_name_hides_it() -> None:
    assert compile_expression("count(xs)", ["xs"], closed=True)(Env({"xs": [1]})) == D("1")
    shadowed = compile_expression("count(xs)", ["xs", "count"], closed=True)
    own = Function("count", [], lambda env, args, named: "mine")
    assert shadowed(Env({"xs": [1], "count": own})) == "mine"
    assert compile_expression("{count: 1, n: count}.n", closed=True)(Env()) == D("1")
