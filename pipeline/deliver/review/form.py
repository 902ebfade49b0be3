"""The review form and the contact's vCard: the form read from the card's lines, and written back into them.

The form holds every value the page shows, each with ``ref``, the index of the line it came from. Saving
rewrites only the lines whose value changed (group and parameters kept), removes the ones removed, adds
the new ones beside their kind, and replaces REV and the reviewed mark; every other line (a PHOTO, notes
typed on a phone, X- properties, Apple's ``itemN.`` groups, properties nobody here knows) is written back
as it was, folded as it was. The lines are written by the vCard wrapper (``pipeline.core.vcard``), as
everything cardscan writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ...core.models import Meeting
from ...core.vcard import (
    COMPANY,
    DEFAULT_VERSION,
    NOTE_LANGUAGES,
    AddressItem,
    MeetingItem,
    NameParts,
    OrgItem,
    PhoneItem,
    SocialItem,
    TextItem,
    VCard,
    is_meeting_sentence,
    meeting_label,
    meeting_sentence,
    revision_stamp,
    tel_kind,
    tel_value,
    uri_value,
)
from ...core.vcard_lines import ContentLine, components_of, escape, head_of, list_of, text_of, with_types


class StaleFormError(ValueError):
    """The form names a line the contact no longer has: it changed on disk since the form was read."""


class FormError(ValueError):
    """The edited form cannot make a contact (no name and no organisation)."""


@dataclass(frozen=True)
class CardForm:
    """What the review page shows of a contact, each value with the line it came from."""

    name: NameParts = field(default_factory=NameParts)
    is_company: bool = False  # filed as its company: no person's name
    full_name: str = ""
    titles: tuple[TextItem, ...] = ()
    organisations: tuple[OrgItem, ...] = ()
    phones: tuple[PhoneItem, ...] = ()
    emails: tuple[TextItem, ...] = ()
    websites: tuple[TextItem, ...] = ()
    addresses: tuple[AddressItem, ...] = ()
    social: tuple[SocialItem, ...] = ()
    notes: tuple[TextItem, ...] = ()  # each NOTE without its meeting sentences
    meetings: tuple[MeetingItem, ...] = ()
    version: str = DEFAULT_VERSION


def read_form(text: str) -> CardForm:
    """The form's values of a vCard (its first card)."""
    return form_of(VCard(text))


def form_of(card: VCard) -> CardForm:
    company = card.is_company
    return CardForm(
        name=NameParts() if company else card.name,
        is_company=company,
        full_name=card.full_name,
        titles=tuple(card.titles),
        organisations=tuple(card.organisations),
        phones=tuple(card.phones),
        emails=tuple(card.emails),
        websites=tuple(card.websites),
        addresses=tuple(card.addresses),
        social=tuple(card.social),
        notes=tuple(card.notes),
        meetings=tuple(card.meeting_items),
        version=card.version,
    )


# ---------------------------------------------------------------- saving

_Item = TypeVar("_Item", TextItem, OrgItem, PhoneItem, AddressItem, SocialItem)


def apply_form(text: str, form: CardForm, reviewed: dt.date | None = None,
               revision: dt.datetime | None = None) -> str:
    """The contact with the form's values: changed lines rewritten, everything else byte for byte.

    Items with a ``ref`` the form read stay where they are (unchanged: untouched); items without one are
    added; lines whose ``ref`` the form left out are removed. REV is set, and the reviewed mark when
    ``reviewed`` is given. Raises StaleFormError when a ``ref`` is not a line of that kind.
    """
    card = VCard(text)
    old = form_of(card)
    d = card.dialect
    _apply_list(card, old.titles, form.titles, "TITLE", lambda line, item: (None, escape(item.value)))
    _apply_list(card, old.organisations, form.organisations, "ORG", _org_value)
    _apply_list(card, old.phones, form.phones, "TEL", lambda line, item: _tel_value(card, line, item))
    _apply_list(card, old.emails, form.emails, "EMAIL", lambda line, item: (
        None if line else head_of("EMAIL", {"TYPE": d.email_types}), escape(item.value)))
    _apply_list(card, old.websites, form.websites, "URL", lambda line, item: (None, uri_value(item.value)))
    _apply_list(card, old.addresses, form.addresses, "ADR", lambda line, item: _adr_value(card, line, item))
    _apply_list(card, old.social, form.social, "X-SOCIALPROFILE", _social_value)
    _apply_notes(card, old.notes, form.notes)
    _apply_name(card, old, form)
    _apply_meetings(card, old.meetings, form.meetings)
    _set_single(card, "REV", revision_stamp(d, revision))
    if reviewed is not None:
        _set_single(card, "X-CARDSCAN-REVIEWED", reviewed.isoformat())
    return card.text()


