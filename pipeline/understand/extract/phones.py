"""Phone numbers: digits misread as letters repaired, numbers cut out of runs of digits, typed by their label."""

from __future__ import annotations

import re

import phonenumbers

from ...core.models import (
    Found,
    Phone,
    PhoneKind,
    unique_found,
)
from ..lexicons import (
    COUNTRY_PHONE_LABELS,
    PHONE_LABELS,
    fold,
)
from .addresses import postcodes_in
from .lines import CONFUSABLE_DIGITS, Card, conf
from .weights import PHONE

# a run of digits and look-alikes that no letter touches: "O6 l2 34 S6 78", not the "l" of "Tél."
_DIGITISH_RUN = re.compile(
    r"(?<![^\W\d_])[+(]?[0-9OoDQlIi|SsBZzg][0-9OoDQlIi|SsBZzg().\-/ ]{6,}[0-9OoDQlIi|SsBZzg)](?![^\W_])"
)
NUMBER_SPAN = re.compile(r"(?:\+\s?\d{1,3}[\s.]?)?(?:\(\s?0?\d{0,4}\s?\)[\s.-]?)?\d[\d.\- ]{4,}\d")
_EXTENSION = re.compile(r"(?i)\b(?:poste|ext|extension|ramal|x|p)\.?\s*(\d{1,5})\b")
_NOT_PHONE_CONTEXT = re.compile(
    r"(?i)\b(siret|siren|rcs|tva|vat|ape|naf|cnpj|cpf|insc|iban|bic|swift|capital|isbn|n[°º]\s*tva|cep|bp|cs)\b"
    r"|〒"  # Japan's postal mark
)
# every word of the phone labels of every language and country ("ligne", "directe", "kom")
_LABEL_WORDS = frozenset(word for label in [*PHONE_LABELS, *(w for labels in COUNTRY_PHONE_LABELS.values()
                                                               for w in labels)]
                         for word in re.findall(r"[^\W\d_]+", label))
_LABEL_TOKEN = re.compile(r"(?i)([a-zéèêáíóúãç]+(?:\s+directe)?)\.?\s*[:.]?\s*$")


def repair_digits(text: str) -> str:
    """Read O as 0, l as 1, S as 5... inside runs that are mostly digits (and only there)."""

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        digits = sum(c.isdigit() for c in run)
        letters = sum(c.isalpha() for c in run)
        if digits < 6 or letters > 0.6 * digits:
            return run
        # only a letter touching a digit is a misread digit ("O6", "l2", "38ll"); "ID" or "Tel" stay words;
        # a short group of such letters alone between digit groups is a group of digits ("Ol 23 45 67 89")
        as_digits = lambda c: c.group(0).translate(CONFUSABLE_DIGITS)  # noqa: E731
        run = re.sub(r"(?<![^\s(])[OoQlI|]{2}(?=[\s.)-]{1,2}\d)", as_digits, run)
        run = re.sub(r"(?<=\d)[OoDQlIi|SsBZzg]|[OoDQlIi|SsBZzg](?=\d)", as_digits, run)
        # and the letters that follow such a digit ("38ll"); not backwards, where "ID 45" is a label
        while (repaired := re.sub(r"(?<=\d)[OoDQlIi|SsBZzg]", as_digits, run)) != run:
            run = repaired
        return run

    return _PLUS_READ_AS_FOUR.sub(_plus_for_four, _DIGITISH_RUN.sub(fix, text))


# "(0)" follows an international prefix only ("+44 (0)20..."): a "4" just before that prefix was a "+"
_PLUS_READ_AS_FOUR = re.compile(r"(?<![\d+])4\s?(\d{1,3})(?=\s?\(\s?0\s?\))")


def _plus_for_four(match: re.Match[str]) -> str:
    known = phonenumbers.region_code_for_country_code(int(match.group(1))) != "ZZ"
    return "+" + match.group(1) if known else match.group(0)


