"""vCard text: escaping, folding, the meeting note, company cards."""

from __future__ import annotations

import datetime as dt

import vobject

from pipeline.contacts.merging import merge_vcard
from pipeline.contacts.records import read_stored
from pipeline.core.models import Address, Contact, Found, Meeting, PersonName, Phone
from pipeline.core.vcard import PhotoSource, VCard, build_vcard, meeting_sentence

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


def build(contact: Contact, meetings=(MEETING,), lang="fr", version="3.0", photo=None, sha="a" * 64) -> str:
    return build_vcard(contact, list(meetings), uid="uid-1", sources=[PhotoSource("IMG_0001.jpg", sha)],
                       note_lang=lang, version=version, photo_jpeg=photo)


def test_properties_and_types():
    card = vobject.readOne(build(person()))
    assert card.version.value == "3.0"
    assert card.fn.value == "Camille Martin"
    assert (card.n.value.family, card.n.value.given) == ("Martin", "Camille")
    assert card.org.value == ["Atelier Lumière SARL", "Export"]
    assert card.title.value == "Directrice commerciale"
    tels = {t.value: t.params["TYPE"] for t in card.contents["tel"]}
    assert tels["+33612345678"] == ["CELL", "VOICE"]
    assert tels["+33472001234"] == ["WORK", "VOICE"]
    assert tels["+33472001235"] == ["WORK", "FAX"]
    assert card.email.params["TYPE"] == ["INTERNET", "WORK"]
    assert card.adr.value.code == "69003" and card.adr.params["TYPE"] == ["work"]
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


def read_meetings(text: str) -> list[Meeting]:
    stored = read_stored(text)
    return list(stored.meetings) if stored else []


def test_meetings_round_trip():
    second = Meeting("salon du livre", dt.date(2027, 3, 14))
    text = build(person(), meetings=(MEETING, second))
    assert read_meetings(text) == [MEETING, second]
    card = vobject.readOne(text)
    assert card.categories.value == ["vernissage", "salon du livre"]
    assert card.note.value.splitlines()[:2] == [meeting_sentence(MEETING), meeting_sentence(second)]


def test_read_meetings_of_a_foreign_vcard_is_empty():
    assert read_meetings("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n") == []
    assert read_meetings("not a vcard") == []


def test_apple_labelled_date_for_each_meeting():
    second = Meeting("salon du livre", dt.date(2027, 3, 14))
    card = vobject.readOne(build(person(), meetings=(MEETING, second)))
    dates = {p.group: p.value for p in card.contents["x-abdate"]}
    labels = {p.group: p.value for p in card.contents["x-ablabel"]}
    assert sorted(zip(dates.values(), (labels[g] for g in dates), strict=True)) == [
        ("2026-11-20", "Rencontré à vernissage"),
        ("2027-03-14", "Rencontré à salon du livre"),
    ]


def test_vcard_4():
    text = build(person(), version="4.0", photo=b"\xff\xd8\xff\xe0fakejpeg")
    card = vobject.readOne(text)
    assert card.version.value == "4.0"
    assert "TEL;TYPE=cell,voice;VALUE=uri:tel:+33612345678\r\n" in text
    assert "tel:+33472001234;ext=240" in text
    assert "PHOTO:data:image/jpeg;base64," in text
    assert card.email.params["TYPE"] == ["work"]
    assert "KIND:org" in build(Contact(organisation=Found("Le Petit Bistrot", 0.8)), version="4.0")


def test_photo_in_vcard_3():
    card = vobject.readOne(build(person(), photo=b"\xff\xd8\xff\xe0fakejpeg"))
    assert card.photo.value == b"\xff\xd8\xff\xe0fakejpeg"
    assert card.photo.params["ENCODING"] == ["b"] and card.photo.params["TYPE"] == ["JPEG"]


def test_merge_adds_what_is_new_and_loses_nothing():
    first = build(person())
    again = build_vcard(
        person(phones=(Found(Phone("+33612345678", "cell"), 0.9), Found(Phone("+33699999999", "cell"), 0.9)),
               emails=(Found("camille@perso-mail.fr", 0.9),), title=Found("Directrice export", 0.9)),
        [Meeting("salon", dt.date(2027, 1, 10))], uid="uid-2", sources=[PhotoSource("IMG_2.jpg", "b" * 64)],
    )
    merged = vobject.readOne(merge_vcard(first, again))
    assert merged.uid.value == "uid-1"
    assert sorted(t.value for t in merged.contents["tel"]) == [
        "+33472001234", "+33472001235", "+33612345678", "+33699999999"]
    assert merged.x_cardscan_extension.value == "+33472001234 ext. 240"
    assert sorted(e.value for e in merged.contents["email"]) == [
        "camille.martin@atelier-lumiere.fr", "camille@perso-mail.fr"]
    assert [t.value for t in merged.contents["title"]] == ["Directrice commerciale", "Directrice export"]
    assert merged.note.value.splitlines() == ["Rencontré à vernissage le 20 novembre 2026",
                                              "Rencontré à salon le 10 janvier 2027", "+33 4 72 00 12 34 poste 240"]
    assert merged.categories.value == ["vernissage", "salon"]
    stored = read_stored(merged.serialize())
    assert stored is not None and stored.photos == ("a" * 64, "b" * 64)


def test_merge_is_idempotent_apart_from_rev():
    first = build(person())
    twice = merge_vcard(merge_vcard(first, first), first)

    def without_rev(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("REV:")]

    assert without_rev(twice) == without_rev(merge_vcard(first, first))
    assert sorted(without_rev(twice)) == sorted(without_rev(first))


