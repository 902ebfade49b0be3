"""What the contacts folder knows of each contact it holds: enough to merge, list and find people."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.models import Meeting
from ..core.vcard import VCard


@dataclass(frozen=True)
class StoredCard:
    """What cardscan needs to know of a vCard on disk: to merge, list and find contacts."""

    uid: str
    full_name: str
    organisation: str
    is_company: bool
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    meetings: tuple[Meeting, ...]
    photos: tuple[str, ...]  # the key of every photo read into this contact (its SHA-256, and the card's rank)


def stored_card(card: VCard) -> StoredCard:
    return StoredCard(
        uid=card.uid,
        full_name=card.full_name,
        organisation=card.organisation,
        is_company=card.is_company,
        emails=tuple(e.value.strip().lower() for e in card.emails),
        phones=tuple(card.phone_numbers),
        meetings=tuple(card.meetings),
        photos=tuple(s.sha256 for s in card.sources),
    )


def read_stored(text: str) -> StoredCard | None:
    """Summarise a vCard on disk; None when it cannot be read as one (a file someone edited into nonsense is
    skipped, and never rewritten)."""
    card = VCard.read(text)
    return stored_card(card) if card is not None else None
