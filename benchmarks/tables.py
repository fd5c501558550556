"""Decision tables for the benchmarks, and the hand-written Python each is measured against.

A generated table is a grid: the first input column takes one of ``categories`` strings and
the second one of ``bands`` disjoint numeric intervals, so every (category, band) pair is one
rule and no two rules overlap (UNIQUE holds). The remaining input columns add conditions a
rule may or may not have (ranges, comparisons, string sets, booleans, '-'), so matching
really reads every column. The "hand-written" baseline is the Python a programmer would
write for the same table: an if-chain testing each rule in order, returning at the first
match (which is cheaper than UNIQUE, which must rule out a second match).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from service.dmn import model as m


@dataclass(frozen=True)
class Cell:
    """One input entry: its FEEL text and the Python condition a programmer would write."""

    feel: str
    python: str  # an expression over the variable ``v``


@dataclass
class GeneratedTable:
    definitions: m.Definitions
    decision: str
    input_names: list[str]
    rules: list[tuple[list[Cell], str]]
    handwritten: Callable[..., str | None]
    inputs: list[dict[str, Any]]


ANY = Cell("-", "True")


def _extra_cell(rng: random.Random, kind: str) -> Cell:
    if rng.random() < 0.5:
        return ANY
    if kind == "number":
        lo = rng.randint(0, 60)
        hi = lo + rng.randint(10, 40)
        return rng.choice(
            [
                Cell(f"[{lo}..{hi}]", f"{lo} <= v <= {hi}"),
                Cell(f">= {lo}", f"v >= {lo}"),
                Cell(f"< {hi}", f"v < {hi}"),
            ]
        )
    if kind == "string":
        picks = sorted(rng.sample(["a", "b", "c", "d", "e"], rng.randint(1, 3)))
        feel = ", ".join(f'"{p}"' for p in picks)
        return Cell(feel, f"v in {tuple(picks)!r}")
    value = rng.choice([True, False])
    return Cell("true" if value else "false", f"v is {value}")


def generate(rules: int, inputs: int, seed: int = 7) -> GeneratedTable:
    """A UNIQUE table of about ``rules`` rules over ``inputs`` columns (at least 2)."""
    rng = random.Random(seed)
    bands = max(1, min(100, rules // 10))
    categories = -(-rules // bands)
    kinds = ["string", "number"] + [
        rng.choice(["number", "string", "boolean"]) for _ in range(inputs - 2)
    ]
    names = [f"in{i}" for i in range(inputs)]
    table_rules: list[tuple[list[Cell], str]] = []
    for c in range(categories):
        for b in range(bands):
            if len(table_rules) == rules:
                break
            lo, hi = b * 10, b * 10 + 10
            cells = [
                Cell(f'"cat{c}"', f"v == 'cat{c}'"),
                Cell(f"[{lo}..{hi}[", f"{lo} <= v < {hi}"),
                *(_extra_cell(rng, kind) for kind in kinds[2:]),
            ]
            table_rules.append((cells, f"out{len(table_rules)}"))
    return GeneratedTable(
        definitions=_definitions(names, kinds, table_rules),
        decision="Result",
        input_names=names,
        rules=table_rules,
        handwritten=_if_chain(names, table_rules),
        inputs=_inputs(rng, names, kinds, categories, bands),
    )


def _inputs(
    rng: random.Random, names: list[str], kinds: list[str], categories: int, bands: int
) -> list[dict[str, Any]]:
    samples = []
    for _ in range(200):
        row: dict[str, Any] = {names[0]: f"cat{rng.randrange(categories)}"}
        row[names[1]] = Decimal(rng.randrange(bands * 10))
        for name, kind in zip(names[2:], kinds[2:], strict=True):
            if kind == "number":
                row[name] = Decimal(rng.randint(0, 100))
            elif kind == "string":
                row[name] = rng.choice("abcde")
            else:
                row[name] = rng.choice([True, False])
        samples.append(row)
    return samples


def _if_chain(names: list[str], rules: list[tuple[list[Cell], str]]) -> Callable[..., str | None]:
    """Python source a programmer would write for the table, compiled once."""
    lines = [f"def decide({', '.join(names)}):"]
    for cells, output in rules:
        tests = [
            c.python.replace("v", name)
            for c, name in zip(cells, names, strict=True)
            if c.python != "True"
        ]
        lines.append(f"    if {' and '.join(tests) or 'True'}:")
        lines.append(f"        return {output!r}")
    lines.append("    return None")
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)
    decide: Callable[..., str | None] = namespace["decide"]
    return decide


def _definitions(
    names: list[str], kinds: list[str], rules: list[tuple[list[Cell], str]]
) -> m.Definitions:
    inputs = [
        m.InputData(id=f"input_{n}", name=n, variable=m.InformationItem(name=n, type_ref=k))
        for n, k in zip(names, kinds, strict=True)
    ]
    table = m.DecisionTable(
        id="table",
        hit_policy="UNIQUE",
        inputs=[
            m.InputClause(
                id=f"col_{n}", label=n, input_expression=m.LiteralExpression(text=n, type_ref=k)
            )
            for n, k in zip(names, kinds, strict=True)
        ],
        outputs=[m.OutputClause(id="col_out", name="Result", type_ref="string")],
        rules=[
            m.DecisionRule(
                id=f"rule{i}",
                input_entries=[m.UnaryTests(text=c.feel) for c in cells],
                output_entries=[m.LiteralExpression(text=f'"{out}"')],
            )
            for i, (cells, out) in enumerate(rules, start=1)
        ],
    )
    decision = m.Decision(
        id="decision_Result",
        name="Result",
        variable=m.InformationItem(name="Result", type_ref="string"),
        requirements=[m.Requirement(kind="input", href=f"#input_{n}") for n in names],
        expression=table,
    )
    return m.Definitions(
        id="generated",
        name="generated",
        namespace="https://tablerx.dev/benchmarks/generated",
        input_data=inputs,
        decisions=[decision],
    )
