"""Every weight, threshold and confidence prior of extraction, in one table each, with what chose it.

Confidences are "how sure the rule is" (multiplied by the OCR's confidence of the line in ``lines.conf``);
review shows a field under 0.6 as doubtful (``report``). Measurements: ``tools/evaluate.py`` on the develop
half of the generated corpus, the hand-written corpus (tests/corpus) and ../shared/cards, never the
held-out half.
"""

from __future__ import annotations

# Scores of the readings of an address line (places.parse_place): the reading with the highest score wins,
# so only their order matters. A postcode in the format of a country the card shows is the base; the card
# naming the country, the city being one GeoNames knows in it, a region of its address data, the
# country's letters before the postcode ("CH-8001") each make that country's reading likelier. The country
# letters beat a country named elsewhere on the card (a Swiss postcode on a card naming Germany for a
# branch); a country named on the card beats the card's region guessed from its numbers alone.
ADDRESS: dict[str, float] = {
    "postcode of the country's format": 1.0,
    "country named on the card": 2.0,
    "known city of the country": 2.0,
    "region of the country": 1.0,
    "country letters before the postcode": 3.0,
    "the card's region": 1.5,
    "city and country": 1.0,  # "Doha, Qatar": no postcode
    "known city": 1.0,  # "1 Sheikh Zayed Road, Dubai": no postcode, no country
}

# How sure each rule is of an address (times the OCR's confidence of the line): with its street, a postcode
# and city are as sure as any field; a city without a postcode or street is a guess to review.
ADDRESS_CONFIDENCE: dict[str, float] = {
    "postcode and street": 0.85,
    "postcode, no street": 0.7,
    "city, no postcode": 0.65,
    "street alone": 0.5,
}

# Votes for the country a card's numbers belong to (region.guess_region): among the countries voted for, the
# one where most of the card's digits read as numbers wins, the votes breaking ties; a country voted for
# "plainly" (this much, and twice the runner-up) wins when all the valid numbers are valid there too.
# A named country or a postcode beside a city GeoNames knows there outweigh a domain, which outweighs a
# word only some countries use (the hand-written corpus and the develop half chose these).
REGION_VOTES: dict[str, float] = {
    "the user's region": 0.1,  # --region: only a tie-breaker against what the card shows
    "country named": 2.0,
    "country domain": 1.5,
    "cue word": 0.5,
    "postcode and known city": 2.0,
    # a postcode and city line in the country's format, the city unknown ("3075 Vuille-Dessus"): every country
    # whose postcodes look alike gets it, the numbers' fit decides among them; a region of the country beside
    # the city ("24631 Cerneglons (Bergamo)") says more (develop half: cards of CH, BE, IT, DZ read as French)
    "postcode line of the country's format": 0.3,
    "region beside the postcode": 0.5,
    "state closing a line": 1.0,  # "... - São Paulo - SP", "Keller, TX 76248"
    "calling code": 1.0,  # "+44 ..."
    "plainly named": 3.0,
}

# How sure each rule is of the organisation (times the OCR's confidence of its line).
ORGANISATION: dict[str, float] = {
    "legal form": 0.9,
    "echoed by the e-mail or web domain": 0.85,
    "brand above its tagline": 0.8,  # "Northwind" over "a Northwind company"
    "biggest print": 0.45,  # a guess: review shows it
}

# How sure extraction is of a number (times the OCR's confidence of its line). A number phonenumbers says is
# not valid in its country may be misread or missing its area code: under review's threshold (0.6) at any
# OCR confidence, so that review shows it.
PHONE: dict[str, float] = {
    "valid number": 0.95,
    "not valid in its country": 0.5,
}

# How sure each rule is of the person's title (times the OCR's confidence of its line). A phrase under the name in
# words cardscan does not know is the title on most cards (develop half: the title F1 of languages without a data
# file), but not on all: under review's threshold, so that review shows it.
PERSON: dict[str, float] = {
    "title in words cardscan knows": 0.8,
    "title by its place under the name": 0.55,
    "name, at most": 0.95,  # a name's certainty grows with its score (0.4 + score / 8), up to this
    "first name beside a number": 0.5,  # "SAM 248.555.0137": a guess when no full name is printed
    "department": 0.6,
}

# The score of a line as the person's name (person._name_score): a line scoring less than "enough to be a name"
# is no name. Two of the signs together make a name; a line the e-mail's local part spells counts most, being
# the surest ("jean.dupont@" for "Jean DUPONT"). The hand-written corpus chose these (its 84 cards exact).
NAME_SCORE: dict[str, float] = {
    "a known first name": 2.0,  # gender-guesser's dictionary, first or last word
    "echoed by the e-mail": 2.5,
    "a title under it": 1.5,
    "its size (the biggest print: 1)": 1.0,  # times the line's height over the card's tallest
    "enough to be a name": 2.0,
}

# How sure extraction is of what the internet parts of a card say (times the OCR's confidence of the line).
ONLINE: dict[str, float] = {
    "e-mail": 0.95,
    "profile link": 0.9,
    "website with www or scheme": 0.9,
    "website by its domain alone": 0.75,  # "atelier.fr": a domain, or an abbreviation the OCR read with a dot
    "handle named with its network": 0.85,
}
