"""Boolean built-ins (DMN 1.5 10.3.4.2) and ``is`` (10.3.4.7): values in, booleans (or a value) out.

not(negand), is(value1, value2), and get or else(value, default).
"""

from __future__ import annotations

from typing import Any

from service.feel.builtins.registry import builtin
from service.feel.errors import type_mismatch
from service.feel.ops import type_name
from service.feel.values import Function


@builtin("not", "negand")
def not_(negand: Any) -> bool | None:
    """not(negand): logical negation; null gives null."""
    if negand is None:
        return None
    if not isinstance(negand, bool):
        raise type_mismatch(f"not(): negand must be a boolean, got {type_name(negand)}")
    return not negand


def same(a: Any, b: Any) -> bool:
    """FEEL ``is``: same type and same value, zone and offset included (not just equal instants)."""
    if a is None or b is None:
        return a is None and b is None
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, Function):
        return a is b
    # Decimal by value; str, bool and the frozen value dataclasses field by field.
    return bool(a == b)


@builtin("is", "value1", "value2")
def is_(value1: Any, value2: Any) -> bool:
    """is(value1, value2): whether both are the same FEEL value of the same type."""
    return same(value1, value2)


# A named call may leave one operand out; it is then null (TCK 0103).
builtin("is", "value1")(lambda value1: same(value1, None))
builtin("is", "value2")(lambda value2: same(None, value2))


@builtin("get or else", "value", "default")
def get_or_else(value: Any, default: Any) -> Any:
    """get or else(value, default): ``value`` unless it is null, then ``default``."""
    return default if value is None else value
