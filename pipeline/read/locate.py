"""Stage 2: find the card in the photo, cut it out square-on and scale it for OCR.

The card is looked for at a small working size (fast), as the largest
card-shaped quadrilateral among several segmentations: edges, and the distance
of each pixel's colour from the background seen at the photo's border (which
finds a light card on a dark table as well as a dark card on a light one).
When nothing convincing is found the whole photo is used, because a wrong crop
loses text while the whole photo only costs some OCR time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from ..core.models import CardImage

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
    if not quads:
        return [whole_photo(pixels)]
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
        if any(_overlap(quad, other) > 0.05 * min(_area(quad), _area(other)) or _inside(quad, other)
               for other in cards):
            continue
        cards.append(quad)
    rows = sorted(cards, key=lambda q: float(q.corners[:, 1].mean()))
    return sorted(rows, key=lambda q: (round(float(q.corners[:, 1].mean()) / (0.5 * np.sqrt(best_area))),
                                       float(q.corners[:, 0].mean())))


def _all_quads(pixels: np.ndarray) -> list[Quad]:
    """Every card-like outline, scored by its size and by how much of its outline is a straight edge."""
    height, width = pixels.shape[:2]
    factor = DETECT_LONG_SIDE / max(height, width)
    small = cv2.resize(pixels, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA)
    segments = _edge_segments(small)
    quads = []
    for quad in (q for mask in _candidate_masks(small) for q in _quads(mask)):
        # a blob of the masks needs no straight edge (a coloured card on wood may show none in gray), but an
        # outline that lies on edges seen in the photo is more likely the card
        support = _outline_support(quad.corners, segments)
        quads.append(Quad(corners=quad.corners / factor, score=quad.score * (0.5 + 0.5 * support) ** 2))
    for quad in _line_quads(segments, small.shape):
        support = _outline_support(quad.corners, segments)
        if support >= MIN_OUTLINE_SUPPORT:
            quads.append(Quad(corners=quad.corners / factor, score=quad.score * support * support))
    return [Quad(corners=q.corners.astype(np.float32), score=q.score) for q in quads]


# A light card on a light table: its edge is a faint step in brightness and a thin shadow line, which the
# masks above miss; but it is straight, and the four edges meet at about right angles. Straight segments
# (LSD) at least this long, in share of the small image's short side, are edge candidates.
MIN_SEGMENT = 0.05
MIN_EDGE_LINE = 0.15  # collinear segments joined, a card edge spans at least this share of the short side
EDGE_LINES = 18  # the longest joined lines tried as card edges
MIN_OUTLINE_SUPPORT = 0.35  # share of an outline's length that must lie on straight edges seen in the photo


@dataclass(frozen=True)
class _Line:
    """Collinear segments joined: a point on the line, its unit direction, its extent and how much is drawn."""

    point: np.ndarray
    direction: np.ndarray
    start: float
    end: float
    drawn: float


def _edge_segments(small: np.ndarray) -> np.ndarray:
    """Straight segments (x1, y1, x2, y2) of the small photo's gray image, the short ones left out."""
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    # steps in brightness, and thin dark lines (the shadow under a card's edge, where the step itself is
    # lost between a lit card and a white table), made steps by a black-hat filter
    shadow_lines = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    views = (cv2.GaussianBlur(gray, (3, 3), 0), cv2.bitwise_not(cv2.convertScaleAbs(shadow_lines, alpha=4)))
    detector = cv2.createLineSegmentDetector()
    found = [detector.detect(view)[0] for view in views]
    segments = np.concatenate([f.reshape(-1, 4) for f in found if f is not None] or [np.zeros((0, 4), np.float32)])
    lengths = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    return segments[lengths >= MIN_SEGMENT * min(gray.shape[:2])]


def _joined_lines(segments: np.ndarray, short_side: int) -> list[_Line]:
    """Segments along one straight line (within 3 degrees and 2.5 px) joined, longest drawn first."""
    lines: list[_Line] = []
    order = np.argsort(-np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1]))
    for x1, y1, x2, y2 in segments[order]:
        a, b = np.array([x1, y1], np.float32), np.array([x2, y2], np.float32)
        length = float(np.linalg.norm(b - a))
        direction = (b - a) / length
        for index, line in enumerate(lines):
            if abs(_cross(line.direction, direction)) > 0.052:  # sin 3 degrees
                continue
            normal = np.array([-line.direction[1], line.direction[0]])
            if max(abs(float(normal @ (a - line.point))), abs(float(normal @ (b - line.point)))) > 2.5:
                continue
            ta, tb = sorted((float(line.direction @ (a - line.point)), float(line.direction @ (b - line.point))))
            lines[index] = _Line(line.point, line.direction, min(line.start, ta), max(line.end, tb),
                                 line.drawn + length)
            break
        else:
            lines.append(_Line(a, direction, 0.0, length, length))
    long_lines = [line for line in lines if line.end - line.start >= MIN_EDGE_LINE * short_side]
    return sorted(long_lines, key=lambda line: -line.drawn)[:EDGE_LINES]


