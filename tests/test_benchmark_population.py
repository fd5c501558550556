"""The benchmarks' request population, wrk script and replay key -> checks.

No server and no wrk run here: the population is drawn and answered in-process, the Lua
script is read back (by a Lua interpreter when one is installed, and always by a small
reader of its own), and the engine-free variant's exact key and replay are called directly.
"""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from service.api.jsonmap import from_json, parse_body
from service.engine.models import Model
from service.store.declarations import FieldSpec, parse_allowed

ROOT = Path(__file__).resolve().parents[1]
MODEL = "gastric-her2-later-lines"


def _load(name: str, file: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


bench = _load("service_throughput_under_test", "service_throughput.py")
apps = _load("throughput_apps_under_test", "throughput_apps.py")
pop = _load("population_under_test", "population.py")


@pytest.fixture(scope="module")
def prepared() -> Any:
    return pop.load_prepared(ROOT / "decisions", MODEL)


@pytest.fixture(scope="module")
def population(prepared: Any) -> Any:
    return pop.draw_population(prepared, MODEL, 50, seed=1)


# --- the population ----------------------------------------------------------------------------


def test_population_is_distinct_and_answered(prepared: Any, population: Any) -> None:
    assert len(population.bodies) == 50 and population.distinct == 50
    assert population.drawn >= 50
    for body, size in zip(population.bodies, population.sizes, strict=True):
        outcome = pop.answer(prepared, MODEL, body)
        assert outcome.status == 200, outcome.json()
        assert len(outcome.content) == size
    assert population.mean_size == round(sum(population.sizes) / 50)


def test_population_is_reproducible(prepared: Any, population: Any) -> None:
    again = pop.draw_population(prepared, MODEL, 50, seed=1)
    assert again.bodies == population.bodies and again.drawn == population.drawn
    assert pop.draw_population(prepared, MODEL, 50, seed=2).bodies != population.bodies


def test_population_is_varied(prepared: Any, population: Any) -> None:
    seen: dict[str, set[str]] = {}
    for body in population.bodies:
        for name, value in json.loads(body).items():
            seen.setdefault(name, set()).add(json.dumps(value))
    declared = {spec.name: spec for spec in prepared.admission.fields}
    assert set(seen) <= set(declared)
    varied = [name for name, values in seen.items() if len(values) >= 2]
    assert len(varied) >= 8, seen
    assert len(seen["ecog"]) >= 4 and len(seen["her2_status_after_progression"]) == 3
    bodies = [json.loads(body) for body in population.bodies]
    for spec in declared.values():
        present = sum(spec.name in body for body in bodies)
        if spec.required:
            assert present == 50
        elif spec.required_when is None:
            assert 0 < present < 50, spec.name  # optional: sometimes left out


def test_too_few_answered_is_a_plain_error(prepared: Any) -> None:
    with pytest.raises(pop.PopulationError, match="answered 200"):
        pop.draw_population(prepared, MODEL, 20, seed=1, attempts=10)


def test_a_refused_fixed_body_is_a_plain_error(prepared: Any) -> None:
    with pytest.raises(pop.PopulationError, match="refused"):
        pop.fixed_population(prepared, MODEL, b'{"line_of_therapy": 7}')


def _spec(base: str, allowed: str | None, integer: bool = False) -> FieldSpec:
    spec = FieldSpec("f", base, base, integer=integer)
    if allowed is not None:
        spec.allowed.append(parse_allowed(allowed))
    return spec


@pytest.mark.parametrize(
    ("base", "allowed", "integer"),
    [
        ("number", "[0..4]", True),
        ("number", "(0..1)", False),
        ("number", "(2..3]", True),
        ("number", "> 5", False),
        ("number", "<= -3", True),
        ("number", "2, 3, 7.5", False),
        ("number", "[1..2], 10", False),
        ("string", '"a", "b c"', False),
        ("date", '[date("2024-01-01")..date("2024-12-31")]', False),
        ("boolean", None, False),
        ("number", None, True),
        ("string", None, False),
        ("days and time duration", None, False),
    ],
)
def test_drawn_values_are_admitted(base: str, allowed: str | None, integer: bool) -> None:
    spec = _spec(base, allowed, integer)
    rng = random.Random(7)
    for _ in range(40):
        value = pop.draw_value(spec, rng)
        decoded = from_json(parse_body(json.dumps(value).encode()), base)
        assert all(a.admits(decoded) for a in spec.allowed), value
        if integer:
            assert type(value) is int


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("2"), 2), (Decimal("2.0"), 2), (Decimal("-0.5"), -0.5), (Decimal("45.3"), 45.3)],
)
def test_json_numbers_are_ints_when_integral(value: Decimal, expected: Any) -> None:
    number = pop.json_number(value)
    assert number == expected and type(number) is type(expected)


# --- the wrk script ---------------------------------------------------------------------------

AWKWARD = [
    b'{"a": "it\'s"}',
    b'{"b": "back\\\\slash and \\" quote"}',
    b"ends]]and]==]more[[",
    b"\nfirst line\r\nsecond\r",
    "h\u00e9llo \u2713".encode(),
    b"\x00\x7f\xff",
    b"",
]

