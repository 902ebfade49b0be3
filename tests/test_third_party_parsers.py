"""The vCards and CSV files we write, read by parsers this project did not write.

- vobject: round trip.
- the PyPI ``vcard`` validator (strict RFC 2426), with its known mistakes documented below.
- ez-vcard, the Java library DAVx5 uses on Android (Debian: libez-vcard-java, libvinnie-java),
  through tests/java/VCardCheck.java: zero parse or validation warnings.
- khard, listing the contacts folder as an address book.
CI installs all of them (tools/install_parsers.sh); on a machine without Java or khard those
tests are skipped, with the reason shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import vobject

from pipeline.contacts.folder import ContactsFolder, WriteOptions
from pipeline.contacts.queries import people_met_at
from pipeline.core.models import Address, CardReading, Contact, Found, Meeting, PersonName, Phone, SocialProfile
from pipeline.deliver.export import GOOGLE_HEADER, OUTLOOK_HEADER, export_people

HOSTILE = "ACME;\\, Inc.\r\nEND:VCARD\r\nBEGIN:VCARD"


def contacts_of_every_kind() -> list[tuple[str, Contact]]:
    full = Contact(
        name=Found(PersonName("Jean-François Dupont", "Jean-François", "Dupont", prefix="M."), 0.9),
        title=Found("Directeur général", 0.9),
        organisation=Found("Dupont & Fils SARL", 0.9),
        department=Found("Direction", 0.8),
        phones=(Found(Phone("+33612345678", "cell"), 0.9), Found(Phone("+33142685300", "work", "240"), 0.9),
                Found(Phone("+33142685301", "fax"), 0.9), Found(Phone("+33142685302", "other"), 0.9)),
        emails=(Found("jf.dupont@dupont-fils.fr", 0.9),),
        websites=(Found("www.dupont-fils.fr", 0.9),),
        addresses=(Found(Address("12 rue des Lilas, BP 42", "69003", "Lyon CEDEX 03", "", "FR"), 0.9),),
        social=(Found(SocialProfile("linkedin", "linkedin.com/in/jfdupont"), 0.9),),
    )
    company = Contact(organisation=Found("Le Petit Bistrot", 0.8), phones=(Found(Phone("+33143312087", "work"), 0.9),))
    hostile = Contact(name=Found(PersonName("Mallory Évrard", "Mallory", "Évrard"), 0.5),
                      organisation=Found(HOSTILE, 0.4), title=Found("Chef; de, projet\\n", 0.4))
    long_text = Contact(name=Found(PersonName("Éloïse Bérénice Château-Lévêque", "Éloïse Bérénice", "Château-Lévêque"),
                                   0.9), title=Found("Responsable " + "développement durable et " * 6, 0.9))
    return [("full", full), ("company", company), ("hostile", hostile), ("long", long_text)]


@pytest.fixture(scope="module", params=["3.0", "4.0"])
def folder(request, tmp_path_factory) -> ContactsFolder:
    root = tmp_path_factory.mktemp(f"parsers-{request.param}") / "contacts"
    folder = ContactsFolder(root)
    folder.prepare()
    options = WriteOptions(version=request.param)
    for index, (label, contact) in enumerate(contacts_of_every_kind()):
        reading = CardReading(source=f"/photos/{label}.jpg", sha256=f"{index:064d}", contact=contact,
                              meeting=Meeting("Vernissage; galerie, Nord", dt.date(2026, 11, 20)),
                              ocr_confidence=0.9, found_card=True,
                              photo_jpeg=b"\xff\xd8\xff\xe0" + bytes(200) if label == "full" else None)
        folder.write_contact(reading, options)
    # the full contact met again elsewhere: a merged card
    again = CardReading(source="/photos/again.jpg", sha256="f" * 64, contact=contacts_of_every_kind()[0][1],
                        meeting=Meeting("Salon du livre", dt.date(2027, 3, 14)), ocr_confidence=0.9, found_card=True)
    folder.write_contact(again, options)
    folder.rebuild_event_files({Meeting("Vernissage; galerie, Nord", dt.date(2026, 11, 20)),
                                Meeting("Salon du livre", dt.date(2027, 3, 14))})
    return folder


def vcf_files(folder: ContactsFolder) -> list[Path]:
    return sorted(folder.people.glob("*.vcf")) + sorted(folder.events.glob("*.vcf"))


def test_vobject_round_trip(folder: ContactsFolder):
    for path in vcf_files(folder):
        text = path.read_text(encoding="utf-8")
        for card in vobject.readComponents(text):
            again = vobject.readOne(card.serialize())
            assert {k: [p.value for p in v] for k, v in again.contents.items() if k != "photo"} == {
                k: [p.value for p in v] for k, v in card.contents.items() if k != "photo"}


def test_hostile_text_is_one_value(folder: ContactsFolder):
    hostile = [p for p in folder.people.glob("*.vcf") if "Mallory" in p.read_text(encoding="utf-8")]
    cards = list(vobject.readComponents(hostile[0].read_text(encoding="utf-8")))
    assert len(cards) == 1
    assert cards[0].org.value[0] == HOSTILE.replace("\r\n", "\n")


def test_files_are_utf8_crlf_without_bom_and_folded(folder: ContactsFolder):
    for path in vcf_files(folder):
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\n" not in data.replace(b"\r\n", b"")
        for line in data.split(b"\r\n"):
            assert len(line) <= 75
            line.decode("utf-8")  # no character split by folding


# ---------------------------------------------------------------- the PyPI vcard validator (RFC 2426)

def rfc2426_errors(text: str, tmp_path: Path) -> str:
    from vcard.vcard_validator import validate_file

    path = tmp_path / "check.vcf"
    path.write_text(text, encoding="utf-8", newline="")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its "default TYPE can be removed" notes are advice, not errors
        return validate_file(str(path), False)


def test_rfc2426_validator_accepts_our_3_0_cards(folder: ContactsFolder, tmp_path: Path):
    pytest.importorskip("vcard")
    if "VERSION:3.0" not in next(folder.people.glob("*.vcf")).read_text(encoding="utf-8"):
        pytest.skip("RFC 2426 is vCard 3.0")
    for path in vcf_files(folder):
        text = path.read_bytes().decode("utf-8")
        assert rfc2426_errors(as_rfc2426_sees_it(text), tmp_path) == "", path.name


def as_rfc2426_sees_it(text: str) -> str:
    """Our cards less the construct the validator refuses, documented in a test of its own."""
    return "".join(line for line in text.splitlines(True) if not re.match(r"item\d+\.", line))


def test_websites_are_absolute_uris(folder: ContactsFolder, tmp_path: Path):
    """A website printed 'www.dupont-fils.fr' is written 'https://www.dupont-fils.fr': RFC 2426 wants an
    absolute URI (the validator refuses the printed form), and a phone opens it as a link. The --json
    output keeps it as printed."""
    pytest.importorskip("vcard")
    full = next(p for p in folder.people.glob("*.vcf") if "Jean-François" in p.read_text(encoding="utf-8"))
    card = vobject.readOne(full.read_text(encoding="utf-8"))
    assert [u.value for u in card.contents["url"]] == ["https://www.dupont-fils.fr"]
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\nN:B;A;;;\r\nURL:www.exemple.fr\r\nEND:VCARD\r\n"
    assert "Invalid URI" in rfc2426_errors(text, tmp_path)
    assert rfc2426_errors(text.replace("URL:", "URL:https://"), tmp_path) == ""


def test_rfc2426_validator_mistake_grouped_properties(tmp_path: Path):
    """The validator wants every line of a vCard in one group, but RFC 2426 section 4 groups per property.

    Apple's ``item1.X-ABDATE`` + ``item1.X-ABLabel`` (our labelled meeting date) is such a group;
    ez-vcard and vobject accept it, and iPhones need it.
    """
    pytest.importorskip("vcard")
    text = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\nN:B;A;;;\r\n"
            "item1.X-ABDATE:2026-11-20\r\nitem1.X-ABLABEL:Rencontré à vernissage\r\nEND:VCARD\r\n")
    assert "Group mismatch" in rfc2426_errors(text, tmp_path)
    assert vobject.readOne(text).x_abdate.group == "item1"


def test_rfc2426_validator_mistake_characters_outside_latin1(tmp_path: Path):
    """The validator allows only Latin-1, but RFC 2426 text is any charset (we write UTF-8, as phones read)."""
    pytest.importorskip("vcard")
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Łukasz Wróbel\r\nN:Wróbel;Łukasz;;;\r\nEND:VCARD\r\n"
    assert rfc2426_errors(text, tmp_path) != ""
    assert rfc2426_errors(text.replace("Ł", "L"), tmp_path) == ""


# ---------------------------------------------------------------- ez-vcard (DAVx5 on Android)

# ez-vcard's 3.0 validator knows only INTERNET, X400 and PREF for EMAIL, and says so of WORK (W09). RFC 2426
# allows other types; Apple and Google write TYPE=WORK on EMAIL in 3.0, and Android's importer reads it as a
# work address (with INTERNET alone it files the address under a custom label "INTERNET").
EMAIL_WORK_TYPE = re.compile(r'\[Email\] \| W09: TYPE parameter value \("work"\) is not supported by this '
                             r'property in this vCard version\. \| ')


def ez_vcard_problems(stdout: str) -> list[str]:
    """ez-vcard's warnings, less the one documented above."""
    problems = []
    for line in stdout.splitlines():
        if ": validate: " in line:
            rest = EMAIL_WORK_TYPE.sub("", line.split(": validate: ", 1)[1]).strip(" |")
            if rest:
                problems.append(line)
        elif ": parse: " in line or ": no vCard" in line:
            problems.append(line)
    return problems


