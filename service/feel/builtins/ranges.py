"""Range built-ins (DMN 1.5 10.3.4.6 and 10.3.4.10): points and ranges in, booleans or a range out.

before, after, meets, met by, overlaps, overlaps before, overlaps after, finishes,
finished by, includes, during, starts, started by, coincides; each follows the formula
of the spec's table for the point/range combination it is given. An unbounded end of a
range (``< 10`` is Range(None, 10, ...)) counts as minus or plus infinity.
``range(from)`` reads a range literal from a string.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.feel import nodes, ops, temporal
from service.feel.builtins.args import expected, string_arg
from service.feel.builtins.registry import BUILTINS, builtin
from service.feel.errors import FeelSyntaxError, invalid_argument, type_mismatch
from service.feel.values import Range

_NEG_INF = object()
_POS_INF = object()


def _cmp(a: Any, b: Any) -> int:
    """Compare two points or range ends, either of which may be an infinity."""
    if a is b and a in (_NEG_INF, _POS_INF):
        return 0
    if a is _NEG_INF or b is _POS_INF:
        return -1
    if a is _POS_INF or b is _NEG_INF:
        return 1
    result = ops.compare(a, b)
    if result is None:
        raise type_mismatch(f"cannot compare {ops.type_name(a)} with {ops.type_name(b)}")
    return result


class _R:
    """A range seen through its ends: s/e are the start/end (or infinities), si/ei inclusion."""

    __slots__ = ("e", "ei", "s", "si")

    def __init__(self, r: Range) -> None:
        self.s = _NEG_INF if r.start is None else r.start
        self.e = _POS_INF if r.end is None else r.end
        self.si = r.start_included and r.start is not None
        self.ei = r.end_included and r.end is not None


def _lt(a: Any, b: Any) -> bool:
    return _cmp(a, b) < 0


def _eq(a: Any, b: Any) -> bool:
    return _cmp(a, b) == 0


# --- the spec's formulas, one per (kind, kind) combination --------------------------


def _before_pr(p: Any, r: _R) -> bool:
    return _lt(p, r.s) or (_eq(p, r.s) and not r.si)


def _before_rp(r: _R, p: Any) -> bool:
    return _lt(r.e, p) or (_eq(r.e, p) and not r.ei)


def _before_rr(a: _R, b: _R) -> bool:
    return _lt(a.e, b.s) or ((not a.ei or not b.si) and _eq(a.e, b.s))


def _meets(a: _R, b: _R) -> bool:
    return a.ei and b.si and _eq(a.e, b.s)


def _overlaps(a: _R, b: _R) -> bool:
    return (_lt(b.s, a.e) or (_eq(a.e, b.s) and a.ei and b.si)) and (
        _lt(a.s, b.e) or (_eq(a.s, b.e) and a.si and b.ei)
    )


def _overlaps_before(a: _R, b: _R) -> bool:
    return (
        (_lt(a.s, b.s) or (_eq(a.s, b.s) and a.si and not b.si))
        and (_lt(b.s, a.e) or (_eq(a.e, b.s) and a.ei and b.si))
        and (_lt(a.e, b.e) or (_eq(a.e, b.e) and (not a.ei or b.ei)))
    )


def _finishes_rr(a: _R, b: _R) -> bool:
    return (
        a.ei == b.ei and _eq(a.e, b.e) and (_lt(b.s, a.s) or (_eq(a.s, b.s) and (not a.si or b.si)))
    )


def _includes_rp(r: _R, p: Any) -> bool:
    return (_lt(r.s, p) and _lt(p, r.e)) or (_eq(r.s, p) and r.si) or (_eq(r.e, p) and r.ei)


def _includes_rr(a: _R, b: _R) -> bool:
    return (_lt(a.s, b.s) or (_eq(a.s, b.s) and (a.si or not b.si))) and (
        _lt(b.e, a.e) or (_eq(a.e, b.e) and (a.ei or not b.ei))
    )


def _starts_rr(a: _R, b: _R) -> bool:
    return (
        _eq(a.s, b.s) and a.si == b.si and (_lt(a.e, b.e) or (_eq(a.e, b.e) and (not a.ei or b.ei)))
    )


def _coincides_rr(a: _R, b: _R) -> bool:
    return _eq(a.s, b.s) and a.si == b.si and _eq(a.e, b.e) and a.ei == b.ei


_Impl = Callable[[Any, Any], bool]
_KINDS = {"point1": "P", "point2": "P", "point": "P", "range": "R", "range1": "R", "range2": "R"}


def _relation(name: str, table: dict[str, _Impl]) -> None:
    """Register ``name`` for each point/range combination in ``table`` ("PP", "PR", "RP", "RR")."""

    def impl(a: Any, b: Any) -> bool:
        if a is None or b is None:
            raise expected(name, "arguments", "points or ranges", None)
        kinds = ("R" if isinstance(a, Range) else "P") + ("R" if isinstance(b, Range) else "P")
        formula = table.get(kinds)
        if formula is None:
            raise type_mismatch(f"{name}() does not take ({_describe(kinds)})")
        return formula(_R(a) if kinds[0] == "R" else a, _R(b) if kinds[1] == "R" else b)

    names = {
        "PP": ("point1", "point2"),
        "PR": ("point", "range"),
        "RP": ("range", "point"),
        "RR": ("range1", "range2"),
    }
    for kinds in table:
        builtin(name, *names[kinds])(impl)


def _describe(kinds: str) -> str:
    return ", ".join("range" if k == "R" else "point" for k in kinds)


_relation(
    "before",
    {
        "PP": _lt,
        "PR": _before_pr,
        "RP": _before_rp,
        "RR": _before_rr,
    },
)
_relation(
    "after",
    {
        "PP": lambda p, q: _lt(q, p),
        "PR": lambda p, r: _before_rp(r, p),
        "RP": lambda r, p: _before_pr(p, r),
        "RR": lambda a, b: _before_rr(b, a),
    },
)
_relation("meets", {"RR": _meets})
_relation("met by", {"RR": lambda a, b: _meets(b, a)})
_relation("overlaps", {"RR": _overlaps})
_relation("overlaps before", {"RR": _overlaps_before})
_relation("overlaps after", {"RR": lambda a, b: _overlaps_before(b, a)})
_relation(
    "finishes",
    {
        "PR": lambda p, r: r.ei and _eq(r.e, p),
        "RR": _finishes_rr,
    },
)
_relation(
    "finished by",
    {
        "RP": lambda r, p: r.ei and _eq(r.e, p),
        "RR": lambda a, b: _finishes_rr(b, a),
    },
)
_relation("includes", {"RP": _includes_rp, "RR": _includes_rr})
_relation(
    "during",
    {
        "PR": lambda p, r: _includes_rp(r, p),
        "RR": lambda a, b: _includes_rr(b, a),
    },
)
_relation(
    "starts",
    {
        "PR": lambda p, r: r.si and _eq(r.s, p),
        "RR": _starts_rr,
    },
)
_relation(
    "started by",
    {
        "RP": lambda r, p: r.si and _eq(r.s, p),
        "RR": lambda a, b: _starts_rr(b, a),
    },
)
_relation("coincides", {"PP": _eq, "RR": _coincides_rr})


# --- range(from) ----------------------------------------------------------------------

_TEMPORAL_CONSTRUCTORS = ("date", "time", "date and time", "duration")


def _endpoint(node: nodes.Node) -> Any:
    """The value of a range end written as a literal: a number, a string, ``@"..."``, or
    ``date("...")``, ``time("...")``, ``date and time("...")``, ``duration("...")``."""
    if isinstance(node, nodes.NumberLiteral | nodes.StringLiteral):
        return node.value
    if isinstance(node, nodes.Negation) and isinstance(node.operand, nodes.NumberLiteral):
        return -node.operand.value
    if isinstance(node, nodes.TemporalLiteral):
        return temporal.parse_literal(node.text)
    if (
        isinstance(node, nodes.FunctionCall)
        and isinstance(node.function, nodes.Name)
        and node.function.name in _TEMPORAL_CONSTRUCTORS
        and len(node.arguments) == 1
        and isinstance(node.arguments[0].value, nodes.StringLiteral)
    ):
        constructor = BUILTINS[node.function.name]
        return constructor.invoke(None, [node.arguments[0].value.value], None)
    raise invalid_argument("range(): the ends of the range must be literals")


@builtin("range", "from")
def range_(from_: Any) -> Range:
    """range(from): the range written in ``from`` as a range literal with literal ends."""
    text = string_arg("range", "from", from_)
    # Imported here: the parser may come to know the built-ins, which import this module.
    from service.feel.parser import parse_expression

    try:
        tree = parse_expression(text, names=_TEMPORAL_CONSTRUCTORS)
    except FeelSyntaxError as exc:
        raise invalid_argument(f"range(): {text!r} is not a range literal") from exc
    if not isinstance(tree, nodes.RangeLiteral):
        raise invalid_argument(f"range(): {text!r} is not a range literal")
    start, end = _endpoint(tree.start), _endpoint(tree.end)
    order = _order(start, end)
    if order is None or order > 0:
        raise invalid_argument(f"range(): the ends of {text!r} are not in ascending order")
    return Range(start, end, tree.start_included, tree.end_included)


def _order(start: Any, end: Any) -> int | None:
    if start is None or end is None or type(start) is not type(end):
        return None  # [@"1970-01-01"..@"1970-01-02T00:00:00"] mixes date and date and time
    return ops.compare(start, end)
