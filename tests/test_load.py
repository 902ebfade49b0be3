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
from pipeline.read.load import load_photo

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


def small_png_of_a_huge_picture(path: Path, width: int, height: int) -> None:
    """A real, complete PNG of width x height black pixels (1 bit each) that compresses to a few tens of KB."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b""))


@pytest.fixture
def decoded_sizes(monkeypatch) -> list[tuple[int, int]]:
    """The size of every picture Pillow decodes, as it decodes it (after any reduced-size decoding is set up)."""
    from PIL import ImageFile

    sizes: list[tuple[int, int]] = []
    original = ImageFile.ImageFile.load

    def load(self):  # type: ignore[no-untyped-def]
        sizes.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


def test_a_small_file_holding_a_huge_picture_is_refused_before_it_is_decoded(tmp_path: Path, decoded_sizes):
    # 196 MP, under the decompression-bomb limit: decoding it cost ~2 GB and 44 s per worker
    path = tmp_path / "huge.png"
    small_png_of_a_huge_picture(path, 14000, 14000)
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError, match=r"too large \(14000x14000 pixels, 196 MP\)"):
        load_photo(path)
    assert decoded_sizes == []  # refused from its header, nothing decoded


def test_a_12_megapixel_phone_jpeg_is_decoded_at_half_size(tmp_path: Path, decoded_sizes):
    path = tmp_path / "IMG_0001.jpg"
    Image.fromarray(np.full((3024, 4032, 3), 230, np.uint8)).save(path, quality=90)
    photo = load_photo(path)
    assert set(decoded_sizes) == {(2016, 1512)}  # the decoder skipped the finer detail: a quarter of the pixels
    assert photo.pixels.shape == (1512, 2016, 3)


def test_a_large_png_is_reduced_as_soon_as_it_is_decoded(tmp_path: Path):
    path = tmp_path / "scan.png"
    Image.fromarray(np.full((3000, 4400, 3), 200, np.uint8)).save(path)
    assert load_photo(path).pixels.shape == (1500, 2200, 3)


def test_exif_orientation_survives_reduced_decoding(tmp_path: Path):
    path = tmp_path / "portrait.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side: shown turned a quarter clockwise
    Image.fromarray(np.full((3024, 4032, 3), 230, np.uint8)).save(path, quality=90, exif=exif.tobytes())
    assert load_photo(path).pixels.shape == (2016, 1512, 3)