def test_merge_keeps_notes_a_person_added():
    first = vobject.readOne(build(person()))
    first.note.value += "\nA rappeler en janvier"
    merged = vobject.readOne(merge_vcard(first.serialize(), build(person(), meetings=(
        Meeting("salon", dt.date(2027, 1, 10)),))))
    assert merged.note.value.splitlines() == ["Rencontré à vernissage le 20 novembre 2026",
                                              "Rencontré à salon le 10 janvier 2027", "+33 4 72 00 12 34 poste 240",
                                              "A rappeler en janvier"]


def test_a_social_profile_is_no_website():
    from pipeline.core.models import SocialProfile

    contact = Contact(websites=(Found("www.atelier-lumiere.fr", 0.9, ()),),
                      social=(Found(SocialProfile("instagram", "instagram.com/atelierlumiere"), 0.9, ()),))
    card = vobject.readOne(build_vcard(contact, meetings=[], uid="u-1", sources=[]))
    assert [u.value for u in card.contents["url"]] == ["https://www.atelier-lumiere.fr"]
    assert [p.value for p in card.contents["x-socialprofile"]] == ["https://instagram.com/atelierlumiere"]


def test_import_details_phones_read():
    text = build(person())
    # the number alone: Android's importer keeps the digits of a TEL (a ',' or ' ext. ' before the
    # extension would make the wrong number +33472001234240), iOS dials letters as keypad digits
    assert "TEL;TYPE=WORK,VOICE:+33472001234\r\n" in text
    assert "X-CARDSCAN-EXTENSION:+33472001234 ext. 240\r\n" in text
    assert "EMAIL;TYPE=INTERNET,WORK:camille.martin@atelier-lumiere.fr\r\n" in text
    # an absolute URI, as RFC 2426 wants and phones need to open it
    assert "URL:https://www.atelier-lumiere.fr\r\n" in text
    card = vobject.readOne(text)
    # the printed form stays readable in the note, under the meeting
    assert card.note.value.splitlines() == ["Rencontré à vernissage le 20 novembre 2026", "+33 4 72 00 12 34 poste 240"]
    english = vobject.readOne(build(person(), lang="en"))
    assert english.note.value.splitlines()[1] == "+33 4 72 00 12 34 ext. 240"
    stored = read_stored(text)
    assert stored is not None and "+33472001234" in stored.phones


def test_a_scheme_printed_is_kept_and_never_doubled():
    from pipeline.core.vcard import absolute_url

    assert absolute_url("http://atelier.fr") == "http://atelier.fr"
    assert absolute_url("HTTPS://atelier.fr/x") == "HTTPS://atelier.fr/x"
    assert absolute_url("atelier.fr:8080/x") == "https://atelier.fr:8080/x"
    assert absolute_url("linkedin.com/in/camille") == "https://linkedin.com/in/camille"


def test_merging_an_old_card_without_scheme_or_extension_note_adds_no_duplicate():
    old = build(person()).replace("URL:https://www.atelier-lumiere.fr", "URL:www.atelier-lumiere.fr")
    old = old.replace("+33472001234,240", "+33472001234 ext. 240")
    merged = vobject.readOne(merge_vcard(old, build(person(), meetings=[Meeting("salon", dt.date(2027, 1, 10))])))
    assert [u.value for u in merged.contents["url"]] == ["www.atelier-lumiere.fr"]
    assert len(merged.contents["tel"]) == 3
    assert merged.note.value.count("poste 240") == 1


def test_a_comma_in_a_number_or_an_address_survives_reading_and_writing_again():
    text = build(person(websites=(Found("https://atelier.fr/a,b;c", 0.9),)))
    assert "URL:https://atelier.fr/a,b;c\r\n" in text
    # a pause typed on a phone and synced back (cardscan writes the number alone)
    text = text.replace("TEL;TYPE=WORK,VOICE:+33472001234\r\n", "TEL;TYPE=WORK,VOICE:+33472001234\\,240\r\n")
    merged = merge_vcard(text, text)
    assert "TEL;TYPE=WORK,VOICE:+33472001234\\,240\r\n" in merged and "URL:https://atelier.fr/a,b;c\r\n" in merged
    card = vobject.readOne(merged)
    assert "+33472001234,240" in [t.value for t in card.contents["tel"]]
    four = build(person(), version="4.0")
    assert "tel:+33472001234;ext=240" in merge_vcard(four, four)


def test_an_extension_written_in_tel_before_moves_out_at_the_next_write():
    """3.0 contacts written by earlier versions held 'TEL:+33… ext. 240': rewritten, the TEL
    holds the number alone and cardscan still shows the extension."""
    from pipeline.core.vcard import card_fields, rename_meeting

    for old_form in ("+33472001234 ext. 240",):
        text = build(person()).replace("TEL;TYPE=WORK,VOICE:+33472001234\r\n", f"TEL;TYPE=WORK,VOICE:{old_form}\r\n")
        text = text.replace("X-CARDSCAN-EXTENSION:+33472001234 ext. 240\r\n", "")
        assert card_fields(VCard(text)).phones[1] == ("work", "+33472001234 ext. 240")
        rewritten = rename_meeting(text, MEETING, Meeting("gala", MEETING.date))
        card = vobject.readOne(rewritten)
        assert sorted(t.value for t in card.contents["tel"]) == ["+33472001234", "+33472001235", "+33612345678"]
        assert card.x_cardscan_extension.value == "+33472001234 ext. 240"
        assert card_fields(VCard(rewritten)).phones[1] == ("work", "+33472001234 ext. 240")
