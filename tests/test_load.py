"""Loading photos: formats, EXIF, and every kind of bad file."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.core.errors import InputError
from pipeline.load import load_photo

from .conftest import SAMPLES


def png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG that claims width x height pixels but holds almost no data: a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))


def test_jpeg_with_exif_date():
    photo = load_photo(SAMPLES / "fr-atelier-lumiere.jpg")
    assert photo.pixels.ndim == 3 and photo.pixels.shape[2] == 3
    assert photo.taken == dt.date(2026, 11, 20)
    assert len(photo.sha256) == 64


def test_exif_orientation_is_applied():
    raw = Image.open(SAMPLES / "fr-fontaine-exif.jpg")
    assert raw.size[1] > raw.size[0]  # stored on its side
    photo = load_photo(SAMPLES / "fr-fontaine-exif.jpg")
    assert photo.pixels.shape[1] > photo.pixels.shape[0]  # shown landscape


@pytest.mark.parametrize("name", ["fr-moreau-heic.heic", "ch-weber-png.png"])
def test_heic_and_png(name):
    assert load_photo(SAMPLES / name).pixels.shape[0] > 100


def test_webp_and_tiff(tmp_path: Path):
    image = Image.fromarray(np.full((300, 500, 3), 200, np.uint8))
    for suffix in ("webp", "tiff"):
        path = tmp_path / f"card.{suffix}"
        image.save(path)
        assert load_photo(path).pixels.shape == (300, 500, 3)


def test_large_jpeg_is_decoded_at_working_size():
    photo = load_photo(SAMPLES / "fr-roux-large-photo.jpg")  # 4000 x 3000
    assert max(photo.pixels.shape[:2]) <= 4000
    assert max(photo.pixels.shape[:2]) >= 2000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"hello, I am a text file\n", "not an image"),
    ],
)
def test_not_images(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "card.jpg"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_photo(path)


def test_truncated_jpeg(tmp_path: Path):
    data = (SAMPLES / "fr-atelier-lumiere.jpg").read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError, match="damaged image"):
        load_photo(path)


def test_one_pixel_image(tmp_path: Path):
    path = tmp_path / "dot.png"
    Image.new("RGB", (1, 1)).save(path)
    with pytest.raises(InputError, match="too small"):
        load_photo(path)


def test_decompression_bomb(tmp_path: Path):
    path = tmp_path / "bomb.png"
    png_header_only(path, 40000, 40000)
    with pytest.raises(InputError, match="decompression bomb"):
        load_photo(path)


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        load_photo(tmp_path / "missing.jpg")
    with pytest.raises(InputError, match="folder"):
        load_photo(tmp_path)


def test_the_photo_is_never_modified():
    path = SAMPLES / "fr-atelier-lumiere.jpg"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_photo(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
