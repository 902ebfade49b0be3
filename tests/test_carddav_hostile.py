"""CardDAV against a hostile server (issue #19 items 6, 7, 12): a local http.server on 127.0.0.1 that
redirects elsewhere, answers PUT with a redirect, drips its answer a byte at a time or sends hundreds of MB."""

from __future__ import annotations

import datetime as dt
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.contacts.folder import ContactsFolder
from pipeline.core.errors import ExitCode
from pipeline.core.models import CardReading, Contact, Found, Meeting, PersonName

PASSWORD = "alice-secret"
ADDRESS_BOOK = ('<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
                "<d:response><d:href>{path}</d:href><d:propstat><d:prop><d:resourcetype><d:collection/>"
                '<c:addressbook/></d:resourcetype><d:getetag>"e1"</d:getetag></d:prop>'
                "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.seen.append((self.command, self.path, self.headers.get("Authorization")))
        self.server.behaviour(self)

    do_PROPFIND = do_PUT = do_REPORT = do_GET = _any

    def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def honest(handler: Handler) -> None:
    """A small address book that stores nothing but answers as one would."""
    if handler.command == "PROPFIND":
        handler.answer(207, ADDRESS_BOOK.format(path=handler.path).encode(), {"Content-Type": "application/xml"})
    elif handler.command == "PUT":
        handler.answer(201, headers={"ETag": '"e2"'})
    else:
        handler.answer(405)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, behaviour: Callable[[Handler], None], tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.behaviour = behaviour
        self.seen: list[tuple[str, str, str | None]] = []
        self.stopping = threading.Event()
        self.sent = 0
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=10)

    def credentials_seen(self) -> list[str]:
        return [path for _, path, auth in self.seen if auth]


@pytest.fixture
def contacts(tmp_path: Path) -> Path:
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    contact = Contact(name=Found(PersonName("Camille Martin", "Camille", "Martin"), 0.9))
    folder.write_contact(CardReading(source="/p/1.jpg", sha256="1" * 64, contact=contact,
                                     meeting=Meeting("salon", dt.date(2026, 11, 20)), ocr_confidence=0.9,
                                     found_card=True))
    return folder.root


def push(contacts: Path, url: str, *extra: str) -> tuple[int, str]:
    result = CliRunner(env={"CARDSCAN_CARDDAV_PASSWORD": PASSWORD}).invoke(
        main, ["push", "--contacts", str(contacts), "--url", url, "--user", "alice", *extra], catch_exceptions=False)
    assert PASSWORD not in result.stderr + result.stdout
    return result.exit_code, result.stderr


def redirect_to(target: str) -> Callable[[Handler], None]:
    def behaviour(handler: Handler) -> None:
        handler.answer(301, headers={"Location": target + handler.path})
    return behaviour


# ---------------------------------------------------------------- 6. credentials stay with the server named

def test_a_redirect_to_another_host_does_not_carry_the_password(contacts: Path):
    with Server(honest) as elsewhere:
        other = f"http://localhost:{elsewhere.server_address[1]}"  # another host name, another port
        with Server(redirect_to(other)) as server:
            code, err = push(contacts, f"{server.url}/alice/book/")
    assert elsewhere.credentials_seen() == []
    assert code == ExitCode.PUSH_FAILED, err
    assert f"redirects to {other}/alice/book/" in err and "not followed" in err


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory) -> ssl.SSLContext:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def test_an_https_server_redirecting_to_http_is_not_followed(contacts: Path, tls_context: ssl.SSLContext):
    with Server(honest) as plain, Server(redirect_to(plain.url), tls=tls_context) as server:  # same host, clear
        code, err = push(contacts, f"{server.url}/alice/book/", "--insecure")
        assert server.credentials_seen()  # the server named was asked, with the password
    assert plain.seen == []
    assert code == ExitCode.PUSH_FAILED, err
    assert f"redirects to {plain.url}/alice/book/" in err


def test_a_redirect_within_the_server_is_followed(contacts: Path):
    def moved(handler: Handler) -> None:
        if handler.path.startswith("/old/"):
            handler.answer(301, headers={"Location": handler.path.replace("/old/", "/new/", 1)})
        else:
            honest(handler)

    with Server(moved) as server:
        code, err = push(contacts, f"{server.url}/old/book/")
    assert code == ExitCode.OK, err
    assert "1 created" in err
    assert next(path for method, path, _ in server.seen if method == "PUT").startswith("/new/book/")


# ---------------------------------------------------------------- 7. only 2xx stores a contact

@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_put_answered_with_a_redirect_is_no_success(contacts: Path, status: int):
    def behaviour(handler: Handler) -> None:
        if handler.command == "PUT":
            handler.answer(status, headers={"Location": "/somewhere/else.vcf"})
        else:
            honest(handler)

    with Server(behaviour) as server:
        for _ in range(2):  # and the second run does not believe it was stored either
            code, err = push(contacts, f"{server.url}/alice/book/")
            assert code == ExitCode.PUSH_FAILED, err
            assert f"redirect ({status})" in err and "not stored" in err
            assert "created" not in err and "unchanged" not in err


def test_a_put_the_server_does_not_keep_is_no_success(contacts: Path):
    def behaviour(handler: Handler) -> None:
        if handler.command == "PUT":
            handler.answer(200)  # no ETag...
        elif handler.command == "PROPFIND" and handler.path.endswith(".vcf"):
            handler.answer(404)  # ...and no such contact afterwards
        else:
            honest(handler)

    with Server(behaviour) as server:
        code, err = push(contacts, f"{server.url}/alice/book/")
    assert code == ExitCode.PUSH_FAILED, err
    assert "not stored" in err


