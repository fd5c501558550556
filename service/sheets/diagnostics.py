"""Workbook diagnostics: a problem found at a cell, and every message tablerx writes about one.

A :class:`Diagnostic` carries a stable ``code``, a severity, where it is (file, sheet,
cell), a plain-English ``message`` written for clinicians, and the cell ``text`` with the
``span`` of the offending part so that :func:`format_diagnostic` can put a caret under it.

The named constructors below are the only place where codes and messages are spelled out;
``docs/spreadsheet-format.md`` lists every code and a test checks that the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from service.feel.errors import caret_line

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a workbook, located at a cell (or at a sheet, or at the file)."""

    code: str
    message: str
    severity: str = ERROR
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # A1 coordinate
    text: str | None = None  # the cell's text, shown under the message
    span: tuple[int, int] | None = None  # the offending part of ``text``
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        """True for an error (compilation fails), False for a warning."""
        return self.severity == ERROR

    def in_file(self, file: str) -> Diagnostic:
        """This diagnostic with its file name set."""
        return replace(self, file=file)

    @property
    def location(self) -> str:
        """``'Sheet'!B7``, ``'Sheet'`` or an empty string."""
        if self.sheet is None:
            return ""
        quoted = "'" + self.sheet.replace("'", "''") + "'"
        return f"{quoted}!{self.cell}" if self.cell else quoted


