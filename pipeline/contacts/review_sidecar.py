"""The review material of one card: review/<photo sha256>.jpg (the straightened card) and .json (what was read).

`cardscan review` and the event sheet show them; `cardscan forget` takes the meeting back with them. Optional
material: when it cannot be written, one warning says so and the contact stays filed.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.contact_json import contact_to_json, ocr_lines_to_json
from ..core.models import CardReading
from ..core.safetext import storable
from ..understand.doubts import Doubt, reading_doubts
from .folder import ContactsFolder, atomic_write, atomic_write_bytes

log = logging.getLogger("cardscan.store")

_WARNED: weakref.WeakSet[ContactsFolder] = weakref.WeakSet()  # one warning per folder and process


def review_sidecar(reading: CardReading, doubts: Sequence[Doubt]) -> dict[str, Any]:
    """What was read on the card, as review/<photo sha256>.json holds it."""
    assert reading.ocr is not None
    return {
        "photo": storable(Path(reading.source).name), "sha256": reading.photo_key,
        "width": reading.ocr.width, "height": reading.ocr.height,
        "lines": ocr_lines_to_json(reading.ocr), "fields": contact_to_json(reading.contact),
        "doubts": [doubt.to_json() for doubt in doubts],
        # the meeting this photo brought: `cardscan forget` takes it back with the photo
        "event": reading.meeting.event, "date": reading.meeting.date.isoformat(),
    }


def write_review_material(folder: ContactsFolder, reading: CardReading,
                          doubts: Sequence[Doubt] | None = None) -> None:
    """The straightened card and what was read on it, for `cardscan review`: review/<photo sha256>.*

    ``doubts``: the reading's, when the caller has them already (``reading_doubts`` otherwise).
    """
    if reading.review_jpeg is None or reading.ocr is None:
        return
    sidecar = review_sidecar(reading, reading_doubts(reading) if doubts is None else doubts)
    try:
        with folder.aside():  # under the folder's lock, people/ untouched
            folder.review.mkdir(exist_ok=True)
            atomic_write_bytes(folder.review / f"{reading.photo_key}.jpg", reading.review_jpeg)
            atomic_write(folder.review / f"{reading.photo_key}.json", json.dumps(sidecar, ensure_ascii=False))
    except Exception as exc:  # optional: whatever goes wrong here, the contact is filed
        if folder not in _WARNED:
            _WARNED.add(folder)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            log.warning("warning: %s: cannot write the cards' images there (%s): the contacts are filed, "
                        "but `cardscan review` will not show these cards", folder.review, reason)
