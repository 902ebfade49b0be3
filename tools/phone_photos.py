"""12 MP phone photos of fictional business cards, the way users shoot them, with their truth.

What a user photographs: a white or light card lying on a white, cream or light-grey table or desk, on
wood, or held in a hand; filling 30-50% of the 4032x3024 frame; often sideways (text running up or
down the photo) or upside down; a soft shadow across and a light gradient; a phone's JPEG, with the
EXIF orientation set on some (the pixels stored as the sensor saw them) and not on others. Some cards
carry their contact lines on a coloured panel over their lower part, whose outline is easier to see
than the card's own.

Each photo gets a JSON file: the fields a perfect reading gives (the schema of samples/), and under
"truth" the card's corners in the photo as displayed (after its EXIF orientation; the card's own
top-left, top-right, bottom-right, bottom-left), the turn that makes it upright, and how it was shot.
Every person, company, number and address comes from the fictional pools of make_corpus.py.

    python tools/make_samples.py --phone-set bench-phone [--count 40] [--seed 1]

The same seed gives the same photos (the set is git-ignored: reproduce it instead of committing it).
"""

from __future__ import annotations

import json
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_regression_corpus import COUNTRIES, digits, e164, fold  # the fixed pools of fictional people

FONTS = Path("/usr/share/fonts/truetype/dejavu")
FRAME = (4032, 3024)  # a 12 MP phone photo, landscape
RENDER_SCALE = 2  # cards are drawn at 600 dpi: at 30-50% of 12 MP a card is ~2500-3100 px long

# (name, BGR colour) of what the card lies on; "hand" lies over one of the light tables
TABLES = {
    "white": (244, 245, 245),
    "cream": (208, 228, 238),
    "light-grey": (214, 213, 210),
    "grey-desk": (196, 198, 200),
    "wood": (92, 136, 184),
}
PAPERS = {"white": "#ffffff", "off-white": "#fbfaf6", "cream": "#f7f1e3", "light-grey": "#f0f0ee"}
ACCENTS = ["#1f4e79", "#0f6b4f", "#7a1f2b", "#4338ca", "#8a5a2d", "#0e7490", "#b91c1c", "#374151"]
INKS = ["#1a1a1a", "#262b33", "#333333", "#1d2a44"]
# card sizes in mm: ISO/EU 85x55, US 89x51, Japan/long 90x50
CARD_SIZES = [(85, 55), (85, 55), (89, 51), (90, 50)]
LAYOUTS = ["left", "left", "centre", "right", "band", "panel", "panel"]
# the card's text, clockwise from upright, as it lies in the displayed photo
TURNS = [0, 0, 0, 90, 90, 270, 270, 180]


def font(size: int, bold: bool = False, serif: bool = False, condensed: bool = False) -> ImageFont.FreeTypeFont:
    family = "DejaVuSerif" if serif else "DejaVuSans"
    family += "Condensed" if condensed else ""
    return ImageFont.truetype(str(FONTS / f"{family}{'-Bold' if bold else ''}.ttf"), size)


@dataclass(frozen=True)
class CardText:
    """A fictional card: the lines printed (text, size, bold, role) and the fields they hold."""

    person: list[tuple[str, int, bool]]
    contact: list[tuple[str, int, bool]]
    expected: dict


def fictional_card(index: int, rng: random.Random) -> CardText:
    code = rng.choice(["FR", "FR", "FR", "GB", "DE", "ES", "IT", "PT", "NL", "BR"])
    country = COUNTRIES[code]
    given, family = rng.choice(country["people"])
    title = rng.choice(country["titles"])
    company = rng.choice(country["companies"])
    street, postcode, city = rng.choice(country["places"])
    domain = "".join(c for c in fold(company.split()[0]) if c.isalnum()) + f"-{index}." + country["tld"]
    email = f"{fold(given)}.{fold(family).replace(' ', '')}@{domain}"
    work = rng.choice(country["work"]).format(**digits(rng))
    cell = rng.choice(country["cell"]).format(**digits(rng))
    labels = country["labels"]
    if code == "GB":
        address = [street, f"{city} {postcode}"]
    elif code == "BR":
        address = [street, f"CEP {postcode} - {city}"]
    else:
        address = [street, f"{postcode} {city}"]
    name_line = rng.choice([f"{given} {family}", f"{given} {family.upper()}"])
    phones = [(f"{labels['work'][0]} {work}", e164(country, work), "work"),
              (f"{labels['cell'][0]} {cell}", e164(country, cell), "cell")]
    if rng.random() < 0.3:
        phones = phones[1:]
    website = rng.random() < 0.5
    person = [(name_line, 50, True), (title, 31, False), ("", 18, False), (company, 34, True)]
    contact = [(line, 27, False) for line in address]
    contact += [(printed, 27, False) for printed, _, _ in phones]
    contact.append((email, 26, False))
    if website:
        contact.append((f"www.{domain}", 26, False))
    expected = {
        "name": {"full": f"{given} {family}", "given": given, "family": family},
        "title": title,
        "org": company,
        "phones": [{"number": number, "type": kind} for _, number, kind in phones],
        "emails": [email],
        "urls": [f"www.{domain}"] if website else [],
        "address": {"street": street, "postcode": postcode, "city": city},
    }
    return CardText(person=person, contact=contact, expected=expected)


