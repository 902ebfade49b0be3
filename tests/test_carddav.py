"""CardDAV push against a real server: Radicale, started by the tests on 127.0.0.1, with htpasswd
users and its storage in a temporary folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import vobject
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.contacts.folder import ContactsFolder
from pipeline.core.errors import ExitCode
from pipeline.core.models import CardReading, Contact, Found, Meeting, PersonName, Phone

pytest.importorskip("radicale")

USERS = {"alice": "alice-secret", "bob": "bob-secret"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Radicale:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (root / "users").write_text("".join(f"{u}:{p}\n" for u, p in USERS.items()), encoding="utf-8")
        (root / "config").write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {root / 'users'}\nhtpasswd_encryption = plain\n"
            f"[storage]\nfilesystem_folder = {root / 'collections'}\n"
            "[rights]\ntype = owner_only\n[logging]\nlevel = warning\n", encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(self.root / "config")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("radicale did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def make_address_book(self, user: str) -> str:
        url = f"{self.url}/{user}/contacts/"
        body = ('<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="DAV:" '
                'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/>'
                '<c:addressbook/></d:resourcetype><d:displayname>Contacts</d:displayname></d:prop></d:set>'
                '</d:mkcol>')
        response = requests.request("MKCOL", url, data=body, auth=(user, USERS[user]), timeout=10)
        assert response.status_code in (201, 405), response.text
        return url

    def cards(self, user: str, address_book: str) -> dict[str, str]:
        from pipeline.deliver.carddav import CardDavClient

        return CardDavClient(user, USERS[user]).list_cards(address_book)


@pytest.fixture
def server(tmp_path: Path):
    radicale = Radicale(tmp_path / "radicale")
    radicale.start()
    yield radicale
    radicale.stop()


def reading(sha: str, name: str, email: str, event: str = "vernissage", day: int = 20) -> CardReading:
    contact = Contact(name=Found(PersonName(name, *name.split(" ", 1)), 0.9), emails=(Found(email, 0.9),),
                      phones=(Found(Phone("+3361234567" + sha[0], "cell"), 0.9),),
                      organisation=Found("Atelier; Lumière, SARL", 0.9))
    return CardReading(source=f"/photos/{sha[:4]}.jpg", sha256=sha * 64, contact=contact,
                       meeting=Meeting(event, dt.date(2026, 11, day)), ocr_confidence=0.9, found_card=True)


@pytest.fixture
def contacts(tmp_path: Path) -> Path:
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    for sha, name, email in [("1", "Camille Martin", "camille@atelier.fr"), ("2", "Jean Dupont", "jean@dupont.fr"),
                             ("3", "Léa Rousseau", "lea@rousseau.fr")]:
        folder.write_contact(reading(sha, name, email))
    return folder.root


def push(contacts: Path, url: str, user: str = "alice", password: str | None = None, *extra: str):
    env = {"CARDSCAN_CARDDAV_PASSWORD": password or USERS[user]}
    result = CliRunner(env=env).invoke(main, ["push", "--contacts", str(contacts), "--url", url, "--user", user,
                                              *extra], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def local_cards(contacts: Path) -> dict[str, object]:
    return {vobject.readOne(p.read_bytes().decode()).uid.value: vobject.readOne(p.read_bytes().decode())
            for p in (contacts / "people").glob("*.vcf")}


def test_create_then_read_back_field_by_field(server: Radicale, contacts: Path):
    book = server.make_address_book("alice")
    code, _, err = push(contacts, server.url)  # a bare server URL: discovered
    assert code == ExitCode.OK, err
    assert "3 created" in err
    remote = {vobject.readOne(text).uid.value: vobject.readOne(text) for text in server.cards("alice", book).values()}
    local = local_cards(contacts)
    assert set(remote) == set(local)
    for uid, card in local.items():
        for key in ("fn", "n", "org", "tel", "email", "note", "categories", "x-cardscan-event", "x-cardscan-date"):
            assert [p.value for p in remote[uid].contents[key]] == [p.value for p in card.contents[key]], key


def test_pushing_again_creates_no_duplicate(server: Radicale, contacts: Path):
    book = server.make_address_book("alice")
    push(contacts, book)
    code, out, err = push(contacts, book, "alice", None, "--json")
    assert code == ExitCode.OK, err
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["unchanged"] * 3
    assert len(server.cards("alice", book)) == 3


def test_a_contact_changed_locally_is_updated(server: Radicale, contacts: Path):
    book = server.make_address_book("alice")
    push(contacts, book)
    ContactsFolder(contacts).write_contact(reading("1", "Camille Martin", "camille@atelier.fr", "salon", 27))
    code, _, err = push(contacts, book)
    assert code == ExitCode.OK, err
    assert "Camille Martin: updated" in err and "1 updated" in err and "2 unchanged" in err
    camille = next(t for t in server.cards("alice", book).values() if "Camille" in t)
    assert "Rencontré à salon le 27 novembre 2026" in vobject.readOne(camille).note.value
    assert len(server.cards("alice", book)) == 3


def test_a_contact_changed_on_the_server_is_not_overwritten_without_force(server: Radicale, contacts: Path):
    book = server.make_address_book("alice")
    push(contacts, book)
    href, text = next((h, t) for h, t in server.cards("alice", book).items() if "Camille" in t)
    edited = text.replace("END:VCARD", "NOTE:changed on the phone\r\nEND:VCARD") if "NOTE" not in text else \
        text.replace("NOTE:", "NOTE:changed on the phone\\n", 1)
    response = requests.put(f"{server.url}{href}" if href.startswith("/") else href, data=edited.encode(),
                            auth=("alice", USERS["alice"]), headers={"Content-Type": "text/vcard"}, timeout=10)
    assert response.status_code in (201, 204)
    ContactsFolder(contacts).write_contact(reading("1", "Camille Martin", "camille@atelier.fr", "salon", 27))
    code, _, err = push(contacts, book)
    assert code == ExitCode.CONFLICT
    assert "changed on the server since the last push (412); --force overwrites it" in err
    assert "changed on the phone" in next(t for t in server.cards("alice", book).values() if "Camille" in t)
    code, _, err = push(contacts, book, "alice", None, "--force")
    assert code == ExitCode.OK and "Camille Martin: overwritten" in err


def test_wrong_password(server: Radicale, contacts: Path):
    book = server.make_address_book("alice")
    code, _, err = push(contacts, book, "alice", "not-the-password")
    assert code == ExitCode.AUTH_FAILED
    assert "wrong user name or password (401)" in err
    assert "not-the-password" not in err


def test_another_users_address_book_is_forbidden(server: Radicale, contacts: Path):
    bobs = server.make_address_book("bob")
    code, _, err = push(contacts, bobs, "alice")
    assert code == ExitCode.FORBIDDEN
    assert "forbidden (403)" in err


def test_not_an_address_book(server: Radicale, contacts: Path):
    server.make_address_book("alice")
    code, _, err = push(contacts, f"{server.url}/alice/nothing/deeper/")
    assert code == ExitCode.NOT_AN_ADDRESS_BOOK, err
    assert "not an address book (yours are under" in err


def propfind_books(server: Radicale, user: str) -> dict[str, str]:
    from pipeline.deliver.carddav import CardDavClient

    return dict(CardDavClient(user, USERS[user])._address_books(f"{server.url}/{user}/"))


def test_a_fresh_server_gets_its_address_book(server: Radicale, contacts: Path):
    # nobody has logged in yet: no address book, only the home Radicale makes for the user
    code, _, err = push(contacts, server.url)
    assert code == ExitCode.OK, err
    book = f"{server.url}/alice/cardscan/"
    assert f"the server had no address book 'cardscan': created it at {book}" in err
    assert err.count("created it") == 1 and "3 created" in err
    assert propfind_books(server, "alice") == {book: "cardscan"}
    assert len(server.cards("alice", book)) == 3
    code, _, err = push(contacts, server.url)  # found this time, nothing created, nothing sent twice
    assert code == ExitCode.OK and "created it" not in err and "3 unchanged" in err


def test_the_address_book_named_is_created_beside_the_others(server: Radicale, contacts: Path):
    first = server.make_address_book("alice")
    code, _, err = push(contacts, server.url, "alice", None, "--address-book", "Salon du Livre — 2026")
    assert code == ExitCode.OK, err
    book = f"{server.url}/alice/salon-du-livre-2026/"
    assert f"created it at {book}" in err
    assert propfind_books(server, "alice") == {first: "Contacts", book: "Salon du Livre — 2026"}
    assert len(server.cards("alice", book)) == 3 and server.cards("alice", first) == {}
    code, _, err = push(contacts, server.url, "alice", None, "--address-book", "salon du livre — 2026")
    assert code == ExitCode.OK and "created it" not in err  # found by its display name


def test_an_address_book_url_that_does_not_exist_yet_is_created(server: Radicale, contacts: Path):
    code, _, err = push(contacts, f"{server.url}/alice/vernissage")
    assert code == ExitCode.OK, err
    assert f"created it at {server.url}/alice/vernissage/" in err
    assert len(server.cards("alice", f"{server.url}/alice/vernissage/")) == 3


def test_server_stopped_mid_run(server: Radicale, contacts: Path, monkeypatch):
    book = server.make_address_book("alice")
    push(contacts, book)
    server.stop()
    monkeypatch.setattr("pipeline.deliver.carddav.BACKOFF_SECONDS", 0.05)
    ContactsFolder(contacts).write_contact(reading("2", "Jean Dupont", "jean@dupont.fr", "salon", 27))
    code, _, err = push(contacts, book)
    assert code == ExitCode.SERVER_UNREACHABLE
    assert "cannot connect (server down or unreachable)" in err
    server.start()
    code, _, err = push(contacts, book)
    assert code == ExitCode.OK and "Jean Dupont: updated" in err


def test_the_password_never_goes_in_the_url(contacts: Path):
    code, _, err = push(contacts, "http://alice:secret@127.0.0.1:1/")
    assert code == ExitCode.BAD_ARGS
    assert "CARDSCAN_CARDDAV_PASSWORD" in err and "secret" not in err


def test_password_from_netrc(tmp_path: Path, monkeypatch):
    from pipeline.deliver.carddav import password_for

    (tmp_path / ".netrc").write_text("machine dav.example.org login alice password from-netrc\n", encoding="utf-8")
    os.chmod(tmp_path / ".netrc", 0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert password_for("https://dav.example.org/", "alice", {}, None) == "from-netrc"
    assert password_for("https://dav.example.org/", "alice", {"CARDSCAN_CARDDAV_PASSWORD": "env"}, None) == "env"


@pytest.mark.skipif(__import__("shutil").which("tesseract") is None, reason="Tesseract is not installed")
def test_watch_pushes_each_new_contact(server: Radicale, tmp_path: Path):
    from .conftest import SAMPLES

    book = server.make_address_book("alice")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "card.jpg").write_bytes((SAMPLES / "fr-atelier-lumiere.jpg").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "watch", str(inbox), "--once", "--stability", "0.2", "--contacts",
         str(tmp_path / "contacts"), "--push", server.url, "--user", "alice"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "CARDSCAN_CARDDAV_PASSWORD": USERS["alice"]})
    assert result.returncode == 0, result.stderr
    assert "created on" in result.stderr
    cards = server.cards("alice", book)
    assert len(cards) == 1 and "Camille Martin" in next(iter(cards.values()))
    assert USERS["alice"] not in result.stderr
