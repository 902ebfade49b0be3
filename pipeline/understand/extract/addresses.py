"""Postal addresses: street, postcode, city, region and country, read with the world's address formats.

A line (or a postcode line and its neighbours) is an address when it fits the format of one of the card's
countries (Google's address metadata, see ``places``) with a postcode valid there, or names a known city
of that country (GeoNames), or reads ``City, Country``. The countries tried are those the card shows:
its region (see ``region``), the countries it names, its web domains and the letters before a postcode
(``D-10115``, ``CH-8001``). A phone or e-mail sharing the line does not stop it: what they took is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from ...core.models import Address, Found
from ..lexicons import (
    ADDRESS_LABELS,
    COUNTRIES,
    COUNTRY_NAMES,
    LANDMARK_WORDS,
    NOT_BRAZILIAN_CITY_WORDS,
    PHONE_LABELS,
    POSTBOX_WORDS,
    POSTCODE_LABELS,
    STREET_WORDS,
    TLD_REGIONS,
    city_countries,
    countries_named,
    fold,
    is_first_name,
)
from .lines import CONFUSABLE_DIGITS, Card, TextLine, conf, next_in_column
from .organisation import has_legal_form
from .places import AddressFormat, address_format, countries_with_postcodes, prefixed_countries, subdivision
from .titles import is_title
from .weights import ADDRESS, ADDRESS_CONFIDENCE

_BR_CEP = re.compile(r"(?i)(?:\bcep\s*[:.]?\s*)?(?<![\d.])(\d{5}-\d{3}|\d{2}\.\d{3}-\d{3})(?!\d)")
_BR_STATES = "AC|AL|AP|AM|BA|CE|DF|ES|GO|MA|MT|MS|MG|PA|PB|PR|PE|PI|RJ|RN|RS|RO|RR|SC|SP|SE|TO"
# "Av. Paulista, 1000 - Bela Vista - São Paulo - SP": a Brazilian state closes the address line
BR_CITY_STATE = re.compile(rf"([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ .'-]*?)\s*[-/,]\s*({_BR_STATES})\.?\s*(?:[-|(]|\s\d|$)")
# "Keller, TX 76248": a US state and ZIP code (region's vote for the US)
US_STATE_ZIP = re.compile(
    r"(?:^|,\s*|\s)([A-Z][A-Za-z .'-]+?)?[,.]?\s*\b([A-Za-z]{2}|[A-Za-z]+(?: [A-Za-z]+)?)\s*(\d{5}(?:-\d{4})?)\b"
)
_STREET_NUMBER = re.compile(r"^\d{1,5}\s*(?:bis|ter|[a-c])?\s*,?\s")
# what parts an address line: "12 rue X, 75008 Paris", "Market St · Springfield", "Lyon - France", "A | B"
_SEPARATOR = re.compile(r"\s*(?:[|·•;/]\s|,|\s[-–]\s|\s[-–]$)\s*")
_POSTCODE_LABEL = re.compile(
    r"(?i)(?<![\w.])(?:" + "|".join(re.escape(w) for w in sorted(POSTCODE_LABELS, key=len, reverse=True))
    + r")(?![\w.])\s*[:.]?\s*(?=\d)")
_ADDRESS_LABEL = re.compile(
    r"(?i)^\s*(?:" + "|".join(re.escape(w) for w in sorted(ADDRESS_LABELS, key=len, reverse=True)) + r")\s*[:.]\s*")
_CEDEX = re.compile(r"(?i)\s*\bcedex\b(?:\s*(\d{1,2}))?")


def _is_street(text: str) -> bool:
    words = re.findall(r"[a-z][a-z-]*\.?", fold(text))
    bare = [w.rstrip(".") for w in words]
    if any(w in STREET_WORDS and (len(w) > 2 or raw.endswith(".")) for w, raw in zip(bare, words, strict=True)):
        unmistakable = ("rue", "avenue", "boulevard", "rua", "avenida", "street", "road")
        return bool(re.search(r"\d", text)) or any(w in unmistakable for w in bare)
    return bool(_STREET_NUMBER.match(text)) and any(w in STREET_WORDS for w in bare)


def _has_house_number(text: str) -> bool:
    """A number among words ("6153 Carol Trail", "Rognerring 48", "Klanac 9c/2"), or the "S/N" (sin número, sem
    número) of a house without one ("Av de São Vicente, S/N"): beside a postcode line, a street."""
    number = re.search(r"(?<![\d.])\d{1,5}[a-zA-Z]?(?:[/-]\d{1,4}[a-zA-Z]?)*(?![\d.])|(?<![\w/])[Ss]/[Nn](?![\w/])",
                       text)
    return bool(number) and sum(c.isalpha() for c in text) >= 3 and not re.search(r"\d{6,}|@|www", text)


def _without_label(text: str) -> str:
    """The line without the label printed before an address ("Adresse : 65, rue de Picard")."""
    folded = fold(text)
    m = _ADDRESS_LABEL.match(folded) if len(folded) == len(text) else None
    return text[m.end():] if m else text


def _has_street_word(text: str) -> bool:
    """A street type among the words ("chemin Brigitte Langlois"): right over a postcode line, the street."""
    return any(w in _LONG_STREET_WORDS for w in re.findall(r"[^\W\d_]+", fold(text)))


def _is_postbox(text: str) -> bool:
    return any(w in POSTBOX_WORDS for w in re.findall(r"[a-z]+", fold(text))) and bool(re.search(r"\d", text))


def us_state(word: str) -> str | None:
    """'TX', 'Tx' or 'Texas' -> 'TX'; None for anything else."""
    return subdivision("US", word)


def _country_of(part: str) -> str | None:
    """The country ``part`` names when it is a country's name and nothing else ("Deutschland", "UAE")."""
    return COUNTRY_NAMES.get(fold(part).strip(" .,()"))


