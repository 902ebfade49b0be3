"""Stage 2b: make the card's text dark on light, as Tesseract expects.

Tesseract binarises internally with Otsu, which copes with most cards; what
it cannot do is read light text on a dark card, so dark cards are inverted.
Colour is otherwise kept: a fixed colour-to-gray conversion can erase
coloured text that Tesseract's own conversion keeps.
"""

from __future__ import annotations

import cv2
import numpy as np

DARK_CARD_MEDIAN = 100  # median luminance (0-255) under which a card is dark with light text


def is_dark(pixels: np.ndarray) -> bool:
    """True when most of the card is dark, i.e. its text is probably light."""
    gray = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    return float(np.median(gray)) < DARK_CARD_MEDIAN


def prepare_for_ocr(pixels: np.ndarray) -> np.ndarray:
    """Return the image Tesseract should read: inverted gray for dark cards, unchanged otherwise."""
    if not is_dark(pixels):
        return pixels
    gray = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    return cv2.bitwise_not(gray)
