"""Stage 4: tell which OCR line is a name, a title, a phone, an address...

Pure functions: OCR lines in, a ``Contact`` with values as printed out. Numbers
are recognised with phonenumbers (so a postcode or a SIRET is not taken for a
phone) but formatting to E.164, e-mail validation and natural case are the job
of ``normalise``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache

import phonenumbers

from .lexicons import (
    CA_PROVINCES,
    COUNTRY_NAMES,
    DEPARTMENT_WORDS,
    DISTINCTIVE_WEBMAIL,
    GENERIC_TLDS,
    LANDMARK_WORDS,
    LEGAL_FORMS,
    NAME_PREFIXES,
    NAME_SUFFIXES,
    NOT_BRAZILIAN_CITY_WORDS,
    NOT_NAME_WORDS,
    OPENING_HOURS_WORDS,
    ORG_DESCRIPTORS,
    PHONE_LABELS,
    POSTBOX_WORDS,
    STREET_WORDS,
    TITLE_PHRASES,
    TITLE_WORDS,
    TLD_REGIONS,
    US_STATE_NAMES,
    US_STATES,
    WEBMAIL_PROVIDERS,
    fold,
    is_city,
    is_first_name,
)
from .models import (
    Address,
    Contact,
    Found,
    OcrLine,
    OcrResult,
    PersonName,
    Phone,
    PhoneKind,
    SocialProfile,
    unique_found,
)

SOCIAL_HOSTS = {
    "linkedin.com": "linkedin", "twitter.com": "twitter", "x.com": "twitter", "instagram.com": "instagram",
    "facebook.com": "facebook", "fb.com": "facebook", "wa.me": "whatsapp", "youtube.com": "youtube",
    "tiktok.com": "tiktok", "github.com": "github", "pinterest.com": "pinterest",
}


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
class _Card:
    """Working state while the lines of one card are claimed field by field."""

    lines: list[TextLine]
    region: str
    used: set[int] = field(default_factory=set)
    email_lines: set[int] = field(default_factory=set)  # a website may share its line with an e-mail

    def free(self) -> list[tuple[int, TextLine]]:
        return [(i, ln) for i, ln in enumerate(self.lines) if i not in self.used]


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
_INNER_LABEL = re.compile(r"(?<=\S)\s+(?=[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ.-]{0,11}\s?:\s?\S)")


# "Olivier Masson  Tél. 02 40 12 34 56": a phone label before a number starts a new field, with no colon too
_INNER_PHONE_LABEL = re.compile(
    r"(?i)(?<=\S)\s+(?=(?:t[ée]l|port|portable|mob|mobile|fax|gsm|cell|phone|fixe)\b\.?\s*:?\s*[+(\d])"
)
# the first word of a label of two words ("Ligne directe :", "Site web :", "Tél. fixe :"): not a field alone
_LABEL_FIRST_WORDS = frozenset({"ligne", "site", "tel", "telephone", "numero", "adresse"})  # accent-free
# "JEAN DUPONT - Directeur commercial", "Julie Martin | CEO": a name and a job title on one line
_NAME_THEN_TITLE = re.compile(r"^([^\W\d_][^\d@:/]+?)\s+[-–|•·,]\s+([^\W\d_][^\d@:/]+)$")


def split_at_labels(text: str) -> list[str]:
    """Cut a line where a new field starts: before each 'Word:' or phone label that follows other text, and
    between a name and the job title printed after it. Each part is one field."""
    parts: list[str] = []
    for part in (p.strip() for chunk in _INNER_LABEL.split(text) for p in _INNER_PHONE_LABEL.split(chunk)):
        if not part:
            continue
        if parts and fold(parts[-1]).rstrip(".") in _LABEL_FIRST_WORDS:
            parts[-1] = f"{parts[-1]} {part}"
        else:
            parts.append(part)
    out: list[str] = []
    for part in parts:
        m = _NAME_THEN_TITLE.match(part)
        name_words = m.group(1).split() if m else []
        if m and 2 <= len(name_words) <= 4 and all(w[0].isupper() for w in name_words) \
                and _is_title(m.group(2)) and not _is_title(m.group(1)):
            out += [m.group(1), m.group(2)]
        else:
            out.append(part)
    return out or [text]


def lines_from_text(text: str) -> list[TextLine]:
    """Extraction lines from plain text (one card line per text line), for tests and QR payloads."""
    return [TextLine(text=part, top=i * 30.0)
            for i, t in enumerate(text.splitlines()) if clean_line(t) for part in split_at_labels(clean_line(t))]


def extract_contact(lines: list[TextLine], region: str = "FR") -> Contact:
    """Find every field of a card in its lines.

    ``region`` is the country to read numbers without a +prefix in; pass the
    result of ``guess_region`` so the card's own address or website decides it.
    """
    card = _Card(lines=lines, region=region)
    handles = _take_handles(card)  # before e-mails: "IG @lea.morel" is no e-mail read with a space
    emails = _take_emails(card)
    websites, social = _take_urls(card)
    social += handles
    phones = _take_phones(card)
    addresses = _take_addresses(card)
    domains = [e.value.split("@")[-1] for e in emails] + [_host(w.value) for w in websites]
    locals_ = [e.value.split("@")[0] for e in emails]
    organisation = _take_organisation_by_form_or_domain(card, domains)
    name = _take_name(card, locals_)
    title = _take_title(card, name)
    department = _take_department(card)
    if organisation is None:
        organisation = _take_organisation_by_size(card)
    if organisation is not None:
        organisation = _with_descriptor(card, organisation)
    return Contact(
        name=name, title=title, organisation=organisation, department=department,
        phones=tuple(phones), emails=tuple(emails), websites=tuple(websites),
        addresses=tuple(addresses), social=tuple(social),
    )


# ---------------------------------------------------------------- cleaning

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
    text = re.sub(r"(?<=[A-ZÀ-Ý]{2})(?=(?:Ltda|Ltd|Inc|GmbH|Corp)\b)", " ", text)  # "KAWAMURALtda."
    # "2Harbour Street", "12rue des Lilas": a street number the OCR glued to the street's name
    text = re.sub(r"^(\d{1,5}(?:bis|ter)?)(?=[A-ZÀ-Ý][a-zà-ÿ]{3,}|(?:rue|avenue|bd|boulevard|chemin|allée|impasse|place"
                  r"|quai|route|rua|avenida|calle|via)\b)", r"\1 ", text)
    text = re.sub(r"\s+", " ", text)
    return _JUNK_EDGES.sub("", text).strip()


def _is_noise(text: str, line: OcrLine) -> bool:
    letters = sum(c.isalnum() for c in text)
    if letters == 0:
        return True
    # single characters read from logos, lines and photos of the table
    return len(text) <= 2 and line.confidence < 0.6


# ---------------------------------------------------------------- region

# Words (accent-free) that point to the countries where a card was printed; the
# numbers on the card then decide between them (see guess_region).
_COUNTRY_CUES: dict[str, tuple[str, ...]] = {
    "ltda": ("BR",), "cep": ("BR",), "fone": ("BR",), "fones": ("BR",), "celular": ("BR", "MX", "ES"),
    "cnpj": ("BR",), "eireli": ("BR",), "bairro": ("BR",), "rua": ("BR", "PT"), "avenida": ("BR", "PT", "ES"),
    "pecas": ("BR", "PT"), "servicos": ("BR", "PT"), "sao": ("BR", "PT"), "nao": ("BR", "PT"),
    "rodovia": ("BR",), "jardim": ("BR",), "vila": ("BR", "PT"), "telefone": ("BR", "PT"),
    "cedex": ("FR",), "siret": ("FR",), "siren": ("FR",), "sarl": ("FR",), "eurl": ("FR",), "sasu": ("FR",),
    "portable": ("FR",), "natel": ("CH",), "gsm": ("BE",), "gmbh": ("DE", "AT", "CH"), "strasse": ("DE",),
    "the": ("US", "GB"), "and": ("US", "GB"), "street": ("US", "GB"), "road": ("US", "GB"),
    "suite": ("US",), "phone": ("US", "GB"), "cell": ("US",), "website": ("US", "GB"), "llc": ("US",),
    "inc": ("US",), "ltd": ("GB",), "calle": ("ES", "MX"), "telefono": ("ES", "MX"), "movil": ("ES",),
    "contato": ("BR",), "proximo": ("BR", "PT"), "jd": ("BR",), "loja": ("BR", "PT"), "ramal": ("BR",),
    "atendimento": ("BR", "PT"), "horario": ("BR", "PT"),
}


# Where cardscan's users collect most cards, tried in this order when a card's
# numbers are valid in none of the countries the card itself suggests.
_FALLBACK_REGIONS = ("FR", "BE", "CH", "LU", "GB", "US", "DE", "ES", "IT", "PT", "NL", "BR", "CA", "JP")


def guess_region(lines: list[TextLine], default: str) -> str:
    """The country a card's numbers belong to.

    Evidence from the card (country names, website and e-mail country domains,
    words only one country uses) proposes countries; among the proposals and
    ``default``, the one under which most of the card's numbers are valid wins.
    """
    votes: dict[str, float] = {default: 0.1}
    for ln in lines:
        folded = fold(ln.text)
        for name, code in COUNTRY_NAMES.items():
            if len(name) > 3 and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", folded):
                votes[code] = votes.get(code, 0) + 2
        for tld in re.findall(r"[a-z0-9-]\.([a-z]{2})(?![a-z0-9.-])", folded):
            if tld in TLD_REGIONS:
                votes[TLD_REGIONS[tld]] = votes.get(TLD_REGIONS[tld], 0) + 1.5
        for word in re.findall(r"[a-z]+", folded):
            for code in _COUNTRY_CUES.get(word, ()):
                votes[code] = votes.get(code, 0) + 0.5
        if _BR_CITY_STATE.search(ln.text):
            votes["BR"] = votes.get("BR", 0) + 1  # "... - São Paulo - SP": a Brazilian state closes the line
        state_zip = _US_STATE_ZIP.search(ln.text)
        if state_zip and _us_state(state_zip.group(2)):
            votes["US"] = votes.get("US", 0) + 1
        if re.search(r"[ãõ]", ln.text.lower()):  # written in Portuguese
            votes["BR"] = votes.get("BR", 0) + 0.5
            votes["PT"] = votes.get("PT", 0) + 0.3
    spans = [m.group(0) for ln in lines for m in _NUMBER_SPAN.finditer(repair_digits(ln.text))]
    for span in spans:
        if span.startswith("+"):  # a number printed with its country code names its country
            try:
                calling_code = phonenumbers.parse(span, None).country_code or 0
            except phonenumbers.NumberParseException:
                continue
            # the calling code's main country: +44 is the UK, even for a number Guernsey also uses
            code = phonenumbers.region_code_for_country_code(calling_code)
            if code != "ZZ":
                votes[code] = votes.get(code, 0) + 1

    @cache  # each region is weighed more than once below
    def fit(region: str) -> tuple[int, int]:
        """(digits read as numbers of ``region`` minus digits left over, digits of valid numbers)."""
        covered = valid_digits = total = 0
        for span in spans:
            total += len(re.sub(r"\D", "", span))
            for candidate, _, valid in _split_numbers(span, region):
                digits = len(re.sub(r"\D", "", candidate))
                covered += digits
                valid_digits += digits if valid else 0
        return covered - (total - covered), valid_digits

    best = max(votes, key=lambda region: (fit(region), votes[region]))
    favourite = max(votes, key=lambda region: votes[region])
    runner_up = max((v for region, v in votes.items() if region != favourite), default=0.0)
    if votes[favourite] >= 3 and votes[favourite] >= 2 * runner_up and fit(favourite)[1] >= fit(best)[1]:
        # the card names its country plainly (country name, domain, +prefix) and all its valid numbers
        # are valid there: a postcode elsewhere read as a local number does not outvote that
        best = favourite
    if spans and fit(best)[0] <= 0:
        # nothing on the card reads as a number of the countries it suggests: ask where its numbers fit
        fallback = max(_FALLBACK_REGIONS, key=fit)
        if fit(fallback)[1] > 0:
            return fallback
    return best


# ---------------------------------------------------------------- e-mails

_AT_VARIANTS = re.compile(r"\s*(?:\(at\)|\[at\]|\{at\}|©|®)\s*|\s+@\s*|\s*@\s+", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# An address at a big webmail provider whose "@" the OCR lost or read as a "Q" ("ana.lima2Qgmail.com"); not
# "d" or "a", which end many names ("bernardgmail.com" is bernard@, not bernar@)
_LOST_AT = re.compile(r"(?<![\w.@/])([A-Za-z0-9][A-Za-z0-9._-]*?[A-Za-z0-9])[qQ]?"
                      rf"(?=(?:{'|'.join(sorted(DISTINCTIVE_WEBMAIL))})\.[a-z]{{2,}}\b)")
_EMAIL_LABEL = re.compile(r"^(?:(?:e-?mail|mail|courriel)\s*[:.]?|e\s*[:.])\s*", re.IGNORECASE)


def repair_email_text(text: str) -> str:
    """Undo the usual OCR damage around an e-mail: '(at)', '©', spaces around '@' and dots, ',com', a lost '@'."""
    text = _AT_VARIANTS.sub("@", text)
    if "@" not in text:
        text = _LOST_AT.sub(r"\1@", text, count=1)
    text = re.sub(r"\s*\.\s*(?=[a-z]{2,}\b)", ".", text) if "@" in text else text
    text = re.sub(r",(com|fr|net|org|br|be|ch|de)\b", r".\1", text)
    return text


def _take_emails(card: _Card) -> list[Found[str]]:
    found: list[Found[str]] = []
    for i, ln in card.free():
        repaired = repair_email_text(ln.text)
        if "@" not in repaired:
            continue
        for match in _EMAIL.finditer(_EMAIL_LABEL.sub("", repaired)):
            value = _repair_domain_letters(match.group(0).strip(".-'"))
            found.append(Found(value, _conf(ln, 0.95), (ln.text,)))
            card.used.add(i)
            card.email_lines.add(i)
    return unique_found(found)


def _repair_domain_letters(email: str) -> str:
    """An "o" or "l" read as a digit among a domain's letters ("tabelia0.com.br", "hotmai1.com")."""
    local, _, domain = email.rpartition("@")
    domain = re.sub(r"(?<=[a-z]{2})0(?=[a-z]|\.|$)|(?<=[a-z])0(?=[a-z]{2})", "o", domain, flags=re.IGNORECASE)
    domain = re.sub(r"(?<=[a-z]{2})1(?=[a-z]|\.|$)|(?<=[a-z])1(?=[a-z]{2})", "l", domain, flags=re.IGNORECASE)
    return f"{local}@{domain}"


