"""The vCard wrapper (khard's VCardWrapper, for cardscan): the one module that reads and writes vCards.

A ``VCard`` is the card's content lines (``vcard_lines``), each kept with the exact text it was written
with, and typed accessors and writers for every property cardscan reads or writes: names, organisations,
titles, phones and their types, e-mails, websites, social profiles, addresses, notes, the meetings (NOTE
sentences, CATEGORIES, X-CARDSCAN-EVENT/-DATE, Apple's ``itemN.X-ABDATE``/``X-ABLabel``), the photos a
contact was read from (X-CARDSCAN-SOURCE/-PHOTO), REV and the review mark.

One writer for building, merging and editing: every value written goes through ``escape`` and every line
through ``fold_line``; a line nobody changed stays byte for byte. What cardscan writes whole (a new
contact, a card merged in) is laid out as vobject lays a card out (VERSION, UID, then the properties in
the order of their names; parameters in the order of theirs), so a card cardscan wrote reads and writes
again to the same text; an edit made on the review page changes its lines in place instead.

vobject, imported here only, is the judge of whether a text is a vCard cardscan can read at all (``read``):
the contacts folder skips, and never overwrites, what it rejects.

Every difference between vCard 3.0 and 4.0 is decided here (``Dialect``).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
import vobject

from .models import Address, Contact, Meeting, PhoneKind
from .vcard_lines import (
    ContentLine,
    card_lines,
    components_of,
    content_line,
    escape,
    fold_line,
    head_of,
    list_of,
    parse_lines,
    text_of,
    without_encoding,
)

VCARD_VERSIONS = ("3.0", "4.0")
DEFAULT_VERSION = "3.0"
COMPANY = "COMPANY"  # X-ABShowAs: the contact is its company's (no person's name was printed)


@dataclass(frozen=True)
class Dialect:
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
    "3.0": Dialect(
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
    "4.0": Dialect(
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


def vcard_dialect(version: str) -> Dialect:
    """How a vCard of this version spells types, REV and company cards (3.0 for a version we do not write)."""
    return _DIALECTS.get(version, _DIALECTS[DEFAULT_VERSION])


# ---------------------------------------------------------------- phones

def tel_kind(types: Iterable[str]) -> PhoneKind:
    """cell, fax, work or other, from a TEL's TYPE values (any case, comma lists, vCard 2.1's bare types).

    The one reading of TEL types: a number of no stated kind is 'other'.
    """
    found = {t.strip().strip('"').lower() for value in types for t in value.split(",")}
    return "cell" if "cell" in found else "fax" if "fax" in found else "work" if "work" in found else "other"


# vCard 3.0: a phone's extension, '+33142685300 ext. 240', beside the TEL that holds the number alone
EXTENSION_PROPERTY = "X-CARDSCAN-EXTENSION"
# a number and its extension as cardscan writes them: X-CARDSCAN-EXTENSION, and 3.0 TELs of earlier versions
_TEL_WITH_EXTENSION = re.compile(r"^(\+?\d+) ext\. (\d+)$")
_EXTENSION_WORD = {"fr": "poste", "en": "ext."}


def tel_text(line: ContentLine) -> str:
    """A TEL as its line holds it, read: '+33472001234 ext. 240' from 4.0's 'tel:+33472001234;ext=240'."""
    value = text_of(line).strip()
    if value.lower().startswith("tel:"):
        value = value[4:].replace(";ext=", " ext. ")
    return value


def tel_display(number: str, extensions: Mapping[str, str] | None = None) -> str:
    """A TEL as a person reads it, whatever the vCard version: '+33472001234 ext. 240'.

    ``number``: ``tel_text``; ``extensions``: a 3.0 card's X-CARDSCAN-EXTENSION by number.
    """
    number = re.sub(r"^(\+?\d+),(\d+)$", r"\1 ext. \2", number)  # a pause typed on a phone
    extension = (extensions or {}).get(number)
    return f"{number} ext. {extension}" if extension else number


def tel_number(display: str) -> str:
    """A TEL's number without its extension (3.0 '+33…', '+33… ext. 2', '+33…,2'; 4.0 'tel:+33…;ext=2')."""
    return re.split(r";ext=| ext\. |,", display)[0].strip()


