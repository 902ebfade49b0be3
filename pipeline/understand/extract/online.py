"""E-mails, websites and social profiles."""

from __future__ import annotations

import re

from ...core.models import (
    Found,
    SocialProfile,
    unique_found,
)
from ..lexicons import (
    DISTINCTIVE_WEBMAIL,
    GENERIC_TLDS,
    TLD_REGIONS,
)
from .lines import Card, conf
from .weights import ONLINE

SOCIAL_HOSTS = {
    "linkedin.com": "linkedin", "twitter.com": "twitter", "x.com": "twitter", "instagram.com": "instagram",
    "facebook.com": "facebook", "fb.com": "facebook", "wa.me": "whatsapp", "youtube.com": "youtube",
    "tiktok.com": "tiktok", "github.com": "github", "pinterest.com": "pinterest",
}


_AT_VARIANTS = re.compile(r"\s*(?:\(at\)|\[at\]|\{at\}|©|®)\s*|\s+@\s*|\s*@\s+", re.IGNORECASE)
EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# An address at a big webmail provider whose "@" the OCR lost or read as a "Q" ("ana.lima2Qgmail.com"); not
# "d" or "a", which end many names ("bernardgmail.com" is bernard@, not bernar@)
_LOST_AT = re.compile(r"(?<![\w.@/])([A-Za-z0-9][A-Za-z0-9._-]*?[A-Za-z0-9])[qQ]?"
                      rf"(?=(?:{'|'.join(sorted(DISTINCTIVE_WEBMAIL))})\.[a-z]{{2,}}\b)")
# "E-mail:", "Mail ", "E: ", "E. " before the address; not the "mail" of "maillard@" or the "e." of "e.schuster@"
_EMAIL_LABEL = re.compile(r"^(?:(?:e-?mail|mail|courriel)(?:\s*[:.]\s*|\s+)|e(?:\s*:\s*|\.\s+|\s+))", re.IGNORECASE)


def repair_email_text(text: str) -> str:
    """Undo the usual OCR damage around an e-mail: '(at)', '©', spaces around '@' and dots, ',com', a lost '@'."""
    text = _AT_VARIANTS.sub("@", text)
    if "@" not in text:
        text = _LOST_AT.sub(r"\1@", text, count=1)
    text = re.sub(r"\s*\.\s*(?=[a-z]{2,}\b)", ".", text) if "@" in text else text
    text = re.sub(r",(com|fr|net|org|br|be|ch|de)\b", r".\1", text)
    return text


def take_emails(card: Card) -> list[Found[str]]:
    found: list[Found[str]] = []
    for i, ln in card.free():
        repaired = repair_email_text(ln.text)
        if "@" not in repaired:
            continue
        for match in EMAIL.finditer(_EMAIL_LABEL.sub("", repaired)):
            value = _repair_domain_letters(match.group(0).strip(".-'"))
            found.append(Found(value, conf(ln, ONLINE["e-mail"]), (ln.text,)))
            card.leftover.setdefault(i, repaired)
            card.claim(i, match.group(0))
            card.email_lines.add(i)
    return unique_found(found)


def _repair_domain_letters(email: str) -> str:
    """An "o" or "l" read as a digit among a domain's letters ("tabelia0.com.br", "hotmai1.com")."""
    local, _, domain = email.rpartition("@")
    domain = re.sub(r"(?<=[a-z]{2})0(?=[a-z]|\.|$)|(?<=[a-z])0(?=[a-z]{2})", "o", domain, flags=re.IGNORECASE)
    domain = re.sub(r"(?<=[a-z]{2})1(?=[a-z]|\.|$)|(?<=[a-z])1(?=[a-z]{2})", "l", domain, flags=re.IGNORECASE)
    return f"{local}@{domain}"


_URL = re.compile(
    r"(?<![@\w.-])((?:https?://)?(?:www\d?\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.([a-z]{2,12})(?:/[^\s,;]*)?)(?![\w@-])",
    re.IGNORECASE,
)


def take_urls(card: Card) -> tuple[list[Found[str]], list[Found[SocialProfile]]]:
    websites: list[Found[str]] = []
    social: list[Found[SocialProfile]] = []
    lines = [*card.free(), *((i, card.lines[i]) for i in sorted(card.email_lines))]
    for i, ln in sorted(lines, key=lambda line: line[0]):
        # "name@site.fr • www.site.fr": the e-mail is taken already, its domain is no website
        text = EMAIL.sub(" ", repair_email_text(ln.text)) if i in card.email_lines else ln.text
        # "wwuw." / "vvww ," are how OCR reads a "www." printed small
        text = re.sub(r"(?i)(?<![\w.])(?=[wvu]*w[wvu]*w)[wvu]{3,5}\s*[.,]\s*(?=[a-z0-9])", "www.", text)
        text = re.sub(r"(?i)\s*\.\s*(com|net|org|fr|br)\b", r".\1", text)
        text = re.sub(r"(?i)^(?:site|web|website|internet|url|w)\s*[:.]\s*", "", text)
        for match in _URL.finditer(text):
            url, tld = match.group(1), match.group(2).lower()
            host = host_of(url)
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
                social.append(Found(SocialProfile(service, url), conf(ln, ONLINE["profile link"]), (ln.text,)))
            else:
                certainty = ONLINE["website with www or scheme" if explicit else "website by its domain alone"]
                websites.append(Found(url, conf(ln, certainty), (ln.text,)))
            card.leftover.setdefault(i, text)
            card.claim(i, url)
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


def take_handles(card: Card) -> list[Found[SocialProfile]]:
    """Social handles printed with the network's name; a bare "@handle" is only kept from being a name or company."""
    found: list[Found[SocialProfile]] = []
    for i, ln in card.free():
        for match in _LABELLED_HANDLE.finditer(ln.text):
            service, url = _HANDLE_PROFILES[match.group(1).lower()]
            profile = SocialProfile(service, url.format(match.group(2).rstrip(".")))
            found.append(Found(profile, conf(ln, ONLINE["handle named with its network"]), (ln.text,)))
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


def host_of(url: str) -> str:
    host = re.sub(r"(?i)^https?://", "", url).split("/")[0].lower()
    return re.sub(r"^www\d?\.", "", host)

