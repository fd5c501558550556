"""The engine's problems: load-time diagnostics (ModelError) and run-time defect codes.

Every code and message the engine produces is spelled out here, once. Load-time problems
are :class:`service.dmn.diagnostics.Diagnostic` records (a FEEL syntax error names the
element id and shows the text with a caret under the fault); a model with any error-level
diagnostic raises :class:`ModelError` listing them all. Run-time defects of a decision are
recorded as :class:`service.engine.explain.DecisionError` with one of the codes below.
"""

from __future__ import annotations

from service.dmn.diagnostics import Diagnostic, DmnReadError
from service.feel.errors import FeelSyntaxError, caret_line


class ModelError(DmnReadError):
    """A model set that cannot be compiled; ``diagnostics`` lists every problem found."""


# --- load time --------------------------------------------------------------------------------


def feel_syntax(element_id: str | None, where: str, error: FeelSyntaxError) -> Diagnostic:
    """A FEEL text that does not parse, with the text and a caret under the fault."""
    return Diagnostic(
        "ENGINE_FEEL_SYNTAX",
        f"{where}: {error.message}\n{caret_line(error.source, error.span)}",
        element_id=element_id,
    )


def unknown_type(element_id: str | None, where: str, type_ref: str) -> Diagnostic:
    """A typeRef naming no built-in type nor item definition (treated as Any)."""
    return Diagnostic(
        "ENGINE_UNKNOWN_TYPE",
        f"{where}: unknown type {type_ref!r}, values are not checked against it",
        element_id=element_id,
        severity="warning",
    )


def unresolved_import(element_id: str | None, model: str, namespace: str) -> Diagnostic:
    """An import whose namespace matches no loaded model."""
    return Diagnostic(
        "ENGINE_UNRESOLVED_IMPORT",
        f"model {model!r} imports namespace {namespace!r}, which no loaded model has",
        element_id=element_id,
        hint="load the imported model's file together with this one",
    )


def duplicate_namespace(namespace: str, first: str, second: str) -> Diagnostic:
    """Two loaded models share a namespace."""
    return Diagnostic(
        "ENGINE_DUPLICATE_NAMESPACE",
        f"models {first!r} and {second!r} share the namespace {namespace!r}",
    )


def unresolved_reference(element_id: str | None, owner: str, href: str) -> Diagnostic:
    """A requirement or decision service reference that points at nothing loaded."""
    return Diagnostic(
        "ENGINE_UNRESOLVED_HREF",
        f"{owner} refers to {href!r}, which is not in any loaded model",
        element_id=element_id,
    )


def requirement_cycle(element_id: str | None, names: list[str]) -> Diagnostic:
    """Decisions that require each other."""
    return Diagnostic(
        "ENGINE_REQUIREMENT_CYCLE",
        "the decisions require each other: " + " -> ".join(names),
        element_id=element_id,
    )


def implicit_requirement(element_id: str | None, decision: str, used: str) -> Diagnostic:
    """A decision uses another decision without an information requirement on it."""
    return Diagnostic(
        "ENGINE_IMPLICIT_REQUIREMENT",
        f"decision {decision!r} uses decision {used!r} without requiring it; "
        "the requirement is assumed",
        element_id=element_id,
        severity="warning",
        hint="add an informationRequirement on the used decision",
    )


def aggregation_needs_single_output(element_id: str | None, aggregation: str) -> Diagnostic:
    """COLLECT with an aggregation over a table with several outputs."""
    return Diagnostic(
        "ENGINE_AGGREGATION_OUTPUTS",
        f"COLLECT {aggregation} needs a table with a single output",
        element_id=element_id,
    )


def table_shape(element_id: str | None, message: str) -> Diagnostic:
    """A decision table whose rules do not fit its columns."""
    return Diagnostic("ENGINE_TABLE_SHAPE", message, element_id=element_id)


def unsupported_function_kind(element_id: str | None, kind: str) -> Diagnostic:
    """A Java or PMML function definition: loaded, but it returns null when invoked."""
    return Diagnostic(
        "ENGINE_FUNCTION_KIND",
        f"{kind} functions are not supported; invoking this one gives null",
        element_id=element_id,
        severity="warning",
    )


# --- run time: DecisionError codes -----------------------------------------------------------

UNIQUE_VIOLATION = "UNIQUE_VIOLATION"
ANY_CONFLICT = "ANY_CONFLICT"
INPUT_VALUE_NOT_ALLOWED = "INPUT_VALUE_NOT_ALLOWED"
INPUT_TYPE_MISMATCH = "INPUT_TYPE_MISMATCH"
NO_OUTPUT_VALUE_MATCH = "NO_OUTPUT_VALUE_MATCH"
AGGREGATION_FAILED = "AGGREGATION_FAILED"
EVALUATION_FAILED = "EVALUATION_FAILED"

# Run-time warning codes (FeelWarning.code) the engine adds to FEEL's own.
TYPE_COERCION = "ENGINE_TYPE_COERCION"
NO_DECISION_LOGIC = "ENGINE_NO_DECISION_LOGIC"
UNKNOWN_INPUT = "ENGINE_UNKNOWN_INPUT"
BAD_INVOCATION = "ENGINE_BAD_INVOCATION"
UNSUPPORTED_FUNCTION = "ENGINE_UNSUPPORTED_FUNCTION"
NOT_BOOLEAN = "ENGINE_NOT_BOOLEAN"

DECISION_ERROR_CODES = (
    UNIQUE_VIOLATION,
    ANY_CONFLICT,
    INPUT_VALUE_NOT_ALLOWED,
    INPUT_TYPE_MISMATCH,
    NO_OUTPUT_VALUE_MATCH,
    AGGREGATION_FAILED,
    EVALUATION_FAILED,
)
WARNING_CODES = (
    TYPE_COERCION, NO_DECISION_LOGIC, UNKNOWN_INPUT, BAD_INVOCATION, UNSUPPORTED_FUNCTION,
    NOT_BOOLEAN,
)  # fmt: skip


def unique_violation(rules: list[str]) -> str:
    """Message: several rules matched under UNIQUE."""
    return f"hit policy UNIQUE, but {len(rules)} rules matched: {', '.join(rules)}"


def any_conflict(rules: list[str]) -> str:
    """Message: rules matched under ANY with different outputs."""
    return f"hit policy ANY, but the matching rules {', '.join(rules)} give different outputs"


def input_not_allowed(column: str, value: str, allowed: str) -> str:
    """Message: an input value outside the column's input values."""
    return f"input {column} is {value}, which is not one of its input values {allowed}"


def input_type_mismatch(column: str, value: str, type_ref: str) -> str:
    """Message: an input value that does not conform to the column's type."""
    return f"input {column} is {value}, which is not a {type_ref}"


def output_not_allowed(output: str, value: str, allowed: str, rule: str) -> str:
    """Message: an output entry outside the output clause's output values."""
    return f"rule {rule} gives {output} = {value}, which is not one of its output values {allowed}"


def aggregation_failed(aggregation: str, reason: str) -> str:
    """Message: COLLECT's aggregation could not combine the outputs."""
    return f"COLLECT {aggregation} failed: {reason}"


def evaluation_failed(reason: str) -> str:
    """Message: an unexpected failure while evaluating a decision."""
    return f"the decision could not be evaluated: {reason}"