# ---------------------------------------------------------------- 12. bounded in time and in size

def drip(handler: Handler) -> None:
    """Headers one byte at a time, a byte every 0.2 s, for ever: no single read ever times out."""
    handler.wfile.write(b"HTTP/1.1 207 Multi-Status\r\n")
    handler.wfile.flush()
    while not handler.server.stopping.is_set():
        try:
            handler.wfile.write(b"X")
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(0.2)


def in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_server_that_drips_its_answer_is_cut_at_the_deadline():
    from pipeline.deliver.carddav import CardDavClient, ServerUnreachableError

    with Server(drip) as server:
        client = CardDavClient("alice", PASSWORD, timeout=1.5, retries=1, backoff=0.1)
        started = time.monotonic()
        thread, outcome = in_thread(lambda: client.discover(f"{server.url}/alice/book/"))
        thread.join(timeout=15)
        assert not thread.is_alive(), "still reading a byte every 0.2 s"
    assert isinstance(outcome[0], ServerUnreachableError) and "timed out" in str(outcome[0])
    assert time.monotonic() - started < 10


def test_a_huge_answer_is_not_read_past_the_cap():
    from pipeline.deliver.carddav import CardDavClient, PushError

    def flood(handler: Handler) -> None:
        handler.send_response(207)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Connection", "close")  # no length: read until the end
        handler.end_headers()
        chunk = b"<x>" + b"0" * (1 << 20) + b"</x>"
        for _ in range(200):
            try:
                handler.wfile.write(chunk)
            except OSError:
                return
            handler.server.sent += len(chunk)
        handler.close_connection = True

    with Server(flood) as server:
        client = CardDavClient("alice", PASSWORD, timeout=30, retries=0)
        thread, outcome = in_thread(lambda: client.discover(f"{server.url}/alice/book/"))
        thread.join(timeout=60)
        assert not thread.is_alive()
        time.sleep(0.5)
    assert isinstance(outcome[0], PushError) and "larger than" in str(outcome[0]), outcome
    assert server.sent < 48 << 20  # the cap (16 MB) and what the sockets buffered, not 200 MB


def test_one_push_has_a_deadline_over_all_its_retries(monkeypatch):
    import pipeline.deliver.carddav as carddav
    from pipeline.deliver.carddav import CardDavClient, PushError, PushJournal, push_card

    def busy(handler: Handler) -> None:
        time.sleep(0.8)
        handler.answer(503)

    monkeypatch.setattr(carddav, "PUSH_DEADLINE_SECONDS", 3.0, raising=False)
    with Server(busy) as server:
        client = CardDavClient("alice", PASSWORD, timeout=2, retries=10, backoff=0.5)
        started = time.monotonic()

        def work() -> object:
            from tempfile import TemporaryDirectory

            with TemporaryDirectory() as folder:
                pushed = PushJournal(Path(folder) / "journal.sqlite")
                try:
                    return push_card(client, pushed, f"{server.url}/alice/book/", "u-1",
                                     "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n")
                finally:
                    pushed.close()

        thread, outcome = in_thread(work)
        thread.join(timeout=20)
        assert not thread.is_alive()
    assert isinstance(outcome[0], PushError), outcome
    assert time.monotonic() - started < 6  # 3 s for the push, one answer's 0.8 s past it


def test_watch_push_files_photos_while_the_server_hangs(tmp_path: Path, monkeypatch):
    import pipeline.deliver.carddav as carddav
    from pipeline.cli import _pusher

    from .test_watch import FakeReader, Running, processed, small_photo

    def hangs_on_put(handler: Handler) -> None:
        if handler.command == "PUT":
            drip(handler)
        else:
            honest(handler)

    monkeypatch.setattr(carddav, "TIMEOUT_SECONDS", 1.0)
    monkeypatch.setattr(carddav, "PUSH_DEADLINE_SECONDS", 1.5, raising=False)
    monkeypatch.setattr(carddav, "DRAIN_SECONDS", 1.0, raising=False)
    monkeypatch.setenv("CARDSCAN_CARDDAV_PASSWORD", PASSWORD)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(3):
        small_photo(inbox / f"card{i}.png", i)
    with Server(hangs_on_put) as server:
        running = Running(inbox, tmp_path / "contacts", once=True, reader=FakeReader())
        pusher = _pusher(f"{server.url}/alice/book/", "alice", False, running.folder)
        running.watcher.on_filed = pusher
        started = time.monotonic()
        thread, _ = in_thread(running.watcher.run)
        thread.join(timeout=20)
        assert not thread.is_alive(), "the watcher waits on the push"
        filed_in = time.monotonic() - started
        assert len(processed(inbox)) == 3
        assert filed_in < 4  # the three were filed while the first push was still hanging
        closing, _ = in_thread(pusher.close)
        closing.join(timeout=20)
        assert not closing.is_alive()
    assert not any(t.name == "carddav-push" for t in threading.enumerate())


def test_an_untrusted_certificate_is_one_line_and_its_exit_code(contacts: Path, tls_context: ssl.SSLContext):
    with Server(honest, tls=tls_context) as server:
        code, err = push(contacts, f"{server.url}/alice/book/")
        assert server.seen == []  # nothing sent, the password least of all
    assert code == ExitCode.SERVER_UNREACHABLE
    assert "TLS certificate not trusted (self-signed certificate)" in err and "--insecure" in err
