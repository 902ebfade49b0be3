"""Editing a vCard line by line: what the review form does not change stays byte for byte.

Property-based (hypothesis): vCards with several of each property the form shows and many it does not,
folded and ordered in any way, go through the whole path of the review page (form read, sent as JSON,
checked, written back): unchanged, only REV and the reviewed mark move; one field edited, only its lines.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.contacts.records import read_stored
from pipeline.core.models import Meeting
from pipeline.core.vcard import AddressItem, MeetingItem, OrgItem, PhoneItem, SocialItem, TextItem, absolute_url
from pipeline.core.vcard_lines import fold_line, parse_lines
from pipeline.deliver.review.form import StaleFormError, apply_form, read_form, remove_meeting
from pipeline.deliver.review.form_json import check_form, form_to_json

from .vcard_strategies import EMAIL, TEXT, URL, VALID_NUMBERS, WORD, vcards

TODAY = dt.date(2027, 2, 3)
NOW = dt.datetime(2027, 2, 3, 10, 11, 12, tzinfo=dt.UTC)
BOOKKEEPING = {"REV", "X-CARDSCAN-REVIEWED"}
MEETING_LINES = {"X-CARDSCAN-EVENT", "X-CARDSCAN-DATE", "NOTE", "CATEGORIES", "X-ABDATE", "X-ABLABEL"}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def through_the_page(text: str, edit=None, region: str = "FR") -> str:
    """What saving from the review page does: form -> JSON (as the page sends it back) -> checked -> written."""
    form = read_form(text)
    body = json.loads(json.dumps(form_to_json(form, region)))
    if edit is not None:
        edit(body)
    checked = check_form(body | {"confirm": True}, form, region)
    assert checked.errors == {}, checked.errors
    return apply_form(text, checked.form, reviewed=TODAY, revision=NOW)


def raw_lines(text: str, leave_out: set[str] = BOOKKEEPING) -> list[str]:
    return [line.raw for line in parse_lines(text) if line.name not in leave_out]


def changed_names(before: str, after: str) -> set[str]:
    old, new = [ln.raw for ln in parse_lines(before)], [ln.raw for ln in parse_lines(after)]
    return {ln.name for ln in parse_lines(before) if ln.raw not in new} | {
        ln.name for ln in parse_lines(after) if ln.raw not in old}


@SETTINGS
@given(vcards())
def test_open_and_save_without_edits_changes_only_rev_and_the_reviewed_mark(text: str):
    assert "".join(line.raw for line in parse_lines(text)) == text  # parsing alone loses nothing
    saved = through_the_page(text)
    assert raw_lines(saved) == raw_lines(text)
    bookkeeping = {ln.name: ln.value for ln in parse_lines(saved) if ln.name in BOOKKEEPING}
    assert bookkeeping == {"REV": NOW.strftime("%Y-%m-%dT%H:%M:%SZ" if "VERSION:3.0" in text else "%Y%m%dT%H%M%SZ"),
                           "X-CARDSCAN-REVIEWED": TODAY.isoformat()}
    assert through_the_page(saved) == saved  # and again: nothing moves


def _edits(draw: st.DrawFn, form: dict) -> tuple[str, str, object]:
    """One edit the page can make: (list or 'name', item index, the new values)."""
    choices = [kind for kind in ("titles", "organisations", "phones", "emails", "websites", "addresses", "social",
                                 "notes", "meetings") if form[kind]]
    kind = draw(st.sampled_from([*choices, "name", "add"]))
    if kind == "name":
        return "name", "", {"given": draw(WORD)}
    if kind == "add":
        target = draw(st.sampled_from(["titles", "phones", "emails", "websites"]))
        value = {"titles": {"value": draw(TEXT).replace("\n", " ")}, "phones": {"number": draw(
            st.sampled_from(VALID_NUMBERS)), "kind": "cell"}, "emails": {"value": draw(EMAIL)},
                 "websites": {"value": draw(URL)}}[target]
        return "add", target, value
    index = draw(st.integers(0, len(form[kind]) - 1))
    new = {
        "titles": lambda: {"value": draw(TEXT).replace("\n", " ") + " x"},
        "organisations": lambda: {"department": draw(TEXT).replace("\n", " ") + " y"},
        "phones": lambda: {"number": draw(st.sampled_from(VALID_NUMBERS)), "kind": "fax"},
        "emails": lambda: {"value": draw(EMAIL)},
        "websites": lambda: {"value": draw(URL) + "/new"},
        "addresses": lambda: {"city": draw(TEXT).replace("\n", " ") + " z"},
        "social": lambda: {"url": draw(URL) + "/me"},
        "notes": lambda: {"value": draw(TEXT) + " (typed)"},
        "meetings": lambda: {"event": "Salon " + draw(WORD), "date": "2031-05-06"},
    }[kind]()
    names_nobody = not form["name"]["given"] and not form["name"]["family"]
    if draw(st.booleans()) and kind != "meetings" and not (kind == "organisations" and names_nobody):
        return "remove", kind, index
    return kind, str(index), new


@SETTINGS
@given(vcards(), st.data())
def test_one_edit_changes_only_its_field(text: str, data: st.DataObject):
    form = json.loads(json.dumps(form_to_json(read_form(text), "FR")))
    what, where, value = _edits(data.draw, form)

    def edit(body: dict) -> None:
        if what == "name":
            body["name"].update(value)
        elif what == "add":
            body[where].append({"ref": None, **value})
        elif what == "remove":
            del body[where][value]
        else:
            body[what][int(where)].update(value)

    saved = through_the_page(text, edit)
    allowed = set(BOOKKEEPING)
    kind = where if what in ("add", "remove") else what
    allowed |= {"name": {"FN", "N", "X-ABSHOWAS", "KIND"}, "titles": {"TITLE"}, "organisations": {"ORG", "FN", "N"},
                "phones": {"TEL", "X-ABLABEL"}, "emails": {"EMAIL"}, "websites": {"URL"}, "addresses": {"ADR"},
                "social": {"X-SOCIALPROFILE"}, "notes": {"NOTE"}, "meetings": MEETING_LINES}[kind]
    assert changed_names(text, saved) <= allowed
    after = json.loads(json.dumps(form_to_json(read_form(saved), "FR")))
    if what == "name":
        assert after["name"]["given"] == value["given"]
    elif what in ("titles", "emails", "websites", "notes"):
        typed = value["value"]
        # a website typed without a scheme is written as an absolute URI (RFC 2426), as a scan writes it
        wanted = {typed, typed.strip()} | ({absolute_url(typed.strip())} if what == "websites" else set())
        assert any(item["value"] in wanted for item in after[what])
    elif what == "remove":
        assert len(after[where]) == len(form[where]) - 1 or where == "notes"
    elif what == "add":
        assert len(after[where]) == len(form[where]) + 1
    elif what == "meetings":
        assert any(m["event"] == value["event"] and m["date"] == value["date"] for m in after["meetings"])
    vobject.readOne(saved)  # still a vCard another program reads


# ---------------------------------------------------------------- examples

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:5f0c0000-0000-5000-8000-000000000001\r\n"
    "ADR;TYPE=work:;;7 Harbour Row;;;;\r\nADR;TYPE=work:;;;London;;EC1A 1BB;GB\r\n"
    "CATEGORIES:vernissage\r\nEMAIL;TYPE=INTERNET:camille@atelier-lumiere.fr\r\nFN:Camille Martin\r\n"
    "N:Martin;Camille;;;\r\nNOTE:Rencontré à vernissage le 20 novembre 2026\\nTyped on my phone\\, later\r\n"
    "ORG:Atelier Lumière SARL;Export\r\nORG:Fondation Lumière\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR\r\n"
    " ofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAAB\r\n"
    "REV:2026-11-20T10:00:00Z\r\nTEL;TYPE=CELL,VOICE:+33612345678\r\nTITLE:Directrice\r\n"
    "item1.X-ABDATE:2026-11-20\r\nitem1.X-ABLABEL:Rencontré à vernissage\r\n"
    "item2.TEL:+33472001234\r\nitem2.X-ABLabel:_$!<Assistant>!$_\r\n"
    "X-CARDSCAN-DATE:2026-11-20\r\nX-CARDSCAN-EVENT:vernissage\r\nX-FOO;X-BAR=\"a:b\":kept\\, as is\r\n"
    "END:VCARD\r\n"
)


def test_the_form_shows_every_value_of_every_property():
    form = read_form(CARD)
    assert [(a.street, a.postcode, a.city) for a in form.addresses] == [("7 Harbour Row", "", ""),
                                                                       ("", "EC1A 1BB", "London")]
    assert [(o.name, o.department) for o in form.organisations] == [("Atelier Lumière SARL", "Export"),
                                                                   ("Fondation Lumière", "")]
    assert [p.number for p in form.phones] == ["+33612345678", "+33472001234"]
    assert [n.value for n in form.notes] == ["Typed on my phone, later"]
    assert form.meetings == (MeetingItem(form.meetings[0].ref, "vernissage", dt.date(2026, 11, 20)),)


def test_saving_unchanged_keeps_both_addresses_and_both_organisations():
    saved = apply_form(CARD, read_form(CARD), reviewed=TODAY, revision=NOW)
    assert raw_lines(saved) == raw_lines(CARD)
    card = vobject.readOne(saved)
    assert len(card.contents["adr"]) == 2 and len(card.contents["org"]) == 2


def test_an_edit_keeps_group_and_parameters_and_the_rest():
    form = read_form(CARD)
    edited = replace(form, phones=(form.phones[0], replace(form.phones[1], number="+33472009999")),
                     addresses=(form.addresses[0], replace(form.addresses[1], city="London; City")))
    saved = apply_form(CARD, edited, revision=NOW)
    assert "item2.TEL:+33472009999\r\n" in saved
    assert "item2.X-ABLabel:_$!<Assistant>!$_\r\n" in saved
    assert "ADR;TYPE=work:;;;London\\; City;;EC1A 1BB;GB\r\n" in saved
    assert changed_names(CARD, saved) == {"TEL", "ADR", "REV"}


def test_removing_a_grouped_phone_takes_its_apple_label_with_it():
    form = read_form(CARD)
    saved = apply_form(CARD, replace(form, phones=form.phones[:1]), revision=NOW)
    assert "item2." not in saved
    assert "item1.X-ABLABEL" in saved  # the meeting's own item stays


def test_a_phone_type_change_rewrites_only_its_type():
    form = read_form(CARD)
    saved = apply_form(CARD, replace(form, phones=(replace(form.phones[0], kind="fax"), form.phones[1])),
                       revision=NOW)
    assert "TEL;TYPE=WORK,FAX:+33612345678\r\n" in saved


def test_new_values_are_escaped_and_folded():
    form = read_form(CARD)
    hostile = "ACME\nEND:VCARD\r\nBEGIN:VCARD; x, y\\ " + "é" * 60
    saved = apply_form(CARD, replace(form, titles=(*form.titles, TextItem(None, hostile))), revision=NOW)
    cards = list(vobject.readComponents(saved))
    assert len(cards) == 1
    assert [t.value for t in cards[0].contents["title"]] == ["Directrice", hostile.replace("\r\n", "\n")]
    for line in saved.split("\r\n"):
        if line not in CARD:  # the lines written now; the others are kept as they were
            assert len(line.encode("utf-8")) <= 75


def test_a_company_card_gets_the_persons_name_and_back():
    company = CARD.replace("FN:Camille Martin", "FN:Atelier Lumière SARL").replace(
        "N:Martin;Camille;;;", "N:Atelier Lumière SARL;;;;\r\nX-ABSHOWAS:COMPANY")
    form = read_form(company)
    assert form.is_company and not form.name.is_person
    named = apply_form(company, replace(form, name=replace(form.name, given="Camille", family="Martin")), revision=NOW)
    assert "X-ABSHOWAS" not in named and "FN:Camille Martin\r\n" in named
    again = read_form(named)
    back = apply_form(named, replace(again, name=replace(again.name, given="", family="")), revision=NOW)
    assert "X-ABSHOWAS:COMPANY" in back and "FN:Atelier Lumière SARL\r\n" in back


def test_changing_the_meeting_refiles_it_everywhere():
    form = read_form(CARD)
    moved = MeetingItem(form.meetings[0].ref, "Salon du livre", dt.date(2027, 3, 14))
    saved = apply_form(CARD, replace(form, meetings=(moved,)), revision=NOW)
    stored = read_stored(saved)
    assert stored is not None and stored.meetings == (Meeting("Salon du livre", dt.date(2027, 3, 14)),)
    card = vobject.readOne(saved)
    assert card.note.value == "Rencontré à Salon du livre le 14 mars 2027\nTyped on my phone, later"
    assert card.categories.value == ["Salon du livre"]
    assert {p.group: p.value for p in card.contents["x-ablabel"]}["item1"] == "Rencontré à Salon du livre"
    assert {p.group: p.value for p in card.contents["x-abdate"]}["item1"] == "2027-03-14"
    assert "item2.X-ABLabel:_$!<Assistant>!$_" in saved


def test_removing_a_meeting_keeps_everything_else():
    second = CARD.replace("X-CARDSCAN-EVENT:vernissage\r\n", "X-CARDSCAN-EVENT:vernissage\r\nX-CARDSCAN-EVENT:salon\r\n"
                          ).replace("X-CARDSCAN-DATE:2026-11-20\r\n",
                                    "X-CARDSCAN-DATE:2026-11-20\r\nX-CARDSCAN-DATE:2027-01-10\r\n")
    saved = remove_meeting(second, Meeting("vernissage", dt.date(2026, 11, 20)), revision=NOW)
    stored = read_stored(saved)
    assert stored is not None and stored.meetings == (Meeting("salon", dt.date(2027, 1, 10)),)
    assert "Typed on my phone" in saved and "item1." not in saved and "PHOTO;" in saved
    assert changed_names(second, saved) <= MEETING_LINES | {"REV"}


def test_a_form_read_from_another_version_of_the_file_is_refused():
    form = read_form(CARD)
    stale = replace(form, titles=(TextItem(999, "x"),))
    with pytest.raises(StaleFormError):
        apply_form(CARD, stale)


def test_unedited_typed_values_are_not_normalised():
    typed = CARD.replace("TEL;TYPE=CELL,VOICE:+33612345678", "TEL;TYPE=CELL:06 12 34 56 78")
    assert raw_lines(through_the_page(typed)) == raw_lines(typed)


def test_folding_is_linear_and_exact():
    long_value = "é" * 200_000
    folded = fold_line(f"NOTE:{long_value}")
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert parse_lines(folded)[0].value == long_value


def test_items_of_each_kind_are_dataclasses_the_form_compares():
    # unchanged items compare equal, so the write leaves their lines alone
    assert PhoneItem(1, "+33612345678", "cell") == PhoneItem(1, "+33612345678", "cell")
    assert OrgItem(1, "A") != OrgItem(1, "A", "B")
    assert AddressItem(1, city="Lyon") != AddressItem(1, city="Lyon ")
    assert SocialItem(1, "linkedin", "x") == SocialItem(1, "linkedin", "x")
