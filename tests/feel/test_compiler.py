"""Compiler: FEEL expression -> value (and warnings), the language of DMN 1.5 chapter 10."""

from __future__ import annotations

import decimal
from typing import Any

import pytest

from service.feel import Env, compile_expression, evaluate
from service.feel.values import Date, DaysTimeDuration, Function, Range, Time, YearsMonthsDuration


def D(text: str) -> decimal.Decimal:
    return decimal.Decimal(text)


def run(text: str, **variables: Any) -> tuple[Any, list[str]]:
    """The value of ``text`` and the codes of the warnings it gave."""
    env = Env(dict(variables))
    value = compile_expression(text, variables)(env)
    return value, [w.code for w in env.evaluation.warnings]


VARS: dict[str, Any] = {
    "x": D("5"),
    "s": "abc",
    "xs": [D("1"), D("2"), D("3"), D("4")],
    "people": [{"name": "Ann", "age": D("31")}, {"name": "Bob", "age": D("17")}],
    "Monthly Salary": D("1000"),
    "Date of Birth": Date(1990, 5, 17),
    "flag": True,
    "nothing": None,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # arithmetic and precedence
        ("1 + 2 * 3", D("7")),
        ("(1 + 2) * 3", D("9")),
        ("10 / 4", D("2.5")),
        ("2 ** 10", D("1024")),
        ("3 ** 4 ** 5", D("3486784401")),
        ("-3 ** 2", D("9")),
        ("--10", D("10")),
        ("1 - -1", D("2")),
        (".5 + 1.23e2", D("123.5")),
        ("1 / 3", D("0.3333333333333333333333333333333333")),
        ('"a" + "b"', "ab"),
        ("x * 2", D("10")),
        ("Monthly Salary * 12", D("12000")),
        # comparison and equality
        ("1 < 2", True),
        ("2 <= 1", False),
        ('"a" < "b"', True),
        ("1 = 1.0", True),
        ("1 != 2", True),
        ("null = null", True),
        ("x = null", False),
        ("nothing = null", True),
        ("1 = true", None),
        ("x between 1 and 10", True),
        ("x between 6 and 10", False),
        ("x between 5 and 5", True),
        # three-valued logic
        ("true and true", True),
        ("true and false", False),
        ("false and null", False),
        ("null and false", False),
        ("true and null", None),
        ("true or null", True),
        ("null or true", True),
        ("false or null", None),
        ("false or false", False),
        ("1 and true", None),
        ("not(true)", False),
        ("not(null)", None),
        # if
        ('if x > 3 then "big" else "small"', "big"),
        ("if null then 1 else 2", D("2")),
        ('if "yes" then 1 else 2', D("2")),
        ("if x = 1 then 1 else if x = 5 then 5 else 0", D("5")),
        ("if x = 1 then 1 else if x = 2 then 2 else 0", D("0")),
        ("if false then 1 else if true then 2 else if x = 5 then 3 else 0", D("2")),
        ("if false then 1 else if x = 5 then 2 else if true then 3 else 0", D("2")),
        ("if x = 1 then 1 else if true then 2 else 3", D("2")),
        ("if x = 6 then 1 else if null then 2 else 3", D("3")),
        ("1 + if flag then 1 else 2", D("2")),
        # lists, filters, paths
        ("[1, 2, 3]", [D("1"), D("2"), D("3")]),
        ("[]", []),
        ("xs[item > 2]", [D("3"), D("4")]),
        ("xs[1]", D("1")),
        ("xs[-1]", D("4")),
        ("xs[0]", None),
        ("xs[5]", None),
        ("xs[-5]", None),
        ("[1, 2][x - 4]", D("1")),
        ("people[age > 18].name", ["Ann"]),
        ("people[item.age < 18][1].name", "Bob"),
        ("people.name", ["Ann", "Bob"]),
        ("[{a: 1}, {a: 2}].a", [D("1"), D("2")]),
        ("[{item: 1}, {item: 2}][item >= 2]", [{"item": D("2")}]),
        ("5[item > 1]", [D("5")]),
        ("5[1]", D("5")),
        ("{a: 1}[a = 1]", [{"a": D("1")}]),
        ("nothing[1]", None),
        ("[[1, 2], [3]][1][2]", D("2")),
        # contexts
        ("{a: 1, b: a + 1}", {"a": D("1"), "b": D("2")}),
        ('{"b c": 2}.b c', D("2")),
        ("{a b: 1, c: a b * 3}.c", D("3")),
        ("{a: {b: {c: 7}}}.a.b.c", D("7")),
        ("{a: 1}.b", None),
        ("{x: x + 1}.x", D("6")),
        # ranges and their properties
        ("[1..10]", Range(D("1"), D("10"), True, True)),
        ("(1..10]", Range(D("1"), D("10"), False, True)),
        ("]1..10[", Range(D("1"), D("10"), False, False)),
        ("[1..10[.end included", False),
        ("(< 5).end", D("5")),
        ("(< 5).start", None),
        ("(>= 5).start included", True),
        ('[@"2024-01-01"..@"2024-12-31"].start', Date(2024, 1, 1)),
        # in
        ("1 in [2, 3, 1]", True),
        ("1 in [[2..4], [1..3]]", True),
        ("5 in (1, < 5, >= 10)", False),
        ("10 in (1, < 5, >= 10)", True),
        ("x in xs", False),
        ("2 in xs", True),
        ("[1, 2] in [[1, 2], [3]]", True),
        ("[1, 2] in [1, 2]", False),
        ("[1, 2] in ([1, 2])", False),
        ("[1, 2] in =[1, 2]", True),
        ("true in true", True),
        ("true in false", False),
        ("5 in (2..4)", False),
        ("4 in (2..4]", True),
        ("null in [1..10]", None),
        ("5 in (null..10]", None),
        ("10 in != 10", False),
        ('"b" in ["a".."c"]', True),
        ("x in (? > 3)", True),
        # for, some, every
        ("for i in [1, 2, 3] return i * 2", [D("2"), D("4"), D("6")]),
        ("for i in 1..3 return i", [D("1"), D("2"), D("3")]),
        ("for i in 3..1 return i", [D("3"), D("2"), D("1")]),
        ("for i in 1..2, j in [10, 20] return i + j", [D("11"), D("21"), D("12"), D("22")]),
        ("for i in 1..3, j in i..3 return j", [D("1"), D("2"), D("3"), D("2"), D("3"), D("3")]),
        (
            "for i in 1..5 return if i = 1 then 1 else i * partial[-1]",
            [D("1"), D("2"), D("6"), D("24"), D("120")],
        ),
        ("for i in [] return i", []),
        ("for i in [1..3] return i", [D("1"), D("2"), D("3")]),
        ("for i in (1..3] return i", [D("2"), D("3")]),
        ("for i in [3..1] return i", None),
        ('for d in @"2024-02-28"..@"2024-03-01" return d.day', [D("28"), D("29"), D("1")]),
        ("some i in xs satisfies i > 3", True),
        ("some i in xs satisfies i > 4", False),
        ("every i in xs satisfies i > 0", True),
        ("every i in xs satisfies i > 1", False),
        ("every i in [] satisfies false", True),
        ("some i in [] satisfies true", False),
        ("some i in [1, 2], j in [2, 3] satisfies i = j", True),
        # functions
        ("(function(a, b) a + b)(1, 2)", D("3")),
        ("(function(a, b) a - b)(b: 1, a: 5)", D("4")),
        ("{f: function(n) if n <= 1 then 1 else n * f(n - 1), r: f(5)}.r", D("120")),
        ("{y: 10, f: function(a) a + y}.f(1)", D("11")),
        ("{add: function(a) function(b) a + b, r: add(1)(2)}.r", D("3")),
        ('(function(a: number) a)("x")', None),
        ("(function(a: list<number>) a)(1)", [D("1")]),
        ("(function(a: number) a)([1])", D("1")),
        ("(function() 1)()", D("1")),
        ("-(function(a) a)(10)", D("-10")),
        # built-ins: positional, named, multi-word names with keywords
        ('string length("abc")', D("3")),
        ('substring(string: "abcdef", start position: 3, length: 2)', "cd"),
        ('date and time("2024-01-02T03:04:05").hour', D("3")),
        (
            'years and months duration(date("2020-01-01"), date("2021-03-01"))',
            YearsMonthsDuration(14),
        ),
        ("sum(for i in 1..4 return i)", D("10")),
        ("{sum: function(a) 42}.sum(1)", D("42")),
        # temporal literals and properties
        ('@"2024-01-31"', Date(2024, 1, 31)),
        ('@"10:30:00".hour', D("10")),
        ('@"P1DT2H"', DaysTimeDuration(D("93600"))),
        ('@"P1D".days', D("1")),
        ('@"P1Y2M".months', D("2")),
        ('@"2024-01-31".weekday', D("3")),
        ('@"10:30:00@Europe/Paris".timezone', "Europe/Paris"),
        ('@"10:30:00+02:00".time offset', DaysTimeDuration(D("7200"))),
        ("Date of Birth.year", D("1990")),
        ('date("2024-01-01") + duration("P1D")', Date(2024, 1, 2)),
        ('time("10:00:00") < time("11:00:00")', True),
        # instance of
        ("1 instance of number", True),
        ('"a" instance of number', False),
        ("null instance of Any", False),
        ("[1, 2] instance of list<number>", True),
        ('[1, "a"] instance of list<number>', False),
        ("{a: 1} instance of context<a: number>", True),
        ('@"2024-01-01T00:00:00" instance of date and time', True),
        ("[1..2] instance of range<number>", True),
        ("(function(a) a) instance of function<Any> -> Any", True),
        # external java functions from the allow-list
        (
            '(function(a, b) external {java: {class: "java.lang.Math", '
            'method signature: "max(double, double)"}})(1, 2)',
            D("2"),
        ),
        (
            '(function(s) external {java: {class: "java.lang.Integer", '
            'method signature: "valueOf(java.lang.String)"}})("42")',
            D("42"),
        ),
        # comments
        ("1 // one\n + /* two */ 2", D("3")),
    ],
)
def test_values(text: str, expected: Any) -> None:
    env = Env(dict(VARS))
    value = compile_expression(text, VARS)(env)
    assert type(value) is type(expected) and value == expected, env.evaluation.warnings


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('"a" + 1', "FEEL_TYPE_MISMATCH"),
        ("1 / 0", "FEEL_DIVISION_BY_ZERO"),
        ('-"a"', "FEEL_TYPE_MISMATCH"),
        ("unknown + 1", "FEEL_UNKNOWN_NAME"),
        ("no such function(1)", "FEEL_UNKNOWN_FUNCTION"),
        ("x(1)", "FEEL_NOT_A_FUNCTION"),
        ("(function(a) a)(1, 2)", "FEEL_ARITY"),
        ("(function(a) a)(b: 1)", "FEEL_ARITY"),
        ('(function(a: number) a)("x")', "FEEL_TYPE_MISMATCH"),
        ("{a: 1, a: 2}", "FEEL_DUPLICATE_KEY"),
        ("(= 10)", "FEEL_UNSUPPORTED"),
        ('[1.."b"]', "FEEL_TYPE_MISMATCH"),
        ("x.foo", "FEEL_UNKNOWN_PROPERTY"),
        ("for i in 1..2.5 return i", "FEEL_INVALID_ITERATION"),
        # a loop bound by mistake or by a hostile input ends at once instead of running for ever
        ("for i in 1..1e9 return i", "FEEL_INVALID_ITERATION"),
        ("some i in 0..x * 1e12 satisfies i < 0", "FEEL_INVALID_ITERATION"),
        ('for d in @"0001-01-01"..@"9999-12-31" return d', "FEEL_INVALID_ITERATION"),
        ("xs[1.5]", "FEEL_INVALID_INDEX"),
        ("x instance of tUnknown", "FEEL_UNKNOWN_TYPE"),
        (
            '(function(a) external {java: {class: "java.lang.System", '
            'method signature: "exit(int)"}})(1)',
            "FEEL_EXTERNAL",
        ),
        ('(function(a) external {pmml: {document: "d", model: "m"}})(1)', "FEEL_EXTERNAL"),
    ],
)
def test_errors_give_null_and_a_warning(text: str, code: str) -> None:
    value, codes = run(text, x=D("5"), xs=[D("1")])
    assert value is None
    assert code in codes


