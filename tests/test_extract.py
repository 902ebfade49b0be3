"""Field extraction on text alone: which line is what."""

from __future__ import annotations

import pytest

from pipeline.understand.extract import (
    TextLine,
    extract_contact,
    guess_region,
    lines_from_text,
    parse_postcode_city,
    repair_digits,
    repair_email_text,
    split_at_labels,
)
from pipeline.understand.normalise import normalise_contact

from .conftest import read

FRENCH_CARD = """\
Camille MARTIN
Directrice commerciale
Atelier Lumière SARL
12 rue des Lilas
69003 Lyon
Tél. 04 72 00 12 34
Portable 06 12 34 56 78
camille.martin@atelier-lumiere.fr
www.atelier-lumiere.fr
"""


def test_french_card_every_field():
    contact = read(FRENCH_CARD)
    assert contact.name is not None
    assert contact.name.value.full == "Camille Martin"
    assert (contact.name.value.given, contact.name.value.family) == ("Camille", "Martin")
    assert contact.title is not None and contact.title.value == "Directrice commerciale"
    assert contact.organisation is not None and contact.organisation.value == "Atelier Lumière SARL"
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [
        ("+33472001234", "work"),
        ("+33612345678", "cell"),
    ]
    assert [e.value for e in contact.emails] == ["camille.martin@atelier-lumiere.fr"]
    assert [w.value for w in contact.websites] == ["www.atelier-lumiere.fr"]
    address = contact.addresses[0].value
    assert (address.street, address.postcode, address.city, address.country) == (
        "12 rue des Lilas", "69003", "Lyon", "FR")


def test_every_field_carries_confidence_and_evidence():
    contact = read(FRENCH_CARD)
    for _, found in contact.all_found():
        assert 0 < found.confidence <= 1
        assert found.evidence


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Tél. : 01 42 68 53 00", "work"),
        ("Portable 06 12 34 56 78", "cell"),
        ("Mob. 06 12 34 56 78", "cell"),
        ("M. +33 6 12 34 56 78", "cell"),
        ("Fax 01 42 68 53 01", "fax"),
        ("F. 01 42 68 53 01", "fax"),
        ("Ligne directe 01 42 68 53 02", "work"),
        ("WhatsApp +33 6 12 34 56 79", "other"),
    ],
)
def test_phone_kind_comes_from_its_label(line, kind):
    contact = read(f"Jean Dupont\n{line}")
    assert [p.value.kind for p in contact.phones] == [kind]


def test_unlabelled_mobile_is_typed_from_the_number():
    contact = read("Jean Dupont\n06 12 34 56 78\n01 42 68 53 00")
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [
        ("+33612345678", "cell"),
        ("+33142685300", "work"),
    ]


def test_a_label_alone_on_its_line_types_the_next_number():
    contact = read("Jean Dupont\nPortable\n06 12 34 56 78")
    assert [p.value.kind for p in contact.phones] == ["cell"]


def test_two_numbers_on_one_line():
    contact = read("Jean Dupont\nTél. 01 42 68 53 00 / Fax 01 42 68 53 01")
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [
        ("+33142685300", "work"),
        ("+33142685301", "fax"),
    ]


def test_trunk_prefix_in_brackets_and_extension():
    contact = read("Avery Stone\nTel +44 (0) 20 7946 0321 ext. 240", region="GB")
    assert [(p.value.number, p.value.extension) for p in contact.phones] == [("+442079460321", "240")]


@pytest.mark.parametrize(
    "line",
    [
        "SIRET 123 456 789 00012",
        "RCS Paris 123 456 789",
        "75008 Paris",
        "Le 12/05/2024",
        "12 rue de la Paix",
        "TVA FR 12 345678901",
    ],
)
def test_numbers_that_are_not_phones(line):
    assert read(f"Jean Dupont\n{line}").phones == ()


def test_ocr_letters_in_a_number_are_repaired_but_not_in_words():
    assert repair_digits("Tél. O6 l2 34 S6 78") == "Tél. 06 12 34 56 78"
    assert repair_digits("Solutions Logiciels") == "Solutions Logiciels"


def test_the_card_decides_the_region_of_its_numbers():
    contact = read("Pieter Janssens\nRue de la Loi 16\n1000 Bruxelles\nBelgique\nTel 02 555 12 34")
    assert [p.value.number for p in contact.phones] == ["+3225551234"]
    address = contact.addresses[0].value
    assert (address.postcode, address.city, address.country) == ("1000", "Bruxelles", "BE")


