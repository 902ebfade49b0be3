"""Asking the address book: which events, who was met where, and one event as a file a phone imports.

Everything here reads the contacts folder; only ``export`` writes, and only the
file it is asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
import vobject

from ..core.models import Meeting
from ..understand.lexicons import fold
from ..vcard import CardFields, StoredCard, card_fields, card_meetings, meeting_label
from .folder import ContactsFolder, event_slug, read_vcf

EXPORT_FORMATS = ("vcf", "google-csv", "outlook-csv")


@dataclass(frozen=True)
class EventSummary:
    event: str
    date: dt.date
    contacts: int


@dataclass(frozen=True)
class Person:
    """A contact on disk: where its file is and what it says."""

    path: Path
    stored: StoredCard


def list_events(folder: ContactsFolder) -> list[EventSummary]:
    """Every (event, day) with the number of people met there, most recent first."""
    counts: Counter[Meeting] = Counter()
    for _, stored in folder.stored_cards():
        counts.update(set(stored.meetings))
    return sorted((EventSummary(m.event, m.date, n) for m, n in counts.items()),
                  key=lambda e: (e.date, fold(e.event)), reverse=True)


def find_people(folder: ContactsFolder, query: str) -> list[Person]:
    """Contacts whose name, company, e-mail or phone contains ``query`` (case and accents ignored);
    when none does, the ones a typo away (see ``search_people``)."""
    return search_people(folder, query)[0]


# A word of at least this many letters may be one typo away from what is stored ('camile' finds 'Camille');
# a shorter one must match as typed, or one typo would match half the address book.
TYPO_MIN_LENGTH = 4


def search_people(folder: ContactsFolder, query: str) -> tuple[list[Person], bool]:
    """(contacts found, whether they match exactly): the exact matches, else those one typo away per word."""
    words = fold(query).split()
    digits = re.sub(r"\D", "", query)
    exact, close = [], []
    for path, stored in folder.stored_cards():
        haystack = fold(" ".join([stored.full_name, stored.organisation, *stored.emails]))
        by_text = bool(words) and all(word in haystack for word in words)
        by_phone = len(digits) >= 6 and any(_national_digits(digits) in _national_digits(p) for p in stored.phones)
        if by_text or by_phone:
            exact.append(Person(path, stored))
        elif words:
            tokens = re.findall(r"[a-z0-9]+", haystack)
            if all(word in haystack or _one_typo_from_a_token(word, tokens) for word in words):
                close.append(Person(path, stored))
    found = exact or close
    return sorted(found, key=lambda p: fold(p.stored.full_name)), bool(exact) or not found


def _one_typo_from_a_token(word: str, tokens: list[str]) -> bool:
    if len(word) < TYPO_MIN_LENGTH:
        return False
    return any(_at_most_one_edit(word, token) or (len(token) > len(word) and _at_most_one_edit(word, token[:len(word)]))
               for token in tokens)


def _at_most_one_edit(a: str, b: str) -> bool:
    """One letter left out, added, changed, or two neighbours swapped (optimal string alignment)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]]
                                   and a[diffs[1]] == b[diffs[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1:]


def describe_person(person: Person) -> str:
    """'Camille Martin (Atelier Lumière) · +33 6 12 34 56 78 · camille@x.fr · met at vernissage on 2026-11-20'."""
    s = person.stored
    head = s.full_name + (f" ({s.organisation})" if s.organisation and not s.is_company else "")
    met = ", ".join(f"{m.event} on {m.date.isoformat()}" for m in s.meetings) or "no recorded meeting"
    return " · ".join([head, *(_readable_phone(p) for p in s.phones), *s.emails, f"met at {met}"])


def _readable_phone(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number, None)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return number


def people_met_at(folder: ContactsFolder, event: str, date: dt.date | None = None) -> list[Person]:
    """Everyone met at ``event`` (compared as its slug, so case and accents do not matter), on ``date`` if given."""
    slug = event_slug(event)
    return [
        Person(path, stored)
        for path, stored in folder.stored_cards()
        if any(event_slug(m.event) == slug and (date is None or m.date == date) for m in stored.meetings)
    ]


def export_people(people: Iterable[Person], fmt: str) -> bytes:
    """The contacts as one file in ``fmt``: a multi-contact .vcf, Google CSV or Outlook CSV."""
    cards = [read_vcf(p.path) for p in people]
    if fmt == "vcf":
        return "".join(cards).encode("utf-8")
    parsed = [vobject.readOne(text) for text in cards]
    if fmt == "google-csv":
        return _csv(GOOGLE_HEADER, [_google_row(c) for c in parsed]).encode("utf-8")
    if fmt == "outlook-csv":
        # Outlook reads UTF-8 only with a byte-order mark
        return ("\ufeff" + _csv(OUTLOOK_HEADER, [_outlook_row(c) for c in parsed])).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}")


# ---------------------------------------------------------------- CSV layouts, as the products export them

GOOGLE_HEADER = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name",
    "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name", "Organization Title",
    "Organization Department", "Birthday", "Notes", "Photo", "Labels",
    "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
    "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value", "Phone 3 - Label", "Phone 3 - Value",
    "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City", "Address 1 - PO Box",
    "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country", "Address 1 - Extended Address",
    "Website 1 - Label", "Website 1 - Value",
    # where Google's own export puts them: a dated item per meeting, shown on the contact ("Rencontré à salon")
    "Event 1 - Label", "Event 1 - Value", "Event 2 - Label", "Event 2 - Value", "Event 3 - Label", "Event 3 - Value",
]
GOOGLE_EVENTS = 3

