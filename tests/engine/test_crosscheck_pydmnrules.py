"""tablerx against pyDMNrules: random S-FEEL tables and inputs in, agreement or a named defect out.

pyDMNrules (test-only dependency) is an independent DMN engine. For every generated table
(:mod:`sfeel_tables`) and input dict, both engines evaluate the table: tablerx with FEEL
values (Decimal), pyDMNrules with Python numbers (int when integral, else float; it reads
the table from the XML our writer produces). The answers must agree: numbers within 1e-9,
strings and booleans exactly, collected lists in order (COLLECT without aggregation: as a
multiset, the spec leaves its order open), and the rules that fired.

A difference is accepted only when it is one of the documented pyDMNrules defects
(docs/pydmnrules-defects.md), each recognised by a named predicate that checks the exact
situation against tablerx's record of the evaluation; they are counted and reported.
When pyDMNrules raises or reports an error of its own, it gave no answer: the case is
skipped and counted. Independently of pyDMNrules, tablerx must evaluate these well-typed
tables without any FEEL warning or model error.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, note, settings
from sfeel_tables import (
    DECISION,
    OUTPUT,
    SINGLE_HIT,
    AnyTest,
    Column,
    Compare,
    Disjunction,
    Equal,
    GeneratedTable,
    Interval,
    Negation,
    Rule,
    Text,
    UnaryTest,
    Value,
    cases,
    table_from_texts,
)

from service.dmn import write_dmn
from service.engine import load_definitions


@functools.cache
def _pydmnrules() -> Any:
    """The pyDMNrules module, imported on first use: its parser (pySFeel) takes over ten
    seconds to build, which test collection should not pay."""
    with warnings.catch_warnings():
        # It imports pandas and openpyxl; keep what they may say out of -W error.
        warnings.simplefilter("ignore")
        import pyDMNrules

    return pyDMNrules


TOLERANCE = Decimal("1e-9")
NO_MATCH_MESSAGE = "No rules matched the input data for decision table"


# --- the two engines ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TablerxAnswer:
    """tablerx's value, the rules in its record (1-based, hit-policy order) and its codes."""

    value: Any
    rules: tuple[int, ...]
    outputs: dict[int, Any]  # rule number -> its output, for every rule in ``rules``
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class PyAnswer:
    """pyDMNrules' outcome: kind "answer", "no match" (its error), "error" or "raised"."""

    kind: str
    value: Any = None
    rules: tuple[int, ...] = ()
    message: str = ""

    @property
    def answered(self) -> bool:
        """True when pyDMNrules gave a value or said that no rule matched."""
        return self.kind in ("answer", "no match")


def run_tablerx(table: GeneratedTable, inputs: dict[str, Value]) -> TablerxAnswer:
    """Evaluate with tablerx (FEEL values in)."""
    model = load_definitions([table.definitions()]).get(table.definitions().namespace)
    assert model is not None
    result = model.evaluate(inputs, [DECISION])
    (record,) = result.tables
    return TablerxAnswer(
        value=result.values[DECISION],
        rules=tuple(r.index for r in record.matches),
        outputs={r.index: r.outputs.get(OUTPUT) for r in record.matches},
        errors=tuple(e.code for e in result.errors),
        warnings=tuple(w.code for w in result.warnings),
    )


def to_python(value: Value) -> Any:
    """A FEEL input as pyDMNrules takes it: numbers as int when integral, else float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _rule_numbers(executed: Any) -> tuple[int, ...]:
    """pyDMNrules' 'Executed Rule' (one tuple or a list of them) as 1-based rule numbers."""
    fired = executed if isinstance(executed, list) else [executed]
    # Each is (table title, table name, 'Rule.N') with N counted from 0 for unlabelled rules.
    return tuple(int(rule_id.rsplit(".", 1)[1]) + 1 for _, _, rule_id in fired)


