"""`cardscan review`: a page on 127.0.0.1 to check and correct each card before it reaches the phone.

The standard library's http.server serves one self-contained page (no framework, no CDN: it works
offline). Every request must carry the session's random token (in the page's URL, then in a header),
and the Host header must be this loopback address, so other local users and web pages (DNS
rebinding) can neither read nor change contacts. Images are served only from the contacts folder's
review/ folder, by a name that must be a SHA-256, and only as regular files inside it. The server
bounds what it accepts: bodies by their declared length, connections by a timeout and by a fixed
number of workers. Saving rewrites only the lines of the vCard a person changed (``form``),
under the contacts folder's lock, and files the contact again under its (maybe corrected) events.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import socket
import stat
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ...contacts.folder import ContactsFolder, atomic_write, event_slug
from ...contacts.queries import Person, people_met_at
from ...contacts.records import read_stored
from ...core.errors import BadArgumentsError
from ...core.models import Meeting
from ...core.vcard import VCard
from ...understand.doubts import (
    CardValues,
    Doubt,
    Seen,
    SeenAddress,
    find_doubts,
    lines_of_sidecar,
)
from ...understand.normalise import normalise_typed_phone
from .form import CardForm, FormError, StaleFormError, apply_form, form_of, remove_meeting
from .form_json import BadRequest, check_flag, check_form, form_to_json, phone_region

_SHA = re.compile(r"^[0-9a-f]{64}(?:-\d{1,3})?$")  # a photo's SHA-256, and the card's rank on it
_UID = re.compile(r"^[0-9a-f-]{36}$")
MAX_BODY = 256 * 1024  # a contact's form is a few kilobytes; a note of 20,000 characters fits
MAX_IMAGE = 20 * 1024 * 1024
MAX_SIDECAR = 4 * 1024 * 1024
MAX_CONTACT = 1024 * 1024
CONNECTION_TIMEOUT = 15.0  # seconds a connection may stay silent before it is closed
MAX_WORKERS = 16  # connections served at once; a browser opens six at most


@dataclass(frozen=True)
class ReviewScope:
    event: str | None = None
    date: dt.date | None = None
    only_doubtful: bool = False
    region: str = "FR"


class Refused(Exception):
    """A save the contact cannot take: the HTTP status and what to show."""

    def __init__(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        super().__init__(payload.get("error", ""))
        self.status = status
        self.payload = payload


class ReviewSession:
    """The cards under review and the operations on them; the HTTP handler only translates."""

    def __init__(self, folder: ContactsFolder, scope: ReviewScope) -> None:
        self.folder = folder
        self.scope = scope
        self.token = secrets.token_urlsafe(24)
        people = self._people()
        self.uids = [p.stored.uid for p in people]
        self.lang = self._language()
        self.uids = [p.stored.uid for p in people if self._wanted(p)]

    # ------------------------------------------------------------ reading

    def _people(self) -> list[Person]:
        if self.scope.event:
            people = people_met_at(self.folder, self.scope.event, self.scope.date)
        else:
            people = [Person(path, stored) for path, stored in self.folder.stored_cards()]
        return sorted(people, key=lambda p: p.stored.full_name.casefold())

    def _language(self) -> str:
        """The page speaks the language of the notes' meeting sentences (most of them), French by default."""
        counts: Counter[str] = Counter()
        for uid in self.uids:
            text = self._text(uid)
            lang = VCard(text).meeting_language() if text else None
            if lang:
                counts[lang] += 1
        return counts.most_common(1)[0][0] if counts else "fr"

    def _wanted(self, person: Person) -> bool:
        if not self.scope.only_doubtful:
            return True
        card = self.card(person.stored.uid)
        return card is not None and not card["reviewed"] and bool(card["doubts"])

    def summary(self) -> dict[str, Any]:
        cards = [self.card(uid) for uid in self.uids]
        listed = [{"uid": c["uid"], "name": c["name"], "reviewed": c["reviewed"], "doubts": len(c["doubts"]),
                   "image": c["image"]} for c in cards if c]
        return {"cards": listed, "checked": sum(1 for c in listed if c["reviewed"]), "total": len(listed),
                "event": self.scope.event, "lang": self.lang}

    def card(self, uid: str) -> dict[str, Any] | None:
        """Everything the page shows for one contact: its fields, the card image, the doubts and boxes."""
        text = self._text(uid)
        if text is None:
            return None
        contact = VCard(text)
        form = form_of(contact)
        region = phone_region(form, self.scope.region)
        reviewed = contact.reviewed
        shas = [sha.strip() for sha in contact.values("X-CARDSCAN-PHOTO")]
        sidecar, sha = self._sidecar(shas)
        values = values_of_form(form, sidecar.get("fields") if sidecar else None, region)
        lines = lines_of_sidecar(sidecar.get("lines", [])) if sidecar else []
        doubts = find_doubts(values, lines, self.lang)
        by_field: dict[str, list[str]] = {}
        for doubt in doubts:
            by_field.setdefault(doubt.field, []).append(doubt.reason)
        return {
            "uid": uid, "name": form.full_name, "version": _version(text), "lang": self.lang,
            "company": form.is_company, "fields": form_to_json(form, region), "doubts": by_field,
            "boxes": _boxes(form, sidecar, doubts),
            "reviewed": reviewed[-1].strip() if reviewed else None,
            "image": f"/image/{sha}.jpg" if sha else None,
            "width": sidecar.get("width") if sidecar else None, "height": sidecar.get("height") if sidecar else None,
        }

    def image(self, name: str) -> bytes | None:
        """A card image, by its photo's SHA-256 only: nothing else of the disk can be named."""
        stem = name.removesuffix(".jpg")
        if not _SHA.match(stem) or name != f"{stem}.jpg":
            return None
        return self._review_file(name, MAX_IMAGE)

    # ------------------------------------------------------------ changing

    def save(self, uid: str, body: dict[str, Any], mark_reviewed: bool = True) -> dict[str, Any]:
        """Check the page's form and write what changed; raise Refused (with the reasons) when it cannot."""
        confirmed = check_flag(body, "confirm")
        version = body.get("version")
        if version is not None and not isinstance(version, str):
            raise BadRequest("version: text expected")
        with self.folder.lock():  # read, merge and write as one step against scan and watch
            text = self._text(uid)
            if text is None:
                raise Refused(HTTPStatus.NOT_FOUND, {"error": "no such contact"})
            if version is not None and version != _version(text):
                raise Refused(HTTPStatus.CONFLICT, {"error": "this contact changed on disk since the page read it "
                                                             "(a scan added a card to it?): reload it"})
            current = form_of(VCard(text))
            checked = check_form(body, current, self.scope.region, self.lang)
            if checked.errors or (checked.confirm and not confirmed):
                raise Refused(HTTPStatus.UNPROCESSABLE_ENTITY,
                              {"ok": False, "errors": checked.errors, "confirm": checked.confirm})
            self._write(uid, text, checked.form, mark_reviewed)
        card = self.card(uid)
        assert card is not None
        return card

    def mark_reviewed(self, uid: str, body: dict[str, Any]) -> dict[str, Any]:
        """Mark the contact checked as it is (a phone number phonenumbers rejects needs the confirm flag)."""
        return self.save(uid, {k: v for k, v in body.items() if k in ("confirm", "version")})

    def _write(self, uid: str, text: str, form: CardForm, mark_reviewed: bool) -> None:
        try:
            edited = apply_form(text, form, reviewed=dt.date.today() if mark_reviewed else None)
        except StaleFormError as exc:
            raise Refused(HTTPStatus.CONFLICT, {"error": f"this contact changed on disk ({exc}): reload it"}) from exc
        except FormError as exc:
            raise Refused(HTTPStatus.UNPROCESSABLE_ENTITY, {"ok": False, "errors": {"name.family": str(exc)},
                                                            "confirm": {}}) from exc
        before, after = read_stored(text), read_stored(edited)
        if after is None or before is None or after.uid != before.uid:  # checked before it reaches the disk
            raise Refused(HTTPStatus.UNPROCESSABLE_ENTITY,
                          {"ok": False, "errors": {"card": "the edited contact would not be a valid vCard"},
                           "confirm": {}})
        path = self.folder.contact_path(uid)
        atomic_write(path, edited)
        # a corrected event or date moves the contact from one event file to another
        self.folder.rebuild_event_files(set(before.meetings) | set(after.meetings))

    def not_a_card(self, uid: str) -> bool:
        """Take the contact out of the event under review (out of the address book if it was its only one).

        The contact as it was goes to trash/ first: nothing is ever deleted.
        """
        with self.folder.lock():
            text = self._text(uid)
            stored = read_stored(text) if text is not None else None
            if text is None or stored is None:
                return False
            path = self.folder.contact_path(uid)
            self.folder.trash.mkdir(exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            atomic_write(self.folder.trash / f"{uid}-{stamp}.vcf", text)
            leaving = [m for m in stored.meetings if self._in_scope(m)] or list(stored.meetings)
            staying = [m for m in stored.meetings if m not in leaving]
            if staying:
                remaining = text
                for meeting in leaving:
                    remaining = remove_meeting(remaining, meeting)
                atomic_write(path, remaining)
            else:
                path.unlink()
            self.folder.rebuild_event_files(stored.meetings)
            self.uids = [u for u in self.uids if u != uid]
        return True

    # ------------------------------------------------------------ helpers

    def _in_scope(self, meeting: Meeting) -> bool:
        if not self.scope.event:
            return True
        same_event = event_slug(meeting.event) == event_slug(self.scope.event)
        return same_event and (self.scope.date is None or meeting.date == self.scope.date)

    def _text(self, uid: str) -> str | None:
        """The contact's vCard text, when the uid is one under review and its file a readable contact."""
        if not _UID.match(uid) or uid not in self.uids:
            return None
        data = _read_regular(self.folder.contact_path(uid), MAX_CONTACT)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def _review_file(self, name: str, limit: int) -> bytes | None:
        """A file of review/, only when it is a regular file that lies inside review/ (no link out)."""
        review = self.folder.review
        path = review / name
        try:
            if path.resolve().parent != review.resolve():
                return None
        except OSError:
            return None
        return _read_regular(path, limit)

    def _sidecar(self, shas: list[str]) -> tuple[dict[str, Any] | None, str | None]:
        for sha in reversed(shas):  # the most recent photo of this person
            if not _SHA.match(sha):
                continue
            data = self._review_file(f"{sha}.json", MAX_SIDECAR)
            if data is None:
                continue
            try:
                sidecar = json.loads(data)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(sidecar, dict):
                return sidecar, sha
        return None, None


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file (never through a symbolic link, never a FIFO), or None; at most ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)[:limit]
    except OSError:
        return None
    finally:
        os.close(fd)


