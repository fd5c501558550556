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

# T0 8, T1 3, T2 5, T4 9, T5 12, T7 12 + 2, T8 20; from 0.1.2 rule 7.4 is two rows (7.4a
# for T-DXd, 7.4b for the trastuzumab triplet), so T7 has 13 + 2.
RULES = {"0.1.0": 71, "0.1.1": 71, "0.1.2": 72}


def test_every_published_version_has_its_rule_count() -> None:
    assert set(RULES) == set(PUBLISHED)


@pytest.mark.parametrize("version", PUBLISHED)
def test_every_rule_is_matched_by_a_case(version: str) -> None:
    report = regression.run_version(FOLDER.parent, MODEL_ID, version, with_coverage=True)
    assert report.ok, regression.format_reports([report])
    found = report.coverage
    assert found is not None
    counts: dict[str, int] = {}
    for rule in found.rules:
        counts[rule.owner] = counts.get(rule.owner, 0) + 1
    assert len(found.rules) == RULES[version], counts
    assert {rule.kind for rule in found.rules} == {DECISION, KNOWLEDGE_MODEL}
    assert all(rule.cell for rule in found.rules)
    never = [rule.where for rule in found.unmatched]
    assert never == [], "rules no test case matches:\n" + "\n".join(never)
