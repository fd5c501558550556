"""A model's input declarations in, a population of request bodies it answers 200 out.

For benchmarks/service_throughput.py: patients drawn from the model's own declarations
(types, allowed values, required and optional fields), each run through the real
pipeline in-process and kept only when answered 200, and the wrk script that posts them
in turn. One repeated body would be unrealistic, and would let any memo inside the
engine measure itself.
"""

from __future__ import annotations

import json
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ABSENT = 0.35  # how often an optional field is left out of a body
ATTEMPTS_PER_BODY = 50  # candidates drawn per body kept, at most


# --- the population of request bodies ------------------------------------------------------


class PopulationError(RuntimeError):
    """Too few bodies drawn from the declarations were answered 200."""


@dataclass
class Population:
    """The request bodies posted, and what the service answers them in-process."""

    bodies: list[bytes]
    sizes: list[int]  # the 200 answer's size of each body, in bytes
    drawn: int  # candidate bodies drawn to keep these
    seed: int | None = None  # None: one fixed body (--input)

    @property
    def distinct(self) -> int:
        """How many different bodies there are."""
        return len(set(self.bodies))

    @property
    def mean_size(self) -> int:
        """The mean answer size, in bytes."""
        return round(statistics.fmean(self.sizes)) if self.sizes else 0


def load_prepared(decisions: Path, model: str) -> Any:
    """The model's default version (drafts allowed), prepared as the API serves it."""
    from service.api.prepared import prepare
    from service.store.catalogue import load_catalogue

    return prepare(load_catalogue(decisions, drafts=True).get(model))


def answer(prepared: Any, model: str, body: bytes) -> Any:
    """The service's :class:`~service.api.evaluation.Outcome` for ``body``, in-process
    (the real pipeline: parsing, validation, guards, evaluation, the answer's bytes)."""
    from service.api.evaluation import Call, evaluate
    from service.api.jsonmap import BodyError, parse_body

    parsed: Any
    try:
        parsed = parse_body(body)
    except BodyError as exc:
        parsed = exc
    return evaluate(lambda m, v: prepared, model, None, parsed, Call(request_id="bench"),
                    body.decode(errors="replace"))  # fmt: skip


def json_number(value: Decimal) -> int | float:
    """A FEEL number for a JSON body: an int when integral (``2``, not ``2.0``)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)  # one decimal, or an allowed value: short enough to survive


def _json_value(value: Any) -> Any:
    """A literal FEEL value (an allowed value) as the JSON a client would send."""
    from service.api.jsonmap import to_json

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return json_number(value)
    return to_json(value)  # strings as they are; dates and durations as ISO 8601 text


_BOUNDLESS = Decimal(100)  # how far past its one bound a comparison (``> 5``) is drawn


def _number(spec: Any, rng: random.Random, low: Decimal, high: Decimal,
            low_in: bool = True, high_in: bool = True) -> Decimal | None:  # fmt: skip
    """A number in the interval: an integer, or (for a field that needs no integer, half
    the time, or when no integer fits) a number with one decimal; None when none fits."""
    steps = [Decimal(1)] if spec.integer else [Decimal(1), Decimal("0.1")]
    if len(steps) == 2 and rng.random() < 0.5:
        steps.reverse()
    for step in steps:
        first = math.ceil(low / step) + (0 if low_in or low % step else 1)
        last = math.floor(high / step) - (0 if high_in or high % step else 1)
        if first <= last:
            return rng.randint(first, last) * step
    return None


def _interval(spec: Any, rng: random.Random, bound: Any) -> Any:
    """A value inside a range: a number when its ends are numbers (an open end is taken
    _BOUNDLESS past the other), else one of its included ends; ``_NO`` when none."""
    low, high = bound.start, bound.end
    if isinstance(low, Decimal) or isinstance(high, Decimal):
        if not isinstance(low, Decimal):
            low = high - _BOUNDLESS
        if not isinstance(high, Decimal):
            high = low + _BOUNDLESS
        value = _number(spec, rng, low, high, bound.start_included, bound.end_included)
        return _NO if value is None else json_number(value)
    ends = [end for end, included in ((low, bound.start_included), (high, bound.end_included))
            if included and end is not None]  # fmt: skip
    return _json_value(rng.choice(ends)) if ends else _NO


def _from_test(spec: Any, test: Any, rng: random.Random) -> Any:
    """A value passing one literal unary test (``=``, a range, a comparison); ``_NO`` when
    the test gives no value to start from (``!=``, a range of other values)."""
    from service.feel.values import Range

    if test.op == "=":
        return _json_value(test.value)
    bound = test.value
    if test.op == "in" and isinstance(bound, Range):
        return _interval(spec, rng, bound)
    if isinstance(bound, Decimal) and test.op in ("<", "<=", ">", ">="):
        below = test.op.startswith("<")
        low, high = (bound - _BOUNDLESS, bound) if below else (bound, bound + _BOUNDLESS)
        value = _number(spec, rng, low, high, below or test.op == ">=",
                        not below or test.op == "<=")  # fmt: skip
        return _NO if value is None else json_number(value)
    return _NO


_NO = object()  # no value drawn from the allowed values: draw one of the type instead
_WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")


def _of_type(spec: Any, rng: random.Random) -> Any:
    """A value of the field's type when its allowed values give none to pick from."""
    base = spec.base
    if base == "boolean":
        return rng.random() < 0.5
    if base == "number":
        return json_number(_number(spec, rng, Decimal(0), _BOUNDLESS) or Decimal(0))
    if base == "string":
        return rng.choice(_WORDS)
    day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
    temporal = {
        "date": day,
        "time": clock,
        "date and time": f"{day}T{clock}Z",
        "years and months duration": f"P{rng.randint(0, 10)}Y{rng.randint(0, 11)}M",
        "days and time duration": f"P{rng.randint(0, 30)}DT{rng.randint(0, 23)}H",
    }
    if base in temporal:
        return temporal[base]
    return rng.choice([rng.randint(0, 100), rng.choice(_WORDS), rng.random() < 0.5])


