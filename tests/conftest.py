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



requires_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
