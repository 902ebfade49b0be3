"""Contacts and OCR lines as JSON-ready dictionaries (for --json and the review page)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .models import Contact, Found, OcrResult


def found_to_json(found: Found[Any]) -> dict[str, Any]:
    value = found.value
    is_record = dataclasses.is_dataclass(value) and not isinstance(value, type)
    body = dataclasses.asdict(value) if is_record else {"value": value}
    return {**body, "confidence": found.confidence, "evidence": list(found.evidence)}


def contact_to_json(contact: Contact) -> dict[str, Any]:
    """Every field with its confidence and the OCR text it was read from."""
    single = {
        key: (found_to_json(getattr(contact, key)) if getattr(contact, key) is not None else None)
        for key in ("name", "title", "organisation", "department")
    }
    many = {
        key: [found_to_json(f) for f in getattr(contact, key)]
        for key in ("phones", "emails", "websites", "addresses", "social")
    }
    return single | many


def ocr_lines_to_json(ocr: OcrResult) -> list[dict[str, Any]]:
    """Each OCR line with its box in the straightened card image, to outline on the review page."""
    return [{"text": line.text, "box": [line.box.left, line.box.top, line.box.width, line.box.height],
             "confidence": round(line.confidence, 3)} for line in ocr.lines]


def contact_summary(contact: Contact) -> dict[str, Any]:
    """The main values only, flat: what the text corpus and `make eval` compare with expectations."""
    address = contact.addresses[0].value if contact.addresses else None
    return {
        "name": contact.name.value.full if contact.name else None,
        "title": contact.title.value if contact.title else None,
        "org": contact.organisation.value if contact.organisation else None,
        "phones": [[p.value.number, p.value.kind] for p in contact.phones],
        "emails": [e.value for e in contact.emails],
        "urls": [u.value for u in contact.websites],
        "street": address.street or None if address else None,
        "postcode": address.postcode if address else None,
        "city": address.city if address else None,
        "region": address.region or None if address else None,
        "country": address.country or None if address else None,
    }