_ESCAPES = {"n": 10, "t": 9, "r": 13, "\\": 92, "'": 39, '"': 34, "a": 7, "b": 8, "f": 12, "v": 11}


def _read_lua_string(text: str, at: int) -> tuple[bytes, int]:
    """The bytes of the Lua quoted string starting at ``text[at]``, and where it ends."""
    quote, at, out = text[at], at + 1, bytearray()
    while text[at] != quote:
        char = text[at]
        assert char not in "\r\n", "a raw line break inside a short string"
        if char != "\\":
            out += char.encode()
            at += 1
            continue
        digits = ""
        while len(digits) < 3 and text[at + 1 + len(digits)].isdigit():
            digits += text[at + 1 + len(digits)]
        if digits:
            out.append(int(digits))
            at += 1 + len(digits)
        else:
            out.append(_ESCAPES[text[at + 1]])
            at += 2
    return bytes(out), at + 1


def _bodies_of(script: str) -> list[bytes]:
    """The ``bodies`` table of a generated script, read back."""
    at = script.index("bodies = {\n") + len("bodies = {\n")
    bodies = []
    while script[at] != "}":
        body, at = _read_lua_string(script, at)
        bodies.append(body)
        assert script[at : at + 2] == ",\n"
        at += 2
    return bodies


def test_lua_script_holds_every_body_exactly() -> None:
    script = pop.lua_script(AWKWARD, threads=3)
    assert _bodies_of(script) == AWKWARD
    assert "local threads = 3" in script and 'thread:set("offset"' in script
    assert all(ord(char) < 127 for char in script)


_EPILOGUE = """
local out = io.open(arg[1], "wb")
wrk = {format = function(method, path, headers, body)
  assert(method == "POST" and path == nil and headers["Content-Type"] == "application/json")
  return body
end}
local given = {}
setup({set = function(self, name, value) given[#given + 1] = value end})
setup({set = function(self, name, value) given[#given + 1] = value end})
offset = given[2]
init({})
for _ = 1, #bodies + 1 do
  local body = request()
  out:write(string.len(body), ":", body)
end
out:write(given[1], ",", given[2])
out:close()
"""


def test_lua_script_runs_in_lua_when_one_is_installed(tmp_path: Path) -> None:
    lua = next(filter(None, map(shutil.which, ("luajit", "lua5.1", "lua"))), None)
    if lua is None:  # the reader above checks the text; nothing more to check here
        return
    script = tmp_path / "bodies.lua"
    script.write_text(pop.lua_script(AWKWARD, threads=2) + _EPILOGUE, encoding="ascii")
    out = tmp_path / "out"
    subprocess.run([lua, str(script), str(out)], check=True, capture_output=True)
    data, bodies = out.read_bytes(), []
    for _ in range(len(AWKWARD) + 1):
        length, _, rest = data.partition(b":")
        bodies.append(rest[: int(length)])
        data = rest[int(length) :]
    offsets = [int(n) for n in data.split(b",")]
    start = offsets[1] % len(AWKWARD)
    assert offsets == [0, len(AWKWARD) // 2]
    assert bodies == AWKWARD[start:] + AWKWARD[: start + 1]


# --- the engine-free replay --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (Decimal("1"), Decimal("1.0")),
        (True, Decimal("1")),
        (True, 1),
        ("1", Decimal("1")),
        (None, "None"),
        ([Decimal("1")], [Decimal("1.0")]),
    ],
)
def test_exact_key_tells_values_apart(a: Any, b: Any) -> None:
    assert apps.exact_key({"x": a}) != apps.exact_key({"x": b})
    assert apps.exact_key({"x": a, "y": b}) == apps.exact_key({"y": b, "x": a})


def test_replay_evaluates_each_exact_input_once(prepared: Any, population: Any) -> None:
    calls: list[Any] = []

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return Model.evaluate(self, *args, **kwargs)

    replay = apps.replaying(counted)
    model, top = prepared.version.compiled, prepared.top_level
    for body in population.bodies[:5]:
        values = prepared.admission.validate(parse_body(body), from_json).values
        plain = model.evaluate(values, decisions=top)
        first = replay(model, values, decisions=top)
        again = replay(model, dict(values), top)
        assert first.log is not None and again.log is not None
        assert first.values == again.values == plain.values
        assert first.tables == again.tables == plain.tables  # the log is left for the next
        assert replay(model, values, decisions=top).tables == plain.tables
    assert len(calls) == 5
    values = prepared.admission.validate(parse_body(population.bodies[0]), from_json).values
    replay(model, values, decisions=prepared.guards)  # other decisions asked: evaluated
    assert len(calls) == 6


def test_every_variant_has_a_server() -> None:
    for variant in [*bench.VARIANTS, "bare-starlette"]:
        if variant not in bench.SERVED:
            assert callable(getattr(apps, apps.FACTORIES[variant]))
