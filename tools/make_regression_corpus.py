"""Generate tests/corpus/generated.jsonl: fictional card texts, as OCR gives them, with their fields.

A small fixed regression set for `make test` (eight countries, France first), kept as it was made. The
corpus that measures extraction across the world, in two halves, is tools/make_corpus.py's.

Every person, company, number and address is invented from the pools below; the same seed gives the
same corpus. Each card mixes a layout (name first, company first, surname first in capitals), label
spellings, and OCR noise (letters for digits in numbers, "(at)" and spaces in e-mails, junk at line
ends), so the extraction rules are exercised the way real readings exercise them.

    python tools/make_regression_corpus.py     # rewrites tests/corpus/generated.jsonl
"""

from __future__ import annotations

import json
import random
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "generated.jsonl"
COUNT = 230

COUNTRIES = {
    "FR": {
        "people": [("Camille", "Girard"), ("Julien", "Lambert"), ("Élodie", "Fontaine"), ("Mathieu", "Rousseau"),
                   ("Inès", "Chevalier"), ("Hugo", "Marchand"), ("Chloé", "Perrin"), ("Nicolas", "Garnier"),
                   ("Sophie", "Lemoine"), ("Antoine", "Dupré"), ("Léa", "Morel"), ("Thomas", "Faure")],
        "titles": ["Directrice commerciale", "Chef de projet", "Responsable des achats", "Gérant",
                   "Chargée de communication", "Ingénieur d'affaires", "Consultante", "Associé",
                   "Directeur technique", "Responsable marketing"],
        "companies": ["Atelier Boréal SARL", "Nexa Conseil SAS", "Vignobles Morel EURL", "Datalis SA",
                      "Horizon Bâtiment SARL", "Optima Services SAS"],
        "places": [("14 rue des Tanneurs", "67000", "Strasbourg"), ("3 avenue Foch", "69006", "Lyon"),
                   ("27 boulevard Carnot", "06400", "Cannes"), ("8 place du Marché", "35000", "Rennes"),
                   ("5 allée des Pins", "33700", "Mérignac"), ("11 quai Saint-Pierre", "31000", "Toulouse")],
        "work": ["01 {a} {b} {c} {d}", "04 {a} {b} {c} {d}", "05 {a} {b} {c} {d}"],
        "cell": ["06 {a} {b} {c} {d}", "07 {a} {b} {c} {d}"],
        "prefix": "+33",
        "labels": {"work": ["Tél.", "Tél. :", "T.", "Tel", "Standard"], "cell": ["Portable", "Mob.", "Mobile", "M."],
                   "fax": ["Fax", "F."]},
        "tld": "fr",
    },
    "GB": {
        "people": [("Oliver", "Hughes"), ("Amelia", "Clarke"), ("Harry", "Patel"), ("Isla", "Morgan"),
                   ("George", "Walsh"), ("Emily", "Foster")],
        "titles": ["Sales Manager", "Head of Operations", "Account Director", "Senior Consultant",
                   "Marketing Manager", "Managing Director"],
        "companies": ["Thornbury Logistics Ltd", "Kestrel Design Ltd", "Ashgrove Partners LLP"],
        "places": [("12 Mill Lane", "BS1 4DJ", "Bristol"), ("40 King Street", "M2 4LQ", "Manchester")],
        "work": ["020 {e} {f}"],
        "cell": ["07{g} {h}"],
        "prefix": "+44",
        "labels": {"work": ["T:", "Tel:", "Office:"], "cell": ["M:", "Mobile:", "Mob:"], "fax": ["F:", "Fax:"]},
        "tld": "co.uk",
    },
    "DE": {
        "people": [("Lukas", "Becker"), ("Anna", "Hoffmann"), ("Jonas", "Wagner"), ("Lea", "Schulz")],
        "titles": ["Geschäftsführer", "Vertriebsleiterin", "Projektleiter", "Key Account Manager"],
        "companies": ["Becker Maschinenbau GmbH", "Nordlicht Medien GmbH"],
        "places": [("Hauptstraße 12", "80331", "München"), ("Bahnhofstraße 5", "50667", "Köln")],
        "work": ["089 {a}{b} {c}{d}"],
        "cell": ["0151 {a}{b}{c}{d}"],
        "prefix": "+49",
        "labels": {"work": ["Tel.", "Telefon"], "cell": ["Mobil", "Handy"], "fax": ["Fax"]},
        "tld": "de",
    },
    "ES": {
        "people": [("Lucía", "Navarro"), ("Javier", "Moreno"), ("Carmen", "Ortega"), ("Pablo", "Serrano"),
                   ("Marta", "Delgado"), ("Diego", "Castillo")],
        "titles": ["Director Comercial", "Jefa de Proyectos", "Gerente", "Responsable de Compras",
                   "Directora de Marketing"],
        "companies": ["Soluciones Ibéricas S.L.", "Grupo Alameda S.A.", "Castillo Ingeniería S.L."],
        "places": [("Calle Mayor 15", "28013", "Madrid"), ("Avenida Diagonal 420", "08037", "Barcelona"),
                   ("Calle Colón 8", "46004", "Valencia")],
        "work": ["91 {i} {a} {b}", "93 {i} {a} {b}"],
        "cell": ["6{a} {i} {j}"],
        "prefix": "+34",
        "labels": {"work": ["Tel.", "Teléfono", "Tlf."], "cell": ["Móvil", "Movil", "Móv."], "fax": ["Fax"]},
        "tld": "es",
    },
    "IT": {
        "people": [("Giulia", "Romano"), ("Marco", "Ricci"), ("Francesca", "Greco"), ("Luca", "Bruno"),
                   ("Chiara", "Gallo"), ("Matteo", "Conti")],
        "titles": ["Direttore Commerciale", "Responsabile Acquisti", "Amministratore Delegato",
                   "Responsabile Marketing"],
        "companies": ["Studio Ricci S.r.l.", "Conti Costruzioni S.p.A.", "Greco Design S.r.l."],
        "places": [("Via Roma 12", "20121", "Milano"), ("Corso Vittorio Emanuele 8", "10121", "Torino"),
                   ("Piazza Navona 3", "00186", "Roma")],
        "work": ["02 {k} {l}", "06 {k} {l}"],
        "cell": ["3{a} {i} {k}"],
        "prefix": "+39",
        "keeps_trunk_zero": True,  # Italian landlines keep their 0 after +39
        "labels": {"work": ["Tel.", "Telefono", "T."], "cell": ["Cell.", "Cellulare", "Mob."], "fax": ["Fax"]},
        "tld": "it",
    },
    "PT": {
        "people": [("Inês", "Carvalho"), ("Tiago", "Ferreira"), ("Beatriz", "Sousa"), ("Rui", "Almeida")],
        "titles": ["Diretor Comercial", "Gestora de Projetos", "Consultor", "Diretora Financeira"],
        "companies": ["Atlântico Consultores Lda.", "Sousa & Filhos Lda."],
        "places": [("Rua Augusta 100", "1100-053", "Lisboa"), ("Avenida da Boavista 45", "4100-130", "Porto")],
        "work": ["21 {i} {k}", "22 {i} {k}"],
        "cell": ["91{m} {i} {j}"],
        "prefix": "+351",
        "labels": {"work": ["Tel.", "Telefone"], "cell": ["Telemóvel", "Tlm.", "Móvel"], "fax": ["Fax"]},
        "tld": "pt",
    },
    "NL": {
        "people": [("Sanne", "de Vries"), ("Daan", "Jansen"), ("Eva", "Bakker"), ("Bram", "Visser"),
                   ("Lotte", "Smit")],
        "titles": ["Directeur", "Accountmanager", "Projectleider", "Adviseur"],
        "companies": ["Visser Advies B.V.", "Bakker Techniek BV", "Jansen & Smit B.V."],
        "places": [("Keizersgracht 123", "1015 CJ", "Amsterdam"), ("Stationsweg 5", "3511 ED", "Utrecht"),
                   ("Coolsingel 40", "3011 AD", "Rotterdam")],
        "work": ["020 {i} {k}", "030 {i} {k}"],
        "cell": ["06 {p} {l}"],
        "prefix": "+31",
        "labels": {"work": ["Tel.", "Telefoon", "T"], "cell": ["Mobiel", "Mob.", "M"], "fax": ["Fax"]},
        "tld": "nl",
    },
    "BR": {
        "people": [("Ana", "Oliveira"), ("João", "Pereira"), ("Fernanda", "Lima"), ("Rafael", "Costa"),
                   ("Juliana", "Rocha"), ("Bruno", "Almeida")],
        "titles": ["Diretor Administrativo", "Gerente Comercial", "Consultora", "Analista de Sistemas"],
        "companies": ["Lumen Informática Ltda", "Ferraz & Filhos Ltda.", "Rocha Engenharia Ltda"],
        "places": [("Av. Paulista, 1000", "01310-100", "São Paulo"), ("Rua da Assembleia, 10", "20011-000",
                   "Rio de Janeiro"), ("Rua XV de Novembro, 250", "80020-310", "Curitiba")],
        "work": ["(11) 3{i}-{k}"],
        "cell": ["(11) 9{k}-{l}"],
        "prefix": "+55",
        "labels": {"work": ["Tel.", "Fone:", "Tel:"], "cell": ["Cel.", "Celular:", "Cel:"], "fax": ["Fax"]},
        "tld": "com.br",
    },
}


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def digits(rng: random.Random) -> dict[str, str]:
    two = [f"{rng.randrange(10, 99)}" for _ in range(4)]
    return {"a": two[0], "b": two[1], "c": two[2], "d": two[3], "e": f"{rng.randrange(7000, 7999)}",
            "f": f"{rng.randrange(1000, 9999)}", "g": f"{rng.randrange(400, 999)}",
            "h": f"{rng.randrange(100000, 999999)}", "i": f"{rng.randrange(200, 999)}",
            "j": f"{rng.randrange(100, 999)}", "k": f"{rng.randrange(1000, 9999)}",
            "l": f"{rng.randrange(1000, 9999)}", "m": f"{rng.randrange(0, 9)}",
            "p": f"{rng.randrange(1000, 5999)}"}  # Dutch mobiles are 061 to 065


