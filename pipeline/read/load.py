"""Stage 1: read a photo file into upright pixels, refusing what is not a usable image."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from ..core.errors import InputError
from ..core.models import LoadedPhoto

try:  # phones shoot HEIC; the plugin is a declared dependency but keep JPEG working without it
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover
    pass

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif"})

# 200 MP is the largest phone camera; a file claiming more is a decompression bomb, refused unread.
MAX_PIXELS = 200_000_000
# JPEG decodes at 1/2, 1/4 or 1/8 of its size for free; the other formats (PNG, WebP, TIFF, HEIC) decode
# whole, so past what a phone writes in them (48 MP HEIF) they are refused before decoding: a 41 KB PNG
# of 14000x14000 pixels would otherwise cost ~2 GB and most of a minute.
MAX_WHOLE_DECODE_PIXELS = 50_000_000
MAX_FILE_BYTES = 256 * 1024 * 1024
MIN_SIDE = 100  # below this no business card text can be legible

# The photo is kept at no less than this long side (decoded smaller when the format allows, else reduced
# right after decoding): a card filling 30% of a 12 MP frame is then ~1200 px long, the size OCR reads it at.
WORKING_LONG_SIDE = 2000

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
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InputError(f"image too large ({width}x{height} pixels): refused as a decompression bomb")
            if image.format != "JPEG" and width * height > MAX_WHOLE_DECODE_PIXELS:
                raise InputError(f"image too large ({width}x{height} pixels, {width * height / 1e6:.0f} MP): "
                                 f"more than a photo holds in {image.format or 'this format'}")
            taken = exif_date(image)
            factor = working_reduction(width, height)
            if image.format == "JPEG" and factor > 1:
                image.draft("RGB", (width // factor, height // factor))  # the decoder skips the finer detail
            orientation = _orientation(image)  # read before reducing: the reduced copy has no EXIF
            image.load()
            factor = working_reduction(*image.size)
            if factor > 1:
                image = (image if image.mode in ("RGB", "L") else image.convert("RGB")).reduce(factor)
            rgb = _upright(image, orientation).convert("RGB")
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


def working_reduction(width: int, height: int) -> int:
    """The largest of 8, 4, 2 (or 1) that keeps the photo's long side at WORKING_LONG_SIDE or more."""
    return next(f for f in (8, 4, 2, 1) if f == 1 or max(width, height) / f >= WORKING_LONG_SIDE)


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


_EXIF_ORIENTATION = 0x0112
# EXIF orientation -> the turn or flip that shows the picture as the camera was held
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_EXIF_ORIENTATION, 1))
    except Exception:  # broken EXIF must not cost the photo: shown as stored
        return 1


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    method = _UPRIGHT.get(orientation)
    return image.transpose(method) if method is not None else image


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
