"""Make the fictional sample cards in samples/: render each card, then photograph it.

Every person, company, number and address here is invented. The "photo" is
made the way a phone makes one: the card lies on a table at an angle
(perspective), casts a shadow, is lit unevenly, slightly out of focus, with
sensor noise, saved as JPEG (one as HEIC, one as PNG, one with an EXIF
rotation). Each sample gets a JSON file with the fields a perfect reading gives.

    python tools/make_samples.py            # rewrites samples/
    python tools/make_samples.py --phone-set bench-phone [--count 40] [--seed 1]

The second form makes the bench set of 12 MP phone photos (tools/phone_photos.py: light cards on light
tables, sideways, a hand, EXIF orientation), git-ignored and reproducible from its seed.
Needs the DejaVu fonts (Debian: fonts-dejavu-core) and segno.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")
OUT = Path(__file__).resolve().parent.parent / "samples"
CARD_W, CARD_H = 1004, 650  # 85 x 55 mm at 300 dpi


def font(size: int, bold: bool = False, serif: bool = False) -> ImageFont.FreeTypeFont:
    family = "DejaVuSerif" if serif else "DejaVuSans"
    return ImageFont.truetype(str(FONTS / f"{family}{'-Bold' if bold else ''}.ttf"), size)


@dataclass
class Card:
    slug: str
    lines: list[tuple[str, int, bool]]  # text, font size, bold
    expected: dict
    layout: str = "left"  # left, right, centre, logo
    ink: str = "#1a1a1a"
    paper: str = "#fbfaf7"
    accent: str = "#2d5d8a"
    serif: bool = False
    qr: str | None = None
    photo: dict = field(default_factory=dict)


def expected(name=None, title=None, org=None, phones=(), emails=(), urls=(), address=None) -> dict:
    full, given, family = (name if name else (None, None, None))
    return {
        "name": {"full": full, "given": given, "family": family} if name else None,
        "title": title,
        "org": org,
        "phones": [{"number": n, "type": t} for n, t in phones],
        "emails": list(emails),
        "urls": list(urls),
        "address": address,
    }


CARDS = [
    Card("fr-atelier-lumiere", [
        ("Camille MARTIN", 52, True), ("Directrice commerciale", 32, False), ("", 20, False),
        ("Atelier Lumière SARL", 34, True), ("12 rue des Lilas", 28, False), ("69003 Lyon", 28, False),
        ("Tél. 04 72 00 12 34", 28, False), ("Portable 06 12 34 56 78", 28, False),
        ("camille.martin@atelier-lumiere.fr", 26, False), ("www.atelier-lumiere.fr", 26, False)],
        expected(("Camille Martin", "Camille", "Martin"), "Directrice commerciale", "Atelier Lumière SARL",
                 [("+33472001234", "work"), ("+33612345678", "cell")], ["camille.martin@atelier-lumiere.fr"],
                 ["www.atelier-lumiere.fr"], {"street": "12 rue des Lilas", "postcode": "69003", "city": "Lyon"}),
        photo={"angle": 8, "tilt": 0.08}),
    Card("fr-cabinet-dupont", [
        ("Jean-François DUPONT", 48, True), ("Expert-comptable", 32, False), ("", 24, False),
        ("Cabinet Dupont & Associés", 32, True), ("45 avenue Victor Hugo", 28, False),
        ("75116 Paris", 28, False), ("T. +33 1 45 00 27 18", 28, False), ("M. +33 6 98 76 54 32", 28, False),
        ("dupont@cabinet-dupont.fr", 28, False)],
        expected(("Jean-François Dupont", "Jean-François", "Dupont"), "Expert-comptable",
                 "Cabinet Dupont & Associés", [("+33145002718", "work"), ("+33698765432", "cell")],
                 ["dupont@cabinet-dupont.fr"], [], {"street": "45 avenue Victor Hugo", "postcode": "75116",
                                                       "city": "Paris"}),
        layout="logo", accent="#7a1f2b", serif=True, photo={"angle": -12, "tilt": 0.12}),
    Card("en-northwind", [
        ("Olivia Bennett", 50, True), ("Head of Partnerships", 32, False), ("", 24, False),
        ("Northwind Studio Ltd", 34, True), ("Phone +44 20 7946 0321", 28, False),
        ("Mobile +44 7418 352961", 28, False), ("olivia.bennett@northwind-studio.co.uk", 25, False),
        ("www.northwind-studio.co.uk", 26, False)],
        expected(("Olivia Bennett", "Olivia", "Bennett"), "Head of Partnerships", "Northwind Studio Ltd",
                 [("+442079460321", "work"), ("+447418352961", "cell")], ["olivia.bennett@northwind-studio.co.uk"],
                 ["www.northwind-studio.co.uk"], None),
        layout="right", accent="#0f6b4f", photo={"angle": 4, "tilt": 0.18}),
    Card("fr-studio-rousseau-dark", [
        ("Léa Rousseau", 52, True), ("Photographe", 34, False), ("", 24, False), ("Studio Rousseau", 34, True),
        ("Portable 07 81 23 45 67", 30, False), ("lea.rousseau@studio-rousseau.fr", 28, False),
        ("www.studio-rousseau.fr", 28, False)],
        expected(("Léa Rousseau", "Léa", "Rousseau"), "Photographe", "Studio Rousseau",
                 [("+33781234567", "cell")], ["lea.rousseau@studio-rousseau.fr"], ["www.studio-rousseau.fr"], None),
        ink="#f2f2f2", paper="#1d2533", accent="#e0b44c", photo={"angle": -6, "tilt": 0.1, "background": "light"}),
    Card("fr-girard-qr", [
        ("Thomas GIRARD", 50, True), ("Développeur", 32, False), ("", 24, False), ("Octet Bleu SAS", 34, True),
        ("Tél. 05 56 00 48 12", 28, False), ("thomas.girard@octetbleu.fr", 28, False),
        ("www.octetbleu.fr", 28, False)],
        expected(("Thomas Girard", "Thomas", "Girard"), "Développeur", "Octet Bleu SAS",
                 [("+33556004812", "work")], ["thomas.girard@octetbleu.fr"], ["www.octetbleu.fr"], None),
        qr="BEGIN:VCARD\nVERSION:3.0\nN:Girard;Thomas\nFN:Thomas Girard\nORG:Octet Bleu SAS\n"
           "TEL;TYPE=WORK:+33556004812\nEMAIL:thomas.girard@octetbleu.fr\nEND:VCARD",
        photo={"angle": 10, "tilt": 0.1}),
    Card("fr-lefevre-rotated", [
        ("Sophie Lefèvre", 50, True), ("Chargée de communication", 32, False), ("", 24, False),
        ("Agence Horizon Nord", 34, True), ("3 quai de la Fosse", 28, False), ("44000 Nantes", 28, False),
        ("Tél. 02 40 35 61 20", 28, False), ("s.lefevre@horizon-nord.fr", 28, False)],
        expected(("Sophie Lefèvre", "Sophie", "Lefèvre"), "Chargée de communication", "Agence Horizon Nord",
                 [("+33240356120", "work")], ["s.lefevre@horizon-nord.fr"], [],
                 {"street": "3 quai de la Fosse", "postcode": "44000", "city": "Nantes"}),
        photo={"angle": 3, "tilt": 0.06, "rotate": 90}),
    Card("en-blue-harbor", [
        ("Michael Turner", 50, True), ("Sales Manager", 32, False), ("", 24, False),
        ("Blue Harbor Logistics Inc.", 32, True), ("1200 Harbor Drive, Suite 400", 27, False),
        ("Chicago, IL 60601", 27, False), ("Office (312) 794-6180", 27, False),
        ("m.turner@blueharborlogistics.com", 26, False)],
        expected(("Michael Turner", "Michael", "Turner"), "Sales Manager", "Blue Harbor Logistics Inc.",
                 [("+13127946180", "work")], ["m.turner@blueharborlogistics.com"], [],
                 {"street": "1200 Harbor Drive, Suite 400", "postcode": "60601", "city": "Chicago"}),
        layout="centre", accent="#1f4e79", photo={"angle": -15, "tilt": 0.15}),
    Card("fr-boulangerie-bernard", [
        ("Nicolas Bernard", 48, True), ("Gérant", 32, False), ("", 24, False),
        ("Boulangerie Bernard EURL", 32, True), ("8 place du Commerce", 28, False), ("44000 Nantes", 28, False),
        ("Tél. 02 40 12 34 56", 28, False), ("Fax 02 40 12 34 57", 28, False),
        ("contact@boulangerie-bernard.fr", 27, False)],
        expected(("Nicolas Bernard", "Nicolas", "Bernard"), "Gérant", "Boulangerie Bernard EURL",
                 [("+33240123456", "work"), ("+33240123457", "fax")], ["contact@boulangerie-bernard.fr"], [],
                 {"street": "8 place du Commerce", "postcode": "44000", "city": "Nantes"}),
        serif=True, accent="#8a5a2d", paper="#f6efe2", photo={"angle": 7, "tilt": 0.2, "shadow": 0.5}),
    Card("be-brussels-design", [
        ("Pieter Janssens", 48, True), ("Account Manager", 32, False), ("", 24, False),
        ("Brussels Design Lab", 34, True), ("Rue de la Loi 16", 28, False), ("1000 Bruxelles", 28, False),
        ("Belgique", 28, False), ("Tel +32 2 555 12 34", 28, False), ("pieter@brusselsdesignlab.be", 28, False)],
        expected(("Pieter Janssens", "Pieter", "Janssens"), "Account Manager", "Brussels Design Lab",
                 [("+3225551234", "work")], ["pieter@brusselsdesignlab.be"], [],
                 {"street": "Rue de la Loi 16", "postcode": "1000", "city": "Bruxelles"}),
        layout="logo", accent="#c2410c", photo={"angle": -4, "tilt": 0.1}),
    Card("fr-petit-bistrot-company", [
        ("Le Petit Bistrot", 54, True), ("Restaurant traditionnel", 30, False), ("", 24, False),
        ("5 rue Mouffetard", 28, False), ("75005 Paris", 28, False), ("Tél. 01 43 31 20 87", 28, False),
        ("www.lepetitbistrot-paris.fr", 28, False)],
        expected(None, None, "Le Petit Bistrot", [("+33143312087", "work")], [], ["www.lepetitbistrot-paris.fr"],
                 {"street": "5 rue Mouffetard", "postcode": "75005", "city": "Paris"}),
        layout="centre", serif=True, accent="#7c2d12", paper="#fffaf0", photo={"angle": 12, "tilt": 0.1}),
    Card("fr-fontaine-exif", [
        ("Marie-Claire FONTAINE", 46, True), ("Responsable des achats", 32, False), ("", 24, False),
        ("Groupe Fontaine SAS", 34, True), ("Ligne directe 03 20 11 22 33", 28, False),
        ("Mobile 06 22 33 44 55", 28, False), ("mc.fontaine@groupe-fontaine.fr", 28, False)],
        expected(("Marie-Claire Fontaine", "Marie-Claire", "Fontaine"), "Responsable des achats",
                 "Groupe Fontaine SAS", [("+33320112233", "work"), ("+33622334455", "cell")],
                 ["mc.fontaine@groupe-fontaine.fr"], [], None),
        accent="#4338ca", photo={"angle": -9, "tilt": 0.1, "exif_rotate": 6}),
    Card("fr-moreau-heic", [
        ("Antoine Moreau", 50, True), ("Architecte", 32, False), ("", 24, False),
        ("Moreau Architectes", 34, True), ("27 boulevard Carnot", 28, False), ("06400 Cannes", 28, False),
        ("Tél. 04 93 00 61 45", 28, False), ("Portable 06 45 18 27 90", 28, False),
        ("antoine@moreau-architectes.fr", 28, False)],
        expected(("Antoine Moreau", "Antoine", "Moreau"), "Architecte", "Moreau Architectes",
                 [("+33493006145", "work"), ("+33645182790", "cell")], ["antoine@moreau-architectes.fr"], [],
                 {"street": "27 boulevard Carnot", "postcode": "06400", "city": "Cannes"}),
        layout="right", accent="#0e7490", photo={"angle": 5, "tilt": 0.1, "format": "heic"}),
    Card("ch-weber-png", [
        ("Dr Anna Weber", 48, True), ("Head of Research", 32, False), ("", 24, False),
        ("Alpine Biotech SA", 34, True), ("Route de Meyrin 12", 28, False), ("1202 Genève", 28, False),
        ("Suisse", 28, False), ("Tél. +41 22 345 67 89", 28, False), ("anna.weber@alpine-biotech.ch", 28, False)],
        expected(("Anna Weber", "Anna", "Weber"), "Head of Research", "Alpine Biotech SA",
                 [("+41223456789", "work")], ["anna.weber@alpine-biotech.ch"], [],
                 {"street": "Route de Meyrin 12", "postcode": "1202", "city": "Genève"}),
        accent="#b91c1c", photo={"angle": -3, "tilt": 0.05, "format": "png", "size": (1200, 900)}),
    Card("fr-roux-large-photo", [
        ("Julien Roux", 50, True), ("Ingénieur commercial", 32, False), ("", 24, False),
        ("Roux Électronique SAS", 34, True), ("Tél. 04 76 12 98 40", 28, False),
        ("Portable 06 71 82 93 04", 28, False), ("julien.roux@roux-electronique.fr", 28, False)],
        expected(("Julien Roux", "Julien", "Roux"), "Ingénieur commercial", "Roux Électronique SAS",
                 [("+33476129840", "work"), ("+33671829304", "cell")], ["julien.roux@roux-electronique.fr"], [],
                 None),
        layout="logo", accent="#15803d", photo={"angle": 14, "tilt": 0.12, "size": (4000, 3000), "small": 0.45}),
]


# ---------------------------------------------------------------- rendering

def render_card(card: Card) -> Image.Image:
    image = Image.new("RGB", (CARD_W, CARD_H), card.paper)
    draw = ImageDraw.Draw(image)
    margin = 70
    x0 = margin
    if card.layout == "logo":
        draw.rectangle([0, 0, 250, CARD_H], fill=card.accent)
        initials = "".join(w[0] for w in card.lines[3][0].split()[:2]).upper()
        draw.text((125, CARD_H // 2), initials, font=font(90, True, card.serif), fill=card.paper, anchor="mm")
        x0 = 300
    else:
        draw.rectangle([0, CARD_H - 22, CARD_W, CARD_H], fill=card.accent)
    if card.qr:
        qr = segno.make(card.qr, error="m")
        buffer = io.BytesIO()
        qr.save(buffer, kind="png", scale=6, border=2, dark="#000000", light="#ffffff")
        qr_image = Image.open(buffer).convert("RGB")
        qr_image = qr_image.resize((250, 250), Image.NEAREST)
        image.paste(qr_image, (CARD_W - 290, CARD_H - 310))
    y = 60
    for text, size, bold in card.lines:
        f = font(size, bold, card.serif)
        if not text:
            y += size
            continue
        width = draw.textlength(text, font=f)
        if card.layout == "right":
            x = CARD_W - margin - width
        elif card.layout == "centre":
            x = (CARD_W - width) / 2
        else:
            x = x0
        colour = card.accent if bold and size < 40 and card.paper.startswith("#f") else card.ink
        draw.text((x, y), text, font=f, fill=colour)
        y += int(size * 1.35)
    return image


# ---------------------------------------------------------------- photographing

def background(size: tuple[int, int], rng: random.Random, light: bool) -> np.ndarray:
    width, height = size
    base = np.array([200, 205, 210] if light else [70, 95, 125], dtype=np.float32)  # BGR: desk or wood
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    grain = np.sin(xx / rng.uniform(9, 15) + np.sin(yy / 60) * 2) * 10 + np.sin(yy / 3.1) * 3
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 6, (height, width)).astype(np.float32)
    gradient = (xx / width - 0.5) * 30
    plane = (grain + noise + gradient)[..., None]
    return np.clip(base + plane, 0, 255).astype(np.uint8)


def photograph(card: Card, rendered: Image.Image, seed: int) -> Image.Image:
    rng = random.Random(seed)
    spec = card.photo
    width, height = spec.get("size", (1600, 1200))
    photo = background((width, height), rng, light=spec.get("background") == "light")
    share = spec.get("small", 0.7)
    card_w = width * share
    card_h = card_w * CARD_H / CARD_W
    angle = math.radians(spec.get("angle", 0))
    cx, cy = width / 2 + rng.uniform(-0.05, 0.05) * width, height / 2 + rng.uniform(-0.05, 0.05) * height
    corners = []
    for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        x, y = dx * card_w / 2, dy * card_h / 2
        corners.append((cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle)))
    tilt = spec.get("tilt", 0.1)  # the far edge looks shorter: the phone is held at an angle
    corners[0] = (corners[0][0] + tilt * card_w / 2, corners[0][1] + tilt * card_h / 3)
    corners[1] = (corners[1][0] - tilt * card_w / 2, corners[1][1] + tilt * card_h / 3)
    dst = np.array(corners, dtype=np.float32)
    src = np.array([[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    card_bgr = cv2.cvtColor(np.asarray(rendered), cv2.COLOR_RGB2BGR)
    warped = cv2.warpPerspective(card_bgr, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((CARD_H, CARD_W), 255, np.uint8), matrix, (width, height))
    # shadow: the card's outline, offset and blurred, darkens the table
    shadow = cv2.GaussianBlur(np.roll(np.roll(mask, 18, axis=0), 14, axis=1), (0, 0), 14).astype(np.float32) / 255
    photo = (photo.astype(np.float32) * (1 - spec.get("shadow", 0.35) * shadow[..., None])).astype(np.uint8)
    photo = np.where(mask[..., None] > 127, warped, photo)
    # uneven light: brighter on one side
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 0.82 + 0.28 * (xx / width) * (0.6 + 0.4 * yy / height)
    photo = np.clip(photo.astype(np.float32) * light[..., None], 0, 255)
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.8, 1.3) * width / 1600)
    photo = photo + np.random.default_rng(seed).normal(0, 4, photo.shape)
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    rotate = spec.get("rotate", 0)
    if rotate == 90:
        photo = cv2.rotate(photo, cv2.ROTATE_90_CLOCKWISE)
    return Image.fromarray(cv2.cvtColor(photo, cv2.COLOR_BGR2RGB))


def camera_exif(orientation: int | None = None) -> bytes:
    """The EXIF a phone writes: capture date (the evening of the vernissage) and orientation."""
    exif = Image.Exif()
    exif[0x0132] = "2026:11:20 19:42:10"  # DateTime
    exif.get_ifd(0x8769)[36867] = "2026:11:20 19:42:10"  # DateTimeOriginal
    if orientation:
        exif[0x0112] = orientation
    return exif.tobytes()


def save(card: Card, photo: Image.Image) -> Path:
    fmt = card.photo.get("format", "jpeg")
    if fmt == "heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
        path = OUT / f"{card.slug}.heic"
        photo.save(path, quality=55, exif=camera_exif())
    elif fmt == "png":
        path = OUT / f"{card.slug}.png"
        photo.save(path, optimize=True, exif=camera_exif())
    else:
        path = OUT / f"{card.slug}.jpg"
        orientation = card.photo.get("exif_rotate")
        if orientation == 6:
            # the sensor stored the picture on its side; the viewer must turn it 90 degrees clockwise
            photo = photo.transpose(Image.Transpose.ROTATE_90)
        photo.save(path, quality=82, exif=camera_exif(orientation))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phone-set", type=Path, help="make the 12 MP phone-photo bench set in this folder instead")
    parser.add_argument("--count", type=int, default=40, help="photos in the phone-photo set (default: 40)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the phone-photo set (default: 1)")
    args = parser.parse_args()
    if args.phone_set is not None:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from phone_photos import make_set

        make_set(args.phone_set, args.count, args.seed)
        return 0
    OUT.mkdir(exist_ok=True)
    for index, card in enumerate(CARDS):
        rendered = render_card(card)
        photo = photograph(card, rendered, seed=1000 + index)
        path = save(card, photo)
        (OUT / f"{card.slug}.json").write_text(
            json.dumps({"photo": path.name, **card.expected}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"{path.relative_to(OUT.parent)} ({path.stat().st_size // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