def _without_country(city: str, country: str) -> str:
    """Drop the name of the address's ``country`` closing the city: "Bruxelles Belgique" -> "Bruxelles";
    "Luxembourg" alone is a city, and another country's name is part of the city's ("Nueva Jordania" in Mexico)."""
    words = city.split()
    # ("Ciudad de México" is a city)
    named = len(words) > 1 and _country_of(words[-1]) == country and words[-2][:1].isupper()
    return " ".join(words[:-1]) if named else city


_LONG_STREET_WORDS = frozenset(w for w in STREET_WORDS if len(w) > 3)


def _city_line(text: str, country: str) -> tuple[str, str] | None:
    """(city, region) of a line that is only a known city of ``country`` and its region ("São Paulo - SP",
    "Springfield IL"); None for anything else."""
    parts = [text[a:b].strip(" .") for a, b in _parts(_normalised(text))]
    if len(parts) == 1:
        city, region = _split_region(parts[0], country)
    elif len(parts) == 2:
        city, region = parts[0], subdivision(country, parts[1]) or ""
        if not region:
            return None
    else:
        return None
    if not _city_like(city) or country not in city_countries(city) or _is_neighbourhood(city, country):
        return None
    return city, region


def _is_neighbourhood(part: str, country: str) -> bool:
    """A part of a city ("Centro", "Jardim Paulista", "Vila Mariana") by the words the country's file lists, unless
    GeoNames knows the whole name as a city of the country ("Vila Velha")."""
    words = re.findall(r"[a-z]+", fold(part))
    listed = COUNTRIES.get(country.lower(), {}).get("neighbourhood_words", ())
    return bool(words) and words[0] in listed and (len(words) == 1 or country not in city_countries(part))


@cache
def _district_suffixes() -> tuple[str, ...]:
    """Endings of a district inside a city ("Chuo-ku"): from the country files, such a part is no city."""
    return tuple(sorted({s for data in COUNTRIES.values() for s in data.get("district_suffixes", ())}))


def _city_like(part: str) -> bool:
    """Could ``part`` be a city's name: words of letters, not a street, a district, a country or a contact."""
    if part.strip().startswith("("):
        return False  # "(próximo ao metrô)": an aside
    text = part.strip(" .,()")
    words = text.split()
    if not words or len(words) > 6 or len(text) > 40 or re.search(r"[^\w\s'’./()-]|[\d_]|www", text):
        return False
    if sum(c.isalpha() for c in text) < 2:
        return False
    if _is_street(text) or (_country_of(text) and not city_countries(text)) or has_legal_form(text):
        return False
    if fold(text).strip(" .") in PHONE_LABELS:
        return False  # "Tel."
    folded = re.findall(r"[a-z]+", fold(text))
    if any(w in POSTBOX_WORDS for w in folded) or (folded[:1] and folded[0] in LANDMARK_WORDS):
        return False
    spaced = fold(text).replace(".", " ").split()
    if len(spaced) > 1 and {spaced[0], spaced[-1]} & _LONG_STREET_WORDS and not city_countries(text):
        return False  # "Haley Crescent", "Rue Haute": a street
    return not fold(text).endswith(_district_suffixes())