def _label_kind(prefix: str, region: str = "") -> PhoneKind | None:
    """The phone kind announced by the label just before a number ('Tél. :', 'Mob', 'F'; on a card of ``region``,
    that country's own labels too: 'TIM' in Brazil)."""
    prefix = fold(prefix).strip()
    prefix = re.sub(r"[\s:.()/|-]+$", "", prefix)
    if not prefix:
        return None
    # letters of every script folded ("DĐ" in Vietnamese, "kom." in Polish), not only a to z
    words = re.findall(r"[^\W\d_]+(?:\s+directe)?", prefix)
    if not words:
        return None
    last = words[-1]
    # "Tel/Fax" announces the first: look at the first word of a trailing label group; in "Tel. kom." (a
    # telephone, mobile) the word after the abbreviation's dot says which, and "last" reads it
    group = re.search(r"([a-z]+)\s*/\s*[a-z]+$", prefix)
    for candidate in ([group.group(1)] if group else []) + [last, words[0]]:
        kind = PHONE_LABELS.get(candidate) or COUNTRY_PHONE_LABELS.get(region, {}).get(candidate)
        if kind and (len(candidate) > 1 or prefix.endswith(candidate) or len(prefix) <= 3):
            return kind  # type: ignore[return-value]
    return None


def _parse_phone(candidate: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return number
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in (phonenumbers.ValidationResult.IS_POSSIBLE, phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        return number
    return None


def split_numbers(span: str, region: str) -> list[tuple[str, phonenumbers.PhoneNumber, bool]]:
    """Cut a run of digit groups into phone numbers, longest valid number first."""
    tokens = span.split()
    out = []
    start = 0
    while start < len(tokens):
        for end in range(len(tokens), start, -1):
            candidate = " ".join(tokens[start:end])
            digits = re.sub(r"\D", "", re.sub(r"\(\s*0\s*\)", "", candidate))  # "(0)" is not dialled
            if len(digits) < 7 or len(digits) > 15:
                continue
            number = _parse_phone(candidate, region)
            if number is not None and len(digits) > 12 and not phonenumbers.is_valid_number(number):
                number = None  # a long run of digits that is no valid number is several numbers or none
            if number is not None:
                out.append((candidate, number, phonenumbers.is_valid_number(number)))
                start = end
                break
        else:
            start += 1
    return out


def _with_area_code_of(previous: phonenumbers.PhoneNumber, candidate: str) -> phonenumbers.PhoneNumber | None:
    """``candidate`` dialled with ``previous``'s area code, when that makes a valid number and it alone is not."""
    national = phonenumbers.national_significant_number(previous)
    area = phonenumbers.length_of_geographical_area_code(previous) or \
        phonenumbers.length_of_national_destination_code(previous)
    digits = re.sub(r"\D", "", candidate)
    if not 0 < area < len(national) or digits.startswith("0") or len(digits) + area > len(national) + 1:
        return None
    try:
        shared = phonenumbers.parse(f"+{previous.country_code}{national[:area]}{digits}", None)
    except phonenumbers.NumberParseException:
        return None
    return shared if phonenumbers.is_valid_number(shared) else None


_SLASH_SUFFIX = re.compile(r"\s*/\s*(\d{2,4})(?![\d.-]|\s\d)")


def _variant_after_slash(number: phonenumbers.PhoneNumber, after: str) -> tuple[str, str] | None:
    """(E.164, text) of "/ 90" after a number: the number with its last digits replaced, when that is valid."""
    m = _SLASH_SUFFIX.match(after)
    if m is None:
        return None
    national = phonenumbers.national_significant_number(number)
    suffix = m.group(1)
    if len(suffix) >= len(national) - 2:
        return None
    try:
        variant = phonenumbers.parse(f"+{number.country_code}{national[:-len(suffix)]}{suffix}", None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(variant):
        return None
    return phonenumbers.format_number(variant, phonenumbers.PhoneNumberFormat.E164), m.group(0)


def _looks_like_other_number(candidate: str, before: str, region: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if _NOT_PHONE_CONTEXT.search(before[-25:]):
        return True
    if re.fullmatch(r"\d{5}-?\d{3}", candidate.strip()):  # Brazilian CEP
        return True
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}", candidate.strip()):
        return True
    # a French SIREN (9 digits) or SIRET (14) printed in groups of three, which no French phone number starts
    # without a 0; in Spain or Portugal "612 345 678" is a phone number
    siren_like = re.fullmatch(r"\d{3} ?\d{3} ?\d{3}(?: ?\d{5})?", candidate.strip()) is not None
    return region == "FR" and len(digits) in (9, 14) and siren_like and not candidate.startswith("0")


def take_phones(card: Card) -> list[Found[Phone]]:
    found: list[Found[Phone]] = []
    pending_label: PhoneKind | None = None
    for i, ln in card.free():
        text = repair_digits(ln.text)
        spans = list(NUMBER_SPAN.finditer(text))
        line_label = _label_kind(text, card.region) if not spans else None
        if not spans:
            # a label alone on its line ("Portable") announces the number on the next line; a line that only
            # ends with a label's letters ("Grupa Ciuk s.c.") is no label
            alone = all(w in _LABEL_WORDS for w in re.findall(r"[^\W\d_]+", fold(text)))
            pending_label = line_label if line_label and len(text) <= 16 and alone else None
            continue
        taken: list[str] = []
        postcodes = [re.sub(r"\D", "", code) for code in postcodes_in(text, [card.region])]
        cursor = 0
        previous: phonenumbers.PhoneNumber | None = None  # the line's last valid number: its area code is shared
        for span in spans:
            before = text[cursor:span.start()]
            cursor = span.end()
            kind = _label_kind(before, card.region) or pending_label
            ext_match = _EXTENSION.match(text[span.end():].lstrip(" ,;"))
            for candidate, number, valid in split_numbers(span.group(0), card.region):
                if _looks_like_other_number(candidate, text[: span.start()], card.region):
                    continue
                if any(code in re.sub(r"\D", "", candidate) for code in postcodes):
                    continue  # "Avenida Machado, 70 - 1911-816 Guimarães": a number and a postcode, no phone
                value = candidate if not candidate.startswith("00") else "+" + candidate[2:]
                if not valid and previous is not None:
                    # "(11) 3456-7001 / 3456-7029": the second number is dialled with the first one's area code
                    shared = _with_area_code_of(previous, candidate)
                    if shared is not None:
                        value, number, valid = phonenumbers.format_number(
                            shared, phonenumbers.PhoneNumberFormat.E164), shared, True
                labelled = kind is not None
                if not valid and not labelled and len(re.sub(r"\D", "", candidate)) < 8:
                    continue
                extension = ext_match.group(1) if ext_match else ""
                certainty = PHONE["valid number"] if valid else PHONE["not valid in its country"]
                found.append(Found(Phone(value, kind, extension), conf(ln, certainty), (ln.text,)))
                taken.append(span.group(0) + (text[span.end():span.end() + ext_match.end()] if ext_match else ""))
                if valid:
                    previous = number
                    # "01 23 45 67 89 / 90": the same number but its last digits
                    variant = _variant_after_slash(number, text[span.end():])
                    if variant is not None:
                        found.append(Found(Phone(variant[0], kind, ""), conf(ln, PHONE["valid number"]), (ln.text,)))
                        taken.append(variant[1])
                kind = None  # a label announces the number right after it only
        pending_label = None
        if taken:
            card.leftover.setdefault(i, text)
            for piece in dict.fromkeys(taken):
                card.claim(i, piece)
    return unique_found(found, key=lambda f: re.sub(r"\D", "", f.value.number))

