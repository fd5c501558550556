"""Decision table evaluation latency: tablerx against hand-written Python and pyDMNrules.

Run: ``.venv/bin/python benchmarks/engine_latency.py [--quick]``. Every figure is measured
in this run, on this machine, so the ratios compare like with like. Prints the median time
per evaluation of each engine on each table and the ratios the project's targets are set in:

  (a) TCK 0004-simpletable-U and (b) a generated UNIQUE table of 50 rules x 5 inputs:
      tablerx within 5x of the hand-written function; at least 300x faster than pyDMNrules.
  (c) a generated table of 3000 rules x 8 inputs: tablerx faster than the hand-written
      if-chain, its cost growing sublinearly with the rule count.

The clinical model (decisions/gastric-her2-later-lines) is measured by
``.venv/bin/python benchmarks/clinical_latency.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tables import GeneratedTable, generate  # noqa: E402

from service.dmn import write_dmn  # noqa: E402
from service.engine import Model, load_definitions, load_files  # noqa: E402

TCK_0004 = "compliance-level-2/0004-simpletable-U/0004-simpletable-U.dmn"


def per_call_us(call: Callable[[Any], Any], samples: Sequence[Any], budget_s: float) -> float:
    """Median over timed batches of the microseconds one call takes, cycling through samples."""
    n = len(samples)
    batch = max(n, 1)
    # Warm up and size a batch to ~20 ms.
    start = time.perf_counter()
    for s in samples:
        call(s)
    once = (time.perf_counter() - start) / n
    batch = max(1, min(100_000, int(0.02 / max(once, 1e-9))))
    timings: list[float] = []
    deadline = time.perf_counter() + budget_s
    while time.perf_counter() < deadline or len(timings) < 5:
        t0 = time.perf_counter()
        for i in range(batch):
            call(samples[i % n])
        timings.append((time.perf_counter() - t0) / batch * 1e6)
    return statistics.median(timings)


def tck_0004(tck_dir: Path) -> tuple[Model, Callable[..., Any], list[dict[str, Any]], str]:
    def approval_status(age: Decimal, risk: str, affordable: bool) -> str | None:
        # The table as a programmer would write it, checking every rule (UNIQUE).
        low_risk = risk == "Medium" or risk == "Low"
        result, hits = None, 0
        if age >= 18 and low_risk and affordable is True:
            result, hits = "Approved", hits + 1
        if age < 18 and low_risk and affordable is True:
            result, hits = "Declined", hits + 1
        if risk == "High" and affordable is True:
            result, hits = "Declined", hits + 1
        if affordable is False:
            result, hits = "Declined", hits + 1
        return result if hits == 1 else None

    path = tck_dir / TCK_0004
    model = next(iter(load_files([path])))
    samples = [
        {"Age": Decimal(age), "RiskCategory": risk, "isAffordable": ok}
        for age in (12, 35, 70)
        for risk in ("Low", "Medium", "High")
        for ok in (True, False)
    ]
    return model, approval_status, samples, path.read_text(encoding="utf-8")


def measure(
    label: str,
    model: Model,
    decision: str,
    handwritten: Callable[..., Any],
    samples: list[dict[str, Any]],
    dmn_xml: str | None,
    budget: float,
    pydmn_budget: float,
) -> dict[str, float]:
    names = list(samples[0])

    def ours(s: dict[str, Any]) -> Any:
        return model.evaluate(s, [decision]).values[decision]

    def hand(args: tuple[Any, ...]) -> Any:
        return handwritten(*args)

    # The baseline gets its arguments ready-made, so its figure is the function's own cost.
    positional = [tuple(s[n] for n in names) for s in samples]
    for s, args in zip(samples[:50], positional, strict=False):  # both must agree first
        assert ours(s) == hand(args), (
            f"{label}: tablerx {ours(s)!r} != hand-written {hand(args)!r} for {s}"
        )
    figures = {
        "tablerx": per_call_us(ours, samples, budget),
        "hand": per_call_us(hand, positional, budget),
    }
    if dmn_xml is not None:
        figures["pyDMNrules"] = pydmnrules_us(dmn_xml, samples, pydmn_budget)
    return figures


def pydmnrules_us(dmn_xml: str, samples: list[dict[str, Any]], budget: float) -> float:
    try:
        import pyDMNrules
    except ImportError:
        return float("nan")
    dmn = pyDMNrules.DMN()
    status = dmn.useXML(dmn_xml)
    if status:
        return float("nan")
    plain = [{k: (int(v) if isinstance(v, Decimal) else v) for k, v in s.items()} for s in samples]
    return per_call_us(dmn.decide, plain, budget)


def report(
    label: str, f: dict[str, float], hand_target: float | None, pydmn_target: float | None
) -> None:
    ratio = f["tablerx"] / f["hand"]
    line = (
        f"{label:<34} tablerx {f['tablerx']:9.2f} us  "
        f"hand-written {f['hand']:8.2f} us  ratio {ratio:6.2f}x"
    )
    if hand_target is not None:
        line += f" (target <= {hand_target:g}x: {'met' if ratio <= hand_target else 'MISSED'})"
    print(line)
    if "pyDMNrules" in f:
        speedup = f["pyDMNrules"] / f["tablerx"]
        line = f"{'':<34} pyDMNrules {f['pyDMNrules']:9.1f} us  tablerx is {speedup:8.1f}x faster"
        if pydmn_target is not None:
            line += (
                f" (target >= {pydmn_target:g}x: {'met' if speedup >= pydmn_target else 'MISSED'})"
            )
        print(line)


def generated(rules: int, inputs: int) -> tuple[GeneratedTable, Model, str]:
    table = generate(rules, inputs)
    model = next(iter(load_definitions([table.definitions])))
    return table, model, write_dmn(table.definitions).decode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tck", type=Path, default=ROOT.parent / "shared" / "tck")
    parser.add_argument("--quick", action="store_true", help="shorter measurements")
    args = parser.parse_args(argv)
    budget = 0.3 if args.quick else 1.5
    print(
        f"Python {sys.version.split()[0]}; median microseconds per evaluation; "
        f"budget {budget}s per figure\n"
    )

    model, hand, samples, xml = tck_0004(args.tck)
    report(
        "(a) TCK 0004-simpletable-U",
        measure("a", model, "Approval Status", hand, samples, xml, budget, budget),
        5,
        300,
    )

    table, model, xml = generated(50, 5)
    f = measure("b", model, "Result", table.handwritten, table.inputs, xml, budget, budget)
    report("(b) UNIQUE 50 rules x 5 inputs", f, 5, 300)

    scaling: dict[int, float] = {}
    for rules in (300, 3000):
        table, model, xml = generated(rules, 8)
        use_pydmn = xml if rules == 3000 and not args.quick else None
        f = measure(
            "c", model, "Result", table.handwritten, table.inputs, use_pydmn, budget, budget * 2
        )
        scaling[rules] = f["tablerx"]
        report(f"(c) UNIQUE {rules} rules x 8 inputs", f, 1 if rules == 3000 else None, None)
    growth = scaling[3000] / scaling[300]
    print(
        f"\n(c) 10x the rules costs tablerx {growth:.2f}x the time "
        "(sublinear: < 10x; an if-chain grows ~10x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
