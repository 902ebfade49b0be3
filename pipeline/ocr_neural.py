"""A neural OCR engine (PP-OCRv4 through RapidOCR, models inside its wheel, CPU only), and the hybrid.

Measured on real card photos, PP-OCRv4 finds lines and reads e-mails, phones and websites far better
than Tesseract, but its recogniser drops French accents (é -> e) and sometimes the space between
words. The hybrid reads the card with both: PP-OCRv4's lines are kept, Tesseract reads the same lines,
and the two readings are aligned letter by letter; where they agree, Tesseract's accents, word spaces
and case of letters drawn alike are taken. Installed with ``pip install cardscan[neural]``; without it
cardscan uses Tesseract.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from functools import cache
from typing import Any

import numpy as np

from .core.models import Box, OcrLine, OcrResult, OcrWord
from .ocr import TesseractEngine, _reading_order, page_position

MIN_SCORE = 0.5


def neural_available() -> bool:
    """True when RapidOCR and onnxruntime are installed."""
    try:
        import onnxruntime  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _rapidocr() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    # one thread per process: cardscan runs one process per core
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # the line-angle classifier turns a line over only when 99% sure (90% by default): measured on real
    # photos, it flipped good lines; without it an upside-down card reads as nothing (orient.py needs text)
    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False, cls_thresh=0.99,
                      rec_batch_num=1)
    _pad_after_text(engine.text_rec)
    return engine


TEXT_END_PADDING = 1.0  # blank after a line's last letter, in line heights


def _pad_after_text(recogniser: Any) -> None:
    """Have the recogniser read each line alone, with some blank after its last letter.

    By default lines are read six at a time, each padded to the longest of its batch, so the longest
    line of each batch ends at the image's edge, where its last letter was misread ("acme-example.coml").
    One line at a time with a line height of blank after it was measured on the real photos under seven
    transformations (turned, dimmed, inverted, JPEG): mean macro F1 0.871 -> 0.877, 14% less time, and
    the recogniser's memory ~80 MB instead of ~310 MB.
    """
    resize = getattr(recogniser, "resize_norm_img", None)
    if resize is None:  # another RapidOCR: its own way
        return

    def resize_with_padding(image: np.ndarray, max_wh_ratio: float) -> np.ndarray:
        height, width = image.shape[:2]
        return resize(image, max(max_wh_ratio, width / max(height, 1) + TEXT_END_PADDING))

    recogniser.resize_norm_img = resize_with_padding


class NeuralEngine:
    """PP-OCRv4 text detection and recognition; turns are decided from its boxes (see orient.py)."""

    name = "neural"

    def __init__(self, lang: str) -> None:
        self._tesseract = TesseractEngine(lang=lang, second_look=False)  # it only confirms PP-OCRv4's lines

    def read(self, pixels: np.ndarray) -> OcrResult:
        height, width = pixels.shape[:2]
        image = pixels if pixels.ndim == 3 else np.stack([pixels] * 3, axis=2)
        results, _ = _rapidocr()(image)
        lines = []
        for polygon, text, score in results or []:
            text = str(text).strip()
            if not text or float(score) < MIN_SCORE:
                continue
            xs = [int(p[0]) for p in polygon]
            ys = [int(p[1]) for p in polygon]
            box = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
            lines.append(OcrLine(words=_words(text, box, float(score))))
        lines.sort(key=page_position)
        return OcrResult(lines=tuple(_reading_order(lines)), width=width, height=height)

    def detect_rotation(self, pixels: np.ndarray) -> tuple[int, float]:
        # No OSD: PP-OCRv4's boxes show sideways text, and Tesseract's reading shows an upside-down card
        # (see orient.py); measured on real photos, OSD added a third of the time and no accuracy.
        return 0, 0.0


class HybridEngine(NeuralEngine):
    """PP-OCRv4's lines, with Tesseract's accented spelling where both read the same words."""

    name = "hybrid"

    def read(self, pixels: np.ndarray) -> OcrResult:
        neural = super().read(pixels)
        tesseract = self._tesseract.read(_only_words(pixels, neural.lines))
        lines = tuple(_with_at_sign(_with_accents(line, tesseract), tesseract) for line in neural.lines)
        return OcrResult(lines=lines, width=neural.width, height=neural.height,
                         orientation_score=_confirmed_characters(neural.lines, tesseract))

    def upside_down_score(self, pixels: np.ndarray, reading: OcrResult) -> float:
        """The characters of ``reading`` Tesseract confirms on the image turned over, shown only those lines.

        Much cheaper than reading the turned image again: only worth a full reading when it wins.
        """
        height, width = pixels.shape[:2]
        turned_lines = tuple(
            OcrLine(words=(OcrWord(line.text, Box(width - line.box.right, height - line.box.bottom, line.box.width,
                                                  line.box.height), line.confidence),))
            for line in reading.lines
        )
        turned = np.ascontiguousarray(pixels[::-1, ::-1])
        return _confirmed_characters(turned_lines, self._tesseract.read(_only_words(turned, turned_lines)))


def _confirmed_characters(lines: tuple[OcrLine, ...], tesseract: OcrResult) -> float:
    """How many letters and digits of PP-OCRv4's ``lines`` Tesseract read the same at the same place.

    PP-OCRv4 turns each line it finds upside down right way up, Tesseract does not: on a card turned
    over, the two readings disagree. Tesseract's confidence alone did not tell: upside down, "SV", "00"
    and "869" are still letters and digits it reads with confidence.
    """
    confirmed = 0
    for line in lines:
        theirs = "".join(w.text for w in _words_over(line.box, tesseract))
        if theirs:
            matcher = difflib.SequenceMatcher(None, _plain(line.text), _plain(theirs), autojunk=False)
            confirmed += sum(block.size for block in matcher.get_matching_blocks())
    return float(confirmed)


def _only_words(pixels: np.ndarray, lines: tuple[OcrLine, ...]) -> np.ndarray:
    """The image with only the lines Tesseract is asked about: those with letters, on the card's own colour.

    Logos, pictures and lines of digits cost Tesseract most of its time and tell the hybrid nothing.
    """
    sample = pixels[::4, ::4]  # the card's colour needs no more than every sixteenth pixel
    background = np.median(sample.reshape(-1, sample.shape[2]) if sample.ndim == 3 else sample.ravel(), axis=0)
    out = np.empty_like(pixels)
    out[...] = background.astype(pixels.dtype)
    height, width = pixels.shape[:2]
    for line in lines:
        if not any(c.isalpha() for c in line.text):
            continue
        box, pad = line.box, max(2, round(0.3 * line.box.height))
        top, bottom = max(0, box.top - pad), min(height, box.bottom + pad)
        left, right = max(0, box.left - 2 * pad), min(width, box.right + 2 * pad)
        out[top:bottom, left:right] = pixels[top:bottom, left:right]
    return out


def _words(text: str, box: Box, score: float) -> tuple[OcrWord, ...]:
    """Split a line into words, each given its share of the line's width."""
    parts = text.split()
    total = sum(len(p) for p in parts) + len(parts) - 1
    words, left = [], box.left
    for part in parts:
        width = max(1, round(box.width * len(part) / max(total, 1)))
        words.append(OcrWord(part, Box(left, box.top, width, box.height), score))
        left += width + round(box.width / max(total, 1))
    return tuple(words)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace()).casefold()


