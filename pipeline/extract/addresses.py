"""Postal addresses: postcode, city, region, street and country."""

from __future__ import annotations

import re
from dataclasses import replace

from ..lexicons import (
    COUNTRY_NAMES,
    NOT_BRAZILIAN_CITY_WORDS,
    POSTBOX_WORDS,
    STREET_WORDS,
    fold,
)
from ..models import (
    Address,
    Found,
)
from .lines import Card, TextLine, conf
from .phones import CONFUSABLE_DIGITS
from .places import subdivision

_NUMERIC_POSTCODE_CITY = re.compile(
    r"(?:\b(?:[A-Z]{1,2})\s?-\s?)?\b(\d{4,5})\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\- ]*[A-Za-zÀ-ÿ])"
)
# Countries whose postcodes are four digits before the city; the others cardscan reads use five.
# Countries that write the city before the postcode ("Keller, TX 76248", "London W2 1AB").
_CITY_FIRST_REGIONS = frozenset({"US", "GB", "CA", "JP", "AU", "IE", "KR", "CN", "IN"})
_FOUR_DIGIT_POSTCODES = frozenset({"BE", "CH", "LU", "AT", "DK", "NO", "HU", "AU", "NZ", "ZA"})
_BR_CEP = re.compile(r"(?i)(?:\bcep\s*[:.]?\s*)?(?<![\d.])(\d{5}-\d{3}|\d{2}\.\d{3}-\d{3})(?!\d)")
_BR_STATES = "AC|AL|AP|AM|BA|CE|DF|ES|GO|MA|MT|MS|MG|PA|PB|PR|PE|PI|RJ|RN|RS|RO|RR|SC|SP|SE|TO"
# "Av. Paulista, 1000 - Bela Vista - São Paulo - SP": a Brazilian state closes the address line
BR_CITY_STATE = re.compile(rf"([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ .'-]*?)\s*[-/,]\s*({_BR_STATES})\.?\s*(?:[-|(]|\s\d|$)")
_PT_POSTCODE_CITY = re.compile(r"\b(\d{4}-\d{3})\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' -]*[A-Za-zÀ-ÿ])\s*$")
_JP_POSTCODE = re.compile(r"(?<![\d-])(\d{3}-\d{4})(?![\d-])")
_NL_POSTCODE_CITY = re.compile(r"\b([1-9]\d{3})\s?([A-Z]{2})\s+([A-Z][A-Za-zÀ-ÿ'\- ]*[A-Za-zÀ-ÿ])\s*$")
_CA_POSTCODE = re.compile(r"\b([ABCEGHJ-NPRSTVXY]\d[A-Z])\s?(\d[A-Z]\d)\b")
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b")
US_STATE_ZIP = re.compile(
    r"(?:^|,\s*|\s)([A-Z][A-Za-z .'-]+?)?[,.]?\s*\b([A-Za-z]{2}|[A-Za-z]+(?: [A-Za-z]+)?)\s*(\d{5}(?:-\d{4})?)\b"
)
_STREET_NUMBER = re.compile(r"^\d{1,5}\s*(?:bis|ter|[a-c])?\s*,?\s")


def _is_street(text: str) -> bool:
    words = re.findall(r"[a-z][a-z-]*\.?", fold(text))
    bare = [w.rstrip(".") for w in words]
    if any(w in STREET_WORDS and (len(w) > 2 or raw.endswith(".")) for w, raw in zip(bare, words, strict=True)):
        unmistakable = ("rue", "avenue", "boulevard", "rua", "avenida", "street", "road")
        return bool(re.search(r"\d", text)) or any(w in unmistakable for w in bare)
    return bool(_STREET_NUMBER.match(text)) and any(w in STREET_WORDS for w in bare)


def _is_postbox(text: str) -> bool:
    return any(w in POSTBOX_WORDS for w in re.findall(r"[a-z]+", fold(text))) and bool(re.search(r"\d", text))


