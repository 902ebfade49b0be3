"""Stage 2: find the card in the photo, cut it out square-on and scale it for OCR.

The card is looked for at a small working size (fast), as the largest
card-shaped quadrilateral among several segmentations: edges, and the distance
of each pixel's colour from the background seen at the photo's border (which
finds a light card on a dark table as well as a dark card on a light one).
When nothing convincing is found the whole photo is used, because a wrong crop
loses text while the whole photo only costs some OCR time.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .core.models import CardImage

DETECT_LONG_SIDE = 640
# Business cards are 85x55 mm (ratio 1.55), 90x50 (1.8), 89x51 (1.75); square and
# folded cards exist, so accept a broad range.
MIN_ASPECT, MAX_ASPECT = 1.0, 2.4
MIN_AREA_SHARE = 0.08  # a card smaller than this in the frame is too small to read anyway
MAX_AREA_SHARE = 0.97  # a "card" filling the frame is the frame itself
# Tesseract reads best with capital letters ~20-40 px high; on a 1200 px wide
# card the small print of a business card lands there.
CARD_WIDTH = 1200
WHOLE_PHOTO_LONG_SIDE = 1500
MAX_UPSCALE = 2.5


@dataclass(frozen=True)
class Quad:
    """Corners in the working image: top-left, top-right, bottom-right, bottom-left."""

    corners: np.ndarray  # float32 (4, 2)
    score: float


def straighten(pixels: np.ndarray) -> CardImage:
    """Return the card cut out of ``pixels`` (BGR), upright as photographed and scaled for OCR."""
    quad = find_card(pixels)
    if quad is None:
        return whole_photo(pixels)
    return CardImage(pixels=warp_card(pixels, quad.corners), found_card=True, rotation=0)


def whole_photo(pixels: np.ndarray) -> CardImage:
    """The whole photo, scaled for OCR: what is read when no card outline can be trusted."""
    return CardImage(pixels=_scale_whole_photo(pixels), found_card=False, rotation=0)


def straighten_all(pixels: np.ndarray) -> list[CardImage]:
    """Every card of the photo cut out and straightened; the whole photo when no card is found."""
    quads = find_cards(pixels)
    if len(quads) <= 1:
        return [straighten(pixels)]
    return [CardImage(pixels=warp_card(pixels, quad.corners), found_card=True, rotation=0) for quad in quads]


def find_card(pixels: np.ndarray) -> Quad | None:
    """Locate the card's four corners in full-resolution pixel coordinates, or None."""
    quads = _all_quads(pixels)
    return max(quads, key=lambda q: q.score) if quads else None


def find_cards(pixels: np.ndarray) -> list[Quad]:
    """Every card of a photo of several laid side by side, top to bottom and left to right.

    Beside the most card-like outline, only outlines of about the same size that do not overlap it
    count: a card's inner panel or a small label is not a second card.
    """
    quads = sorted(_all_quads(pixels), key=lambda q: q.score, reverse=True)
    if not quads:
        return []
    best_area = _area(quads[0])
    cards = [quads[0]]
    for quad in quads[1:]:
        if not 0.6 * best_area <= _area(quad) <= 1.6 * best_area:
            continue
        if any(_overlap(quad, other) > 0.05 * min(_area(quad), _area(other)) for other in cards):
            continue
        cards.append(quad)
    rows = sorted(cards, key=lambda q: float(q.corners[:, 1].mean()))
    return sorted(rows, key=lambda q: (round(float(q.corners[:, 1].mean()) / (0.5 * np.sqrt(best_area))),
                                       float(q.corners[:, 0].mean())))


def _all_quads(pixels: np.ndarray) -> list[Quad]:
    height, width = pixels.shape[:2]
    factor = DETECT_LONG_SIDE / max(height, width)
    small = cv2.resize(pixels, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA)
    return [Quad(corners=(q.corners / factor).astype(np.float32), score=q.score)
            for mask in _candidate_masks(small) for q in _quads(mask)]


def _area(quad: Quad) -> float:
    return float(cv2.contourArea(quad.corners))


def _overlap(a: Quad, b: Quad) -> float:
    area, _ = cv2.intersectConvexConvex(a.corners, b.corners)
    return float(area)


