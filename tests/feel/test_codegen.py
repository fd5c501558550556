"""Generated FEEL code (service.feel.codegen) against the closures: same values, same warnings.

Every expression here is compiled both ways and evaluated in equal Envs; the values must be
the same FEEL value exactly (types, Decimal digits, order of entries) and the warnings the
same (code, message, source, span, order). Also: the generated source never holds the
model's names or literals, deep nesting never crashes, and the switch turns codegen off.
"""

from __future__ import annotations

import decimal
import importlib
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from feel_strategies import VARIABLES as FUZZ_VARIABLES
from feel_strategies import bindings, expressions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.feel import Env, FeelSyntaxError, codegen, compile_expression
from service.feel.compile_base import NOT_CONSTANT, constant_value
from service.feel.compiler import Compiler
from service.feel.parser import parse_expression
from service.feel.values import Date, Function, Range


def D(text: str) -> decimal.Decimal:
    return decimal.Decimal(text)


# --- comparing both ways (also used by test_codegen_tck.py) -----------------------------------


def same(a: Any, b: Any) -> bool:
    """True when two FEEL values are the same value of the same type, exactly."""
    if type(a) is not type(b):
        return False
    if isinstance(a, decimal.Decimal):
        return str(a) == str(b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, Function):  # two evaluations make two function values
        return a.name == b.name and [p.name for p in a.parameters] == [p.name for p in b.parameters]
    if isinstance(a, Range):
        return (
            same(a.start, b.start)
            and same(a.end, b.end)
            and (a.start_included, a.end_included) == (b.start_included, b.end_included)
        )
    return bool(a == b)


def evaluate(
    text: str, variables: Mapping[str, Any], codegen_on: bool, names: Iterable[str], closed: bool
) -> tuple[Any, list[Any]]:
    """(value, warnings) of ``text`` compiled one way, in an Env binding ``variables``."""
    compiled = compile_expression(text, names, closed=closed, codegen=codegen_on)
    env = Env(dict(variables))
    value = compiled(env)
    return value, list(env.evaluation.warnings)


def check_same(
    text: str,
    variables: Mapping[str, Any],
    names: Iterable[str] | None = None,
    closed: bool = False,
) -> Any:
    """Assert that generated code and closures agree on ``text``; the value."""
    names = tuple(variables if names is None else names)
    expected, expected_warnings = evaluate(text, variables, False, names, closed)
    value, warnings = evaluate(text, variables, True, names, closed)
    assert same(value, expected), f"{text!r}: generated {value!r}, closures {expected!r}"
    assert warnings == expected_warnings, f"{text!r}: {warnings} != {expected_warnings}"
    return value


def _compiler(text: str, names: Iterable[str], closed: bool) -> tuple[Any, Any, Any]:
    names = tuple(names)
    node = parse_expression(text, names, ())
    compiler = Compiler(text, names, None, closed)
    compiler.closures = {}
    compiler.prepare(node)
    return compiler, node, compiler.compile(node)


def generated_source(text: str, names: Iterable[str] = (), closed: bool = False) -> str:
    """The Python source generated for ``text``."""
    compiler, node, _ = _compiler(text, names, closed)
    return codegen.source(compiler, node, compiler.closures)


def generates(text: str, names: Iterable[str] = (), closed: bool = False) -> bool:
    """True when ``text`` gets a generated function (False for a constant, which keeps
    its closure); whatever stops the generator is raised."""
    compiler, node, fn = _compiler(text, names, closed)
    if constant_value(fn) is not NOT_CONSTANT:
        return False
    return codegen.generate(compiler, node, compiler.closures, strict=True) is not None


# --- the cases ---------------------------------------------------------------------------------

