"""Hypothesis strategies: vCards as phones, other programs and cardscan write them, with several of each
property the review form shows and many it does not (PHOTO, X- properties, Apple groups, unknown ones),
folded in any way, for the round-trip tests of the review form."""

from __future__ import annotations

import base64
import datetime as dt

import phonenumbers
from hypothesis import strategies as st

from pipeline.core.models import Meeting
from pipeline.core.vcard import meeting_label, meeting_sentence
from pipeline.core.vcard_lines import escape

# letters of several scripts, digits, spaces and every character vCard escaping is about
_ALPHABET = st.characters(codec="utf-8", categories=("L", "N", "Zs", "P", "S"), exclude_characters="\x85\u2028\u2029")
TEXT = st.text(alphabet=st.one_of(_ALPHABET, st.sampled_from(list(",;\\:\"'@\n"))), min_size=1, max_size=30).filter(
    lambda s: s.strip() != "")
WORD = st.text(alphabet=st.characters(categories=("Ll", "Lu"), max_codepoint=0x24F), min_size=2, max_size=12)
LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=3, max_size=15).filter(
    lambda s: s[0].isalpha() and not s.endswith("-"))
TLD = st.sampled_from(["fr", "com", "co.uk", "com.br", "de", "io", "org"])
EVENT = st.text(alphabet=st.characters(categories=("L", "N"), max_codepoint=0x24F) | st.sampled_from(list(" ,;-'")),
                min_size=1, max_size=25).map(lambda s: " ".join(s.split())).filter(bool)
DATE = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))


def _valid_numbers() -> list[str]:
    numbers = []
    for region in ("FR", "GB", "US", "BR", "DE", "JP", "BE", "CH", "PT", "ES"):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                numbers.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))
    return numbers


VALID_NUMBERS = _valid_numbers()
PHONE = st.one_of(
    st.sampled_from(VALID_NUMBERS),
    st.sampled_from(VALID_NUMBERS).map(lambda n: f"{n} ext. 24"),
    st.just("06 12 34 56 78"),  # typed on a phone, without '+'
    st.just("+5534567029"),  # a number phonenumbers rejects
)
EMAIL = st.builds(lambda local, label, tld: f"{local}@{label}.{tld}", LABEL, LABEL, TLD)
URL = st.builds(lambda scheme, label, tld, path: f"{scheme}{label}.{tld}{path}",
                st.sampled_from(["", "www.", "https://www.", "http://"]), LABEL, TLD,
                st.sampled_from(["", "/", "/contact", "/a,b;c", "/?q=1&x=2"]))
KIND_TYPES = {"3.0": ["TYPE=CELL,VOICE", "TYPE=WORK,VOICE", "TYPE=WORK,FAX", "TYPE=VOICE", "TYPE=HOME",
                      "TYPE=CELL;TYPE=PREF", "CELL"],
              "4.0": ["TYPE=cell,voice", "TYPE=work,voice", "TYPE=\"work,fax\"", "TYPE=voice", "TYPE=home"]}
FOREIGN = st.sampled_from([
    "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Cam;1;;;;;;;;;;;;;",
    "X-PHONETIC-LAST-NAME:Maa-tan",
    "BDAY:1990-04-01",
    "IMPP;X-SERVICE-TYPE=Skype;type=pref:skype:camille.m",
    "X-FOO;X-BAR=\"a;b:c\";X-BAZ=1:value\\, with\\; escapes\\nand a line",
    "NICKNAME:Cam,Cami",
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
    "GEO:geo:45.75,4.85",
    "TZ:Europe/Paris",
    "LANG;PREF=1:fr",
    "X-EVOLUTION-FILE-AS:Martin\\, Camille",
    "SOUND;VALUE=uri:https://example.org/name.ogg",
    "KEY;ENCODING=b;TYPE=PGP:bWFkZSB1cA==",
    "X-CARDSCAN-SOURCE:IMG_0001.jpg",
    "X-CARDSCAN-PHOTO:" + "ab" * 32,
    "PRODID:-//Apple Inc.//iPhone OS 17.0//EN",
    "X-unknown-lower:lower case name",
])


