"""The OCR engine contract (read/ocr_engine.py): every engine implements it; one registry resolves --engine."""

from __future__ import annotations

import inspect

import pytest

from pipeline.core.errors import BadArgumentsError
from pipeline.read import ocr_engine
from pipeline.read.ocr_engine import ENGINES, OcrEngine, check_engine, engine_for, resolve_engine
from pipeline.read.ocr_neural import HybridEngine, NeuralEngine
from pipeline.read.ocr_tesseract import TesseractEngine

from .conftest import neural_installed, requires_neural, requires_tesseract


def test_every_engine_implements_the_contract_and_the_hybrid_holds_two_engines():
    for engine in (TesseractEngine, NeuralEngine, HybridEngine):
        assert issubclass(engine, OcrEngine) and not inspect.isabstract(engine)
    assert not issubclass(HybridEngine, NeuralEngine) and not issubclass(HybridEngine, TesseractEngine)
    assert {TesseractEngine.name, NeuralEngine.name, HybridEngine.name} == set(ENGINES) - {"auto"}


def test_the_contract_cannot_be_half_implemented():
    class ReadsOnly(OcrEngine):
        name = "half"

        def read(self, pixels):  # type: ignore[no-untyped-def]
            raise NotImplementedError

    with pytest.raises(TypeError):
        ReadsOnly()  # type: ignore[abstract]


def test_auto_is_the_neural_engine_when_installed_else_tesseract():
    assert resolve_engine("auto") == ("neural" if neural_installed() else "tesseract")
    assert resolve_engine("hybrid") == "hybrid"


def test_an_engine_not_installed_is_refused_with_the_fix(monkeypatch):
    monkeypatch.setattr("pipeline.read.ocr_neural.neural_available", lambda: False)
    with pytest.raises(BadArgumentsError, match=r"pip install 'cardscan\[neural\]'"):
        check_engine("hybrid")
    check_engine("tesseract")


@requires_tesseract
def test_the_registry_gives_one_engine_per_name_and_languages():
    ocr_engine.engine_for.cache_clear()
    engine = engine_for("tesseract", "fra+eng")
    assert isinstance(engine, TesseractEngine) and engine_for("tesseract", "fra+eng") is engine


@requires_neural
@requires_tesseract
def test_the_hybrid_from_the_registry_holds_a_neural_and_a_tesseract_engine():
    hybrid = engine_for("hybrid", "fra+eng")
    assert isinstance(hybrid, HybridEngine)
    assert isinstance(hybrid.neural, NeuralEngine) and isinstance(hybrid.tesseract, TesseractEngine)
    assert hybrid.turn_from_one_look and not TesseractEngine.turn_from_one_look
