"""A neural OCR engine (PP-OCRv6 through RapidOCR 3, models inside its wheel, CPU only), and the hybrid.

PP-OCRv6 (small detection and recognition models, shipped in the ``rapidocr`` wheel and run by
onnxruntime) finds the lines of a card and reads them, accents and extended Latin letters included.
Before reading, the card is turned upright (``quick_turn``): the detector alone on a small copy tells
whether the lines run across or up the card, and the line classifier on a few of them whether they
are upside down, so a sideways card is read once, upright. The hybrid also asks Tesseract to read
the same lines and aligns the two readings letter by letter, taking Tesseract's accents, word spaces
and case of letters drawn alike where they agree. Installed with ``pip install cardscan[neural]``;
without it cardscan uses Tesseract.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import Any

import cv2
import numpy as np

from ..core.models import Box, OcrLine, OcrResult, OcrWord
from .image_ops import page_position, reading_order
from .ocr_engine import OcrEngine
from .ocr_tesseract import TesseractEngine

MIN_SCORE = 0.5


def neural_available() -> bool:
    """True when RapidOCR 3 and onnxruntime are installed (their models come inside the wheel)."""
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


# The detector scales a card so that its short side is at least this many pixels (PP-OCR's default; a card,
# 1200 px long, is 650-800 px high, so the smaller ones are scaled up a little). Kept from PP-OCRv4, where 640
# and 960 were measured no better and no faster, and measured again with PP-OCRv6 (CPU s/card of the detector
# on 20 phone photos, then fields on the phone set, ../shared/cards and samples/): the long side capped at 960
# instead took 0.37 s rather than 0.58 and read the phone set better (perfect cards 97.5% -> 100%) and the
# real photos' companies and e-mails better, but one title and one phone fewer there; capped at 1200 (never
# scaled up) a company fewer on the phone set and the same title and phone lost; capped at 800 (0.24 s) names,
# phones and links lost. No size read every field as well: this one stays.
DETECTOR_SHORT_SIDE = 736
# The line classifier turns a line over only when 99% sure (90% by default): measured on real photos it
# flipped good lines; the card itself is turned upright before reading (quick_turn)
LINE_FLIP_CONFIDENCE = 0.99
# onnxruntime's memory, per reading process: its arena on (RapidOCR turns it off) and its memory pattern off
# (on by default). Measured on the detector alone, 3 runs of a 736x1312 card: peak 418 MB with RapidOCR's
# options, 340 MB with both on, 258 MB arena on and pattern off, 573 MB both off; CPU the same within the noise.
# The readings are the same numbers: only where the tensors live changes.
ORT_MEMORY_ARENA = True
ORT_MEMORY_PATTERN = False


@cache
def _rapidocr() -> Any:
    # one thread per process: cardscan runs one process per core
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from rapidocr import RapidOCR
    from rapidocr.utils.typings import ModelType, OCRVersion

    # each line is recognised alone (rec_batch_num 1), as long as it is: in a batch, lines are padded to the
    # longest, which ended at the image's edge and lost or gained a last letter. Batching only lines of
    # similar width (within 30%) saved no CPU: the recogniser took 0.47 s a card either way (20 phone photos).
    # PP-OCRv4 read best with a line height of blank after each line; PP-OCRv6 does not: with it,
    # ../shared/cards macro F1 0.877 -> 0.884 without the blank (e-mail 0.875 -> 0.938, a stray last letter
    # gone), the phone photos the same
    engine = RapidOCR(params={
        "Global.log_level": "error",
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": ORT_MEMORY_ARENA,
        "Det.ocr_version": OCRVersion("PP-OCRv6"), "Det.model_type": ModelType("small"),
        "Det.limit_side_len": DETECTOR_SHORT_SIDE, "Det.limit_type": "min",
        "Rec.ocr_version": OCRVersion("PP-OCRv6"), "Rec.model_type": ModelType("small"), "Rec.rec_batch_num": 1,
        "Cls.cls_thresh": LINE_FLIP_CONFIDENCE,
    })
    # RapidOCR 3 loads its models on first use: load them now, once per process (with onnxruntime's options
    # that RapidOCR does not pass on)
    with _session_options(enable_mem_pattern=ORT_MEMORY_PATTERN):
        for load in ("_load_det_model", "_load_cls_model", "_load_rec_model"):
            getattr(engine, load)()
    return engine


@contextlib.contextmanager
def _session_options(**options: Any) -> Iterator[None]:
    """RapidOCR's onnxruntime sessions, while they are made, with ``options`` set on their SessionOptions."""
    from rapidocr.inference_engine.onnxruntime.main import OrtInferSession

    made_by_rapidocr = OrtInferSession._init_sess_opts

    def with_options(cfg: Any) -> Any:
        session_options = made_by_rapidocr(cfg)
        for name, value in options.items():
            setattr(session_options, name, value)
        return session_options

    OrtInferSession._init_sess_opts = staticmethod(with_options)  # type: ignore[method-assign]
    try:
        yield
    finally:
        OrtInferSession._init_sess_opts = staticmethod(made_by_rapidocr)  # type: ignore[method-assign]