def format_diagnostic(diagnostic: Diagnostic) -> str:
    """``file: 'Sheet'!C7: error CODE: message``, then the cell text with a caret line."""
    parts = [p for p in (diagnostic.file, diagnostic.location) if p]
    head = ": ".join([*parts, f"{diagnostic.severity} {diagnostic.code}: {diagnostic.message}"])
    lines = [head]
    if diagnostic.text:
        span = diagnostic.span or (0, len(diagnostic.text))
        lines.extend("    " + line for line in caret_line(diagnostic.text, span).split("\n"))
    if diagnostic.hint:
        lines.append(f"    hint: {diagnostic.hint}")
    return "\n".join(lines)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when at least one diagnostic is an error."""
    return any(d.is_error for d in diagnostics)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, int, str]:
    """Order diagnostics by file, then sheet order is kept by the caller, then row and column."""
    row, col = _cell_order(diagnostic.cell)
    return (diagnostic.file or "", 0, row, col, diagnostic.code)


def _cell_order(cell: str | None) -> tuple[int, int]:
    if not cell:
        return (0, 0)
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return (int(digits or 0), col)


@dataclass(frozen=True, slots=True)
class Where:
    """A cell: sheet name, A1 coordinate and its text (for the caret line)."""

    sheet: str
    cell: str
    text: str | None = None


def _at(
    where: Where | None,
    code: str,
    message: str,
    severity: str = ERROR,
    span: tuple[int, int] | None = None,
    hint: str | None = None,
) -> Diagnostic:
    if where is None:
        return Diagnostic(code, message, severity, hint=hint)
    return Diagnostic(
        code,
        message,
        severity,
        sheet=where.sheet,
        cell=where.cell or None,
        text=where.text,
        span=span,
        hint=hint,
    )


def _quote_list(values: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(values[:limit])
    return shown + (", …" if len(values) > limit else "")


# --- the file itself --------------------------------------------------------------------------


def file_not_found(reason: str) -> Diagnostic:
    """The workbook file does not exist or cannot be opened."""
    return Diagnostic("FILE_UNREADABLE", f"the file cannot be opened: {reason}")


def not_xlsx(what: str) -> Diagnostic:
    """The file is not an Excel .xlsx workbook (``what`` says what it looks like instead)."""
    return Diagnostic(
        "NOT_XLSX",
        f"this is not an Excel workbook (.xlsx): {what}",
        hint="open it in Excel, LibreOffice or Google Sheets and save or download it as .xlsx",
    )


def encrypted() -> Diagnostic:
    """The workbook is protected by a password (an encrypted container, not a zip)."""
    return Diagnostic(
        "ENCRYPTED",
        "this workbook is protected with a password, so tablerx cannot read it",
        hint="remove the password (File > Info > Protect Workbook in Excel) and save again",
    )


def file_too_large(size: int, limit: int) -> Diagnostic:
    """The file is bigger than tablerx reads."""
    return Diagnostic(
        "FILE_TOO_LARGE",
        f"the file is {size:,} bytes; tablerx reads workbooks up to {limit:,} bytes",
    )


def zip_bomb(member: str, size: int, compressed: int) -> Diagnostic:
    """A part of the file would unpack to far more data than a workbook holds."""
    return Diagnostic(
        "ZIP_BOMB",
        f"the part {member!r} would unpack from {compressed:,} to {size:,} bytes, far more "
        "than any workbook needs; the file was not opened",
        hint="the file may be damaged or malicious; save the workbook again from your spreadsheet",
    )


def broken_xlsx(phase: str, reason: str) -> Diagnostic:
    """The file is a workbook but one of its parts cannot be read."""
    return Diagnostic(
        "XLSX_BROKEN",
        f"the workbook is damaged: {phase}: {reason}",
        hint="open it in your spreadsheet program and save it again",
    )


# --- sheets and cells ---------------------------------------------------------------------


def sheet_too_large(sheet: str, cell: str, what: str, limit: int) -> Diagnostic:
    """A sheet has more rows or columns than tablerx reads; reading stopped there."""
    return Diagnostic(
        "SHEET_TOO_LARGE",
        f"this sheet has more than {limit:,} {what}; tablerx stopped reading it here",
        sheet=sheet,
        cell=cell,
        hint="delete the unused rows (select them, then Delete Rows)",
    )


def hidden_sheet(sheet: str, blocks: Sequence[str], very_hidden: bool = False) -> Diagnostic:
    """A hidden sheet holds tables; they are not compiled."""
    hint = "unhide the sheet if it should be part of the model"
    if very_hidden:
        hint = (
            "the sheet is 'very hidden', which Excel's menus cannot undo: tablerx check "
            "WORKBOOK --annotate COPY.xlsx writes a copy with it visible"
        )
    state = "very hidden" if very_hidden else "hidden"
    return Diagnostic(
        "HIDDEN_SHEET",
        f"this sheet is {state}, so its {_quote_list(list(blocks))} were not compiled",
        WARNING,
        sheet=sheet,
        hint=hint,
    )


def hidden_row(where: Where) -> Diagnostic:
    """A hidden row inside a table is compiled like any other (reviewers may not see it)."""
    return _at(
        where,
        "HIDDEN_ROW",
        "this row is hidden but it is part of the table and was compiled",
        WARNING,
        hint="unhide it so that reviewers see every rule",
    )


def hidden_column(where: Where) -> Diagnostic:
    """A hidden column of a table is compiled like any other (reviewers may not see it)."""
    return _at(
        where,
        "HIDDEN_COLUMN",
        "this column is hidden but it is part of the table and was compiled",
        WARNING,
        hint="unhide it so that reviewers see every condition and output",
    )


def column_without_header(
    where: Where, letters: str, table: str, count: int, cells: str, headers: str
) -> Diagnostic:
    """Filled cells of a table under an empty header cell: the column would be ignored."""
    plural = "cells" if count > 1 else "cell"
    return _at(
        where,
        "COLUMN_WITHOUT_HEADER",
        f"column {letters} of {table} has no header, so its {count} {plural} ({cells}) "
        "would be ignored",
        hint=f"restore the header ({headers}) or clear the column",
    )


def merged_across_columns(
    where: Where, cells: str, columns: Sequence[str], mixed_roles: bool
) -> Diagnostic:
    """A data cell merged over columns of different roles (or several outputs/annotations)."""
    what = "columns of different roles" if mixed_roles else "several columns"
    return _at(
        where,
        "MERGED_ACROSS_COLUMNS",
        f"the merged cell {cells} spans {what} ({', '.join(columns)}); unmerge it",
        hint="a merged cell's value is copied into every column it spans: "
        "give each column its own cell",
    )


def text_cut(where: Where, limit: int) -> Diagnostic:
    """A cell with as many characters as Excel keeps: the end of its text was probably cut."""
    return _at(
        where,
        "TEXT_CUT",
        f"this cell holds {limit:,} characters, the most Excel keeps in a cell, so the end of "
        "its text was probably cut off",
        WARNING,
        hint="shorten the text, or move the rest into a Notes block or a reference",
    )


def formula_without_value(where: Where, formula: str) -> Diagnostic:
    """A formula cell has no saved result to use."""
    return _at(
        where,
        "FORMULA_NO_VALUE",
        f"this cell holds the formula ={formula} but the file has no saved result for it",
        hint="open the workbook in Excel or LibreOffice and save it again so the result is stored, "
        "or type the value instead of a formula",
    )


def cell_error(where: Where, error: str) -> Diagnostic:
    """A cell shows a spreadsheet error value such as #N/A or #REF!."""
    return _at(where, "CELL_ERROR", f"this cell shows the spreadsheet error {error}")


