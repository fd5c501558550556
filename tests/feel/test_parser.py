"""Parser: FEEL text -> AST, checked through the compact ``nodes.dump`` form."""

from __future__ import annotations

from typing import Any

import pytest

from service.feel import parse_expression, parse_unary_tests
from service.feel.errors import FeelSyntaxError
from service.feel.lexer import tokenize
from service.feel.nodes import Node, dump
from service.feel.parser import Parser


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        # precedence, lowest first: or, and, comparison, + -, * /, **, unary -, instance of, postfix
        ("1 + 2 * 3", "Arithmetic(+ 1 Arithmetic(* 2 3))"),
        ("(1 + 2) * 3", "Arithmetic(* Arithmetic(+ 1 2) 3)"),
        ("1 - 2 - 3", "Arithmetic(- Arithmetic(- 1 2) 3)"),
        ("2 ** 3 ** 2", "Arithmetic(** Arithmetic(** 2 3) 2)"),
        ("-3 ** 2", "Arithmetic(** Negation(3) 2)"),
        ("--1", "Negation(Negation(1))"),
        ("a or b and c", "Disjunction(a Conjunction(b c))"),
        ("a = 1 or b < 2", "Disjunction(Comparison(= a 1) Comparison(< b 2))"),
        ("a + 1 >= b * 2", "Comparison(>= Arithmetic(+ a 1) Arithmetic(* b 2))"),
        ("x between 1 + 1 and 5", "Between(x Arithmetic(+ 1 1) 5)"),
        ("x between 1 and 5 and y", "Conjunction(Between(x 1 5) y)"),
        ("x instance of number", "InstanceOf(x type:number)"),
        ("x instance of date and time", "InstanceOf(x type:date and time)"),
        (
            "x instance of list<context<a: number, b c: string>>",
            "InstanceOf(x ListType(ContextType(type:number type:string)))",
        ),
        (
            "f instance of function<number, string> -> boolean",
            "InstanceOf(f FunctionType(type:number type:string type:boolean))",
        ),
        ("r instance of range<date>", "InstanceOf(r RangeType(type:date))"),
        # literals
        ('"a" + @"P1D"', "Arithmetic(+ 'a' TemporalLiteral(P1D))"),
        ("true and null", "Conjunction(true null)"),
        (".5", "0.5"),
        # names: multi-word, built-ins holding keywords, ? and item
        ("Monthly Salary * 12", "Arithmetic(* `Monthly Salary` 12)"),
        ("Date of Birth", "`Date of Birth`"),
        (
            'date and time("2024-01-01T00:00:00")',
            "FunctionCall(`date and time` Argument('2024-01-01T00:00:00'))",
        ),
        (
            "years and months duration(a, b)",
            "FunctionCall(`years and months duration` Argument(a) Argument(b))",
        ),
        ("get or else(x, 1)", "FunctionCall(`get or else` Argument(x) Argument(1))"),
        ("? > 5", "Comparison(> ? 5)"),
        ("not(a)", "FunctionCall(not Argument(a))"),
        # paths, filters, invocations
        ("a.b.c", "Path(c Path(b a))"),
        ("applicant.monthly income", "Path(monthly income applicant)"),
        ("d.time offset", "Path(time offset d)"),
        ("xs[item > 1].name", "Path(name Filter(xs Comparison(> item 1)))"),
        ("xs[-1]", "Filter(xs Negation(1))"),
        ("f(1)(2)", "FunctionCall(FunctionCall(f Argument(1)) Argument(2))"),
        (
            'substring(string: "abc", start position: 2)',
            "FunctionCall(substring Argument(string 'abc') Argument(start position 2))",
        ),
        ("f()", "FunctionCall(f)"),
        # constructors
        ("[]", "ListLiteral()"),
        ("[1, [2]]", "ListLiteral(1 ListLiteral(2))"),
        ("{}", "ContextLiteral()"),
        (
            '{a: 1, "b c": a, d e: 2}',
            "ContextLiteral(ContextEntry(a 1) ContextEntry(b c a) ContextEntry(d e 2))",
        ),
        (
            "{a: {b: 1}}.a.b",
            "Path(b Path(a ContextLiteral(ContextEntry(a ContextLiteral(ContextEntry(b 1))))))",
        ),
        ("[1..10]", "RangeLiteral(start_included end_included 1 10)"),
        ("(1..10)", "RangeLiteral(1 10)"),
        ("]1..10[", "RangeLiteral(1 10)"),
        ("[1..10[", "RangeLiteral(start_included 1 10)"),
        ("[1..10) = x", "Comparison(= RangeLiteral(start_included 1 10) x)"),
        ("[a..b[ = x", "Comparison(= RangeLiteral(start_included a b) x)"),
        (
            '[@"2024-01-01"..@"2024-12-31"]',
            "RangeLiteral(start_included end_included "
            "TemporalLiteral(2024-01-01) TemporalLiteral(2024-12-31))",
        ),
        ("< 5", "UnaryComparison(< 5)"),
        # keyword expressions
        ("if a then 1 else 2", "If(a 1 2)"),
        ("1 + if a then 1 else 2", "Arithmetic(+ 1 If(a 1 2))"),
        ("if a then 1 else if b then 2 else 3", "If(a 1 If(b 2 3))"),
        ("if a then 1 else if b then 2 else 3 + 4", "If(a 1 If(b 2 Arithmetic(+ 3 4)))"),
        ("if a then 1 else (if b then 2 else 3) + 4", "If(a 1 Arithmetic(+ If(b 2 3) 4))"),
        ("for x in xs return x * 2", "For(Iteration(x xs) Arithmetic(* x 2))"),
        ("for i in 1..n, j in xs return i", "For(Iteration(i 1 n) Iteration(j xs) i)"),
        ("some x in xs satisfies x > 1", "Quantified(some Iteration(x xs) Comparison(> x 1))"),
        (
            "every x in xs, y in ys satisfies x < y",
            "Quantified(every Iteration(x xs) Iteration(y ys) Comparison(< x y))",
        ),
        (
            "function(a, b: number) a + b",
            "FunctionDefinition(FormalParameter(a) FormalParameter(b type:number) "
            "Arithmetic(+ a b))",
        ),
        (
            "function(first name) first name",
            "FunctionDefinition(FormalParameter(first name) `first name`)",
        ),
        (
            'function(x) external {java: {class: "C", method signature: "m(double)"}}',
            "FunctionDefinition(external FormalParameter(x) ContextLiteral(ContextEntry(java "
            "ContextLiteral(ContextEntry(class 'C') ContextEntry(method signature 'm(double)')))))",
        ),
        # in
        ("x in (1, 2)", "In(x UnaryTests(UnaryExpression(1) UnaryExpression(2)))"),
        (
            "x in [1..5]",
            "In(x UnaryTests(UnaryRange(RangeLiteral(start_included end_included 1 5))))",
        ),
        ("x in (1..5]", "In(x UnaryTests(UnaryRange(RangeLiteral(end_included 1 5))))"),
        ("x in < 5", "In(x UnaryTests(UnaryComparison(< 5)))"),
        ("x in (=5, != 6)", "In(x UnaryTests(UnaryComparison(= 5) UnaryComparison(!= 6)))"),
        ("x in xs and y", "Conjunction(In(x UnaryTests(UnaryExpression(xs))) y)"),
        # comments
        ("1 /* one */ + // plus\n 2", "Arithmetic(+ 1 2)"),
    ],
)
def test_expression_trees(text: str, tree: str) -> None:
    assert dump(parse_expression(text)) == tree


