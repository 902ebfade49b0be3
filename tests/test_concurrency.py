"""Several writers, killed writers, killed workers (issue #19 items 2, 4, 5; issue #15 item 7).

Real processes throughout: three writers merging into one contact, `kill -9` of cardscan and of its workers.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import vobject

from pipeline.contacts.folder import ContactsFolder
from pipeline.core.errors import CardscanError
from pipeline.core.models import CardReading, Contact, Found, Meeting, PersonName

from .conftest import ROOT, requires_tesseract, sample_photos

slow = pytest.mark.slow


def meeting_card(writer: int, number: int) -> CardReading:
    """The same person (same e-mail) met by ``writer`` at its ``number``-th event: a new photo each time."""
    contact = Contact(name=Found(PersonName("Camille Martin", "Camille", "Martin"), 0.9),
                      emails=(Found("camille.martin@atelier-lumiere.fr", 0.9),))
    return CardReading(source=f"/photos/w{writer}-{number}.jpg", sha256=f"{writer:032d}{number:032d}",
                       contact=contact, meeting=Meeting(f"event {writer}-{number}", dt.date(2026, 11, 20)),
                       ocr_confidence=0.9, found_card=True)


WRITER = """
import sys, time
from pathlib import Path
from tests.test_concurrency import meeting_card
from pipeline.contacts.folder import ContactsFolder
root, writer, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
folder = ContactsFolder(root)
while not go.exists():
    time.sleep(0.01)
for number in range(count):
    folder.write_contact(meeting_card(writer, number))
"""


def children_of(pid: int) -> list[int]:
    """The worker processes of ``pid`` (multiprocessing's resource tracker left out)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    command = handle.read()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z" and b"spawn_main" in command:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------- 2. concurrent writers lose nothing

@slow
def test_three_processes_merging_into_the_same_contact_lose_no_meeting(tmp_path: Path):
    root = tmp_path / "contacts"
    ContactsFolder(root).prepare()
    go = tmp_path / "go"
    writers, count = 3, 20
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(w), str(count), str(go)], cwd=ROOT)
                 for w in range(writers)]
    time.sleep(1.0)  # every writer imported and waiting
    go.touch()
    for process in processes:
        assert process.wait(timeout=300) == 0
    people = list((root / "people").glob("*.vcf"))
    assert len(people) == 1  # one person, met sixty times
    card = vobject.readOne(people[0].read_bytes().decode("utf-8"))
    events = {p.value for p in card.contents["x-cardscan-event"]}
    assert events == {f"event {w}-{n}" for w in range(writers) for n in range(count)}
    assert len(card.contents["x-cardscan-photo"]) == writers * count
    assert len(list((root / "events").glob("*.vcf"))) == writers * count  # each event's file lists them


def stranger(number: int) -> CardReading:
    contact = Contact(name=Found(PersonName(f"Jean Dupont{number}", "Jean", f"Dupont{number}"), 0.9))
    return CardReading(source=f"/photos/s{number}.jpg", sha256=f"f{number:063d}", contact=contact,
                       meeting=Meeting(f"stranger {number}", dt.date(2026, 11, 21)), ocr_confidence=0.9,
                       found_card=True)


def test_a_writer_sees_what_another_process_wrote_since(tmp_path: Path):
    first, second = ContactsFolder(tmp_path / "c"), ContactsFolder(tmp_path / "c")
    first.prepare()
    first.write_contact(stranger(1))  # the first knows people/ as it is now
    second.write_contact(meeting_card(1, 0))  # another process files Camille
    first.write_contact(meeting_card(0, 1))  # Camille again: merged, not a second Camille
    camilles = [p for p in (tmp_path / "c" / "people").glob("*.vcf") if b"Camille" in p.read_bytes()]
    assert len(camilles) == 1
    card = vobject.readOne(camilles[0].read_bytes().decode("utf-8"))
    assert {p.value for p in card.contents["x-cardscan-event"]} == {"event 1-0", "event 0-1"}


# ---------------------------------------------------------------- 4. event files current after every write