def test_plus_prefix_wins_over_the_default_region():
    contact = read("Olivia Bennett\nMobile +44 7418 352961", region="FR")
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [("+447418352961", "cell")]


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("jean.dupont@exemple-societe.fr", "jean.dupont@exemple-societe.fr"),
        ("jean.dupont(at)exemple-societe.fr", "jean.dupont@exemple-societe.fr"),
        ("jean.dupont © exemple-societe.fr", "jean.dupont@exemple-societe.fr"),
        ("E-mail : Jean.Dupont @ Exemple-Societe.FR", "jean.dupont@exemple-societe.fr"),
        ("jean.dupont@exemple-societe,com", "jean.dupont@exemple-societe.com"),
    ],
)
def test_email_repairs(printed, expected):
    contact = read(f"Jean Dupont\n{printed}")
    assert [e.value for e in contact.emails] == [expected]


def test_an_at_sign_lost_before_a_webmail_domain_comes_back():
    contact = read("Ana Lima\nana.lima2Qgmail.com\nbernardhotmail.fr\nwww.gmail.com", region="FR")
    assert [e.value for e in contact.emails] == ["ana.lima2@gmail.com", "bernard@hotmail.fr"]


def test_repair_email_text_leaves_plain_text_alone():
    assert repair_email_text("Atelier des Arts") == "Atelier des Arts"


def test_an_invalid_email_is_dropped_not_written():
    assert read("Jean Dupont\njean..dupont@@exemple").emails == ()


def test_social_profiles_are_not_websites():
    contact = read("Jean Dupont\nwww.dupont-conseil.fr\nlinkedin.com/in/jeandupont")
    assert [w.value for w in contact.websites] == ["www.dupont-conseil.fr"]
    assert [(s.value.service, s.value.url) for s in contact.social] == [("linkedin", "linkedin.com/in/jeandupont")]


def test_abbreviations_are_not_websites():
    assert read("Jean Dupont\nAv. Foch\nS.A. au capital").websites == ()


def test_company_only_card_has_no_person():
    contact = read("Le Petit Bistrot\nRestaurant traditionnel\n5 rue Mouffetard\n75005 Paris\nTél. 01 43 31 20 87")
    assert contact.name is None
    assert contact.organisation is not None and contact.organisation.value == "Le Petit Bistrot"


def test_name_agrees_with_email_over_a_bigger_line():
    lines = [
        TextLine("NORDIC SOLUTIONS", height=80),
        TextLine("Ingrid Solberg", height=30),
        TextLine("Senior Consultant", height=24),
        TextLine("ingrid.solberg@nordic-solutions.no", height=20),
    ]
    contact = normalise_contact(extract_contact(lines, "FR"), "FR")
    assert contact.name is not None and contact.name.value.full == "Ingrid Solberg"
    assert contact.organisation is not None and contact.organisation.value == "NORDIC SOLUTIONS"
    assert contact.title is not None and contact.title.value == "Senior Consultant"


def test_a_slogan_is_not_a_title():
    contact = read("Assistência Técnica especializada em televisores e aparelhos de som\nTel 2295-1170")
    assert contact.title is None


@pytest.mark.parametrize(
    ("text", "region", "parts"),
    [
        ("75008 Paris", "FR", ("75008", "Paris", "FR")),
        ("92130 Issy-les-Moulineaux CEDEX 9", "FR", ("92130", "Issy-les-Moulineaux CEDEX 9", "FR")),
        ("1202 Genève", "CH", ("1202", "Genève", "CH")),
        ("Marylebone, London, W1 4AB", "GB", ("W1 4AB", "London", "GB")),
        ("Keller, TX 76248", "US", ("76248", "Keller", "US")),
        ("CEP 01234-010 | Centro | São Paulo | SP", "BR", ("01234-010", "São Paulo", "BR")),
    ],
)
def test_postcode_and_city(text, region, parts):
    address = parse_postcode_city(text, region)
    assert address is not None
    assert (address.postcode, address.city, address.country) == parts


def test_nothing_invented_from_noise():
    contact = read("—\n= ~ |\n.%\nee")
    assert contact.is_empty


def test_middle_dots_and_full_width_brackets_in_numbers():
    contact = read("Sam Rudnick\nSAM 248·555·0137\nCLARKSTON, MICHIGAN 48346")
    assert [p.value.number for p in contact.phones] == ["+12485550137"]
    address = contact.addresses[0].value
    assert (address.city, address.region, address.postcode) == ("CLARKSTON", "MI", "48346")


