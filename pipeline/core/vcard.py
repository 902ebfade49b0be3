"""Stage 6: vCard text for a contact and the meetings with that person.

vobject does the escaping of ``,`` ``;`` ``\\`` and newlines and the folding of
long lines, so text read from a card can never break the file. Every
difference between vCard 3.0 and 4.0 is decided in this module (``_Dialect``),
and so is the merging of a new card into a contact already on disk.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
import vobject

from .core.models import Contact, Meeting, PhoneKind
from .understand.lexicons import fold

VCARD_VERSIONS = ("3.0", "4.0")
DEFAULT_VERSION = "3.0"

_MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
_MEETING_SENTENCES = {"fr": re.compile(r"^Rencontré à .+ le \d{1,2} \w+ \d{4}$"),
                      "en": re.compile(r"^Met at .+ on \w+ \d{1,2}, \d{4}$")}
_MEETING_SENTENCE = re.compile("|".join(f"(?:{p.pattern})" for p in _MEETING_SENTENCES.values()))
_MEETING_LABEL = re.compile(r"^(?:Rencontré à|Met at) ")
_EXTENSION_WORD = {"fr": "poste", "en": "ext."}
# vCard 3.0: a phone's extension, '+33142685300 ext. 240', beside the TEL that holds the number alone
_EXTENSION_PROPERTY = "x-cardscan-extension"
# a number and its extension as cardscan writes them: X-CARDSCAN-EXTENSION, and 3.0 TELs of earlier versions
_TEL_WITH_EXTENSION = re.compile(r"^(\+?\d+) ext\. (\d+)$")
# a scheme that is really one: "www.x.fr:8080" has none
_SCHEME = re.compile(r"(?i)^(?:https?|ftp)://|^(?:mailto|tel|sms|skype|whatsapp|xmpp):")


class _UnlistedValue(vobject.vcard.VCardTextBehavior):
    """TEL (a phone-number in vCard 3.0) and URL (a uri): one value each, not a list of texts.

    vobject reads a property it does not know as text and keeps what comes before its first unescaped
    ',': '+33472001234,240' (the extension after a pause) would come back as '+33472001234', and
    'https://x.fr/a,b' as 'https://x.fr/a'. Escapes are still undone ('\\,' is ',').
    """

    @classmethod
    def decode(cls, line: Any) -> None:
        if line.encoded and not getattr(line, "encoding_param", None):
            line.value = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), line.value)
            line.encoded = False
        else:
            super().decode(line)

    @classmethod
    def encode(cls, line: Any) -> None:
        # a URI is written as it is (its ',' and ';' belong to it); a 3.0 phone number is text to RFC 2426,
        # so its pause is written '\,' (which ez-vcard, Android and vobject read back as ','); anything
        # holding what could break the line is escaped as text, which every reader undoes
        if not line.encoded and isinstance(line.value, str) and not re.search(r"[\x00-\x1f\\]", line.value):
            if line.name.upper() == "TEL" and not line.value.startswith("tel:"):
                line.value = line.value.replace(",", "\\,")
            line.encoded = True
        else:
            super().encode(line)


for _name in ("TEL", "URL", "X-SOCIALPROFILE"):
    vobject.base.registerBehavior(_UnlistedValue, _name)
    vobject.vcard.VCard3_0.knownChildren.setdefault(_name, (0, None, None))


@dataclass(frozen=True)
class _Dialect:
    """What a vCard version spells differently."""

    version: str
    tel_types: dict[PhoneKind, list[str]]
    email_types: list[str]
    adr_types: list[str]
    tel_as_uri: bool
    photo_as_data_uri: bool
    company_kind: bool  # KIND:org exists from 4.0 on
    rev_format: str


_DIALECTS = {
    "3.0": _Dialect(
        version="3.0",
        tel_types={"cell": ["CELL", "VOICE"], "work": ["WORK", "VOICE"], "fax": ["WORK", "FAX"], "other": ["VOICE"]},
        # INTERNET says what kind of address it is, WORK whose: without it Android files the address under a
        # custom label "INTERNET" and iOS under "other" (RFC 2426 allows any IANA type; Apple writes both)
        email_types=["INTERNET", "WORK"],
        adr_types=["work"],  # RFC 2426 lists them in lowercase; strict validators compare case
        tel_as_uri=False,
        photo_as_data_uri=False,
        company_kind=False,
        rev_format="%Y-%m-%dT%H:%M:%SZ",
    ),
    "4.0": _Dialect(
        version="4.0",
        tel_types={"cell": ["cell", "voice"], "work": ["work", "voice"], "fax": ["work", "fax"], "other": ["voice"]},
        email_types=["work"],
        adr_types=["work"],
        tel_as_uri=True,
        photo_as_data_uri=True,
        company_kind=True,
        rev_format="%Y%m%dT%H%M%SZ",
    ),
}


@dataclass(frozen=True)
class PhotoSource:
    """A photo a contact was read from: its file name and content hash."""

    name: str
    sha256: str


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
    photos: tuple[str, ...]  # sha256 of every photo read into this contact


def meeting_sentence(meeting: Meeting, note_lang: str = "fr") -> str:
    """'Rencontré à vernissage le 26 novembre 2026' (or the English sentence)."""
    month = _MONTHS[note_lang][meeting.date.month - 1]
    if note_lang == "en":
        return f"Met at {meeting.event} on {month} {meeting.date.day}, {meeting.date.year}"
    return f"Rencontré à {meeting.event} le {meeting.date.day} {month} {meeting.date.year}"


def is_meeting_sentence(text: str, note_lang: str) -> bool:
    """Whether a NOTE line is cardscan's sentence for a meeting, in that language."""
    return bool(_MEETING_SENTENCES[note_lang].match(text))


