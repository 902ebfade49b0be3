"""The drop-folder watcher: photos synced from a phone become contacts, none lost, none twice.

How "none lost, none twice" holds:
- every wake-up (a file-system event from watchfiles, or a timeout) rescans the inbox, so a missed
  event costs a second, never a photo;
- a photo is taken only once its size and mtime have not changed for ``stability`` seconds, and a
  photo that does not decode yet is given more time before it is declared broken;
- a SQLite journal in the contacts folder records each photo's SHA-256 before and after it is read:
  a photo whose contact was written is never read again (under any name), a photo whose reading was
  cut short (crash, kill -9) is read again at the next start; the contact's UID depends on the photo,
  so reading it again rewrites the same contact;
- photos are moved, never deleted or overwritten: to ``processed/<date>_<event>/`` after success, to
  ``failed/`` with ``<name>.error.txt`` after a failure.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from glob import escape as glob_escape
from pathlib import Path

from .batch import ScanOptions, read_safely
from .contacts.folder import ContactsFolder, WriteOptions, atomic_write, check_event_name, event_slug
from .contacts.run_journal import Run
from .core.errors import BadArgumentsError, CardscanError, InputError, UnexpectedError
from .core.safetext import printable, storable
from .filing import PhotoOutcome, file_outcome
from .meeting import Sessions, capture_date
from .read.load import is_image_name
from .report import describe, describe_merge
from .workers import WorkerDiedError, WorkerPool

log = logging.getLogger("cardscan.watch")

PROCESSED, FAILED = "processed", "failed"
UNFILED = "unfiled"
# what sync tools, browsers and file managers leave while a file is on its way, or beside it
IGNORED_PATTERNS = (".*", "*.tmp", "*.part", "*.crdownload", "~*", ".syncthing.*", "@eaDir", ".stfolder",
                    "Thumbs.db", "desktop.ini", "*.error.txt")
DEFAULT_STABILITY = 1.0
# a photo that is stable but does not decode may still be arriving (a paused upload): wait this long
DECODE_GRACE = 30.0
JOURNAL_NAME = "watch-journal.sqlite"

Reader = Callable[[str, ScanOptions], list[PhotoOutcome]]  # one outcome per card, or one error


@dataclass(frozen=True)
class WatchOptions:
    inbox: Path
    scan: ScanOptions  # event here is the default for photos at the top of the inbox
    poll: float | None = None  # seconds between polls; None: native file-system events
    once: bool = False
    stability: float = DEFAULT_STABILITY
    jobs: int = 1


class Journal:
    """Which photos (by content) were started, filed or failed: SQLite, one row per photo."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS photos (sha256 TEXT PRIMARY KEY, status TEXT NOT NULL, source TEXT,"
            " vcard TEXT, error TEXT, updated TEXT NOT NULL)"
        )

    def status(self, sha256: str) -> tuple[str, str | None] | None:
        row = self.connection.execute("SELECT status, vcard FROM photos WHERE sha256 = ?", (sha256,)).fetchone()
        return (row[0], row[1]) if row else None

    def record(self, sha256: str, status: str, source: str, vcard: str | None = None, error: str | None = None) -> None:
        self.connection.execute(
            "INSERT INTO photos (sha256, status, source, vcard, error, updated) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(sha256) DO UPDATE SET status=excluded.status, source=excluded.source,"
            " vcard=excluded.vcard, error=excluded.error, updated=excluded.updated",
            (sha256, status, storable(source), vcard and storable(vcard), error and storable(error),
             dt.datetime.now(dt.UTC).isoformat()),
        )

    def counts(self) -> dict[str, int]:
        return dict(self.connection.execute("SELECT status, COUNT(*) FROM photos GROUP BY status").fetchall())

    def close(self) -> None:
        self.connection.close()


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float  # when this size and mtime were first seen
    first_failure: float | None = None  # when it first failed to decode


@dataclass
class WatchSummary:
    filed: int = 0
    failed: int = 0
    already_filed: int = 0
    merged: int = 0


def is_ignored(path: Path) -> bool:
    """Partial downloads, sync-tool temporaries, thumbnails: never taken."""
    return any(fnmatch.fnmatch(part, pattern) for part in path.parts for pattern in IGNORED_PATTERNS)


def event_for(inbox: Path, photo: Path, default: str) -> str:
    """The event a photo is filed under: its first sub-folder of the inbox, else the default."""
    relative = photo.relative_to(inbox)
    return relative.parts[0] if len(relative.parts) > 1 else default