def render(text: CardText, size_mm: tuple[int, int], layout: str, paper: str, ink: str, accent: str,
           serif: bool) -> Image.Image:
    """The card at 600 dpi (RENDER_SCALE x the 300 dpi sizes below)."""
    s = RENDER_SCALE
    width, height = round(size_mm[0] / 25.4 * 300) * s, round(size_mm[1] / 25.4 * 300) * s
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)
    margin = 64 * s
    x0, x1 = margin, width - margin
    blocks = [text.person, text.contact]
    # the space the lines take at full size, shrunk to fit the card
    lines = [*text.person, ("", 14, False), *text.contact]
    panel_top = None
    if layout == "panel":
        # contact lines on a coloured panel covering the lower ~60%: the panel's outline is the strongest
        # rectangle in the photo, and it holds no name
        panel_top = round(height * 0.40)
    natural = sum(int(size * 1.32) for _, size, _ in lines) * s
    fit = min(1.0, (height - 2 * 46 * s) / natural)
    if layout == "band":
        draw.rectangle([0, 0, round(width * 0.24), height], fill=accent)
        initials = "".join(w[0] for w in text.person[3][0].split()[:2]).upper()
        draw.text((round(width * 0.12), height // 2), initials, font=font(80 * s, True, serif), fill=paper,
                  anchor="mm")
        x0 = round(width * 0.24) + 40 * s
    elif layout != "panel":
        draw.rectangle([0, height - 18 * s, width, height], fill=accent)
    y = 46 * s
    if panel_top is not None:
        draw.rectangle([0, panel_top, width, height], fill=accent)
        fit_top = (panel_top - 60 * s) / (sum(int(size * 1.32) for _, size, _ in text.person) * s)
        fit_bottom = (height - panel_top - 50 * s) / (sum(int(size * 1.32) for _, size, _ in text.contact) * s)
        fit = min(1.0, fit_top, fit_bottom)
    for number, block in enumerate(blocks):
        if number == 1:
            y = panel_top + 28 * s if panel_top is not None else y + int(14 * fit) * s
        for line, size, bold in block:
            pixels = max(12, int(size * fit)) * s
            if not line:
                y += pixels
                continue
            f = font(pixels, bold, serif)
            while draw.textlength(line, font=f) > x1 - x0 and pixels > 12 * s:
                pixels -= s
                f = font(pixels, bold, serif)
            width_text = draw.textlength(line, font=f)
            x = {"right": x1 - width_text, "centre": (x0 + x1 - width_text) / 2}.get(layout, x0)
            on_panel = panel_top is not None and number == 1
            colour = paper if on_panel else accent if bold and pixels < 40 * s else ink
            draw.text((x, y), line, font=f, fill=colour)
            y += int(pixels * 1.32)
    return image


# ---------------------------------------------------------------- the scene


def table(size: tuple[int, int], kind: str, rng: random.Random, noise: np.random.Generator) -> np.ndarray:
    """The surface (float32 BGR): a flat colour with low-frequency unevenness, and grain for wood."""
    width, height = size
    base = np.array(TABLES[kind], np.float32)
    low = cv2.resize(noise.normal(0, 1, (6, 8)).astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC)
    surface = np.empty((height, width, 3), np.float32)
    surface[:] = base
    surface += (low * (4 if kind != "wood" else 10))[..., None]
    if kind == "wood":
        yy = np.arange(height, dtype=np.float32)[:, None]
        xx = np.arange(width, dtype=np.float32)[None, :]
        period = rng.uniform(60, 140)
        grain = np.sin((yy + 40 * np.sin(xx / rng.uniform(300, 700))) / period * 2 * math.pi)
        fine = cv2.resize(noise.normal(0, 1, (height // 8, width // 2)).astype(np.float32), (width, height))
        surface += (grain * 14 + fine * 6)[..., None] * np.array([0.6, 0.8, 1.0], np.float32)
    return surface


def hand_mask(size: tuple[int, int], card: np.ndarray, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """(the hand under the card, the thumb over its edge), as soft masks: fingers from below one long side."""
    width, height = size
    under = np.zeros((height, width), np.uint8)
    centre = card.mean(axis=0)
    # the side the hand comes from: the card edge nearest the bottom of the frame
    edges = [(card[i], card[(i + 1) % 4]) for i in range(4)]
    a, b = max(edges, key=lambda e: (e[0][1] + e[1][1]))
    middle = (a + b) / 2
    outward = middle - centre
    outward /= np.linalg.norm(outward) + 1e-6
    along = (b - a) / (np.linalg.norm(b - a) + 1e-6)
    palm = middle + outward * 700
    cv2.ellipse(under, tuple(int(v) for v in palm), (900, 650),
                math.degrees(math.atan2(along[1], along[0])), 0, 360, 255, -1)
    for k in range(4):  # fingers reaching under the card
        root = middle + outward * 250 + along * (k - 1.5) * 230
        tip = root - outward * 700
        cv2.line(under, tuple(int(v) for v in root), tuple(int(v) for v in tip), 255, 190)
    thumb = np.zeros_like(under)
    start = middle + along * rng.uniform(-0.25, 0.25) * np.linalg.norm(b - a) + outward * 500
    end = start - outward * (500 + rng.uniform(0, 30))  # the tip over the card's margin, short of its text
    cv2.line(thumb, tuple(int(v) for v in start), tuple(int(v) for v in end), 255, 170)
    cv2.circle(thumb, tuple(int(v) for v in end), 85, 255, -1)
    return under, thumb


def photograph(card: Image.Image, turn: int, table_kind: str, share: float, portrait: bool,
               rng: random.Random, frame: tuple[int, int] = FRAME) -> tuple[np.ndarray, np.ndarray]:
    """The displayed photo (BGR uint8) and the card's corners in it (card top-left first, clockwise).

    Sizes of the scene (shadows, the hand) are those of a 12 MP frame; a smaller ``frame`` (for tests)
    scales the card and keeps them, which makes its edges a little softer, not easier.
    """
    noise = np.random.default_rng(rng.randrange(1 << 30))
    width, height = (frame[1], frame[0]) if portrait else frame
    card_bgr = cv2.cvtColor(np.asarray(card), cv2.COLOR_RGB2BGR)
    ch, cw = card_bgr.shape[:2]
    aspect = cw / ch
    # the card's size: share of the frame, but it must lie inside the frame whatever its angle
    card_area = share * width * height
    card_w = math.sqrt(card_area * aspect)
    card_h = card_w / aspect
    angle = turn + rng.uniform(-9, 9)
    tilt = rng.uniform(0.0, 0.10)
    for _ in range(50):
        theta = math.radians(angle)
        corners = []
        cx = width / 2 + rng.uniform(-0.08, 0.08) * width
        cy = height / 2 + rng.uniform(-0.08, 0.08) * height
        for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            x, y = dx * card_w / 2, dy * card_h / 2
            corners.append([cx + x * math.cos(theta) - y * math.sin(theta),
                            cy + x * math.sin(theta) + y * math.cos(theta)])
        quad = np.array(corners, np.float32)
        # perspective: the card edge farther from the phone looks shorter
        far = rng.randrange(4)
        a, b = far, (far + 1) % 4
        shrink = (quad[b] - quad[a]) * tilt / 2
        quad[a] += shrink
        quad[b] -= shrink
        xs, ys = quad[:, 0], quad[:, 1]
        inside_x = xs.min() > 0.04 * width and xs.max() < 0.96 * width
        if inside_x and ys.min() > 0.04 * height and ys.max() < 0.96 * height:
            break
        card_w *= 0.97
        card_h *= 0.97
    source = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, quad)
    warped = cv2.warpPerspective(card_bgr, matrix, (width, height), flags=cv2.INTER_AREA).astype(np.float32)
    mask = cv2.warpPerspective(np.full((ch, cw), 255, np.uint8), matrix, (width, height), flags=cv2.INTER_LINEAR)

    light_kind = table_kind if table_kind != "hand" else rng.choice(["white", "light-grey", "cream"])
    photo = table((width, height), light_kind, rng, noise)
    thumb = None
    if table_kind == "hand":
        under, thumb = hand_mask((width, height), quad, rng)
        skin = np.array([150, 172, 222], np.float32) * rng.uniform(0.8, 1.05)
        soft = cv2.GaussianBlur(under, (0, 0), 6).astype(np.float32)[..., None] / 255
        shade = cv2.GaussianBlur(under, (0, 0), 120).astype(np.float32)[..., None] / 255
        photo = photo * (1 - soft) + skin * (0.75 + 0.25 * shade) * soft
    # the card's shadow: a soft one offset away from the light, and a thin dark line where it meets the table
    light_from = rng.uniform(0, 2 * math.pi)
    offset = rng.uniform(8, 30)
    dx, dy = -math.cos(light_from) * offset, -math.sin(light_from) * offset
    shifted = cv2.warpAffine(mask, np.float32([[1, 0, dx], [0, 1, dy]]), (width, height))
    soft_shadow = cv2.GaussianBlur(shifted, (0, 0), rng.uniform(10, 35)).astype(np.float32) / 255
    contact = cv2.GaussianBlur(cv2.warpAffine(mask, np.float32([[1, 0, dx / 6], [0, 1, dy / 6]]), (width, height)),
                               (0, 0), 2.5).astype(np.float32) / 255
    darkness = rng.uniform(0.12, 0.30) * soft_shadow + rng.uniform(0.05, 0.15) * contact
    photo *= (1 - darkness)[..., None]
    alpha = mask.astype(np.float32)[..., None] / 255
    photo = photo * (1 - alpha) + warped * alpha
    if thumb is not None:
        soft = cv2.GaussianBlur(thumb, (0, 0), 5).astype(np.float32)[..., None] / 255
        photo = photo * (1 - soft) + np.array([145, 168, 220], np.float32) * soft
    # a soft shadow across (the phone, the photographer), then the light falling off across the frame
    if rng.random() < 0.7:
        blob = np.zeros((height // 8, width // 8), np.float32)
        centre = (int(rng.uniform(0, width / 8)), int(rng.uniform(0, height / 8)))
        cv2.ellipse(blob, centre, (int(rng.uniform(100, 260)), int(rng.uniform(60, 160))), rng.uniform(0, 180), 0, 360,
                    1.0, -1)
        blob = cv2.resize(cv2.GaussianBlur(blob, (0, 0), rng.uniform(15, 30)), (width, height))
        photo *= (1 - rng.uniform(0.12, 0.30) * blob)[..., None]
    direction = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    ramp = ((xx / width - 0.5) * math.cos(direction) + (yy / height - 0.5) * math.sin(direction))
    vignette = ((xx / width - 0.5) ** 2 + (yy / height - 0.5) ** 2)
    del xx, yy
    photo *= (rng.uniform(0.90, 1.0) + rng.uniform(0.10, 0.22) * ramp - 0.25 * vignette)[..., None]
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.9, 1.8))
    photo += noise.normal(0, rng.uniform(1.5, 3.5), (height, width)).astype(np.float32)[..., None]
    return np.clip(photo, 0, 255).astype(np.uint8), quad


def phone_exif(orientation: int | None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 13"
    exif[0x0132] = "2026:11:20 19:42:10"
    exif.get_ifd(0x8769)[36867] = "2026:11:20 19:42:10"
    if orientation:
        exif[0x0112] = orientation
    return exif.tobytes()


# EXIF orientation -> the turn (PIL transpose) from the displayed picture to the pixels the sensor stored
_STORED = {1: None, 3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def make_photo(index: int, rng: random.Random, out: Path) -> dict:
    text = fictional_card(index, rng)
    layout = rng.choice(LAYOUTS)
    paper = rng.choice(list(PAPERS))
    rendered = render(text, rng.choice(CARD_SIZES), layout, PAPERS[paper], rng.choice(INKS), rng.choice(ACCENTS),
                      serif=rng.random() < 0.3)
    turn = rng.choice(TURNS)
    table_kind = rng.choice(["white", "white", "cream", "light-grey", "grey-desk", "wood", "hand"])
    portrait = rng.random() < 0.5
    share = rng.uniform(0.30, 0.50)
    pixels, corners = photograph(rendered, turn, table_kind, share, portrait, rng)
    displayed = Image.fromarray(cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB))
    # phones store the sensor's landscape picture and say how to turn it; some apps write it turned already
    orientation = None
    if rng.random() < 0.5:
        orientation = rng.choice([6, 8]) if portrait else rng.choice([1, 3])
    transpose = _STORED.get(orientation or 1)
    stored = displayed.transpose(transpose) if transpose is not None else displayed
    name = f"phone-{index:03d}.jpg"
    stored.save(out / name, quality=rng.choice([88, 90, 92, 95]), subsampling="4:2:0",
                exif=phone_exif(orientation))
    truth = {
        "corners": [[round(float(x), 1), round(float(y), 1)] for x, y in corners],
        "rotation": (360 - turn) % 360,  # clockwise turn of the displayed photo that makes the card upright
        "exif_orientation": orientation,
        "size": list(displayed.size),
        "table": table_kind, "paper": paper, "layout": layout, "share": round(share, 3),
    }
    record = {"photo": name, **text.expected, "truth": truth}
    (out / name).with_suffix(".json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n",
                                                 encoding="utf-8")
    return record


def make_set(out: Path, count: int, seed: int) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    records = []
    for index in range(count):
        records.append(make_photo(index, random.Random(rng.randrange(1 << 30)), out))
        print(f"{out / records[-1]['photo']} ({records[-1]['truth']['table']}, turned "
              f"{records[-1]['truth']['rotation']}, {records[-1]['truth']['layout']})", file=sys.stderr)
    return records
