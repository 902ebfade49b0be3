"""Card lines as extraction sees them: cleaned text, cut where a new field starts, with their size and place."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass, field

from ...core.models import (
    OcrLine,
    OcrResult,
)
from ..lexicons import (
    COUNTRY_NAMES,
    LABEL_FIRST_WORDS,
    LEGAL_FORMS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    PHONE_LABELS,
    TITLE_PHRASES,
    fold,
    is_first_name,
)
from .titles import is_title


@dataclass(frozen=True)
class TextLine:
    """A card line as extraction sees it: cleaned text plus what OCR said about it."""

    text: str
    height: float = 20.0
    confidence: float = 0.9
    top: float = 0.0
    left: float = 0.0
    width: float = 0.0  # 0 when unknown (text without an image)


@dataclass
class Card:
    """Working state while the lines of one card are claimed field by field."""

    lines: list[TextLine]
    region: str
    used: set[int] = field(default_factory=set)
    email_lines: set[int] = field(default_factory=set)  # a website may share its line with an e-mail
    # what is left of a line once its e-mail, website or phone numbers were taken: an address may share it
    leftover: dict[int, str] = field(default_factory=dict)
    taken_by_address: set[int] = field(default_factory=set)

    def free(self) -> list[tuple[int, TextLine]]:
        return [(i, ln) for i, ln in enumerate(self.lines) if i not in self.used]

    def claim(self, i: int, piece: str) -> None:
        """Line ``i`` is taken for ``piece`` (an e-mail, a website, a number); what else it says stays readable."""
        self.used.add(i)
        rest = self.leftover.get(i, self.lines[i].text).replace(piece, " | ", 1)
        # the label that announced the piece goes with it ("Tel:", "E-mail :", "P.")
        rest = _ORPHAN_LABEL.sub(lambda m: m.group(1) if fold(m.group(2)).strip(".") in _CLAIM_LABELS else m.group(0),
                                 rest)
        rest = re.sub(r"(?:\s*\|\s*)+", " | ", rest).strip(" |·•-–,;")
        if sum(c.isalnum() for c in rest) >= 2:
            self.leftover[i] = rest
        else:
            self.leftover.pop(i, None)


# letters an OCR reads for digits
CONFUSABLE_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                                    "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "g": "9"})


_ORPHAN_LABEL = re.compile(r"(?i)(^|[|·•,;]\s*|\s[-–]\s*|\s)([^\W\d_][\w.'/-]{0,14})\s*[:.]?\s*(?=\|)")
_CLAIM_LABELS = frozenset(PHONE_LABELS) | {"e-mail", "email", "mail", "courriel", "e", "w", "web", "site", "www",
                                           "website", "url", "internet", "e-posta", "tel/fax", "tel./fax"}


def lines_from_ocr(ocr: OcrResult) -> list[TextLine]:
    """Turn OCR lines into extraction lines, dropping what is only noise."""
    out = []
    for line in ocr.lines:
        text = clean_line(line.text)
        if _is_noise(text, line):
            continue
        for part in split_at_labels(text):
            out.append(TextLine(text=part, height=line.height, confidence=line.confidence,
                                top=line.box.top, left=line.box.left, width=line.box.width * len(part) / len(text)))
    return out


# "Lucas Whitmore  Cell: 817-555-0142": two columns read as one line; a "Label:" starts a new field
# (not a house number's "No:12", "Nr.: 5")
_INNER_LABEL = re.compile(r"(?<=\S)\s+(?!(?i:n[or°º]\.?|num)\s?:\s?\d)(?=[^\W\d_](?:[^\W\d_]|[.-]){0,11}\s?:\s?\S)")


# "Olivier Masson  Tél. 02 40 12 34 56": a phone label before a number starts a new field, with no colon too
# (labels of three letters or more of every language; matched on the folded line)
_INNER_PHONE_LABEL = re.compile(
    r"(?<=\S)\s+(?=(?:" + "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in PHONE_LABELS if len(w) >= 3),
                                          key=len, reverse=True))
    + r")\b\.?\s*:?\s*[+(\d])"
    # a label of one or two letters before an international number ("Hanne Callens T +32 10 06 80 64"), or after a
    # word before a number of eight digits or more ("Tina Greco T 0575 818737")
    + r"|(?<=\S)\s+(?=(?:" + "|".join(sorted(re.escape(w) for w in PHONE_LABELS if len(w) <= 2 and w.isalpha()))
    + r")\.?\s*:?\s*\+\d)"
    + r"|(?<=[^\W\d_])\s+(?=(?:" + "|".join(sorted(re.escape(w) for w in PHONE_LABELS if len(w) <= 2 and w.isalpha()))
    + r")\.?\s*:?\s*\(?\d(?:[\s().-]*\d){7})"
)
# the first word of a label of two words ("Ligne directe :", "Site web :", "Tél. fixe :"): not a field alone
# "JEAN DUPONT - Directeur commercial", "Julie Martin | CEO": a name and a job title on one line
_NAME_THEN_TITLE = re.compile(r"^([^\W\d_][^\d@:/,]+?)(?:\s*,|\s+[-–|•·])\s+([^\W\d_][^\d@:/]+)$")


# "Daniel Hamilton, MSc - Head of Sales": the degree closes the name, the title follows the dash
_DEGREE_BEFORE_TITLE = re.compile(
    r"^([^\W\d_][^\d@:/,]+?,)\s*((?i:" + "|".join(sorted(NAME_SUFFIXES, key=len, reverse=True))
    + r")\.?)\s+[-–|•·]\s+(?=[^\W\d_])")


def _split_before_phone_labels(text: str) -> list[str]:
    folded = fold(text)
    if len(folded) != len(text):
        return [text]
    cuts = [m.start() for m in _INNER_PHONE_LABEL.finditer(folded)]
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def split_at_labels(text: str) -> list[str]:
    """Cut a line where a new field starts: before each 'Word:' or phone label that follows other text, and
    between a name and the job title printed after it. Each part is one field."""
    parts: list[str] = []
    for part in (p.strip() for chunk in _INNER_LABEL.split(text) for p in _split_before_phone_labels(chunk)):
        if not part:
            continue
        if parts and fold(parts[-1]).rstrip(".") in LABEL_FIRST_WORDS:
            parts[-1] = f"{parts[-1]} {part}"
        elif parts and len(parts[-1].split()) > 1 and fold(parts[-1].split()[-1]).rstrip(".") in LABEL_FIRST_WORDS:
            # "Olivia Albert Ligne" + "directe : +32...": the label's first word goes with the rest of it
            head, first_word = parts[-1].rsplit(" ", 1)
            parts[-1:] = [head, f"{first_word} {part}"]
        else:
            parts.append(part)
    out: list[str] = []
    for part in (_JUNK_EDGES.sub("", p).strip() or p for p in parts):  # "Lynn CARR |" before "P: +1 201..."
        degree = _DEGREE_BEFORE_TITLE.match(part)
        if degree and is_title(part[degree.end():]):
            out += [f"{degree.group(1)} {degree.group(2)}", part[degree.end():]]
            continue
        m = _NAME_THEN_TITLE.match(part)
        name_words = [w for w in m.group(1).split() if w not in NAME_PARTICLES] if m else []
        # the title in words cardscan knows, or any short phrase after a known first name ("Ida GRZELEC - Prezes")
        title_like = m is not None and (is_title(m.group(2)) or (
            is_first_name(name_words[0]) and len(m.group(2).split()) <= 5))
        if m and any(w in LEGAL_FORMS for w in re.findall(r"[a-z/]+", fold(m.group(2)).replace(".", ""))):
            title_like = False  # "Lone Star Logistics, LLC": a company and its legal form
        if m and COUNTRY_NAMES.get(fold(m.group(2)).strip(" .")):
            title_like = False  # "San Severo - Italy": a city and its country
        # ("Senad Kaufmann": a name's word may be a title's too, after a first name)
        if m and title_like and 2 <= len(name_words) <= 4 and all(w[0].isupper() for w in name_words) \
                and (not is_title(m.group(1)) or (is_first_name(name_words[0])
                                                   and not any(p in fold(m.group(1)) for p in TITLE_PHRASES))):
            out += [m.group(1), m.group(2)]
        else:
            out.append(part)
    return out or [text]


def lines_from_text(text: str) -> list[TextLine]:
    """Extraction lines from plain text (one card line per text line), for tests and QR payloads."""
    return [TextLine(text=part, top=i * 30.0)
            for i, t in enumerate(text.splitlines()) if clean_line(t) for part in split_at_labels(clean_line(t))]


_JUNK_EDGES = re.compile(r"^[\s|¦_=~*•·>»«<\[\]{}]+|[\s|¦_=~*•·<»«>\[\]{}]+$")


def clean_line(text: str) -> str:
    """Normalise spaces and typographic variants, and strip OCR junk at the ends of a line."""
    # full-width forms ("（", "＠") become ASCII; middle dots separate digit groups ("248·555·0137")
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("–", "-").replace("—", "-")
    text = re.sub(r"(?<=\d)[·•‧](?=\d)", ".", text)
    text = re.sub(r"\(\s*0\s*[lI|\]]", "(0)", text)  # "+44 (0l 20": the trunk prefix's bracket misread
    text = re.sub(r"\b(Dr|Mr|Mrs|Ms|Mme|Mlle|Me|Pr|Prof|Sr|Sra)\.(?=[A-ZÀ-Ý])", r"\1. ", text)  # "Dr.Avery"
    # "Paulo M.Tavares": an initial glued to the surname (not in an address such as "J.Smith@acme.com")
    text = re.sub(r"(?<![\w.@/])([A-ZÀ-Ý])\.(?=[A-ZÀ-Ý][a-zà-ÿ]{2,}(?![\w.-]*@))", r"\1. ", text)
    text = re.sub(r"(?<=[A-ZÀ-Ý]{2})(?=(?:Ltda|Ltd|Inc|GmbH|Corp)\b)", " ", text)  # "TAKEDALtda."
    # "2Harbour Street", "12rue des Lilas": a street number the OCR glued to the street's name
    text = re.sub(r"^(\d{1,5}(?:bis|ter)?)(?=[A-ZÀ-Ý][a-zà-ÿ]{3,}|(?:rue|avenue|bd|boulevard|chemin|allée|impasse|place"
                  r"|quai|route|rua|avenida|calle|via)\b)", r"\1 ", text)
    text = re.sub(r"\s+", " ", text)
    # a quote standing alone at an end ("Noortje Boers '"): a speck the OCR read, not "'t" of "van 't Erve"
    text = re.sub(r"^['\"`´]+(?=\s)|(?<=\s)['\"`´]+$", "", text)
    return _JUNK_EDGES.sub("", text).strip()


def _is_noise(text: str, line: OcrLine) -> bool:
    letters = sum(c.isalnum() for c in text)
    if letters == 0:
        return True
    # single characters read from logos, lines and photos of the table
    return len(text) <= 2 and line.confidence < 0.6


def conf(ln: TextLine, rule_certainty: float) -> float:
    return round(max(0.0, min(1.0, rule_certainty * (0.4 + 0.6 * ln.confidence))), 3)


def next_in_column(lines: list[TextLine], index: int, step: int, passed: Container[int] = ()) -> int | None:
    """The line printed right under (``step`` +1) or over (-1) line ``index``, in its column, or None.

    A part of the line's own row comes first ("Ida GRZELEC - Kierownik Zakupów", cut after the name), unless it is
    among ``passed`` (taken by another field: "Ana Lima  Mobile: ..."). Where the lines' places are known, the
    nearest line under (over) it that shares some of its width, at most one and a half lines away: a line of
    another column read in between ("Jato de tinta" on the left of a card, beside the name on the right) is none.
    Where they are not (text without an image), the next line read.
    """
    line = lines[index]
    k = index + step
    while 0 <= k < len(lines) and lines[k].top == line.top and lines[k].height == line.height:
        if k not in passed:
            return k  # the same row, cut in parts
        k += step
    if not 0 <= k < len(lines):
        return None
    if not (line.width and lines[k].width):
        return k
    best: tuple[float, int] | None = None
    for j, other in enumerate(lines):
        if j == index or not other.width or (other.top == line.top and other.height == line.height):
            continue
        upper, lower = (line, other) if step > 0 else (other, line)
        shift = (lower.top + lower.height / 2) - (upper.top + upper.height / 2)
        gap = lower.top - (upper.top + upper.height)
        overlap = min(line.left + line.width, other.left + other.width) - max(line.left, other.left)
        # boxes of close lines overlap a little: under means its middle below, not its top below the bottom
        if overlap > 0 and shift >= 0.5 * min(upper.height, lower.height) \
                and gap <= 1.5 * max(upper.height, lower.height) and (best is None or gap < best[0]):
            best = (gap, j)
    return None if best is None else best[1]
