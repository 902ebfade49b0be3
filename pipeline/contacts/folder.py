"""The contacts folder on disk: one vCard per contact, an event file per meeting, every write whole.

Layout (a vdir, as khard and vdirsyncer read it)::

    contacts/people/<UID>.vcf                  one file per contact
    contacts/events/<YYYY-MM-DD>_<slug>.vcf    everyone met at that event that day

Every file is written to a temporary file in the same folder and renamed into
place, so a crash or Ctrl-C never leaves a half-written vCard. Nothing read
from a card ever becomes part of a path: file names come from the photo's hash
and from the event slug.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import stat
import tempfile
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import BadArgumentsError, OutputError
from ..core.models import CardReading, Meeting
from ..core.safetext import storable
from ..core.vcard import DEFAULT_VERSION, PhotoSource, build_vcard
from .merging import Index, merge_vcard
from .records import StoredCard, read_stored

log = logging.getLogger("cardscan.store")

MAX_EVENT_LENGTH = 100
MAX_SLUG_LENGTH = 60
_UID_NAMESPACE = uuid.UUID("5b1c1c0e-8f4e-4f0a-9a57-636172647363")  # fixed: UIDs must never change


def check_event_name(event: str) -> str:
    """Return the event name tidied, or raise BadArgumentsError saying what is wrong with it."""
    tidy = " ".join(event.split())
    if not tidy:
        raise BadArgumentsError("the event name is empty")
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in event.replace("\t", "")):
        raise BadArgumentsError("the event name contains control characters")
    if any(unicodedata.category(c) == "Cs" for c in event):  # the bytes of a name that is not UTF-8
        raise BadArgumentsError("the event name is not UTF-8 text")
    if len(tidy) > MAX_EVENT_LENGTH:
        raise BadArgumentsError(
            f"the event name is too long ({len(tidy)} characters, at most {MAX_EVENT_LENGTH})"
        )
    return tidy


def event_slug(event: str) -> str:
    """A file-name-safe slug: ASCII letters, digits and dashes only, never empty, never a path."""
    return file_slug(event, "event")


def file_slug(text: str, fallback: str) -> str:
    """'Léa Rousseau' -> 'lea-rousseau': ASCII letters, digits and dashes, ``fallback`` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG_LENGTH].strip("-")
    return slug or fallback


def contact_uid(photo_sha256: str) -> str:
    """The contact's UID, derived from the photo's content so a photo read again keeps its contact."""
    return str(uuid.uuid5(_UID_NAMESPACE, photo_sha256))


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, no newline translation) to ``path`` via a temporary file and a rename."""
    atomic_write_bytes(path, text.encode("utf-8"))


# Called with each file about to change and its new content (None: about to be removed), before anything of
# the change is made: the run journal (run_journal.py) keeps what a file of a contacts folder held, so that
# `cardscan undo` can put it back. Every change cardscan makes to a file passes through ``replace_files``.
BEFORE_CHANGE: list[Callable[[Path, bytes | None], None]] = []


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename: never half a file."""
    try:
        replace_files([(path, data)])
    except ReplaceError as exc:
        raise exc.cause from None


def remove_file(path: Path) -> None:
    """Remove a file (no error when it is not there), journaled like a write."""
    try:
        replace_files([(path, None)])
    except ReplaceError as exc:
        raise exc.cause from None


class ReplaceError(OSError):
    """Changing ``path`` failed after the files in ``done`` (of the same call) were put in place."""

    def __init__(self, cause: OSError, path: Path, done: list[Path]) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), str(path))
        self.cause = cause
        self.path = path
        self.done = done