def test_warning_points_at_the_operator_span() -> None:
    env = Env({"s": "abc"})
    compile_expression("1 + (s * 2)", ["s"])(env)
    (warning,) = env.evaluation.warnings
    assert warning.span == (4, 11)  # the parenthesized multiplication
    assert warning.source == "1 + (s * 2)"


def test_compiled_expression_is_reusable_and_keeps_its_source() -> None:
    compiled = compile_expression("a * 2", ["a"])
    assert compiled.source == "a * 2"
    assert [compiled(Env({"a": D(str(i))})) for i in range(3)] == [D("0"), D("2"), D("4")]


def test_constant_lists_are_not_shared_between_evaluations() -> None:
    compiled = compile_expression("[1, 2]")
    first = compiled(Env())
    first.append(D("3"))
    assert compiled(Env()) == [D("1"), D("2")]


def test_closures_capture_their_scope() -> None:
    adder = evaluate("{n: 10, f: function(x) x + n}.f")
    assert isinstance(adder, Function)
    env = Env({"n": D("1000")})
    assert adder.invoke(env, [D("1")], None) == D("11")


def test_variables_shadow_builtins() -> None:
    assert evaluate("date", {"date": "mine"}) == "mine"
    assert evaluate('{date: "mine", r: date}.r') == "mine"