# ---------------------------------------------------------------- websites and social profiles

_URL = re.compile(
    r"(?<![@\w.-])((?:https?://)?(?:www\d?\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.([a-z]{2,12})(?:/[^\s,;]*)?)(?![\w@-])",
    re.IGNORECASE,
)


def _take_urls(card: _Card) -> tuple[list[Found[str]], list[Found[SocialProfile]]]:
    websites: list[Found[str]] = []
    social: list[Found[SocialProfile]] = []
    lines = [*card.free(), *((i, card.lines[i]) for i in sorted(card.email_lines))]
    for i, ln in sorted(lines, key=lambda line: line[0]):
        # "name@site.fr • www.site.fr": the e-mail is taken already, its domain is no website
        text = _EMAIL.sub(" ", repair_email_text(ln.text)) if i in card.email_lines else ln.text
        # "wwuw." / "vvww ," are how OCR reads a "www." printed small
        text = re.sub(r"(?i)(?<![\w.])(?=[wvu]*w[wvu]*w)[wvu]{3,5}\s*[.,]\s*(?=[a-z0-9])", "www.", text)
        text = re.sub(r"(?i)\s*\.\s*(com|net|org|fr|br)\b", r".\1", text)
        text = re.sub(r"(?i)^(?:site|web|website|internet|url|w)\s*[:.]\s*", "", text)
        for match in _URL.finditer(text):
            url, tld = match.group(1), match.group(2).lower()
            host = _host(url)
            explicit = url.lower().startswith(("www", "http"))
            if not (explicit or tld in GENERIC_TLDS or tld in TLD_REGIONS):
                continue
            labels = host.split(".")
            if len(labels) < 2 or len(labels[-2]) < 2 or re.fullmatch(r"[\d.]+", host):
                continue
            if labels[0] in ("com", "net", "org", "co", "www", "gov", "edu"):
                continue  # "com.de": the tail of an address whose name was lost
            if not explicit and len(host) < 6:
                continue  # "S.A.", "Av.br" and such are abbreviations, not sites
            service = _social_service(host)
            if service:
                social.append(Found(SocialProfile(service, url), _conf(ln, 0.9), (ln.text,)))
            else:
                websites.append(Found(url, _conf(ln, 0.9 if explicit else 0.75), (ln.text,)))
            card.used.add(i)
    return unique_found(websites), social


