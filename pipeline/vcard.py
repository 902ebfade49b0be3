"""Stage 6: turn a contact and the meetings with that person into vCard text.

vobject does the escaping of ``,`` ``;`` ``\\`` and newlines and the folding of
long lines, so text read from a card can never break the file. Everything that
differs between vCard versions is decided in this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import vobject

from .models import Contact, Meeting, PhoneKind

VCARD_VERSION = "3.0"

_TEL_TYPES: dict[PhoneKind, list[str]] = {
    "cell": ["CELL", "VOICE"],
    "work": ["WORK", "VOICE"],
    "fax": ["WORK", "FAX"],
    "other": ["VOICE"],
}

_MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def meeting_sentence(meeting: Meeting, note_lang: str = "fr") -> str:
    """'Rencontré à vernissage le 26 novembre 2026' (or the English sentence)."""
    month = _MONTHS[note_lang][meeting.date.month - 1]
    if note_lang == "en":
        return f"Met at {meeting.event} on {month} {meeting.date.day}, {meeting.date.year}"
    return f"Rencontré à {meeting.event} le {meeting.date.day} {month} {meeting.date.year}"


def build_vcard(
    contact: Contact,
    meetings: Sequence[Meeting],
    uid: str,
    source_name: str,
    note_lang: str = "fr",
    revision: dt.datetime | None = None,
) -> str:
    """Serialise one contact as vCard 3.0 text (UTF-8 characters, CRLF, folded lines)."""
    card = vobject.vCard()
    name = contact.name.value if contact.name else None
    organisation = contact.organisation.value if contact.organisation else ""
    department = contact.department.value if contact.department else ""

    if name is not None:
        card.add("fn").value = name.full
        card.add("n").value = vobject.vcard.Name(
            family=name.family, given=name.given, additional=name.additional,
            prefix=name.prefix, suffix=name.suffix,
        )
    else:
        # a card with no person's name still imports: it is the company's contact
        shown = organisation or _first(contact) or "Contact"
        card.add("fn").value = shown
        card.add("n").value = vobject.vcard.Name(family=shown)
        card.add("x-abshowas").value = "COMPANY"
    if organisation or department:
        card.add("org").value = [organisation, department] if department else [organisation]
    if contact.title:
        card.add("title").value = contact.title.value
    for phone in contact.phones:
        tel = card.add("tel")
        tel.value = phone.value.number + (f" ext. {phone.value.extension}" if phone.value.extension else "")
        tel.params["TYPE"] = list(_TEL_TYPES[phone.value.kind or "work"])
    for email in contact.emails:
        prop = card.add("email")
        prop.value = email.value
        prop.params["TYPE"] = ["INTERNET"]
    for site in contact.websites:
        card.add("url").value = site.value
    for address in contact.addresses:
        a = address.value
        prop = card.add("adr")
        prop.value = vobject.vcard.Address(street=a.street, city=a.city, region=a.region, code=a.postcode,
                                           country=a.country)
        prop.params["TYPE"] = ["WORK"]
    for profile in contact.social:
        prop = card.add("x-socialprofile")
        prop.value = profile.value.url
        prop.params["TYPE"] = [profile.value.service]
        card.add("url").value = profile.value.url

    card.add("note").value = "\n".join(meeting_sentence(m, note_lang) for m in meetings)
    card.add("categories").value = _unique_events(meetings)
    for meeting in meetings:
        card.add("x-cardscan-event").value = meeting.event
        card.add("x-cardscan-date").value = meeting.date.isoformat()
    card.add("x-cardscan-source").value = source_name
    card.add("uid").value = uid
    stamp = (revision or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    card.add("rev").value = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    text: str = card.serialize()
    return text


def read_meetings(vcard_text: str) -> list[Meeting]:
    """The meetings recorded in a vCard written by cardscan (empty for any other vCard)."""
    try:
        card = vobject.readOne(vcard_text)
    except Exception:  # a file someone edited into nonsense has no meetings we can trust
        return []
    events = [p.value for p in card.contents.get("x-cardscan-event", [])]
    dates = [p.value for p in card.contents.get("x-cardscan-date", [])]
    meetings = []
    for event, date in zip(events, dates, strict=False):
        try:
            meetings.append(Meeting(event=event, date=dt.date.fromisoformat(date)))
        except ValueError:
            continue
    return meetings


def _unique_events(meetings: Sequence[Meeting]) -> list[str]:
    seen: list[str] = []
    for m in meetings:
        if m.event not in seen:
            seen.append(m.event)
    return seen


def _first(contact: Contact) -> str:
    for found in (contact.emails[:1] or contact.phones[:1]):
        value = found.value
        return value if isinstance(value, str) else value.number
    return ""
