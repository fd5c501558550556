"""The DMN TCK conformance run, held by a ratchet.

``passing.txt`` lists every case that passes; ``skips.txt`` the cases not attempted, each
with its reason. The run fails when a listed case no longer passes (a regression) and
when a case passes that is not listed (the file is stale): regenerate it with
``tablerx tck ../shared/tck --write-passing tests/tck/passing.txt`` so that the change
shows in review. The TCK itself is not in the repository: see ``conftest.tck_location``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.tck import report, runner
from service.tck.reader import read_test_file

HERE = Path(__file__).parent
PASSING = HERE / "passing.txt"
SKIPS = HERE / "skips.txt"
REGENERATE = "tablerx tck ../shared/tck --write-passing tests/tck/passing.txt"


@pytest.mark.slow
def test_tck_passes_exactly_the_listed_cases(tck_dir: Path) -> None:
    results = runner.run_tree(tck_dir, skips=report.read_skips(SKIPS))
    print("\n" + "\n".join(report.summary_lines(results)))
    by_key = {result.key: result for result in results}
    passing = set(report.passing_keys(results))
    listed = set(report.read_lines(PASSING))
    lost = sorted(listed - passing)
    gained = sorted(passing - listed)
    problems = []
    if lost:
        problems.append(f"{len(lost)} listed cases no longer pass (regressions):")
        problems.extend(f"  {key}: {_status(by_key.get(key))}" for key in lost)
    if gained:
        problems.append(f"{len(gained)} cases pass but are not listed in {PASSING.name}:")
        problems.extend(f"  {key}" for key in gained)
    if problems:
        problems.append(f"If the change is intended, run `{REGENERATE}` and commit the diff.")
    assert not problems, "\n".join(problems)


def _status(result: runner.CaseResult | None) -> str:
    if result is None:
        return "no such case in the TCK any more"
    return f"{result.status} {result.detail}"


def test_skips_name_existing_cases(tck_dir: Path) -> None:
    existing = {
        f"{path.parent.name}/{case.id}"
        for path in tck_dir.rglob(runner.TEST_FILE_PATTERN)
        for case in read_test_file(path).cases
    }
    stale = sorted(set(report.read_skips(SKIPS)) - existing)
    assert not stale, f"skips.txt names cases the TCK does not have: {stale}"


def test_ratchet_files_are_well_formed() -> None:
    skips = report.read_skips(SKIPS)  # raises on a line without a reason
    listed = report.read_lines(PASSING)
    assert listed == sorted(set(listed)), "passing.txt must be sorted, without duplicates"
    skipped_but_listed = [key for key in listed if _skip_key(key) in skips]
    assert not skipped_but_listed, f"skipped cases listed as passing: {skipped_but_listed}"


def _skip_key(key: str) -> str:
    folder, _test_file, case_id = key.split("/", 2)
    return f"{folder}/{case_id}"
