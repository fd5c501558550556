"""A folder (or tree) of TCK tests in, one CaseResult per test case out.

Each folder holds one or more models (``*.dmn``, possibly importing each other) and test
files (``*-test-*.xml``). The folder's models are loaded once with the engine; every case is
then evaluated and its results compared with :mod:`service.tck.compare`. Nothing stops the
run: a folder whose models fail to load gives an ERROR for each of its cases, an exception
in a case gives that case an ERROR, and a case running past the time limit is stopped and
reported as an ERROR. The limit is the evaluation's own time budget (``timeout=`` of
``Model.evaluate``: it stops FEEL loops and recursion cleanly, in any thread), backed by a
real-time alarm at twice the limit (where the platform allows) for anything the budget
does not watch.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET

from service.feel.errors import EvaluationTimeout
from service.tck.compare import compare
from service.tck.reader import TckFormatError, TestCase, TestFile, read_test_file

SUCCESS, FAILURE, ERROR, SKIPPED = "SUCCESS", "FAILURE", "ERROR", "SKIPPED"
TEST_FILE_PATTERN = "*-test-*.xml"
DEFAULT_TIMEOUT = 20.0  # seconds per case; a TCK case normally takes milliseconds
_LEVEL_RE = re.compile(r"compliance-level-(\d+)")

Loader = Callable[[Sequence[Path]], Any]  # paths -> a model set with .get(name_or_namespace)


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one test case. ``detail`` says what went wrong (or a note on success)."""

    level: int | None
    folder: str
    test_file: str
    case_id: str
    status: str
    detail: str = ""
    expects_non_null: bool = False
    seconds: float = 0.0

    @property
    def key(self) -> str:
        """The case's stable id in the ratchet files: ``folder/test file/case id``."""
        return f"{self.folder}/{self.test_file}/{self.case_id}"

    @property
    def skip_key(self) -> str:
        """The case's id in the skip list: ``folder/case id``."""
        return f"{self.folder}/{self.case_id}"


class CaseTimeout(BaseException):
    """A case ran past its time limit.

    A BaseException, like KeyboardInterrupt, so that the engine's ``except Exception``
    (which turns a failure into null) cannot swallow it and let the case run on.
    """


# --- trees and folders -----------------------------------------------------------------------


def find_folders(root: Path, names: Iterable[str] | None = None) -> list[Path]:
    """The folders under ``root`` (``root`` included) holding test files, sorted by path.

    ``names``, when given, keeps only the folders with those names.
    """
    folders = sorted({path.parent for path in root.rglob(TEST_FILE_PATTERN)})
    if names is not None:
        wanted = set(names)
        folders = [folder for folder in folders if folder.name in wanted]
    return folders


def run_tree(
    root: Path | str,
    folders: Iterable[str] | None = None,
    skips: Mapping[str, str] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    loader: Loader | None = None,
    progress: Callable[[Path], None] | None = None,
) -> list[CaseResult]:
    """Run every test folder under ``root`` (or those named in ``folders``).

    ``skips`` maps ``folder/case id`` to the reason a case is not attempted.
    """
    results: list[CaseResult] = []
    for folder in find_folders(Path(root), folders):
        if progress is not None:
            progress(folder)
        results.extend(run_folder(folder, skips=skips, timeout=timeout, loader=loader))
    return results


def level_of(folder: Path) -> int | None:
    """The compliance level from a ``compliance-level-N`` directory in the path, else None."""
    for part in reversed(folder.resolve().parts):
        match = _LEVEL_RE.fullmatch(part)
        if match:
            return int(match.group(1))
    return None


def run_folder(
    folder: Path | str,
    skips: Mapping[str, str] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    loader: Loader | None = None,
) -> list[CaseResult]:
    """Run every test file of one folder against the folder's models."""
    folder = Path(folder)
    runner = _FolderRun(folder, skips or {}, timeout, loader or _engine_loader())
    return runner.run()


def _engine_loader() -> Loader:
    from service.engine import load_files  # late: the reader and compare need no engine

    return load_files


class _FolderRun:
    """The run of one folder: its test files, its models (loaded once), its results."""

    def __init__(
        self, folder: Path, skips: Mapping[str, str], timeout: float | None, loader: Loader
    ) -> None:
        self.folder = folder
        self.skips = skips
        self.timeout = timeout
        self.loader = loader
        self.level = level_of(folder)

    def run(self) -> list[CaseResult]:
        test_files = sorted(self.folder.glob(TEST_FILE_PATTERN))
        parsed: list[TestFile] = []
        results: list[CaseResult] = []
        for path in test_files:
            try:
                parsed.append(read_test_file(path))
            except TckFormatError as exc:
                results.append(self._result(path.name, "(file)", ERROR, f"reading: {exc}"))
        try:
            models = self.loader(sorted(self.folder.glob("*.dmn")))
        except Exception as exc:  # every load failure becomes the cases' ERROR
            detail = f"loading models: {_exception_text(exc)}"
            for test_file in parsed:
                results.extend(self._error_all(test_file, detail))
            return results
        for test_file in parsed:
            results.extend(self._run_file(test_file, models))
        return results

    def _error_all(self, test_file: TestFile, detail: str) -> list[CaseResult]:
        return [
            self._result(test_file.path.name, case.id, ERROR, detail, case)
            for case in test_file.cases
        ]

    def _run_file(self, test_file: TestFile, models: Any) -> list[CaseResult]:
        name = test_file.path.name
        try:
            model = find_model(models, self.folder, test_file.model_name)
        except LookupError as exc:
            return self._error_all(test_file, f"finding model: {exc}")
        results = []
        for case in test_file.cases:
            reason = self.skips.get(f"{self.folder.name}/{case.id}")
            if reason is not None:
                results.append(self._result(name, case.id, SKIPPED, reason, case))
            else:
                results.append(self._run_case(name, model, case))
        return results

    def _run_case(self, file_name: str, model: Any, case: TestCase) -> CaseResult:
        started = time.perf_counter()
        budget = self.timeout if self.timeout is not None and self.timeout > 0 else None
        try:
            with time_limit(None if budget is None else 2 * budget):
                status, detail = run_case(model, case, budget)
        except (EvaluationTimeout, CaseTimeout):
            status, detail = ERROR, f"timed out after {self.timeout:g}s"
        except Exception as exc:  # one broken case must not stop the run
            status, detail = ERROR, f"evaluating: {_exception_text(exc)}"
        seconds = time.perf_counter() - started
        return self._result(file_name, case.id, status, detail, case, seconds)

    def _result(
        self,
        file_name: str,
        case_id: str,
        status: str,
        detail: str,
        case: TestCase | None = None,
        seconds: float = 0.0,
    ) -> CaseResult:
        return CaseResult(
            level=self.level,
            folder=self.folder.name,
            test_file=file_name,
            case_id=case_id,
            status=status,
            detail=detail,
            expects_non_null=case.expects_non_null if case is not None else False,
            seconds=seconds,
        )