def ignored_cell(where: Where) -> Diagnostic:
    """A filled cell outside every table: it is not compiled."""
    return _at(
        where,
        "IGNORED_CELL",
        "this cell is outside every table (its column has no header), so it was ignored",
        WARNING,
        hint="give the column a header such as 'Input: …' or move the note into a Notes block",
    )


# --- blocks and labels -----------------------------------------------------------------------


def no_blocks() -> Diagnostic:
    """No keyword cell anywhere in the workbook."""
    return Diagnostic(
        "NO_BLOCKS",
        "no table was found: no cell says 'Model', 'Inputs', 'Decision table', 'Relation', "
        "'Expressions', 'Knowledge model', 'Tests' or 'References'",
        hint="run 'tablerx new starter.xlsx' to see a workbook in the expected format",
    )


def model_missing(default_id: str) -> Diagnostic:
    """No Model block: the file name gives the id and the version is 0.0.0."""
    return Diagnostic(
        "MODEL_MISSING",
        f"the workbook has no 'Model' block; the model id {default_id!r} and version 0.0.0 "
        "were assumed",
        WARNING,
        hint="add a 'Model' cell followed by rows 'Id', 'Name', 'Version' and 'Status'",
    )


def duplicate_block(where: Where, kind: str, first: str) -> Diagnostic:
    """A block that may occur once per workbook occurs again."""
    return _at(where, "DUPLICATE_BLOCK", f"a second '{kind}' block; the first one is at {first}")


def unknown_label(where: Where, known: Sequence[str]) -> Diagnostic:
    """A label cell that the block does not know; the row is ignored."""
    return _at(
        where,
        "UNKNOWN_LABEL",
        "this label is not known here, so the row was ignored; known labels: "
        + _quote_list(list(known), 12),
        WARNING,
    )


def label_misspelt(where: Where, meant: str) -> Diagnostic:
    """A label that misspells a known one; it is read as that label."""
    return _at(
        where,
        "UNKNOWN_LABEL",
        f"this label is not known here; it was read as '{meant}'",
        hint=f"did you mean '{meant}'?",
    )


def keyword_misspelt(where: Where, text: str, meant: str) -> Diagnostic:
    """A keyword cell that misspells a keyword; its block is read as meant."""
    return _at(
        where,
        "UNKNOWN_KEYWORD",
        f"{text!r} is not a block keyword; did you mean {meant!r}?",
        hint=f"it was read as {meant!r}, so the block below is compiled; correct the spelling",
    )


def value_missing(where: Where, label: str) -> Diagnostic:
    """A required value is empty."""
    return _at(where, "VALUE_MISSING", f"{label} is required here but the cell is empty")


def value_invalid(
    where: Where, what: str, hint: str | None = None, severity: str = ERROR
) -> Diagnostic:
    """A metadata value that does not have the expected form."""
    return _at(where, "VALUE_INVALID", what, severity, hint=hint)


