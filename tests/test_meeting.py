"""One meeting date per run: the day most photos were taken, one line when they span days; the watcher's
sessions (photos of one event arriving within an hour)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import vobject
from PIL import Image

from pipeline.meeting import Sessions, capture_date, date_span, run_date

from .test_cli import fake_pipeline, run  # noqa: F401 - the fixture is used by name

D = dt.date


def shot(path: Path, taken: str, colour: int = 0) -> Path:
    """A JPEG whose EXIF says when it was taken ('2026:11:20 21:04:00'), like a phone's."""
    exif = Image.Exif()
    exif[306] = taken  # DateTime, which cameras write beside DateTimeOriginal
    Image.new("RGB", (240, 160), (colour, 120, 200)).save(path, format="JPEG", exif=exif.tobytes())
    return path


def test_the_day_most_photos_were_taken():
    assert run_date([D(2026, 11, 21), D(2026, 11, 20), D(2026, 11, 21)]).date == D(2026, 11, 21)
    tie = run_date([D(2026, 11, 21), D(2026, 11, 20)])
    assert tie.date == D(2026, 11, 20)  # the earliest of equals: cards are photographed after the event
    assert tie.spread == "photos taken 2026-11-20..21; filed under 2026-11-20; --date to choose"
    assert run_date([D(2026, 11, 20)] * 3).spread is None
    assert run_date([]) is None


def test_date_spans_read_short():
    assert date_span(D(2026, 11, 20), D(2026, 11, 22)) == "2026-11-20..22"
    assert date_span(D(2026, 11, 30), D(2026, 12, 1)) == "2026-11-30..12-01"
    assert date_span(D(2026, 12, 31), D(2027, 1, 2)) == "2026-12-31..2027-01-02"


def test_capture_date_reads_exif_else_the_file_date(tmp_path: Path):
    assert capture_date(shot(tmp_path / "a.jpg", "2026:11:20 21:04:00")) == D(2026, 11, 20)
    plain = tmp_path / "b.png"
    Image.new("RGB", (200, 120)).save(plain)
    assert capture_date(plain) == dt.date.today()
    (tmp_path / "c.jpg").write_text("not a photo", encoding="utf-8")
    assert capture_date(tmp_path / "c.jpg") is None


def test_one_run_is_one_meeting(fake_pipeline, tmp_path: Path, contacts: Path):  # noqa: F811
    photos = [shot(tmp_path / "p1.jpg", "2026:11:20 21:04:00", 1), shot(tmp_path / "p2.jpg", "2026:11:20 22:30:00", 2),
              shot(tmp_path / "p3.jpg", "2026:11:22 09:12:00", 3)]
    code, out, err = run(*map(str, photos), "--event", "Vernissage Galerie Nord", "--contacts", str(contacts),
                         "--json", "-j", "1")
    assert code == 0, err
    assert "warning: photos taken 2026-11-20..22; filed under 2026-11-20; --date to choose" in err
    assert {json.loads(line)["date"] for line in out.splitlines()} == {"2026-11-20"}
    assert [p.name for p in (contacts / "events").iterdir()] == ["2026-11-20_vernissage-galerie-nord.vcf"]
    # the same card photographed three times: one person, met once
    people = list((contacts / "people").iterdir())
    assert len(people) == 1
    card = vobject.readOne(people[0].read_bytes().decode())
    assert [p.value for p in card.contents["x-cardscan-date"]] == ["2026-11-20"]
    assert card.note.value.splitlines()[0] == "Rencontré à Vernissage Galerie Nord le 20 novembre 2026"
    assert "le 22 novembre" not in card.note.value
    assert "merged with" not in err and "met before" not in err


def test_the_date_given_wins_and_one_day_needs_no_line(fake_pipeline, tmp_path: Path, contacts: Path):  # noqa: F811
    photos = [shot(tmp_path / "p1.jpg", "2026:11:20 21:04:00", 1), shot(tmp_path / "p2.jpg", "2026:11:22 09:00:00", 2)]
    code, _, err = run(*map(str, photos), "--event", "gala", "--date", "2026-11-21", "--contacts", str(contacts),
                       "-j", "1")
    assert code == 0 and "photos taken" not in err
    assert [p.name for p in (contacts / "events").iterdir()] == ["2026-11-21_gala.vcf"]
    code, _, err = run(str(photos[0]), "--event", "gala", "--contacts", str(contacts), "-j", "1")
    assert code == 0 and "photos taken" not in err


def test_watcher_sessions():
    sessions = Sessions(gap=3600)
    sessions.start("salon", [D(2026, 11, 20), D(2026, 11, 21), D(2026, 11, 20)], now=0.0)
    assert sessions.date_for("salon", D(2026, 11, 21), now=10.0) == D(2026, 11, 20)
    assert sessions.date_for("salon", D(2026, 11, 21), now=3000.0) == D(2026, 11, 20)
    assert sessions.date_for("salon", D(2026, 11, 21), now=6500.0) == D(2026, 11, 20)  # an hour after the last
    assert sessions.date_for("salon", D(2026, 11, 23), now=20000.0) == D(2026, 11, 23)  # a new meeting
    assert sessions.date_for("vernissage", D(2026, 11, 19), now=20001.0) == D(2026, 11, 19)  # its own


def test_the_watcher_files_a_burst_under_one_date(tmp_path: Path):
    from .test_watch import Running, processed, wait_for

    inbox = tmp_path / "inbox"
    (inbox / "Salon").mkdir(parents=True)
    staging = tmp_path / "staging"
    staging.mkdir()
    for i, taken in enumerate(["2026:11:20 21:00:00", "2026:11:20 21:30:00", "2026:11:21 08:00:00"]):
        shot(staging / f"v{i}.jpg", taken, i)
    shot(staging / "s0.jpg", "2026:11:23 10:00:00", 9)
    with Running(inbox, tmp_path / "contacts", event="vernissage"):
        for photo in sorted(staging.iterdir()):
            target = inbox / "Salon" / photo.name if photo.name.startswith("s") else inbox / photo.name
            photo.rename(target)
        wait_for(lambda: len(processed(inbox)) == 4)
    folders = sorted({p.parent.name for p in processed(inbox)})
    assert folders == ["2026-11-20_vernissage", "2026-11-23_salon"]
