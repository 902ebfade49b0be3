"""Stage 3a: turn the card upright (0/90/180/270 degrees) and read it.

Each engine says how the card lies as it reads it (``OcrEngine.read_upright``): the neural engines from where
their lines run and whether they read upside down, reading each line once, upright; Tesseract from its
orientation detection (OSD), checked by reading both ways when unsure (``ocr_tesseract``). A turn decided
from one look at the lines may be the wrong way over: a card read as almost nothing is read the other way
over once.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..core.models import CardImage, OcrResult
from .image_ops import rotate
from .light import prepare_for_ocr
from .ocr_engine import OcrEngine

LITTLE_TEXT = 30  # characters: a card turned the wrong way over reads as almost nothing


def upright_and_read(card: CardImage, engine: OcrEngine) -> tuple[CardImage, OcrResult]:
    """Return the upright card and its OCR reading."""
    prepared = prepare_for_ocr(card.pixels)
    turn, reading = engine.read_upright(prepared)
    if engine.turn_from_one_look and _characters(reading) < LITTLE_TEXT:  # the other way over, once
        over, turned_over = engine.read_upright(prepared, (turn + 180) % 360)
        if _characters(turned_over) > 2 * _characters(reading):
            turn, reading = over, turned_over
    return _turned(card, turn), reading


def _characters(result: OcrResult) -> int:
    return sum(len(line.text) for line in result.lines)


def _turned(card: CardImage, turn: int) -> CardImage:
    if turn % 360 == 0:
        return card
    pixels: np.ndarray = rotate(card.pixels, turn)
    return replace(card, pixels=pixels, rotation=(card.rotation + turn) % 360)
