"""QUOTE spans (opening to closing mark, inclusive) and the mention of who said them.

Pairing: marks are paired per paragraph, double with double and single with single whatever
their style (straight or curly, so an opening curly mark may be closed by a straight one); a mark
between two letters or digits is an apostrophe ("didn't", "Russia's"); a single mark after a
plural "s" ("countries' partnership") closes a quote only if no later mark can. Short quotes
with no speech verb in their sentence are scare quotes and are dropped.

Attribution, first match wins: "<quote>, X said" / "<quote>, said X" after the quote; "X said
(that|:) <quote>" and "according to X" before it; a pronoun subject ("he said") resolves to the
nearest preceding person, a role ("the spokesman said") to the nearest preceding person
introduced with that title; a quote with no attribution of its own continues the previous quote
of its paragraph when only a short attribution separates them ("'A,' he said. 'B.'").
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .intervals import Ranges
from .lexicon import ABBREVIATIONS, PHRASAL_SPEECH_VERBS, PRONOUNS, ROLE_HEADS, SPEECH_VERBS
from .names import Entity
from .tokens import Token

_DOUBLE_OPEN, _DOUBLE_CLOSE = "\"\u201c\u201e\u00ab", "\"\u201d\u00bb"
_SINGLE_OPEN, _SINGLE_CLOSE = "'\u2018\u2039", "'\u2019\u203a"
_MARKS = frozenset(_DOUBLE_OPEN + _DOUBLE_CLOSE + _SINGLE_OPEN + _SINGLE_CLOSE)
_BEFORE_OPENING = " \t\n([{\u2014\u2013-/"
_AFTER_CLOSING = " \t\n.,;:!?)]}\u2014\u2013-\u2026"
# A quote shorter than this many words needs a speech verb in its sentence (else scare quotes).
SCARE_QUOTE_MAX_WORDS = 4
# At most this many words of attribution between two quotes that form one split quote.
SPLIT_GAP_MAX_WORDS = 12
_SKIPPABLE = frozenset("also has had have then later again previously earlier reportedly further "
                       "once twice repeatedly".split())


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    speaker: tuple[int, int] | None = None


def _family(mark: str) -> str:
    return "double" if mark in _DOUBLE_OPEN + _DOUBLE_CLOSE else "single"


def pair_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of every paired quotation, marks included, in text order."""
    pairs: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        pairs.extend((line_start + s, line_start + e) for s, e in _pair_line(line))
        line_start += len(line) + 1
    return pairs


def _pair_line(line: str) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    opened: tuple[int, str] | None = None
    fallback: int | None = None  # a weak closing mark (plural possessive) seen since opening
    for p, c in enumerate(line):
        if c not in _MARKS:
            continue
        prev = line[p - 1] if p else " "
        nxt = line[p + 1] if p + 1 < len(line) else " "
        if c in "'\u2019" and prev.isalnum() and nxt.isalnum():
            continue  # apostrophe inside a word
        can_open = c in _DOUBLE_OPEN + _SINGLE_OPEN and prev in _BEFORE_OPENING and not nxt.isspace()
        can_close = c in _DOUBLE_CLOSE + _SINGLE_CLOSE and not prev.isspace() and nxt in _AFTER_CLOSING
        if opened is None:
            if can_open:
                opened, fallback = (p, _family(c)), None
            continue
        if _family(c) != opened[1]:
            continue  # a nested quotation of the other family
        if can_close:
            weak = _family(c) == "single" and prev == "s" and nxt == " " and line[p + 2:p + 3].islower()
            if weak:
                fallback = p
                continue
            pairs.append((opened[0], p + 1))
            opened = None
        elif can_open:
            if fallback is not None:
                pairs.append((opened[0], fallback + 1))
            opened, fallback = (p, _family(c)), None
    if opened is not None and fallback is not None:
        pairs.append((opened[0], fallback + 1))
    return pairs


def _sentence_starts(text: str, quotes: list[tuple[int, int]]) -> list[int]:
    """Offsets where sentences start, ignoring full stops inside quotations."""
    starts = [0]
    inside = Ranges([(s + 1, e) for s, e in quotes])
    for m in re.finditer(r"(?:[.!?]['\"\u2019\u201d]?\s+|\n+)(?=\S)", text):
        dot = m.start()
        if inside.covers(m.end()):
            continue  # a full stop inside a quotation does not end the reporting sentence
        word = re.search(r"(\w+)\.$", text[max(0, dot - 10):dot + 1])
        if word and (word.group(1) in ABBREVIATIONS or (len(word.group(1)) == 1 and word.group(1).isupper())):
            continue
        starts.append(m.end())
    return starts