def draw_item(spec: Any, rng: random.Random) -> Any:
    """One value of a field (an item, for a list field), as JSON: from its allowed values
    where they are literals (one of them, or a number inside a range), else of its type.
    A value that some other constraint refuses is left for the pipeline to refuse."""
    if spec.components is not None:
        return draw_object(spec.components, rng)
    for allowed in spec.allowed:
        if allowed.tests and not allowed.negated:
            value = _from_test(spec, rng.choice(allowed.tests), rng)
            if value is not _NO:
                return value
    return _of_type(spec, rng)


def draw_value(spec: Any, rng: random.Random) -> Any:
    """A field's value, as JSON: a list of 0 to 3 items for a list field, else one item."""
    if spec.is_list:
        return [draw_item(spec, rng) for _ in range(rng.randint(0, 3))]
    return draw_item(spec, rng)


def draw_object(fields: Sequence[Any], rng: random.Random) -> dict[str, Any]:
    """A body (or a structure's value) for these field specs: every required field, each
    optional one (``input.required_when`` included) present with probability 1 - ABSENT."""
    body: dict[str, Any] = {}
    for spec in fields:
        if spec.required or rng.random() >= ABSENT:
            body[spec.name] = draw_value(spec, rng)
    return body


def draw_population(prepared: Any, model: str, size: int, seed: int,
                    attempts: int | None = None) -> Population:  # fmt: skip
    """``size`` bodies drawn from the model's declarations with ``seed``, each answered
    200 by the pipeline; raise :class:`PopulationError` when ``attempts`` candidates
    (default ATTEMPTS_PER_BODY per body) give too few."""
    rng = random.Random(seed)
    limit = attempts if attempts is not None else ATTEMPTS_PER_BODY * size
    fields = prepared.admission.fields
    bodies: list[bytes] = []
    sizes: list[int] = []
    drawn = 0
    statuses: dict[int, int] = {}
    while len(bodies) < size:
        if drawn >= limit:
            raise PopulationError(
                f"{model}: only {len(bodies)} of {drawn} bodies drawn from its declarations "
                f"were answered 200 (wanted {size}; answers by status: {statuses})"
            )
        drawn += 1
        body = json.dumps(draw_object(fields, rng)).encode()
        outcome = answer(prepared, model, body)
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        if outcome.status == 200:
            bodies.append(body)
            sizes.append(len(outcome.content))
    return Population(bodies, sizes, drawn, seed)


def fixed_population(prepared: Any, model: str, body: bytes) -> Population:
    """One fixed body (``--input``), which the service must answer 200."""
    outcome = answer(prepared, model, body)
    if outcome.status != 200:
        raise PopulationError(f"the request body is refused ({outcome.status}): "
                              f"{outcome.json().decode()}")  # fmt: skip
    return Population([body], [len(outcome.content)], 1)


# --- wrk's script: the bodies, posted in turn --------------------------------------------------


def lua_string(data: bytes) -> str:
    """``data`` as a single-quoted Lua string literal: printable ASCII as it is, anything
    else (quotes, backslashes, newlines, UTF-8 bytes) as a three-digit decimal escape, so
    every byte comes back exactly (LuaJIT and Lua 5.1+ read ``\\ddd``)."""
    return (
        "'"
        + "".join(chr(b) if 32 <= b < 127 and b not in (39, 92) else f"\\{b:03d}" for b in data)
        + "'"
    )


LUA_CODE = """\
local threads = {threads}
local started = 0

-- setup() runs once per thread in wrk's main Lua state: each thread starts at its own
-- place in the cycle, so that the threads do not post the same sequence in lock-step.
function setup(thread)
  thread:set("offset", math.floor(started * #bodies / threads))
  started = started + 1
end

local following = 1

function init(args)
  following = (offset or 0) % #bodies + 1
end

function request()
  local body = bodies[following]
  following = following % #bodies + 1
  return wrk.format("POST", nil, {{["Content-Type"] = "application/json"}}, body)
end
"""


def lua_script(bodies: Sequence[bytes], threads: int) -> str:
    """A wrk script posting ``bodies`` in turn (JSON, to the URL wrk is given)."""
    if not bodies:
        raise ValueError("no bodies to post")
    listed = ",\n".join(lua_string(body) for body in bodies)
    return (
        f"-- {len(bodies)} request bodies, written by benchmarks/service_throughput.py\n"
        f"bodies = {{\n{listed},\n}}\n\n" + LUA_CODE.format(threads=max(1, threads))
    )
