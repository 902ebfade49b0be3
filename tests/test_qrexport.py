"""QR codes of contacts, decoded by zxing-cpp (a reader this project did not write)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import vobject
from click.testing import CliRunner
from PIL import Image

from pipeline.cli import main
from pipeline.contacts.folder import ContactsFolder
from pipeline.core.models import Address, CardReading, Contact, Found, Meeting, PersonName, Phone
from pipeline.deliver.qr_codes import qr_payload

zxingcpp = pytest.importorskip("zxingcpp")


def write(folder: ContactsFolder, sha: str, name: str, note_words: int = 0, event: str = "vernissage") -> Path:
    contact = Contact(
        name=Found(PersonName(name, *name.split(" ", 1)), 0.9),
        organisation=Found("Atelier Lumière SARL", 0.9),
        title=Found("Directrice <b>commerciale</b>", 0.9),
        phones=(Found(Phone(f"+3361234567{sha}", "cell"), 0.9),),
        emails=(Found(f"{name.split()[0].lower()}@atelier-lumiere.fr", 0.9),),
        addresses=(Found(Address("12 rue des Lilas " + "très long " * note_words, "69003", "Lyon", "", "FR"), 0.9),),
    )
    reading = CardReading(source=f"/p/{sha[:3]}.jpg", sha256=sha * 64, contact=contact,
                          meeting=Meeting(event + " " + "é" * note_words, dt.date(2026, 11, 20)),
                          ocr_confidence=0.9, found_card=True, photo_jpeg=b"\xff\xd8\xff" + bytes(3000))
    return folder.write_contact(reading).path


@pytest.fixture
def folder(tmp_path: Path) -> ContactsFolder:
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    return folder


def decode(path: Path) -> bytes:
    results = zxingcpp.read_barcodes(Image.open(path))
    assert len(results) == 1
    return bytes(results[0].bytes)


def test_png_codes_decode_to_the_compact_vcard_byte_for_byte(folder: ContactsFolder, tmp_path: Path):
    camille = write(folder, "1", "Camille Martin")
    write(folder, "2", "Léa Rousseau")
    result = CliRunner().invoke(main, ["qr", "--contacts", str(folder.root), "-o", str(tmp_path / "qr")])
    assert result.exit_code == 0, result.stderr
    codes = sorted((tmp_path / "qr").glob("*.png"))
    assert len(codes) == 2
    expected = qr_payload(camille.read_bytes().decode()).payload.encode("utf-8")
    assert sorted(p.name for p in codes) == ["camille-martin.png", "lea-rousseau.png"]
    assert "2 QR codes written" in result.stderr and "camille-martin.png" in result.stderr
    assert decode(tmp_path / "qr" / "camille-martin.png") == expected
    card = vobject.readOne(expected.decode())
    assert card.fn.value == "Camille Martin" and card.tel.value == "+33612345671"
    assert "photo" not in card.contents and "rev" not in card.contents
    assert not any(key.startswith("x-cardscan") for key in card.contents)


def test_text_selects_contacts_as_find_does(folder: ContactsFolder, tmp_path: Path):
    write(folder, "1", "Camille Martin")
    lea = write(folder, "2", "Léa Rousseau")
    result = CliRunner().invoke(main, ["qr", "lea", "--contacts", str(folder.root), "-o", str(tmp_path / "qr"),
                                       "--format", "svg"])
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in (tmp_path / "qr").iterdir()] == ["lea-rousseau.svg"]
    assert lea.exists()


def test_a_contact_too_large_loses_whole_properties_note_first(folder: ContactsFolder):
    big = write(folder, "3", "Camille Martin", note_words=400)
    code = qr_payload(big.read_bytes().decode())
    assert code.left_out[0] == "NOTE"
    card = vobject.readOne(code.payload)  # still a whole, parseable vCard
    assert card.fn.value == "Camille Martin" and card.tel.value == "+33612345673"
    assert "note" not in card.contents


def test_warning_for_a_shrunk_contact_and_the_html_page(folder: ContactsFolder, tmp_path: Path):
    write(folder, "3", "Camille Martin", note_words=400, event="gala")
    result = CliRunner().invoke(main, ["qr", "--contacts", str(folder.root), "-o", str(tmp_path / "qr"),
                                       "--format", "html"])
    assert result.exit_code == 0, result.stderr
    assert "warning: Camille Martin: too large for one QR code; left out NOTE" in result.stderr
    page = (tmp_path / "qr" / "index.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 1 and "Camille Martin" in page
    assert "<script" not in page and "http" not in page.split("<svg")[0].lower().replace("http-equiv", "")


def test_file_names_are_unique_slugs_and_never_overwrite(folder: ContactsFolder, tmp_path: Path):
    write(folder, "1", "Camille Martin")
    write(folder, "4", "../../etc/passwd Évrard")
    out = tmp_path / "qr"
    out.mkdir()
    (out / "camille-martin.png").write_bytes(b"someone else's file")
    result = CliRunner().invoke(main, ["qr", "--contacts", str(folder.root), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert (out / "camille-martin.png").read_bytes() == b"someone else's file"
    assert "camille-martin-2.png" in names and "etc-passwd-evrard.png" in names
    assert len(names) == 1 + len(list(folder.people.glob("*.vcf")))
    assert not list(tmp_path.glob("etc*")) and not any(n.startswith(".") for n in names)
    again = CliRunner().invoke(main, ["qr", "camille", "--contacts", str(folder.root), "-o", str(out)])
    assert again.exit_code == 0
    assert (out / "camille-martin.png").read_bytes() == b"someone else's file"  # still never overwritten


def test_namesakes_get_numbered_names(tmp_path: Path):
    from pipeline.deliver.qr_codes import write_new_file

    first = write_new_file(tmp_path, "jean-martin", ".png", b"1")
    second = write_new_file(tmp_path, "jean-martin", ".png", b"2")
    assert (first.name, second.name) == ("jean-martin.png", "jean-martin-2.png")
    assert first.read_bytes() == b"1" and second.read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jean-martin-2.png", "jean-martin.png"]
