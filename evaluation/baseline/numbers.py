"""NUM mentions with their `num_kind`: money, percentages, dates, durations, quantities,
ordinals and cardinals, written with digits or number words.

Annotation rules followed: the counted noun stays outside ("30,000" in "30,000 soldiers") but
currency, magnitude, "%"/"percent" and measurement units stay inside ("$3bn", "0.7 percent",
"5 million barrels"); approximators ("around", "up to") stay outside; dates and durations need a
numeral ("February 2022", "50-day", "three years"; not "late June", not "months"); numbers that
are part of names ("G7", "F-16") and vague quantities ("hundreds", "half") are not NUM.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .intervals import Ranges
from .lexicon import MONTHS

_UNITS_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                "sixteen seventeen eighteen nineteen")
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety"
_MAGNITUDE = r"(?:hundred|thousand|million|billion|trillion)"
_SMALL = r"(?:%s)" % "|".join(_UNITS_WORDS.split())
_TENS = r"(?:%s)" % "|".join(_TENS_WORDS.split())
# "six", "twenty-five", "two hundred", "three million"; capitalised only at a sentence start.
_WORD_NUMBER = r"\b(?:(?:%s)(?:[- ](?:%s))?|%s)(?:\s+%s)*\b" % (_TENS, _SMALL, _SMALL, _MAGNITUDE)
# "30,000", "0.7", "2024"; never glued to letters or a hyphen after letters ("G7", "F-16").
_DIGITS = r"(?<![\w.,/])(?<![A-Za-z]-)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]\d|\.\d)"
_NUMBER = r"(?:%s|%s)" % (_DIGITS, _WORD_NUMBER)
_MAGNITUDE_SUFFIX = r"(?:\s?(?:bn|mn|m|tn|trn|k)\b|\s+%s\b)" % _MAGNITUDE
_CURRENCY_SIGN = r"(?:(?:US|A|C|HK|NZ|S)?[$\u20ac\u00a3\u00a5\u20b9\u20bd]|\b(?:USD|EUR|GBP|JPY|CNY|RUB)\s)"
_CURRENCY_WORDS = (r"(?:dollars?|euros?|pounds sterling|yen|yuan|renminbi|roubles?|rubles?|rupees?|hryvnias?|"
                   r"francs?|riyals?|dirhams?|pesos?|lira|liras|reais|rand|shekels?|zloty)")
_UNIT = (r"(?:(?:square |cubic )?(?:kilomet(?:re|er)s?|km|miles?|met(?:re|er)s?|feet|foot|ft|inches|cm|mm)|"
         r"kilograms?|kg|tonnes?|tons?|litres?|liters?|gallons?|barrels?|megawatts?|gigawatts?|MW|GW|kWh|"
         r"degrees(?: Celsius| Fahrenheit)?|°C|°F|acres?|hectares?|km/h|mph|knots)(?:\s+(?:per|a) day)?")
_TIME_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur(?:y|ies))"
_MONTH = r"(?:%s|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?)" % "|".join(MONTHS.split())
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_ORDINAL_WORDS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
                  "twentieth thirtieth hundredth")

# (kind, pattern) in priority order: when two matches overlap, the longer wins, then the earlier.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("money", r"%s\s?%s%s?" % (_CURRENCY_SIGN, _DIGITS, _MAGNITUDE_SUFFIX)),
    ("money", r"%s%s?\s+%s\b" % (_NUMBER, _MAGNITUDE_SUFFIX, _CURRENCY_WORDS)),
    ("percent", r"%s\s?(?:%%|(?:percent|per cent|percentage points?)\b)" % _NUMBER),
    ("date", r"\b%s\s+%s(?:,?\s+%s)?(?!\d)" % (_MONTH, _DAY, _YEAR)),
    ("date", r"(?<!\d)%s\s+%s(?:,?\s+%s)?\b" % (_DAY, _MONTH, _YEAR)),
    ("date", r"\b%s,?\s+%s\b" % (_MONTH, _YEAR)),
    ("date", r"(?<![\w/])(?:\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})(?![\w/])"),
    ("date", r"(?<![\w$])(?:1[5-9]|20)\d0s\b"),
    ("date", r"(?<![\w.,$/-])%s(?![\w%%]|,\d|\.\d|\s?(?:percent|per cent))" % _YEAR),
    ("date", r"(?<![\w.,])\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)|(?<![\w.,:])\d{1,2}:\d{2}(?![\w:])"),
    ("duration", r"%s(?:-%s(?:-old)?|\s+%s)\b" % (_NUMBER, _TIME_UNIT, _TIME_UNIT)),
    ("quantity", r"%s%s?\s?%s(?!\w)" % (_NUMBER, _MAGNITUDE_SUFFIX, _UNIT)),
    ("ordinal", r"(?<![\w.,])\d+(?:st|nd|rd|th)\b|\b(?:%s)\b" % "|".join(_ORDINAL_WORDS.split())),
    ("cardinal", r"%s%s?" % (_NUMBER, _MAGNITUDE_SUFFIX)),
)
_COMPILED = tuple((kind, re.compile(p, re.IGNORECASE if kind in ("duration", "cardinal", "percent", "money",
                                                                 "quantity", "ordinal") else 0))
                  for kind, p in _PATTERNS)
_WORD_NUMBERS = frozenset((_UNITS_WORDS + " " + _TENS_WORDS + " " + _ORDINAL_WORDS).split())
# "one" is a pronoun before these words or after these determiners ("one of", "no one").
_ONE_PRONOUN_NEXT = frozenset("of another who that which and or to in on at is was has had would will can could "
                              "must should may might another's".split())
_AFTER_FRACTION = frozenset("of since in on at to from by for and or than over during more less".split())
_ONE_PRONOUN_PREV = frozenset("no any every each the this that which anyone someone".split())
_OPENER_BEFORE = re.compile(r"(?:[.!?:]\s+|\n\s*|[\"'\u2018\u201c]\s?)$")


def _sentence_initial(text: str, start: int) -> bool:
    """Whether `start` begins the text, a sentence, a line or a quotation (looks back 4 characters)."""
    if start <= 4 and not text[:start].strip():
        return True
    return bool(_OPENER_BEFORE.search(text[max(0, start - 4):start]))


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    kind: str


def _first_word(s: str) -> str:
    m = re.match(r"[A-Za-z]+", s)
    return m.group() if m else ""


def _accept(text: str, kind: str, start: int, end: int) -> bool:
    """Rules a regular expression cannot say cleanly."""
    surface = text[start:end]
    head = _first_word(surface)
    if head.lower() in _WORD_NUMBERS:
        if head[0].isupper() and not _sentence_initial(text, start):
            return False  # capitalised number words inside names: "Group of Seven"
        if head.lower() == "one" and surface.lower() == "one":
            prev = re.findall(r"[A-Za-z']+", text[max(0, start - 20):start])
            nxt = _first_word(text[end:].lstrip())
            return not (nxt.lower() in _ONE_PRONOUN_NEXT or not nxt or (prev and prev[-1].lower() in _ONE_PRONOUN_PREV))
    if kind == "ordinal" and surface.isalpha() and surface[0].isupper() and not _sentence_initial(text, start):
        return False  # "First Lady", "Second World War" are names
    if kind == "ordinal" and surface.isalpha() and re.search(r"\b(?:a|one)\s+$", text[max(0, start - 5):start]):
        nxt = _first_word(text[end:].lstrip())
        if not nxt or not nxt.islower() or nxt in _AFTER_FRACTION:
            return False  # fractions: "about a third since 2020", "one third of the budget"
    if kind == "date" and re.fullmatch(r"\d{4}", surface):
        # A four-digit number followed by a plural noun counts things ("2000 soldiers").
        nxt = re.match(r"\s+([a-z]+)", text[end:])
        word = nxt.group(1) if nxt else ""
        if word.endswith("s") and len(word) > 3 and word not in ("this", "was", "has", "its", "his", "across"):
            return False
    return True


def find_numbers(text: str) -> list[NumberMention]:
    """NUM mentions in text order, never overlapping."""
    found: list[tuple[int, int, int, str]] = []
    for priority, (kind, pattern) in enumerate(_COMPILED):
        for m in pattern.finditer(text):
            start, end = m.span()
            # Patterns may end on trailing spaces; spans never do.
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start and _accept(text, kind, start, end):
                found.append((start, end, priority, kind))
    chosen: list[NumberMention] = []
    taken = Ranges()
    for start, end, _, kind in sorted(found, key=lambda f: (-(f[1] - f[0]), f[2], f[0])):
        if not taken.overlaps(start, end):
            taken.add(start, end)
            chosen.append(NumberMention(start, end, kind))
    return sorted(chosen, key=lambda n: n.start)