# "Instagram : @atelier.lune", "IG @atelier", "X: @jdupont": a handle named with its network becomes a profile link
_HANDLE_PROFILES = {
    "instagram": ("instagram", "instagram.com/{}"), "insta": ("instagram", "instagram.com/{}"),
    "ig": ("instagram", "instagram.com/{}"), "twitter": ("twitter", "x.com/{}"), "x": ("twitter", "x.com/{}"),
    "tiktok": ("tiktok", "tiktok.com/@{}"), "facebook": ("facebook", "facebook.com/{}"),
    "fb": ("facebook", "facebook.com/{}"), "github": ("github", "github.com/{}"),
    "youtube": ("youtube", "youtube.com/@{}"), "threads": ("threads", "threads.net/@{}"),
    "pinterest": ("pinterest", "pinterest.com/{}"), "snapchat": ("snapchat", "snapchat.com/add/{}"),
}
_LABELLED_HANDLE = re.compile(
    rf"(?i)(?<![\w@.])({'|'.join(sorted(_HANDLE_PROFILES, key=len, reverse=True))})(?:\s*[:.-]\s*|\s+)"
    r"@([A-Za-z0-9_][\w.]{1,29})(?![\w@])"
)
_BARE_HANDLE = re.compile(r"^@[A-Za-z0-9_][\w.]{1,29}$")