def test_event_files_are_current_after_each_contact(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    for number in range(3):
        folder.write_contact(meeting_card(number, 0))  # no rebuild asked for: the write keeps them
        event_file = folder.events / f"2026-11-20_event-{number}-0.vcf"
        assert event_file.exists()
        for earlier in range(number + 1):  # the merged contact, up to date, in every event file
            text = (folder.events / f"2026-11-20_event-{earlier}-0.vcf").read_text(encoding="utf-8")
            assert f"event {number}-0" in text


def test_an_event_file_left_stale_by_a_killed_writer_is_rewritten_at_the_next_write(tmp_path: Path):
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    folder.write_contact(meeting_card(0, 0))
    stale = folder.events / "2026-11-20_event-0-0.vcf"
    stale.unlink()  # as if killed between the contact and its event file
    ContactsFolder(tmp_path / "contacts").write_contact(stranger(1))  # the next run: another person, event
    assert "Camille Martin" in stale.read_text(encoding="utf-8")


@slow
@requires_tesseract
def test_kill_9_of_a_scan_leaves_every_written_contact_in_its_event_file(tmp_path: Path):
    contacts = tmp_path / "contacts"
    photos = sample_photos()[:8]
    scan = subprocess.Popen([sys.executable, "-m", "pipeline", *map(str, photos), "--event", "salon", "--date",
                             "2026-11-20", "--contacts", str(contacts), "-j", "1", "--engine", "tesseract"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        assert wait_for(lambda: len(list((contacts / "people").glob("*.vcf"))) >= 3, timeout=300)
    finally:
        scan.send_signal(signal.SIGKILL)
        scan.wait(timeout=30)
    people = {p.stem for p in (contacts / "people").glob("*.vcf")}
    assert 3 <= len(people) < len(photos)
    event_text = (contacts / "events" / "2026-11-20_salon.vcf").read_text(encoding="utf-8")
    in_event = {p.value for p in vobject.readComponents(event_text) for p in p.contents["uid"]}
    assert in_event == people


# ---------------------------------------------------------------- 5. a killed worker costs its photo only

def kill_myself_on(value: str) -> str:
    if value == "poison":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.2)
    return value.upper()


def test_a_worker_killed_fails_its_task_only_and_the_pool_goes_on():
    from pipeline.workers import WorkerDiedError, WorkerPool

    pool = WorkerPool(2)
    try:
        values = ["a", "b", "poison", "c", "d", "e"]
        futures = [pool.submit(kill_myself_on, v) for v in values]
        results = []
        for future in futures:
            try:
                results.append(future.result(timeout=120))
            except CardscanError as exc:
                results.append(exc)
        assert results[:2] == ["A", "B"] and results[3:] == ["C", "D", "E"]
        assert isinstance(results[2], WorkerDiedError) and "killed (SIGKILL)" in str(results[2])
        assert pool.submit(kill_myself_on, "f").result(timeout=120) == "F"
    finally:
        pool.shutdown()
    assert pool.worker_pids() == []


@slow
@requires_tesseract
def test_a_worker_killed_during_a_scan_costs_one_photo(tmp_path: Path):
    contacts = tmp_path / "contacts"
    photos = sample_photos()[:6]
    scan = subprocess.Popen([sys.executable, "-m", "pipeline", *map(str, photos), "--contacts", str(contacts),
                             "-j", "2", "--engine", "tesseract", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert wait_for(lambda: len(list((contacts / "people").glob("*.vcf"))) >= 1, timeout=300)
        workers = children_of(scan.pid)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        out, err = scan.communicate(timeout=600)
    finally:
        if scan.poll() is None:
            scan.kill()
    statuses = [line for line in out.splitlines() if '"status": "error"' in line]
    assert len(statuses) == 1, err
    assert "the reading process was killed (SIGKILL)" in err
    assert len(out.splitlines()) == len(photos)
    assert len(list((contacts / "people").glob("*.vcf"))) == len(photos) - 1
    assert scan.returncode == 10


def reader_killed_on_poison(source: str, options):
    """A watcher's reader, in a worker process, that dies under one photo as the OOM killer would make it."""
    from .test_watch import FakeReader

    if "poison" in source:
        os.kill(os.getpid(), signal.SIGKILL)
    return FakeReader()(source, options)


@slow
def test_a_worker_killed_in_the_watcher_fails_its_photo_only(tmp_path: Path):
    from pipeline.batch import ScanOptions
    from pipeline.contacts.folder import WriteOptions
    from pipeline.watch import Watcher, WatchOptions

    from .test_watch import processed, small_photo

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a", "b", "poison", "c", "d"):
        small_photo(inbox / f"{name}.png", len(name) + ord(name[0]))
    folder = ContactsFolder(tmp_path / "contacts")
    folder.prepare()
    options = WatchOptions(inbox=inbox, scan=ScanOptions(event="salon"), once=True, stability=0.2, jobs=2)
    summary = Watcher(options, folder, WriteOptions(), reader=reader_killed_on_poison).run()
    assert sorted(p.name for p in processed(inbox)) == ["a.png", "b.png", "c.png", "d.png"]
    reason = (inbox / "failed" / "poison.png.error.txt").read_text(encoding="utf-8")
    assert "the reading process was killed (SIGKILL)" in reason
    assert (summary.filed, summary.failed) == (4, 1)


# ---------------------------------------------------------------- #15 item 7: workers never outlive cardscan

def sleepy(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_a_worker_stops_on_sigterm():
    from pipeline.workers import WorkerDiedError, WorkerPool

    pool = WorkerPool(1)
    try:
        future = pool.submit(sleepy, 60)
        assert wait_for(lambda: len(pool.worker_pids()) == 1, timeout=60)
        time.sleep(1.0)
        os.kill(pool.worker_pids()[0], signal.SIGTERM)
        with pytest.raises(WorkerDiedError, match="SIGTERM"):
            future.result(timeout=30)
    finally:
        pool.shutdown()


@slow
@pytest.mark.parametrize("command", ["scan", "watch"])
def test_workers_die_with_cardscan_killed_by_sigkill(tmp_path: Path, command: str):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    photos = sample_photos()[:6]
    for photo in photos:
        (inbox / photo.name).write_bytes(photo.read_bytes())
    args = ([str(inbox)] if command == "scan" else ["watch", str(inbox), "--stability", "0.2"])
    parent = subprocess.Popen([sys.executable, "-m", "pipeline", *args, "--contacts", str(tmp_path / "c"),
                               "-j", "2", "--engine", "tesseract"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    workers: list[int] = []
    try:
        assert wait_for(lambda: len(children_of(parent.pid)) == 2, timeout=120)
        workers = children_of(parent.pid)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
    try:
        assert wait_for(lambda: not any(alive(pid) for pid in workers), timeout=5)
    finally:
        for pid in workers:  # never leave them behind, even when the test fails
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
