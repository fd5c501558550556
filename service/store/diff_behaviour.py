"""Two loaded versions and input sets in, every input set they answer differently out.

Each input set is answered by each version the way the service would answer it, with the
service's own validation (:mod:`service.store.admission`): defaults filled in, the request
refused when a required input is missing, a value is not of its type or not allowed, or a
guard table matches, otherwise the response's outputs (the top-level decisions). Unlike
the service, every decision is evaluated even for a refused input set, so that the diff
can show which decisions' values differ. Two answers differ when the refusals, an output's value
(type included, numbers within 1e-8, as the test cases compare) or the table defects met
differ. For each difference both answers are kept, with the rules responsible on each
side: among the decisions whose values differ, the rules that matched in one version only,
and those that matched in both but were themselves edited (:func:`responsible`), so the
cause upstream shows as well as the outputs it changed.

The input sets are the test cases of both versions followed by the boundary cases of
:mod:`service.store.boundaries`, focused on the inputs the changed logic reads. When the
combinations of the boundary values outnumber the limit, the generated sets are a sample,
and the limit may cut even that short: :class:`BehaviourDiff` says so (``exhaustive``,
``cut``, ``combinations``, ``limit``) so that every report can say how to get the full run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.dmn import model as dmn
from service.store import boundaries
from service.store.admission import Admission
from service.store.coverage import all_tables
from service.store.diff_structural import StructuralDiff
from service.store.diff_tables import rule_ref
from service.store.versions import ModelVersion
from service.tck.compare import first_difference
from service.tck.reader import TestCase

REFUSAL = "(refused)"
DEFECTS = "(defects)"


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that matched: its decision, its id as clinicians know it, its row's cell."""

    decision: str
    rule: str
    cell: str | None = None


@dataclass(slots=True)
class Answer:
    """What one version answers for one input set."""

    refused: list[str] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    defects: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # every decision evaluated
    hits: dict[str, list[RuleHit]] = field(default_factory=dict)  # decision -> matched rules


@dataclass(slots=True)
class Difference:
    """An input set the two versions answer differently."""

    inputs: dict[str, Any]
    source: str  # "test <id> of <version>" or "generated"
    outputs: list[str]  # the outputs that differ (REFUSAL, DEFECTS for those parts)
    old: Answer
    new: Answer
    decisions: list[str]  # every decision whose value differs
    old_rules: list[RuleHit]
    new_rules: list[RuleHit]


@dataclass(slots=True)
class BehaviourDiff:
    """The input sets run, and those answered differently."""

    input_names: list[str]
    cases: int = 0
    from_tests: int = 0
    differences: list[Difference] = field(default_factory=list)
    same_answer_other_rules: int = 0  # same outputs, but reached through other rules
    limit: int = 0  # the input-set limit the diff ran with
    combinations: int = 0  # every combination of the boundary values
    cut: bool = False  # the limit stopped the generation of input sets: more were to come

    @property
    def exhaustive(self) -> bool:
        """True when every combination of the boundary values was run."""
        return self.combinations <= self.limit


class Responder:
    """One version, ready to answer input sets as the service would."""

    def __init__(self, version: ModelVersion) -> None:
        defs = version.definitions
        self.version = version.version
        self.model = version.compiled
        self.admission = Admission.of(defs)
        self.names = set(self.admission.names)
        self.guards = list(self.admission.guards)
        self.top_level = list(self.admission.top_level)
        self.rules = _rule_index(defs)

    def answer(self, inputs: Mapping[str, Any]) -> Answer:
        """The answer to one input set (inputs this version does not declare are ignored)."""
        validated = self.admission.validate({k: v for k, v in inputs.items() if k in self.names})
        result = self.model.evaluate(validated.values)
        answer = Answer(values=dict(result.values))
        answer.refused = [p.text for p in self.admission.refusals(validated, result.tables)]
        if not answer.refused:
            answer.outputs = {name: result.values.get(name) for name in self.top_level}
        answer.defects = [f"{error.decision}: {error.code}" for error in result.errors]
        for table in result.tables:
            hits = answer.hits.setdefault(table.decision, [])
            for match in table.matches:
                label, cell = self.rules.get(match.rule_id or "", (match.rule_id, None))
                hits.append(RuleHit(table.decision, label or f"rule {match.index}", cell))
        return answer


def _rule_index(defs: dmn.Definitions) -> dict[str, tuple[str, str | None]]:
    """DMN rule id -> (the id clinicians see, the row's cell)."""
    index = {}
    for ref in all_tables(defs):
        for position, rule in enumerate(ref.table.rules, 1):
            if rule.id:
                found = rule_ref(rule, position)
                index[rule.id] = (found.rule, found.cell)
    return index


def differing_outputs(old: Answer, new: Answer) -> list[str]:
    """The parts of two answers that differ: REFUSAL, output names, DEFECTS."""
    found = []
    if old.refused != new.refused:
        found.append(REFUSAL)
    for name in list(old.outputs) + [k for k in new.outputs if k not in old.outputs]:
        if not (old.refused or new.refused) and _differs(old.outputs, new.outputs, name):
            found.append(name)
    if old.defects != new.defects:
        found.append(DEFECTS)
    return found


def _differs(old: Mapping[str, Any], new: Mapping[str, Any], name: str) -> bool:
    if (name in old) != (name in new):
        return True
    return first_difference(old.get(name), new.get(name), name) is not None


