"""A new version's number and files in, why the compiler must not publish them out.

Published versions never change: compiling a workbook whose version is already published
with other content is refused, with the same content it is a no-op. A version not yet
published must be MAJOR.MINOR.PATCH (three whole numbers, no leading zeros, no letters)
and come after every version already published for the model, so that version order is
plain and ``1.0`` and ``1.0.0`` never both exist (docs/versions.md). Versions published
before this rule keep their numbers.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from service.store import regression
from service.store.versions import version_key

# A new version number: three whole numbers without leading zeros.
SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def immutable(path: Path, old: str, new: str, suggestion: str) -> str:
    """The message refusing to overwrite a published file with different content."""
    return (
        f"{path} is already published with different content (sha256 {old[:12]}, new "
        f"{new[:12]}); a published version never changes: give the workbook a new version "
        f"number (e.g. {suggestion}) and compile again"
    )


def bad_version_number(version: str, suggestion: str) -> str:
    """The message refusing a new version number that is not MAJOR.MINOR.PATCH."""
    return (
        f"version {version!r} is not MAJOR.MINOR.PATCH (three whole numbers without leading "
        f"zeros or letters, e.g. {suggestion}): give the workbook such a version number"
    )


def version_not_newer(model_id: str, version: str, newest: str, suggestion: str) -> str:
    """The message refusing a new version number that does not come after the published ones."""
    return (
        f"version {version} does not come after {newest}, already published for {model_id}: "
        f"a new version must be greater than every published one (e.g. {suggestion})"
    )


# --- checking ------------------------------------------------------------------------------


def check_publishable(
    decisions_dir: Path,
    model_id: str,
    version: str,
    dmn_bytes: bytes,
    tests_bytes: bytes | None = None,
) -> str | None:
    """Why the compiler must not write these files, or None when it may.

    Writing the very same bytes again is fine; writing different bytes under a version
    that is already published is refused with a message asking for a new version number.
    A version not yet published must be MAJOR.MINOR.PATCH and greater than every version
    already published for the model (:func:`version_problem`).
    """
    dmn_file = regression.dmn_path(decisions_dir, model_id, version)
    files = [(dmn_file, dmn_bytes)]
    if tests_bytes is not None:
        files.append((regression.tests_path(decisions_dir, model_id, version), tests_bytes))
    for path, new in files:
        if path.is_file():
            old = path.read_bytes()
            if old != new:
                suggestion = next_version(decisions_dir, model_id)
                return immutable(path, _sha(old), _sha(new), suggestion)
    if dmn_file.is_file():
        return None  # already published with these very bytes: compiling again is a no-op
    return version_problem(decisions_dir, model_id, version)


def version_problem(decisions_dir: Path, model_id: str, version: str) -> str | None:
    """Why ``version`` cannot be a new version of the model, or None when it can."""
    suggestion = next_version(decisions_dir, model_id)
    if not SEMVER.fullmatch(version):
        return bad_version_number(version, suggestion)
    published = [v for _, v in regression.published(decisions_dir, model_id)]
    not_before = [v for v in published if not _after(version, v)]
    if not_before:
        newest = max(not_before, key=version_key)
        return version_not_newer(model_id, version, newest, suggestion)
    return None


def _after(version: str, other: str) -> bool:
    """True when ``version`` (MAJOR.MINOR.PATCH) comes after ``other``: numerically, with
    missing numbers as 0 (so 1.0.0 does not come after 1.0); a version number of another
    form is compared by :func:`version_key`."""
    mine = tuple(int(p) for p in version.split("."))
    parts = other.split(".")
    if all(p.isdigit() for p in parts) and len(parts) <= len(mine):
        theirs = tuple(int(p) for p in parts) + (0,) * (len(mine) - len(parts))
        return mine > theirs
    return version_key(version) > version_key(other)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def next_version(decisions_dir: Path, model_id: str) -> str:
    """A MAJOR.MINOR.PATCH number after every published one: the newest published version's
    numbers (padded to three, any ``-suffix`` dropped) with the last one + 1."""
    versions = [v for _, v in regression.published(decisions_dir, model_id)]
    numbered = [v for v in versions if all(p.isdigit() for p in v.partition("-")[0].split("."))]
    if not numbered:
        return "0.1.0"
    newest = max(numbered, key=version_key).partition("-")[0]
    parts = [int(p) for p in newest.split(".")][:3]
    parts += [0] * (3 - len(parts))
    parts[2] += 1
    return ".".join(str(p) for p in parts)
