"""Filing one card read: the step the batch (``batch.scan``) and the drop-folder watcher (``watch``) share.

A card read becomes a ``PhotoOutcome`` once, with its doubts found once; filing it runs these steps in order:

1. merge and write the contact, and the event files that list it (``ContactsFolder.write_contact``: read the
   contact on disk, merge, write, all under the folder's lock);
2. write the card's review material (``review_sidecar``): optional, a failure there is a warning only.

Any failure of step 1 is this card's error; the batch or the watcher goes on with the next.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .contacts.folder import ContactsFolder, WriteOptions
from .contacts.records import StoredCard
from .contacts.review_sidecar import write_review_material
from .core.errors import CardscanError, UnexpectedError
from .core.models import CardReading
from .understand.doubts import Doubt, doubtful_fields, reading_doubts


@dataclass(frozen=True)
class PhotoOutcome:
    """What happened to one photo: a contact written, or an error."""

    source: str
    reading: CardReading | None = None
    vcard: Path | None = None
    error: CardscanError | None = None
    merged_with: StoredCard | None = None  # a contact met before, which this card updated
    stored: StoredCard | None = None  # the contact as written
    # what is doubtful in the reading (``doubts``): found once, when the outcome is made with its reading
    doubts: tuple[Doubt, ...] | None = None

    def __post_init__(self) -> None:
        if self.doubts is None and self.reading is not None:
            object.__setattr__(self, "doubts", tuple(reading_doubts(self.reading)))

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def to_review(self) -> int:
        """Fields to check: read with low confidence, or doubtful for what they say (see ``doubts``)."""
        return doubtful_fields(self.doubts or ())


def file_outcome(folder: ContactsFolder, outcome: PhotoOutcome, options: WriteOptions) -> PhotoOutcome:
    """File the card an outcome read (see the module's steps); any failure is this card's error."""
    reading = outcome.reading
    assert reading is not None
    try:
        written = folder.write_contact(reading, options)
    except CardscanError as exc:
        return replace(outcome, error=exc)
    except Exception as exc:  # a bug on one card is that card's error line
        return replace(outcome, error=UnexpectedError.from_exception(exc))
    write_review_material(folder, reading, outcome.doubts)
    return replace(outcome, vcard=written.path, merged_with=written.merged_with, stored=written.stored)
