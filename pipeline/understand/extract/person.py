"""The person's name, job title and department."""

from __future__ import annotations

import re

from ...core.models import (
    Found,
    PersonName,
)
from ..lexicons import (
    AND_WORDS,
    COUNTRY_NAMES,
    COUNTRY_PHONE_LABELS,
    DEPARTMENT_WORDS,
    LEGAL_FORMS,
    NAME_PARTICLES,
    NAME_PREFIXES,
    NAME_SUFFIXES,
    NOT_NAME_WORDS,
    ORG_DESCRIPTORS,
    PHONE_LABELS,
    STREET_WORDS,
    TRADE_WORDS,
    city_countries,
    fold,
    is_city,
    is_first_name,
)
from .lines import Card, TextLine, conf, next_in_column
from .organisation import has_legal_form, is_tagline, squash
from .titles import is_title
from .weights import NAME_SCORE, PERSON


def _is_name_word(word: str) -> bool:
    """A capitalised word of letters ("Michał", "O'Neil", "J."), or a particle of a surname ("van", "da")."""
    if word in NAME_PARTICLES:
        return True
    core = word.removesuffix(".")
    return core[:1].isupper() and core[:1].isalpha() and all(c.isalpha() or c in "'’-" for c in core)




def _name_score(ln: TextLine, locals_: list[str], max_height: float, next_line: TextLine | None) -> float:
    text = ln.text
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 45:
        return -1
    if re.search(r"[\d@/:&+]", text):
        return -1
    core = [w for w in words if fold(w).strip(".") not in NAME_PREFIXES]
    while len(core) > 2 and fold(core[-1]).strip(".,") in NAME_SUFFIXES:
        core.pop()  # "Jennifer Moore, CPA": a degree after the name (split_name leaves it out of the name)
    if core and core[-1].endswith(",") and len(core) < len(words):
        core[-1] = core[-1][:-1]
    if len(core) < 2 or not all(_is_name_word(w) for w in core) or ln.confidence < 0.6:
        return -1
    folded_words = [re.sub(r"^[ld]['’]", "", fold(w).strip(".,")) for w in core]  # "L'Atelier" -> atelier
    if len(set(folded_words)) < len(folded_words) and not any(
            squash(local).count(squash(w)) >= 2 for local in locals_ for w in folded_words if len(squash(w)) >= 3):
        return -1  # "Visa Visa": logos side by side, not a person (unless the e-mail spells it: "thomas.thomas@")
    # a legal form printed as one ("SA", "S.A.", "GmbH"), not a name's word folded alike ("Sá")
    forms = [w in LEGAL_FORMS and (len(w) > 3 or printed.isupper() or "." in printed)
             for w, printed in zip(folded_words, core, strict=True)]
    if any(forms) or any(w in NOT_NAME_WORDS or (w in STREET_WORDS and len(w) > 3) for w in folded_words):
        return -1
    if is_title(text) and not any(is_first_name(w) for w in core[:1]):
        return -1
    if len(folded_words) == 3 and folded_words[1] in AND_WORDS and is_first_name(core[0]):
        return -1  # "Marie et Paul", "Rosa e Tadeu": two people (a surname comes before "e" in one name)
    score = 0.0
    if is_first_name(core[0]) or is_first_name(core[-1]):
        score += NAME_SCORE["a known first name"]
    for local in locals_:
        squashed_local = squash(local)
        parts = [squash(w) for w in core if len(squash(w)) >= 3]
        if any(p in squashed_local for p in parts):
            score += NAME_SCORE["echoed by the e-mail"]
            break
    if next_line is not None and is_title(next_line.text):
        score += NAME_SCORE["a title under it"]
    score += NAME_SCORE["its size (the biggest print: 1)"] * ln.height / max_height
    score += ln.confidence - 0.5
    return score


def take_name(card: Card, locals_: list[str]) -> Found[PersonName] | None:
    free = card.free()
    if not free:
        return None
    max_height = max(ln.height for _, ln in free)
    best: tuple[float, int, TextLine] | None = None
    for position, (i, ln) in enumerate(free):
        next_line = free[position + 1][1] if position + 1 < len(free) else None
        score = _name_score(ln, locals_, max_height, next_line)
        if score >= NAME_SCORE["enough to be a name"] and (best is None or score > best[0]):
            best = (score, i, ln)
    if best is None:
        return _first_name_beside_a_number(card)
    score, i, ln = best
    card.used.add(i)
    confidence = conf(ln, min(PERSON["name, at most"], 0.4 + score / 8))
    return Found(PersonName(full=ln.text), confidence, (ln.text,))


_CAPITALISED = r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'-]+"
_FIRST_OF_SEVERAL = re.compile(
    rf"^({_CAPITALISED}(?: {_CAPITALISED}){{0,2}})\s*/\s*({_CAPITALISED})(?: {_CAPITALISED})?$"
)
_FIRST_NAME_THEN_NUMBER = re.compile(r"^([A-ZÀ-Ý][A-Za-zÀ-ÿ'-]+)\s*[:-]?\s*[+(]?\d[\d .()/-]{6,}\d")