def unique_destination(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name-1``, ``name-2``... if taken: a photo is never overwritten."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 1
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def move_without_overwrite(source: Path, folder: Path) -> Path:
    """Move a photo into ``folder`` under a free name; the hard link fails rather than replace a file."""
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        target = unique_destination(folder, source.name)
        try:
            os.link(source, target)
        except FileExistsError:
            continue  # someone took the name between the check and the link
        except OSError:
            os.replace(source, target)  # no hard links here (some network shares): the name was free a moment ago
            return target
        source.unlink()
        return target


def processed_twin(photo: Path, processed: Path) -> Path | None:
    """The hard link to ``photo`` that a move into ``processed`` made before it was cut short (kill -9 between
    ``move_without_overwrite``'s link and unlink), or None."""
    try:
        status = photo.stat()
    except OSError:
        return None
    if status.st_nlink < 2 or not processed.is_dir():
        return None
    for candidate in processed.rglob(f"{glob_escape(photo.stem)}*{glob_escape(photo.suffix)}"):
        with suppress(OSError):
            if os.path.samestat(status, candidate.stat()):
                return candidate
    return None


class Watcher:
    """Files every photo that lands in the inbox; ``run`` returns when stopped (or at once with ``once``)."""

    def __init__(self, options: WatchOptions, folder: ContactsFolder, write: WriteOptions,
                 reader: Reader = read_safely, processes: bool = True,
                 on_filed: Callable[[PhotoOutcome], None] | None = None) -> None:
        self.options = options
        self.folder = folder
        self.write_options = write
        self.reader = reader
        self.processes = processes
        self.on_filed = on_filed
        self.stop_event = threading.Event()
        self.journal = Journal(folder.root / JOURNAL_NAME)
        self.summary = WatchSummary()
        self._seen: dict[Path, _Seen] = {}
        self._in_flight: dict[Path, tuple[Future[list[PhotoOutcome]], str]] = {}
        self._first_failures: dict[Path, float | None] = {}
        # photos that could not even be moved aside (failed/ not writable...): left alone until they change
        self._set_aside: dict[Path, tuple[int, int]] = {}
        # one date per meeting: photos of an event arriving within an hour of each other (meeting.py)
        self.sessions = Sessions()
        self._dates: dict[Path, tuple[tuple[int, int] | None, dt.date | None]] = {}
        # with --once nobody waits for a paused upload: a stable file that does not decode fails soon
        self._decode_grace = 2 * options.stability if options.once else DECODE_GRACE

    # ------------------------------------------------------------ the loop

    def run(self) -> WatchSummary:
        executor = self._executor()
        try:
            if self.options.once:
                self._run_once(executor)
            else:
                self._run_forever(executor)
        finally:
            self._collect(block=True)  # finish the photos being read
            executor.shutdown(wait=True, cancel_futures=True)
            self.journal.close()
        return self.summary

    def stop(self) -> None:
        """Finish the photos being read, then return from ``run``."""
        self.stop_event.set()

    def _run_once(self, executor: Executor) -> None:
        # files present now, taken as soon as they are stable; then done
        while not self.stop_event.is_set():
            self._scan()
            self._take_stable(executor)
            self._collect(block=False)
            if not self._seen and not self._in_flight:
                break
            time.sleep(min(0.2, self.options.stability / 2))

    def _run_forever(self, executor: Executor) -> None:
        from watchfiles import watch

        self._scan()
        self._take_stable(executor)
        poll_ms = int((self.options.poll or 0.3) * 1000)
        # wake up at least twice per stability delay, event or not, to see files become stable
        wake_ms = max(100, int(min(500, self.options.stability * 500)))
        changes = watch(self.options.inbox, stop_event=self.stop_event, force_polling=self.options.poll is not None,
                        poll_delay_ms=poll_ms, rust_timeout=wake_ms, yield_on_timeout=True, recursive=True,
                        raise_interrupt=False, watch_filter=lambda _change, path: not self._outside(Path(path)))
        for _ in changes:
            self._scan()
            self._take_stable(executor)
            self._collect(block=False)
            if self.stop_event.is_set():
                break

    # ------------------------------------------------------------ finding photos

    def _outside(self, path: Path) -> bool:
        inbox = self.options.inbox
        try:
            relative = path.relative_to(inbox)
        except ValueError:
            return True
        return bool(relative.parts) and relative.parts[0] in (PROCESSED, FAILED)

    def _scan(self) -> None:
        """Note every candidate photo's size and mtime; forget the ones that went away."""
        inbox = self.options.inbox
        present: set[Path] = set()
        for directory, subdirectories, files in os.walk(inbox):
            here = Path(directory)
            if here == inbox:
                subdirectories[:] = [d for d in subdirectories if d not in (PROCESSED, FAILED)]
            subdirectories[:] = [d for d in subdirectories if not is_ignored(Path(d))]
            for name in files:
                path = here / name
                if is_ignored(Path(name)) or not is_image_name(path) or path in self._in_flight:
                    continue
                try:
                    stat = path.stat()
                except OSError:
                    continue
                if self._set_aside.get(path) == (stat.st_size, stat.st_mtime_ns):
                    continue
                self._set_aside.pop(path, None)
                present.add(path)
                seen = self._seen.get(path)
                if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                    first_failure = seen.first_failure if seen else None
                    self._seen[path] = _Seen(stat.st_size, stat.st_mtime_ns, time.monotonic(), first_failure)
        for gone in set(self._seen) - present:
            del self._seen[gone]

    def _take_stable(self, executor: Executor) -> None:
        now = time.monotonic()
        self._open_sessions(now)
        for path, seen in sorted(self._seen.items(), key=lambda item: item[1].since):
            if len(self._in_flight) >= 2 * max(1, self.options.jobs):
                return  # bounded: a burst of hundreds waits on disk, not in memory
            if now - seen.since < self.options.stability or seen.size == 0:
                continue
            del self._seen[path]
            try:
                self._take(executor, path, seen, now)
            except Exception as exc:  # a bug on one photo is that photo's failure, never the watcher's end
                self._fail_safely(path, None, str(UnexpectedError.from_exception(exc)))

    def _take(self, executor: Executor, path: Path, seen: _Seen, now: float) -> None:
        try:
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return  # moved away meanwhile: the next scan decides
        if sha in {flying_sha for _, flying_sha in self._in_flight.values()}:
            # the same photo under another name is being read: decide once that one is filed
            self._seen[path] = replace(seen, since=now)
            return
        state = self.journal.status(sha)
        if state is not None and state[0] == "done":
            self._already_filed(path, state[1])
            return
        folder = event_for(self.options.inbox, path, self.options.scan.event)
        try:
            event = check_event_name(folder)
        except BadArgumentsError as exc:
            self._fail(path, sha, f"{printable(folder)!r} is not a valid event name: {exc}")
            return
        options = replace(self.options.scan, event=event, date=self._meeting_date(path, event, now))
        self.journal.record(sha, "started", str(path))
        self._in_flight[path] = (executor.submit(self.reader, str(path), options), sha)
        self._first_failures[path] = seen.first_failure

    # ------------------------------------------------------------ the meeting's date

    def _open_sessions(self, now: float) -> None:
        """Photos of an event arriving together are one meeting: the day most of them were taken."""
        if self.options.scan.date is not None:
            return
        arriving: dict[str, list[dt.date]] = {}
        for path, seen in self._seen.items():
            if now - seen.since >= self.options.stability and seen.size:
                taken = self._capture_date(path, seen)
                if taken is not None:
                    arriving.setdefault(event_slug(event_for(self.options.inbox, path, self.options.scan.event)),
                                        []).append(taken)
        for event_key, dates in arriving.items():
            self.sessions.start(event_key, dates, now)
        for gone in set(self._dates) - set(self._seen):
            del self._dates[gone]

    def _meeting_date(self, path: Path, event: str, now: float) -> dt.date | None:
        """--date, else the date of the photo's session (None: the reader's own, for a photo that will fail)."""
        if self.options.scan.date is not None:
            return self.options.scan.date
        taken = self._dates.pop(path, (None, None))[1] or capture_date(path)
        if taken is None:
            return None
        date = self.sessions.date_for(event_slug(event), taken, now)
        if date != taken:
            log.info("%s: taken %s, filed under %s with the photos of %s arriving with it", path.name,
                     taken.isoformat(), date.isoformat(), event)
        return date

    def _capture_date(self, path: Path, seen: _Seen) -> dt.date | None:
        signature, taken = self._dates.get(path, (None, None))
        if signature != (seen.size, seen.mtime_ns):
            taken = capture_date(path)
            self._dates[path] = ((seen.size, seen.mtime_ns), taken)
        return taken

    # ------------------------------------------------------------ filing

    def _collect(self, block: bool) -> None:
        for path, (future, sha) in list(self._in_flight.items()):
            if not block and not future.done():
                continue
            del self._in_flight[path]
            try:
                result = future.result()
            except WorkerDiedError as exc:
                if self.stop_event.is_set() or "SIGTERM" in str(exc):
                    # stopped with the service, not the photo's fault: read again (now, or at the next start)
                    log.warning("%s: not read (%s): it will be read again", printable(path), exc)
                    self._first_failures.pop(path, None)
                    self._seen.pop(path, None)
                    continue
                result = [PhotoOutcome(source=str(path), error=exc)]
            except Exception as exc:  # a reader that raised (the default one never does)
                result = [PhotoOutcome(source=str(path), error=UnexpectedError.from_exception(exc))]
            try:
                self._file(path, sha, result)
            except Exception as exc:
                self._fail_safely(path, sha, str(UnexpectedError.from_exception(exc)))

    def _file(self, path: Path, sha: str, outcomes: list[PhotoOutcome]) -> None:
        """File every card read on the photo, then move the photo once."""
        first_failure = self._first_failures.pop(path, None)
        read = [o for o in outcomes if o.reading is not None]
        if not read:
            error = next((o.error for o in outcomes if o.error), None) or CardscanError("unknown error")
            if self._may_still_be_arriving(path, error, first_failure):
                return
            self._fail(path, sha, str(error))
            return
        filed: list[PhotoOutcome] = []
        failure: CardscanError | None = None
        # one run per photo, journaled: `cardscan undo` takes back the last photo filed
        with Run(self.folder, "watch", f"{path.name} filed by the watcher", extra={"photo_sha256": sha}):
            for outcome in read:  # each contact updates its event files as it is written
                outcome = file_outcome(self.folder, replace(outcome, source=str(path)), self.write_options)
                if outcome.error is not None:
                    failure = outcome.error
                    break
                filed.append(outcome)
        if failure is not None:
            self._fail(path, sha, str(failure))
            return
        self.journal.record(sha, "done", str(path), vcard=", ".join(str(o.vcard) for o in filed))
        assert read[0].reading is not None
        meeting = read[0].reading.meeting
        destination = self.options.inbox / PROCESSED / f"{meeting.date.isoformat()}_{event_slug(meeting.event)}"
        moved = move_without_overwrite(path, destination)
        for outcome in filed:
            self.summary.filed += 1
            self.summary.merged += outcome.merged_with is not None
            log.info("%s", describe(outcome))
            if outcome.merged_with is not None:
                log.info("%s", describe_merge(outcome))
            if self.on_filed is not None:
                self.on_filed(outcome)
        log.debug("%s moved to %s", path, moved)

    def _may_still_be_arriving(self, path: Path, error: CardscanError, first_failure: float | None) -> bool:
        """A stable file that does not decode is given DECODE_GRACE seconds before it counts as broken."""
        if not isinstance(error, InputError) or "damaged" not in str(error):
            return False
        now = time.monotonic()
        first = first_failure if first_failure is not None else now
        if now - first >= self._decode_grace:
            return False
        try:
            stat = path.stat()
        except FileNotFoundError:
            return True
        self._seen[path] = _Seen(stat.st_size, stat.st_mtime_ns, now, first)
        return True

    def _fail(self, path: Path, sha: str | None, reason: str) -> None:
        if sha is not None:
            self.journal.record(sha, "failed", str(path), error=reason)
        failed_folder = self.options.inbox / FAILED
        moved = move_without_overwrite(path, failed_folder)
        atomic_write(failed_folder / f"{moved.name}.error.txt", storable(f"{path.name}: {reason}\n"))
        self.summary.failed += 1
        log.warning("error: %s: %s (moved to %s)", path, reason, moved)

    def _fail_safely(self, path: Path, sha: str | None, reason: str) -> None:
        """Fail a photo; when even that goes wrong (failed/ cannot be written), leave the photo where it is."""
        try:
            self._fail(path, sha, reason)
        except Exception as exc:
            try:
                status = path.stat()
            except OSError:
                return
            self._set_aside[path] = (status.st_size, status.st_mtime_ns)
            self.summary.failed += 1
            log.error("error: %s: %s; it could not be moved to %s either (%s): left where it is", path, reason,
                      FAILED, exc)

    def _already_filed(self, path: Path, vcard: str | None) -> None:
        twin = processed_twin(path, self.options.inbox / PROCESSED)
        if twin is not None:  # a watcher killed between the hard link into processed/ and the unlink
            path.unlink()
            log.info("%s: already filed (%s); its move to %s finished", path, vcard, twin)
            return
        moved = move_without_overwrite(path, self.options.inbox / PROCESSED / "already-filed")
        self.summary.already_filed += 1
        log.info("%s: already filed (%s); moved to %s", path, vcard, moved)

    def _executor(self) -> Executor:
        if not self.processes or self.options.jobs <= 1:
            return ThreadPoolExecutor(max_workers=max(1, self.options.jobs))
        # workers ignore Ctrl-C (the watcher finishes the photos they hold), stop on SIGTERM (a photo cut
        # short is read again), and die with the watcher, even after kill -9
        return WorkerPool(self.options.jobs)