def us_state(word: str) -> str | None:
    """'TX', 'Tx' or 'Texas' -> 'TX'; None for anything else."""
    return subdivision("US", word)


def _without_country(city: str) -> str:
    """Drop a trailing country name: "Bruxelles Belgique" -> "Bruxelles"; "Luxembourg" alone is a city."""
    words = city.split()
    return " ".join(words[:-1]) if len(words) > 1 and fold(words[-1]) in COUNTRY_NAMES else city


def parse_postcode_city(text: str, region: str) -> Address | None:
    """Recognise a postcode-and-city line in the forms of France, Brazil, Portugal, Japan, the Netherlands, the UK
    and the US."""
    # OCR reads a CEP's digits as letters too ("CEP OllB7-O0O"): the label says they are digits
    text = re.sub(r"(?i)(\bcep\s*[:.]?\s*)([0-9OoIlB|SZ]{5}-?[0-9OoIlB|SZ]{3})\b",
                  lambda cep: cep.group(1) + cep.group(2).translate(CONFUSABLE_DIGITS), text)
    m = _BR_CEP.search(text)
    if m and (region == "BR" or "cep" in fold(text)):
        rest = [p.strip(" -|,.") for p in re.split(r"[|,/]|\s-\s|-(?=[A-Z]{2}\b)", text[m.end():]) if p.strip(" -|,.")]
        state = next((p for p in rest if re.fullmatch(r"[A-Z]{2}", p)), "")
        cities = [p for p in rest if p != state and _may_be_brazilian_city(p)]
        return Address(postcode=m.group(1), city=cities[-1] if cities else "", region=state, country="BR")
    m = _PT_POSTCODE_CITY.search(text)
    if m:
        return Address(postcode=m.group(1), city=m.group(2).strip(), country="PT")
    m = _JP_POSTCODE.search(text)
    if m and (region == "JP" or "japan" in fold(text)):  # "Minato-ku, Tokyo 108-0023, Japan"
        before = [p.strip() for p in re.split(r"[,、]", text[: m.start()].replace("〒", "")) if p.strip()]
        after = [p.strip() for p in text[m.end():].split(",") if p.strip() and fold(p.strip()) not in COUNTRY_NAMES]
        # "Minato-ku, Tokyo 108-0023": the city before the postcode; "〒105-0004 1-9-2 Shimbashi, Tokyo": last
        city = before[-1] if before else after[-1] if after else ""
        return Address(postcode=m.group(1), city=city, country="JP")
    m = _NL_POSTCODE_CITY.search(text)
    if m and region == "NL":  # "1015 CJ Amsterdam"
        return Address(postcode=f"{m.group(1)} {m.group(2)}", city=_without_country(m.group(3)), country="NL")
    m = _UK_POSTCODE.search(text)
    if m and (region == "GB" or "london" in fold(text)):
        before = [p.strip() for p in text[: m.start()].split(",") if p.strip()]
        city = before[-1] if before else ""
        postcode = re.sub(r"\s+", "", m.group(1))
        return Address(postcode=f"{postcode[:-3]} {postcode[-3:]}", city=city, country="GB")  # "W26BD" -> "W2 6BD"
    m = _CA_POSTCODE.search(text)
    if m and (region == "CA" or "canada" in fold(text)):  # "Montréal (Québec) H3B 4W8", "Toronto, ON M5V 2T6"
        place = text[: m.start()].strip(" ,")
        province = re.search(r"\(([^)]+)\)|,?\s+([A-Z]{2})$", place)
        city = place[: province.start()] if province else place
        code = (province.group(1) or province.group(2)).strip() if province else ""
        return Address(postcode=f"{m.group(1)} {m.group(2)}", city=city.split(",")[-1].strip(),
                       region=subdivision("CA", code) or code, country="CA")
    m = US_STATE_ZIP.search(text)
    state = us_state(m.group(2)) if m else None
    if m and state and region in ("US", "CA", "FR"):
        city = (m.group(1) or "").strip(" ,.")
        return Address(postcode=m.group(3), city=city, region=state, country="US")
    m = _NUMERIC_POSTCODE_CITY.search(text)
    if m and region in _CITY_FIRST_REGIONS:
        return None  # there "18020 Mesa Road" is a street number, the postcode follows the city
    if m and len(m.group(1)) == (4 if region in _FOUR_DIGIT_POSTCODES else 5):
        city = m.group(2).strip()
        if any(w.rstrip(".") in STREET_WORDS and len(w) > 2 for w in fold(city).split()):
            return None  # "12000 rue ..." or "18020 Mesa Road": a street, not a city
        cedex = re.search(r"(?i)\s*\bcedex\b(?:\s*(\d{1,2}))?", text[m.end(1):])
        if cedex:
            city = text[m.end(1):m.end(1) + cedex.start()].strip()
        city = _without_country(city)
        if fold(city) in ("cedex", "bp", "cs") or not city:
            return None
        if cedex:
            city = f"{city} CEDEX {cedex.group(1) or ''}".strip()
        return Address(postcode=m.group(1), city=city, country=region)
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


