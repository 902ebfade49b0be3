"""Stage 3a: turn the card upright (0/90/180/270 degrees) and read it.

Tesseract's orientation detection (OSD) is trusted when it is sure; when it
is unsure and proposes a turn, both readings are made and the one with more
confidently read text wins, because a wrong turn loses the whole card.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .core.models import CardImage, OcrResult
from .light import prepare_for_ocr
from .ocr import OcrEngine
from .straighten import rotate

SURE_OSD_CONFIDENCE = 5.0
UNSURE_OSD_CONFIDENCE = 0.8
# Upside down, PP-OCRv4 turns most lines right way up itself, so Tesseract (which reads the card as it lies)
# confirms few of them; measured on real cards turned both ways, the turned view confirmed at most 0.8x
# as many characters as the upright one and at least 1.17x as many as the upside-down one.
UPSIDE_DOWN_MARGIN = 1.0
LITTLE_TEXT = 30  # characters: a card read upside down whose lines PP-OCRv4 could not turn reads as almost nothing


def reading_score(result: OcrResult) -> float:
    """How much text was read with confidence: characters of words read at 60% or more."""
    return float(sum(len(w.text) for line in result.lines for w in line.words if w.confidence >= 0.6))


def orientation_score(result: OcrResult) -> float:
    """Like reading_score, but from the orientation-sensitive reader when the engine has one."""
    return result.orientation_score if result.orientation_score is not None else reading_score(result)


def vertical_share(result: OcrResult) -> float:
    """Share of the text (by characters) in boxes taller than wide: text running up or down the image."""
    total = sum(len(line.text) for line in result.lines)
    vertical = sum(len(line.text) for line in result.lines if line.box.height > 1.5 * line.box.width)
    return vertical / total if total else 0.0


def upright_and_read(card: CardImage, engine: OcrEngine) -> tuple[CardImage, OcrResult]:
    """Return the upright card and its OCR reading."""
    prepared = prepare_for_ocr(card.pixels)
    turn, confidence = engine.detect_rotation(prepared)
    if turn and confidence >= SURE_OSD_CONFIDENCE:
        return _turned(card, turn), engine.read(rotate(prepared, turn))
    as_is = engine.read(prepared)
    if vertical_share(as_is) > 0.5:
        # the text runs sideways: a quarter turn one way or the other, whichever reads better
        candidates = [(t, engine.read(rotate(prepared, t))) for t in ((turn,) if turn in (90, 270) else (90, 270))]
        best_turn, best = max(candidates, key=lambda c: orientation_score(c[1]))
        return _turned(card, best_turn), best
    if turn == 0 and _reads_little(as_is, engine):
        turned = engine.read(rotate(prepared, 180))
        if _characters(turned) > 2 * _characters(as_is):
            return _turned(card, 180), turned
        return card, as_is
    if turn == 0 and _looks_upside_down(as_is):
        probe = getattr(engine, "upside_down_score", None)
        if probe is not None and probe(prepared, as_is) <= orientation_score(as_is) * UPSIDE_DOWN_MARGIN:
            return card, as_is  # a quick look at the card turned over reads no better: it was upright
        turn, margin = 180, UPSIDE_DOWN_MARGIN
    elif turn and confidence >= UNSURE_OSD_CONFIDENCE:
        margin = 1.15
    else:
        return card, as_is
    turned = engine.read(rotate(prepared, turn))
    score = orientation_score if turn == 180 else reading_score
    if score(turned) > score(as_is) * margin:
        return _turned(card, turn), turned
    return card, as_is


def _characters(result: OcrResult) -> int:
    return sum(len(line.text) for line in result.lines)


def _reads_little(result: OcrResult, engine: OcrEngine) -> bool:
    """An engine that turns lines itself (the hybrid) read almost nothing: the card may be upside down."""
    return hasattr(engine, "upside_down_score") and _characters(result) < LITTLE_TEXT


def _looks_upside_down(result: OcrResult) -> bool:
    """The orientation-sensitive reader read almost none of what the other one found."""
    if result.orientation_score is None:
        return False
    characters = _characters(result)
    return characters >= 20 and result.orientation_score < 0.25 * characters


def _turned(card: CardImage, turn: int) -> CardImage:
    pixels: np.ndarray = rotate(card.pixels, turn)
    return replace(card, pixels=pixels, rotation=(card.rotation + turn) % 360)
