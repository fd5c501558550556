"""A workbook path in, a compilation out: every diagnostic, and the DMN and test bytes when clean.

The stages run in order and each adds its diagnostics to one list, so a single run
reports every problem: reading cells (:mod:`grid`), finding blocks (:mod:`layout`),
reading the Types blocks first (:mod:`typeblocks`, :mod:`typecheck`), then each other
block (:mod:`blocks`, :mod:`tableblocks`), checking names and FEEL
(:mod:`check`), the requirement graph (:mod:`graph`), table rules (:mod:`rules`), test
cases (:mod:`testcases`, :mod:`refusals`), and, when no error was found, building the DMN model
(:mod:`build`), validating it and writing XML (:mod:`testxml` for the test cases).

The DMN records the workbook's file name (``model.source``). :func:`adopt_published` keeps
that from making the same workbook saved under another name (``… (1).xlsx``) look like other
content than the version already published from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from service.dmn import DmnReadError, read_dmn, validate, write_dmn
from service.dmn import model as m
from service.sheets import diagnostics as diag
from service.sheets.analysis import analyse_model
from service.sheets.blocks import (
    read_expressions,
    read_inputs,
    read_references,
    read_relation,
)
from service.sheets.build import Builder
from service.sheets.check import Checker
from service.sheets.container import WorkbookError
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.graph import requirement_order
from service.sheets.grid import Workbook, parse_coordinate, read_workbook
from service.sheets.hidden import explain_hidden
from service.sheets.layout import Block, find_blocks
from service.sheets.modelblock import read_model, slug
from service.sheets.rules import check_tables
from service.sheets.specs import ModelSpec, WorkbookSpec
from service.sheets.symbols import gather_symbols
from service.sheets.tableblocks import read_table, read_tests
from service.sheets.tableshape import drop_superseded
from service.sheets.testcases import read_test_cases
from service.sheets.testxml import test_cases_xml
from service.sheets.typeblocks import read_types
from service.sheets.typecheck import check_types

MAX_PER_CODE = 100  # diagnostics shown per code and sheet; the rest are counted
SOURCE_PROPERTY = "model.source"  # the workbook's file name, on definitions


@dataclass(slots=True)
class Compilation:
    """The outcome of compiling one workbook."""

    path: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    definitions: m.Definitions | None = None
    dmn: bytes | None = None
    tests: bytes | None = None
    model_id: str = ""
    version: str = ""
    version_where: Where | None = None  # the Model block's version cell
    workbook: Workbook | None = None

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return not diag.has_errors(self.diagnostics)

    def output_paths(self, out: Path) -> tuple[Path, Path]:
        """Where the DMN file and the test-case file of this model version go under ``out``."""
        folder = out / self.model_id
        return folder / f"{self.version}.dmn", folder / f"{self.version}.tests.xml"


def compile_workbook(path: Path) -> Compilation:
    """Compile the workbook at ``path``; never raises for a bad workbook."""
    result = Compilation(path)
    found: list[Diagnostic] = []
    try:
        workbook, problems = read_workbook(path)
    except WorkbookError as exc:
        result.diagnostics = [exc.diagnostic.in_file(str(path))]
        return result
    result.workbook = workbook
    found.extend(problems)
    try:
        _compile(result, workbook, found)
    except Exception as exc:  # a tablerx bug must still end in a message, not a traceback
        result.definitions = result.dmn = result.tests = None
        found.append(diag.internal_error(f"{type(exc).__name__}: {exc}"))
    found = explain_hidden(drop_superseded(found), workbook)
    result.diagnostics = sort_diagnostics(found, workbook, str(path))
    return result


def _compile(result: Compilation, workbook: Workbook, found: list[Diagnostic]) -> None:
    """The stages after reading the cells; fills ``result`` and ``found``."""
    path = result.path
    spec = read_spec(workbook, found)
    result.model_id, result.version = spec.model.id, spec.model.version
    result.version_where = spec.model.version_where
    symbols = gather_symbols(spec, found)
    checked = Checker(spec, symbols, found).run()
    nodes = {**symbols.decisions, **{k: v.block.name_where for k, v in symbols.knowledge.items()}}
    requirement_order(nodes, checked.uses, found)
    check_tables(spec, checked, found)
    cases = read_test_cases(spec, symbols, checked, found)
    if not diag.has_errors(found):
        builder = Builder(spec, symbols, checked, path.name, [s.name for s in workbook.sheets])
        result.definitions = builder.build()
        found.extend(
            diag.dmn_invalid(str(d)) for d in validate(result.definitions) if d.severity == "error"
        )
        found.extend(analyse_model(result.definitions))  # overlapping rules, gaps
    if not diag.has_errors(found) and result.definitions is not None:
        result.dmn = write_dmn(result.definitions)
        if cases:
            result.tests = test_cases_xml(f"{spec.model.version}.dmn", cases)


def read_spec(workbook: Workbook, found: list[Diagnostic]) -> WorkbookSpec:
    """Every block of the workbook read into specs (FEEL not yet parsed)."""
    blocks, problems = find_blocks(workbook)
    found.extend(problems)
    if not blocks and not any(sheet.truncated for sheet in workbook.sheets):
        found.append(diag.no_blocks())
    model = _model(workbook, [b for b in blocks if b.kind == "model"], found)
    spec = WorkbookSpec(model)
    # Types first, from every sheet: any block may name a type declared anywhere.
    spec.types = read_types([b for b in blocks if b.kind == "types"], found)
    declared = check_types(spec.types, found)
    for block in blocks:
        if block.kind == "inputs":
            spec.inputs.extend(read_inputs(block, declared, found))
        elif block.kind in ("decision table", "knowledge model"):
            spec.tables.append(read_table(block, declared, found))
        elif block.kind == "relation":
            spec.relations.append(read_relation(block, declared, found))
        elif block.kind == "expressions":
            spec.expressions.extend(read_expressions(block, declared, found))
        elif block.kind == "references":
            spec.references.extend(read_references(block, found))
        elif block.kind == "tests":
            spec.tests.append(read_tests(block, found))
    return spec


def _model(workbook: Workbook, blocks: list[Block], found: list[Diagnostic]) -> ModelSpec:
    if not blocks:
        default = slug(workbook.path.stem)
        found.append(diag.model_missing(default))
        return ModelSpec(default, workbook.path.stem, "0.0.0")
    for extra in blocks[1:]:
        found.append(diag.duplicate_block(extra.anchor, "Model", blocks[0].describe()))
    return read_model(blocks[0], found)


def sort_diagnostics(found: list[Diagnostic], workbook: Workbook, file: str) -> list[Diagnostic]:
    """The diagnostics with their file set, in sheet, row and column order, without repeats."""
    order = {sheet.name: sheet.index for sheet in workbook.sheets}

    def key(d: Diagnostic) -> tuple[int, int, int, str, str]:
        row, col = parse_coordinate(d.cell or "") or (0, 0)
        return (order.get(d.sheet or "", -1), row, col, d.code, d.message)

    shown: list[Diagnostic] = []
    hidden: dict[tuple[str, str | None], list[Diagnostic]] = {}
    counts: dict[tuple[str, str | None], int] = {}
    for item in sorted(dict.fromkeys(found), key=key):
        group = (item.code, item.sheet)
        counts[group] = counts.get(group, 0) + 1
        if counts[group] <= MAX_PER_CODE:
            shown.append(item)
        else:
            hidden.setdefault(group, []).append(item)
    for (code, sheet), items in hidden.items():
        shown.append(diag.more_problems(code, sheet, len(items), diag.has_errors(items)))
    return [d.in_file(file) for d in shown]


def adopt_published(result: Compilation, out: Path) -> bool:
    """Take the published DMN bytes when they differ from this compilation's only in the
    workbook file name they record (``model.source``); True when taken.

    The same workbook saved under another name is the same version: the published file is
    kept as it is (byte for byte, so its content hash and release record still hold) and
    the compilation reports it unchanged. Any other difference is left to the publishing
    check, which refuses it.
    """
    if result.dmn is None or result.definitions is None:
        return False
    path = result.output_paths(out)[0]
    if not path.is_file():
        return False
    published = path.read_bytes()
    if published == result.dmn:
        return False
    try:
        recorded = read_dmn(published, source_name=str(path)).extensions.get(SOURCE_PROPERTY)
    except DmnReadError:
        return False
    extensions = dict(result.definitions.extensions)
    if recorded == extensions.get(SOURCE_PROPERTY):
        return False
    if recorded is None:
        del extensions[SOURCE_PROPERTY]
    else:
        extensions[SOURCE_PROPERTY] = recorded  # in place: the writer keeps the order
    renamed = replace(result.definitions, extensions=extensions)
    if write_dmn(renamed) != published:
        return False
    result.definitions, result.dmn = renamed, published
    return True


def write_outputs(result: Compilation, out: Path) -> list[Path]:
    """Write the DMN (and test cases) of a clean compilation under ``out``; the paths written."""
    if result.dmn is None:
        return []
    dmn_path, tests_path = result.output_paths(out)
    dmn_path.parent.mkdir(parents=True, exist_ok=True)
    written = [dmn_path]
    _write_if_changed(dmn_path, result.dmn)
    if result.tests is not None:
        _write_if_changed(tests_path, result.tests)
        written.append(tests_path)
    elif tests_path.exists():
        tests_path.unlink()  # the workbook no longer has tests: a stale file would lie
    return written


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
