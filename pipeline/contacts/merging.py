"""Merging: who on a new card is someone already in the address book, and what of the card joins them.

Two rules, kept here together: the index says whose contact a card updates (same photo; same e-mail,
phone, or name and company, with the care colleagues and companies need); ``merge_vcard`` adds to that
contact what the card brings, losing nothing known. ``drop_photo`` takes back what one photo brought.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..core.models import Contact, Meeting
from ..core.vcard import EXTENSION_PROPERTY, VCard, tel_display, tel_number, tel_text
from ..core.vcard_lines import ContentLine, components_of, text_of
from ..understand.lexicons import fold
from ..understand.normalise import normalise_phone
from .records import StoredCard

# what a newly read card adds to a contact, compared by what they say (``_identity``), in this order
_ADDED = ("TEL", EXTENSION_PROPERTY, "EMAIL", "TITLE", "URL", "ADR", "X-SOCIALPROFILE", "PHOTO")


def merge_vcard(existing: str, incoming: str, note_lang: str = "fr", revision: dt.datetime | None = None) -> str:
    """Fold a newly read card into a contact on disk: nothing known is lost, new details are added.

    The existing UID, name and anything a person edited stay; phones, e-mails,
    titles, websites, addresses and social profiles the new card adds are
    appended; its meeting and photo join the list.
    """
    old, new = VCard(existing), VCard(incoming)
    if old.is_company and not new.is_company:
        # the company's card meets the person behind it: the person's name wins
        for name in ("FN", "N", "X-ABSHOWAS", "KIND"):
            old.remove_all(name)
        for name in ("FN", "N"):
            for line in new.lines(name):
                old.add_line(line)
    if not old.has("ORG") and new.has("ORG"):
        old.add_line(new.lines("ORG")[0])
    for name in _ADDED:
        if name == "PHOTO" and old.has("PHOTO"):
            continue
        known = {_identity(name, line) for line in old.lines(name)}
        for line in new.lines(name):
            if _identity(name, line) not in known:
                old.add_line(line)
                known.add(_identity(name, line))
    known_lines = set(old.other_note_lines())
    added_lines = [line for line in new.other_note_lines() if line not in known_lines]
    if added_lines:  # what the new card's note says besides its meeting (a phone's extension)
        old.add_text("NOTE", "\n".join(added_lines))
    meetings = old.meetings
    meetings += [m for m in new.meetings if m not in meetings]
    sources = old.sources
    sources += [s for s in new.sources if s not in sources]
    old.set_meetings(meetings, note_lang)
    old.set_sources(sources)
    old.set_revision(revision)
    old.tidy_extensions()
    return old.text()


def drop_photo(existing: str, photo_keys: set[str], meetings: Sequence[Meeting] = (),
               values: dict[str, set[str]] | None = None) -> str:
    """The contact without what one photo brought: its source, ``meetings``, and ``values`` by property
    ('tel': E.164 numbers, 'email', 'url', 'title': as read), each compared as merging compares them."""
    card = VCard(existing)
    kept_meetings = [m for m in card.meetings if m not in meetings]
    for key, dropped in (values or {}).items():
        card.remove_all(key.upper(), _said_in(key.upper(), dropped))
    card.set_meetings(kept_meetings, card.meeting_language() or "fr", leaving=meetings)
    card.set_sources([s for s in card.sources if s.sha256 not in photo_keys])
    card.set_revision()
    card.tidy_extensions()
    return card.text()


def _said_in(name: str, values: set[str]) -> Callable[[ContentLine], bool]:
    """Whether a line of property ``name`` says one of ``values``."""
    gone = {_value_identity(name, value) for value in values}
    return lambda line: _identity(name, line) in gone


def _identity(name: str, line: ContentLine) -> object:
    """When two properties say the same thing, whatever their case or spacing."""
    if name == "TEL":
        return tel_number(tel_display(tel_text(line)))
    if name == "ADR":
        _, _, street, city, _, code, _ = components_of(line, 7)[:7]
        return tuple(fold(part).strip() for part in (street, code, city))
    if name == "PHOTO":
        return "photo"
    return _value_identity(name, text_of(line))


def _value_identity(name: str, value: str) -> object:
    if name == "TEL":
        return value.strip()
    text = fold(value).strip().rstrip("/")
    # written 'https://www.x.fr' now, 'www.x.fr' before
    return re.sub(r"^https?://", "", text) if name in ("URL", "X-SOCIALPROFILE") else text


# ---------------------------------------------------------------- who is who

@dataclass
class Index:
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
    if name and stored_name:  # "José Prado" read once as "Fose Prado" is still him
        return difflib.SequenceMatcher(None, fold(name), fold(stored_name)).ratio() >= 0.8
    if not name and not stored_name:
        return True  # two cards of the same company
    return personal  # a mobile or a named mailbox belongs to the person whose name the other card prints


def _name_org_key(name: str, organisation: str) -> tuple[str, str] | None:
    if not name.strip() or not organisation.strip():
        return None  # a name alone is shared by too many people
    return (" ".join(sorted(fold(name).split())), " ".join(fold(organisation).split()))


