"""The seven views of a folder of photos that reading changes are judged on.

    python tools/transform_photos.py SOURCE_DIR OUT_DIR

Writes OUT_DIR/<view>/<same file name> (as JPEG) for each view: as taken, turned 90/180/270 degrees
clockwise, JPEG quality 35, dimmed (x0.45 with sensor noise), colours inverted. Each photo keeps its
file name, so the same labels score every view (score.py matches photos by file name). Turned views
apply the EXIF orientation first and are written without one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

VIEWS = ("as-taken", "turned-90", "turned-180", "turned-270", "jpeg-35", "dim", "inverted")


def views(image: Image.Image, seed: int) -> dict[str, Image.Image]:
    rgb = ImageOps.exif_transpose(image).convert("RGB")
    pixels = np.asarray(rgb).astype(np.float32)
    noise = np.random.default_rng(seed).normal(0, 3, pixels.shape)
    dim = Image.fromarray(np.clip(pixels * 0.45 + noise, 0, 255).astype(np.uint8))
    return {
        "as-taken": rgb,
        # PIL turns counter-clockwise
        "turned-90": rgb.rotate(-90, expand=True),
        "turned-180": rgb.rotate(180, expand=True),
        "turned-270": rgb.rotate(-270, expand=True),
        "jpeg-35": rgb,
        "dim": dim,
        "inverted": ImageOps.invert(rgb),
    }


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    for view in VIEWS:
        (out / view).mkdir(parents=True, exist_ok=True)
    for index, photo in enumerate(sorted(p for p in source.iterdir() if p.is_file())):
        with Image.open(photo) as image:
            for view, picture in views(image, index).items():
                quality = 35 if view == "jpeg-35" else 92
                # JPEG under the original name, which score.py matches (cardscan reads the content, not the suffix)
                picture.save(out / view / photo.name, format="JPEG", quality=quality)
    return 0


if __name__ == "__main__":
    sys.exit(main())
