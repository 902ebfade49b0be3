"""`python -m tests.fake_cardscan ARGS...`: the real cardscan command with stages 1-5 faked, for tests that
kill a whole process in the middle of a scan (the photo is decoded for real; each photo makes the person
named after its file, so that photos make different contacts)."""

from __future__ import annotations

from pathlib import Path

from pipeline import batch
from pipeline.cli import main
from pipeline.core.models import CardReading, Contact, Found, Meeting, PersonName
from pipeline.read.load import load_photo


def fake_reading(source: str, options: batch.ScanOptions) -> list[CardReading]:
    photo = load_photo(source)
    stem = Path(source).stem
    contact = Contact(name=Found(PersonName(f"Person {stem}", "Person", stem), 0.9),
                      emails=(Found(f"{stem.lower()}@exemple-salon.fr", 0.9),))
    return [CardReading(source=source, sha256=photo.sha256, contact=contact,
                        meeting=Meeting(options.event, options.date or photo.taken or photo.modified),
                        ocr_confidence=0.9, found_card=True)]


if __name__ == "__main__":
    batch.read_photo = fake_reading
    main()
