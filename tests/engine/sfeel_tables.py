"""Hypothesis strategies: random S-FEEL decision tables in, DMN models and input dicts out.

A :class:`GeneratedTable` is one decision (``Decision``) holding one decision table with
1-4 input columns (number, string or boolean), 1-10 rules and a single output ``Out``
(a string or a number). Its cells are kept as small trees (:class:`UnaryTest` nodes)
rather than text, so that a test can render the same table two ways (as drawn, and with
every interval in parenthesis notation, see :meth:`GeneratedTable.definitions`), knows
the literals of each column (the inputs at cell boundaries come from them) and can ask a
cell for DMN 1.5's verdict on a value (:meth:`UnaryTest.holds`, an independent reference).

Used by the pyDMNrules cross-check (``test_crosscheck_pydmnrules.py``) and its regression
tests; not a test module itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import strategies as st

from service.dmn import model as m

MODEL_NAME = "crosscheck"
NAMESPACE = "https://tablerx.test/crosscheck"
DECISION = "Decision"
OUTPUT = "Out"

Value = Decimal | str | bool | None
T = TypeVar("T")

# (hit policy, aggregation): every combination pyDMNrules 1.4.5 reads from DMN XML
# (it maps them to its own 'U', 'F', 'A', 'P', 'R', 'O', 'C', 'C+', 'C<', 'C>', 'C#').
POLICIES: tuple[tuple[str, str | None], ...] = (
    ("UNIQUE", None),
    ("FIRST", None),
    ("ANY", None),
    ("PRIORITY", None),
    ("RULE ORDER", None),
    ("OUTPUT ORDER", None),
    ("COLLECT", None),
    ("COLLECT", "SUM"),
    ("COLLECT", "MIN"),
    ("COLLECT", "MAX"),
    ("COLLECT", "COUNT"),
)
SINGLE_HIT = ("UNIQUE", "FIRST", "ANY", "PRIORITY")
COLUMN_TYPES = ("number", "string", "boolean")
# Strings stay clear of quotes and backslashes: pyDMNrules cannot load escaped literals.
STRING_ALPHABET = "abAB z0-."
# Inputs just below and above a literal: finer than any literal drawn (two decimals).
NUDGE = Decimal("0.001")


# --- cells ------------------------------------------------------------------------------------


def number_text(value: Decimal) -> str:
    """A FEEL number literal (plain notation, never ``-0``)."""
    return "0" if value == 0 else format(value, "f")


def literal_text(value: Decimal | str | bool) -> str:
    """A FEEL literal for a number, string or boolean."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return number_text(value)
    return '"' + value + '"'


