"""``tablerx new``: a starter workbook with one sheet of every kind, each explaining itself.

The starter is a small, complete model (a second-line treatment choice) that compiles
without a problem, so a clinician can change it step by step and run ``tablerx check``
after each change. Every sheet opens with notes saying what the sheet is for and how to
fill it in; the notes sit above the first keyword cell, where the compiler ignores them.
The same workbook is the worked example of docs/spreadsheet-format.md.
"""

from __future__ import annotations

from pathlib import Path

from service.sheets.writer import BlockOut, Choices, SheetOut, layout_sheet, save

QUOTES_NOTE = (
    'In rule cells, text goes in double quotes ("bsc"); a word without quotes is the name '
    "of an input "
    "or decision. Numbers, true and false need no quotes."
)


def starter_sheets() -> list[SheetOut]:
    """The sheets of the starter workbook, in tab order."""
    return [
        _read_me(),
        _model(),
        _inputs(),
        _checks(),
        _pathway(),
        _catalogue(),
        _candidate(),
        _options(),
        _tests(),
        _references(),
    ]


def starter_choices() -> Choices:
    """Drop-down values for the rule cells of the starter's declared inputs."""
    return Choices(
        inputs={
            "line_of_therapy": ["2", "3", "-"],
            "her2_status": ['"positive"', '"negative"', '"not_retested"', "-"],
            "progressed": ["true", "false", "-"],
            "ecog": ["0", "1", "2", "3", "4", ">= 3", "[0..1]", "-"],
        }
    )


def write_starter(path: Path) -> None:
    """Write the starter workbook to ``path``."""
    choices = starter_choices()
    save([layout_sheet(sheet, choices) for sheet in starter_sheets()], path)


def _read_me() -> SheetOut:
    return SheetOut(
        "Read me",
        notes=[
            "tablerx workbook: decision tables that compile to standard DMN 1.5.",
            "",
            "How it works: every table starts with a KEYWORD CELL in its first column (Model, "
            "Inputs, Decision table,",
            "Knowledge model, Relation, Expressions, Tests, References, Notes), often followed "
            "by a name in the next cell.",
            "Rows of labels follow (Hit policy | Unique), then a header row that says what each "
            "column is, then the rows.",
            "Anything above the first keyword cell of a sheet (like this text) is ignored, and "
            "so is a Notes block.",
            "Colours, borders and fonts do not matter: only the words in the cells do.",
            "",
            "Steps:",
            "  1. Fill in the Model sheet (id, version, status, authors).",
            "  2. Declare every input the model needs on the Inputs sheet: name, type, allowed "
            "values, required.",
            "  3. Write decision tables, one per sheet: each rule is a row; conditions in Input "
            "columns, results in",
            "     Output columns, rationale and citations in Annotation columns.",
            "  4. Add test cases on the Tests sheet.",
            "  5. Run:  tablerx check this.xlsx     (every problem, with its cell; --annotate "
            "copy.xlsx marks them)",
            "     then: tablerx compile this.xlsx   (writes decisions/<model id>/<version>.dmn)",
            "",
            "Writing cells (FEEL, the language of DMN):",
            '  - Text in double quotes: "bsc". '
            "A word without quotes is a name (an input or a decision).",
            "  - Numbers and true/false as they are: 3, 0.5, true.",
            "  - Conditions: - (anything), 3, >= 3, < 50, [0..1] (0 to 1 inclusive), (0..1) "
            "(exclusive),",
            '    "a", "b" (either), not("a") (anything but), null (not assessed).',
            "  - Use >= and <=, not ≥ and ≤.",
            "",
            "Hit policies, in words: Unique (exactly one rule may match), First (the first "
            "matching rule wins),",
            "Priority (the match with the highest-priority output wins), Any (matches must agree),",
            "Collect (all matches, as a list), Collect sum / min / max / count, Rule order, "
            "Output order.",
        ],
        widths={0: 120},
    )


