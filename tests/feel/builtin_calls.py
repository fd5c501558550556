"""Calling a built-in function directly in the built-in tests (not a test module)."""

from __future__ import annotations

from typing import Any

from service.feel.builtins import BUILTINS
from service.feel.env import Env
from service.feel.errors import FeelEvalError

ERR = "error"  # the call raised FeelEvalError (null + warning once compiled)


def call(name: str, *args: Any, **named: Any) -> Any:
    """Invoke a built-in positionally, or by name when keyword arguments are given
    (``start_position=2`` is the parameter ``start position``)."""
    try:
        if named:
            spaced = {k.replace("_", " "): v for k, v in named.items()}
            return BUILTINS[name].invoke(Env(), [], spaced)
        return BUILTINS[name].invoke(Env(), list(args), None)
    except FeelEvalError:
        return ERR
