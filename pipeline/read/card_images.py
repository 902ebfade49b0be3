"""The straightened card as JPEG: the contact's photo (at most 512 px and 100 KB), and the review image."""

from __future__ import annotations

import cv2
import numpy as np

MAX_SIDE = 512
MAX_BYTES = 100 * 1024


def contact_photo(pixels: np.ndarray) -> bytes:
    """Encode the card image (BGR) as a JPEG small enough for every phone's address book."""
    height, width = pixels.shape[:2]
    scale = min(1.0, MAX_SIDE / max(height, width))
    if scale < 1.0:
        pixels = cv2.resize(pixels, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    for quality in (85, 75, 65, 50, 35):
        ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if ok and len(encoded) <= MAX_BYTES:
            return bytes(encoded)
    # a 512 px JPEG at quality 35 is far below 100 KB; halve the size if a pathological image is not
    return contact_photo(cv2.resize(pixels, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))


def review_image(pixels: np.ndarray, quality: int = 80) -> bytes:
    """The card as OCR saw it, as a JPEG of the same size (OCR boxes map onto it one to one)."""
    ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - OpenCV encodes any BGR image
        raise ValueError("cannot encode the card image")
    return bytes(encoded)
