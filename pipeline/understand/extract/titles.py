"""Whether a line reads as a job title."""

from __future__ import annotations

import re

from ..lexicons import (
    TITLE_ENDINGS,
    TITLE_PHRASES,
    TITLE_WORDS,
    fold,
)


def is_title(text: str) -> bool:
    folded = fold(text)
    if any(phrase in folded for phrase in TITLE_PHRASES):
        return True
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)?", folded)
    if any(w in TITLE_WORDS or w.rstrip("s") in TITLE_WORDS or w.rstrip("e") in TITLE_WORDS for w in words):
        return True
    # German compounds: Projektleiter, Vertriebsleiterin, Steuerberater, Geschäftsführerin
    return any(w.endswith(TITLE_ENDINGS) and len(w) > 8 for w in words)

