"""Undo and re-filing: `undo`, `forget`, `events rename`, `restore`, each journaled, and each killed with
kill -9 at chosen points (a test-only hook, CARDSCAN_TEST_CRASH_AFTER, kills the process right after the
Nth change is journaled, before it is made): the next command leaves the folder as it was, and the
operation then runs again to the same end."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import vobject
from click.testing import CliRunner
from PIL import Image

from pipeline.cli import main
from pipeline.contacts.folder import ContactsFolder
from pipeline.contacts.review_sidecar import write_review_material
from pipeline.contacts.run_journal import CRASH_ENV, KEEP_RUNS, RUNS, read_runs
from pipeline.core.errors import ExitCode
from pipeline.core.models import CardReading, Contact, Found, Meeting, OcrResult, PersonName, Phone

from .conftest import ROOT

VERNISSAGE = Meeting("vernissage", dt.date(2026, 11, 20))
SALON = Meeting("salon", dt.date(2027, 1, 10))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def cardscan(*args: str, crash_after: int | None = None, module: str = "pipeline") -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop(CRASH_ENV, None)
    if crash_after is not None:
        env[CRASH_ENV] = str(crash_after)
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=300,
                          env=env, cwd=ROOT)


def state(root: Path) -> dict[str, str]:
    """What the folder holds for a person or a phone: every file but the journals and the lock, REV left out
    (it says when a file was written) and trash names without their time stamp."""
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or relative.startswith(f"{RUNS}/") or path.name in (".cardscan.lock",) \
                or path.name.endswith((".sqlite", ".sqlite-wal", ".sqlite-shm")):
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        files[re.sub(r"-\d{8}T\d{6}Z(-\d+)?\.vcf$", "-STAMP.vcf", relative)] = re.sub(r"(?m)^REV:.*\r\n", "", text)
    return files


def exact(root: Path) -> dict[str, bytes]:
    """Byte for byte, for what undo must give back."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).as_posix().startswith(f"{RUNS}/")
            and p.name != ".cardscan.lock" and ".sqlite" not in p.name}


# ---------------------------------------------------------------- an address book to work on

def photo_file(folder: Path, name: str) -> tuple[Path, str]:
    """A 'photo' whose content gives the SHA-256 a contact records (forget reads the file, never decodes it)."""
    path = folder / name
    path.write_bytes(f"photo {name}".encode())
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def file_card(folder: ContactsFolder, sha: str, source: str, name: str, meeting: Meeting, email: str,
              phones: tuple[str, ...] = ()) -> None:
    contact = Contact(name=Found(PersonName(name, *name.split(" ", 1)), 0.9), emails=(Found(email, 0.9),),
                      organisation=Found("Atelier Lumière SARL", 0.9),
                      phones=tuple(Found(Phone(p, "cell"), 0.9) for p in phones))
    reading = CardReading(source=source, sha256=sha, contact=contact, meeting=meeting, ocr_confidence=0.9,
                          found_card=True, review_jpeg=b"\xff\xd8\xff\xe0",
                          ocr=OcrResult(lines=(), width=10, height=10))
    written = folder.write_contact(reading)
    write_review_material(folder, reading)
    folder.rebuild_event_files(written.stored.meetings)


@pytest.fixture
def book(tmp_path: Path) -> dict:
    """Camille met twice (photo a at the vernissage, photo b at the salon, which added a second mobile);
    Jean once (photo c)."""
    photos = tmp_path / "photos"
    photos.mkdir()
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    a, sha_a = photo_file(photos, "a.jpg")
    b, sha_b = photo_file(photos, "b.jpg")
    c, sha_c = photo_file(photos, "c.jpg")
    file_card(folder, sha_a, str(a), "Camille Martin", VERNISSAGE, "camille@atelier-lumiere.fr", ("+33612345678",))
    file_card(folder, sha_b, str(b), "Camille Martin", SALON, "camille@atelier-lumiere.fr",
              ("+33612345678", "+33699999999"))
    file_card(folder, sha_c, str(c), "Jean Dupont", VERNISSAGE, "jean@atelier-lumiere.fr", ("+33611111111",))
    return {"folder": folder, "root": folder.root, "a": a, "b": b, "c": c}


def card_of(root: Path, name: str):
    for path in (root / "people").glob("*.vcf"):
        card = vobject.readOne(path.read_bytes().decode())
        if card.fn.value == name:
            return card
    return None


# ---------------------------------------------------------------- what each operation does