def _model() -> SheetOut:
    return SheetOut(
        "Model",
        notes=[
            "The Model block names the model. Id: lower-case letters, digits and dashes; it "
            "names the folder in decisions/.",
            "Version: give every published change a new version (type it as text, e.g. 0.1.0).",
            "Status: draft, in review, approved or retired. Separate several authors or "
            "reviewers with ;",
        ],
        blocks=[
            BlockOut(
                "Model",
                labels=[
                    ("Id", "her2-second-line-starter"),
                    ("Name", "Second-line treatment choice (starter)"),
                    ("Version", "0.1.0"),
                    ("Status", "draft"),
                    ("Authors", "Your name"),
                    ("Reviewers", ""),
                    ("Effective date", "2025-09-16"),
                    ("Description", "A small example model: fill in your own."),
                ],
            )
        ],
    )


def _inputs() -> SheetOut:
    return SheetOut(
        "Inputs",
        notes=[
            "One row per input the model receives. Names: letters, digits and underscores "
            "(lvef_percent).",
            "Type: number, integer, string, boolean, date, date and time, time, days and time "
            "duration,",
            "years and months duration, or list of <type>. Allowed values: a list (positive, "
            "negative) or a range [0..4].",
            "Required: yes or no. Unit and Description are shown to users.",
        ],
        blocks=[
            BlockOut(
                "Inputs",
                header=["Name", "Type", "Allowed values", "Unit", "Required", "Description"],
                rows=[
                    [
                        "line_of_therapy",
                        "integer",
                        "2, 3",
                        "",
                        "yes",
                        "The line of therapy now being chosen.",
                    ],
                    [
                        "progressed",
                        "boolean",
                        "",
                        "",
                        "yes",
                        "Progression on first-line therapy is confirmed.",
                    ],
                    [
                        "her2_status",
                        "string",
                        "positive, negative, not_retested",
                        "",
                        "yes",
                        "HER2 on the latest biopsy after progression.",
                    ],
                    [
                        "ecog",
                        "integer",
                        "[0..4]",
                        "ECOG grade",
                        "yes",
                        "Current ECOG performance status.",
                    ],
                    [
                        "lvef_percent",
                        "number",
                        "[5..90]",
                        "%",
                        "no",
                        "Latest left-ventricular ejection fraction.",
                    ],
                ],
                header_notes={
                    2: "For text inputs, list the values separated by commas; for numbers, a "
                    "range like [0..4]."
                },
            )
        ],
    )


def _checks() -> SheetOut:
    return SheetOut(
        "Request checks",
        notes=[
            "A guard table: Role guard rejects a request when any rule matches, returning its "
            "code and message.",
            "It needs hit policy Collect and outputs code and message (field is optional).",
            QUOTES_NOTE,
        ],
        blocks=[
            BlockOut(
                "Decision table",
                "request_errors",
                labels=[("Hit policy", "Collect"), ("Role", "guard")],
                header=[
                    "Rule",
                    "Input: line_of_therapy",
                    "Input: progressed",
                    "Output: code",
                    "Output: message",
                    "Output: field",
                ],
                rows=[
                    [
                        "0.1",
                        "3",
                        "false",
                        '"CONTRADICTION"',
                        '"line 3 implies progression on line 1"',
                        '"progressed"',
                    ]
                ],
            )
        ],
    )


def _pathway() -> SheetOut:
    return SheetOut(
        "Pathway",
        notes=[
            "A decision table. Each row is a rule: the conditions in the Input columns, the "
            "result in the Output column.",
            "An empty condition or - matches anything. Annotation columns hold plain text (no "
            "quotes needed).",
            QUOTES_NOTE,
        ],
        blocks=[
            BlockOut(
                "Decision table",
                "care_pathway",
                labels=[
                    ("Hit policy", "Unique"),
                    ("Description", "Which kind of care fits the patient."),
                ],
                header=[
                    "Rule",
                    "Input: progressed",
                    "Input: ecog",
                    "Output: care_pathway",
                    "Annotation: rationale",
                    "Annotation: citation",
                ],
                rows=[
                    [
                        "2.1",
                        "false",
                        "-",
                        '"confirm_progression"',
                        "Do not switch therapy until progression is confirmed.",
                        "ARTICLE",
                    ],
                    ["2.2", "true", ">= 3", '"bsc"', "ECOG 3-4: best supportive care.", "CONV"],
                    [
                        "2.3",
                        "true",
                        "2",
                        '"systemic_limited"',
                        "ECOG 2: single agents only.",
                        "CONV",
                    ],
                    [
                        "2.4",
                        "true",
                        "[0..1]",
                        '"systemic_full"',
                        "The population of the pivotal trials.",
                        "DG04",
                    ],
                ],
                header_notes={
                    1: "Input: <name> tests an input or decision; the drop-down lists its "
                    "allowed values."
                },
            )
        ],
    )