@dataclass(frozen=True)
class UnaryTest:
    """A unary test (or part of one) as a tree; ``render`` gives its FEEL text."""

    def render(self, outward: bool = True) -> str:
        """The FEEL text; ``outward=False`` writes open interval ends with parentheses."""
        raise NotImplementedError

    def children(self) -> tuple[UnaryTest, ...]:
        """The tests inside this one."""
        return ()

    def own_literals(self) -> tuple[Decimal | str | bool, ...]:
        """The literals this node itself holds (not its children's)."""
        return ()

    def walk(self) -> Iterator[UnaryTest]:
        """This test and every test inside it, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()

    def literals(self) -> tuple[Decimal | str | bool, ...]:
        """The literals the test mentions (for inputs at its boundaries)."""
        return tuple(v for t in self.walk() for v in t.own_literals())

    def has_outward_interval(self) -> bool:
        """True when an interval is written with an outward bracket (``]1..5]``, ``[1..5[``)."""
        return any(isinstance(t, Interval) and t.is_outward() for t in self.walk())

    def has_interval_in_list(self) -> bool:
        """True when a list of tests (``< 0, [1..2]``) holds an interval."""
        return any(
            isinstance(t, Disjunction) and any(isinstance(i, Interval) for i in t.items)
            for t in self.walk()
        )

    def negates_range_test(self) -> bool:
        """True for ``not(...)`` of an interval or of a list holding a comparison or an
        interval (``not([1..5])``, ``not(< 1, 5)``); not for ``not(< 1)``."""
        if not isinstance(self, Negation):
            return False
        inner = self.inner
        if isinstance(inner, Disjunction):
            return any(isinstance(i, Compare | Interval) for i in inner.items)
        return isinstance(inner, Interval)

    def has_comparison_in_list(self) -> bool:
        """True when a list of tests (``> 1, 5``) holds a comparison."""
        return any(
            isinstance(t, Disjunction) and any(isinstance(i, Compare) for i in t.items)
            for t in self.walk()
        )

    def has_awkward_string_in_list(self) -> bool:
        """True when a list of tests holds a string with a space at either end or a ``-``
        (``" a", "b"``, ``"--a", "-a"``)."""
        return any(
            isinstance(t, Disjunction) and any(_is_awkward(i) for i in t.items) for t in self.walk()
        )

    def holds(self, value: Value) -> bool | None:
        """Whether ``value`` meets the test per DMN 1.5, three-valued (None: null).

        An independent reference for single cells: a literal is compared with ``=`` (null
        equals only null), comparisons and intervals with null are null, a list is a
        three-valued ``or`` and ``not(...)`` keeps null.
        """
        raise NotImplementedError(f"no reference verdict for {type(self).__name__}")


def _is_awkward(test: UnaryTest) -> bool:
    if not (isinstance(test, Equal) and isinstance(test.value, str)):
        return False
    return test.value.strip() != test.value or "-" in test.value


def _same_kind(a: Value, b: Value) -> bool:
    return isinstance(a, bool) == isinstance(b, bool) and isinstance(a, str) == isinstance(b, str)


_COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
}


@dataclass(frozen=True)
class AnyTest(UnaryTest):
    """``-``."""

    def render(self, outward: bool = True) -> str:
        return "-"

    def holds(self, value: Value) -> bool | None:
        return True


@dataclass(frozen=True)
class Equal(UnaryTest):
    """A literal (``3``, ``"a"``, ``true``): the input equals it."""

    value: Decimal | str | bool

    def render(self, outward: bool = True) -> str:
        return literal_text(self.value)

    def holds(self, value: Value) -> bool | None:
        if value is None:
            return False
        return value == self.value if _same_kind(value, self.value) else None

    def own_literals(self) -> tuple[Decimal | str | bool, ...]:
        return (self.value,)


@dataclass(frozen=True)
class Compare(UnaryTest):
    """``< 3``, ``<= 3``, ``> 3``, ``>= 3`` or ``= 3``."""

    op: str
    value: Decimal

    def render(self, outward: bool = True) -> str:
        return f"{self.op} {number_text(self.value)}"

    def holds(self, value: Value) -> bool | None:
        if not isinstance(value, Decimal):
            return None
        return _COMPARE[self.op](value, self.value)

    def own_literals(self) -> tuple[Decimal | str | bool, ...]:
        return (self.value,)


@dataclass(frozen=True)
class Interval(UnaryTest):
    """``[a..b]`` and its open variants; ``outward`` picks ``]a..b[`` over ``(a..b)``."""

    low: Decimal
    high: Decimal
    low_closed: bool
    high_closed: bool
    outward: bool = False

    def render(self, outward: bool = True) -> str:
        use_outward = outward and self.outward
        start = "[" if self.low_closed else ("]" if use_outward else "(")
        end = "]" if self.high_closed else ("[" if use_outward else ")")
        return f"{start}{number_text(self.low)}..{number_text(self.high)}{end}"

    def holds(self, value: Value) -> bool | None:
        if not isinstance(value, Decimal):
            return None
        above = value >= self.low if self.low_closed else value > self.low
        below = value <= self.high if self.high_closed else value < self.high
        return above and below

    def own_literals(self) -> tuple[Decimal | str | bool, ...]:
        return (self.low, self.high)

    def is_outward(self) -> bool:
        """True when an open end is written with an outward bracket."""
        return self.outward and not (self.low_closed and self.high_closed)


@dataclass(frozen=True)
class Disjunction(UnaryTest):
    """``t1, t2, ...``: one of the tests holds."""

    items: tuple[UnaryTest, ...]

    def render(self, outward: bool = True) -> str:
        return ", ".join(item.render(outward) for item in self.items)

    def children(self) -> tuple[UnaryTest, ...]:
        return self.items

    def holds(self, value: Value) -> bool | None:
        verdicts = [item.holds(value) for item in self.items]
        if True in verdicts:
            return True
        return None if None in verdicts else False


@dataclass(frozen=True)
class Negation(UnaryTest):
    """``not(tests)``."""

    inner: UnaryTest

    def render(self, outward: bool = True) -> str:
        return f"not({self.inner.render(outward)})"

    def children(self) -> tuple[UnaryTest, ...]:
        return (self.inner,)

    def holds(self, value: Value) -> bool | None:
        inner = self.inner.holds(value)
        return None if inner is None else not inner


@dataclass(frozen=True)
class Text(UnaryTest):
    """A cell given as FEEL text (hand-written cases)."""

    text: str

    def render(self, outward: bool = True) -> str:
        return self.text


# --- tables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """An input column and the input data it reads (same name)."""

    name: str
    type: str  # "number", "string" or "boolean"


@dataclass(frozen=True)
class Rule:
    """One rule: a test per column and the output literal."""

    cells: tuple[UnaryTest, ...]
    output: Decimal | str


@dataclass(frozen=True)
class GeneratedTable:
    """A single-output decision table over typed input data."""

    columns: tuple[Column, ...]
    rules: tuple[Rule, ...]
    hit_policy: str = "UNIQUE"
    aggregation: str | None = None
    output_type: str = "string"
    output_values: tuple[Decimal | str, ...] | None = None  # priority order, best first
    _cache: dict[bool, m.Definitions] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def policy(self) -> str:
        """The hit policy as written in a table's corner: ``COLLECT SUM``, ``FIRST``..."""
        return f"{self.hit_policy} {self.aggregation}" if self.aggregation else self.hit_policy

    def any_cell(self, predicate: Callable[[UnaryTest], bool]) -> bool:
        """True when ``predicate`` holds for some cell."""
        return any(predicate(cell) for rule in self.rules for cell in rule.cells)

    def has_outward_interval(self) -> bool:
        """True when some cell writes an open interval end with an outward bracket."""
        return self.any_cell(UnaryTest.has_outward_interval)

    def map_cells(self, fn: Callable[[int, int, UnaryTest], UnaryTest]) -> GeneratedTable:
        """The table with each cell replaced by ``fn(rule index, column index, cell)``."""
        rules = tuple(
            replace(rule, cells=tuple(fn(r, c, cell) for c, cell in enumerate(rule.cells)))
            for r, rule in enumerate(self.rules)
        )
        return replace(self, rules=rules, _cache={})

    def column_literals(self, index: int) -> list[Decimal | str | bool]:
        """The literals of a column's cells, first occurrence order."""
        found: dict[Any, Decimal | str | bool] = {}
        for rule in self.rules:
            for value in rule.cells[index].literals():
                found.setdefault((type(value), value), value)
        return list(found.values())

    def describe(self) -> str:
        """The table as plain text, one rule a line (for failure messages)."""
        head = " | ".join(f"{c.name}:{c.type}" for c in self.columns)
        lines = [f"{self.policy}  ({head}) -> {OUTPUT}:{self.output_type}"]
        if self.output_values is not None:
            lines.append("  output values: " + ", ".join(map(literal_text, self.output_values)))
        for i, rule in enumerate(self.rules, 1):
            cells = " | ".join(c.render() for c in rule.cells)
            lines.append(f"  {i}: {cells} -> {literal_text(rule.output)}")
        return "\n".join(lines)

    def definitions(self, outward: bool = True) -> m.Definitions:
        """The DMN model; ``outward=False`` writes every interval in parenthesis notation."""
        cached = self._cache.get(outward)
        if cached is None:
            cached = self._cache[outward] = _definitions(self, outward)
        return cached


def _definitions(table: GeneratedTable, outward: bool) -> m.Definitions:
    inputs = [
        m.InputClause(
            id=f"input{i}",
            label=col.name,
            input_expression=m.LiteralExpression(text=col.name, type_ref=col.type),
        )
        for i, col in enumerate(table.columns, 1)
    ]
    output_values = None
    if table.output_values is not None:
        text = ", ".join(literal_text(v) for v in table.output_values)
        output_values = m.UnaryTests(text=text)
    output = m.OutputClause(
        id="output1", name=OUTPUT, type_ref=table.output_type, output_values=output_values
    )
    rules = [
        m.DecisionRule(
            id=f"rule{i}",
            input_entries=[m.UnaryTests(text=c.render(outward)) for c in rule.cells],
            output_entries=[m.LiteralExpression(text=literal_text(rule.output))],
        )
        for i, rule in enumerate(table.rules, 1)
    ]
    decision_table = m.DecisionTable(
        id="table1",
        hit_policy=table.hit_policy,
        aggregation=table.aggregation,
        inputs=inputs,
        outputs=[output],
        rules=rules,
    )
    input_data = [
        m.InputData(
            id=f"data{i}",
            name=col.name,
            variable=m.InformationItem(name=col.name, type_ref=col.type),
        )
        for i, col in enumerate(table.columns, 1)
    ]
    decision = m.Decision(
        id="decision1",
        name=DECISION,
        variable=m.InformationItem(name=DECISION),
        requirements=[m.Requirement(kind="input", href=f"#{d.id}") for d in input_data],
        expression=decision_table,
    )
    return m.Definitions(
        id="definitions1",
        name=MODEL_NAME,
        namespace=NAMESPACE,
        input_data=input_data,
        decisions=[decision],
    )


def table_from_texts(
    columns: Sequence[tuple[str, str]],
    rules: Sequence[tuple[Sequence[str], Decimal | str]],
    hit_policy: str = "UNIQUE",
    aggregation: str | None = None,
    output_type: str = "string",
    output_values: tuple[Decimal | str, ...] | None = None,
) -> GeneratedTable:
    """A hand-written table: ``columns`` as (name, type), rules as (cell texts, output)."""
    return GeneratedTable(
        columns=tuple(Column(name, type_) for name, type_ in columns),
        rules=tuple(Rule(tuple(Text(t) for t in cells), out) for cells, out in rules),
        hit_policy=hit_policy,
        aggregation=aggregation,
        output_type=output_type,
        output_values=output_values,
    )


# --- strategies ---------------------------------------------------------------------------------


def weighted(*choices: tuple[int, st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """One of the strategies, picked in proportion to its weight."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(pool).flatmap(lambda s: s)


def _no_negative_zero(value: Decimal) -> Decimal:
    return Decimal(0) if value == 0 else value


number_literals: st.SearchStrategy[Decimal] = weighted(
    (2, st.integers(-20, 20).map(Decimal)),
    (1, st.decimals(min_value=-20, max_value=20, places=1).map(_no_negative_zero)),
    (1, st.decimals(min_value=-20, max_value=20, places=2).map(_no_negative_zero)),
)
string_literals: st.SearchStrategy[str] = st.text(STRING_ALPHABET, min_size=1, max_size=3)
# Output strings never start or end with a space: pyDMNrules strips the items of
# outputValues, which breaks PRIORITY and OUTPUT ORDER in a way no rewrite can mirror.
output_strings: st.SearchStrategy[str] = string_literals.filter(lambda s: s.strip() == s)


@st.composite
def intervals(draw: st.DrawFn, pool: Sequence[Decimal]) -> Interval:
    """An interval between two literals of the pool (low <= high), any end open or closed."""
    low, high = sorted([draw(st.sampled_from(pool)), draw(st.sampled_from(pool))])
    return Interval(low, high, draw(st.booleans()), draw(st.booleans()), draw(st.booleans()))


def number_tests(pool: Sequence[Decimal]) -> st.SearchStrategy[UnaryTest]:
    """A positive unary test on numbers built from the pool's literals."""
    literal = st.sampled_from(pool)
    return weighted(
        (3, st.builds(Compare, st.sampled_from(["<", "<=", ">", ">="]), literal)),
        (1, st.builds(Compare, st.just("="), literal)),
        (2, st.builds(Equal, literal)),
        (3, intervals(pool)),
    )


def string_tests(pool: Sequence[str]) -> st.SearchStrategy[UnaryTest]:
    """A string literal of the pool."""
    return st.builds(Equal, st.sampled_from(pool))


def cells(
    positive: st.SearchStrategy[UnaryTest], list_weight: int = 2
) -> st.SearchStrategy[UnaryTest]:
    """A whole input entry: ``-``, a test, a list of tests, or ``not(...)`` of those."""
    lists = st.lists(positive, min_size=2, max_size=3).map(lambda xs: Disjunction(tuple(xs)))
    positives = weighted((3, positive), (list_weight, lists))
    return weighted(
        (2, st.just(AnyTest())), (5, positive), (list_weight, lists), (2, positives.map(Negation))
    )


boolean_cells: st.SearchStrategy[UnaryTest] = st.sampled_from(
    [AnyTest(), Equal(True), Equal(False), Negation(Equal(True)), Negation(Equal(False))]
)


def column_cells(column: Column, pool: Sequence[Any]) -> st.SearchStrategy[UnaryTest]:
    """The cells of one column, drawn from the column's literal pool."""
    if column.type == "number":
        return cells(number_tests(pool), list_weight=1)
    if column.type == "string":
        return cells(string_tests(pool))
    return boolean_cells


def literal_pool(
    type_: str, strings: st.SearchStrategy[str] = string_literals
) -> st.SearchStrategy[list[Any]]:
    """A few distinct literals that the cells of one column share (so rules overlap)."""
    if type_ == "number":
        return st.lists(number_literals, min_size=1, max_size=5, unique=True)
    return st.lists(strings, min_size=1, max_size=4, unique=True)


@st.composite
def tables(draw: st.DrawFn) -> GeneratedTable:
    """A random S-FEEL decision table (see the module docstring)."""
    hit_policy, aggregation = draw(st.sampled_from(POLICIES))
    types = draw(st.lists(st.sampled_from(COLUMN_TYPES), min_size=1, max_size=4))
    columns = tuple(Column(f"{t.capitalize()}{i}", t) for i, t in enumerate(types, 1))
    pools = [draw(literal_pool(c.type)) if c.type != "boolean" else [] for c in columns]
    output_type = "number" if aggregation == "SUM" else draw(st.sampled_from(["string", "number"]))
    outputs: list[Decimal | str] = list(draw(literal_pool(output_type, output_strings)))
    rule = st.builds(
        Rule,
        st.tuples(*(column_cells(c, p) for c, p in zip(columns, pools, strict=True))),
        st.sampled_from(outputs),
    )
    output_values = None
    if hit_policy in ("PRIORITY", "OUTPUT ORDER"):
        output_values = tuple(draw(st.permutations(outputs)))
    return GeneratedTable(
        columns=columns,
        rules=tuple(draw(st.lists(rule, min_size=1, max_size=10))),
        hit_policy=hit_policy,
        aggregation=aggregation,
        output_type=output_type,
        output_values=output_values,
    )


def _number_boundaries(literals: Sequence[Any]) -> list[Decimal]:
    values: dict[Decimal, None] = {}
    for value in literals:
        for v in (value, value - NUDGE, value + NUDGE):
            values.setdefault(v, None)
    return list(values) or [Decimal(0)]


def column_values(
    table: GeneratedTable, index: int, near: Sequence[Any] | None = None
) -> st.SearchStrategy[Value]:
    """Inputs for one column: mostly at, just below and above its literals (or those of
    ``near`` when given and not empty); some random values; some nulls."""
    column = table.columns[index]
    literals = list(near) if near else table.column_literals(index)
    null: st.SearchStrategy[Value] = st.none()
    if column.type == "boolean":
        known = st.sampled_from(literals) if literals else st.booleans()
        return weighted((4, known), (1, st.booleans()), (1, null))
    if column.type == "string":
        strings = st.sampled_from(literals or ["a"])
        return weighted((5, strings), (2, string_literals), (1, null))
    at_edges = st.sampled_from(_number_boundaries(literals))
    anywhere = st.decimals(min_value=-25, max_value=25, places=3).map(_no_negative_zero)
    return weighted((5, at_edges), (2, anywhere), (1, null))


def inputs_for(table: GeneratedTable) -> st.SearchStrategy[dict[str, Value]]:
    """One input dict (FEEL values: Decimal, str, bool or None) keyed by column name:
    either each column near any of its cells, or every column near the cells of one rule
    (so that rules match more often than chance would have them)."""
    anywhere = st.fixed_dictionaries(
        {c.name: column_values(table, i) for i, c in enumerate(table.columns)}
    )

    def near_rule(rule: Rule) -> st.SearchStrategy[dict[str, Value]]:
        return st.fixed_dictionaries(
            {
                c.name: column_values(table, i, rule.cells[i].literals())
                for i, c in enumerate(table.columns)
            }
        )

    aimed = st.sampled_from(table.rules).flatmap(near_rule)
    return weighted((1, anywhere), (1, aimed))


@st.composite
def cases(draw: st.DrawFn, max_inputs: int = 4) -> tuple[GeneratedTable, list[dict[str, Value]]]:
    """A random table and 1..max_inputs input dicts for it."""
    table = draw(tables())
    return table, draw(st.lists(inputs_for(table), min_size=1, max_size=max_inputs))