def _split_region(part: str, country: str, whole: bool = False) -> tuple[str, str]:
    """(city, region) from "Springfield IL", "Montréal (Québec)": the region printed after the city. A part that
    is all a region's name and a city's too ("Osaka") is the city, unless ``whole``: the city stands elsewhere."""
    bracket = re.fullmatch(r"(.*?)\s*\(([^)]+)\)\s*", part)
    if bracket and subdivision(country, bracket.group(2)):
        return bracket.group(1).strip(), subdivision(country, bracket.group(2)) or ""
    # "Laranjal Paulista-Pará", "Juazeiro-Espírito Santo", "%C/%S"
    glued = re.fullmatch(r"(.*[^\W\d_])[-/]([^\W\d_][^-/]*)", part.strip())
    if glued and subdivision(country, glued.group(2)):
        return glued.group(1), subdivision(country, glued.group(2)) or ""
    words = part.split()
    for n in range(min(4, len(words)), 0, -1):
        tail = " ".join(words[-n:])
        if n < len(words) and not words[-n - 1][:1].isupper() and not words[-n - 1].endswith(","):
            continue  # "Ciudad de México": the region's name ends the city's
        if n == len(words) - 1 and re.fullmatch(r"[^\W\d_]{1,3}\.", words[0]):
            continue  # "TP. Đà Nẵng", "St. Gallen": an abbreviation opens the city's name
        code = subdivision(country, tail)
        if code and (n < len(words) or whole or not city_countries(part).get(country)):
            return " ".join(words[:-n]), code
    return part, ""


@dataclass(frozen=True)
class Place:
    """An address's postcode, city, region and country as one line shows them, and what is left for the street."""

    address: Address
    score: float
    street: str = ""  # the parts of the line before the place ("12 rue des Lilas" in "12 rue des Lilas, 75008 Paris")
    city_above: bool = False  # the city is missing: the format prints it on the line above ("%C%n%Z")
    region_below: bool = False  # the region is missing: the format prints it on the line below ("%C %Z%n%S")


def _normalised(text: str) -> str:
    """The line with the OCR's and printers' variants of a postcode undone."""
    text = _POSTCODE_LABEL.sub("", text)  # "CEP 01310-200", "PLZ: 10115"
    text = re.sub(r"\b([A-Z]{1,3})\s+[-–]\s*(?=\d)", r"\1-", text)  # "CH - 1558" -> "CH-1558"
    text = re.sub(r"(?<=\d)(?=[A-ZÀ-Ý][a-zà-ÿ])", " ", text)  # "D-10115Berlin" -> "D-10115 Berlin"
    text = re.sub(r"\b([A-Z]{2})(?=\d{4,6}\b)", r"\1 ", text)  # "NY10011" -> "NY 10011"
    text = re.sub(r"(?<=[a-z])\.(?=[A-Z]{2}\b)", ", ", text)  # "Argyle.TX 76226": a comma read as a dot
    return text.replace("〒", " ").strip(" |·•-–,")


def _parts(text: str) -> list[tuple[int, int]]:
    """The spans of the parts of an address line, between its separators."""
    spans, start = [], 0
    for m in _SEPARATOR.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip(" .")]


def parse_place(text: str, countries: list[str], named: frozenset[str] = frozenset()) -> Place | None:
    """The postcode, city, region and country ``text`` shows, tried in the formats of ``countries`` (in order of
    preference); ``named`` are the countries the card names. None when the line is no such part of an address."""
    text = _normalised(text)
    if not text:
        return None
    prefixed = [prefixed_countries().get(m.group(1).lower()) or m.group(1).upper()
                for m in re.finditer(r"(?<![\w-])([A-Z]{1,3})-\d", text)]
    order = list(dict.fromkeys([*prefixed, *countries, *countries_of_address(text)]))
    best: Place | None = None
    for rank, country in enumerate(order):
        form = address_format(country)
        search = form.search if form else None
        if form is None or search is None:
            continue
        for m in search.finditer(text):
            postcode = form.canonical_postcode(m.group("code"))
            if postcode is None:
                continue
            place = _around_postcode(text, m, postcode, form, named | {country} if m.group("prefix") else named)
            if place is None:
                continue
            score = place.score + (ADDRESS["the card's region"] if country in countries[:1] else 0) - 0.01 * rank
            if m.group("prefix"):
                score += ADDRESS["country letters before the postcode"]
            if best is None or score > best.score:
                best = replace(place, score=score)
    return best or _place_without_postcode(text, countries, named)


