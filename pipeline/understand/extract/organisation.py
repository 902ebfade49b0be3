"""The organisation: a legal form, the name the e-mail or web domain echoes, or the biggest print."""

from __future__ import annotations

import difflib
import re

from ...core.models import (
    Found,
)
from ..lexicons import (
    AMBIGUOUS_LEGAL_FORMS,
    COUNTRY_NAMES,
    GROUP_WORDS,
    LANDMARK_WORDS,
    LEGAL_FORMS,
    NAME_PARTICLES,
    OPENING_HOURS_WORDS,
    ORG_DESCRIPTORS,
    TAGLINE_PATTERNS,
    TRADE_WORDS,
    WEBMAIL_PROVIDERS,
    fold,
    legal_form_sequences,
    legal_form_tokens,
)
from .lines import Card, conf
from .titles import is_title
from .weights import ORGANISATION


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[/&'-][a-z0-9]+)*", fold(text).replace(".", ""))


def has_legal_form(text: str) -> bool:
    """The line names a company by its legal form: a form of the country files after its first word ("Lumis
    SAS"), or one of cleanco's many countries' forms closing it ("Lojen d.o.o.", "Nexa Sp. z o.o.", "FZE")."""
    raw = fold(text)
    for printed in text.split()[1:]:
        word = fold(printed).strip(",;()").replace(".", "")
        # a form of two letters is one when printed as one ("SA", "S.A."), not a name's word ("Sá", "Co")
        if word in LEGAL_FORMS and (len(word) > 2 or word not in AMBIGUOUS_LEGAL_FORMS or printed.isupper()
                                    or "." in printed):
            return True
    if COUNTRY_NAMES.get(raw.strip(" .")):
        return False  # "U.S.A.": where the card is from, not "S.A."
    if re.search(r"\bs/[ac]\b|(?<![a-z]\.)\bs\.a\.", raw):
        return True
    forms = legal_form_sequences()
    tokens = legal_form_tokens(text)
    for n in range(1, min(6, len(tokens))):
        form = tokens[-n:]
        if form in forms or ("".join(form),) in forms:  # "Sp. k." is "sp.k."
            # a short form is one when printed as one: with its dots or in capitals ("K.K.", "DMCC"), not "da"
            last = text.split()[-1] if text.split() else ""
            return n > 1 or len(form[0]) > 3 or "." in last or last.isupper()
    return False


def is_tagline(text: str) -> bool:
    """'a Northwind company', 'Filiale de Delta', 'Mitglied der X Gruppe': whose company a brand is."""
    folded = " ".join(fold(text).strip(" .,»«").split())
    if re.search(r"[\d@]", text) or not 2 <= len(folded.split()) <= 8:
        return False
    return any(pattern.match(folded) for pattern in TAGLINE_PATTERNS)


def _is_group_line(text: str) -> bool:
    """'Groupe Boucher', 'Grupo Torrens': a group's name, under a brand it owns."""
    words = fold(text).split()
    named = [w for w in text.split()[1:] if fold(w) not in NAME_PARTICLES]  # "Grupo da Rosa": its name after "da"
    return 2 <= len(words) <= 4 and words[0] in GROUP_WORDS and bool(named) and named[0][:1].isupper()


def take_taglines(card: Card) -> Found[str] | None:
    """Set a brand's tagline aside (it is neither the company, nor a title); the brand is the line above it."""
    brand: Found[str] | None = None
    free = card.free()
    for position, (i, ln) in enumerate(free):
        above = free[position - 1] if position > 0 else None
        group = _is_group_line(ln.text) and not has_legal_form(ln.text) and above is not None \
            and above[0] == i - 1 and len(above[1].text.split()) <= 3 and _may_be_brand(above[1].text)
        if not (is_tagline(ln.text) or group):
            continue
        card.used.add(i)
        if brand is None and above is not None and above[0] == i - 1 and _may_be_brand(above[1].text):
            card.used.add(above[0])
            brand = Found(above[1].text.strip(" »«"), conf(above[1], ORGANISATION["brand above its tagline"]),
                          (above[1].text, ln.text))
    return brand


def _may_be_brand(text: str) -> bool:
    words = text.strip(" »«").split()
    return 1 <= len(words) <= 4 and not re.search(r"[\d@:/]", text) and not is_title(text)


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _matches_domain(text: str, domains: list[str]) -> bool:
    if text.lstrip().startswith("@"):
        return False  # a social handle, not the company's name
    squashed = squash(text)
    if len(squashed) < 3:
        return False
    for domain in domains:
        label = squash(domain.split(".")[0])
        if len(label) < 3:
            continue
        if squashed in label or (len(label) >= 4 and label in squashed):
            return True
        # "Fleurs & Sens" for fleurs-et-sens.fr: the same name, its "&" spelled out
        if len(squashed) >= 6 and difflib.SequenceMatcher(None, squashed, label).ratio() >= 0.85:
            return True
    return False


def _spelled(text: str, domains: list[str]) -> tuple[int, int]:
    """(letters of a domain's name ``text`` spells, letters of ``text`` beyond them), for the best domain."""
    squashed = squash(text)
    best = (0, len(squashed))
    for domain in domains:
        label = squash(domain.split(".")[0])
        common = len(squashed) if squashed in label else len(label) if label in squashed else 0
        best = max(best, (common, len(squashed) - common), key=lambda b: (b[0], -b[1]))
    return best


def take_organisation_by_form_or_domain(card: Card, domains: list[str]) -> Found[str] | None:
    free = card.free()
    for i, ln in free:
        if has_legal_form(ln.text) and not re.search(r"\d{4,}", ln.text) and len(ln.text) <= 60:
            card.used.add(i)
            return Found(ln.text, conf(ln, ORGANISATION["legal form"]), (ln.text,))
    company_domains = [d for d in domains if d.split(".")[0] not in WEBMAIL_PROVIDERS]
    candidates = [(i, ln) for i, ln in free if _matches_domain(ln.text, company_domains) and len(ln.text) <= 60]
    if not candidates:
        return None
    # a logo set on two lines ("Aurora" / "Buffet" for aurorabuffet.com.br) is one name
    # the line that spells most of the domain with the fewest other letters ("da Mota" rather than the person
    # "André da Mota Guerra" for mota.com.br), then the one that is no job title, then the biggest
    spelled = {i: _spelled(ln.text, company_domains) for i, ln in candidates}
    i, ln = max(candidates, key=lambda c: (spelled[c[0]][0], -spelled[c[0]][1], not is_title(c[1].text), c[1].height))
    positions = [position for position, (j, _) in enumerate(free) if j in {c[0] for c in candidates}]
    main = positions[candidates.index((i, ln))]
    # (the other lines joined are parts of the domain's name, not lines that hold it among other words)
    near = [c for c, position in zip(candidates, positions, strict=True)
            if c == (i, ln) or (abs(position - main) <= 2 and not is_title(c[1].text) and spelled[c[0]][1] == 0)]
    for j, _ in near:
        card.used.add(j)
    text = " ".join(other.text for _, other in near)
    return Found(text, conf(ln, ORGANISATION["echoed by the e-mail or web domain"]),
                 tuple(other.text for _, other in near))




def take_organisation_by_size(card: Card) -> Found[str] | None:
    """Fallback: the biggest line left that reads like a name of something, i.e. the logo line."""
    candidates = []
    free = card.free()
    tallest = max((ln.height for _, ln in free), default=0.0)
    for i, ln in free:
        letters = sum(c.isalpha() for c in ln.text)
        # only a line read with confidence: a garbled logo is worse than no organisation
        acronym = letters == 3 and re.fullmatch(r"[A-Z]{3}", ln.text) is not None  # "RVT": a logo of initials
        if (letters < 4 and not acronym) or letters / max(len(ln.text), 1) < 0.7 or ln.confidence < 0.75 \
                or len(ln.text) > 50:
            continue
        if len(ln.text.split()) > (9 if ln.height >= tallest else 6):
            continue  # a slogan or a list of services, unless it is the card's biggest print
        if any(len(token) > 15 for token in re.findall(r"[^\W\d_]+", ln.text)):
            continue  # "MADRINHASEFORMANDAS": words the OCR glued together, a phrase rather than a name
        words = [w for w in re.findall(r"[^\W\d_]{3,}", ln.text)]
        if len(words) > 1 and sum(w[0].islower() for w in words) * 2 > len(words):
            continue  # "óculos e lentes de contato": a description, names are capitalised ("bluewave" is a brand)
        if len(words) == 1 and fold(words[0]) in TRADE_WORDS:
            continue  # "RESTAURANTE" says what the place is, not what it is called
        if not _may_name_a_business(ln.text):
            continue
        # a business's name is short ("Telvion", "Nexa Conseil"); what it sells takes more words
        brevity = 1.1 if len(words) <= 2 else 0.9 if len(words) >= 4 else 1.0
        # "Médecins généralistes" under "CABINET MÉDICAL DES LILAS": what the people do, rather than the name
        trade = 0.7 if is_title(ln.text) else 1.0
        candidates.append((ln.height * (0.5 + ln.confidence) * brevity * trade, i, ln))
    if not candidates:
        return None
    _, i, ln = max(candidates, key=lambda c: c[0])
    card.used.add(i)
    return Found(ln.text, conf(ln, ORGANISATION["biggest print"]), (ln.text,))


def _may_name_a_business(text: str) -> bool:
    """False for opening hours, directions, asides and lists of services, which logos sit beside."""
    words = re.findall(r"[a-z]+", fold(text))
    if any(w in OPENING_HOURS_WORDS for w in words) or re.search(r"\d{1,2}\s?[h:]\s?\d{2}", text):
        return False  # "Segunda à Sábado", "9h30 - 18h"
    if words and words[0] in LANDMARK_WORDS:
        return False  # "Próximo à Escola ...": directions
    if COUNTRY_NAMES.get(fold(text).strip(" .")):
        return False  # "U.S.A.": where the card is from
    if text.startswith("(") and text.endswith(")"):
        return False  # "(Zeca)": an aside, such as the person's nickname
    # "Escrituras, Inventários, Divórcio" or "Acessórios p/ Computador,": what is done, not who does it
    return text.count(",") < 2 and not text.rstrip().endswith(",")


def _is_descriptor(word: str) -> bool:
    """A word saying what a business does, also when the OCR lost a letter of it ("nformatica")."""
    return word in ORG_DESCRIPTORS or (len(word) >= 7 and bool(difflib.get_close_matches(word, ORG_DESCRIPTORS,
                                                                                          n=1, cutoff=0.8)))


def with_descriptor(card: Card, organisation: Found[str]) -> Found[str]:
    """The organisation with the line under its logo that says what it does ("VORTELIS" + "IT Solutions")."""
    if not organisation.evidence:
        return organisation
    logo_text = organisation.evidence[-1]
    index = next((i for i, ln in enumerate(card.lines) if i in card.used and ln.text == logo_text), None)
    if index is None:
        return organisation
    logo = card.lines[index]
    for i, ln in card.free():
        words = re.findall(r"[a-z]+", fold(ln.text))
        if not 1 <= len(words) <= 3 or re.search(r"\d|@|www", ln.text) or not any(map(_is_descriptor, words)):
            continue
        gap = ln.top - (logo.top + logo.height)
        beside = not (logo.width and ln.width) or (
            min(logo.left + logo.width, ln.left + ln.width) - max(logo.left, ln.left) > 0.3 * min(logo.width, ln.width)
        )
        if -0.2 * logo.height <= gap <= 1.2 * logo.height and ln.height <= 1.1 * logo.height and beside:
            card.used.add(i)
            return Found(f"{organisation.value} {ln.text}", organisation.confidence, (*organisation.evidence, ln.text))
    return organisation

