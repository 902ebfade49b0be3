"""Pushing contacts to a CardDAV address book (iCloud, Nextcloud, Fastmail, Radicale, Baïkal...).

- Discovery (RFC 6764, RFC 6352): the URL given is used as it is when it is an address book; else
  ``/.well-known/carddav``, the user's principal, its ``addressbook-home-set``, and the first address
  book found there; when there is none (or none of the name asked for), one is created with an extended
  MKCOL (RFC 5689).
- Create with ``PUT`` + ``If-None-Match: *``; update with ``If-Match: <etag>``. A push journal in the
  contacts folder remembers each contact's href, etag and content, so pushing again sends only what
  changed and never makes a second copy; a contact changed on the server since our last push is not
  overwritten (412) unless ``force``. Only 200, 201 and 204 store a contact; without an ETag in the answer
  the contact is looked up, and one the server does not show was not stored.
- The password goes to the server named only: same scheme, host and port (or the same host upgraded to
  https), and over https its sibling hosts in the same domain (iCloud's discovery answers with
  ``p42-contacts.icloud.com`` for ``contacts.icloud.com``). A redirect elsewhere, or from https down to
  http, is not followed: one line says where it pointed. A PUT is never redirected.
- Bounded: each request has a deadline for all of it (connecting, sending, the whole answer: a timer shuts
  the socket down, so a server dripping a byte at a time cannot hold a push), each contact pushed and the
  discovery have a deadline over all their retries, and no answer is read past ``MAX_ANSWER_BYTES``.
- Transient failures (5xx, connection errors, timeouts) are retried with backoff; each HTTP failure is
  turned into one clear error carrying its exit code. The password is never logged nor put in a URL.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import http.client
import ipaddress
import logging
import queue
import socket
import sqlite3
import ssl
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Protocol
from urllib.parse import SplitResult, unquote, urljoin, urlsplit
from xml.sax.saxutils import escape as xml_escape

from ..contacts.folder import event_slug
from ..core.errors import CardscanError, ExitCode
from ..core.safetext import printable

log = logging.getLogger("cardscan.push")

JOURNAL_NAME = "push-journal.sqlite"
DEFAULT_ADDRESS_BOOK = "cardscan"  # the display name of the address book cardscan creates when there is none
TIMEOUT_SECONDS = 20.0  # one request, all of it: connecting, sending, reading the whole answer
PUSH_DEADLINE_SECONDS = 60.0  # one contact pushed, its retries included; the discovery (and its MKCOL) too
DRAIN_SECONDS = 60.0  # watch --push, stopping: what is still queued is pushed for this long, then left
MAX_ANSWER_BYTES = 16 << 20  # an address book's answers are kilobytes; what is past this is not read
RETRIES = 3
BACKOFF_SECONDS = 0.5
MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)
_NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:carddav"}


class PushError(CardscanError):
    exit_code = ExitCode.PUSH_FAILED


class AuthError(PushError):
    exit_code = ExitCode.AUTH_FAILED


class ForbiddenError(PushError):
    exit_code = ExitCode.FORBIDDEN


class NotAnAddressBookError(PushError):
    exit_code = ExitCode.NOT_AN_ADDRESS_BOOK


class ConflictError(PushError):
    exit_code = ExitCode.CONFLICT


class ServerUnreachableError(PushError):
    exit_code = ExitCode.SERVER_UNREACHABLE


class RedirectRefusedError(PushError):
    """The server sent us (with the password) to another server, or from https down to http."""


class AnswerTooLargeError(PushError):
    """An answer larger than MAX_ANSWER_BYTES: not read."""


# a whole run stops on these: every other contact would fail the same way
FATAL = (AuthError, ForbiddenError, ServerUnreachableError, RedirectRefusedError, AnswerTooLargeError)


@dataclass(frozen=True)
class PushResult:
    uid: str
    name: str
    action: str  # created, updated, unchanged, overwritten
    href: str


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    content: bytes
    url: str  # the URL that answered (after redirects, for the reading requests)


class _TooLarge(Exception):
    pass


class _Http:
    """HTTP/1.1 over http.client, a kept-alive connection per server, each exchange bounded in time and size."""

    def __init__(self, verify: bool, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        if verify:
            import certifi  # the same trusted authorities as requests and pip

            self._tls = ssl.create_default_context(cafile=certifi.where())
        else:
            self._tls = ssl.create_default_context()
            self._tls.check_hostname = False
            self._tls.verify_mode = ssl.CERT_NONE
        self._idle: dict[tuple[str, str, int], http.client.HTTPConnection] = {}

    def exchange(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
                 deadline: float) -> tuple[int, Message, bytes]:
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection = self._idle.pop(key, None)
        if connection is not None:
            try:
                return self._exchange_on(connection, key, method, target, headers, body, deadline)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                pass  # the server closed the kept-alive connection meanwhile: once more on a new one
        return self._exchange_on(self._connect(key), key, method, target, headers, body, deadline)

    def close(self) -> None:
        for connection in self._idle.values():
            connection.close()
        self._idle.clear()

    def _connect(self, key: tuple[str, str, int]) -> http.client.HTTPConnection:
        scheme, host, port = key
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, context=self._tls)
        return http.client.HTTPConnection(host, port)

    def _exchange_on(self, connection: http.client.HTTPConnection, key: tuple[str, str, int], method: str,
                     target: str, headers: dict[str, str], body: bytes | None,
                     deadline: float) -> tuple[int, Message, bytes]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no time left")
        cut = threading.Event()

        def cut_off() -> None:  # the deadline: whatever the socket is waiting for, it stops
            cut.set()
            sock = connection.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(remaining, cut_off)
        timer.daemon = True
        timer.start()
        try:
            connection.timeout = remaining
            if connection.sock is not None:
                connection.sock.settimeout(remaining)
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            content = self._read(response)
        except BaseException as exc:
            connection.close()
            if cut.is_set():
                raise TimeoutError("deadline") from exc
            raise
        finally:
            timer.cancel()
        if cut.is_set() or response.will_close:
            connection.close()
            if cut.is_set():
                raise TimeoutError("deadline")
        else:
            self._idle[key] = connection
        return response.status, response.headers, content

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        declared = response.getheader("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _TooLarge()
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read(min(1 << 16, self.max_bytes + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if size > self.max_bytes:
                raise _TooLarge()


class CardDavClient:
    """A small CardDAV client: PROPFIND for discovery, PUT for contacts; the password for one server only.

    ``url`` is the server the user named; without it, the first URL asked for is.
    """

    def __init__(self, user: str, password: str, verify: bool = True, timeout: float | None = None,
                 retries: int = RETRIES, backoff: float = BACKOFF_SECONDS, url: str | None = None,
                 push_deadline: float | None = None, max_answer_bytes: int | None = None) -> None:
        self._authorization = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self.verify = verify
        self.timeout = timeout if timeout is not None else TIMEOUT_SECONDS
        self.push_deadline = push_deadline if push_deadline is not None else PUSH_DEADLINE_SECONDS
        self.retries = retries
        self.backoff = backoff
        self._http = _Http(verify, max_answer_bytes or MAX_ANSWER_BYTES)
        self._site: SplitResult | None = urlsplit(url) if url else None
        self._deadline: float | None = None

    def close(self) -> None:
        self._http.close()

    @contextlib.contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Everything asked within must be done in ``seconds`` (retries included), or fails as timed out."""
        outer = self._deadline
        end = time.monotonic() + seconds
        self._deadline = end if outer is None else min(outer, end)
        try:
            yield
        finally:
            self._deadline = outer

    # ------------------------------------------------------------ HTTP

    def request(self, method: str, url: str, headers: dict[str, str] | None = None, data: bytes | None = None,
                ok: tuple[int, ...] = (200, 201, 204, 207)) -> Answer:
        """One request, retried on transient failures while the deadline allows, its failure a PushError."""
        self._check_destination(url)
        sent = {"User-Agent": "cardscan", "Authorization": self._authorization, **(headers or {})}
        for attempt in range(self.retries + 1):
            now = time.monotonic()
            last = self._deadline if self._deadline is not None else now + self.timeout
            try:
                if now >= last:
                    raise TimeoutError("no time left")
                status, answer_headers, content = self._http.exchange(method, url, sent, data,
                                                                      min(now + self.timeout, last))
            except ssl.SSLCertVerificationError as exc:
                raise ServerUnreachableError(f"{_site(url)}: TLS certificate not trusted ({exc.verify_message}); "
                                             "--insecure accepts a self-signed server") from exc
            except ssl.SSLError as exc:
                raise ServerUnreachableError(f"{_site(url)}: TLS failed ({exc.reason or exc})") from exc
            except _TooLarge as exc:
                raise AnswerTooLargeError(f"{method} {_path(url)}: the answer is larger than "
                                          f"{MAX_ANSWER_BYTES >> 20} MB: not read") from exc
            except (OSError, http.client.HTTPException) as exc:
                if attempt < self.retries and self._pause(attempt):
                    continue
                what = "timed out" if isinstance(exc, TimeoutError) else "cannot connect"
                raise ServerUnreachableError(f"{_site(url)}: {what} (server down or unreachable)") from exc
            if status >= 500 and attempt < self.retries and self._pause(attempt):
                continue
            if status in ok:
                return Answer(status, answer_headers, content, url)
            raise _http_error(method, url, status, attempt)
        raise ServerUnreachableError(f"{_site(url)}: no answer")  # pragma: no cover - the loop returns or raises

    def _pause(self, attempt: int) -> bool:
        """Wait before trying again; False when the deadline leaves no time for another try."""
        wait = self.backoff * 2**attempt
        if self._deadline is not None and time.monotonic() + wait >= self._deadline:
            return False
        time.sleep(wait)
        return True

    def _check_destination(self, url: str) -> None:
        if self._site is None:
            self._site = urlsplit(url)
        elif not (self._same_server(url) or self._sibling(url)):
            raise RedirectRefusedError(f"{_shown(url)} is another server than {_site(self._site.geturl())}: "
                                       "the password is not sent there")

    def _same_server(self, url: str) -> bool:
        """The server named, or the same host upgraded from http to https."""
        assert self._site is not None
        target = urlsplit(url)
        if target.hostname != self._site.hostname:
            return False
        if target.scheme == self._site.scheme:
            return _port(target) == _port(self._site)
        return self._site.scheme == "http" and target.scheme == "https"

    def _sibling(self, url: str) -> bool:
        """Over https, a host of the same domain: contacts.icloud.com sends its users to p42-contacts.icloud.com."""
        assert self._site is not None
        target = urlsplit(url)
        named, host = self._site.hostname or "", target.hostname or ""
        if target.scheme != "https" or self._site.scheme != "https" or _is_ip(named) or _is_ip(host):
            return False
        parent = named.split(".", 1)[1] if named.count(".") >= 2 else ""
        return bool(parent) and host.endswith("." + parent)

    def _reading(self, method: str, url: str, headers: dict[str, str], body: str) -> Answer:
        """A PROPFIND or REPORT, following the server's redirects within the server (never elsewhere)."""
        for _ in range(MAX_REDIRECTS + 1):
            answer = self.request(method, url, headers=headers, data=body.encode("utf-8"), ok=(200, 207, *_REDIRECTS))
            if answer.status not in _REDIRECTS:
                return answer
            location = answer.headers.get("Location", "").strip()
            if not location:
                raise PushError(f"{method} {_path(url)}: a redirect ({answer.status}) to nowhere")
            target = urljoin(url, location)
            if not self._same_server(target):
                raise RedirectRefusedError(
                    f"{method} {_path(url)}: the server redirects to {_shown(target)}, another server or not "
                    f"encrypted: not followed (the password goes to {_site(url)} only)")
            url = target
        raise NotAnAddressBookError(f"{url}: too many redirects")

    def propfind(self, url: str, body: str, depth: str = "0") -> tuple[ET.Element, str]:
        """The parsed multistatus, and the URL that answered (after redirects within the server)."""
        answer = self._reading("PROPFIND", url, {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"},
                               body)
        try:
            return ET.fromstring(answer.content), answer.url
        except ET.ParseError as exc:
            raise NotAnAddressBookError(f"{answer.url}: the server did not answer as a CardDAV server") from exc

    # ------------------------------------------------------------ discovery

    def discover(self, url: str, name: str | None = None,
                 on_created: Callable[[str, str], None] | None = None) -> str:
        """The address book's URL (ending with '/') from a bare server URL or the address book's own.

        When the user's address-book home has no address book, or none named ``name`` (its display name
        or the last part of its URL), or ``url`` names one just under the home that does not exist yet,
        it is created (extended MKCOL, RFC 5689) and ``on_created(url, display name)`` is called.
        """
        url = url if url.endswith("/") else url + "/"
        if self._site is None:
            self._site = urlsplit(url)
        with self.deadline(self.push_deadline):
            return self._discover(url, name, on_created)

    def _discover(self, url: str, name: str | None, on_created: Callable[[str, str], None] | None) -> str:
        found = self._address_book_at(url)
        if found:
            return found
        principal = self._principal(url)
        home = self._href_prop(principal, "c:addressbook-home-set")
        if not home:
            raise NotAnAddressBookError(f"{principal}: no addressbook-home-set")
        home = home if home.endswith("/") else home + "/"
        if not (home.startswith(url) or principal.startswith(url)):
            # the user named a collection: create it when it would be an address book of theirs
            segment = url.removeprefix(home).strip("/")
            if not url.startswith(home) or not segment or "/" in segment:
                raise NotAnAddressBookError(f"{_shown(url)}: not an address book (yours are under {_shown(home)}; "
                                            "--address-book NAME creates one there)")
            return self._create(url, unquote(segment), on_created)
        books = self._address_books(home)
        if name:
            wanted = name.casefold()
            for href, shown in books:
                if wanted in (shown.casefold(), unquote(href.rstrip("/").rsplit("/", 1)[-1]).casefold()):
                    return href
        elif books:
            return books[0][0]
        shown = name or DEFAULT_ADDRESS_BOOK
        return self._create(urljoin(home, event_slug(shown) + "/"), shown, on_created)

    def _principal(self, url: str) -> str:
        """The user's principal, asked of the URL given, then of the server's /.well-known/carddav and root."""
        root = urljoin(url, "/")
        starts = [url] if url != root else []
        starts += [urljoin(url, "/.well-known/carddav"), root]
        refused: RedirectRefusedError | None = None
        for start in starts:
            try:
                principal = self._href_prop(start, "d:current-user-principal")
            except RedirectRefusedError as exc:
                refused = refused or exc
                continue
            except NotAnAddressBookError:
                continue
            if principal:
                return principal if principal.endswith("/") else principal + "/"
        raise refused or NotAnAddressBookError(f"{url}: not an address book, and no CardDAV principal found there")

    def _address_books(self, home: str) -> list[tuple[str, str]]:
        """(URL, display name) of every address book in the home; none elsewhere than the server named."""
        tree, home = self.propfind(home, _propfind_body("<d:resourcetype/><d:displayname/>"), depth="1")
        books = []
        for response in tree.findall("d:response", _NS):
            href = response.findtext("d:href", default="", namespaces=_NS)
            if response.find(".//d:resourcetype/c:addressbook", _NS) is not None:
                book = urljoin(home, href)
                self._check_destination(book)
                books.append((book, response.findtext(".//d:displayname", default="", namespaces=_NS) or ""))
        return books

    def make_address_book(self, url: str, display_name: str) -> None:
        """Create an address book at ``url`` with an extended MKCOL (RFC 5689), as CardDAV servers must accept.

        A request like the others (deadline, answer cap, the password for the server named only); like a
        PUT, never redirected.
        """
        body = ('<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="DAV:" '
                'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/>'
                f'<c:addressbook/></d:resourcetype><d:displayname>{xml_escape(display_name)}</d:displayname>'
                '</d:prop></d:set></d:mkcol>')
        answer = self.request("MKCOL", url, headers={"Content-Type": "application/xml; charset=utf-8"},
                              data=body.encode("utf-8"), ok=(201, 403, 405, 409, 415, 501, *_REDIRECTS))
        status = answer.status
        if status == 201:
            return
        if status in _REDIRECTS:
            raise NotAnAddressBookError(f"MKCOL {_path(url)}: a redirect ({status}) instead of creating the "
                                        "address book: not created")
        if status == 403:
            raise ForbiddenError(f"MKCOL {_path(url)}: forbidden (403): this account may not create an address "
                                 "book there")
        if status == 405:
            raise NotAnAddressBookError(f"{_shown(url)}: something that is not an address book is already there "
                                        "(405)")
        raise NotAnAddressBookError(f"{_shown(url)}: the server would not create an address book ({status}); "
                                    "create one in its web interface")

    def _create(self, url: str, display_name: str, on_created: Callable[[str, str], None] | None) -> str:
        self.make_address_book(url, display_name)
        if on_created is not None:
            on_created(url, display_name)
        return url

    def _address_book_at(self, url: str) -> str | None:
        """``url`` (where it redirects to, within the server) when it is an address book."""
        try:
            tree, answered = self.propfind(url, _propfind_body("<d:resourcetype/>"))
        except FATAL:
            raise
        except PushError:
            return None
        if tree.find(".//d:resourcetype/c:addressbook", _NS) is None:
            return None
        return answered if answered.endswith("/") else answered + "/"

    def _href_prop(self, url: str, prop: str) -> str | None:
        prefix, name = prop.split(":")
        tree, answered = self.propfind(url, _propfind_body(f"<{prefix}:{name}/>"))
        found = tree.find(f".//{prefix}:{name}/d:href", _NS)
        return urljoin(answered, found.text.strip()) if found is not None and found.text else None

    # ------------------------------------------------------------ contacts

    def put(self, href: str, text: str, etag: str | None, create: bool) -> str:
        """Upload one vCard; returns its new etag. ``create``: only if absent; ``etag``: only if unchanged."""
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if create:
            headers["If-None-Match"] = "*"
        elif etag:
            headers["If-Match"] = etag
        answer = self.request("PUT", href, headers=headers, data=text.encode("utf-8"), ok=(200, 201, 204, *_REDIRECTS))
        if answer.status in _REDIRECTS:  # a contact is never sent on to wherever a server points
            raise PushError(f"PUT {_path(href)}: a redirect ({answer.status}) instead of storing the contact: "
                            "not stored")
        stored = answer.headers.get("ETag") or self._etag_or_none(href)
        if not stored:
            raise PushError(f"PUT {_path(href)}: the server answered {answer.status} but does not show the contact: "
                            "not stored")
        return stored

    def etag(self, href: str) -> str:
        tree, _ = self.propfind(href, _propfind_body("<d:getetag/>"))
        return tree.findtext(".//d:getetag", default="", namespaces=_NS)

    def _etag_or_none(self, href: str) -> str | None:
        try:
            return self.etag(href) or None
        except NotAnAddressBookError:
            return None

    def list_cards(self, address_book: str) -> dict[str, str]:
        """Every vCard in the address book, by href (REPORT addressbook-query)."""
        body = ('<?xml version="1.0" encoding="utf-8"?><c:addressbook-query xmlns:d="DAV:" '
                'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><c:address-data/></d:prop>'
                '</c:addressbook-query>')
        answer = self._reading("REPORT", address_book, {"Depth": "1", "Content-Type": "application/xml"}, body)
        tree = ET.fromstring(answer.content)
        return {r.findtext("d:href", default="", namespaces=_NS): r.findtext(".//c:address-data", default="",
                                                                             namespaces=_NS)
                for r in tree.findall("d:response", _NS) if r.find(".//c:address-data", _NS) is not None}


class PushJournal:
    """What was pushed where: href, etag and content hash per (address book, UID)."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS pushed (address_book TEXT, uid TEXT, href TEXT, etag TEXT, content TEXT,"
            " pushed TEXT, PRIMARY KEY (address_book, uid))"
        )

    def get(self, address_book: str, uid: str) -> tuple[str, str, str] | None:
        row = self.connection.execute("SELECT href, etag, content FROM pushed WHERE address_book = ? AND uid = ?",
                                      (address_book, uid)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def record(self, address_book: str, uid: str, href: str, etag: str, content: str) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO pushed VALUES (?, ?, ?, ?, ?, ?)",
            (address_book, uid, href, etag, content, dt.datetime.now(dt.UTC).isoformat()),
        )

    def close(self) -> None:
        self.connection.close()


def content_hash(vcard_text: str) -> str:
    """What a contact says, less REV: pushing is needed only when this changes."""
    lines = [line for line in vcard_text.replace("\r\n ", "").splitlines() if not line.startswith("REV:")]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def push_card(client: CardDavClient, journal: PushJournal, address_book: str, uid: str, text: str,
              force: bool = False) -> str:
    """Create or update one contact; returns the action taken. Raises ConflictError on a server change."""
    digest = content_hash(text)
    known = journal.get(address_book, uid)
    if known is not None and known[2] == digest and not force:
        return "unchanged"
    # the UID is ours (derived from a hash: letters, digits, dashes), so it is safe in a URL
    href = known[0] if known else urljoin(address_book, f"{uid}.vcf")
    with client.deadline(client.push_deadline):
        try:
            if known is None:
                etag = client.put(href, text, etag=None, create=True)
                action = "created"
            else:
                etag = client.put(href, text, etag=known[1], create=False)
                action = "updated"
        except ConflictError:
            if not force:
                raise
            etag = client.put(href, text, etag=None, create=False)
            action = "overwritten"
    journal.record(address_book, uid, href, etag, digest)
    return action


def push_folder(client: CardDavClient, journal: PushJournal, address_book: str,
                cards: list[tuple[str, str, str]], force: bool = False,
                on_result: Callable[[PushResult | None, str, PushError | None], None] | None = None) -> list[PushError]:
    """Push (uid, name, text) cards; a conflict or 5xx on one does not stop the others.

    Wrong password, forbidden, unreachable server, a redirect refused, an answer too large stop the run: every
    other card would fail the same.
    """
    errors: list[PushError] = []
    for uid, name, text in cards:
        try:
            action = push_card(client, journal, address_book, uid, text, force)
        except FATAL:
            raise
        except PushError as exc:
            errors.append(exc)
            if on_result:
                on_result(None, name, exc)
            continue
        if on_result:
            on_result(PushResult(uid, name, action, urljoin(address_book, f"{uid}.vcf")), name, None)
    return errors


class _Filed(Protocol):
    """What the watcher says of a photo filed (batch.PhotoOutcome)."""

    @property
    def source(self) -> str: ...

    @property
    def vcard(self) -> Path | None: ...


class BackgroundPusher:
    """watch --push: each contact filed is pushed by a thread of its own, in order, off the filing path.

    A slow or hung server never holds up the filing of the next photo (each push has its deadline anyway).
    ``close`` pushes what is still queued for up to DRAIN_SECONDS more, then ends the thread; a contact not
    pushed stays on disk, and ``cardscan push`` sends it.
    """

    def __init__(self, client: CardDavClient, address_book: str, journal_path: Path) -> None:
        self.client = client
        self.address_book = address_book
        self.journal_path = journal_path
        self._queue: queue.Queue[_Filed | None] = queue.Queue()
        self._give_up_at: float | None = None
        self._thread = threading.Thread(target=self._run, name="carddav-push", daemon=True)
        self._thread.start()

    def __call__(self, outcome: _Filed) -> None:
        """Queue a contact just filed (the watcher's ``on_filed``); returns at once."""
        if outcome.vcard is not None:
            self._queue.put(outcome)

    def close(self) -> None:
        drain = DRAIN_SECONDS
        self._give_up_at = time.monotonic() + drain
        self._queue.put(None)
        self._thread.join(timeout=drain + self.client.push_deadline + 5)
        if not self._thread.is_alive():
            self.client.close()

    def _run(self) -> None:
        journal = PushJournal(self.journal_path)
        try:
            while True:
                outcome = self._queue.get()
                if outcome is None:
                    return
                if self._give_up_at is not None and time.monotonic() >= self._give_up_at:
                    left = 1 + sum(1 for item in list(self._queue.queue) if item is not None)
                    log.warning("warning: %d contact%s not pushed before stopping: `cardscan push` sends %s", left,
                                "" if left == 1 else "s", "it" if left == 1 else "them")
                    return
                self._push(journal, outcome)
        finally:
            journal.close()

    def _push(self, journal: PushJournal, outcome: _Filed) -> None:
        assert outcome.vcard is not None
        uid = outcome.vcard.stem
        try:
            from ..contacts.folder import read_vcf

            action = push_card(self.client, journal, self.address_book, uid, read_vcf(outcome.vcard))
            log.info("%s: %s on %s", uid, action, self.address_book)
        except (PushError, OSError, UnicodeDecodeError) as exc:
            # the contact is safe on disk; `cardscan push` sends it later
            log.warning("error: push of %s: %s (retry with cardscan push)", outcome.source, exc)
        except Exception as exc:  # this thread must outlive any one contact
            log.warning("error: push of %s: unexpected error: %s: %s (retry with cardscan push)", outcome.source,
                        type(exc).__name__, exc)


def _http_error(method: str, url: str, status: int, attempts: int) -> PushError:
    where = f"{method} {_path(url)}"
    if status == 401:
        return AuthError(f"{_site(url)}: wrong user name or password (401)")
    if status == 403:
        return ForbiddenError(f"{where}: forbidden (403): this account may not write there")
    if status in (409, 412):
        return ConflictError(f"{where}: changed on the server since the last push ({status}); "
                             "--force overwrites it")
    if status in (404, 405) and method == "PROPFIND":
        return NotAnAddressBookError(f"{where}: not a CardDAV address book ({status})")
    if status in (404, 405):
        return NotAnAddressBookError(f"{where}: the server refused the contact ({status}): not an address book?")
    if status == 415:
        return PushError(f"{where}: the server refused the vCard (415)")
    if status >= 500:
        return PushError(f"{where}: server error ({status}) after {attempts} retries")
    return PushError(f"{where}: unexpected answer ({status})")


def _propfind_body(props: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" '
            f'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop>{props}</d:prop></d:propfind>')


def _site(url: str) -> str:
    parts = urlsplit(url)
    return printable(f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else ""))


def _shown(url: str) -> str:
    """A URL a server gave, as it is shown in one line: no user part, no query, no control character."""
    parts = urlsplit(url)
    return _site(url) + printable(parts.path or "/")


def _path(url: str) -> str:
    return printable(urlsplit(url).path or "/")


def _port(parts: SplitResult) -> int:
    try:
        port = parts.port
    except ValueError:  # a port that is no number
        return -1
    return port or (443 if parts.scheme == "https" else 80)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def credentials_in_url(url: str) -> bool:
    """True for 'https://user:secret@host/': a password there would sit in the shell history and ps."""
    return bool(urlsplit(url).password)


def password_for(url: str, user: str, environ: dict[str, str], prompt: Callable[[], str] | None) -> str:
    """The password from CARDSCAN_CARDDAV_PASSWORD, else ~/.netrc, else the prompt (never argv)."""
    if environ.get("CARDSCAN_CARDDAV_PASSWORD"):
        return environ["CARDSCAN_CARDDAV_PASSWORD"]
    import netrc

    host = urlsplit(url).hostname or ""
    try:
        entry = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        entry = None
    if entry and entry[2] and (not entry[0] or entry[0] == user):
        return entry[2]
    if prompt is not None:
        return prompt()
    raise AuthError(f"no password for {user} at {host}: set CARDSCAN_CARDDAV_PASSWORD or add {host} to ~/.netrc")