def _around_postcode(text: str, m: re.Match[str], postcode: str, form: AddressFormat,
                     named: frozenset[str]) -> Place | None:
    """City and region beside a postcode, where the country's format puts them; the other side when it is empty."""
    spans = _parts(text)
    inside = next((k for k, (a, b) in enumerate(spans) if a <= m.start() < b), None)
    if inside is None:
        return None
    a, b = spans[inside]
    before_in = text[a:m.start()].strip(" ,-–")
    after_in = text[m.end():b].strip(" ,-–")
    before = [text[x:y].strip() for x, y in spans[:inside]] + ([before_in] if before_in else [])
    after = ([after_in] if after_in else []) + [text[x:y].strip() for x, y in spans[inside + 1:]]
    named_here = ""
    while after and _country_of(after[-1]) and not (len(after) == 1 and form.country in city_countries(after[0])):
        named_here = named_here or _country_of(after[-1]) or ""  # "L-1118 Luxembourg" names the city
        after.pop()
    country, order = form.country, form.order
    z = order.index("Z")
    nearest_before = before[::-1]
    sides = [(nearest_before, order[:z][::-1]), (after, order[z + 1:])]
    if "C" not in order[:z]:
        sides.reverse()  # the side the format prints the city on first
    city = region = ""
    taken = {0: 0, 1: 0}
    for side, (parts, fields) in enumerate(sides):
        city, region, taken[side] = _assign(parts, fields, country, region, after_side=parts is after,
                                            city_apart=form.city_line_apart)
        if city:
            other = 1 - side
            if "S" in sides[other][1] and not region and sides[other][0]:
                # "Jalochi 797068, Nagaland": the region on the other side of the postcode ("%C %Z, %S")
                rest, code = _split_region(sides[other][0][0], country, whole=True)
                if code and not rest:
                    region, taken[other] = code, 1
            break
    if not city:  # printed on the other side than the format says ("SW1A 2AA London")
        for side, (parts, _) in enumerate(sides):
            start = taken[side]
            # after the postcode, the city may follow the street ("〒105-0004 1-9-2 Shimbashi, Minato-ku, Tokyo")
            skip = next((k for k in range(start, len(parts)) if _city_like(parts[k])), start) \
                if parts is after else start
            city, region, used = _assign(parts[skip:], ["C"], country, region, after_side=parts is after)
            if city:
                taken[side] = skip + used
                break
    before_taken = taken[0] if sides[0][0] is nearest_before else taken[1]
    street_parts = before[:len(before) - before_taken]
    after_taken = taken[1] if sides[1][0] is after else taken[0]
    last = street_parts[-1] if street_parts else ""
    if not city and ((last and not _is_street(last) and not _has_house_number(last)) or after[after_taken:]):
        return None  # "18020 Mesa Road": a street number, no postcode
    if not city and region and country in city_countries(region):
        city = region  # "Chuo-ku, Osaka 541-0054": Osaka is the prefecture and its city
    street_after = [p for p in after[after_taken:] if _is_street(p) or _has_house_number(p) or _has_street_word(p)]
    if city and not street_parts and street_after:
        street_parts = street_after  # "1051 Budapest, Nádor utca 12": the street after the postcode and the city
    score = ADDRESS["postcode of the country's format"]
    if country in named or named_here == country:
        score += ADDRESS["country named on the card"]
    elif named_here:
        score -= ADDRESS["country named on the card"]
    if city and country in city_countries(city):
        score += ADDRESS["known city of the country"]
    if region:
        score += ADDRESS["region of the country"]
    address = Address(postcode=postcode, city=city, region=region, country=named_here or country)
    return Place(address, score, street=", ".join(street_parts), city_above=not city,
                 region_below="S" in order and not region and order.index("S") > z)


