"""One process's metric values <-> a memory-mapped file; a directory of them -> samples.

Each worker process of ``tablerx serve`` keeps its values in a file of its own in the
run's metrics directory (``TABLERX_METRICS_DIR``), mapped into memory: counting is a
store into the mapping (no system call, no file write per request), and the kernel's
page cache makes it visible at once to any other process that reads the file, also
after the owner died, however it died. Without a directory the same layout lives in
anonymous memory (one process: tests, ``tablerx eval``).

File layout (little-endian): 8 bytes, the number of bytes in use; then entries, each a
uint32 key length, a uint32 number of values, the key (UTF-8 JSON) padded to 8 bytes,
and the values as float64. The owner appends an entry before it counts it into "used",
so a reader never meets a half-written entry; values are updated in place (aligned
8-byte stores). The owner holds an exclusive ``flock`` on its file for its whole life:
a reader that can take the lock knows the owner has exited (the kernel drops the lock
of a dead process, and the pid in the name may have been reused since).

An exited worker's counts must still be counted (a counter never goes back), but its
file need not stay: :func:`retire` folds the additive entries of exited workers' files
into one ``retired`` file of the same layout and removes theirs (and what a worker
killed while starting, or a fold killed while writing, left behind), so a server whose
workers are restarted again and again keeps a bounded number of files. Readers hold a
shared lock on the directory's ``retired.lock`` while they read, and :func:`retire` an
exclusive one, so no reader sees a count both in the retired file and in its worker's.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import mmap
import os
import secrets
import shutil
import struct
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HEADER = struct.Struct("<Q")
_ENTRY = struct.Struct("<II")
_VALUE = struct.Struct("<d")
PACK_VALUE = _VALUE.pack_into  # (mapping, offset, value): one value updated in place
_INITIAL_SIZE = 64 * 1024
_SUFFIX = ".metrics"
RUN_PREFIX = "tablerx-metrics-"
_RUN_LOCK = "server.lock"
_RETIRED = "retired" + _SUFFIX  # exited workers' additive entries, summed (see retire)
_RETIRE_LOCK = "retired.lock"
RETIRED_PID = "retired"  # the WorkerFile.pid of the retired file
_STALE_AFTER = 60.0  # seconds: a run directory younger than this may still be setting up


class ValueFile:
    """The values of this process: entries appended once per key, updated in place."""

    def __init__(self, directory: Path | None) -> None:
        self.path: Path | None = None
        self._fd: int | None = None
        if directory is None:
            self.mm = mmap.mmap(-1, _INITIAL_SIZE)
        else:
            directory.mkdir(parents=True, exist_ok=True)
            # a random part: a later process may get the pid of one that died
            name = f"worker-{os.getpid()}-{secrets.token_hex(4)}"
            starting = directory / f"{name}.starting"
            self._fd = os.open(starting, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # held until the process exits: "alive"
            os.ftruncate(self._fd, _INITIAL_SIZE)
            self.mm = mmap.mmap(self._fd, _INITIAL_SIZE)
            # Named as a worker's file only once locked: an unlocked worker file is an
            # exited worker's, which retire() would fold away.
            self.path = directory / f"{name}{_SUFFIX}"
            os.rename(starting, self.path)
        self.used = _HEADER.size
        _HEADER.pack_into(self.mm, 0, self.used)

    def add(self, key: str, values: list[float]) -> int:
        """Append an entry for ``key`` with its initial ``values``; the offset of its first
        value (update it with ``PACK_VALUE(file.mm, offset + 8 * i, value)``)."""
        raw = key.encode("utf-8")
        padded = len(raw) + (-len(raw) % 8)
        size = _ENTRY.size + padded + 8 * len(values)
        if self.used + size > len(self.mm):
            self._grow(self.used + size)
        start = self.used
        _ENTRY.pack_into(self.mm, start, len(raw), len(values))
        self.mm[start + _ENTRY.size : start + _ENTRY.size + len(raw)] = raw
        offset = start + _ENTRY.size + padded
        for i, value in enumerate(values):
            _VALUE.pack_into(self.mm, offset + 8 * i, value)
        self.used = start + size
        _HEADER.pack_into(self.mm, 0, self.used)  # last: the entry is complete
        return offset

    def _grow(self, needed: int) -> None:
        size = len(self.mm)
        while size < needed:
            size *= 2
        if self._fd is None:
            bigger = mmap.mmap(-1, size)
            bigger[: self.used] = self.mm[: self.used]
        else:
            os.ftruncate(self._fd, size)
            bigger = mmap.mmap(self._fd, size)
        old, self.mm = self.mm, bigger
        old.close()

    def snapshot(self) -> bytes:
        """The bytes in use (what a reader of the file would see)."""
        return self.mm[: self.used]

    def close(self) -> None:
        """Unmap and let go of the file: from now on readers count this process as exited
        (its values stay in the file). Nothing may be counted after this."""
        self.mm.close()
        if self._fd is not None:
            os.close(self._fd)  # releases the flock
            self._fd = None


def entries(data: bytes) -> Iterator[tuple[Any, tuple[float, ...]]]:
    """(decoded key, values) of every complete entry in a file's bytes."""
    for raw, values in _raw_entries(data):
        yield json.loads(raw.decode("utf-8")), values


