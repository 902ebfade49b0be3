"""Edit a vCard at the level of its content lines: whatever the review form does not change stays byte for byte.

A contact may have been through a phone since cardscan wrote it: a PHOTO, NOTE lines typed there, X-
properties, Apple's ``itemN.`` groups, properties nobody here knows. A parser's round trip would reorder,
re-escape or drop some of them. Here the text is cut into content lines (unfolded, each keeping the exact
characters it was written with), the form is read from the lines it owns (each value with ``ref``, the
index of its line), and saving rewrites only the lines whose value changed (group and parameters kept),
removes the ones removed, adds the new ones, and replaces REV and the reviewed mark. Every other line is
written back as it was, folded as it was.
"""

from __future__ import annotations

import datetime as dt
import quopri
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .core.models import Meeting, PhoneKind
from .vcard import DEFAULT_VERSION, absolute_url, is_meeting_sentence, meeting_label, meeting_sentence, vcard_dialect

LINE_OCTETS = 75
NOTE_LANGUAGES = ("fr", "en")

# The properties the review form shows and edits; a new one goes after the last of them.
FORM_PROPERTIES = ("FN", "N", "ORG", "TITLE", "TEL", "EMAIL", "URL", "ADR", "X-SOCIALPROFILE", "NOTE")


class StaleFormError(ValueError):
    """The form names a line the contact no longer has: it changed on disk since the form was read."""


class FormError(ValueError):
    """The edited form cannot make a contact (no name and no organisation)."""


# ---------------------------------------------------------------- content lines

@dataclass(frozen=True)
class ContentLine:
    """One logical line of a vCard: its exact text as written, and its parts."""

    raw: str  # the physical lines as in the file, with their line ends
    group: str  # "item1" in item1.X-ABLabel, else ""
    name: str  # upper case
    params: tuple[tuple[str, str], ...]  # (NAME, value) per parameter value, unquoted; vCard 2.1's bare 'CELL' is TYPE
    head: str  # group, name and parameters as written, before the value's ':'
    value: str  # unfolded, escapes kept

    def param(self, name: str) -> list[str]:
        return [value for key, value in self.params if key == name]

    @property
    def quoted_printable(self) -> bool:
        return any(v.upper() == "QUOTED-PRINTABLE" for v in self.param("ENCODING"))


def parse_lines(text: str) -> list[ContentLine]:
    """The content lines of ``text``, in order; joining their ``raw`` gives ``text`` back exactly."""
    physical = _physical_lines(text)
    lines: list[ContentLine] = []
    index = 0
    while index < len(physical):
        raw = physical[index]
        index += 1
        while index < len(physical) and physical[index][:1] in (" ", "\t"):
            raw += physical[index]
            index += 1
        line = _content_line(raw)
        # vCard 2.1 quoted-printable: a value ending in '=' goes on at the start of the next physical line
        while line.quoted_printable and line.value.endswith("=") and index < len(physical):
            raw += physical[index]
            index += 1
            line = _content_line(raw)
        lines.append(line)
    return lines