@pytest.mark.parametrize(
    ("text", "names", "tree"),
    [
        ("Income/Expenses * 2", ["Income/Expenses"], "Arithmetic(* `Income/Expenses` 2)"),
        (
            "Income / Expenses",
            ["Income/Expenses", "Income", "Expenses"],
            "Arithmetic(/ Income Expenses)",
        ),
        ("Student's name + x", ["Student's name"], "Arithmetic(+ `Student's name` x)"),
        ("Weight in kg > 5", ["Weight in kg"], "Comparison(> `Weight in kg` 5)"),
        ("a-b", ["a-b"], "`a-b`"),
        ("a-b", [], "Arithmetic(- a b)"),
        ("Loan.Amount", ["Loan.Amount"], "`Loan.Amount`"),
        ("Monthly  Salary", ["Monthly  Salary"], "`Monthly  Salary`"),
        ("Monthly  Salary", [], "`Monthly Salary`"),
        ("null count + 1", ["null count"], "Arithmetic(+ `null count` 1)"),
        ("every day dose > 2", ["every day dose"], "Comparison(> `every day dose` 2)"),
        ("if x then null else 1", ["null count"], "If(x null 1)"),
        ("Student's name + 1", [], "Arithmetic(+ `Student's name` 1)"),
        ("Customer 2 + 1", [], "Arithmetic(+ `Customer 2` 1)"),
    ],
)
def test_declared_names(text: str, names: list[str], tree: str) -> None:
    assert dump(parse_expression(text, names)) == tree


