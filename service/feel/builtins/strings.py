"""String built-ins (DMN 1.5 10.3.4.3): strings in, strings, booleans, numbers or lists out.

Positions and lengths count Unicode code points (a Python ``str`` is a sequence of code
points, so an astral character such as U+1F40E counts once). ``matches``, ``replace``
and ``split`` take XPath regular expressions, translated by :mod:`xsregex`.
"""

from __future__ import annotations

from typing import Any

from service.feel.builtins import xsregex
from service.feel.builtins.args import (
    charge,
    count,
    expected,
    integer_arg,
    list_arg,
    string_arg,
)
from service.feel.builtins.registry import builtin
from service.feel.errors import invalid_argument


def _substring(string: Any, start_position: Any, length: int | None) -> str:
    text = string_arg("substring", "string", string)
    start = integer_arg("substring", "start position", start_position)
    if start == 0:
        raise invalid_argument("substring(): start position must not be 0")
    # 1-based from the front, or counted back from the end when negative.
    index = start - 1 if start > 0 else max(0, len(text) + start)
    if length is None:
        return text[index:]
    if length < 0:
        raise invalid_argument("substring(): length must not be negative")
    return text[index : index + length]


@builtin("substring", "string", "start position")
def substring(string: Any, start_position: Any) -> str:
    """substring(string, start position): the rest of ``string`` from the position."""
    return _substring(string, start_position, None)


@builtin("substring", "string", "start position", "length")
def substring_length(string: Any, start_position: Any, length: Any) -> str:
    """substring(string, start position, length): ``length`` characters from the position."""
    return _substring(string, start_position, integer_arg("substring", "length", length))


@builtin("string length", "string")
def string_length(string: Any) -> Any:
    """string length(string): the number of characters."""
    return count(len(string_arg("string length", "string", string)))


@builtin("upper case", "string")
def upper_case(string: Any) -> str:
    """upper case(string)."""
    return string_arg("upper case", "string", string).upper()


@builtin("lower case", "string")
def lower_case(string: Any) -> str:
    """lower case(string)."""
    return string_arg("lower case", "string", string).lower()


def _string_and_match(fn: str, string: Any, match: Any) -> tuple[str, str]:
    return string_arg(fn, "string", string), string_arg(fn, "match", match)


@builtin("substring before", "string", "match")
def substring_before(string: Any, match: Any) -> str:
    """substring before(string, match): the part before the first ``match``, or ""."""
    text, sub = _string_and_match("substring before", string, match)
    index = text.find(sub)
    return text[:index] if index >= 0 else ""


@builtin("substring after", "string", "match")
def substring_after(string: Any, match: Any) -> str:
    """substring after(string, match): the part after the first ``match``, or ""."""
    text, sub = _string_and_match("substring after", string, match)
    index = text.find(sub)
    return text[index + len(sub) :] if index >= 0 else ""


@builtin("contains", "string", "match")
def contains(string: Any, match: Any) -> bool:
    """contains(string, match)."""
    text, sub = _string_and_match("contains", string, match)
    return sub in text


@builtin("starts with", "string", "match")
def starts_with(string: Any, match: Any) -> bool:
    """starts with(string, match)."""
    text, sub = _string_and_match("starts with", string, match)
    return text.startswith(sub)


@builtin("ends with", "string", "match")
def ends_with(string: Any, match: Any) -> bool:
    """ends with(string, match)."""
    text, sub = _string_and_match("ends with", string, match)
    return text.endswith(sub)


def _pattern(fn: str, pattern: Any, flags: Any) -> Any:
    flag_text = "" if flags is None else string_arg(fn, "flags", flags)
    return xsregex.compile_pattern(string_arg(fn, "pattern", pattern), flag_text)


@builtin("matches", "input", "pattern", "flags?")
def matches(input: Any, pattern: Any, flags: Any) -> bool:
    """matches(input, pattern, flags?): whether the XPath regex matches somewhere in ``input``."""
    text = string_arg("matches", "input", input)
    compiled = _pattern("matches", pattern, flags)
    return xsregex.run(compiled.search, text) is not None


def replacement_parts(replacement: str, groups: int, literal: bool) -> list[str | int]:
    """The replacement string as literal text and group numbers (``$N``, ``\\$``, ``\\\\``)."""
    if literal:
        return [replacement]
    parts: list[str | int] = []
    text: list[str] = []
    i = 0
    while i < len(replacement):
        c = replacement[i]
        if c == "\\":
            nxt = replacement[i + 1 : i + 2]
            if nxt not in ("\\", "$"):
                raise invalid_argument("invalid replacement: \\ must be followed by \\ or $")
            text.append(nxt)
            i += 2
        elif c == "$":
            i, number = _group_number(replacement, i + 1, groups)
            parts.append("".join(text))
            text = []
            parts.append(number)
        else:
            text.append(c)
            i += 1
    parts.append("".join(text))
    return parts


def _group_number(replacement: str, i: int, groups: int) -> tuple[int, int]:
    if i >= len(replacement) or not ("0" <= replacement[i] <= "9"):
        raise invalid_argument("invalid replacement: $ must be followed by a digit")
    number = int(replacement[i])
    i += 1
    # Take more digits only while they still name an existing group.
    while i < len(replacement) and "0" <= replacement[i] <= "9":
        longer = number * 10 + int(replacement[i])
        if longer > groups:
            break
        number = longer
        i += 1
    return i, number


def expand(parts: list[str | int], match: Any) -> str:
    """The replacement text for one match; a group that did not take part gives ''."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            if part <= match.re.groups:
                out.append(match.group(part) or "")
        else:
            out.append(part)
    return "".join(out)


@builtin("replace", "input", "pattern", "replacement", "flags?")
def replace(input: Any, pattern: Any, replacement: Any, flags: Any) -> str:
    """replace(input, pattern, replacement, flags?): XPath fn:replace ($0..$N refer to groups)."""
    text = string_arg("replace", "input", input)
    compiled = _pattern("replace", pattern, flags)
    template = string_arg("replace", "replacement", replacement)
    if xsregex.matches_empty(compiled):
        raise invalid_argument("replace(): the pattern matches the empty string")
    parts = replacement_parts(template, compiled.groups, "q" in (flags or ""))
    return str(xsregex.run(compiled.sub, lambda m: expand(parts, m), text))


@builtin("split", "string", "delimiter")
def split(string: Any, delimiter: Any) -> list[str]:
    """split(string, delimiter): the parts of ``string`` between matches of regex ``delimiter``."""
    text = string_arg("split", "string", string)
    compiled = xsregex.compile_pattern(string_arg("split", "delimiter", delimiter), "")
    if xsregex.matches_empty(compiled):
        raise invalid_argument("split(): the delimiter matches the empty string")
    if text == "":
        return []  # XPath fn:tokenize of a zero-length string
    parts: list[str] = []
    start = 0
    # finditer rather than regex.split: groups in the delimiter must not add items.
    for match_start, match_end in xsregex.spans(compiled, text):
        parts.append(text[start:match_start])
        start = match_end
    parts.append(text[start:])
    return parts


@builtin("string join", "list", "delimiter?", needs_env=True)
def string_join(env: Any, list: Any, delimiter: Any) -> str:
    """string join(list, delimiter?): the strings of ``list`` joined; null items are skipped."""
    items = list_arg("string join", "list", list)
    charge(env, items)
    separator = "" if delimiter is None else string_arg("string join", "delimiter", delimiter)
    for item in items:
        if item is not None and not isinstance(item, str):
            raise expected("string join", "every item", "a string or null", item)
    return separator.join(item for item in items if item is not None)