# The line classifier looks at this many of the longest lines to decide whether the card is upside down
ORIENTATION_LINES = 8
SIDEWAYS_BOX = 1.5  # a line box this many times taller than wide runs up or down the card


def read_upright(pixels: np.ndarray, turn: int | None = None) -> tuple[int, OcrResult]:
    """(degrees clockwise that turn the card upright, its reading in the upright card's pixels).

    The detector runs once, on the card as it lies. Where its lines run tells whether the card lies
    sideways; the line classifier on the longest of them, turned across, whether it is upside down. Each
    line is then cut out of the upright card and recognised once, upright: a sideways or upside-down card
    costs no second reading. A ``turn`` given is taken as it is.
    """
    engine = _rapidocr()
    image = _three_channels(pixels)
    boxes = engine.text_det(image).boxes
    if boxes is None or not len(boxes):
        return 0, OcrResult(lines=(), width=image.shape[1], height=image.shape[0])
    decide = turn is None
    turn = (90 if _runs_up(boxes) else 0) if turn is None else turn % 360
    upright, boxes = _turn_with_boxes(image, boxes, turn)
    crops = [get_line(upright, box) for box in boxes]
    verdicts = engine.text_cls(crops).cls_res or []
    upside_down = [("180" in label, float(score)) for label, score in verdicts]
    if decide and _mostly_upside_down(crops, upside_down):
        turn = (turn + 180) % 360
        upright, boxes = _turn_with_boxes(upright, boxes, 180)
        crops = [np.ascontiguousarray(crop[::-1, ::-1]) for crop in crops]
        upside_down = [(not flipped, score) for flipped, score in upside_down]
    # a line the classifier is sure of reads the other way round from the rest of the card (rare)
    crops = [np.ascontiguousarray(crop[::-1, ::-1]) if flipped and score >= LINE_FLIP_CONFIDENCE else crop
             for crop, (flipped, score) in zip(crops, upside_down, strict=True)]
    texts, scores = _recognise(engine, crops)
    height, width = upright.shape[:2]
    lines = []
    for box, text, score in zip(boxes, texts, scores, strict=True):
        text = str(text).strip()
        if not text or score < MIN_SCORE:
            continue
        xs, ys = box[:, 0], box[:, 1]
        left, top = max(0, int(xs.min())), max(0, int(ys.min()))
        lines.append(OcrLine(words=_words(text, Box(left, top, int(xs.max()) - left, int(ys.max()) - top), score)))
    lines.sort(key=page_position)
    return turn, OcrResult(lines=tuple(reading_order(lines)), width=width, height=height)


def _runs_up(boxes: np.ndarray) -> bool:
    """Most of the detected lines' length runs up or down the image: the card lies on its side."""
    across, up = 0.0, 0.0
    for box in boxes:
        extent = box.max(axis=0) - box.min(axis=0)
        if extent[1] > SIDEWAYS_BOX * extent[0]:
            up += float(extent[1])
        elif extent[0] > SIDEWAYS_BOX * extent[1]:
            across += float(extent[0])
    return up > across


def _mostly_upside_down(crops: list[np.ndarray], verdicts: list[tuple[bool, float]]) -> bool:
    """The classifier's verdicts on the longest lines, weighted by their length, say "upside down"."""
    longest = sorted(range(len(crops)), key=lambda i: -crops[i].shape[1] / max(crops[i].shape[0], 1))
    weight = {True: 0.0, False: 0.0}
    for i in longest[:ORIENTATION_LINES]:
        flipped, score = verdicts[i]
        weight[flipped] += score * crops[i].shape[1] / max(crops[i].shape[0], 1)
    return weight[True] > weight[False]


def _recognise(engine: Any, crops: list[np.ndarray]) -> tuple[list[str], list[float]]:
    from rapidocr.ch_ppocr_rec import TextRecInput

    if not crops:
        return [], []
    result = engine.text_rec(TextRecInput(img=crops, return_word_box=False))
    return list(result.txts or []), [float(score) for score in (result.scores or [])]


