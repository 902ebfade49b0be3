"""Asking the address book: which events, who was met where, who matches a name, a company or a number.

Everything here only reads the contacts folder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import phonenumbers

from ..core.models import Meeting
from ..understand.lexicons import fold
from .folder import ContactsFolder, event_slug
from .records import StoredCard


@dataclass(frozen=True)
class EventSummary:
    event: str
    date: dt.date
    contacts: int


@dataclass(frozen=True)
class Person:
    """A contact on disk: where its file is and what it says."""

    path: Path
    stored: StoredCard


def list_events(folder: ContactsFolder) -> list[EventSummary]:
    """Every (event, day) with the number of people met there, most recent first."""
    counts: Counter[Meeting] = Counter()
    for _, stored in folder.stored_cards():
        counts.update(set(stored.meetings))
    return sorted((EventSummary(m.event, m.date, n) for m, n in counts.items()),
                  key=lambda e: (e.date, fold(e.event)), reverse=True)


def find_people(folder: ContactsFolder, query: str) -> list[Person]:
    """Contacts whose name, company, e-mail or phone contains ``query`` (case and accents ignored);
    when none does, the ones a typo away (see ``search_people``)."""
    return search_people(folder, query)[0]


# A word of at least this many letters may be one typo away from what is stored ('camile' finds 'Camille');
# a shorter one must match as typed, or one typo would match half the address book.
TYPO_MIN_LENGTH = 4


def search_people(folder: ContactsFolder, query: str) -> tuple[list[Person], bool]:
    """(contacts found, whether they match exactly): the exact matches, else those one typo away per word."""
    words = fold(query).split()
    digits = re.sub(r"\D", "", query)
    exact, close = [], []
    for path, stored in folder.stored_cards():
        haystack = fold(" ".join([stored.full_name, stored.organisation, *stored.emails]))
        by_text = bool(words) and all(word in haystack for word in words)
        by_phone = len(digits) >= 6 and any(_national_digits(digits) in _national_digits(p) for p in stored.phones)
        if by_text or by_phone:
            exact.append(Person(path, stored))
        elif words:
            tokens = re.findall(r"[a-z0-9]+", haystack)
            if all(word in haystack or _one_typo_from_a_token(word, tokens) for word in words):
                close.append(Person(path, stored))
    found = exact or close
    return sorted(found, key=lambda p: fold(p.stored.full_name)), bool(exact) or not found


def _one_typo_from_a_token(word: str, tokens: list[str]) -> bool:
    if len(word) < TYPO_MIN_LENGTH:
        return False
    return any(_at_most_one_edit(word, token) or (len(token) > len(word) and _at_most_one_edit(word, token[:len(word)]))
               for token in tokens)


def _at_most_one_edit(a: str, b: str) -> bool:
    """One letter left out, added, changed, or two neighbours swapped (optimal string alignment)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]]
                                   and a[diffs[1]] == b[diffs[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1:]


def describe_person(person: Person) -> str:
    """'Camille Martin (Atelier Lumière) · +33 6 12 34 56 78 · camille@x.fr · met at vernissage on 2026-11-20'."""
    s = person.stored
    head = s.full_name + (f" ({s.organisation})" if s.organisation and not s.is_company else "")
    met = ", ".join(f"{m.event} on {m.date.isoformat()}" for m in s.meetings) or "no recorded meeting"
    return " · ".join([head, *(_readable_phone(p) for p in s.phones), *s.emails, f"met at {met}"])


def _readable_phone(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number, None)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return number


def people_met_at(folder: ContactsFolder, event: str, date: dt.date | None = None) -> list[Person]:
    """Everyone met at ``event`` (compared as its slug, so case and accents do not matter), on ``date`` if given."""
    slug = event_slug(event)
    return [
        Person(path, stored)
        for path, stored in folder.stored_cards()
        if any(event_slug(m.event) == slug and (date is None or m.date == date) for m in stored.meetings)
    ]


def _national_digits(number: str) -> str:
    """The last nine digits: '06 12 34 56 78' and '+33 6 12 34 56 78' compare equal."""
    digits = re.sub(r"\D", "", number)
    return digits[-9:]
