"""Filing one card read (filing.py): the step the batch and the watcher share."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pipeline.filing as filing
import pipeline.understand.doubts as doubts_module
from pipeline.contacts.folder import ContactsFolder, WriteOptions
from pipeline.core.models import (
    Box,
    CardReading,
    Contact,
    Found,
    Meeting,
    OcrLine,
    OcrResult,
    OcrWord,
    PersonName,
    Phone,
)


def reading(sha: str = "a") -> CardReading:
    contact = Contact(name=Found(PersonName("Ana Lima", "Ana", "Lima"), 0.9, ("Ana Lima",)),
                      phones=(Found(Phone("+5534567029", "work"), 0.4),))
    line = OcrLine(words=(OcrWord("Ana", Box(10, 10, 60, 30), 0.9), OcrWord("Lima", Box(80, 10, 80, 30), 0.9)))
    return CardReading(source=f"/photos/{sha}.jpg", sha256=sha * 64, contact=contact,
                       meeting=Meeting("vernissage", dt.date(2026, 11, 20)), ocr_confidence=0.9, found_card=True,
                       review_jpeg=b"\xff\xd8\xff\xe0jpeg", ocr=OcrResult(lines=(line,), width=1000, height=600))


def test_a_card_is_filed_with_its_event_file_and_review_material_and_its_doubts_found_once(tmp_path: Path,
                                                                                            monkeypatch):
    calls = []
    found = doubts_module.reading_doubts

    def counted(read: CardReading, lang: str = "en"):  # type: ignore[no-untyped-def]
        calls.append(read.photo_key)
        return found(read, lang)

    monkeypatch.setattr(filing, "reading_doubts", counted)
    monkeypatch.setattr("pipeline.contacts.review_sidecar.reading_doubts", counted)
    folder = ContactsFolder(tmp_path / "contacts")
    outcome = filing.PhotoOutcome(source="/photos/a.jpg", reading=reading())
    filed = filing.file_outcome(folder, outcome, WriteOptions())
    assert filed.ok and filed.vcard is not None and filed.vcard.exists()
    assert (folder.events / "2026-11-20_vernissage.vcf").read_text().count("BEGIN:VCARD") == 1
    sidecar = json.loads((folder.review / f"{'a' * 64}.json").read_text())
    assert sidecar["doubts"] == [d.to_json() for d in filed.doubts or ()]
    assert {d["field"] for d in sidecar["doubts"]} == {"phones[0]"}
    assert (folder.review / f"{'a' * 64}.jpg").read_bytes() == b"\xff\xd8\xff\xe0jpeg"
    assert filed.to_review == 1
    assert calls == ["a" * 64]  # once, when the outcome was made: filing, the sidecar and the summary reuse them


def test_a_card_that_cannot_be_written_is_that_cards_error(tmp_path: Path):
    root = tmp_path / "contacts"
    root.mkdir()
    (root / "people").write_text("a file where the folder should be")
    outcome = filing.file_outcome(ContactsFolder(root), filing.PhotoOutcome(source="a.jpg", reading=reading()),
                                  WriteOptions())
    assert not outcome.ok and outcome.vcard is None and outcome.reading is not None