def _assign(parts: list[str], fields: Sequence[str], country: str, region: str,
            after_side: bool, city_apart: bool = False) -> tuple[str, str, int]:
    """(city, region, parts used) from the parts nearest the postcode, in the order the format has its fields."""
    city, k = "", 0
    for field in fields:
        if k >= len(parts):
            break
        part = parts[k]
        if field == "S":
            # "Hitachi, Kagoshima 154-0023", "Bến Tre 55930" (the city on the line above): a region named like a city
            whole = city_apart or bool(city) or (k + 1 < len(parts) and _city_like(parts[k + 1]))
            rest, code = _split_region(part, country, whole=whole)
            if code and not region:
                region = code
                if rest:
                    parts = [*parts[:k], rest, *parts[k + 1:]]
                else:
                    k += 1
            continue
        if field == "C":
            cedex = _CEDEX.search(part) if after_side else None
            candidate = part[:cedex.start()].strip() if cedex else part
            code = ""
            if not region:
                candidate, code = _split_region(candidate, country)
            if _city_like(candidate) and not _is_neighbourhood(candidate, country):
                city, region = _without_country(candidate, country), region or code
                if cedex:
                    city = f"{city} CEDEX {cedex.group(1) or ''}".strip()
                k += 1
                continue  # the region may follow ("38942 Zamora de Hidalgo, Guanajuato")
            break
    return city, region, k


def _place_without_postcode(text: str, countries: list[str], named: frozenset[str]) -> Place | None:
    """"Doha, Qatar", "Lyon - France", "1 Sheikh Zayed Road, Dubai": a city and its country, or a known city of
    one of the card's countries after a street."""
    spans = _parts(text)
    parts = [text[a:b].strip() for a, b in spans]
    if not parts:
        return None
    country = _country_of(parts[-1]) if len(parts) >= 2 else None
    if country:
        city = parts[-2]
        if not _city_like(city):
            return None
        street = ", ".join(parts[:-2])
        if street and not (_is_street(street) or _has_house_number(street)):
            return None
        city, region = _split_region(city, country)
        return Place(Address(city=city, region=region, country=country),
                     ADDRESS["city and country"] + (1 if country in city_countries(city) else 0), street=street)
    if len(parts) < 2:
        return None
    last, street = parts[-1], ", ".join(parts[:-1])
    if not (_is_street(street) or _has_house_number(street)):
        return None
    city, region = last, ""
    known = city_countries(city)
    for candidate in countries:
        city, region = _split_region(last, candidate)
        if candidate in city_countries(city) and _city_like(city):
            return Place(Address(city=city, region=region, country=candidate), ADDRESS["known city"], street=street)
    if known and _city_like(last):
        country = max(known, key=lambda c: known[c])
        if known[country] >= ADDRESS_BIG_CITY:
            return Place(Address(city=last, country=country), ADDRESS["known city"], street=street)
    return None


ADDRESS_BIG_CITY = 100_000  # a city of no country the card shows is taken only when it is this big


def countries_of_address(text: str) -> list[str]:
    """The countries where ``text`` reads as a postcode with the country's letters ("HR-21000") or beside a known
    city of theirs ("1015 Tournai" -> BE): the card's own address, telling where its numbers belong."""
    text = _normalised(text)
    if not re.search(r"\d", text) or not re.search(r"[^\W\d_]{3}", text):
        return []
    found: list[str] = []
    for m in re.finditer(r"(?<![\w-])([A-Z]{1,3})-\d", text):
        country = prefixed_countries().get(m.group(1).lower()) or m.group(1)
        form = address_format(country) if len(country) == 2 else None
        if form is not None and form.search is not None and any(
                c.group("prefix") and form.canonical_postcode(c.group("code")) for c in form.search.finditer(text)):
            found.append(country)
    for a, b in _parts(text):
        words = re.sub(r"[\d()-]+(?=\s|$)|(?<=\s)[\d()-]+|^[\d()-]+", " ", text[a:b]).split()
        names = {" ".join(words[:n]) for n in range(1, min(4, len(words)) + 1)} | \
                {" ".join(words[-n:]) for n in range(1, min(4, len(words)) + 1)}
        for name in names:
            for country in city_countries(name):
                form = address_format(country)
                if form is not None and form.search is not None and any(
                        form.canonical_postcode(m.group("code")) and _beside(text, m, name, country)
                        for m in form.search.finditer(text)):
                    found.append(country)
    return list(dict.fromkeys(found))


