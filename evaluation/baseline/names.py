"""PER, LOC and ORG mentions from capitalised word sequences, cue words and a small gazetteer.

How it works: sequences of capitalised words ("runs") are cut into candidates: gazetteer names,
organisation phrases ending in a head word ("Security Council"), acronyms, and unknown names.
Titles ("President"), demonyms ("Russian") and sentence-initial function words are cut away,
because the annotation rules keep them outside the span. Unknown names are labelled from their
context (a title before them, "X said", "region of X", "in X"), and finally every mention that
had no cue or only a weak one takes the label of the same name (or, for people, the same surname)
found with a cue elsewhere in the document (one label per name per document).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import (
    ABBREVIATIONS, ADMINISTRATIVE_HEADS, BUILDING_PREPOSITIONS, BUILDINGS, CORPORATE_SUFFIXES, FUNCTION_WORDS,
    MONTH_NAMES, GOVERNMENT_HEADS, NON_ENTITY_ACRONYMS, ORG_HEADS, ORG_INTRODUCERS, OTHER_HEADS,
    PERSON_TITLES, PLACE_HEADS, PLACE_NOUNS, PLACE_NOUNS_BEFORE_OF, PLACE_PREPOSITIONS, ROLE_HEADS, WEEKDAYS,
    Gazetteer, gazetteer,
)
from .tokens import Token

# Lower-case particles allowed inside names ("Ursula von der Leyen", "Group of Seven").
NAME_PARTICLES = frozenset("of de da do das del della der van von bin al la le du dos di".split())
# Verbs that mark the subject as a speaking person ("Smith said"); reporting verbs such as
# "reported" are left out because news outlets report too.
SAID_VERBS = frozenset("said says told tells added adds wrote writes insisted warned explained argued stressed".split())
# Words that may stand between a subject and its verb ("Smith also said", "Smith has said").
_VERB_FILLERS = frozenset("also has had have then later again previously earlier reportedly".split())

# Label of names of kinds we do not annotate (laws, events): they are found only so that the
# places and numbers inside them are not annotated (annotation rule G5); never output.
OTHER = "OTHER"

# Candidate strength: how sure the label is. Strong labels spread to other mentions of the
# same name; weak ones are overridden by them.
NONE, WEAK, CUED, STRONG = 0, 1, 2, 3


@dataclass(frozen=True)
class Entity:
    """A PER/LOC/ORG (or OTHER) mention; `roles` are the title words that introduced a person."""

    start: int
    end: int
    label: str
    roles: frozenset[str] = frozenset()


@dataclass
class _Candidate:
    first: int  # token indices, end exclusive
    last: int
    label: str | None
    strength: int
    roles: set[str] = field(default_factory=set)


# Lower-case name prefixes glued to a capitalised name: "al-Ansari", "d'Estaing", "bin-Salman".
_PREFIXED_NAME = re.compile(r"^(?:al|el|ad|an|as|ash|at|az|bin|ibn|abu|d|de|di|da|van|von|le|la|O)[-'\u2019][A-Z]")


def _is_name_word(tok: Token) -> bool:
    return tok.is_word and (tok.is_capitalised or bool(_PREFIXED_NAME.match(tok.text)))


def _runs(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Maximal (first, last) token ranges of capitalised words joined by single spaces,
    lower-case name particles, or the full stop of an abbreviation ("St. Petersburg")."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(tokens)
    while i < n:
        if not _is_name_word(tokens[i]):
            i += 1
            continue
        j = i + 1
        while j < n:
            gap = text[tokens[j - 1].end:tokens[j].start]
            tok = tokens[j]
            if tok.text == "." and gap == "" and tokens[j - 1].text in ABBREVIATIONS \
                    and j + 1 < n and _is_name_word(tokens[j + 1]) and text[tok.end:tokens[j + 1].start] == " ":
                j += 2
                continue
            if gap != " ":
                break
            if _is_name_word(tok):
                j += 1
            elif tok.text in NAME_PARTICLES and j + 1 < n and _is_name_word(tokens[j + 1]) \
                    and text[tok.end:tokens[j + 1].start] == " ":
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


class _RunReader:
    """Cuts one run of capitalised words into candidates (see the module docstring)."""

    def __init__(self, text: str, tokens: list[Token], gaz: Gazetteer):
        self.text, self.tokens, self.gaz = text, tokens, gaz
        self.max_words = gaz.longest_name_words
        self.names = gaz.places | gaz.organisations
        self.known_words = self.names | gaz.demonyms

    def surface(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start:self.tokens[last - 1].end]

    def _longest(self, i: int, end: int, names: frozenset[str]) -> int:
        """Token count of the longest name in `names` starting at token i, or 0. Capitalised
        words ("PORTO ALEGRE" in a dateline) are looked up in title case."""
        best = 0
        for j in range(i + 1, min(end, i + 3 * self.max_words) + 1):
            if not _is_name_word(self.tokens[j - 1]):
                continue
            surface = self.surface(i, j)
            if surface in names or (surface.isupper() and len(surface) > 3 and surface.title() in names):
                best = j - i
        return best

    def _head_phrase(self, i: int, end: int) -> tuple[int, str | None]:
        """End (exclusive) and label of an organisation/other phrase starting at i: the last
        ORG or OTHER head word reachable without crossing a function word or a person title,
        plus an "of X" complement ("Group of Seven"). (i, None) when there is none."""
        head, kind = -1, None
        for j in range(i, end):
            word = self.tokens[j].text
            if word in FUNCTION_WORDS or (j > i and word.lower() in ROLE_HEADS and word not in ORG_HEADS):
                break  # a title ends the phrase, except as its first word ("General Motors")
            # A head needs a name before it ("Security Council") or an "of" complement after it
            # ("Group of Seven"); a lone "Council" or "Bill" is left to the other rules.
            named = j > i or (j + 2 < end and self.tokens[j + 1].text == "of")
            if named and word in ORG_HEADS:
                head, kind = j, "ORG"
            elif named and word in OTHER_HEADS:
                head, kind = j, None
        if head < 0:
            return i, None
        stop = head + 1
        if stop + 1 < end and self.tokens[stop].text == "of":
            stop += 2
            while stop < end and _is_name_word(self.tokens[stop]):
                stop += 1
        elif kind is None and stop + 1 < len(self.tokens) and self.tokens[stop].text == "of" \
                and self.tokens[stop + 1].text.isdigit():
            stop += 2  # "the ... Act of 2025": the year belongs to the law's name
        return stop, kind or OTHER

    def read(self, first: int, end: int, role: str | None) -> list[_Candidate]:
        toks, gaz = self.tokens, self.gaz
        out: list[_Candidate] = []
        roles: set[str] = {role} if role else set()
        i = first
        while i < end:
            tok = toks[i]
            word = tok.text
            if not tok.is_word:  # the "." of an abbreviation
                i += 1
                continue
            known = self._longest(i, end, self.names)
            stop, head_label = self._head_phrase(i, end)
            if known and head_label == "ORG" and stop - i > known and gaz.label_of(self.surface(i, i + known)) == "LOC" \
                    and toks[i + known].text in GOVERNMENT_HEADS:
                # "US Senate": the country stays LOC, the institution is ORG.
                out.append(_Candidate(i, i + known, "LOC", STRONG))
                out.append(_Candidate(i + known, stop, "ORG", STRONG))
                i, roles = stop, set()
            elif head_label and stop - i > known:
                label = gaz.label_of(self.surface(i, stop)) or head_label
                out.append(_Candidate(i, stop, label, STRONG))
                i, roles = stop, set()
            elif known:
                surface = self.surface(i, i + known)
                label = gaz.label_of(surface) or gaz.label_of(surface.title())
                out.append(_Candidate(i, i + known, label, STRONG))
                i, roles = i + known, set()
            elif word in FUNCTION_WORDS or word in MONTH_NAMES or word in WEEKDAYS or word in NAME_PARTICLES:
                i, roles = i + 1, set()
            elif tok.lower in PERSON_TITLES:
                roles.add(tok.lower)
                i += 1
            elif (dem := self._longest(i, end, gaz.demonyms)):
                i += dem
            elif tok.is_acronym:
                if word not in NON_ENTITY_ACRONYMS:
                    out.append(_Candidate(i, i + 1, "ORG", STRONG))
                i, roles = i + 1, set()
            else:
                j = self._unknown_name_end(i, end)
                out.append(_Candidate(i, j, None, NONE, roles))
                i, roles = j, set()
        return out

    def _unknown_name_end(self, i: int, end: int) -> int:
        """End of an unknown name starting at i: stops at anything the run reader knows."""
        toks = self.tokens
        j = i + 1
        while j < end:
            tok = toks[j]
            if not tok.is_word or tok.text == "of" or tok.text in FUNCTION_WORDS or tok.lower in PERSON_TITLES \
                    or tok.text in MONTH_NAMES or tok.text in WEEKDAYS or tok.is_acronym \
                    or self._longest(j, end, self.known_words):
                break
            j += 1
        while toks[j - 1].text in NAME_PARTICLES:  # never end on a particle
            j -= 1
        return j


class _Context:
    """Words around a candidate, for the cue rules."""

    def __init__(self, text: str, tokens: list[Token]):
        self.text, self.tokens = text, tokens

    def word(self, i: int) -> str:
        return self.tokens[i].text if 0 <= i < len(self.tokens) else ""

    def followed_by_said(self, last: int) -> bool:
        j = last
        while self.word(j).lower() in _VERB_FILLERS:
            j += 1
        return self.word(j) in SAID_VERBS

    def appositive_role(self, last: int) -> str | None:
        """"X, spokesman for ..." / "X, senior economist at ...": the role word, if any."""
        if self.word(last) != ",":
            return None
        for j in range(last + 1, min(last + 7, len(self.tokens))):
            w = self.word(j)
            if w.lower() in ROLE_HEADS and w.islower():
                return w
            if not (w.islower() or w in ("'s", "\u2019s")):
                return None
        return None

    def label_from_context(self, cand: _Candidate, words: int, sentence_initial: bool) -> tuple[str | None, int]:
        """Label and strength of an unknown name from the words around it, strongest cue first."""
        before, before2, after = self.word(cand.first - 1), self.word(cand.first - 2), self.word(cand.last)
        title_before = before.lower() in PERSON_TITLES and before.islower()
        if cand.roles or title_before:
            if title_before:
                cand.roles.add(before)
            return "PER", STRONG
        if before in ORG_INTRODUCERS or (self.word(cand.first) == "X" and words == 1 and before in ("on", "via")):
            return "ORG", STRONG  # "the news agency TASS", "posted on X"
        if self.tokens[cand.last - 1].text in PLACE_HEADS and words > 1:
            return "LOC", STRONG
        if after in PLACE_NOUNS or (before == "of" and before2 in PLACE_NOUNS_BEFORE_OF):
            return "LOC", CUED
        if before == "at" and before2.lower() in ROLE_HEADS:
            return "ORG", CUED
        role = self.appositive_role(cand.last)
        if role:
            cand.roles.add(role)
            return "PER", CUED
        if before in SAID_VERBS or (not sentence_initial and self.followed_by_said(cand.last)):
            return "PER", CUED
        if before in PLACE_PREPOSITIONS:
            return "LOC", WEAK
        following = self.tokens[cand.last + 1] if cand.last + 1 < len(self.tokens) else None
        if after.islower() and after in ROLE_HEADS and following is not None and _is_name_word(following):
            return "ORG", WEAK  # the employer before a role: "Goldman Sachs economist Jan Hatzius"
        if words > 1:
            return "PER", WEAK
        return None, NONE


def find_names(text: str, tokens: list[Token], gaz: Gazetteer | None = None) -> list[Entity]:
    """PER/LOC/ORG mentions in `text`, in text order, never overlapping; plus OTHER names
    (laws, events) that only block the numbers inside them."""
    gaz = gaz or gazetteer()
    reader, context = _RunReader(text, tokens, gaz), _Context(text, tokens)
    candidates: list[_Candidate] = []
    for first, end in _runs(text, tokens):
        if _is_dateline(text, tokens, first, end):
            surface = reader.surface(first, end)
            candidates.append(_Candidate(first, end, gaz.label_of(surface) or "LOC", STRONG))
            continue
        before = tokens[first - 1].text if first else ""
        role = before if before.islower() and before in PERSON_TITLES else None
        for cand in reader.read(first, end, role):
            if cand.label is None:
                words = sum(1 for t in tokens[cand.first:cand.last] if t.is_word and t.text not in NAME_PARTICLES)
                initial = tokens[cand.first].sentence_start
                cand.label, cand.strength = context.label_from_context(cand, words, initial)
            elif cand.label == "ORG" and reader.surface(cand.first, cand.last) in BUILDINGS \
                    and _after_preposition(tokens, cand.first):
                cand.label = "LOC"  # "at the White House": the building as a place
            candidates.append(cand)
    _spread_labels(reader, candidates)
    return [Entity(tokens[c.first].start, tokens[c.last - 1].end, c.label, frozenset(r.lower() for r in c.roles))
            for c in candidates if c.label]


def _is_dateline(text: str, tokens: list[Token], first: int, end: int) -> bool:
    """Capitals opening a paragraph before a comma, dash or bracket: "SANTA CLARA, California"."""
    start, stop = tokens[first].start, tokens[end - 1].end
    return start > 0 and text[start - 1] == "\n" and all(t.is_acronym or not t.is_word for t in tokens[first:end]) \
        and text[stop:].lstrip(" ")[:1] in (",", "\u2014", "\u2013", "-", "(")


def _after_preposition(tokens: list[Token], first: int) -> bool:
    """"at the X", "outside the X", "in X"."""
    before = first - 1 if first >= 1 and tokens[first - 1].lower == "the" else first
    return before >= 1 and tokens[before - 1].lower in BUILDING_PREPOSITIONS


def _spread_labels(reader: _RunReader, candidates: list[_Candidate]) -> None:
    """Give uncued or weakly cued mentions the label of the same name found with a cue, and
    single surnames ("Lavrov") the PER label and roles of the full name ("Sergei Lavrov")."""
    by_surface: dict[str, str] = {}
    person_words: dict[str, set[str]] = {}
    for c in candidates:
        if c.label and c.strength >= CUED:
            by_surface.setdefault(reader.surface(c.first, c.last), c.label)
        if c.label == "LOC" and c.last - c.first > 1 and reader.tokens[c.last - 1].text in ADMINISTRATIVE_HEADS:
            # "Kherson Oblast" shows that "Kherson" names a place.
            by_surface.setdefault(reader.surface(c.first, c.last - 1), "LOC")
        if c.label == "ORG" and c.strength == STRONG:
            # "Toyota Motor Corp" is also "Toyota Motor" and "Toyota".
            last = c.last
            while last - c.first > 1 and reader.tokens[last - 1].text in CORPORATE_SUFFIXES:
                last -= 1
                by_surface.setdefault(reader.surface(c.first, last), "ORG")
        if c.label == "PER" and c.strength >= WEAK and c.last - c.first > 1:
            for tok in reader.tokens[c.first:c.last]:
                if tok.is_word and tok.text not in NAME_PARTICLES:
                    person_words.setdefault(tok.text, set()).update(c.roles)
    for c in candidates:
        if c.strength >= CUED:
            continue
        surface = reader.surface(c.first, c.last)
        label = by_surface.get(surface)
        # One label per name per document: a cue elsewhere beats this mention's weak guess.
        if label:
            c.label, c.strength = label, CUED
        elif c.last - c.first == 1 and surface in person_words:
            c.label, c.strength = "PER", CUED
            c.roles |= person_words[surface]
