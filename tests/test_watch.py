"""The drop-folder watcher with real files and the real watcher; reading is faked where noted to keep
bursts fast, and real (Tesseract, a separate process, kill -9) in the restart tests."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from pipeline.batch import ScanOptions
from pipeline.contacts.folder import ContactsFolder, WriteOptions
from pipeline.core.errors import CardscanError
from pipeline.core.models import CardReading, Contact, Found, Meeting, PersonName
from pipeline.filing import PhotoOutcome
from pipeline.read.load import load_photo
from pipeline.watch import JOURNAL_NAME, Watcher, WatchOptions, event_for, is_ignored, move_without_overwrite

from .conftest import SAMPLES, requires_tesseract, sample_photos

STABILITY = 0.3


class FakeReader:
    """Stands in for OCR: loads the photo for real (so bad files fail as they really do) and
    makes a contact named after the file. Counts how often each photo is read, and its size then."""

    def __init__(self) -> None:
        self.reads: dict[str, list[int]] = {}
        self.lock = threading.Lock()

    def __call__(self, source: str, options: ScanOptions) -> list[PhotoOutcome]:
        with self.lock:
            self.reads.setdefault(Path(source).name, []).append(Path(source).stat().st_size)
        try:
            photo = load_photo(source)
        except CardscanError as exc:
            return [PhotoOutcome(source=source, error=exc)]
        stem = Path(source).stem
        contact = Contact(name=Found(PersonName(f"Person {stem}", "Person", stem), 0.9),
                          emails=(Found(f"{stem.lower()}@exemple-salon.fr", 0.9),))
        reading = CardReading(source=source, sha256=photo.sha256, contact=contact,
                              meeting=Meeting(options.event, options.date or photo.modified),
                              ocr_confidence=0.9, found_card=True)
        return [PhotoOutcome(source=source, reading=reading)]


def small_photo(path: Path, seed: int) -> Path:
    image = Image.new("RGB", (200, 120), (255, 255, 255))
    image.putpixel((seed % 200, (seed // 200) % 120), (seed % 256, 0, 0))
    image.save(path, format="PNG")
    return path


class Running:
    """A watcher on a thread: the real loop, the real file-system events."""

    def __init__(self, inbox: Path, contacts: Path, poll: float | None = None, once: bool = False,
                 event: str = "unfiled", reader: FakeReader | None = None) -> None:
        self.reader = reader or FakeReader()
        options = WatchOptions(inbox=inbox, scan=ScanOptions(event=event), poll=poll, once=once,
                               stability=STABILITY, jobs=2)
        self.folder = ContactsFolder(contacts)
        self.folder.prepare()
        self.watcher = Watcher(options, self.folder, WriteOptions(), reader=self.reader, processes=False)
        self.thread = threading.Thread(target=self.watcher.run)

    def __enter__(self) -> Running:
        self.thread.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc: object) -> None:
        self.watcher.stop()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def processed(inbox: Path) -> list[Path]:
    return sorted((inbox / "processed").rglob("*.*")) if (inbox / "processed").exists() else []


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox"
    path.mkdir()
    return path


# ---------------------------------------------------------------- units

@pytest.mark.parametrize("name", [".hidden.jpg", "IMG_1.jpg.part", "a.crdownload", "~lock.jpg", "x.tmp",
                                  ".syncthing.IMG.jpg.tmp", "Thumbs.db", "desktop.ini", "@eaDir/IMG_1.jpg"])
def test_partial_and_system_files_are_ignored(name):
    assert is_ignored(Path(name))


def test_photos_are_not_ignored():
    assert not is_ignored(Path("salon/IMG_0001.JPG"))


def test_event_comes_from_the_sub_folder(tmp_path: Path):
    assert event_for(tmp_path, tmp_path / "Salon du livre" / "a.jpg", "unfiled") == "Salon du livre"
    assert event_for(tmp_path, tmp_path / "a.jpg", "vernissage") == "vernissage"


def test_a_photo_whose_move_was_cut_short_is_in_processed_once(inbox: Path, tmp_path: Path):
    """kill -9 between the move's hard link into processed/ and its unlink: the photo stands in both."""
    with Running(inbox, tmp_path / "contacts") as running:
        small_photo(inbox / "a.png", 5)
        wait_for(lambda: len(processed(inbox)) == 1)
    filed = processed(inbox)[0]
    os.link(filed, inbox / "a.png")  # as the killed watcher left it
    Running(inbox, tmp_path / "contacts", once=True).watcher.run()
    assert processed(inbox) == [filed] and not (inbox / "a.png").exists()
    assert list(running.reader.reads) == ["a.png"]


