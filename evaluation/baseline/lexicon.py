"""Word lists of the rule-based baseline: shipped gazetteers plus small sets of cue words.

The gazetteers (countries, regions, capitals and big cities, international organisations and
news outlets) live in `evaluation/baseline/data/` as plain text written for the project; the cue words
below are general English news vocabulary. Nothing here is derived from the gold annotations.
"""
from __future__ import annotations

from dataclasses import dataclass
import functools
from importlib import resources

DATA_PACKAGE = "newsspans.evaluation.baseline"


def _data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a shipped data file."""
    text = resources.files(DATA_PACKAGE).joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _aliases(field: str) -> list[str]:
    return [a.strip() for a in field.split("|") if a.strip()]


@dataclass(frozen=True)
class Gazetteer:
    """Surface names by label; `demonyms` are capitalised adjectives that are never entities."""

    places: frozenset[str]
    organisations: frozenset[str]
    demonyms: frozenset[str]

    def label_of(self, name: str) -> str | None:
        if name in self.organisations:
            return "ORG"
        if name in self.places:
            return "LOC"
        return None

    @functools.cached_property
    def longest_name_words(self) -> int:
        return max(len(n.split()) for n in self.places | self.organisations | self.demonyms)


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    places: set[str] = set()
    demonyms: set[str] = set(_data_lines("demonyms.txt"))
    for line in _data_lines("countries.txt"):
        names, _, adjectives = line.partition(";")
        places.update(_aliases(names))
        demonyms.update(_aliases(adjectives))
    for name in ("regions.txt", "cities.txt"):
        for line in _data_lines(name):
            places.update(_aliases(line))
    organisations = {a for line in _data_lines("organisations.txt") for a in _aliases(line)}
    # A leading "the" is never part of a span (annotation rule), so drop it from aliases.
    strip = lambda names: frozenset(n[4:] if n.startswith(("the ", "The ")) else n for n in names)  # noqa: E731
    return Gazetteer(strip(places), strip(organisations), frozenset(demonyms) - strip(places))


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# Words that precede a person's name as a title or role ("President", "spokesman", "leader").
# Compared lower-cased; they are never part of the PER span.
PERSON_TITLES = _words("""
president vice-president prime premier minister chancellor king queen prince princess pope
sheikh emir sultan ayatollah imam rabbi cardinal archbishop bishop patriarch general gen
colonel col lieutenant lt captain capt admiral marshal sergeant sgt commander senator sen
representative rep congressman congresswoman lawmaker mp governor gov mayor judge justice
ambassador envoy secretary secretary-general undersecretary spokesman spokeswoman
spokesperson speaker chairman chairwoman chair chief ceo director leader head mr mrs ms
miss dr prof professor rev sir dame lord lady deputy coach economist analyst correspondent
editor founder official officer diplomat activist attorney prosecutor dictator tycoon
singer actor actress president-elect minister-president executive foreign defence defense interior
finance justice health senior former acting late opposition
""")
# Title words that can also head a role noun phrase ("the spokesman said") pointing back to the
# person introduced with that title; adjectives like "foreign" or "former" are not such heads.
ROLE_HEADS = PERSON_TITLES - _words("""
foreign defence defense interior finance health senior former acting late opposition mr mrs ms
miss dr prof rev sir dame lord lady gen col lt capt sgt sen rep gov
""")

# Head words that make a capitalised sequence an organisation ("Security Council", "Qatar Tribune").
ORG_HEADS = _words("""
Agency Council Party Ministry Department Committee Commission Parliament Assembly Congress
Senate Bank Fund Union Organization Organisation Association Institute Institution
University College School Academy Company Corporation Corp Inc Ltd LLC Plc Group Holdings
Airlines Airways Bureau Office Service Services Forces Army Navy Guard Police Court Tribunal
Foundation Trust Network Times Post Tribune Herald Journal News Gazette Telegraph Press
Media Television TV Radio Broadcasting Alliance Coalition Movement Front Brigade Battalion
Regiment Command Authority Administration Cabinet Government Secretariat Board Club League
FC Federation Society Center Centre Laboratory Laboratories Systems Technologies Industries
Motors Energy Petroleum Oil Gas Economics Capital Partners Securities Research Consulting
Confederation Chamber Syndicate Consortium Cooperative Observatory House
""")
# Heads of a state's own institutions: "US Senate" is LOC "US" + ORG "Senate", the country's
# name used attributively ("US President", "US tariffs") stays a place.
GOVERNMENT_HEADS = _words("""
Senate Congress Parliament Assembly Government Cabinet Ministry Department Army Navy Police Forces
Treasury Embassy Court Supreme Guard Coast Air
""")
# Lower-case nouns that introduce an organisation's name right after them ("news agency TASS").
ORG_INTRODUCERS = _words("""
agency broadcaster newspaper daily channel outlet platform network app website company firm
group party airline bank station magazine tabloid broadcaster carrier manufacturer
maker startup insurer lender retailer operator
""")
# Lower-case place nouns: "<Name> region" and "region of <Name>" make <Name> a place.
PLACE_NOUNS = _words("""
region city town village province district oblast state county municipality
river island islands peninsula mountains mountain valley lake sea bay strait delta port
capital border airport neighbourhood neighborhood suburb
""")
# Nouns that name a place only before "of": "the settlement of <Name>" is a place, but
# "the <Name> settlement" is as often a legal settlement ("the Purdue settlement").
PLACE_NOUNS_BEFORE_OF = PLACE_NOUNS | _words("settlement")
# Capitalised heads that end a place name ("Leningrad Oblast", "Hudson River").
PLACE_HEADS = _words("""
Oblast Province Region District County Krai Governorate River Island Islands Mountains Lake
Sea Bay Strait Valley Peninsula Desert Street Square Avenue
""")
# Administrative units, usually named after their main town: "Kherson Oblast" shows that
# "Kherson" is a place. Other heads do not ("Black Sea", "Wall Street", "Hudson River").
ADMINISTRATIVE_HEADS = _words("Oblast Province Region District County Krai Governorate")
# Prepositions after which an unknown capitalised name is most likely a place.
PLACE_PREPOSITIONS = _words("in near outside into across throughout")
# Heads of names that are neither PER, LOC nor ORG (laws, events, wars, awards).
OTHER_HEADS = _words("""
Act Treaty Accord Accords Agreement Convention Protocol Charter Bill Law Declaration Plan
Summit Games Cup Olympics War Day Prize Award Awards Festival Conference Doctrine Initiative
Index Programme Program Operation
""")
# Capitalised words that begin sentences or headlines but are not names.
FUNCTION_WORDS = _words("""
A An The This That These Those It Its He His She Her They Their Them We Our Us I My Me You
Your In On At For From With Without By Of To Into Onto Over Under After Before During Since
Until While Although Though Because As If When Whenever Where Wherever Why How What Which Who
Whom Whose But And Or Nor So Yet Also Still Then Now Here There Meanwhile However Moreover
Furthermore Additionally Elsewhere Instead Nevertheless Nonetheless Indeed Thus Hence Later
Earlier Today Yesterday Tomorrow Tonight Some Many Most Much More Few Several All Both Each
Every Other Another Any No Not None Such Only Even Just Already Despite Amid Among Between
Against Across Around About Above Below Behind Beyond Near Per Via Like Unlike Including
Following According Asked Is Are Was Were Be Been Has Have Had Do Does Did Will Would Can
Could May Might Must Should Shall Let Yes Please Oh
""")
MONTHS = ("January February March April May June July August September October November December")
# Full month names only: "Jan" is also a first name; abbreviated dates are the number rules' job.
MONTH_NAMES = _words(MONTHS)
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
# All-capital words that are abbreviations but not organisations.
NON_ENTITY_ACRONYMS = _words("""
GDP GNP CEO CFO CTO COO AI TV PM AM OK USD EUR GBP RUB CNY JPY PhD MP MPs ID IT PR VIP CO2
COVID HIV AIDS DNA FAQ PDF URL IPO ETF VAT UTC GMT BC AD LNG LPG EV EVs SUV
""")
# Abbreviations written with a full stop that neither end a sentence nor a name.
ABBREVIATIONS = _words("Mr Mrs Ms Dr St Gen Col Lt Sgt Capt Sen Rep Gov Prof Rev Jr Sr Mt No vs")
# Verbs of saying, used both as PER cues ("X said") and for quote attribution.
SPEECH_VERBS = _words("""
said says say saying told tells tell telling added adds wrote writes write writing stated
states declared declares announced announces asked asks replied replies insisted insists
warned warns noted notes explained explains claimed claims argued argues described
describes called calls urged urges posted posts tweeted tweets commented comments continued
continues emphasized emphasised emphasizes emphasises stressed stresses acknowledged
acknowledges admitted admits recalled recalls suggested suggests vowed vows promised
promises threatened threatens remarked remarks conceded concedes confirmed confirms denied
denies predicted predicts shouted shouts cautioned cautions responded responds quipped
reported reports accused accuses
""")
# Verbs that report speech only with their particle: "pointed out that", not "pointed to".
PHRASAL_SPEECH_VERBS = {v: "out" for v in ("point", "points", "pointed", "pointing")}
PRONOUNS = _words("he she He She")
# Legal and corporate endings: "Toyota Motor Corp" is also called "Toyota".
CORPORATE_SUFFIXES = _words(
    "Corp Corporation Inc Ltd LLC Plc PLC Co Company Group Holdings Motor Motors AG SA SE NV GmbH")
# Organisations named after their building: ORG as actors ("the Kremlin said"), LOC as places
# ("at the White House").
BUILDINGS = frozenset({"Kremlin", "White House", "Pentagon", "Downing Street", "Elysee", "Élysée"})
BUILDING_PREPOSITIONS = _words("at in inside outside near")
