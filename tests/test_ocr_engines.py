"""The OCR engines' own logic: PP-OCRv6 read upright, accents from Tesseract on its lines, line joining."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.core.models import Box, OcrLine, OcrResult, OcrWord
from pipeline.read.ocr_neural import _with_accents, _with_at_sign, _words
from pipeline.read.ocr_tesseract import lines_from_tesseract_data, vertical_share

from .conftest import requires_tesseract


def line(text: str, left: int, top: int, width: int, height: int, confidence: float = 0.9) -> OcrLine:
    return OcrLine(words=_words(text, Box(left, top, width, height), confidence))


def test_tesseract_spelling_with_accents_wins_when_the_letters_agree():
    neural = line("Chargee de communication", 100, 50, 600, 40)
    tesseract = OcrResult(lines=(OcrLine(words=(
        OcrWord("Chargée", Box(100, 52, 170, 36), 0.9), OcrWord("de", Box(285, 52, 50, 36), 0.9),
        OcrWord("communication", Box(350, 52, 340, 36), 0.9))),), width=800, height=400)
    assert _with_accents(neural, tesseract).text == "Chargée de communication"


def test_neural_reading_stays_when_tesseract_read_other_letters():
    neural = line("paula.sousa@vortelis.com.br", 100, 50, 600, 40)
    tesseract = OcrResult(lines=(OcrLine(words=(OcrWord("pau1a.sousa@vorte1is.com.br", Box(100, 52, 590, 36), 0.5),)),),
                          width=800, height=400)
    assert _with_accents(neural, tesseract).text == "paula.sousa@vortelis.com.br"


def test_the_at_sign_tesseract_read_replaces_the_letters_pp_ocr_read_for_it():
    def one_word(text: str) -> OcrResult:
        return OcrResult(lines=(OcrLine(words=(OcrWord(text, Box(100, 52, 590, 36), 0.6),)),), width=800, height=400)

    neural = line("joana.reis77idgmail.com", 100, 50, 600, 40)
    assert _with_at_sign(neural, one_word("joana.reis7?@gmail:com")).text == "joana.reis77@gmail.com"
    assert _with_at_sign(line("E-mail: jdupontaacme.fr", 100, 50, 600, 40),
                         one_word("E-mail:jdupont@acme.fr")).text == "E-mail: jdupont@acme.fr"
    # too few letters read alike around Tesseract's "@": PP-OCRv4's reading stays
    assert _with_at_sign(neural, one_word("xz@q")).text == "joana.reis77idgmail.com"
    kept = line("contact@acme.fr", 100, 50, 600, 40)
    assert _with_at_sign(kept, one_word("contact@acme.fr")) is kept


def tesseract_words(*words: tuple[str, float], height: int = 36) -> OcrResult:
    placed, left = [], 100
    for text, confidence in words:
        placed.append(OcrWord(text, Box(left, 52, 25 * len(text), height), confidence))
        left += 25 * len(text) + 15
    return OcrResult(lines=(OcrLine(words=tuple(placed)),), width=1200, height=400)


def test_spaces_and_accents_come_back_where_most_letters_agree():
    neural = line("12RuedelaRepublique", 100, 50, 600, 40)
    tesseract = tesseract_words(("12", 0.9), ("Rue", 0.9), ("de", 0.9), ("la", 0.9), ("Répub1ique", 0.8))
    assert _with_accents(neural, tesseract).text == "12 Rue de la République"


def test_no_space_from_a_doubtful_or_differently_sized_tesseract_word():
    neural = line("MOTORLESTE", 100, 50, 600, 40)
    unsure = tesseract_words(("MOTOR", 0.9), ("LESTE", 0.4))
    assert _with_accents(neural, unsure).text == "MOTORLESTE"
    logo = OcrResult(lines=(OcrLine(words=(OcrWord("MOTOR", Box(100, 52, 200, 36), 0.9),
                                           OcrWord("LESTE", Box(320, 30, 330, 60), 0.9))),), width=1200, height=400)
    assert _with_accents(neural, logo).text == "MOTORLESTE"


def test_no_space_inside_numbers_addresses_or_links():
    neural = line("Tel 0612345678 jean.dupont@cabinet-martin.fr", 100, 50, 900, 40)
    tesseract = tesseract_words(("Tel", 0.9), ("06", 0.9), ("12345678", 0.9), ("jean.dupont@cabinet", 0.9),
                                ("martin.fr", 0.9))
    assert _with_accents(neural, tesseract).text == "Tel 0612345678 jean.dupont@cabinet-martin.fr"


def test_an_accent_is_taken_only_between_agreeing_letters():
    neural = line("Pecas Mecanicas", 100, 50, 600, 40)
    tesseract = tesseract_words(("Pégas", 0.9), ("Mecanicas", 0.9))
    assert _with_accents(neural, tesseract).text == "Pecas Mecanicas"


def test_sideways_text_is_noticed():
    sideways = OcrResult(lines=(line("Sophie Lefevre", 100, 50, 40, 400),), width=800, height=600)
    upright = OcrResult(lines=(line("Sophie Lefevre", 100, 50, 400, 40),), width=800, height=600)
    assert vertical_share(sideways) == 1.0 and vertical_share(upright) == 0.0


def test_pieces_of_one_printed_line_are_joined_but_columns_are_not():
    data = {"text": ["Eletrônica", "TAKEDA", "Ltda.", "Portable"], "conf": [90, 90, 90, 90],
            "left": [100, 330, 500, 1400], "top": [50, 52, 51, 50], "width": [200, 150, 100, 200],
            "height": [40, 40, 40, 40], "block_num": [1, 2, 2, 3], "par_num": [1, 1, 1, 1], "line_num": [1, 1, 1, 1]}
    result = lines_from_tesseract_data(data, 2000, 800)
    assert [ln.text for ln in result.lines] == ["Eletrônica TAKEDA Ltda.", "Portable"]



def test_lines_running_up_a_card_on_its_side_are_not_joined():
    from pipeline.read.image_ops import reading_order

    # a card on its side: each printed line is a tall, narrow box, the next one just beside it
    title = line("Gerente de Negócios", 300, 100, 30, 320)
    name = line("Caio Tavares", 340, 110, 45, 300)
    assert [ln.text for ln in reading_order([title, name])] == ["Gerente de Negócios", "Caio Tavares"]

def test_the_case_of_letters_drawn_alike_comes_from_tesseract():
    neural = line("Groupe Fontaine SAs", 100, 50, 600, 40)
    tesseract = tesseract_words(("Groupe", 0.9), ("Fontaine", 0.9), ("SAS", 0.9))
    assert _with_accents(neural, tesseract).text == "Groupe Fontaine SAS"
    other_letters = tesseract_words(("GROUPE", 0.9), ("Fontaine", 0.9), ("SAs", 0.9))
    assert _with_accents(line("Groupe Fontaine SAs", 100, 50, 600, 40), other_letters).text == "Groupe Fontaine SAs"


def test_tesseract_is_shown_only_the_lines_with_letters_on_the_card_colour():
    import numpy as np

    from pipeline.read.ocr_neural import _only_words

    card = np.full((200, 600, 3), 230, np.uint8)
    card[20:60, 50:300] = 10    # a line with letters
    card[100:140, 50:300] = 10  # a line of digits only
    card[150:190, 400:590] = 90  # a logo nobody read
    lines = (line("Camille Martin", 50, 20, 250, 40), line("04 72 00 12 34", 50, 100, 250, 40))
    shown = _only_words(card, lines)
    assert (shown[20:60, 50:300] == 10).all()
    assert (shown[100:140, 50:300] == 230).all() and (shown[150:190, 400:590] == 230).all()


def test_tesseract_looks_again_for_the_contact_lines_it_missed(monkeypatch):
    import numpy as np

    from pipeline.read.ocr_tesseract import TesseractEngine

    otsu = OcrResult(lines=(line("Camille Martin", 50, 20, 300, 40), line("Tél. 04 72 OO", 50, 80, 300, 40, 0.4)),
                     width=600, height=300)
    sauvola = OcrResult(lines=(line("Camile Martln", 50, 20, 300, 40), line("Tél. 04 72 00 12 34", 50, 80, 300, 40),
                               line("camille@atelier.fr", 50, 140, 300, 40)), width=600, height=300)
    readings = {0: otsu, 2: sauvola}
    engine = TesseractEngine()
    monkeypatch.setattr(engine, "_read", lambda pixels, thresholding: readings[thresholding])
    texts = [ln.text for ln in engine.read(np.zeros((300, 600), np.uint8)).lines]
    assert texts == ["Camille Martin", "Tél. 04 72 OO", "Tél. 04 72 00 12 34", "camille@atelier.fr"]
    monkeypatch.setattr(engine, "second_look", False)  # as the hybrid asks: Tesseract only confirms there
    assert [ln.text for ln in engine.read(np.zeros((300, 600), np.uint8)).lines] == ["Camille Martin", "Tél. 04 72 OO"]


class TurnsItself:
    """An engine that says how the card lies as it reads it (as the neural engines do)."""

    name = "fake"
    turn_from_one_look = True

    def __init__(self, turn: int, text_when_told: dict[int, str]) -> None:
        self.turn, self.text_when_told, self.calls = turn, text_when_told, []

    def read(self, pixels):  # pragma: no cover - never asked: read_upright is
        raise AssertionError("read_upright should be used")

    def detect_rotation(self, pixels):  # pragma: no cover
        raise AssertionError("no orientation detection before reading")

    def read_upright(self, pixels, turn=None):
        self.calls.append(turn)
        turn = self.turn if turn is None else turn
        text = self.text_when_told.get(turn, "Camille Martin Directrice commerciale")
        return turn, OcrResult(lines=(line(text, 10, 10, 500, 40),), width=600, height=300)


def test_a_card_that_says_how_it_lies_is_turned_and_read_once():
    from pipeline.core.models import CardImage
    from pipeline.read.orient import upright_and_read

    card = CardImage(pixels=np.full((300, 600, 3), 230, np.uint8), found_card=True, rotation=0)
    engine = TurnsItself(270, {})
    turned, reading = upright_and_read(card, engine)
    assert turned.rotation == 270 and turned.pixels.shape == (600, 300, 3)
    assert engine.calls == [None] and reading.lines[0].text.startswith("Camille")


def test_a_card_read_as_almost_nothing_is_read_the_other_way_over_too():
    from pipeline.core.models import CardImage
    from pipeline.read.orient import upright_and_read

    card = CardImage(pixels=np.full((300, 600, 3), 230, np.uint8), found_card=True, rotation=0)
    engine = TurnsItself(90, {90: "ɐ"})  # the turn it decided was the wrong way over
    turned, reading = upright_and_read(card, engine)
    assert engine.calls == [None, 270] and turned.rotation == 270
    assert reading.lines[0].text.startswith("Camille")


def test_line_boxes_turn_with_the_card():
    from pipeline.read.ocr_neural import _turn_with_boxes

    image = np.zeros((100, 200, 3), np.uint8)
    image[10:20, 30:90] = 255  # a line near the top left
    box = np.array([[[30, 10], [89, 10], [89, 19], [30, 19]]], np.float32)
    for turn in (90, 180, 270):
        turned, moved = _turn_with_boxes(image, box, turn)
        (left, top), (right, bottom) = moved[0].min(axis=0).astype(int), moved[0].max(axis=0).astype(int)
        assert turned[top:bottom + 1, left:right + 1].min() == 255  # the box still holds the line
        assert tuple(moved[0][0]) == (left, top)  # top-left corner first, as the line's cut expects


def test_the_card_is_upside_down_when_its_longest_lines_read_so():
    from pipeline.read.ocr_neural import _mostly_upside_down

    crops = [np.zeros((40, 600, 3), np.uint8), np.zeros((40, 500, 3), np.uint8), np.zeros((40, 80, 3), np.uint8)]
    assert _mostly_upside_down(crops, [(True, 0.9), (True, 0.8), (False, 1.0)])
    assert not _mostly_upside_down(crops, [(False, 0.9), (True, 0.6), (True, 1.0)])


def test_pp_ocrv6_reads_accents_and_an_e_mail_on_its_own(neural_engine):
    texts = [ln.text for ln in neural_engine.read(upright_sample()).lines]
    assert "Atelier Lumière SARL" in texts
    assert "camille.martin@atelier-lumiere.fr" in texts


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_card_lying_sideways_or_upside_down_is_read_once_upright(turn: int, monkeypatch, neural_engine):
    from pipeline.read.image_ops import rotate
    from pipeline.read.ocr_neural import _rapidocr

    engine = neural_engine
    detector = _rapidocr().text_det
    detections = []
    call = type(detector).__call__

    def counted(self, image):  # type: ignore[no-untyped-def]
        detections.append(1)
        return call(self, image)

    monkeypatch.setattr(type(detector), "__call__", counted)
    lying = rotate(upright_sample(), turn)
    found, reading = engine.read_upright(lying)
    assert found == (360 - turn) % 360
    assert len(detections) == 1  # the lines are found once, on the card as it lies
    texts = [ln.text for ln in reading.lines]
    assert texts[0] == "Camille MARTIN" and "Atelier Lumière SARL" in texts
    assert (reading.width, reading.height) == (upright_sample().shape[1], upright_sample().shape[0])


def upright_sample():
    from pipeline.read.light import prepare_for_ocr
    from pipeline.read.load import load_photo
    from pipeline.read.locate import straighten_all

    from .conftest import SAMPLES

    return prepare_for_ocr(straighten_all(load_photo(SAMPLES / "fr-atelier-lumiere.jpg").pixels)[0].pixels)


@requires_tesseract
def test_tesseract_in_this_process_reads_as_the_program_does():
    from pipeline.read.image_ops import rotate
    from pipeline.read.ocr_tesseract import TesseractEngine

    card = upright_sample()
    in_process, program = TesseractEngine(in_process=True), TesseractEngine(in_process=False)
    texts = [ln.text for ln in in_process.read(card).lines]
    assert "camille.martin@atelier-lumiere.fr" in texts and "Atelier Lumière SARL" in texts
    assert texts == [ln.text for ln in program.read(card).lines]
    for turn in (0, 90, 180, 270):
        turned = rotate(card, turn)
        assert in_process.detect_rotation(turned)[0] == program.detect_rotation(turned)[0] == (360 - turn) % 360


@requires_tesseract
def test_without_tesserocr_the_tesseract_program_reads(monkeypatch):
    import sys

    from pipeline.read.ocr_tesseract import TesseractEngine, TesseractLibrary

    monkeypatch.setitem(sys.modules, "tesserocr", None)  # as if it were not installed
    TesseractLibrary.for_languages.cache_clear()
    try:
        engine = TesseractEngine()
        assert engine._library is None
        assert "Atelier Lumière SARL" in [ln.text for ln in engine.read(upright_sample()).lines]
    finally:
        TesseractLibrary.for_languages.cache_clear()


@requires_tesseract
def test_the_hybrid_reads_a_turned_card_upright_and_aligns_tesseract_on_the_upright_lines(neural_engine):
    from pipeline.read.image_ops import rotate
    from pipeline.read.ocr_neural import HybridEngine

    turn, reading = HybridEngine("fra+eng").read_upright(rotate(upright_sample(), 90))
    texts = [ln.text for ln in reading.lines]
    assert turn == 270
    assert "Atelier Lumière SARL" in texts and "camille.martin@atelier-lumiere.fr" in texts