def _with_accents(line: OcrLine, tesseract: OcrResult) -> OcrLine:
    """The line with Tesseract's accents and word spaces wherever both engines read the same letters."""
    if line.text.isascii() and not any(c.isalpha() for c in line.text):
        return line  # digits and punctuation: PP-OCRv4 reads them better
    box = line.box
    overlapping = _words_over(box, tesseract)
    spelled = " ".join(w.text for w in overlapping)
    if not spelled or spelled == line.text:
        return line
    aligned = _aligned_spelling(line.text, overlapping)
    if aligned == spelled:  # Tesseract's very words: keep their boxes too
        return OcrLine(words=tuple(OcrWord(w.text, w.box, max(w.confidence, line.confidence)) for w in overlapping))
    if aligned == line.text:
        return line
    return OcrLine(words=_words(aligned, box, line.confidence))


MIN_ANCHOR = 3  # letters both engines read alike on each side of an "@" before it is put back


def _with_at_sign(line: OcrLine, tesseract: OcrResult) -> OcrLine:
    """The line with the "@" Tesseract read where PP-OCRv4 read other letters ("joana.reis77idgmail.com").

    PP-OCRv4's recogniser reads the "@" of an e-mail as "id", "a" or nothing; Tesseract reads it, while
    misreading other letters ("joana.reis7?@gmail:com"). The "@" is put between the letters both read alike
    on each side of it; PP-OCRv4's reading is kept everywhere else.
    """
    neural = line.text
    if "@" in neural:
        return line
    theirs = "".join(w.text for w in _words_over(line.box, tesseract))
    if theirs.count("@") != 1:
        return line
    at = theirs.index("@")
    matcher = difflib.SequenceMatcher(None, neural, theirs, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    before = [b for b in blocks if b.b + b.size <= at]
    after = [b for b in blocks if b.b > at]
    if not before or not after or before[-1].size < MIN_ANCHOR or after[0].size < MIN_ANCHOR:
        return line
    left, right = before[-1], after[0]
    gap_before_at = at - (left.b + left.size)  # Tesseract's letters between the left anchor and its "@"
    start = left.a + left.size
    if right.a < start + gap_before_at:
        return line
    text = neural[: start + gap_before_at] + "@" + neural[right.a:]
    return OcrLine(words=_words(text, line.box, line.confidence))


def _words_over(box: Box, tesseract: OcrResult) -> list[OcrWord]:
    """Tesseract's words lying mostly inside ``box``, left to right."""
    words = [
        word for line in tesseract.lines for word in line.words
        if _overlap(word.box, box) > 0.5 * word.box.width * word.box.height
    ]
    return sorted(words, key=lambda w: w.box.left)


MIN_ALIGNMENT = 0.75  # share of letters the two readings must agree on before one corrects the other
_SAME_SHAPE_CASES = "cosuvwxz"  # letters whose capital is their small letter, only bigger
SURE_WORD = 0.75  # Tesseract's confidence in both words around a space it saw before that space is taken


def _aligned_spelling(neural: str, tesseract: list[OcrWord]) -> str:
    """``neural`` with the accents and word spaces of ``tesseract`` where their letters align.

    A letter takes Tesseract's accent (or its case, for letters such as "s" / "S" that differ only in
    size) only when its neighbours agree too; a space is put back only between letters that agree, in
    words Tesseract read with confidence, outside numbers and links.
    """
    spelled = " ".join(w.text for w in tesseract)
    word_at = [w for w in tesseract for _ in range(len(w.text) + 1)]  # the word of each character of spelled
    n_chars = [i for i, c in enumerate(neural) if _plain(c)]
    t_chars = [i for i, c in enumerate(spelled) if _plain(c)]
    matcher = difflib.SequenceMatcher(
        None, [_plain(neural[i]) for i in n_chars], [_plain(spelled[i]) for i in t_chars], autojunk=False
    )
    if matcher.ratio() < MIN_ALIGNMENT:
        return neural
    partner: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            partner[block.a + k] = block.b + k

    def agreed(k: int, j: int) -> bool:
        """The k-th letter of the neural reading was read as Tesseract's j-th letter."""
        return k >= 0 and partner.get(k) == j

    def same_case_around(k: int, j: int) -> bool:
        """The letters next to the k-th, of a shape that shows their case, have the same case in both readings."""
        checked = [
            neural[n_chars[k + d]] == spelled[t_chars[j + d]]
            for d in (-1, 1)
            if 0 <= k + d < len(n_chars) and agreed(k + d, j + d)
            and neural[n_chars[k + d]].isalpha() and neural[n_chars[k + d]].lower() not in _SAME_SHAPE_CASES
        ]
        return bool(checked) and all(checked)

    out = [neural[: n_chars[0]]] if n_chars else [neural]
    for k, i in enumerate(n_chars):
        j = partner.get(k)
        if k:
            gap = neural[n_chars[k - 1] + 1:i]  # only spaces: every other character is in n_chars
            if not gap and j is not None and agreed(k - 1, j - 1) and _may_split(neural, n_chars[k - 1], i):
                left, right = t_chars[j - 1], t_chars[j]
                if " " in spelled[left:right] and _sure_neighbours(word_at[left], word_at[right]):
                    gap = " "
            out.append(gap)
        letter = neural[i]
        if j is not None and (k == 0 or agreed(k - 1, j - 1)) and (k == len(n_chars) - 1 or agreed(k + 1, j + 1)):
            theirs = spelled[t_chars[j]]
            if not theirs.isascii() and theirs.casefold() != letter.casefold():
                letter = theirs.upper() if letter.isupper() else theirs.lower()
            elif (theirs != letter and theirs.casefold() == letter.casefold() and letter.lower() in _SAME_SHAPE_CASES
                  and same_case_around(k, j)):
                letter = theirs  # "SAs": PP-OCRv4 guesses the case of letters drawn alike; Tesseract sees the x-height
        out.append(letter)
    if n_chars:
        out.append(neural[n_chars[-1] + 1:])
    return "".join(out)


def _sure_neighbours(left: OcrWord, right: OcrWord) -> bool:
    """Two words Tesseract read with confidence, side by side in the same print size: a real space."""
    heights = max(left.box.height, right.box.height) / max(min(left.box.height, right.box.height), 1)
    return min(left.confidence, right.confidence) >= SURE_WORD and heights < 1.6  # descenders: "Lake" / "City,"


def _may_split(text: str, left: int, right: int) -> bool:
    """A space may go between ``text[left]`` and ``text[right]``: not inside a number, an address or a link."""
    if text[left].isdigit() and text[right].isdigit():
        return False
    start = text.rfind(" ", 0, left) + 1
    end = text.find(" ", right)
    token = text[start:] if end < 0 else text[start:end]
    return not re.search(r"[@/]|\.[^\W\d_]", token)


def _overlap(a: Box, b: Box) -> int:
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    return max(0, width) * max(0, height)