def remove_meeting(text: str, meeting: Meeting, revision: dt.datetime | None = None) -> str:
    """The contact without one of its meetings (the event it was wrongly filed under), all else untouched."""
    card = VCard(text)
    items = card.meeting_items
    leaving = [m for m in items if m.meeting == meeting]
    staying = [m.meeting for m in items if m.meeting != meeting]
    for item in leaving:
        assert item.ref is not None
        card.remove(item.ref)
        date_line = _paired_date(card, item.ref)
        if date_line is not None:
            card.remove(date_line)
        _replace_meeting_everywhere(card, item.meeting, None, staying)
    _set_single(card, "REV", revision_stamp(card.dialect, revision))
    return card.text()


def _apply_list(card: VCard, old: Sequence[_Item], new: Sequence[_Item], name: str,
                write: Callable[[ContentLine | None, _Item], tuple[str | None, str]]) -> None:
    """Rewrite the lines of one property to hold ``new``: ``write`` gives (head or None to keep it, value)."""
    old_by_ref = {item.ref: item for item in old}
    kept: set[int] = set()
    for item in new:
        if item.ref is None:
            head, value = write(None, item)
            card.add_beside(name, head or name, value)
            continue
        if item.ref not in old_by_ref:
            raise StaleFormError(f"no {name} line {item.ref} in this contact")
        kept.add(item.ref)
        if item == old_by_ref[item.ref]:
            continue
        line = card.line(item.ref)
        assert line is not None
        head, value = write(line, item)
        card.set_value(item.ref, value, head)
    for ref in old_by_ref.keys() - kept:
        assert ref is not None
        _remove_with_companions(card, ref)


def _remove_with_companions(card: VCard, ref: int) -> None:
    """Remove a line, and Apple's lines of its group (itemN.X-ABLabel...) that only described it."""
    group = card.read_line(ref).group
    card.remove(ref)
    if not group:
        return
    others = [(i, other) for i, other in card.read_lines() if other.group.lower() == group.lower() and i != ref]
    if all(other.name.startswith("X-AB") for _, other in others):
        for i, _ in others:
            card.remove(i)


def _org_value(line: ContentLine | None, item: OrgItem) -> tuple[str | None, str]:
    rest = components_of(line)[2:] if line is not None else []
    components = [item.name, item.department, *rest]
    while len(components) > 1 and not components[-1]:
        components.pop()
    return None, ";".join(escape(c) for c in components)


def _adr_value(card: VCard, line: ContentLine | None, item: AddressItem) -> tuple[str | None, str]:
    box, extended = components_of(line, 2)[:2] if line is not None else ("", "")
    components = [box, extended, item.street, item.city, item.region, item.postcode, item.country]
    head = None if line else head_of("ADR", {"TYPE": card.dialect.adr_types})
    return head, ";".join(escape(c) for c in components)


def _social_value(line: ContentLine | None, item: SocialItem) -> tuple[str | None, str]:
    service = re.sub(r"[^a-z0-9-]", "", item.service.lower()) or "other"
    if line is None:
        return head_of("X-SOCIALPROFILE", {"TYPE": [service]}), uri_value(item.url)
    same_service = (line.param("TYPE") or [""])[0].lower() == item.service
    return (None if same_service else with_types(line, [service])), uri_value(item.url)