def test_misread_trunk_bracket():
    contact = read("Avery Stone\nfax:+44(0l2067892345", region="GB")
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [("+442067892345", "fax")]


def test_a_word_between_numbers_is_not_read_as_digits():
    contact = read("Freios e Suspensao\n11 2781-3030 / 2781-4040 - ID 55*7*10021 / Osvaldo", region="BR")
    # the second number shares the first one's area code (it was "+5527814040", a wrong, invalid number)
    assert [p.value.number for p in contact.phones][:2] == ["+551127813030", "+551127814040"]


def test_title_glued_to_the_name():
    contact = read("Dr.Avery Stone\nSenior Researcher\navery.stone@larkspur-example.com", region="GB")
    assert contact.name is not None and contact.name.value.full == "Avery Stone"
    assert contact.name.value.prefix == "Dr."


def test_a_us_street_number_is_not_a_postcode():
    contact = read("Lucas Whitmore Cell: 817-555-0142\nAddress: 18020 Mesa Road\nKeller, TX 76248", region="US")
    assert [(a.value.postcode, a.value.city) for a in contact.addresses] == [("76248", "Keller")]
    assert contact.name is not None and contact.name.value.full == "Lucas Whitmore"
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [("+18175550142", "cell")]


def test_a_logo_on_two_lines_is_one_organisation():
    lines = [TextLine("Aurora", height=100), TextLine("Buffet", height=180), TextLine("eventos", height=70),
             TextLine("José Prado", height=45), TextLine("www.aurorabuffet.com.br", height=40)]
    contact = normalise_contact(extract_contact(lines, "BR"), "BR")
    assert contact.organisation is not None and contact.organisation.value == "Aurora Buffet"


def test_a_job_title_the_domain_also_names_stays_the_title():
    contact = read("Antoine Moreau\nArchitecte\nMoreau Architectes\n27 boulevard Carnot\n06400 Cannes\n"
                   "antoine@moreau-architectes.fr")
    assert contact.organisation is not None and contact.organisation.value == "Moreau Architectes"
    assert contact.title is not None and contact.title.value == "Architecte"


def test_a_number_with_a_country_code_names_the_card_country():
    lines = lines_from_text("Dr. Ana Reyes\nmob: +44 (0)7700 900123\nParkside, London, N1 9GU")
    assert guess_region(lines, "FR") == "GB"
    contact = read("Dr. Ana Reyes\nmob: +44 (0)7700 900123\nParkside, London, N1 9GU")
    assert [(a.value.postcode, a.value.city) for a in contact.addresses] == [("N1 9GU", "London")]


def test_a_plus_read_as_four_before_a_trunk_zero_is_a_plus_again():
    assert repair_digits("mob:444(0)7700900123") == "mob:+44(0)7700900123"
    assert repair_digits("Tel 4 33 (0)1 42 00 00 00") == "Tel +33 (0)1 42 00 00 00"
    assert repair_digits("Réf. 4123 4567") == "Réf. 4123 4567"  # no "(0)": nothing to say it was a "+"


@pytest.mark.parametrize(("line", "city"), [
    ("Rua das Flores, 120 - Vila Nova - Campinas - SP", "Campinas"),
    ("Av. Brasil, 55 - Centro - Curitiba", "Curitiba"),
    ("Av.Atlantica,2365-Jd.Esperanca-SaoPaulo-SP", "Sao Paulo"),
])
def test_a_brazilian_street_line_ends_with_its_city(line: str, city: str):
    contact = read(f"Lojas Exemplo Ltda\n{line}\nTel (11) 3456-7890", "BR")
    assert [a.value.city for a in contact.addresses] == [city]


def test_a_brazilian_neighbourhood_or_landmark_is_not_a_city():
    contact = read("Rua Exemplo, 10 - Sala 4 - Jardim Aurora - SP\nCEP 04000-000 (próximo ao metrô)\n(11) 3456-7890",
                   "BR")
    assert [(a.value.postcode, a.value.city) for a in contact.addresses] == [("04000-000", "")]


def test_an_initial_glued_to_the_surname_is_parted_but_not_in_an_address():
    contact = read("Paulo M.Tavares Jr.\nEscrevente Autorizado\nJ.Smith@cartorio-example.com.br", region="BR")
    assert contact.name is not None and contact.name.value.full == "Paulo M. Tavares Jr."
    assert [e.value for e in contact.emails] == ["j.smith@cartorio-example.com.br"]