def _take_handles(card: _Card) -> list[Found[SocialProfile]]:
    """Social handles printed with the network's name; a bare "@handle" is only kept from being a name or company."""
    found: list[Found[SocialProfile]] = []
    for i, ln in card.free():
        for match in _LABELLED_HANDLE.finditer(ln.text):
            service, url = _HANDLE_PROFILES[match.group(1).lower()]
            found.append(Found(SocialProfile(service, url.format(match.group(2).rstrip("."))), _conf(ln, 0.85),
                               (ln.text,)))
            card.used.add(i)
        if _BARE_HANDLE.match(ln.text.strip()):
            card.used.add(i)  # which network it belongs to is not printed: no link is guessed
    return unique_found(found)


def _social_service(host: str) -> str | None:
    """'linkedin' for linkedin.com, fr.linkedin.com or facebook.com.br's kin; None for other sites."""
    for known, service in SOCIAL_HOSTS.items():
        name = known.rsplit(".", 1)[0]
        if host == known or host.endswith("." + known):
            return service
        if re.search(rf"(?:^|\.){re.escape(name)}\.[a-z]{{2,3}}(?:\.[a-z]{{2}})?$", host):
            return service
    return None


def _host(url: str) -> str:
    host = re.sub(r"(?i)^https?://", "", url).split("/")[0].lower()
    return re.sub(r"^www\d?\.", "", host)


# ---------------------------------------------------------------- phones

_CONFUSABLE_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                                    "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "g": "9"})
# a run of digits and look-alikes that no letter touches: "O6 l2 34 S6 78", not the "l" of "Tél."
_DIGITISH_RUN = re.compile(
    r"(?<![^\W\d_])[+(]?[0-9OoDQlIi|SsBZzg][0-9OoDQlIi|SsBZzg().\-/ ]{6,}[0-9OoDQlIi|SsBZzg)](?![^\W_])"
)
_NUMBER_SPAN = re.compile(r"(?:\+\s?\d{1,3}[\s.]?)?(?:\(\s?0?\d{0,4}\s?\)[\s.-]?)?\d[\d.\- ]{4,}\d")
_EXTENSION = re.compile(r"(?i)\b(?:poste|ext|extension|ramal|x|p)\.?\s*(\d{1,5})\b")
_NOT_PHONE_CONTEXT = re.compile(
    r"(?i)\b(siret|siren|rcs|tva|vat|ape|naf|cnpj|cpf|insc|iban|bic|swift|capital|isbn|n[°º]\s*tva|cep|bp|cs)\b"
    r"|〒"  # Japan's postal mark
)
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
        as_digits = lambda c: c.group(0).translate(_CONFUSABLE_DIGITS)  # noqa: E731
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


def _label_kind(prefix: str) -> PhoneKind | None:
    """The phone kind announced by the label just before a number ('Tél. :', 'Mob', 'F')."""
    prefix = fold(prefix).strip()
    prefix = re.sub(r"[\s:.()/|-]+$", "", prefix)
    if not prefix:
        return None
    words = re.findall(r"[a-z]+(?:\s+directe)?", prefix)
    if not words:
        return None
    last = words[-1]
    # "Tél./Fax" announces the first: look at the first word of a trailing label group
    group = re.search(r"([a-z]+)\s*[./]\s*[a-z]+$", prefix)
    for candidate in ([group.group(1)] if group else []) + [last, words[0]]:
        kind = PHONE_LABELS.get(candidate)
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


def _split_numbers(span: str, region: str) -> list[tuple[str, phonenumbers.PhoneNumber, bool]]:
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


def _take_phones(card: _Card) -> list[Found[Phone]]:
    found: list[Found[Phone]] = []
    pending_label: PhoneKind | None = None
    for i, ln in card.free():
        text = repair_digits(ln.text)
        spans = list(_NUMBER_SPAN.finditer(text))
        line_label = _label_kind(text) if not spans else None
        if not spans:
            # a label alone on its line ("Portable") announces the number on the next line
            pending_label = line_label if line_label and len(text) <= 16 else None
            continue
        took_any = False
        cursor = 0
        for span in spans:
            before = text[cursor:span.start()]
            cursor = span.end()
            kind = _label_kind(before) or pending_label
            ext_match = _EXTENSION.match(text[span.end():].lstrip(" ,;"))
            for candidate, _, valid in _split_numbers(span.group(0), card.region):
                if _looks_like_other_number(candidate, text[: span.start()], card.region):
                    continue
                labelled = kind is not None
                if not valid and not labelled and len(re.sub(r"\D", "", candidate)) < 8:
                    continue
                extension = ext_match.group(1) if ext_match else ""
                value = candidate if not candidate.startswith("00") else "+" + candidate[2:]
                confidence = _conf(ln, 0.95 if valid else 0.7)
                found.append(Found(Phone(value, kind, extension), confidence, (ln.text,)))
                took_any = True
                kind = None  # a label announces the number right after it only
        pending_label = None
        if took_any:
            card.used.add(i)
    return unique_found(found, key=lambda f: re.sub(r"\D", "", f.value.number))


# ---------------------------------------------------------------- addresses