def test_forget_a_photo(book):
    root = book["root"]
    code, _, err = run("forget", str(book["b"]), str(book["c"]), "--contacts", str(root))
    assert code == 0, err
    assert f"{book['c']}: Jean Dupont taken out of the address book (kept in trash/: cardscan restore)" in err
    assert f"{book['b']}: Camille Martin keeps the other photos" in err
    camille = card_of(root, "Camille Martin")
    assert [m.value for m in camille.contents["x-cardscan-event"]] == ["vernissage"]
    assert [t.value for t in camille.contents["tel"]] == ["+33612345678"]  # the mobile only photo b brought
    assert [s.value for s in camille.contents["x-cardscan-source"]] == ["a.jpg"]
    assert camille.categories.value == ["vernissage"] and "salon" not in camille.note.value
    assert card_of(root, "Jean Dupont") is None
    assert sorted(p.name for p in (root / "events").iterdir()) == ["2026-11-20_vernissage.vcf"]
    assert "Jean" not in (root / "events" / "2026-11-20_vernissage.vcf").read_text(encoding="utf-8")
    assert len(list((root / "trash").glob("*.vcf"))) == 2  # both contacts as they were
    code, _, err = run("forget", str(book["c"]), "--contacts", str(root))
    assert code == ExitCode.NOTHING_FOUND and "no contact in" in err


def test_forget_by_the_name_of_a_photo_that_is_gone(book):
    book["c"].unlink()
    code, _, err = run("forget", "c.jpg", "--contacts", str(book["root"]))
    assert code == 0, err
    assert card_of(book["root"], "Jean Dupont") is None


def test_rename_and_redate_an_event(book):
    root = book["root"]
    code, _, err = run("events", "rename", "VERNISSAGE", "Vernissage Galerie Nord", "--to-date", "2026-11-21",
                       "--contacts", str(root))
    assert code == 0, err
    assert "2 contacts renamed" in err
    assert sorted(p.name for p in (root / "events").iterdir()) == [
        "2026-11-21_vernissage-galerie-nord.vcf", "2027-01-10_salon.vcf"]
    camille = card_of(root, "Camille Martin")
    assert camille.note.value.splitlines()[:2] == ["Rencontré à Vernissage Galerie Nord le 21 novembre 2026",
                                                    "Rencontré à salon le 10 janvier 2027"]
    assert camille.categories.value == ["Vernissage Galerie Nord", "salon"]
    labels = sorted(str(p.value) for p in camille.contents["x-ablabel"])
    assert labels == ["Rencontré à Vernissage Galerie Nord", "Rencontré à salon"]
    code, out, _ = run("events", "--contacts", str(root))
    assert out.splitlines() == ["2027-01-10  salon  (1 contact)", "2026-11-21  Vernissage Galerie Nord  (2 contacts)"]
    code, _, err = run("events", "rename", "gala", "x", "--contacts", str(root))
    assert code == ExitCode.NOTHING_FOUND and "nobody met at 'gala'" in err
    code, _, err = run("events", "--contacts", str(root), "rename", "salon", "  ")
    assert code == ExitCode.BAD_ARGS and "empty" in err


