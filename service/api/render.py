"""An evaluation's results -> the JSON bytes of its answer and audit columns, static parts cached.

The response to ``POST /decisions/{model}/evaluate`` is mostly static: the ``model``
object, the draft notice, and for each rule that matched its id, number, workbook cell
and annotations (rationale, citations), often its outputs too. :class:`Fragments` holds
those parts of one model version as JSON bytes, made once (the first time each table or
rule is met, through the engine's own records, so they are exactly what the engine
reports) and spliced into every later answer; only what depends on the request (outputs,
warnings, ids) is serialized per request, once, and the same bytes serve the response
and the audit record.

The bytes are those of the straightforward path, :func:`jsonmap.dumps` of the tree that
:func:`service.api.evaluation.explain` builds, in content and key order;
tests/api/test_api_render.py compares the two over every clinical test case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson

from service.api.jsonmap import FEEL_OPTIONS, dumps, dumps_feel, feel_default
from service.store.admission import source_of

_dumps = orjson.dumps  # a global name: looked up once per rule, not as an attribute

LogEntry = tuple[Any, str, tuple[int, ...], Any, "str | None", bool]  # engine's explain.LogEntry


class _Table:
    """A decision table's static parts, for one decision that evaluated it."""

    __slots__ = ("audit_head", "fixed", "head", "outputs", "rules", "table")

    def __init__(self, table: Any, head: bytes, audit_head: bytes) -> None:
        self.table = table  # the compiled table (kept alive: its id() is the cache key)
        self.head = head  # '{"decision":...,"default_used":'
        self.audit_head = audit_head  # '{"decision":...,"rules":['
        # a rule's logged output values -> its outputs object (made once, see _learn_outputs)
        self.outputs: Callable[[list[Any]], dict[str, Any]] | None = None
        # per rule position: '{"rule_id":...,"outputs":' and the JSON of its id
        self.rules: dict[int, tuple[bytes, bytes]] = {}
        # per rule position: the whole rule object when its outputs are fixed at load time
        self.fixed: dict[int, bytes] = {}


