"""Write the golden input workbooks (run by hand: ``python tests/sheets/golden/make_golden.py``).

``features.xlsx`` uses every block and the things clinicians do (merged cells, formulas,
dates typed as dates, numbers stored as text, stray spaces, a hidden sheet, comments, notes,
formatting far from the tables). It is written with openpyxl and then opened and saved by
LibreOffice, so that its formulas carry saved results as real files do; that needs
``soffice`` (apt-get install libreoffice-calc-nogui). ``mistakes.xlsx`` holds one of each
common mistake. The expected outputs are refreshed by running the golden tests with
``TABLERX_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

HERE = Path(__file__).resolve().parent

FEATURES: dict[str, list[list[object]]] = {
    "About": [
        ["This workbook exercises every block of the tablerx format."],
        ["Text above the first keyword is free."],
        [],
        ["Model"],
        ["Id", "features-demo"],
        ["Name", "Feature demonstration"],
        ["Version", "2.1.0"],
        ["Status", "In review"],
        ["Authors", "A. Oncologist; B. Pharmacist"],
        ["Reviewers", "C. Reviewer"],
        ["Effective date", datetime.date(2025, 9, 16)],
        ["Description", "Golden workbook for the compiler tests."],
        [],
        ["Notes"],
        ["Anything in a Notes block is ignored, even Decision table words."],
    ],
    "Inputs": [
        ["Inputs"],
        [
            "Name",
            "Type",
            "Allowed values",
            "Unit",
            "Required",
            "Default",
            "Required when",
            "Description",
        ],
        ["line_of_therapy", "integer", "2, 3", None, "yes", None, None, "Line being chosen"],
        [
            "her2_status",
            "string",
            "positive, negative, not_retested",
            None,
            "Yes",
            None,
            None,
            "HER2 status",
        ],
        ["ecog", "integer", "[0..4]", "ECOG grade", "yes", None, None, None],
        ["lvef_percent", "number", "[5..90]", "%", "no", None, None, None],
        [
            "prior_regimen",
            "string",
            "Docetaxel, Paclitaxel, Other",
            None,
            "no",
            None,
            "line_of_therapy = 3",
            None,
        ],
        ["preference", "text", "none, declines_therapy", None, "no", "none", None, None],
        ["comorbidities", "list of string", None, None, "no", None, None, "Free list"],
        ["diagnosis_date", "date", None, None, "no", None, None, None],
    ],
    "Checks": [
        ["Decision table", "request_errors"],
        ["Hit policy", "C"],
        ["Role", "guard"],
        [
            "#",
            "Input: line_of_therapy",
            "Input: prior_regimen",
            "Output: code",
            "Output: message",
            "Output: field",
        ],
        [
            "0.1",
            "3",
            "null",
            '"MISSING_REQUIRED_FIELD"',
            '"prior_regimen is required for line 3"',
            '"prior_regimen"',
        ],
        [
            "0.2",
            "2",
            "not(null)",
            '"CONTRADICTION"',
            '"no line-2 regimen can exist in line 2"',
            '"prior_regimen"',
        ],
    ],
    "Pathway": [
        ["Decision table", "care_pathway"],
        ["Hit policy", "Priority"],
        ["Description", "Fitness for treatment"],
        [None, "Inputs", None, "Outputs", "Annotations", None],
        ["Rule", "preference", "ecog", "care_pathway", "rationale", "citation"],
        ["Type", None, None, "string", None, None],
        ["Allowed values", None, None, '"bsc", "systemic_limited", "systemic_full"', None, None],
        ["2.1", '"declines_therapy"', "-", '"bsc"', "Informed refusal is respected.", "CONV"],
        [
            "2.2",
            'not("declines_therapy")',
            ">= 3",
            '"bsc"',
            "Poor performance status.",
            "[SRC:DG04]",
        ],
        ["2.3", None, "2", '"systemic_limited"', "ECOG 2: single agents.", "CONV"],
        ["2.4", "-", "[0..1]", '"systemic_full"', "Trial population.", "DG04, CONV"],
    ],
    "Score": [
        ["Decision table: toxicity_score"],
        ["Hit policy", "Collect sum"],
        ["Input: lvef_percent", "Input: ecog", "Output: points"],
        ["< 50", "-", "2"],
        ["-", ">= 2", "1"],
        ["null", "-", "1"],
    ],
    "Catalogue": [
        ["Relation", "catalogue"],
        ["Description", "One row per regimen"],
        ["regimen", "priority", "lines", "kind", "since"],
        ["string", "number", "list of number", "string", "date"],
        ["Trastuzumab deruxtecan", "10", "2, 3", " systemic ", datetime.date(2023, 1, 1)],
        ["Ramucirumab + paclitaxel", "=10*2", "[2, 3]", "systemic", "2015-06-01"],
        ["Best supportive care", 100, 2.0, "supportive", None],
    ],
    "Candidate": [
        ["Knowledge model", "is_candidate"],
        ["Parameters", "r, care_pathway, line_of_therapy"],
        ["Hit policy", "First"],
        [
            "Rule",
            "Input: care_pathway",
            "Input: r.kind",
            "Input: line_of_therapy in r.lines",
            "Output: candidate",
        ],
        ["4.1", '"bsc"', '"supportive"', "-", "true"],
        ["4.2", '"systemic_full", "systemic_limited"', '"systemic"', "true", "true"],
        ["4.3", "-", "-", "-", "false"],
    ],
    "Helpers": [
        ["Knowledge model", "label_of"],
        ["Parameters", "regimen: string, rank: number"],
        ["Expression", 'string(rank) + ". " + regimen'],
    ],
    "Options": [
        ["Expressions"],
        ["Name", "Expression", "Type", "Description", "Top level"],
        [
            "candidates",
            "catalogue[is_candidate(item, care_pathway, line_of_therapy)]",
            None,
            None,
            "no",
        ],
        [
            "options",
            "for r in sort(candidates, function(a, b) a.priority < b.priority) return r.regimen",
            "list of string",
            "Best first",
            None,
        ],
        [
            "labels",
            "for i in 1..count(options) return label_of(options[i], i)",
            "list of string",
            None,
            None,
        ],
        [
            "option_count",
            '=CONCATENATE("count(", "options)")',
            "number",
            "A formula's saved result",
            None,
        ],
    ],
    "Tests": [
        ["Tests"],
        [
            "Test",
            "Description",
            "Input: line_of_therapy",
            "Input: her2_status",
            "Input: ecog",
            "Input: preference",
            "Input: diagnosis_date",
            "Expected: care_pathway",
            "Expected: options",
            "Expected: request_errors",
        ],
        [
            "T1",
            "fit",
            2,
            "positive",
            0,
            None,
            datetime.date(2024, 5, 1),
            "systemic_full",
            '["Trastuzumab deruxtecan", "Ramucirumab + paclitaxel"]',
            "[]",
        ],
        [
            "T2",
            "declines",
            "3",
            "negative",
            1,
            "declines_therapy",
            None,
            "bsc",
            '["Best supportive care"]',
            '[{code: "MISSING_REQUIRED_FIELD", message: "prior_regimen is required for line 3", '
            'field: "prior_regimen"}]',
        ],
    ],
    "References": [
        ["References"],
        ["Code", "Citation", "Link"],
        ["CONV", "Clinical convention", None],
        [
            "DG04",
            "Shitara K et al. N Engl J Med 2025;393:336-348.",
            "https://doi.org/10.1056/NEJMoa2503119",
        ],
    ],
}

MISTAKES: dict[str, list[list[object]]] = {
    "Model": [["Model"], ["Id", "Mistakes Demo"], ["Version", "1.0"], ["Status", "finished"]],
    "Inputs": [
        ["Inputs"],
        ["Name", "Type", "Allowed values", "Required"],
        ["ecog", "integer", "[0..4]", "yes"],
        ["her2", "string", "positive, negative", "yes"],
        ["2nd_line", "number", None, "maybe"],
        ["weight", "kilograms", None, "no"],
    ],
    "T2 Pathway": [
        ["Decision table", "care_pathway"],
        ["Hit policy", "Unqiue"],
        ["Rule", "Input: ecog", "Input: her2", "Input: lvef", "Output: care_pathway"],
        ["Type", None, None, None, "string"],
        ["2.1", "[0..1", '"positive"', "-", '"a"'],
        ["2.1", "7", "positive", "-", '"b"'],
        ["2.3", "2", '"postive"', "-", "5"],
        ["2.4", "≥ 3", '"negative"', "-", "best supportive care for now"],
    ],
    "Copy": [
        ["Decision table", "care_pathway"],
        ["Hit policy", "First"],
        ["Input: ecog", "Output: care_pathway"],
        ["-", '"x"'],
    ],
    "Derived": [
        ["Expressions"],
        ["Name", "Expression"],
        ["a", "b + 1"],
        ["b", "a * 2"],
        ["c", "count(["],
    ],
}


def write(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """Write ``sheets`` with openpyxl, plus the decorations of a real workbook."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if "Pathway" in sheets:
        _decorate(workbook)
    workbook.save(path)


def _decorate(workbook: openpyxl.Workbook) -> None:
    pathway = workbook["Pathway"]
    pathway.merge_cells("B4:C4")
    pathway.merge_cells("E4:F4")
    pathway.merge_cells("B9:B10")  # one condition for rules 2.2 and 2.3
    pathway["A1"].font = Font(bold=True)
    pathway["D8"].comment = Comment("Reviewed 2025-09", "C. Reviewer")
    for row in range(1, 300):
        pathway.cell(row=row, column=40).fill = PatternFill(
            fill_type="solid", start_color="FFEEEEEE"
        )
    lists = workbook.create_sheet("Lists")
    lists.append(["draft"])
    lists.sheet_state = "hidden"


def main() -> int:
    """Write the golden workbooks next to this script."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print(
            "make_golden.py needs LibreOffice (apt-get install libreoffice-calc-nogui)",
            file=sys.stderr,
        )
        return 1
    write(HERE / "mistakes.xlsx", MISTAKES)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "features.xlsx"
        write(source, FEATURES)
        out = Path(scratch) / "out"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{scratch}/profile",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            timeout=180,
        )
        shutil.copy(out / "features.xlsx", HERE / "features.xlsx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
