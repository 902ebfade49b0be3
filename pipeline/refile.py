"""Re-filing: forget a photo, rename (or re-date) an event, restore a contact from trash/.

Each operation changes several files (contacts, event files, review material, trash/); it runs under the
folder's lock and inside one journaled run (contacts/run_journal.py): cut short by a crash, it is rolled
back at the next command; finished, `cardscan undo` takes it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .contacts.folder import ContactsFolder, atomic_write, check_event_name, event_slug, read_vcf, remove_file
from .contacts.merging import drop_photo, merge_vcard
from .contacts.records import StoredCard, read_stored
from .contacts.run_journal import Run
from .core.errors import NothingFoundError, OutputError
from .core.models import Meeting
from .core.vcard import VCard, rename_meeting
from .understand.lexicons import fold

_SHA = re.compile(r"^[0-9a-f]{64}$")
_TRASHED = re.compile(r"^(?P<uid>[0-9a-f-]{36})-(?P<stamp>\d{8}T\d{6}Z)(?:-\d+)?\.vcf$")
# what `forget` takes out of a contact it was merged into: the values only that photo brought
_FORGETTABLE = {"tel": ("phones", "number"), "email": ("emails", "value"), "url": ("websites", "value")}


@dataclass
class ForgetResult:
    removed: list[StoredCard] = field(default_factory=list)  # contacts read from that photo alone: in trash/
    updated: list[StoredCard] = field(default_factory=list)  # contacts it had been merged into


def forget_photos(folder: ContactsFolder, photos: list[str]) -> list[tuple[str, ForgetResult | NothingFoundError]]:
    """Forget each photo (see ``forget_photo``), all in one run: `undo` takes them back together."""
    results: list[tuple[str, ForgetResult | NothingFoundError]] = []
    with folder.lock(), Run(folder, "forget", "forget " + ", ".join(Path(p).name for p in photos)):
        for photo in photos:
            try:
                results.append((photo, forget_photo(folder, photo)))
            except NothingFoundError as exc:  # raised before anything of that photo changed
                results.append((photo, exc))
    return results


def forget_photo(folder: ContactsFolder, photo: str) -> ForgetResult:
    """Take a photo's cards out of the address book, as if it had never been read.

    ``photo`` is the photo's file (its content says which contacts it made), or, once the file is gone,
    its name as filed. A contact read from that photo alone goes to trash/; a contact it was merged into
    loses the photo, the meeting it brought and the phones, e-mails and websites only it brought (as its
    review material tells). The contact as it was goes to trash/ either way, for `cardscan restore`.
    Journaled when called inside a run (``forget_photos``).
    """
    path = Path(photo)
    sha = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    if sha is None and _SHA.match(photo):
        sha = photo

    def from_it(key: str, name: str) -> bool:
        if sha is not None:
            return key == sha or key.startswith(f"{sha}-")  # '<sha>-1': the second card of that photo
        return name == path.name

    result = ForgetResult()
    with folder.lock():
        hits = []
        for person, stored in folder.stored_cards():
            text = read_vcf(person)
            sources = VCard(text).sources
            if any(from_it(s.sha256, s.name) for s in sources):
                hits.append((person, stored, text, sources))
        if not hits:
            raise NothingFoundError(f"{photo}: no contact in {folder.root} was read from this photo")
        for person, stored, text, sources in hits:
            mine = [s.sha256 for s in sources if from_it(s.sha256, s.name)]
            others = [s.sha256 for s in sources if not from_it(s.sha256, s.name)]
            _to_trash(folder, stored.uid, text)
            if not others:
                remove_file(person)
                result.removed.append(stored)
            else:
                leaving, values = _brought_only_by(folder, mine, others, list(stored.meetings))
                remaining = drop_photo(text, set(mine), leaving, values)
                _write(person, remaining)
                updated = read_stored(remaining)
                assert updated is not None
                result.updated.append(updated)
            for sha_key in mine:
                _forget_in_watch_journal(folder, sha_key.split("-")[0])
            folder.rebuild_event_files(stored.meetings)
    return result


def _brought_only_by(folder: ContactsFolder, mine: list[str], others: list[str], meetings: list[Meeting]
                     ) -> tuple[list[Meeting], dict[str, set[str]]]:
    """The meetings and values the photo ``mine`` brought that no other photo of the contact brought too.

    Told by each photo's review material; when another photo's is missing, nothing but the photo goes
    (what that photo brought cannot be told apart).
    """
    mine_read = [_sidecar(folder, key) for key in mine]
    others_read = [_sidecar(folder, key) for key in others]
    if any(s is None for s in mine_read + others_read):
        return [], {}
    mine_sidecars = [s for s in mine_read if s is not None]
    other_sidecars = [s for s in others_read if s is not None]
    leaving = [m for m in meetings if any(_meeting(s) == m for s in mine_sidecars)
               and not any(_meeting(s) == m for s in other_sidecars)]
    values: dict[str, set[str]] = {}
    for key, (field_name, value_name) in _FORGETTABLE.items():
        theirs = {str(f.get(value_name, "")) for s in other_sidecars for f in s.get("fields", {}).get(field_name) or []}
        ours = {str(f.get(value_name, "")) for s in mine_sidecars for f in s.get("fields", {}).get(field_name) or []}
        if ours - theirs:
            values[key] = ours - theirs
    return leaving, values


def _sidecar(folder: ContactsFolder, key: str) -> dict[str, Any] | None:
    try:
        return dict(json.loads((folder.review / f"{key}.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _meeting(sidecar: dict[str, Any]) -> Meeting | None:
    try:
        return Meeting(str(sidecar["event"]), dt.date.fromisoformat(str(sidecar["date"])))
    except (KeyError, ValueError):
        return None


def _forget_in_watch_journal(folder: ContactsFolder, sha: str) -> None:
    """The watcher reads the photo again if it lands in the inbox again."""
    journal = folder.root / "watch-journal.sqlite"
    if not journal.exists():
        return
    import sqlite3

    connection = sqlite3.connect(journal, isolation_level=None)
    try:
        connection.execute("DELETE FROM photos WHERE sha256 = ?", (sha,))
    except sqlite3.Error:
        pass  # no such table yet: nothing to forget
    finally:
        connection.close()


# ---------------------------------------------------------------- rename

@dataclass
class RenameResult:
    contacts: list[StoredCard]
    meetings: dict[Meeting, Meeting]  # before -> after


def rename_event(folder: ContactsFolder, old: str, new: str, date: dt.date | None = None,
                 to_date: dt.date | None = None) -> RenameResult:
    """File everyone met at ``old`` (that day, with ``date``) under ``new`` (on ``to_date`` if given)."""
    new = check_event_name(new)
    what = f"rename {old!r}" + (f" of {date.isoformat()}" if date else "") + f" to {new!r}" + (
        f" on {to_date.isoformat()}" if to_date else "")
    renamed: dict[Meeting, Meeting] = {}
    contacts = []
    with folder.lock(), Run(folder, "rename", what):
        for person, stored in folder.stored_cards():
            hits = [m for m in stored.meetings
                    if event_slug(m.event) == event_slug(old) and (date is None or m.date == date)]
            if not hits:
                continue
            text = read_vcf(person)
            for meeting in hits:
                renamed[meeting] = Meeting(new, to_date or meeting.date)
                text = rename_meeting(text, meeting, renamed[meeting])
            _write(person, text)
            for source in VCard(text).sources:  # what each photo brought, for `forget`
                _rename_in_sidecar(folder, source.sha256, renamed)
            after = read_stored(text)
            assert after is not None
            contacts.append(after)
        if not contacts:
            on = f" on {date.isoformat()}" if date else ""
            raise NothingFoundError(f"nobody met at {old!r}{on} in {folder.root}")
        folder.rebuild_event_files(set(renamed) | set(renamed.values()))
    return RenameResult(contacts, renamed)


def _rename_in_sidecar(folder: ContactsFolder, key: str, renamed: dict[Meeting, Meeting]) -> None:
    sidecar = _sidecar(folder, key)
    meeting = _meeting(sidecar) if sidecar else None
    if sidecar is None or meeting not in renamed:
        return
    new = renamed[meeting]
    sidecar.update(event=new.event, date=new.date.isoformat())
    atomic_write(folder.review / f"{key}.json", json.dumps(sidecar, ensure_ascii=False))


# ---------------------------------------------------------------- trash

@dataclass(frozen=True)
class Trashed:
    path: Path
    uid: str
    when: dt.datetime
    stored: StoredCard


def trashed(folder: ContactsFolder) -> list[Trashed]:
    """The contacts in trash/ (taken out by review's "Not a card" or by `forget`), the latest first."""
    found = []
    for path in folder.trash.glob("*.vcf") if folder.trash.is_dir() else []:
        match = _TRASHED.match(path.name)
        if not match:
            continue
        try:
            stored = read_stored(read_vcf(path))
        except (OSError, UnicodeDecodeError):
            continue
        if stored is None:
            continue
        when = dt.datetime.strptime(match["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        found.append(Trashed(path, match["uid"], when, stored))
    return sorted(found, key=lambda t: (t.when, t.path.name), reverse=True)


def restore(folder: ContactsFolder, query: str = "") -> list[StoredCard]:
    """Put back from trash/ the latest contact taken out (or every one matching ``query``, as find matches).

    A contact that is still in the address book (it stayed for its other events) gets back what it lost;
    the copy in trash/ goes.
    """
    words = fold(query).split()
    restored = []
    with folder.lock(), Run(folder, "restore", f"restore {query}".strip()):
        candidates = trashed(folder)
        if words:
            candidates = [t for t in candidates if all(
                w in fold(" ".join([t.stored.full_name, t.stored.organisation, *t.stored.emails])) for w in words)]
        else:
            candidates = candidates[:1]
        if not candidates:
            raise NothingFoundError(f"nothing in {folder.trash}" + (f" matches {query!r}" if query else ""))
        done: set[str] = set()
        for item in candidates:  # the latest copy of each contact
            if item.uid in done:
                continue
            done.add(item.uid)
            text = read_vcf(item.path)
            target = folder.contact_path(item.uid)
            before = read_stored(read_vcf(target)) if target.is_file() else None
            if before is not None:
                text = merge_vcard(read_vcf(target), text, note_lang=VCard(text).meeting_language() or "fr")
            _write(target, text)
            remove_file(item.path)
            after = read_stored(text)
            assert after is not None
            restored.append(after)
            folder.rebuild_event_files(set(after.meetings) | set(before.meetings if before else ()))
    return restored


def _to_trash(folder: ContactsFolder, uid: str, text: str) -> Path:
    """The contact as it was, kept in trash/ under a name no other copy has."""
    folder.trash.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder.trash / f"{uid}-{stamp}.vcf"
    number = 1
    while path.exists():
        path = folder.trash / f"{uid}-{stamp}-{number}.vcf"
        number += 1
    _write(path, text)
    return path


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
