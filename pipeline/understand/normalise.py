"""Stage 5: put every extracted value in the form a phone's address book expects.

Phones to E.164 (typed from the number itself when no label was printed),
e-mails checked by email-validator (syntax only, never the network), websites
as URLs, names in natural case split into given and family names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from ..core.models import Address, Contact, Found, PersonName, Phone, PhoneKind, SocialProfile, unique_found
from .lexicons import GENERATION_SUFFIXES, NAME_PARTICLES, NAME_PREFIXES, NAME_SUFFIXES, fold, known_city

T = TypeVar("T")


def normalise_contact(contact: Contact, region: str) -> Contact:
    """Return ``contact`` with phones, e-mails, URLs and the name in their final form.

    Values that cannot be normalised (an e-mail that fails validation, a number
    phonenumbers cannot parse) are dropped rather than written wrong.
    """
    return replace(
        contact,
        name=_map(contact.name, normalise_name),
        title=_map(contact.title, _tidy),
        organisation=_map(contact.organisation, _tidy),
        department=_map(contact.department, _tidy),
        phones=tuple(unique_found([f for f in (_phone(p, region) for p in contact.phones) if f],
                                  key=lambda f: f.value.number)),
        emails=tuple(unique_found([f for f in (_email(e) for e in contact.emails) if f])),
        websites=tuple(unique_found([replace(w, value=normalise_url(w.value)) for w in contact.websites])),
        addresses=tuple(replace(a, value=_address(a.value, region)) for a in contact.addresses),
        social=tuple(
            replace(s, value=SocialProfile(s.value.service, normalise_url(s.value.url))) for s in contact.social
        ),
    )


# ---------------------------------------------------------------- phones

_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE}
_FIXED_TYPES = {phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.VOIP,
                phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.SHARED_COST,
                phonenumbers.PhoneNumberType.UAN}


def parse_phone(printed: str, region: str) -> phonenumbers.PhoneNumber | None:
    """A printed (or typed) number as phonenumbers reads it, numbers without '+' in ``region``; None if none."""
    text = re.sub(r"\(\s*0\s*\)", "", printed)  # "+44 (0) 20..." prints the trunk prefix for locals
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if number.national_number else None


def normalise_phone(printed: str, region: str) -> tuple[str, PhoneKind | None] | None:
    """E.164 form of a printed number and the kind its number range implies, or None."""
    number = parse_phone(printed, region)
    if number is None:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    number_type = phonenumbers.number_type(number)
    kind: PhoneKind | None = None
    if number_type in _MOBILE_TYPES:
        kind = "cell"
    elif number_type in _FIXED_TYPES:
        kind = "work"
    return e164, kind


def normalise_typed_phone(typed: str, region: str) -> str | None:
    """A number a person typed (the review page) in E.164 with its extension, '+33472001234 ext. 240', or
    None when it cannot be a phone number (phonenumbers: not even a possible length)."""
    number = parse_phone(typed, region)
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164 + (f" ext. {number.extension}" if number.extension else "")


# A number phonenumbers says is not valid is written (it may be right: a new range, a short number) but never
# as a trustworthy one: under the review threshold (doubts.LOW_CONFIDENCE), so the summary counts it and review
# shows it.
INVALID_PHONE_CONFIDENCE = 0.45


def phone_is_valid(e164: str) -> bool:
    """True when phonenumbers knows ``e164`` as a number in use in its country's plan."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return False


def _phone(found: Found[Phone], region: str) -> Found[Phone] | None:
    result = normalise_phone(found.value.number, region)
    if result is None:
        return None
    e164, implied = result
    kind: PhoneKind = found.value.kind or implied or "work"
    confidence = found.confidence if phone_is_valid(e164) else min(found.confidence, INVALID_PHONE_CONFIDENCE)
    return replace(found, value=Phone(e164, kind, found.value.extension), confidence=confidence)


# ---------------------------------------------------------------- e-mails and URLs

def normalise_email(address: str) -> str | None:
    """The address in lowercase if its syntax is valid, else None (no DNS lookup)."""
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


def _email(found: Found[str]) -> Found[str] | None:
    value = normalise_email(found.value)
    return replace(found, value=value) if value else None


def normalise_url(url: str) -> str:
    """The address as printed, host in lowercase; a scheme is kept when printed, never invented."""
    url = url.strip().rstrip(".,;")
    match = re.match(r"(?i)^(https?://)?([^/]*)(/.*)?$", url)
    if not match:
        return url
    scheme, host, path = match.group(1) or "", match.group(2), match.group(3) or ""
    return f"{scheme.lower()}{host.lower()}{path}"


