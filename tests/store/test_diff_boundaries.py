"""Boundary input sets: declared values and ranges, every number in a rule cell +- a step."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import release_models as rm

from service.feel import evaluate
from service.store import boundaries

D = rm.D


@pytest.mark.parametrize(
    ("value", "integer", "expected"),
    [
        (D(50), True, [D(49), D(50), D(51)]),
        (D(50), False, [D("49.9"), D(50), D("50.1")]),
        (D("2.5"), False, [D("2.49"), D("2.5"), D("2.51")]),
        (D("2.5"), True, [D(2), D(3)]),
        (D(-3), True, [D(-4), D(-3), D(-2)]),
        (D("1E+2"), False, [D("99.9"), D("1E+2"), D("100.1")]),
        ("positive", False, ["positive"]),
        (True, False, [True]),
    ],
)
def test_neighbours(value: Any, integer: bool, expected: list[Any]) -> None:
    assert boundaries.neighbours(value, integer) == expected


def test_neighbours_of_a_date() -> None:
    day = evaluate('date("2025-03-01")')
    assert [str(d) for d in boundaries.neighbours(day)] == [
        "2025-02-28",
        "2025-03-01",
        "2025-03-02",
    ]


@pytest.mark.parametrize(
    ("text", "thresholds", "exact"),
    [
        ("< 50", [D(50)], []),
        ("[1..3]", [D(1), D(3)], []),
        ("-5", [D(-5)], []),
        (">= -2.5", [D("-2.5")], []),
        ('"a", "b"', [], ["a", "b"]),
        ("not(1, 2)", [D(1), D(2)], []),
        ("-", [], []),
        ("true", [], [True]),
        ("bad ((", [], []),
    ],
)
def test_literals(text: str, thresholds: list[Any], exact: list[Any]) -> None:
    assert boundaries.literals(text) == (thresholds, exact)


@pytest.mark.parametrize(
    "text", ['< date("2025-01-01")', '< @"2025-01-01"', '[date("2025-01-01")..@"2025-01-01"]']
)
def test_date_literals_are_thresholds_not_strings(text: str) -> None:
    thresholds, exact = boundaries.literals(text)
    assert {str(t) for t in thresholds} == {"2025-01-01"} and exact == []


def test_candidates_of_the_pathway_model() -> None:
    cands = boundaries.candidates([rm.pathway()])
    assert list(cands) == ["ecog", "her2", "lvef", "preference"]
    assert cands["ecog"] == [D(n) for n in range(5)]  # whole, inside [0..4], required
    assert cands["her2"] == ["low", "negative", "positive"]
    assert cands["preference"] == ["declines", "none"]  # no null: it has a default
    assert cands["lvef"] == [
        None,
        D(10),
        D("10.1"),
        D("49.9"),
        D(50),
        D("50.1"),
        D("89.9"),
        D(90),
    ]  # 9.9 and 90.1 are not allowed


def test_candidates_of_two_versions_and_seeds() -> None:
    old, new = rm.pathway(), rm.pathway(lvef_threshold=">= 40", lvef_allowed="[10..95]")
    cands = boundaries.candidates([old, new], [{"lvef": D(77), "unknown": 1}])
    for value in ("39.9", "40", "40.1", "49.9", "50", "50.1", "77", "90.1", "94.9", "95"):
        assert D(value) in cands["lvef"]
    assert D("95.1") not in cands["lvef"]


def test_numbers_of_a_derived_column_go_to_the_inputs_it_reads() -> None:
    defs = rm.pathway()
    columns = boundaries.column_inputs(defs)
    reads = [read for read, _ in columns]
    assert {"ecog"} in reads  # the fitness table's column
    assert {"preference"} in reads  # the treatment table reads the input directly
    assert boundaries.dependencies(defs)["treatment"] == {"ecog", "her2", "lvef", "preference"}


def test_few_candidates_give_every_combination() -> None:
    cands: dict[str, list[Any]] = {"a": [D(1), D(2)], "b": ["x", "y", "z"], "c": []}
    sets = boundaries.input_sets(cands)
    assert len(sets) == 6
    assert {"a": D(2), "b": "z", "c": None} in sets


def test_many_candidates_give_seeds_one_at_a_time_and_the_focus_combinations() -> None:
    cands = {name: [D(n) for n in range(6)] for name in "abcdef"}
    seed = {name: D(5) for name in "abcdef"}
    sets = boundaries.input_sets(cands, [seed], focus=["a", "b"], limit=500)
    assert sets[0] == seed
    assert {**seed, "c": D(0)} in sets  # one input varied
    for a, b in itertools.product(range(6), repeat=2):  # every focus combination
        assert {**seed, "a": D(a), "b": D(b)} in sets
    assert len(sets) <= 500
    assert sets == boundaries.input_sets(cands, [seed], focus=["a", "b"], limit=500)


def test_too_many_focus_combinations_fall_back_to_pairs() -> None:
    cands = {name: [D(n) for n in range(4)] for name in "abcdefgh"}
    sets = boundaries.input_sets(cands, focus=list(cands), limit=200)
    assert len(sets) < 200
    assert_pairwise(cands, sets)


@pytest.mark.parametrize("sizes", [[2, 2], [3, 2, 4], [5, 5, 5, 5], [1, 3, 2, 6, 2], [4]])
def test_pairwise_covers_every_pair(sizes: list[int]) -> None:
    domains = {f"x{i}": list(range(size)) for i, size in enumerate(sizes)}
    rows = boundaries.pairwise(domains)
    assert_pairwise(domains, rows)
    largest = sorted(sizes)[-2:]
    assert len(rows) <= 2 * largest[0] * largest[-1]


def assert_pairwise(domains: dict[str, list[Any]], rows: list[dict[str, Any]]) -> None:
    if len(domains) == 1:
        ((name, values),) = domains.items()
        assert [row[name] for row in rows] == values
        return
    for x, y in itertools.combinations(domains, 2):
        seen = {(str(row[x]), str(row[y])) for row in rows}
        assert seen == {(str(a), str(b)) for a in domains[x] for b in domains[y]}


def test_unique_counts_absent_as_null() -> None:
    assert boundaries.unique([{"a": D(1)}, {"a": D("1.0"), "b": None}, {"a": True}]) == [
        {"a": D(1)},
        {"a": True},
    ]
