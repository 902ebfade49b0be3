"""The review server against hostile requests (issue 19, item 9), each against the real server on 127.0.0.1:
links out of review/, bodies of a bad length, JSON of the wrong types, idle connections by the hundred."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
import requests

from pipeline.contacts.folder import ContactsFolder
from pipeline.deliver.review.server import ReviewScope, ReviewSession, make_server, page_url

from .test_review import add_card


@pytest.fixture
def server(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    uid = add_card(folder, "a", "Camille Martin", "camille@atelier-lumiere.fr", "+33612345678", 0.95)
    session = ReviewSession(folder, ReviewScope(event="vernissage"))
    started = []

    def start(**options):
        server = make_server(session, **options)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((server, thread))
        base = page_url(server, session).split("/?")[0]
        return {"base": base, "port": server.server_address[1], "token": session.token, "uid": uid,
                "folder": folder, "tmp": tmp_path}

    yield start
    for srv, thread in started:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)


def raw_request(port: int, head: str, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send a request as written (bad headers included) and return what came back before ``wait`` seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as connection:
        connection.sendall(head.encode("latin-1") + b"\r\n" + body)
        data = b""
        try:
            while chunk := connection.recv(65536):
                data += chunk
        except TimeoutError:
            pass
        return data


def post_head(s: dict, length: str | None, content_type: str = "application/json") -> str:
    lines = [f"POST /api/card/{s['uid']} HTTP/1.1", f"Host: 127.0.0.1:{s['port']}", f"X-Cardscan-Token: {s['token']}",
             f"Content-Type: {content_type}"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return "\r\n".join(lines) + "\r\n"


def test_a_link_in_review_to_a_file_outside_is_not_served(server):
    s = server()
    secret = s["tmp"] / "secret.txt"
    secret.write_text("not for the page\n")
    sha = "c" * 64
    (s["folder"].review / f"{sha}.jpg").symlink_to(secret)
    (s["folder"].review / f"{'d' * 64}.jpg").symlink_to("/etc/passwd")
    for name in (sha, "d" * 64):
        response = requests.get(f"{s['base']}/image/{name}.jpg?token={s['token']}", timeout=10)
        assert response.status_code == 404
        assert b"not for the page" not in response.content and b"root:" not in response.content
    # a FIFO named like an image does not hang the server either
    import os

    os.mkfifo(s["folder"].review / f"{'e' * 64}.jpg")
    assert requests.get(f"{s['base']}/image/{'e' * 64}.jpg?token={s['token']}", timeout=10).status_code == 404


@pytest.mark.parametrize(("length", "status"), [("-1", 400), ("abc", 400), ("1e3", 400), (None, 411),
                                                (str(10**9), 413)])
def test_a_bad_content_length_is_answered_at_once(server, length, status):
    s = server()
    started = time.monotonic()
    reply = raw_request(s["port"], post_head(s, length), b'{"titles": []}')
    assert reply.startswith(f"HTTP/1.0 {status} ".encode()), reply[:80]
    assert time.monotonic() - started < 4  # answered, not read until the client gives up


@pytest.mark.parametrize("body", [
    {"phones": 5}, {"phones": [5]}, {"phones": [{"number": 5}]}, {"phones": [{"number": "1", "kind": "home"}]},
    {"name": []}, {"name": {"given": 3}}, {"titles": "x"}, {"titles": [{"ref": "1", "value": "x"}]},
    {"confirm": "yes"}, {"meetings": [{"ref": None, "event": 1}]}, {"notes": [{"value": None, "ref": True}]},
    {"addresses": [{"city": {"x": 1}}]},
])
def test_wrong_json_types_get_one_clear_400(server, body):
    s = server()
    response = requests.post(f"{s['base']}/api/card/{s['uid']}", json=body, timeout=10,
                             headers={"X-Cardscan-Token": s["token"]})
    assert response.status_code == 400
    message = response.json()["error"]
    assert message and "Traceback" not in message
    assert next(iter(body)) in message


def test_a_json_array_or_garbage_is_a_400(server):
    s = server()
    for data in (b"[1, 2]", b"{not json", "{\"x\": \"\xe9\"}".encode("latin-1")):
        response = requests.post(f"{s['base']}/api/card/{s['uid']}", data=data, timeout=10,
                                 headers={"X-Cardscan-Token": s["token"], "Content-Type": "application/json"})
        assert response.status_code == 400


def test_idle_connections_are_closed_and_workers_bounded(server):
    s = server(timeout=1.0, max_workers=4)
    threads_before = threading.active_count()
    idle = [socket.create_connection(("127.0.0.1", s["port"]), timeout=5) for _ in range(60)]
    try:
        time.sleep(0.5)
        assert threading.active_count() <= threads_before + 4  # not one thread per connection
        # every idle connection is closed by the server: after its timeout, or at once with a 503 when all are busy
        deadline = time.monotonic() + 6
        answers = []
        for connection in idle:
            connection.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                answers.append(connection.recv(1024))
            except TimeoutError:
                answers.append(None)
        assert None not in answers
        assert any(a.startswith(b"HTTP/1.0 503") for a in answers if a)
    finally:
        for connection in idle:
            connection.close()
    response = requests.get(f"{s['base']}/api/cards", headers={"X-Cardscan-Token": s["token"]}, timeout=10)
    assert response.status_code == 200 and json.loads(response.text)["total"] == 1
