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
import vobject

from .core.models import Address, Contact, Found, PersonName, Phone, PhoneKind

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


def _from_vcard(text: str) -> Contact | None:
    try:
        card = vobject.readOne(text.replace("\r\n", "\n").replace("\n", "\r\n"))
    except Exception:  # a damaged payload is ignored; OCR still reads the card
        return None
    contents = card.contents
    name = None
    if "fn" in contents:
        full = str(contents["fn"][0].value)
        n = contents.get("n", [None])[0]
        given = str(getattr(n.value, "given", "")) if n is not None else ""
        family = str(getattr(n.value, "family", "")) if n is not None else ""
        name = _found(PersonName(full=full, given=given, family=family))
    org = contents.get("org", [None])[0]
    org_parts = org.value if org is not None and isinstance(org.value, list) else [org.value] if org else []
    phones = []
    for tel in contents.get("tel", []):
        types = {t.lower() for v in tel.params.get("TYPE", []) for t in v.split(",")}
        kind: PhoneKind = "cell" if "cell" in types else "fax" if "fax" in types else "work"
        phones.append(_found(Phone(str(tel.value), kind)))
    addresses = []
    for adr in contents.get("adr", []):
        v = adr.value
        addresses.append(_found(Address(street=str(v.street), postcode=str(v.code), city=str(v.city),
                                        region=str(v.region), country=str(v.country))))
    return Contact(
        name=name,
        title=_found(str(contents["title"][0].value)) if "title" in contents else None,
        organisation=_found(str(org_parts[0])) if org_parts and org_parts[0] else None,
        department=_found(str(org_parts[1])) if len(org_parts) > 1 and org_parts[1] else None,
        phones=tuple(phones),
        emails=tuple(_found(str(e.value)) for e in contents.get("email", [])),
        websites=tuple(_found(str(u.value)) for u in contents.get("url", [])),
        addresses=tuple(addresses),
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