def _catalogue() -> SheetOut:
    return SheetOut(
        "Catalogue",
        notes=[
            "A relation: a fixed table of data, one row per regimen. The first row names the "
            "columns,",
            "the second gives their types. Values here are data: text needs no quotes; a list is "
            "written 2, 3.",
        ],
        blocks=[
            BlockOut(
                "Relation",
                "catalogue",
                header=["regimen", "priority", "lines", "kind", "anti_her2"],
                meta=[["string", "number", "list of number", "string", "boolean"]],
                rows=[
                    ["Trastuzumab deruxtecan", 10, "2, 3", "systemic", True],
                    ["Trifluridine/tipiracil", 15, "3", "systemic", False],
                    ["Ramucirumab + paclitaxel", 20, "2, 3", "systemic", False],
                    ["Best supportive care", 100, "2, 3", "supportive", False],
                ],
            )
        ],
    )


def _candidate() -> SheetOut:
    return SheetOut(
        "Candidate",
        notes=[
            "A knowledge model: a decision table with parameters, used by an expression (see "
            "Options) once per",
            "catalogue row r. Its columns may use only its parameters (r.kind is the kind of row "
            "r).",
            QUOTES_NOTE,
        ],
        blocks=[
            BlockOut(
                "Knowledge model",
                "is_candidate",
                labels=[
                    ("Parameters", "r, care_pathway, line_of_therapy, her2_status"),
                    ("Hit policy", "First"),
                ],
                header=[
                    "Rule",
                    "Input: care_pathway",
                    "Input: r.kind",
                    "Input: line_of_therapy in r.lines",
                    "Input: r.anti_her2",
                    "Input: her2_status",
                    "Output: candidate",
                ],
                rows=[
                    ["4.1", '"confirm_progression"', "-", "-", "-", "-", "false"],
                    ["4.2", '"bsc"', '"supportive"', "-", "-", "-", "true"],
                    ["4.3", '"bsc"', "-", "-", "-", "-", "false"],
                    ["4.4", "-", "-", "false", "-", "-", "false"],
                    ["4.5", "-", "-", "-", "true", '"negative"', "false"],
                    [
                        "4.6",
                        '"systemic_full", "systemic_limited"',
                        '"systemic"',
                        "-",
                        "-",
                        "-",
                        "true",
                    ],
                    ["4.7", "-", "-", "-", "-", "-", "false"],
                ],
            )
        ],
    )


def _options() -> SheetOut:
    return SheetOut(
        "Options",
        notes=[
            "Expressions: one decision per row, written in FEEL. They may use inputs, decisions, "
            "relations and",
            "knowledge models by name. catalogue[...] keeps the rows for which the condition "
            "holds (item is the row);",
            "sort(list, function(a, b) a.priority < b.priority) orders them.",
        ],
        blocks=[
            BlockOut(
                "Expressions",
                header=["Name", "Expression", "Type", "Description"],
                rows=[
                    [
                        "candidates",
                        "catalogue[is_candidate(item, care_pathway, line_of_therapy, her2_status)]",
                        "",
                        "The catalogue rows that suit this patient.",
                    ],
                    [
                        "options",
                        "for r in sort(candidates, function(a, b) a.priority < b.priority) "
                        "return r.regimen",
                        "list of string",
                        "The regimens, best first.",
                    ],
                    [
                        "first_choice",
                        "if count(options) > 0 then options[1] else null",
                        "string",
                        "The preferred regimen.",
                    ],
                ],
            )
        ],
    )