def _tel_value(card: VCard, line: ContentLine | None, item: PhoneItem) -> tuple[str | None, str]:
    d = card.dialect
    types = d.tel_types[item.kind]
    as_uri = line.value.lower().startswith("tel:") if line is not None else d.tel_as_uri
    number, _, extension = item.number.partition(" ext. ")
    value = tel_value(d, number.strip(), extension.strip(), as_uri) if as_uri else tel_value(d, item.number,
                                                                                               as_uri=False)
    if line is None:
        return head_of("TEL", {"TYPE": types, **({"VALUE": ["uri"]} if as_uri else {})}), value
    head = None if tel_kind(line.param("TYPE")) == item.kind else with_types(line, types)
    return head, value


def _apply_notes(card: VCard, old: Sequence[TextItem], new: Sequence[TextItem]) -> None:
    """A NOTE keeps its meeting sentences (the form does not show them) whatever its other text becomes."""
    old_by_ref = {item.ref: item for item in old}
    kept: set[int] = set()
    for item in new:
        if item.ref is None:
            if item.value.strip():
                card.add_beside("NOTE", "NOTE", escape(item.value))
            continue
        if item.ref not in old_by_ref:
            raise StaleFormError(f"no NOTE line {item.ref} in this contact")
        kept.add(item.ref)
        if item != old_by_ref[item.ref]:
            _set_note(card, item.ref, item.value)
    for ref in old_by_ref.keys() - kept:
        assert ref is not None
        _set_note(card, ref, "")


def _set_note(card: VCard, ref: int, text: str) -> None:
    line = card.line(ref)
    assert line is not None
    sentences = [s for s in text_of(line).split("\n") if is_meeting_sentence(s)]
    lines = [*sentences, *([text.replace("\r\n", "\n")] if text else [])]
    if lines:
        card.set_value(ref, escape("\n".join(lines)))
    else:
        card.remove(ref)


def _apply_name(card: VCard, old: CardForm, form: CardForm) -> None:
    """N and FN follow the name; with no person's name, the contact is its first organisation's."""
    organisation = next((o.name.strip() for o in form.organisations if o.name.strip()), "")
    old_organisation = next((o.name.strip() for o in old.organisations if o.name.strip()), "")
    company_renamed = old.is_company and not form.name.is_person and organisation != old_organisation
    if form.name == old.name and not company_renamed:
        return  # a contact nobody renamed keeps its FN and N as they are, whatever they say
    if form.name.is_person:
        n = form.name
        full = _display_name(n, old)
        components = [n.family, n.given, n.additional, n.prefix, n.suffix]
        for ref, _ in card.original("X-ABSHOWAS"):
            card.remove(ref)
        for ref, line in card.original("KIND"):
            if text_of(line).strip().lower() == "org":
                card.remove(ref)
    else:
        if not organisation:
            raise FormError("a contact needs a person's name or an organisation")
        full = organisation
        components = [organisation, "", "", "", ""]
        if not old.is_company:  # the person's name was taken away: the contact becomes its company's
            if not card.original("X-ABSHOWAS"):
                card.add_beside("X-ABSHOWAS", "X-ABSHOWAS", COMPANY)
            if card.dialect.company_kind and not card.original("KIND"):
                card.add_beside("KIND", "KIND", "org")
    _set_single(card, "FN", escape(full))
    _set_single(card, "N", ";".join(escape(c) for c in components))


def _display_name(name: NameParts, old: CardForm) -> str:
    """The full name: given, middle and family names; a prefix or suffix where the old one was shown."""
    core = " ".join(p.strip() for p in (name.given, name.additional, name.family) if p.strip())
    shown = old.full_name
    if name.prefix.strip() and old.name.prefix and shown.startswith(old.name.prefix):
        core = f"{name.prefix.strip()} {core}"
    if name.suffix.strip() and old.name.suffix and shown.endswith(old.name.suffix):
        core = f"{core} {name.suffix.strip()}"
    return core


def _set_single(card: VCard, name: str, value: str) -> None:
    """One line of ``name`` with this value: the first rewritten in place (its head kept), others removed."""
    found = card.original(name)
    if not found:
        card.add_beside(name, name, value)
        return
    first, line = found[0]
    if line.value != value:
        card.set_value(first, value)
    for ref, _ in found[1:]:
        card.remove(ref)