def unknown_column(where: Where, known: Sequence[str]) -> Diagnostic:
    """A column header that the block does not know; the column is ignored."""
    return _at(
        where,
        "UNKNOWN_COLUMN",
        f"this column header is not known here, so the column was ignored; known headers: "
        f"{_quote_list(list(known), 12)}",
        WARNING,
    )


def header_missing(where: Where, kind: str, example: str) -> Diagnostic:
    """A table block without a header row."""
    return _at(
        where,
        "HEADER_MISSING",
        f"this {kind} has no header row",
        hint=f"add a header row such as: {example}",
    )


def header_unknown(
    where: Where, kind: str, roles: Sequence[str], meant: str | None = None
) -> Diagnostic:
    """A header cell whose role cannot be told (``meant``: the header it is close to)."""
    hint = f"start it with one of {_quote_list(list(roles))}, for example 'Input: ecog'"
    return _at(
        where,
        "HEADER_UNKNOWN",
        f"this {kind} column header does not say what the column is",
        hint=f"did you mean '{meant}'?" if meant else hint,
    )


def column_missing(where: Where, kind: str, column: str, meant: str | None = None) -> Diagnostic:
    """A block lacks a column it needs (``meant``: the header here seems to be it, misspelt)."""
    hint = f"did you mean '{meant}'? (the column was read as {meant})" if meant else None
    return _at(where, "COLUMN_MISSING", f"this {kind} has no '{column}' column", hint=hint)


# --- names and types --------------------------------------------------------------------------


def name_invalid(where: Where, name: str, span: tuple[int, int] | None = None) -> Diagnostic:
    """A name that FEEL cannot use."""
    return _at(
        where,
        "NAME_INVALID",
        f"{name!r} cannot be used as a name",
        span=span,
        hint="use letters, digits and underscores, starting with a letter, e.g. lvef_percent",
    )


def name_is_type(where: Where, name: str) -> Diagnostic:
    """A declared type named like a built-in type (``integer``, ``text``)."""
    return _at(
        where,
        "NAME_INVALID",
        f"{name!r} is a built-in type, so it cannot name a declared type",
        hint="choose another name, e.g. t_" + name.replace(" ", "_"),
    )


def name_duplicate(where: Where, name: str, first: str) -> Diagnostic:
    """Two inputs, decisions, relations or knowledge models share one name."""
    return _at(where, "NAME_DUPLICATE", f"the name {name!r} is already used at {first}")


def decision_duplicate(where: Where, name: str, first: str) -> Diagnostic:
    """Two tables or expressions define the same decision."""
    return _at(
        where,
        "DECISION_DUPLICATE",
        f"the decision {name!r} is defined twice: here and at {first}",
        hint="rename one of them, or merge their rules into one table",
    )


def type_unknown(where: Where, text: str, known: Sequence[str]) -> Diagnostic:
    """A type name that is neither a FEEL type nor a declared type."""
    return _at(
        where,
        "TYPE_UNKNOWN",
        f"{text!r} is not a known type",
        hint=f"use one of {_quote_list(list(known), 12)}",
    )


def type_components(where: Where, message: str, hint: str | None = None) -> Diagnostic:
    """A Types row whose components do not fit: no structure above them, or none below it."""
    return _at(where, "TYPE_COMPONENTS", message, hint=hint)


def type_cycle(where: Where, names: Sequence[str]) -> Diagnostic:
    """Declared types defined through each other in a circle."""
    circle = " → ".join([*names, names[0]])
    return _at(
        where,
        "TYPE_CYCLE",
        f"these types are defined through each other in a circle: {circle}",
        hint="a type cannot contain itself, directly or through its components or other types",
    )


def type_allowed_values(
    where: Where, message: str, span: tuple[int, int] | None = None, hint: str | None = None
) -> Diagnostic:
    """Allowed values that cannot constrain their type (on a structure, or names not values)."""
    return _at(where, "TYPE_ALLOWED_VALUES", message, span=span, hint=hint)


def flag_invalid(where: Where, label: str) -> Diagnostic:
    """A yes/no cell holding something else."""
    return _at(where, "FLAG_INVALID", f"{label} must be yes or no")