def test_context_keys_are_known_to_later_entries() -> None:
    tree = parse_expression("{Income/Month: 10, Yearly: Income/Month * 12}")
    assert dump(tree) == (
        "ContextLiteral(ContextEntry(Income/Month 10) "
        "ContextEntry(Yearly Arithmetic(* `Income/Month` 12)))"
    )


def test_parameters_are_known_in_the_body() -> None:
    tree = parse_expression("function(a-b) a-b")
    assert dump(tree) == "FunctionDefinition(FormalParameter(a-b) `a-b`)"


def test_spans() -> None:
    node = parse_expression("foo + bar(1)")
    assert node.span == (0, 12)
    assert node.right.span == (6, 12)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("-", "UnaryTests(AnyTest())"),
        ("< 5", "UnaryTests(UnaryComparison(< 5))"),
        (
            '<= date("2024-01-01")',
            "UnaryTests(UnaryComparison(<= FunctionCall(date Argument('2024-01-01'))))",
        ),
        ('"a", "b"', "UnaryTests(UnaryExpression('a') UnaryExpression('b'))"),
        (
            "[1..5], > 10",
            "UnaryTests(UnaryRange(RangeLiteral(start_included end_included 1 5)) "
            "UnaryComparison(> 10))",
        ),
        ("not(1, 2)", "UnaryTests(negated UnaryExpression(1) UnaryExpression(2))"),
        (
            "not(1) = x",
            "UnaryTests(UnaryExpression(Comparison(= FunctionCall(not Argument(1)) x)))",
        ),
        ("null", "UnaryTests(UnaryExpression(null))"),
        ("-5", "UnaryTests(UnaryExpression(Negation(5)))"),
        (
            "? > 5 and ? < 10",
            "UnaryTests(UnaryExpression(Conjunction(Comparison(> ? 5) Comparison(< ? 10))))",
        ),
        (
            "string length(?) < 3",
            "UnaryTests(UnaryExpression(Comparison(< "
            "FunctionCall(`string length` Argument(?)) 3)))",
        ),
        ("= 3, != 4", "UnaryTests(UnaryComparison(= 3) UnaryComparison(!= 4))"),
    ],
)
def test_unary_test_trees(text: str, tree: str) -> None:
    assert dump(parse_unary_tests(text)) == tree


@pytest.mark.parametrize(
    ("text", "message", "span"),
    [
        ("f(1, 2 then", "expected ')' to close the argument list opened at 1, got 'then'", (7, 11)),
        ("(1 + 2", "expected ')' to close the parenthesis opened at 0, got end of text", (6, 7)),
        ("[1, 2", "expected ']' to close the list opened at 0, got end of text", (5, 6)),
        ("{a: 1 b: 2}", "expected '}' to close the context opened at 0, got 'b'", (6, 7)),
        ("{a 1}", "expected a context key followed by ':', got 'a'", (1, 2)),
        ("1 < 2 < 3", "comparisons cannot be chained; add parentheses before '<'", (6, 7)),
        ("a = b = c", "comparisons cannot be chained", (6, 7)),
        (
            "if a then b",
            "expected 'else' after the 'then' branch of 'if', got end of text",
            (11, 12),
        ),
        ("if a else b", "expected 'then' after the condition of 'if', got 'else'", (5, 9)),
        ("for x xs return x", "expected 'in' after the variable 'x xs', got 'return'", (9, 15)),
        (
            "some x in xs then 1",
            "expected 'satisfies' after the iteration contexts of 'some'",
            (13, 17),
        ),
        ("1 +", "expected an expression, got end of text", (3, 4)),
        ("then", "expected an expression, got 'then'", (0, 4)),
        ("1 2", "expected end of text, got '2'", (2, 3)),
        ("x 1.5", "expected end of text, got '1.5'", (2, 5)),
        ("f(a: 1, 2)", "arguments must be all named or all positional", (1, 10)),
        ("x instance of", "expected a type, got end of text", (13, 14)),
        ("[1..5", "expected ']', '[' or ')' to close the range opened at 0", (5, 6)),
        ("5 =", "expected an expression, got end of text", (3, 4)),
    ],
)
def test_syntax_errors(text: str, message: str, span: tuple[int, int]) -> None:
    with pytest.raises(FeelSyntaxError) as caught:
        parse_expression(text)
    assert message in caught.value.message
    assert caught.value.span == span


