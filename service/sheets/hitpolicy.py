"""A hit policy cell's text in, the DMN hit policy and aggregation out.

Hit policies are written in words (``Collect sum``) or as DMN letters (``C+``); case,
spaces and brackets do not matter (``Collect (sum)``, ``C +``).
"""

from __future__ import annotations

import re

from service.sheets.layout import normalize

HIT_POLICIES: dict[str, tuple[str, str | None]] = {
    "unique": ("UNIQUE", None), "u": ("UNIQUE", None),
    "first": ("FIRST", None), "f": ("FIRST", None),
    "priority": ("PRIORITY", None), "p": ("PRIORITY", None),
    "any": ("ANY", None), "a": ("ANY", None),
    "collect": ("COLLECT", None), "c": ("COLLECT", None),
    "collect sum": ("COLLECT", "SUM"), "c+": ("COLLECT", "SUM"), "sum": ("COLLECT", "SUM"),
    "collect min": ("COLLECT", "MIN"), "c<": ("COLLECT", "MIN"), "min": ("COLLECT", "MIN"),
    "collect max": ("COLLECT", "MAX"), "c>": ("COLLECT", "MAX"), "max": ("COLLECT", "MAX"),
    "collect count": ("COLLECT", "COUNT"), "c#": ("COLLECT", "COUNT"),
    "count": ("COLLECT", "COUNT"),
    "rule order": ("RULE ORDER", None), "r": ("RULE ORDER", None),
    "output order": ("OUTPUT ORDER", None), "o": ("OUTPUT ORDER", None),
}  # fmt: skip
HIT_POLICY_NAMES = (
    "Unique",
    "First",
    "Priority",
    "Any",
    "Collect",
    "Collect sum",
    "Collect min",
    "Collect max",
    "Collect count",
    "Rule order",
    "Output order",
)


def parse_hit_policy(text: str) -> tuple[str, str | None] | None:
    """``"Collect sum"`` -> ``("COLLECT", "SUM")``; None when ``text`` is not a hit policy."""
    key = normalize(text).replace("(", " ").replace(")", " ")
    key = re.sub(r"\s+", " ", key).strip()
    if key in HIT_POLICIES:
        return HIT_POLICIES[key]
    compact = key.replace(" ", "")
    return HIT_POLICIES.get(compact)