def vcard_dialect(version: str) -> _Dialect:
    """How a vCard of this version spells types, REV and company cards (3.0 for a version we do not write)."""
    return _DIALECTS.get(version, _DIALECTS[DEFAULT_VERSION])


def meeting_label(meeting: Meeting, note_lang: str = "fr") -> str:
    """The label of Apple's dated item: 'Rencontré à vernissage'."""
    return f"Met at {meeting.event}" if note_lang == "en" else f"Rencontré à {meeting.event}"


def build_vcard(
    contact: Contact,
    meetings: Sequence[Meeting],
    uid: str,
    sources: Sequence[PhotoSource],
    note_lang: str = "fr",
    version: str = DEFAULT_VERSION,
    photo_jpeg: bytes | None = None,
    revision: dt.datetime | None = None,
) -> str:
    """Serialise one contact as vCard text (UTF-8 characters, CRLF, lines folded at 75 octets)."""
    dialect = _DIALECTS[version]
    card = vobject.vCard()
    card.add("version").value = dialect.version
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
        shown = organisation or _first_value(contact) or "Contact"
        card.add("fn").value = shown
        card.add("n").value = vobject.vcard.Name(family=shown)
        card.add("x-abshowas").value = "COMPANY"
        if dialect.company_kind:
            card.add("kind").value = "org"
    if organisation or department:
        card.add("org").value = [organisation, department] if department else [organisation]
    if contact.title:
        card.add("title").value = contact.title.value
    for phone in contact.phones:
        _add_tel(card, dialect, phone.value.number, phone.value.kind or "work", phone.value.extension)
    extensions = [extension_note(p.value.number, p.value.extension, note_lang)
                  for p in contact.phones if p.value.extension]
    if extensions:  # the number as a person reads it; _set_meetings puts the meetings above it
        card.add("note").value = "\n".join(extensions)
    for email in contact.emails:
        prop = card.add("email")
        prop.value = email.value
        prop.params["TYPE"] = list(dialect.email_types)
    for site in contact.websites:
        _add_uri(card, "url", site.value)
    for address in contact.addresses:
        a = address.value
        prop = card.add("adr")
        prop.value = vobject.vcard.Address(street=a.street, city=a.city, region=a.region, code=a.postcode,
                                           country=a.country)
        prop.params["TYPE"] = list(dialect.adr_types)
    for profile in contact.social:
        prop = _add_uri(card, "x-socialprofile", profile.value.url)
        prop.params["TYPE"] = [profile.value.service]
    if photo_jpeg:
        _add_photo(card, dialect, photo_jpeg)
    card.add("uid").value = uid
    _set_meetings(card, list(meetings), note_lang)
    _set_sources(card, list(sources))
    _set_revision(card, dialect, revision)
    return _serialize(card)