def _version(text: str) -> str:
    """What the page read: a save against another version of the file is refused rather than merged blindly."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- doubts and boxes

def values_of_form(form: CardForm, read: dict[str, Any] | None, region: str) -> CardValues:
    """The contact's values as the doubts see them: a value still as it was read keeps that reading's confidence."""
    read = read if isinstance(read, dict) else {}

    def found(key: str) -> list[dict[str, Any]]:
        value = read.get(key)
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        return [item for item in items if isinstance(item, dict)]

    def confidence(key: str, matches: Any) -> float | None:
        for item in found(key):
            try:
                if matches(item):
                    value = item.get("confidence")
                    return float(value) if isinstance(value, int | float) else None
            except (AttributeError, TypeError):
                continue
        return None

    def same(a: Any, b: str) -> bool:
        return isinstance(a, str) and a.strip().casefold() == b.strip().casefold()

    def phone_read(number: str) -> Any:
        e164 = normalise_typed_phone(number, region)
        return lambda i: i.get("number") == e164

    def text_read(value: str) -> Any:
        return lambda i: same(i.get("value"), value)

    name = form.name
    full = " ".join(p for p in (name.given, name.additional, name.family) if p)
    person = Seen(full, confidence("name", lambda i: same(i.get("given", ""), name.given)
                                   and same(i.get("family", ""), name.family))) if name.is_person else None
    return CardValues(
        name=person,
        titles=tuple(Seen(t.value, confidence("title", text_read(t.value))) for t in form.titles),
        organisations=tuple(Seen(o.name, confidence("organisation", text_read(o.name))) for o in form.organisations),
        departments=tuple(Seen(o.department, confidence("department", text_read(o.department)))
                          for o in form.organisations),
        phones=tuple(Seen(p.number, confidence("phones", phone_read(p.number))) for p in form.phones),
        emails=tuple(Seen(e.value, confidence("emails", text_read(e.value))) for e in form.emails),
        websites=tuple(Seen(w.value, confidence("websites", text_read(w.value))) for w in form.websites),
        addresses=tuple(SeenAddress(a.street, a.postcode, a.city, a.country, confidence(
            "addresses", lambda i, a=a: same(i.get("street"), a.street) and same(i.get("city"), a.city)
            and same(i.get("postcode"), a.postcode))) for a in form.addresses),
        social=tuple(Seen(s.url, confidence("social", lambda i, s=s: same(i.get("url"), s.url))) for s in form.social),
        region=region,
    )


def _boxes(form: CardForm, sidecar: dict[str, Any] | None, doubts: list[Doubt]) -> dict[str, list[list[int]]]:
    """Where each field was read on the card image: the boxes of the OCR lines it came from."""
    if not sidecar:
        return {}
    lines = [ln for ln in sidecar.get("lines", []) if isinstance(ln, dict) and isinstance(ln.get("text"), str)]
    fields = sidecar.get("fields")
    read: dict[str, Any] = fields if isinstance(fields, dict) else {}
    boxes: dict[str, list[list[int]]] = {}

    def outline(key: str, evidence: Any) -> None:
        if not isinstance(evidence, list):
            return
        wanted = {e for e in evidence if isinstance(e, str)}
        found = [ln["box"] for ln in lines if ln["text"] in wanted or _cleaned(ln["text"]) in wanted]
        if found:
            boxes[key] = found

    def first(key: str, test: Any) -> dict[str, Any] | None:
        value = read.get(key)
        for item in value if isinstance(value, list) else [value] if isinstance(value, dict) else []:
            if isinstance(item, dict) and test(item):
                return item
        return None

    name = read.get("name")
    if isinstance(name, dict) and form.name.is_person:
        outline("name", name.get("evidence"))
    region = phone_region(form, "ZZ")

    def same_text(item: dict[str, Any], value: str) -> bool:
        return isinstance(item.get("value"), str) and item["value"].casefold() == value.casefold()

    # (the sidecar's key, the form's field, what the form shows, the sidecar item each value was read as)
    by_field: tuple[tuple[str, str, list[Any], Any], ...] = (
        ("title", "titles", [t.value for t in form.titles], lambda i, v: i.get("value") == v),
        ("organisation", "organisations", [o.name for o in form.organisations], lambda i, v: i.get("value") == v),
        ("phones", "phones", [normalise_typed_phone(p.number, region) for p in form.phones],
         lambda i, v: i.get("number") == v),
        ("emails", "emails", [e.value for e in form.emails], same_text),
        ("websites", "websites", [w.value for w in form.websites], same_text),
        ("addresses", "addresses", [(a.street, a.city) for a in form.addresses],
         lambda i, v: (i.get("street"), i.get("city")) == v),
        ("social", "social", [s.url for s in form.social], lambda i, v: i.get("url") == v),
    )
    for key, field, values, matches in by_field:
        for index, value in enumerate(values):
            item = first(key, lambda i, v=value, m=matches: m(i, v))
            if item:
                outline(f"{field}[{index}]", item.get("evidence"))
    for doubt in doubts:
        if doubt.line:
            outline(doubt.field, [doubt.line])
    return boxes


def _cleaned(text: str) -> str:
    from ...understand.extract import clean_line

    return clean_line(text)


# ---------------------------------------------------------------- HTTP

class ReviewServer(ThreadingHTTPServer):
    """A threading server with a fixed number of workers: past it, a connection is answered 503 at once.

    Each connection's socket has a timeout (the handler's ``timeout``), so idle connections free their
    worker instead of holding a thread each forever.
    """

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 max_workers: int = MAX_WORKERS) -> None:
        self.workers = threading.BoundedSemaphore(max_workers)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.workers.acquire(blocking=False):
            self._busy(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.workers.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.workers.release()

    def _busy(self, request: socket.socket) -> None:
        try:
            request.settimeout(1.0)
            request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                            b"Retry-After: 1\r\nConnection: close\r\n\r\nbusy\n")
        except OSError:
            pass
        finally:
            self.shutdown_request(request)


def make_server(session: ReviewSession, port: int = 0, timeout: float = CONNECTION_TIMEOUT,
                max_workers: int = MAX_WORKERS) -> ReviewServer:
    """The review server on 127.0.0.1 (a free port unless one is given), not yet serving."""
    return ReviewServer(("127.0.0.1", port), _handler(session, timeout), max_workers)


def page_url(server: ThreadingHTTPServer, session: ReviewSession) -> str:
    return f"http://127.0.0.1:{int(server.server_address[1])}/?token={session.token}"


def _static(name: str) -> bytes:
    return (resources.files(__package__) / "static" / name).read_bytes()


class _BadBody(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def _handler(session: ReviewSession, connection_timeout: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "cardscan-review"
        sys_version = ""
        timeout = connection_timeout  # socketserver sets it on the connection: a silent client is let go

        def log_message(self, format: str, *args: Any) -> None:
            return  # requests carry the token in the URL: never log them

        # -------------------------------------------------- guards
        def _allowed(self) -> bool:
            port = self.server.server_address[1]  # type: ignore[index]
            if self.headers.get("Host") not in (f"127.0.0.1:{port}", f"localhost:{port}"):
                self._send(HTTPStatus.FORBIDDEN, b"wrong host\n", "text/plain")
                return False
            query = parse_qs(urlsplit(self.path).query)
            token = self.headers.get("X-Cardscan-Token") or (query.get("token") or [""])[0]
            if not secrets.compare_digest(token.encode(), session.token.encode()):
                self._send(HTTPStatus.FORBIDDEN, b"this page needs the address cardscan review printed\n",
                           "text/plain")
                return False
            return True

        def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                             "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: HTTPStatus, payload: Any) -> None:
            self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json")

        def _body(self) -> dict[str, Any]:
            """The request's JSON object, read by its declared length only (never 'until the client stops')."""
            if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
                raise _BadBody(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "JSON expected")
            if self.headers.get("Transfer-Encoding"):
                raise _BadBody(HTTPStatus.LENGTH_REQUIRED, "a Content-Length is required")
            declared = self.headers.get_all("Content-Length") or []
            if not declared:
                raise _BadBody(HTTPStatus.LENGTH_REQUIRED, "a Content-Length is required")
            if len(set(declared)) != 1 or not re.fullmatch(r"[0-9]{1,12}", declared[0].strip()):
                raise _BadBody(HTTPStatus.BAD_REQUEST, "bad Content-Length")
            length = int(declared[0])
            if length > MAX_BODY:
                raise _BadBody(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"at most {MAX_BODY} bytes")
            data = self.rfile.read(length)
            if len(data) != length:
                raise _BadBody(HTTPStatus.BAD_REQUEST, "the body is shorter than its Content-Length")
            try:
                body = json.loads(data or b"{}")
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise _BadBody(HTTPStatus.BAD_REQUEST, "invalid JSON") from exc
            if not isinstance(body, dict):
                raise _BadBody(HTTPStatus.BAD_REQUEST, "a JSON object expected")
            return body

        # -------------------------------------------------- routes
        def do_GET(self) -> None:
            try:
                self._get()
            except Exception as exc:  # one bad request must get an answer, and never stop the server
                self._internal_error(exc)

        def do_POST(self) -> None:
            try:
                self._post()
            except Exception as exc:
                self._internal_error(exc)

        def _internal_error(self, exc: Exception) -> None:
            print(f"cardscan review: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal error"})

        def _get(self) -> None:
            if not self._allowed():
                return
            path = urlsplit(self.path).path
            if path == "/":
                # the token (URL-safe base64, checked above) goes into the asset links, which need it too
                page = _static("review.html").replace(b"{token}", session.token.encode("ascii"))
                self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
            elif path in ("/review.js", "/review.css"):
                kind = "text/javascript" if path.endswith(".js") else "text/css"
                self._send(HTTPStatus.OK, _static(path[1:]), f"{kind}; charset=utf-8")
            elif path == "/api/cards":
                self._json(HTTPStatus.OK, session.summary())
            elif path.startswith("/api/card/"):
                card = session.card(path.removeprefix("/api/card/"))
                if card is None:
                    self._json(HTTPStatus.NOT_FOUND, {"error": "no such contact"})
                else:
                    self._json(HTTPStatus.OK, card)
            elif path.startswith("/image/"):
                data = session.image(path.removeprefix("/image/"))
                if data is None:
                    self._send(HTTPStatus.NOT_FOUND, b"no such image\n", "text/plain")
                else:
                    self._send(HTTPStatus.OK, data, "image/jpeg")
            else:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

        def _post(self) -> None:
            if not self._allowed():
                return
            try:
                body = self._body()
            except _BadBody as exc:
                self.close_connection = True  # what is left of the body must not be read as a request
                self._json(exc.status, {"error": str(exc)})
                return
            path = urlsplit(self.path).path
            match = re.match(r"^/api/card/([0-9a-f-]{36})(?:/(reviewed|not-a-card))?$", path)
            if not match:
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                return
            uid, action = match.group(1), match.group(2)
            try:
                if action == "not-a-card":
                    ok = session.not_a_card(uid)
                    self._json(HTTPStatus.OK if ok else HTTPStatus.NOT_FOUND, {"ok": ok})
                    return
                if action == "reviewed":
                    card = session.mark_reviewed(uid, body)
                else:
                    card = session.save(uid, body, mark_reviewed=check_flag(body, "reviewed")
                                        if "reviewed" in body else True)
                self._json(HTTPStatus.OK, {"ok": True, "card": card})
            except BadRequest as exc:
                self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            except Refused as exc:
                self._json(exc.status, exc.payload)

    return Handler


def check_scope(session: ReviewSession) -> None:
    if not session.uids:
        what = f"met at {session.scope.event!r}" if session.scope.event else "in the contacts folder"
        doubt = " with doubtful fields not yet reviewed" if session.scope.only_doubtful else ""
        raise BadArgumentsError(f"no contact {what}{doubt} to review")
