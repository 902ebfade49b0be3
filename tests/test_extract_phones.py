"""Phone numbers typed by the label printed before them, in every language's letters.

Every person, company and number here is invented.
"""

from __future__ import annotations

import pytest

from pipeline.understand.extract import extract_contact, guess_region, lines_from_text
from pipeline.understand.extract.phones import _label_kind
from pipeline.understand.normalise import normalise_contact


def read(text: str, region: str = "FR"):
    lines = lines_from_text(text)
    region = guess_region(lines, region)
    return normalise_contact(extract_contact(lines, region), region)


@pytest.mark.parametrize(("label", "kind"), [
    ("DĐ: ", "cell"),  # Vietnamese "di động": a letter outside a to z
    ("Tel. kom. ", "cell"),  # Polish "telefon komórkowy": the word after the abbreviation's dot says which
    ("Faks: ", "fax"),  # Croatian, Polish
    ("Tel/Fax: ", "work"),  # a label group announces its first word's kind
    ("Ligne directe : ", "work"),
])
def test_label_kinds(label: str, kind: str):
    assert _label_kind(label, "FR") == kind


def test_a_line_ending_with_a_labels_letters_announces_no_number():
    # "s.c." closes a Polish company's name; the unlabelled number under it is a landline, no mobile
    contact = read("Gustaw Nowarski\nDyrektor Generalny\nGrupa Lipka s.c.\n16.467.74.25\ng.nowarski@lipka.com.pl")
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [("+48164677425", "work")]


def test_a_label_alone_on_its_line_announces_the_number_under_it():
    contact = read("Jeanne Morvan\nPortable\n06 12 34 56 78\nFax\n02 40 12 34 56")
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [
        ("+33612345678", "cell"), ("+33240123456", "fax")]


def test_labels_of_other_scripts_type_the_number():
    contact = read("Lê Thu Hà\nĐiện thoại: 0216 3345 340\nDĐ: +84 904 055 598\nha@windalpen.vn")
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [
        ("+842163345340", "work"), ("+84904055598", "cell")]