def test_a_legal_form_glued_to_a_name_in_capitals_is_parted():
    contact = read("Eletrônica TAKEDALtda.\nAssistência Técnica\nFone 2345-6789", region="BR")
    assert contact.organisation is not None and contact.organisation.value == "Eletrônica TAKEDA Ltda."
    assert contact.name is None


def test_two_first_names_joined_by_and_are_no_one_person():
    assert read("Marie et Paul\nChambres d'hôtes\n06 12 34 56 78").name is None
    assert read("Rosa e Tadeu\nFunilaria e Pintura\nTel (11) 2680-3131", region="BR").name is None
    contact = read("Ana Silva e Souza\nAdvogada\nTel (11) 3240-7788", region="BR")
    assert contact.name is not None and contact.name.value.full == "Ana Silva e Souza"


def test_a_website_sharing_the_line_of_an_email_is_found_and_the_email_domain_is_no_website():
    contact = read("Élise Marchand\nelise.marchand@art-paca.fr • www.art-paca.fr")
    assert [w.value for w in contact.websites] == ["www.art-paca.fr"]
    assert [e.value for e in contact.emails] == ["elise.marchand@art-paca.fr"]
    assert read("Élise Marchand\nelise.marchand@art-paca.fr").websites == ()


def test_a_handle_named_with_its_network_is_a_profile_link_and_a_bare_handle_names_no_one():
    contact = read("Chloé Perrin\nCréatrice de bijoux\nInstagram : @atelier.lune\nIG @atelier · X: @cperrin")
    assert sorted(p.value.url for p in contact.social) == [
        "instagram.com/atelier", "instagram.com/atelier.lune", "x.com/cperrin"]
    assert contact.emails == () and contact.organisation is None
    contact = read("Thomas Nguyen\nData Scientist\nNeuralia\n@tnguyen_data")
    assert contact.social == () and contact.organisation is not None and contact.organisation.value == "Neuralia"
    assert [e.value for e in read("Léa Morel\nx@morel.fr").emails] == ["x@morel.fr"]  # "x" is no network here


def test_a_japanese_postcode_after_its_postal_mark_is_no_phone_number():
    contact = read("Hiroshi Sato\n〒105-0004 1-9-2 Shimbashi, Minato-ku, Tokyo, Japan\nTEL 03-6734-1234", region="JP")
    assert [p.value.number for p in contact.phones] == ["+81367341234"]
    assert (contact.addresses[0].value.postcode, contact.addresses[0].value.city) == ("105-0004", "Tokyo")


@pytest.mark.parametrize(("line", "postcode", "city", "province"), [
    ("Montréal (Québec) H3B 4W8", "H3B 4W8", "Montréal", "QC"),
    ("Toronto, ON M5V2T6", "M5V 2T6", "Toronto", "ON"),
])
def test_a_canadian_postcode_with_its_city_and_province(line: str, postcode: str, city: str, province: str):
    address = parse_postcode_city(line, "CA")
    assert address is not None
    assert (address.postcode, address.city, address.region, address.country) == (postcode, city, province, "CA")


@pytest.mark.parametrize(("line", "parts"), [
    ("JEAN DUPONT - Directeur commercial", ["JEAN DUPONT", "Directeur commercial"]),
    ("Julie Martin | CEO", ["Julie Martin", "CEO"]),
    ("Olivier Masson Tél. 02 40 12 34 56", ["Olivier Masson", "Tél. 02 40 12 34 56"]),
    ("Ligne directe : 04 42 12 00 15", ["Ligne directe : 04 42 12 00 15"]),
    ("Site web : www.lacroix.fr", ["Site web : www.lacroix.fr"]),
    ("Mécanique - Carrosserie", ["Mécanique - Carrosserie"]),
    ("12 bd Gambetta - 38000 Grenoble", ["12 bd Gambetta - 38000 Grenoble"]),
    ("Tél/Fax : 01 64 33 22 11", ["Tél/Fax : 01 64 33 22 11"]),
])
def test_a_line_is_cut_where_a_new_field_starts_and_only_there(line: str, parts: list[str]):
    assert split_at_labels(line) == parts


def test_a_cep_glued_to_its_label_is_read():
    assert parse_postcode_city("Rua X, 15 - Centro - CEP01234-011", "BR").postcode == "01234-011"