@st.composite
def vcards(draw: st.DrawFn) -> str:
    """One vCard with several of each property and foreign lines, shuffled, folded as some writer folds."""
    version = draw(st.sampled_from(["3.0", "4.0"]))
    lines: list[str] = []
    given, family = draw(WORD), draw(WORD)
    company = draw(st.booleans()) and draw(st.booleans())
    organisations = draw(st.lists(st.tuples(TEXT, st.one_of(st.just(""), TEXT), st.booleans()), min_size=int(company),
                                  max_size=3))
    if company and organisations:
        lines += [f"FN:{escape(organisations[0][0])}", f"N:{escape(organisations[0][0])};;;;", "X-ABSHOWAS:COMPANY"]
    else:
        prefix = draw(st.sampled_from(["", "Dr", "M."]))
        lines += [f"FN:{(prefix + ' ') if prefix else ''}{escape(given)} {escape(family)}",
                  f"N:{escape(family)};{escape(given)};{escape(draw(st.one_of(st.just(''), WORD)))};{escape(prefix)};"]
    for name, department, third in organisations:
        lines.append("ORG:" + ";".join(escape(p) for p in [name, department, *(["Unit 3"] if third else [])]))
    lines += [f"TITLE:{escape(t)}" for t in draw(st.lists(TEXT, max_size=3))]
    for number in draw(st.lists(PHONE, max_size=4)):
        types = draw(st.sampled_from(KIND_TYPES[version]))
        if version == "4.0" and number.startswith("+"):
            main, _, ext = number.partition(" ext. ")
            lines.append(f"TEL;{types};VALUE=uri:tel:{main}" + (f";ext={ext}" if ext else ""))
        else:
            lines.append(f"TEL;{types}:{escape(number)}")
    lines += [f"EMAIL;TYPE={draw(st.sampled_from(['INTERNET', 'work', 'home', 'INTERNET,pref']))}:{e}"
              for e in draw(st.lists(EMAIL, max_size=3))]
    lines += [f"URL:{u}" for u in draw(st.lists(URL, max_size=3))]
    for street, postcode, city, country in draw(st.lists(st.tuples(TEXT, st.one_of(st.just(""), LABEL), TEXT,
                                                                   st.sampled_from(["", "FR", "GB", "France"])),
                                                         max_size=3)):
        lines.append(f"ADR;TYPE={draw(st.sampled_from(['work', 'home', 'WORK,PREF']))}:PO 1;;{escape(street)};"
                     f"{escape(city)};;{escape(postcode)};{escape(country)}")
    lines += [f"X-SOCIALPROFILE;TYPE={s}:{u}" for s, u in draw(st.lists(
        st.tuples(st.sampled_from(["linkedin", "twitter", "instagram"]), URL), max_size=2))]
    meetings = draw(st.lists(st.builds(Meeting, EVENT, DATE), max_size=3, unique=True))
    lang = draw(st.sampled_from(["fr", "en"]))
    note_lines = [meeting_sentence(m, lang) for m in meetings] + draw(st.lists(TEXT, max_size=2))
    if note_lines:
        lines.append("NOTE:" + escape("\n".join(note_lines)))
    lines += [f"NOTE:{escape(n)}" for n in draw(st.lists(TEXT, max_size=1))]
    if meetings:
        lines.append("CATEGORIES:" + ",".join(escape(e) for e in dict.fromkeys([m.event for m in meetings]
                                                                                 + draw(st.lists(WORD, max_size=2)))))
    for number, meeting in enumerate(meetings, start=1):
        lines += [f"X-CARDSCAN-EVENT:{escape(meeting.event)}", f"X-CARDSCAN-DATE:{meeting.date.isoformat()}",
                  f"item{number}.X-ABDATE:{meeting.date.isoformat()}",
                  f"item{number}.X-ABLABEL:{escape(meeting_label(meeting, lang))}"]
    # Apple's own labelled phone, in a group cardscan never wrote
    if draw(st.booleans()):
        lines += [f"item9.TEL:{draw(st.sampled_from(VALID_NUMBERS))}", "item9.X-ABLabel:_$!<Assistant>!$_"]
    if draw(st.booleans()):
        jpeg = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(range(256)) * draw(st.integers(1, 8))).decode()
        photo = f"PHOTO;ENCODING=b;TYPE=JPEG:{jpeg}" if version == "3.0" else f"PHOTO:data:image/jpeg;base64,{jpeg}"
        lines.append(photo)
    lines += draw(st.lists(FOREIGN, max_size=6))
    lines.append("UID:" + draw(st.uuids()).hex)
    if draw(st.booleans()):
        lines.append("REV:2020-01-02T03:04:05Z")
    if draw(st.booleans()):
        lines.append("X-CARDSCAN-REVIEWED:2020-01-02")
    order = draw(st.permutations(lines))
    newline = draw(st.sampled_from(["\r\n", "\r\n", "\n"]))
    width = draw(st.sampled_from([75, 75, 60, 1000]))
    continuation = draw(st.sampled_from([" ", " ", "\t"]))
    body = [_fold(line, width, newline, continuation) for line in ["BEGIN:VCARD", f"VERSION:{version}", *order,
                                                                    "END:VCARD"]]
    return "".join(body)


def _fold(line: str, width: int, newline: str, continuation: str) -> str:
    pieces, current = [], ""
    for char in line:
        if len((current + char).encode("utf-8")) > width:
            pieces.append(current)
            current = continuation
        current += char
    pieces.append(current)
    return newline.join(pieces) + newline
