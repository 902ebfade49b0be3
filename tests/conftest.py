"""Shared helpers for the tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def sample_photos() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in {".jpg", ".png", ".heic"})


def expected_for(photo: Path) -> dict:
    return json.loads(photo.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture
def contacts(tmp_path: Path) -> Path:
    return tmp_path / "contacts"


JARS = [Path("/usr/share/java/ez-vcard.jar"), Path("/usr/share/java/vinnie.jar")]
HARNESS = Path(__file__).parent / "java" / "VCardCheck.java"


@pytest.fixture(scope="session")
def ez_vcard(tmp_path_factory) -> list[str]:
    if shutil.which("javac") is None or not all(j.exists() for j in JARS):
        pytest.skip("ez-vcard check needs javac and Debian's libez-vcard-java, libvinnie-java")
    out = tmp_path_factory.mktemp("java")
    classpath = ":".join(str(j) for j in JARS)
    subprocess.run(["javac", "-cp", classpath, "-d", str(out), str(HARNESS)], check=True, timeout=300)
    return ["java", "-cp", f"{classpath}:{out}", "VCardCheck"]



def tesseract_installed() -> bool:
    return shutil.which("tesseract") is not None


def neural_installed() -> bool:
    from pipeline.read.ocr_neural import neural_available

    return neural_available()


# What a test needs installed, said once: the test is skipped with the reason when it is missing.
requires_tesseract = pytest.mark.skipif(not tesseract_installed(), reason="Tesseract is not installed")
# Tesseract alone misreads the large name of a whole 1600x1200 photo ("le MARTIN") and the light lines of
# a dark panel: the tests of what the default engine reads need it
requires_neural = pytest.mark.skipif(not neural_installed(),
                                     reason="the neural engine is not installed (pip install 'cardscan[neural]')")


@pytest.fixture
def tesseract_engine():
    """The Tesseract engine (skipped where Tesseract is not installed)."""
    if not tesseract_installed():
        pytest.skip("Tesseract is not installed")
    from pipeline.read.ocr_tesseract import TesseractEngine

    return TesseractEngine("fra+eng")


@pytest.fixture
def neural_engine():
    """The neural engine, PP-OCRv6 (skipped where cardscan[neural] is not installed)."""
    if not neural_installed():
        pytest.skip("the neural engine is not installed (pip install 'cardscan[neural]')")
    from pipeline.read.ocr_neural import NeuralEngine

    return NeuralEngine("fra+eng")


def read(text: str, region: str = "FR"):
    """A card's text through the text stages (lines, region, extraction, normalisation): its contact."""
    from pipeline.understand.extract import extract_contact, guess_region, lines_from_text
    from pipeline.understand.normalise import normalise_contact

    lines = lines_from_text(text)
    region = guess_region(lines, region)
    return normalise_contact(extract_contact(lines, region), region)