# --- one case --------------------------------------------------------------------------------


def run_case(model: Any, case: TestCase, timeout: float | None = None) -> tuple[str, str]:
    """Evaluate one case on a loaded model: (SUCCESS or FAILURE, detail).

    ``timeout`` is the evaluation's time budget in seconds (None: none); past it the
    model raises EvaluationTimeout, which propagates.
    """
    inputs = case_inputs(model, case)
    if case.type == "decisionService":
        if not case.invocable_name:
            return ERROR, "decisionService case without invocableName"
        result = model.invoke_service(case.invocable_name, inputs, timeout=timeout)
    elif case.type == "decision":
        result = model.evaluate(inputs, [node.name for node in case.results], timeout=timeout)
    else:  # "bkm" is in the schema but no TCK case uses it; its binding is unspecified
        return ERROR, f"testCase type {case.type!r} is not supported"
    return check_results(case, result)


def case_inputs(model: Any, case: TestCase) -> dict[str, Any]:
    """The inputs of a case as the engine takes them.

    An input of an imported model (its ``namespace`` is not the tested model's) is keyed
    ``{namespace}name``, James Clark's notation for a qualified XML name.
    """
    own_namespace = getattr(getattr(model, "definitions", None), "namespace", None)
    inputs: dict[str, Any] = {}
    for node in case.inputs:
        if node.namespace and node.namespace != own_namespace:
            inputs[f"{{{node.namespace}}}{node.name}"] = node.value
        else:
            inputs[node.name] = node.value
    return inputs


_MISSING = object()


def check_results(case: TestCase, result: Any) -> tuple[str, str]:
    """Compare every result node of ``case`` with the engine's ``result``.

    The engine's errors (defects) and warnings (FEEL's null-with-a-reason) both count as
    the error an ``errorResult`` node expects.
    """
    produced: Mapping[str, Any] = getattr(result, "values", None) or {}
    problems = [
        *(getattr(result, "errors", None) or []),
        *(getattr(result, "warnings", None) or []),
    ]
    notes: list[str] = []
    for node in case.results:
        actual = produced.get(node.name, _MISSING)
        if actual is _MISSING:
            return FAILURE, f"{node.name}: no result for it (got {sorted(produced)})"
        ok, detail = compare(node.expected, actual, node.name)
        if not ok:
            if problems:
                detail += f" [engine: {_first_problem(problems)}]"
            return FAILURE, detail
        if node.error_result and not problems:
            notes.append(f"{node.name}: null as expected, but no error was reported")
    return SUCCESS, "; ".join(notes)


def _first_problem(problems: list[Any]) -> str:
    first = problems[0]
    text = getattr(first, "message", None) or str(first)
    code = getattr(first, "code", None)
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return (f"{code}: {text}" if code else text) + more


def find_model(models: Any, folder: Path, model_name: str | None) -> Any:
    """The model a test file names: ``model_name`` is a file in ``folder``.

    The file's ``definitions`` namespace (then its name) is looked up in the loaded
    models; raises LookupError when neither is found.
    """
    if not model_name:
        raise LookupError("the test file has no <modelName>")
    path = folder / model_name
    keys: list[str] = []
    if path.is_file():
        keys = _definitions_keys(path)
    keys.extend([model_name, model_name.removesuffix(".dmn")])
    for key in keys:
        model = models.get(key)
        if model is not None:
            return model
    raise LookupError(f"no loaded model for {model_name!r} (looked up {keys})")


def _definitions_keys(path: Path) -> list[str]:
    """The namespace and name of a DMN file's ``definitions`` element."""
    try:
        root = SafeET.parse(path).getroot()
    except Exception:  # unreadable here means the loader reported it already
        return []
    return [key for key in (root.get("namespace"), root.get("name")) if key]


def _exception_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


# --- time limit ------------------------------------------------------------------------------


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise CaseTimeout in the block after ``seconds`` (real time).

    Uses SIGALRM, so it works in the main thread on POSIX; elsewhere the block runs
    unlimited and the runner only measures its duration.
    """
    usable = (
        seconds is not None
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise CaseTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
