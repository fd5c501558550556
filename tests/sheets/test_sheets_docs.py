"""docs/spreadsheet-format.md names every word the compiler reads: a word it does not name is one
a clinician cannot know about (or one the compiler reads by accident).

Each keyword, label, header, column role, type word, yes/no word, status and hit policy the
compiler accepts must appear in the document in backticks. Diagnostic codes are held to the
same rule by tests/sheets/test_sheets_diagnostic_codes.py.
"""

from __future__ import annotations

import re

import pytest
from sheets_helpers import REPO

from service.sheets import blocks, layout, modelblock, tableblocks, typeblocks, types

DOC = REPO / "docs" / "spreadsheet-format.md"

WORDS: dict[str, list[str]] = {
    "keyword": list(layout.KEYWORDS),
    "model label": list(modelblock.MODEL_LABELS),
    "status": [*modelblock.STATUSES, *modelblock._STATUS_ALIASES],
    "input header": list(blocks.INPUT_HEADERS),
    "expressions header": list(blocks.EXPRESSION_HEADERS),
    "references header": list(blocks.REFERENCE_HEADERS),
    "relation label": list(blocks.RELATION_LABELS),
    "yes/no word": sorted(w for w in blocks.YES | blocks.NO if w),
    "table label": list(tableblocks.KNOWLEDGE_LABELS),
    "column role": list(tableblocks.ROLE_WORDS),
    "id column": sorted(tableblocks.RULE_HEADERS),
    "test description column": sorted(tableblocks.DESCRIPTION_HEADERS),
    "row under a header": list(tableblocks.META_ROWS),
    "hit policy": list(tableblocks.HIT_POLICIES),
    "type": [*types.FEEL_TYPES, *types._ALIASES, *types.TYPE_CHOICES],
    "types header": list(typeblocks.TYPE_HEADERS),
    "types type word": [*typeblocks.STRUCTURE_WORDS, *typeblocks.STRUCTURE_CHOICES],
}


def _backticked() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return {span.casefold() for span in re.findall(r"`([^`\n]+)`", text)}


@pytest.mark.parametrize("kind", sorted(WORDS))
def test_every_word_the_compiler_reads_is_documented(kind: str) -> None:
    documented = _backticked()
    missing = [word for word in WORDS[kind] if word.casefold() not in documented]
    assert not missing, f"{kind} words missing from {DOC.name} (in backticks): {missing}"