def test_moving_never_overwrites(tmp_path: Path):
    target = tmp_path / "processed"
    first = tmp_path / "a.jpg"
    first.write_bytes(b"one")
    move_without_overwrite(first, target)
    second = tmp_path / "a.jpg"
    second.write_bytes(b"two")
    moved = move_without_overwrite(second, target)
    assert moved.name == "a-1.jpg"
    assert (target / "a.jpg").read_bytes() == b"one" and moved.read_bytes() == b"two"


# ---------------------------------------------------------------- the watcher, reading faked

def test_photos_present_at_start_and_once(inbox: Path, tmp_path: Path):
    for i in range(3):
        small_photo(inbox / f"card{i}.png", i)
    running = Running(inbox, tmp_path / "contacts", once=True)
    running.watcher.run()
    assert [p.name for p in processed(inbox)] == ["card0.png", "card1.png", "card2.png"]
    assert list(inbox.glob("*.png")) == []


def test_slow_writes_are_taken_only_when_complete(inbox: Path, tmp_path: Path):
    data = (SAMPLES / "fr-atelier-lumiere.jpg").read_bytes()
    with Running(inbox, tmp_path / "contacts") as running:
        with open(inbox / "slow.jpg", "wb") as handle:
            for start in range(0, len(data), 16384):
                handle.write(data[start:start + 16384])
                handle.flush()
                time.sleep(0.1)  # a sync client on a slow link
        wait_for(lambda: len(processed(inbox)) == 1)
    assert running.reader.reads["slow.jpg"] == [len(data)]


@pytest.mark.slow
def test_burst_of_200_photos_each_exactly_once(inbox: Path, tmp_path: Path):
    staging = tmp_path / "staging"
    staging.mkdir()
    for i in range(200):
        small_photo(staging / f"p{i:03d}.png", i)
    with Running(inbox, tmp_path / "contacts") as running:
        for photo in sorted(staging.iterdir()):
            os.replace(photo, inbox / photo.name)  # what a sync client does once a file is complete
        wait_for(lambda: len(processed(inbox)) == 200, timeout=120)
    assert all(len(sizes) == 1 for sizes in running.reader.reads.values())
    assert len(running.reader.reads) == 200
    assert len(list((tmp_path / "contacts" / "people").glob("*.vcf"))) == 200
    journal = sqlite3.connect(tmp_path / "contacts" / JOURNAL_NAME)
    assert journal.execute("SELECT status, COUNT(*) FROM photos GROUP BY status").fetchall() == [("done", 200)]


