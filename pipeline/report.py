"""What cardscan tells the user: the JSON line per photo and the closing summary."""

from __future__ import annotations

import json
from typing import Any

from .batch import BatchSummary
from .core.contact_json import contact_to_json
from .core.safetext import printable, storable
from .filing import PhotoOutcome


def outcome_to_json(outcome: PhotoOutcome) -> str:
    """One line of ``--json`` output for one photo."""
    reading = outcome.reading
    record: dict[str, Any] = {
        "source": outcome.source,
        "status": "ok" if outcome.ok else "error",
        "vcard": str(outcome.vcard) if outcome.vcard else None,
        "error": str(outcome.error) if outcome.error else None,
        "contact": contact_to_json(reading.contact) if reading and outcome.ok else None,
    }
    if outcome.merged_with is not None:
        record["merged_with"] = {"uid": outcome.merged_with.uid, "name": outcome.merged_with.full_name,
                                 "met": [{"event": m.event, "date": m.date.isoformat()}
                                         for m in outcome.merged_with.meetings]}
    if reading is not None and outcome.ok:
        record["event"] = reading.meeting.event
        record["date"] = reading.meeting.date.isoformat()
        record["ocr_confidence"] = reading.ocr_confidence
        record["found_card"] = reading.found_card
        record["doubts"] = [doubt.to_json() for doubt in outcome.doubts or ()]
    return json_line(record)


def json_line(record: dict[str, Any]) -> str:
    """One JSON line; a byte of a file name that is not UTF-8 becomes U+FFFD (json.dumps escapes the rest)."""
    return storable(json.dumps(record, ensure_ascii=False))


def summary_line(summary: BatchSummary, contacts_root: str) -> str:
    """'12 cards written to contacts/, 1 failed, 3 doubtful fields to review' (see ``doubts``)."""
    cards = "card" if summary.written == 1 else "cards"
    parts = [f"{summary.written} {cards} written to {printable(contacts_root)}"]
    if summary.merged:
        parts.append(f"{summary.merged} merged with people met before")
    parts.append(f"{summary.failed} failed")
    fields = "field" if summary.to_review == 1 else "fields"
    parts.append(f"{summary.to_review} doubtful {fields} to review")
    return ", ".join(parts)


def describe_merge(outcome: PhotoOutcome) -> str:
    """'IMG_2.jpg: merged with Camille Martin (met at vernissage, 2026-11-20)'."""
    before = outcome.merged_with
    assert before is not None
    first = before.meetings[0] if before.meetings else None
    met = f" (met at {first.event}, {first.date.isoformat()})" if first else ""
    return printable(f"{outcome.source}: merged with {before.full_name}{met}")


def describe(outcome: PhotoOutcome) -> str:
    """One human line per photo: 'photo.jpg -> Jean Dupont (ACME)'."""
    if outcome.error is not None or outcome.reading is None:
        return printable(f"{outcome.source}: {outcome.error}")
    contact = outcome.reading.contact
    who = contact.name.value.full if contact.name else (contact.organisation.value if contact.organisation else "?")
    org = f" ({contact.organisation.value})" if contact.name and contact.organisation else ""
    return printable(f"{outcome.source} -> {who}{org}, {outcome.reading.meeting.event} {outcome.reading.meeting.date}")
