"""The text of a vCard as content lines: cut, unfolded, escaped, folded. No knowledge of any property.

A contact may have been through a phone since cardscan wrote it: a PHOTO, NOTE lines typed there, X-
properties, Apple's ``itemN.`` groups, properties nobody here knows. A parser's round trip would reorder,
re-escape or drop some of them. Here the text is cut into content lines, each keeping the exact characters
it was written with (``raw``) beside its parts, so that a line nobody changes is written back byte for
byte; a line that is written is escaped by ``escape`` and folded by ``fold_line``, the only two.
``pipeline.core.vcard`` (the wrapper) is what reads and writes cardscan's properties with these.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

LINE_OCTETS = 75  # RFC 2426 and 6350: lines SHOULD be no longer, not counting the line break


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

    @property
    def logical(self) -> str:
        """The line unfolded, without its line end: what ``fold_line`` folds again."""
        return _unfold(self.raw)


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
        line = content_line(raw)
        # vCard 2.1 quoted-printable: a value ending in '=' goes on at the start of the next physical line
        while line.quoted_printable and line.value.endswith("=") and index < len(physical):
            raw += physical[index]
            index += 1
            line = content_line(raw)
        lines.append(line)
    return lines


def _physical_lines(text: str) -> list[str]:
    parts = re.split(r"(\r\n|\n|\r)", text)
    out = [parts[i] + (parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
    return [p for p in out if p]


def _unfold(raw: str) -> str:
    logical = re.sub(r"(?:\r\n|\n|\r)[ \t]", "", raw)
    return logical.rstrip("\r\n")


def content_line(raw: str) -> ContentLine:
    """One content line from its text as written (folded or not, with or without its line end)."""
    logical = _unfold(raw)
    colon = _outside_quotes(logical, ":")
    head, value = (logical, "") if colon < 0 else (logical[:colon], logical[colon + 1:])
    pieces = split_outside_quotes(head, ";")
    group, _, name = pieces[0].rpartition(".")
    params: list[tuple[str, str]] = []
    for piece in pieces[1:]:
        key, equals, values = piece.partition("=")
        if not equals:  # vCard 2.1: TEL;CELL;VOICE
            key, values = "TYPE", piece
        for item in split_outside_quotes(values, ","):
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


def split_outside_quotes(text: str, char: str) -> list[str]:
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


def card_lines(lines: Sequence[ContentLine]) -> list[tuple[int, ContentLine]]:
    """The properties of the first vCard of the lines, with their indexes (nested cards left out)."""
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


# ---------------------------------------------------------------- values

def unescape(value: str) -> str:
    """A text value as a person reads it: '\\,' ',' '\\;' ';' '\\\\' '\\' '\\n' newline (others kept, as vobject)."""
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def escape(text: str) -> str:
    """A text value as vCard 3.0 and 4.0 write it: the only escaping of what cardscan writes."""
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
    """A text value as a person reads it (quoted-printable decoded, escapes undone)."""
    return unescape(_decoded(line))


def components_of(line: ContentLine, count: int = 0) -> list[str]:
    """A structured value (N, ADR, ORG) as its components, at least ``count`` of them."""
    parts = [unescape(p) for p in split_escaped(_decoded(line), ";")]
    return parts + [""] * (count - len(parts))


def list_of(line: ContentLine) -> list[str]:
    """A list value (CATEGORIES) as its items."""
    return [unescape(v) for v in split_escaped(_decoded(line), ",")]


# ---------------------------------------------------------------- writing

def fold_line(logical: str, newline: str = "\r\n") -> str:
    """One logical line folded at 75 octets, never inside a character, in linear time, with its line end.

    The only folding of what cardscan writes: the first physical line holds 75 octets, each next one a
    space and 74 (RFC 6350 3.2), cut before the character that would not fit.
    """
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


def head_of(name: str, params: Mapping[str, Sequence[str]] | None = None, group: str = "") -> str:
    """'item1.TEL;TYPE=CELL,VOICE;VALUE=uri': parameters in the order of their names (as vobject writes
    them, so a card cardscan writes is the same text whoever reads and writes it again), a value holding
    ';', ':' or ',' quoted."""
    text = f"{group}.{name}" if group else name
    for key in sorted(params or {}):
        values = (params or {})[key]
        text += f";{key}=" + ",".join(f'"{v}"' if re.search(r"[;:,]", v) else v for v in values)
    return text


def without_encoding(line: ContentLine) -> str:
    """The line's head for a rewritten value: written plain UTF-8, so no ENCODING or CHARSET any more."""
    if not line.quoted_printable and not line.param("CHARSET"):
        return line.head
    pieces = split_outside_quotes(line.head, ";")
    kept = [p for p in pieces[1:] if p.split("=")[0].strip().upper() not in ("ENCODING", "CHARSET")
            and p.strip().upper() != "QUOTED-PRINTABLE"]
    return ";".join([pieces[0], *kept])


def with_types(line: ContentLine, types: Sequence[str]) -> str:
    """The line's head with its TYPE parameter replaced (other parameters, and a PREF type, kept)."""
    pieces = split_outside_quotes(without_encoding(line), ";")
    kept, pref = [], []
    for piece in pieces[1:]:
        key, equals, values = piece.partition("=")
        is_type = (key.strip().upper() == "TYPE") if equals else True  # 2.1's bare types
        if is_type:
            listed = split_outside_quotes(values if equals else piece, ",")
            pref += [v for v in listed if v.strip('"').upper() == "PREF"]
        else:
            kept.append(piece)
    return ";".join([pieces[0], "TYPE=" + ",".join([*types, *pref]), *kept])