def test_a_uk_postcode_read_without_its_space_gets_it_back():
    assert parse_postcode_city("Marylebone, London, W14AB", "GB").postcode == "W1 4AB"


def test_the_line_under_a_logo_saying_what_the_business_does_is_part_of_its_name():
    lines = [TextLine("NORVA", height=60, top=100, left=80, width=220),
             TextLine("Conseil & Solutions", height=28, top=165, left=70, width=260),
             TextLine("Claire Dubois", height=40, top=260, left=500, width=300),
             TextLine("Directrice associée", height=28, top=310, left=500, width=300),
             TextLine("claire.dubois@norva.fr", height=26, top=360, left=500, width=330)]
    contact = normalise_contact(extract_contact(lines, "FR"), "FR")
    assert contact.organisation is not None
    assert contact.organisation.value == "NORVA Conseil & Solutions"


def test_a_descriptor_far_from_the_logo_stays_apart():
    lines = [TextLine("NORVA", height=60, top=100, left=80, width=220),
             TextLine("Solutions", height=28, top=165, left=700, width=160),
             TextLine("claire.dubois@norva.fr", height=26, top=360, left=500, width=330)]
    contact = extract_contact(lines, "FR")
    assert contact.organisation is not None and contact.organisation.value == "NORVA"


@pytest.mark.parametrize("text", ["Segunda à Sábado", "Lundi - Vendredi", "Ouvert 9h30 - 19h00",
                                  "Próximo à Escola Central", "Escrituras, Inventários, Divórcio", "(Zeca)"])
def test_hours_directions_asides_and_lists_are_not_the_organisation(text: str):
    contact = read(f"{text}\nTel (11) 2640-1177\ncontato@exemplo.com.br", "BR")
    assert contact.organisation is None or contact.organisation.value != text


def test_letters_read_for_a_whole_group_of_digits_are_digits_again():
    assert repair_digits("Tel Ol 33 14 84 90") == "Tel 01 33 14 84 90"
    assert repair_digits("Cel: (ll) 93924-38ll") == "Cel: (11) 93924-3811"
    assert repair_digits("Il y a 12 34 56 78") == "Il y a 12 34 56 78"


def test_groups_of_three_are_a_siren_in_france_only():
    assert read("Tél. 612 345 678\nSIRET sans libellé", "FR").phones == ()
    spanish = read("Móvil 612 345 678\nventas@ejemplo.es", "ES")
    assert [p.value.number for p in spanish.phones] == ["+34612345678"]


def test_a_dutch_postcode_has_two_letters():
    assert parse_postcode_city("1015 CJ Amsterdam", "NL") == parse_postcode_city("1015CJ Amsterdam", "NL")
    address = parse_postcode_city("1015 CJ Amsterdam", "NL")
    assert address is not None and (address.postcode, address.city) == ("1015 CJ", "Amsterdam")


def test_a_digit_among_the_letters_of_an_email_domain_was_a_letter():
    contact = read("zeca@9tabelia0.not.br\ncontato@hotmai1.com\nvendas@loja2000.com.br", "BR")
    assert [e.value for e in contact.emails] == ["zeca@9tabeliao.not.br", "contato@hotmail.com",
                                                 "vendas@loja2000.com.br"]


def test_a_bare_tld_pair_is_no_website():
    assert read("Av. Brasil, 100 com.de\nwww.exemplo.com.br", "BR").websites[0].value == "www.exemplo.com.br"
    assert len(read("Av. Brasil, 100 com.de\nwww.exemplo.com.br", "BR").websites) == 1


def test_a_first_name_beside_its_number_names_the_contact_when_no_full_name_is_printed():
    assert read("LAWN CARE\nSAM 248.555.0137\nRUDNICK 734.555.0199", "US").name.value.full == "Sam"
    assert read("Sophie / Claire\nFleurs et Jardins\nTél. 01 42 00 00 00").name.value.full == "Sophie"
    assert read("Rosilda / Ana Paula\nTel: 2680-3131", "BR").name.value.full == "Rosilda"  # unknown, beside a known one
    assert read("Vendas e Assistência / Peças\nTel: 2680-3131", "BR").name is None
    assert read("Tudo é possível\nMarcos 9:23\nTel (11) 2680-3131", "BR").name is None


