"""`cardscan review`: the server's handlers over HTTP, then the page in a real headless browser
(Playwright driving Debian's chromium)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import requests
import vobject

from pipeline.contacts.folder import ContactsFolder, WriteOptions
from pipeline.contacts.review_sidecar import write_review_material
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
    Phone,
)
from pipeline.core.vcard_lines import parse_lines
from pipeline.deliver.review.server import ReviewScope, ReviewSession, make_server, page_url
from pipeline.read.card_images import review_image

from .conftest import ROOT, SAMPLES

ARTIFACTS = ROOT / "test-artifacts"
VERNISSAGE = Meeting("vernissage", dt.date(2026, 11, 20))


def line(text: str, top: int, confidence: float = 0.95, height: int = 40) -> OcrLine:
    return OcrLine(words=(OcrWord(text, Box(60, top, 30 * len(text), height), confidence),))


def add_card(folder: ContactsFolder, sha: str, name: str, email: str, phone: str, email_confidence: float,
             note_lang: str = "fr", addresses: tuple[Address, ...] = ()) -> str:
    import cv2

    from pipeline.read.load import load_photo
    from pipeline.read.locate import straighten

    card = straighten(load_photo(SAMPLES / "fr-atelier-lumiere.jpg").pixels)
    height, width = card.pixels.shape[:2]
    ocr = OcrResult(lines=(line(name, 50), line(f"Portable {phone}", 300), line(email, 360, email_confidence)),
                    width=width, height=height)
    contact = Contact(
        name=Found(PersonName(name, *name.split(" ", 1)), 0.9, (name,)),
        organisation=Found("Atelier Lumière SARL", 0.9, ("Atelier Lumière SARL",)),
        phones=(Found(Phone(phone, "cell"), 0.9, (f"Portable {phone}",)),),
        emails=(Found(email, email_confidence, (email,)),),
        addresses=tuple(Found(a, 0.9, (a.street,)) for a in addresses),
    )
    reading = CardReading(source=f"/photos/{name.split()[0]}.jpg", sha256=sha * 64, contact=contact,
                          meeting=VERNISSAGE, ocr_confidence=0.9, found_card=True,
                          review_jpeg=review_image(cv2.resize(card.pixels, (width, height))), ocr=ocr)
    written = folder.write_contact(reading, WriteOptions(note_lang=note_lang))
    write_review_material(folder, reading)
    folder.rebuild_event_files(written.stored.meetings)
    return written.stored.uid


def add_lines(folder: ContactsFolder, uid: str, *extra: str) -> None:
    """Lines a phone or another program added to the contact: a second address, a second company..."""
    path = folder.contact_path(uid)
    text = path.read_bytes().decode()
    path.write_bytes(text.replace("END:VCARD\r\n", "".join(f"{e}\r\n" for e in extra) + "END:VCARD\r\n").encode())


def serve(folder: ContactsFolder, scope: ReviewScope):
    session = ReviewSession(folder, scope)
    server = make_server(session)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return session, server, thread


@pytest.fixture
def served(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    camille = add_card(folder, "a", "Camille Martin", "camille@atelier-lumiere.fr", "+33612345678", 0.95)
    jean = add_card(folder, "b", "Jean Dupont", "jean.dupont@atelier-lumiere.fr", "+5534567029", 0.3)
    # what a phone added to Camille since: a second address and a second company, typed notes, Apple items
    add_lines(folder, camille, "ADR;TYPE=work:;;7 Harbour Row;;;;", "ADR;TYPE=work:;;;London;;EC1A 1BB;GB",
              "ORG:Fondation Lumière;Mécénat", "item7.X-ABRELATEDNAMES:Paul Martin", "item7.X-ABLabel:_$!<Spouse>!$_",
              "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Cam;1;;;;;;;;;;;;;")
    session, server, thread = serve(folder, ReviewScope(event="vernissage"))
    yield {"session": session, "url": page_url(server, session), "folder": folder, "camille": camille,
           "jean": jean, "base": page_url(server, session).split("/?")[0]}
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def api(served, method: str, path: str, token: str | None = None, **kwargs):
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["X-Cardscan-Token"] = token
    return requests.request(method, served["base"] + path, headers=headers, timeout=10, **kwargs)


def text_of(served, uid: str) -> str:
    return served["folder"].contact_path(uid).read_bytes().decode()


def vcard(served, uid: str):
    return vobject.readOne(text_of(served, uid))


def kept_lines(text: str) -> list[str]:
    return [ln.raw for ln in parse_lines(text) if ln.name not in ("REV", "X-CARDSCAN-REVIEWED")]


def card_of(served, uid: str) -> dict:
    return api(served, "GET", f"/api/card/{uid}", token=served["session"].token).json()


# ---------------------------------------------------------------- handlers

def test_every_request_needs_the_token(served):
    token = served["session"].token
    assert api(served, "GET", "/api/cards").status_code == 403
    assert api(served, "GET", "/api/cards", token="wrong").status_code == 403
    assert api(served, "GET", "/").status_code == 403
    assert api(served, "GET", "/api/cards", token=token).status_code == 200
    assert api(served, "POST", f"/api/card/{served['camille']}", json={"titles": []}).status_code == 403
    assert vcard(served, served["camille"]).fn.value == "Camille Martin"


def test_another_host_name_is_refused(served):
    response = api(served, "GET", "/api/cards", token=served["session"].token, headers={"Host": "evil.example:80"})
    assert response.status_code == 403


def test_images_only_from_the_review_folder(served):
    token = served["session"].token
    card = card_of(served, served["camille"])
    assert api(served, "GET", f"{card['image']}?token={token}").headers["Content-Type"] == "image/jpeg"
    for path in ("/image/../people/x.vcf", "/image/%2e%2e%2fpeople%2fx.vcf", "/image/abc.jpg", "/image/a.json"):
        assert api(served, "GET", f"{path}?token={token}").status_code == 404


def test_card_shows_every_value_doubts_and_boxes(served):
    card = card_of(served, served["jean"])
    assert card["doubts"]["emails[0]"] == ["lu avec peu de certitude (30 %)"]
    assert card["doubts"]["phones[0]"][0].startswith("phonenumbers ne connaît pas ce numéro (Brésil")
    assert card["fields"]["phones"][0] | {"ref": None} == {"ref": None, "number": "+55 34567029", "kind": "cell",
                                                         "international": "+55 34567029", "national": "3456-7029"}
    assert card["boxes"]["emails[0]"] == [[60, 360, 30 * len("jean.dupont@atelier-lumiere.fr"), 40]]
    camille = card_of(served, served["camille"])
    assert [(a["street"], a["city"]) for a in camille["fields"]["addresses"]] == [("7 Harbour Row", ""),
                                                                                 ("", "London")]
    assert [o["name"] for o in camille["fields"]["organisations"]] == ["Atelier Lumière SARL", "Fondation Lumière"]
    assert camille["doubts"]["addresses[0]"] == ["l'adresse n'a ni ville ni code postal"]
    summary = api(served, "GET", "/api/cards", token=served["session"].token).json()
    assert summary["total"] == 2 and summary["checked"] == 0 and summary["lang"] == "fr"
    assert [c["doubts"] for c in summary["cards"]] == [1, 2]


def test_invalid_edits_are_refused_next_to_the_field(served):
    token = served["session"].token
    uid = served["camille"]
    fields = card_of(served, uid)["fields"]
    fields["emails"][0]["value"] = "camille@@atelier"
    fields["phones"][0]["number"] = "12"
    response = api(served, "POST", f"/api/card/{uid}", token=token, json=fields)
    assert response.status_code == 422
    assert response.json()["errors"] == {"emails[0]": "pas une adresse e-mail valide",
                                         "phones[0]": "pas un numéro de téléphone (lu comme un numéro de FR)"}
    assert vcard(served, uid).email.value == "camille@atelier-lumiere.fr"


def test_an_invalid_number_needs_the_confirm_flag(served):
    token = served["session"].token
    uid = served["camille"]
    fields = card_of(served, uid)["fields"]
    fields["phones"].append({"ref": None, "number": "+55 (34) 5670-29", "kind": "work"})
    response = api(served, "POST", f"/api/card/{uid}", token=token, json=fields)
    assert response.status_code == 422
    assert response.json()["errors"] == {}
    assert "Brésil" in response.json()["confirm"]["phones[1]"]
    assert "+5534567029" not in text_of(served, uid)
    assert api(served, "POST", f"/api/card/{uid}", token=token, json=fields | {"confirm": True}).status_code == 200
    assert "TEL;TYPE=WORK,VOICE:+5534567029\r\n" in text_of(served, uid)
    # marking a card reviewed as it is asks the same for the numbers it holds
    assert api(served, "POST", f"/api/card/{served['jean']}/reviewed", token=token, json={}).status_code == 422
    assert api(served, "POST", f"/api/card/{served['jean']}/reviewed", token=token,
               json={"confirm": True}).status_code == 200


def test_saving_unchanged_keeps_every_line_but_rev_and_the_mark(served):
    uid = served["camille"]
    before = text_of(served, uid)
    card = card_of(served, uid)
    response = api(served, "POST", f"/api/card/{uid}", token=served["session"].token,
                   json=card["fields"] | {"version": card["version"]})
    assert response.status_code == 200, response.text
    after = text_of(served, uid)
    assert kept_lines(after) == kept_lines(before)
    assert f"X-CARDSCAN-REVIEWED:{dt.date.today().isoformat()}\r\n" in after


def test_save_rewrites_only_what_changed_same_uid_and_escaped(served):
    token = served["session"].token
    uid = served["camille"]
    before = vcard(served, uid)
    fields = card_of(served, uid)["fields"]
    hostile = "Atelier; Lumière\nEND:VCARD"
    fields["organisations"][0]["name"] = hostile
    fields["phones"][0]["number"] = "06 11 22 33 44"
    response = api(served, "POST", f"/api/card/{uid}", token=token, json=fields)
    assert response.status_code == 200, response.text
    after = vcard(served, uid)
    assert after.uid.value == before.uid.value == uid
    assert after.tel.value == "+33611223344"
    assert [o.value for o in after.contents["org"]] == [["Atelier; Lumière END:VCARD"],
                                                        ["Fondation Lumière", "Mécénat"]]
    assert after.x_cardscan_reviewed.value == dt.date.today().isoformat()
    assert after.note.value == before.note.value  # the meeting is still recorded
    events = (served["folder"].events / "2026-11-20_vernissage.vcf").read_bytes().decode()
    assert "+33611223344" in events


def test_a_save_against_a_changed_file_is_refused(served):
    uid = served["camille"]
    card = card_of(served, uid)
    add_lines(served["folder"], uid, "TITLE:added by a scan meanwhile")
    response = api(served, "POST", f"/api/card/{uid}", token=served["session"].token,
                   json=card["fields"] | {"version": card["version"]})
    assert response.status_code == 409
    assert "TITLE:added by a scan meanwhile" in text_of(served, uid)


def test_changing_the_meeting_refiles_the_contact(served):
    uid = served["jean"]
    fields = card_of(served, uid)["fields"]
    fields["meetings"][0] |= {"event": "Salon du livre", "date": "2027-03-14"}
    response = api(served, "POST", f"/api/card/{uid}", token=served["session"].token,
                   json=fields | {"confirm": True})
    assert response.status_code == 200, response.text
    old = (served["folder"].events / "2026-11-20_vernissage.vcf").read_bytes().decode()
    new = (served["folder"].events / "2027-03-14_salon-du-livre.vcf").read_bytes().decode()
    assert "Jean Dupont" not in old and "Camille Martin" in old
    assert "Jean Dupont" in new and "Rencontré à Salon du livre le 14 mars 2027" in new
    fields["meetings"][0]["event"] = "bad\nname"
    assert api(served, "POST", f"/api/card/{uid}", token=served["session"].token,
               json=fields | {"confirm": True}).status_code == 422


def test_not_a_card_goes_to_the_trash(served):
    token = served["session"].token
    uid = served["jean"]
    assert api(served, "POST", f"/api/card/{uid}/not-a-card", token=token, json={}).status_code == 200
    assert not served["folder"].contact_path(uid).exists()
    assert len(list(served["folder"].trash.glob(f"{uid}-*.vcf"))) == 1
    events = (served["folder"].events / "2026-11-20_vernissage.vcf").read_bytes().decode()
    assert "Jean Dupont" not in events and "Camille Martin" in events


def test_only_doubtful(served, tmp_path: Path):
    folder = served["folder"]
    clean = add_card(folder, "c", "Chloé Bernard", "chloe@atelier-lumiere.fr", "+33687654321", 0.95,
                     addresses=(Address("12 rue des Lilas", "69003", "Lyon", "", "FR"),))
    session = ReviewSession(folder, ReviewScope(event="vernissage", only_doubtful=True))
    assert clean not in session.uids and set(session.uids) == {served["camille"], served["jean"]}
    session.mark_reviewed(served["jean"], {"confirm": True})
    assert ReviewSession(folder, ReviewScope(event="vernissage", only_doubtful=True)).uids == [served["camille"]]


# ---------------------------------------------------------------- the page in a real browser

@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("Debian's chromium is not installed (make test-tools)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture
def page(served, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served["url"])
    page.wait_for_selector("text=Carte 1 sur 2")
    yield page
    assert errors == []
    page.close()


def test_the_round_trip_through_the_page_loses_nothing(served, page):
    uid = served["camille"]
    before = text_of(served, uid)
    page.wait_for_selector("#card-name:has-text('Camille Martin')")
    assert page.locator("#addresses > .row").count() == 2
    assert page.locator("#organisations > .row").count() == 2
    assert page.input_value("[data-key='organisations[1].department']") == "Mécénat"
    page.keyboard.press("Control+s")
    page.wait_for_selector("#status:has-text('Enregistré.')")
    after = text_of(served, uid)
    assert kept_lines(after) == kept_lines(before)
    card = vobject.readOne(after)
    assert len(card.contents["adr"]) == 2 and len(card.contents["org"]) == 2


def test_correct_a_phone_and_an_email_with_the_keyboard(served, page):
    page.wait_for_selector("#card-name:has-text('Camille Martin')")
    page.fill("[data-key='phones[0].number']", "07 81 23 45 67")
    page.fill("[data-key='emails[0].value']", "c.martin@atelier-lumiere.fr")
    page.keyboard.press("Control+s")
    page.wait_for_selector("#status:has-text('Enregistré.')")
    card = vcard(served, served["camille"])
    assert card.tel.value == "+33781234567"
    assert card.email.value == "c.martin@atelier-lumiere.fr"
    assert page.inner_text("#progress") == "Carte 1 sur 2 — 1 sur 2 vérifiées"
    assert page.input_value("[data-key='phones[0].number']") == "+33 7 81 23 45 67"


def test_an_unsaved_edit_is_never_lost(served, page):
    page.wait_for_selector("#card-name:has-text('Camille Martin')")
    page.fill("[data-key='organisations[0].department']", "Export Europe")
    page.keyboard.press("Alt+ArrowRight")
    page.wait_for_selector("#card-name:has-text('Jean Dupont')")
    assert page.inner_text("#status") == "Vos modifications de la carte précédente ont été enregistrées."
    page.keyboard.press("Alt+ArrowLeft")
    page.wait_for_selector("#card-name:has-text('Camille Martin')")
    assert page.input_value("[data-key='organisations[0].department']") == "Export Europe"
    assert vcard(served, served["camille"]).contents["org"][0].value == ["Atelier Lumière SARL", "Export Europe"]
    # an edit that cannot be saved as it is: the page asks before leaving, and stays when told to
    page.fill("[data-key='emails[0].value']", "not an address")
    page.locator("#strip button").nth(1).click()
    page.wait_for_selector("#ask:not([hidden])")
    assert "pas une adresse e-mail valide" in page.inner_text("#emails")
    page.click("#ask-no")
    assert page.inner_text("#card-name") == "Camille Martin"
    assert page.input_value("[data-key='emails[0].value']") == "not an address"
    # leaving the page with unsaved edits (closing the tab, reloading, another address): the browser asks
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.reload()
    assert asked == ["beforeunload"]
    page.wait_for_selector("#card-name:has-text('Camille Martin')")
    page.reload()  # nothing unsaved: nothing asked
    assert asked == ["beforeunload"]


def test_an_invalid_phone_is_flagged_and_confirmed(served, page):
    page.keyboard.press("Alt+ArrowDown")  # next doubt: Camille's address, then Jean's phone
    assert page.evaluate("document.activeElement.dataset.key") == "addresses[0].street"
    page.keyboard.press("Alt+ArrowDown")
    page.wait_for_selector("#card-name:has-text('Jean Dupont')")
    assert page.evaluate("document.activeElement.dataset.key") == "phones[0].number"
    row = page.locator("#phones > .row").first
    assert "doubt" in row.get_attribute("class")
    assert "Brésil" in row.inner_text() and "3456-7029" in row.inner_text() and "+55 34567029" in row.inner_text()
    page.fill("[data-key='name.given']", "Jean-Paul")
    page.keyboard.press("Control+s")
    page.wait_for_selector("#ask:not([hidden])")
    assert "Brésil" in page.inner_text("#ask-text")
    assert vcard(served, served["jean"]).fn.value == "Jean Dupont"
    page.click("#ask-yes")
    page.wait_for_selector("#status:has-text('Enregistré.')")
    card = vcard(served, served["jean"])
    assert card.fn.value == "Jean-Paul Dupont" and card.tel.value == "+5534567029"


def test_the_meeting_is_corrected_on_the_page(served, page):
    page.fill("[data-key='meetings[0].event']", "Salon du livre")
    page.fill("[data-key='meetings[0].date']", "2027-03-14")
    page.keyboard.press("Control+s")
    page.wait_for_selector("#status:has-text('Enregistré.')")
    new = served["folder"].events / "2027-03-14_salon-du-livre.vcf"
    assert "Camille Martin" in new.read_bytes().decode()
    assert "Camille Martin" not in (served["folder"].events / "2026-11-20_vernissage.vcf").read_bytes().decode()


def test_mark_reviewed_and_next(served, page):
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#card-name:has-text('Jean Dupont')")
    assert vcard(served, served["camille"]).x_cardscan_reviewed.value == dt.date.today().isoformat()
    assert "reviewed" in page.locator("#strip button").first.get_attribute("class")


def _never_cut(page) -> list[str]:
    """The fields whose value does not show whole, and whether the page scrolls sideways."""
    return page.evaluate("""() => {
      const cut = [...document.querySelectorAll('#form textarea, #form input')].filter((e) => e.offsetParent)
        .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 2)
        .map((e) => e.dataset.key);
      if (document.documentElement.scrollWidth > window.innerWidth) cut.push('page scrolls sideways');
      return cut;
    }""")


def test_layout_from_a_phone_to_a_desktop(served, browser):
    long_title = "Responsable du développement durable et des partenariats européens et internationaux"
    add_lines(served["folder"], served["camille"], f"TITLE:{long_title}",
              "EMAIL;TYPE=INTERNET:camille.martin-de-la-fontaine@atelier-lumiere-et-fondation.example")
    ARTIFACTS.mkdir(exist_ok=True)
    for width, name in ((1400, "review-desktop.png"), (400, "review-400.png"), (360, None)):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(served["url"])
        page.wait_for_selector("#card-name:has-text('Camille Martin')")
        page.wait_for_function("document.querySelector('#image').complete")
        assert _never_cut(page) == [], width
        image, form = page.locator("#image").bounding_box(), page.locator("#form").bounding_box()
        if width < 900:
            assert image["y"] + image["height"] <= form["y"]  # the card above its fields
        else:
            assert image["x"] + image["width"] <= form["x"]  # beside them
        if name:
            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        page.close()


def test_the_page_speaks_the_notes_language(tmp_path: Path, browser):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    add_card(folder, "d", "Avery Stone", "avery@northwind.example", "+12025550143", 0.9, note_lang="en")
    session, server, thread = serve(folder, ReviewScope())
    try:
        page = browser.new_page()
        page.goto(page_url(server, session))
        page.wait_for_selector("text=Card 1 of 1")
        assert page.inner_text("#save") == "Save" and page.evaluate("document.documentElement.lang") == "en"
        page.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_corrected_vcards_pass_the_third_party_parsers(served, page, tmp_path: Path, ez_vcard):
    from .test_third_party_parsers import as_rfc2426_sees_it, ez_vcard_problems, rfc2426_errors

    page.fill("[data-key='organisations[0].department']", "Export, Europe; Asie")
    page.click("[data-add='websites']")
    page.fill("[data-key='websites[0].value']", "www.atelier-lumiere.fr")
    page.click("[data-add='phones']")
    page.fill("[data-key='phones[1].number']", "04 72 00 12 34")
    page.fill("[data-key='addresses[0].city']", "London")
    page.fill("[data-key='addresses[0].postcode']", "EC1A 1BB")
    page.fill("[data-key='notes[0].value']", "Rappeler en janvier, pour le devis; merci")
    page.keyboard.press("Control+s")
    page.wait_for_selector("#status:has-text('Enregistré.')")
    path = served["folder"].contact_path(served["camille"])
    text = path.read_bytes().decode()
    assert "ORG:Atelier Lumière SARL;Export\\, Europe\\; Asie\r\n" in text
    # the validator refuses our Apple items and non-Latin-1 letters on purpose (see test_third_party_parsers)
    assert rfc2426_errors(as_rfc2426_sees_it(text), tmp_path) == ""
    result = subprocess.run([*ez_vcard, str(path)], capture_output=True, text=True, timeout=120)
    assert ez_vcard_problems(result.stdout) == [] and ": ok " in result.stdout, result.stdout
    assert "TEL=2" in result.stdout


def test_not_a_card_asks_on_the_page_first(served, page):
    page.keyboard.press("Alt+ArrowRight")
    page.wait_for_selector("#card-name:has-text('Jean Dupont')")
    page.click("#not-a-card")
    page.wait_for_selector("#ask:not([hidden])")
    page.keyboard.press("Escape")  # no
    assert served["folder"].contact_path(served["jean"]).exists()
    page.click("#not-a-card")
    page.click("#ask-yes")
    page.wait_for_selector("#card-name:has-text('Camille Martin')")
    assert not served["folder"].contact_path(served["jean"]).exists()
    assert page.locator("#strip button").count() == 1