def test_rename_one_day_of_unfiled(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    file_card(folder, "1" * 64, "/p/1.jpg", "Camille Martin", Meeting("unfiled", dt.date(2026, 11, 20)), "c@x.fr")
    file_card(folder, "2" * 64, "/p/2.jpg", "Jean Dupont", Meeting("unfiled", dt.date(2026, 12, 1)), "j@x.fr")
    code, _, err = run("events", "rename", "unfiled", "vernissage", "--date", "2026-11-20",
                       "--contacts", str(folder.root))
    assert code == 0, err
    assert sorted(p.name for p in folder.events.iterdir()) == ["2026-11-20_vernissage.vcf", "2026-12-01_unfiled.vcf"]


def test_restore_from_the_trash(book):
    root = book["root"]
    before = state(root)
    run("forget", str(book["b"]), str(book["c"]), "--contacts", str(root))
    code, out, _ = run("restore", "--list", "--contacts", str(root))
    assert code == 0 and len(out.splitlines()) == 2 and "Jean Dupont  (met at vernissage on 2026-11-20)" in out
    code, _, err = run("restore", "jean", "--contacts", str(root))
    assert code == 0, err
    assert "restored Jean Dupont (met at vernissage on 2026-11-20)" in err
    assert "Jean Dupont" in (root / "events" / "2026-11-20_vernissage.vcf").read_text(encoding="utf-8")
    code, _, err = run("restore", "--contacts", str(root))  # the latest taken out: Camille as she was
    assert code == 0, err
    after = state(root)
    assert {k for k in after if not k.startswith("trash/")} == {k for k in before if not k.startswith("trash/")}
    camille = card_of(root, "Camille Martin")
    assert sorted(str(t.value) for t in camille.contents["tel"]) == ["+33612345678", "+33699999999"]
    assert sorted(p.name for p in (root / "events").iterdir()) == ["2026-11-20_vernissage.vcf",
                                                                    "2027-01-10_salon.vcf"]
    code, _, err = run("restore", "--contacts", str(root))
    assert code == ExitCode.NOTHING_FOUND and "nothing in" in err


def test_undo_takes_back_each_run_in_turn(book, tmp_path: Path):
    root = book["root"]
    first = exact(root)
    run("forget", str(book["c"]), "--contacts", str(root))
    second = exact(root)
    run("events", "rename", "salon", "Salon du livre", "--contacts", str(root))
    assert exact(root) != second
    code, _, err = run("undo", "--contacts", str(root))
    assert code == 0, err
    assert err.startswith("undone: rename 'salon' to 'Salon du livre'")
    assert exact(root) == second  # byte for byte, REV included
    code, _, err = run("undo", "--contacts", str(root))
    assert code == 0 and exact(root) == first
    code, out, _ = run("undo", "--list", "--contacts", str(root))
    assert [line.split()[0] for line in out.splitlines()] == ["undone", "undone", "undo", "undo"]
    code, _, err = run("undo", "--contacts", str(root))
    assert code == ExitCode.NOTHING_FOUND and "nothing to undo" in err


def test_undo_will_not_lose_a_later_change_without_force(book):
    root = book["root"]
    run("forget", str(book["b"]), str(book["c"]), "--contacts", str(root))
    camille = next(p for p in (root / "people").glob("*.vcf") if "Camille" in p.read_text(encoding="utf-8"))
    edited = camille.read_bytes().replace(b"END:VCARD", b"NOTE:typed on the phone\r\nEND:VCARD")
    camille.write_bytes(edited)  # a change after the run, not through it (the review page, a text editor)
    run("events", "rename", "vernissage", "Vernissage Nord", "--contacts", str(root))
    run("undo", "--contacts", str(root))  # the rename: its own files, fine
    code, _, err = run("undo", "--contacts", str(root))  # the forget: Camille's file changed since
    assert code == ExitCode.CONFLICT
    assert "changed since forget b.jpg, c.jpg" in err and "--force" in err
    assert card_of(root, "Jean Dupont") is None
    code, _, err = run("undo", "--force", "--contacts", str(root))
    assert code == 0 and card_of(root, "Jean Dupont") is not None


def test_a_scan_is_undone_file_by_file(tmp_path: Path):
    root = tmp_path / "contacts"
    photos = tmp_path / "photos"
    photos.mkdir()
    for i in range(3):
        Image.new("RGB", (160, 120), (i * 40, 200, 255)).save(photos / f"p{i}.png")
    result = cardscan(str(photos / "p0.png"), "--event", "vernissage", "--contacts", str(root), "-j", "1",
                      module="tests.fake_cardscan")
    assert result.returncode == 0, result.stderr
    first = exact(root)
    result = cardscan(str(photos), "--event", "vernissage", "--contacts", str(root), "-j", "1",
                      module="tests.fake_cardscan")
    assert result.returncode == 0, result.stderr
    assert len(list((root / "people").iterdir())) == 3
    code, _, err = run("undo", "--contacts", str(root))
    assert code == 0 and "scan of photos under 'vernissage'" in err
    assert exact(root) == first
    run("undo", "--contacts", str(root))
    assert exact(root) == {}  # the first scan made every file there was


def test_old_journals_are_pruned(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    file_card(folder, "1" * 64, "/p/1.jpg", "Camille Martin", VERNISSAGE, "c@x.fr")
    for i in range(KEEP_RUNS + 5):
        code, _, err = run("events", "rename", "vernissage" if i % 2 == 0 else "gala",
                           "gala" if i % 2 == 0 else "vernissage", "--contacts", str(folder.root))
        assert code == 0, err
    assert len(read_runs(folder)) == KEEP_RUNS


# ---------------------------------------------------------------- kill -9 in the middle

def changes_made(root: Path, *args: str) -> int:
    """How many files the operation changes, run to its end on a copy of the folder."""
    copy = root.parent / "copy-for-count"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy)
    code, _, err = run(*args, "--contacts", str(copy))
    assert code == 0, err
    newest = read_runs(ContactsFolder(copy))[-1]
    end = state(copy)
    shutil.rmtree(copy)
    return len(newest.changes), end  # type: ignore[return-value]


OPERATIONS = {
    "forget": lambda book: ["forget", str(book["b"]), str(book["c"])],
    "rename": lambda book: ["events", "rename", "vernissage", "Vernissage Galerie Nord", "--to-date", "2026-11-21"],
    "restore": lambda book: ["restore", "atelier"],  # both contacts taken out
    "undo": lambda book: ["undo"],
}


@pytest.mark.slow
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_kill_9_in_the_middle_leaves_the_folder_as_it_was(book, operation: str):
    root = book["root"]
    if operation in ("restore", "undo"):  # something to restore, something to undo
        assert run("forget", str(book["b"]), str(book["c"]), "--contacts", str(root))[0] == 0
    args = OPERATIONS[operation](book)
    count, end = changes_made(root, *args)
    assert count >= 4, count  # several files: a kill between them would leave a half-done operation
    before = exact(root)
    for crash_after in sorted({1, 2, count // 2 + 1, count}):
        killed = cardscan(*args, "--contacts", str(root), crash_after=crash_after)
        assert killed.returncode == -9, killed.stderr
        assert exact(root) != before or crash_after == 1  # it was cut short half-way
        code, _, err = run("events", "--contacts", str(root))  # any next command
        assert code == 0 and "was cut short: taken back, the folder is as before it" in err
        assert exact(root) == before, f"after a kill at change {crash_after}"
        assert not [p for p in root.rglob("*.tmp")]
    # and it runs again, to the same end as without the kills
    result = cardscan(*args, "--contacts", str(root))
    assert result.returncode == 0, result.stderr
    assert state(root) == end
    assert [r.kind for r in read_runs(ContactsFolder(root))][-1] == operation


def test_kill_9_while_rolling_back_is_rolled_back_again(book):
    root = book["root"]
    before = exact(root)
    args = OPERATIONS["forget"](book)
    assert cardscan(*args, "--contacts", str(root), crash_after=4).returncode == -9
    # the roll back itself is killed after its second file: the journal is still there, and complete
    record = read_runs(ContactsFolder(root))[-1]
    assert record.done is None and len(record.changes) == 4
    script = ("import sys, os, signal\nimport pipeline.contacts.folder as store\ncount = [0]\n"
              "def hook(path, data):\n    count[0] += 1\n    if count[0] == 2: os.kill(os.getpid(), signal.SIGKILL)\n"
              "store.BEFORE_CHANGE.append(hook)\nfrom pipeline.cli import main\nmain()\n")
    killed = subprocess.run([sys.executable, "-c", script, "events", "--contacts", str(root)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9
    code, _, err = run("events", "--contacts", str(root))
    assert code == 0 and "taken back" in err
    assert exact(root) == before


def test_kill_9_in_the_middle_of_a_scan_then_undo(tmp_path: Path):
    root = tmp_path / "contacts"
    photos = tmp_path / "photos"
    photos.mkdir()
    for i in range(4):
        Image.new("RGB", (160, 120), (i * 40, 90, 255)).save(photos / f"p{i}.png")
    first = cardscan(str(photos / "p0.png"), "--event", "salon", "--contacts", str(root), "-j", "1",
                     module="tests.fake_cardscan")
    assert first.returncode == 0, first.stderr
    before = exact(root)
    killed = cardscan(str(photos), "--event", "salon", "--contacts", str(root), "-j", "1",
                      module="tests.fake_cardscan", crash_after=5)
    assert killed.returncode == -9
    filed = [p for p in (root / "people").glob("*.vcf")]
    assert len(filed) >= 2  # cut short with new contacts filed, each whole
    assert not list(root.rglob("*.tmp"))
    for path in filed:
        assert vobject.readOne(path.read_bytes().decode()).fn.value.startswith("Person p")
    code, out, err = run("undo", "--list", "--contacts", str(root))
    assert "was cut short: what it filed is kept (cardscan undo takes it back)" in err
    assert out.splitlines()[-1].startswith("can be undone") and "cut short" in out.splitlines()[-1]
    code, _, err = run("undo", "--contacts", str(root))
    assert code == 0, err
    assert exact(root) == before
    assert json.loads((read_runs(ContactsFolder(root))[-2].dir / "done.json").read_text())["interrupted"] is True
