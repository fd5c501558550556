"""String built-ins (DMN 1.5 10.3.4.3) and XPath regular expressions, through the registry."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from builtin_calls import ERR, call

from service.feel.builtins import xsregex


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("substring", ("foobar", D(3)), "obar"),
        ("substring", ("foobar", D(3), D(3)), "oba"),
        ("substring", ("foobar", D(-2), D(1)), "a"),
        ("substring", ("foobar", D(-6), D(6)), "foobar"),
        ("substring", ("foobar", D(3), D("3.8")), "oba"),
        ("substring", ("\U0001f40eab", D(2)), "ab"),
        ("substring", ("a\U0001f40eb", D(2), D(1)), "\U0001f40e"),
        ("substring", ("foobar", D(0)), ERR),
        ("substring", ("foobar", D(7)), ""),
        ("substring", (None, D(1)), ERR),
        ("substring", ("foobar", D(1), None), ERR),
        ("string length", ("",), D(0)),
        ("string length", ("\U0001f40eab",), D(3)),
        ("string length", (None,), ERR),
        ("upper case", ("aBc4",), "ABC4"),
        ("lower case", ("aBc4",), "abc4"),
        ("lower case", (1,), ERR),
        ("substring before", ("foobar", "bar"), "foo"),
        ("substring before", ("foobar", "xyz"), ""),
        ("substring after", ("foobar", "ob"), "ar"),
        ("substring after", ("abc", ""), "abc"),
        ("substring after", ("", "a"), ""),
        ("contains", ("foobar", "of"), False),
        ("contains", ("", ""), True),
        ("contains", (None, "bar"), ERR),
        ("starts with", ("foobar", "fo"), True),
        ("ends with", ("foobar", "r"), True),
        ("ends with", ("foobar", None), ERR),
    ],
)
def test_string_functions(name: str, args: tuple[Any, ...], expected: Any) -> None:
    assert call(name, *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("abcd", "(ab)|(a)", "[1=$1][2=$2]"), "[1=ab][2=]cd"),
        (("foobar", "^fo*b*", "#"), "#ar"),
        (("abc", ".^[d-z]", "#"), "abc"),
        (("abracadabra", "a.*?a", "*"), "*c*bra"),
        (("abracadabra", "a(.)", "a$1$1"), "abbraccaddabbra"),
        (("darted", "^(.*?)d(.*)$", "$1c$2"), "carted"),
        (("0123456789", r"(\d{3})(\d{3})(\d{4})", "($1) $2-$3"), "(012) 345-6789"),
        (("facetiously", "[iouy]", "[$0]"), "facet[i][o][u]sl[y]"),
        (("a.b.c.", "[a-z]", "#", "s"), "#.#.#."),
        (("abc", "[A-Z]", "#", "i"), "###"),
        (("a b c d ", "[a-z]", "#", "x"), "# # # # "),
        (("abc", ".^[d-z]*", "smix"), "abc"),
        (("a.b", ".", "$", "q"), "a$b"),
        (("price", "p", r"\$"), "$rice"),
        (("abc", "b", "$"), ERR),
        (("abc", "b", "\\x"), ERR),
        (("abc", "x*", "-"), ERR),
        (("abc", "[", "-"), ERR),
        (("abc", "b", "-", "g"), ERR),
        ((None, "b", "-"), ERR),
        (("abcdefghijk", "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)", "$11$10$1"), "kja"),
        (("abc", "(a)", "$2"), "bc"),
    ],
)
def test_replace(args: tuple[Any, ...], expected: Any) -> None:
    assert call("replace", *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("abc", "[a-z]{3}"), True),
        (("abracadabra", "bra"), True),
        (("abracadabra", "^a.*a$"), True),
        (("abracadabra", "^bra"), False),
        (("x\n", "x$"), False),  # XPath $ is the very end, not before a final newline
        (("x\ny", "x$", "m"), True),
        (("a\nb", "a.b"), False),
        (("a\rb", "a.b"), False),
        (("a\nb", "a.b", "s"), True),
        (("ABC", "abc", "i"), True),
        (("abc", "a b c", "x"), True),
        (("a b", "[ ]", "x"), True),  # x keeps whitespace inside a class
        (("a+b", "a+b", "q"), True),
        (("b", "[a-z-[aeiou]]"), True),
        (("e", "^[a-z-[aeiou]]$"), False),
        (("é", r"^\p{Ll}$"), True),
        (("É", r"^\P{Ll}$"), True),
        (("A", r"^\p{IsBasicLatin}$"), True),
        (("_", r"^\w$"), False),  # XSD \w leaves out punctuation such as _
        (("€", r"^\w$"), True),
        (("\u00a0", r"^\s$"), False),  # XSD \s is only space, tab, CR, LF
        (("abab", r"^(ab)\1$"), True),
        (("x", r"^\i\c*$"), True),
        (("\U0001f40e", "^.$"), True),
        (("abc", "(?i)abc"), ERR),
        (("abc", "[b-a]"), ERR),
        (("abc", r"\1(a)"), ERR),
        (("abc", "a{2,1}"), ERR),
        (("abc", r"\p{Xx}"), ERR),
        (("abc", "a", "z"), ERR),
        (("abc", "]"), ERR),
        ((None, "a"), ERR),
        (("abc", None), ERR),
    ],
)
def test_matches(args: tuple[Any, ...], expected: Any) -> None:
    assert call("matches", *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("John Doe", r"\s"), ["John", "Doe"]),
        (("a;b;c;;", ";"), ["a", "b", "c", "", ""]),
        (("a1b22c", "([0-9])+"), ["a", "b", "c"]),
        (("", ","), []),
        (("abc", ""), ERR),
        (("foo", None), ERR),
        ((None, ","), ERR),
    ],
)
def test_split(args: tuple[Any, ...], expected: Any) -> None:
    assert call("split", *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((["a", "b", "c"],), "abc"),
        ((["a", "b", "c"], " and "), "a and b and c"),
        ((["a", "b", "c"], None), "abc"),
        ((["a", None, "c"], "X"), "aXc"),
        (([],), ""),
        (("a", "X"), "a"),
        (([D(1), D(2)], "X"), ERR),
        ((None,), ERR),
        ((["a", "c"], "X", "foo"), ERR),
    ],
)
def test_string_join(args: tuple[Any, ...], expected: Any) -> None:
    assert call("string join", *args) == expected


def test_named_arguments() -> None:
    assert call("substring", **{"string": "foobar", "start position": D(3)}) == "obar"
    assert call("string join", delimiter="X", list=["a", "c"]) == "aXc"
    assert call("string join", list=["a", "c"], delimitr="X") == ERR
    assert call("replace", input="abc", pattern="[A-Z]", replacement="#", flags="i") == "###"
    assert call("split", delimiter=",", string="foo,bar") == ["foo", "bar"]


def test_catastrophic_pattern_times_out_instead_of_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xsregex, "TIMEOUT_SECONDS", 0.05)
    xsregex.compile_pattern.cache_clear()
    result = call("matches", "a" * 5000 + "!", "^(a|aa|a?a)+$")
    assert result in (False, ERR)  # never a hang; a timeout is a FEEL error