def extension_note(number: str, extension: str, note_lang: str = "fr") -> str:
    """The number with its extension as a person reads it, for the note: '+33 1 42 68 53 00 poste 240'."""
    try:
        shown = phonenumbers.format_number(phonenumbers.parse(number, None),
                                           phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        shown = number
    return f"{shown} {_EXTENSION_WORD[note_lang]} {extension}"


def tel_value(dialect: Dialect, number: str, extension: str = "", as_uri: bool | None = None) -> str:
    """A TEL's value as written: 4.0's 'tel:' URI (with ';ext='), or 3.0's number.

    RFC 2426 has no place for an extension in TEL, and no importer agrees on one: Android's (AOSP
    VCardEntry.addPhone) keeps digits, '+' and p/w only, so '+33…,240' or '+33… ext. 240' would become the
    wrong number '+33…240'; iOS reads letters as keypad digits. A 3.0 TEL holds the number alone (its
    extension goes to the note, as printed, and to X-CARDSCAN-EXTENSION); a pause written in a number is
    '\\,' there (which ez-vcard, Android and vobject read back as ',').
    """
    if dialect.tel_as_uri if as_uri is None else as_uri:
        return f"tel:{number}" + (f";ext={extension}" if extension else "")
    return number.replace(",", "\\,") if not re.search(r"[\x00-\x1f\\]", number) else escape(number)


# ---------------------------------------------------------------- web addresses

# a scheme that is really one: "www.x.fr:8080" has none
_SCHEME = re.compile(r"(?i)^(?:https?|ftp)://|^(?:mailto|tel|sms|skype|whatsapp|xmpp):")


def absolute_url(url: str) -> str:
    """A web address as an absolute URI (RFC 2426 wants one): 'www.x.fr' -> 'https://www.x.fr'."""
    return url if _SCHEME.match(url) else f"https://{url}"


def uri_value(uri: str) -> str:
    """A URI as written (absolute): its ',' and ';' belong to it, escaped only when it holds what could
    break the line (a URI read from a card never holds spaces or line breaks: extraction guarantees it)."""
    uri = absolute_url(uri)
    return escape(uri) if re.search(r"[\x00-\x1f\\]", uri) else uri


# ---------------------------------------------------------------- meetings

_MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
NOTE_LANGUAGES = ("fr", "en")
_MEETING_SENTENCES = {"fr": re.compile(r"^Rencontré à .+ le \d{1,2} \w+ \d{4}$"),
                      "en": re.compile(r"^Met at .+ on \w+ \d{1,2}, \d{4}$")}
_MEETING_LABEL = re.compile(r"^(?:Rencontré à|Met at) ")


def meeting_sentence(meeting: Meeting, note_lang: str = "fr") -> str:
    """'Rencontré à vernissage le 26 novembre 2026' (or the English sentence)."""
    month = _MONTHS[note_lang][meeting.date.month - 1]
    if note_lang == "en":
        return f"Met at {meeting.event} on {month} {meeting.date.day}, {meeting.date.year}"
    return f"Rencontré à {meeting.event} le {meeting.date.day} {month} {meeting.date.year}"


def is_meeting_sentence(text: str, note_lang: str | None = None) -> bool:
    """Whether a NOTE line is cardscan's sentence for a meeting (in that language, or in any)."""
    languages = NOTE_LANGUAGES if note_lang is None else (note_lang,)
    return any(_MEETING_SENTENCES[lang].match(text) for lang in languages)


def meeting_label(meeting: Meeting, note_lang: str = "fr") -> str:
    """The label of Apple's dated item: 'Rencontré à vernissage'."""
    return f"Met at {meeting.event}" if note_lang == "en" else f"Rencontré à {meeting.event}"


@dataclass(frozen=True)
class PhotoSource:
    """A photo a contact was read from: its file name and content hash."""

    name: str
    sha256: str


# ---------------------------------------------------------------- the values, with the line each came from

@dataclass(frozen=True)
class NameParts:
    given: str = ""
    family: str = ""
    additional: str = ""
    prefix: str = ""
    suffix: str = ""

    @property
    def is_person(self) -> bool:
        return bool(self.given.strip() or self.family.strip())


@dataclass(frozen=True)
class TextItem:
    ref: int | None  # the index of its line in the text read; None: a value not written yet
    value: str


@dataclass(frozen=True)
class OrgItem:
    ref: int | None
    name: str
    department: str = ""


@dataclass(frozen=True)
class PhoneItem:
    ref: int | None
    number: str  # as the TEL holds it: '+33472001234 ext. 240' for 4.0's 'tel:+33472001234;ext=240'
    kind: PhoneKind


@dataclass(frozen=True)
class AddressItem:
    ref: int | None
    street: str = ""
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = ""


@dataclass(frozen=True)
class SocialItem:
    ref: int | None
    service: str
    url: str


@dataclass(frozen=True)
class MeetingItem:
    ref: int | None  # the line of its X-CARDSCAN-EVENT
    event: str
    date: dt.date

    @property
    def meeting(self) -> Meeting:
        return Meeting(self.event, self.date)


# ---------------------------------------------------------------- the wrapper

class _UnlistedValue(vobject.vcard.VCardTextBehavior):
    """TEL (a phone-number in vCard 3.0) and URL (a uri): one value each, not a list of texts.

    vobject reads a property it does not know as text and keeps what comes before its first unescaped
    ',': '+33472001234,240' would come back as '+33472001234'. Registered so that vobject judges these
    lines as it always has (``VCard.read``).
    """

    @classmethod
    def decode(cls, line: Any) -> None:
        if line.encoded and not getattr(line, "encoding_param", None):
            line.value = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), line.value)
            line.encoded = False
        else:
            super().decode(line)