OUTLOOK_HEADER = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
    "Business Street", "Business Street 2", "Business Street 3", "Business City", "Business State",
    "Business Postal Code", "Business Country/Region", "Home Street", "Home Street 2", "Home Street 3", "Home City",
    "Home State", "Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2", "Other Street 3",
    "Other City", "Other State", "Other Postal Code", "Other Country/Region", "Assistant's Phone", "Business Fax",
    "Business Phone", "Business Phone 2", "Callback", "Car Phone", "Company Main Phone", "Home Fax", "Home Phone",
    "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone",
    "TTY/TDD Phone", "Telex", "Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday",
    "Business Address PO Box", "Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type",
    "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address",
    "E-mail 3 Type", "E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby", "Home Address PO Box",
    "Initials", "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
    "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority", "Private", "Profession",
    "Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4", "Web Page",
]


_GOOGLE_PHONE_LABELS = {"cell": "Mobile", "work": "Work", "fax": "Work Fax"}


def _exported_phones(f: CardFields) -> list[tuple[str, str]]:
    # the CSV formats have work, mobile and fax columns: a phone of no stated kind goes with work; an
    # extension follows a pause (',') as a phone dials it
    return [(kind if kind != "other" else "work", number.replace(" ext. ", ",")) for kind, number in f.phones]


def _google_row(card: Any) -> dict[str, str]:
    f = card_fields(card)
    row = {
        "First Name": f.given, "Middle Name": f.additional, "Last Name": f.family, "Name Prefix": f.prefix,
        "Name Suffix": f.suffix, "Organization Name": f.company, "Organization Title": f.title,
        "Organization Department": f.department, "Notes": f.note,
        # Google shows each label as a group: one per event the person was met at
        "Labels": " ::: ".join(["* myContacts", *f.categories]),
    }
    for i, email in enumerate(f.emails[:2], start=1):
        row[f"E-mail {i} - Label"], row[f"E-mail {i} - Value"] = "Work", email
    for i, (kind, number) in enumerate(_exported_phones(f)[:3], start=1):
        row[f"Phone {i} - Label"], row[f"Phone {i} - Value"] = _GOOGLE_PHONE_LABELS[kind], number
    if f.street or f.city or f.postcode:
        row.update({
            "Address 1 - Label": "Work", "Address 1 - Street": f.street, "Address 1 - City": f.city,
            "Address 1 - Region": f.region, "Address 1 - Postal Code": f.postcode, "Address 1 - Country": f.country,
            "Address 1 - Formatted": "\n".join(p for p in (f.street, f"{f.postcode} {f.city}".strip(), f.country) if p),
        })
    sites = [("Work", site) for site in f.websites] + [("Profile", profile) for profile in f.social]
    if sites:  # one column: the website, else the social profile
        row["Website 1 - Label"], row["Website 1 - Value"] = sites[0]
    english = any(str(label.value).startswith("Met at ") for label in card.contents.get("x-ablabel", []))
    for i, meeting in enumerate(card_meetings(card)[-GOOGLE_EVENTS:], start=1):  # the latest ones
        row[f"Event {i} - Label"] = meeting_label(meeting, "en" if english else "fr")
        row[f"Event {i} - Value"] = meeting.date.isoformat()
    return row


def _outlook_row(card: Any) -> dict[str, str]:
    f = card_fields(card)
    row = {
        "Title": f.prefix, "First Name": f.given, "Middle Name": f.additional, "Last Name": f.family,
        "Suffix": f.suffix, "Company": f.company, "Department": f.department, "Job Title": f.title,
        "Business Street": f.street, "Business City": f.city, "Business State": f.region,
        "Business Postal Code": f.postcode, "Business Country/Region": f.country,
        "Categories": ";".join(f.categories), "Notes": f.note, "Web Page": (f.websites + f.social or [""])[0],
    }
    slots = {"cell": ["Mobile Phone", "Other Phone"], "work": ["Business Phone", "Business Phone 2", "Other Phone"],
             "fax": ["Business Fax", "Other Fax"]}
    for kind, number in _exported_phones(f):
        free = next((column for column in slots[kind] if not row.get(column)), None)
        if free:
            row[free] = number
    for i, email in enumerate(f.emails[:3]):
        prefix = "E-mail" if i == 0 else f"E-mail {i + 1}"
        row[f"{prefix} Address"], row[f"{prefix} Type"], row[f"{prefix} Display Name"] = email, "SMTP", email
    return row


def _csv(header: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _spreadsheet_safe(value) for key, value in row.items()})
    return buffer.getvalue()


# OWASP's CSV-injection rule: a cell starting with one of these is read as a formula by some spreadsheet
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# the one exception: a phone number as cardscan writes it, E.164 (and its extension after a pause, as the
# CSV exports write it for a phone to dial), which the importers need as it is; digits after a "+" compute
# nothing
_E164_PHONE = re.compile(r"\+[1-9]\d{1,14}(?:(?: ext\. |,)\d{1,10})?")


def _spreadsheet_safe(value: str) -> str:
    """Keep a spreadsheet from running card text as a formula ("=HYPERLINK(...)", "-2+3+cmd|..."): quote it."""
    if value.startswith(_FORMULA_STARTS) and not _E164_PHONE.fullmatch(value):
        return "'" + value
    return value


def _national_digits(number: str) -> str:
    """The last nine digits: '06 12 34 56 78' and '+33 6 12 34 56 78' compare equal."""
    digits = re.sub(r"\D", "", number)
    return digits[-9:]
