"""`cardscan review`: a page on 127.0.0.1 to check and correct each card before it reaches the phone.

The standard library's http.server serves one self-contained page (no framework, no CDN: it works
offline). Every request must carry the session's random token (in the page's URL, then in a header),
and the Host header must be this loopback address, so other local users and web pages (DNS
rebinding) can neither read nor change contacts. Images are served only from the contacts folder's
review/ folder, by a name that must be a SHA-256. Edits are validated (email-validator, phonenumbers)
before the vCard is rewritten atomically, with the same UID and a new REV.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import phonenumbers
import vobject

from .addressbook import Person, people_met_at
from .errors import BadArgumentsError
from .lexicons import TLD_REGIONS
from .models import Meeting
from .normalise import normalise_email
from .store import ContactsFolder, atomic_write, event_slug, read_vcf
from .vcard import ContactEdits, PhoneEdit, card_fields, edit_vcard, read_stored, remove_meeting

REVIEW_THRESHOLD = 0.6
_SHA = re.compile(r"^[0-9a-f]{64}(?:-\d{1,3})?$")  # a photo's SHA-256, and the card's rank on it
_UID = re.compile(r"^[0-9a-f-]{36}$")
MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class ReviewScope:
    event: str | None = None
    date: dt.date | None = None
    only_doubtful: bool = False
    region: str = "FR"


class ReviewSession:
    """The cards under review and the operations on them; the HTTP handler only translates."""

    def __init__(self, folder: ContactsFolder, scope: ReviewScope) -> None:
        self.folder = folder
        self.scope = scope
        self.token = secrets.token_urlsafe(24)
        self.lock = threading.Lock()  # one writer at a time
        people = self._people()
        self.uids = [p.stored.uid for p in people]
        self.uids = [p.stored.uid for p in people if self._wanted(p)]

    # ------------------------------------------------------------ reading

    def _people(self) -> list[Person]:
        if self.scope.event:
            people = people_met_at(self.folder, self.scope.event, self.scope.date)
        else:
            people = [Person(path, stored) for path, stored in self.folder.stored_cards()]
        return sorted(people, key=lambda p: p.stored.full_name.casefold())

    def _wanted(self, person: Person) -> bool:
        if not self.scope.only_doubtful:
            return True
        card = self.card(person.stored.uid)
        return card is not None and not card["reviewed"] and any(card["doubtful"].values())

    def summary(self) -> dict[str, Any]:
        cards = [self.card(uid) for uid in self.uids]
        listed = [{"uid": c["uid"], "name": c["name"], "reviewed": c["reviewed"]} for c in cards if c]
        return {"cards": listed, "checked": sum(1 for c in listed if c["reviewed"]), "total": len(listed),
                "event": self.scope.event, "threshold": REVIEW_THRESHOLD}

    def card(self, uid: str) -> dict[str, Any] | None:
        """Everything the page shows for one contact: its fields, the card image, the doubts and boxes."""
        path = self._path(uid)
        if path is None:
            return None
        card = vobject.readOne(read_vcf(path))
        contents = card.contents
        f = card_fields(card)
        fields = {
            "given": f.given, "family": f.family, "prefix": f.prefix, "suffix": f.suffix, "title": f.title,
            "organisation": f.organisation, "department": f.department,
            "phones": [{"number": number, "kind": kind} for kind, number in f.phones],
            "emails": f.emails, "websites": f.websites,
            "address": {"street": f.street, "postcode": f.postcode, "city": f.city, "region": f.region,
                        "country": f.country},
            "note": f.note,
        }
        shas = [str(p.value) for p in contents.get("x-cardscan-photo", [])]
        sidecar, sha = self._sidecar(shas)
        doubtful, boxes = _doubts_and_boxes(fields, sidecar)
        reviewed = contents.get("x-cardscan-reviewed")
        return {
            "uid": uid, "name": str(card.fn.value), "fields": fields, "doubtful": doubtful, "boxes": boxes,
            "reviewed": str(reviewed[0].value) if reviewed else None,
            "image": f"/image/{sha}.jpg" if sha else None,
            "width": sidecar.get("width") if sidecar else None, "height": sidecar.get("height") if sidecar else None,
            "lines": sidecar.get("lines", []) if sidecar else [],
        }

    def image(self, name: str) -> bytes | None:
        """A card image, by its photo's SHA-256 only: nothing else of the disk can be named."""
        stem = name.removesuffix(".jpg")
        if not _SHA.match(stem) or name != f"{stem}.jpg":
            return None
        path = self.folder.review / name
        return path.read_bytes() if path.is_file() else None

    # ------------------------------------------------------------ changing

    def save(self, uid: str, body: dict[str, Any], mark_reviewed: bool = True) -> dict[str, str]:
        """Validate and write the edited contact; return {field: message} for what was refused."""
        path = self._path(uid)
        if path is None:
            return {"card": "no such contact"}
        edits, errors = self._validated(body)
        if errors:
            return errors
        with self.lock:
            text = edit_vcard(read_vcf(path), edits, reviewed=dt.date.today() if mark_reviewed else None)
            stored = read_stored(text)
            if stored is None or stored.uid != uid:  # validated before it reaches the disk
                return {"card": "the edited contact would not be a valid vCard"}
            atomic_write(path, text)
            self.folder.rebuild_event_files(stored.meetings)
        return {}

    def mark_reviewed(self, uid: str) -> bool:
        path = self._path(uid)
        if path is None:
            return False
        with self.lock:
            text = edit_vcard(read_vcf(path), None, reviewed=dt.date.today())
            atomic_write(path, text)
            stored = read_stored(text)
            if stored:
                self.folder.rebuild_event_files(stored.meetings)
        return True

    def not_a_card(self, uid: str) -> bool:
        """Take the contact out of the event under review (out of the address book if it was its only one).

        The contact as it was goes to trash/ first: nothing is ever deleted.
        """
        path = self._path(uid)
        if path is None:
            return False
        with self.lock:
            text = read_vcf(path)
            stored = read_stored(text)
            if stored is None:
                return False
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

    def _path(self, uid: str) -> Path | None:
        if not _UID.match(uid) or uid not in self.uids:
            return None
        path = self.folder.contact_path(uid)
        return path if path.is_file() else None

    def _sidecar(self, shas: list[str]) -> tuple[dict[str, Any] | None, str | None]:
        for sha in reversed(shas):  # the most recent photo of this person
            path = self.folder.review / f"{sha}.json"
            if _SHA.match(sha) and path.is_file():
                return json.loads(path.read_text(encoding="utf-8")), sha
        return None, None

    def _validated(self, body: dict[str, Any]) -> tuple[ContactEdits, dict[str, str]]:
        errors: dict[str, str] = {}

        def text(key: str, source: dict[str, Any] = body, limit: int = 500) -> str:
            value = source.get(key, "")
            if not isinstance(value, str):
                errors[key] = "text expected"
                return ""
            if len(value) > limit:
                errors[key] = f"at most {limit} characters"
            return value.strip()

        raw_address = body.get("address")
        address: dict[str, Any] = raw_address if isinstance(raw_address, dict) else {}
        country = text("country", address, 60)
        region = _region_for(country, self.scope.region)
        phones: list[PhoneEdit] = []
        for index, phone in enumerate(body.get("phones") or []):
            number = str(phone.get("number", "")).strip() if isinstance(phone, dict) else ""
            kind = phone.get("kind") if isinstance(phone, dict) else None
            if not number:
                continue
            if kind not in ("cell", "work", "fax", "other"):
                errors[f"phones[{index}]"] = "choose mobile, work, fax or other"
                continue
            e164 = _phone_e164(number, region)
            if e164 is None:
                errors[f"phones[{index}]"] = f"not a phone number (read as a number of {region})"
            else:
                phones.append(PhoneEdit(e164, kind))
        emails: list[str] = []
        for index, email in enumerate(body.get("emails") or []):
            value = str(email).strip()
            if not value:
                continue
            normal = normalise_email(value)
            if normal is None:
                errors[f"emails[{index}]"] = "not a valid e-mail address"
            else:
                emails.append(normal)
        websites = []
        for index, site in enumerate(body.get("websites") or []):
            value = str(site).strip()
            if value and re.search(r"\s", value):
                errors[f"websites[{index}]"] = "a web address has no spaces"
            elif value:
                websites.append(value)
        edits = ContactEdits(
            given=text("given"), family=text("family"), prefix=text("prefix"), suffix=text("suffix"),
            title=text("title"), organisation=text("organisation"), department=text("department"),
            phones=tuple(phones), emails=tuple(emails), websites=tuple(websites),
            street=text("street", address), postcode=text("postcode", address, 20), city=text("city", address),
            region=text("region", address), country=country, note=text("note", limit=20000),
        )
        if not (edits.given or edits.family or edits.organisation):
            errors["family"] = "a contact needs a name or an organisation"
        return edits, errors