def test_ez_vcard_reads_everything_without_a_warning(folder: ContactsFolder, ez_vcard: list[str]):
    files = [str(p) for p in vcf_files(folder)]
    result = subprocess.run([*ez_vcard, *files], capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1) and ez_vcard_problems(result.stdout) == [], result.stdout + result.stderr
    oks = [line for line in result.stdout.splitlines() if ": ok " in line]
    assert len(oks) >= len(files)
    full = next(line for line in oks if "Jean-François Dupont" in line)
    assert "TEL=4" in full and "EMAIL=1" in full and "PHOTO=1" in full
    # what DAVx5 hands to Android: the number alone in 3.0 (its extension in the note), a work e-mail
    tels = re.search(r"TELS=\[([^\]]*)\]", full).group(1).split(", ")  # type: ignore[union-attr]
    if " 3.0 " in full:
        assert "+33142685300" in tels and not any("240" in t for t in tels), tels
        assert "EMAIL-TYPES=[[internet, work]]" in full
    else:
        assert "tel:+33142685300;ext=240" in full and "EMAIL-TYPES=[[work]]" in full


# ---------------------------------------------------------------- khard

def test_khard_lists_the_folder(folder: ContactsFolder, tmp_path: Path):
    khard = shutil.which("khard") or str(Path(sys.executable).parent / "khard")
    if not Path(khard).exists():
        pytest.skip("khard is not installed")
    config = tmp_path / "khard.conf"
    config.write_text(f"[addressbooks]\n[[cards]]\npath = {folder.people}\n[general]\ndefault_action = list\n",
                      encoding="utf-8")
    result = subprocess.run([khard, "-c", str(config), "list", "--parsable"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    for name in ("Jean-François Dupont", "Le Petit Bistrot", "Mallory Évrard"):
        assert name in result.stdout


# ---------------------------------------------------------------- CSV for Google and Outlook

def test_google_and_outlook_csv(folder: ContactsFolder):
    people = people_met_at(folder, "vernissage; galerie, nord")
    assert len(people) == 4
    google = list(csv.reader(io.StringIO(export_people(people, "google-csv").decode("utf-8"))))
    assert google[0] == GOOGLE_HEADER
    row = dict(zip(google[0], next(r for r in google[1:] if "Dupont" in r), strict=True))
    assert row["Labels"] == "* myContacts ::: Vernissage; galerie, Nord ::: Salon du livre"
    assert row["Phone 1 - Label"] == "Mobile" and row["Phone 1 - Value"] == "+33612345678"
    assert row["Phone 2 - Label"] == "Work" and row["Phone 2 - Value"] == "+33142685300,240"  # dialled as is
    assert row["E-mail 1 - Label"] == "Work" and row["Website 1 - Value"] == "https://www.dupont-fils.fr"
    # each meeting as a dated item, where Google's own export puts it
    assert google[0][-6:] == ["Event 1 - Label", "Event 1 - Value", "Event 2 - Label", "Event 2 - Value",
                              "Event 3 - Label", "Event 3 - Value"]
    assert (row["Event 1 - Label"], row["Event 1 - Value"]) == ("Rencontré à Vernissage; galerie, Nord", "2026-11-20")
    assert (row["Event 2 - Label"], row["Event 2 - Value"]) == ("Rencontré à Salon du livre", "2027-03-14")
    assert row["Event 3 - Label"] == row["Event 3 - Value"] == ""
    raw = export_people(people, "outlook-csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    outlook = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert outlook[0] == OUTLOOK_HEADER
    row = dict(zip(outlook[0], next(r for r in outlook[1:] if "Dupont" in r), strict=True))
    assert row["Mobile Phone"] == "+33612345678" and row["Business Fax"] == "+33142685301"
    assert row["Categories"] == "Vernissage; galerie, Nord;Salon du livre"
    assert "Rencontré à Vernissage; galerie, Nord" in row["Notes"]
    hostile = next(r for r in outlook[1:] if "Mallory" in r)
    assert all(not cell.startswith("=") for cell in hostile)