def test_time_literal_value() -> None:
    assert evaluate('@"10:30:00"') == Time(10, 30, D("0"))


def test_bad_temporal_literal_is_a_syntax_error() -> None:
    from service.feel import FeelSyntaxError

    with pytest.raises(FeelSyntaxError) as caught:
        compile_expression('1 + @"2024-13-45"')
    assert caught.value.span == (4, 17)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" + ".join(["x"] * 3000), D("15000")),
        (" - ".join(["x"] * 3000), D("-14990")),
        (" or ".join(["x = 1"] * 3000), False),
        (" and ".join(["x = 5"] * 3000), True),
        (" ".join(f"if x = {i} then {i} else" for i in range(3000)) + " 0", D("5")),
        (" ".join(f"if x = {i} then {i} else" for i in range(3000, 0, -1)) + " 0", D("5")),
    ],
    ids=["sum", "difference", "or", "and", "else-if", "else-if-late"],
)
def test_long_chains_do_not_nest(text: str, expected: Any) -> None:
    value, codes = run(text, x=D("5"))
    assert value == expected and codes == []


def test_chain_warns_once_at_the_failing_step() -> None:
    env = Env({"x": D("1")})
    assert compile_expression('x + "a" + x - 1', ["x"])(env) is None
    assert [(w.code, w.span) for w in env.evaluation.warnings] == [("FEEL_TYPE_MISMATCH", (0, 7))]


def test_runaway_recursion_is_null_with_a_warning() -> None:
    value, codes = run("{f: function(n) f(n + 1), r: f(1)}.r")
    assert value is None
    assert "FEEL_RECURSION" in codes
