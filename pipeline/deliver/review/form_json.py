"""The review form as JSON: shown to the page, and checked when it comes back.

What the page sends is untrusted: every key is checked for its type first (one clear error for the
whole request, HTTP 400), then each changed value is checked for what it says (an error next to its
field, HTTP 422). A value that comes back as it was shown is the value on disk, untouched: only what a
person changed is normalised and rewritten.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import phonenumbers

from ...contacts.folder import check_event_name
from ...core.errors import BadArgumentsError
from ...core.vcard import AddressItem, MeetingItem, NameParts, OrgItem, PhoneItem, SocialItem, TextItem
from ...understand.doubts import phone_problem
from ...understand.lexicons import TLD_REGIONS
from ...understand.normalise import normalise_email, normalise_typed_phone, parse_phone
from .form import CardForm

KINDS = ("cell", "work", "fax", "other")
MAX_TEXT = 500
MAX_NOTE = 20000
MAX_ITEMS = 100  # of one list: a card has a few phones, not thousands


_MESSAGES = {
    "long": ("at most {limit} characters", "{limit} caractères au plus"),
    "no_phone": ("not a phone number (read as a number of {region})",
                 "pas un numéro de téléphone (lu comme un numéro de {region})"),
    "no_email": ("not a valid e-mail address", "pas une adresse e-mail valide"),
    "spaces": ("a web address has no spaces", "une adresse web n'a pas d'espace"),
    "service": ("the network is one word (linkedin, instagram...)",
                "le réseau tient en un mot (linkedin, instagram...)"),
    "new_meeting": ("a meeting is added by scanning a card, not here",
                    "une rencontre s'ajoute en lisant une carte, pas ici"),
    "date": ("a date such as 2026-11-20 expected", "une date comme 2026-11-20"),
    "twice": ("two meetings at the same event on the same day", "deux rencontres au même événement le même jour"),
    "nobody": ("a contact needs a person's name or an organisation",
               "un contact a besoin d'un nom ou d'une entreprise"),
}


def _say(key: str, lang: str, **values: object) -> str:
    english, french = _MESSAGES[key]
    return (french if lang == "fr" else english).format(**values)


class BadRequest(ValueError):
    """The request's JSON is not the form's shape: one message for the whole request."""


@dataclass
class Checked:
    """The form as it will be written, what was refused (by field) and what needs a confirmation."""

    form: CardForm
    errors: dict[str, str] = field(default_factory=dict)
    confirm: dict[str, str] = field(default_factory=dict)  # phones phonenumbers rejects, with the reason


# ---------------------------------------------------------------- contact -> JSON

def form_to_json(form: CardForm, region: str) -> dict[str, Any]:
    """The form's values for the page; each list item keeps its ``ref`` (the line it came from)."""
    n = form.name
    return {
        "name": {"given": n.given, "family": n.family, "additional": n.additional, "prefix": n.prefix,
                 "suffix": n.suffix},
        "titles": [{"ref": t.ref, "value": t.value} for t in form.titles],
        "organisations": [{"ref": o.ref, "name": o.name, "department": o.department} for o in form.organisations],
        "phones": [_phone_json(p, phone_region(form, region)) for p in form.phones],
        "emails": [{"ref": e.ref, "value": e.value} for e in form.emails],
        "websites": [{"ref": w.ref, "value": w.value} for w in form.websites],
        "addresses": [{"ref": a.ref, "street": a.street, "postcode": a.postcode, "city": a.city, "region": a.region,
                       "country": a.country} for a in form.addresses],
        "social": [{"ref": s.ref, "service": s.service, "url": s.url} for s in form.social],
        "notes": [{"ref": note.ref, "value": note.value} for note in form.notes] or [{"ref": None, "value": ""}],
        "meetings": [{"ref": m.ref, "event": m.event, "date": m.date.isoformat()} for m in form.meetings],
    }


def _phone_json(phone: PhoneItem, region: str) -> dict[str, Any]:
    """The number as typed in the field (international format when it has one), and both formats to read."""
    parsed = parse_phone(phone.number, region)
    if parsed is None:
        return {"ref": phone.ref, "number": phone.number, "kind": phone.kind, "international": "", "national": ""}
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    shown = international if phone.number.startswith("+") else phone.number
    return {"ref": phone.ref, "number": shown, "kind": phone.kind, "international": international,
            "national": national}


