"""The committed test cases in, rule coverage out: every rule of every table is matched by a case.

The coverage is what ``tablerx test --coverage`` reports (:mod:`service.store.coverage`):
each case is run by the regression runner the way ``tablerx test`` runs it (absent inputs
take their declared default; the decisions the case checks are evaluated), and the rules
each evaluated table matched, knowledge models' tables included, are collected from the
engine's record. A rule no case matches is named with its table, its rule id and its cell,
so that the missing case is easy to write.
"""

from __future__ import annotations

import pytest
from gastric_paths import FOLDER, MODEL_ID, PUBLISHED

from service.store import regression
from service.store.coverage import DECISION, KNOWLEDGE_MODEL


@pytest.mark.parametrize("version", PUBLISHED)
def test_every_rule_is_matched_by_a_case(version: str) -> None:
    report = regression.run_version(FOLDER.parent, MODEL_ID, version, with_coverage=True)
    assert report.ok, regression.format_reports([report])
    found = report.coverage
    assert found is not None
    counts: dict[str, int] = {}
    for rule in found.rules:
        counts[rule.owner] = counts.get(rule.owner, 0) + 1
    # T0 8, T1 3, T2 5, T4 9, T5 12, T7 12 + 2, T8 20
    assert len(found.rules) == 71, counts
    assert {rule.kind for rule in found.rules} == {DECISION, KNOWLEDGE_MODEL}
    assert all(rule.cell for rule in found.rules)
    never = [rule.where for rule in found.unmatched]
    assert never == [], "rules no test case matches:\n" + "\n".join(never)