def _raw_entries(data: bytes) -> Iterator[tuple[bytes, tuple[float, ...]]]:
    """(key as stored, values) of every complete entry in a file's bytes."""
    if len(data) < _HEADER.size:
        return
    used = min(_HEADER.unpack_from(data, 0)[0], len(data))
    at = _HEADER.size
    while at + _ENTRY.size <= used:
        key_length, count = _ENTRY.unpack_from(data, at)
        at += _ENTRY.size
        key = data[at : at + key_length]
        at += key_length + (-key_length % 8)
        values = struct.unpack_from(f"<{count}d", data, at)
        at += 8 * count
        yield key, values


def _encode(found: dict[bytes, list[float]]) -> bytes:
    """A file's bytes holding these entries (the layout ValueFile writes)."""
    parts = [b""]
    for key, values in found.items():
        parts += (_ENTRY.pack(len(key), len(values)), key, bytes(-len(key) % 8),
                  struct.pack(f"<{len(values)}d", *values))  # fmt: skip
    body = b"".join(parts)
    return _HEADER.pack(_HEADER.size + len(body)) + body


@dataclass(frozen=True, slots=True)
class WorkerFile:
    """One process's file in a metrics directory, read once."""

    pid: str
    alive: bool
    data: bytes


def read_directory(directory: Path, skip: Path | None = None) -> list[WorkerFile]:
    """Every process file in ``directory`` but ``skip`` (this process's own), each with
    whether its owner still runs, and the retired file (see :func:`retire`) if there is
    one; files that vanish meanwhile are left out."""
    found = []
    with _retire_lock(directory, fcntl.LOCK_SH):
        for path in sorted(directory.glob(f"worker-*{_SUFFIX}")):
            if path == skip:
                continue
            try:
                with path.open("rb") as handle:
                    alive = _locked(handle.fileno())
                    data = handle.read()
            except FileNotFoundError:
                continue
            found.append(WorkerFile(path.name.split("-")[1], alive, data))
        with contextlib.suppress(FileNotFoundError):
            found.append(WorkerFile(RETIRED_PID, False, (directory / _RETIRED).read_bytes()))
    return found


