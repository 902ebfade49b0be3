"""QR codes a phone camera turns into "add contact": one per contact, or one page for a whole event.

The payload is the contact's vCard, compact (no photo, no cardscan bookkeeping). A contact too large
for a QR code loses whole properties, least useful first (the note first), never half a property.
"""

from __future__ import annotations

import html
import io
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import segno
import vobject

from .addressbook import Person
from .store import atomic_write, file_slug, read_vcf
from .vcard import compact_vcard

QR_FORMATS = ("png", "svg", "html")
ERROR_CORRECTION = "m"  # 15% of the code may be damaged or glared and it still reads
# what goes first when a contact does not fit, least needed to reach the person first
SHRINK_ORDER = ("note", "categories", "x-socialprofile", "adr", "url", "title", "org", "email", "tel")


@dataclass(frozen=True)
class QrContact:
    uid: str
    name: str
    payload: str
    left_out: tuple[str, ...]  # property names removed so that it fits


def qr_payload(vcard_text: str) -> QrContact:
    """The compact vCard for one contact, shrunk property by property until a QR code can hold it."""
    card = vobject.readOne(compact_vcard(vcard_text))
    left_out: list[str] = []
    payload = card.serialize()
    for key in SHRINK_ORDER:
        if _fits(payload):
            break
        while key in card.contents and not _fits(payload):
            props = card.contents[key]
            props.pop()  # the last of them: a second phone before the first
            if not props:
                del card.contents[key]
            if key.upper() not in left_out:
                left_out.append(key.upper())
            payload = card.serialize()
    if not _fits(payload):
        raise ValueError("even name and phone do not fit in a QR code")
    return QrContact(uid=str(card.uid.value) if "uid" in card.contents else "", name=str(card.fn.value),
                     payload=payload, left_out=tuple(left_out))


def make_qr(payload: str) -> segno.QRCode:
    return segno.make_qr(payload, error=ERROR_CORRECTION, encoding="utf-8", boost_error=False)


def write_qr_codes(people: Iterable[Person], out: Path, fmt: str, title: str) -> tuple[list[Path], list[QrContact]]:
    """Write one PNG/SVG per contact, named after the person, or one HTML page.

    ``camille-martin.png``: an ASCII slug of the name (text read from a card never becomes a path), made
    unique with ``-2``, ``-3``... and never written over a file already there.
    """
    out.mkdir(parents=True, exist_ok=True)
    contacts = [qr_payload(read_vcf(p.path)) for p in people]
    written: list[Path] = []
    if fmt == "html":
        path = out / "index.html"
        atomic_write(path, _page(contacts, title))
        return [path], contacts
    for contact in contacts:
        code = make_qr(contact.payload)
        buffer = io.BytesIO()
        if fmt == "png":
            code.save(buffer, kind="png", scale=8, border=4)
        else:
            code.save(buffer, kind="svg", scale=8, border=4, title=contact.name)
        written.append(write_new_file(out, file_slug(contact.name, "contact"), f".{fmt}", buffer.getvalue()))
    return written, contacts


def write_new_file(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """``folder/stem.suffix``, or ``stem-2.suffix``... whichever is free: written whole, never over a file."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        number = 1
        while True:
            target = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
            try:
                os.link(tmp, target)  # fails if the name is taken, even by a file made a moment ago
            except FileExistsError:
                number += 1
                continue
            except OSError:  # no hard links here (some network shares): claim the name, then fill it whole
                try:
                    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                except FileExistsError:
                    number += 1
                    continue
                os.replace(tmp, target)
            return target
    finally:
        Path(tmp).unlink(missing_ok=True)


def _fits(payload: str) -> bool:
    try:
        make_qr(payload)
    except segno.DataOverflowError:
        return False
    return True


def _page(contacts: list[QrContact], title: str) -> str:
    """One self-contained page (inline SVG, no script, no outside asset): scan the codes one after another."""
    items = []
    for contact in contacts:
        svg = make_qr(contact.payload).svg_inline(scale=4, border=4)
        items.append(f'<figure>{svg}<figcaption>{html.escape(contact.name)}</figcaption></figure>')
    return (
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><meta name=\"viewport\" content=\"width=device-width\">"
        "<style>body{font-family:sans-serif;margin:2em}main{display:flex;flex-wrap:wrap;gap:2em}"
        "figure{margin:0;text-align:center}figcaption{margin-top:.5em}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{len(contacts)} contacts: point the phone's camera at each code "
        "and tap the contact it shows.</p><main>" + "".join(items) + "</main></body></html>\n"
    )