def merge_vcard(existing: str, incoming: str, note_lang: str = "fr", revision: dt.datetime | None = None) -> str:
    """Fold a newly read card into a contact on disk: nothing known is lost, new details are added.

    The existing UID, name and anything a person edited stay; phones, e-mails,
    titles, websites, addresses and social profiles the new card adds are
    appended; its meeting and photo join the list.
    """
    old = vobject.readOne(existing)
    new = vobject.readOne(incoming)
    dialect = _DIALECTS.get(old.version.value, _DIALECTS[DEFAULT_VERSION])
    if "x-abshowas" in old.contents and "x-abshowas" not in new.contents:
        # the company's card meets the person behind it: the person's name wins
        for key in ("fn", "n", "x-abshowas", "kind"):
            old.contents.pop(key, None)
        for key in ("fn", "n"):
            for prop in new.contents.get(key, []):
                old.add(prop.duplicate(prop))
    if "org" not in old.contents and "org" in new.contents:
        old.add(new.org.duplicate(new.org))
    for key in ("tel", _EXTENSION_PROPERTY, "email", "title", "url", "adr", "x-socialprofile", "photo"):
        if key == "photo" and "photo" in old.contents:
            continue
        known = {_identity(key, p) for p in old.contents.get(key, [])}
        for prop in new.contents.get(key, []):
            if _identity(key, prop) not in known:
                old.add(prop.duplicate(prop))
                known.add(_identity(key, prop))
    known_lines = set(_other_note_lines(old))
    added_lines = [line for line in _other_note_lines(new) if line not in known_lines]
    if added_lines:  # what the new card's note says besides its meeting (a phone's extension)
        old.add("note").value = "\n".join(added_lines)
    meetings = _meetings_of(old)
    meetings += [m for m in _meetings_of(new) if m not in meetings]
    sources = _sources_of(old)
    sources += [s for s in _sources_of(new) if s not in sources]
    _set_meetings(old, meetings, note_lang)
    _set_sources(old, sources)
    _set_revision(old, dialect, revision)
    return _serialize(old)


def read_stored(text: str) -> StoredCard | None:
    """Summarise a vCard on disk; None when it cannot be parsed."""
    try:
        card = vobject.readOne(text)
    except Exception:  # a file someone edited into nonsense is skipped, never rewritten
        return None
    contents = card.contents
    org = contents.get("org", [None])[0]
    org_value = org.value if org is not None else []
    organisation = (org_value[0] if isinstance(org_value, list) and org_value else str(org_value or ""))
    return StoredCard(
        uid=str(card.uid.value) if "uid" in contents else "",
        full_name=str(card.fn.value) if "fn" in contents else "",
        organisation=organisation,
        is_company="x-abshowas" in contents,
        emails=tuple(str(e.value).strip().lower() for e in contents.get("email", [])),
        phones=tuple(tel_number(t) for t in contents.get("tel", [])),
        meetings=tuple(_meetings_of(card)),
        photos=tuple(s.sha256 for s in _sources_of(card)),
    )


def read_meetings(vcard_text: str) -> list[Meeting]:
    """The meetings recorded in a vCard written by cardscan (empty for any other vCard)."""
    stored = read_stored(vcard_text)
    return list(stored.meetings) if stored else []


