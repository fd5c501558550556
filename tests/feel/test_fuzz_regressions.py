"""Defects found by the FEEL fuzz tests (test_fuzz_feel.py) in built-ins, temporal arithmetic
and the compiler: minimal reproductions for their owners.

Each open defect is marked ``xfail(strict=True)``: once it is fixed the case passes, the
strict marker fails the run, and the marker must go (together with the matching entry of
``KNOWN_DEFECTS`` in test_fuzz_feel.py, which keeps the properties checking everything else
meanwhile). An evaluation must never end in ``FEEL_INTERNAL`` (a defect), and every value it
returns must print, since the API and the explanations print values.
"""

from __future__ import annotations

import pytest

from service.feel import Env, compile_expression

# A whole number of 5001 digits: int(...) of it works, but str() of that int exceeds
# Python's limit of 4300 digits for int-to-string conversion and raises ValueError.
HUGE = "1e5000"

HUGE_WHOLE_NUMBER = pytest.mark.xfail(
    strict=True,
    reason="an argument that is a whole number of over 4300 digits is converted to a Python "
    "int and then formatted (into a message or a value): ValueError, FEEL_INTERNAL. "
    "builtins/args.py:88 scale_arg, builtins/lists.py:30 _position, temporal.py:259 "
    "make_date, temporal.py:59 nanos_to_seconds and :215 parse_duration",
)
DURATION_OVERFLOW = pytest.mark.xfail(
    strict=True,
    reason="a duration scaled beyond FEEL's range raises decimal.Overflow or ValueError "
    "(FEEL_INTERNAL) instead of giving null with FEEL_OVERFLOW: temporal_ops.py:169/174 "
    "_scale, temporal_ops.py:47 _dtd via temporal.py:59 nanos_to_seconds",
)
UNPRINTABLE_DURATION = pytest.mark.xfail(
    strict=True,
    reason="years and months duration * a huge number gives a duration of over 10**4300 "
    "months, which cannot be printed (values.py:112 YearsMonthsDuration.__str__ raises "
    "ValueError; string() of it is FEEL_INTERNAL): the product should be null with "
    "FEEL_OVERFLOW (temporal_ops multiply)",
)


def evaluate_cleanly(text: str) -> None:
    """Evaluate ``text``: no defect warning, and the value prints."""
    env = Env({})
    value = compile_expression(text)(env)
    internal = [w for w in env.evaluation.warnings if w.code == "FEEL_INTERNAL"]
    assert not internal, internal
    str(value)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"decimal(1, {HUGE})", marks=HUGE_WHOLE_NUMBER),
        pytest.param(f"round up(1, {HUGE})", marks=HUGE_WHOLE_NUMBER),
        pytest.param(f"floor(1, {HUGE})", marks=HUGE_WHOLE_NUMBER),
        pytest.param(f"sublist([1], {HUGE})", marks=HUGE_WHOLE_NUMBER),
        pytest.param(f"insert before([1], {HUGE}, 2)", marks=HUGE_WHOLE_NUMBER),
        pytest.param(f"remove([1], {HUGE})", marks=HUGE_WHOLE_NUMBER),
        pytest.param(f"list replace([1], {HUGE}, 2)", marks=HUGE_WHOLE_NUMBER),
        pytest.param(f"date({HUGE}, 1, 1)", marks=HUGE_WHOLE_NUMBER),
        pytest.param(f'duration("P" + string({HUGE}) + "Y")', marks=HUGE_WHOLE_NUMBER),
        pytest.param(f'duration("PT" + string({HUGE}) + "S")', marks=HUGE_WHOLE_NUMBER),
        pytest.param('@"PT1S" / 1e-6176', marks=DURATION_OVERFLOW),
        pytest.param('@"P1Y" / 1e-6176', marks=DURATION_OVERFLOW),
        pytest.param('@"PT1S" * 1e6144', marks=DURATION_OVERFLOW),
        pytest.param('@"P1Y" * 1e6144', marks=UNPRINTABLE_DURATION),
        pytest.param('string(@"P1Y" * 1e6144)', marks=UNPRINTABLE_DURATION),
        # Neighbours that work, so that a fix is seen not to break them.
        f'substring("abc", {HUGE})',
        f"string length(string({HUGE}))",
        f"{HUGE} instance of number",
        '@"P1Y" * 1e20',
    ],
)
def test_evaluation_ends_without_a_defect(text: str) -> None:
    evaluate_cleanly(text)


def test_iterating_a_huge_range_is_refused() -> None:
    """A loop over a range of more than a million values is refused at once (null + warning)."""
    evaluate_cleanly("count(for i in 1..1e9 return i)")
