"""A fake engine and a small TCK-format tree, so the runner and CLI test without the engine.

The fake model "evaluates" decision ``echo`` as its input ``x``, ``double`` as 2 * x,
``boom`` by raising, ``slow`` by spinning forever, and the decision service ``svc`` as
``{"echo": x}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from service.feel.errors import EvaluationTimeout

MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"
  name="{name}" namespace="urn:{name}" id="d"/>
"""

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:xsd="http://www.w3.org/2001/XMLSchema">
<modelName>{model}</modelName>
"""


def case(case_id: str, decision: str, x: str, expected: str, extra: str = "") -> str:
    """A test case XML with input x (decimal) and one resultNode."""
    expected_xml = (
        '<value xsi:nil="true"/>' if expected == "null"
        else f'<value xsi:type="xsd:decimal">{expected}</value>'
    )  # fmt: skip
    error = ' errorResult="true"' if expected == "null" else ""
    return (
        f'<testCase id="{case_id}" {extra}>'
        f'<inputNode name="x"><value xsi:type="xsd:decimal">{x}</value></inputNode>'
        f'<resultNode name="{decision}"{error}>'
        f"<expected>{expected_xml}</expected></resultNode></testCase>\n"
    )


def write_folder(root: Path, level: int | None, name: str, cases: str, model: str = "") -> Path:
    """A TCK folder ``root/compliance-level-N/name`` with a model and one test file."""
    folder = (root / f"compliance-level-{level}" if level else root) / name
    folder.mkdir(parents=True)
    model_file = f"{name}.dmn"
    (folder / model_file).write_text(model or MODEL.format(name=name), encoding="utf-8")
    text = HEADER.format(model=model_file) + cases + "</testCases>\n"
    (folder / f"{name}-test-01.xml").write_text(text, encoding="utf-8")
    return folder


def write_tree(root: Path) -> Path:
    """A tree with two levels: 3 cases at level 2, 5 at level 3."""
    write_folder(
        root, 2, "0001-basic",
        case("001", "echo", "1", "1") + case("002", "double", "2", "4")
        + case("003", "double", "2", "5"),
    )  # fmt: skip
    write_folder(
        root, 3, "0002-more",
        case("001", "boom", "1", "1") + case("002", "echo", "7", "null")
        + case("003", "svc", "3", "3", 'type="decisionService" invocableName="svc"')
        + case("004", "echo", "1", "1") + case("005", "nothing", "1", "1"),
    )  # fmt: skip
    write_folder(root, 3, "0003-broken", case("001", "echo", "1", "1"), model="<broken")
    return root


@dataclass
class FakeModel:
    name: str
    namespace: str
    definitions: Any = field(init=False)

    def __post_init__(self) -> None:
        self.definitions = SimpleNamespace(name=self.name, namespace=self.namespace)

    def evaluate(
        self,
        inputs: dict[str, Any],
        decisions: list[str] | None = None,
        *,
        timeout: float | None = None,
    ) -> Any:
        x: Any = inputs.get("x")
        values: dict[str, Any] = {}
        errors: list[str] = []
        for name in decisions or []:
            if name == "echo":
                values[name] = x
            elif name == "double":
                values[name] = Decimal(2) * x
            elif name == "boom":
                raise RuntimeError("kaboom\nsecond line")
            elif name == "slow":
                while True:
                    pass
            elif name == "budget":  # an engine whose own time budget stops the case
                raise EvaluationTimeout(timeout)
        if x == Decimal(7):
            values["echo"] = None
            errors.append("seven is not allowed")
        return SimpleNamespace(values=values, errors=errors, warnings=[])

    def invoke_service(
        self, name: str, inputs: dict[str, Any], *, timeout: float | None = None
    ) -> Any:
        return SimpleNamespace(values={"svc": inputs["x"]}, errors=[], warnings=[])


class FakeModels:
    def __init__(self, models: list[FakeModel]) -> None:
        self.models = models

    def get(self, key: str) -> FakeModel | None:
        return next((m for m in self.models if key in (m.name, m.namespace)), None)


def fake_load_files(paths: Sequence[Path]) -> FakeModels:
    """Load the fake models: fails on a file that does not start with '<?xml'."""
    models = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if not text.startswith("<?xml"):
            raise ValueError(f"{path.name}: not a DMN file")
        models.append(FakeModel(path.stem, f"urn:{path.stem}"))
    return FakeModels(models)
