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

import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterable
from pathlib import Path

from .errors import BadArgumentsError, OutputError
from .models import CardReading, Meeting
from .vcard import build_vcard, read_meetings

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
    ascii_text = unicodedata.normalize("NFKD", event).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG_LENGTH].strip("-")
    return slug or "event"


def contact_uid(photo_sha256: str) -> str:
    """The contact's UID, derived from the photo's content so a photo read again keeps its contact."""
    return str(uuid.uuid5(_UID_NAMESPACE, photo_sha256))


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, no newline translation) to ``path`` via a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ContactsFolder:
    """The address book on disk: people/ and events/ below one root."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.people = self.root / "people"
        self.events = self.root / "events"

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

    def contact_path(self, uid: str) -> Path:
        return self.people / f"{uid}.vcf"

    def event_path(self, meeting: Meeting) -> Path:
        return self.events / f"{meeting.date.isoformat()}_{event_slug(meeting.event)}.vcf"

    def write_contact(self, reading: CardReading, note_lang: str = "fr") -> tuple[Path, list[Meeting]]:
        """Write (or rewrite) the contact read from one photo; return its path and all its meetings.

        A contact already on disk under the same UID keeps the meetings it had,
        so reading a photo again under another event adds that event.
        """
        uid = contact_uid(reading.sha256)
        path = self.contact_path(uid)
        meetings = self._existing_meetings(path)
        if reading.meeting not in meetings:
            meetings.append(reading.meeting)
        text = build_vcard(reading.contact, meetings, uid=uid, source_name=Path(reading.source).name,
                           note_lang=note_lang)
        try:
            atomic_write(path, text)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        return path, meetings

    def rebuild_event_files(self, meetings: Iterable[Meeting]) -> list[Path]:
        """Rewrite events/<date>_<slug>.vcf for each meeting, from the contacts on disk."""
        wanted = {self.event_path(m): m for m in meetings}
        if not wanted:
            return []
        members: dict[Path, list[str]] = {path: [] for path in wanted}
        for person in sorted(self.people.glob("*.vcf")):
            text = person.read_text(encoding="utf-8")
            for meeting in read_meetings(text):
                target = self.event_path(meeting)
                if target in members and text not in members[target]:
                    members[target].append(text)
        written = []
        for path, cards in members.items():
            try:
                if cards:
                    atomic_write(path, "".join(cards))
                    written.append(path)
                else:
                    path.unlink(missing_ok=True)
            except OSError as exc:
                raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        return written

    def _existing_meetings(self, path: Path) -> list[Meeting]:
        try:
            return read_meetings(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):  # no contact yet, or one we cannot read: start afresh
            return []

