"""vCard text: escaping, folding, the meeting note, company cards."""

from __future__ import annotations

import datetime as dt

import vobject

from pipeline.models import Address, Contact, Found, Meeting, PersonName, Phone
from pipeline.vcard import build_vcard, meeting_sentence, read_meetings

MEETING = Meeting("vernissage", dt.date(2026, 11, 20))


def person(**overrides) -> Contact:
    fields = dict(
        name=Found(PersonName("Camille Martin", "Camille", "Martin"), 0.9),
        title=Found("Directrice commerciale", 0.9),
        organisation=Found("Atelier Lumière SARL", 0.9),
        department=Found("Export", 0.7),
        phones=(Found(Phone("+33612345678", "cell"), 0.9), Found(Phone("+33472001234", "work", "240"), 0.9),
                Found(Phone("+33472001235", "fax"), 0.9)),
        emails=(Found("camille.martin@atelier-lumiere.fr", 0.9),),
        websites=(Found("www.atelier-lumiere.fr", 0.9),),
        addresses=(Found(Address("12 rue des Lilas", "69003", "Lyon", "", "FR"), 0.9),),
    )
    fields.update(overrides)
    return Contact(**fields)


def build(contact: Contact, meetings=(MEETING,), lang="fr") -> str:
    return build_vcard(contact, list(meetings), uid="uid-1", source_name="IMG_0001.jpg", note_lang=lang)


def test_properties_and_types():
    card = vobject.readOne(build(person()))
    assert card.version.value == "3.0"
    assert card.fn.value == "Camille Martin"
    assert (card.n.value.family, card.n.value.given) == ("Martin", "Camille")
    assert card.org.value == ["Atelier Lumière SARL", "Export"]
    assert card.title.value == "Directrice commerciale"
    tels = {t.value: t.params["TYPE"] for t in card.contents["tel"]}
    assert tels["+33612345678"] == ["CELL", "VOICE"]
    assert tels["+33472001234 ext. 240"] == ["WORK", "VOICE"]
    assert tels["+33472001235"] == ["WORK", "FAX"]
    assert card.email.params["TYPE"] == ["INTERNET"]
    assert card.adr.value.code == "69003" and card.adr.params["TYPE"] == ["WORK"]
    assert card.uid.value == "uid-1"
    assert card.x_cardscan_source.value == "IMG_0001.jpg"


def test_the_meeting_is_recorded_where_phones_and_programs_look():
    card = vobject.readOne(build(person()))
    assert card.note.value.splitlines()[0] == "Rencontré à vernissage le 20 novembre 2026"
    assert card.categories.value == ["vernissage"]
    assert card.x_cardscan_event.value == "vernissage"
    assert card.x_cardscan_date.value == "2026-11-20"


def test_english_note():
    assert meeting_sentence(MEETING, "en") == "Met at vernissage on November 20, 2026"


def test_crlf_and_lines_folded_at_75_octets_without_splitting_characters():
    text = build(person(title=Found("Responsable développement " + "é" * 120, 0.9)))
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert vobject.readOne(text).title.value.endswith("é" * 120)


def test_hostile_card_text_cannot_break_the_file():
    hostile = "ACME\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Mallory; X,\\"
    text = build(person(organisation=Found(hostile, 0.5), title=Found(hostile, 0.5)))
    cards = list(vobject.readComponents(text))
    assert len(cards) == 1
    assert cards[0].title.value == hostile.replace("\r\n", "\n")
    lines = text.split("\r\n")
    assert lines.count("BEGIN:VCARD") == 1 and lines.count("END:VCARD") == 1


def test_company_card_without_a_person():
    card = vobject.readOne(build(Contact(organisation=Found("Le Petit Bistrot", 0.8))))
    assert card.fn.value == "Le Petit Bistrot"
    assert card.x_abshowas.value == "COMPANY"


def test_meetings_round_trip():
    second = Meeting("salon du livre", dt.date(2027, 3, 14))
    text = build(person(), meetings=(MEETING, second))
    assert read_meetings(text) == [MEETING, second]
    card = vobject.readOne(text)
    assert card.categories.value == ["vernissage", "salon du livre"]
    assert len(card.note.value.splitlines()) == 2


def test_read_meetings_of_a_foreign_vcard_is_empty():
    assert read_meetings("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n") == []
    assert read_meetings("not a vcard") == []
