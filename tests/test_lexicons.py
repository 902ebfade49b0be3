"""The data files of what cardscan knows of languages and countries: each entry once, in the form it is compared in."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from pipeline.understand.lexicons import COUNTRIES, COUNTRY_NAMES, LANGUAGES, countries_named, fold

DATA_FILES = sorted(
    (f"{kind}/{entry.name}", entry)
    for kind in ("lang", "country")
    for entry in files("pipeline.understand").joinpath("data", kind).iterdir()
    if entry.name.endswith(".json")
)


def _lists(data: dict, where: str = ""):
    for key, value in data.items():
        if key.startswith("_"):
            continue  # "_about": what the file is
        if isinstance(value, dict):
            yield from _lists(value, f"{where}{key}.")
        else:
            yield f"{where}{key}", value


@pytest.mark.parametrize(("name", "entry"), DATA_FILES, ids=[name for name, _ in DATA_FILES])
def test_every_entry_is_unique_and_folded(name, entry):
    data = json.loads(entry.read_text(encoding="utf-8"))
    for key, words in _lists(data):
        assert isinstance(words, list), f"{name}: {key} is no list"
        assert len(words) == len(set(words)), f"{name}: {key} repeats {[w for w in words if words.count(w) > 1]}"
        for word in words:
            assert word == fold(word).strip(), f"{name}: {key}: {word!r} is not in its folded form {fold(word)!r}"


def test_languages_and_countries_are_loaded():
    assert {"en", "fr", "de", "es", "pt", "it", "nl"} <= set(LANGUAGES)
    assert all(len(code) == 2 for code in COUNTRIES)


@pytest.mark.parametrize(("text", "code"), [
    ("Hanoi, Vietnam", "VN"), ("Doha, Qatar", "QA"), ("Lyon - France", "FR"), ("Deutschland", "DE"),
    ("Bruxelles, Belgique", "BE"), ("Madrid, España", "ES"), ("Seoul, Korea", "KR"), ("Dubai, UAE", "AE"),
    ("New York, USA", "US"), ("Zagreb, Hrvatska", "HR"),
])
def test_country_names_in_many_languages(text: str, code: str):
    assert [found[2] for found in countries_named(text)] == [code]


def test_country_names_come_from_pycountry_not_a_hand_list():
    assert len(COUNTRY_NAMES) > 1000


def test_legal_forms_of_the_country_files_are_words_without_dots():
    """They are compared with the words of a line, dots removed ("S.A." -> "sa")."""
    for code, data in COUNTRIES.items():
        for form in data.get("legal_forms", ()):
            assert "." not in form and " " not in form, f"{code}: {form!r}"


def test_a_city_misread_by_a_letter_is_corrected_but_another_form_of_its_name_is_kept():
    from pipeline.understand.lexicons import known_city
    assert known_city("ondon", "GB") == "London"
    assert known_city("Sao Pauio", "BR") == "São Paulo"
    assert known_city("TP. Hồ Chí Minh", "VN") == "TP. Hồ Chí Minh"  # "tp ho chi minh" but a dot: as printed
