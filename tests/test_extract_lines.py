"""Card lines as extraction sees them: cleaned of OCR specks, cut and placed.

Every person and company here is invented.
"""

from __future__ import annotations

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
