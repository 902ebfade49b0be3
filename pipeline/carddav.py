"""Pushing contacts to a CardDAV address book (iCloud, Nextcloud, Fastmail, Radicale, Baïkal...).

- Discovery (RFC 6764, RFC 6352): the URL given is used as it is when it is an address book; else
  ``/.well-known/carddav``, the user's principal, its ``addressbook-home-set``, and the first address
  book found there; when there is none (or none of the name asked for), one is created with an extended
  MKCOL (RFC 5689).
- Create with ``PUT`` + ``If-None-Match: *``; update with ``If-Match: <etag>``. A push journal in the
  contacts folder remembers each contact's href, etag and content, so pushing again sends only what
  changed and never makes a second copy; a contact changed on the server since our last push is not
  overwritten (412) unless ``force``.
- Transient failures (5xx, connection errors, timeouts) are retried with backoff; each HTTP failure is
  turned into one clear error carrying its exit code. The password is never logged nor put in a URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import sqlite3
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.sax.saxutils import escape as xml_escape

import requests

from .errors import CardscanError, ExitCode
from .store import event_slug

log = logging.getLogger("cardscan.push")

JOURNAL_NAME = "push-journal.sqlite"
DEFAULT_ADDRESS_BOOK = "cardscan"  # the display name of the address book cardscan creates when there is none
TIMEOUT_SECONDS = 20
RETRIES = 3
BACKOFF_SECONDS = 0.5
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


@dataclass(frozen=True)
class PushResult:
    uid: str
    name: str
    action: str  # created, updated, unchanged, overwritten
    href: str


class CardDavClient:
    """A small CardDAV client over requests: PROPFIND for discovery, PUT for contacts."""

    def __init__(self, user: str, password: str, verify: bool = True, timeout: float = TIMEOUT_SECONDS,
                 retries: int = RETRIES, backoff: float = BACKOFF_SECONDS) -> None:
        self.session = requests.Session()
        self.session.auth = (user, password)
        self.session.headers["User-Agent"] = "cardscan"
        self.verify = verify
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    # ------------------------------------------------------------ HTTP

    def request(self, method: str, url: str, headers: dict[str, str] | None = None, data: bytes | None = None,
                ok: tuple[int, ...] = (200, 201, 204, 207)) -> requests.Response:
        """One request, retried on transient failures, its failure mapped to a PushError."""
        for attempt in range(self.retries + 1):
            try:
                response = self.session.request(method, url, headers=headers, data=data, timeout=self.timeout,
                                                verify=self.verify, allow_redirects=False)
            except requests.exceptions.SSLError as exc:
                raise ServerUnreachableError(f"{_site(url)}: TLS certificate not trusted ({_reason(exc)}); "
                                             "--insecure accepts a self-signed server") from exc
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if attempt < self.retries:
                    time.sleep(self.backoff * 2**attempt)
                    continue
                what = "timed out" if isinstance(exc, requests.exceptions.Timeout) else "cannot connect"
                raise ServerUnreachableError(f"{_site(url)}: {what} (server down or unreachable)") from exc
            if response.status_code >= 500 and attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
                continue
            if response.status_code in ok or response.status_code in (301, 302, 303, 307, 308):
                return response
            raise _http_error(method, url, response)
        raise ServerUnreachableError(f"{_site(url)}: no answer")  # pragma: no cover - the loop returns or raises

    def propfind(self, url: str, body: str, depth: str = "0") -> ET.Element:
        for _ in range(5):  # follow a few redirects, keeping the method (.well-known answers with one)
            response = self.request("PROPFIND", url, headers={"Depth": depth,
                                                              "Content-Type": "application/xml; charset=utf-8"},
                                    data=body.encode("utf-8"))
            if response.status_code in (301, 302, 303, 307, 308):
                url = urljoin(url, response.headers.get("Location", url))
                continue
            try:
                return ET.fromstring(response.content)
            except ET.ParseError as exc:
                raise NotAnAddressBookError(f"{url}: the server did not answer as a CardDAV server") from exc
        raise NotAnAddressBookError(f"{url}: too many redirects")

    # ------------------------------------------------------------ discovery

    def discover(self, url: str, name: str | None = None,
                 on_created: Callable[[str, str], None] | None = None) -> str:
        """The address book's URL (ending with '/') from a bare server URL or the address book's own.

        When the user's address-book home has no address book, or none named ``name`` (its display name
        or the last part of its URL), or ``url`` names one just under the home that does not exist yet,
        it is created (extended MKCOL, RFC 5689) and ``on_created(url, display name)`` is called.
        """
        url = url if url.endswith("/") else url + "/"
        if self._is_address_book(url):
            return url
        principal = self._principal(url)
        if not principal:
            raise NotAnAddressBookError(f"{url}: not an address book, and no CardDAV principal found there")
        home = self._href_prop(principal, "c:addressbook-home-set")
        if not home:
            raise NotAnAddressBookError(f"{principal}: no addressbook-home-set")
        home = home if home.endswith("/") else home + "/"
        if not (home.startswith(url) or principal.startswith(url)):
            # the user named a collection: create it when it would be an address book of theirs
            segment = url.removeprefix(home).strip("/")
            if not url.startswith(home) or not segment or "/" in segment:
                raise NotAnAddressBookError(f"{url}: not an address book (yours are under {home}; "
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

    def _principal(self, url: str) -> str | None:
        """The user's principal, asked of the URL given, then of the server's /.well-known/carddav and root."""
        root = urljoin(url, "/")
        starts = [url] if url != root else []
        starts += [urljoin(url, "/.well-known/carddav"), root]
        for start in starts:
            try:
                principal = self._href_prop(start, "d:current-user-principal")
            except NotAnAddressBookError:
                continue
            if principal:
                return principal if principal.endswith("/") else principal + "/"
        return None

    def _address_books(self, home: str) -> list[tuple[str, str]]:
        """(URL, display name) of every address book in the home."""
        tree = self.propfind(home, _propfind_body("<d:resourcetype/><d:displayname/>"), depth="1")
        books = []
        for response in tree.findall("d:response", _NS):
            href = response.findtext("d:href", default="", namespaces=_NS)
            if response.find(".//d:resourcetype/c:addressbook", _NS) is not None:
                books.append((urljoin(home, href), response.findtext(".//d:displayname", default="",
                                                                     namespaces=_NS) or ""))
        return books

    def make_address_book(self, url: str, display_name: str) -> None:
        """Create an address book at ``url`` with an extended MKCOL (RFC 5689), as CardDAV servers must accept."""
        body = ('<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="DAV:" '
                'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/>'
                f'<c:addressbook/></d:resourcetype><d:displayname>{xml_escape(display_name)}</d:displayname>'
                '</d:prop></d:set></d:mkcol>')
        response = self.request("MKCOL", url, headers={"Content-Type": "application/xml; charset=utf-8"},
                                data=body.encode("utf-8"), ok=(201, 403, 405, 409, 415, 501))
        status = response.status_code
        if status == 201:
            return
        if status == 403:
            raise ForbiddenError(f"MKCOL {_path(url)}: forbidden (403): this account may not create an address "
                                 "book there")
        if status == 405:
            raise NotAnAddressBookError(f"{url}: something that is not an address book is already there (405)")
        raise NotAnAddressBookError(f"{url}: the server would not create an address book ({status}); create one "
                                    "in its web interface")

    def _create(self, url: str, display_name: str, on_created: Callable[[str, str], None] | None) -> str:
        self.make_address_book(url, display_name)
        if on_created is not None:
            on_created(url, display_name)
        return url

    def _is_address_book(self, url: str) -> bool:
        try:
            tree = self.propfind(url, _propfind_body("<d:resourcetype/>"))
        except (NotAnAddressBookError, PushError) as exc:
            if isinstance(exc, (AuthError, ForbiddenError, ServerUnreachableError)):
                raise
            return False
        return tree.find(".//d:resourcetype/c:addressbook", _NS) is not None

    def _href_prop(self, url: str, prop: str) -> str | None:
        prefix, name = prop.split(":")
        tree = self.propfind(url, _propfind_body(f"<{prefix}:{name}/>"))
        found = tree.find(f".//{prefix}:{name}/d:href", _NS)
        return urljoin(url, found.text.strip()) if found is not None and found.text else None

    # ------------------------------------------------------------ contacts

    def put(self, href: str, text: str, etag: str | None, create: bool) -> str:
        """Upload one vCard; returns its new etag. ``create``: only if absent; ``etag``: only if unchanged."""
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if create:
            headers["If-None-Match"] = "*"
        elif etag:
            headers["If-Match"] = etag
        response = self.request("PUT", href, headers=headers, data=text.encode("utf-8"))
        return response.headers.get("ETag") or self.etag(href)

    def etag(self, href: str) -> str:
        tree = self.propfind(href, _propfind_body("<d:getetag/>"))
        return tree.findtext(".//d:getetag", default="", namespaces=_NS)

    def list_cards(self, address_book: str) -> dict[str, str]:
        """Every vCard in the address book, by href (REPORT addressbook-query)."""
        body = ('<?xml version="1.0" encoding="utf-8"?><c:addressbook-query xmlns:d="DAV:" '
                'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><c:address-data/></d:prop>'
                '</c:addressbook-query>')
        response = self.request("REPORT", address_book, headers={"Depth": "1", "Content-Type": "application/xml"},
                                data=body.encode("utf-8"))
        tree = ET.fromstring(response.content)
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

    Wrong password, forbidden and unreachable server stop the run: every other card would fail the same.
    """
    errors: list[PushError] = []
    for uid, name, text in cards:
        try:
            action = push_card(client, journal, address_book, uid, text, force)
        except (AuthError, ForbiddenError, ServerUnreachableError):
            raise
        except PushError as exc:
            errors.append(exc)
            if on_result:
                on_result(None, name, exc)
            continue
        if on_result:
            on_result(PushResult(uid, name, action, urljoin(address_book, f"{uid}.vcf")), name, None)
    return errors


def _http_error(method: str, url: str, response: requests.Response) -> PushError:
    status = response.status_code
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
        return PushError(f"{where}: server error ({status}) after {RETRIES} retries")
    return PushError(f"{where}: unexpected answer ({status})")


def _propfind_body(props: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" '
            f'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop>{props}</d:prop></d:propfind>')


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


def _reason(exc: Exception) -> str:
    text = str(exc)
    match = re.search(r"certificate verify failed: ([^(\)]+)", text)
    return match.group(1).strip() if match else "verification failed"


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

