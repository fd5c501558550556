"""FEEL built-in functions (DMN 1.5 10.3.4): importing this package registers them all in BUILTINS.

One module per spec section; each registers its functions with
:func:`service.feel.builtins.registry.builtin` when imported.
"""

from __future__ import annotations

from service.feel.builtins import (  # noqa: F401  (imported to register their functions)
    aggregates,
    boolean,
    contexts,
    conversion,
    lists,
    numeric,
    ranges,
    strings,
    temporal,
)
from service.feel.builtins.registry import BUILTINS

__all__ = ["BUILTINS"]