def phone_region(form: CardForm, default: str) -> str:
    """Where a number typed without '+' is read: the country of the contact's other numbers, else of its
    address, else the review's region."""
    countries: Counter[str] = Counter()
    for phone in form.phones:
        parsed = parse_phone(phone.number, "ZZ") if phone.number.startswith("+") else None
        if parsed is not None and phonenumbers.is_valid_number(parsed):
            countries[phonenumbers.region_code_for_number(parsed) or default] += 1
    if countries:
        return countries.most_common(1)[0][0]
    for address in form.addresses:
        region = region_for(address.country, "")
        if region:
            return region
    return default


def region_for(country: str, default: str) -> str:
    code = country.strip().upper()
    if code in phonenumbers.SUPPORTED_REGIONS:
        return code
    return TLD_REGIONS.get(code.lower(), default)


# ---------------------------------------------------------------- JSON -> form

_T = TypeVar("_T")


def check_form(body: dict[str, Any], current: CardForm, region: str, lang: str = "en") -> Checked:
    """The form the page sent, checked against the contact as it is now.

    A key left out keeps the contact's values. Raises BadRequest when a value has the wrong type.
    """
    checked = Checked(form=current)
    errors = checked.errors
    phone_at = phone_region(current, region)

    def text(source: dict[str, Any], key: str, where: str, limit: int = MAX_TEXT) -> str:
        value = source.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise BadRequest(f"{where}.{key}: text expected")
        if len(value) > limit:
            errors[where if "[" in where else f"{where}.{key}"] = _say("long", lang, limit=limit)
        return value

    def items(key: str, make: Callable[[dict[str, Any], int | None, str], _T | None]) -> list[_T] | None:
        if key not in body:
            return None
        raw = body[key]
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            raise BadRequest(f"{key}: a list of objects expected")
        if len(raw) > MAX_ITEMS:
            raise BadRequest(f"{key}: at most {MAX_ITEMS} items")
        out = []
        for position, item in enumerate(raw):
            ref = item.get("ref")
            if ref is not None and (not isinstance(ref, int) or isinstance(ref, bool)):
                raise BadRequest(f"{key}[{position}].ref: a number or null expected")
            made = make(item, ref, f"{key}[{position}]")
            if made is not None:
                out.append(made)
        return out

    old_titles = {t.ref: t for t in current.titles}
    old_orgs = {o.ref: o for o in current.organisations}
    old_phones = {p.ref: p for p in current.phones}
    old_emails = {e.ref: e for e in current.emails}
    old_sites = {w.ref: w for w in current.websites}
    old_addresses = {a.ref: a for a in current.addresses}
    old_social = {s.ref: s for s in current.social}
    old_notes = {n.ref: n for n in current.notes}
    old_meetings = {m.ref: m for m in current.meetings}

    def same(a: str, b: str) -> bool:
        # an <input> drops line breaks: a value shown with one comes back without it, unchanged all the same
        return re.sub(r"[\r\n]", "", a) == re.sub(r"[\r\n]", "", b)

    def title(item: dict[str, Any], ref: int | None, where: str) -> TextItem | None:
        value = text(item, "value", where)
        if ref in old_titles and same(value, old_titles[ref].value):
            return old_titles[ref]
        return TextItem(ref, _one_line(value)) if value.strip() else None

    def organisation(item: dict[str, Any], ref: int | None, where: str) -> OrgItem | None:
        name, department = text(item, "name", where), text(item, "department", where)
        old = old_orgs.get(ref)
        if old is not None and same(name, old.name) and same(department, old.department):
            return old
        if not (name.strip() or department.strip()):
            return None
        return OrgItem(ref, _one_line(name), _one_line(department))

    def phone(item: dict[str, Any], ref: int | None, where: str) -> PhoneItem | None:
        old = old_phones.get(ref)
        number, kind = text(item, "number", where, 60), item.get("kind", old.kind if old else "work")
        if kind not in KINDS:
            raise BadRequest(f"{where}.kind: one of {', '.join(KINDS)} expected")
        if not number.strip():
            return None
        unchanged = old is not None and (same(number, _phone_json(old, phone_at)["number"]) or
                                         normalise_typed_phone(number, phone_at)
                                         == normalise_typed_phone(old.number, phone_at))
        if old is not None and unchanged:
            result = old if kind == old.kind else PhoneItem(ref, old.number, kind)
        else:
            e164 = normalise_typed_phone(number, phone_at)
            if e164 is None:
                errors[where] = _say("no_phone", lang, region=phone_at)
                return None
            result = PhoneItem(ref, e164, kind)
        problem = phone_problem(result.number, phone_at, lang)
        if problem:
            checked.confirm[where] = problem
        return result

    def email(item: dict[str, Any], ref: int | None, where: str) -> TextItem | None:
        value = text(item, "value", where)
        if ref in old_emails and same(value, old_emails[ref].value):
            return old_emails[ref]
        if not value.strip():
            return None
        normal = normalise_email(value.strip())
        if normal is None:
            errors[where] = _say("no_email", lang)
            return None
        return TextItem(ref, normal)

    def website(item: dict[str, Any], ref: int | None, where: str) -> TextItem | None:
        value = text(item, "value", where)
        if ref in old_sites and same(value, old_sites[ref].value):
            return old_sites[ref]
        if not value.strip():
            return None
        if re.search(r"\s", value.strip()):
            errors[where] = _say("spaces", lang)
            return None
        return TextItem(ref, value.strip())

    def address(item: dict[str, Any], ref: int | None, where: str) -> AddressItem | None:
        parts = {key: text(item, key, where, 20 if key == "postcode" else 60 if key == "country" else MAX_TEXT)
                 for key in ("street", "postcode", "city", "region", "country")}
        old = old_addresses.get(ref)
        if old is not None and all(same(parts[k], getattr(old, k)) for k in parts):
            return old
        if not any(v.strip() for v in parts.values()):
            return None
        return AddressItem(ref, **{k: _one_line(v) for k, v in parts.items()})

    def social(item: dict[str, Any], ref: int | None, where: str) -> SocialItem | None:
        service, url = text(item, "service", where, 40), text(item, "url", where)
        old = old_social.get(ref)
        if old is not None and same(service, old.service) and same(url, old.url):
            return old
        if not url.strip():
            return None
        if re.search(r"\s", url.strip()):
            errors[where] = _say("spaces", lang)
            return None
        if not re.fullmatch(r"[A-Za-z0-9-]{0,40}", service.strip()):
            errors[where] = _say("service", lang)
            return None
        return SocialItem(ref, service.strip().lower() or "other", url.strip())

    def note(item: dict[str, Any], ref: int | None, where: str) -> TextItem | None:
        value = text(item, "value", where, MAX_NOTE).replace("\r\n", "\n")
        if ref in old_notes and value == old_notes[ref].value.replace("\r\n", "\n"):
            return old_notes[ref]
        if ref not in old_notes and not value.strip():
            return None
        return TextItem(ref, value.rstrip("\n"))

    def meeting(item: dict[str, Any], ref: int | None, where: str) -> MeetingItem | None:
        event, date = text(item, "event", where, 200), text(item, "date", where, 10)
        old = old_meetings.get(ref)
        if old is None:
            errors[where] = _say("new_meeting", lang)
            return None
        if same(event, old.event) and date == old.date.isoformat():
            return old
        try:
            event = check_event_name(event)
        except BadArgumentsError as exc:
            errors[where] = str(exc)
            return None
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            errors[where] = _say("date", lang)
            return None
        return MeetingItem(ref, event, day)

    name_body = body.get("name")
    name = current.name
    if name_body is not None:
        if not isinstance(name_body, dict):
            raise BadRequest("name: an object expected")
        parts = {key: text(name_body, key, "name") for key in ("given", "family", "additional", "prefix", "suffix")}
        if not all(same(parts[k], getattr(current.name, k)) for k in parts):
            name = NameParts(**{k: _one_line(v).strip() for k, v in parts.items()})
    form = CardForm(
        name=name,
        is_company=current.is_company,
        full_name=current.full_name,
        titles=_or(items("titles", title), current.titles),
        organisations=_or(items("organisations", organisation), current.organisations),
        phones=_or(items("phones", phone), current.phones),
        emails=_or(items("emails", email), current.emails),
        websites=_or(items("websites", website), current.websites),
        addresses=_or(items("addresses", address), current.addresses),
        social=_or(items("social", social), current.social),
        notes=_or(items("notes", note), current.notes),
        meetings=_or(items("meetings", meeting), current.meetings),
        version=current.version,
    )
    if body.get("phones") is None:  # phones kept as they are still need their confirmation
        for index, kept in enumerate(form.phones):
            problem = phone_problem(kept.number, phone_at, lang)
            if problem:
                checked.confirm[f"phones[{index}]"] = problem
    met = [m.meeting for m in form.meetings]
    if len(set(met)) < len(met):
        errors["meetings"] = _say("twice", lang)
    if not form.name.is_person and not any(o.name.strip() for o in form.organisations):
        errors["name.family"] = _say("nobody", lang)
    checked.form = form
    return checked


def _or(value: list[_T] | None, default: tuple[_T, ...]) -> tuple[_T, ...]:
    return default if value is None else tuple(value)


def _one_line(value: str) -> str:
    """A single-line field's value: its line breaks are spaces (the page's inputs hold one line)."""
    return re.sub(r"\s*[\r\n]+\s*", " ", value).strip()


def check_flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise BadRequest(f"{key}: true or false expected")
    return value
