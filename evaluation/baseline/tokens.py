"""Tokens and sentence starts for the rule-based baseline, with code-point offsets into the text."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import ABBREVIATIONS

# Dotted acronyms ("U.S."), words with inner hyphens/apostrophes ("Secretary-General", "didn't"),
# numbers with separators, or any single other visible character.
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_](?:\w|[-'\u2019](?=\w))*|\d(?:[\d,.]*\d)?\w*|\S")
_POSSESSIVE = re.compile(r"['\u2019]s$")
OPENING_QUOTES = frozenset("\"'\u2018\u201c\u201e\u00ab")
_SENTENCE_END = frozenset(".!?:")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    sentence_start: bool = False

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def is_capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def is_acronym(self) -> bool:
        """Two or more capitals, possibly with digits or dots: "NATO", "G7", "U.S."."""
        letters = [c for c in self.text if c.isalpha()]
        return len(self.text) >= 2 and self.text[0].isupper() and all(c.isupper() for c in letters)

    @property
    def lower(self) -> str:
        return self.text.lower()


def _split_word(m: re.Match) -> list[tuple[int, int]]:
    """Split a possessive ("Russia's" -> "Russia", "'s") and a capitalised compound modifier
    ("US-made" -> "US", "-made") so the name part stands alone."""
    start, end, word = m.start(), m.end(), m.group()
    pos = _POSSESSIVE.search(word)
    if pos and len(word) > 2:
        return [(start, start + pos.start()), (start + pos.start(), end)]
    if word[0].isupper() and "-" in word:
        head, _, tail = word.rpartition("-")
        if tail[:1].islower():
            return [(start, start + len(head)), (start + len(head), end)]
    return [(start, end)]


def tokenize(text: str) -> list[Token]:
    """Tokens of `text`; `sentence_start` marks the first word of a sentence, line or quotation."""
    spans = [piece for m in _TOKEN.finditer(text) for piece in _split_word(m)]
    tokens: list[Token] = []
    starts_sentence = True
    for start, end in spans:
        word = text[start:end]
        if tokens and "\n" in text[tokens[-1].end:start]:
            starts_sentence = True
        tokens.append(Token(start, end, word, starts_sentence and word[0].isalnum()))
        if word[0].isalnum():
            starts_sentence = False
        elif word in _SENTENCE_END:
            prev = tokens[-2].text if len(tokens) > 1 else ""
            # "Mr." and single initials ("J.") do not end sentences.
            starts_sentence = not (word == "." and (prev in ABBREVIATIONS or (len(prev) == 1 and prev.isupper())))
        elif word in OPENING_QUOTES and (start == 0 or not text[start - 1].isalnum()):
            starts_sentence = True
    return tokens

