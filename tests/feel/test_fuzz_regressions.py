"""Defects found by the FEEL fuzz tests (test_fuzz_feel.py) in built-ins, temporal arithmetic
and the compiler: minimal reproductions for their owners.

An open defect is marked ``xfail(strict=True)``: once it is fixed the case passes, the
strict marker fails the run, and the marker must go (together with the matching entry of
``KNOWN_DEFECTS`` in test_fuzz_feel.py, which keeps the properties checking everything else
meanwhile). The cases below are all fixed and stay as regression tests. An evaluation must
never end in ``FEEL_INTERNAL`` (a defect), and every value it returns must print, since the API
and the explanations print values.
"""

from __future__ import annotations

import pytest

from service.feel import Env, compile_expression

# A whole number of 5001 digits: int(...) of it works, but str() of that int exceeds
# Python's limit of 4300 digits for int-to-string conversion and raises ValueError.
HUGE = "1e5000"


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
        f"decimal(1, {HUGE})",
        f"round up(1, {HUGE})",
        f"floor(1, {HUGE})",
        f"sublist([1], {HUGE})",
        f"insert before([1], {HUGE}, 2)",
        f"remove([1], {HUGE})",
        f"list replace([1], {HUGE}, 2)",
        f"date({HUGE}, 1, 1)",
        f'duration("P" + string({HUGE}) + "Y")',
        f'duration("PT" + string({HUGE}) + "S")',
        '@"PT1S" / 1e-6176',
        '@"P1Y" / 1e-6176',
        '@"PT1S" * 1e6144',
        '@"P1Y" * 1e6144',
        'string(@"P1Y" * 1e6144)',
        # Neighbours that work, so that a fix is seen not to break them.
        f'substring("abc", {HUGE})',
        f"string length(string({HUGE}))",
        f"{HUGE} instance of number",
        '@"P1Y" * 1e20',
    ],
)
def test_evaluation_ends_without_a_defect(text: str) -> None:
    evaluate_cleanly(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (f"decimal(1, {HUGE})", "FEEL_INVALID_ARGUMENT"),
        (f"floor(1, {HUGE})", "FEEL_INVALID_ARGUMENT"),
        (f"sublist([1], {HUGE})", "FEEL_INVALID_ARGUMENT"),
        (f"remove([1], {HUGE})", "FEEL_INVALID_ARGUMENT"),
        (f"date({HUGE}, 1, 1)", "FEEL_INVALID_ARGUMENT"),
        ("date(1e10, 1, 1)", "FEEL_DATE_RANGE"),
        (f'duration("P" + string({HUGE}) + "Y")', "FEEL_OVERFLOW"),
        (f'duration("PT" + string({HUGE}) + "S")', "FEEL_OVERFLOW"),
        ('@"PT1S" / 1e-6176', "FEEL_OVERFLOW"),
        ('@"P1Y" / 1e-6176', "FEEL_OVERFLOW"),
        ('@"PT1S" * 1e6144', "FEEL_OVERFLOW"),
        ('@"P1Y" * 1e6144', "FEEL_OVERFLOW"),
    ],
)
def test_out_of_range_gives_null_with_a_warning(text: str, code: str) -> None:
    env = Env({})
    assert compile_expression(text)(env) is None
    assert [w.code for w in env.evaluation.warnings] == [code]


def test_iterating_a_huge_range_is_refused() -> None:
    """A loop over a range of more than a million values is refused at once (null + warning)."""
    evaluate_cleanly("count(for i in 1..1e9 return i)")