def compact_vcard(text: str, version: str = DEFAULT_VERSION) -> str:
    """The same contact with only what a phone needs to add it (no PHOTO, no cardscan bookkeeping)."""
    card = vobject.readOne(text)
    for key in list(card.contents):
        if key in ("photo", "rev", "x-abdate", "x-ablabel") or key.startswith("x-cardscan"):
            card.contents.pop(key)
    return _serialize(card)


def rename_meeting(existing: str, old: Meeting, new: Meeting) -> str:
    """The contact met at ``new`` instead of ``old`` (an event renamed or re-dated), in its note's language."""
    card = vobject.readOne(existing)
    meetings = list(dict.fromkeys(new if m == old else m for m in _meetings_of(card)))
    _drop_categories(card, [old], meetings)
    _set_meetings(card, meetings, note_language(card))
    _set_revision(card, _DIALECTS.get(card.version.value, _DIALECTS[DEFAULT_VERSION]), None)
    return _serialize(card)


def drop_photo(existing: str, photo_keys: set[str], meetings: Sequence[Meeting] = (),
               values: dict[str, set[str]] | None = None) -> str:
    """The contact without what one photo brought: its source, ``meetings``, and ``values`` by property
    ('tel': E.164 numbers, 'email', 'url', 'title': as read), each compared as merging compares them."""
    card = vobject.readOne(existing)
    kept_meetings = [m for m in _meetings_of(card) if m not in meetings]
    _drop_categories(card, list(meetings), kept_meetings)
    for key, dropped in (values or {}).items():
        gone = {_value_identity(key, value) for value in dropped}
        kept = [prop for prop in card.contents.get(key, []) if _identity(key, prop) not in gone]
        if kept:
            card.contents[key] = kept
        else:
            card.contents.pop(key, None)
    _set_meetings(card, kept_meetings, note_language(card))
    _set_sources(card, [s for s in _sources_of(card) if s.sha256 not in photo_keys])
    _set_revision(card, _DIALECTS.get(card.version.value, _DIALECTS[DEFAULT_VERSION]), None)
    return _serialize(card)


def photo_sources(text: str) -> list[PhotoSource]:
    """The photos (file name, content hash) a contact written by cardscan was read from."""
    return _sources_of(vobject.readOne(text))


def note_language(card: Any) -> str:
    """'en' when the card's meeting sentences are English, else 'fr' (the default)."""
    lines = [ln for note in card.contents.get("note", []) for ln in str(note.value).split("\n")]
    return "en" if any(ln.startswith("Met at ") and _MEETING_SENTENCE.match(ln) for ln in lines) else "fr"


def _drop_categories(card: Any, leaving: list[Meeting], staying: list[Meeting]) -> None:
    """An event's category goes with its last meeting."""
    gone = {m.event for m in leaving} - {m.event for m in staying}
    for prop in card.contents.get("categories", []):
        prop.value = [c for c in prop.value if c not in gone]


def _value_identity(key: str, value: str) -> object:
    if key == "tel":
        return value.strip()
    text = fold(value).strip().rstrip("/")
    return re.sub(r"^https?://", "", text) if key in ("url", "x-socialprofile") else text


# ---------------------------------------------------------------- helpers

LINE_OCTETS = 75


def _serialize(card: Any) -> str:
    """vobject's text, with the lines it leaves long (base64 photos) folded too, never inside a character.

    Every contact written goes through here: a 3.0 TEL never leaves with an extension in it.
    """
    _extensions_out_of_tel(card)
    return "\r\n".join(_fold(line) for line in str(card.serialize()).split("\r\n"))


def _fold(line: str) -> str:
    """One logical line as lines of at most LINE_OCTETS octets, each continuation starting with a space.

    Cut on the UTF-8 bytes, moved back off any continuation byte (10xxxxxx) so no character is split: one
    pass over the line (re-encoding the rest at every cut made a 2 MB photo take seconds).
    """
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return line
    pieces = []
    start, room = 0, LINE_OCTETS  # the first line holds 75 octets, the next ones a space and 74
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        pieces.append(data[start:cut].decode("utf-8"))
        start, room = cut, LINE_OCTETS - 1
    pieces.append(data[start:].decode("utf-8"))
    return "\r\n ".join(pieces)


