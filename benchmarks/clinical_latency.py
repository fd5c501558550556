"""Evaluation latency of the clinical model, next to baselines measured in the same run.

Run: ``.venv/bin/python benchmarks/clinical_latency.py [--quick]``.

The model is decisions/gastric-her2-later-lines/0.1.0.dmn (38 decisions, 4 business
knowledge models, relations, filters, sorts); its inputs are those of its own test cases
(0.1.0.tests.xml, read as FEEL values by the TCK reader). Every figure is the median over
timed batches of the microseconds one ``model.evaluate(inputs)`` takes (all decisions, as
the service asks), cycling through the test inputs. The baselines put it in proportion on
this machine: the same call on a trivial model (one input, one literal decision: the
engine's fixed cost per request) and on TCK 0004-simpletable-U (one small decision table,
when the TCK is at ../shared/tck). The slowest test case is shown too. The project's
target for the clinical model is <= 250 us per evaluation.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from engine_latency import TCK_0004, per_call_us  # noqa: E402

from service.dmn import model as m  # noqa: E402
from service.engine import Model, load_definitions, load_files  # noqa: E402
from service.tck.reader import read_test_file  # noqa: E402

MODEL_DIR = ROOT / "decisions" / "gastric-her2-later-lines"
VERSION = "0.1.0"
TARGET_US = 250.0


def clinical() -> tuple[Model, list[tuple[str, dict[str, Any]]]]:
    """The clinical model and its test cases' inputs (FEEL values by input name)."""
    model = next(iter(load_files([MODEL_DIR / f"{VERSION}.dmn"])))
    cases = read_test_file(MODEL_DIR / f"{VERSION}.tests.xml").cases
    return model, [(case.id, {i.name: i.value for i in case.inputs}) for case in cases]


def trivial() -> Model:
    """One number input and one decision adding 1 to it: the engine's fixed cost."""
    x = m.InputData(id="x", name="x", variable=m.InformationItem(name="x", type_ref="number"))
    decision = m.Decision(
        id="y",
        name="y",
        variable=m.InformationItem(name="y", type_ref="number"),
        requirements=[m.Requirement(kind="input", href="#x")],
        expression=m.LiteralExpression(text="x + 1"),
    )
    definitions = m.Definitions(
        id="trivial", name="trivial", namespace="https://tablerx.dev/benchmarks/trivial",
        input_data=[x], decisions=[decision],
    )  # fmt: skip
    return next(iter(load_definitions([definitions])))


def slowest_case(
    model: Model, cases: list[tuple[str, dict[str, Any]]], rounds: int
) -> tuple[str, float]:
    """The test case whose evaluation takes longest (median of ``rounds`` timings)."""
    timings: dict[str, list[float]] = {case_id: [] for case_id, _ in cases}
    for _ in range(rounds):
        for case_id, inputs in cases:
            start = time.perf_counter()
            model.evaluate(inputs)
            timings[case_id].append((time.perf_counter() - start) * 1e6)
    medians = {case_id: statistics.median(t) for case_id, t in timings.items()}
    worst = max(medians, key=lambda case_id: medians[case_id])
    return worst, medians[worst]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tck", type=Path, default=ROOT.parent / "shared" / "tck")
    parser.add_argument("--quick", action="store_true", help="shorter measurements")
    args = parser.parse_args(argv)
    budget = 0.5 if args.quick else 3.0
    python = sys.version.split()[0]
    print(f"Python {python}; median microseconds per evaluation; budget {budget}s per figure\n")

    model, cases = clinical()
    inputs_only = [inputs for _, inputs in cases]
    figure = per_call_us(model.evaluate, inputs_only, budget)

    baseline = trivial()
    trivial_us = per_call_us(baseline.evaluate, [{"x": Decimal(n)} for n in range(10)], budget)
    print(f"{'trivial model (x + 1)':<44} {trivial_us:9.2f} us")
    tck_path = args.tck / TCK_0004
    if tck_path.exists():
        tck_model = next(iter(load_files([tck_path])))
        samples = [
            {"Age": Decimal(age), "RiskCategory": risk, "isAffordable": ok}
            for age in (12, 35, 70) for risk in ("Low", "Medium", "High") for ok in (True, False)
        ]  # fmt: skip
        tck_us = per_call_us(tck_model.evaluate, samples, budget)
        print(f"{'TCK 0004-simpletable-U':<44} {tck_us:9.2f} us")
    verdict = "met" if figure <= TARGET_US else "MISSED"
    label = f"{model.name[:30]}... ({len(cases)} cases)"
    print(
        f"{label:<44} {figure:9.2f} us  ({figure / trivial_us:.0f}x the trivial model; "
        f"target <= {TARGET_US:g} us: {verdict})"
    )
    worst, worst_us = slowest_case(model, cases, 5 if args.quick else 25)
    print(f"{'slowest case: ' + worst:<44} {worst_us:9.2f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
