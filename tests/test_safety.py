"""Bad names, bad files and hostile text (issue #19): one line each, nothing lost, nothing faked, bounded work.

Reading is faked where noted (the CLI and the watcher are real); the non-UTF-8 name runs the real Tesseract.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import vobject

import pipeline.batch as batch
from pipeline.contacts.folder import ContactsFolder, WriteOptions
from pipeline.core.errors import ExitCode
from pipeline.core.models import CardReading, Contact, Found, Meeting, OcrResult, PersonName, Phone
from pipeline.watch import JOURNAL_NAME

from .conftest import SAMPLES, requires_tesseract
from .test_cli import fake_reading, good_photo, run
from .test_watch import FakeReader, Running, processed, small_photo


def card(sha: str, name: str = "Camille Martin", event: str = "vernissage", **fields) -> CardReading:
    contact = Contact(name=Found(PersonName(name, *name.split(" ", 1)), 0.9), **fields)
    return CardReading(source=f"/photos/{sha[:4]}.jpg", sha256=sha * (64 // len(sha)), contact=contact,
                       meeting=Meeting(event, dt.date(2026, 11, 20)), ocr_confidence=0.9, found_card=True)


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox"
    path.mkdir()
    return path


# ---------------------------------------------------------------- 1. non-UTF-8 names, unexpected errors

@requires_tesseract
def test_a_file_name_that_is_not_utf8_is_filed_with_the_others(tmp_path: Path, contacts: Path):
    bad = os.path.join(os.fsencode(tmp_path), b"bad\xffname.jpg")
    with open(bad, "wb") as handle:
        handle.write((SAMPLES / "fr-atelier-lumiere.jpg").read_bytes())
    good = tmp_path / "good.jpg"
    good.write_bytes((SAMPLES / "en-northwind.jpg").read_bytes())
    result = subprocess.run([sys.executable, "-m", "pipeline", bad, str(good), "--event", "salon", "--contacts",
                             str(contacts), "--engine", "tesseract", "-j", "1", "--json", "-v"],
                            capture_output=True, timeout=600)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == ExitCode.OK, err
    assert "Traceback" not in err
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [r["status"] for r in records] == ["ok", "ok"]
    assert records[0]["source"].endswith("bad\ufffdname.jpg")
    assert "bad\\xffname.jpg -> " in err  # the log line names the byte it could not decode
    texts = [p.read_bytes().decode("utf-8") for p in (contacts / "people").glob("*.vcf")]
    assert len(texts) == 2
    assert any("X-CARDSCAN-SOURCE:bad\ufffdname.jpg" in text for text in texts)
    assert (contacts / "events" / "2026-11-20_salon.vcf").read_bytes().count(b"BEGIN:VCARD") == 2


def test_an_unexpected_error_while_reading_one_photo_is_its_line(monkeypatch, tmp_path: Path, contacts: Path):
    def reader(source: str, options: batch.ScanOptions) -> list[CardReading]:
        if "boom" in source:
            raise RuntimeError("something nobody expected")
        return fake_reading(source, options)

    monkeypatch.setattr(batch, "read_photo", reader)
    boom, good = good_photo(tmp_path, "boom.jpg"), good_photo(tmp_path, "good.jpg")
    code, out, err = run(str(boom), str(good), "--contacts", str(contacts), "-j", "1", "--json")
    assert code == ExitCode.INTERNAL
    assert error_lines(err) == [f"error: {boom}: unexpected error: RuntimeError: something nobody expected"]
    assert "Traceback" not in err and "1 card written" in err and "1 failed" in err
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["error", "ok"]
    assert len(list((contacts / "people").glob("*.vcf"))) == 1


def test_an_unexpected_error_while_writing_one_contact_is_its_line(monkeypatch, tmp_path: Path, contacts: Path):
    monkeypatch.setattr(batch, "read_photo", fake_reading)
    real_write = ContactsFolder.write_contact

    def write_contact(self, reading, options=None):
        if "boom" in reading.source:
            raise ValueError("cannot serialise this")
        return real_write(self, reading, options)

    monkeypatch.setattr(ContactsFolder, "write_contact", write_contact)
    boom = tmp_path / "boom.png"
    from PIL import Image

    Image.open(good_photo(tmp_path, "good.jpg")).save(boom)  # another hash: another contact
    code, _, err = run(str(boom), str(tmp_path / "good.jpg"), "--contacts", str(contacts), "-j", "1")
    assert code == ExitCode.INTERNAL
    assert error_lines(err) == [f"error: {boom}: unexpected error: ValueError: cannot serialise this"]
    assert "1 card written" in err


class OcrLikeReader(FakeReader):
    """The fake reader, but the text it "reads" is text (OCR never returns the bytes of a file name)."""

    def __call__(self, source: str, options: batch.ScanOptions) -> list[batch.PhotoOutcome]:
        outcomes = super().__call__(source, options)
        from dataclasses import replace

        from pipeline.core.safetext import storable

        if outcomes[0].reading is None:
            return outcomes
        reading = outcomes[0].reading
        stem = storable(Path(source).stem).replace("\ufffd", "x")
        contact = Contact(name=Found(PersonName(f"Person {stem}", "Person", stem), 0.9),
                          emails=(Found(f"{stem.lower()}@exemple-salon.fr", 0.9),))
        return [replace(outcomes[0], reading=replace(reading, contact=contact))]


def test_the_watcher_files_a_photo_whose_name_is_not_utf8_and_restarts(inbox: Path, tmp_path: Path):
    bad_name = os.fsdecode(b"IMG\xe9\xff.png")
    small_photo(inbox / bad_name, 1)
    small_photo(inbox / "good.png", 2)
    for _ in range(2):  # the second start must not crash on the journal either
        Running(inbox, tmp_path / "contacts", once=True, reader=OcrLikeReader()).watcher.run()
    assert sorted(p.name for p in processed(inbox)) == sorted([bad_name, "good.png"])
    journal = sqlite3.connect(tmp_path / "contacts" / JOURNAL_NAME)
    assert journal.execute("SELECT status, COUNT(*) FROM photos GROUP BY status").fetchall() == [("done", 2)]
    sources = [s for (s,) in journal.execute("SELECT source FROM photos")]
    assert any(s.endswith("IMG\ufffd\ufffd.png") for s in sources)


def test_an_unexpected_error_in_the_watcher_fails_that_photo_only(inbox: Path, tmp_path: Path):
    class Exploding(FakeReader):
        def __call__(self, source, options):
            if "boom" in source:
                raise RuntimeError("worker bug")
            return super().__call__(source, options)

    small_photo(inbox / "boom.png", 1)
    small_photo(inbox / "good.png", 2)
    Running(inbox, tmp_path / "contacts", once=True, reader=Exploding()).watcher.run()
    assert [p.name for p in processed(inbox)] == ["good.png"]
    reason = (inbox / "failed" / "boom.png.error.txt").read_text(encoding="utf-8")
    assert reason == "boom.png: unexpected error: RuntimeError: worker bug\n"


# ---------------------------------------------------------------- 3. the review material is optional

def review_reading(source: str, options: batch.ScanOptions) -> list[CardReading]:
    [reading] = fake_reading(source, options)
    from dataclasses import replace

    return [replace(reading, review_jpeg=b"\xff\xd8 a card", ocr=OcrResult(lines=(), width=10, height=10))]


@pytest.mark.parametrize("broken", ["review is a file", "review cannot be written"])
def test_a_review_folder_problem_is_a_warning_and_every_contact_is_filed(monkeypatch, tmp_path: Path,
                                                                          contacts: Path, broken: str):
    monkeypatch.setattr(batch, "read_photo", review_reading)
    contacts.mkdir()
    if broken == "review is a file":
        (contacts / "review").write_text("in the way", encoding="utf-8")
    else:
        import pipeline.contacts.folder

        real_write = pipeline.contacts.folder.atomic_write_bytes

        def refuse(path: Path, data: bytes) -> None:  # review/ read-only (chmod does not stop root)
            if path.parent.name == "review":
                raise PermissionError(13, "Permission denied")
            real_write(path, data)

        monkeypatch.setattr(pipeline.contacts.folder, "atomic_write_bytes", refuse)
    first = good_photo(tmp_path, "first.jpg")
    second = tmp_path / "second.png"
    from PIL import Image

    Image.open(first).save(second)
    code, _, err = run(str(first), str(second), "--event", "salon", "--date", "2026-11-20", "--contacts",
                       str(contacts), "-j", "1", "--no-merge")
    assert code == ExitCode.OK, err
    assert "2 cards written" in err and "0 failed" in err
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "review" in warnings[0], err
    assert (contacts / "events" / "2026-11-20_salon.vcf").read_bytes().count(b"BEGIN:VCARD") == 2


# ---------------------------------------------------------------- 8. CSV formulas

HOSTILE = ["-2+3+cmd|' /C calc'!A0", "+(1+1)", "=HYPERLINK(\"http://x.example\",\"x\")", "@SUM(1+1)",
           "\t=1+1", "\r=1+1", "-1", "+ 1"]


@pytest.mark.parametrize("fmt", ["google-csv", "outlook-csv"])
def test_no_cell_of_a_csv_export_starts_a_formula(tmp_path: Path, fmt: str):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    for i, text in enumerate(HOSTILE):
        contact = Contact(name=Found(PersonName(text, text, ""), 0.9), title=Found(text, 0.9),
                          organisation=Found(text, 0.9), department=Found(text, 0.9),
                          phones=(Found(Phone("+33612345678", "cell"), 0.9),
                                  Found(Phone("+33472001234", "work", "240"), 0.9)))
        folder.write_contact(CardReading(source=f"/p/{i}.jpg", sha256=f"{i:064d}", contact=contact,
                                         meeting=Meeting("=cmd|' /C calc'!A0", dt.date(2026, 11, 20)),
                                         ocr_confidence=0.9, found_card=True), WriteOptions(merge=False))
    out = tmp_path / "export.csv"
    code, _, err = run("export", "--event", "cmd c calc a0", "--contacts", str(folder.root), "--format", fmt,
                       "-o", str(out))
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows[1:] for cell in row if cell]
    dangerous = [c for c in cells if c[0] in "=+-@\t\r"]
    assert set(dangerous) == {"+33612345678", "+33472001234,240"}, dangerous  # the extension after a pause
    assert "'-2+3+cmd|' /C calc'!A0" in cells and "'+(1+1)" in cells  # kept, made inert
    assert any(c.startswith("'=cmd|") for c in cells) or fmt == "google-csv"
    assert len(rows) == 1 + len(HOSTILE)


# ---------------------------------------------------------------- 10. watcher folders are event names

def test_a_sub_folder_that_is_no_event_name_sends_its_photos_to_failed(inbox: Path, tmp_path: Path):
    bad_folders = ["salon\nEND:VCARD", "x" * 250, os.fsdecode(b"salon\xff")]
    for i, name in enumerate(bad_folders):
        (inbox / name).mkdir()
        small_photo(inbox / name / f"p{i}.png", i)
    small_photo(inbox / "good.png", 9)
    Running(inbox, tmp_path / "contacts", once=True).watcher.run()
    assert [p.name for p in processed(inbox)] == ["good.png"]
    reasons = sorted((inbox / "failed").glob("*.error.txt"))
    assert [p.name for p in reasons] == ["p0.png.error.txt", "p1.png.error.txt", "p2.png.error.txt"]
    for reason in reasons:
        assert "not a valid event name" in reason.read_text(encoding="utf-8")
    assert len(list((tmp_path / "contacts" / "people").glob("*.vcf"))) == 1


# ---------------------------------------------------------------- 11. bounded reading of people/

def cardscan_command(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_a_fifo_and_a_huge_file_in_people_stall_no_command(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(card("a"))
    os.mkfifo(folder.people / "zz.vcf")
    huge = folder.people / "huge.vcf"
    huge.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Huge\r\n" + b"EMAIL:x@example.org\r\n" * 120_000
                     + b"END:VCARD\r\n")
    root = str(folder.root)
    for args in (["events"], ["find", "camille"], ["export", "--event", "vernissage", "-o", "-"]):
        result = cardscan_command(*args, "--contacts", root)
        assert result.returncode == 0, result.stderr
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
        assert len(warnings) == 2, result.stderr
        assert any("zz.vcf" in w and "not a regular file" in w for w in warnings)
        assert any("huge.vcf" in w and "larger than 1 MB" in w for w in warnings)
    assert "Camille Martin" in cardscan_command("find", "camille", "--contacts", root).stdout
    # a writer too: one warning per file for the whole run, and the contact is filed
    script = ("import datetime as dt, logging, sys; from tests.test_safety import card; "
              "from pipeline.contacts.folder import ContactsFolder; logging.basicConfig(format='%(message)s'); "
              "f = ContactsFolder(sys.argv[1]); [f.write_contact(card(s, 'Jean Dupont')) for s in 'bcd']")
    result = subprocess.run([sys.executable, "-c", script, root], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("zz.vcf") == 1 and result.stderr.count("huge.vcf") == 1, result.stderr


# ---------------------------------------------------------------- 13. qr

def vcf(folder: ContactsFolder, name: str, text: str) -> Path:
    path = folder.people / name
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return path


def test_qr_of_a_contact_with_thousands_of_emails_takes_few_tries(monkeypatch):
    import pipeline.deliver.qr_codes as qrexport

    emails = "".join(f"EMAIL;TYPE=INTERNET:person{i}@example.org\n" for i in range(3000))
    text = f"BEGIN:VCARD\nVERSION:3.0\nUID:u-1\nFN:Camille Martin\nN:Martin;Camille;;;\nTEL:+33612345678\n{emails}" \
           "END:VCARD\n".replace("\n", "\r\n")
    calls = []
    real = qrexport.make_qr

    def counted(payload: str):
        calls.append(len(payload))
        assert len(calls) < 60, "one QR attempt per property removed"
        return real(payload)

    monkeypatch.setattr(qrexport, "make_qr", counted)
    code = qrexport.qr_payload(text)
    assert "EMAIL" in code.left_out and code.payload.count("EMAIL") >= 1
    assert vobject.readOne(code.payload).fn.value == "Camille Martin"


def test_qr_skips_a_bad_card_and_never_overwrites_a_code(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(card("a", "Camille Martin"))
    vcf(folder, "no-fn.vcf", "BEGIN:VCARD\nVERSION:3.0\nUID:no-fn\nN:Nobody;;;;\nEND:VCARD\n")
    vcf(folder, "no-uid.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Léa Rousseau\nN:Rousseau;Léa;;;\nEND:VCARD\n")
    vcf(folder, "twin-1.vcf", "BEGIN:VCARD\nVERSION:3.0\nUID:twin\nFN:Jean Dupont\nN:Dupont;Jean;;;\nEND:VCARD\n")
    vcf(folder, "twin-2.vcf", "BEGIN:VCARD\nVERSION:3.0\nUID:twin\nFN:Paul Durand\nN:Durand;Paul;;;\nEND:VCARD\n")
    vcf(folder, "evil.vcf", "BEGIN:VCARD\nVERSION:3.0\nUID:../../escaped\nFN:Eve\nN:Eve;;;;\nEND:VCARD\n")
    out = tmp_path / "qr"
    code, _, err = run("qr", "--contacts", str(folder.root), "-o", str(out))
    assert code == 0, err
    assert [line for line in err.splitlines() if line.startswith("warning:")] == [
        f"warning: {folder.people / 'no-fn.vcf'}: skipped: no name (FN)"]
    names = sorted(p.name for p in out.iterdir())
    # named after the person (#17): two contacts with one UID get two codes, a UID is never a path
    assert names == ["camille-martin.png", "eve.png", "jean-dupont.png", "lea-rousseau.png", "paul-durand.png"]
    assert not (tmp_path / "escaped.png").exists() and not list(tmp_path.glob("*.png"))
    vcf(folder, "no-latin.vcf", "BEGIN:VCARD\nVERSION:3.0\nUID:../up\nFN:王伟\nN:王;伟;;;\nEND:VCARD\n")
    again = tmp_path / "qr-again"
    assert run("qr", "王伟", "--contacts", str(folder.root), "-o", str(again))[0] == 0
    assert [p.name for p in again.iterdir()] == ["no-latin.png"]  # no slug, a UID that is no plain name


# ---------------------------------------------------------------- 14. linear folding

def _old_serialize_folding(text: str) -> str:
    """The folding of cardscan 0.1 (quadratic), kept here to prove the new one writes the same bytes."""
    lines = []
    for line in text.split("\r\n"):
        while len(line.encode("utf-8")) > 75:
            cut = 75
            while len(line[:cut].encode("utf-8")) > 75:
                cut -= 1
            lines.append(line[:cut])
            line = " " + line[cut:]
        lines.append(line)
    return "\r\n".join(lines)


@pytest.mark.parametrize("value", ["Atelier Lumière SARL", "é" * 200, "a" * 74 + "é" * 40, "𝄞x" * 90,
                                   "Müller-Lüdenscheidt ü€𝄞 " * 30, "x" * 75, "x" * 76, ""])
def test_folding_writes_the_same_bytes_as_before(value: str):
    from pipeline.core.vcard_lines import escape, fold_line

    for logical in (f"FN:{escape(value or 'x')}", f"NOTE:{escape(value)}", f"X-LONG:{value * 3}"):
        assert fold_line(logical) == _old_serialize_folding(logical) + "\r\n"


def test_folding_a_contact_with_a_2_mb_photo_is_linear():
    from pipeline.core.vcard import build_vcard

    contact = Contact(name=Found(PersonName("Camille Martin", "Camille", "Martin"), 0.9))
    started = time.process_time()
    text = build_vcard(contact, [Meeting("salon", dt.date(2026, 11, 20))], uid="u", sources=[],
                       photo_jpeg=os.urandom(2_000_000))
    assert time.process_time() - started < 2.0  # the quadratic folding took over 5 s here
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75


# ---------------------------------------------------------------- 16. no line can be faked

def test_a_file_name_cannot_fake_an_error_line(monkeypatch, tmp_path: Path, contacts: Path):
    monkeypatch.setattr(batch, "read_photo", fake_reading)
    evil = tmp_path / "evil\nerror: other.jpg: fake.jpg"
    evil.write_text("not a photo", encoding="utf-8")
    ansi = tmp_path / "\x1b[2Jclear.jpg"
    ansi.write_text("not a photo", encoding="utf-8")
    good = good_photo(tmp_path, "good\rnews.jpg")
    code, _, err = run(str(evil), str(ansi), str(good), "--contacts", str(contacts), "-j", "1", "-v")
    assert code == ExitCode.INPUT_UNREADABLE
    assert not any(line.startswith("error: other.jpg") for line in err.splitlines())
    assert "\x1b" not in err and "\r" not in err
    assert [line.split(": not an image")[0] for line in error_lines(err)] == [
        f"error: {tmp_path}/evil\\nerror: other.jpg: fake.jpg", f"error: {tmp_path}/\\x1b[2Jclear.jpg"]
    assert f"{tmp_path}/good\\rnews.jpg -> Camille Martin" in err


def test_card_text_cannot_fake_lines_of_find_or_events(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    vcf(folder, "x.vcf", "BEGIN:VCARD\nVERSION:3.0\nUID:x\nFN:Eve\\nMallory: met at nowhere\nN:Eve;;;;\n"
                         "X-CARDSCAN-EVENT:gala\\n2099-01-01  fake\nX-CARDSCAN-DATE:2026-11-20\nEND:VCARD\n")
    _, out, _ = run("find", "eve", "--contacts", str(folder.root))
    assert out.splitlines() == ["Eve\\nMallory: met at nowhere · met at gala\\n2099-01-01  fake on 2026-11-20"]
    _, out, _ = run("events", "--contacts", str(folder.root))
    assert out.splitlines() == ["2026-11-20  gala\\n2099-01-01  fake  (1 contact)"]