def _turn_with_boxes(image: np.ndarray, boxes: np.ndarray, turn: int) -> tuple[np.ndarray, np.ndarray]:
    """The image turned ``turn`` degrees clockwise, and the boxes moved with it (top-left corner first)."""
    height, width = image.shape[:2]
    x, y = boxes[:, :, 0], boxes[:, :, 1]
    if turn == 90:
        turned, moved = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE), np.stack([height - 1 - y, x], axis=2)
    elif turn == 180:
        turned, moved = cv2.rotate(image, cv2.ROTATE_180), np.stack([width - 1 - x, height - 1 - y], axis=2)
    elif turn == 270:
        turned, moved = cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE), np.stack([y, width - 1 - x], axis=2)
    else:
        return image, boxes
    # the corner that is now top-left comes first, then clockwise, as the crop expects
    first = np.argmin(moved.sum(axis=2), axis=1)
    ordered = np.stack([np.roll(box, -int(k), axis=0) for box, k in zip(moved, first, strict=True)])
    return turned, ordered.astype(np.float32)


def get_line(image: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The line inside ``box`` (4 corners, top-left first, clockwise) cut out straight, left to right."""
    width = int(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3])))
    height = int(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2])))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    matrix = cv2.getPerspectiveTransform(box.astype(np.float32), target)
    line = cv2.warpPerspective(image, matrix, (max(width, 1), max(height, 1)), borderMode=cv2.BORDER_REPLICATE,
                               flags=cv2.INTER_CUBIC)
    # a line still running up the upright card (printed along its side): read it across, as RapidOCR does
    return np.ascontiguousarray(np.rot90(line)) if height >= SIDEWAYS_BOX * width else line


def _three_channels(pixels: np.ndarray) -> np.ndarray:
    return pixels if pixels.ndim == 3 else np.stack([pixels] * 3, axis=2)


class NeuralEngine(OcrEngine):
    """PP-OCRv6 text detection and recognition, each line read once, upright (``read_upright``)."""

    name = "neural"
    # No OSD: read_upright decides from the lines found; measured on real photos, OSD added a third of the
    # time and no accuracy
    turn_from_one_look = True

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def read(self, pixels: np.ndarray) -> OcrResult:
        """Read an upright card (the card is not turned: see read_upright)."""
        _, result = self.read_upright(pixels, turn=0)
        return result

    def read_upright(self, pixels: np.ndarray, turn: int | None = None) -> tuple[int, OcrResult]:
        """(the clockwise turn that makes the card upright, its reading once turned)."""
        return read_upright(pixels, turn)

    def text_boxes(self, pixels: np.ndarray) -> list[tuple[float, float, float, float]]:
        """(left, top, right, bottom) of each line the detector finds, whichever way it runs."""
        boxes = _rapidocr().text_det(_three_channels(pixels)).boxes
        return [] if boxes is None else [(*box.min(axis=0), *box.max(axis=0)) for box in boxes]


class HybridEngine(OcrEngine):
    """PP-OCRv6's lines, with Tesseract's spelling where both read the same letters: it holds both engines."""

    name = "hybrid"
    turn_from_one_look = True  # the turn is PP-OCRv6's

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.neural = NeuralEngine(lang)
        self.tesseract = TesseractEngine(lang=lang, second_look=False)  # it only confirms PP-OCRv6's lines

    def read(self, pixels: np.ndarray) -> OcrResult:
        """Read an upright card (the card is not turned: see read_upright)."""
        _, result = self.read_upright(pixels, turn=0)
        return result

    def text_boxes(self, pixels: np.ndarray) -> list[tuple[float, float, float, float]]:
        return self.neural.text_boxes(pixels)

    def read_upright(self, pixels: np.ndarray, turn: int | None = None) -> tuple[int, OcrResult]:
        turn, neural = self.neural.read_upright(pixels, turn)
        upright = cv2.rotate(pixels, _ROTATIONS[turn]) if turn else pixels
        tesseract = self.tesseract.read(_only_words(upright, neural.lines))
        lines = tuple(_with_at_sign(_with_accents(line, tesseract), tesseract) for line in neural.lines)
        return turn, OcrResult(lines=lines, width=neural.width, height=neural.height)


_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


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
        return line  # digits and punctuation: PP-OCRv6 reads them better
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
                letter = theirs  # "SAs": PP-OCR guesses the case of letters drawn alike; Tesseract sees the x-height
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
