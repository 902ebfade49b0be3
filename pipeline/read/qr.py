"""Stage 2c: QR codes printed on a card.

A QR code is read exactly (no OCR guesswork), so a vCard or MECARD payload
wins over OCR for every field it carries, and a URL payload becomes a website.
The code's square is blanked before OCR, because Tesseract reads its modules
as garbage letters that stick to neighbouring lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np

from ..core.models import Address, Contact, Found, PersonName, Phone, PhoneKind
from ..core.vcard import VCard

QR_CONFIDENCE = 0.99
_EVIDENCE = ("QR code",)


@dataclass(frozen=True)
class QrCode:
    payload: str
    corners: np.ndarray  # float32 (4, 2) in the card image


def find_qr_codes(pixels: np.ndarray) -> list[QrCode]:
    """Decode the QR codes on a card image; an unreadable code is simply not returned."""
    gray = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    try:
        ok, payloads, points, _ = cv2.QRCodeDetectorAruco().detectAndDecodeMulti(gray)
    except cv2.error:
        return []
    if not ok or points is None:
        return []
    return [QrCode(payload=text, corners=np.asarray(corners, dtype=np.float32).reshape(4, 2))
            for text, corners in zip(payloads, points, strict=False) if text]


def blank_out(pixels: np.ndarray, codes: list[QrCode]) -> np.ndarray:
    """A copy of ``pixels`` with each code's square (and a margin) painted in the card's colour."""
    if not codes:
        return pixels
    out = pixels.copy()
    paper = np.median(pixels.reshape(-1, pixels.shape[2]) if pixels.ndim == 3 else pixels.reshape(-1), axis=0)
    for code in codes:
        centre = code.corners.mean(axis=0)
        grown = centre + (code.corners - centre) * 1.15
        cv2.fillConvexPoly(out, grown.astype(np.int32), paper.tolist() if np.ndim(paper) else float(paper))
    return out


def contact_from_payload(payload: str) -> Contact | None:
    """The contact a QR payload carries: vCard, MECARD or a bare URL; None for anything else."""
    text = payload.strip()
    if text.upper().startswith("BEGIN:VCARD"):
        return _from_vcard(text)
    if text.upper().startswith("MECARD:"):
        return _from_mecard(text)
    if re.match(r"(?i)^https?://\S+$", text):
        return Contact(websites=(Found(text, QR_CONFIDENCE, _EVIDENCE),))
    return None


def merge_qr(read: Contact, from_qr: Contact) -> Contact:
    """OCR's contact with every field the QR code carries replaced by the QR's value."""
    merged = read
    for key in ("name", "title", "organisation", "department"):
        if getattr(from_qr, key) is not None:
            merged = replace(merged, **{key: getattr(from_qr, key)})
    for key in ("phones", "emails", "websites", "addresses", "social"):
        if getattr(from_qr, key):
            merged = replace(merged, **{key: getattr(from_qr, key)})
    return merged


def _found(value: Any) -> Found[Any]:
    return Found(value, QR_CONFIDENCE, _EVIDENCE)


def _phone(kind: PhoneKind, shown: str) -> Phone:
    """'+33142685300 ext. 240' as a Phone, which keeps the number and its extension apart."""
    number, _, extension = shown.partition(" ext. ")
    return Phone(number, kind, extension)


def _from_vcard(text: str) -> Contact | None:
    card = VCard.read(text.replace("\r\n", "\n").replace("\n", "\r\n"))
    if card is None:  # a damaged payload is ignored; OCR still reads the card
        return None
    name = None
    if card.has("FN"):
        n = card.name
        name = _found(PersonName(full=card.full_name, given=n.given, family=n.family))
    org = card.organisations[0] if card.organisations else None
    titles = card.titles
    return Contact(
        name=name,
        title=_found(titles[0].value) if titles else None,
        organisation=_found(org.name) if org and org.name else None,
        department=_found(org.department) if org and org.department else None,
        phones=tuple(_found(_phone(kind, shown)) for kind, shown in card.phones_read()),
        emails=tuple(_found(e.value) for e in card.emails),
        websites=tuple(_found(u.value) for u in card.websites),
        addresses=tuple(_found(Address(street=a.street, postcode=a.postcode, city=a.city, region=a.region,
                                       country=a.country)) for a in card.addresses),
    )


def _from_mecard(text: str) -> Contact | None:
    fields: dict[str, list[str]] = {}
    for part in re.split(r"(?<!\\);", text[len("MECARD:"):]):
        key, _, value = part.partition(":")
        if value:
            fields.setdefault(key.upper(), []).append(re.sub(r"\\(.)", r"\1", value))
    if not fields:
        return None
    name = None
    if "N" in fields:
        family, _, given = fields["N"][0].partition(",")
        full = f"{given.strip()} {family.strip()}".strip()
        name = _found(PersonName(full=full, given=given.strip(), family=family.strip()))
    return Contact(
        name=name,
        organisation=_found(fields["ORG"][0]) if "ORG" in fields else None,
        title=_found(fields["TITLE"][0]) if "TITLE" in fields else None,
        phones=tuple(_found(Phone(t, None)) for t in fields.get("TEL", [])),
        emails=tuple(_found(e) for e in fields.get("EMAIL", [])),
        websites=tuple(_found(u) for u in fields.get("URL", [])),
    )
