"""One evaluation request (model, version, parsed body) -> its HTTP outcome and its audit record.

The same function serves ``POST /decisions/{model}/evaluate``, each item of a batch, and
``tablerx eval``: resolve the version (404; 409 when the request names none and the model
has no approved version), validate the inputs against the declarations (422), run the
model's guard tables, and only when neither found a problem evaluate the top-level
decisions (a refused request is not evaluated further: guards first), then build the
answer with its explanation. A table defect met at run time (two rules matching under
UNIQUE, say) is a 500 that names the rules; never a 200. Every answer from a version
that is not approved carries its status in ``model`` and a warning saying so.

The response body and the audit record are made from the same data, here, so they cannot
disagree: the answer's JSON is assembled once, from static parts prepared per model
version (:mod:`service.api.render`) and the request's own values, and the record holds
the very same bytes. Writing the record is the caller's job (it must finish before the response
leaves, see :mod:`service.store.groupcommit`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.api import errors, jsonmap, render
from service.api.errors import Problem
from service.api.prepared import Prepared
from service.feel.errors import EvaluationTimeout
from service.store.admission import body_problem, json_kind, source_of
from service.store.audit import AuditRecord, utc_now
from service.store.catalogue import ModelNotFound, NoApprovedVersion, VersionNotFound

log = logging.getLogger("tablerx.api")

Resolver = Callable[[str, str | None], Prepared]


@dataclass(frozen=True, slots=True)
class Call:
    """Who asked, and how to find the request again."""

    request_id: str
    caller: str | None = None
    batch_id: str | None = None
    batch_index: int | None = None


@dataclass(slots=True)
class Outcome:
    """The answer to one evaluation request and the record that proves it."""

    status: int
    record: AuditRecord
    content: bytes | None = None  # the 200 body, as JSON
    problems: list[Problem] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # top-level keys of an error body

    @property
    def outcome(self) -> str:
        """The audit status: ok, rejected, defect, timeout, error or not_found."""
        return self.record.status

    def json(self) -> bytes:
        """The JSON body, as sent."""
        if self.content is not None:
            return self.content
        return jsonmap.dumps(errors.error_body(self.problems, **self.extra))


# --- explanation -------------------------------------------------------------------------------


def explain(tables: Sequence[Any], prepared: Prepared) -> list[dict[str, Any]]:
    """The explanation: per decision table evaluated, its hit policy and matched rules."""
    return [
        {
            "decision": record.decision,
            "table_id": record.table_id,
            "hit_policy": record.hit_policy,
            "aggregation": record.aggregation,
            "source": prepared.decision_sources.get(record.decision, {}),
            "default_used": record.default_used,
            "defect": record.defect,
            "matched_rules": [_rule(match) for match in record.matches],
        }
        for record in tables
    ]


def _rule(match: Any) -> dict[str, Any]:
    return {
        "rule_id": match.rule_id,
        "index": match.index,
        "source": source_of(match),
        "annotations": dict(match.annotations),
        "outputs": {name: jsonmap.to_json(value) for name, value in match.outputs.items()},
    }


def matched_rules(explanation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The audit's compact form of an explanation: decision, table and rule ids."""
    return [
        {
            "decision": entry["decision"],
            "table_id": entry["table_id"],
            "rules": [rule["rule_id"] for rule in entry["matched_rules"]],
        }
        for entry in explanation
    ]


def warnings_of(warnings: Sequence[Any]) -> list[dict[str, Any]]:
    """FEEL warnings (null results with a reason) as JSON objects."""
    return [
        {
            "code": w.code,
            "message": w.message,
            "source": w.source or None,
            "span": list(w.span) if w.span else None,
        }
        for w in warnings
    ]


# --- the pipeline ----------------------------------------------------------------------------


def _uuid4_hex() -> str:
    """A random (version 4) UUID's 32 hex digits: what ``uuid.uuid4().hex`` gives, without
    the UUID object (an id is made for every request)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
    return raw.hex()


def new_evaluation_id() -> str:
    """A new evaluation id: a random UUID in its usual 8-4-4-4-12 form."""
    h = _uuid4_hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_request_id() -> str:
    """A request id for a request that brought none: a random UUID's hex digits."""
    return _uuid4_hex()