class PyDMNrules:
    """One table loaded into pyDMNrules (from our DMN XML), decided for many inputs."""

    def __init__(self, table: GeneratedTable, outward: bool = True) -> None:
        self.xml = write_dmn(table.definitions(outward)).decode()
        self.engine = _pydmnrules().DMN()
        self.load_error: PyAnswer | None = None
        try:
            status = self._quietly(self.engine.useXML, self.xml)
        except Exception as exc:  # pyDMNrules bugs surface as any exception
            self.load_error = PyAnswer("raised", message=f"load: {type(exc).__name__}: {exc}")
        else:
            if status.get("errors"):
                self.load_error = PyAnswer("error", message=f"load: {status['errors'][0]}")

    @staticmethod
    def _quietly(fn: Callable[..., Any], *args: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas/pySFeel chatter, not our concern
            return fn(*args)

    def decide(self, inputs: dict[str, Value]) -> PyAnswer:
        """pyDMNrules' answer for one input dict."""
        if self.load_error is not None:
            return self.load_error
        data = {name: to_python(v) for name, v in inputs.items()}
        try:
            status, result = self._quietly(self.engine.decide, data)
        except Exception as exc:
            return PyAnswer("raised", message=f"{type(exc).__name__}: {exc}")
        errors = status.get("errors") or []
        if errors:
            kind = "no match" if len(errors) == 1 and NO_MATCH_MESSAGE in errors[0] else "error"
            return PyAnswer(kind, message=str(errors[0]))
        return PyAnswer(
            "answer", result["Result"].get(OUTPUT), _rule_numbers(result["Executed Rule"])
        )


# --- comparing ------------------------------------------------------------------------------------


def normal(value: Any) -> Any:
    """A value of either engine in one form: numbers as Decimal, lists item by item."""
    if isinstance(value, bool) or value is None or isinstance(value, str | Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, list):
        return [normal(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Equal after :func:`normal`: numbers within 1e-9, lists item by item, types kept apart."""
    a, b = normal(a), normal(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return abs(a - b) <= TOLERANCE
    return type(a) is type(b) and a == b


def _sort_key(value: Any) -> tuple[str, Any]:
    value = normal(value)
    return (type(value).__name__, value if value is not None else "")


def same_multiset(a: Any, b: Any) -> bool:
    """Two lists holding the same items, order aside."""
    if not (isinstance(a, list) and isinstance(b, list)):
        return False
    return same(sorted(a, key=_sort_key), sorted(b, key=_sort_key))


def agree(table: GeneratedTable, tx: TablerxAnswer, py: PyAnswer) -> bool:
    """True when pyDMNrules gave the answer tablerx gave, with the same rules fired."""
    if py.kind != "answer" or tx.errors:
        return False
    if table.hit_policy in SINGLE_HIT:
        # ANY: any matching rule may be the one reported; the others name the winner.
        fired_ok = py.rules[:1] == tx.rules[:1] or (
            table.hit_policy == "ANY" and len(py.rules) == 1 and py.rules[0] in tx.rules
        )
        return fired_ok and same(tx.value, py.value)
    if table.hit_policy in ("RULE ORDER", "OUTPUT ORDER"):
        return py.rules == tx.rules and same(tx.value, py.value)
    if sorted(py.rules) != sorted(tx.rules):
        return False
    if table.aggregation is None:
        return same_multiset(tx.value, py.value)
    return same(tx.value, py.value)


# --- the documented pyDMNrules defects (docs/pydmnrules-defects.md) -------------------------
#
# Two kinds. Answer defects: pyDMNrules reads the table right but answers wrongly; a
# predicate compares its answer with tablerx's record. Reading defects: pyDMNrules reads
# some cells differently from DMN 1.5; the difference is accepted when it disappears once
# that reading is taken out: by giving pyDMNrules an equivalent table it reads right, or by
# giving tablerx the table as pyDMNrules reads it (see :class:`Crosscheck`).


def pydmnrules_errors_when_no_rule_matches(
    table: GeneratedTable, tx: TablerxAnswer, py: PyAnswer
) -> bool:
    """No rule matches (tablerx's record is empty, no default output in these tables): DMN
    gives null (an empty list for COLLECT, 0 for COLLECT COUNT); pyDMNrules reports the
    error 'No rules matched the input data' instead."""
    return py.kind == "no match" and tx.rules == () and not tx.errors


def _reports_first_of_several(tx: TablerxAnswer, py: PyAnswer, code: str) -> bool:
    if code not in tx.errors or len(tx.rules) < 2 or py.kind != "answer":
        return False
    first = min(tx.rules)
    return py.rules == (first,) and same(py.value, tx.outputs[first])


def pydmnrules_treats_unique_as_first(
    table: GeneratedTable, tx: TablerxAnswer, py: PyAnswer
) -> bool:
    """Hit policy UNIQUE with two or more rules matching (per tablerx's record): DMN says the
    table is broken (tablerx: null plus UNIQUE_VIOLATION); pyDMNrules stops at the first
    matching rule and returns its output."""
    return table.hit_policy == "UNIQUE" and _reports_first_of_several(tx, py, "UNIQUE_VIOLATION")


def pydmnrules_treats_any_conflict_as_first(
    table: GeneratedTable, tx: TablerxAnswer, py: PyAnswer
) -> bool:
    """Hit policy ANY with matching rules whose outputs differ: DMN says the table is broken
    (tablerx: null plus ANY_CONFLICT); pyDMNrules returns the first matching rule's output."""
    if table.hit_policy != "ANY" or len({str(v) for v in tx.outputs.values()}) < 2:
        return False
    return _reports_first_of_several(tx, py, "ANY_CONFLICT")


AnswerDefect = Callable[[GeneratedTable, TablerxAnswer, PyAnswer], bool]
ANSWER_DEFECTS: tuple[AnswerDefect, ...] = (
    pydmnrules_errors_when_no_rule_matches,
    pydmnrules_treats_unique_as_first,
    pydmnrules_treats_any_conflict_as_first,
)

# Reading defects. The first is taken out by giving pyDMNrules an equivalent table it reads
# right; the others are cell defects (see :meth:`Crosscheck.as_pydmnrules_reads`).
OUTWARD = "pydmnrules_misreads_outward_bracket_intervals"
"""``]a..b]``, ``[a..b[``, ``]a..b[`` read as an equality with a range (never true; null
under not()). Taken out by giving pyDMNrules the same table in parenthesis notation."""

CellSituation = Callable[[UnaryTest, Value], bool]
CELL_DEFECTS: tuple[tuple[str, CellSituation], ...] = (
    # A null input tested against an interval, or a list holding a comparison or an
    # interval, is false instead of null: not([1..5]) and not(< 0, 5) match null.
    (
        "pydmnrules_negates_null_range_tests",
        lambda cell, value: value is None and cell.negates_range_test(),
    ),
    # A list of tests holding an interval (< 0, [1..2]) gives answers unrelated to the input.
    ("pydmnrules_misreads_intervals_in_lists", lambda cell, value: cell.has_interval_in_list()),
    # A list mixing comparisons and literals (1, 5, > 6) can miss the literals.
    (
        "pydmnrules_misreads_lists_with_comparisons",
        lambda cell, value: cell.has_comparison_in_list(),
    ),
    # Lists of strings are rewritten as text before parsing: " a", "b" is read as "a", "b"
    # and "--a", "-a" as "--a", - "a".
    (
        "pydmnrules_mangles_strings_in_lists",
        lambda cell, value: cell.has_awkward_string_in_list(),
    ),
)
"""Cells in one of these situations are probed: pyDMNrules and tablerx each judge the cell
alone (a one-cell table), :meth:`UnaryTest.holds` gives DMN 1.5's verdict. Where pyDMNrules is
wrong, tablerx evaluates the table with that cell replaced by pyDMNrules' verdict (``-``
or a test never met), named after the first situation that holds; where tablerx is wrong,
the engines disagree whatever pyDMNrules says."""


def explain(table: GeneratedTable, tx: TablerxAnswer, py: PyAnswer) -> tuple[str, ...] | None:
    """() when the engines agree, (defect,) when an answer defect explains the
    difference, None when nothing does."""
    if agree(table, tx, py):
        return ()
    for defect in ANSWER_DEFECTS:
        if defect(table, tx, py):
            return (defect.__name__,)
    return None


@dataclass(frozen=True)
class Verdict:
    """How one evaluation compared: "agree", "exempt" (with defects), "no answer" or
    "disagree"."""

    kind: str
    reasons: tuple[str, ...] = ()


def _no_answer(py: PyAnswer) -> Verdict:
    # pySFeel's syntax errors name the token and its offset: keep only what went wrong.
    reason = re.sub(r" at token .*| at EOF", "", py.message.splitlines()[0] if py.message else "")
    return Verdict("no answer", (reason[:80],))


NEVER: dict[str, UnaryTest] = {  # per column type: a test no value (nor null) meets
    "number": Interval(Decimal(0), Decimal(0), False, False),
    "string": Equal("#never#"),  # '#' is not in the strings drawn
    "boolean": Negation(Disjunction((Equal(True), Equal(False)))),  # not(true, false): null
}


def _one_cell(column: Column, text: str) -> GeneratedTable:
    return GeneratedTable((column,), (Rule((Text(text),), "hit"),), hit_policy="FIRST")


@dataclass
class CellReading:
    """What probing the cells in a defect situation found for one input dict."""

    table: GeneratedTable  # the table as pyDMNrules reads it
    defects: list[str]  # the defects behind each cell replaced (in CELL_DEFECTS order)
    tablerx_wrong: list[str]  # cells tablerx judges against DMN 1.5
    no_answer: bool = False


class Crosscheck:
    """One table under both engines: tablerx answers, pyDMNrules answers, and verdicts."""

    def __init__(self, table: GeneratedTable) -> None:
        self.table = table
        self._py: dict[bool, PyDMNrules] = {}
        self._probes: dict[tuple[str, str, str, Value], bool | None] = {}

    def pydmnrules(self, inputs: dict[str, Value], outward: bool = True) -> PyAnswer:
        """pyDMNrules' answer on the table as drawn (``outward=False``: parenthesis notation)."""
        engine = self._py.get(outward)
        if engine is None:
            engine = self._py[outward] = PyDMNrules(self.table, outward)
        return engine.decide(inputs)

    def probe(self, engine: str, text: str, column: Column, value: Value) -> bool | None:
        """Whether ``engine`` ("tablerx"/"pydmnrules") finds ``value`` meets the cell
        ``text`` on its own (None: pyDMNrules cannot tell)."""
        key = (engine, text, column.type, value)
        if key not in self._probes:
            one, inputs = _one_cell(column, text), {column.name: value}
            if engine == "tablerx":
                self._probes[key] = run_tablerx(one, inputs).rules == (1,)
            else:
                kind = PyDMNrules(one).decide(inputs).kind
                self._probes[key] = {"answer": True, "no match": False}.get(kind)
        return self._probes[key]

    def as_pydmnrules_reads(self, inputs: dict[str, Value], outward: bool) -> CellReading:
        """Probe every cell in a :data:`CELL_DEFECTS` situation (see there)."""
        replaced: dict[tuple[int, int], UnaryTest] = {}
        reading = CellReading(self.table, [], [])
        for r, rule in enumerate(self.table.rules):
            for c, cell in enumerate(rule.cells):
                column = self.table.columns[c]
                value = inputs[column.name]
                names = [name for name, situation in CELL_DEFECTS if situation(cell, value)]
                if not names:
                    continue
                text, spec = cell.render(outward), cell.holds(value) is True
                if self.probe("tablerx", text, column, value) != spec:
                    reading.tablerx_wrong.append(f"rule {r + 1}: {text} with {value!r}")
                theirs = self.probe("pydmnrules", text, column, value)
                if theirs is None:
                    reading.no_answer = True
                elif theirs != spec:
                    replaced[r, c] = AnyTest() if theirs else NEVER[column.type]
                    reading.defects.append(names[0])
        reading.table = self.table.map_cells(lambda r, c, cell: replaced.get((r, c), cell))
        return reading

    def verdict(self, inputs: dict[str, Value], tx: TablerxAnswer) -> tuple[Verdict, PyAnswer]:
        """Compare tablerx's answer ``tx`` with pyDMNrules', taking out the reading defects
        where their situation is present and they change pyDMNrules' answer."""
        table = self.table
        py = self.pydmnrules(inputs)
        used: list[str] = []
        found = explain(table, tx, py) if py.answered else None
        outward = True
        if found is None and table.has_outward_interval():
            paren = self.pydmnrules(inputs, outward=False)
            if not paren.answered:
                return _no_answer(paren), paren
            if paren != py:
                outward, py = False, paren
                used.append(OUTWARD)
                found = explain(table, tx, py)
        if not py.answered:
            return _no_answer(py), py
        if found is None:
            reading = self.as_pydmnrules_reads(inputs, outward)
            if reading.tablerx_wrong:
                return Verdict("disagree", tuple(reading.tablerx_wrong)), py
            if reading.no_answer:
                return Verdict("no answer", ("probing a cell",)), py
            if reading.defects:
                used.extend(name for name, _ in CELL_DEFECTS if name in reading.defects)
                found = explain(table, run_tablerx(reading.table, inputs), py)
        if found is None:
            return Verdict("disagree"), py
        reasons = (*used, *found)
        return (Verdict("exempt", reasons) if reasons else Verdict("agree")), py


# --- the property -------------------------------------------------------------------------------


def _failure(table: GeneratedTable, inputs: dict[str, Value], what: str, **shown: Any) -> str:
    lines = [what, table.describe(), f"inputs: {inputs}"]
    lines += [f"{k}: {v}" for k, v in shown.items()]
    return "\n".join(lines)


def check_table(
    table: GeneratedTable, many_inputs: list[dict[str, Value]], stats: Counter[str]
) -> None:
    """Evaluate ``table`` for each input dict with both engines; assert and count."""
    note(table.describe())
    stats["tables"] += 1
    stats[f"policy {table.policy}"] += 1
    check = Crosscheck(table)
    for inputs in many_inputs:
        tx = run_tablerx(table, inputs)
        assert not tx.warnings, _failure(table, inputs, "tablerx warned", tablerx=tx)
        verdict, py = check.verdict(inputs, tx)
        stats["evaluations"] += 1
        reasons = verdict.reasons if verdict.kind != "disagree" else ()
        label = verdict.kind + (": " + " + ".join(reasons) if reasons else "")
        stats[label] += 1
        if verdict.kind == "exempt":
            stats.update(f"exemption {name}" for name in reasons)
        event(label)
        assert verdict.kind != "disagree", _failure(
            table,
            inputs,
            "tablerx and pyDMNrules disagree",
            tablerx=tx,
            pydmnrules=py,
            cells_tablerx_misjudges=verdict.reasons,
        )


EXAMPLE_UNIQUE = table_from_texts([("Number1", "number")], [(["< 5"], "a"), (["< 7"], "b")])
EXAMPLE_ANY = table_from_texts(
    [("Number1", "number")], [(["< 5"], "a"), (["< 7"], "b")], hit_policy="ANY"
)
ONE_TO_FIVE = Interval(Decimal(1), Decimal(5), True, True)
EXAMPLE_CELLS = GeneratedTable(  # one rule per cell defect, each met by an input below
    columns=(Column("Number1", "number"), Column("String1", "string")),
    rules=(
        Rule((Negation(ONE_TO_FIVE), AnyTest()), "null range"),
        Rule(
            (
                Disjunction(
                    (Compare("<", Decimal(0)), Interval(Decimal(1), Decimal(2), True, True))
                ),
                AnyTest(),
            ),
            "interval in list",
        ),
        Rule(
            (
                Disjunction((Equal(Decimal(1)), Equal(Decimal(5)), Compare(">", Decimal(6)))),
                AnyTest(),
            ),
            "comparison in list",
        ),
        Rule((AnyTest(), Disjunction((Equal(" a"), Equal("q")))), "padded string"),
    ),
    hit_policy="RULE ORDER",
)
EXAMPLE_OUTWARD = GeneratedTable(
    columns=(Column("Number1", "number"),),
    rules=(
        Rule((Interval(Decimal(1), Decimal(5), False, True, outward=True),), "in"),
        Rule((Negation(Interval(Decimal(1), Decimal(5), False, True)),), "out"),
    ),
    hit_policy="FIRST",
)


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases())
@example(case=(EXAMPLE_UNIQUE, [{"Number1": Decimal(3)}, {"Number1": Decimal(9)}]))
@example(case=(EXAMPLE_ANY, [{"Number1": Decimal(3)}, {"Number1": Decimal(6)}]))
@example(case=(EXAMPLE_OUTWARD, [{"Number1": Decimal(5)}, {"Number1": Decimal(1)}]))
@example(
    case=(
        EXAMPLE_CELLS,
        [
            {"Number1": None, "String1": "q"},
            {"Number1": Decimal("1.5"), "String1": "a"},
            {"Number1": Decimal(5), "String1": " a"},
        ],
    )
)
def check_cases(stats: Counter[str], case: tuple[GeneratedTable, list[dict[str, Value]]]) -> None:
    """The property: every generated case agrees or is a documented, counted exemption."""
    check_table(*case, stats)


class Stats(Counter[str]):
    """The counts of one run (shown as a name only in Hypothesis' failure reports)."""

    def __repr__(self) -> str:
        return "Stats()"


def summary(stats: Counter[str]) -> str:
    """The statistics as text, one count a line."""
    return "\n".join(f"{count:6d}  {key}" for key, count in sorted(stats.items()))


@pytest.mark.slow
def test_tablerx_agrees_with_pydmnrules(capsys: pytest.CaptureFixture[str]) -> None:
    stats = Stats()
    check_cases(stats)
    with capsys.disabled():
        print("\npyDMNrules cross-check:\n" + summary(stats))
    # A sanity check that the cross-check still compares something (pyDMNrules answers).
    assert stats["agree"] >= stats["evaluations"] // 3, summary(stats)
    assert stats["disagree"] == 0


# --- the predicates themselves: each fires in its situation and nowhere else -------------------


def _tx(value: Any, rules: tuple[int, ...], outputs: dict[int, Any], *errors: str) -> TablerxAnswer:
    return TablerxAnswer(value, rules, outputs, errors, ())


PREDICATE_CASES = [
    # (predicate, table, tablerx, pyDMNrules, expected)
    (
        pydmnrules_errors_when_no_rule_matches,
        EXAMPLE_UNIQUE,
        _tx(None, (), {}),
        PyAnswer("no match", message=NO_MATCH_MESSAGE),
        True,
    ),
    (
        pydmnrules_errors_when_no_rule_matches,
        EXAMPLE_UNIQUE,
        _tx("a", (1,), {1: "a"}),
        PyAnswer("no match", message=NO_MATCH_MESSAGE),
        False,
    ),
    (
        pydmnrules_treats_unique_as_first,
        EXAMPLE_UNIQUE,
        _tx(None, (1, 2), {1: "a", 2: "b"}, "UNIQUE_VIOLATION"),
        PyAnswer("answer", "a", (1,)),
        True,
    ),
    (
        pydmnrules_treats_unique_as_first,
        EXAMPLE_UNIQUE,
        _tx(None, (1, 2), {1: "a", 2: "b"}, "UNIQUE_VIOLATION"),
        PyAnswer("answer", "b", (2,)),
        False,
    ),
    (
        pydmnrules_treats_unique_as_first,
        EXAMPLE_UNIQUE,
        _tx("a", (1,), {1: "a"}),
        PyAnswer("answer", "b", (2,)),
        False,
    ),
    (
        pydmnrules_treats_unique_as_first,
        EXAMPLE_ANY,
        _tx(None, (1, 2), {1: "a", 2: "b"}, "ANY_CONFLICT"),
        PyAnswer("answer", "a", (1,)),
        False,
    ),
    (
        pydmnrules_treats_any_conflict_as_first,
        EXAMPLE_ANY,
        _tx(None, (1, 2), {1: "a", 2: "b"}, "ANY_CONFLICT"),
        PyAnswer("answer", "a", (1,)),
        True,
    ),
    (
        pydmnrules_treats_any_conflict_as_first,
        EXAMPLE_ANY,
        _tx("a", (1, 2), {1: "a", 2: "a"}),
        PyAnswer("answer", "a", (1,)),
        False,
    ),
]


@pytest.mark.parametrize(("predicate", "table", "tx", "py", "expected"), PREDICATE_CASES)
def test_defect_predicates_are_specific(
    predicate: AnswerDefect, table: GeneratedTable, tx: TablerxAnswer, py: PyAnswer, expected: bool
) -> None:
    assert predicate(table, tx, py) is expected


class _Scripted(Crosscheck):
    """A Crosscheck whose pyDMNrules answers are given (drawn vs parenthesis notation)."""

    def __init__(self, table: GeneratedTable, drawn: PyAnswer, paren: PyAnswer) -> None:
        super().__init__(table)
        self.answers = {True: drawn, False: paren}

    def pydmnrules(self, inputs: dict[str, Value], outward: bool = True) -> PyAnswer:
        return self.answers[outward]


RIGHT = PyAnswer("answer", "in", (1,))
WRONG = PyAnswer("answer", "out", (2,))
OUTWARD_CASES = [
    # (table, pyDMNrules on the table as drawn, in parenthesis notation, expected verdict)
    (EXAMPLE_OUTWARD, WRONG, RIGHT, Verdict("exempt", (OUTWARD,))),
    (EXAMPLE_OUTWARD, WRONG, WRONG, Verdict("disagree")),
    (EXAMPLE_OUTWARD, RIGHT, WRONG, Verdict("agree")),
    (EXAMPLE_UNIQUE, WRONG, RIGHT, Verdict("disagree")),  # no outward interval: no exemption
]


@pytest.mark.parametrize(("table", "drawn", "paren", "expected"), OUTWARD_CASES)
def test_outward_exemption_needs_the_parenthesis_notation_to_agree(
    table: GeneratedTable, drawn: PyAnswer, paren: PyAnswer, expected: Verdict
) -> None:
    tx = TablerxAnswer("in", (1,), {1: "in"}, (), ())
    assert _Scripted(table, drawn, paren).verdict({"Number1": Decimal(5)}, tx)[0] == expected


class _MisjudgingTablerx(Crosscheck):
    """A Crosscheck whose tablerx probes give the wrong verdict on every cell."""

    def probe(self, engine: str, text: str, column: Column, value: Value) -> bool | None:
        verdict = super().probe(engine, text, column, value)
        return (not verdict) if engine == "tablerx" else verdict


@pytest.mark.slow  # imports pyDMNrules
def test_cell_exemption_fails_when_tablerx_misjudges_the_cell() -> None:
    inputs: dict[str, Value] = {"Number1": Decimal("1.5"), "String1": "a"}
    tx = run_tablerx(EXAMPLE_CELLS, inputs)
    verdict, _ = _MisjudgingTablerx(EXAMPLE_CELLS).verdict(inputs, tx)
    assert verdict.kind == "disagree"
    assert "rule 2: < 0, [1..2] with Decimal('1.5')" in verdict.reasons


def test_cell_exemption_needs_its_situation() -> None:
    # A lone padded string is read right by pyDMNrules: a wrong answer there is no defect.
    table = GeneratedTable((Column("String1", "string"),), (Rule((Equal(" a"),), "hit"),))
    tx = TablerxAnswer(None, (), {}, (), ())
    wrong = PyAnswer("answer", "hit", (1,))
    assert _Scripted(table, wrong, wrong).verdict({"String1": "a"}, tx)[0] == Verdict("disagree")


REFERENCE_CASES = [
    # (test, input, DMN 1.5's three-valued verdict)
    (Negation(ONE_TO_FIVE), None, None),
    (Negation(ONE_TO_FIVE), Decimal(0), True),
    (Disjunction((Equal(Decimal(1)), Compare(">", Decimal(6)))), None, None),
    (Negation(Disjunction((Equal(Decimal(1)), Equal(Decimal(5))))), None, True),
    (Interval(Decimal(1), Decimal(5), False, True, outward=True), Decimal(1), False),
    (Equal(" a"), "a", False),
    (Equal(True), None, False),
    (Negation(Equal(True)), None, True),
    (AnyTest(), None, True),
]


@pytest.mark.parametrize(("test", "value", "expected"), REFERENCE_CASES)
def test_reference_verdicts(test: UnaryTest, value: Value, expected: bool | None) -> None:
    assert test.holds(value) is expected
