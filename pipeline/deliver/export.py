"""One event as a file a phone or a contacts service imports: a multi-contact .vcf, Google CSV, Outlook CSV.

Only the file asked for is written (by the caller); every cell of a CSV is safe from spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from ..contacts.folder import read_vcf
from ..contacts.queries import Person
from ..core.vcard import CardFields, VCard, card_fields, meeting_label

EXPORT_FORMATS = ("vcf", "google-csv", "outlook-csv")


def export_people(people: Iterable[Person], fmt: str) -> bytes:
    """The contacts as one file in ``fmt``: a multi-contact .vcf, Google CSV or Outlook CSV."""
    cards = [read_vcf(p.path) for p in people]
    if fmt == "vcf":
        return "".join(cards).encode("utf-8")
    parsed = [VCard(text) for text in cards]
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


def _google_row(card: VCard) -> dict[str, str]:
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
    english = any(label.startswith("Met at ") for label in card.values("X-ABLABEL"))
    for i, meeting in enumerate(card.meetings[-GOOGLE_EVENTS:], start=1):  # the latest ones
        row[f"Event {i} - Label"] = meeting_label(meeting, "en" if english else "fr")
        row[f"Event {i} - Value"] = meeting.date.isoformat()
    return row


def _outlook_row(card: VCard) -> dict[str, str]:
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


