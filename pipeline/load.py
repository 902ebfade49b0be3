"""Stage 1: read a photo file into upright pixels, refusing what is not a usable image."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .core.errors import InputError
from .core.models import LoadedPhoto

try:  # phones shoot HEIC; the plugin is a declared dependency but keep JPEG working without it
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover
    pass

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif"})

# 200 MP is more than any phone camera; a file claiming more is a decompression bomb.
MAX_PIXELS = 200_000_000
MAX_FILE_BYTES = 256 * 1024 * 1024
MIN_SIDE = 100  # below this no business card text can be legible

# JPEG decoding can shrink by 1/2, 1/4, 1/8 for free; a card photo needs no more than this.
WORKING_LONG_SIDE = 2600

Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 36867
_DATETIME = 306


def is_image_name(path: Path) -> bool:
    """True for the file name endings cardscan takes when it scans a folder."""
    return path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith(".")


def load_photo(path: str | os.PathLike[str]) -> LoadedPhoto:
    """Decode a photo, apply its EXIF orientation and return its pixels and dates.

    Raises InputError, with a message that says why, for anything that is not a
    readable image of sensible size.
    """
    p = Path(path)
    data = _read_bytes(p)
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InputError(f"image too large ({width}x{height} pixels): refused as a decompression bomb")
            taken = exif_date(image)
            if image.format == "JPEG":
                scale = max(width, height) / WORKING_LONG_SIDE
                if scale >= 2:
                    image.draft("RGB", (int(width / scale) + 1, int(height / scale) + 1))
            image.load()
            rgb = ImageOps.exif_transpose(image).convert("RGB")
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputError("image too large: refused as a decompression bomb") from exc
    except UnidentifiedImageError as exc:
        raise InputError("not an image cardscan can read (JPEG, PNG, WebP, TIFF, HEIC)") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(f"damaged image: {_first_line(exc)}") from exc
    if min(rgb.size) < MIN_SIDE:
        raise InputError(f"image too small to hold a readable card ({rgb.size[0]}x{rgb.size[1]} pixels)")
    pixels = np.asarray(rgb)[:, :, ::-1].copy()  # OpenCV works in BGR
    modified = dt.datetime.fromtimestamp(p.stat().st_mtime).date()
    return LoadedPhoto(path=str(path), pixels=pixels, sha256=sha256, taken=taken, modified=modified)


def _read_bytes(p: Path) -> bytes:
    try:
        if p.is_dir():
            raise InputError("is a folder, not a photo")
        size = p.stat().st_size
        if size == 0:
            raise InputError("empty file")
        if size > MAX_FILE_BYTES:
            raise InputError(f"file too large ({size // (1024 * 1024)} MB) for a photo")
        return p.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("no such file") from exc
    except PermissionError as exc:
        raise InputError("permission denied") from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from exc


def exif_date(image: Image.Image) -> dt.date | None:
    try:
        exif = image.getexif()
        raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    except Exception:  # broken EXIF must not cost the photo
        return None
    if not isinstance(raw, str):
        return None
    try:
        return dt.datetime.strptime(raw.strip()[:19], "%Y:%m:%d %H:%M:%S").date()
    except ValueError:
        return None


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]