def postcode_line_countries(text: str) -> dict[str, bool]:
    """The countries whose address format reads ``text`` as its postcode and city line ("3075 Vuille-Dessus": Swiss,
    Belgian, Austrian... postcodes have four digits, French ones five), each with True when a region of theirs
    stands beside the city ("24631 Cerneglons (Bergamo)"). Empty for a line of another shape."""
    normalised = _normalised(text)
    groups = re.findall(r"\d+", normalised)
    if not groups or len(groups) > 2 or sum(map(len, groups)) > 10 or re.search(r"@|www|\+", normalised) \
            or not re.search(r"[^\W\d_]{3}", normalised):
        return {}
    found: dict[str, bool] = {}
    for country in countries_with_postcodes():
        form = address_format(country)
        if form is None or form.search is None or not form.search.search(normalised):
            continue
        place = parse_place(text, [country])
        # (a postcode of three characters is too like a house number: "618 Frances Squares")
        if place is not None and place.address.country == country and place.address.city and not place.street \
                and len(place.address.postcode.replace(" ", "")) >= 4:
            found[country] = bool(place.address.region)
    return found


def _beside(text: str, m: re.Match[str], city: str, country: str) -> bool:
    """The postcode ``m`` stands right before or after ``city`` (or its region: "Austin, TX 78701"), and among no
    other digits (not in "+49 171 2345678")."""
    before, after = text[:m.start()].rstrip(" ,"), text[m.end():].lstrip(" ,")
    if re.search(r"(?:\+\s?\d{1,3}|\(\s?\d+\s?\))[\d\s.-]*$", before) or re.match(r"\d", after):
        return False
    if fold(after).startswith(fold(city)):
        return True
    words = before.split()
    for n in range(min(4, len(words)) + 1):
        head, tail = " ".join(words[:len(words) - n]).rstrip(" ,"), " ".join(words[len(words) - n:])
        if (n == 0 or subdivision(country, tail)) and fold(head).endswith(fold(city)):
            return True
    return False


def postcodes_in(text: str, countries: Sequence[str] = ()) -> list[str]:
    """The postcodes ``text`` shows with their country's letters, beside a known city of the country, or beside a
    city in the format of one of ``countries``, as printed (so that no phone number is read in them: "Avenida
    Machado, 70 - 1911-816 Guimarães")."""
    found: list[str] = []
    normalised = _normalised(text)
    for country in countries_of_address(text):
        form = address_format(country)
        if form is not None and form.search is not None:
            found += [m.group("code") for m in form.search.finditer(normalised)
                      if form.canonical_postcode(m.group("code"))]
    if countries and re.search(r"\d", text):
        place = parse_place(text, list(countries))
        if place is not None and place.address.postcode and place.address.city:
            found.append(place.address.postcode)
    return found


def parse_postcode_city(text: str, region: str) -> Address | None:
    """The postcode, city, region and country of one line read as an address of ``region``'s card."""
    brazilian = _parse_brazilian(text, region)
    if brazilian is not None:
        return brazilian
    place = parse_place(text, [region])
    return place.address if place is not None and (place.address.postcode or place.address.city) else None


def _parse_brazilian(text: str, region: str) -> Address | None:
    """A CEP line: "CEP 01234-010 | Centro | São Paulo | SP", the CEP's digits read as letters too."""
    # OCR reads a CEP's digits as letters too ("CEP OllB7-O0O"): the label says they are digits
    text = re.sub(r"(?i)(\bcep\s*[:.]?\s*)([0-9OoIlB|SZ]{5}-?[0-9OoIlB|SZ]{3})\b",
                  lambda cep: cep.group(1) + cep.group(2).translate(CONFUSABLE_DIGITS), text)
    m = _BR_CEP.search(text)
    if m and (region == "BR" or "cep" in fold(text)):
        rest = [p.strip(" -|,.") for p in re.split(r"[|,/]|\s-\s|-(?=[A-Z]{2}\b)", text[m.end():]) if p.strip(" -|,.")]
        state = next((p for p in rest if re.fullmatch(r"[A-Z]{2}", p)), "")
        cities = [p for p in rest if p != state and _may_be_brazilian_city(p)]
        return Address(postcode=m.group(1), city=cities[-1] if cities else "", region=state, country="BR")
    return None


def _may_be_brazilian_city(text: str) -> bool:
    words = re.findall(r"[a-z]+", fold(text))
    if not words or re.search(r"[\d()]", text):
        return False
    # "JardimFernandes": the OCR may have glued the neighbourhood's words together
    return not any(words[0] == w or (len(w) >= 4 and words[0].startswith(w)) for w in NOT_BRAZILIAN_CITY_WORDS)


def unglue(text: str) -> str:
    """Split words an OCR glued together at a capital: "SaoPaulo" -> "Sao Paulo" (but "McKenzie" stays)."""
    return re.sub(r"(?<=[A-Za-zÀ-ÿ][a-zà-ÿ]{2})(?=[A-ZÀ-Ý][a-zà-ÿ])", " ", text)


