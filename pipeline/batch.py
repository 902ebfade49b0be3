"""The pipeline end to end: read photos in parallel, file each contact as it comes.

Reading (load -> straighten -> orient/OCR -> extract -> normalise) runs in
worker processes, one Tesseract thread each; writing stays in this process so
that the contacts folder has a single writer.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .contacts.folder import ContactsFolder, WriteOptions
from .core.errors import CardscanError, InputError, NoTextError, UnexpectedError
from .core.models import CardImage, CardReading, LoadedPhoto, Meeting
from .core.vcard import DEFAULT_VERSION
from .filing import PhotoOutcome, file_outcome
from .read.card_images import contact_photo, review_image
from .read.load import is_image_name, load_photo
from .read.locate import find_card, grow_to_text, straighten_all, warp_card, whole_photo
from .read.ocr_engine import engine_for
from .read.ocr_tesseract import DEFAULT_LANG
from .read.orient import upright_and_read
from .read.qr import blank_out, contact_from_payload, find_qr_codes, merge_qr
from .understand.extract import extract_contact, guess_region, lines_from_ocr
from .understand.normalise import normalise_contact
from .workers import WorkerPool


@dataclass(frozen=True)
class ScanOptions:
    """What the user asked for, shared by every photo of a run."""

    event: str
    date: dt.date | None = None  # None: each photo's own capture date
    region: str = "FR"
    lang: str = DEFAULT_LANG
    note_lang: str = "fr"
    version: str = DEFAULT_VERSION
    merge: bool = True
    photo: bool = False  # keep the straightened card as the contact's PHOTO
    engine: str = "auto"


@dataclass
class BatchSummary:
    written: int = 0
    merged: int = 0
    failed: int = 0
    to_review: int = 0
    meetings: set[Meeting] = field(default_factory=set)
    failures: list[PhotoOutcome] = field(default_factory=list)


def expand_inputs(inputs: Iterable[str]) -> Iterator[tuple[str, CardscanError | None]]:
    """Yield each photo path to read; a folder gives its images, a bad path gives its error."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            try:
                images = sorted(p for p in path.iterdir() if p.is_file() and is_image_name(p))
            except OSError as exc:
                yield given, InputError(f"cannot list the folder ({exc.strerror or exc})")
                continue
            if not images:
                yield given, InputError("no photos in this folder (JPEG, PNG, WebP, TIFF, HEIC)")
            for image in images:
                yield str(image), None
        elif not path.exists():
            yield given, InputError("no such file")
        else:
            yield given, None


def read_photo(source: str, options: ScanOptions) -> list[CardReading]:
    """Run stages 1 to 5 on one photo: one reading per card on it (nothing is written)."""
    photo = load_photo(source)
    cards = straighten_all(photo.pixels)
    readings: list[CardReading] = []
    # messages, not the exceptions: an exception kept in a local of the frame it was raised through is a
    # reference cycle, which holds the whole photo in memory until the garbage collector comes round
    no_text: list[str] = []
    for index, card in enumerate(cards):
        try:
            readings.append(_read_card(photo, card, index, options))
        except NoTextError as exc:
            no_text.append(str(exc))  # beside other cards, an outline without text was no card
    if len(cards) == 1 and cards[0].found_card and readings and _reaches_anyone(readings[0]) \
            and readings[0].contact.name is None and (readings[0].contact.organisation is None or _cut(readings[0])):
        # contact lines but no name (and no company, or text cut by the outline): the outline may be a
        # panel of the card (its lower part in a colour); when the card's text continues just outside it,
        # the whole card is read
        grown = _grown_card(photo, options)
        if grown is not None:
            try:
                whole_card = _read_card(photo, grown, 0, options)
            except NoTextError:
                whole_card = None
            if whole_card is not None and _names_anyone(whole_card) and \
                    _detail_count(whole_card) >= _detail_count(readings[0]):
                readings = [whole_card]
    if len(cards) == 1 and cards[0].found_card and (not readings or not _reaches_anyone(readings[0])):
        # the outline may have been a panel of the card, not the card: read the whole photo too
        try:
            whole = _read_card(photo, whole_photo(photo.pixels), 0, options)
        except NoTextError:
            whole = None
        if whole is not None and (not readings or _detail_count(whole) > _detail_count(readings[0])):
            readings = [whole]
    if not readings:
        raise NoTextError(no_text[0])
    return readings


def _reaches_anyone(reading: CardReading) -> bool:
    """A card read well enough to call or write to someone."""
    contact = reading.contact
    return bool(contact.phones or contact.emails or contact.websites)


def _cut(reading: CardReading) -> bool:
    """A line read runs into the card image's edge: the outline cut through the card's text."""
    ocr = reading.ocr
    if ocr is None:
        return False
    margin = 0.005 * max(ocr.width, ocr.height)
    return any(line.box.left <= margin or line.box.top <= margin or line.box.right >= ocr.width - margin
               or line.box.bottom >= ocr.height - margin for line in ocr.lines)