@dataclass(frozen=True, slots=True)
class ChangedRules:
    """What the structural diff says changed: rules by (decision, rule id), whole tables."""

    old: frozenset[tuple[str, str]] = frozenset()
    new: frozenset[tuple[str, str]] = frozenset()
    tables: frozenset[str] = frozenset()  # decisions whose table changed beyond single rules

    @classmethod
    def of(cls, structural: StructuralDiff) -> ChangedRules:
        """The rules and tables a structural diff names."""
        old, new, tables = set(), set(), set()
        for item in structural.logic:
            if item.kind != "changed" or any(c.what == "hit policy" for c in item.changes):
                tables.add(item.name)
            for rule in item.rules:
                if rule.old is not None:
                    old.add((item.name, rule.old.rule))
                if rule.new is not None:
                    new.add((item.name, rule.new.rule))
        return cls(frozenset(old), frozenset(new), frozenset(tables))


def responsible(
    a: Answer, b: Answer, decisions: Sequence[str], changed: ChangedRules
) -> tuple[list[RuleHit], list[RuleHit]]:
    """The rules behind a difference, on each side.

    A rule is responsible when it matched in one version only, or matched in both but was
    itself changed (or its whole table was). When that leaves nothing (the difference
    comes from an expression, not a table), every rule matched by the decisions that
    differ is given instead.
    """

    def side(mine: Answer, other: Answer, edited: frozenset[tuple[str, str]]) -> list[RuleHit]:
        found = []
        for decision in decisions:
            theirs = {hit.rule for hit in other.hits.get(decision, [])}
            for hit in mine.hits.get(decision, []):
                key = (decision, hit.rule)
                if hit.rule not in theirs or key in edited or decision in changed.tables:
                    found.append(hit)
        return found

    old, new = side(a, b, changed.old), side(b, a, changed.new)
    if not (old or new):
        old = [hit for d in decisions for hit in a.hits.get(d, [])]
        new = [hit for d in decisions for hit in b.hits.get(d, [])]
    # a knowledge model's table invoked once per list item reports its rule each time
    return list(dict.fromkeys(old)), list(dict.fromkeys(new))


def compare_answers(
    old: Responder,
    new: Responder,
    input_sets: Iterable[Mapping[str, Any]],
    sources: Mapping[int, str] | None = None,
    changed: ChangedRules | None = None,
) -> BehaviourDiff:
    """Run every input set through both versions; keep the ones answered differently."""
    names = old.admission.names + [n for n in new.admission.names if n not in old.names]
    report = BehaviourDiff(input_names=names)
    for index, inputs in enumerate(input_sets):
        report.cases += 1
        a, b = old.answer(inputs), new.answer(inputs)
        outputs = differing_outputs(a, b)
        if not outputs:
            if _rules_of(a) != _rules_of(b):
                report.same_answer_other_rules += 1
            continue
        decisions = [
            n
            for n in list(a.values) + [k for k in b.values if k not in a.values]
            if _differs(a.values, b.values, n)
        ]
        if REFUSAL in outputs:
            decisions += [g for g in old.guards + new.guards if g not in decisions]
        old_rules, new_rules = responsible(a, b, decisions, changed or ChangedRules())
        report.differences.append(
            Difference(
                inputs={name: inputs.get(name) for name in names},
                source=(sources or {}).get(index, "generated"),
                outputs=outputs,
                old=a,
                new=b,
                decisions=decisions,
                old_rules=old_rules,
                new_rules=new_rules,
            )
        )
    return report


def _rules_of(answer: Answer) -> list[tuple[str, str]]:
    return [(hit.decision, hit.rule) for hits in answer.hits.values() for hit in hits]


# --- which input sets ------------------------------------------------------------------------


def seeds_of(version: str, cases: Sequence[TestCase]) -> list[tuple[dict[str, Any], str]]:
    """The input sets of a version's test cases, each with its source label."""
    return [
        ({node.name: node.value for node in case.inputs}, f"test {case.id} of {version}")
        for case in cases
    ]


def focus_inputs(
    structural: StructuralDiff, old: dmn.Definitions, new: dmn.Definitions
) -> set[str] | None:
    """The inputs the changed logic reads (None: all of them, when a knowledge model changed)."""
    if any(item.element == "knowledge model" for item in structural.logic):
        return None
    focus = {item.name for item in structural.inputs}
    for defs in (old, new):
        deps = boundaries.dependencies(defs)
        for name in structural.changed_decisions():
            focus |= deps.get(name, set())
    return focus


def behaviour(
    old: ModelVersion,
    new: ModelVersion,
    old_cases: Sequence[TestCase],
    new_cases: Sequence[TestCase],
    structural: StructuralDiff,
    limit: int = boundaries.DEFAULT_LIMIT,
) -> BehaviourDiff:
    """The behavioural diff: test cases of both versions, then boundary cases."""
    seeds = seeds_of(old.version, old_cases) + seeds_of(new.version, new_cases)
    seed_sets = [inputs for inputs, _ in seeds]
    cands = boundaries.candidates([old.definitions, new.definitions], seed_sets)
    focus = focus_inputs(structural, old.definitions, new.definitions)
    declared = [{k: v for k, v in s.items() if k in cands} for s in seed_sets]
    generated, cut = boundaries.sample(cands, declared, cands if focus is None else focus, limit)
    ordered = boundaries.unique([*declared, *generated])
    labels = {
        boundaries.set_key(inputs): label
        for inputs, label in reversed(list(zip(declared, (s for _, s in seeds), strict=True)))
    }
    sources = {i: labels.get(boundaries.set_key(s), "generated") for i, s in enumerate(ordered)}
    report = compare_answers(
        Responder(old), Responder(new), ordered, sources, ChangedRules.of(structural)
    )
    report.from_tests = len(boundaries.unique(declared))
    report.limit, report.cut = limit, cut
    report.combinations = math.prod(len(values) or 1 for values in cands.values())
    return report
