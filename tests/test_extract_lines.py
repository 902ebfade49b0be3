"""Card lines as extraction sees them: cleaned of OCR specks, cut and placed.

Every person and company here is invented.
"""

from __future__ import annotations

import pytest

from pipeline.extract import clean_line, extract_contact, guess_region, lines_from_text
from pipeline.normalise import normalise_contact


def read(text: str, region: str = "FR"):
    lines = lines_from_text(text)
    region = guess_region(lines, region)
    return normalise_contact(extract_contact(lines, region), region)


def test_a_quote_alone_at_a_lines_end_is_an_ocr_speck():
    assert clean_line("Noortje Boersma '") == "Noortje Boersma"
    assert clean_line("Ise van 't Erve") == "Ise van 't Erve"
    contact = read("Projectleider  T +31101930164\nNoortje Boersma '\nboersma.noortje@kluwenberg.nl\nKluwenberg")
    assert contact.name is not None and contact.name.value.full == "Noortje Boersma"


@pytest.mark.parametrize(("line", "parts"), [
    # a surname that is also a title word ("Kaufmann"), after a first name
    ("Senad Kaufhold – Project Manager", ["Senad Kaufhold", "Project Manager"]),
    ("Senad Kaufmann – Project Manager", ["Senad Kaufmann", "Project Manager"]),
    # a name with its particles
    ("Armando de Jesús Castro – Ejecutivo de Cuentas", ["Armando de Jesús Castro", "Ejecutivo de Cuentas"]),
    # a degree closing the name before the title
    ("Daniel Hamlin, MSc - Head of New Business EMEA", ["Daniel Hamlin, MSc", "Head of New Business EMEA"]),
    # a title of two words is no name ("Vice" is a first name too)
    ("Vice President, Operations", ["Vice President, Operations"]),
])
def test_a_name_and_its_title_on_one_line(line: str, parts: list[str]):
    assert [ln.text for ln in lines_from_text(line)] == parts


def test_a_dutch_name_with_t():
    contact = read("Koninklijke Marloes\nIse van 't Erve\nInkoper\nJacobbaan 394, 1209 JZ Best\n"
                   "ise.vanterve@marloes.nl")
    assert contact.name is not None and contact.name.value.full == "Ise van 't Erve"
    assert contact.title is not None and contact.title.value == "Inkoper"