def test_a_short_name_beats_a_longer_line_of_wares_of_about_the_same_size():
    lines = [TextLine("Celular e Aparelho Telefonico", height=50, top=100),
             TextLine("Telvion", height=48, top=160),
             TextLine("Acessorios p/ Computador,", height=56, top=220),
             TextLine("Tel: (11) 2680-3131", height=47, top=280)]
    contact = extract_contact(lines, "BR")
    assert contact.organisation is not None and contact.organisation.value == "Telvion"


def test_a_descriptor_the_ocr_damaged_still_joins_the_logo():
    lines = [TextLine("Servivita", height=100, top=100, left=100, width=400),
             TextLine("nformatica", height=50, top=205, left=150, width=300),
             TextLine("www.servivita.com.br", height=40, top=300, left=100, width=400)]
    contact = extract_contact(lines, "BR")
    assert contact.organisation is not None and contact.organisation.value == "Servivita nformatica"


def test_the_biggest_print_may_be_a_long_name_but_a_smaller_long_line_is_a_slogan():
    lines = [TextLine("3º Cartório de Notas da Comarca de Rio Claro", height=71, top=50),
             TextLine("Escrituras e Procurações", height=51, top=140),
             TextLine("Tel: (11) 3240-7788", height=38, top=400)]
    contact = extract_contact(lines, "BR")
    assert contact.organisation is not None
    assert contact.organisation.value == "3º Cartório de Notas da Comarca de Rio Claro"
    slogan = [TextLine("Mobilier Dupont", height=60, top=50),
              TextLine("Le meilleur du bois pour votre maison depuis 1950", height=40, top=140)]
    assert extract_contact(slogan, "FR").organisation.value == "Mobilier Dupont"


def test_words_the_ocr_glued_together_are_no_name():
    lines = [TextLine("ALUGUELDEVESTIDOSPARANOIVAS", height=60, top=50),
             TextLine("Telvion", height=50, top=140)]
    assert extract_contact(lines, "BR").organisation.value == "Telvion"


def test_a_street_number_glued_to_the_street_is_parted():
    contact = read("Dr. Ana Reyes\n2Harbour Street\nLondon W2 1AB\nT: +44 20 7946 0321")
    assert [(a.value.street, a.value.postcode) for a in contact.addresses] == [("2 Harbour Street", "W2 1AB")]
    assert read("12rue des Lilas\n69003 Lyon\nTél. 04 72 00 12 34").addresses[0].value.street == "12 rue des Lilas"


def test_a_city_beside_a_number_is_a_branch_not_a_person():
    assert read("Le Petit Bistrot\nParis 01 42 00 00 00\nLyon 04 78 00 00 00").name is None


@pytest.mark.parametrize(("text", "region", "numbers"), [
    ("Tel: (11) 3456-7001 / 3456-7029", "BR", ["+551134567001", "+551134567029"]),
    ("Phone (212) 555-0147 / 555-0148", "US", ["+12125550147", "+12125550148"]),
    ("Tél. 01 23 45 67 89 / 90", "FR", ["+33123456789", "+33123456790"]),
    ("Standard : 04 72 10 20 30 / 31 - Fax 04 72 10 20 39", "FR", ["+33472102030", "+33472102031", "+33472102039"]),
])
def test_a_second_number_shares_the_first_ones_area_code_or_leading_digits(text: str, region: str, numbers: list[str]):
    contact = read(f"Ana Lima\n{text}", region)
    assert [p.value.number for p in contact.phones] == numbers
    assert all(p.confidence >= 0.6 for p in contact.phones)


def test_a_number_not_valid_in_its_country_is_kept_but_flagged_for_review():
    contact = read("Jean Dupont\nTél. 05 90 00 00 00\nPortable 06 12 34 56 78")
    by_number = {p.value.number: p.confidence for p in contact.phones}
    assert by_number["+33612345678"] >= 0.6
    assert by_number["+33590000000"] < 0.6  # phonenumbers: no such French range (05 90 is Guadeloupe's +590)


def test_a_country_s_mobile_carrier_is_a_phone_label_there_only():
    contact = read("BORRACHARIA DO ZECA\nVIVO 11 98765-4321\nCLARO 11 97654-3210", "BR")
    assert contact.name is None
    assert [(p.value.number, p.value.kind) for p in contact.phones] == [
        ("+5511987654321", "cell"), ("+5511976543210", "cell")]
    contact = read("LAWN CARE\nTIM 248-555-0137", "US")  # a first name beside its number elsewhere
    assert contact.name is not None and contact.name.value.full == "Tim"