PEOPLE = [
    {"name": "Ann", "age": D("31"), "tags": ["a", "b"]},
    {"name": "Bob", "age": D("17"), "tags": []},
    {"name": "Cy", "x": D("100"), "age": None},
    {"item": "inner", "age": D("40")},
]
VARS: dict[str, Any] = {
    "x": D("5"),
    "s": "abc",
    "xs": [D("1"), D("2"), D("3"), D("4")],
    "people": PEOPLE,
    "Monthly Salary": D("1000"),
    "Date of Birth": Date(1990, 5, 17),
    "flag": True,
    "nothing": None,
    "n": D("2"),
    "mixed": [D("1"), "a", True, None, [D("1")], {"a": D("1")}],
    "rng": Range(D("1"), D("10"), True, False),
}

CASES = [
    # arithmetic, inline fast paths and the rest
    "x + 1", "x - 1 + 2 - 3", "x * 2", "x / 4", "x ** 2", "-x", "--x", "1 / 0", "x / 0",
    "1e6144 * 10 + x", "x + null", "x + s", 's + "d"', "s + x", "s - s", "-s",
    "Date of Birth + duration(\"P1D\")", "Monthly Salary * 12 - x", "flag + 1",
    # comparison, equality with null and booleans, mixed types
    "x = 5", "x != 5", "x < 6", "x >= s", "s = \"abc\"", "s < \"b\"", "x = null", "x != null",
    "nothing = null", "nothing != null", "flag = true", "flag = false", "flag != true",
    "x = true", "nothing = true", "x = 1", "true = 1", "1 = true", "[true] = [1]",
    "xs = [1, 2, 3, 4]", "people[1] = people[1]", "x between 1 and 10", "x between s and 10",
    "x between null and 10", "Date of Birth < date(\"2000-01-01\")", "rng = rng",
    # logic (three-valued) and if
    "flag and x > 1", "flag and nothing", "nothing or flag",
    "x > 1 and x < 10 and flag and s = \"abc\"",
    "x > 10 or x < 0 or nothing", "not(flag)", "not(x)",
    "if x > 1 then \"big\" else \"small\"", "if nothing then 1 else 2", "if x then 1 else 2",
    "if x > 9 then 1 else if x > 4 then 2 else if x > 1 then 3 else 4",
    "if true then x else y", "if false then y else x",
    # names: unknown, builtins (shadowed or not)
    "y", "y + 1", "count(xs)", "count", "unknown(1)", "x(1)", "nothing(1)", "s(1)",
    "{count: function(v) 42, r: count([1])}.r", "for sum in [1, 2] return sum",
    "people[count > 1]", "[{count: 5}][count > 3]", "[{a: 1}][count([1]) = 1]",
    # paths
    "people.name", "people[1].age", "people.x", "Date of Birth.year", "rng.start",
    "rng.end included", "x.foo", "nothing.a", "mixed.a", "{a: {b: 1}}.a.b", "s.length",
    # filters: items' entries vs outer names, item, index
    "xs[item > 2]", "xs[item > x - 3]", "people[age > 18].name", "people[x > 50]",
    "people[item.age > 18]", "people[item = \"inner\"]", "people[age > x * 5]", "xs[1]",
    "xs[-1]", "xs[0]", "xs[5]", "xs[n]", "xs[1.5]", "xs[x - 3]", "x[item > 1]", "nothing[1]",
    "mixed[item = 1]", "mixed[1]", "people[name = \"Ann\" or age = null]",
    "people[list contains(tags, \"b\")].name", "xs[item > 1][item < 4]",
    "people[count(xs[item > age]) > 0]", "xs[function(a) a]", "xs[y > 1]",
    # for, partial, ranges, some/every
    "for i in xs return i * 2", "for i in 1..3 return i", "for i in 3..1 return i",
    "for i in 1..n return i + x", "for i in xs, j in 1..i return i * j",
    "for i in 1..4 return if i = 1 then 1 else partial[-1] * i", "for i in x return i",
    "for i in nothing return i", "for i in 1.5..3 return i", "for i in s..3 return i",
    "for i in rng return i", "for d in date(\"2024-01-01\")..date(\"2024-01-03\") return d",
    "for i in [1..3] return i", "for i in (1..3) return i", "for i in [1..y] return i",
    "some i in xs satisfies i > 3", "every i in xs satisfies i > 0",
    "every i in xs satisfies i > 1",
    "some i in xs, j in xs satisfies i + j = 8", "every i in xs, j in [1] satisfies i >= j",
    "some i in nothing satisfies i", "some i in xs satisfies nothing",
    "some p in people satisfies p.age > 35", "for p in people return p.item",
    "for i in 1..1000001 return i",
    # constructors
    "[x, s, nothing]", "[]", "{a: x, b: a + 1, c: b * a}", "{a: 1, a: 2}", "{a: x}.a",
    "{a: b, b: 1}", "{a: a}", "[x..10]", "(x..1)", "[s..1]", "[nothing..1]", "[1..x]",
    "{a: [1, 2], b: {c: x}}", "{\"a b\": x}",
    # calls: builtins, named arguments, arity, user functions, closures over loop variables
    "substring(s, 2)", "substring(s, 2, 1)", "substring(string: s, start position: 2)",
    "substring(s)", "substring(s, 1, 2, 3)", "substring(string: s, nonsense: 1)",
    "min(xs)", "min(1, x, 3)", "max()", "sum(xs) + count(xs)", "string join([\"a\", s], \", \")",
    "date(\"2024-01-01\")", "date(s)", "now() = now()", "today() = today()",
    "sort(xs, function(a, b) a > b)", "sort(people, function(a, b) a.name > b.name).name",
    "sort(xs)", "sort(people)", "{f: function(a, b) a - b, r: f(5, 1)}.r",
    "{f: function(a, b) a - b, r: f(b: 1, a: 5)}.r", "{f: function(a) a, r: f(1, 2)}.r",
    "{f: function(a) a, r: f(c: 1)}.r", "{f: function(a: number) a + 1, r: f(\"x\")}.r",
    "{f: function(a: number) a + 1, r: f(x)}.r", "{f: function(a, a) a, r: f(1, 2)}.r",
    "{f: function(n) if n = 0 then 1 else n * f(n - 1), r: f(5)}.r",
    "for g in (for i in 1..3 return function() i * x) return g()",
    "(function(a) a + x)(1)", "{f: function() x, x: 1, r: f()}.r",
    "people[(function(p) p.age > 20)(item)].name", "for p in people return (function() p.name)()",
    "people[(function() age > 20)()].name", "{f: function(a) function(b) a + b, r: f(1)(2)}.r",
    "for i in xs return (function(j) function() i + j + x)(1)()",
    "people[some t in tags satisfies t = \"b\" and age > 1]",
    "list contains(xs, x)", "index of(xs, 2)", "list replace(xs, 1, 9)",
    "list replace(xs, function(a, b) a > 2, 0)", "flatten([xs, [x]])", "append(xs, x)",
    "{f: function(a) external {java: {class: \"java.lang.Math\", "
    "method signature: \"abs(double)\"}}, r: f(-1)}.r",
    # in, instance of
    "s in [\"abc\", \"d\"]", "s in [\"x\", \"d\"]", "x in [1, 5]", "x in [1, 2]", "flag in [1]",
    "x in [\"5\"]", "nothing in [\"a\"]", "x in (1..10)", "x in [1, \"a\"]", "x in (<3, >4)",
    "x in xs", "s in s", "x in [x]", "x instance of number", "s instance of number",
    "people instance of list<context<name: string>>", "x instance of foo",
    # odd
    "< x", "= x", "@\"2024-01-01\" + duration(\"P1M\")", "\"\\\"}{'\\n\"",
]  # fmt: skip