# --- FEEL in cells ----------------------------------------------------------------------------


def feel_syntax(
    where: Where, what: str, message: str, span: tuple[int, int], hint: str | None = None
) -> Diagnostic:
    """A cell's FEEL text does not parse."""
    return _at(
        where, "FEEL_SYNTAX", f"this {what} could not be read: {message}", span=span, hint=hint
    )


def dash_range(
    where: Where, written: str, low: str, high: str, meant: str, span: tuple[int, int]
) -> Diagnostic:
    """``[0-1]``: in FEEL the list holding the one number 0 minus 1, not a range."""
    return _at(
        where,
        "DASH_RANGE",
        f"{written} is not a range in FEEL: it holds the one number {low} - {high}",
        span=span,
        hint=f"did you mean {meant}?",
    )


def smart_quotes(where: Where) -> Diagnostic:
    """Curly quotes were typed (often by autocorrect); they were read as straight quotes."""
    return _at(
        where,
        "SMART_QUOTES",
        'curly quotes (“ ” ‘ ’) were read as straight quotes (")',
        WARNING,
        hint="turn off 'smart quotes' in your spreadsheet's autocorrect options",
    )


def undeclared_name(
    where: Where,
    name: str,
    span: tuple[int, int],
    suggestions: Sequence[str],
    quoted_hint: bool,
    in_knowledge_model: bool = False,
    boolean: bool = False,
    test_input: bool = False,
) -> Diagnostic:
    """A name that is not an input, decision, relation, knowledge model or built-in function
    (``test_input``: it heads a Tests input column)."""
    hint = None
    if test_input and not suggestions:
        hint = (
            f"declare it in the Inputs block; to send a field the model does not declare "
            f"(a test of UNKNOWN_FIELD), write Extra: {name}"
        )
    elif boolean and name.casefold() in ("yes", "no", "y", "n", "ja", "nein", "oui", "non"):
        hint = "for yes or no write true or false (without quotes)"
    elif in_knowledge_model:
        hint = "a knowledge model sees only its parameters: add it to the 'Parameters' row"
    elif quoted_hint:
        hint = f'if you meant the text {name}, write it in double quotes: "{name}"'
    elif suggestions:
        hint = f"did you mean {' or '.join(suggestions)}?"
    else:
        hint = "declare it in the Inputs block, or define a decision with that name"
    return _at(
        where,
        "UNDECLARED_NAME",
        f"{name!r} is not a declared input, decision or relation",
        span=span,
        hint=hint,
    )


def output_unknown(
    where: Where, decision: str, member: str, outputs: Sequence[str], span: tuple[int, int]
) -> Diagnostic:
    """``decision.member`` where the decision's table has no output named ``member``."""
    return _at(
        where,
        "OUTPUT_UNKNOWN",
        f"{decision} has no output {member!r}, so {decision}.{member} would always be null",
        span=span,
        hint=f"its outputs are {_quote_list(list(outputs))}; restore the output column "
        "or change this cell",
    )


def decimal_comma(where: Where, text: str) -> Diagnostic:
    """``0,5`` in a condition: two values, not the number one half."""
    whole, _, part = text.partition(",")
    return _at(
        where,
        "DECIMAL_COMMA",
        f"{text} is read as two values, {whole} or {part}",
        WARNING,
        hint=f"for the number write {whole}.{part}; for the two values write {whole}, {part}",
    )


def not_allowed(
    where: Where,
    value: str,
    name: str,
    allowed: str,
    span: tuple[int, int] | None,
    severity: str = ERROR,
) -> Diagnostic:
    """A literal outside the allowed values of the input or output it is compared with."""
    return _at(
        where,
        "NOT_ALLOWED_VALUE",
        f"{value} is not one of the allowed values of {name}: {allowed}",
        severity,
        span=span,
    )


def date_typed(where: Where, shown: str, expected: str, name: str) -> Diagnostic:
    """A condition for a number that the spreadsheet stored as a date (``1-2``, ``3/4``)."""
    return _at(
        where,
        "WRONG_TYPE",
        f"the spreadsheet turned this entry into the date {shown}, but {name} holds "
        f"{_article(expected)}",
        hint="format the cell as Text and type the condition again; a range is written [1..2]",
    )