for _name in ("TEL", "URL", "X-SOCIALPROFILE"):
    vobject.base.registerBehavior(_UnlistedValue, _name)
    vobject.vcard.VCard3_0.knownChildren.setdefault(_name, (0, None, None))

# vobject's order of a card: these first, then the others by name
_FIRST = ("VERSION", "PRODID", "UID")
# The properties the review form shows and edits: a value added there goes after the last of them.
FORM_PROPERTIES = ("FN", "N", "ORG", "TITLE", "TEL", "EMAIL", "URL", "ADR", "X-SOCIALPROFILE", "NOTE")


def _order(name: str) -> tuple[int, str]:
    return (_FIRST.index(name), "") if name in _FIRST else (len(_FIRST), name.lower())


@dataclass(eq=False)  # entries are told apart by identity: two may hold the same line
class _Entry:
    line: ContentLine | None  # as it is now; None: removed
    ref: int | None  # its index among the lines of the text read; None: added since
    read: ContentLine | None  # as it was read (None: added since): the review places new lines by those
    name: str  # its property's name


class NotAVCard(ValueError):
    """A text vobject cannot read as a vCard."""


class VCard:
    """One vCard (the first of its text): typed values in, typed values out, every other line kept as written.

    ``VCard(text)`` takes any text as content lines (the review page edits what it was shown);
    ``VCard.read(text)`` first asks vobject whether it is a vCard at all; ``VCard.new(version)`` starts one.
    """

    def __init__(self, text: str) -> None:
        lines = parse_lines(text)
        self.newline = "\r\n" if "\r\n" in text or "\n" not in text else "\n"
        self._entries = [_Entry(line, index, line, line.name) for index, line in enumerate(lines)]
        inside = card_lines(lines)
        self._by_ref = {index: self._entries[index] for index, _ in inside}
        begin = next((i for i, line in enumerate(lines) if line.name == "BEGIN"), None)
        last = inside[-1][0] if inside else 0
        end = next((i for i in range(last + 1, len(lines)) if lines[i].name == "END"), None)
        self._begin = self._entries[begin] if begin is not None else None
        self._end = self._entries[end] if end is not None else None
        inner = lines[(begin or 0) + 1:end if end is not None else len(lines)]
        self._nested = any(line.name == "BEGIN" for line in inner)  # an AGENT's card inside this one

    @classmethod
    def read(cls, text: str) -> VCard | None:
        """The card, or None when vobject cannot read the text as one (a file someone edited into nonsense)."""
        try:
            vobject.readOne(text)
        except Exception:
            return None
        return cls(text)

    @classmethod
    def parse(cls, text: str) -> VCard:
        """The card, or NotAVCard."""
        card = cls.read(text)
        if card is None:
            raise NotAVCard("not a vCard cardscan can read")
        return card

    @classmethod
    def new(cls, version: str = DEFAULT_VERSION) -> VCard:
        return cls(f"BEGIN:VCARD\r\nVERSION:{version}\r\nEND:VCARD\r\n")

    # ------------------------------------------------------------ lines

    def _properties(self, *, removed: bool = False) -> list[_Entry]:
        """The entries of the card's own properties, in order (a nested card's lines left out)."""
        start = self._entries.index(self._begin) + 1 if self._begin is not None else 0
        stop = self._stop()
        out = []
        depth = 0
        for entry in self._entries[start:stop]:
            if entry.line is None:
                if removed:
                    out.append(entry)
                continue
            if self._nested and entry.name == "BEGIN":
                depth += 1
            elif self._nested and entry.name == "END":
                depth -= 1
            elif depth == 0:
                out.append(entry)
        return out

    def lines(self, name: str) -> list[ContentLine]:
        """The current lines of one property (those added since the text was read too)."""
        return [e.line for e in self._properties() if e.name == name and e.line is not None]

    def original(self, name: str) -> list[tuple[int, ContentLine]]:
        """The current lines of one property among those read from the text, with their refs."""
        return [(e.ref, e.line) for e in self._properties() if e.name == name and e.ref is not None
                and e.line is not None]

    def line(self, ref: int) -> ContentLine | None:
        """The line read at ``ref`` as it is now (None: removed, or no such line)."""
        entry = self._by_ref.get(ref)
        return entry.line if entry is not None else None

    def read_line(self, ref: int) -> ContentLine:
        """The line read at ``ref``, as it was read."""
        read = self._by_ref[ref].read
        assert read is not None
        return read

    def read_lines(self) -> list[tuple[int, ContentLine]]:
        """The card's properties as they were read (those removed since too), with their refs."""
        return [(ref, entry.read) for ref, entry in self._by_ref.items() if entry.read is not None]

    def has(self, name: str) -> bool:
        return any(e.name == name for e in self._properties())

    def values(self, name: str) -> list[str]:
        """The text of every line of one property (X-CARDSCAN-PHOTO, X-CARDSCAN-REVIEWED...), in order."""
        return [text_of(line) for line in self.lines(name)]

    def _first(self, name: str) -> ContentLine | None:
        found = self.lines(name)
        return found[0] if found else None

    def _first_text(self, name: str) -> str:
        line = self._first(name)
        return text_of(line) if line is not None else ""

    # ------------------------------------------------------------ what the card says

    @property
    def version(self) -> str:
        return self._first_text("VERSION").strip() or DEFAULT_VERSION

    @property
    def dialect(self) -> Dialect:
        return vcard_dialect(self.version)

    @property
    def uid(self) -> str:
        return self._first_text("UID")

    @property
    def full_name(self) -> str:
        return self._first_text("FN")

    @property
    def name(self) -> NameParts:
        """N's parts (family, given, additional, prefix, suffix)."""
        line = self._first("N")
        if line is None:
            return NameParts()
        family, given, additional, prefix, suffix = components_of(line, 5)[:5]
        return NameParts(given=given, family=family, additional=additional, prefix=prefix, suffix=suffix)

    @property
    def is_company(self) -> bool:
        """Filed as its company (X-ABShowAs:COMPANY): the card printed no person's name."""
        return any(text_of(line).strip().upper() == COMPANY for line in self.lines("X-ABSHOWAS"))

    @property
    def organisations(self) -> list[OrgItem]:
        return [OrgItem(ref, *components_of(line, 2)[:2]) for ref, line in self._items("ORG")]

    @property
    def organisation(self) -> str:
        """The first ORG's first component (the company), as written."""
        line = self._first("ORG")
        return components_of(line)[0] if line is not None else ""

    @property
    def department(self) -> str:
        line = self._first("ORG")
        parts = components_of(line) if line is not None else []
        return parts[1] if len(parts) > 1 else ""

    @property
    def titles(self) -> list[TextItem]:
        return [TextItem(ref, text_of(line)) for ref, line in self._items("TITLE")]

    @property
    def phones(self) -> list[PhoneItem]:
        return [PhoneItem(ref, tel_text(line), tel_kind(line.param("TYPE"))) for ref, line in self._items("TEL")]

    def phone_extensions(self) -> dict[str, str]:
        """The extensions a 3.0 card keeps beside its TELs: {'+33142685300': '240'}."""
        found = {}
        for value in self.values(EXTENSION_PROPERTY):
            match = _TEL_WITH_EXTENSION.match(value.strip())
            if match:
                found[match.group(1)] = match.group(2)
        return found

    def phones_read(self) -> list[tuple[PhoneKind, str]]:
        """(kind, number as a person reads it, with its extension), for exports and pages."""
        extensions = self.phone_extensions()
        return [(phone.kind, tel_display(phone.number, extensions)) for phone in self.phones]

    @property
    def phone_numbers(self) -> list[str]:
        """Each TEL's number without its extension: what merging and finding compare."""
        return [tel_number(tel_display(phone.number)) for phone in self.phones]

    @property
    def emails(self) -> list[TextItem]:
        return [TextItem(ref, text_of(line)) for ref, line in self._items("EMAIL")]

    @property
    def websites(self) -> list[TextItem]:
        return [TextItem(ref, text_of(line)) for ref, line in self._items("URL")]

    @property
    def social(self) -> list[SocialItem]:
        return [SocialItem(ref, (line.param("TYPE") or [""])[0].lower(), text_of(line))
                for ref, line in self._items("X-SOCIALPROFILE")]

    @property
    def addresses(self) -> list[AddressItem]:
        items = []
        for ref, line in self._items("ADR"):
            _, _, street, city, region, code, country = components_of(line, 7)[:7]
            items.append(AddressItem(ref, street=street, postcode=code, city=city, region=region, country=country))
        return items

    @property
    def notes(self) -> list[TextItem]:
        """Each NOTE without its meeting sentences."""
        return [TextItem(ref, "\n".join(s for s in text_of(line).split("\n") if not is_meeting_sentence(s)))
                for ref, line in self._items("NOTE")]

    @property
    def note(self) -> str:
        """The first NOTE, whole."""
        return self._first_text("NOTE")

    def other_note_lines(self) -> list[str]:
        """The lines of every NOTE that are not a meeting's sentence (typed on a phone, an extension)."""
        return [ln for text in self.values("NOTE") for ln in text.split("\n") if ln and not is_meeting_sentence(ln)]

    @property
    def categories(self) -> list[str]:
        """The first CATEGORIES line's items."""
        line = self._first("CATEGORIES")
        return list_of(line) if line is not None else []

    @property
    def meeting_items(self) -> list[MeetingItem]:
        """The meetings recorded (X-CARDSCAN-EVENT and -DATE), each once, with the line of its event."""
        items: list[MeetingItem] = []
        seen: set[Meeting] = set()
        dates = self._items("X-CARDSCAN-DATE")
        for (ref, event), (_, date) in zip(self._items("X-CARDSCAN-EVENT"), dates, strict=False):
            try:
                item = MeetingItem(ref, text_of(event), dt.date.fromisoformat(text_of(date).strip()))
            except ValueError:
                continue
            if item.meeting not in seen:
                seen.add(item.meeting)
                items.append(item)
        return items

    @property
    def meetings(self) -> list[Meeting]:
        return [item.meeting for item in self.meeting_items]

    def meeting_language(self) -> str | None:
        """'fr' or 'en': the language of the card's first meeting sentence, None when it has none."""
        for text in self.values("NOTE"):
            for sentence in text.split("\n"):
                for lang in NOTE_LANGUAGES:
                    if is_meeting_sentence(sentence, lang):
                        return lang
        return None

    @property
    def sources(self) -> list[PhotoSource]:
        """The photos (file name, content hash) the contact was read from."""
        return [PhotoSource(n, h) for n, h in zip(self.values("X-CARDSCAN-SOURCE"), self.values("X-CARDSCAN-PHOTO"),
                                                  strict=False)]

    @property
    def reviewed(self) -> list[str]:
        return self.values("X-CARDSCAN-REVIEWED")

    def _items(self, name: str) -> list[tuple[int | None, ContentLine]]:
        return [(e.ref, e.line) for e in self._properties() if e.name == name and e.line is not None]

    # ------------------------------------------------------------ writing: the one writer

    def _write(self, head: str, value: str) -> ContentLine:
        return content_line(fold_line(f"{head}:{value}", self.newline))

    def set_value(self, ref: int, value: str, head: str | None = None) -> None:
        """A line read from the text gets a new value (its group and parameters kept unless ``head`` is given)."""
        entry = self._by_ref[ref]
        assert entry.line is not None
        entry.line = self._write(head if head is not None else without_encoding(entry.line), value)

    def remove(self, ref: int) -> None:
        self._by_ref[ref].line = None

    def remove_all(self, name: str, which: Callable[[ContentLine], bool] = lambda line: True) -> None:
        """Remove every line of one property (``which`` of them)."""
        for entry in self._properties():
            if entry.name == name and entry.line is not None and which(entry.line):
                entry.line = None

    def add_line(self, line: ContentLine) -> None:
        """A line of another card, as it is written there (folded again with this card's line ends)."""
        self._insert_after_ordered(line.name, content_line(fold_line(line.logical, self.newline)))

    def add(self, name: str, value: str, params: Mapping[str, Sequence[str]] | None = None, group: str = "") -> None:
        """A new line, where vobject would put it: after the last line whose name sorts before or with it."""
        self._insert_after_ordered(name, self._write(head_of(name, params, group), value))

    def add_text(self, name: str, text: str, params: Mapping[str, Sequence[str]] | None = None,
                 group: str = "") -> None:
        self.add(name, escape(text), params, group)

    def add_structured(self, name: str, components: Sequence[str],
                       params: Mapping[str, Sequence[str]] | None = None) -> None:
        """N, ADR, ORG: components separated by ';', each escaped."""
        self.add(name, ";".join(escape(c) for c in components), params)

    def _insert_after_ordered(self, name: str, line: ContentLine) -> None:
        key = _order(name)
        start = self._entries.index(self._begin) + 1 if self._begin is not None else 0
        if self._nested:
            properties = self._properties()
            after = next((e for e in reversed(properties) if _order(e.name) <= key), None)
            position = self._entries.index(after) + 1 if after is not None else start
        else:  # the same, without walking the whole card for each line of a card of thousands
            position = start
            for index in range(self._stop() - 1, start - 1, -1):
                entry = self._entries[index]
                if entry.line is not None and _order(entry.name) <= key:
                    position = index + 1
                    break
        self._insert(position, name, line)

    def _stop(self) -> int:
        return self._entries.index(self._end) if self._end is not None else len(self._entries)

    def add_beside(self, name: str, head: str, value: str) -> None:
        """A new line where a person editing the card expects it (the review form): after the last line read of
        that property, else after the last line read of the properties the form shows, else before END."""
        read = [e for e in self._properties(removed=True) if e.ref is not None]
        same = [e for e in read if e.name == name]
        owned = [e for e in read if e.name in (*FORM_PROPERTIES, "VERSION")]
        anchor = same[-1] if same else owned[-1] if owned else None
        if anchor is None:
            position = self._stop()
        else:
            position = self._entries.index(anchor) + 1
            while position < len(self._entries) and self._entries[position].ref is None:
                position += 1  # after the lines added there before, in the order they were added
        self._insert(position, name, self._write(head, value))

    def _insert(self, position: int, name: str, line: ContentLine) -> None:
        self._entries.insert(position, _Entry(line, None, None, name))

    def text(self, leave_out: Iterable[ContentLine] = ()) -> str:
        """The card's text: every line as it is now (a line never touched, byte for byte as it was read)."""
        left = {id(line) for line in leave_out}
        kept = [e.line for e in self._entries if e.line is not None and id(e.line) not in left]
        out = []
        for index, line in enumerate(kept):
            raw = line.raw
            if not raw.endswith(("\n", "\r")) and index < len(kept) - 1:
                raw += self.newline  # a last line without its line end, followed now by another
            out.append(raw)
        return "".join(out)

    # ------------------------------------------------------------ writing what cardscan knows

    def add_phone(self, number: str, kind: PhoneKind, extension: str = "") -> None:
        """A TEL of this kind; in 3.0 its extension goes to X-CARDSCAN-EXTENSION (see ``tel_value``)."""
        d = self.dialect
        extension = re.sub(r"\D", "", extension)
        params: dict[str, list[str]] = {"TYPE": list(d.tel_types[kind])}
        if d.tel_as_uri:
            params["VALUE"] = ["uri"]
        self.add("TEL", tel_value(d, number, extension), params)
        if extension and not d.tel_as_uri:
            self.add_text(EXTENSION_PROPERTY, f"{number} ext. {extension}")

    def add_email(self, address: str) -> None:
        self.add_text("EMAIL", address, {"TYPE": list(self.dialect.email_types)})

    def add_url(self, url: str) -> None:
        self.add("URL", uri_value(url))

    def add_social(self, service: str, url: str) -> None:
        self.add("X-SOCIALPROFILE", uri_value(url), {"TYPE": [service]})

    def add_address(self, address: Address) -> None:
        self.add_structured("ADR", ["", "", address.street, address.city, address.region, address.postcode,
                                    address.country], {"TYPE": list(self.dialect.adr_types)})

    def add_photo(self, jpeg: bytes) -> None:
        data = base64.b64encode(jpeg).decode("ascii")
        if self.dialect.photo_as_data_uri:
            self.add("PHOTO", "data:image/jpeg;base64," + data)
        else:
            self.add("PHOTO", data, {"ENCODING": ["b"], "TYPE": ["JPEG"]})

    def set_meetings(self, meetings: Sequence[Meeting], note_lang: str, leaving: Iterable[Meeting] = ()) -> None:
        """Record these meetings, and no other, everywhere an importer looks: the NOTE's first lines, CATEGORIES,
        X-CARDSCAN-EVENT/-DATE and Apple's dated items. The NOTE keeps its other lines, CATEGORIES its other
        items (but the events of ``leaving`` that no meeting keeps), Apple's other items stay."""
        other_lines = self.other_note_lines()
        self.remove_all("NOTE")
        self.add_text("NOTE", "\n".join([meeting_sentence(m, note_lang) for m in meetings] + other_lines))

        gone = {m.event for m in leaving} - {m.event for m in meetings}
        categories = [c for line in self.lines("CATEGORIES") for c in list_of(line) if c and c not in gone]
        self.remove_all("CATEGORIES")
        self.add("CATEGORIES", ",".join(escape(c) for c in dict.fromkeys([m.event for m in meetings] + categories)))

        self.remove_all("X-CARDSCAN-EVENT")
        self.remove_all("X-CARDSCAN-DATE")
        for meeting in meetings:
            self.add_text("X-CARDSCAN-EVENT", meeting.event)
            self.add_text("X-CARDSCAN-DATE", meeting.date.isoformat())

        # Apple shows itemN.X-ABDATE with itemN.X-ABLabel as a labelled date; ours are replaced, others kept
        ours = {line.group for line in self.lines("X-ABLABEL") if _MEETING_LABEL.match(text_of(line))}
        for entry in self._properties():
            if entry.name in ("X-ABDATE", "X-ABLABEL") and entry.line is not None and entry.line.group in ours:
                entry.line = None
        used = {e.line.group for e in self._properties() if e.line is not None and e.line.group}
        number = 1
        for meeting in meetings:
            while f"item{number}" in used:
                number += 1
            group = f"item{number}"
            used.add(group)
            self.add_text("X-ABDATE", meeting.date.isoformat(), group=group)
            self.add_text("X-ABLABEL", meeting_label(meeting, note_lang), group=group)

    def set_sources(self, sources: Sequence[PhotoSource]) -> None:
        self.remove_all("X-CARDSCAN-SOURCE")
        self.remove_all("X-CARDSCAN-PHOTO")
        for source in sources:
            self.add_text("X-CARDSCAN-SOURCE", source.name)
            self.add_text("X-CARDSCAN-PHOTO", source.sha256)

    def set_revision(self, revision: dt.datetime | None = None) -> None:
        self.remove_all("REV")
        self.add("REV", revision_stamp(self.dialect, revision))

    def tidy_extensions(self) -> None:
        """A 3.0 TEL that holds an extension as cardscan wrote it before ('+33… ext. 240') keeps the number
        alone; the extension moves to X-CARDSCAN-EXTENSION. An extension whose number the card no longer has
        goes. A pause a person typed on a phone ('+33…,240') is theirs: left as it is.

        Every contact cardscan writes whole goes through here: a 3.0 TEL never leaves with an extension in it.
        """
        if self.has("VERSION") and self.version != "3.0":
            return
        known = self.phone_extensions()
        numbers = []
        for entry in self._properties():
            if entry.name != "TEL" or entry.line is None:
                continue
            value = text_of(entry.line)
            match = _TEL_WITH_EXTENSION.match(value.strip())
            if match:
                entry.line = self._write(without_encoding(entry.line), tel_value(self.dialect, match.group(1)))
                known.setdefault(match.group(1), match.group(2))
                value = match.group(1)
            numbers.append(value.strip())
        wanted = [f"{number} ext. {extension}" for number, extension in known.items() if number in numbers]
        if [v for v in self.values(EXTENSION_PROPERTY)] != wanted:
            self.remove_all(EXTENSION_PROPERTY)
            for value in wanted:
                self.add_text(EXTENSION_PROPERTY, value)


