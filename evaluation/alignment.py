"""Place offset-free predictions (`{"text": "Putin", "label": "PER"}`) in their document's text.

A pure function of a text and its predictions: `align_document(text, predictions, policy)`
returns every prediction with offsets. Spans that came with offsets pass through unchanged and
occupy their place; each offset-free string is looked up, in this order of fallbacks, until one
finds it:

    exact       the string, on word boundaries ("Russia" never matches inside "Russian")
    case        the same, ignoring case
    normalized  also with whitespace runs, curly/straight quotes, dashes and apostrophes made equal
    fuzzy       the runs of whole words most like the string (rapidfuzz's ratio of the normalized
                forms), if they score at least `threshold` (0-100)

and the prediction records which fallback found it (`Prediction.alignment`). A string found
nowhere (or only inside spans other claims took) is kept as `unaligned`, without offsets: it is
a claim the system made, scored as spurious. Policies:

    all      every whole-word occurrence of each distinct (text, label) claim, longest first
             (by the length of what was found), never overlapping a span already placed in the same layer (entities and
             quotes are separate layers: a name inside a quote is placed). Duplicated claims
             are one claim, so the result does not depend on the order of the list; a claim
             found only where a claim of the same label was placed (another case or spelling
             of it) is `merged`: counted, adds no span, not scored.
    first    each prediction at the first occurrence, as naive string search does
             (a name mentioned three times and listed three times is placed three times there).
    ordered  each prediction at the first free occurrence after the previous one placed in its
             layer (a mention list in text order), else at the first free occurrence anywhere.

A `context` (a few words around the mention) is looked up first; the prediction is then placed
once, at the occurrence inside the context. A QUOTE found without its quotation marks is
widened to the adjacent marks (skipping a trailing comma or full stop inside them), because gold
quotes include their marks.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from newsspans.corpus.model import QUOTE_LABELS

from .predictions import Prediction

POLICIES: tuple[str, ...] = ("all", "first", "ordered")
STATUSES: tuple[str, ...] = ("offsets", "exact", "case", "normalized", "fuzzy", "unaligned", "merged")
FALLBACKS: tuple[str, ...] = ("exact", "case", "normalized", "fuzzy")
DEFAULT_POLICY = "all"
DEFAULT_THRESHOLD = 80.0

QUOTE_MARKS = "\"'‘’‚‛“”„‟«»‹›「」"
# What the normalized fallback makes equal: every quote mark to one, dashes to '-', whitespace runs to ' '.
_FOLD = {**{c: "'" for c in QUOTE_MARKS}, **{c: "-" for c in "‐‑‒–—―−"}, "…": "."}
_INNER_PUNCT = ",.!?;:…"
_WORD = re.compile(r"\w(?:[\w'’.\-]*\w)?")


def status_of(p: Prediction) -> str:
    """The alignment status of a prediction: `offsets` when the extractor gave them."""
    return p.alignment or "offsets"


def layer_of(label: str) -> str:
    return "quote" if label in QUOTE_LABELS else "entity"


@dataclass
class _Text:
    """A document text with its normalized form and a map from normalized to original positions."""

    text: str
    folded: str
    origin: list[int]  # origin[k]: index in `text` of folded[k]; origin[len] = len(text)
    _runs: dict = field(default_factory=dict)

    def runs(self, k: int) -> tuple[list[tuple[int, int]], list[str]]:
        """Every run of `k` consecutive words, with its normalized text (computed once per k)."""
        if k not in self._runs:
            words = [m.span() for m in _WORD.finditer(self.text)]
            spans = [(words[i][0], words[i + k - 1][1]) for i in range(len(words) - k + 1)]
            self._runs[k] = (spans, [_fold(self.text[s:e]) for s, e in spans])
        return self._runs[k]

    @classmethod
    def of(cls, text: str) -> _Text:
        folded, origin = [], []
        for i, c in enumerate(text):
            if c.isspace():
                if folded and folded[-1] == " ":
                    continue
                c = " "
            folded.append(_FOLD.get(c, c).lower() if len(c.lower()) == 1 else c)
            origin.append(i)
        origin.append(len(text))
        return cls(text, "".join(folded), origin)


def _fold(s: str) -> str:
    return _Text.of(s.strip()).folded


def _pattern(needle: str, flags: int = 0) -> re.Pattern:
    """`needle` on word boundaries: no word character just before (after) a word character at its edge."""
    left = r"(?<!\w)" if re.match(r"\w", needle[0]) else ""
    right = r"(?!\w)" if re.match(r"\w", needle[-1]) else ""
    return re.compile(left + re.escape(needle) + right, flags)


def _fuzzy(needle: str, doc: _Text, threshold: float) -> list[tuple[int, int]]:
    """Runs of whole words (as many as the string has, one fewer or one more) most similar to
    `needle` (rapidfuzz's normalized Indel ratio of the normalized forms, at least `threshold`);
    every run with the best score. Whole words, so a typo never lands inside a longer word."""
    from rapidfuzz import fuzz, process  # imported on first fuzzy lookup

    target = _fold(needle)
    if len(target) < 4:  # short strings are near anything; only their exact forms count
        return []
    n = len(_WORD.findall(needle)) or 1
    runs, forms = [], []
    for k in (n - 1, n, n + 1):
        if k > 0:
            spans, folded = doc.runs(k)
            # A run holding the string itself ("Russia" in "Russian") is what the word-boundary rule
            # of the exact levels refused; fuzzy matching must not let it back in.
            keep = [i for i, f in enumerate(folded) if target not in f]
            runs += [spans[i] for i in keep]
            forms += [folded[i] for i in keep]
    if not runs:
        return []
    scores = process.cdist([target], forms, scorer=fuzz.ratio)[0]
    best = float(scores.max())
    if best < threshold:
        return []
    return sorted({runs[i] for i in range(len(runs)) if scores[i] == best})


def occurrences(needle: str, doc: _Text, threshold: float = DEFAULT_THRESHOLD) -> tuple[str, list[tuple[int, int]]]:
    """(fallback, every occurrence) of the first fallback that finds `needle`; ("unaligned", [])."""
    needle = needle.strip()
    if not needle:
        return "unaligned", []
    for flags, status in ((0, "exact"), (re.IGNORECASE, "case")):
        found = [m.span() for m in _pattern(needle, flags).finditer(doc.text)]
        if found:
            return status, found
    folded = _fold(needle)
    found = [(doc.origin[m.start()], doc.origin[m.end() - 1] + 1) for m in _pattern(folded).finditer(doc.folded)]
    if found:
        return "normalized", found
    found = _fuzzy(needle, doc, threshold)
    return ("fuzzy", found) if found else ("unaligned", [])


def widen_quote(text: str, start: int, end: int) -> tuple[int, int]:
    """A quote's span widened to the quotation marks around it, when both are there."""
    if start > 0 and text[start - 1] in QUOTE_MARKS and text[start] not in QUOTE_MARKS:
        after = end
        while after < len(text) and text[after] in _INNER_PUNCT and after - end < 2:
            after += 1
        if after < len(text) and text[after] in QUOTE_MARKS:
            return start - 1, after + 1
    return start, end


class _Occupied:
    """Spans already placed in one layer, with their labels, for the no-overlap rule."""

    def __init__(self):
        self.spans: list[tuple[int, int, str]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or e <= start for s, e, _ in self.spans)

    def same_label(self, start: int, end: int, label: str) -> bool:
        """Is [start, end) inside a span placed with `label`?"""
        return any(s <= start and end <= e and lab == label for s, e, lab in self.spans)

    def add(self, start: int, end: int, label: str) -> None:
        self.spans.append((start, end, label))


def _placed(p: Prediction, doc: _Text, status: str, start: int, end: int) -> Prediction:
    if p.label in QUOTE_LABELS:
        start, end = widen_quote(doc.text, start, end)
    return replace(p, start=start, end=end, text=doc.text[start:end], alignment=status)


def _in_context(p: Prediction, doc: _Text, status: str, found: list[tuple[int, int]],
                threshold: float) -> list[tuple[int, int]]:
    """The occurrences inside the first place the context is found, or all if it is found nowhere."""
    _, places = occurrences(p.context, doc, threshold)
    for cs, ce in places:
        inside = [(s, e) for s, e in found if cs <= s and e <= ce]
        if inside:
            return inside[:1]
    return found


def align_document(text: str, predictions: Sequence[Prediction], policy: str = DEFAULT_POLICY,
                   threshold: float = DEFAULT_THRESHOLD) -> list[Prediction]:
    """Every prediction of one document with offsets, or `unaligned` (see the module docstring).

    Spans with offsets come first, in their order, then the placed ones; an unaligned or merged
    prediction keeps `start`/`end` None.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown alignment policy {policy!r} (known: {', '.join(POLICIES)})")
    given = [p for p in predictions if not p.offset_free]
    free = [p for p in predictions if p.offset_free]
    if not free:
        return list(predictions)
    doc = _Text.of(text)
    occupied = {"entity": _Occupied(), "quote": _Occupied()}
    for p in given:
        occupied[layer_of(p.label)].add(p.start, p.end, p.label)
    cursor = {"entity": 0, "quote": 0}
    out = list(given)
    lookups: dict[str, tuple[str, list[tuple[int, int]]]] = {}

    def lookup(needle: str) -> tuple[str, list[tuple[int, int]]]:
        if needle not in lookups:
            lookups[needle] = occurrences(needle, doc, threshold)
        return lookups[needle]

    for p in _claims(free, policy, lookup):
        status, found = lookup(p.text)
        if found and p.context:
            found = _in_context(p, doc, status, found, threshold)
        layer = occupied[layer_of(p.label)]
        if policy == "first" or (found and p.context):
            spots = found[:1]
        elif policy == "ordered":
            after = [(s, e) for s, e in found if s >= cursor[layer_of(p.label)] and layer.free(s, e)]
            spots = (after or [(s, e) for s, e in found if layer.free(s, e)])[:1]
        else:
            spots = [(s, e) for s, e in found if layer.free(s, e)]
        placed = [_placed(p, doc, status, s, e) for s, e in spots]
        placed = [q for q in placed if policy == "first" or layer.free(q.start, q.end)]
        for q in placed:
            layer.add(q.start, q.end, q.label)
            cursor[layer_of(p.label)] = q.end
        if not placed and policy == "all" and found and all(layer.same_label(s, e, p.label) for s, e in found):
            # Another spelling of a claim already placed ("russia" after "Russia", a typo): it names
            # the same spans, so it adds none, and is counted as merged rather than scored.
            placed = [replace(p, alignment="merged")]
        # A string found nowhere, or only inside spans of other claims, cannot stand on its own: spurious.
        out.extend(placed or [replace(p, alignment="unaligned")])
    return out


def _claims(free: list[Prediction], policy: str, lookup) -> list[Prediction]:
    """The predictions to place, in placing order. Under `all`: one claim per distinct (text,
    label, context), where texts equal after normalization ("Russia", "russia") are one text and
    the form found by the earliest fallback stands for them, the most confident kept. Claims with
    a context go first, then the longest spans found (so "Kim Jong Un" before "Kim"), an exact
    claim before a fuzzy one of the same length. The order is total: the list's order never matters."""
    if policy != "all":
        return free
    best: dict[tuple, Prediction] = {}
    for p in free:
        key = (_fold(p.text), p.label, p.context or "")
        q = best.get(key)
        if q is None or _rank(p, lookup) < _rank(q, lookup):
            best[key] = p

    def order(key: tuple) -> tuple:
        status, found = lookup(best[key].text)
        return (not key[2], -max((e - s for s, e in found), default=0), STATUSES.index(status), key)

    return [best[k] for k in sorted(best, key=order)]


def _rank(p: Prediction, lookup) -> tuple:
    # A total order on duplicated claims: the earliest fallback, then the higher score, then any field.
    return (STATUSES.index(lookup(p.text)[0]), -1.0 if p.score is None else -p.score, p.text,
            repr((p.num_kind, p.speaker, p.speaker_score)))


def align_predictions(texts: dict[str, str], predictions: dict[str, Sequence[Prediction]],
                      policy: str = DEFAULT_POLICY, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """`align_document` for every document with offset-free predictions (others unchanged); same
    mapping type and attributes (a PredictionSet keeps its file and lines)."""
    if not any(p.start is None for preds in predictions.values() for p in preds):  # offset_free, inline
        return predictions
    out = type(predictions)() if type(predictions) is dict else \
        type(predictions)(file=getattr(predictions, "file", ""), lines=getattr(predictions, "lines", {}))
    for doc_id, preds in predictions.items():
        out[doc_id] = align_document(texts[doc_id], preds, policy, threshold) \
            if doc_id in texts and any(p.offset_free for p in preds) else preds
    return out


def status_counts(predicted: Sequence[Prediction], doc_index: dict[str, int], n_docs: int):
    """Per-document counts of predictions by alignment status: (n_docs, len(STATUSES)), additive."""
    import numpy as np

    counts = np.zeros((n_docs, len(STATUSES)), dtype=np.int64)
    column = {s: k for k, s in enumerate(STATUSES)}
    for p in predicted:
        counts[doc_index[p.doc_id], column[status_of(p)]] += 1
    return counts


def alignment_dict(counts, predicted: Sequence[Prediction]) -> dict:
    """The report's section for one layer: {status: count, ..., "unaligned": [{doc_id, label, text}]}
    (the texts of the unaligned ones under `unaligned_texts`)."""
    totals = counts.sum(axis=0).tolist()
    out: dict = dict(zip(STATUSES, totals))
    out["unaligned_texts"] = [{"doc_id": p.doc_id, "label": p.label, "text": p.text}
                              for p in predicted if p.alignment == "unaligned"]
    return out
