"""Hypothesis strategies for the FEEL fuzz tests (test_fuzz_feel.py): FEEL-flavoured texts,
FEEL values, and grammar-built expressions and unary tests.

- ``feel_texts``: token soup from the FEEL vocabulary (keywords, operators, brackets, numbers,
  strings with escapes, ``@"..."`` literals, names with spaces, unicode, comments), texts
  nested hundreds of levels deep, texts tens of thousands of characters long;
- ``values`` and ``bindings``: FEEL values as :mod:`service.feel.values` holds them (numbers
  across the whole decimal128 range, dates of any FEEL year, zoned times, durations, ranges,
  lists, contexts), and variables bound to them;
- ``expressions`` and ``unary_tests``: mostly valid FEEL, so that most examples get evaluated.
  Their loops only iterate over list literals or tiny ranges, so no example runs for long.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable

from hypothesis import strategies as st

from service.feel.builtins.registry import BUILTINS
from service.feel.values import (
    Date,
    DateTime,
    DaysTimeDuration,
    Range,
    Time,
    YearsMonthsDuration,
    number,
)

# --- the FEEL vocabulary -----------------------------------------------------------------------

KEYWORDS = [
    "if", "then", "else", "for", "in", "return", "some", "every", "satisfies", "and", "or",
    "not", "between", "instance", "of", "function", "external", "true", "false", "null", "?",
    "item", "partial",
]  # fmt: skip
TYPE_WORDS = [
    "number", "string", "boolean", "date", "time", "date and time", "days and time duration",
    "years and months duration", "list<number>", "context<a: number>", "range<date>",
    "function<number>->string", "Any", "Null", "list<", "context<", ">",
]  # fmt: skip
OPERATORS = [
    "(", ")", "[", "]", "{", "}", ",", ":", ".", "..", "...", "+", "-", "*", "**", "/", "=",
    "!=", "<", "<=", ">", ">=", "->", "'", "!", "#", "$", "%", "&", "|", "^", "~", ";", "`",
    "\\", "@", "=>", "==",
]  # fmt: skip
NAMES = [
    "x", "y", "s", "xs", "ctx", "d", "t", "dt", "dur", "rng", "f", "Date of Birth",
    "Income/Expenses", "a b", "Ärzte", "名前", "x'", "first name", "null count", "every day dose",
]  # fmt: skip
SPACES = ["", " ", " ", " ", "\n", "\t", "\r\n", "\u00a0", "\u2028", "\u200b", "\x0b"]
COMMENTS = ["// note\n", "/* c */", "/*", "*/", "//"]
TEMPORALS = [
    "2024-01-31", "-0044-03-15", "999999999-12-31", "10:30:00", "10:30:00.123456789+02:00",
    "23:59:60", "2024-02-30", "2024-01-01T10:00:00@Europe/Paris", "2024-01-01T10:00:00Z",
    "P1Y2M", "-P3DT4H", "PT0.5S", "P", "PT", "P1W", "", "x", "2024-13-01", "24:00:00",
    "10:30:00@Foo/Bar", "P999999999999999999999Y",
]  # fmt: skip
ESCAPES = [
    '\\"', "\\'", "\\\\", "\\n", "\\r", "\\t", "\\u0041", "\\U01F600", "\\ud83d\\ude00",
    "\\ud800", "\\udc00", "\\u12", "\\U110000", "\\UFFFFFF", "\\x", "\\d", "\\", "\\u",
]  # fmt: skip
BUILTIN_NAMES = sorted(BUILTINS)

NUMERALS = [
    "0", ".5", "1.", "1.5e3", "1e-3", "1E+6144", "1e6145", "1e-6176", "1e-9999999",
    "9e999999999999999999", "0x10", "1_000", "1e", "1e+", "00012", "1..2",
]  # fmt: skip

numerals = st.one_of(
    st.integers(min_value=0, max_value=10**40).map(str),
    st.sampled_from(NUMERALS),
    st.tuples(st.integers(0, 10**6), st.integers(-7000, 7000)).map(lambda p: f"{p[0]}e{p[1]}"),
)
string_bodies = st.lists(
    st.one_of(st.sampled_from(ESCAPES), st.text(max_size=4).filter(lambda t: '"' not in t)),
    max_size=6,
).map("".join)
strings = st.tuples(string_bodies, st.booleans()).map(lambda p: '"' + p[0] + ('"' if p[1] else ""))
temporals = st.tuples(st.one_of(st.sampled_from(TEMPORALS), string_bodies), st.booleans()).map(
    lambda p: '@"' + p[0] + ('"' if p[1] else "")
)
tokens = st.one_of(
    st.sampled_from(KEYWORDS),
    st.sampled_from(OPERATORS),
    st.sampled_from(NAMES),
    st.sampled_from(TYPE_WORDS),
    st.sampled_from(BUILTIN_NAMES),
    st.sampled_from(COMMENTS),
    numerals,
    strings,
    temporals,
    st.characters(),
    st.text(max_size=3),
)
token_soup = st.lists(st.tuples(tokens, st.sampled_from(SPACES)), max_size=40).map(
    lambda parts: "".join(token + space for token, space in parts)
)

# Openers and closers repeated to nest deeply (closers may be missing: unbalanced text).
WRAPPERS = [
    ("(", ")"), ("[", "]"), ("{a: ", "}"), ("-", ""), ("- ", ""), ("not(", ")"), ("f(", ")"),
    ("if true then ", " else 0"), ("if ", " then 1 else 0"), ("for i in [1] return ", ""),
    ("some i in [1] satisfies ", ""), ("function() ", ""), ("x[", "]"), ("[1..", "]"),
    ("1 + (", ")"), ("{a: [", "]}"), ("(", ""), ("", ")"), ("x.", ""), ("1 + ", ""),
    ("not ", ""), ("< ", ""), ("x instance of list<", ">"), ("x instance of context<a: ", ">"),
    ("x instance of function<", ">->number"), ("x in (", ")"), ("x between ", " and 1"),
    ("x in ", ""), ("(1..", ")"), ("]", "["), ("{", ""), ('"', ""), ("/*", ""),
    ("if x then 1 else ", ""),
    ("{a: 1, b: ", "}"), ("[x][", "]"), ("f(a: ", ")"), ("x = ", ""), ("date(", ")"),
    ("x in (", "..5]"), ("x in (", "..5) + 1"), ("not(", ", 1)"),
]  # fmt: skip
CORES = ["1", "x", "", "null", '"s"', "a b", "[1, 2]", "{a: 1}", "number", "1..2", "?"]
nested = st.tuples(
    st.sampled_from(WRAPPERS), st.integers(1, 400), st.sampled_from(CORES), st.booleans()
).map(lambda p: p[0][0] * p[1] + p[2] + (p[0][1] * p[1] if p[3] else ""))

# Long texts, each built by repeating a unit many times.
LONG_UNITS = [
    "a", "9", "1+", "1 + ", "x ", "a and ", "not(", "if a then b else ", "[1,", '"',
    "date and time ", "f(1, ", "- ", "1 ** ", "x.y.", "//", "é", "\u200b", "{a", "'",
    "[1][1]", "x[1]", "1, ", "? > 1 or ", "(a)", "..",
]  # fmt: skip
long_texts = st.tuples(
    st.sampled_from(LONG_UNITS), st.integers(500, 20000), st.sampled_from(["", "1", ")", "]"])
).map(lambda p: p[0] * p[1] + p[2])

feel_texts = st.one_of(token_soup, nested, long_texts, st.text(max_size=60))


# Names a DMN file may declare: anything at all, including texts that are not FEEL names.
declared_names = st.lists(
    st.one_of(st.sampled_from(NAMES + KEYWORDS + BUILTIN_NAMES), st.text(max_size=8), token_soup),
    max_size=6,
)


# --- values and grammar-built expressions ----------------------------------------------------

# Numbers across FEEL's whole range: 1 to 34 digits, exponents from subnormal to the top.
SPECIAL_NUMBERS = [
    "0", "-0", "1", "-1", "0.1", "1E+6144", "-1E+6144", "9.999999999999999999999999999999999E+6144",
    "1E-6143", "1E-6176", "-1E-6176", "123456789012345678901234567890.1234", "1E+33", "0.5",
]  # fmt: skip
special_numbers = st.sampled_from(SPECIAL_NUMBERS).map(number)
random_numbers = st.tuples(st.booleans(), st.integers(1, 10**34 - 1), st.integers(-6176, 6144)).map(
    lambda p: number(f"{'-' if p[0] else ''}{p[1]}E{min(p[2], 6144 - len(str(p[1])) + 1)}")
)
numbers = st.one_of(special_numbers, random_numbers, st.integers(-100, 100).map(number))

dates = st.builds(
    Date,
    st.one_of(st.integers(1900, 2100), st.integers(-999_999_999, 999_999_999)),
    st.integers(1, 12),
    st.integers(1, 28),
)
nanos = st.integers(0, 59_999_999_999).map(lambda ns: decimal.Decimal(ns).scaleb(-9))
offsets = st.one_of(st.none(), st.integers(-18 * 60, 18 * 60).map(lambda m: m * 60))
times = st.one_of(
    st.builds(Time, st.integers(0, 23), st.integers(0, 59), nanos, offsets),
    st.builds(
        Time,
        st.integers(0, 23),
        st.integers(0, 59),
        nanos,
        st.none(),
        st.sampled_from(["Europe/Paris", "America/New_York", "UTC", "Etc/GMT+5"]),
    ),
)
durations = st.one_of(
    st.integers(-(10**10), 10**10).map(YearsMonthsDuration),
    st.integers(-(10**15), 10**15).map(lambda ns: DaysTimeDuration(decimal.Decimal(ns) / 1000)),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.text(max_size=12),
    dates,
    times,
    st.builds(DateTime, dates, times),
    durations,
    st.builds(Range, numbers, numbers, st.booleans(), st.booleans()),
    st.builds(Range, st.none(), numbers, st.just(False), st.booleans()),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b", "k", "name", "a b"]), inner, max_size=3),
    ),
    max_leaves=8,
)

VARIABLES = ["x", "y", "s", "xs", "ctx", "d", "t", "dt", "dur", "rng", "Date of Birth", "a b"]
# Each variable usually holds a value of the type its name suggests, sometimes anything.
TYPICAL = {
    "x": numbers, "y": numbers, "s": st.text(max_size=12), "xs": st.lists(numbers, max_size=5),
    "ctx": st.dictionaries(st.sampled_from(["a", "b", "a b"]), numbers, max_size=3),
    "d": dates, "t": times, "dt": st.builds(DateTime, dates, times), "dur": durations,
    "rng": st.builds(Range, numbers, numbers, st.booleans(), st.booleans()),
    "Date of Birth": dates, "a b": numbers,
}  # fmt: skip
bindings = st.fixed_dictionaries(
    {name: st.one_of(TYPICAL[name], TYPICAL[name], TYPICAL[name], values) for name in VARIABLES}
)

# Grammar-built expressions: mostly valid FEEL, so that most examples get evaluated. Loops
# only ever iterate over list literals or tiny ranges, so no example can run for long.
LEAVES = [
    "1", "0", "-1", "2.5", "1e6144", "9.999999999999999999999999999999999e6144", "1e-6176",
    "0.1", '"a"', '""', '"\\u00e9\\n"', "true", "false", "null", '@"2024-01-31"',
    '@"10:30:00+02:00"', '@"2024-01-01T10:00:00@Europe/Paris"', '@"P1Y2M"', '@"PT1.5S"',
    '@"-999999999-01-01"', "i", "item", "sum", "[]", "{}", "[1..3]", "(<5)",
    *VARIABLES,
]  # fmt: skip
BINARY = ["+", "-", "*", "/", "**", "=", "!=", "<", "<=", ">", ">=", "and", "or"]
TYPES = [
    "number", "string", "boolean", "date", "time", "date and time", "days and time duration",
    "years and months duration", "list<number>", "context<a: number>", "range<number>",
    "function<Any>->Any", "Any", "Null", "unknown type",
]  # fmt: skip
PARAMETERS = [
    "list", "n", "string", "start position", "length", "pattern", "replacement", "value",
    "scale", "from", "to", "delimiter", "match", "position", "key", "date", "x", "y",
]  # fmt: skip
DOMAINS = ["[{0}, {1}]", "[{0}]", "xs", "1..3", "[]", "[{0}, [{1}]]"]


def _call(fn: str, args: list[str]) -> str:
    return f"{fn}({', '.join(args)})"


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    two = st.tuples(inner, inner)
    three = st.tuples(inner, inner, inner)
    domain = st.tuples(st.sampled_from(DOMAINS), two).map(lambda p: p[0].format(*p[1]))
    return st.one_of(
        st.tuples(inner, st.sampled_from(BINARY), inner).map(lambda p: f"({p[0]} {p[1]} {p[2]})"),
        inner.map(lambda a: f"-({a})"),
        st.tuples(st.sampled_from(BUILTIN_NAMES), st.lists(inner, max_size=3)).map(
            lambda p: _call(*p)
        ),
        st.tuples(st.sampled_from(BUILTIN_NAMES), st.sampled_from(PARAMETERS), inner).map(
            lambda p: f"{p[0]}({p[1]}: {p[2]})"
        ),
        three.map(lambda p: f"if {p[0]} then {p[1]} else {p[2]}"),
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        two.map(lambda p: f"{{k: {p[0]}, m: k + {p[1]}}}"),
        two.map(lambda p: f'{{k: {p[0]}, "a b": {p[1]}}}.k'),
        inner.map(lambda a: f"({a}).k"),
        two.map(lambda p: f"({p[0]})[{p[1]}]"),
        two.map(lambda p: f"({p[0]})[item > {p[1]}]"),
        two.map(lambda p: f"[{p[0]}..{p[1]}]"),
        two.map(lambda p: f"]{p[0]}..{p[1]}["),
        three.map(lambda p: f"{p[0]} between {p[1]} and {p[2]}"),
        three.map(lambda p: f"{p[0]} in ({p[1]}, {p[2]})"),
        two.map(lambda p: f"{p[0]} in < {p[1]}"),
        st.tuples(inner, st.sampled_from(TYPES)).map(lambda p: f"({p[0]}) instance of {p[1]}"),
        st.tuples(domain, inner).map(lambda p: f"for i in {p[0]} return {p[1]}"),
        st.tuples(domain, inner).map(lambda p: f"for i in {p[0]}, j in [i] return {p[1]}"),
        st.tuples(st.sampled_from(["some", "every"]), domain, inner).map(
            lambda p: f"{p[0]} i in {p[1]} satisfies {p[2]}"
        ),
        three.map(lambda p: f"(function(a, b) {p[0]})({p[1]}, {p[2]})"),
        two.map(lambda p: f"(function(a: number) a + {p[0]})(a: {p[1]})"),
        two.map(lambda p: f"sort({p[0]}, function(a, b) a < {p[1]})"),
        inner.map(lambda a: f"string({a})"),
        inner.map(lambda a: f"({a}).year"),
    )


untyped_expressions = st.recursive(st.sampled_from(LEAVES), _compound, max_leaves=12)

# A typed grammar reaches deeper into operators and built-ins than random mixtures, which
# mostly stop at the first type mismatch. Kinds: n number, s string, b boolean, l list,
# c context, t temporal (dates, times, durations).
TYPED_LEAVES = {
    "n": ["1", "0", "-1", "2.5", "0.1", "3", "10", "1e6144", "-1e6144", "1e34", "0.5",
          "9.999999999999999999999999999999999e6144", "1e-6176", "1e-6143", "x", "y", "null",
          "123456789012345678901234567890.1234"],
    "s": ['"a"', '""', '"abc"', '"\\u00e9\\n"', '"a.b*c"', '"(a+)+$"', '"[a-z]+"', '"\\\\d+"',
          '"^"', '"$"', "s", '"2024-01-31"', '"P1D"', '"P1Y"', '"10:00:00"', '"[1..5]"',
          '"2024-01-01T10:00:00@Europe/Paris"', '"-999999999-12-31"', '"1,000.5"', '","',
          '"."', '"i"', '"\\\\"', '"$1"', '"\\ud83d\\ude00"', '"(("', "null"],
    "b": ["true", "false", "null"],
    "l": ["xs", "[]", "[1, 2, 3]", '["a", "b"]', "[[1], [2, [3]]]", "[null, 1]", "[d, d]",
          '[1, "a", null]'],
    "c": ["ctx", "{}", "{a: 1}", '{"a b": 2, c: {d: 3}}'],
    "t": ["d", "t", "dt", "dur", '@"2024-01-31"', '@"10:30:00+02:00"', '@"P1Y2M"',
          '@"2024-01-01T10:00:00@Europe/Paris"', '@"PT1.5S"', '@"-999999999-01-01"',
          '@"999999999-12-31T23:59:59.999999999Z"', '@"P999999999Y"', '@"-PT0S"', "now()",
          "today()", "null"],
}  # fmt: skip
TYPED_FORMS: dict[str, list[tuple[str, str]]] = {
    "n": [
        ("({0} + {1})", "nn"), ("({0} - {1})", "nn"), ("({0} * {1})", "nn"),
        ("({0} / {1})", "nn"), ("({0} ** {1})", "nn"), ("-{0}", "n"), ("abs({0})", "n"),
        ("floor({0})", "n"), ("ceiling({0}, {1})", "nn"), ("decimal({0}, {1})", "nn"),
        ("round up({0}, {1})", "nn"), ("round down({0}, {1})", "nn"),
        ("round half up({0}, {1})", "nn"), ("round half down({0}, {1})", "nn"),
        ("modulo({0}, {1})", "nn"), ("sqrt({0})", "n"), ("log({0})", "n"), ("exp({0})", "n"),
        ("string length({0})", "s"), ("count({0})", "l"), ("sum({0})", "l"),
        ("mean({0})", "l"), ("median({0})", "l"), ("stddev({0})", "l"), ("product({0})", "l"),
        ("min({0})", "l"), ("max({0}, {1})", "nn"), ("number({0})", "s"),
        ("number({0}, {1}, {2})", "sss"), ("({0})[{1}]", "ln"), ("if {0} then {1} else {2}", "bnn"),
        ("({0}).year", "t"), ("({0}).days", "t"), ("({0}).seconds", "t"), ("({0}).months", "t"),
        ("day of year({0})", "t"), ("week of year({0})", "t"), ("({0}).weekday", "t"),
        ("{{a: {0}, b: a * {1}}}.b", "nn"), ("sum(for i in {0} return i * {1})", "ln"),
        ("(function(a, b) a / b)({0}, {1})", "nn"),
        ("(function(a, b) a - b)(b: {0}, a: {1})", "nn"),
    ],
    "s": [
        ("{0} + {1}", "ss"), ("substring({0}, {1})", "sn"), ("substring({0}, {1}, {2})", "snn"),
        ("upper case({0})", "s"), ("lower case({0})", "s"), ("substring before({0}, {1})", "ss"),
        ("substring after({0}, {1})", "ss"), ("replace({0}, {1}, {2})", "sss"),
        ("replace({0}, {1}, {2}, {3})", "ssss"), ("string({0})", "n"), ("string({0})", "t"),
        ("string({0})", "l"), ("string({0})", "c"), ("string join({0}, {1})", "ls"),
        ("string join({0})", "l"), ("if {0} then {1} else {2}", "bss"),
        ("get value({0}, {1})", "cs"),
        ("({0}).timezone", "t"), ("month of year({0})", "t"), ("day of week({0})", "t"),
    ],
    "b": [
        ("{0} < {1}", "nn"), ("{0} = {1}", "ss"), ("{0} = {1}", "ll"), ("{0} = {1}", "cc"),
        ("{0} <= {1}", "tt"), ("{0} != {1}", "tt"), ("{0} and {1}", "bb"), ("{0} or {1}", "bb"),
        ("not({0})", "b"), ("contains({0}, {1})", "ss"), ("starts with({0}, {1})", "ss"),
        ("ends with({0}, {1})", "ss"), ("matches({0}, {1})", "ss"),
        ("matches({0}, {1}, {2})", "sss"),
        ("list contains({0}, {1})", "ln"), ("even({0})", "n"), ("odd({0})", "n"),
        ("{0} between {1} and {2}", "nnn"), ("{0} between {1} and {2}", "ttt"),
        ("{0} in ({1}, {2})", "nnn"), ("{0} in [{1}..{2}]", "ttt"), ("{0} in {1}", "nl"),
        ("is({0}, {1})", "tt"), ("before({0}, {1})", "nn"), ("after({0}, [{1}..{2}])", "ttt"),
        ("includes([{0}..{1}], {2})", "nnn"), ("overlaps([{0}..{1}], ]{2}..{3}[)", "nnnn"),
        ("meets([{0}..{1}], [{1}..{2}])", "ttt"), ("all({0})", "l"), ("any({0})", "l"),
        ("some i in {0} satisfies i > {1}", "ln"), ("every i in {0} satisfies i = {1}", "ls"),
        ("{0} instance of number", "n"), ("{0} instance of list<number>", "l"),
        ("{0} instance of context<a: number>", "c"), ("{0} instance of date and time", "t"),
        ("{0} in < {1}", "tt"), ("is defined({0})", "n"),
    ],
    "l": [
        ("[{0}, {1}]", "nn"), ("[{0}, {1}]", "ss"), ("[{0}, {1}, {2}]", "ntl"),
        ("append({0}, {1})", "ln"), ("concatenate({0}, {1})", "ll"), ("sublist({0}, {1})", "ln"),
        ("sublist({0}, {1}, {2})", "lnn"), ("insert before({0}, {1}, {2})", "lnn"),
        ("remove({0}, {1})", "ln"), ("list replace({0}, {1}, {2})", "lnn"), ("reverse({0})", "l"),
        ("distinct values({0})", "l"), ("flatten({0})", "l"), ("union({0}, {1})", "ll"),
        ("sort({0})", "l"), ("sort({0}, function(a, b) a > b)", "l"), ("split({0}, {1})", "ss"),
        ("for i in {0} return i + {1}", "ln"), ("for i in 1..3 return {0}", "t"),
        ("({0})[item > {1}]", "ln"), ("({0})[{1}]", "lb"), ("index of({0}, {1})", "ln"),
        ("get entries({0})", "c"), ("mode({0})", "l"), ("[{0}, {1}]", "tt"),
        ("sort([{0}, {1}, {2}])", "ttt"), ("{0}.a", "l"),
    ],
    "c": [
        ("{{a: {0}, b: {1}}}", "ns"), ("context put({0}, {1}, {2})", "csn"),
        ("context put({0}, [{1}, \"a\"], {2})", "csn"), ("context merge([{0}, {1}])", "cc"),
        ("context([{{key: {0}, value: {1}}}])", "sn"), ("{{a: {0}, b: a}}", "c"),
    ],
    "t": [
        ("date({0})", "s"), ("date({0}, {1}, {2})", "nnn"), ("time({0}, {1}, {2})", "nnn"),
        ("time({0}, {1}, {2}, {3})", "nnnt"), ("date and time({0})", "s"),
        ("date and time({0}, {1})", "tt"), ("duration({0})", "s"), ("time({0})", "s"),
        ("years and months duration({0}, {1})", "tt"), ("{0} + {1}", "tt"), ("{0} - {1}", "tt"),
        ("{0} * {1}", "tn"), ("{0} / {1}", "tn"), ("{0} / {1}", "tt"), ("-{0}", "t"),
        ("if {0} then {1} else {2}", "btt"), ("min({0}, {1})", "tt"), ("date({0})", "t"),
        ("time({0})", "t"), ("({0}).time offset", "t"), ("max({0})", "l"),
    ],
}  # fmt: skip


def typed(kind: str, depth: int) -> st.SearchStrategy[str]:
    """Expressions meant to give a value of ``kind``, nested up to ``depth`` forms deep."""
    key = (kind, depth)
    if key not in _TYPED:
        options: list[st.SearchStrategy[str]] = [st.sampled_from(TYPED_LEAVES[kind])]
        if depth > 0:
            for form, kinds in TYPED_FORMS[kind]:
                parts = st.tuples(*(typed(k, depth - 1) for k in kinds))
                options.append(parts.map(_filler(form)))
        _TYPED[key] = st.one_of(options)
    return _TYPED[key]


_TYPED: dict[tuple[str, int], st.SearchStrategy[str]] = {}


def _filler(form: str) -> Callable[[tuple[str, ...]], str]:
    """Fills the ``{0}``, ``{1}`` ... of ``form`` with the parts drawn for it."""
    return lambda parts: form.format(*parts)


typed_expressions = st.sampled_from("nsblct").flatmap(lambda kind: typed(kind, 3))
expressions = st.one_of(untyped_expressions, typed_expressions)

unary_tests = st.one_of(
    st.just("-"),
    st.tuples(st.sampled_from(["<", "<=", ">", ">=", "=", "!="]), expressions).map("".join),
    st.lists(expressions, min_size=1, max_size=3).map(", ".join),
    st.lists(expressions, min_size=1, max_size=3).map(lambda ts: "not(" + ", ".join(ts) + ")"),
    expressions.map(lambda e: f"? > {e}"),
    st.tuples(expressions, expressions).map(lambda p: f"[{p[0]}..{p[1]})"),
)
