"""Stage 7: file contacts in the contacts folder.

Layout (a vdir, as khard and vdirsyncer read it)::

    contacts/people/<UID>.vcf                  one file per contact
    contacts/events/<YYYY-MM-DD>_<slug>.vcf    everyone met at that event that day

Every file is written to a temporary file in the same folder and renamed into
place, so a crash or Ctrl-C never leaves a half-written vCard. Nothing read
from a card ever becomes part of a path: file names come from the photo's hash
and from the event slug.
"""

from __future__ import annotations

import difflib
import fcntl
import json
import os
import re
import tempfile
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadArgumentsError, OutputError
from .lexicons import fold
from .models import CardReading, Contact, Meeting
from .normalise import normalise_phone
from .serialise import contact_to_json, ocr_lines_to_json
from .vcard import DEFAULT_VERSION, PhotoSource, StoredCard, build_vcard, merge_vcard, read_stored

MAX_EVENT_LENGTH = 100
MAX_SLUG_LENGTH = 60
_UID_NAMESPACE = uuid.UUID("5b1c1c0e-8f4e-4f0a-9a57-636172647363")  # fixed: UIDs must never change


def check_event_name(event: str) -> str:
    """Return the event name tidied, or raise BadArgumentsError saying what is wrong with it."""
    tidy = " ".join(event.split())
    if not tidy:
        raise BadArgumentsError("the event name is empty")
    if any(unicodedata.category(c) == "Cc" for c in event.replace("\t", "")):
        raise BadArgumentsError("the event name contains control characters")
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


# Called with a path just before it is written or removed: the run journal (runs.py) keeps what a file of
# a contacts folder held before the change, so that `cardscan undo` can put it back.
BEFORE_CHANGE: list[Callable[[Path], None]] = []


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename: never half a file."""
    for hook in BEFORE_CHANGE:
        hook(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_file(path: Path) -> None:
    """Remove a file (no error when it is not there), journaled like a write."""
    if path.exists():
        for hook in BEFORE_CHANGE:
            hook(path)
    path.unlink(missing_ok=True)


LOCK_NAME = ".cardscan.lock"


class FolderLock:
    """An inter-process lock on one file (``fcntl.flock``), re-entrant for the threads of this process.

    flock belongs to an open file description: every holder in this process shares one, counted, behind a
    thread lock, so a second ``with`` in the same process never waits on itself.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

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
            self._depth += 1
        except BaseException:
            self._thread_lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None
        finally:
            self._thread_lock.release()


