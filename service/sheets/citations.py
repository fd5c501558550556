"""Citation cells in, reference codes out: which References a decision's rules cite.

A column named ``citation``, ``citations``, ``references``, ``source`` or ``evidence`` holds
codes listed in the workbook's References block, written any way clinicians write them:
``DG04, TAGS``, ``[SRC:DG04] [ARTICLE]`` or a FEEL list ``["DG04", "TAGS"]``. Words in
capitals are taken as codes; ``SRC:DG04`` names the reference ``DG04``.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_CITATION_COLUMNS = re.compile(r"^(citations?|references?|sources?|evidence|refs?)$", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+/-]*(?::[A-Za-z0-9_.+/-]+)?")
_LOOKS_LIKE_CODE = re.compile(r"^(?=.*[A-Z])[A-Z0-9][A-Z0-9_.+/:-]*$")


def is_citation_column(name: str) -> bool:
    """True for a column that holds citation codes (``citation``, ``references``, ``source``)."""
    return bool(_CITATION_COLUMNS.match(name.strip()))


def citation_codes(text: str) -> list[tuple[str, tuple[int, int]]]:
    """The code-like words of a citation cell (capitals and digits), with their spans."""
    return [
        (match.group(0), match.span())
        for match in _CODE.finditer(text)
        if _LOOKS_LIKE_CODE.match(match.group(0))
    ]


def cited(code: str, references: Collection[str]) -> str | None:
    """The reference a code names (``SRC:DG04`` and ``DG04`` both name ``DG04``), or None."""
    if code in references:
        return code
    tail = code.rsplit(":", 1)[-1]
    return tail if tail in references else None
