"""Finding and straightening the card on synthetic photos with known corners."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.read.image_ops import rotate
from pipeline.read.light import is_dark, prepare_for_ocr
from pipeline.read.locate import find_card, straighten


def synthetic_photo(corners: np.ndarray, card_colour=(245, 245, 240), table=(60, 90, 120), size=(1600, 1200)):
    width, height = size
    photo = np.zeros((height, width, 3), np.uint8)
    photo[:] = table
    rng = np.random.default_rng(1)
    photo = np.clip(photo + rng.normal(0, 8, photo.shape), 0, 255).astype(np.uint8)
    cv2.fillConvexPoly(photo, corners.astype(np.int32), card_colour)
    # some "text" on the card so it is not a flat blob
    centre = corners.mean(axis=0).astype(int)
    cv2.putText(photo, "Jean Dupont", (int(centre[0]) - 200, int(centre[1])), cv2.FONT_HERSHEY_SIMPLEX, 1.5,
                (20, 20, 20), 3)
    return photo


@pytest.mark.parametrize(
    "corners",
    [
        [[400, 350], [1200, 330], [1230, 850], [380, 870]],  # nearly square-on
        [[500, 250], [1150, 420], [1000, 950], [330, 760]],  # turned by ~15 degrees
        [[500, 420], [1100, 400], [1120, 790], [490, 800]],  # small in the frame (~12 %)
    ],
)
def test_corners_are_found_within_a_few_percent(corners):
    corners = np.array(corners, dtype=np.float32)
    quad = find_card(synthetic_photo(corners))
    assert quad is not None
    error = np.linalg.norm(quad.corners - corners, axis=1).max()
    assert error < 0.03 * 1600


def test_dark_card_on_a_light_table():
    corners = np.array([[400, 350], [1200, 330], [1230, 850], [380, 870]], dtype=np.float32)
    quad = find_card(synthetic_photo(corners, card_colour=(40, 30, 25), table=(200, 205, 210)))
    assert quad is not None
    assert np.linalg.norm(quad.corners - corners, axis=1).max() < 0.03 * 1600


def test_no_card_keeps_the_whole_photo():
    photo = np.full((900, 1200, 3), 128, np.uint8)
    card = straighten(photo)
    assert not card.found_card
    assert card.pixels.shape[1] / card.pixels.shape[0] == pytest.approx(1200 / 900, rel=0.01)


def test_straightened_card_has_the_card_aspect_and_ocr_size():
    corners = np.array([[500, 250], [1150, 420], [1000, 950], [330, 760]], dtype=np.float32)
    card = straighten(synthetic_photo(corners))
    height, width = card.pixels.shape[:2]
    assert card.found_card
    assert 1.2 < width / height < 1.6
    assert 900 <= width <= 1600


def test_rotate_quarter_turns():
    image = np.zeros((10, 20, 3), np.uint8)
    assert rotate(image, 90).shape == (20, 10, 3)
    assert rotate(image, 180).shape == (10, 20, 3)
    assert rotate(image, 0) is image


def test_dark_cards_are_inverted_for_ocr():
    dark = np.full((100, 200, 3), 30, np.uint8)
    assert is_dark(dark)
    assert prepare_for_ocr(dark).mean() > 200
    light = np.full((100, 200, 3), 230, np.uint8)
    assert prepare_for_ocr(light) is light


def turned_card(cx: float, cy: float, width: float, height: float, degrees: float) -> np.ndarray:
    box = cv2.boxPoints(((cx, cy), (width, height), degrees))
    total, difference = box.sum(axis=1), np.diff(box, axis=1).ravel()
    return np.array([box[np.argmin(total)], box[np.argmin(difference)], box[np.argmax(total)],
                     box[np.argmax(difference)]], dtype=np.float32)


@pytest.mark.parametrize(("corners", "card", "table"), [
    (turned_card(800, 600, 700, 400, 40), (245, 245, 240), (60, 90, 120)),   # tilted 40 degrees
    (turned_card(800, 600, 600, 350, 30), (245, 245, 240), (60, 90, 120)),   # small (11 %) and tilted
    (turned_card(800, 600, 800, 460, 10), (245, 245, 242), (215, 212, 205)),  # light card, light table
    (turned_card(800, 600, 800, 460, 10), (40, 35, 30), (75, 70, 65)),        # dark card, dark table
    (turned_card(800, 600, 800, 460, 20), (30, 120, 200), (60, 110, 160)),    # coloured card on wood
])
@pytest.mark.parametrize("shadow", [False, True])
def test_hard_photos_are_still_cut_within_a_few_percent(corners, card, table, shadow: bool):
    photo = synthetic_photo(corners, card_colour=card, table=table)
    if shadow:  # light falling off across the table, as from a window
        photo = (photo * np.linspace(0.6, 1.0, photo.shape[1])[None, :, None]).astype(np.uint8)
    quad = find_card(photo)
    assert quad is not None
    assert np.linalg.norm(quad.corners - corners, axis=1).max() < 0.03 * 1600


def test_an_outline_grows_to_the_text_continuing_just_outside_it():
    from pipeline.read.locate import grow_to_text

    photo = np.full((1200, 1600, 3), 220, np.uint8)
    panel = np.array([[400, 500], [1200, 500], [1200, 850], [400, 850]], np.float32)  # the card's lower part

    def lines_above(image):  # three lines of the card above the panel, and a far-away speck on the table
        h, w = image.shape[:2]
        to_image = lambda x, y: ((x - 400) / 800 * w / 2.4 + w * 0.7 / 2.4, (y - 500) / 350 * h / 2.4 + h * 0.7 / 2.4)  # noqa: E731
        boxes = [(450, 300, 900, 340), (450, 360, 800, 390), (450, 420, 1000, 455), (450, 560, 900, 590),
                 (1500, 1100, 1560, 1130)]
        return [(*to_image(x0, y0), *to_image(x1, y1)) for x0, y0, x1, y1 in boxes]

    grown = grow_to_text(photo, panel, lines_above)
    assert grown is not None
    top, bottom = grown[:, 1].min(), grown[:, 1].max()
    assert 250 < top < 300 and 850 <= bottom < 900  # up to the first line above, with a margin; no lower
    assert grown[:, 0].max() < 1300  # the speck far on the table is not the card's

    assert grow_to_text(photo, panel, lambda image: []) is None
    inside_only = grow_to_text(photo, panel, lambda image: [(image.shape[1] * 0.45, image.shape[0] * 0.45,
                                                             image.shape[1] * 0.55, image.shape[0] * 0.5)])
    assert inside_only is None  # all the text is inside the outline: nothing to grow to


def phone_photo(seed: int, table: str, turn: int, layout: str, paper: str):
    """A phone photo of a fictional card as tools/phone_photos.py makes them (half a 12 MP frame, to be quick)."""
    import random
    import sys
    from pathlib import Path

    tools = Path(__file__).resolve().parent.parent / "tools"
    if not Path("/usr/share/fonts/truetype/dejavu").is_dir():
        pytest.skip("needs the DejaVu fonts (fonts-dejavu-core)")
    sys.path.insert(0, str(tools))
    try:
        import phone_photos
    finally:
        sys.path.remove(str(tools))
    rng = random.Random(seed)
    text = phone_photos.fictional_card(seed, rng)
    card = phone_photos.render(text, (85, 55), layout, phone_photos.PAPERS[paper], "#1a1a1a", "#1f4e79", False)
    return phone_photos.photograph(card, turn, table, 0.35, seed % 2 == 0, rng, frame=(2016, 1512))


@pytest.mark.parametrize(("seed", "table", "turn", "layout", "paper"), [
    (1, "white", 90, "left", "white"),       # white on white, sideways
    (2, "white", 0, "centre", "off-white"),
    (3, "cream", 270, "right", "cream"),     # cream on cream
    (4, "light-grey", 180, "left", "light-grey"),
    (5, "hand", 90, "band", "white"),        # held in a hand, a thumb over its edge
    (6, "wood", 0, "panel", "off-white"),    # a coloured panel over its lower part
])
def test_light_cards_on_light_tables_are_cut_within_a_few_percent(seed, table, turn, layout, paper):
    photo, truth = phone_photo(seed, table, turn, layout, paper)
    quad = find_card(photo)
    assert quad is not None
    error = min(np.linalg.norm(np.roll(quad.corners, k, axis=0) - truth, axis=1).max() for k in range(4))
    assert error < 0.03 * max(photo.shape[:2])
