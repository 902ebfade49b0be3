"""End to end: the real command, the real Tesseract, the sample photos in samples/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import vobject

from pipeline.contacts.folder import LOCK_NAME

from .conftest import SAMPLES, expected_for, neural_installed, requires_neural, requires_tesseract, sample_photos

pytestmark = [pytest.mark.e2e, requires_tesseract]


def cardscan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=600)


def engines() -> list[str]:
    # the default (PP-OCRv6 when RapidOCR is installed) and Tesseract alone, which must work with nothing extra
    return ["auto", "tesseract"] if neural_installed() else ["tesseract"]


@pytest.fixture(scope="module", params=engines())
def run(request, tmp_path_factory) -> dict:
    contacts = tmp_path_factory.mktemp("e2e") / "contacts"
    result = cardscan(str(SAMPLES), "--event", "Vernissage galerie Nord", "--contacts", str(contacts), "--json",
                      "--engine", request.param)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return {"result": result, "records": {Path(r["source"]).name: r for r in records}, "contacts": contacts}


def vcard_of(run: dict, photo: Path):
    record = run["records"][photo.name]
    assert record["status"] == "ok", record["error"]
    return vobject.readOne(Path(record["vcard"]).read_text(encoding="utf-8"))


def test_every_sample_is_filed(run):
    assert run["result"].returncode == 0, run["result"].stderr
    assert set(run["records"]) == {p.name for p in sample_photos()}
    assert f"{len(sample_photos())} cards written" in run["result"].stderr


@pytest.mark.parametrize("photo", sample_photos(), ids=lambda p: p.stem)
def test_sample_vcard_contents(run, photo: Path):
    want = expected_for(photo)
    card = vcard_of(run, photo)
    if want["name"]:
        assert card.fn.value == want["name"]["full"]
        assert (card.n.value.given, card.n.value.family) == (want["name"]["given"], want["name"]["family"])
    else:
        assert card.x_abshowas.value == "COMPANY"
    tels = sorted(t.value for t in card.contents.get("tel", []))
    assert tels == sorted(p["number"] for p in want["phones"])
    emails = sorted(e.value for e in card.contents.get("email", []))
    assert emails == sorted(want["emails"])
    assert card.note.value.startswith("Rencontré à Vernissage galerie Nord le 20 novembre 2026")
    assert card.categories.value == ["Vernissage galerie Nord"]
    assert card.x_cardscan_source.value == photo.name


@pytest.mark.parametrize("photo", sample_photos(), ids=lambda p: p.stem)
def test_sample_phone_types(run, photo: Path):
    want = {p["number"]: p["type"] for p in expected_for(photo)["phones"]}
    card = vcard_of(run, photo)
    kinds = {"CELL": "cell", "FAX": "fax"}
    for tel in card.contents.get("tel", []):
        types = tel.params["TYPE"]
        got = next((kinds[t] for t in types if t in kinds), "work")
        assert got == want[tel.value]


def test_event_file_lists_everyone(run):
    events = run["contacts"] / "events" / "2026-11-20_vernissage-galerie-nord.vcf"
    cards = list(vobject.readComponents(events.read_text(encoding="utf-8")))
    assert len(cards) == len(sample_photos())


def test_running_again_changes_nothing_but_rev(run):
    people = run["contacts"] / "people"
    before = {p.name: p.read_text(encoding="utf-8") for p in people.iterdir()}
    again = cardscan(str(SAMPLES), "--event", "Vernissage galerie Nord", "--contacts", str(run["contacts"]), "-q")
    assert again.returncode == 0
    after = {p.name: p.read_text(encoding="utf-8") for p in people.iterdir()}
    assert set(after) == set(before)

    def without_rev(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith("REV:"))

    assert {k: without_rev(v) for k, v in after.items()} == {k: without_rev(v) for k, v in before.items()}


def test_no_temporary_files_are_left(run):
    leftovers = [p for p in run["contacts"].rglob("*") if (p.name.startswith(".") or p.suffix == ".tmp")
                 and p.name != LOCK_NAME]  # the folder's lock file stays: removing it would race its holders
    assert leftovers == []


def test_json_stdout_has_only_json(run):
    for line in run["result"].stdout.splitlines():
        record = json.loads(line)
        assert set(record) >= {"source", "status", "vcard", "error", "contact"}


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_each_quarter_turn_is_read_upright(tmp_path: Path, degrees: int):
    from PIL import Image

    from pipeline.batch import ScanOptions, read_photo

    photo = tmp_path / f"turned{degrees}.jpg"
    Image.open(SAMPLES / "fr-cabinet-dupont.jpg").rotate(degrees, expand=True).save(photo, quality=90)
    [reading] = read_photo(str(photo), ScanOptions(event="x"))
    assert reading.contact.name is not None
    assert reading.contact.name.value.full == "Jean-François Dupont"
    assert [p.value.number for p in reading.contact.phones] == ["+33145002718", "+33698765432"]


def test_two_cards_in_one_photo_are_two_contacts(tmp_path: Path):
    import numpy as np
    from PIL import Image

    from pipeline.read.load import load_photo
    from pipeline.read.locate import straighten

    cards = [straighten(load_photo(SAMPLES / name).pixels).pixels[:, :, ::-1]
             for name in ("fr-atelier-lumiere.jpg", "en-northwind.jpg")]
    table = Image.new("RGB", (2800, 1100), (92, 70, 52))  # a wooden table
    for index, pixels in enumerate(cards):
        card = Image.fromarray(np.ascontiguousarray(pixels)).resize((1200, 780))
        table.paste(card, (100 + index * 1400, 160))
    photo = tmp_path / "two-cards.jpg"
    table.save(photo, quality=90)
    contacts = tmp_path / "contacts"
    result = cardscan(str(photo), "--event", "salon", "--contacts", str(contacts), "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["contact"]["name"]["full"] for r in records] == ["Camille Martin", "Olivia Bennett"]
    assert len({r["vcard"] for r in records}) == 2
    again = cardscan(str(photo), "--event", "salon", "--contacts", str(contacts), "-q")
    assert again.returncode == 0
    assert len(list((contacts / "people").glob("*.vcf"))) == 2  # the same photo again: the same two contacts


@requires_neural
def test_a_wrong_crop_falls_back_to_the_whole_photo(monkeypatch):
    import numpy as np

    import pipeline.batch as batch
    from pipeline.core.models import CardImage

    blank_panel = CardImage(pixels=np.full((400, 700, 3), 40, np.uint8), found_card=True, rotation=0)
    monkeypatch.setattr(batch, "straighten_all", lambda pixels: [blank_panel])
    [reading] = batch.read_photo(str(SAMPLES / "fr-atelier-lumiere.jpg"), batch.ScanOptions(event="x"))
    assert not reading.found_card
    assert reading.contact.name is not None and reading.contact.name.value.full == "Camille Martin"


def test_a_photo_is_freed_as_soon_as_it_is_read(monkeypatch):
    # a photo caught in a reference cycle stays in memory until the garbage collector comes round:
    # over a batch, memory would grow by whole photos
    import gc

    import numpy as np

    import pipeline.batch as batch
    from pipeline.core.models import CardImage

    blank_panel = CardImage(pixels=np.full((400, 700, 3), 40, np.uint8), found_card=True, rotation=0)
    monkeypatch.setattr(batch, "straighten_all", lambda pixels: [blank_panel])
    options = batch.ScanOptions(event="x")
    batch.read_photo(str(SAMPLES / "fr-atelier-lumiere.jpg"), options)  # models and lexicons loaded once
    gc.collect()
    for photo in ("fr-atelier-lumiere.jpg", "en-northwind.jpg"):
        batch.read_photo(str(SAMPLES / photo), options)
        assert gc.collect() == 0, photo
    monkeypatch.setattr(batch, "straighten_all", lambda pixels: [CardImage(blank_panel.pixels, True, 0)])
    monkeypatch.setattr(batch, "whole_photo", lambda pixels: blank_panel)
    with pytest.raises(batch.NoTextError):
        batch.read_photo(str(SAMPLES / "en-northwind.jpg"), options)
    assert gc.collect() == 0


def panel_card_photo(path: Path) -> None:
    """A light card invisible on a table of its own colour, whose lower part is a dark panel holding the
    contact lines: the panel's outline is the only sharp one in the photo, and it is card-shaped."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    fonts = Path("/usr/share/fonts/truetype/dejavu")
    if not fonts.is_dir():
        pytest.skip("needs the DejaVu fonts (fonts-dejavu-core)")
    paper, panel = (228, 228, 226), (31, 78, 121)
    card = Image.new("RGB", (1600, 1000), paper)
    draw = ImageDraw.Draw(card)
    bold, regular = fonts / "DejaVuSans-Bold.ttf", fonts / "DejaVuSans.ttf"
    draw.rectangle([0, 330, 1600, 1000], fill=panel)
    draw.text((110, 40), "Hélène Garnier", font=ImageFont.truetype(str(bold), 72), fill=(25, 25, 25))
    draw.text((110, 140), "Responsable marketing", font=ImageFont.truetype(str(regular), 44), fill=(25, 25, 25))
    draw.text((110, 210), "Boréal Éditions SARL", font=ImageFont.truetype(str(bold), 48), fill=(25, 25, 25))
    small = ImageFont.truetype(str(regular), 40)
    for row, text in enumerate(["18 rue Paradis, 13001 Marseille", "Tél. 04 91 23 45 67", "Portable 06 45 67 89 12",
                                "h.garnier@boreal-editions.fr"]):
        draw.text((110, 400 + row * 140), text, font=small, fill=paper)
    photo = np.zeros((2200, 3000, 3), np.uint8)
    photo[:] = paper
    photo[600:1600, 700:2300] = np.asarray(card)
    noise = np.random.default_rng(5).normal(0, 2, photo.shape)
    Image.fromarray(np.clip(photo + noise, 0, 255).astype(np.uint8)).save(path, quality=92)


@requires_neural
def test_a_card_found_by_its_panel_is_read_whole(tmp_path: Path):
    from pipeline.batch import ScanOptions, read_photo
    from pipeline.read.load import load_photo
    from pipeline.read.locate import find_card

    photo = tmp_path / "panel.jpg"
    panel_card_photo(photo)
    pixels = load_photo(photo).pixels
    quad = find_card(pixels)
    import cv2

    assert quad is not None  # the panel and some text above it, not the card: its upper right is left out
    assert cv2.pointPolygonTest(quad.corners.reshape(-1, 1, 2), (2250.0, 650.0), False) < 0
    [reading] = read_photo(str(photo), ScanOptions(event="x"))
    contact = reading.contact
    assert reading.found_card
    assert contact.name is not None and contact.name.value.full == "Hélène Garnier"
    assert contact.organisation is not None and contact.organisation.value == "Boréal Éditions SARL"
    assert sorted(p.value.number for p in contact.phones) == ["+33491234567", "+33645678912"]