def _add_tel(card: Any, dialect: _Dialect, number: str, kind: PhoneKind, extension: str) -> None:
    tel = card.add("tel")
    tel.params["TYPE"] = list(dialect.tel_types[kind])
    extension = re.sub(r"\D", "", extension)
    if dialect.tel_as_uri:
        tel.value = f"tel:{number}" + (f";ext={extension}" if extension else "")
        tel.params["VALUE"] = ["uri"]
        tel.encoded = True  # a URI: its ';' must not be escaped
    else:
        # RFC 2426 has no place for an extension in TEL, and no importer agrees on one: Android's (AOSP
        # VCardEntry.addPhone) keeps digits, '+' and p/w only, so '+33…,240' or '+33… ext. 240' would become
        # the wrong number '+33…240'; iOS reads letters as keypad digits. TEL holds the number alone; the
        # extension goes to the note as printed (build_vcard) and to X-CARDSCAN-EXTENSION for cardscan
        tel.value = number
        if extension:
            card.add(_EXTENSION_PROPERTY).value = f"{number} ext. {extension}"


def extension_note(number: str, extension: str, note_lang: str = "fr") -> str:
    """The number with its extension as a person reads it, for the note: '+33 1 42 68 53 00 poste 240'."""
    try:
        shown = phonenumbers.format_number(phonenumbers.parse(number, None),
                                           phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        shown = number
    return f"{shown} {_EXTENSION_WORD[note_lang]} {extension}"


def absolute_url(url: str) -> str:
    """A web address as an absolute URI (RFC 2426 wants one): 'www.x.fr' -> 'https://www.x.fr'."""
    return url if _SCHEME.match(url) else f"https://{url}"


def _add_uri(card: Any, key: str, uri: str) -> Any:
    prop = card.add(key)
    uri = absolute_url(uri)
    prop.value = uri
    # a URI read from a card never holds spaces or line breaks (extraction guarantees it); "," and ";"
    # belong to it and are not escaped, except for control characters which could break the file
    prop.encoded = not re.search(r"[\x00-\x20\\]", uri)
    return prop


def _add_photo(card: Any, dialect: _Dialect, jpeg: bytes) -> None:
    prop = card.add("photo")
    if dialect.photo_as_data_uri:
        prop.value = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
        prop.encoded = True
    else:
        prop.value = jpeg
        prop.encoding_param = "b"
        prop.type_param = "JPEG"


def _other_note_lines(card: Any) -> list[str]:
    return [ln for note in card.contents.get("note", []) for ln in str(note.value).split("\n")
            if ln and not _MEETING_SENTENCE.match(ln)]


def _set_meetings(card: Any, meetings: list[Meeting], note_lang: str) -> None:
    """Record the meetings in NOTE, CATEGORIES, X-CARDSCAN-EVENT/-DATE and Apple's dated items."""
    other_note_lines: list[str] = []
    for note in card.contents.pop("note", []):
        other_note_lines += [ln for ln in str(note.value).split("\n") if ln and not _MEETING_SENTENCE.match(ln)]
    card.add("note").value = "\n".join([meeting_sentence(m, note_lang) for m in meetings] + other_note_lines)

    events = [m.event for m in meetings]
    categories: list[str] = []
    for prop in card.contents.pop("categories", []):
        categories += [c for c in prop.value if c]
    merged = list(dict.fromkeys(events + categories))
    card.add("categories").value = merged

    card.contents.pop("x-cardscan-event", None)
    card.contents.pop("x-cardscan-date", None)
    for meeting in meetings:
        card.add("x-cardscan-event").value = meeting.event
        card.add("x-cardscan-date").value = meeting.date.isoformat()

    # Apple shows itemN.X-ABDATE with itemN.X-ABLabel as a labelled date; ours are replaced, others kept
    ours = {p.group for p in card.contents.get("x-ablabel", []) if _MEETING_LABEL.match(str(p.value))}
    for key in ("x-abdate", "x-ablabel"):
        kept = [p for p in card.contents.get(key, []) if p.group not in ours]
        if kept:
            card.contents[key] = kept
        else:
            card.contents.pop(key, None)
    used = {p.group for props in card.contents.values() for p in props if getattr(p, "group", None)}
    number = 1
    for meeting in meetings:
        while f"item{number}" in used:
            number += 1
        group = f"item{number}"
        used.add(group)
        date = card.add("x-abdate")
        date.value = meeting.date.isoformat()
        date.group = group
        label = card.add("x-ablabel")
        label.value = meeting_label(meeting, note_lang)
        label.group = group


def _set_sources(card: Any, sources: list[PhotoSource]) -> None:
    card.contents.pop("x-cardscan-source", None)
    card.contents.pop("x-cardscan-photo", None)
    for source in sources:
        card.add("x-cardscan-source").value = source.name
        card.add("x-cardscan-photo").value = source.sha256


def _set_revision(card: Any, dialect: _Dialect, revision: dt.datetime | None) -> None:
    card.contents.pop("rev", None)
    stamp = (revision or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    card.add("rev").value = stamp.strftime(dialect.rev_format)


def _meetings_of(card: Any) -> list[Meeting]:
    events = [str(p.value) for p in card.contents.get("x-cardscan-event", [])]
    dates = [str(p.value) for p in card.contents.get("x-cardscan-date", [])]
    meetings: list[Meeting] = []
    for event, date in zip(events, dates, strict=False):
        try:
            meeting = Meeting(event=event, date=dt.date.fromisoformat(date))
        except ValueError:
            continue
        if meeting not in meetings:
            meetings.append(meeting)
    return meetings


def _sources_of(card: Any) -> list[PhotoSource]:
    names = [str(p.value) for p in card.contents.get("x-cardscan-source", [])]
    hashes = [str(p.value) for p in card.contents.get("x-cardscan-photo", [])]
    return [PhotoSource(n, h) for n, h in zip(names, hashes, strict=False)]


def tel_number(prop: Any) -> str:
    """A TEL's number without extension: 3.0 ('+33…', or '+33… ext. 2' and '+33…,2' as written before) or
    4.0 ('tel:+33…;ext=2')."""
    return re.split(r";ext=| ext\. |,", tel_display(prop))[0].strip()


def tel_display(prop: Any, extensions: dict[str, str] | None = None) -> str:
    """A TEL as a person reads it: '+33472001234 ext. 240', whatever the vCard version.

    ``extensions``: a 3.0 card's X-CARDSCAN-EXTENSION by number (``phone_extensions``).
    """
    value = str(prop.value).removeprefix("tel:").replace(";ext=", " ext. ")
    value = re.sub(r"^(\+?\d+),(\d+)$", r"\1 ext. \2", value)  # a pause typed on a phone
    extension = (extensions or {}).get(value)
    return f"{value} ext. {extension}" if extension else value


def phone_extensions(card: Any) -> dict[str, str]:
    """The extensions a 3.0 card keeps beside its TELs: {'+33142685300': '240'}."""
    found = {}
    for prop in card.contents.get(_EXTENSION_PROPERTY, []):
        match = _TEL_WITH_EXTENSION.match(str(prop.value).strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _extensions_out_of_tel(card: Any) -> None:
    """A 3.0 TEL that holds an extension as cardscan wrote it before ('+33… ext. 240') keeps the number
    alone; the extension moves to X-CARDSCAN-EXTENSION. An extension whose number the card no longer has
    goes. A pause a person typed on a phone ('+33…,240') is theirs: left as it is."""
    if card.contents.get("version") and str(card.version.value) != "3.0":
        return
    known = phone_extensions(card)
    for tel in card.contents.get("tel", []):
        match = _TEL_WITH_EXTENSION.match(str(tel.value).strip())
        if match:
            tel.value = match.group(1)
            known.setdefault(match.group(1), match.group(2))
    numbers = {str(tel.value).strip() for tel in card.contents.get("tel", [])}
    card.contents.pop(_EXTENSION_PROPERTY, None)
    for number, extension in known.items():
        if number in numbers:
            card.add(_EXTENSION_PROPERTY).value = f"{number} ext. {extension}"


def card_meetings(card: Any) -> list[Meeting]:
    """The meetings recorded in a parsed vCard (vobject), in their order."""
    return _meetings_of(card)


def tel_kind(prop: Any) -> PhoneKind:
    """cell, fax, work or other, from a TEL's TYPE parameters."""
    types = {t.lower() for value in prop.params.get("TYPE", []) for t in value.split(",")}
    return "cell" if "cell" in types else "fax" if "fax" in types else "work" if "work" in types else "other"


@dataclass(frozen=True)
class CardFields:
    """The values of a vCard as plain text, for the CSV exports and the review page."""

    given: str
    additional: str
    family: str
    prefix: str
    suffix: str
    organisation: str  # ORG's first component, as written
    is_company: bool  # a card with no person: FN names the company
    full_name: str
    department: str
    title: str
    note: str
    categories: list[str]
    emails: list[str]
    phones: list[tuple[PhoneKind, str]]  # (kind, number as displayed)
    websites: list[str]
    social: list[str]
    street: str
    city: str
    region: str
    postcode: str
    country: str

    @property
    def company(self) -> str:
        """The organisation, or the name of a company's own card."""
        return self.organisation or (self.full_name if self.is_company else "")


def card_fields(card: Any) -> CardFields:
    """Read a parsed vCard (vobject) into plain values."""
    contents = card.contents
    n = card.n.value if "n" in contents else None
    company_card = "x-abshowas" in contents
    org = card.org.value if "org" in contents else []
    org = org if isinstance(org, list) else [org]
    adr = card.adr.value if "adr" in contents else None
    extensions = phone_extensions(card)
    return CardFields(
        given="" if company_card or n is None else str(n.given),
        additional="" if company_card or n is None else str(n.additional),
        family="" if company_card or n is None else str(n.family),
        prefix="" if n is None else str(n.prefix),
        suffix="" if n is None else str(n.suffix),
        organisation=str(org[0]) if org else "",
        is_company=company_card,
        full_name=str(card.fn.value) if "fn" in contents else "",
        department=str(org[1]) if len(org) > 1 else "",
        title=str(card.title.value) if "title" in contents else "",
        note=str(card.note.value) if "note" in contents else "",
        categories=list(card.categories.value) if "categories" in contents else [],
        emails=[str(e.value) for e in contents.get("email", [])],
        phones=[(tel_kind(t), tel_display(t, extensions)) for t in contents.get("tel", [])],
        websites=[str(u.value) for u in contents.get("url", [])],
        social=[str(p.value) for p in contents.get("x-socialprofile", [])],
        street=str(adr.street) if adr else "",
        city=str(adr.city) if adr else "",
        region=str(adr.region) if adr else "",
        postcode=str(adr.code) if adr else "",
        country=str(adr.country) if adr else "",
    )


def _identity(key: str, prop: Any) -> object:
    """When two properties say the same thing, whatever their case or spacing."""
    value = prop.value
    if key == "tel":
        return tel_number(prop)
    if key == "adr":
        return tuple(fold(str(getattr(value, part, ""))).strip() for part in ("street", "code", "city"))
    if key == "photo":
        return "photo"
    if key in ("url", "x-socialprofile"):  # written 'https://www.x.fr' now, 'www.x.fr' before
        return re.sub(r"^https?://", "", fold(str(value)).strip().rstrip("/"))
    return fold(str(value)).strip().rstrip("/")


def _first_value(contact: Contact) -> str:
    for found in (contact.emails[:1] or contact.phones[:1]):
        value = found.value
        return value if isinstance(value, str) else value.number
    return ""