@pytest.mark.parametrize("text", CASES)
def test_generated_code_gives_the_closures_value_and_warnings(text: str) -> None:
    check_same(text, VARS)


@pytest.mark.parametrize("text", CASES[:60])
def test_closed_texts_agree_too(text: str) -> None:
    """With ``closed``, built-ins are resolved at compile time."""
    check_same(text, VARS, closed=True)


@pytest.mark.parametrize(
    "text",
    [
        "x + 1", "people[age > 18].name", "for i in xs return i * 2", "xs[1]", "s in [\"a\"]",
        "sort(xs, function(a, b) a > b)", "{a: x, b: a + 1}", "if flag then x else y",
        "some i in xs satisfies i > 3", "x between 1 and 10",
        "substring(string: s, start position: 2)",
        "people.name", "-x", "[x..10]", "x instance of number", "count(xs)",
    ],
)  # fmt: skip
def test_the_usual_nodes_are_generated_not_left_to_closures(text: str) -> None:
    assert generates(text, VARS)
    assert "_k" in generated_source(text, VARS)


# --- the cases of the other FEEL tests -----------------------------------------------------------


def _texts_of(module_name: str) -> list[str]:
    """The FEEL texts the parametrized tests of a test module evaluate (argument ``text``)."""
    module = importlib.import_module(module_name)
    found: list[str] = []
    for _, function in inspect.getmembers(module, inspect.isfunction):
        for mark in getattr(function, "pytestmark", []):
            if mark.name != "parametrize":
                continue
            names = mark.args[0]
            names = [x.strip() for x in names.split(",")] if isinstance(names, str) else list(names)
            if "text" not in names:
                continue
            position = names.index("text")
            for case in mark.args[1]:
                values = case.values if hasattr(case, "values") else case
                value = values if len(names) == 1 else values[position]
                if isinstance(value, str):
                    found.append(value)
    return found


