"""FEEL errors: syntax errors (raised at parse time) and evaluation errors (become null + warning).

Parse errors stop compilation and point at the offending text with a caret.
Evaluation errors never escape an evaluation: operators and built-in functions raise
:class:`FeelEvalError`, and the compiled expression turns it into FEEL's null plus a
warning carrying the code and the span of the expression at fault.
"""

from __future__ import annotations


def caret_line(source: str, span: tuple[int, int]) -> str:
    """The line of ``source`` holding ``span``, with a caret line under the span."""
    start, end = span
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    if line_end == -1:
        line_end = len(source)
    line = source[line_start:line_end]
    width = max(1, min(end, line_end) - start)
    return f"{line}\n{' ' * (start - line_start)}{'^' * width}"


class FeelSyntaxError(Exception):
    """A FEEL text that does not parse. ``span`` locates the offending part of ``source``."""

    def __init__(
        self,
        message: str,
        source: str,
        span: tuple[int, int],
        code: str = "FEEL_SYNTAX",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.span = span
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} (at {self.span[0]})\n{caret_line(self.source, self.span)}"


class FeelEvalError(Exception):
    """A FEEL evaluation problem (wrong type, bad argument): the result is null with a warning."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def type_mismatch(message: str) -> FeelEvalError:
    """An operator or function met a value of a type it does not accept."""
    return FeelEvalError("FEEL_TYPE_MISMATCH", message)


def invalid_argument(message: str) -> FeelEvalError:
    """A function argument of the right type but an unusable value."""
    return FeelEvalError("FEEL_INVALID_ARGUMENT", message)
