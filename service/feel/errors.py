"""FEEL errors: syntax errors (raised at parse time) and evaluation errors (become null + warning).

Parse errors stop compilation and point at the offending text with a caret.
Evaluation errors never escape an evaluation: operators and built-in functions raise
:class:`FeelEvalError`, and the compiled expression turns it into FEEL's null plus a
warning carrying the code and the span of the expression at fault. The one exception is
:class:`EvaluationTimeout`: an evaluation past its time budget stops as a whole.
"""

from __future__ import annotations

# Every warning or error code FEEL can report, with what it means: the one registry the
# documentation (docs/error-codes.md) is checked against.
CODES: dict[str, str] = {
    "FEEL_UNKNOWN_NAME": "a name is bound to no variable, context entry or built-in function",
    "FEEL_UNKNOWN_FUNCTION": "a function is invoked by a name that is bound to nothing",
    "FEEL_NOT_A_FUNCTION": "a value that is not a function is invoked",
    "FEEL_ARITY": "a function is given too many, too few or unknown named arguments",
    "FEEL_TYPE_MISMATCH": "a value is not of the type an operator or a parameter requires",
    "FEEL_DUPLICATE_KEY": "a context literal repeats a key",
    "FEEL_NULL_ENDPOINT": "a range literal has a null end point",
    "FEEL_UNKNOWN_PROPERTY": "a path asks a value for a property it does not have",
    "FEEL_INVALID_INDEX": "a list is indexed by a number that is not whole",
    "FEEL_INVALID_ITERATION": "a for/some/every domain cannot be iterated",
    "FEEL_UNKNOWN_TYPE": "instance of names a type that is neither built in nor declared",
    "FEEL_EXTERNAL": "an external function is not supported or failed",
    "FEEL_UNSUPPORTED": "a construct that parses but has no value where it is used",
    "FEEL_RECURSION": "evaluation nested too deeply (usually a function calling itself forever)",
    "FEEL_INTERNAL": "a defect inside an operator or built-in; the value is null",
    "FEEL_SYNTAX": "a text does not parse as FEEL (reported when a model is loaded)",
    "FEEL_INVALID_ARGUMENT": "a function argument has the right type but a value it cannot use",
    "FEEL_DIVISION_BY_ZERO": "a number or duration is divided by zero",
    "FEEL_OVERFLOW": "a number exceeds the range of FEEL numbers (34 digits, exponent 6144)",
    "FEEL_INVALID_OPERATION": "an arithmetic operation has no defined result (such as 0 ** -1)",
    "FEEL_INVALID_TEMPORAL": "a text is not a valid date, time, date and time or duration",
    "FEEL_DATE_RANGE": "a date falls outside the years FEEL allows (-999,999,999 to 999,999,999)",
    "FEEL_REGEX_TIMEOUT": "a regular expression took too long on its input; the value is null",
    "FEEL_TIMEOUT": "the evaluation ran past its time budget and was stopped (no result)",
}


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


class EvaluationTimeout(BaseException):
    """An evaluation ran past its time budget (see ``Evaluation.set_budget``): it stops.

    A BaseException, like KeyboardInterrupt: every compiled FEEL node and the engine catch
    ``Exception`` to turn a failure into null, and a timeout must not become a null that
    lets the evaluation run on (or, worse, answer as if the value were unknown). ``budget``
    is the seconds the evaluation was given; ``code`` is ``FEEL_TIMEOUT``.
    """

    code = "FEEL_TIMEOUT"

    def __init__(self, budget: float | None) -> None:
        self.budget = budget
        self.message = (
            f"the evaluation ran past its time budget of {budget:g} s"
            if budget is not None
            else "the evaluation ran past its time budget"
        )
        super().__init__(self.message)