@pytest.mark.parametrize(
    ("text", "span"),
    [("<> 2", (1, 2)), ("< > 2", (2, 3)), ("<< 2", (1, 2)), ("< <= 2", (2, 4)), ("> = 1", (2, 3))],
)
@pytest.mark.parametrize("parse", [parse_expression, parse_unary_tests])
def test_a_comparison_takes_a_value_not_another_comparison(
    text: str, span: tuple[int, int], parse: Any
) -> None:
    # the endpoint of "<" is a value (DMN 1.5 grammar rule 7): "<> 2" once parsed as
    # "< (> 2)", a test that matches nothing
    with pytest.raises(FeelSyntaxError) as caught:
        parse(text)
    assert "expected a value after the comparison" in caught.value.message
    assert caught.value.span == span


@pytest.mark.parametrize("text", ["< (> 2)", "<= -2", ">= x + 1", '!= "a"', "= 3"])
def test_a_comparison_takes_any_value(text: str) -> None:
    parse_unary_tests(text, ["x"])


def test_error_prints_a_caret() -> None:
    with pytest.raises(FeelSyntaxError) as caught:
        parse_expression("1 + (2 * 3")
    assert str(caught.value).endswith("1 + (2 * 3\n          ^")


@pytest.mark.parametrize(
    "text",
    [
        "(" * 200 + "1" + ")" * 200,
        "[" * 200 + "]" * 200,
        "-" * 500 + "1",
        "if a then " * 200 + "1" + " else 2" * 200,
    ],
    ids=["parens", "lists", "negations", "nested-if"],
)
def test_deep_nesting_is_a_syntax_error(text: str) -> None:
    with pytest.raises(FeelSyntaxError, match="nested too deeply"):
        parse_expression(text)


def test_moderate_nesting_is_fine() -> None:
    assert dump(parse_expression("(" * 30 + "1" + ")" * 30)) == "1"


# --- regressions found by tests/feel/test_fuzz_feel.py -----------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("x in (1..5]", "In(x UnaryTests(UnaryRange(RangeLiteral(end_included 1 5))))"),
        ("x in (1..5) + 1", "In(x UnaryTests(UnaryExpression(Arithmetic(+ RangeLiteral(1 5) 1))))"),
        ("x in (1..5[.start", "In(x UnaryTests(UnaryExpression(Path(start RangeLiteral(1 5)))))"),
        (
            "x in (<5..6]",
            "In(x UnaryTests(UnaryRange(RangeLiteral(end_included UnaryComparison(< 5) 6))))",
        ),
        (
            "x in ([1..2]..3)",
            "In(x UnaryTests(UnaryRange(RangeLiteral(RangeLiteral(start_included end_included"
            " 1 2) 3))))",
        ),
        (
            "x in (y in (1..2]..3]",
            "In(x UnaryTests(UnaryRange(RangeLiteral(end_included In(y UnaryTests(UnaryRange("
            "RangeLiteral(end_included 1 2)))) 3))))",
        ),
    ],
)
def test_open_start_interval_after_in(text: str, tree: str) -> None:
    assert dump(parse_expression(text)) == tree


@pytest.mark.parametrize(
    "text",
    [
        # Each level was once read twice (parse, then backtrack to '(' and parse again):
        # exponential time, so 40 levels in a 200-character cell never finished.
        "x in (" * 12 + "1" + "..5]" * 12,
        "x in (" * 12 + "1" + "..5)" * 12,
        "x in (" * 12 + "<1" + "..5]" * 12,
        "x in (" * 12 + "1" + "..5] + 1" * 12,
    ],
    ids=["closed-end", "open-end", "unary-comparison-start", "operator-after"],
)
def test_parsing_reads_each_primary_a_bounded_number_of_times(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    parse_primary = Parser.parse_primary

    def counting(self: Parser) -> Node:
        nonlocal calls
        calls += 1
        return parse_primary(self)

    monkeypatch.setattr(Parser, "parse_primary", counting)
    parse_expression(text)
    assert calls <= 2 * len(tokenize(text))