def wrong_type(
    where: Where,
    value: str,
    expected: str,
    name: str,
    span: tuple[int, int] | None,
    severity: str = ERROR,
) -> Diagnostic:
    """A literal of another type than the input or output it belongs to."""
    return _at(
        where,
        "WRONG_TYPE",
        f"{value} is not a {expected}, but {name} holds {_article(expected)}",
        severity,
        span=span,
    )


def _article(type_name: str) -> str:
    return ("an " if type_name[:1] in "aeiou" else "a ") + type_name


# --- decision tables ----------------------------------------------------------------------------


def hit_policy_unknown(where: Where, text: str) -> Diagnostic:
    """A hit policy that is not one of the DMN policies."""
    return _at(
        where,
        "HIT_POLICY_UNKNOWN",
        f"{text!r} is not a hit policy",
        hint="use Unique, First, Priority, Any, Collect, Collect sum, Collect min, Collect max, "
        "Collect count, Rule order or Output order",
    )


def hit_policy_missing(where: Where) -> Diagnostic:
    """A table without a 'Hit policy' row: Unique is assumed."""
    return _at(
        where,
        "HIT_POLICY_MISSING",
        "this table says no hit policy, so Unique (exactly one rule may match) was assumed",
        WARNING,
        hint="add a row 'Hit policy' with Unique, First, Collect, …",
    )


def hit_policy_outputs(where: Where, policy: str, needs: str) -> Diagnostic:
    """A hit policy that does not fit the table's outputs."""
    return _at(where, "HIT_POLICY_OUTPUTS", f"the hit policy {policy} needs {needs}")


def guard_shape(where: Where, needs: str) -> Diagnostic:
    """A guard table (rejects requests) without the shape the service needs."""
    return _at(
        where,
        "GUARD_SHAPE",
        f"a guard table needs {needs}",
        hint="a guard has hit policy Collect and outputs code and message (and optionally field)",
    )


def parameters_missing(where: Where) -> Diagnostic:
    """A knowledge model without parameters."""
    return _at(
        where,
        "PARAMETERS_MISSING",
        "this knowledge model declares no parameters",
        WARNING,
        hint="add a row 'Parameters' listing the names its columns use, e.g. r, care_pathway",
    )


def no_output(where: Where) -> Diagnostic:
    """A decision table without output columns."""
    return _at(
        where,
        "NO_OUTPUT",
        "this table has no output column",
        hint="mark at least one column header 'Output: <name>'",
    )


def no_rules(where: Where) -> Diagnostic:
    """A decision table or relation without rows."""
    return _at(where, "NO_RULES", "this table has no rows", WARNING)


def output_empty(where: Where, name: str) -> Diagnostic:
    """An empty output cell: the rule gives null for that output."""
    return _at(
        where,
        "OUTPUT_EMPTY",
        f"this rule gives no value for {name} (the cell is empty)",
        WARNING,
        hint="write null if no value is intended",
    )


def rule_empty(where: Where, ident: str, row: int) -> Diagnostic:
    """A rule with no conditions and no outputs: it would match everything and give null."""
    rule = f"rule {ident}" if ident else f"the rule in row {row}"
    return _at(
        where,
        "RULE_EMPTY",
        f"{rule} has no conditions and no outputs, so it would match every case and give null",
        hint="delete the row, or fill it in",
    )


def duplicate_id(where: Where, what: str, ident: str, first: str) -> Diagnostic:
    """A rule, test or reference id used twice in one block."""
    return _at(where, "DUPLICATE_ID", f"the {what} id {ident!r} is already used at {first}")


def cycle(where: Where, names: Sequence[str]) -> Diagnostic:
    """Decisions that depend on each other in a circle."""
    circle = " → ".join([*names, names[0]])
    return _at(
        where,
        "CYCLE",
        f"these decisions depend on each other in a circle: {circle}",
        hint="a decision cannot use its own result, directly or through others",
    )


