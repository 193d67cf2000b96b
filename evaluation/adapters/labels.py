"""Turn a model's entity spans (OntoNotes or CoNLL labels) into newsspans prediction dicts.

Shared by the spaCy and Hugging Face adapters. Two steps, both pure functions of the text:
1. the label: PERSON->PER; GPE, LOC, FAC->LOC; ORG->ORG; CARDINAL, ORDINAL, MONEY, PERCENT,
   QUANTITY->NUM with that `num_kind`; DATE and TIME->NUM only with a numeral (see `date_core`).
   Labels with no newsspans counterpart (NORP, EVENT, LAW, MISC, ...) are dropped; a label the
   table does not know is passed through unchanged, so the scorer reports it (or maps it with
   `--label-map`) instead of it disappearing silently.
2. the edges, to follow the gold rules of annotation/GUIDELINES.md: no leading "the" and no
   trailing possessive on names (G4); approximators and comparatives outside numbers (N2);
   the currency sign inside money (N1), which spaCy's tokenizer often leaves out of "$3bn".
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsspans.corpus.model import CANONICAL_LABELS, LABELS, NUM_KINDS

from ..labelmap import PRESETS

# The scorer's OntoNotes and CoNLL presets are the single source of the label table; TIME is
# added because a clock time or "two hours" with a numeral is a NUM in the gold (date/duration).
_PRESETS = (PRESETS["conll"], PRESETS["ontonotes"])
DEFAULT_TARGETS: dict[str, tuple[str, str | None]] = {k: v for p in _PRESETS for k, v in p.mapping.items()}
DEFAULT_TARGETS["TIME"] = ("NUM", "date")
DEFAULT_IGNORED: frozenset[str] = frozenset().union(*(p.ignore for p in _PRESETS)) - {"TIME"}

_NUMBER_WORDS = frozenset("""
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion trillion dozen
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth twentieth
    hundredth thousandth millionth
""".split())
_MONTHS = frozenset("""
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
_UNITS = frozenset("""
    second seconds minute minutes hour hours day days week weeks fortnight fortnights month months
    year years decade decades century centuries
""".split())
_CLOCK = frozenset("a.m. p.m. am pm".split())
_NUMERAL = re.compile(r"\d[\d,.:/]*(?:s|st|nd|rd|th)?")

# Words before a number that stay outside it (N2): approximators, comparatives, focus words, the
# "from"/"between" of a range, and a leading "the" ("the 18th sanctions package"). Stripped repeatedly.
_NUM_PREFIX = re.compile(r"""(?ix)(?:
    the | from | between | only | just | about | around | approximately | roughly | nearly | almost |
    some | over | under | (?:an\ )?estimated | (?:just|well)\ (?:over|under) | more\ than | less\ than |
    fewer\ than | up\ to | at\ least | at\ most | as\ (?:many|much)\ as | close\ to
)\s+""")
_NUM_SUFFIX = re.compile(r"(?i)\s+or\s+(?:so|more)$")  # "$75bn or so" (N2)
_NUM_JOINER = re.compile(r"(?i)\s+(?:to|and|or)\s+|\s*[–—]\s*")  # "2022 to 2025", "six and 10"
_MAGNITUDES = frozenset("hundred thousand million billion trillion".split())
_NAME_PREFIX = re.compile(r"(?i)the\s+")
_POSSESSIVE = re.compile(r"['’]s$")  # a plural possessive's lone mark goes with _EDGE_JUNK
# Surrounding punctuation that is never part of a name or number (G4); "U.S." keeps its dot.
_EDGE_JUNK = " \t\n\"'‘’“”«»()[]{},;:!?"
_CURRENCY = re.compile(r"(?:US\$|A\$|C\$|HK\$|[$€£¥₹₽₴])$")


@dataclass(frozen=True)
class LabelTable:
    """Foreign label -> (newsspans label, num_kind), and the foreign labels to drop."""

    targets: Mapping[str, tuple[str, str | None]] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    ignored: frozenset[str] = DEFAULT_IGNORED

    def target(self, label: str) -> tuple[str, str | None] | None:
        """(label, num_kind) to emit, None to drop, or the label itself when unknown (passed through)."""
        if label in self.ignored:
            return None
        if label in self.targets:
            return self.targets[label]
        return (label, None)


def label_table(overrides: Mapping[str, str | None] | None = None) -> LabelTable:
    """The default table with `overrides`: {"B-ART": "ORG", "MONEY": "NUM:money", "MISC": None (drop)}."""
    targets, ignored = dict(DEFAULT_TARGETS), set(DEFAULT_IGNORED)
    for source, target in (overrides or {}).items():
        if target is None:
            ignored.add(source)
            targets.pop(source, None)
            continue
        label, _, kind = target.partition(":")
        if label not in LABELS or (kind and kind not in NUM_KINDS) or (kind and label != "NUM"):
            raise ValueError(f"label map {source!r}: {target!r} must be one of {', '.join(LABELS)} "
                             f"(NUM may add :kind, one of {', '.join(NUM_KINDS)})")
        targets[source] = (label, kind or None)
        ignored.discard(source)
    return LabelTable(targets, frozenset(ignored))