class _Attributor:
    """Finds the speaker mention of one quote from the tokens and entities around it."""

    def __init__(self, text: str, tokens: list[Token], entities: list[Entity], quotes: list[tuple[int, int]],
                 sentence_starts: list[int]):
        self.text, self.tokens, self.quotes, self.sentence_starts = text, tokens, quotes, sentence_starts
        self.token_starts = [t.start for t in tokens]
        self.quote_starts = [s for s, _ in quotes]
        # Speakers are people or organisations mentioned outside quotations, in text order
        # (entities never overlap, so ordering by start also orders by end).
        self.speakers = sorted((e for e in entities if e.label in ("PER", "ORG") and not self.in_quote(e.start)),
                               key=lambda e: e.start)
        self.speaker_offsets = [e.start for e in self.speakers]
        self.speaker_ends = {e.end: e for e in self.speakers}
        self.speaker_starts = {e.start: e for e in self.speakers}

    def in_quote(self, offset: int) -> bool:
        k = bisect.bisect_right(self.quote_starts, offset) - 1
        return k >= 0 and offset < self.quotes[k][1]

    def _speakers_between(self, lo: int, hi: int) -> list[Entity]:
        """Speaker mentions starting in [lo, hi), in text order."""
        return self.speakers[bisect.bisect_left(self.speaker_offsets, lo):bisect.bisect_left(self.speaker_offsets, hi)]

    def _speakers_before(self, offset: int):
        """Speaker mentions ending at or before `offset`, nearest first."""
        k = bisect.bisect_left(self.speaker_offsets, offset)
        return (e for e in reversed(self.speakers[:k]) if e.end <= offset)

    def token_index(self, offset: int) -> int:
        """Index of the first token starting at or after `offset`."""
        return bisect.bisect_left(self.token_starts, offset)

    def words(self, lo: int, hi: int) -> list[int]:
        """Token indices in [lo, hi) (character offsets) that lie outside quotations."""
        return [i for i in range(self.token_index(lo), self.token_index(hi)) if not self.in_quote(self.tokens[i].start)]

    def _entity_ending_at(self, i: int) -> Entity | None:
        return self.speaker_ends.get(self.tokens[i].end) if 0 <= i < len(self.tokens) else None

    def _person_before(self, offset: int, role: str | None = None) -> Entity | None:
        """Nearest person mentioned before `offset` (with `role` among its titles, if given)."""
        people = (e for e in self._speakers_before(offset) if e.label == "PER")
        return next((e for e in people if role is None or role in e.roles), None)

    def antecedent(self, offset: int) -> Entity | None:
        """Person a pronoun at `offset` refers to: the first person of its own sentence before
        it, else the first person (usually the subject) of the nearest earlier sentence with one."""
        index = bisect.bisect_right(self.sentence_starts, offset) - 1
        for n in range(index, -1, -1):
            lo = self.sentence_starts[n]
            hi = offset if n == index else self.sentence_starts[n + 1]
            people = [e for e in self._speakers_between(lo, hi) if e.label == "PER" and e.end <= hi]
            if people:
                return self.nearest_mention(people[0], offset)
        return None

    def nearest_mention(self, person: Entity, offset: int) -> Entity:
        """The last mention of the same person before `offset` ("Kim" after "Kim Jong Un")."""
        name = self.text[person.start:person.end]
        words = set(name.split())
        for e in self._speakers_before(offset):
            other = set(self.text[e.start:e.end].split())
            if e.label == "PER" and (other <= words or words <= other):
                return e
        return person

    def subject_of(self, verb: int, lo: int) -> Entity | None:
        """Speaker mention of a speech verb token from its subject, searching tokens >= lo."""
        i = verb - 1
        while i >= lo and (self.tokens[i].lower in _SKIPPABLE or self.tokens[i].lower.endswith("ly")):
            i -= 1
        if i < lo:
            return None
        if (e := self._entity_ending_at(i)) is not None:
            return e
        tok = self.tokens[i]
        if tok.text == "," and self.tokens[verb].lower.endswith("ing"):
            # "X criticised the plan, saying ...": the participle's subject opens the sentence.
            return next(iter(self._speakers_between(self.tokens[lo].start, tok.start)), None)
        if tok.text in PRONOUNS:
            return self.antecedent(tok.start)
        if tok.lower == "who" and i >= 2 and self.tokens[i - 1].text == ",":
            return self._entity_ending_at(i - 2)  # "X, who had said ..."
        if tok.lower in ROLE_HEADS:
            # "the North Korean leader said": a role noun phrase opened by "the" a few words back.
            back = [self.tokens[k].lower for k in range(max(lo, i - 4), i)]
            if "the" in back:
                return self._person_before(self.tokens[i].start, role=tok.lower)
        if tok.text == ",":
            # "X, spokesman for the army, said": skip an appositive back to its comma; else
            # "the official, X, said": the mention right before the comma.
            for k in range(i - 1, max(lo, i - 15) - 1, -1):
                if self.tokens[k].text == ",":
                    if (e := self._entity_ending_at(k - 1)) is not None:
                        return e
                    break
            return self._entity_ending_at(i - 1)
        return None

    def object_of(self, verb: int, hi: int) -> Entity | None:
        """"said X" / "according to X": the mention a few words after token `verb`."""
        for k in range(verb + 1, min(hi, verb + 7)):
            tok = self.tokens[k]
            if (e := self.speaker_starts.get(tok.start)) is not None:
                return e
            if tok.lower in ROLE_HEADS and tok.text.islower() and self.tokens[verb + 1].lower == "the":
                return self._person_before(self.tokens[verb].start, role=tok.lower)  # "said the spokesman"
            if not tok.is_word or tok.text in PRONOUNS:
                return None
        return None

    def speaker(self, quote: tuple[int, int], sentence: tuple[int, int]) -> Entity | None:
        start, end = quote
        after = self.words(end, self._next_quote_start(end, sentence[1]))
        # "<quote>, X said" / "<quote>, said X": the verb within the first words after the quote.
        for n, i in enumerate(after[:16]):
            if self._is_speech_verb(i):
                verb_first = all(not self.tokens[k].is_word for k in after[:n])
                found = self.object_of(i, len(self.tokens)) if verb_first else self.subject_of(i, after[0])
                if found is not None:
                    return found
                break
            if self.tokens[i].text in ".;!?":
                break
        # "X said: <quote>" / "X said that <quote>" / "according to X, <quote>", nearest verb first.
        before = self.words(sentence[0], start)
        lo = before[0] if before else 0
        for i in reversed(before):
            if self._is_according_to(i):
                if (e := self.object_of(i + 1, self.token_index(start))) is not None:
                    return e
            elif self._is_speech_verb(i) and (e := self.subject_of(i, lo)) is not None:
                return e
        # "<quote>, according to X".
        return next((self.object_of(i + 1, len(self.tokens)) for i in after if self._is_according_to(i)), None)

    def _is_according_to(self, i: int) -> bool:
        return self.tokens[i].lower == "according" and i + 1 < len(self.tokens) and self.tokens[i + 1].lower == "to"

    def _is_speech_verb(self, i: int) -> bool:
        word = self.tokens[i].lower
        if word in PHRASAL_SPEECH_VERBS:
            return i + 1 < len(self.tokens) and self.tokens[i + 1].lower == PHRASAL_SPEECH_VERBS[word]
        return word in SPEECH_VERBS

    def _next_quote_start(self, offset: int, default: int) -> int:
        k = bisect.bisect_left(self.quote_starts, offset)
        return min(self.quote_starts[k], default) if k < len(self.quote_starts) else default

    def has_speech_verb(self, lo: int, hi: int) -> bool:
        return any(self._is_speech_verb(i) for i in self.words(lo, hi)) or "according to" in self.text[lo:hi].lower()


def find_quotes(text: str, tokens: list[Token], entities: list[Entity]) -> list[Quote]:
    """Quotations in text order with their speaker mention's (start, end) when found."""
    pairs = pair_quotes(text)
    starts = _sentence_starts(text, pairs)
    bounds = starts + [len(text)]
    attributor = _Attributor(text, tokens, entities, pairs, starts)
    quotes: list[Quote] = []
    previous: Quote | None = None
    for start, end in pairs:
        k = bisect.bisect_right(starts, start)
        sentence = (bounds[k - 1], max(bounds[k], end))
        words = len(re.findall(r"\w+", text[start:end]))
        if words < SCARE_QUOTE_MAX_WORDS and not attributor.has_speech_verb(*sentence):
            continue
        mention = attributor.speaker((start, end), sentence)
        speaker = (mention.start, mention.end) if mention else None
        if speaker is None and previous is not None and previous.speaker is not None \
                and "\n" not in text[previous.end:start] \
                and len(re.findall(r"\w+", text[previous.end:start])) <= SPLIT_GAP_MAX_WORDS:
            speaker = previous.speaker
        previous = Quote(start, end, speaker)
        quotes.append(previous)
    return quotes
