"""Operations on card images and their lines every stage of reading shares: quarter turns, reading order.

Kept apart so that finding the card (``locate``), its orientation (``orient``) and the OCR engines use one
rotation and one reading order, and none reaches into another's private helpers.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..core.models import OcrLine


def rotate(pixels: np.ndarray, degrees_clockwise: int) -> np.ndarray:
    """Rotate by a multiple of 90 degrees."""
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return pixels if degrees_clockwise % 360 == 0 else cv2.rotate(pixels, turns[degrees_clockwise % 360])


def page_position(line: OcrLine) -> tuple[float, int]:
    """Where a line stands, for sorting top to bottom (by its middle) and then left to right."""
    return line.box.top + line.box.height / 2, line.box.left


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Sort lines top to bottom and left to right, joining pieces of one printed line.

    Sparse-text segmentation cuts a line wherever words are spaced out
    ("Eletrônica" / "TAKEDA Ltda."); pieces on the same baseline, of the same
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
            # lines running up or down a card on its side stand side by side: they are not one line
            across = piece.box.width >= piece.box.height and previous.box.width >= previous.box.height
            if gap < 1.5 * max(piece.height, previous.height) and sizes < 1.4 and confident and across:
                merged[-1] = OcrLine(words=previous.words + piece.words)
            else:
                merged.append(piece)
        ordered.extend(merged)
    return ordered