def brazilian_city(text: str) -> tuple[str, str] | None:
    """(city, state) closing a Brazilian address line: "Rua X, 12 - Tatuapé - São Paulo - SP", "Bairro - Cidade"."""
    m = BR_CITY_STATE.search(text)
    if m:
        city = re.split(r"\s*[-,/]\s*", m.group(1).strip())[-1].strip(" .")
        return (city, m.group(2)) if sum(c.isalpha() for c in city) >= 3 and _may_be_brazilian_city(city) else None
    parts = [p.strip(" ,.|") for p in re.split(r"\s*[-–|]\s*", text)]
    last = parts[-1]
    if len(parts) >= 3 and re.fullmatch(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' ]{2,30}", last) and len(last.split()) <= 3:
        return (last, "") if _may_be_brazilian_city(last) else None  # street - neighbourhood - city
    return None


def card_countries(card: Card) -> tuple[list[str], frozenset[str]]:
    """The countries a card's address may belong to, likeliest first, and those among them the card names:
    its region, the countries named on it, its country web domains."""
    named: list[str] = []
    domains: list[str] = []
    for ln in card.lines:
        named += [code for start, end, code in countries_named(ln.text) if end - start > 2 or ln.text.isupper()]
        domains += [TLD_REGIONS[tld] for tld in re.findall(r"[a-z0-9-]\.([a-z]{2})(?![a-z0-9.-])", fold(ln.text))
                    if tld in TLD_REGIONS]
    return list(dict.fromkeys([card.region, *named, *domains])), frozenset(named)


def take_addresses(card: Card) -> list[Found[Address]]:
    countries, named = card_countries(card)
    found: list[Found[Address]] = []
    texts = {i: _without_label(ln.text) for i, ln in card.free()} | card.leftover
    places = {i: _read_place(text, card.region, countries, named) for i, text in sorted(texts.items())}
    # a postcode's reading first: "Av. Paulista, 1000 - Bela Vista" is the street of the CEP line under it
    for i, place in sorted(((i, p) for i, p in places.items() if p is not None),
                           key=lambda item: (not item[1].address.postcode, -item[1].score, item[0])):
        if i in card.taken_by_address:
            continue
        ln = card.lines[i]
        address, evidence = place.address, [ln.text]
        claimed = [i]
        street_parts = [place.street] if place.street and (_is_street(place.street) or _is_postbox(place.street)
                                                           or _has_house_number(place.street)
                                                           or _street_by_its_place(place)) else []
        # the lines over and under it in its column (not a line of another column read in between)
        unavailable = {k for k in range(len(card.lines)) if k not in texts or k in card.taken_by_address}
        above = next_in_column(card.lines, i, -1, unavailable)
        # (a postcode line that opens with its street has no city line above it: "Rua X, 193 - CEP 01234-011")
        city_line_above = False
        if place.city_above and not street_parts and above is not None and above not in unavailable \
                and not is_title(texts[above]):
            # "Latchmere" over "PO1 2WJ", "Sơn Trà" over "Hau Giang Province 45754": the format's line above
            city, region = (texts[above], "") if address.region else _split_region(texts[above], address.country)
            brazil = brazilian_city(texts[above]) if address.country == "BR" else None
            if brazil and not _is_street(texts[above]):
                city, region = brazil
            if _city_like(city) and not _is_street(texts[above]):
                address = replace(address, city=city, region=address.region or region)
                evidence.insert(0, card.lines[above].text)
                claimed.append(above)
                above = next_in_column(card.lines, above, -1, unavailable)
                city_line_above = True
        if not address.city and not address.postcode:
            continue
        if not street_parts:
            j, first = above, True
            while j is not None and j not in unavailable and len(street_parts) < 2:
                line = texts[j]
                # over the city line over the postcode ("%A%n%C%n%Z"), the street by its place: "Viaduto de Santos"
                by_place = city_line_above and _plain_words(line) and not is_first_name(line.split()[0])
                beside = first and (_has_house_number(line) or _has_street_word(line) or by_place)
                if _is_street(line) or _is_postbox(line) or beside:
                    street_parts.insert(0, line)
                    evidence.insert(0, card.lines[j].text)
                    claimed.append(j)
                else:
                    break
                j, first = next_in_column(card.lines, j, -1, unavailable), False
        below = next_in_column(card.lines, i, +1, unavailable)
        if place.region_below and below is not None and below not in unavailable \
                and subdivision(address.country, texts[below]):
            address = replace(address, region=subdivision(address.country, texts[below]) or "")
            evidence.append(card.lines[below].text)
            claimed.append(below)
            below = next_in_column(card.lines, below, +1, unavailable)
        city_below = _city_line(texts[below], address.country) \
            if below is not None and below not in unavailable and not address.city else None
        if below is not None and city_below is not None:
            # "Rua X, 193 - Centro - CEP 01234-011" over "São Paulo - SP": the city on the line under the postcode's
            address = replace(address, city=city_below[0], region=address.region or city_below[1])
            evidence.append(card.lines[below].text)
            claimed.append(below)
            below = next_in_column(card.lines, below, +1, unavailable)
        if below is not None and below not in unavailable and _country_of(texts[below]):
            address = replace(address, country=_country_of(texts[below]) or address.country)
            evidence.append(card.lines[below].text)
            claimed.append(below)
        address = replace(address, street=", ".join(street_parts))
        if not address.city and address.country == "BR":
            address = _with_brazilian_city(address, [*street_parts, ln.text], card.lines[i + 1:i + 2])
        address = replace(address, city=unglue(address.city))
        certainty = ADDRESS_CONFIDENCE["postcode and street" if street_parts and address.postcode else
                                       "postcode, no street" if address.postcode else "city, no postcode"]
        found.append(Found(address, conf(ln, certainty), tuple(evidence)))
        card.used.update(claimed)
        card.taken_by_address.update(claimed)
    if not found:
        for i, ln in card.free():
            if _is_street(ln.text):
                address = Address(street=ln.text)
                if card.region == "BR":
                    address = _with_brazilian_city(address, [ln.text], card.lines[i + 1:i + 2])
                found.append(Found(replace(address, city=unglue(address.city)),
                                   conf(ln, ADDRESS_CONFIDENCE["street alone"]), (ln.text,)))
                card.used.add(i)
                break
    return found


def _street_by_its_place(place: Place) -> bool:
    """The part before the city on a line with the postcode and the city is the street, where the format prints it
    ("Esplanada de Silveira · Silva do Norte-RS · 99240-080")."""
    return bool(place.address.postcode and place.address.city) and _plain_words(place.street)


def _plain_words(text: str) -> bool:
    """A few words of letters that are no title, company, label or country: a street where its place says so."""
    words = text.split()
    return 2 <= len(words) <= 6 and not re.search(r"[@:/|]|www", text) and sum(c.isalpha() for c in text) >= 6 \
        and not is_title(text) and not has_legal_form(text) and not _country_of(text) \
        and fold(words[0]).strip(".") not in PHONE_LABELS


def _read_place(text: str, region: str, countries: list[str], named: frozenset[str]) -> Place | None:
    """A CEP line read the Brazilian way when its city follows the CEP, else in the formats of the countries."""
    brazilian = _brazilian_place(text, region)
    if brazilian is not None and brazilian.address.city:
        return brazilian
    return parse_place(text, countries, named) or brazilian


def _brazilian_place(text: str, region: str) -> Place | None:
    address = _parse_brazilian(text, region)
    if address is None:
        return None
    m = _BR_CEP.search(text)
    street = text[:m.start()].strip(" ,|-") if m else ""
    street = re.sub(r"(?i)\s*[,|-]?\s*cep\s*[:.]?$", "", street).strip(" ,|-")
    if street and address.city and fold(street).endswith(fold(address.city)):
        street = street[: -len(address.city)].strip(" ,|-")
    return Place(address, 1.0, street=street, city_above=not address.city)


def _with_brazilian_city(address: Address, own_lines: list[str], next_lines: list[TextLine]) -> Address:
    """The address with the city its own lines end with, or that opens the next line ("São Paulo, SP - ...")."""
    for text in own_lines:
        found = brazilian_city(text)
        if found:
            street = address.street
            if street.endswith(text) or street == text:
                cut = re.split(r"\s*[-–|]\s*" + re.escape(found[0]), street, maxsplit=1)[0].strip(" ,-|")
                street = cut or street
            return replace(address, street=street, city=found[0], region=address.region or found[1], country="BR")
    for below in next_lines:
        m = BR_CITY_STATE.match(below.text)
        if m and _may_be_brazilian_city(m.group(1)):
            return replace(address, city=m.group(1).strip(" ,.-"), region=address.region or m.group(2), country="BR")
    return address