OTHER_TEXTS = sorted(
    {
        text
        for module in ("test_compiler", "test_compiler_fast_paths", "test_feel_robustness")
        for text in _texts_of(module)
    }
)


def test_the_other_tests_have_texts() -> None:
    assert len(OTHER_TEXTS) > 100


@pytest.mark.parametrize("text", OTHER_TEXTS)
def test_the_other_feel_tests_texts_agree(text: str) -> None:
    from test_compiler import VARS as COMPILER_VARS

    try:
        check_same(text, COMPILER_VARS)
    except FeelSyntaxError:
        with pytest.raises(FeelSyntaxError):
            compile_expression(text, COMPILER_VARS, codegen=False)


# --- hostile input -----------------------------------------------------------------------------

HOSTILE_NAMES = [
    'a"b', "a'b", "line\nbreak", "__import__('os').system('echo pwned')", "_k0", "env",
    "_UNSET", "caller", "}{", "\\", "x)\n    import os", "#comment", "__builtins__",
]  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_never_reach_the_source(name: str) -> None:
    variables = {name: D("7"), "other": [{name: D("1")}, {name: D("9")}]}
    parsed = 0
    for text in ("{0} + 1", "other[{0} > 5]", "for i in [{0}] return i + {0}", "{{{0}: 1}}.{0}"):
        feel = text.format(name)
        try:
            parse_expression(feel, tuple(variables), ())
        except FeelSyntaxError:
            continue  # a name the grammar cannot read in this position
        parsed += 1
        check_same(feel, variables)
        source = generated_source(feel, variables)
        assert name not in source or name in ("env", "caller", "_UNSET", "_k0", "\\")
        assert "__import__" not in source and "pwned" not in source
    assert parsed or any(c in name for c in "\"'\n(){}#\\")


@pytest.mark.parametrize(
    "literal",
    [
        "\"__import__('os')\"",
        '"\\"\\"\\"; import os"',
        "1234567891234",
        '"\\n}{)("',
        '@"2024-01-01"',
    ],
)
def test_literals_live_in_constants_not_in_the_source(literal: str) -> None:
    text = f"if x > 1 then {literal} else [{literal}, x]"
    check_same(text, {"x": D("2")})
    source = generated_source(text, ["x"])
    assert "import" not in source.replace("_import", "")
    assert "1234567891234" not in source and "2024" not in source