def test_bad_files_go_to_failed_with_the_reason_and_the_watcher_goes_on(inbox: Path, tmp_path: Path):
    with Running(inbox, tmp_path / "contacts"):
        (inbox / "notes.jpg").write_text("this is not a photo", encoding="utf-8")
        data = (SAMPLES / "fr-atelier-lumiere.jpg").read_bytes()
        (inbox / "cut.jpg").write_bytes(data[: len(data) // 4])
        wait_for(lambda: (inbox / "failed" / "notes.jpg.error.txt").exists())
        small_photo(inbox / "good.png", 7)
        wait_for(lambda: [p.name for p in processed(inbox)] == ["good.png"])
    reason = (inbox / "failed" / "notes.jpg.error.txt").read_text(encoding="utf-8")
    assert reason.startswith("notes.jpg: not an image")
    assert (inbox / "cut.jpg").exists() or (inbox / "failed" / "cut.jpg").exists()  # given time to arrive


def test_a_photo_renamed_into_the_folder(inbox: Path, tmp_path: Path):
    with Running(inbox, tmp_path / "contacts") as running:
        small_photo(inbox / "IMG_7.png.part", 7)
        time.sleep(3 * STABILITY)
        assert processed(inbox) == []
        os.rename(inbox / "IMG_7.png.part", inbox / "IMG_7.png")
        wait_for(lambda: len(processed(inbox)) == 1)
    assert list(running.reader.reads) == ["IMG_7.png"]


def test_sub_folders_are_events(inbox: Path, tmp_path: Path):
    (inbox / "Salon du livre").mkdir()
    with Running(inbox, tmp_path / "contacts", event="vernissage"):
        small_photo(inbox / "Salon du livre" / "a.png", 1)
        small_photo(inbox / "b.png", 2)
        wait_for(lambda: len(processed(inbox)) == 2)
    folders = sorted(p.parent.name.split("_", 1)[1] for p in processed(inbox))
    assert folders == ["salon-du-livre", "vernissage"]


def test_polling_mode(inbox: Path, tmp_path: Path):
    with Running(inbox, tmp_path / "contacts", poll=0.2):
        small_photo(inbox / "polled.png", 3)
        wait_for(lambda: len(processed(inbox)) == 1)


def test_the_same_photo_dropped_twice_is_read_once(inbox: Path, tmp_path: Path):
    with Running(inbox, tmp_path / "contacts") as running:
        small_photo(inbox / "a.png", 5)
        wait_for(lambda: len(processed(inbox)) == 1)
        (inbox / "a again.png").write_bytes((processed(inbox)[0]).read_bytes())
        wait_for(lambda: len(processed(inbox)) == 2)
    assert list(running.reader.reads) == ["a.png"]
    assert (inbox / "processed" / "already-filed" / "a again.png").exists()
    assert len(list((tmp_path / "contacts" / "people").glob("*.vcf"))) == 1


# ---------------------------------------------------------------- the real command, real OCR

def cardscan(*args: str, **kwargs) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.mark.slow
@requires_tesseract
def test_kill_9_in_the_middle_of_a_burst_loses_nothing_and_files_nothing_twice(inbox: Path, tmp_path: Path):
    contacts = tmp_path / "contacts"
    photos = sample_photos()
    for photo in photos:
        (inbox / photo.name).write_bytes(photo.read_bytes())
    watcher = cardscan("watch", str(inbox), "--contacts", str(contacts), "--stability", "0.3", "-j", "2")
    try:
        wait_for(lambda: 1 <= len(processed(inbox)) < len(photos), timeout=120)
    finally:
        watcher.send_signal(signal.SIGKILL)
        watcher.wait(timeout=30)
    again = cardscan("watch", str(inbox), "--contacts", str(contacts), "--stability", "0.3", "--once")
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert sorted(p.name for p in processed(inbox)) == sorted(p.name for p in photos)
    assert not (inbox / "failed").exists()
    assert [p for p in inbox.iterdir() if p.is_file()] == []
    people = list((contacts / "people").glob("*.vcf"))
    assert len(people) == len(photos)  # fourteen different people, each once
    journal = sqlite3.connect(contacts / JOURNAL_NAME)
    assert journal.execute("SELECT status, COUNT(*) FROM photos GROUP BY status").fetchall() == [
        ("done", len(photos))]


@requires_tesseract
def test_sigterm_finishes_the_card_in_progress_and_exits_cleanly(inbox: Path, tmp_path: Path):
    contacts = tmp_path / "contacts"
    watcher = cardscan("watch", str(inbox), "--contacts", str(contacts), "--event", "gala", "--stability", "0.3")
    try:
        time.sleep(1.5)
        (inbox / "card.jpg").write_bytes((SAMPLES / "fr-atelier-lumiere.jpg").read_bytes())
        wait_for(lambda: _journal_started(contacts), timeout=60)  # the card is being read
        watcher.send_signal(signal.SIGTERM)
        _, err = watcher.communicate(timeout=120)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == 0, err
    assert [p.name for p in processed(inbox)] == ["card.jpg"]
    assert "card.jpg -> Camille Martin (Atelier Lumière SARL), gala 2026-11-20" in err
    assert "stopping after the photos being read" in err


def _journal_started(contacts: Path) -> bool:
    path = contacts / JOURNAL_NAME
    if not path.exists():
        return False
    try:
        return bool(sqlite3.connect(path).execute("SELECT COUNT(*) FROM photos").fetchone()[0])
    except sqlite3.Error:
        return False
