"""The OCR engine contract (OCRmyPDF's ``OcrEngine``, for cards) and the registry that resolves ``--engine``.

An engine reads an upright card (``read``) and says how a card lies as it reads it (``read_upright``: the
orientation probe and the reading in one, since the neural engine finds the turn from the lines it
detects). Tesseract (``ocr_tesseract``), the neural engine and the hybrid (``ocr_neural``, the hybrid
holding a neural and a Tesseract engine) implement it; the pipeline asks only what is declared here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cache
from typing import ClassVar

import numpy as np

from ..core.errors import BadArgumentsError
from ..core.models import OcrResult

ENGINES = ("auto", "tesseract", "neural", "hybrid")


class OcrEngine(ABC):
    """What the pipeline needs from an OCR engine."""

    name: ClassVar[str]
    # True when ``read_upright`` decides the turn from one look at the lines (PP-OCR's line classifier): it
    # may be the wrong way over, so a card read as almost nothing is read the other way over once (``orient``)
    turn_from_one_look: ClassVar[bool] = False

    @abstractmethod
    def read(self, pixels: np.ndarray) -> OcrResult:
        """Read the words of an upright card image (BGR or gray)."""

    @abstractmethod
    def read_upright(self, pixels: np.ndarray, turn: int | None = None) -> tuple[int, OcrResult]:
        """(the clockwise turn, 0/90/180/270, that makes the card upright; its reading once turned).

        ``turn`` given: the card is read turned so, no orientation probed.
        """

    @abstractmethod
    def text_boxes(self, pixels: np.ndarray) -> list[tuple[float, float, float, float]]:
        """(left, top, right, bottom) of each line of text on the image."""


def resolve_engine(name: str) -> str:
    """'auto' is the most accurate engine installed: PP-OCRv6 alone when RapidOCR is there, else Tesseract.

    Measured engine against engine (README, Measuring): with PP-OCRv6 the hybrid's alignment with Tesseract
    read the real photos the same and the phone photos no better, for Tesseract's time and memory.
    """
    if name != "auto":
        return name
    from .ocr_neural import neural_available

    return "neural" if neural_available() else "tesseract"


def check_engine(name: str) -> None:
    """Raise BadArgumentsError when the neural engine is asked for but not installed."""
    from .ocr_neural import neural_available

    if name in ("neural", "hybrid") and not neural_available():
        raise BadArgumentsError(f"the {name} engine needs RapidOCR 3 (PP-OCRv6): pip install 'cardscan[neural]'")


@cache
def engine_for(name: str, lang: str) -> OcrEngine:
    """The engine ``--engine NAME`` asks for (``auto`` resolved), one per process and languages."""
    name = resolve_engine(name)
    if name == "tesseract":
        from .ocr_tesseract import TesseractEngine

        return TesseractEngine(lang=lang)
    from .ocr_neural import HybridEngine, NeuralEngine

    return HybridEngine(lang) if name == "hybrid" else NeuralEngine(lang)