def warp_card(pixels: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Perspective-warp the quadrilateral ``corners`` to an upright rectangle of OCR size."""
    tl, tr, br, bl = corners
    width = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    long_side = max(width, height)
    target_long = min(CARD_WIDTH, long_side * MAX_UPSCALE)
    scale = target_long / long_side
    out_w, out_h = round(width * scale), round(height * scale)
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(pixels, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def rotate(pixels: np.ndarray, degrees_clockwise: int) -> np.ndarray:
    """Rotate by a multiple of 90 degrees."""
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return pixels if degrees_clockwise % 360 == 0 else cv2.rotate(pixels, turns[degrees_clockwise % 360])


def _scale_whole_photo(pixels: np.ndarray) -> np.ndarray:
    height, width = pixels.shape[:2]
    scale = min(WHOLE_PHOTO_LONG_SIDE / max(height, width), MAX_UPSCALE)
    if abs(scale - 1) < 0.05:
        return pixels
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(pixels, (round(width * scale), round(height * scale)), interpolation=interpolation)


def _candidate_masks(small: np.ndarray) -> list[np.ndarray]:
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    masks = []

    # Edges at two sensitivities: a white card on a pale desk leaves only a faint step.
    median = float(np.median(blurred))
    for low, high in ((0.5 * median, 1.2 * median + 10), (0.15 * median, 0.45 * median + 5)):
        edges = cv2.Canny(blurred, low, high)
        masks.append(cv2.morphologyEx(cv2.dilate(edges, kernel), cv2.MORPH_CLOSE, kernel, iterations=3))

    # Distance from the background colour, estimated on the photo's border.
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (7, 7), 0), cv2.COLOR_BGR2LAB).astype(np.float32)
    border = np.concatenate([lab[:6].reshape(-1, 3), lab[-6:].reshape(-1, 3),
                             lab[:, :6].reshape(-1, 3), lab[:, -6:].reshape(-1, 3)])
    background = np.median(border, axis=0)
    distance = np.linalg.norm(lab - background, axis=2)
    distance = (255 * (distance - distance.min()) / max(float(np.ptp(distance)), 1e-6)).astype(np.uint8)
    _, foreground = cv2.threshold(distance, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    foreground = cv2.morphologyEx(foreground, cv2.MORPH_CLOSE, kernel, iterations=3)
    masks.append(cv2.morphologyEx(foreground, cv2.MORPH_OPEN, kernel, iterations=2))

    # Brightness: a light card on a darker table (or the reverse), text holes closed.
    big = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    _, light = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    for polarity in (light, cv2.bitwise_not(light)):
        closed = cv2.morphologyEx(polarity, cv2.MORPH_CLOSE, big)
        masks.append(cv2.morphologyEx(closed, cv2.MORPH_OPEN, kernel, iterations=2))
    return masks


def _quads(mask: np.ndarray) -> list[Quad]:
    """Every card-shaped outline of a mask."""
    image_area = mask.shape[0] * mask.shape[1]
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found: list[Quad] = []
    for contour in contours:
        area = cv2.contourArea(contour)
        share = area / image_area
        if not MIN_AREA_SHARE <= share <= MAX_AREA_SHARE:
            continue
        if _border_share(contour, mask.shape) > 0.4:
            continue  # the background, cut by the frame; a card lies inside the photo
        hull = cv2.convexHull(contour)
        hull_area = cv2.contourArea(hull)
        if hull_area <= 0:
            continue
        corners = _quad_corners(hull)
        if corners is None:
            continue
        quad_area = cv2.contourArea(corners.astype(np.float32))
        if quad_area <= 0 or quad_area / image_area > MAX_AREA_SHARE:
            continue
        # how well the four corners describe the blob: rounded corners cost little, a blob a lot
        fit = min(area, quad_area) / max(area, quad_area)
        if fit < 0.80 or not _card_shaped(corners):
            continue
        found.append(Quad(corners=corners, score=share * fit * fit))
    return found


def _border_share(contour: np.ndarray, shape: tuple[int, ...]) -> float:
    """Share of the contour's length that runs along the photo's edge."""
    height, width = shape[:2]
    margin = 3
    points = contour.reshape(-1, 2)
    dense = cv2.approxPolyDP(contour, 1, True).reshape(-1, 2) if len(points) < 8 else points
    on_edge = (dense[:, 0] <= margin) | (dense[:, 0] >= width - 1 - margin) | (dense[:, 1] <= margin) | (
        dense[:, 1] >= height - 1 - margin
    )
    if len(dense) < 2:
        return 0.0
    segments = np.linalg.norm(np.diff(np.vstack([dense, dense[:1]]), axis=0), axis=1)
    both_on_edge = on_edge & np.roll(on_edge, -1)
    return float(segments[both_on_edge].sum() / max(segments.sum(), 1e-6))


def _quad_corners(hull: np.ndarray) -> np.ndarray | None:
    perimeter = cv2.arcLength(hull, True)
    for epsilon in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) == 4:
            return _order_corners(approx.reshape(4, 2).astype(np.float32))
    # rounded or clipped corners: the minimum-area rectangle is a good card outline
    rect = cv2.boxPoints(cv2.minAreaRect(hull))
    return _order_corners(rect.astype(np.float32))


def _order_corners(points: np.ndarray) -> np.ndarray:
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ordered = points[np.argsort(angles)]  # clockwise in image coordinates, starting near top-left
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0)


def _card_shaped(corners: np.ndarray) -> bool:
    tl, tr, br, bl = corners
    sides = [np.linalg.norm(tr - tl), np.linalg.norm(br - tr), np.linalg.norm(bl - br), np.linalg.norm(tl - bl)]
    if min(sides) < 20:
        return False
    width = (sides[0] + sides[2]) / 2
    height = (sides[1] + sides[3]) / 2
    aspect = max(width, height) / min(width, height)
    if not MIN_ASPECT <= aspect <= MAX_ASPECT:
        return False
    # opposite sides of a photographed rectangle differ by perspective, not by half
    return bool(min(sides[0], sides[2]) / max(sides[0], sides[2]) > 0.55
                and min(sides[1], sides[3]) / max(sides[1], sides[3]) > 0.55)