def retire(directory: Path, additive: Callable[[Any], bool]) -> int:
    """Fold the files of exited workers into the directory's retired file and remove
    them: the entries whose decoded key ``additive`` accepts (counters, histograms) are
    summed there; the others (an exited worker's gauges) are dropped, as readers ignore
    them anyway. How many files were folded; 0 at once when another process is reading
    or folding (the next call will)."""
    with _retire_lock(directory, fcntl.LOCK_EX | fcntl.LOCK_NB) as held:
        if not held:
            return 0
        _remove_leftovers(directory)
        dead: list[tuple[Path, bytes]] = []
        for path in sorted(directory.glob(f"worker-*{_SUFFIX}")):
            try:
                with path.open("rb") as handle:
                    if not _locked(handle.fileno()):
                        dead.append((path, handle.read()))
            except FileNotFoundError:
                continue
        if not dead:
            return 0
        retired = directory / _RETIRED
        totals: dict[bytes, list[float]] = {}
        with contextlib.suppress(FileNotFoundError):
            totals.update((k, list(v)) for k, v in _raw_entries(retired.read_bytes()))
        for _, data in dead:
            _add_into(totals, data, additive)
        temporary = directory / f"retired-{secrets.token_hex(4)}.tmp"
        temporary.write_bytes(_encode(totals))
        os.replace(temporary, retired)  # readers see the old sums or the new, never half
        for path, _ in dead:
            path.unlink(missing_ok=True)
        return len(dead)


def _remove_leftovers(directory: Path) -> None:
    """Remove what dead processes left half done: a worker's file still named
    ``.starting`` (it died before taking its name, so the file holds no counts yet) and
    a fold's temporary file (no fold runs while the caller holds the exclusive lock)."""
    for path in directory.glob("worker-*.starting"):
        if not _pid_alive(path.name.split("-")[1]):
            path.unlink(missing_ok=True)
    for path in directory.glob("retired-*.tmp"):
        path.unlink(missing_ok=True)


def _pid_alive(text: str) -> bool:
    """Whether the process numbered ``text`` exists (a reused number counts as alive:
    its file then waits for a later fold, which is harmless)."""
    try:
        os.kill(int(text), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _add_into(totals: dict[bytes, list[float]], data: bytes, additive: Callable[[Any], bool]
              ) -> None:  # fmt: skip
    for key, values in _raw_entries(data):
        if not additive(json.loads(key.decode("utf-8"))):
            continue
        found = totals.get(key)
        if found is None:
            totals[key] = list(values)
        elif len(found) == len(values):  # else another layout's entry: the first one stays
            totals[key] = [a + b for a, b in zip(found, values, strict=True)]


@contextlib.contextmanager
def _retire_lock(directory: Path, mode: int) -> Iterator[bool]:
    """Hold the directory's retire lock in ``mode``: shared for reading, exclusive for
    folding. Yields False when a non-blocking request could not get it."""
    fd = os.open(directory / _RETIRE_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, mode)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


def _locked(fd: int) -> bool:
    """Whether another process holds the file's lock (its owner is alive)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    return False


class RunDirectory:
    """A fresh metrics directory for one server run (in ``parent``, default the system's
    temporary folder), locked while the run lasts; directories that killed runs left
    behind (nothing in them locked any more) are removed first."""

    def __init__(self, parent: Path | None = None) -> None:
        parent = parent or Path(tempfile.gettempdir())
        sweep(parent)
        self.path = Path(tempfile.mkdtemp(prefix=RUN_PREFIX, dir=parent))
        self._fd: int | None = os.open(self.path / _RUN_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def remove(self) -> None:
        """Remove the directory at the end of the run."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def sweep(parent: Path) -> list[Path]:
    """Remove the run directories in ``parent`` that no live process holds (a server
    killed before it could clean up); the ones removed."""
    removed = []
    for run in parent.glob(f"{RUN_PREFIX}*"):
        try:
            stale = time.time() - run.stat().st_mtime > _STALE_AFTER and not _held(run)
        except OSError:
            continue
        if stale:
            shutil.rmtree(run, ignore_errors=True)
            removed.append(run)
    return removed


def _held(run: Path) -> bool:
    """Whether a live process holds a lock on any file of a run directory."""
    for path in run.iterdir():
        try:
            with path.open("rb") as handle:
                if _locked(handle.fileno()):
                    return True
        except OSError:
            continue
    return False
