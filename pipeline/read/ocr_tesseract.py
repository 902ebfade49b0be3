"""Stage 3: read the words on the card with Tesseract, keeping boxes and confidences.

The engine is a small interface (``OcrEngine``) so another engine can stand
beside Tesseract; everything Tesseract-specific (language packs, page
segmentation, OSD, timeouts, the single-thread setting) stays in
``TesseractEngine``. Tesseract runs inside the process through tesserocr when it
can (its language models then stay loaded from card to card), else as the
``tesseract`` program through pytesseract.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import cv2
import numpy as np
import pytesseract

from ..core.errors import OcrFailedError, TesseractMissingError
from ..core.models import Box, OcrLine, OcrResult, OcrWord
from .image_ops import page_position, reading_order, rotate
from .ocr_engine import OcrEngine

DEFAULT_LANG = "fra+eng"
# Cards are sparse text in blocks scattered over the surface; "sparse text"
# (11) finds more of a card's small lines than "automatic page" (3).
PAGE_SEGMENTATION = 11
# Tesseract's binarisation: 0 global Otsu, 1 adaptive Otsu, 2 Sauvola.
THRESHOLDING_METHOD = 0
SECOND_THRESHOLDING_METHOD = 2
# a line that carries a way to reach someone: an e-mail, a website, or a run of digits like a phone number
_CONTACT_LINE = re.compile(r"@|www|\.(?:com|net|org|[a-z]{2})\b|(?:\d\D?){6,}", re.IGNORECASE)
TIMEOUT_SECONDS = 60
OSD_TIMEOUT_SECONDS = 20
# OSD's orientation confidence: trusted at SURE_OSD_CONFIDENCE; under UNSURE_OSD_CONFIDENCE its turn is ignored;
# in between the card is read both ways and the turn kept only when it reads 15% more confident text
SURE_OSD_CONFIDENCE = 5.0
UNSURE_OSD_CONFIDENCE = 0.8


class TesseractEngine(OcrEngine):
    """Tesseract, one thread per process: in this process when tesserocr is installed, else its program."""

    name = "tesseract"

    def __init__(self, lang: str = DEFAULT_LANG, timeout: float = TIMEOUT_SECONDS, second_look: bool = True,
                 in_process: bool | None = None) -> None:
        """``in_process``: True or False to choose how Tesseract runs; None for in-process when it can."""
        # Tesseract's OpenMP threads fight our process pool for the cores; one
        # thread per process across all cores was measured ~4x faster per page.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        self.lang = lang
        self.timeout = timeout
        self.second_look = second_look
        self._library = TesseractLibrary.for_languages(lang) if in_process is not False else None
        if in_process and self._library is None:
            raise TesseractMissingError("tesserocr cannot run Tesseract here (pip install tesserocr)")

    def read(self, pixels: np.ndarray) -> OcrResult:
        """Read the card; when its e-mail or phone lines are missing, look again with another binarisation.

        Measured on real photos, Otsu (Tesseract's default) and Sauvola each read contact lines the other
        misses; the second reading only adds the e-mail, web and phone lines the first one did not have,
        so the name and company still come from the first.
        """
        first = self._read(pixels, THRESHOLDING_METHOD)
        if not self.second_look or _has_contact_lines(first):
            return first
        second = self._read(pixels, SECOND_THRESHOLDING_METHOD)
        known = {line.text for line in first.lines}
        added = [line for line in second.lines if line.text not in known and _CONTACT_LINE.search(line.text)]
        if not added:
            return first
        lines = sorted((*first.lines, *added), key=page_position)
        return OcrResult(lines=tuple(lines), width=first.width, height=first.height)

    def _read(self, pixels: np.ndarray, thresholding: int) -> OcrResult:
        height, width = pixels.shape[:2]
        if self._library is not None:
            data = self._library.words(pixels, thresholding, self.timeout)
            return lines_from_tesseract_data(data, width, height)
        config = f"--psm {PAGE_SEGMENTATION} -c thresholding_method={thresholding}"
        try:
            with _image_file(pixels) as image:
                data = pytesseract.image_to_data(
                    image, lang=self.lang, config=config, output_type=pytesseract.Output.DICT, timeout=self.timeout,
                )
        except pytesseract.TesseractNotFoundError as exc:
            raise TesseractMissingError(_install_hint()) from exc
        except RuntimeError as exc:  # pytesseract signals its timeout with a bare RuntimeError
            raise OcrFailedError(f"Tesseract took longer than {self.timeout:.0f} s") from exc
        except pytesseract.TesseractError as exc:
            raise OcrFailedError(f"Tesseract failed: {_first_line(str(exc.message))}") from exc
        return lines_from_tesseract_data(data, width, height)

    def text_boxes(self, pixels: np.ndarray) -> list[tuple[float, float, float, float]]:
        """(left, top, right, bottom) of each line read."""
        lines = self._read(pixels, THRESHOLDING_METHOD).lines
        return [(ln.box.left, ln.box.top, ln.box.right, ln.box.bottom) for ln in lines]

    def read_upright(self, pixels: np.ndarray, turn: int | None = None) -> tuple[int, OcrResult]:
        """OSD's turn when it is sure; when unsure and it proposes a turn, both readings are made and the one
        with more confidently read text wins, because a wrong turn loses the whole card."""
        if turn is not None:
            return turn, self.read(rotate(pixels, turn))
        turn, confidence = self.detect_rotation(pixels)
        if turn and confidence >= SURE_OSD_CONFIDENCE:
            return turn, self.read(rotate(pixels, turn))
        as_is = self.read(pixels)
        if vertical_share(as_is) > 0.5:
            # the text runs sideways: a quarter turn one way or the other, whichever reads better
            candidates = [(t, self.read(rotate(pixels, t))) for t in ((turn,) if turn in (90, 270) else (90, 270))]
            return max(candidates, key=lambda c: reading_score(c[1]))
        if not turn or confidence < UNSURE_OSD_CONFIDENCE:
            return 0, as_is
        turned = self.read(rotate(pixels, turn))
        if reading_score(turned) > reading_score(as_is) * 1.15:
            return turn, turned
        return 0, as_is

    def detect_rotation(self, pixels: np.ndarray) -> tuple[int, float]:
        """Tesseract's OSD: (degrees clockwise to turn the image upright, confidence)."""
        if self._library is not None:
            return self._library.rotation(pixels)
        try:
            with _image_file(pixels) as image:
                osd = pytesseract.image_to_osd(
                    image, config="--psm 0 -c min_characters_to_try=10", timeout=OSD_TIMEOUT_SECONDS
                )
        except pytesseract.TesseractNotFoundError as exc:
            raise TesseractMissingError(_install_hint()) from exc
        except (RuntimeError, pytesseract.TesseractError):
            return 0, 0.0  # too little text to judge: keep the image as it is
        rotate = re.search(r"Rotate:\s*(\d+)", osd)
        confidence = re.search(r"Orientation confidence:\s*([\d.]+)", osd)
        if not rotate:
            return 0, 0.0
        return int(rotate.group(1)) % 360, float(confidence.group(1)) if confidence else 0.0


class TesseractLibrary:
    """libtesseract inside this process, through tesserocr: one loaded model per thread, kept between cards.

    Starting the ``tesseract`` program and loading fra+eng took ~0.12 s of each ~0.3 s reading of a card.
    The language data is the installed Tesseract's own, so both ways read with the same models.
    """

    def __init__(self, lang: str, tessdata: str) -> None:
        self.lang = lang
        self.tessdata = tessdata
        self._per_thread = threading.local()  # a tesserocr API must not be shared between threads

    @staticmethod
    @cache
    def for_languages(lang: str) -> TesseractLibrary | None:
        """The in-process Tesseract for ``lang``, or None when tesserocr or the language data is missing."""
        try:
            import tesserocr
        except ImportError:
            return None
        # Leptonica's notes on odd images went to the program's stderr, which pytesseract kept; here they
        # would land among cardscan's own messages
        tesserocr.set_leptonica_log_level(tesserocr.LeptLogLevel.NONE)
        tessdata = _tessdata_folder()
        if tessdata is None:
            return None
        library = TesseractLibrary(lang, tessdata)
        try:
            library._api("read")
        except RuntimeError:  # a language missing from this tessdata: the program will say which
            return None
        return library

    def words(self, pixels: np.ndarray, thresholding: int, timeout: float) -> dict[str, list[str]]:
        """Tesseract's word table for the image, as ``pytesseract.image_to_data`` gives it."""
        api = self._api("read")
        api.SetVariable("thresholding_method", str(thresholding))
        _set_image(api, pixels)
        if not api.Recognize(timeout=round(timeout * 1000)):
            raise OcrFailedError(f"Tesseract took longer than {timeout:.0f} s or failed on the image")
        return _tsv_table(api.GetTSVText(0))

    def rotation(self, pixels: np.ndarray) -> tuple[int, float]:
        """(degrees clockwise to turn the image upright, confidence), like ``detect_rotation``.

        tesserocr offers no timeout here; orientation looks at a few characters' shapes, not at the text.
        """
        api = self._api("osd")
        _set_image(api, pixels)
        found = api.DetectOrientationScript()
        if not found:
            return 0, 0.0  # too little text to judge: keep the image as it is
        # tesserocr gives the page's orientation; the turn that puts it upright is the other way round
        return (360 - int(found["orient_deg"])) % 360, float(found["orient_conf"])

    def _api(self, purpose: str) -> Any:
        api = getattr(self._per_thread, purpose, None)
        if api is None:
            import tesserocr

            if purpose == "osd":
                api = tesserocr.PyTessBaseAPI(path=self.tessdata, lang="osd", psm=tesserocr.PSM.OSD_ONLY)
                api.SetVariable("min_characters_to_try", "10")
            else:
                api = tesserocr.PyTessBaseAPI(path=self.tessdata, lang=self.lang, psm=PAGE_SEGMENTATION)
            api.SetVariable("debug_file", os.devnull)  # Tesseract's own notes, for the same reason
            setattr(self._per_thread, purpose, api)
        return api


def _set_image(api: Any, pixels: np.ndarray) -> None:
    image = np.ascontiguousarray(pixels[:, :, ::-1] if pixels.ndim == 3 else pixels)  # Tesseract wants RGB
    height, width = image.shape[:2]
    channels = 1 if image.ndim == 2 else image.shape[2]
    api.SetImageBytes(image.tobytes(), width, height, channels, channels * width)


_TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
                "left", "top", "width", "height", "conf", "text")