class Fragments:
    """One model version's static JSON parts, and the assembly of explanations from them."""

    def __init__(
        self,
        ref: dict[str, Any],
        notice: dict[str, Any] | None,
        decision_sources: dict[str, dict[str, str]],
    ) -> None:
        self.ref = dumps(ref)
        self.notice = dumps([notice]) if notice is not None else b"[]"
        self._notice_item = dumps(notice) if notice is not None else None
        self._sources = decision_sources
        self._tables: dict[tuple[int, str], _Table] = {}
        self.usable = True  # False once an assembly failed (the caller then explains plainly)

    # --- warnings -------------------------------------------------------------------------

    def warnings(self, warnings: list[dict[str, Any]]) -> bytes:
        """The ``warnings`` array: the version's notice (if any), then ``warnings``."""
        if not warnings:
            return self.notice
        if self._notice_item is None:
            return dumps(warnings)
        return b"[" + self._notice_item + b"," + dumps(warnings)[1:]

    # --- explanations ---------------------------------------------------------------------

    def explain(self, logs: Sequence[Sequence[LogEntry]]) -> tuple[bytes, bytes]:
        """(the ``explanation`` array, the audit's ``matched_rules`` array) of the tables
        the engine logged, in order."""
        parts: list[bytes] = [b"["]
        audit: list[bytes] = [b"["]
        for log in logs:
            for entry in log:
                self._entry(entry, parts, audit)
        if len(parts) == 1:
            return b"[]", b"[]"
        parts[-1] = b"]}]"  # the last table's closing, without its comma
        audit[-1] = b"]}]"
        return b"".join(parts), b"".join(audit)

    def _entry(self, entry: LogEntry, parts: list[bytes], audit: list[bytes]) -> None:
        """Append one table's explanation and audit objects, each followed by ``]},``."""
        table, decision, positions, values, defect, default_used = entry
        known = self._tables.get((id(table), decision))
        if known is None:
            known = self._learn(table, decision)
        parts += (
            known.head,
            b"true" if default_used else b"false",
            b',"defect":',
            b"null" if defect is None else orjson.dumps(defect),
            b',"matched_rules":[',
        )
        audit.append(known.audit_head)
        rules = known.rules
        if values is None:  # the rules' outputs were fixed at load time: all cached
            fixed = known.fixed
            for position in positions:
                whole = fixed.get(position) or self._learn_fixed(known, decision, position)
                parts += (whole, b",")
                audit += (rules[position][1], b",")
        else:
            make = known.outputs
            for i, position in enumerate(positions):
                static = rules.get(position) or self._learn_rule(
                    known, decision, position, values, i
                )
                row = values[i]
                if make is None:
                    make = self._learn_outputs(known, decision, position, row)
                parts += (
                    static[0],
                    _dumps(make(row), default=feel_default, option=FEEL_OPTIONS),
                    b"},",
                )
                audit += (static[1], b",")
        if positions:  # no comma after the last rule
            if values is None:
                parts.pop()
            else:
                parts[-1] = b"}"
            audit.pop()
        parts.append(b"]},")
        audit.append(b"]},")

    def _learn(self, table: Any, decision: str) -> _Table:
        """A table's header parts, from the engine's record of it matching nothing."""
        record = table.record((table, decision, (), None, None, False))
        head = (
            dumps(
                {
                    "decision": record.decision,
                    "table_id": record.table_id,
                    "hit_policy": record.hit_policy,
                    "aggregation": record.aggregation,
                    "source": self._sources.get(record.decision, {}),
                }
            )[:-1]
            + b',"default_used":'
        )
        audit_head = dumps({"decision": record.decision, "table_id": record.table_id})[:-1]
        known = _Table(table, head, audit_head + b',"rules":[')
        self._tables[(id(table), decision)] = known
        return known

    def _learn_rule(
        self, known: _Table, decision: str, position: int, values: Any, i: int
    ) -> tuple[bytes, bytes]:
        """A rule's static parts, from the engine's record of it matching."""
        table = known.table
        row = None if values is None else [values[i]]
        match = table.record((table, decision, (position,), row, None, False)).matches[0]
        head = (
            dumps(
                {
                    "rule_id": match.rule_id,
                    "index": match.index,
                    "source": source_of(match),
                    "annotations": match.annotations,
                }
            )[:-1]
            + b',"outputs":'
        )
        static = (head, dumps(match.rule_id))
        known.rules[position] = static
        return static

    def _learn_outputs(
        self, known: _Table, decision: str, position: int, row: Any
    ) -> Callable[[list[Any]], dict[str, Any]]:
        """The function making a rule's ``outputs`` object from its logged values: a dict
        display of the table's output names (names from the engine's record of a rule),
        three times faster than ``dict(zip(names, values))``."""
        table = known.table
        match = table.record((table, decision, (position,), [row], None, False)).matches[0]
        names = list(match.outputs)
        if len(names) != len(row):  # two outputs of one name: no object can hold both
            raise ValueError(f"table {known.head!r}: outputs {names} for {len(row)} values")
        items = ", ".join(f"{name!r}: values[{i}]" for i, name in enumerate(names))
        known.outputs = eval(f"lambda values: {{{items}}}")
        return known.outputs

    def _learn_fixed(self, known: _Table, decision: str, position: int) -> bytes:
        """The whole object of a rule whose outputs the engine fixed at load time."""
        table = known.table
        match = table.record((table, decision, (position,), None, None, False)).matches[0]
        static = known.rules.get(position) or self._learn_rule(known, decision, position, None, 0)
        whole = static[0] + dumps_feel(match.outputs) + b"}"
        known.fixed[position] = whole
        return whole


def log_of(result: Any) -> Sequence[LogEntry] | None:
    """The engine's log of the tables an evaluation met, while its records are not yet
    built (read it before anything reads ``result.tables``); None when unavailable."""
    log = getattr(result, "log", None)
    return log if isinstance(log, list | tuple) else None
