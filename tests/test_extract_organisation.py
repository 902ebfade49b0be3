"""Organisations and titles that travel: legal forms of many countries, brands, taglines, titles in many languages.

Every person and company here is invented.
"""

from __future__ import annotations

import pytest

from pipeline.understand.extract import TextLine, extract_contact, guess_region, lines_from_text
from pipeline.understand.extract.organisation import has_legal_form, is_tagline
from pipeline.understand.extract.titles import is_title
from pipeline.understand.normalise import normalise_contact


def read(text: str, region: str = "FR"):
    lines = lines_from_text(text)
    region = guess_region(lines, region)
    return normalise_contact(extract_contact(lines, region), region)


@pytest.mark.parametrize("line", [
    "Desert Falcon Trading FZE", "Gulf Stone DMCC", "Soluciones Norte S.L.", "Lojen d.o.o.", "Sakura Trading K.K.",
    "Nexa Sp. z o.o.", "Indus Softworks Pvt. Ltd.", "Helvetrans SA", "Nordbau GmbH", "Lumis SAS", "Bonilla S. de R.L.",
    "Nordic Trade AB", "TKD Sp. k.", "Bangkok Foods Co., Ltd.", "Kowloon Traders Limited",
])
def test_legal_forms_of_many_countries(line: str):
    assert has_legal_form(line)


@pytest.mark.parametrize("line", ["Ana da Silva", "Maria Sá", "Pedro Co", "Paris", "Key Account Manager"])
def test_words_that_are_no_legal_form(line: str):
    assert not has_legal_form(line)


@pytest.mark.parametrize("line", ["a Northwind company", "Part of TerraField", "Member of the Varkey Group",
                                  "Filiale de DeltaNova", "Mitglied der Seidel Gruppe", "Una empresa del grupo Ripoll",
                                  "Onderdeel van WDL"])
def test_taglines(line: str):
    assert is_tagline(line)


@pytest.mark.parametrize("line", ["Northwind Consulting", "Grupo Alameda S.A.", "Head of Sales"])
def test_no_taglines(line: str):
    assert not is_tagline(line)


def test_a_brand_over_its_tagline_is_the_company_and_the_tagline_no_title():
    contact = read("bluewave\na Northwind company\nJordan Avery\nKey Account Manager\nTel +44 20 7946 0321")
    assert contact.organisation is not None and contact.organisation.value == "bluewave"
    assert contact.title is not None and contact.title.value == "Key Account Manager"


def test_a_lowercase_brand_echoed_by_the_email_domain():
    contact = read("Yvonne Fry\nGeneral Manager\nbluewave\ny.fry@bluewave.co.uk\nMobile 07433 850275")
    assert contact.organisation is not None and contact.organisation.value == "bluewave"
    assert contact.title is not None and contact.title.value == "General Manager"


def test_the_biggest_print_at_the_top_is_the_company():
    lines = [TextLine("ORBITOAK", height=90, top=20), TextLine("Denise Rees", height=40, top=150),
             TextLine("Regional Sales Director", height=28, top=200), TextLine("+44 1770 847771", height=24, top=260)]
    contact = extract_contact(lines, "GB")
    assert contact.organisation is not None and contact.organisation.value == "ORBITOAK"


@pytest.mark.parametrize("title", [
    "Head of New Business EMEA", "Key Account Manager", "Gerente Comercial", "Vertriebsleiter", "Directeur des Achats",
    "Export Manager", "Responsable grands comptes", "Diretora Financeira", "Direttore Commerciale", "Hoofd Logistiek",
    "Geschäftsführerin", "Jefe de Ventas", "Projectleider", "Marknadschef", "Kierownik Zakupów", "Voditelj logistike",
    "Giám đốc Điều hành",
])
def test_titles_in_many_languages(title: str):
    assert is_title(title)


@pytest.mark.parametrize("line", ["Lumis SAS", "Rue de la Paix", "Nordic Solutions"])
def test_no_titles(line: str):
    assert not is_title(line)


def test_a_title_in_a_language_without_data_by_its_place_under_the_name():
    contact = read("Ayşe Yılmaz\nSatış Müdürü\nayse.yilmaz@ornek-firma.com.tr\n+90 212 555 12 34")
    assert contact.title is not None and contact.title.value == "Satış Müdürü"
    assert contact.title.confidence < 0.6  # a guess from the layout: review shows it


@pytest.mark.parametrize(("line", "name", "title"), [
    ("Jeff Hayes, Public house manager", "Jeff Hayes", "Public house manager"),
    ("Ida GRZELEC - Kierownik Zakupów", "Ida Grzelec", "Kierownik Zakupów"),
])
def test_a_name_and_its_title_on_one_line(line: str, name: str, title: str):
    contact = read(f"{line}\nTel. +48 16 282 80 58")
    assert contact.name is not None and contact.name.value.full == name
    assert contact.title is not None and contact.title.value == title
