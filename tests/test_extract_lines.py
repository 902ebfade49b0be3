"""Card lines as extraction sees them: cleaned of OCR specks, cut and placed.

Every person and company here is invented.
"""

from __future__ import annotations

import pytest

from pipeline.understand.extract import clean_line, extract_contact, guess_region, lines_from_text
from pipeline.understand.normalise import normalise_contact


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


def test_the_next_line_in_a_column_skips_a_line_of_another_column():
    from pipeline.understand.extract import TextLine
    from pipeline.understand.extract.lines import next_in_column
    lines = [TextLine("Rua das Acácias, 88", height=50, top=500, left=360, width=740),
             TextLine("Informática", height=50, top=515, left=20, width=260),
             TextLine("CEP 01234-010", height=42, top=560, left=540, width=560),
             TextLine("far below", height=40, top=900, left=540, width=300)]
    assert next_in_column(lines, 0, +1) == 2  # under it in its column, not the left column's line read between
    assert next_in_column(lines, 2, -1) == 0
    assert next_in_column(lines, 1, +1) is None  # nothing under it in its own column
    assert next_in_column(lines, 2, +1) is None  # too far below: another block
    assert next_in_column(lines, 0, +1, passed={2}) == 2  # "passed" only skips parts of the same row


def test_without_places_the_next_line_is_the_next_read():
    from pipeline.understand.extract.lines import next_in_column
    lines = lines_from_text("A\nB\nC")
    assert next_in_column(lines, 0, +1) == 1 and next_in_column(lines, 2, -1) == 1


@pytest.mark.parametrize(("line", "parts"), [
    ("Tina Grecchi   T 0575 818737", ["Tina Grecchi", "T 0575 818737"]),  # two columns read as one line
    ("Bloco C 12", ["Bloco C 12"]),  # a short number after a letter is no phone
])
def test_a_one_letter_phone_label_after_a_word_before_a_long_number(line: str, parts: list[str]):
    assert [ln.text for ln in lines_from_text(line)] == parts


@pytest.mark.parametrize(("text", "email"), [
    ("Ernst Schuler\ne.schuler@awv.com", "e.schuler@awv.com"),  # "e." opens the address, no "E." label
    ("Caroline Maillet\nmaillet.caroline@fernandel.fr", "maillet.caroline@fernandel.fr"),  # "mail" opens the name
    ("Caroline Maillet\nE-mail: c.maillet@fernandel.fr", "c.maillet@fernandel.fr"),
    ("Caroline Maillet\nE. c.maillet@fernandel.fr", "c.maillet@fernandel.fr"),
])
def test_an_e_mail_label_is_a_word_apart(text: str, email: str):
    assert [e.value for e in read(text).emails] == [email]


def test_a_label_of_two_words_after_a_name_goes_whole_with_its_number():
    assert [ln.text for ln in lines_from_text("Olivia Albers   Ligne directe : +32 16 36 12 41")] == [
        "Olivia Albers", "Ligne directe : +32 16 36 12 41"]
