"""The doubts: which values deserve a second look, and why, in words (English and French)."""

from __future__ import annotations

import datetime as dt

from pipeline.core.models import (
    Address,
    Box,
    CardReading,
    Contact,
    Found,
    Meeting,
    OcrLine,
    OcrResult,
    OcrWord,
    PersonName,
)
from pipeline.core.models import Phone as PhoneValue
from pipeline.filing import PhotoOutcome
from pipeline.understand.doubts import (
    CardValues,
    PrintedLine,
    Seen,
    SeenAddress,
    doubtful_fields,
    find_doubts,
    phone_problem,
    reading_doubts,
    uses_postcodes,
)

CAMILLE = CardValues(name=Seen("Camille Martin", 0.9), organisations=(Seen("Atelier Lumière SARL", 0.9),),
                     phones=(Seen("+33612345678", 0.9),), emails=(Seen("camille@atelier-lumiere.fr", 0.9),),
                     websites=(Seen("www.atelier-lumiere.fr", 0.8),),
                     addresses=(SeenAddress("12 rue des Lilas", "69003", "Lyon", "FR", 0.8),))
LINES = [PrintedLine("Camille MARTIN", 40, 60), PrintedLine("Atelier Lumière SARL", 120, 34),
         PrintedLine("12 rue des Lilas", 200, 24), PrintedLine("69003 Lyon", 230, 24),
         PrintedLine("Portable 06 12 34 56 78", 260, 24), PrintedLine("camille@atelier-lumiere.fr", 290, 24),
         PrintedLine("www.atelier-lumiere.fr", 320, 24)]


def fields(doubts) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for doubt in doubts:
        out.setdefault(doubt.field, []).append(doubt.reason)
    return out


def test_a_clean_card_has_no_doubt():
    assert find_doubts(CAMILLE, LINES) == []


def test_low_confidence_is_a_doubt_with_its_figure():
    values = CardValues(name=Seen("Camille Martin", 0.45), emails=(Seen("camille@atelier-lumiere.fr", 0.3),),
                        organisations=(Seen("Atelier Lumière", 0.9),))
    assert fields(find_doubts(values, [], "en")) == {"name": ["read with low confidence (45%)"],
                                                     "emails[0]": ["read with low confidence (30%)"]}
    assert fields(find_doubts(values, [], "fr"))["name"] == ["lu avec peu de certitude (45 %)"]


def test_a_number_phonenumbers_rejects_says_why_in_its_countrys_name():
    assert phone_problem("+5534567029", "FR", "en") == (
        "phonenumbers knows no such number (Brazil: no such range of numbers)")
    assert phone_problem("+331234", "FR", "fr") == "phonenumbers ne connaît pas ce numéro (France : trop court)"
    assert phone_problem("+33612345678", "FR") is None
    assert phone_problem("06 12 34 56 78", "FR") is None  # typed without '+': read in the region
    values = CardValues(name=Seen("Ana Lima"), phones=(Seen("+5534567029", 0.68),))
    assert list(fields(find_doubts(values, []))) == ["phones[0]"]  # 0.68: not low, but invalid


def test_a_card_without_a_persons_name():
    values = CardValues(organisations=(Seen("Le Petit Bistrot", 0.8),))
    assert fields(find_doubts(values, [], "en")) == {"name": ["no person's name: the contact is filed as its company"]}


def test_an_address_without_city_or_postcode():
    values = CardValues(name=Seen("Jane Doe"), addresses=(SeenAddress("7 Harbour Row", "", "", "GB"),
                                                          SeenAddress("", "EC1A 1BB", "London", "GB"),
                                                          SeenAddress("Main Street", "", "Dublin 2", "IE"),
                                                          SeenAddress("Corniche Street", "", "Doha", "QA")))
    assert fields(find_doubts(values, [], "en")) == {"addresses[0]": ["the address has no city and no postcode"],
                                                     "addresses[2]": ["the address has no postcode"]}
    assert uses_postcodes("FR") and not uses_postcodes("QA") and uses_postcodes("")


def test_a_large_line_at_the_top_that_went_into_no_field():
    lines = [PrintedLine("VORTELIS", 20, 80), *LINES[1:]]
    values = CardValues(name=None, organisations=(Seen("Atelier Lumière SARL", 0.9),))
    doubts = find_doubts(values, lines, "en")
    assert fields(doubts)["card"] == ["the large line at the top, “VORTELIS”, went into no field: "
                                      "is it the name or the company?"]
    assert [d.line for d in doubts if d.field == "card"] == ["VORTELIS"]
    # the same line used as the organisation, or a card printed in one size: nothing to say
    used = CardValues(name=Seen("Camille Martin"), organisations=(Seen("Vortelis", 0.9),))
    assert "card" not in fields(find_doubts(used, lines))
    flat = [PrintedLine(ln.text, ln.top, 24) for ln in lines]
    assert "card" not in fields(find_doubts(values, flat))


def test_a_website_or_email_whose_domain_matches_nothing_else():
    values = CardValues(name=Seen("Camille Martin"), organisations=(Seen("Atelier Lumière SARL"),),
                        emails=(Seen("camille@atelier-lumiere.fr"), Seen("camille.martin@gmail.com")),
                        websites=(Seen("www.plomberie-durand.com.br"),))
    doubts = fields(find_doubts(values, LINES[:2], "en"))
    assert doubts == {"websites[0]": ["its domain, plomberie-durand.com.br, matches nothing else on the card: "
                                      "was it read from this card?"]}
    # a site hosted under a platform's name is its owner's: the owner's part matches
    assert find_doubts(CardValues(name=Seen("Paula Brandão"), websites=(Seen("brandao.portfolio-host.com"),))) == []
    # initials and a person's own domain match too
    assert find_doubts(CardValues(name=Seen("Jean Dupont"), organisations=(Seen("Atelier Lumière Design"),),
                                  websites=(Seen("ald.fr"),), emails=(Seen("contact@jean-dupont.fr"),))) == []


def test_counted_once_per_field():
    values = CardValues(name=Seen("Ana Lima"), phones=(Seen("+5534567029", 0.3),))
    doubts = find_doubts(values, [])
    assert len(doubts) == 2 and doubtful_fields(doubts) == 1


def _reading(contact: Contact, lines: tuple[OcrLine, ...] = ()) -> CardReading:
    return CardReading(source="/photos/x.jpg", sha256="a" * 64, contact=contact,
                       meeting=Meeting("vernissage", dt.date(2026, 11, 20)), ocr_confidence=0.9, found_card=True,
                       ocr=OcrResult(lines=lines, width=1000, height=600))


def test_the_scan_counts_doubts_not_only_low_confidence():
    contact = Contact(name=Found(PersonName("Ana Lima", "Ana", "Lima"), 0.9),
                      phones=(Found(PhoneValue("+5534567029", "work"), 0.68),),
                      addresses=(Found(Address("Rua das Flores 10", "", "", "", "BR"), 0.8),))
    reading = _reading(contact, (OcrLine(words=(OcrWord("Ana", Box(10, 10, 60, 30), 0.9),
                                                OcrWord("Lima", Box(80, 10, 80, 30), 0.9))),))
    assert [d.field for d in reading_doubts(reading)] == ["phones[0]", "addresses[0]"]
    assert PhotoOutcome(source="x.jpg", reading=reading).to_review == 2
