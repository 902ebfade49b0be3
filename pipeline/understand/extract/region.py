"""The country a card belongs to, from what it shows: country names, domains, cue words and its numbers."""

from __future__ import annotations

import re
from functools import cache

import phonenumbers

from ..lexicons import (
    COUNTRY_CUES,
    TLD_REGIONS,
    countries_named,
    fold,
)
from .addresses import (
    BR_CITY_STATE,
    US_STATE_ZIP,
    countries_of_address,
    postcode_line_countries,
    postcodes_in,
    us_state,
)
from .lines import TextLine
from .phones import NUMBER_SPAN, repair_digits, split_numbers
from .weights import REGION_VOTES

# Where cardscan's users collect most cards, tried in this order when a card's
# numbers are valid in none of the countries the card itself suggests.
_FALLBACK_REGIONS = ("FR", "BE", "CH", "LU", "GB", "US", "DE", "ES", "IT", "PT", "NL", "BR", "CA", "JP")


def _groups(printed: str) -> list[int]:
    return [len(group) for group in re.findall(r"\d+", printed)]


def guess_region(lines: list[TextLine], default: str) -> str:
    """The country a card's numbers belong to.

    Evidence from the card (country names, website and e-mail country domains,
    words only one country uses) proposes countries; among the proposals and
    ``default``, the one under which most of the card's numbers are valid wins.
    """
    votes: dict[str, float] = {default: REGION_VOTES["the user's region"]}
    formats: dict[str, float] = {}  # the countries whose format reads a postcode line of the card
    for ln in lines:
        folded = fold(ln.text)
        for start, end, code in countries_named(ln.text):
            if end - start > 3:
                votes[code] = votes.get(code, 0) + REGION_VOTES["country named"]
        for tld in re.findall(r"[a-z0-9-]\.([a-z]{2})(?![a-z0-9.-])", folded):
            if tld in TLD_REGIONS:
                votes[TLD_REGIONS[tld]] = votes.get(TLD_REGIONS[tld], 0) + REGION_VOTES["country domain"]
        for word in re.findall(r"[a-z]+", folded):
            for code in COUNTRY_CUES.get(word, ()):
                votes[code] = votes.get(code, 0) + REGION_VOTES["cue word"]
        known = countries_of_address(ln.text)
        for code in known:
            votes[code] = votes.get(code, 0) + REGION_VOTES["postcode and known city"]
        if not known:
            # "3075 Vuille-Dessus": a postcode line only some countries' formats read (four digits: not France)
            for code, with_region in postcode_line_countries(ln.text).items():
                formats[code] = formats.get(code, 0) + REGION_VOTES["postcode line of the country's format"] + (
                    REGION_VOTES["region beside the postcode"] if with_region else 0)
        if BR_CITY_STATE.search(ln.text):
            # "... - São Paulo - SP": a Brazilian state closes the line
            votes["BR"] = votes.get("BR", 0) + REGION_VOTES["state closing a line"]
        state_zip = US_STATE_ZIP.search(ln.text)
        if state_zip and us_state(state_zip.group(2)):
            votes["US"] = votes.get("US", 0) + REGION_VOTES["state closing a line"]
        if re.search(r"[ãõ]", ln.text.lower()):  # written in Portuguese
            votes["BR"] = votes.get("BR", 0) + REGION_VOTES["cue word"]
            votes["PT"] = votes.get("PT", 0) + 0.6 * REGION_VOTES["cue word"]
    spans = []
    for ln in lines:
        text = repair_digits(ln.text)
        postcodes = [re.sub(r"\D", "", code) for code in postcodes_in(text, list(votes))]
        spans += [m.group(0) for m in NUMBER_SPAN.finditer(text)
                  if not any(code in re.sub(r"\D", "", m.group(0)) for code in postcodes)]
    for span in spans:
        if span.startswith("+"):  # a number printed with its country code names its country
            try:
                calling_code = phonenumbers.parse(span, None).country_code or 0
            except phonenumbers.NumberParseException:
                continue
            # the calling code's main country: +44 is the UK, even for a number Guernsey also uses
            code = phonenumbers.region_code_for_country_code(calling_code)
            if code != "ZZ":
                votes[code] = votes.get(code, 0) + REGION_VOTES["calling code"]

    if max(votes.values()) < REGION_VOTES["calling code"]:
        # only when nothing on the card names its country (a name, a domain, a "+44", a known city): weak
        # evidence, which a phone number of a small country's plan could otherwise win ("65735-833", a CEP)
        for code, vote in formats.items():
            votes[code] = votes.get(code, 0) + vote

    @cache  # each region is weighed more than once below
    def fit(region: str) -> tuple[int, int, int]:
        """(digits read as numbers of ``region`` minus digits left over, digits of valid numbers, numbers printed
        in the groups ``region`` prints them in: "(202) 896-5075" is American, "20 28 96 50 75" is not)."""
        covered = valid_digits = total = grouped = 0
        for span in spans:
            total += len(re.sub(r"\D", "", span))
            for candidate, number, valid in split_numbers(span, region):
                digits = len(re.sub(r"\D", "", candidate))
                covered += digits
                valid_digits += digits if valid else 0
                grouped += valid and _groups(candidate) == _groups(
                    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
        return covered - (total - covered), valid_digits, grouped

    best = max(votes, key=lambda region: (fit(region), votes[region]))
    favourite = max(votes, key=lambda region: votes[region])
    runner_up = max((v for region, v in votes.items() if region != favourite), default=0.0)
    plainly = votes[favourite] >= REGION_VOTES["plainly named"] and votes[favourite] >= 2 * runner_up
    if plainly and fit(favourite)[1] >= fit(best)[1]:
        # the card names its country plainly (country name, domain, +prefix) and all its valid numbers
        # are valid there: a postcode elsewhere read as a local number does not outvote that
        best = favourite
    if spans and fit(best)[0] <= 0:
        # nothing on the card reads as a number of the countries it suggests: ask where its numbers fit
        fallback = max(_FALLBACK_REGIONS, key=fit)
        if fit(fallback)[1] > 0:
            return fallback
    return best

