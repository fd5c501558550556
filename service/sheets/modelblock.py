"""The Model block in, its spec out: id, name, version, status, people, dates.

The id and version become a folder and a file name, so they are checked here, with a
suggestion when they cannot be used; an unknown status or a date that does not read
gives a diagnostic on its cell.
"""

from __future__ import annotations

import datetime
import re

from service.sheets import diagnostics as diag
from service.sheets.diagnostics import Diagnostic, Where
from service.sheets.layout import Block, Label, label_rows, normalize
from service.sheets.specs import ModelSpec

MODEL_LABELS = (
    "id", "name", "version", "status", "authors", "author", "reviewers", "reviewer",
    "effective date", "description",
)  # fmt: skip
STATUSES = ("draft", "in review", "approved", "retired")
_STATUS_ALIASES = {
    "in-review": "in review",
    "review": "in review",
    "under review": "in review",
    "final": "approved",
    "withdrawn": "retired",
}
_MODEL_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$")


def slug(text: str) -> str:
    """A model id made from free text: ``"Gastric HER2 v1"`` -> ``gastric-her2-v1``."""
    return re.sub(r"[^a-z0-9._]+", "-", text.casefold()).strip("-._") or "model"


def read_model(block: Block, found: list[Diagnostic]) -> ModelSpec:
    """The Model block's metadata."""
    labels, problems = label_rows(block, MODEL_LABELS)
    found.extend(problems)

    def text(*names: str) -> tuple[str, Label | None]:
        for name in names:
            if name in labels:
                return labels[name].text, labels[name]
        return "", None

    ident, ident_label = text("id")
    name, _ = text("name")
    version, version_label = text("version")
    spec = ModelSpec(ident, name or block.title or ident, version, where=block.anchor)
    spec.version_where = _value_where(block, version_label)
    _check_id(block, ident, ident_label, found)
    _check_version(block, version, version_label, found)
    spec.status = _status(block, labels.get("status"), found)
    spec.authors = _people(text("authors", "author")[0])
    spec.reviewers = _people(text("reviewers", "reviewer")[0])
    spec.description = text("description")[0]
    spec.effective_date = _date(block, labels.get("effective date"), found)
    return spec


def _value_where(block: Block, label: Label | None) -> Where:
    if label is None:
        return block.anchor
    if label.value is not None:
        return block.at(label.value)
    return block.at(None, label.cell.row, label.cell.col + 1)


def _check_id(block: Block, ident: str, label: Label | None, found: list[Diagnostic]) -> None:
    if not ident:
        found.append(diag.value_missing(_value_where(block, label), "the model id ('Id')"))
    elif not _MODEL_ID.match(ident):
        found.append(
            diag.value_invalid(
                _value_where(block, label),
                f"the model id {ident!r} cannot be used as a folder name",
                hint=f"use lower-case letters, digits and dashes, e.g. {slug(ident)!r}",
            )
        )


def _check_version(
    block: Block, version: str, label: Label | None, found: list[Diagnostic]
) -> None:
    where = _value_where(block, label)
    if not version:
        found.append(diag.value_missing(where, "the model version ('Version')"))
    elif not _VERSION.match(version):
        found.append(
            diag.value_invalid(
                where,
                f"the version {version!r} cannot be used as a file name",
                hint="write it like 1.0.0",
            )
        )
    elif label is not None and label.value is not None and not isinstance(label.value.value, str):
        found.append(
            diag.value_invalid(
                where,
                f"the version was typed as a number and reads {version!r}",
                severity=diag.WARNING,
                hint="type it as text (start with an apostrophe: '1.0) to keep its exact form",
            )
        )


def _status(block: Block, label: Label | None, found: list[Diagnostic]) -> str:
    if label is None or not label.text:
        return "draft"
    key = normalize(label.text)
    key = _STATUS_ALIASES.get(key, key)
    if key not in STATUSES:
        found.append(
            diag.value_invalid(
                _value_where(block, label),
                f"{label.text!r} is not a status",
                hint="use draft, in review, approved or retired",
            )
        )
        return "draft"
    return key


def _people(text: str) -> str:
    return "; ".join(p.strip() for p in re.split(r"[;\n]|,(?![^()]*\))", text) if p.strip())


def _date(block: Block, label: Label | None, found: list[Diagnostic]) -> str:
    if label is None or label.value is None:
        return ""
    value = label.value.value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(label.text).isoformat()
    except ValueError:
        found.append(
            diag.value_invalid(
                _value_where(block, label),
                f"{label.text!r} is not a date",
                hint="type a date, or write it as 2025-09-16",
            )
        )
        return ""
