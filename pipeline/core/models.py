"""The frozen records that pass from one stage of the pipeline to the next.

photo (load) -> CardImage (straighten) -> OcrResult (ocr) -> Contact (extract,
then normalise) -> vCard (vcard) -> contacts folder (store).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import numpy as np

T = TypeVar("T")

PhoneKind = Literal["cell", "work", "fax", "other"]


@dataclass(frozen=True)
class LoadedPhoto:
    """A decoded photo, upright according to its EXIF orientation."""

    path: str
    pixels: np.ndarray = field(repr=False)  # BGR, uint8
    sha256: str
    taken: dt.date | None  # EXIF DateTimeOriginal, when the camera recorded it
    modified: dt.date


@dataclass(frozen=True)
class CardImage:
    """The card cut out of the photo, straightened and scaled for OCR."""

    pixels: np.ndarray = field(repr=False)  # BGR, uint8
    found_card: bool  # False when the whole photo is used because no card outline was found
    rotation: int  # degrees clockwise applied to make the text upright


@dataclass(frozen=True)
class Box:
    """A rectangle in the pixels of the straightened card."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass(frozen=True)
class OcrWord:
    text: str
    box: Box
    confidence: float  # 0..1


@dataclass(frozen=True)
class OcrLine:
    words: tuple[OcrWord, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        left = min(w.box.left for w in self.words)
        top = min(w.box.top for w in self.words)
        right = max(w.box.right for w in self.words)
        bottom = max(w.box.bottom for w in self.words)
        return Box(left, top, right - left, bottom - top)

    @property
    def confidence(self) -> float:
        return sum(w.confidence for w in self.words) / len(self.words)

    @property
    def height(self) -> float:
        """Median word height: a proxy for the font size."""
        heights = sorted(w.box.height for w in self.words)
        return float(heights[len(heights) // 2])


@dataclass(frozen=True)
class OcrResult:
    """Words with their boxes and confidences, grouped in reading-order lines."""

    lines: tuple[OcrLine, ...]
    width: int
    height: int
    # how much text an orientation-sensitive reader (Tesseract) read confidently: PP-OCRv4 turns each
    # line upright by itself, so its own confidences cannot tell an upside-down card from a right one
    orientation_score: float | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def confidence(self) -> float:
        words = [w for line in self.lines for w in line.words]
        return sum(w.confidence for w in words) / len(words) if words else 0.0


@dataclass(frozen=True)
class Found(Generic[T]):
    """One extracted value, how sure we are of it, and the OCR text it came from."""

    value: T
    confidence: float
    evidence: tuple[str, ...] = ()


def unique_found(found: list[Found[T]], key: Callable[[Found[T]], Any] = lambda f: f.value) -> list[Found[T]]:
    """The values in their order, each kept once (the first reading of it wins)."""
    seen: set[Any] = set()
    out = []
    for f in found:
        k = key(f)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


@dataclass(frozen=True)
class PersonName:
    full: str
    given: str = ""
    family: str = ""
    additional: str = ""
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Phone:
    number: str  # E.164 once normalised; as printed before
    kind: PhoneKind | None  # None: no label printed, decided by normalisation
    extension: str = ""


@dataclass(frozen=True)
class Address:
    street: str = ""
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = ""  # ISO 3166 alpha-2 when known

    @property
    def text(self) -> str:
        return ", ".join(p for p in (self.street, f"{self.postcode} {self.city}".strip(), self.country) if p)


@dataclass(frozen=True)
class SocialProfile:
    service: str  # linkedin, twitter, instagram, facebook, whatsapp...
    url: str


@dataclass(frozen=True)
class Contact:
    """Everything read from one card."""

    name: Found[PersonName] | None = None
    title: Found[str] | None = None
    organisation: Found[str] | None = None
    department: Found[str] | None = None
    phones: tuple[Found[Phone], ...] = ()
    emails: tuple[Found[str], ...] = ()
    websites: tuple[Found[str], ...] = ()
    addresses: tuple[Found[Address], ...] = ()
    social: tuple[Found[SocialProfile], ...] = ()

    def all_found(self) -> list[tuple[str, Found[Any]]]:
        """Every field as (field name, Found), for confidence counts and JSON."""
        out: list[tuple[str, Found[Any]]] = []
        for key in ("name", "title", "organisation", "department"):
            value = getattr(self, key)
            if value is not None:
                out.append((key, value))
        for key in ("phones", "emails", "websites", "addresses", "social"):
            out.extend((key, f) for f in getattr(self, key))
        return out

    @property
    def is_empty(self) -> bool:
        return not self.all_found()


@dataclass(frozen=True)
class Meeting:
    """Where and when the card was collected."""

    event: str
    date: dt.date


@dataclass(frozen=True)
class CardReading:
    """The outcome of reading one photo, before it is written anywhere."""

    source: str
    sha256: str
    contact: Contact
    meeting: Meeting
    ocr_confidence: float
    found_card: bool
    photo_jpeg: bytes | None = field(default=None, repr=False)  # the straightened card, for PHOTO
    review_jpeg: bytes | None = field(default=None, repr=False)  # the straightened card, for the review page
    ocr: OcrResult | None = field(default=None, repr=False)
    card_index: int = 0  # which card of the photo, when several lie side by side

    @property
    def photo_key(self) -> str:
        """Identifies the card: the photo's SHA-256, with the card's rank when the photo holds several."""
        return self.sha256 if self.card_index == 0 else f"{self.sha256}-{self.card_index}"