def take_addresses(card: Card) -> list[Found[Address]]:
    found: list[Found[Address]] = []
    free = card.free()
    index = {i: ln for i, ln in free}
    for i, ln in free:
        if i in card.used:
            continue
        place = parse_postcode_city(ln.text, card.region)
        if place is None:
            continue
        street_parts: list[str] = []
        evidence = [ln.text]
        # the street is on this line before the postcode, or on the one or two lines above
        before_postcode = r"\s*[,|-]?\s*(?:cep\s*[:.]?\s*)?" + re.escape(place.postcode)
        inline = re.split(before_postcode, ln.text, maxsplit=1, flags=re.I)[0]
        inline = inline.strip(" ,|-")
        if inline and place.city and fold(inline).endswith(fold(place.city)):
            inline = inline[: -len(place.city)].strip(" ,|-")
        if inline and (_is_street(inline) or _is_postbox(inline)):
            street_parts.append(inline)
        start = i - 1
        city_line = index.get(start)
        if not place.city and card.region == "BR" and city_line is not None and start not in card.used:
            # "Bela Vista - São Paulo - SP" above a CEP printed on its own line: the city's line, the street above it
            city_state = brazilian_city(city_line.text)
            if city_state and not _is_street(city_line.text):
                place = replace(place, city=city_state[0], region=place.region or city_state[1])
                evidence.insert(0, city_line.text)
                card.used.add(start)
                start -= 1
        for j in (start, start - 1):
            above = index.get(j)
            if above is None or j in card.used:
                break
            if _is_street(above.text) or _is_postbox(above.text):
                street_parts.insert(0, above.text)
                evidence.insert(0, above.text)
                card.used.add(j)
            else:
                break
        country = place.country
        below = index.get(i + 1)
        if below is not None and fold(below.text).strip(" .") in COUNTRY_NAMES:
            country = COUNTRY_NAMES[fold(below.text).strip(" .")]
            card.used.add(i + 1)
            evidence.append(below.text)
        address = Address(street=", ".join(street_parts), postcode=place.postcode, city=place.city,
                          region=place.region, country=country)
        if not address.city and card.region == "BR":
            address = _with_brazilian_city(address, [*street_parts, ln.text], card.lines[i + 1:i + 2])
        address = replace(address, city=unglue(address.city))
        found.append(Found(address, conf(ln, 0.85 if street_parts else 0.7), tuple(evidence)))
        card.used.add(i)
    if not found:
        for i, ln in card.free():
            if _is_street(ln.text):
                address = Address(street=ln.text)
                if card.region == "BR":
                    address = _with_brazilian_city(address, [ln.text], card.lines[i + 1:i + 2])
                found.append(Found(replace(address, city=unglue(address.city)), conf(ln, 0.5), (ln.text,)))
                card.used.add(i)
                break
    return found


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

