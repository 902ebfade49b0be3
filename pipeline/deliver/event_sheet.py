"""`cardscan sheet`: one offline page for an event, the people met there at a glance.

Each person's straightened card (a small JPEG from ``review/<photo sha256>.jpg``, embedded as a data
URI), name, title, company, phones and e-mails, with the fields read with low confidence marked, and
the event's numbers (people met, companies, fields to check). The page loads nothing from outside
(its Content-Security-Policy forbids it), runs no script, and every value read from a card is
HTML-escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
from PIL import Image

from ..contacts.folder import ContactsFolder, event_slug, read_vcf
from ..contacts.queries import people_met_at
from ..core.vcard import VCard, card_fields
from ..understand.doubts import unsure as is_unsure
from ..understand.lexicons import fold

THUMBNAIL_SIZE = (360, 230)  # pixels; a card is 85 x 55 mm, and the page shows it at about 180 px wide
THUMBNAIL_QUALITY = 70  # a thumbnail of 10 to 20 KB: the whole page of 50 people stays under 1 MB
_SHA = re.compile(r"^[0-9a-f]{64}(?:-\d{1,3})?$")
_PHONE_KINDS = {"cell": "mobile", "work": "work", "fax": "fax", "other": "phone"}


@dataclass(frozen=True)
class SheetPerson:
    name: str
    title: str
    company: str
    phones: tuple[tuple[str, str], ...]  # (kind, number as dialled)
    emails: tuple[str, ...]
    doubtful: frozenset[str]  # "name", "title", "company", "phone:<number>", "email:<address>"
    reviewed: bool
    thumbnail: bytes | None  # a small JPEG of the straightened card


@dataclass(frozen=True)
class EventSheet:
    event: str
    dates: tuple[dt.date, ...]
    people: tuple[SheetPerson, ...]

    @property
    def companies(self) -> int:
        return len({fold(p.company).strip() for p in self.people if p.company.strip()})

    @property
    def to_check(self) -> int:
        return sum(len(p.doubtful) for p in self.people)


def collect_sheet(folder: ContactsFolder, event: str, date: dt.date | None = None) -> EventSheet:
    """Everyone met at ``event`` (on ``date`` if given), read from the contacts folder."""
    people = people_met_at(folder, event, date)
    shown_event = event
    dates: set[dt.date] = set()
    persons = []
    for person in people:
        for meeting in person.stored.meetings:
            if event_slug(meeting.event) == event_slug(event) and (date is None or meeting.date == date):
                shown_event = meeting.event  # the name as it was typed when filing, not as asked
                dates.add(meeting.date)
        persons.append(_sheet_person(folder, read_vcf(person.path)))
    persons.sort(key=lambda p: fold(p.name))
    return EventSheet(event=shown_event, dates=tuple(sorted(dates)), people=tuple(persons))


def _sheet_person(folder: ContactsFolder, text: str) -> SheetPerson:
    card = VCard(text)
    f = card_fields(card)
    shas = card.values("X-CARDSCAN-PHOTO")
    reviewed = card.has("X-CARDSCAN-REVIEWED")
    sidecar, sha = _sidecar(folder, shas)
    phones = tuple((kind, number) for kind, number in f.phones)
    doubtful = frozenset() if reviewed else _doubtful(sidecar, f.full_name, f.title, f.company, phones, f.emails)
    return SheetPerson(
        name=f.full_name, title=f.title, company=f.company if not f.is_company or f.organisation else "",
        phones=phones, emails=tuple(f.emails), doubtful=doubtful, reviewed=reviewed,
        thumbnail=_thumbnail(folder.review / f"{sha}.jpg") if sha else None,
    )


def _sidecar(folder: ContactsFolder, shas: list[str]) -> tuple[dict[str, Any] | None, str | None]:
    """What was read on the most recent photo of this person that has its review material."""
    for sha in reversed(shas):
        path = folder.review / f"{sha}.json"
        if _SHA.match(sha) and path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8")), sha
            except (OSError, ValueError):
                continue
    return None, None


def _doubtful(sidecar: dict[str, Any] | None, name: str, title: str, company: str,
              phones: tuple[tuple[str, str], ...], emails: list[str]) -> frozenset[str]:
    """The fields still as read (not corrected since) whose reading was unsure."""
    if not sidecar:
        return frozenset()
    read = sidecar.get("fields") or {}
    doubts: set[str] = set()

    def unsure(found: Any) -> bool:
        return isinstance(found, dict) and is_unsure(float(found.get("confidence", 1.0)))

    if unsure(read.get("name")) and read["name"].get("full") == name:
        doubts.add("name")
    if unsure(read.get("title")) and read["title"].get("value") == title:
        doubts.add("title")
    if unsure(read.get("organisation")) and read["organisation"].get("value") == company:
        doubts.add("company")
    numbers = {_digits(number) for _, number in phones}
    for phone in read.get("phones") or []:
        if unsure(phone) and _digits(str(phone.get("number", ""))) in numbers:
            doubts.add(f"phone:{_digits(str(phone['number']))}")
    for email in read.get("emails") or []:
        if unsure(email) and str(email.get("value", "")).lower() in {e.lower() for e in emails}:
            doubts.add(f"email:{str(email['value']).lower()}")
    return frozenset(doubts)


def _digits(number: str) -> str:
    return _split_extension(number)[0].replace(" ", "")


def _thumbnail(path: Path) -> bytes | None:
    try:
        with Image.open(path) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return buffer.getvalue()


# ---------------------------------------------------------------- the page

_STYLE = """
:root{color-scheme:light;--ink:#1d2430;--soft:#5b6472;--line:#dde1e7;--doubt:#b35c00;--doubt-bg:#fff3e0}
*{box-sizing:border-box}
body{font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0;background:#f6f7f9}
header{padding:24px 32px 8px}
h1{font-size:26px;margin:0 0 4px}
.when{color:var(--soft);margin:0 0 16px}
.numbers{display:flex;gap:12px;flex-wrap:wrap;margin:0;padding:0;list-style:none}
.numbers li{background:#fff;border:1px solid var(--line);border-radius:10px;padding:10px 16px;min-width:140px}
.numbers b{display:block;font-size:24px}
.numbers .check b{color:var(--doubt)}
.hint{color:var(--soft);font-size:13px;margin:12px 0 0}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:16px;padding:16px 32px 32px}
article{background:#fff;border:1px solid var(--line);border-radius:12px;padding:14px;display:flex;gap:14px;
 break-inside:avoid}
.card{width:150px;flex:none}
.card img{width:150px;height:auto;border-radius:6px;border:1px solid var(--line);display:block}
.card .none{width:150px;height:96px;border:1px dashed var(--line);border-radius:6px;display:flex;
 align-items:center;justify-content:center;color:var(--soft);font-size:12px}
.who{min-width:0}
h2{font-size:17px;margin:0 0 2px;overflow-wrap:anywhere}
.role{margin:0 0 6px;color:var(--soft);overflow-wrap:anywhere}
ul.reach{list-style:none;margin:0;padding:0;font-size:14px}
ul.reach li{overflow-wrap:anywhere}
.kind{color:var(--soft);font-size:12px;margin-right:4px;white-space:nowrap}
.tel{white-space:nowrap}
a{color:inherit}
.doubt{background:var(--doubt-bg);color:var(--doubt);border-radius:4px;padding:0 3px}
.doubt::after{content:" ?";font-weight:bold}
.checked{color:#2e7d32;font-size:12px}
@media print{body{background:#fff}main{padding:0 16px}article{border-color:#bbb}}
"""


def render_sheet(sheet: EventSheet, review_command: str = "") -> str:
    """The page: UTF-8 HTML, self-contained; nothing read from a card reaches it unescaped."""
    e = html.escape
    people = len(sheet.people)
    cards = "".join(_person_html(p) for p in sheet.people)
    check = sheet.to_check
    hint = ("Fields marked <span class=\"doubt\">like this</span> were read with low confidence: check them"
            + (f" with <code>{e(review_command)}</code>" if review_command else "") + "." if check else
            "No field left to check.")
    numbers = (f"<li><b>{people}</b>{'person' if people == 1 else 'people'} met</li>"
               f"<li><b>{sheet.companies}</b>{'company' if sheet.companies == 1 else 'companies'}</li>"
               f"<li class=\"check\"><b>{check}</b>{'field' if check == 1 else 'fields'} to check</li>")
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        # nothing from outside: images only as data URIs, no script, no font, no frame, no form
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        f"<title>{e(sheet.event)} — cardscan</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{e(sheet.event)}</h1><p class=\"when\">{e(_dates(sheet.dates))}</p>"
        f"<ul class=\"numbers\">{numbers}</ul><p class=\"hint\">{hint}</p></header>"
        f"<main>{cards}</main></body></html>\n"
    )


def _person_html(person: SheetPerson) -> str:
    e = html.escape

    def mark(key: str, text: str) -> str:
        return f'<span class="doubt" title="read with low confidence">{e(text)}</span>' if key in person.doubtful \
            else e(text)

    if person.thumbnail:
        data = base64.b64encode(person.thumbnail).decode("ascii")
        image = f'<img src="data:image/jpeg;base64,{data}" alt="card of {e(person.name)}">'
    else:
        image = '<div class="none">no card image</div>'
    role = " · ".join(part for part in (mark("title", person.title) if person.title else "",
                                          mark("company", person.company) if person.company else "") if part)
    reach = []
    for kind, number in person.phones:
        shown = mark(f"phone:{_digits(number)}", _pretty_phone(number))
        reach.append(f'<li><span class="kind">{e(_PHONE_KINDS.get(kind, "phone"))}</span>'
                     f'<a class="tel" href="tel:{e(_tel_uri(number), quote=True)}">{shown}</a></li>')
    for email in person.emails:
        shown = mark(f"email:{email.lower()}", email)
        reach.append(f'<li><span class="kind">e-mail</span><a href="mailto:{e(email, quote=True)}">{shown}</a></li>')
    checked = '<p class="checked">✓ checked</p>' if person.reviewed else ""
    return (f"<article><div class=\"card\">{image}</div><div class=\"who\">"
            f"<h2>{mark('name', person.name)}</h2>" + (f'<p class="role">{role}</p>' if role else "")
            + f"<ul class=\"reach\">{''.join(reach)}</ul>{checked}</div></article>")


def _split_extension(number: str) -> tuple[str, str]:
    """'+33142685300,240' (or ' ext. 240', or 4.0's ';ext=240') -> ('+33142685300', '240')."""
    match = re.fullmatch(r"(.*?)(?: ext\. |,|;ext=)(\d+)", number)
    return (match.group(1), match.group(2)) if match else (number, "")


def _pretty_phone(number: str) -> str:
    """'+33 6 12 34 56 78', with its extension ('+33 1 42 68 53 00 ext. 240')."""
    main, extension = _split_extension(number)
    try:
        shown = phonenumbers.format_number(phonenumbers.parse(main, None),
                                           phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        shown = main
    return shown + (f" ext. {extension}" if extension else "")


def _tel_uri(number: str) -> str:
    """A tel: link's number: digits and '+', the extension after a pause (',') as phones dial it."""
    main, extension = _split_extension(number)
    return re.sub(r"[^\d+]", "", main) + (f",{extension}" if extension else "")


def _dates(dates: tuple[dt.date, ...]) -> str:
    if not dates:
        return ""
    return ", ".join(d.isoformat() for d in dates)