class _Record:
    """Collects what the audit record needs while the pipeline runs."""

    def __init__(self, model_id: str, version: str | None, inputs: str | None, call: Call):
        self.started = time.perf_counter()
        self.id = new_evaluation_id()
        self.fields: dict[str, Any] = {
            "model_id": model_id,
            "model_version": version,
            "model_hash": None,
            "model_status": None,
            "inputs": inputs,
            "request_id": call.request_id,
            "caller": call.caller,
            "batch_id": call.batch_id,
            "batch_index": call.batch_index,
        }

    def finish(self, status: str, http_status: int, **columns: Any) -> AuditRecord:
        """The record; each column is JSON bytes, a tree for :func:`jsonmap.dumps`, or None."""
        duration = (time.perf_counter() - self.started) * 1000
        dumped: dict[str, Any] = {
            k: None if v is None else (v if isinstance(v, bytes) else jsonmap.dumps(v)).decode()
            for k, v in columns.items()
        }
        return AuditRecord(
            id=self.id,
            created_at=utc_now(),
            status=status,
            http_status=http_status,
            duration_ms=round(duration, 3),
            **self.fields,
            **dumped,
        )


def _failure(
    rec: _Record,
    status: str,
    http: int,
    problems: list[Problem],
    audited: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Outcome:
    """An error outcome; the record's matched rules come from the body's explanation, or
    from ``audited`` (tables evaluated that the body does not show: a refusal's guards)."""
    extra = {"evaluation_id": rec.id, **extra}
    shown = extra.get("explanation")
    record = rec.finish(
        status,
        http,
        errors=[p.as_json() for p in problems],
        warnings=extra.get("warnings"),
        matched_rules=matched_rules(shown if shown is not None else audited or []) or None,
    )
    return Outcome(http, record, problems=problems, extra=extra)


def evaluate(
    resolve: Resolver,
    model_id: str,
    version: str | None,
    body: Any,
    call: Call,
    inputs_text: str | None,
) -> Outcome:
    """The outcome of one request; ``body`` is the parsed JSON or a :class:`jsonmap.BodyError`."""
    rec = _Record(model_id, version, inputs_text, call)
    try:
        prepared = resolve(model_id, version)
    except ModelNotFound:
        return _failure(rec, "not_found", 404, [errors.model_not_found(model_id)])
    except VersionNotFound:
        problem = errors.version_not_found(model_id, version or "")
        return _failure(rec, "not_found", 404, [problem])
    except NoApprovedVersion as exc:
        problem = errors.no_approved_version(model_id, exc.entry.statuses)
        return _failure(rec, "not_found", 409, [problem])
    ref = prepared.ref
    rec.fields.update(
        model_version=ref["version"], model_hash=ref["hash"], model_status=ref["status"]
    )
    if isinstance(body, jsonmap.BodyError):
        return _failure(
            rec, "rejected", errors.CODES.get(body.code, 422), body.problems(), **_marked(prepared)
        )
    if not isinstance(body, dict):  # nothing to validate field by field, no guard to run
        problem = body_problem(
            "INVALID_TYPE", f"the body must be a JSON object of inputs, not {json_kind(body)}"
        )
        return _failure(rec, "rejected", 422, [problem], **_marked(prepared))
    try:
        return _run(prepared, body, rec)
    except EvaluationTimeout:  # not an Exception: nothing below may turn it into null
        log.warning(
            "evaluation %s of %s %s stopped after its budget of %s s",
            rec.id,
            ref["id"],
            ref["version"],
            prepared.timeout,
        )
        problem = errors.evaluation_timeout(prepared.timeout)
        return _failure(rec, "timeout", 503, [problem], **_marked(prepared))
    except Exception:
        log.exception("evaluation %s of %s %s failed", rec.id, ref["id"], ref["version"])
        problem = errors.evaluation_failed("the model could not be evaluated; see the server log")
        return _failure(rec, "error", 500, [problem], **_marked(prepared))


def _marked(prepared: Prepared, warnings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The ``model`` of an error body and, for a version that is not approved, the warning
    that says so (a refusal from a draft is marked like an answer)."""
    extra: dict[str, Any] = {"model": prepared.ref}
    if prepared.notice is not None or warnings:
        extra["warnings"] = _with_notice(prepared, warnings or [])
    return extra


def _with_notice(prepared: Prepared, warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [prepared.notice, *warnings] if prepared.notice is not None else warnings


class _Budget:
    """One request's time budget, shared by its guard and its main evaluation."""

    def __init__(self, seconds: float | None) -> None:
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def left(self) -> float | None:
        """The seconds left (None: no limit)."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())


def _run(prepared: Prepared, body: Any, rec: _Record) -> Outcome:
    admission = prepared.admission
    validated = admission.validate(body, jsonmap.from_json)
    model = prepared.version.compiled
    # Guards first: a request they (or the validation) refuse is not evaluated further.
    zone, budget = prepared.zone, _Budget(prepared.timeout)
    guarded = (
        model.evaluate(
            validated.values, decisions=admission.guards, zone=zone, timeout=budget.left()
        )
        if admission.guards
        else None
    )
    guard_log = render.log_of(guarded)  # before anything reads guarded.tables
    if guarded is not None and guarded.errors:
        return _defect(prepared, rec, [guarded])
    guard_tables = guarded.tables if guarded is not None else []
    problems = admission.refusals(validated, guard_tables)
    if problems:  # audited with the guard tables' results
        return _failure(
            rec, "rejected", 422, problems, explain(guard_tables, prepared), **_marked(prepared)
        )
    result = model.evaluate(
        validated.values, decisions=admission.top_level, zone=zone, timeout=budget.left()
    )
    if result.errors:
        return _defect(prepared, rec, [guarded, result] if guarded is not None else [result])
    logs = [guard_log, render.log_of(result)] if guarded is not None else [render.log_of(result)]
    return _answer(prepared, rec, [guarded, result] if guarded is not None else [result], logs)


def _answer(prepared: Prepared, rec: _Record, results: list[Any], logs: list[Any]) -> Outcome:
    """The 200 answer, assembled as JSON bytes; the audit record gets the same bytes."""
    fragments = prepared.fragments
    outputs = jsonmap.dumps_feel({name: results[-1].values[name] for name in prepared.top_level})
    warnings = fragments.warnings([w for r in results for w in warnings_of(r.warnings)])
    explanation, matched = _explanation(prepared, results, logs)
    content = b"".join((
        b'{"model":', fragments.ref, b',"evaluation_id":"', rec.id.encode(),
        b'","outputs":', outputs, b',"explanation":', explanation,
        b',"warnings":', warnings, b"}",
    ))  # fmt: skip
    record = rec.finish(
        "ok",
        200,
        outputs=outputs,
        matched_rules=matched,
        warnings=warnings if warnings != b"[]" else None,
    )
    return Outcome(200, record, content=content)


def _explanation(prepared: Prepared, results: list[Any], logs: list[Any]) -> tuple[bytes, bytes]:
    """(the explanation, the audit's matched rules) as JSON: from the cached fragments
    when the engine's logs are at hand, else the straightforward way."""
    fragments = prepared.fragments
    if fragments.usable and all(found is not None for found in logs):
        try:
            return fragments.explain(logs)
        except Exception:  # the engine changed under us: answer correctly, if slowly
            fragments.usable = False
            log.exception(
                "the fast explanation of %s %s failed; explaining the plain way from now on",
                prepared.ref["id"],
                prepared.ref["version"],
            )
    tree = [entry for r in results for entry in explain(r.tables, prepared)]
    return jsonmap.dumps(tree), jsonmap.dumps(matched_rules(tree))


def _defect(prepared: Prepared, rec: _Record, results: Sequence[Any]) -> Outcome:
    """A 500 naming the defective tables and their rules, with everything evaluated."""
    problems = [
        errors.table_defect(
            error.code,
            error.message,
            {
                "decision": error.decision,
                "rules": [
                    {"rule_id": rule_id, "source": prepared.rule_sources.get(rule_id, {})}
                    for rule_id in error.rule_ids
                ],
            },
        )
        for result in results
        for error in result.errors
    ]
    explanation = [entry for r in results for entry in explain(r.tables, prepared)]
    warnings = [w for r in results for w in warnings_of(r.warnings)]
    return _failure(
        rec,
        "defect",
        500,
        problems,
        model=prepared.ref,
        explanation=explanation,
        warnings=_with_notice(prepared, warnings),
    )