DEEP = [
    "(" * 45 + "x" + ")" * 45,
    "if x > 0 then " * 45 + "1" + " else 0" * 45,
    "[" * 45 + "x" + "]" * 45,
    "{a: " * 45 + "x" + "}" * 45,
    "for i in [1] return " * 45 + "x + i",
    "[1][" * 45 + "item > 0" + "]" * 45,
    "function(a) " * 45 + "x",
    "-" * 45 + "x",
    " + ".join(["x"] * 500),
    " and ".join(["x > 0"] * 500),
    "x" + ".a" * 45,
    "sum(" * 45 + "x" + ")" * 45,
    "some i in [1] satisfies " * 45 + "i = x",
    "for i in [1], j in [2] return " * 30 + "i + j",
    "if x > 0 then " * 40 + "[1, 2][item > " + "x" + "]" + " else 0" * 40,
]


@pytest.mark.parametrize("text", DEEP)
def test_deep_nesting_is_left_to_closures_where_python_would_refuse(text: str) -> None:
    check_same(text, {"x": D("1")})
    assert getattr(compile_expression(text, ["x"])._fn, codegen.GUARDED, False)


@pytest.mark.parametrize("text", ["(" * 200 + "x" + ")" * 200, "[" * 200 + "]" * 200])
def test_200_deep_nesting_is_a_syntax_error_either_way(text: str) -> None:
    for on in (False, True):
        with pytest.raises(FeelSyntaxError):
            compile_expression(text, ["x"], codegen=on)


# --- the switch ----------------------------------------------------------------------------------


def test_codegen_false_keeps_the_closures() -> None:
    assert not getattr(
        compile_expression("x + 1", ["x"], codegen=False)._fn, codegen.GUARDED, False
    )
    assert getattr(compile_expression("x + 1", ["x"], codegen=True)._fn, codegen.GUARDED, False)


def test_the_module_flag_decides_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codegen, "ENABLED", False)
    assert not getattr(compile_expression("x + 1", ["x"])._fn, codegen.GUARDED, False)
    monkeypatch.setattr(codegen, "ENABLED", True)
    assert getattr(compile_expression("x + 1", ["x"])._fn, codegen.GUARDED, False)


@pytest.mark.parametrize(("setting", "enabled"), [("0", False), ("1", True), (None, True)])
def test_the_environment_variable_sets_the_flag(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, enabled: bool
) -> None:
    if setting is None:
        monkeypatch.delenv("TABLERX_FEEL_CODEGEN", raising=False)
    else:
        monkeypatch.setenv("TABLERX_FEEL_CODEGEN", setting)
    try:
        assert importlib.reload(codegen).ENABLED is enabled
    finally:
        monkeypatch.delenv("TABLERX_FEEL_CODEGEN", raising=False)
        importlib.reload(codegen)


def test_constants_keep_their_closure() -> None:
    compiled = compile_expression("1 + 2")
    assert compiled.constant == D("3")
    assert compiled.function() is compiled._fn


def test_a_generated_function_is_returned_as_is_by_function() -> None:
    compiled = compile_expression("x + 1", ["x"])
    assert compiled.function() is compiled._fn
    assert compiled.function()(Env({"x": D("1")})) == D("2")


# --- property: random expressions agree ---------------------------------------------------------

AGREE = settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@AGREE
@given(expressions, bindings, st.booleans())
def test_random_expressions_agree(text: str, variables: dict[str, Any], closed: bool) -> None:
    try:
        parse_expression(text, FUZZ_VARIABLES, ())
        compile_expression(text, FUZZ_VARIABLES, codegen=False)
    except FeelSyntaxError:
        return
    check_same(text, variables, FUZZ_VARIABLES, closed=closed)