def _tests() -> SheetOut:
    return SheetOut(
        "Tests",
        notes=[
            "Test cases: one per row. Input columns give the request, Expected columns the "
            "results to check. Values are data: text needs no quotes, lists are written "
            '["a", "b"].',
            "Leave a cell empty to leave the input out (not assessed) or not to check that "
            "result; write null for an explicit null.",
            "A row with Expected: errors expects the service to refuse the request with those "
            "codes (CODE or CODE field); its cells are sent as written (yes is the text yes), "
            "and Extra: columns send fields the model does not declare.",
        ],
        blocks=[
            BlockOut(
                "Tests",
                header=[
                    "Test",
                    "Description",
                    "Input: line_of_therapy",
                    "Input: progressed",
                    "Input: her2_status",
                    "Input: ecog",
                    "Expected: care_pathway",
                    "Expected: first_choice",
                    "Expected: options",
                ],
                rows=[
                    [
                        "T1",
                        "Fit, HER2 still positive",
                        2,
                        True,
                        "positive",
                        0,
                        "systemic_full",
                        "Trastuzumab deruxtecan",
                        '["Trastuzumab deruxtecan", "Ramucirumab + paclitaxel"]',
                    ],
                    [
                        "T2",
                        "HER2 lost after progression",
                        2,
                        True,
                        "negative",
                        1,
                        "systemic_full",
                        "Ramucirumab + paclitaxel",
                        '["Ramucirumab + paclitaxel"]',
                    ],
                    [
                        "T3",
                        "Poor performance status",
                        3,
                        True,
                        "positive",
                        3,
                        "bsc",
                        "Best supportive care",
                        '["Best supportive care"]',
                    ],
                    [
                        "T4",
                        "Progression not confirmed",
                        2,
                        False,
                        "positive",
                        0,
                        "confirm_progression",
                        "null",
                        "[]",
                    ],
                ],
            ),
            BlockOut(
                "Tests",
                "requests the service refuses",
                header=[
                    "Test",
                    "Description",
                    "Input: line_of_therapy",
                    "Input: progressed",
                    "Input: her2_status",
                    "Input: ecog",
                    "Extra: smoker",
                    "Expected: errors",
                ],
                rows=[
                    [
                        "R1",
                        "Line 3 without progression on line 1",
                        3,
                        False,
                        "positive",
                        0,
                        None,
                        "CONTRADICTION progressed",
                    ],
                    [
                        "R2",
                        "Values outside the allowed ones",
                        2,
                        True,
                        "unknown",
                        7,
                        None,
                        "INVALID_ENUM her2_status, OUT_OF_RANGE ecog",
                    ],
                    [
                        "R3",
                        "Values of the wrong type",
                        2.5,
                        "yes",
                        "positive",
                        1,
                        None,
                        "INVALID_TYPE line_of_therapy, INVALID_TYPE progressed",
                    ],
                    [
                        "R4",
                        "A required input left out; a field the model does not declare",
                        2,
                        True,
                        None,
                        1,
                        "yes",
                        "MISSING_REQUIRED_FIELD her2_status, UNKNOWN_FIELD smoker",
                    ],
                ],
            ),
        ],
    )


def _references() -> SheetOut:
    return SheetOut(
        "References",
        notes=[
            "The citation codes used in the tables, with their full text. tablerx warns about a "
            "code it cannot find here.",
        ],
        blocks=[
            BlockOut(
                "References",
                header=["Code", "Citation", "Link"],
                rows=[
                    ["ARTICLE", "The clinical source article this model follows.", ""],
                    [
                        "CONV",
                        "Clinical convention chosen for this model; needs clinician sign-off.",
                        "",
                    ],
                    [
                        "DG04",
                        "Shitara K et al. Trastuzumab Deruxtecan or Ramucirumab plus Paclitaxel "
                        "in Gastric Cancer. "
                        "N Engl J Med 2025;393:336-348.",
                        "https://doi.org/10.1056/NEJMoa2503119",
                    ],
                ],
            )
        ],
    )
