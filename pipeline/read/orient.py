"""Stage 3a: turn the card upright (0/90/180/270 degrees) and read it.

An engine that can tell the card's turn before recognising its lines (the neural engines' ``read_upright``:
where its lines run, and whether they read upside down) reads each line once, upright. Otherwise Tesseract's
orientation detection (OSD) is trusted when it is sure; when it is unsure and proposes a turn, both
readings are made and the one with more confidently read text wins, because a wrong turn loses the
whole card.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..core.models import CardImage, OcrResult
from .image_ops import rotate
from .light import prepare_for_ocr
from .ocr_tesseract import OcrEngine

SURE_OSD_CONFIDENCE = 5.0
UNSURE_OSD_CONFIDENCE = 0.8
LITTLE_TEXT = 30  # characters: a card turned the wrong way over reads as almost nothing


def reading_score(result: OcrResult) -> float:
    """How much text was read with confidence: characters of words read at 60% or more."""
    return float(sum(len(w.text) for line in result.lines for w in line.words if w.confidence >= 0.6))


def vertical_share(result: OcrResult) -> float:
    """Share of the text (by characters) in boxes taller than wide: text running up or down the image."""
    total = sum(len(line.text) for line in result.lines)
    vertical = sum(len(line.text) for line in result.lines if line.box.height > 1.5 * line.box.width)
    return vertical / total if total else 0.0


def upright_and_read(card: CardImage, engine: OcrEngine) -> tuple[CardImage, OcrResult]:
    """Return the upright card and its OCR reading."""
    prepared = prepare_for_ocr(card.pixels)
    read_upright = getattr(engine, "read_upright", None)
    if read_upright is not None:
        turn, reading = read_upright(prepared)
        if _characters(reading) < LITTLE_TEXT:  # the turn decided may be wrong: the other way over, once
            over, turned_over = read_upright(prepared, (turn + 180) % 360)
            if _characters(turned_over) > 2 * _characters(reading):
                turn, reading = over, turned_over
        return _turned(card, turn), reading
    turn, confidence = engine.detect_rotation(prepared)
    if turn and confidence >= SURE_OSD_CONFIDENCE:
        return _turned(card, turn), engine.read(rotate(prepared, turn))
    as_is = engine.read(prepared)
    if vertical_share(as_is) > 0.5:
        # the text runs sideways: a quarter turn one way or the other, whichever reads better
        candidates = [(t, engine.read(rotate(prepared, t))) for t in ((turn,) if turn in (90, 270) else (90, 270))]
        best_turn, best = max(candidates, key=lambda c: reading_score(c[1]))
        return _turned(card, best_turn), best
    if not turn or confidence < UNSURE_OSD_CONFIDENCE:
        return card, as_is
    turned = engine.read(rotate(prepared, turn))
    if reading_score(turned) > reading_score(as_is) * 1.15:
        return _turned(card, turn), turned
    return card, as_is


def _characters(result: OcrResult) -> int:
    return sum(len(line.text) for line in result.lines)


def _turned(card: CardImage, turn: int) -> CardImage:
    if turn % 360 == 0:
        return card
    pixels: np.ndarray = rotate(card.pixels, turn)
    return replace(card, pixels=pixels, rotation=(card.rotation + turn) % 360)