def _paired_date(card: VCard, event_ref: int) -> int | None:
    events = [i for i, line in card.read_lines() if line.name == "X-CARDSCAN-EVENT"]
    dates = [i for i, line in card.read_lines() if line.name == "X-CARDSCAN-DATE"]
    position = events.index(event_ref)
    return dates[position] if position < len(dates) else None


def _apply_meetings(card: VCard, old: Sequence[MeetingItem], new: Sequence[MeetingItem]) -> None:
    """Meetings are changed (event, date), never added or removed here: scanning adds, 'not a card' removes."""
    old_by_ref = {item.ref: item for item in old}
    for item in new:
        if item.ref not in old_by_ref:
            raise StaleFormError(f"no meeting {item.ref} in this contact")
        before = old_by_ref[item.ref]
        if item.meeting == before.meeting:
            continue
        assert item.ref is not None
        card.set_value(item.ref, escape(item.event))
        date_line = _paired_date(card, item.ref)
        if date_line is not None:
            card.set_value(date_line, item.date.isoformat())
        others = [m.meeting for m in new if m.ref != item.ref]
        _replace_meeting_everywhere(card, before.meeting, item.meeting, others)


def _replace_meeting_everywhere(card: VCard, old: Meeting, new: Meeting | None, others: list[Meeting]) -> None:
    """The meeting's sentence in NOTE, its event in CATEGORIES and Apple's dated item follow the change, in
    place: a person's edit changes those lines only (cardscan's own changes write them all: ``set_meetings``)."""
    for ref, line in card.original("NOTE"):
        sentences = text_of(line).split("\n")
        changed = []
        for sentence in sentences:
            lang = next((lang for lang in NOTE_LANGUAGES if sentence == meeting_sentence(old, lang)), None)
            if lang is None:
                changed.append(sentence)
            elif new is not None:
                changed.append(meeting_sentence(new, lang))
        if changed != sentences:
            if any(changed):
                card.set_value(ref, escape("\n".join(changed)))
            else:
                card.remove(ref)
    if new is None or new.event != old.event:
        _replace_category(card, old.event, None if new is None else new.event,
                          keep_old=any(m.event == old.event for m in others))
    _replace_apple_item(card, old, new)


def _replace_category(card: VCard, old: str, new: str | None, keep_old: bool) -> None:
    """CATEGORIES without the old event (unless another meeting keeps it) and with the new one, once."""
    lines = card.original("CATEGORIES")
    placed = new is None or any(new in list_of(line) for _, line in lines)
    for ref, line in lines:
        values = list_of(line)
        updated: list[str] = []
        for value in values:
            if value != old or keep_old:
                updated.append(value)
            elif not placed:
                updated.append(new or "")
                placed = True
        if updated != values:
            if updated:
                card.set_value(ref, ",".join(escape(v) for v in updated))
            else:
                card.remove(ref)
    if not placed and new is not None:
        current = card.line(lines[0][0]) if lines else None
        if lines and current is not None:
            card.set_value(lines[0][0], (current.value + "," if current.value else "") + escape(new))
        else:
            card.add_beside("CATEGORIES", "CATEGORIES", escape(new))


def _replace_apple_item(card: VCard, old: Meeting, new: Meeting | None) -> None:
    labels = {meeting_label(old, lang) for lang in NOTE_LANGUAGES}
    for ref, line in card.original("X-ABLABEL"):
        if not line.group or text_of(line) not in labels:
            continue
        dates = [(i, d) for i, d in card.original("X-ABDATE")
                 if d.group.lower() == line.group.lower() and text_of(d).strip() == old.date.isoformat()]
        if not dates:
            continue
        if new is None:
            card.remove(ref)
            for i, _ in dates:
                card.remove(i)
        else:
            lang = next(lang for lang in NOTE_LANGUAGES if text_of(line) == meeting_label(old, lang))
            card.set_value(ref, escape(meeting_label(new, lang)))
            for i, _ in dates:
                card.set_value(i, new.date.isoformat())
        return
