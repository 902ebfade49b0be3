"""The OCR engines' own logic: accents from Tesseract on PP-OCRv4's lines, sideways text, line joining."""

from __future__ import annotations

from pipeline.models import Box, OcrLine, OcrResult, OcrWord
from pipeline.ocr import lines_from_tesseract_data
from pipeline.ocr_neural import _with_accents, _words
from pipeline.orient import vertical_share


def line(text: str, left: int, top: int, width: int, height: int, confidence: float = 0.9) -> OcrLine:
    return OcrLine(words=_words(text, Box(left, top, width, height), confidence))


def test_tesseract_spelling_with_accents_wins_when_the_letters_agree():
    neural = line("Chargee de communication", 100, 50, 600, 40)
    tesseract = OcrResult(lines=(OcrLine(words=(
        OcrWord("Chargée", Box(100, 52, 170, 36), 0.9), OcrWord("de", Box(285, 52, 50, 36), 0.9),
        OcrWord("communication", Box(350, 52, 340, 36), 0.9))),), width=800, height=400)
    assert _with_accents(neural, tesseract).text == "Chargée de communication"


def test_neural_reading_stays_when_tesseract_read_other_letters():
    neural = line("daniel.silva@beltis.com.br", 100, 50, 600, 40)
    tesseract = OcrResult(lines=(OcrLine(words=(OcrWord("danie1.si1va@be1tis.com.br", Box(100, 52, 590, 36), 0.5),)),),
                          width=800, height=400)
    assert _with_accents(neural, tesseract).text == "daniel.silva@beltis.com.br"


def test_sideways_text_is_noticed():
    sideways = OcrResult(lines=(line("Sophie Lefevre", 100, 50, 40, 400),), width=800, height=600)
    upright = OcrResult(lines=(line("Sophie Lefevre", 100, 50, 400, 40),), width=800, height=600)
    assert vertical_share(sideways) == 1.0 and vertical_share(upright) == 0.0


def test_pieces_of_one_printed_line_are_joined_but_columns_are_not():
    data = {"text": ["Eletrônica", "ADACHI", "Ltda.", "Portable"], "conf": [90, 90, 90, 90],
            "left": [100, 330, 500, 1400], "top": [50, 52, 51, 50], "width": [200, 150, 100, 200],
            "height": [40, 40, 40, 40], "block_num": [1, 2, 2, 3], "par_num": [1, 1, 1, 1], "line_num": [1, 1, 1, 1]}
    result = lines_from_tesseract_data(data, 2000, 800)
    assert [ln.text for ln in result.lines] == ["Eletrônica ADACHI Ltda.", "Portable"]