_NUMERIC_POSTCODE_CITY = re.compile(
    r"(?:\b(?:[A-Z]{1,2})\s?-\s?)?\b(\d{4,5})\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'\- ]*[A-Za-zÀ-ÿ])"
)
# Countries whose postcodes are four digits before the city; the others cardscan reads use five.
# Countries that write the city before the postcode ("Keller, TX 76248", "London W2 1AB").
_CITY_FIRST_REGIONS = frozenset({"US", "GB", "CA", "JP", "AU", "IE", "KR", "CN", "IN"})
_FOUR_DIGIT_POSTCODES = frozenset({"BE", "CH", "LU", "AT", "DK", "NO", "HU", "AU", "NZ", "ZA"})
_BR_CEP = re.compile(r"(?i)(?:\bcep\s*[:.]?\s*)?(?<![\d.])(\d{5}-\d{3}|\d{2}\.\d{3}-\d{3})(?!\d)")
_BR_STATES = "AC|AL|AP|AM|BA|CE|DF|ES|GO|MA|MT|MS|MG|PA|PB|PR|PE|PI|RJ|RN|RS|RO|RR|SC|SP|SE|TO"
# "Av. Paulista, 1000 - Bela Vista - São Paulo - SP": a Brazilian state closes the address line
_BR_CITY_STATE = re.compile(rf"([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ .'-]*?)\s*[-/,]\s*({_BR_STATES})\.?\s*(?:[-|(]|\s\d|$)")
_PT_POSTCODE_CITY = re.compile(r"\b(\d{4}-\d{3})\s+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' -]*[A-Za-zÀ-ÿ])\s*$")
_JP_POSTCODE = re.compile(r"(?<![\d-])(\d{3}-\d{4})(?![\d-])")
_NL_POSTCODE_CITY = re.compile(r"\b([1-9]\d{3})\s?([A-Z]{2})\s+([A-Z][A-Za-zÀ-ÿ'\- ]*[A-Za-zÀ-ÿ])\s*$")
_CA_POSTCODE = re.compile(r"\b([ABCEGHJ-NPRSTVXY]\d[A-Z])\s?(\d[A-Z]\d)\b")
_UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b")
_US_STATE_ZIP = re.compile(
    r"(?:^|,\s*|\s)([A-Z][A-Za-z .'-]+?)?[,.]?\s*\b([A-Za-z]{2}|[A-Za-z]+(?: [A-Za-z]+)?)\s*(\d{5}(?:-\d{4})?)\b"
)
_STREET_NUMBER = re.compile(r"^\d{1,5}\s*(?:bis|ter|[a-c])?\s*,?\s")


def _is_street(text: str) -> bool:
    words = re.findall(r"[a-z][a-z-]*\.?", fold(text))
    bare = [w.rstrip(".") for w in words]
    if any(w in STREET_WORDS and (len(w) > 2 or raw.endswith(".")) for w, raw in zip(bare, words, strict=True)):
        unmistakable = ("rue", "avenue", "boulevard", "rua", "avenida", "street", "road")
        return bool(re.search(r"\d", text)) or any(w in unmistakable for w in bare)
    return bool(_STREET_NUMBER.match(text)) and any(w in STREET_WORDS for w in bare)


def _is_postbox(text: str) -> bool:
    return any(w in POSTBOX_WORDS for w in re.findall(r"[a-z]+", fold(text))) and bool(re.search(r"\d", text))


def _us_state(word: str) -> str | None:
    """'TX', 'Tx' or 'Texas' -> 'TX'; None for anything else."""
    if word.upper() in US_STATES and (word.isupper() or len(word) == 2):
        return word.upper()
    return US_STATE_NAMES.get(fold(word))


def _without_country(city: str) -> str:
    """Drop a trailing country name: "Bruxelles Belgique" -> "Bruxelles"; "Luxembourg" alone is a city."""
    words = city.split()
    return " ".join(words[:-1]) if len(words) > 1 and fold(words[-1]) in COUNTRY_NAMES else city


def parse_postcode_city(text: str, region: str) -> Address | None:
    """Recognise a postcode-and-city line in the forms of France, Brazil, Portugal, Japan, the Netherlands, the UK
    and the US."""
    # OCR reads a CEP's digits as letters too ("CEP OllB7-O0O"): the label says they are digits
    text = re.sub(r"(?i)(\bcep\s*[:.]?\s*)([0-9OoIlB|SZ]{5}-?[0-9OoIlB|SZ]{3})\b",
                  lambda cep: cep.group(1) + cep.group(2).translate(_CONFUSABLE_DIGITS), text)
    m = _BR_CEP.search(text)
    if m and (region == "BR" or "cep" in fold(text)):
        rest = [p.strip(" -|,.") for p in re.split(r"[|,/]|\s-\s|-(?=[A-Z]{2}\b)", text[m.end():]) if p.strip(" -|,.")]
        state = next((p for p in rest if re.fullmatch(r"[A-Z]{2}", p)), "")
        cities = [p for p in rest if p != state and _may_be_brazilian_city(p)]
        return Address(postcode=m.group(1), city=cities[-1] if cities else "", region=state, country="BR")
    m = _PT_POSTCODE_CITY.search(text)
    if m:
        return Address(postcode=m.group(1), city=m.group(2).strip(), country="PT")
    m = _JP_POSTCODE.search(text)
    if m and (region == "JP" or "japan" in fold(text)):  # "Minato-ku, Tokyo 108-0023, Japan"
        before = [p.strip() for p in re.split(r"[,、]", text[: m.start()].replace("〒", "")) if p.strip()]
        after = [p.strip() for p in text[m.end():].split(",") if p.strip() and fold(p.strip()) not in COUNTRY_NAMES]
        # "Minato-ku, Tokyo 108-0023": the city before the postcode; "〒105-0004 1-9-2 Shimbashi, Tokyo": last
        city = before[-1] if before else after[-1] if after else ""
        return Address(postcode=m.group(1), city=city, country="JP")
    m = _NL_POSTCODE_CITY.search(text)
    if m and region == "NL":  # "1015 CJ Amsterdam"
        return Address(postcode=f"{m.group(1)} {m.group(2)}", city=_without_country(m.group(3)), country="NL")
    m = _UK_POSTCODE.search(text)
    if m and (region == "GB" or "london" in fold(text)):
        before = [p.strip() for p in text[: m.start()].split(",") if p.strip()]
        city = before[-1] if before else ""
        postcode = re.sub(r"\s+", "", m.group(1))
        return Address(postcode=f"{postcode[:-3]} {postcode[-3:]}", city=city, country="GB")  # "W26BD" -> "W2 6BD"
    m = _CA_POSTCODE.search(text)
    if m and (region == "CA" or "canada" in fold(text)):  # "Montréal (Québec) H3B 4W8", "Toronto, ON M5V 2T6"
        place = text[: m.start()].strip(" ,")
        province = re.search(r"\(([^)]+)\)|,?\s+([A-Z]{2})$", place)
        city = place[: province.start()] if province else place
        code = (province.group(1) or province.group(2)).strip() if province else ""
        return Address(postcode=f"{m.group(1)} {m.group(2)}", city=city.split(",")[-1].strip(),
                       region=CA_PROVINCES.get(fold(code), code), country="CA")
    m = _US_STATE_ZIP.search(text)
    state = _us_state(m.group(2)) if m else None
    if m and state and region in ("US", "CA", "FR"):
        city = (m.group(1) or "").strip(" ,.")
        return Address(postcode=m.group(3), city=city, region=state, country="US")
    m = _NUMERIC_POSTCODE_CITY.search(text)
    if m and region in _CITY_FIRST_REGIONS:
        return None  # there "18020 Mesa Road" is a street number, the postcode follows the city
    if m and len(m.group(1)) == (4 if region in _FOUR_DIGIT_POSTCODES else 5):
        city = m.group(2).strip()
        if any(w.rstrip(".") in STREET_WORDS and len(w) > 2 for w in fold(city).split()):
            return None  # "12000 rue ..." or "18020 Mesa Road": a street, not a city
        cedex = re.search(r"(?i)\s*\bcedex\b(?:\s*(\d{1,2}))?", text[m.end(1):])
        if cedex:
            city = text[m.end(1):m.end(1) + cedex.start()].strip()
        city = _without_country(city)
        if fold(city) in ("cedex", "bp", "cs") or not city:
            return None
        if cedex:
            city = f"{city} CEDEX {cedex.group(1) or ''}".strip()
        return Address(postcode=m.group(1), city=city, country=region)
    return None


