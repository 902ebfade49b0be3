"""`cardscan review`: the server's handlers over HTTP, then the page in a real headless browser
(Playwright driving Debian's chromium)."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest
import requests
import vobject

from pipeline.models import Box, CardReading, Contact, Found, Meeting, OcrLine, OcrResult, OcrWord, PersonName, Phone
from pipeline.photo import review_image
from pipeline.review import ReviewScope, ReviewSession, make_server, page_url
from pipeline.store import ContactsFolder

from .conftest import ROOT, SAMPLES

ARTIFACTS = ROOT / "test-artifacts"


def line(text: str, top: int, confidence: float = 0.95) -> OcrLine:
    return OcrLine(words=(OcrWord(text, Box(60, top, 30 * len(text), 40), confidence),))


def add_card(folder: ContactsFolder, sha: str, name: str, email: str, phone: str, email_confidence: float) -> str:
    import cv2

    from pipeline.load import load_photo
    from pipeline.straighten import straighten

    card = straighten(load_photo(SAMPLES / "fr-atelier-lumiere.jpg").pixels)
    height, width = card.pixels.shape[:2]
    ocr = OcrResult(lines=(line(name, 50), line(f"Portable {phone}", 300), line(email, 360, email_confidence)),
                    width=width, height=height)
    contact = Contact(
        name=Found(PersonName(name, *name.split(" ", 1)), 0.9, (name,)),
        organisation=Found("Atelier Lumière SARL", 0.9, ("Atelier Lumière SARL",)),
        phones=(Found(Phone(phone, "cell"), 0.9, (f"Portable {phone}",)),),
        emails=(Found(email, email_confidence, (email,)),),
    )
    reading = CardReading(source=f"/photos/{name.split()[0]}.jpg", sha256=sha * 64, contact=contact,
                          meeting=Meeting("vernissage", dt.date(2026, 11, 20)), ocr_confidence=0.9, found_card=True,
                          review_jpeg=review_image(cv2.resize(card.pixels, (width, height))), ocr=ocr)
    written = folder.write_contact(reading)
    folder.write_review_material(reading)
    folder.rebuild_event_files(written.stored.meetings)
    return written.stored.uid


@pytest.fixture
def served(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    camille = add_card(folder, "a", "Camille Martin", "camille@atelier-lumiere.fr", "+33612345678", 0.95)
    jean = add_card(folder, "b", "Jean Dupont", "jean.dupont@atelier-lumiere.fr", "+33698765432", 0.3)
    session = ReviewSession(folder, ReviewScope(event="vernissage"))
    server = make_server(session)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"session": session, "url": page_url(server, session), "folder": folder, "camille": camille,
           "jean": jean, "base": page_url(server, session).split("/?")[0]}
    server.shutdown()
    server.server_close()


def api(served, method: str, path: str, token: str | None = None, **kwargs):
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["X-Cardscan-Token"] = token
    return requests.request(method, served["base"] + path, headers=headers, timeout=10, **kwargs)


def vcard(served, uid: str):
    return vobject.readOne(served["folder"].contact_path(uid).read_bytes().decode())


# ---------------------------------------------------------------- handlers

def test_every_request_needs_the_token(served):
    token = served["session"].token
    assert api(served, "GET", "/api/cards").status_code == 403
    assert api(served, "GET", "/api/cards", token="wrong").status_code == 403
    assert api(served, "GET", "/").status_code == 403
    assert api(served, "GET", "/api/cards", token=token).status_code == 200
    assert api(served, "POST", f"/api/card/{served['camille']}", json={"family": "X"}).status_code == 403
    assert vcard(served, served["camille"]).fn.value == "Camille Martin"


def test_another_host_name_is_refused(served):
    response = api(served, "GET", "/api/cards", token=served["session"].token, headers={"Host": "evil.example:80"})
    assert response.status_code == 403


def test_images_only_from_the_review_folder(served):
    token = served["session"].token
    card = api(served, "GET", f"/api/card/{served['camille']}", token=token).json()
    assert api(served, "GET", f"{card['image']}?token={token}").headers["Content-Type"] == "image/jpeg"
    for path in ("/image/../people/x.vcf", "/image/%2e%2e%2fpeople%2fx.vcf", "/image/abc.jpg", "/image/a.json"):
        assert api(served, "GET", f"{path}?token={token}").status_code == 404


def test_card_shows_doubts_and_boxes(served):
    card = api(served, "GET", f"/api/card/{served['jean']}", token=served["session"].token).json()
    assert card["doubtful"]["emails[0]"] is True and card["doubtful"]["phones[0]"] is False
    assert card["boxes"]["emails[0]"] == [[60, 360, 30 * len("jean.dupont@atelier-lumiere.fr"), 40]]
    summary = api(served, "GET", "/api/cards", token=served["session"].token).json()
    assert summary["total"] == 2 and summary["checked"] == 0


def test_invalid_edits_are_refused_next_to_the_field(served):
    token = served["session"].token
    card = api(served, "GET", f"/api/card/{served['camille']}", token=token).json()
    fields = card["fields"] | {"emails": ["camille@@atelier"], "phones": [{"number": "12", "kind": "cell"}]}
    response = api(served, "POST", f"/api/card/{served['camille']}", token=token, json=fields)
    assert response.status_code == 422
    assert response.json()["errors"] == {"emails[0]": "not a valid e-mail address",
                                         "phones[0]": "not a phone number (read as a number of FR)"}
    assert vcard(served, served["camille"]).email.value == "camille@atelier-lumiere.fr"


def test_save_rewrites_the_vcard_same_uid_reviewed_and_escaped(served):
    token = served["session"].token
    uid = served["camille"]
    before = vcard(served, uid)
    card = api(served, "GET", f"/api/card/{uid}", token=token).json()
    hostile = "Atelier; Lumière\nEND:VCARD"
    fields = card["fields"] | {"organisation": hostile, "phones": [{"number": "06 11 22 33 44", "kind": "cell"}]}
    response = api(served, "POST", f"/api/card/{uid}", token=token, json=fields)
    assert response.status_code == 200, response.text
    after = vcard(served, uid)
    assert after.uid.value == before.uid.value == uid
    assert after.tel.value == "+33611223344"
    assert after.org.value[0] == hostile
    assert after.x_cardscan_reviewed.value == dt.date.today().isoformat()
    assert after.note.value == before.note.value  # the meeting is still recorded
    events = (served["folder"].events / "2026-11-20_vernissage.vcf").read_bytes().decode()
    assert "+33611223344" in events


def test_not_a_card_goes_to_the_trash(served):
    token = served["session"].token
    uid = served["jean"]
    assert api(served, "POST", f"/api/card/{uid}/not-a-card", token=token, json={}).status_code == 200
    assert not served["folder"].contact_path(uid).exists()
    assert len(list(served["folder"].trash.glob(f"{uid}-*.vcf"))) == 1
    events = (served["folder"].events / "2026-11-20_vernissage.vcf").read_bytes().decode()
    assert "Jean Dupont" not in events and "Camille Martin" in events


def test_only_doubtful(served):
    session = ReviewSession(served["folder"], ReviewScope(event="vernissage", only_doubtful=True))
    assert session.uids == [served["jean"]]
    session.mark_reviewed(served["jean"])
    assert ReviewSession(served["folder"], ReviewScope(event="vernissage", only_doubtful=True)).uids == []


# ---------------------------------------------------------------- the page in a real browser

@pytest.fixture
def page(served):
    playwright_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("Debian's chromium is not installed (make browser)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(served["url"])
        page.wait_for_selector("text=Card 1 of 2")
        yield page
        browser.close()


def test_correct_a_phone_and_an_email_with_the_keyboard(served, page):
    page.wait_for_selector("#card-name:has-text('Camille Martin')")
    page.fill("[data-key='phones[0]']", "07 81 23 45 67")
    page.fill("[data-key='emails[0]']", "c.martin@atelier-lumiere.fr")
    page.keyboard.press("Control+s")
    page.wait_for_selector("#status:has-text('Saved.')")
    card = vcard(served, served["camille"])
    assert card.tel.value == "+33781234567"
    assert card.email.value == "c.martin@atelier-lumiere.fr"
    assert page.inner_text("#progress") == "Card 1 of 2 — 1 of 2 checked"
    page.keyboard.press("Alt+ArrowRight")
    page.wait_for_selector("#card-name:has-text('Jean Dupont')")
    assert "doubt" in page.get_attribute("[data-key='emails[0]']", "class")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)


def test_an_invalid_email_is_refused_on_the_page(served, page):
    page.fill("[data-key='emails[0]']", "not an address")
    page.keyboard.press("Control+s")
    page.wait_for_selector("text=not a valid e-mail address")
    assert "Not saved" in page.inner_text("#status")
    assert vcard(served, served["camille"]).email.value == "camille@atelier-lumiere.fr"


def test_mark_reviewed_and_next(served, page):
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#card-name:has-text('Jean Dupont')")
    assert vcard(served, served["camille"]).x_cardscan_reviewed.value == dt.date.today().isoformat()


def test_corrected_vcards_pass_the_third_party_parsers(served, tmp_path: Path, ez_vcard):
    import subprocess

    from .test_third_party_parsers import as_rfc2426_sees_it, ez_vcard_problems, rfc2426_errors

    token = served["session"].token
    uid = served["camille"]
    card = api(served, "GET", f"/api/card/{uid}", token=token).json()
    fields = card["fields"] | {"title": "Directrice, export; Europe", "websites": ["www.atelier-lumiere.fr"]}
    assert api(served, "POST", f"/api/card/{uid}", token=token, json=fields).status_code == 200
    path = served["folder"].contact_path(uid)
    assert rfc2426_errors(as_rfc2426_sees_it(path.read_bytes().decode()), tmp_path) == ""
    result = subprocess.run([*ez_vcard, str(path)], capture_output=True, text=True, timeout=120)
    assert ez_vcard_problems(result.stdout) == [] and ": ok " in result.stdout, result.stdout