def _line_quads(segments: np.ndarray, shape: tuple[int, ...]) -> list[Quad]:
    """Card-shaped quadrilaterals along two nearly parallel straight edges, closed at each end.

    An end is closed by a straight edge crossing both at about a right angle, or, where the card's edge is
    too faint to be seen there (the side facing the light), across the farther of the two lines' ends.
    """
    height, width = shape[:2]
    short = min(height, width)
    lines = _joined_lines(segments, short)
    found = []
    image_area = float(height * width)
    margin = 0.02 * max(height, width)
    for i, a in enumerate(lines):
        for b in lines[i + 1:]:
            if abs(_cross(a.direction, b.direction)) > 0.34:  # 20 degrees: perspective
                continue
            normal = np.array([-a.direction[1], a.direction[0]])
            if abs(float(normal @ (b.point - a.point))) < 0.12 * short:
                continue
            closures: tuple[list[_Line], list[_Line]] = _end_lines(a, b)
            for c in lines:
                if c is a or c is b or abs(_cross(a.direction, c.direction)) < 0.82:  # 90 +- 35 degrees
                    continue
                meet = _intersection(a, c)
                if meet is None:
                    continue
                middle = (a.start + a.end) / 2
                closures[0 if float(a.direction @ (meet - a.point)) < middle else 1].append(c)
            for first in closures[0]:
                for last in closures[1]:
                    points = [_intersection(p, q) for p, q in ((a, first), (a, last), (b, last), (b, first))]
                    if any(point is None for point in points):
                        continue
                    corners = np.array(points, np.float32)
                    if (corners[:, 0].min() < -margin or corners[:, 1].min() < -margin
                            or corners[:, 0].max() > width + margin or corners[:, 1].max() > height + margin):
                        continue
                    hull = cv2.convexHull(corners)
                    if len(hull) != 4:
                        continue
                    corners = _order_corners(hull.reshape(4, 2))
                    share = float(cv2.contourArea(corners)) / image_area
                    if MIN_AREA_SHARE <= share <= MAX_AREA_SHARE and _card_shaped(corners, LINE_MIN_ASPECT,
                                                                                  LINE_MAX_ASPECT):
                        found.append(Quad(corners=corners, score=share))
    return found


def _end_lines(a: _Line, b: _Line) -> tuple[list[_Line], list[_Line]]:
    """Across the farther end of two nearly parallel lines, at each end, square to their mean direction."""
    direction = a.direction + (b.direction if float(a.direction @ b.direction) >= 0 else -b.direction)
    direction = direction / max(float(np.linalg.norm(direction)), 1e-6)
    ends = [a.point + a.start * a.direction, a.point + a.end * a.direction,
            b.point + b.start * b.direction, b.point + b.end * b.direction]
    positions = [float(direction @ end) for end in ends]
    across = np.array([-direction[1], direction[0]], np.float32)
    low = ends[int(np.argmin(positions))]
    high = ends[int(np.argmax(positions))]
    return ([_Line(low.astype(np.float32), across, 0.0, 0.0, 0.0)],
            [_Line(high.astype(np.float32), across, 0.0, 0.0, 0.0)])


# an outline made only of straight edges must have a business card's shape (85x55 to 90x50 mm, 1.5-1.8),
# give or take the perspective of a phone held over it
LINE_MIN_ASPECT, LINE_MAX_ASPECT = 1.3, 2.1


def _cross(a: np.ndarray, b: np.ndarray) -> float:
    """The z of the cross product of two 2-D vectors (numpy's cross is slow on them, and deprecated)."""
    return float(a[0] * b[1] - a[1] * b[0])


def _intersection(p: _Line, q: _Line) -> np.ndarray | None:
    cross = _cross(p.direction, q.direction)
    if abs(cross) < 1e-6:
        return None
    t = _cross(q.point - p.point, q.direction) / cross
    return p.point + t * p.direction


def _outline_support(corners: np.ndarray, segments: np.ndarray) -> float:
    """Share of the outline's length covered by straight segments lying along it (within 4 degrees and 3 px)."""
    if not len(segments):
        return 0.0
    covered, total = 0.0, 0.0
    starts, ends = segments[:, :2], segments[:, 2:]
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        side = float(np.linalg.norm(b - a))
        if side <= 0:
            continue
        direction = (b - a) / side
        normal = np.array([-direction[1], direction[0]])
        seg = ends - starts
        seg_length = np.linalg.norm(seg, axis=1)
        parallel = np.abs(seg @ normal) <= 0.07 * np.maximum(seg_length, 1e-6)  # within 4 degrees
        near = (np.abs((starts - a) @ normal) <= 3) & (np.abs((ends - a) @ normal) <= 3)
        chosen = parallel & near
        intervals = sorted(
            (max(0.0, min(float((s - a) @ direction), float((e - a) @ direction))),
             min(side, max(float((s - a) @ direction), float((e - a) @ direction))))
            for s, e in zip(starts[chosen], ends[chosen], strict=True)
        )
        reach = 0.0
        for low, high in intervals:
            if high <= reach:
                continue
            covered += high - max(low, reach)
            reach = high
        total += side
    return covered / total if total else 0.0