def _may_be_brazilian_city(text: str) -> bool:
    words = re.findall(r"[a-z]+", fold(text))
    if not words or re.search(r"[\d()]", text):
        return False
    # "JardimFernandes": the OCR may have glued the neighbourhood's words together
    return not any(words[0] == w or (len(w) >= 4 and words[0].startswith(w)) for w in NOT_BRAZILIAN_CITY_WORDS)


def unglue(text: str) -> str:
    """Split words an OCR glued together at a capital: "SaoPaulo" -> "Sao Paulo" (but "McKenzie" stays)."""
    return re.sub(r"(?<=[A-Za-zÀ-ÿ][a-zà-ÿ]{2})(?=[A-ZÀ-Ý][a-zà-ÿ])", " ", text)


def brazilian_city(text: str) -> tuple[str, str] | None:
    """(city, state) closing a Brazilian address line: "Rua X, 12 - Tatuapé - São Paulo - SP", "Bairro - Cidade"."""
    m = _BR_CITY_STATE.search(text)
    if m:
        city = re.split(r"\s*[-,/]\s*", m.group(1).strip())[-1].strip(" .")
        return (city, m.group(2)) if sum(c.isalpha() for c in city) >= 3 and _may_be_brazilian_city(city) else None
    parts = [p.strip(" ,.|") for p in re.split(r"\s*[-–|]\s*", text)]
    last = parts[-1]
    if len(parts) >= 3 and re.fullmatch(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' ]{2,30}", last) and len(last.split()) <= 3:
        return (last, "") if _may_be_brazilian_city(last) else None  # street - neighbourhood - city
    return None


def _take_addresses(card: _Card) -> list[Found[Address]]:
    found: list[Found[Address]] = []
    free = card.free()
    index = {i: ln for i, ln in free}
    for i, ln in free:
        if i in card.used:
            continue
        place = parse_postcode_city(ln.text, card.region)
        if place is None:
            continue
        street_parts: list[str] = []
        evidence = [ln.text]
        # the street is on this line before the postcode, or on the one or two lines above
        before_postcode = r"\s*[,|-]?\s*(?:cep\s*[:.]?\s*)?" + re.escape(place.postcode)
        inline = re.split(before_postcode, ln.text, maxsplit=1, flags=re.I)[0]
        inline = inline.strip(" ,|-")
        if inline and place.city and fold(inline).endswith(fold(place.city)):
            inline = inline[: -len(place.city)].strip(" ,|-")
        if inline and (_is_street(inline) or _is_postbox(inline)):
            street_parts.append(inline)
        start = i - 1
        city_line = index.get(start)
        if not place.city and card.region == "BR" and city_line is not None and start not in card.used:
            # "Bela Vista - São Paulo - SP" above a CEP printed on its own line: the city's line, the street above it
            city_state = brazilian_city(city_line.text)
            if city_state and not _is_street(city_line.text):
                place = replace(place, city=city_state[0], region=place.region or city_state[1])
                evidence.insert(0, city_line.text)
                card.used.add(start)
                start -= 1
        for j in (start, start - 1):
            above = index.get(j)
            if above is None or j in card.used:
                break
            if _is_street(above.text) or _is_postbox(above.text):
                street_parts.insert(0, above.text)
                evidence.insert(0, above.text)
                card.used.add(j)
            else:
                break
        country = place.country
        below = index.get(i + 1)
        if below is not None and fold(below.text).strip(" .") in COUNTRY_NAMES:
            country = COUNTRY_NAMES[fold(below.text).strip(" .")]
            card.used.add(i + 1)
            evidence.append(below.text)
        address = Address(street=", ".join(street_parts), postcode=place.postcode, city=place.city,
                          region=place.region, country=country)
        if not address.city and card.region == "BR":
            address = _with_brazilian_city(address, [*street_parts, ln.text], card.lines[i + 1:i + 2])
        address = replace(address, city=unglue(address.city))
        found.append(Found(address, _conf(ln, 0.85 if street_parts else 0.7), tuple(evidence)))
        card.used.add(i)
    if not found:
        for i, ln in card.free():
            if _is_street(ln.text):
                address = Address(street=ln.text)
                if card.region == "BR":
                    address = _with_brazilian_city(address, [ln.text], card.lines[i + 1:i + 2])
                found.append(Found(replace(address, city=unglue(address.city)), _conf(ln, 0.5), (ln.text,)))
                card.used.add(i)
                break
    return found


def _with_brazilian_city(address: Address, own_lines: list[str], next_lines: list[TextLine]) -> Address:
    """The address with the city its own lines end with, or that opens the next line ("São Paulo, SP - ...")."""
    for text in own_lines:
        found = brazilian_city(text)
        if found:
            street = address.street
            if street.endswith(text) or street == text:
                cut = re.split(r"\s*[-–|]\s*" + re.escape(found[0]), street, maxsplit=1)[0].strip(" ,-|")
                street = cut or street
            return replace(address, street=street, city=found[0], region=address.region or found[1], country="BR")
    for below in next_lines:
        m = _BR_CITY_STATE.match(below.text)
        if m and _may_be_brazilian_city(m.group(1)):
            return replace(address, city=m.group(1).strip(" ,.-"), region=address.region or m.group(2), country="BR")
    return address


# ---------------------------------------------------------------- organisation

def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[/&'-][a-z0-9]+)*", fold(text).replace(".", ""))


def _has_legal_form(text: str) -> bool:
    words = _words(text)
    raw = fold(text)
    return any(w in LEGAL_FORMS and len(w) > 1 for w in words[1:]) or bool(re.search(r"\bs/[ac]\b|\bs\.a\.", raw))


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _matches_domain(text: str, domains: list[str]) -> bool:
    if text.lstrip().startswith("@"):
        return False  # a social handle, not the company's name
    squashed = _squash(text)
    if len(squashed) < 3:
        return False
    for domain in domains:
        label = _squash(domain.split(".")[0])
        if len(label) < 3:
            continue
        if squashed in label or (len(label) >= 4 and label in squashed):
            return True
        # "Fleurs & Sens" for fleurs-et-sens.fr: the same name, its "&" spelled out
        if len(squashed) >= 6 and difflib.SequenceMatcher(None, squashed, label).ratio() >= 0.85:
            return True
    return False


def _take_organisation_by_form_or_domain(card: _Card, domains: list[str]) -> Found[str] | None:
    free = card.free()
    for i, ln in free:
        if _has_legal_form(ln.text) and not re.search(r"\d{4,}", ln.text) and len(ln.text) <= 60:
            card.used.add(i)
            return Found(ln.text, _conf(ln, 0.9), (ln.text,))
    company_domains = [d for d in domains if d.split(".")[0] not in WEBMAIL_PROVIDERS]
    candidates = [(i, ln) for i, ln in free if _matches_domain(ln.text, company_domains) and len(ln.text) <= 60]
    if not candidates:
        return None
    # a logo set on two lines ("Lumare" / "Buffet" for lumarebuffet.com.br) is one name
    # the line that spells most of the domain, then the one that is no job title, then the biggest
    i, ln = max(candidates, key=lambda c: (len(_squash(c[1].text)), not _is_title(c[1].text), c[1].height))
    positions = [position for position, (j, _) in enumerate(free) if j in {c[0] for c in candidates}]
    main = positions[candidates.index((i, ln))]
    near = [c for c, position in zip(candidates, positions, strict=True)
            if c == (i, ln) or (abs(position - main) <= 2 and not _is_title(c[1].text))]
    for j, _ in near:
        card.used.add(j)
    text = " ".join(other.text for _, other in near)
    return Found(text, _conf(ln, 0.85), tuple(other.text for _, other in near))


# Words that name a trade, not a business, when they stand alone on a line.
_TRADE_WORDS = frozenset("""
restaurant restaurante ristorante hotel bar cafe boutique pharmacie farmacia cabinet agence studio atelier
garage boulangerie librairie salon clinique institut eletronica electronique informatica informatique
""".split())


def _take_organisation_by_size(card: _Card) -> Found[str] | None:
    """Fallback: the biggest line left that reads like a name of something, i.e. the logo line."""
    candidates = []
    free = card.free()
    tallest = max((ln.height for _, ln in free), default=0.0)
    for i, ln in free:
        letters = sum(c.isalpha() for c in ln.text)
        # only a line read with confidence: a garbled logo is worse than no organisation
        if letters < 4 or letters / max(len(ln.text), 1) < 0.7 or ln.confidence < 0.75 or len(ln.text) > 50:
            continue
        if len(ln.text.split()) > (9 if ln.height >= tallest else 6):
            continue  # a slogan or a list of services, unless it is the card's biggest print
        if any(len(token) > 15 for token in re.findall(r"[^\W\d_]+", ln.text)):
            continue  # "MADRINHASEFORMANDAS": words the OCR glued together, a phrase rather than a name
        words = [w for w in re.findall(r"[^\W\d_]{3,}", ln.text)]
        if words and sum(w[0].islower() for w in words) * 2 > len(words):
            continue  # "óculos e lentes de contato": a description, names are capitalised
        if len(words) == 1 and fold(words[0]) in _TRADE_WORDS:
            continue  # "RESTAURANTE" says what the place is, not what it is called
        if not _may_name_a_business(ln.text):
            continue
        # a business's name is short ("Telvion", "Nexa Conseil"); what it sells takes more words
        brevity = 1.1 if len(words) <= 2 else 0.9 if len(words) >= 4 else 1.0
        # "Médecins généralistes" under "CABINET MÉDICAL DES LILAS": what the people do, rather than the name
        trade = 0.7 if _is_title(ln.text) else 1.0
        candidates.append((ln.height * (0.5 + ln.confidence) * brevity * trade, i, ln))
    if not candidates:
        return None
    _, i, ln = max(candidates, key=lambda c: c[0])
    card.used.add(i)
    return Found(ln.text, _conf(ln, 0.45), (ln.text,))


def _may_name_a_business(text: str) -> bool:
    """False for opening hours, directions, asides and lists of services, which logos sit beside."""
    words = re.findall(r"[a-z]+", fold(text))
    if any(w in OPENING_HOURS_WORDS for w in words) or re.search(r"\d{1,2}\s?[h:]\s?\d{2}", text):
        return False  # "Segunda à Sábado", "9h30 - 18h"
    if words and words[0] in LANDMARK_WORDS:
        return False  # "Próximo à Escola ...": directions
    if text.startswith("(") and text.endswith(")"):
        return False  # "(Zeca)": an aside, such as the person's nickname
    # "Escrituras, Inventários, Divórcio" or "Acessórios p/ Computador,": what is done, not who does it
    return text.count(",") < 2 and not text.rstrip().endswith(",")


def _is_descriptor(word: str) -> bool:
    """A word saying what a business does, also when the OCR lost a letter of it ("nformatica")."""
    return word in ORG_DESCRIPTORS or (len(word) >= 7 and bool(difflib.get_close_matches(word, ORG_DESCRIPTORS,
                                                                                          n=1, cutoff=0.8)))


def _with_descriptor(card: _Card, organisation: Found[str]) -> Found[str]:
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


# ---------------------------------------------------------------- name, title, department

_NAME_WORD = re.compile(r"^[A-ZÀ-Ý][A-Za-zÀ-ÿ'\-]*\.?$|^(?:de|du|des|la|le|van|von|der|da|das|dos|do|di|del|e|y)$")


_GERMAN_TITLE_ENDINGS = ("leiter", "leiterin", "fuhrer", "fuhrerin", "berater", "beraterin", "referent",
                         "referentin", "ingenieur", "ingenieurin")


def _is_title(text: str) -> bool:
    folded = fold(text)
    if any(phrase in folded for phrase in TITLE_PHRASES):
        return True
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", folded)
    if any(w in TITLE_WORDS or w.rstrip("s") in TITLE_WORDS or w.rstrip("e") in TITLE_WORDS for w in words):
        return True
    # German compounds: Projektleiter, Vertriebsleiterin, Steuerberater, Geschäftsführerin
    return any(w.endswith(_GERMAN_TITLE_ENDINGS) and len(w) > 8 for w in words)


_AND_WORDS = frozenset({"e", "et", "and", "y", "und", "en"})


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
    if len(core) < 2 or not all(_NAME_WORD.match(w) for w in core) or ln.confidence < 0.6:
        return -1
    folded_words = [re.sub(r"^[ld]['’]", "", fold(w).strip(".,")) for w in core]  # "L'Atelier" -> atelier
    if len(set(folded_words)) < len(folded_words):
        return -1  # "Visa Visa": logos side by side, not a person
    if any(w in LEGAL_FORMS or w in NOT_NAME_WORDS or (w in STREET_WORDS and len(w) > 3) for w in folded_words):
        return -1
    if _is_title(text) and not any(is_first_name(w) for w in core[:1]):
        return -1
    if len(folded_words) == 3 and folded_words[1] in _AND_WORDS and is_first_name(core[0]):
        return -1  # "Marie et Paul", "Rosa e Tadeu": two people (a surname comes before "e" in one name)
    score = 0.0
    if is_first_name(core[0]) or is_first_name(core[-1]):
        score += 2.0
    for local in locals_:
        squashed_local = _squash(local)
        parts = [_squash(w) for w in core if len(_squash(w)) >= 3]
        if any(p in squashed_local for p in parts):
            score += 2.5
            break
    if next_line is not None and _is_title(next_line.text):
        score += 1.5
    score += 1.0 * ln.height / max_height
    score += ln.confidence - 0.5
    return score


def _take_name(card: _Card, locals_: list[str]) -> Found[PersonName] | None:
    free = card.free()
    if not free:
        return None
    max_height = max(ln.height for _, ln in free)
    best: tuple[float, int, TextLine] | None = None
    for position, (i, ln) in enumerate(free):
        next_line = free[position + 1][1] if position + 1 < len(free) else None
        score = _name_score(ln, locals_, max_height, next_line)
        if score >= 2.0 and (best is None or score > best[0]):
            best = (score, i, ln)
    if best is None:
        return _first_name_beside_a_number(card)
    score, i, ln = best
    card.used.add(i)
    confidence = _conf(ln, min(0.95, 0.4 + score / 8))
    return Found(PersonName(full=ln.text), confidence, (ln.text,))


_CAPITALISED = r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'-]+"
_FIRST_OF_SEVERAL = re.compile(
    rf"^({_CAPITALISED}(?: {_CAPITALISED}){{0,2}})\s*/\s*({_CAPITALISED})(?: {_CAPITALISED})?$"
)
_FIRST_NAME_THEN_NUMBER = re.compile(r"^([A-ZÀ-Ý][A-Za-zÀ-ÿ'-]+)\s*[:-]?\s*[+(]?\d[\d .()/-]{6,}\d")


def _first_name_beside_a_number(card: _Card) -> Found[PersonName] | None:
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
        if is_city(words[0], card.region):
            continue  # "Paris 01 42 00 00 00": a branch's number, not a person's
        # "Rosilda / Ana Paula": a first name the dictionary lacks, beside one it knows
        beside = match.group(2) if match.re is _FIRST_OF_SEVERAL else ""
        if is_first_name(words[0]) or (beside and len(words) == 1 and is_first_name(beside)):
            if i not in card.used and match.re is _FIRST_OF_SEVERAL:
                card.used.add(i)
            return Found(PersonName(full=match.group(1)), _conf(ln, 0.5), (ln.text,))
    return None


def _take_title(card: _Card, name: Found[PersonName] | None) -> Found[str] | None:
    if name is None:
        return None  # on a card with no person, a line that reads like a job is a slogan
    free = card.free()
    candidates = []
    name_top = next((ln.top for ln in card.lines if ln.text == name.evidence[0]), None)
    for position, (i, ln) in enumerate(free):
        if not _is_title(ln.text) or re.search(r"[@\d]{2,}", ln.text) or len(ln.text) > 60:
            continue
        if len(ln.text.split()) > 6:
            continue  # a slogan or a list of services
        if _has_legal_form(ln.text):
            continue
        distance = abs(ln.top - name_top) if name_top is not None else 0.0
        candidates.append((distance, position, i, ln))
    if not candidates:
        return None
    _, position, i, ln = min(candidates, key=lambda c: c[0])
    text = ln.text
    card.used.add(i)
    evidence = [ln.text]
    # a title continued on the next line ("Directeur du développement" / "et des partenariats")
    if position + 1 < len(free):
        j, nxt = free[position + 1]
        if re.match(r"^(?:et|and|&|e|y|de|du|des|of|en)\b|^[a-zà-ÿ]", nxt.text) and not re.search(r"[@\d]", nxt.text):
            text = f"{text} {nxt.text}"
            card.used.add(j)
            evidence.append(nxt.text)
    return Found(text, _conf(ln, 0.8), tuple(evidence))


def _take_department(card: _Card) -> Found[str] | None:
    for i, ln in card.free():
        words = re.findall(r"[a-z]+", fold(ln.text))
        if words and words[0] in DEPARTMENT_WORDS and len(ln.text) <= 60 and not re.search(r"\d", ln.text):
            card.used.add(i)
            return Found(ln.text, _conf(ln, 0.6), (ln.text,))
    return None


# ---------------------------------------------------------------- helpers

def _conf(ln: TextLine, rule_certainty: float) -> float:
    return round(max(0.0, min(1.0, rule_certainty * (0.4 + 0.6 * ln.confidence))), 3)