def _region_for(country: str, default: str) -> str:
    code = country.strip().upper()
    if code in phonenumbers.SUPPORTED_REGIONS:
        return code
    return TLD_REGIONS.get(code.lower(), default)


def _phone_e164(number: str, region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(re.sub(r"\(\s*0\s*\)", "", number), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _doubts_and_boxes(fields: dict[str, Any], sidecar: dict[str, Any] | None) -> tuple[dict[str, bool], dict[str, Any]]:
    """Which form fields were read with low confidence, and the OCR line boxes each came from."""
    doubtful: dict[str, bool] = {}
    boxes: dict[str, list[list[int]]] = {}
    if not sidecar:
        return doubtful, boxes
    lines = sidecar.get("lines", [])
    read = sidecar.get("fields", {})

    def note(key: str, found: dict[str, Any] | None) -> None:
        if not found:
            return
        doubtful[key] = found.get("confidence", 1.0) < REVIEW_THRESHOLD
        evidence = set(found.get("evidence", []))
        boxes[key] = [line["box"] for line in lines if line["text"] in evidence or _cleaned(line["text"]) in evidence]

    note("name", read.get("name"))
    for key in ("title", "organisation", "department"):
        note(key, read.get(key))
    for index, phone in enumerate(fields["phones"]):
        note(f"phones[{index}]", next((p for p in read.get("phones", []) if p.get("number") == phone["number"]), None))
    for index, email in enumerate(fields["emails"]):
        note(f"emails[{index}]", next((e for e in read.get("emails", []) if e.get("value") == email), None))
    for index, site in enumerate(fields["websites"]):
        note(f"websites[{index}]", next((w for w in read.get("websites", []) if w.get("value") == site), None))
    addresses = read.get("addresses", [])
    if addresses:
        note("address", addresses[0])
    return doubtful, boxes


def _cleaned(text: str) -> str:
    from .extract import clean_line

    return clean_line(text)


# ---------------------------------------------------------------- HTTP

def make_server(session: ReviewSession, port: int = 0) -> ThreadingHTTPServer:
    """The review server on 127.0.0.1 (a free port unless one is given), not yet serving."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(session))
    server.daemon_threads = True
    return server


def page_url(server: ThreadingHTTPServer, session: ReviewSession) -> str:
    return f"http://127.0.0.1:{int(server.server_address[1])}/?token={session.token}"


def _static(name: str) -> bytes:
    return (resources.files("pipeline") / "static" / name).read_bytes()


def _handler(session: ReviewSession) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "cardscan-review"
        sys_version = ""

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

        # -------------------------------------------------- routes
        def do_GET(self) -> None:
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

        def do_POST(self) -> None:
            if not self._allowed():
                return
            if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
                self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "JSON expected"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "too large"})
                return
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except (json.JSONDecodeError, UnicodeDecodeError):
                self._json(HTTPStatus.BAD_REQUEST, {"error": "invalid JSON"})
                return
            path = urlsplit(self.path).path
            match = re.match(r"^/api/card/([0-9a-f-]{36})(?:/(reviewed|not-a-card))?$", path)
            if not match or not isinstance(body, dict):
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                return
            uid, action = match.group(1), match.group(2)
            if action == "reviewed":
                ok = session.mark_reviewed(uid)
                self._json(HTTPStatus.OK if ok else HTTPStatus.NOT_FOUND, {"ok": ok})
            elif action == "not-a-card":
                ok = session.not_a_card(uid)
                self._json(HTTPStatus.OK if ok else HTTPStatus.NOT_FOUND, {"ok": ok})
            else:
                errors = session.save(uid, body)
                if errors:
                    self._json(HTTPStatus.UNPROCESSABLE_ENTITY, {"ok": False, "errors": errors})
                else:
                    self._json(HTTPStatus.OK, {"ok": True, "card": session.card(uid)})

    return Handler


def check_scope(session: ReviewSession) -> None:
    if not session.uids:
        what = f"met at {session.scope.event!r}" if session.scope.event else "in the contacts folder"
        doubt = " with doubtful fields not yet reviewed" if session.scope.only_doubtful else ""
        raise BadArgumentsError(f"no contact {what}{doubt} to review")