# ---------------------------------------------------------------- names

_CAPITALISED_PARTICLES = frozenset({"la", "le", "las", "los", "der", "den", "ten", "ter"})


def natural_case(word: str) -> str:
    """'DUPONT' -> 'Dupont', 'jean-françois' -> 'Jean-François', "D'ANGELO" -> "D'Angelo"."""
    if word.lower() in NAME_PARTICLES:
        if not word.isupper():
            return word  # printed "de" or "Le": the bearer's own spelling
        # "DE LA FONTAINE" -> "de La Fontaine": articles keep a capital, prepositions do not
        return word.capitalize() if word.lower() in _CAPITALISED_PARTICLES else word.lower()
    pieces = re.split(r"([-'])", word)
    out = []
    for piece in pieces:
        if piece in ("-", "'"):
            out.append(piece)
        elif piece:
            out.append(piece[0].upper() + piece[1:].lower() if piece.isupper() or piece.islower() else piece)
    return "".join(out)


def normalise_name(found: Found[PersonName]) -> Found[PersonName]:
    """Natural case and a given/family split following French and English conventions."""
    return replace(found, value=split_name(found.value.full))


def split_name(full: str) -> PersonName:
    """Split a printed name: prefixes and suffixes out, surname in capitals, particles kept with it."""
    words = [w for w in re.split(r"\s+", full.strip().strip(",")) if w]
    prefix = []
    while words and fold(words[0]).strip(".") in NAME_PREFIXES and len(words) > 2:
        prefix.append(words.pop(0))
    suffix: list[str] = []
    while words and fold(words[-1]).strip(".,") in NAME_SUFFIXES and len(words) > 2:
        suffix.insert(0, words.pop())
    words = [w.strip(",") for w in words]
    if not words:
        return PersonName(full=full)
    # an initial ("M.") is neither the surname in capitals nor a particle
    capitals = [len(w.rstrip(".")) > 1 and w.isupper() and w.lower() not in NAME_PARTICLES for w in words]
    for k in range(len(words) - 2, -1, -1):
        if words[k].isupper() and words[k].lower() in NAME_PARTICLES and capitals[k + 1]:
            capitals[k] = True  # "DE VRIES Sanne": a particle in capitals before the surname is part of it
    if any(capitals) and not all(capitals):
        # "Jean-François DUPONT" or "DUPONT Jean-François": the capitals are the surname
        family_words = [w for w, c in zip(words, capitals, strict=True) if c]
        given_words = [w for w, c in zip(words, capitals, strict=True) if not c]
        # particles just before the surname belong to it ("Jean de LA FONTAINE")
        while len(given_words) > 1 and given_words[-1].lower() in NAME_PARTICLES:
            family_words.insert(0, given_words.pop())
    elif len(words) == 1:
        given_words, family_words = words, []
    else:
        # the family name starts at the first particle after the given name, else is the last word
        split_at = next((k for k in range(1, len(words) - 1) if words[k].lower() in NAME_PARTICLES), len(words) - 1)
        given_words, family_words = words[:split_at], words[split_at:]
    given = " ".join(natural_case(w) for w in given_words)
    family = " ".join(natural_case(w) for w in family_words)
    # the display name keeps "Jr." or "III" (part of the name) but not "Dr", "Mme" (forms of address) or "CPA"
    generation = " ".join(w for w in suffix if fold(w).strip(".,") in GENERATION_SUFFIXES)
    full_natural = " ".join(p for p in (given, family, generation) if p)
    return PersonName(
        full=full_natural, given=given, family=family,
        prefix=" ".join(prefix), suffix=" ".join(suffix),
    )


# ---------------------------------------------------------------- helpers

def _tidy(found: Found[str]) -> Found[str]:
    return replace(found, value=re.sub(r"\s+", " ", found.value).strip(" ,;:|-"))


def _address(address: Address, region: str) -> Address:
    # "Argyle. TX 76226": a period closing a city's word is the comma before its state, read or printed so; an
    # abbreviation keeps its own ("Washington D.C.")
    city = re.sub(r"(?<=[^\W\d_]{3})\.$", "", address.city.strip(" ,;|-"))
    if city and not re.search(r"(?i)\bcedex\b", city):
        city = known_city(city, address.country or region) or city  # "ondon" -> "London"
    return replace(address, street=address.street.strip(" ,;|-"), city=city, country=address.country.upper())


def _map(found: Found[T] | None, fn: Callable[[Found[T]], Found[T]]) -> Found[T] | None:
    return fn(found) if found is not None else None