def unused_parameter(where: Where, name: str) -> Diagnostic:
    """A knowledge model parameter that none of its columns uses."""
    return _at(
        where,
        "UNUSED_PARAMETER",
        f"the parameter {name!r} is not used by this knowledge model",
        WARNING,
    )


# --- tests and references -------------------------------------------------------------------------


def test_without_expectation(where: Where) -> Diagnostic:
    """A test row that checks nothing."""
    return _at(
        where,
        "TEST_NO_EXPECTED",
        "this test gives no expected value, so it checks nothing",
        WARNING,
    )


def error_code_unknown(
    where: Where, code: str, span: tuple[int, int], close: Sequence[str]
) -> Diagnostic:
    """An expected error code that neither request validation nor a guard table gives."""
    return _at(
        where,
        "ERROR_CODE_UNKNOWN",
        f"{code!r} is not an error code the service gives for this model",
        span=span,
        hint=f"did you mean {close[0]}?"
        if close
        else "use MISSING_REQUIRED_FIELD, INVALID_TYPE, OUT_OF_RANGE, INVALID_ENUM, "
        "UNKNOWN_FIELD or a code of the model's guard tables",
    )


def refusal_mismatch(
    where: Where, message: str, span: tuple[int, int] | None, hint: str | None = None
) -> Diagnostic:
    """A test row whose expected refusal does not fit what it sends (or expects)."""
    return _at(where, "REFUSAL_MISMATCH", message, span=span, hint=hint)


def citation_unknown(where: Where, code: str, span: tuple[int, int] | None) -> Diagnostic:
    """A citation code that the References block does not list."""
    return _at(
        where,
        "CITATION_UNKNOWN",
        f"the citation {code!r} is not listed in the References block",
        WARNING,
        span=span,
    )


def more_problems(code: str, sheet: str | None, count: int, errors: bool) -> Diagnostic:
    """The count of further diagnostics of one code on one sheet that were not shown."""
    return Diagnostic(
        "MORE_PROBLEMS",
        f"{count:,} more {code} problems on this sheet are not shown",
        ERROR if errors else WARNING,
        sheet=sheet,
        hint="fix the ones shown (often one mistake repeated) and check again",
    )


def model_conflict(file: str, other: str, target: str) -> Diagnostic:
    """Two workbooks compile to the same model id and version."""
    return Diagnostic(
        "DUPLICATE_MODEL",
        f"{other} has the same model id and version, so both would write {target}",
        hint="give one of them another model id or version",
    )


def version_published(where: Where | None, message: str) -> Diagnostic:
    """The model version is already published with other content (``message`` says which)."""
    return _at(
        where,
        "VERSION_ALREADY_PUBLISHED",
        message,
        hint="published versions never change; nothing was written for this workbook",
    )


# --- the compiled model ---------------------------------------------------------------------------


def dmn_invalid(message: str, where: Where | None = None) -> Diagnostic:
    """The DMN built from the workbook fails structural validation (a tablerx bug)."""
    return _at(where, "DMN_INVALID", f"the compiled DMN is not valid: {message}")


def internal_error(detail: str) -> Diagnostic:
    """tablerx itself failed on this workbook."""
    return Diagnostic(
        "INTERNAL_ERROR",
        f"tablerx could not compile this workbook because of an error of its own: {detail}",
        hint="please report it with the workbook; nothing was written",
    )


def not_exportable(what: str, name: str) -> Diagnostic:
    """A part of a DMN model that the workbook format cannot hold."""
    return Diagnostic(
        "NOT_EXPORTABLE",
        f"{what} {name!r} cannot be written as a workbook block and was left out",
        WARNING,
    )


def exported_as_text(what: str, name: str) -> Diagnostic:
    """A boxed expression written into the workbook as one equivalent FEEL expression."""
    return Diagnostic(
        "EXPORTED_AS_TEXT",
        f"{what} {name!r} was written as one FEEL expression (workbooks have no boxed form for it)",
        WARNING,
    )
