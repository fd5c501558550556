"""The 200 answer shown in docs/api.md has the shape of a real answer to its request.

The example is cut short by hand (texts and lists), so it is compared by structure: the
same keys everywhere, and the same values where the example shows them in full.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from api_harness import REPO, InProcess

from service.api.app import create_app
from service.api.state import Settings

PAGE = REPO / "docs" / "api.md"
URL = "/decisions/gastric-her2-later-lines/evaluate"


def _blocks() -> tuple[dict[str, Any], dict[str, Any]]:
    """(the request of the page's curl example, the 200 answer shown after it)."""
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("## Evaluating") :]
    request = re.search(r"-d '(\{.*?\})'", section, re.S)
    answer = re.search(r"```json\n(.*?)```", section, re.S)
    assert request and answer
    return json.loads(request.group(1)), json.loads(answer.group(1))


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    database = tmp_path_factory.mktemp("audit") / "audit.sqlite"
    settings = Settings(
        decisions_dir=REPO / "decisions", database_url=f"sqlite:///{database}", drafts=True
    )
    client = InProcess(create_app(settings))
    request, _ = _blocks()
    response = client.post(URL, json=request)
    client.close()
    assert response.status_code == 200, response.text
    yield response.json()


def _shown_in_full(value: Any) -> bool:
    return "…" not in json.dumps(value, ensure_ascii=False)


def test_the_example_has_the_keys_and_values_of_a_real_answer(real: dict[str, Any]) -> None:
    _, shown = _blocks()
    assert shown.keys() == real.keys()
    assert {k: v for k, v in shown["model"].items() if k != "hash"} == {
        k: v for k, v in real["model"].items() if k != "hash"
    }
    assert shown["outputs"].keys() == real["outputs"].keys()
    for name, value in shown["outputs"].items():
        if _shown_in_full(value) and value not in ([], {}):
            assert real["outputs"][name] == value, name
    first, real_first = shown["outputs"]["options"][0], real["outputs"]["options"][0]
    assert first.keys() == real_first.keys()
    assert first["regimen"] == real_first["regimen"]
    assert [w["code"] for w in shown["warnings"]] == [w["code"] for w in real["warnings"]][:1]
    assert shown["warnings"][0] == real["warnings"][0]


def test_the_example_table_is_the_real_one(real: dict[str, Any]) -> None:
    _, shown = _blocks()
    [table] = shown["explanation"]
    found = next(e for e in real["explanation"] if e["decision"] == table["decision"])
    assert table.keys() == found.keys()
    for key in ("table_id", "hit_policy", "aggregation", "source", "default_used", "defect"):
        assert table[key] == found[key], key
    [rule], [real_rule] = table["matched_rules"], found["matched_rules"]
    assert rule.keys() == real_rule.keys()
    for key in ("rule_id", "index", "source", "annotations"):
        assert rule[key] == real_rule[key], key
    assert rule["outputs"].keys() == real_rule["outputs"].keys()
    assert rule["outputs"]["citations"] == real_rule["outputs"]["citations"]
