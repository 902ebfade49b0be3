"""Stage 3: read the words on the card with Tesseract, keeping boxes and confidences.

The engine is a small interface (``OcrEngine``) so another engine can stand
beside Tesseract; everything Tesseract-specific (language packs, page
segmentation, OSD, timeouts, the single-thread setting) stays in
``TesseractEngine``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Protocol

import cv2
import numpy as np
import pytesseract

from .errors import OcrFailedError, TesseractMissingError
from .models import Box, OcrLine, OcrResult, OcrWord

DEFAULT_LANG = "fra+eng"
# Cards are sparse text in blocks scattered over the surface; "sparse text"
# (11) finds more of a card's small lines than "automatic page" (3).
PAGE_SEGMENTATION = 11
# Tesseract's binarisation: 0 global Otsu, 1 adaptive Otsu, 2 Sauvola.
THRESHOLDING_METHOD = 0
SECOND_THRESHOLDING_METHOD = 2
# a line that carries a way to reach someone: an e-mail, a website, or a run of digits like a phone number
_CONTACT_LINE = re.compile(r"@|www|\.(?:com|net|org|[a-z]{2})\b|(?:\d\D?){6,}", re.IGNORECASE)
TIMEOUT_SECONDS = 60
OSD_TIMEOUT_SECONDS = 20


class OcrEngine(Protocol):
    """What the pipeline needs from an OCR engine."""

    name: str

    def read(self, pixels: np.ndarray) -> OcrResult:
        """Read the words of an upright card image (BGR or gray)."""
        ...

    def detect_rotation(self, pixels: np.ndarray) -> tuple[int, float]:
        """Return (degrees clockwise to turn the image upright, confidence)."""
        ...


class TesseractEngine:
    """Tesseract through pytesseract, one thread per process."""

    name = "tesseract"

    def __init__(self, lang: str = DEFAULT_LANG, timeout: float = TIMEOUT_SECONDS, second_look: bool = True) -> None:
        # Tesseract's OpenMP threads fight our process pool for the cores; one
        # thread per process across all cores was measured ~4x faster per page.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        self.lang = lang
        self.timeout = timeout
        self.second_look = second_look

    def read(self, pixels: np.ndarray) -> OcrResult:
        """Read the card; when its e-mail or phone lines are missing, look again with another binarisation.

        Measured on real photos, Otsu (Tesseract's default) and Sauvola each read contact lines the other
        misses; the second reading only adds the e-mail, web and phone lines the first one did not have,
        so the name and company still come from the first.
        """
        first = self._read(pixels, THRESHOLDING_METHOD)
        if not self.second_look or _has_contact_lines(first):
            return first
        second = self._read(pixels, SECOND_THRESHOLDING_METHOD)
        known = {line.text for line in first.lines}
        added = [line for line in second.lines if line.text not in known and _CONTACT_LINE.search(line.text)]
        if not added:
            return first
        lines = sorted((*first.lines, *added), key=page_position)
        return OcrResult(lines=tuple(lines), width=first.width, height=first.height)

    def _read(self, pixels: np.ndarray, thresholding: int) -> OcrResult:
        config = f"--psm {PAGE_SEGMENTATION} -c thresholding_method={thresholding}"
        try:
            with _image_file(pixels) as image:
                data = pytesseract.image_to_data(
                    image, lang=self.lang, config=config, output_type=pytesseract.Output.DICT, timeout=self.timeout,
                )
        except pytesseract.TesseractNotFoundError as exc:
            raise TesseractMissingError(_install_hint()) from exc
        except RuntimeError as exc:  # pytesseract signals its timeout with a bare RuntimeError
            raise OcrFailedError(f"Tesseract took longer than {self.timeout:.0f} s") from exc
        except pytesseract.TesseractError as exc:
            raise OcrFailedError(f"Tesseract failed: {_first_line(str(exc.message))}") from exc
        height, width = pixels.shape[:2]
        return lines_from_tesseract_data(data, width, height)

    def detect_rotation(self, pixels: np.ndarray) -> tuple[int, float]:
        try:
            with _image_file(pixels) as image:
                osd = pytesseract.image_to_osd(
                    image, config="--psm 0 -c min_characters_to_try=10", timeout=OSD_TIMEOUT_SECONDS
                )
        except pytesseract.TesseractNotFoundError as exc:
            raise TesseractMissingError(_install_hint()) from exc
        except (RuntimeError, pytesseract.TesseractError):
            return 0, 0.0  # too little text to judge: keep the image as it is
        rotate = re.search(r"Rotate:\s*(\d+)", osd)
        confidence = re.search(r"Orientation confidence:\s*([\d.]+)", osd)
        if not rotate:
            return 0, 0.0
        return int(rotate.group(1)) % 360, float(confidence.group(1)) if confidence else 0.0


def _has_contact_lines(result: OcrResult) -> bool:
    """The reading has both an e-mail or web line and a phone-like line, read with confidence."""
    sure = [line.text for line in result.lines if line.confidence >= 0.7]
    return any(re.search(r"@|www", t, re.IGNORECASE) for t in sure) and any(
        len(re.findall(r"\d", t)) >= 8 for t in sure)


def page_position(line: OcrLine) -> tuple[float, int]:
    """Where a line stands, for sorting top to bottom (by its middle) and then left to right."""
    return line.box.top + line.box.height / 2, line.box.left


def lines_from_tesseract_data(data: dict[str, list[Any]], width: int, height: int) -> OcrResult:
    """Group Tesseract's word table (image_to_data) into lines, top to bottom."""
    grouped: dict[tuple[int, int, int], list[OcrWord]] = defaultdict(list)
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        box = Box(int(data["left"][i]), int(data["top"][i]), int(data["width"][i]), int(data["height"][i]))
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        grouped[key].append(OcrWord(text=text, box=box, confidence=max(0.0, min(conf / 100, 1.0))))
    lines = [OcrLine(words=tuple(sorted(words, key=lambda w: w.box.left))) for words in grouped.values()]
    lines.sort(key=page_position)
    return OcrResult(lines=tuple(_reading_order(lines)), width=width, height=height)


def _reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Sort lines top to bottom and left to right, joining pieces of one printed line.

    Sparse-text segmentation cuts a line wherever words are spaced out
    ("Eletrônica" / "ADACHI Ltda."); pieces on the same baseline, of the same
    size and close together are one line again.
    """
    rows: list[list[OcrLine]] = []
    for line in lines:
        centre = line.box.top + line.box.height / 2
        if rows:
            last = rows[-1][0]
            last_centre = last.box.top + last.box.height / 2
            if abs(centre - last_centre) < 0.4 * min(line.height, last.height):
                rows[-1].append(line)
                continue
        rows.append([line])
    ordered: list[OcrLine] = []
    for row in rows:
        pieces = sorted(row, key=lambda ln: ln.box.left)
        merged = [pieces[0]]
        for piece in pieces[1:]:
            previous = merged[-1]
            gap = piece.box.left - previous.box.right
            sizes = max(piece.height, previous.height) / max(min(piece.height, previous.height), 1)
            # low-confidence pieces are logo or QR-code specks, not the rest of the line
            confident = min(piece.confidence, previous.confidence) >= 0.5
            if gap < 1.5 * max(piece.height, previous.height) and sizes < 1.4 and confident:
                merged[-1] = OcrLine(words=previous.words + piece.words)
            else:
                merged.append(piece)
        ordered.extend(merged)
    return ordered


@cache
def check_tesseract(lang: str) -> str:
    """Return Tesseract's version; raise TesseractMissingError if it or a language is missing."""
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise TesseractMissingError(_install_hint())
    try:
        version = str(pytesseract.get_tesseract_version())
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise TesseractMissingError(_install_hint()) from exc
    missing = [code for code in lang.split("+") if code and code not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code}" for code in missing)
        raise TesseractMissingError(
            f"Tesseract language data missing: {', '.join(missing)} (install: apt-get install {packages})"
        )
    return version


def _install_hint() -> str:
    return "Tesseract is not installed (install: apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng)"


@contextmanager
def _image_file(pixels: np.ndarray) -> Iterator[str]:
    """The image in a temporary uncompressed BMP for Tesseract to read.

    pytesseract would save a PNG itself: its compression cost a fifth of each Tesseract call.
    """
    with tempfile.TemporaryDirectory(prefix="cardscan-") as folder:
        path = os.path.join(folder, "card.bmp")
        if not cv2.imwrite(path, pixels):
            raise OcrFailedError("could not hand the image to Tesseract (temporary folder not writable)")
        yield path


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "unknown error")