def revision_stamp(dialect: Dialect, revision: dt.datetime | None = None) -> str:
    """REV's value: the time of the change, in UTC, as the version spells it."""
    return (revision or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime(dialect.rev_format)


# ---------------------------------------------------------------- a contact read from a card, as a vCard

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
    """One contact as vCard text (UTF-8 characters, CRLF, lines folded at 75 octets)."""
    card = VCard.new(version)
    name = contact.name.value if contact.name else None
    organisation = contact.organisation.value if contact.organisation else ""
    department = contact.department.value if contact.department else ""

    if name is not None:
        card.add_text("FN", name.full)
        card.add_structured("N", [name.family, name.given, name.additional, name.prefix, name.suffix])
    else:
        # a card with no person's name still imports: it is the company's contact
        shown = organisation or _first_value(contact) or "Contact"
        card.add_text("FN", shown)
        card.add_structured("N", [shown, "", "", "", ""])
        card.add_text("X-ABSHOWAS", COMPANY)
        if card.dialect.company_kind:
            card.add_text("KIND", "org")
    if organisation or department:
        card.add_structured("ORG", [organisation, department] if department else [organisation])
    if contact.title:
        card.add_text("TITLE", contact.title.value)
    for phone in contact.phones:
        card.add_phone(phone.value.number, phone.value.kind or "work", phone.value.extension)
    extensions = [extension_note(p.value.number, p.value.extension, note_lang)
                  for p in contact.phones if p.value.extension]
    if extensions:  # the number as a person reads it; set_meetings puts the meetings above it
        card.add_text("NOTE", "\n".join(extensions))
    for email in contact.emails:
        card.add_email(email.value)
    for site in contact.websites:
        card.add_url(site.value)
    for address in contact.addresses:
        card.add_address(address.value)
    for profile in contact.social:
        card.add_social(profile.value.service, profile.value.url)
    if photo_jpeg:
        card.add_photo(photo_jpeg)
    card.add_text("UID", uid)
    card.set_meetings(list(meetings), note_lang)
    card.set_sources(list(sources))
    card.set_revision(revision)
    card.tidy_extensions()
    return card.text()


def _first_value(contact: Contact) -> str:
    for found in (contact.emails[:1] or contact.phones[:1]):
        value = found.value
        return value if isinstance(value, str) else value.number
    return ""


def rename_meeting(existing: str, old: Meeting, new: Meeting) -> str:
    """The contact met at ``new`` instead of ``old`` (an event renamed or re-dated), in its note's language."""
    card = VCard(existing)
    meetings = list(dict.fromkeys(new if m == old else m for m in card.meetings))
    card.set_meetings(meetings, card.meeting_language() or "fr", leaving=[old])
    card.set_revision()
    card.tidy_extensions()
    return card.text()


@dataclass(frozen=True)
class CardFields:
    """The values of a vCard as plain text, for the CSV exports and the event sheet."""

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


def card_fields(card: VCard) -> CardFields:
    """A card's values as plain text."""
    name = card.name
    company = card.is_company
    address = card.addresses[0] if card.addresses else AddressItem(None)
    titles = card.titles
    return CardFields(
        given="" if company else name.given,
        additional="" if company else name.additional,
        family="" if company else name.family,
        prefix=name.prefix,
        suffix=name.suffix,
        organisation=card.organisation,
        is_company=company,
        full_name=card.full_name,
        department=card.department,
        title=titles[0].value if titles else "",
        note=card.note,
        categories=card.categories,
        emails=[e.value for e in card.emails],
        phones=card.phones_read(),
        websites=[w.value for w in card.websites],
        social=[s.url for s in card.social],
        street=address.street,
        city=address.city,
        region=address.region,
        postcode=address.postcode,
        country=address.country,
    )