def _first_name_beside_a_number(card: Card) -> Found[PersonName] | None:
    """Cards of a small business often name only first names: "Rosilda / Ana Paula", "SAM 248.555.0137".

    The first person named is the contact; used only when no full name was found.
    """
    for i, ln in enumerate(card.lines):
        match = _FIRST_OF_SEVERAL.match(ln.text) or _FIRST_NAME_THEN_NUMBER.match(ln.text)
        if not match:
            continue
        words = match.group(1).split()
        folded = fold(words[0])
        if folded in PHONE_LABELS or folded in NOT_NAME_WORDS or folded in STREET_WORDS or folded in COUNTRY_NAMES:
            continue
        if folded in COUNTRY_PHONE_LABELS.get(card.region, {}):
            continue  # "TIM 11 98765-4321" in Brazil: the carrier, not Tim
        if is_city(words[0], card.region):
            continue  # "Paris 01 42 00 00 00": a branch's number, not a person's
        # "Rosilda / Ana Paula": a first name the dictionary lacks, beside one it knows
        beside = match.group(2) if match.re is _FIRST_OF_SEVERAL else ""
        if is_first_name(words[0]) or (beside and len(words) == 1 and is_first_name(beside)):
            if i not in card.used and match.re is _FIRST_OF_SEVERAL:
                card.used.add(i)
            return Found(PersonName(full=match.group(1)), conf(ln, PERSON["first name beside a number"]), (ln.text,))
    return None


def take_title(card: Card, name: Found[PersonName] | None) -> Found[str] | None:
    if name is None:
        return None  # on a card with no person, a line that reads like a job is a slogan
    free = card.free()
    candidates = []
    name_top = next((ln.top for ln in card.lines if ln.text == name.evidence[0]), None)
    for position, (i, ln) in enumerate(free):
        if not is_title(ln.text) or re.search(r"[@\d]{2,}", ln.text) or len(ln.text) > 60:
            continue
        if len(ln.text.split()) > 6:
            continue  # a slogan or a list of services
        if has_legal_form(ln.text):
            continue
        distance = abs(ln.top - name_top) if name_top is not None else 0.0
        candidates.append((distance, position, i, ln))
    certainty = PERSON["title in words cardscan knows"]
    if not candidates:
        beside = _line_beside_the_name(card, name)
        if beside is None:
            return None
        candidates, certainty = [(0.0, *beside)], PERSON["title by its place under the name"]
    # the nearest; at equal distances the one under the name, where cards print the title
    _, position, i, ln = min(candidates, key=lambda c: (c[0], c[3].top < (name_top or 0.0)))
    text = ln.text
    card.used.add(i)
    evidence = [ln.text]
    # a title continued on the next line ("Directeur du développement" / "et des partenariats")
    if position + 1 < len(free):
        j, nxt = free[position + 1]
        continued = re.match(r"^(?:et|and|&|e|y|de|du|des|of|en)\b", nxt.text) or (
            re.match(r"^[a-zà-ÿ]", nxt.text) and len(nxt.text.split()) >= 2)  # "smith" alone is a brand
        # right under the title (not after the name printed between), and no particle and a name ("van Northeim")
        named = nxt.text.split()[0] in NAME_PARTICLES and all(w[:1].isupper() for w in nxt.text.split()[1:])
        under = next_in_column(card.lines, i, +1) == j
        if continued and under and not named and not re.search(r"[@\d]", nxt.text):
            text = f"{text} {nxt.text}"
            card.used.add(j)
            evidence.append(nxt.text)
    return Found(text, conf(ln, certainty), tuple(evidence))


_INITIAL_AND_SURNAME = re.compile(r"[A-ZÀ-Ý]\.\s?[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]+")


def _line_beside_the_name(card: Card, name: Found[PersonName]) -> tuple[int, int, TextLine] | None:
    """(position among the free lines, index, line) of the short phrase printed right under the person's name (or
    right above it), in any language: where a card puts the job title ("Kierownik Zakupów", "Marknadschef")."""
    if name.value.full != name.evidence[0]:
        return None  # "SAM 248.555.0137": a first name beside its number heads no block of its own
    free = card.free()
    index = next((i for i, ln in enumerate(card.lines) if ln.text == name.evidence[0]), None)
    if index is None:
        return None
    name_line = card.lines[index]
    for neighbour in (next_in_column(card.lines, index, +1, card.used),
                      next_in_column(card.lines, index, -1, card.used)):
        position = next((p for p, (i, _) in enumerate(free) if i == neighbour), None)
        if neighbour is None or position is None:
            continue
        ln = free[position][1]
        words = ln.text.split()
        if not 1 <= len(words) <= 5 or len(ln.text) > 50 or re.search(r"[\d@:|•·+]", ln.text):
            continue
        if not words[0][:1].isupper() or ln.height > 1.1 * name_line.height:
            # a title is printed capitalised and no bigger than the name; "bluewave" is a brand, a bigger line a logo
            continue
        if has_legal_form(ln.text) or is_tagline(ln.text) or COUNTRY_NAMES.get(fold(ln.text).strip(" .")):
            continue
        if _INITIAL_AND_SURNAME.fullmatch(ln.text):
            continue  # "R. OLIVEIRA": a name's shape (a logo's second line), no job
        if city_countries(ln.text) or any(fold(w).strip(".,") in STREET_WORDS for w in words if len(w) > 3):
            continue
        folded = {fold(w).strip(".,&") for w in words}
        name_words = {fold(w).strip(".,") for w in name.evidence[0].split() if len(w) >= 3}
        if folded & (ORG_DESCRIPTORS | TRADE_WORDS | name_words):
            continue  # "Studio Legale Ferri" under "Avv. Marco Ferri": the firm, not the job
        return position, neighbour, ln
    return None


def take_department(card: Card) -> Found[str] | None:
    for i, ln in card.free():
        words = re.findall(r"[a-z]+", fold(ln.text))
        if words and words[0] in DEPARTMENT_WORDS and len(ln.text) <= 60 and not re.search(r"\d", ln.text):
            card.used.add(i)
            return Found(ln.text, conf(ln, PERSON["department"]), (ln.text,))
    return None

