"""Context built-ins (DMN 1.5 10.3.4.8): contexts in, values, entry lists or new contexts out.

get value, get entries, context, context put (one key or a key path) and context merge.
FEEL values are immutable: every function returns a new context and leaves its
arguments unchanged. Each spends a step of the time budget per entry it goes through
(:func:`~service.feel.builtins.args.charge`).
"""

from __future__ import annotations

from typing import Any

from service.feel.builtins.args import charge, context_arg, expected, list_arg, string_arg
from service.feel.builtins.registry import builtin
from service.feel.errors import invalid_argument


@builtin("get value", "m", "key")
def get_value(m: Any, key: Any) -> Any:
    """get value(m, key): the value of entry ``key`` in context ``m``, or null if absent."""
    return context_arg("get value", "m", m).get(string_arg("get value", "key", key))


@builtin("get entries", "m", needs_env=True)
def get_entries(env: Any, m: Any) -> list[dict[str, Any]]:
    """get entries(m): the entries of ``m`` as a list of {key, value} contexts."""
    entries = [{"key": k, "value": v} for k, v in context_arg("get entries", "m", m).items()]
    charge(env, entries)
    return entries


@builtin("context", "entries", needs_env=True)
def context(env: Any, entries: Any) -> dict[str, Any]:
    """context(entries): a context from a list of {key, value} contexts; keys must be unique."""
    result: dict[str, Any] = {}
    items = list_arg("context", "entries", entries)
    charge(env, items)
    for entry in items:
        if not isinstance(entry, dict) or "key" not in entry or "value" not in entry:
            raise expected("context", "every entry", "a context with key and value", entry)
        key = string_arg("context", "key", entry["key"])
        if key in result:
            raise invalid_argument(f"context(): duplicate key {key!r}")
        result[key] = entry["value"]
    return result


def _put(target: dict[str, Any], keys: list[str], value: Any) -> dict[str, Any]:
    result = dict(target)  # a copy of each context on the path: charged by the callers
    head = keys[0]
    if len(keys) == 1:
        result[head] = value
        return result
    inner = result.get(head, {})
    if not isinstance(inner, dict):
        raise invalid_argument(f"context put(): entry {head!r} is not a context")
    result[head] = _put(inner, keys[1:], value)
    return result


@builtin("context put", "context", "keys", "value", needs_env=True)
def context_put_keys(env: Any, context: Any, keys: Any, value: Any) -> dict[str, Any]:
    """context put(context, keys, value): ``context`` with the entry at a key path set to ``value``.

    A single string key is also accepted here, because a positional call cannot tell the
    two signatures apart; intermediate contexts are created when absent.
    """
    target = context_arg("context put", "context", context)
    env.evaluation.spend(len(target) + 1)
    if isinstance(keys, str):
        return _put(target, [keys], value)
    path = keys if isinstance(keys, list) else None
    if not path or not all(isinstance(k, str) for k in path):
        raise expected("context put", "keys", "a non-empty list of strings", keys)
    return _put(target, path, value)


@builtin("context put", "context", "key", "value", needs_env=True)
def context_put(env: Any, context: Any, key: Any, value: Any) -> dict[str, Any]:
    """context put(context, key, value): ``context`` with entry ``key`` set (new keys go last)."""
    target = context_arg("context put", "context", context)
    env.evaluation.spend(len(target) + 1)
    return _put(target, [string_arg("context put", "key", key)], value)


@builtin("context merge", "contexts", needs_env=True)
def context_merge(env: Any, contexts: Any) -> dict[str, Any]:
    """context merge(contexts): one context with the entries of all; later entries win."""
    result: dict[str, Any] = {}
    evaluation = env.evaluation
    for item in list_arg("context merge", "contexts", contexts):
        entries = context_arg("context merge", "every item", item)
        evaluation.spend(len(entries) + 1)
        result.update(entries)
    return result
