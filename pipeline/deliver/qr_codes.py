"""QR codes a phone camera turns into "add contact": one per contact, or one page for a whole event.

The payload is the contact's vCard, compact (no photo, no cardscan bookkeeping). A contact too large
for a QR code loses whole properties, least useful first (the note first), never half a property.
"""

from __future__ import annotations

import html
import io
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import segno

from ..contacts.folder import atomic_write, file_slug, read_vcf
from ..contacts.queries import Person
from ..core.vcard import VCard

QR_FORMATS = ("png", "svg", "html")
ERROR_CORRECTION = "m"  # 15% of the code may be damaged or glared and it still reads
# what goes first when a contact does not fit, least needed to reach the person first
SHRINK_ORDER = ("NOTE", "CATEGORIES", "X-SOCIALPROFILE", "ADR", "URL", "TITLE", "ORG", "EMAIL", "TEL")
# what a phone does not need to add the contact: its photo and cardscan's bookkeeping
NOT_FOR_THE_PHONE = ("PHOTO", "REV", "X-ABDATE", "X-ABLABEL")


# the most a QR code holds (version 40, error correction M, byte mode): a longer payload is not even tried
MAX_QR_BYTES = 2331


@dataclass(frozen=True)
class QrContact:
    uid: str
    name: str
    payload: str
    left_out: tuple[str, ...]  # property names removed so that it fits


@dataclass(frozen=True)
class SkippedContact:
    path: Path
    reason: str


class NoQrCode(ValueError):
    """A contact that cannot become a QR code (no name, not a vCard, too large even at its smallest)."""


def qr_payload(vcard_text: str) -> QrContact:
    """The compact vCard for one contact, without as few whole properties as it takes to fit in a QR code.

    Compact: no photo, no cardscan bookkeeping. Properties go in SHRINK_ORDER (within one, the last first).
    Whether the card fits without the first k of them only grows with k, so the smallest k is found by
    bisection: a few tries, whatever the contact's size (a contact with 3,000 e-mails once took one full
    rewrite and QR attempt per e-mail).
    """
    card = VCard.read(vcard_text)  # any parse failure of a file someone edited
    if card is None:
        raise NoQrCode("not a vCard cardscan can read")
    if not any(name.strip() for name in card.values("FN")):
        raise NoQrCode("no name (FN)")
    for name in {line.name for _, line in card.read_lines()}:
        if name in NOT_FOR_THE_PHONE or name.startswith("X-CARDSCAN"):
            card.remove_all(name)
    card.tidy_extensions()  # a 3.0 TEL written with its extension by an earlier cardscan holds the number alone
    removable = [(name, line) for name in SHRINK_ORDER for line in reversed(card.lines(name))]
    # each property's own length, to decide most tries without writing the whole card out
    sizes = [len(line.raw.encode("utf-8")) for _, line in removable]
    kept_size = len(card.text(leave_out=[line for _, line in removable]).encode("utf-8"))
    remaining = [kept_size + sum(sizes[k:]) for k in range(len(removable) + 1)]

    def without(k: int) -> str:
        return card.text(leave_out=[line for _, line in removable[:k]])

    def fits(k: int) -> bool:
        if remaining[k] > MAX_QR_BYTES * 1.1:
            return False
        return _fits(without(k))

    low, high = 0, len(removable)
    if not fits(high):
        raise NoQrCode("too large for a QR code even with its name alone")
    while low < high:  # the smallest k that fits
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    left_out = list(dict.fromkeys(name for name, _ in removable[:low]))
    return QrContact(uid=card.uid, name=card.full_name, payload=without(low), left_out=tuple(left_out))


def make_qr(payload: str) -> segno.QRCode:
    return segno.make_qr(payload, error=ERROR_CORRECTION, encoding="utf-8", boost_error=False)


def write_qr_codes(people: Iterable[Person], out: Path, fmt: str, title: str
                   ) -> tuple[list[Path], list[QrContact], list[SkippedContact]]:
    """Write one PNG/SVG per contact (named by ``qr_file_stem``) or one HTML page; a bad card is skipped, reported.

    Names are made unique with ``-2``, ``-3``... and a code is never written over a file already there.
    """
    out.mkdir(parents=True, exist_ok=True)
    contacts: list[tuple[Person, QrContact]] = []
    skipped: list[SkippedContact] = []
    for person in people:
        try:
            contacts.append((person, qr_payload(read_vcf(person.path))))
        except NoQrCode as exc:
            skipped.append(SkippedContact(person.path, str(exc)))
        except (OSError, UnicodeDecodeError) as exc:
            skipped.append(SkippedContact(person.path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})"))
    codes = [contact for _, contact in contacts]
    written: list[Path] = []
    if fmt == "html":
        path = out / "index.html"
        atomic_write(path, _page(codes, title))
        return [path], codes, skipped
    for person, contact in contacts:
        code = make_qr(contact.payload)
        buffer = io.BytesIO()
        if fmt == "png":
            code.save(buffer, kind="png", scale=8, border=4)
        else:
            code.save(buffer, kind="svg", scale=8, border=4, title=contact.name)
        written.append(write_new_file(out, qr_file_stem(contact, person.path), f".{fmt}", buffer.getvalue()))
    return written, codes, skipped


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")


def qr_file_stem(contact: QrContact, source: Path) -> str:
    """A code's file name without extension: the person's name as an ASCII slug (``camille-martin``).

    Card text never becomes a path as it is: the slug has letters, digits and dashes only. A name with no
    Latin letter or digit to keep (a name written in another script) falls back on the contact's UID when
    it is a plain file name (letters, digits, '.', '_', '-', not hidden), else its people/ file's name
    made plain.
    """
    slug = file_slug(contact.name, "")
    if slug:
        return slug
    if _PLAIN_NAME.fullmatch(contact.uid):
        return contact.uid
    return _NOT_PLAIN.sub("-", source.stem).strip(".-")[:100] or "contact"


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
    if len(payload.encode("utf-8")) > MAX_QR_BYTES:
        return False
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