def e164(country: dict, printed: str) -> str:
    national = "".join(c for c in printed if c.isdigit())
    return country["prefix"] + (national if country.get("keeps_trunk_zero") else national.lstrip("0"))


def noisy_number(printed: str, rng: random.Random) -> str:
    """OCR reads a 0 as O and a 1 as l now and then, inside the number only."""
    out = []
    for char in printed:
        if char == "0" and rng.random() < 0.15:
            out.append("O")
        elif char == "1" and rng.random() < 0.15:
            out.append("l")
        else:
            out.append(char)
    return "".join(out)


def card(index: int, rng: random.Random) -> dict:
    code = rng.choice(["FR", "FR", "FR", "FR", "GB", "DE", "ES", "IT", "PT", "NL", "BR"])  # France first
    country = COUNTRIES[code]
    given, family = rng.choice(country["people"])
    title = rng.choice(country["titles"])
    company = rng.choice(country["companies"])
    street, postcode, city = rng.choice(country["places"])
    domain = "".join(c for c in fold(company.split()[0]) if c.isalnum()) + "-" + str(index) + "." + country["tld"]
    email = f"{fold(given)}.{fold(family).replace(' ', '')}@{domain}"
    work = rng.choice(country["work"]).format(**digits(rng))
    cell = rng.choice(country["cell"]).format(**digits(rng))
    name_line = rng.choice([f"{given} {family}", f"{given} {family.upper()}", f"{family.upper()} {given}"])
    email_line = rng.choice([email, email.replace("@", " (at) "), email.replace("@", " @ ")])
    labels = country["labels"]
    lines_person = [name_line, title]
    lines_company = [company]
    if code == "GB":
        lines_address = [street, f"{city} {postcode}"]
    elif code == "BR":
        lines_address = [street, f"CEP {postcode} - {city} - {rng.choice(['SP', 'RJ', 'PR'])}"]
    else:
        lines_address = [street, f"{postcode} {city}"]
    lines_phones = [f"{rng.choice(labels['work'])} {noisy_number(work, rng)}",
                    f"{rng.choice(labels['cell'])} {noisy_number(cell, rng)}"]
    blocks = [lines_person, lines_company, lines_address, lines_phones, [email_line]]
    if rng.random() < 0.4:
        blocks = [lines_company, *[b for b in blocks if b is not lines_company]]
    text_lines = [line for block in blocks for line in block]
    if rng.random() < 0.3:
        text_lines[0] = f"| {text_lines[0]} |"
    expected = {
        "name": f"{given} {family}", "title": title, "org": company,
        "phones": [[e164(country, work), "work"], [e164(country, cell), "cell"]],
        "emails": [email], "urls": [], "postcode": postcode, "city": city,
    }
    return {"id": f"gen-{index:03d}-{code.lower()}", "region": "FR", "text": "\n".join(text_lines),
            "expected": expected}


def main() -> int:
    rng = random.Random(2026)
    cards = [card(i, rng) for i in range(COUNT)]
    OUT.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cards), encoding="utf-8")
    print(f"{OUT}: {len(cards)} cards", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
