"""Normalisation: names, phones, e-mails, URLs in their final form."""

from __future__ import annotations

import pytest

from pipeline.understand.lexicons import known_city
from pipeline.understand.normalise import natural_case, normalise_email, normalise_phone, normalise_url, split_name


@pytest.mark.parametrize(
    ("printed", "full", "given", "family", "prefix", "suffix"),
    [
        ("Jean-François DUPONT", "Jean-François Dupont", "Jean-François", "Dupont", "", ""),
        ("DUPONT Jean-François", "Jean-François Dupont", "Jean-François", "Dupont", "", ""),
        ("JEAN DUPONT", "Jean Dupont", "Jean", "Dupont", "", ""),
        ("Jean de LA FONTAINE", "Jean de La Fontaine", "Jean", "de La Fontaine", "", ""),
        ("Charles de Gaulle", "Charles de Gaulle", "Charles", "de Gaulle", "", ""),
        ("Dr Anna Weber", "Anna Weber", "Anna", "Weber", "Dr", ""),
        ("Mme Claire Martin", "Claire Martin", "Claire", "Martin", "Mme", ""),
        ("Paulo M. Tavares Jr.", "Paulo M. Tavares Jr.", "Paulo M.", "Tavares", "", "Jr."),
        ("Avv. Marco Ferri", "Marco Ferri", "Marco", "Ferri", "Avv.", ""),
        ("Jennifer L. Moore, CPA", "Jennifer L. Moore", "Jennifer L.", "Moore", "", "CPA"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven", "Ludwig", "van Beethoven", "", ""),
    ],
)
def test_split_name(printed, full, given, family, prefix, suffix):
    name = split_name(printed)
    assert (name.full, name.given, name.family, name.prefix, name.suffix) == (full, given, family, prefix, suffix)


@pytest.mark.parametrize(
    ("word", "natural"),
    [("DUPONT", "Dupont"), ("jean-françois", "Jean-François"), ("D'ANGELO", "D'Angelo"), ("McKenna", "McKenna")],
)
def test_natural_case(word, natural):
    assert natural_case(word) == natural


@pytest.mark.parametrize(
    ("printed", "region", "e164", "kind"),
    [
        ("06 12 34 56 78", "FR", "+33612345678", "cell"),
        ("01 42 68 53 00", "FR", "+33142685300", "work"),
        ("+44 (0) 20 7946 0321", "FR", "+442079460321", "work"),
        ("0032 2 555 12 34", "FR", "+3225551234", "work"),
        ("(312) 794-6180", "US", "+13127946180", None),
    ],
)
def test_normalise_phone(printed, region, e164, kind):
    result = normalise_phone(printed, region)
    assert result is not None
    assert result[0] == e164
    if kind:
        assert result[1] == kind


def test_normalise_phone_refuses_what_is_not_a_number():
    assert normalise_phone("abc", "FR") is None


def test_email_lowercase_and_syntax_only():
    assert normalise_email("Jean.Dupont@Exemple.FR") == "jean.dupont@exemple.fr"
    assert normalise_email("jean dupont@exemple.fr") is None
    assert normalise_email("jean@nonexistent-domain-for-tests.fr") == "jean@nonexistent-domain-for-tests.fr"


def test_url_keeps_what_was_printed_and_lowercases_the_host():
    assert normalise_url("WWW.Exemple.FR/Contact") == "www.exemple.fr/Contact"
    assert normalise_url("HTTPS://Exemple.fr") == "https://exemple.fr"


@pytest.mark.parametrize(("printed", "country", "expected"), [
    ("ondon", "GB", "London"),            # a lost first letter
    ("Strasbourq", "FR", "Strasbourg"),   # g read as q
    ("Milano", "IT", "Milano"),           # its own language's name is no misreading
    ("Clarkston", "US", None),            # a small town, one letter from a bigger one: left alone
    ("Lyon", "FR", "Lyon"),
])
def test_a_city_one_misread_letter_from_a_big_one_is_corrected(printed: str, country: str, expected: str | None):
    assert known_city(printed, country) == expected


@pytest.mark.parametrize(("printed", "city"), [("Marlow.", "Marlow"), ("Washington D.C.", "Washington D.C."),
                                               ("St. Albans", "St. Albans")])
def test_a_period_closing_a_city_is_no_part_of_it(printed: str, city: str):
    from pipeline.core.models import Address, Contact, Found
    from pipeline.understand.normalise import normalise_contact

    contact = Contact(addresses=(Found(Address(city=printed, region="TX", country="US"), 0.8),))
    assert normalise_contact(contact, "US").addresses[0].value.city == city