def _tsv_table(tsv: str) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {column: [] for column in _TSV_COLUMNS}
    for row in tsv.splitlines():
        cells = row.split("\t")
        cells += [""] * (len(_TSV_COLUMNS) - len(cells))
        for column, cell in zip(_TSV_COLUMNS, cells, strict=False):
            table[column].append(cell)
    return table


@cache
def _tessdata_folder() -> str | None:
    """The installed Tesseract's language folder (TESSDATA_PREFIX, else where the program looks)."""
    if os.environ.get("TESSDATA_PREFIX"):
        return os.path.join(os.environ["TESSDATA_PREFIX"], "")
    try:
        listing = subprocess.run([pytesseract.pytesseract.tesseract_cmd, "--list-langs"], capture_output=True,
                                 text=True, timeout=OSD_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    folder = re.search(r'"(.+?)"', listing.stdout + listing.stderr)
    return os.path.join(folder.group(1), "") if folder else None


def _has_contact_lines(result: OcrResult) -> bool:
    """The reading has both an e-mail or web line and a phone-like line, read with confidence."""
    sure = [line.text for line in result.lines if line.confidence >= 0.7]
    return any(re.search(r"@|www", t, re.IGNORECASE) for t in sure) and any(
        len(re.findall(r"\d", t)) >= 8 for t in sure)


def reading_score(result: OcrResult) -> float:
    """How much text was read with confidence: characters of words read at 60% or more."""
    return float(sum(len(w.text) for line in result.lines for w in line.words if w.confidence >= 0.6))


def vertical_share(result: OcrResult) -> float:
    """Share of the text (by characters) in boxes taller than wide: text running up or down the image."""
    total = sum(len(line.text) for line in result.lines)
    vertical = sum(len(line.text) for line in result.lines if line.box.height > 1.5 * line.box.width)
    return vertical / total if total else 0.0


def lines_from_tesseract_data(data: dict[str, list[Any]], width: int, height: int) -> OcrResult:
    """Group Tesseract's word table (image_to_data) into lines, top to bottom."""
    grouped: dict[tuple[int, int, int], list[OcrWord]] = defaultdict(list)
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        box = Box(int(data["left"][i]), int(data["top"][i]), int(data["width"][i]), int(data["height"][i]))
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        grouped[key].append(OcrWord(text=text, box=box, confidence=max(0.0, min(conf / 100, 1.0))))
    lines = [OcrLine(words=tuple(sorted(words, key=lambda w: w.box.left))) for words in grouped.values()]
    lines.sort(key=page_position)
    return OcrResult(lines=tuple(reading_order(lines)), width=width, height=height)


@cache
def check_tesseract(lang: str) -> str:
    """Return Tesseract's version; raise TesseractMissingError if it or a language is missing."""
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise TesseractMissingError(_install_hint())
    try:
        version = str(pytesseract.get_tesseract_version())
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise TesseractMissingError(_install_hint()) from exc
    missing = [code for code in lang.split("+") if code and code not in installed]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code}" for code in missing)
        raise TesseractMissingError(
            f"Tesseract language data missing: {', '.join(missing)} (install: apt-get install {packages})"
        )
    return version


def _install_hint() -> str:
    return "Tesseract is not installed (install: apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng)"


@contextmanager
def _image_file(pixels: np.ndarray) -> Iterator[str]:
    """The image in a temporary uncompressed BMP for Tesseract to read.

    pytesseract would save a PNG itself: its compression cost a fifth of each Tesseract call.
    """
    with tempfile.TemporaryDirectory(prefix="cardscan-") as folder:
        path = os.path.join(folder, "card.bmp")
        if not cv2.imwrite(path, pixels):
            raise OcrFailedError("could not hand the image to Tesseract (temporary folder not writable)")
        yield path


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "unknown error")
