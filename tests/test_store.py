"""The contacts folder: layout, safe names, atomic writes, event files."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.contacts.folder import ContactsFolder, atomic_write, check_event_name, contact_uid, event_slug
from pipeline.core.errors import BadArgumentsError, OutputError
from pipeline.core.models import CardReading, Contact, Found, Meeting, PersonName


def reading(sha: str, event: str = "vernissage", name: str = "Camille Martin") -> CardReading:
    contact = Contact(name=Found(PersonName(name, *name.split(" ", 1)), 0.9))
    return CardReading(source=f"/photos/{sha}.jpg", sha256=sha, contact=contact,
                       meeting=Meeting(event, dt.date(2026, 11, 20)), ocr_confidence=0.9, found_card=True)


@pytest.mark.parametrize(
    ("event", "slug"),
    [
        ("Vernissage", "vernissage"),
        ("Salon du Livre — Paris 2026", "salon-du-livre-paris-2026"),
        ("../../etc", "etc"),
        ("/etc/passwd", "etc-passwd"),
        ("..", "event"),
        ("Été à Montréal", "ete-a-montreal"),
    ],
)
def test_event_slug_is_a_plain_file_name(event, slug):
    assert event_slug(event) == slug


def test_long_slug_is_cut():
    assert len(event_slug("x" * 90)) <= 60


def test_event_name_checks():
    assert check_event_name("  vernissage   galerie  ") == "vernissage galerie"
    with pytest.raises(BadArgumentsError, match="too long"):
        check_event_name("x" * 300)
    with pytest.raises(BadArgumentsError, match="empty"):
        check_event_name("   ")
    with pytest.raises(BadArgumentsError, match="control"):
        check_event_name("vernissage\nEND:VCARD")


def test_uid_depends_on_the_photo_only():
    assert contact_uid("a" * 64) == contact_uid("a" * 64)
    assert contact_uid("a" * 64) != contact_uid("b" * 64)


def test_layout_and_event_file(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    first = folder.write_contact(reading("a" * 64)).path
    folder.write_contact(reading("b" * 64, name="Jean Dupont"))
    written = folder.rebuild_event_files({Meeting("vernissage", dt.date(2026, 11, 20))})
    assert first.parent == tmp_path / "contacts" / "people"
    assert first.name == f"{contact_uid('a' * 64)}.vcf"
    assert written == [tmp_path / "contacts" / "events" / "2026-11-20_vernissage.vcf"]
    events_text = written[0].read_text(encoding="utf-8")
    assert events_text.count("BEGIN:VCARD") == 2
    assert "Camille Martin" in events_text and "Jean Dupont" in events_text


def test_hostile_event_name_stays_inside_the_folder(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(reading("a" * 64, event="../../../etc"))
    written = folder.rebuild_event_files({Meeting("../../../etc", dt.date(2026, 11, 20))})
    assert written == [tmp_path / "contacts" / "events" / "2026-11-20_etc.vcf"]
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.vcf"))[0].parts[0] == "contacts"


def test_same_photo_again_rewrites_the_same_contact_and_keeps_its_meetings(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    path1 = folder.write_contact(reading("a" * 64, event="vernissage")).path
    second = folder.write_contact(reading("a" * 64, event="salon"))
    assert path1 == second.path
    assert [m.event for m in second.stored.meetings] == ["vernissage", "salon"]
    assert len(list((tmp_path / "contacts" / "people").iterdir())) == 1


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path):
    target = tmp_path / "x.vcf"
    atomic_write(target, "BEGIN:VCARD\r\nEND:VCARD\r\n")
    assert target.read_bytes() == b"BEGIN:VCARD\r\nEND:VCARD\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.vcf"]


def test_atomic_write_failure_keeps_the_old_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "x.vcf"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pipeline.contacts.folder.os.replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.vcf"]


def test_unwritable_folder_is_reported(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write the contacts folder"):
        ContactsFolder(blocker / "contacts").prepare()


def card(sha: str, event: str, name: str, org: str = "", email: str = "", phone: str = "",
         day: int = 20, phone_kind: str = "cell") -> CardReading:
    from pipeline.core.models import Phone

    contact = Contact(
        name=Found(PersonName(name, *name.split(" ", 1)), 0.9),
        organisation=Found(org, 0.9) if org else None,
        emails=(Found(email, 0.9),) if email else (),
        phones=(Found(Phone(phone, phone_kind), 0.9),) if phone else (),
    )
    return CardReading(source=f"/photos/{sha[:4]}.jpg", sha256=sha, contact=contact,
                       meeting=Meeting(event, dt.date(2026, 11, day)), ocr_confidence=0.9, found_card=True)


@pytest.mark.parametrize(
    "again",
    [
        dict(email="camille.martin@atelier-lumiere.fr"),
        dict(phone="+33612345678"),
        dict(org="Atelier Lumière"),
    ],
    ids=["same e-mail", "same phone", "same name and company"],
)
def test_meeting_someone_again_updates_their_contact(tmp_path: Path, again):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    first = folder.write_contact(card("a" * 64, "vernissage", "Camille Martin", org="Atelier Lumière",
                                      email="camille.martin@atelier-lumiere.fr", phone="+33612345678"))
    second = folder.write_contact(card("b" * 64, "salon", "Camille Martin", day=27, **again))
    assert second.path == first.path
    assert second.merged_with is not None and second.merged_with.full_name == "Camille Martin"
    assert [m.event for m in second.stored.meetings] == ["vernissage", "salon"]
    assert len(list(folder.people.iterdir())) == 1
    written = folder.rebuild_event_files(second.stored.meetings)
    assert [p.name for p in written] == ["2026-11-20_vernissage.vcf", "2026-11-27_salon.vcf"]
    for path in written:
        assert "Camille Martin" in path.read_text(encoding="utf-8")


def test_namesakes_at_different_companies_stay_two_people(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(card("a" * 64, "vernissage", "Jean Martin", org="Boulangerie Martin", phone="+33612345678"))
    other = folder.write_contact(card("b" * 64, "salon", "Jean Martin", org="Martin Avocats", phone="+33698765432"))
    assert other.merged_with is None
    assert len(list(folder.people.iterdir())) == 2


def test_no_merge_keeps_each_card(tmp_path: Path):
    from pipeline.contacts.folder import WriteOptions

    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(card("a" * 64, "vernissage", "Camille Martin", email="c@atelier-lumiere.fr"))
    second = folder.write_contact(card("b" * 64, "salon", "Camille Martin", email="c@atelier-lumiere.fr"),
                                  WriteOptions(merge=False))
    assert second.merged_with is None
    assert len(list(folder.people.iterdir())) == 2


def test_a_photo_merged_into_someone_is_recognised_when_read_again(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(card("a" * 64, "vernissage", "Camille Martin", email="c@atelier-lumiere.fr"))
    merged = folder.write_contact(card("b" * 64, "salon", "Camille Martin", email="c@atelier-lumiere.fr"))
    again = ContactsFolder(tmp_path / "contacts").write_contact(
        card("b" * 64, "salon", "Camille Martin", email="c@atelier-lumiere.fr"))
    assert again.path == merged.path
    assert again.merged_with is None  # the same photo, not a new meeting
    assert len(list(folder.people.iterdir())) == 1


def colleague(sha: str, name: str, **fields) -> CardReading:
    return card(sha, "salon", name, org="Transalpina SA", phone_kind="work", **fields)  # the switchboard


@pytest.mark.parametrize("shared", [dict(phone="+41223104560"), dict(email="contact@transalpina.ch")],
                         ids=["switchboard", "contact mailbox"])
def test_colleagues_sharing_a_switchboard_or_mailbox_stay_two_people(tmp_path: Path, shared):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(colleague("a" * 64, "Anna Keller", **shared))
    other = folder.write_contact(colleague("b" * 64, "Marc Favre", **shared))
    assert other.merged_with is None
    assert len(list(folder.people.iterdir())) == 2


def test_a_card_without_a_name_joins_nobody_through_a_switchboard(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(colleague("a" * 64, "Anna Keller", phone="+41223104560"))
    company_card = colleague("b" * 64, "x", phone="+41223104560")
    company_card = replace(company_card, contact=replace(company_card.contact, name=None))
    assert folder.write_contact(company_card).merged_with is None


def test_the_same_mobile_joins_a_name_read_slightly_differently(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(card("a" * 64, "vernissage", "José Prado", phone="+5511999301122"))
    again = folder.write_contact(card("b" * 64, "salon", "Fose Prado", phone="+5511999301122"))
    assert again.merged_with is not None
