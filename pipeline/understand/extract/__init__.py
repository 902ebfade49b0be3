"""Stage 4: tell which OCR line is a name, a title, a phone, an address...

Pure functions: OCR lines in, a ``Contact`` with values as printed out. Numbers
are recognised with phonenumbers (so a postcode or a SIRET is not taken for a
phone) but formatting to E.164, e-mail validation and natural case are the job
of ``normalise``.

The modules follow the order in which a card's lines are claimed: ``lines``
(cleaning, cutting), ``region`` (the card's country), ``online`` (e-mails,
websites, profiles), ``phones``, ``addresses``, ``organisation``, ``person``
(name, title, department). What they know of countries and languages is data,
loaded by ``pipeline.understand.lexicons``.
"""

from __future__ import annotations

from ...core.models import Contact
from .addresses import parse_postcode_city, take_addresses
from .lines import Card, TextLine, clean_line, lines_from_ocr, lines_from_text, split_at_labels
from .online import host_of, repair_email_text, take_emails, take_handles, take_urls
from .organisation import take_organisation_by_form_or_domain, take_organisation_by_size, take_taglines, with_descriptor
from .person import take_department, take_name, take_title
from .phones import repair_digits, take_phones
from .region import guess_region

__all__ = [
    "TextLine", "clean_line", "extract_contact", "guess_region", "lines_from_ocr", "lines_from_text",
    "parse_postcode_city", "repair_digits", "repair_email_text", "split_at_labels",
]


def extract_contact(lines: list[TextLine], region: str = "FR") -> Contact:
    """Find every field of a card in its lines.

    ``region`` is the country to read numbers without a +prefix in; pass the
    result of ``guess_region`` so the card's own address or website decides it.
    """
    card = Card(lines=lines, region=region)
    handles = take_handles(card)  # before e-mails: "IG @lea.morel" is no e-mail read with a space
    emails = take_emails(card)
    websites, social = take_urls(card)
    social += handles
    phones = take_phones(card)
    addresses = take_addresses(card)
    domains = [e.value.split("@")[-1] for e in emails] + [host_of(w.value) for w in websites]
    locals_ = [e.value.split("@")[0] for e in emails]
    brand = take_taglines(card)  # "Northwind" over "a Northwind company": the tagline is no title, no company
    organisation = take_organisation_by_form_or_domain(card, domains)
    if organisation is None or (brand is not None and organisation.confidence < brand.confidence):
        organisation = brand or organisation
    name = take_name(card, locals_)
    title = take_title(card, name)
    department = take_department(card)
    if organisation is None:
        organisation = take_organisation_by_size(card)
    if organisation is not None:
        organisation = with_descriptor(card, organisation)
    return Contact(
        name=name, title=title, organisation=organisation, department=department,
        phones=tuple(phones), emails=tuple(emails), websites=tuple(websites),
        addresses=tuple(addresses), social=tuple(social),
    )

