"""`cardscan sheet`: the event's page, its numbers and its escaping, then the page in a real headless
browser (Playwright driving Debian's chromium) with nothing fetched from outside, and a screenshot."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline.cli import main
from pipeline.contacts.folder import ContactsFolder
from pipeline.contacts.review_sidecar import write_review_material
from pipeline.core.models import (
    Box,
    CardReading,
    Contact,
    Found,
    Meeting,
    OcrLine,
    OcrResult,
    OcrWord,
    PersonName,
    Phone,
)
from pipeline.read.card_images import review_image

from .conftest import ROOT, SAMPLES

ARTIFACTS = ROOT / "test-artifacts"
HOSTILE_TITLE = "<script>alert(1)</script> & \"Directrice\""


def _straightened_card():
    from pipeline.read.load import load_photo
    from pipeline.read.locate import straighten

    return straighten(load_photo(SAMPLES / "fr-atelier-lumiere.jpg").pixels).pixels


def add(folder: ContactsFolder, sha: str, name: str, org: str, email: str, phone: str, email_confidence: float = 0.9,
        title: str = "", event: str = "Vernissage Galerie Nord", with_image: bool = True, extension: str = "") -> None:
    pixels = _straightened_card()
    height, width = pixels.shape[:2]
    line = OcrLine(words=(OcrWord(name, Box(10, 10, 100, 20), 0.9),))
    contact = Contact(
        name=Found(PersonName(name, *name.split(" ", 1)), 0.9, (name,)),
        title=Found(title, 0.9) if title else None,
        organisation=Found(org, 0.9) if org else None,
        phones=(Found(Phone(phone, "cell" if phone.startswith("+336") else "work", extension), 0.9),),
        emails=(Found(email, email_confidence, (email,)),),
    )
    reading = CardReading(source=f"/photos/{sha}.jpg", sha256=sha * 64, contact=contact,
                          meeting=Meeting(event, dt.date(2026, 11, 20)), ocr_confidence=0.9, found_card=True,
                          review_jpeg=review_image(pixels) if with_image else None,
                          ocr=OcrResult(lines=(line,), width=width, height=height) if with_image else None)
    written = folder.write_contact(reading)
    write_review_material(folder, reading)
    folder.rebuild_event_files(written.stored.meetings)


@pytest.fixture
def folder(tmp_path: Path) -> ContactsFolder:
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    add(folder, "a", "Camille Martin", "Atelier Lumière SARL", "camille@atelier-lumiere.fr", "+33612345678",
        title=HOSTILE_TITLE)
    add(folder, "b", "Jean Dupont", "Atelier Lumière SARL", "jean.dupont@atelier-lumiere.fr", "+33142685300",
        email_confidence=0.3, extension="240")
    add(folder, "c", "Léa Rousseau", "Éditions du Quai", "lea@editions-du-quai.fr", "+33698765432", with_image=False)
    add(folder, "d", "Someone Else", "Other", "else@other.fr", "+33611111111", event="Salon")
    return folder


def sheet(folder: ContactsFolder, target: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["sheet", "--event", "vernissage galerie nord", "--contacts", str(folder.root),
                                       "-o", str(target), *extra], catch_exceptions=False)
    return result.exit_code, result.stderr


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_sheet_lists_the_event_with_its_numbers(folder: ContactsFolder, tmp_path: Path):
    target = tmp_path / "vernissage.html"
    code, err = sheet(folder, target)
    assert code == 0, err
    assert f"{target}: 3 people met at Vernissage Galerie Nord, 1 field to check" in err
    page = target.read_text(encoding="utf-8")
    assert "Someone Else" not in page  # met at another event
    for name in ("Camille Martin", "Jean Dupont", "Léa Rousseau"):
        assert name in page
    text = re.sub(r"<[^>]+>", " ", page)
    assert re.search(r"\b3\s+people met", text) and re.search(r"\b2\s+companies", text)
    assert re.search(r"\b1\s+field to check", text)
    # the doubtful e-mail is marked, the sure one is not
    assert re.search(r'class="doubt"[^>]*>jean\.dupont@atelier-lumiere\.fr<', page)
    assert not re.search(r'class="doubt"[^>]*>camille@', page)
    assert "+33 1 42 68 53 00 ext. 240" in page and 'href="tel:+33142685300,240"' in page
    assert "cardscan review --event" in page


def test_the_page_is_offline_escaped_and_small(folder: ContactsFolder, tmp_path: Path):
    target = tmp_path / "vernissage.html"
    sheet(folder, target)
    page = target.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Directrice&quot;" in page
    parser = _Tags()
    parser.feed(page)
    images = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert len(images) == 2  # Léa's card has no image: a placeholder, not a broken link
    for attrs in images:
        src = attrs["src"] or ""
        assert src.startswith("data:image/jpeg;base64,")
        thumbnail = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        assert max(thumbnail.size) <= 360 and len(src) < 40_000
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            if name in ("href", "src", "action", "srcset") and value:
                assert value.startswith(("data:", "tel:", "mailto:")), (tag, name, value)
    assert "default-src 'none'" in page


def test_nobody_met_there(folder: ContactsFolder, tmp_path: Path):
    result = CliRunner().invoke(main, ["sheet", "--event", "gala", "--contacts", str(folder.root),
                                       "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 7 and "nobody met at 'gala'" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_the_sheet_in_chromium(folder: ContactsFolder, tmp_path: Path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("Debian's chromium is not installed (make test-tools)")
    target = tmp_path / "vernissage.html"
    sheet(folder, target)
    outside: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.on("request", lambda request: outside.append(request.url)
                    if not request.url.startswith(("file:", "data:")) else None)
            page.goto(target.as_uri())
            page.wait_for_load_state("load")
            assert page.inner_text("h1") == "Vernissage Galerie Nord"
            assert page.locator("article").count() == 3
            # every card image decoded (a data URI the CSP allows), none broken
            widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
            assert len(widths) == 2 and all(w > 0 for w in widths)
            doubt = page.locator(".doubt", has_text="jean.dupont@atelier-lumiere.fr")
            assert doubt.count() == 1
            # the mark shows, in its own colour, not only in the markup
            assert doubt.evaluate("e => getComputedStyle(e).color") != page.locator("h2").first.evaluate(
                "e => getComputedStyle(e).color")
            assert page.locator("text=<script>alert(1)</script>").count() == 1  # shown as text, not run
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "sheet.png"), full_page=True)
        finally:
            browser.close()
    assert outside == []
    assert (ARTIFACTS / "sheet.png").stat().st_size > 10_000