def replace_files(changes: Sequence[tuple[Path, bytes | None]]) -> None:
    """Give each path its new content (None: remove it), in order, each file whole.

    The one place where cardscan changes a file of its own: every change is first announced to
    ``BEFORE_CHANGE`` (the undo journal is on disk before anything moves), then each new content is
    staged in full beside its target (written and synced), then the renames follow one another
    microseconds apart, so a kill -9 leaves at most the last files of the call as they were.
    Raises ReplaceError naming the file that failed and those already changed.
    """
    changes = [(path, data) for path, data in changes if data is not None or os.path.lexists(path)]
    for path, data in changes:
        for hook in BEFORE_CHANGE:
            hook(path, data)
    staged: list[str | None] = []
    done: list[Path] = []
    current = changes[0][0] if changes else Path()
    try:
        for current, data in changes:
            staged.append(None if data is None else _stage(current, data))
        for (current, _), tmp in zip(changes, staged, strict=True):
            if tmp is None:
                current.unlink(missing_ok=True)
            else:
                os.replace(tmp, current)
            done.append(current)
    except OSError as exc:
        raise ReplaceError(exc, current, done) from exc
    finally:
        for tmp in staged[len(done):]:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> str:
    """``data`` in a temporary file beside ``path``, on disk (fsync), ready to be renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


LOCK_NAME = ".cardscan.lock"


class FolderLock:
    """An inter-process lock on one file (``fcntl.flock``), re-entrant for the threads of this process.

    flock belongs to an open file description: every holder in this process shares one, counted, behind a
    thread lock, so a second ``with`` in the same process never waits on itself.

    The file holds a counter that every holder bumps as it lets go (``generation``): a process that finds
    it where it left it knows that no other process held the lock, and wrote, in between.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._owner: int | None = None
        self.generation = 0  # the counter as found when the lock was taken

    @property
    def held(self) -> bool:
        """Whether the calling thread holds the lock."""
        return self._depth > 0 and self._owner == threading.get_ident()

    def __enter__(self) -> FolderLock:
        self._thread_lock.acquire()
        try:
            if self._depth == 0:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except BaseException:
                    os.close(fd)
                    raise
                self._fd = fd
                self._owner = threading.get_ident()
                try:
                    self.generation = int.from_bytes(os.pread(fd, 8, 0).ljust(8, b"\0")[:8], "little")
                except OSError:
                    self.generation = -1  # unknown: nobody will find it as they left it
            self._depth += 1
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                self._owner = None
                with suppress(OSError):
                    os.pwrite(self._fd, ((self.generation + 1) % (1 << 64)).to_bytes(8, "little"), 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None
        finally:
            self._thread_lock.release()


class ContactsFolder:
    """The address book on disk: people/ and events/ below one root.

    Several processes may write it at once (two scans, a scan and the watcher, the review page): every
    read-merge-write of a contact and every event file is written under ``lock()``, and what this process
    knows of people/ (``_files``, the merge index) is brought up to date under that lock first, re-reading
    only the files that changed since (another inode, size or time).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.people = self.root / "people"
        self.events = self.root / "events"
        self.review = self.root / "review"  # card images and OCR boxes for `cardscan review`
        self.trash = self.root / "trash"  # contacts taken out by review: kept, never deleted
        self._lock = FolderLock(self.root / LOCK_NAME)
        self._state_lock = threading.RLock()  # _files and the index, for the threads of this process
        self._files: dict[str, _KnownFile] = {}  # people/ file name -> what it held when last read
        self._members: dict[Path, set[str]] = {}  # event file -> the people/ file names of those met there
        self._cached_index: Index | None = None
        # (lock counter, people/ inode and mtime) as this process left them at its last write: found again,
        # nothing changed people/ since (but an outside tool in the same clock tick), no need to list it
        self._left_as: tuple[int, int, int] | None = None
        self._event_files_checked = False
        self._warned: set[tuple[str, str]] = set()

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder's lock: one writer at a time across processes (scan, watch, review).

        Re-entrant within a process, so a locked operation may call another one.
        """
        with self._lock:
            yield

    def prepare(self) -> None:
        """Create the folders and prove they can be written, or raise OutputError."""
        try:
            self.people.mkdir(parents=True, exist_ok=True)
            self.events.mkdir(parents=True, exist_ok=True)
            for folder in (self.people, self.events):
                fd, probe = tempfile.mkstemp(dir=folder, prefix=".probe.")
                os.close(fd)
                os.unlink(probe)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise OutputError(f"{self.root}: cannot write the contacts folder ({reason})") from exc

    def check_writable(self) -> None:
        """Raise OutputError when the folders could not be made or written; create nothing (a run that files
        nothing leaves no empty contacts folder behind)."""
        for folder in (self.people, self.events):
            existing = folder
            while not existing.exists() and existing != existing.parent:
                existing = existing.parent
            if not existing.is_dir():
                raise OutputError(f"{self.root}: cannot write the contacts folder ({existing} is not a folder)")
            if not os.access(existing, os.W_OK | os.X_OK):
                raise OutputError(f"{self.root}: cannot write the contacts folder (permission denied on {existing})")

    def contact_path(self, uid: str) -> Path:
        return self.people / f"{uid}.vcf"

    def event_path(self, meeting: Meeting) -> Path:
        return self.events / f"{meeting.date.isoformat()}_{event_slug(meeting.event)}.vcf"

    def write_contact(self, reading: CardReading, options: WriteOptions | None = None) -> WriteResult:
        """File the contact read from one photo, update its event files, and return what happened.

        The same photo again rewrites its contact (same UID, same content but
        REV). With merging on, a card that shares an e-mail, a phone number, or
        the name and organisation with a contact on disk updates that contact.
        """
        options = options or WriteOptions()
        source = PhotoSource(storable(Path(reading.source).name), reading.photo_key)
        with self.lock():
            index = self._up_to_date_index()
            own_uid = contact_uid(reading.photo_key)
            target_uid = index.by_photo.get(reading.photo_key)
            merged_with: StoredCard | None = None
            if target_uid is None and options.merge:
                merged_with = index.match(reading.contact)
                target_uid = merged_with.uid if merged_with else None
            uid = target_uid or own_uid
            path = self.contact_path(uid)
            text = build_vcard(reading.contact, [reading.meeting], uid=uid, sources=[source],
                               note_lang=options.note_lang, version=options.version,
                               photo_jpeg=reading.photo_jpeg)
            existing = self._existing_contact(path)
            if existing is not None:
                text = merge_vcard(existing, text, note_lang=options.note_lang)
            stored = read_stored(text)
            assert stored is not None  # we just made it
            self._write_with_event_files(path, text, stored)
            self._remember(path, stored)
            self._note_left_as()
        return WriteResult(path=path, stored=stored, merged_with=merged_with)

    def _write_with_event_files(self, path: Path, text: str, stored: StoredCard) -> None:
        """The contact and the event files that list it, written in full first, then renamed one after another.

        The renames take microseconds: a kill -9 between them leaves at most this contact out of an event
        file, which the next write of any process puts back (``_stale_event_files``).
        """
        members = self._event_members({self.event_path(m) for m in stored.meetings})
        try:
            self.people.mkdir(parents=True, exist_ok=True)  # made by the first contact, not before
            self.events.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        changes: list[tuple[Path, bytes | None]] = [(path, text.encode("utf-8"))]
        for target, names in sorted(members.items()):
            cards = []
            for name in sorted({*names, path.name}):
                if name == path.name:
                    cards.append(text)
                    continue
                try:
                    cards.append(read_vcf(self.people / name))
                except (OSError, UnicodeDecodeError) as exc:
                    self._warn_once(self.people / name, f"left out of {target.name}: {_reason(exc)}")
            changes.append((target, "".join(cards).encode("utf-8")))
        try:
            replace_files(changes)
        except ReplaceError as exc:
            also = f"; the contact itself was written to {path}" if path in exc.done else ""
            raise OutputError(f"{exc.path}: cannot write ({exc.strerror}){also}") from exc

    @contextmanager
    def aside(self) -> Iterator[None]:
        """Write beside the contacts (review material) under the folder's lock, people/ left untouched.

        Like every write of the folder: the run journal (run_journal.py) is kept under the lock. What this
        process knows of people/ stays true when people/ was as it left it.
        """
        with self.lock():
            known = self._left_as is not None and self._left_as == self._as_found()
            yield
            if known:
                self._note_left_as()

    def stored_cards(self) -> Iterator[tuple[Path, StoredCard]]:
        """Every contact in people/, with its summary; other files are skipped (and named once)."""
        with self._state_lock:
            self._refresh()
            known = sorted((name, k.stored) for name, k in self._files.items() if k.stored is not None)
        for name, stored in known:
            yield self.people / name, stored

    def rebuild_event_files(self, meetings: Iterable[Meeting]) -> list[Path]:
        """Rewrite events/<date>_<slug>.vcf for each meeting, from the contacts on disk."""
        wanted = {self.event_path(m) for m in meetings}
        if not wanted:
            return []
        with self.lock():
            # people/ listed again: the callers (forget, rename, restore, review) changed its files themselves,
            # maybe within one tick of the folder's clock, which its mtime would not show
            self._left_as = None
            self._up_to_date_index()
            written = self._write_event_files(wanted)
            self._note_left_as()
            return written

    # ------------------------------------------------------------ what this process knows of people/

    def _up_to_date_index(self) -> Index:
        """Under the lock: people/ as other processes left it, and event files a killed writer left stale."""
        with self._state_lock:
            self._refresh()
            if not self._event_files_checked:
                self._event_files_checked = True
                self._write_event_files(self._stale_event_files())
            if self._cached_index is None:
                index = Index()
                for name in sorted(self._files):
                    stored = self._files[name].stored
                    if stored is not None:
                        index.add(stored)
                self._cached_index = index
            return self._cached_index

    def _refresh(self) -> None:
        """Re-read the files of people/ that changed since this process last read them; forget the gone."""
        with self._state_lock:
            if self._left_as is not None and self._left_as == self._as_found():
                return
            self._left_as = None
            try:
                entries = [e for e in os.scandir(self.people) if e.name.endswith(".vcf")
                           and not e.name.startswith(".")]
            except FileNotFoundError:
                entries = []
            except OSError as exc:
                self._warn_once(self.people, f"cannot list the folder ({exc.strerror or exc})")
                entries = []
            changed = False
            for entry in entries:
                try:
                    status = entry.stat()
                except OSError as exc:
                    self._warn_once(Path(entry.path), f"skipped: {exc.strerror or exc}")
                    continue
                signature = (status.st_ino, status.st_size, status.st_mtime_ns, status.st_mode)
                known = self._files.get(entry.name)
                if known is None or known.signature != signature:
                    self._know(entry.name, signature, self._load(Path(entry.path), status))
                    changed = True
            gone = set(self._files) - {e.name for e in entries}
            for name in gone:
                self._know(name, None, None)
            if changed or gone:
                self._cached_index = None

    def _as_found(self) -> tuple[int, int, int] | None:
        """The lock's counter and people/'s inode and mtime, when this thread holds the lock."""
        if not self._lock.held:
            return None
        try:
            status = os.stat(self.people)
        except OSError:
            return None
        return (self._lock.generation, status.st_ino, status.st_mtime_ns)

    def _note_left_as(self) -> None:
        """At the end of a write under the lock: how people/ and the lock are left (the counter once let go)."""
        found = self._as_found()
        if found is not None:
            self._left_as = ((found[0] + 1) % (1 << 64), found[1], found[2])

    def _know(self, name: str, signature: tuple[int, int, int, int] | None, stored: StoredCard | None) -> None:
        """Record what people/<name> holds (None: it is gone), and which event files list it."""
        old = self._files.pop(name, None)
        for path in old.events if old else ():
            self._members[path].discard(name)
        if signature is None:
            return
        events = frozenset(self.event_path(m) for m in stored.meetings) if stored else frozenset()
        self._files[name] = _KnownFile(signature, stored, events)
        for path in events:
            self._members.setdefault(path, set()).add(name)

    def _load(self, path: Path, status: os.stat_result) -> StoredCard | None:
        if not stat.S_ISREG(status.st_mode):
            self._warn_once(path, "skipped: not a regular file")
            return None
        try:
            text = read_vcf(path)
        except (OSError, UnicodeDecodeError) as exc:
            self._warn_once(path, f"skipped: {_reason(exc)}")
            return None
        stored = read_stored(text)
        if stored is None:
            self._warn_once(path, "skipped: not a vCard cardscan can read")
        return stored

    def _remember(self, path: Path, stored: StoredCard) -> None:
        """What this process just wrote: known without reading it back."""
        status = os.stat(path)
        with self._state_lock:
            self._know(path.name, (status.st_ino, status.st_size, status.st_mtime_ns, status.st_mode), stored)
            if self._cached_index is not None:
                self._cached_index.add(stored)

    def _existing_contact(self, path: Path) -> str | None:
        """The contact about to be updated; a file there that cannot be read is never overwritten."""
        try:
            text = read_vcf(path)
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise OutputError(f"{path}: cannot read the contact to update ({_reason(exc)}): left as it is") from exc
        if read_stored(text) is None:
            raise OutputError(f"{path}: not a vCard cardscan can read: left as it is")
        return text

    def _warn_once(self, path: Path, reason: str) -> None:
        if (str(path), reason) not in self._warned:
            self._warned.add((str(path), reason))
            log.warning("warning: %s: %s", path, reason)

    # ------------------------------------------------------------ event files

    def _event_members(self, paths: set[Path]) -> dict[Path, list[str]]:
        """The people/ file names of everyone met at each event file's meeting, in file-name order."""
        with self._state_lock:
            return {path: sorted(self._members.get(path, ())) for path in paths}

    def _stale_event_files(self) -> set[Path]:
        """Event files older than one of their contacts: a writer was killed between the two writes."""
        with self._state_lock:
            newest = {path: max(self._files[name].signature[2] for name in names)
                      for path, names in self._members.items() if names}
        stale = set()
        for path, contact_time in newest.items():
            try:
                event_time = path.stat().st_mtime_ns
            except OSError:
                event_time = -1
            if event_time < contact_time:
                stale.add(path)
        return stale

    def _write_event_files(self, paths: set[Path]) -> list[Path]:
        """Rewrite each event file from its members' files (the lock is held); an empty one is removed."""
        done = []
        for path, names in sorted(self._event_members(paths).items()):
            cards = []
            for name in names:
                try:
                    cards.append(read_vcf(self.people / name))
                except (OSError, UnicodeDecodeError) as exc:
                    self._warn_once(self.people / name, f"left out of {path.name}: {_reason(exc)}")
            try:
                if cards:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write(path, "".join(cards))
                    done.append(path)
                else:
                    remove_file(path)
            except OSError as exc:
                raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        return done


@dataclass(frozen=True)
class _KnownFile:
    signature: tuple[int, int, int, int]  # inode, size, mtime (ns), mode: changes whenever the file does
    stored: StoredCard | None  # None: not a contact cardscan reads (reported once)
    events: frozenset[Path]  # the event files that list it


@dataclass(frozen=True)
class WriteOptions:
    """How contacts are written: note language, vCard version, whether to merge people met again."""

    note_lang: str = "fr"
    version: str = DEFAULT_VERSION
    merge: bool = True


@dataclass(frozen=True)
class WriteResult:
    path: Path
    stored: StoredCard
    merged_with: StoredCard | None  # the contact met before that this card updated


MAX_CONTACT_BYTES = 1 << 20  # a contact with its 512 px photo is ~150 KB; a file past 1 MB is no business card


class ContactFileError(OSError):
    """A file in people/ that is not read: not a regular file (a FIFO would block), or too large."""


def read_vcf(path: Path, limit: int = MAX_CONTACT_BYTES) -> str:
    """A vCard file's text with its CRLF line ends kept, from a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO named like a contact would otherwise hang every command) and read
    no further than the limit, whatever the file claims or becomes.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise ContactFileError("not a regular file")
        if status.st_size > limit:
            raise ContactFileError(f"larger than {limit // (1 << 20)} MB ({status.st_size / 1e6:.1f} MB)")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise ContactFileError(f"larger than {limit // (1 << 20)} MB (it grew while read)")
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ContactFileError):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)