def _area(quad: Quad) -> float:
    return float(cv2.contourArea(quad.corners))


def _inside(a: Quad, b: Quad) -> bool:
    """The middle of either outline lies inside the other (two outlines of one card, whatever
    intersectConvexConvex says of outlines sharing a corner)."""
    return any(cv2.pointPolygonTest(outer.corners.reshape(-1, 1, 2), tuple(map(float, inner.corners.mean(axis=0))),
                                    False) >= 0 for inner, outer in ((a, b), (b, a)))


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


# A card's coloured panel (its lower half, say) may be outlined more sharply than the card itself. To look
# for the rest of the card, the outline is grown by this share of its size on every side...
GROW_LOOK = 0.7
GROW_LOOK_LONG_SIDE = 960  # ...and the text found there looked for at this size
# ...and text continuing within this many line heights of the outline (or of text already taken) is the
# same card's: the grown outline takes it in, with this margin (in line heights) around it.
SAME_CARD_GAP = 2.5
GROWN_MARGIN = 0.8


def grow_to_text(pixels: np.ndarray, corners: np.ndarray,
                 text_boxes: Callable[[np.ndarray], list[tuple[float, float, float, float]]]) -> np.ndarray | None:
    """The outline grown to take in the text that continues just outside it, or None when none does.

    Everything is measured in the outline's own frame (its corners at (0, 0) .. (1, 1)), so the grown
    outline keeps the card's perspective. ``text_boxes`` gives the (left, top, right, bottom) of the text
    lines of an image.
    """
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    to_photo = cv2.getPerspectiveTransform(unit, corners.astype(np.float32))
    tl, tr, br, bl = corners
    width = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    g = GROW_LOOK
    scale = GROW_LOOK_LONG_SIDE / ((1 + 2 * g) * max(width, height))
    out_w, out_h = round((1 + 2 * g) * width * scale), round((1 + 2 * g) * height * scale)
    # the look-around image's pixel (x, y) is the outline's point (x / out_w * (1 + 2g) - g, ...)
    look_corners = cv2.perspectiveTransform((unit * (1 + 2 * g) - g).reshape(-1, 1, 2), to_photo).reshape(4, 2)
    target = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], np.float32)
    look = cv2.warpPerspective(pixels, cv2.getPerspectiveTransform(look_corners.astype(np.float32), target),
                               (out_w, out_h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
    boxes = [((x0 / out_w) * (1 + 2 * g) - g, (y0 / out_h) * (1 + 2 * g) - g,
              (x1 / out_w) * (1 + 2 * g) - g, (y1 / out_h) * (1 + 2 * g) - g) for x0, y0, x1, y1 in text_boxes(look)]
    if not boxes:
        return None
    line_height = float(np.median([b[3] - b[1] for b in boxes]))
    region = [0.0, 0.0, 1.0, 1.0]
    outside = [b for b in boxes if not (0 <= (b[0] + b[2]) / 2 <= 1 and 0 <= (b[1] + b[3]) / 2 <= 1)]
    grew = True
    while grew:
        grew = False
        for box in list(outside):
            gap_x = max(region[0] - box[2], box[0] - region[2], 0.0) * width / height
            gap_y = max(region[1] - box[3], box[1] - region[3], 0.0)
            if gap_x <= SAME_CARD_GAP * line_height and gap_y <= SAME_CARD_GAP * line_height:
                region = [min(region[0], box[0]), min(region[1], box[1]),
                          max(region[2], box[2]), max(region[3], box[3])]
                outside.remove(box)
                grew = True
    if region == [0.0, 0.0, 1.0, 1.0]:
        return None
    margin_y = GROWN_MARGIN * line_height
    margin_x = margin_y * height / width
    grown = np.array([[region[0] - margin_x, region[1] - margin_y], [region[2] + margin_x, region[1] - margin_y],
                      [region[2] + margin_x, region[3] + margin_y], [region[0] - margin_x, region[3] + margin_y]],
                     np.float32)
    grown = np.clip(grown, -g, 1 + g)
    return cv2.perspectiveTransform(grown.reshape(-1, 1, 2), to_photo).reshape(4, 2).astype(np.float32)


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


def _card_shaped(corners: np.ndarray, min_aspect: float = MIN_ASPECT, max_aspect: float = MAX_ASPECT) -> bool:
    tl, tr, br, bl = corners
    sides = [np.linalg.norm(tr - tl), np.linalg.norm(br - tr), np.linalg.norm(bl - br), np.linalg.norm(tl - bl)]
    if min(sides) < 20:
        return False
    width = (sides[0] + sides[2]) / 2
    height = (sides[1] + sides[3]) / 2
    aspect = max(width, height) / min(width, height)
    if not min_aspect <= aspect <= max_aspect:
        return False
    # opposite sides of a photographed rectangle differ by perspective, not by half
    return bool(min(sides[0], sides[2]) / max(sides[0], sides[2]) > 0.55
                and min(sides[1], sides[3]) / max(sides[1], sides[3]) > 0.55)
