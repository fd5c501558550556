"""The compiler's evaluation problems: stable code + plain message -> FeelEvalError, in one place.

Each problem a compiled expression can meet while evaluating has a named constructor here;
the closure raises (or records) it and the value becomes null with a warning carrying the
code and the span of the expression at fault. Every FEEL code, these and those of the
operators and built-ins, is listed with its meaning in :data:`service.feel.errors.CODES`.
"""

from __future__ import annotations

from service.feel.errors import CODES, FeelEvalError


def _error(code: str, message: str) -> FeelEvalError:
    assert code in CODES, code
    return FeelEvalError(code, message)


def unknown_name(name: str) -> FeelEvalError:
    """``name`` is bound nowhere."""
    return _error("FEEL_UNKNOWN_NAME", f"no variable or function named {name!r}")


def unknown_function(name: str) -> FeelEvalError:
    """A call through ``name``, which is bound nowhere."""
    return _error("FEEL_UNKNOWN_FUNCTION", f"no function named {name!r}")


def not_a_function(type_name: str) -> FeelEvalError:
    """A call on a value of type ``type_name``."""
    return _error("FEEL_NOT_A_FUNCTION", f"a {type_name} cannot be invoked")


def arity(message: str) -> FeelEvalError:
    """Arguments that do not fit the parameters."""
    return _error("FEEL_ARITY", message)


def parameter_type(name: str, declared: object) -> FeelEvalError:
    """An argument that does not conform to its parameter's declared type."""
    return _error("FEEL_TYPE_MISMATCH", f"argument {name!r} is not of the declared type {declared}")


def range_types(start: str, end: str) -> FeelEvalError:
    """A range literal whose end points are of different types."""
    return _error("FEEL_TYPE_MISMATCH", f"range end points of different types: {start} and {end}")


def duplicate_keys(keys: list[str]) -> FeelEvalError:
    """A context literal repeating ``keys``."""
    return _error("FEEL_DUPLICATE_KEY", f"context keys must be unique; repeated: {', '.join(keys)}")


def null_endpoint() -> FeelEvalError:
    """A range literal with a null end point."""
    return _error("FEEL_NULL_ENDPOINT", "a range literal's end points cannot be null")


def unknown_property(type_name: str, name: str) -> FeelEvalError:
    """``value.name`` where the value has no such property."""
    return _error("FEEL_UNKNOWN_PROPERTY", f"a {type_name} has no property {name!r}")


def invalid_index(position: object) -> FeelEvalError:
    """A list index that is not a whole number."""
    return _error("FEEL_INVALID_INDEX", f"list index {position} is not a whole number")


def invalid_iteration(why: str) -> FeelEvalError:
    """A domain of for/some/every that cannot be iterated."""
    return _error("FEEL_INVALID_ITERATION", f"cannot iterate: {why}")


def unknown_type(text: str) -> FeelEvalError:
    """``instance of`` an unknown type."""
    return _error("FEEL_UNKNOWN_TYPE", f"unknown type {text!r}")


def external(message: str) -> FeelEvalError:
    """An external function that is not supported or failed."""
    return _error("FEEL_EXTERNAL", message)


def unsupported(message: str) -> FeelEvalError:
    """A construct without a value here."""
    return _error("FEEL_UNSUPPORTED", message)


def recursion() -> FeelEvalError:
    """Python's recursion limit was reached while evaluating."""
    return _error("FEEL_RECURSION", "evaluation nested too deeply (runaway recursion?)")


def internal(exc: BaseException) -> FeelEvalError:
    """An unexpected exception inside an operator or built-in."""
    return _error("FEEL_INTERNAL", f"{type(exc).__name__}: {exc}")