def _names_anyone(reading: CardReading) -> bool:
    """A card read with a person's or a company's name."""
    return reading.contact.name is not None or reading.contact.organisation is not None


def _grown_card(photo: LoadedPhoto, options: ScanOptions) -> CardImage | None:
    """The card around the outline found, grown to the text that continues just outside it; None if none does."""
    quad = find_card(photo.pixels)
    if quad is None:
        return None
    engine = engine_for(options.engine, options.lang)
    grown = grow_to_text(photo.pixels, quad.corners, engine.text_boxes)
    return None if grown is None else CardImage(pixels=warp_card(photo.pixels, grown), found_card=True, rotation=0)


def _detail_count(reading: CardReading) -> int:
    return len(reading.contact.all_found())


def _read_card(photo: LoadedPhoto, card: CardImage, index: int, options: ScanOptions) -> CardReading:
    codes = find_qr_codes(card.pixels)
    card = replace(card, pixels=blank_out(card.pixels, codes))
    card, ocr = upright_and_read(card, engine_for(options.engine, options.lang))
    lines = lines_from_ocr(ocr)
    from_qr = [c for c in (contact_from_payload(code.payload) for code in codes) if c is not None]
    if not from_qr and not any(sum(c.isalpha() for c in ln.text) >= 3 for ln in lines):
        raise NoTextError("no text found on the photo")
    region = guess_region(lines, options.region)
    contact = extract_contact(lines, region)
    for qr_contact in from_qr:
        contact = merge_qr(contact, qr_contact)
    contact = normalise_contact(contact, region)
    if contact.is_empty:
        raise NoTextError(f"no contact details found in the text read ({len(lines)} lines)")
    date = options.date or photo.taken or photo.modified
    return CardReading(
        source=photo.path, sha256=photo.sha256, contact=contact, meeting=Meeting(options.event, date),
        ocr_confidence=round(ocr.confidence, 3), found_card=card.found_card,
        photo_jpeg=contact_photo(card.pixels) if options.photo else None,
        review_jpeg=review_image(card.pixels), ocr=ocr, card_index=index,
    )


def read_safely(source: str, options: ScanOptions) -> list[PhotoOutcome]:
    """One outcome per card read on the photo, or one error; never raises (but KeyboardInterrupt)."""
    try:
        readings = read_photo(source, options)
    except CardscanError as exc:
        return [PhotoOutcome(source=source, error=exc)]
    except Exception as exc:  # a bug on one photo is that photo's error line, never the batch's end
        return [PhotoOutcome(source=source, error=UnexpectedError.from_exception(exc))]
    return [PhotoOutcome(source=source, reading=reading) for reading in readings]


def read_photos(sources: list[str], options: ScanOptions, jobs: int) -> Iterator[PhotoOutcome]:
    """Read photos on ``jobs`` processes; outcomes come back in the order of ``sources``.

    A worker killed while reading (out of memory, kill -9) costs the photo it held, reported as that
    photo's error; the others are read by a fresh worker.
    """
    if jobs <= 1 or len(sources) <= 1:
        for source in sources:
            yield from read_safely(source, options)
        return
    pool = WorkerPool(min(jobs, len(sources)))
    try:
        # at most a few photos in flight per worker, so memory stays flat on long batches
        window = 2 * jobs
        pending = [(s, pool.submit(read_safely, s, options)) for s in sources[:window]]
        next_index = len(pending)
        while pending:
            source, future = pending.pop(0)
            try:
                outcomes = future.result()
            except CardscanError as exc:  # the worker died
                outcomes = [PhotoOutcome(source=source, error=exc)]
            if next_index < len(sources):
                pending.append((sources[next_index], pool.submit(read_safely, sources[next_index], options)))
                next_index += 1
            yield from outcomes
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def scan(
    inputs: Iterable[str],
    options: ScanOptions,
    folder: ContactsFolder,
    jobs: int,
    on_outcome: Callable[[PhotoOutcome], None] = lambda outcome: None,
    on_total: Callable[[int], None] = lambda total: None,
) -> BatchSummary:
    """Read every photo and file its contact; bad photos are reported and the batch goes on."""
    summary = BatchSummary()
    write_options = WriteOptions(note_lang=options.note_lang, version=options.version, merge=options.merge)
    sources: list[str] = []
    for source, error in expand_inputs(inputs):
        if error is not None:
            outcome = PhotoOutcome(source=source, error=error)
            summary.failed += 1
            summary.failures.append(outcome)
            on_outcome(outcome)
        else:
            sources.append(source)
    on_total(len(sources))
    # each contact updates its event files as it is written: after Ctrl-C or kill -9 they are current
    for outcome in read_photos(sources, options, jobs):
        if outcome.reading is not None:
            outcome = file_outcome(folder, outcome, write_options)
            if outcome.ok:
                assert outcome.stored is not None
                summary.meetings.update(outcome.stored.meetings)
                summary.merged += outcome.merged_with is not None
        if outcome.ok:
            summary.written += 1
            summary.to_review += outcome.to_review
        else:
            summary.failed += 1
            summary.failures.append(outcome)
        on_outcome(outcome)
    return summary
