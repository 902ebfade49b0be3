"""A neural OCR engine (PP-OCRv4 through RapidOCR, models inside its wheel, CPU only), and the hybrid.

Measured on real card photos, PP-OCRv4 finds lines and reads e-mails, phones and websites far better
than Tesseract, but its recogniser drops French accents (é -> e) and sometimes the space between
words. The hybrid reads the card with both: PP-OCRv4's lines are kept, and where Tesseract read the
same words with their accents (the same text once accents and spaces are ignored) Tesseract's
spelling is taken. Installed with ``pip install cardscan[neural]``; without it cardscan uses Tesseract.
"""

from __future__ import annotations

import os
import unicodedata
from functools import cache
from typing import Any

import numpy as np

from .models import Box, OcrLine, OcrResult, OcrWord
from .ocr import TesseractEngine, _reading_order

MIN_SCORE = 0.5


def neural_available() -> bool:
    """True when RapidOCR and onnxruntime are installed."""
    try:
        import onnxruntime  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _rapidocr() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    # one thread per process: cardscan runs one process per core
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False)


class NeuralEngine:
    """PP-OCRv4 text detection and recognition; turns are decided from its boxes (see orient.py)."""

    name = "neural"

    def __init__(self, lang: str) -> None:
        self._tesseract = TesseractEngine(lang=lang)

    def read(self, pixels: np.ndarray) -> OcrResult:
        height, width = pixels.shape[:2]
        image = pixels if pixels.ndim == 3 else np.stack([pixels] * 3, axis=2)
        results, _ = _rapidocr()(image)
        lines = []
        for polygon, text, score in results or []:
            text = str(text).strip()
            if not text or float(score) < MIN_SCORE:
                continue
            xs = [int(p[0]) for p in polygon]
            ys = [int(p[1]) for p in polygon]
            box = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
            lines.append(OcrLine(words=_words(text, box, float(score))))
        lines.sort(key=lambda line: (line.box.top + line.box.height / 2, line.box.left))
        return OcrResult(lines=tuple(_reading_order(lines)), width=width, height=height)

    def detect_rotation(self, pixels: np.ndarray) -> tuple[int, float]:
        # No OSD: PP-OCRv4's boxes show sideways text, and Tesseract's reading shows an upside-down card
        # (see orient.py); measured on real photos, OSD added a third of the time and no accuracy.
        return 0, 0.0


class HybridEngine(NeuralEngine):
    """PP-OCRv4's lines, with Tesseract's accented spelling where both read the same words."""

    name = "hybrid"

    def read(self, pixels: np.ndarray) -> OcrResult:
        neural = super().read(pixels)
        tesseract = self._tesseract.read(pixels)
        lines = tuple(_with_accents(line, tesseract) for line in neural.lines)
        confident = sum(len(w.text) for line in tesseract.lines for w in line.words if w.confidence >= 0.6)
        return OcrResult(lines=lines, width=neural.width, height=neural.height, orientation_score=float(confident))


def _words(text: str, box: Box, score: float) -> tuple[OcrWord, ...]:
    """Split a line into words, each given its share of the line's width."""
    parts = text.split()
    total = sum(len(p) for p in parts) + len(parts) - 1
    words, left = [], box.left
    for part in parts:
        width = max(1, round(box.width * len(part) / max(total, 1)))
        words.append(OcrWord(part, Box(left, box.top, width, box.height), score))
        left += width + round(box.width / max(total, 1))
    return tuple(words)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace()).casefold()


def _with_accents(line: OcrLine, tesseract: OcrResult) -> OcrLine:
    """The line in Tesseract's spelling when Tesseract read the same characters there, accents aside."""
    if line.text.isascii() and not any(c.isalpha() for c in line.text):
        return line  # digits and punctuation: PP-OCRv4 reads them better
    box = line.box
    overlapping = [
        word for other in tesseract.lines for word in other.words
        if _overlap(word.box, box) > 0.5 * word.box.width * word.box.height
    ]
    overlapping.sort(key=lambda w: w.box.left)
    spelled = " ".join(w.text for w in overlapping)
    if spelled and _plain(spelled) == _plain(line.text) and spelled != line.text:
        confidence = line.confidence
        return OcrLine(words=tuple(OcrWord(w.text, w.box, max(w.confidence, confidence)) for w in overlapping))
    return line


def _overlap(a: Box, b: Box) -> int:
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    return max(0, width) * max(0, height)