def _strip_edges(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    return start, end


def _strip_prefix(text: str, start: int, end: int, prefix: re.Pattern) -> tuple[int, int]:
    """Remove `prefix` (a pattern matched at `start`: no `^`, which `match(pos)` would not honour)
    repeatedly, so "the nearly 50" loses both words."""
    while (m := prefix.match(text, start, end)) and m.end() < end:
        start = m.end()
    return start, end


def _word_kind(word: str) -> str | None:
    """What a word of a date or duration is: 'numeral', 'month', 'unit', 'clock' (a.m.), 'measure'
    (a hyphenated numeral and unit: "50-day", "three-year"), or None for any other word."""
    w = word.lower()
    if w in _CLOCK:
        return "clock"
    w = w.rstrip(".")
    if _NUMERAL.fullmatch(w) or w in _NUMBER_WORDS:
        return "numeral"
    if w in _MONTHS:
        return "month"
    if w in _UNITS:
        return "unit"
    parts = [_word_kind(p) for p in w.split("-")] if "-" in w else []
    if parts and set(parts) == {"numeral"}:
        return "numeral"  # "twenty-five", "2024-25"
    if parts and set(parts) == {"numeral", "unit"} and parts[-1] == "unit":
        return "measure"
    return None


def has_numeral(span_text: str) -> bool:
    """Whether a span states a specific number: a digit or a number word ("two", "twenty-five")."""
    return any(ch.isdigit() for ch in span_text) or any(
        _word_kind(w) in ("numeral", "measure") for w in re.split(r"[\s,]+", span_text))


def date_core(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """The numeric part of a DATE/TIME span and its kind, or None when it has no numeral (N4).

    The core runs from the first to the last word that is a numeral, month, time unit or a.m./p.m.
    ("Tuesday, [July 8]", "the past [three years]", "[three years] ago"). It is a `duration` when
    it is only numerals and units ("50 days", "50-day", "six months"), else a `date` ("February
    2022", "2024", "10 a.m."). "Tuesday", "last year", "this week" have no numeral and are dropped.
    """
    core = [(start + m.start(), start + m.end(), kind) for m in re.finditer(r"[^\s,]+", text[start:end])
            if (kind := _word_kind(m.group()))]
    kinds = {kind for _, _, kind in core}
    if not kinds & {"numeral", "measure"}:
        return None
    duration = kinds <= {"numeral", "unit", "measure"} and kinds & {"unit", "measure"}
    return core[0][0], core[-1][1], "duration" if duration else "date"


def number_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a range or list of numbers into one piece per number (N3): "2022 to 2025", "between six
    and 10", "60 percent and 18 percent". A piece without a numeral is not split off ("two and a half"
    stays whole), nor are the words of one number ("one hundred and fifty")."""
    pieces, first = [], start
    for m in _NUM_JOINER.finditer(text, start, end):
        left, right = text[first:m.start()], text[m.end():end]
        if has_numeral(left) and has_numeral(right) and left.split()[-1].lower() not in _MAGNITUDES:
            pieces.append((first, m.start()))
            first = m.end()
    return pieces + [(first, end)]


def _number(text: str, start: int, end: int, kind: str | None) -> tuple[int, int, str | None] | None:
    """Edges and kind of one number under N1, N2 and N4, or None when it states no specific number."""
    start, end = _strip_prefix(text, start, end, _NUM_PREFIX)
    if m := _NUM_SUFFIX.search(text, start, end):
        end = m.start()
    if kind == "date":
        return date_core(text, start, end)
    if not has_numeral(text[start:end]):
        return None  # "hundreds", "billions of dollars", "half": vague amounts are not numbers (N4)
    core = date_core(text, start, end)
    if kind in ("cardinal", "quantity") and core and core == (start, end, "duration"):
        kind = "duration"  # "three-year", "50 days" tagged CARDINAL or QUANTITY
    elif kind == "money" and (m := _CURRENCY.search(text, max(0, start - 3), start)):
        start = m.start()
    return start, end, kind


def _name(text: str, start: int, end: int) -> tuple[int, int]:
    """Edges of a PER/LOC/ORG name under G4: no leading "the", no trailing possessive."""
    start, end = _strip_prefix(text, start, end, _NAME_PREFIX)
    if m := _POSSESSIVE.search(text, start, end):
        end = m.start()
    return _strip_edges(text, start, end)


def _prediction(text: str, start: int, end: int, label: str, num_kind: str | None) -> dict:
    pred = {"start": start, "end": end, "label": label, "text": text[start:end]}
    if num_kind is not None:
        pred["num_kind"] = num_kind
    return pred


def entity_predictions(text: str, start: int, end: int, label: str, table: LabelTable) -> list[dict]:
    """Prediction dicts for one model span under the gold rules: none when its label or content is
    not annotated, several when it is a range of numbers."""
    target = table.target(label)
    if target is None:
        return []
    new_label, num_kind = target
    start, end = _strip_edges(text, start, end)
    if new_label == "NUM":
        numbers = (_number(text, *_strip_edges(text, s, e), num_kind) for s, e in number_parts(text, start, end))
        return [_prediction(text, s, e, "NUM", kind) for s, e, kind in filter(None, numbers) if s < e]
    if new_label in CANONICAL_LABELS:
        start, end = _name(text, start, end)
    return [_prediction(text, start, end, new_label, num_kind)] if start < end else []