class ContactsFolder:
    """The address book on disk: people/ and events/ below one root."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.people = self.root / "people"
        self.events = self.root / "events"
        self.review = self.root / "review"  # card images and OCR boxes for `cardscan review`
        self.trash = self.root / "trash"  # contacts taken out by review: kept, never deleted
        self._cached_index: _Index | None = None
        self._lock = FolderLock(self.root / LOCK_NAME)

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
        """File the contact read from one photo and return what happened.

        The same photo again rewrites its contact (same UID, same content but
        REV). With merging on, a card that shares an e-mail, a phone number, or
        the name and organisation with a contact on disk updates that contact.
        """
        options = options or WriteOptions()
        index = self._index()
        source = PhotoSource(Path(reading.source).name, reading.photo_key)
        own_uid = contact_uid(reading.photo_key)
        target_uid = index.by_photo.get(reading.photo_key)
        merged_with: StoredCard | None = None
        if target_uid is None and options.merge:
            merged_with = index.match(reading.contact)
            target_uid = merged_with.uid if merged_with else None
        uid = target_uid or own_uid
        path = self.contact_path(uid)
        text = build_vcard(reading.contact, [reading.meeting], uid=uid, sources=[source],
                           note_lang=options.note_lang, version=options.version, photo_jpeg=reading.photo_jpeg)
        existing = _read_vcf_or_none(path)
        if existing is not None and read_stored(existing) is not None:
            text = merge_vcard(existing, text, note_lang=options.note_lang)
        try:
            self.people.mkdir(parents=True, exist_ok=True)  # made by the first contact, not before
            atomic_write(path, text)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        stored = read_stored(text)
        assert stored is not None  # we just wrote it
        index.add(stored)
        return WriteResult(path=path, stored=stored, merged_with=merged_with)

    def write_review_material(self, reading: CardReading) -> None:
        """The straightened card and what was read on it, for `cardscan review`: review/<photo sha256>.*"""
        if reading.review_jpeg is None or reading.ocr is None:
            return
        self.review.mkdir(exist_ok=True)
        sidecar = {
            "photo": Path(reading.source).name, "sha256": reading.photo_key,
            "width": reading.ocr.width, "height": reading.ocr.height,
            "lines": ocr_lines_to_json(reading.ocr), "fields": contact_to_json(reading.contact),
            # the meeting this photo brought: `cardscan forget` takes it back with the photo
            "event": reading.meeting.event, "date": reading.meeting.date.isoformat(),
        }
        try:
            atomic_write_bytes(self.review / f"{reading.photo_key}.jpg", reading.review_jpeg)
            atomic_write(self.review / f"{reading.photo_key}.json", json.dumps(sidecar, ensure_ascii=False))
        except OSError as exc:
            raise OutputError(f"{self.review}: cannot write ({exc.strerror or exc})") from exc

    def stored_cards(self) -> Iterator[tuple[Path, StoredCard]]:
        """Every contact in people/, with its summary; unreadable files are skipped."""
        for person in sorted(self.people.glob("*.vcf")):
            text = _read_vcf_or_none(person)
            stored = read_stored(text) if text is not None else None
            if stored is not None:
                yield person, stored

    def _index(self) -> _Index:
        if self._cached_index is None:
            index = _Index()
            for _, stored in self.stored_cards():
                index.add(stored)
            self._cached_index = index
        return self._cached_index

    def rebuild_event_files(self, meetings: Iterable[Meeting]) -> list[Path]:
        """Rewrite events/<date>_<slug>.vcf for each meeting, from the contacts on disk."""
        wanted = {self.event_path(m) for m in meetings}
        if not wanted:
            return []
        members: dict[Path, list[str]] = {path: [] for path in wanted}
        for person, stored in self.stored_cards():
            for target in {self.event_path(m) for m in stored.meetings} & wanted:
                members[target].append(read_vcf(person))
        written = []
        for path, cards in sorted(members.items()):
            try:
                if cards:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write(path, "".join(cards))
                    written.append(path)
                else:
                    remove_file(path)
            except OSError as exc:
                raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        return written


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


@dataclass
class _Index:
    """Who is already in the address book, by photo, e-mail, phone and name+organisation."""

    by_photo: dict[str, str] = field(default_factory=dict)
    by_email: dict[str, StoredCard] = field(default_factory=dict)
    by_phone: dict[str, StoredCard] = field(default_factory=dict)
    by_name_org: dict[tuple[str, str], StoredCard] = field(default_factory=dict)

    def add(self, stored: StoredCard) -> None:
        for sha in stored.photos:
            self.by_photo[sha] = stored.uid
        for email in stored.emails:
            self.by_email[email] = stored
        for phone in stored.phones:
            if phone.startswith("+"):
                self.by_phone[phone] = stored
        key = _name_org_key(stored.full_name, stored.organisation)
        if key and not stored.is_company:
            self.by_name_org[key] = stored

    def match(self, contact: Contact) -> StoredCard | None:
        """The contact on disk that is this person: same e-mail, same phone, or same name and company.

        Colleagues share a switchboard number and a contact@ mailbox, and a company's card is not its
        employee's: a shared number or mailbox joins two cards only when it is personal (a mobile, a named
        mailbox) and no two different names are printed, or when both cards name the same person.
        """
        name = contact.name.value.full if contact.name else ""
        for email in contact.emails:
            stored = self.by_email.get(email.value.lower())
            if stored is not None and _same_holder(name, stored, personal=not _shared_mailbox(email.value)):
                return stored
        for phone in contact.phones:
            stored = self.by_phone.get(phone.value.number)
            if stored is not None and _same_holder(name, stored, personal=_is_mobile(phone.value.number)):
                return stored
        if contact.name and contact.organisation:
            key = _name_org_key(contact.name.value.full, contact.organisation.value)
            if key and key in self.by_name_org:
                return self.by_name_org[key]
        return None


# Mailboxes a whole office reads: they say nothing of whose card it is.
_SHARED_MAILBOXES = frozenset("""
contact contacts info infos information hello hi bonjour accueil office bureau sales ventes vente vendas
comercial commercial admin administration secretariat secretaria reception recepcao atendimento support
service services mail team equipe compta contabilidade rh hr jobs recrutement booking reservation reservas
""".split())


def _shared_mailbox(email: str) -> bool:
    return fold(email.split("@")[0]) in _SHARED_MAILBOXES


def _is_mobile(number: str) -> bool:
    normalised = normalise_phone(number, "ZZ")  # an E.164 number carries its country
    return normalised is not None and normalised[1] == "cell"


def _same_holder(name: str, stored: StoredCard, personal: bool) -> bool:
    """Whether a card printing ``name`` and the stored contact sharing a number or mailbox are one holder."""
    stored_name = "" if stored.is_company else stored.full_name
    if name and stored_name:  # "José Carlos" read once as "Fose Carlos" is still him
        return difflib.SequenceMatcher(None, fold(name), fold(stored_name)).ratio() >= 0.8
    if not name and not stored_name:
        return True  # two cards of the same company
    return personal  # a mobile or a named mailbox belongs to the person whose name the other card prints


def _name_org_key(name: str, organisation: str) -> tuple[str, str] | None:
    if not name.strip() or not organisation.strip():
        return None  # a name alone is shared by too many people
    return (" ".join(sorted(fold(name).split())), " ".join(fold(organisation).split()))


def read_vcf(path: Path) -> str:
    """A vCard file's text with its CRLF line ends kept (text mode would turn them into LF)."""
    return path.read_bytes().decode("utf-8")


def _read_vcf_or_none(path: Path) -> str | None:
    try:
        return read_vcf(path)
    except (OSError, UnicodeDecodeError):
        return None