def _physical_lines(text: str) -> list[str]:
    parts = re.split(r"(\r\n|\n|\r)", text)
    out = [parts[i] + (parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
    return [p for p in out if p]


def _unfold(raw: str) -> str:
    logical = re.sub(r"(?:\r\n|\n|\r)[ \t]", "", raw)
    return logical.rstrip("\r\n")


def _content_line(raw: str) -> ContentLine:
    logical = _unfold(raw)
    colon = _outside_quotes(logical, ":")
    head, value = (logical, "") if colon < 0 else (logical[:colon], logical[colon + 1:])
    pieces = _split_outside_quotes(head, ";")
    group, _, name = pieces[0].rpartition(".")
    params: list[tuple[str, str]] = []
    for piece in pieces[1:]:
        key, equals, values = piece.partition("=")
        if not equals:  # vCard 2.1: TEL;CELL;VOICE
            key, values = "TYPE", piece
        for item in _split_outside_quotes(values, ","):
            params.append((key.strip().upper(), item.strip().strip('"')))
    return ContentLine(raw=raw, group=group, name=name.strip().upper(), params=tuple(params), head=head, value=value)


def _outside_quotes(text: str, char: str) -> int:
    quoted = False
    for position, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            return position
    return -1


def _split_outside_quotes(text: str, char: str) -> list[str]:
    pieces, current, quoted = [], "", False
    for c in text:
        if c == '"':
            quoted = not quoted
        if c == char and not quoted:
            pieces.append(current)
            current = ""
        else:
            current += c
    pieces.append(current)
    return pieces


# ---------------------------------------------------------------- values

def unescape(value: str) -> str:
    """A text value as a person reads it: '\\,' ',' '\\;' ';' '\\\\' '\\' '\\n' newline (others kept, as vobject)."""
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def escape(text: str) -> str:
    """A text value as vCard 3.0 and 4.0 write it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def split_escaped(value: str, separator: str) -> list[str]:
    """Split a raw value at each ``separator`` that is not escaped."""
    pieces, current, index = [], "", 0
    while index < len(value):
        c = value[index]
        if c == "\\" and index + 1 < len(value):
            current += value[index:index + 2]
            index += 2
            continue
        if c == separator:
            pieces.append(current)
            current = ""
        else:
            current += c
        index += 1
    pieces.append(current)
    return pieces


def _decoded(line: ContentLine) -> str:
    """The raw value, quoted-printable decoded when it is."""
    if not line.quoted_printable:
        return line.value
    charset = (line.param("CHARSET") or ["utf-8"])[0]
    data = quopri.decodestring(line.value.encode("latin-1", "replace"))
    try:
        return data.decode(charset, "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def text_of(line: ContentLine) -> str:
    return unescape(_decoded(line))


def components_of(line: ContentLine, count: int = 0) -> list[str]:
    parts = [unescape(p) for p in split_escaped(_decoded(line), ";")]
    return parts + [""] * (count - len(parts))


def _uri_value(uri: str) -> str:
    # absolute, as RFC 2426 wants ('www.x.fr' typed on the page is written 'https://www.x.fr', as a scan writes it);
    # a URI's ',' and ';' belong to it; escaped only when it holds what could break the line (as vcard._add_uri)
    uri = absolute_url(uri)
    return escape(uri) if re.search(r"[\x00-\x20\\]", uri) else uri


def fold_line(logical: str, newline: str = "\r\n") -> str:
    """One logical line folded at 75 octets, never inside a character, in linear time."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for c in logical:
        octets = len(c.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            pieces.append("".join(current))
            current, size = [" "], 1
        current.append(c)
        size += octets
    pieces.append("".join(current))
    return newline.join(pieces) + newline


# ---------------------------------------------------------------- the form

@dataclass(frozen=True)
class NameForm:
    given: str = ""
    family: str = ""
    additional: str = ""
    prefix: str = ""
    suffix: str = ""

    @property
    def is_person(self) -> bool:
        return bool(self.given.strip() or self.family.strip())


@dataclass(frozen=True)
class TextItem:
    ref: int | None
    value: str


@dataclass(frozen=True)
class OrgItem:
    ref: int | None
    name: str
    department: str = ""


@dataclass(frozen=True)
class PhoneItem:
    ref: int | None
    number: str  # as the contact holds it: '+33472001234 ext. 240', whatever the vCard version
    kind: PhoneKind


@dataclass(frozen=True)
class AddressItem:
    ref: int | None
    street: str = ""
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = ""


@dataclass(frozen=True)
class SocialItem:
    ref: int | None
    service: str
    url: str


@dataclass(frozen=True)
class MeetingItem:
    ref: int | None  # the line of its X-CARDSCAN-EVENT
    event: str
    date: dt.date

    @property
    def meeting(self) -> Meeting:
        return Meeting(self.event, self.date)


@dataclass(frozen=True)
class CardForm:
    """What the review page shows of a contact, each value with the line it came from."""

    name: NameForm = field(default_factory=NameForm)
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
    lines = _card_lines(parse_lines(text))
    by_name: dict[str, list[tuple[int, ContentLine]]] = {}
    for index, line in lines:
        by_name.setdefault(line.name, []).append((index, line))

    def first(name: str) -> ContentLine | None:
        found = by_name.get(name)
        return found[0][1] if found else None

    is_company = any(text_of(line).strip().upper() == "COMPANY" for _, line in by_name.get("X-ABSHOWAS", []))
    n_line = first("N")
    name = NameForm()
    if n_line is not None and not is_company:
        family, given, additional, prefix, suffix = components_of(n_line, 5)[:5]
        name = NameForm(given=given, family=family, additional=additional, prefix=prefix, suffix=suffix)
    fn_line = first("FN")
    version_line = first("VERSION")
    return CardForm(
        name=name,
        is_company=is_company,
        full_name=text_of(fn_line) if fn_line else "",
        titles=tuple(TextItem(i, text_of(line)) for i, line in by_name.get("TITLE", [])),
        organisations=tuple(OrgItem(i, *components_of(line, 2)[:2]) for i, line in by_name.get("ORG", [])),
        phones=tuple(PhoneItem(i, tel_text(line), tel_kind_of(line)) for i, line in by_name.get("TEL", [])),
        emails=tuple(TextItem(i, text_of(line)) for i, line in by_name.get("EMAIL", [])),
        websites=tuple(TextItem(i, text_of(line)) for i, line in by_name.get("URL", [])),
        addresses=tuple(_address_item(i, line) for i, line in by_name.get("ADR", [])),
        social=tuple(SocialItem(i, (line.param("TYPE") or [""])[0].lower(), text_of(line))
                     for i, line in by_name.get("X-SOCIALPROFILE", [])),
        notes=tuple(TextItem(i, _note_text(text_of(line))) for i, line in by_name.get("NOTE", [])),
        meetings=tuple(_meeting_items(by_name)),
        version=text_of(version_line).strip() if version_line else DEFAULT_VERSION,
    )


def property_values(text: str, name: str) -> list[str]:
    """The text values of every line of one property (X-CARDSCAN-PHOTO, X-CARDSCAN-REVIEWED...), in order."""
    return [text_of(line) for _, line in _card_lines(parse_lines(text)) if line.name == name.upper()]


def note_language(text: str) -> str | None:
    """'fr' or 'en': the language of the contact's meeting sentences, None when it has none."""
    for line in parse_lines(text):
        if line.name == "NOTE":
            for sentence in text_of(line).split("\n"):
                for lang in NOTE_LANGUAGES:
                    if is_meeting_sentence(sentence, lang):
                        return lang
    return None


def tel_text(line: ContentLine) -> str:
    """'+33472001234 ext. 240' from a 3.0 text value or a 4.0 'tel:' URI."""
    value = text_of(line).strip()
    if value.lower().startswith("tel:"):
        value = value[4:].replace(";ext=", " ext. ")
    return value


def tel_kind_of(line: ContentLine) -> PhoneKind:
    types = {t.lower() for value in line.param("TYPE") for t in value.split(",")}
    return "cell" if "cell" in types else "fax" if "fax" in types else "work" if "work" in types else "other"


def _address_item(ref: int, line: ContentLine) -> AddressItem:
    _, _, street, city, region, code, country = components_of(line, 7)[:7]
    return AddressItem(ref, street=street, postcode=code, city=city, region=region, country=country)


def _note_text(note: str) -> str:
    return "\n".join(line for line in note.split("\n") if not _is_any_meeting_sentence(line))


def _is_any_meeting_sentence(text: str) -> bool:
    return any(is_meeting_sentence(text, lang) for lang in NOTE_LANGUAGES)


def _meeting_items(by_name: dict[str, list[tuple[int, ContentLine]]]) -> Iterator[MeetingItem]:
    seen: set[Meeting] = set()
    for (ref, event), (_, date) in zip(by_name.get("X-CARDSCAN-EVENT", []), by_name.get("X-CARDSCAN-DATE", []),
                                       strict=False):
        try:
            item = MeetingItem(ref, text_of(event), dt.date.fromisoformat(text_of(date).strip()))
        except ValueError:
            continue
        if item.meeting not in seen:  # as vcard.read_stored counts them
            seen.add(item.meeting)
            yield item


def _card_lines(lines: list[ContentLine]) -> list[tuple[int, ContentLine]]:
    """The properties of the first vCard of the text, with their indexes (nested cards left out)."""
    out: list[tuple[int, ContentLine]] = []
    depth = 0
    for index, line in enumerate(lines):
        if line.name == "BEGIN":
            depth += 1
        elif line.name == "END":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1:
            out.append((index, line))
    return out


# ---------------------------------------------------------------- saving

_Item = TypeVar("_Item", TextItem, OrgItem, PhoneItem, AddressItem, SocialItem)


class _Edit:
    """Changes to a card's lines: replaced, removed, added; rendered into text at the end."""

    def __init__(self, text: str) -> None:
        self.lines = parse_lines(text)
        self.newline = "\r\n" if "\r\n" in text or "\n" not in text else "\n"
        self.card = _card_lines(self.lines)
        self.replaced: dict[int, str | None] = {}  # index -> new raw text, None when removed
        self.added: dict[int, list[str]] = {}  # after index -> new raw lines
        last = self.card[-1][0] if self.card else 0
        self.end = next((i for i in range(last + 1, len(self.lines)) if self.lines[i].name == "END"), len(self.lines))
        version = next((text_of(line).strip() for _, line in self.card if line.name == "VERSION"), DEFAULT_VERSION)
        self.dialect = vcard_dialect(version)

    # ------------------------------------------------ reading the current state
    def current(self, index: int) -> ContentLine | None:
        if index in self.replaced:
            raw = self.replaced[index]
            return None if raw is None else _content_line(raw)
        return self.lines[index]

    def named(self, name: str) -> list[tuple[int, ContentLine]]:
        out = []
        for index, _ in self.card:
            line = self.current(index)
            if line is not None and line.name == name:
                out.append((index, line))
        return out

    # ------------------------------------------------ changing
    def set_value(self, index: int, value: str, head: str | None = None) -> None:
        line = self.current(index)
        assert line is not None
        new_head = head if head is not None else _without_encoding(line)
        self.replaced[index] = fold_line(f"{new_head}:{value}", self.newline)

    def remove(self, index: int) -> None:
        self.replaced[index] = None

    def add(self, name: str, head: str, value: str) -> None:
        anchor = self._anchor(name)
        self.added.setdefault(anchor, []).append(fold_line(f"{head}:{value}", self.newline))

    def _anchor(self, name: str) -> int:
        same = [i for i, line in self.card if line.name == name]
        if same:
            return same[-1]
        owned = [i for i, line in self.card if line.name in (*FORM_PROPERTIES, "VERSION")]
        return owned[-1] if owned else self.end - 1

    def render(self) -> str:
        out: list[str] = []
        for index, line in enumerate(self.lines):
            raw = self.replaced.get(index, line.raw) if index in self.replaced else line.raw
            if raw is not None:
                if not raw.endswith(("\n", "\r")) and (index < len(self.lines) - 1 or index in self.added):
                    raw += self.newline  # a last line without its line end, followed now by another
                out.append(raw)
            out.extend(self.added.get(index, []))
        return "".join(out)


def _without_encoding(line: ContentLine) -> str:
    """The line's head for a rewritten value: written plain UTF-8, so no ENCODING or CHARSET any more."""
    if not line.quoted_printable and not line.param("CHARSET"):
        return line.head
    pieces = _split_outside_quotes(line.head, ";")
    kept = [p for p in pieces[1:] if p.split("=")[0].strip().upper() not in ("ENCODING", "CHARSET")
            and p.strip().upper() != "QUOTED-PRINTABLE"]
    return ";".join([pieces[0], *kept])


def _with_types(line: ContentLine, types: Sequence[str]) -> str:
    """The line's head with its TYPE parameter replaced (other parameters, and a PREF type, kept)."""
    pieces = _split_outside_quotes(_without_encoding(line), ";")
    kept, pref = [], []
    for piece in pieces[1:]:
        key, equals, values = piece.partition("=")
        is_type = (key.strip().upper() == "TYPE") if equals else True  # 2.1's bare types
        if is_type:
            listed = _split_outside_quotes(values if equals else piece, ",")
            pref += [v for v in listed if v.strip('"').upper() == "PREF"]
        else:
            kept.append(piece)
    return ";".join([pieces[0], "TYPE=" + ",".join([*types, *pref]), *kept])


def apply_form(text: str, form: CardForm, reviewed: dt.date | None = None,
               revision: dt.datetime | None = None) -> str:
    """The contact with the form's values: changed lines rewritten, everything else byte for byte.

    Items with a ``ref`` the form read stay where they are (unchanged: untouched); items without one are
    added; lines whose ``ref`` the form left out are removed. REV is set, and the reviewed mark when
    ``reviewed`` is given. Raises StaleFormError when a ``ref`` is not a line of that kind.
    """
    edit = _Edit(text)
    old = read_form(text)
    d = edit.dialect
    _apply_list(edit, old.titles, form.titles, "TITLE", lambda line, item: (None, escape(item.value)))
    _apply_list(edit, old.organisations, form.organisations, "ORG", _org_value)
    _apply_list(edit, old.phones, form.phones, "TEL", lambda line, item: _tel_value(edit, line, item))
    _apply_list(edit, old.emails, form.emails, "EMAIL", lambda line, item: (
        None if line else "EMAIL;TYPE=" + ",".join(d.email_types), escape(item.value)))
    _apply_list(edit, old.websites, form.websites, "URL", lambda line, item: (None, _uri_value(item.value)))
    _apply_list(edit, old.addresses, form.addresses, "ADR", _adr_value)
    _apply_list(edit, old.social, form.social, "X-SOCIALPROFILE", _social_value)
    _apply_notes(edit, old.notes, form.notes)
    _apply_name(edit, old, form)
    _apply_meetings(edit, old.meetings, form.meetings)
    _set_single(edit, "REV", (revision or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime(d.rev_format))
    if reviewed is not None:
        _set_single(edit, "X-CARDSCAN-REVIEWED", reviewed.isoformat())
    return edit.render()


def remove_meeting(text: str, meeting: Meeting, revision: dt.datetime | None = None) -> str:
    """The contact without one of its meetings (the event it was wrongly filed under), all else untouched."""
    edit = _Edit(text)
    items = read_form(text).meetings
    leaving = [m for m in items if m.meeting == meeting]
    staying = [m.meeting for m in items if m.meeting != meeting]
    for item in leaving:
        assert item.ref is not None
        edit.remove(item.ref)
        date_line = _paired_date(edit, item.ref)
        if date_line is not None:
            edit.remove(date_line)
        _replace_meeting_everywhere(edit, item.meeting, None, staying)
    _set_single(edit, "REV", (revision or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime(
        edit.dialect.rev_format))
    return edit.render()


def _apply_list(edit: _Edit, old: Sequence[_Item], new: Sequence[_Item], name: str,
                write: Callable[[ContentLine | None, _Item], tuple[str | None, str]]) -> None:
    """Rewrite the lines of one property to hold ``new``: ``write`` gives (head or None to keep it, value)."""
    old_by_ref = {item.ref: item for item in old}
    kept: set[int] = set()
    for item in new:
        if item.ref is None:
            head, value = write(None, item)
            edit.add(name, head or name, value)
            continue
        if item.ref not in old_by_ref:
            raise StaleFormError(f"no {name} line {item.ref} in this contact")
        kept.add(item.ref)
        if item == old_by_ref[item.ref]:
            continue
        line = edit.current(item.ref)
        assert line is not None
        head, value = write(line, item)
        edit.set_value(item.ref, value, head)
    for ref in old_by_ref.keys() - kept:
        assert ref is not None
        _remove_with_companions(edit, ref)


def _remove_with_companions(edit: _Edit, index: int) -> None:
    """Remove a line, and Apple's lines of its group (itemN.X-ABLabel...) that only described it."""
    line = edit.lines[index]
    edit.remove(index)
    if not line.group:
        return
    group = [(i, other) for i, other in edit.card if other.group.lower() == line.group.lower() and i != index]
    if all(other.name.startswith("X-AB") for _, other in group):
        for i, _ in group:
            edit.remove(i)


def _org_value(line: ContentLine | None, item: OrgItem) -> tuple[str | None, str]:
    rest = components_of(line)[2:] if line is not None else []
    components = [item.name, item.department, *rest]
    while len(components) > 1 and not components[-1]:
        components.pop()
    return None, ";".join(escape(c) for c in components)


def _adr_value(line: ContentLine | None, item: AddressItem) -> tuple[str | None, str]:
    box, extended = components_of(line, 2)[:2] if line is not None else ("", "")
    components = [box, extended, item.street, item.city, item.region, item.postcode, item.country]
    return (None if line else "ADR;TYPE=work"), ";".join(escape(c) for c in components)


def _social_value(line: ContentLine | None, item: SocialItem) -> tuple[str | None, str]:
    service = re.sub(r"[^a-z0-9-]", "", item.service.lower()) or "other"
    if line is None:
        return f"X-SOCIALPROFILE;TYPE={service}", _uri_value(item.url)
    same_service = (line.param("TYPE") or [""])[0].lower() == item.service
    return (None if same_service else _with_types(line, [service])), _uri_value(item.url)


def _tel_value(edit: _Edit, line: ContentLine | None, item: PhoneItem) -> tuple[str | None, str]:
    types = edit.dialect.tel_types[item.kind]
    as_uri = line.value.lower().startswith("tel:") if line is not None else edit.dialect.tel_as_uri
    number, _, extension = item.number.partition(" ext. ")
    if as_uri:
        value = f"tel:{number.strip()}" + (f";ext={extension.strip()}" if extension.strip() else "")
    else:
        value = escape(item.number)
    if line is None:
        return "TEL;TYPE=" + ",".join(types) + (";VALUE=uri" if as_uri else ""), value
    head = None if tel_kind_of(line) == item.kind else _with_types(line, types)
    return head, value


def _apply_notes(edit: _Edit, old: Sequence[TextItem], new: Sequence[TextItem]) -> None:
    """A NOTE keeps its meeting sentences (the form does not show them) whatever its other text becomes."""
    old_by_ref = {item.ref: item for item in old}
    kept: set[int] = set()
    for item in new:
        if item.ref is None:
            if item.value.strip():
                edit.add("NOTE", "NOTE", escape(item.value))
            continue
        if item.ref not in old_by_ref:
            raise StaleFormError(f"no NOTE line {item.ref} in this contact")
        kept.add(item.ref)
        if item != old_by_ref[item.ref]:
            _set_note(edit, item.ref, item.value)
    for ref in old_by_ref.keys() - kept:
        assert ref is not None
        _set_note(edit, ref, "")


def _set_note(edit: _Edit, index: int, text: str) -> None:
    line = edit.current(index)
    assert line is not None
    sentences = [s for s in text_of(line).split("\n") if _is_any_meeting_sentence(s)]
    lines = [*sentences, *([text.replace("\r\n", "\n")] if text else [])]
    if lines:
        edit.set_value(index, escape("\n".join(lines)))
    else:
        edit.remove(index)


def _apply_name(edit: _Edit, old: CardForm, form: CardForm) -> None:
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
        for index, _ in edit.named("X-ABSHOWAS"):
            edit.remove(index)
        for index, line in edit.named("KIND"):
            if text_of(line).strip().lower() == "org":
                edit.remove(index)
    else:
        if not organisation:
            raise FormError("a contact needs a person's name or an organisation")
        full = organisation
        components = [organisation, "", "", "", ""]
        if not old.is_company:  # the person's name was taken away: the contact becomes its company's
            if not edit.named("X-ABSHOWAS"):
                edit.add("X-ABSHOWAS", "X-ABSHOWAS", "COMPANY")
            if edit.dialect.company_kind and not edit.named("KIND"):
                edit.add("KIND", "KIND", "org")
    _set_single(edit, "FN", escape(full))
    _set_single(edit, "N", ";".join(escape(c) for c in components))


def _display_name(name: NameForm, old: CardForm) -> str:
    """The full name: given, middle and family names; a prefix or suffix where the old one was shown."""
    core = " ".join(p.strip() for p in (name.given, name.additional, name.family) if p.strip())
    shown = old.full_name
    if name.prefix.strip() and old.name.prefix and shown.startswith(old.name.prefix):
        core = f"{name.prefix.strip()} {core}"
    if name.suffix.strip() and old.name.suffix and shown.endswith(old.name.suffix):
        core = f"{core} {name.suffix.strip()}"
    return core


def _set_single(edit: _Edit, name: str, value: str) -> None:
    """One line of ``name`` with this value: the first rewritten in place (its head kept), others removed."""
    found = edit.named(name)
    if not found:
        edit.add(name, name, value)
        return
    first, line = found[0]
    if line.value != value:
        edit.set_value(first, value)
    for index, _ in found[1:]:
        edit.remove(index)


def _paired_date(edit: _Edit, event_index: int) -> int | None:
    events = [i for i, line in edit.card if line.name == "X-CARDSCAN-EVENT"]
    dates = [i for i, line in edit.card if line.name == "X-CARDSCAN-DATE"]
    position = events.index(event_index)
    return dates[position] if position < len(dates) else None


def _apply_meetings(edit: _Edit, old: Sequence[MeetingItem], new: Sequence[MeetingItem]) -> None:
    """Meetings are changed (event, date), never added or removed here: scanning adds, 'not a card' removes."""
    old_by_ref = {item.ref: item for item in old}
    for item in new:
        if item.ref not in old_by_ref:
            raise StaleFormError(f"no meeting {item.ref} in this contact")
        before = old_by_ref[item.ref]
        if item.meeting == before.meeting:
            continue
        assert item.ref is not None
        edit.set_value(item.ref, escape(item.event))
        date_line = _paired_date(edit, item.ref)
        if date_line is not None:
            edit.set_value(date_line, item.date.isoformat())
        others = [m.meeting for m in new if m.ref != item.ref]
        _replace_meeting_everywhere(edit, before.meeting, item.meeting, others)


def _replace_meeting_everywhere(edit: _Edit, old: Meeting, new: Meeting | None, others: list[Meeting]) -> None:
    """The meeting's sentence in NOTE, its event in CATEGORIES and Apple's dated item follow the change."""
    for index, line in edit.named("NOTE"):
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
                edit.set_value(index, escape("\n".join(changed)))
            else:
                edit.remove(index)
    if new is None or new.event != old.event:
        _replace_category(edit, old.event, None if new is None else new.event,
                          keep_old=any(m.event == old.event for m in others))
    _replace_apple_item(edit, old, new)


def _categories(line: ContentLine) -> list[str]:
    return [unescape(v) for v in split_escaped(line.value, ",")]


def _replace_category(edit: _Edit, old: str, new: str | None, keep_old: bool) -> None:
    """CATEGORIES without the old event (unless another meeting keeps it) and with the new one, once."""
    lines = edit.named("CATEGORIES")
    placed = new is None or any(new in _categories(line) for _, line in lines)
    for index, line in lines:
        values = _categories(line)
        updated: list[str] = []
        for value in values:
            if value != old or keep_old:
                updated.append(value)
            elif not placed:
                updated.append(new or "")
                placed = True
        if updated != values:
            if updated:
                edit.set_value(index, ",".join(escape(v) for v in updated))
            else:
                edit.remove(index)
    if not placed and new is not None:
        current = edit.current(lines[0][0]) if lines else None
        if lines and current is not None:
            edit.set_value(lines[0][0], (current.value + "," if current.value else "") + escape(new))
        else:
            edit.add("CATEGORIES", "CATEGORIES", escape(new))


def _replace_apple_item(edit: _Edit, old: Meeting, new: Meeting | None) -> None:
    labels = {meeting_label(old, lang) for lang in NOTE_LANGUAGES}
    for index, line in edit.named("X-ABLABEL"):
        if not line.group or text_of(line) not in labels:
            continue
        dates = [(i, d) for i, d in edit.named("X-ABDATE")
                 if d.group.lower() == line.group.lower() and text_of(d).strip() == old.date.isoformat()]
        if not dates:
            continue
        if new is None:
            edit.remove(index)
            for i, _ in dates:
                edit.remove(i)
        else:
            lang = next(lang for lang in NOTE_LANGUAGES if text_of(line) == meeting_label(old, lang))
            edit.set_value(index, escape(meeting_label(new, lang)))
            for i, _ in dates:
                edit.set_value(i, new.date.isoformat())
        return
