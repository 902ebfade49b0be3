"""The run journal: what each command changed in the contacts folder, so that `cardscan undo` takes it back.

Layout, one folder per run that changed something::

    contacts/runs/<run id>/
        run.json        what ran: kind (scan, watch, forget, rename, restore, undo), when, what, target
        changes.jsonl   one line per file the run changed, on disk before the change is made:
                        {"n": 3, "path": "people/<uid>.vcf", "existed": true}
        before/<n>      that file as it was before the run first changed it
        lock            flock'ed by the process while the run is open
        done.json       written last, the run's commit point: when it ended, whether it was cut short,
                        and each changed file's SHA-256 afterwards (null: removed), so that a change made
                        since (the review page, a later run) is told from the run's own
        rolled-back     written once an interrupted run is taken back, before its folder goes

Why a kill -9 at any moment leaves a folder that is consistent at the next command:
- a file changes only after its old content and its line in changes.jsonl are flushed to disk, and every
  change is itself an atomic rename; so a run without done.json knows each file it may have touched and
  what it held;
- the next command (``recover``, under the folder's lock) finds the runs without done.json whose
  process is gone (the run's lock is free). A scan or a watcher's filing keeps what it wrote (each contact
  and event file is whole) and is closed as interrupted, for `undo` to take back. Every other run (undo,
  forget, rename, restore: all or nothing) is rolled back file by file, which can be repeated: killed
  while rolling back, it is rolled back again the next time.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import signal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import CardscanError, ExitCode, NothingFoundError, OutputError
from ..core.safetext import storable
from .folder import BEFORE_CHANGE, ContactsFolder, atomic_write_bytes, remove_file

RUNS = "runs"
KEEP_RUNS = 20  # undo goes back this many runs; older journals are removed
# runs that keep what they did when cut short: every contact they filed is whole and worth keeping
KEPT_WHEN_CUT_SHORT = frozenset({"scan", "watch"})
# tests only: kill -9 this process right after the Nth change of a run is journaled (before it is made)
CRASH_ENV = "CARDSCAN_TEST_CRASH_AFTER"


class UndoConflictError(CardscanError):
    """A file the run to undo changed has changed again since (a review, another run)."""

    exit_code = ExitCode.CONFLICT


@dataclass(frozen=True)
class Change:
    n: int
    path: str  # relative to the contacts folder, with '/'
    existed: bool


@dataclass
class RunRecord:
    """A run as its folder tells it."""

    id: str
    dir: Path
    info: dict[str, Any]
    changes: list[Change]
    done: dict[str, Any] | None
    rolled_back: bool

    @property
    def kind(self) -> str:
        return str(self.info.get("kind", "?"))

    @property
    def target(self) -> str | None:
        target = self.info.get("target")
        return str(target) if target else None

    @property
    def closed(self) -> bool:
        return self.done is not None and not self.rolled_back

    @property
    def after(self) -> dict[str, str | None]:
        return dict((self.done or {}).get("after", {}))

    def describe(self) -> str:
        """'scan of 14 photos under vernissage (2026-11-20 21:04)'."""
        started = self.info.get("started", "")
        when = started[:16].replace("T", " ") if started else "?"
        cut = ", cut short" if (self.done or {}).get("interrupted") else ""
        return f"{self.info.get('description') or self.kind} ({when} UTC{cut})"


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _write_durably(path: Path, data: bytes, sync: bool = True) -> None:
    """A journal file, whole (temporary file and rename); with ``sync``, on disk before the change it guards.

    A kill -9 loses nothing a process wrote, synced or not; the sync is for a power cut. What must be on
    disk before a file changes is its old content and its line in changes.jsonl; run.json and done.json
    need not (without them a run looks cut short, and the next command still finds it whole).
    """
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(tmp, path)


class Run:
    """One command's changes to the contacts folder, journaled before each is made.

    ``with Run(folder, "forget", "forget IMG_1.jpg"):`` every file of the folder changed inside the block is
    journaled: every write, rename and removal of cardscan passes through ``folder.replace_files``, which
    tells ``folder.BEFORE_CHANGE`` first. Like those writes, the journal is kept under the folder's lock.
    Nothing is created until the first change: a command that changes nothing leaves no run. Leaving the
    block on an error rolls an all-or-nothing run back at once; a scan keeps what it filed.
    """

    def __init__(self, folder: ContactsFolder, kind: str, description: str, target: str | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        self.folder = folder
        self.kind = kind
        self.description = storable(description)  # photo names: a byte that is not UTF-8 cannot go in JSON
        self.target = target
        self.extra = extra or {}
        now = dt.datetime.now(dt.UTC)
        self.id = f"{now:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:6]}"
        self.dir = folder.root / RUNS / self.id
        self.started = now
        self._root = folder.root.resolve()
        self._changes: dict[str, Change] = {}
        self._after: dict[str, str | None] = {}  # each changed file's SHA-256 after the run's last change
        self._lock_fd: int | None = None
        self._handle: Any = None

    # ------------------------------------------------------------ the journal

    def __enter__(self) -> Run:
        BEFORE_CHANGE.append(self._before_change)
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        BEFORE_CHANGE.remove(self._before_change)
        if self._lock_fd is None:
            return  # nothing was changed
        if exc is not None and self.kind not in KEPT_WHEN_CUT_SHORT:
            self._handle.close()
            _roll_back(read_run(self.dir))
            self._release()
        else:
            self._close(interrupted=exc is not None)

    @property
    def changed(self) -> int:
        return len(self._changes)

    def _before_change(self, path: Path, data: bytes | None) -> None:
        try:
            relative = path.resolve().relative_to(self._root)
        except ValueError:
            return  # not in this contacts folder (an export, QR codes...)
        if relative.parts[:1] == (RUNS,):
            return
        # what the file holds once this run changed it, told by the content it is given rather than read at
        # the end: another process may change it in between, and undo must see that change as not its own
        self._after[relative.as_posix()] = hashlib.sha256(data).hexdigest() if data is not None else None
        if relative.as_posix() in self._changes:
            return
        self._start()
        n = len(self._changes)
        existed = path.is_file()
        if existed:
            _write_durably(self.dir / "before" / str(n), path.read_bytes())
        change = Change(n, relative.as_posix(), existed)
        self._handle.write(json.dumps({"n": n, "path": change.path, "existed": existed}) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._changes[change.path] = change
        if os.environ.get(CRASH_ENV) == str(n + 1):
            os.kill(os.getpid(), signal.SIGKILL)  # tests: cut short right here, as a power cut would

    def _start(self) -> None:
        if self._lock_fd is not None:
            return
        try:
            (self.dir / "before").mkdir(parents=True)
            fd = os.open(self.dir / "lock", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._lock_fd = fd
            info = {"kind": self.kind, "description": self.description, "started": self.started.isoformat(),
                    "target": self.target, "pid": os.getpid(), **self.extra}
            _write_durably(self.dir / "run.json", json.dumps(info, ensure_ascii=False).encode("utf-8"), sync=False)
            self._handle = open(self.dir / "changes.jsonl", "a", encoding="utf-8")  # noqa: SIM115 - closed in _close
        except OSError as exc:
            raise OutputError(f"{self.dir}: cannot write the run journal ({exc.strerror or exc})") from exc

    def _close(self, interrupted: bool) -> None:
        self._handle.close()
        if interrupted:  # a change may have stopped half-way: what is on disk
            with self.folder.lock():
                after = {path: _sha256(self.folder.root / path) for path in self._changes}
        else:
            after = {path: self._after[path] for path in self._changes}
        done = {"finished": dt.datetime.now(dt.UTC).isoformat(), "interrupted": interrupted, "after": after}
        _write_durably(self.dir / "done.json", json.dumps(done).encode("utf-8"), sync=False)
        self._release()
        prune(self.folder)

    def _release(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None


# ---------------------------------------------------------------- reading runs back

def read_run(directory: Path) -> RunRecord:
    def load(name: str) -> dict[str, Any] | None:
        try:
            return dict(json.loads((directory / name).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    changes = []
    try:
        for line in (directory / "changes.jsonl").read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                changes.append(Change(int(record["n"]), str(record["path"]), bool(record["existed"])))
            except (ValueError, KeyError, TypeError):
                break  # a line cut by the kill: its change was not made yet
    except OSError:
        pass
    return RunRecord(id=directory.name, dir=directory, info=load("run.json") or {}, changes=changes,
                     done=load("done.json"), rolled_back=(directory / "rolled-back").exists())


def read_runs(folder: ContactsFolder) -> list[RunRecord]:
    """Every run journaled in the folder, oldest first."""
    runs_dir = folder.root / RUNS
    if not runs_dir.is_dir():
        return []
    return [read_run(d) for d in sorted(runs_dir.iterdir()) if d.is_dir() and not d.name.startswith(".")]


def _owner_alive(record: RunRecord) -> bool:
    try:
        fd = os.open(record.dir / "lock", os.O_RDWR)
    except FileNotFoundError:
        return False  # killed before it could even take its lock
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock taken here
    return False


def _roll_back(record: RunRecord) -> None:
    """Put every file the run changed back as it was; safe to repeat if cut short itself."""
    root = record.dir.parent.parent
    seen: set[str] = set()
    for change in reversed(record.changes):
        if change.path in seen:
            continue
        seen.add(change.path)
        target = root / change.path
        if change.existed:
            saved = record.dir / "before" / str(change.n)
            if not saved.is_file():
                raise OutputError(f"{saved}: missing, {target} cannot be put back; the run journal is damaged")
            atomic_write_bytes(target, saved.read_bytes())
        else:
            remove_file(target)
    _write_durably(record.dir / "rolled-back", b"")
    shutil.rmtree(record.dir, ignore_errors=True)


def recover(folder: ContactsFolder) -> list[str]:
    """Finish what a killed command left: close a cut-short scan, roll back a cut-short operation.

    Returns one line per run dealt with, to tell the user.
    """
    if not any(r.done is None or r.rolled_back for r in read_runs(folder)):
        return []  # the usual case, seen without taking the lock
    messages = []
    with folder.lock():
        for record in read_runs(folder):
            if record.rolled_back:
                shutil.rmtree(record.dir, ignore_errors=True)
                continue
            if record.done is not None or _owner_alive(record):
                continue
            if record.kind in KEPT_WHEN_CUT_SHORT:
                after = {c.path: _sha256(folder.root / c.path) for c in record.changes}
                done = {"finished": dt.datetime.now(dt.UTC).isoformat(), "interrupted": True, "after": after}
                _write_durably(record.dir / "done.json", json.dumps(done).encode("utf-8"))
                messages.append(f"{record.describe()} was cut short: what it filed is kept "
                                "(cardscan undo takes it back)")
            else:
                _roll_back(record)
                messages.append(f"{record.describe()} was cut short: taken back, the folder is as before it")
    return messages


def prune(folder: ContactsFolder, keep: int = KEEP_RUNS) -> None:
    """Remove the journals of closed runs beyond the last ``keep`` (by their names: no journal is read)."""
    try:
        names = sorted(d.name for d in os.scandir(folder.root / RUNS) if d.is_dir() and not d.name.startswith("."))
    except OSError:
        return
    closed = [name for name in names if (folder.root / RUNS / name / "done.json").exists()]
    for name in closed[:-keep] if len(closed) > keep else []:
        shutil.rmtree(folder.root / RUNS / name, ignore_errors=True)


# ---------------------------------------------------------------- undo

@dataclass
class UndoResult:
    undone: RunRecord
    restored: list[str] = field(default_factory=list)  # files put back as they were
    removed: list[str] = field(default_factory=list)  # files the run had created


def undoable(folder: ContactsFolder) -> list[RunRecord]:
    """The runs `undo` can still take back, oldest first (an undo itself is not one of them)."""
    records = read_runs(folder)
    undone = {r.target for r in records if r.kind == "undo" and r.closed}
    return [r for r in records if r.closed and r.kind != "undo" and r.id not in undone]


def undo_last(folder: ContactsFolder, force: bool = False) -> UndoResult:
    """Take back the last run: every file it wrote or changed goes back to what it was, or goes if it made it."""
    with folder.lock():
        candidates = undoable(folder)
        if not candidates:
            raise NothingFoundError(f"nothing to undo in {folder.root}")
        target = candidates[-1]
        changed_since = [path for path, digest in sorted(target.after.items())
                         if _sha256(folder.root / path) != digest]
        if changed_since and not force:
            more = f" and {len(changed_since) - 1} more" if len(changed_since) > 1 else ""
            raise UndoConflictError(f"{changed_since[0]}{more} changed since {target.describe()} (in review, or "
                                    "by hand): undo would lose that; --force takes the run back anyway")
        result = UndoResult(undone=target)
        firsts: dict[str, Change] = {}
        for change in target.changes:
            firsts.setdefault(change.path, change)
        with Run(folder, "undo", f"undo of {target.info.get('description') or target.kind}", target=target.id):
            for change in sorted(firsts.values(), key=lambda c: c.n, reverse=True):
                path = folder.root / change.path
                if change.existed:
                    saved = target.dir / "before" / str(change.n)
                    atomic_write_bytes(path, saved.read_bytes())
                    result.restored.append(change.path)
                else:
                    remove_file(path)
                    result.removed.append(change.path)
        _forget_watched_photo(folder, target)
        return result


def _forget_watched_photo(folder: ContactsFolder, record: RunRecord) -> None:
    """A photo the watcher filed, taken back: the watcher reads it again if it lands in the inbox again."""
    sha = record.info.get("photo_sha256")
    journal = folder.root / "watch-journal.sqlite"
    if record.kind != "watch" or not sha or not journal.exists():
        return
    import sqlite3

    connection = sqlite3.connect(journal, isolation_level=None)
    try:
        connection.execute("DELETE FROM photos WHERE sha256 = ?", (sha,))
    finally:
        connection.close()


def history(folder: ContactsFolder) -> Iterator[tuple[RunRecord, str]]:
    """Each journaled run with its state: 'can be undone', 'undone', 'undo'."""
    records = read_runs(folder)
    undone = {r.target for r in records if r.kind == "undo" and r.closed}
    for record in records:
        if not record.closed:
            state = "in progress"
        elif record.kind == "undo":
            state = "undo"
        else:
            state = "undone" if record.id in undone else "can be undone"
        yield record, state
